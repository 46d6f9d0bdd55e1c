import type { Schedule } from "../../domain/observation.ts";
import { OnvifError } from "../errors.ts";
import { NS } from "../namespaces.ts";
import { requireResponse } from "../soap/response.ts";
import type { OnvifSession } from "../types.ts";
import { attr, childrenLoose, childText, type XmlElement } from "../xml/tree.ts";
import { textElement } from "../xml/write.ts";
import { parseICalendar } from "../schedule/icalendar.ts";

/** The schedules in a GetSchedulesResponse (token → iCalendar text of tsc:Standard, and its parse). */
export function parseSchedules(body: XmlElement): Schedule[] {
  const r = requireResponse(body, NS.tsc, "GetSchedulesResponse");
  return childrenLoose(r, NS.tsc, "Schedule").flatMap((s) => {
    const token = attr(s, "token");
    const standard = childText(s, NS.tsc, "Standard");
    return token && standard !== null ? [{ token, standard, calendar: parseICalendar(standard) }] : [];
  });
}

/**
 * One schedule by token. Asked one at a time on purpose: a single unknown token makes the
 * whole GetSchedules call fail (InvalidArgVal), which would hide the schedules that exist.
 * A token the device does not return is `bad_argument`: a job pointing at a missing schedule
 * does not record ("shall only record if the schedule exists and is active").
 */
export async function getSchedule(session: OnvifSession, token: string): Promise<Schedule> {
  const body = await session.call({
    service: "schedule",
    action: `${NS.tsc}/GetSchedules`,
    body: `<tsc:GetSchedules>${textElement("tsc:Token", token)}</tsc:GetSchedules>`,
  });
  const found = parseSchedules(body).find((s) => s.token === token);
  if (!found)
    throw new OnvifError({ kind: "bad_argument", message: `schedule ${token} is not on the device` });
  return found;
}
