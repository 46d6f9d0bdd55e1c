import type { OnvifSession } from "../types.ts";
import { topicIs, type EventMessage } from "./eventMessage.ts";
import { createPullPointSubscription, pullMessages, unsubscribe } from "./events.ts";

export const SIGNAL_LOSS_TOPIC = "tns1:VideoSource/SignalLoss";

export interface SignalLossOptions {
  /** PullMessages Timeout: how long the device may wait for messages (short: we want the initial state). */
  readonly pullTimeoutSeconds: number;
  readonly messageLimit: number;
  /** Pulls at most; pulling stops early after one that returns fewer than messageLimit messages. */
  readonly maxPulls: number;
}

export const DEFAULT_SIGNAL_LOSS_OPTIONS: SignalLossOptions = {
  pullTimeoutSeconds: 2,
  messageLimit: 100,
  maxPulls: 3,
};

const SOURCE_ITEMS = ["Source", "VideoSource", "VideoSourceToken", "Token"];
const STATE_ITEMS = ["State", "IsSignalLoss", "SignalLoss"];

const pick = (items: Readonly<Record<string, string>>, names: readonly string[]): string | undefined =>
  names.map((n) => items[n]).find((v) => v !== undefined) ?? Object.values(items)[0];

/**
 * Folds SignalLoss messages into video source → lost. Imaging names the source item "Source",
 * the Analytics annex "VideoSource" (onvif/testspecs#64), so both are read; later messages
 * override earlier ones, Deleted removes the source.
 */
export function foldSignalLoss(messages: readonly EventMessage[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const m of messages) {
    if (!topicIs(m.topic, SIGNAL_LOSS_TOPIC)) continue;
    const source = pick(m.source, SOURCE_ITEMS);
    if (source === undefined) continue;
    if (m.propertyOperation === "Deleted") {
      delete out[source];
      continue;
    }
    const state = pick(m.data, STATE_ITEMS)?.trim().toLowerCase();
    if (state === "true" || state === "1") out[source] = true;
    else if (state === "false" || state === "0") out[source] = false;
  }
  return out;
}

/**
 * The current SignalLoss state of every video source: a pull-point filtered on the topic
 * returns one PropertyOperation="Initialized" message per source first. Always unsubscribes.
 * Returns the messages seen too, so the caller can tell "no source lost" from "device said nothing".
 */
export async function readSignalLoss(
  session: OnvifSession,
  opts: SignalLossOptions = DEFAULT_SIGNAL_LOSS_OPTIONS,
): Promise<{ readonly states: Record<string, boolean>; readonly messages: number }> {
  const sub = await createPullPointSubscription(session, SIGNAL_LOSS_TOPIC);
  const messages: EventMessage[] = [];
  try {
    for (let i = 0; i < opts.maxPulls; i++) {
      const got = await pullMessages(session, sub, opts.pullTimeoutSeconds, opts.messageLimit);
      messages.push(...got);
      // A batch short of the limit holds every initial state the device had queued; pulling
      // again would only wait out the Timeout for live changes we do not need.
      if (got.length < opts.messageLimit) break;
    }
  } finally {
    await unsubscribe(session, sub).catch(() => undefined);
  }
  const relevant = messages.filter((m) => topicIs(m.topic, SIGNAL_LOSS_TOPIC));
  return { states: foldSignalLoss(relevant), messages: relevant.length };
}
