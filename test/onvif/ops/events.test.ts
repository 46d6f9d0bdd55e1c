import { describe, expect, it } from "vitest";
import { NS } from "../../../src/onvif/namespaces.ts";
import { parseEventMessage } from "../../../src/onvif/ops/eventMessage.ts";
import { foldSignalLoss, readSignalLoss } from "../../../src/onvif/ops/signalLoss.ts";
import { createOnvifSession } from "../../../src/onvif/session.ts";
import { parseXml } from "../../../src/onvif/xml/parse.ts";
import { attr, childLoose, childText } from "../../../src/onvif/xml/tree.ts";
import {
  envelope,
  fakeHttp,
  netError,
  servicesXml,
  systemDateAndTime,
  testDevice,
  type Route,
} from "../helpers/fakeDevice.ts";

const NOW = Date.UTC(2026, 9, 1, 8, 0, 0);
const EVENTS = "http://203.0.113.7:8080/onvif/events";

const CREATED = envelope(
  `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference>` +
    `<wsa:Address>http://192.168.1.64/onvif/Subscription?Idx=3</wsa:Address>` +
    `<wsa:ReferenceParameters><dom0:SubscriptionId xmlns:dom0="http://www.axis.com/2009/event">13</dom0:SubscriptionId></wsa:ReferenceParameters>` +
    `</tev:SubscriptionReference><wsnt:CurrentTime>2026-10-01T08:00:00Z</wsnt:CurrentTime>` +
    `<wsnt:TerminationTime>2026-10-01T08:01:00Z</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`,
);

const signalLoss = (
  source: string,
  state: string,
  op = "Initialized",
  sourceName = "Source",
  prefix = "tns1",
): string =>
  `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet"${
    prefix === "tns1" ? "" : ` xmlns:${prefix}="${NS.tns1}"`
  }>${prefix}:VideoSource/SignalLoss</wsnt:Topic><wsnt:Message><tt:Message UtcTime="2026-10-01T08:00:00Z" PropertyOperation="${op}">` +
  `<tt:Source><tt:SimpleItem Name="${sourceName}" Value="${source}"/></tt:Source><tt:Data><tt:SimpleItem Name="State" Value="${state}"/></tt:Data>` +
  `</tt:Message></wsnt:Message></wsnt:NotificationMessage>`;

const pulled = (...messages: string[]): string =>
  envelope(
    `<tev:PullMessagesResponse><tev:CurrentTime>2026-10-01T08:00:01Z</tev:CurrentTime><tev:TerminationTime>2026-10-01T08:01:01Z</tev:TerminationTime>${messages.join("")}</tev:PullMessagesResponse>`,
  );

function setup(routes: Record<string, Route>) {
  const http = fakeHttp({
    GetSystemDateAndTime: systemDateAndTime(NOW),
    GetServices: servicesXml({ [NS.tev]: "http://192.168.1.64/onvif/events" }),
    CreatePullPointSubscription: CREATED,
    Unsubscribe: envelope(`<wsnt:UnsubscribeResponse/>`),
    ...routes,
  });
  return { http, session: createOnvifSession({ device: testDevice(), http, now: () => NOW }) };
}

describe("SignalLoss through a pull-point", () => {
  it("pulls again while batches come back full, and stops at the first short one", async () => {
    const { http, session } = setup({
      PullMessages: (_s, nth) =>
        nth === 0
          ? pulled(signalLoss("VideoSource_1", "false"), signalLoss("VideoSource_2", "false"))
          : pulled(signalLoss("VideoSource_3", "true")),
    });
    const r = await readSignalLoss(session, { pullTimeoutSeconds: 2, messageLimit: 2, maxPulls: 5 });
    expect(r.states).toEqual({ VideoSource_1: false, VideoSource_2: false, VideoSource_3: true });
    expect(http.opsSeen().filter((op) => op === "PullMessages")).toHaveLength(2);
  });

  it("subscribes on the topic, pulls the Initialized state with WS-Addressing, and unsubscribes", async () => {
    const { http, session } = setup({
      PullMessages: (_s, nth) =>
        nth === 0
          ? pulled(
              signalLoss("VideoSource_1", "false"),
              signalLoss("VideoSource_2", "true"),
              signalLoss("VideoSource_3", "false", "Initialized", "VideoSource", "ns7"),
            )
          : pulled(),
    });
    const r = await readSignalLoss(session);
    expect(r).toEqual({
      states: { VideoSource_1: false, VideoSource_2: true, VideoSource_3: false },
      messages: 3,
    });
    expect(http.opsSeen()).toEqual([
      "GetSystemDateAndTime",
      "GetServices",
      "CreatePullPointSubscription",
      "PullMessages", // a batch short of MessageLimit holds every queued initial state: no second pull
      "Unsubscribe",
    ]);

    const create = http.seen[2]!;
    expect(create.req.url).toBe(EVENTS); // the XAddr rewritten for NAT
    expect(childText(childLoose(create.bodyElement, NS.tev, "Filter"), NS.wsnt, "TopicExpression")).toBe(
      "tns1:VideoSource/SignalLoss",
    );
    expect(childText(create.header, NS.wsa, "To")).toBe(EVENTS);
    expect(childText(create.header, NS.wsa, "Action")).toBe(
      "http://www.onvif.org/ver10/events/wsdl/EventPortType/CreatePullPointSubscriptionRequest",
    );
    expect(childText(create.header, NS.wsa, "MessageID")).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);

    const pull = http.seen[3]!;
    const subscription = "http://203.0.113.7:8080/onvif/Subscription?Idx=3";
    expect(pull.req.url).toBe(subscription);
    expect(childText(pull.header, NS.wsa, "To")).toBe(subscription);
    expect(childText(pull.header, NS.wsa, "Action")).toBe(
      "http://www.onvif.org/ver10/events/wsdl/PullPointSubscription/PullMessagesRequest",
    );
    const echoed = childLoose(pull.header, "http://www.axis.com/2009/event", "SubscriptionId");
    expect(echoed?.text).toBe("13");
    expect(attr(echoed, "IsReferenceParameter", NS.wsa)).toBe("true");
    expect(childText(pull.bodyElement, NS.tev, "Timeout")).toBe("PT2S");
    expect(childText(pull.bodyElement, NS.tev, "MessageLimit")).toBe("100");
    expect(pull.req.deadlineMs).toBe((2 + 5) * 1000); // the device's wait plus the normal deadline
    expect(childLoose(pull.header, NS.wsse, "Security")).not.toBeNull();

    const unsub = http.seen[4]!;
    expect(unsub.req.url).toBe(subscription);
    expect(childLoose(unsub.header, "http://www.axis.com/2009/event", "SubscriptionId")?.text).toBe("13");
  });

  it("unsubscribes even when pulling fails", async () => {
    const { http, session } = setup({ PullMessages: netError("timeout", "no answer") });
    await expect(readSignalLoss(session)).rejects.toMatchObject({ kind: "timeout" });
    expect(http.opsSeen().at(-1)).toBe("Unsubscribe");
  });

  it("counts no messages when the device sends none", async () => {
    const { session } = setup({ PullMessages: pulled() });
    expect(await readSignalLoss(session)).toEqual({ states: {}, messages: 0 });
  });
});

describe("foldSignalLoss", () => {
  const msg = (xml: string) =>
    parseEventMessage(
      parseXml(`<w xmlns:wsnt="${NS.wsnt}" xmlns:tt="${NS.tt}" xmlns:tns1="${NS.tns1}">${xml}</w>`)
        .children[0]!,
    );

  it("applies Changed after Initialized, Deleted removes, other topics and junk are ignored", () => {
    const folded = foldSignalLoss([
      msg(signalLoss("A", "false")),
      msg(signalLoss("B", "false")),
      msg(signalLoss("A", "true", "Changed")),
      msg(signalLoss("B", "x", "Deleted")),
      msg(signalLoss("C", "maybe")),
      msg(signalLoss("D", "1")),
      msg(
        `<wsnt:NotificationMessage><wsnt:Topic>tns1:VideoSource/MotionAlarm</wsnt:Topic><wsnt:Message><tt:Message UtcTime="2026-10-01T08:00:00Z"><tt:Source><tt:SimpleItem Name="Source" Value="E"/></tt:Source><tt:Data><tt:SimpleItem Name="State" Value="true"/></tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`,
      ),
    ]);
    expect(folded).toEqual({ A: true, D: true });
  });
});
