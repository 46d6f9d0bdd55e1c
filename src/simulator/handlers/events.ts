import type { SimDevice, Subscription } from "../device.ts";
import { signalLossMessage } from "../device.ts";
import { FaultAnswer, fault } from "../faults.ts";
import { child, textAt, type XNode } from "../soapRequest.ts";
import { isoUtc, parseDurationMs } from "../time.ts";
import { CONCRETE_SET, NS, el } from "../xml.ts";
import { serviceCapabilities } from "./capabilities.ts";
import type { Answer, Ctx, ServiceDef } from "./types.ts";
import { HOUR } from "../../domain/time.ts";

const DEFAULT_TERMINATION_MS = 60_000;
const MAX_TERMINATION_MS = HOUR;
/** Devices must support a one-minute PullMessages timeout; longer asks are cut to this. */
export const MAX_PULL_TIMEOUT_MS = 60_000;
const MAX_MESSAGE_LIMIT = 1000;

const action = (a: string): string => `<wsa:Action>http://www.onvif.org/ver10/events/wsdl/${a}</wsa:Action>`;

/** Whether a subscription filter lets tns1:VideoSource/SignalLoss through (no filter: everything). */
function wantsSignalLoss(filter: XNode | null): boolean {
  const expr = child(filter, "TopicExpression");
  if (!expr || expr.text.trim() === "") return true;
  return expr.text.split("|").some((raw) => {
    const t = raw.trim().replace(/^[A-Za-z0-9_]+:/, "");
    return t === "VideoSource/SignalLoss" || t === "VideoSource//." || t === "VideoSource/*" || t === "//.";
  });
}

function initialMessages(d: SimDevice): string[] {
  const utc = d.deviceIso(d.now());
  return d.channels
    .filter((c) => c.spec.online)
    .map((c) => signalLossMessage(utc, c.n, c.spec.signalLoss, "Initialized"));
}

/** InitialTerminationTime/TerminationTime: a duration or an absolute time on the device clock. */
function terminationMs(d: SimDevice, text: string | null): number {
  if (text === null || text === "") return DEFAULT_TERMINATION_MS;
  const rel = parseDurationMs(text);
  const ms = rel ?? Date.parse(text) - d.deviceNow();
  if (Number.isNaN(ms) || ms <= 0) {
    throw new FaultAnswer(fault.invalidArgVal(null, `Invalid termination time ${text}`));
  }
  return Math.min(ms, MAX_TERMINATION_MS);
}

function needSubscription(ctx: Ctx): Subscription {
  ctx.device.expire();
  const id = Number(/\/onvif\/subscription\/(\d+)$/.exec(ctx.path)?.[1] ?? NaN);
  const sub = ctx.device.subscriptions.get(id);
  if (!sub) throw new FaultAnswer(fault.invalidArgVal(null, "Unknown or expired subscription"));
  return sub;
}

async function waitForMessages(sub: Subscription, timeoutMs: number, closed: Promise<void>): Promise<void> {
  if (sub.queue.length > 0 || timeoutMs <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      sub.wake = resolve;
    }),
    closed,
  ]);
  clearTimeout(timer);
  sub.wake = null;
}

export const eventsService: ServiceDef = {
  key: "events",
  namespaces: [NS.tev],
  enabled: (d) => d.spec.events,
  handlers: {
    GetServiceCapabilities: ({ device }) =>
      `<tev:GetServiceCapabilitiesResponse>${serviceCapabilities(device, "events")}</tev:GetServiceCapabilitiesResponse>`,

    GetEventProperties: () =>
      `<tev:GetEventPropertiesResponse xmlns:wstop="http://docs.oasis-open.org/wsn/t-1" xmlns:xs="http://www.w3.org/2001/XMLSchema">` +
      `${el("tev:TopicNamespaceLocation", "http://www.onvif.org/onvif/ver10/topics/topicns.xml")}` +
      `${el("wsnt:FixedTopicSet", true)}<wstop:TopicSet><tns1:VideoSource><tns1:SignalLoss wstop:topic="true">` +
      `<tt:MessageDescription IsProperty="true"><tt:Source><tt:SimpleItemDescription Name="Source" Type="tt:ReferenceToken"/></tt:Source>` +
      `<tt:Data><tt:SimpleItemDescription Name="State" Type="xs:boolean"/></tt:Data></tt:MessageDescription>` +
      `</tns1:SignalLoss></tns1:VideoSource></wstop:TopicSet>` +
      `${el("wsnt:TopicExpressionDialect", CONCRETE_SET)}` +
      `${el("wsnt:TopicExpressionDialect", "http://docs.oasis-open.org/wsn/t-1/TopicExpression/Concrete")}` +
      `${el("tev:MessageContentFilterDialect", "http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter")}` +
      `${el("tev:MessageContentSchemaLocation", "http://www.onvif.org/onvif/ver10/schema/onvif.xsd")}` +
      `</tev:GetEventPropertiesResponse>`,

    CreatePullPointSubscription: ({ device, op }): Answer => {
      const duration = terminationMs(device, textAt(op, "InitialTerminationTime"));
      const signalLoss = wantsSignalLoss(child(op, "Filter"));
      const sub = device.newSubscription(duration, signalLoss);
      if (!sub)
        throw new FaultAnswer(
          fault.receiverAction("TooManySubscriptions", "Maximum number of pull points reached"),
        );
      if (signalLoss) sub.queue.push(...initialMessages(device));
      const now = device.deviceNow();
      return {
        header: action("EventPortType/CreatePullPointSubscriptionResponse"),
        body:
          `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference>` +
          `${el("wsa:Address", `${device.baseUrl()}/onvif/subscription/${sub.id}`)}</tev:SubscriptionReference>` +
          `${el("wsnt:CurrentTime", isoUtc(now))}${el("wsnt:TerminationTime", isoUtc(now + duration))}` +
          `</tev:CreatePullPointSubscriptionResponse>`,
      };
    },
  },
};

/** The pull point's own endpoint: /onvif/subscription/N. */
export const subscriptionService: ServiceDef = {
  key: "subscription",
  namespaces: [NS.tev, NS.wsnt],
  enabled: (d) => d.spec.events,
  handlers: {
    PullMessages: async (ctx): Promise<Answer> => {
      const { device, op } = ctx;
      const sub = needSubscription(ctx);
      const timeout = parseDurationMs(textAt(op, "Timeout"));
      const limit = Number(textAt(op, "MessageLimit") ?? NaN);
      if (timeout === null || timeout < 0 || !Number.isInteger(limit) || limit < 1) {
        throw new FaultAnswer(
          fault.invalidArgVal(null, "PullMessages needs a Timeout duration and a positive MessageLimit"),
        );
      }
      sub.terminationMs = device.now() + sub.durationMs;
      await waitForMessages(sub, Math.min(timeout, MAX_PULL_TIMEOUT_MS), ctx.closed);
      const messages = sub.queue.splice(0, Math.min(limit, MAX_MESSAGE_LIMIT));
      sub.terminationMs = device.now() + sub.durationMs;
      const now = device.deviceNow();
      return {
        header: action("PullPointSubscription/PullMessagesResponse"),
        body:
          `<tev:PullMessagesResponse>${el("tev:CurrentTime", isoUtc(now))}` +
          `${el("tev:TerminationTime", isoUtc(now + sub.durationMs))}${messages.join("")}</tev:PullMessagesResponse>`,
      };
    },

    SetSynchronizationPoint: (ctx): Answer => {
      const sub = needSubscription(ctx);
      if (sub.signalLoss) sub.queue.push(...initialMessages(ctx.device));
      sub.wake?.();
      return {
        header: action("PullPointSubscription/SetSynchronizationPointResponse"),
        body: `<tev:SetSynchronizationPointResponse/>`,
      };
    },

    Renew: (ctx): Answer => {
      const sub = needSubscription(ctx);
      const ms = terminationMs(ctx.device, textAt(ctx.op, "TerminationTime"));
      sub.terminationMs = ctx.device.now() + ms;
      const now = ctx.device.deviceNow();
      return {
        header: `<wsa:Action>http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/RenewResponse</wsa:Action>`,
        body: `<wsnt:RenewResponse>${el("wsnt:TerminationTime", isoUtc(now + ms))}${el("wsnt:CurrentTime", isoUtc(now))}</wsnt:RenewResponse>`,
      };
    },

    Unsubscribe: (ctx): Answer => {
      const sub = needSubscription(ctx);
      sub.wake?.();
      ctx.device.subscriptions.delete(sub.id);
      return {
        header: `<wsa:Action>http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeResponse</wsa:Action>`,
        body: `<wsnt:UnsubscribeResponse/>`,
      };
    },
  },
};
