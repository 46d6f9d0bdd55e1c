import type { SimDevice } from "../device.ts";
import { FaultAnswer, fault } from "../faults.ts";
import type { ScheduleSpec } from "../scenario.ts";
import { childrenNamed, textAt } from "../soapRequest.ts";
import { posixTzOffsetSeconds } from "../time.ts";
import { NS, el } from "../xml.ts";
import { serviceCapabilities } from "./capabilities.ts";
import type { ServiceDef } from "./types.ts";

function lookup(d: SimDevice, tokens: string[]): ScheduleSpec[] {
  return tokens.map((t) => {
    const s = d.spec.schedules.find((x) => x.token === t);
    if (!s) throw new FaultAnswer(fault.invalidArgVal("NotFound", `No schedule with token ${t}`));
    return s;
  });
}

const info = (s: ScheduleSpec): string => `${el("tsc:Name", s.name)}`;

/**
 * Whether a schedule is active now, by the device's local clock. Only the two built-in shapes
 * are understood (a daily all-day event, or weekly BYDAY hours); anything else reads as active.
 */
function activeNow(d: SimDevice, s: ScheduleSpec): boolean {
  const local = new Date(d.deviceNow() + posixTzOffsetSeconds(d.spec.timezone) * 1000);
  const days = /BYDAY=([A-Z,]+)/.exec(s.standard)?.[1]?.split(",");
  const start = /DTSTART:\d{8}T(\d{2})(\d{2})/.exec(s.standard);
  const end = /DTEND:(\d{8})T(\d{2})(\d{2})/.exec(s.standard);
  if (!days || !start || !end) return true;
  const day = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"][local.getUTCDay()] ?? "";
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const from = Number(start[1]) * 60 + Number(start[2]);
  const to = Number(end[2]) * 60 + Number(end[3]);
  return days.includes(day) && minute >= from && minute < to;
}

export const scheduleService: ServiceDef = {
  key: "schedule",
  namespaces: [NS.tsc],
  enabled: (d) => d.spec.profileG,
  handlers: {
    GetServiceCapabilities: ({ device }) =>
      `<tsc:GetServiceCapabilitiesResponse>${serviceCapabilities(device, "schedule")}</tsc:GetServiceCapabilitiesResponse>`,

    GetSchedules: ({ device, op }) => {
      const list = lookup(
        device,
        childrenNamed(op, "Token").map((t) => t.text.trim()),
      );
      return `<tsc:GetSchedulesResponse>${list
        .map(
          (s) =>
            `<tsc:Schedule token="${s.token}">${info(s)}${el("tsc:Standard", s.standard)}</tsc:Schedule>`,
        )
        .join("")}</tsc:GetSchedulesResponse>`;
    },

    GetScheduleInfo: ({ device, op }) => {
      const list = lookup(
        device,
        childrenNamed(op, "Token").map((t) => t.text.trim()),
      );
      return `<tsc:GetScheduleInfoResponse>${list
        .map((s) => `<tsc:ScheduleInfo token="${s.token}">${info(s)}</tsc:ScheduleInfo>`)
        .join("")}</tsc:GetScheduleInfoResponse>`;
    },

    GetScheduleList: ({ device }) =>
      `<tsc:GetScheduleListResponse>${device.spec.schedules
        .map(
          (s) =>
            `<tsc:Schedule token="${s.token}">${info(s)}${el("tsc:Standard", s.standard)}</tsc:Schedule>`,
        )
        .join("")}</tsc:GetScheduleListResponse>`,

    GetScheduleState: ({ device, op }) => {
      const [s] = lookup(device, [textAt(op, "Token") ?? ""]);
      return `<tsc:GetScheduleStateResponse><tsc:ScheduleState>${el("tsc:Active", activeNow(device, s as ScheduleSpec))}</tsc:ScheduleState></tsc:GetScheduleStateResponse>`;
    },
  },
};
