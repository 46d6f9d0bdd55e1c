import { NS } from "../namespaces.ts";
import { attr, childLoose, childrenLoose, resolveQName, textOf, type XmlElement } from "../xml/tree.ts";

/** One ONVIF event as carried by wsnt:NotificationMessage (PullMessages) or tt:Event (FindEvents). */
export interface EventMessage {
  /** Topic with the ONVIF topic namespace written "tns1:" whatever prefix the device used. */
  readonly topic: string | null;
  readonly utcTime: string | null;
  /** "Initialized" | "Changed" | "Deleted" for property events, null for plain events. */
  readonly propertyOperation: string | null;
  readonly source: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * Rewrites each prefixed step of a topic path so the ONVIF topic namespace reads "tns1:",
 * whatever prefix the device bound to it ("ns1:VideoSource/SignalLoss" → "tns1:VideoSource/SignalLoss").
 */
export function normalizeTopic(el: XmlElement, raw: string): string {
  return raw
    .trim()
    .split("/")
    .map((step) => {
      if (!step.includes(":")) return step;
      const q = resolveQName(el, step);
      return q && q.ns === NS.tns1 ? `tns1:${q.local}` : step;
    })
    .join("/");
}

/** Compares topics; an unbound prefix on either side is ignored rather than failing the match. */
export function topicIs(topic: string | null, expected: string): boolean {
  if (topic === null) return false;
  if (topic === expected) return true;
  const bare = (t: string): string =>
    t
      .split("/")
      .map((s) => s.slice(s.indexOf(":") + 1))
      .join("/");
  return bare(topic) === bare(expected);
}

function simpleItems(parent: XmlElement | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of childrenLoose(parent, NS.tt, "SimpleItem")) {
    const name = attr(item, "Name");
    const value = attr(item, "Value");
    if (name !== null && value !== null && !(name in out)) out[name] = value;
  }
  return out;
}

export function parseEventMessage(holder: XmlElement): EventMessage {
  const topicEl = childLoose(holder, NS.wsnt, "Topic");
  const topicText = textOf(topicEl);
  const wrapper = childLoose(holder, NS.wsnt, "Message");
  // tt:Message inside wsnt:Message; some firmware puts the payload directly in wsnt:Message.
  const msg = childLoose(wrapper, NS.tt, "Message") ?? wrapper;
  return {
    topic: topicEl && topicText ? normalizeTopic(topicEl, topicText) : null,
    utcTime: attr(msg, "UtcTime"),
    propertyOperation: attr(msg, "PropertyOperation"),
    source: simpleItems(childLoose(msg, NS.tt, "Source")),
    data: simpleItems(childLoose(msg, NS.tt, "Data")),
  };
}
