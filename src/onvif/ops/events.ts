import { OnvifError } from "../errors.ts";
import { CONCRETE_SET_DIALECT, NS } from "../namespaces.ts";
import { requireResponse } from "../soap/response.ts";
import { formatDuration } from "../time/duration.ts";
import type { OnvifSession } from "../types.ts";
import { attr, childLoose, childrenLoose, resolveQName, textOf, type XmlElement } from "../xml/tree.ts";
import { escapeText } from "../xml/write.ts";
import { parseEventMessage, type EventMessage } from "./eventMessage.ts";

const CREATE_PULL_POINT = `${NS.tev}/EventPortType/CreatePullPointSubscriptionRequest`;
const PULL_MESSAGES = `${NS.tev}/PullPointSubscription/PullMessagesRequest`;
const GET_EVENT_PROPERTIES = `${NS.tev}/EventPortType/GetEventPropertiesRequest`;
const UNSUBSCRIBE = "http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeRequest";

/** A pull-point subscription: where to pull, and what to echo there. */
export interface PullPointSubscription {
  /** Subscription manager address, rewritten for NAT like every device-given address. */
  readonly address: string;
  readonly referenceParameters: readonly XmlElement[];
  readonly terminationTime: string | null;
}

export function createPullPointBody(topicExpression: string, initialTerminationSeconds: number): string {
  return (
    "<tev:CreatePullPointSubscription>" +
    `<tev:Filter><wsnt:TopicExpression Dialect="${CONCRETE_SET_DIALECT}">${escapeText(topicExpression)}</wsnt:TopicExpression></tev:Filter>` +
    `<tev:InitialTerminationTime>${formatDuration(initialTerminationSeconds)}</tev:InitialTerminationTime>` +
    "</tev:CreatePullPointSubscription>"
  );
}

export function parseCreatePullPoint(
  body: XmlElement,
  rewrite: (url: string) => string,
): PullPointSubscription {
  const r = requireResponse(body, NS.tev, "CreatePullPointSubscriptionResponse");
  const ref = childLoose(r, NS.tev, "SubscriptionReference");
  const address = textOf(childLoose(ref, NS.wsa, "Address"));
  if (!address) throw new OnvifError({ kind: "malformed", message: "subscription reference has no Address" });
  return {
    address: rewrite(address),
    referenceParameters: childLoose(ref, NS.wsa, "ReferenceParameters")?.children ?? [],
    terminationTime: textOf(childLoose(r, NS.wsnt, "TerminationTime")),
  };
}

export async function createPullPointSubscription(
  session: OnvifSession,
  topicExpression: string,
  initialTerminationSeconds = 60,
): Promise<PullPointSubscription> {
  const body = await session.call({
    service: "events",
    action: CREATE_PULL_POINT,
    body: createPullPointBody(topicExpression, initialTerminationSeconds),
    addressing: {},
  });
  return parseCreatePullPoint(body, (u) => session.rewriteAddress(u));
}

export function pullMessagesBody(timeoutSeconds: number, messageLimit: number): string {
  return (
    `<tev:PullMessages><tev:Timeout>${formatDuration(timeoutSeconds)}</tev:Timeout>` +
    `<tev:MessageLimit>${Math.max(1, Math.floor(messageLimit))}</tev:MessageLimit></tev:PullMessages>`
  );
}

/** The messages of a PullMessagesResponse; CurrentTime/TerminationTime are not needed (and may be invalid). */
export function parsePullMessages(body: XmlElement): EventMessage[] {
  const r = requireResponse(body, NS.tev, "PullMessagesResponse");
  return childrenLoose(r, NS.wsnt, "NotificationMessage").map(parseEventMessage);
}

/** PullMessages with WS-Addressing to the subscription; the deadline covers the device's wait. */
export async function pullMessages(
  session: OnvifSession,
  sub: PullPointSubscription,
  timeoutSeconds: number,
  messageLimit: number,
): Promise<EventMessage[]> {
  const body = await session.call({
    service: "events",
    url: sub.address,
    action: PULL_MESSAGES,
    body: pullMessagesBody(timeoutSeconds, messageLimit),
    addressing: { referenceParameters: sub.referenceParameters },
    deadlineMs: (timeoutSeconds + Math.max(1, session.device.timeoutSeconds)) * 1000,
  });
  return parsePullMessages(body);
}

export async function unsubscribe(session: OnvifSession, sub: PullPointSubscription): Promise<void> {
  await session.call({
    service: "events",
    url: sub.address,
    action: UNSUBSCRIBE,
    body: "<wsnt:Unsubscribe/>",
    addressing: { referenceParameters: sub.referenceParameters },
  });
}

/**
 * Topic paths a device announces in GetEventProperties, e.g. "tns1:VideoSource/SignalLoss".
 * Steps below the root are taken by local name: Hikvision puts them in no namespace at all, or
 * in its own (tnshik:HardDiskFull under tns1:Device/HardwareFailure).
 */
export function parseEventTopics(body: XmlElement): string[] {
  const r = requireResponse(body, NS.tev, "GetEventPropertiesResponse");
  const set = childLoose(r, NS.wstop, "TopicSet");
  const out: string[] = [];
  const walk = (el: XmlElement, path: string[], depth: number): void => {
    if (depth > 32) return;
    for (const c of el.children) {
      if (c.ns === NS.tt && c.local === "MessageDescription") continue;
      const step = path.length === 0 ? rootStep(c) : c.local;
      const next = [...path, step];
      if (attr(c, "topic", NS.wstop) === "true") out.push(next.join("/"));
      walk(c, next, depth + 1);
    }
  };
  if (set) walk(set, [], 0);
  return [...new Set(out)];
}

function rootStep(el: XmlElement): string {
  if (el.ns === NS.tns1) return `tns1:${el.local}`;
  const q = el.prefix ? resolveQName(el, `${el.prefix}:${el.local}`) : null;
  return q?.prefix ? `${q.prefix}:${el.local}` : el.local;
}

export async function getEventTopics(session: OnvifSession): Promise<string[]> {
  const body = await session.call({
    service: "events",
    action: GET_EVENT_PROPERTIES,
    body: "<tev:GetEventProperties/>",
    addressing: {},
  });
  return parseEventTopics(body);
}
