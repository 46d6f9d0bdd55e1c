import { randomUUID } from "node:crypto";
import { NS } from "../namespaces.ts";
import type { XmlElement } from "../xml/tree.ts";
import { escapeText, serializeElement } from "../xml/write.ts";

export interface AddressingInput {
  readonly action: string;
  readonly to: string;
  readonly messageId?: string;
  /** From the subscription's EndpointReference; echoed as header blocks (Axis needs its SubscriptionId). */
  readonly referenceParameters?: readonly XmlElement[];
}

/**
 * WS-Addressing header blocks for the event service, which "shall" use them: a PullMessages
 * without wsa:To / the echoed reference parameters is refused by some devices (agsh/onvif#158).
 */
const OUTER = { s: NS.soap12, wsa: NS.wsa };

export function addressingHeaders(input: AddressingInput): string[] {
  const id = input.messageId ?? `urn:uuid:${randomUUID()}`;
  return [
    `<wsa:Action s:mustUnderstand="1">${escapeText(input.action)}</wsa:Action>`,
    `<wsa:MessageID>${escapeText(id)}</wsa:MessageID>`,
    `<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address></wsa:ReplyTo>`,
    `<wsa:To s:mustUnderstand="1">${escapeText(input.to)}</wsa:To>`,
    ...(input.referenceParameters ?? []).map((p) =>
      serializeElement(p, 'wsa:IsReferenceParameter="true"', OUTER),
    ),
  ];
}
