import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimDevice } from "./device.ts";
import { readBody } from "./httpBody.ts";
import { parseChannelPatch, parseDevicePatch, ScenarioError } from "./scenario.ts";

/*
 * Runtime control over HTTP, for a simulator in another process (tests, benchmark, demo).
 * On a device's port it acts on that device; on the control listener on any device by id.
 */

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(value));
}

/** GET /sim/state, POST /sim/device(s/:id), POST /sim/(devices/:id/)channels/:n with a JSON patch. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  devices: Map<string, SimDevice>,
  base: string,
  only?: SimDevice,
): Promise<void> {
  const path = new URL(req.url ?? "/", "http://simulator").pathname.slice(base.length);
  if (req.method === "GET" && path === "/state") {
    return sendJson(res, 200, only ? only.state() : { devices: [...devices.values()].map((d) => d.state()) });
  }
  if (req.method !== "POST") return sendJson(res, 404, { error: "not found" });
  const m = only
    ? /^\/(device|reset-counters|channels\/(\d+))$/.exec(path)
    : /^\/devices\/([^/]+)(?:\/(reset-counters|channels\/(\d+)))?$/.exec(path);
  if (!m) return sendJson(res, 404, { error: "not found" });
  const device = only ?? devices.get(m[1] ?? "");
  if (!device) return sendJson(res, 404, { error: `no device ${m[1] ?? ""}` });
  const what = only ? m[1] : (m[2] ?? "device");
  const channel = only ? m[2] : m[3];
  const text = await readBody(req, 64 * 1024);
  let patch: unknown = {};
  try {
    patch = text ? (JSON.parse(text) as unknown) : {};
  } catch {
    return sendJson(res, 400, { error: "body is not JSON" });
  }
  try {
    if (what === "reset-counters") device.resetCounters();
    else if (channel !== undefined)
      device.setChannel(Number(channel), parseChannelPatch(patch, `channels.${channel}`));
    else device.setDevice(parseDevicePatch(patch));
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof RangeError)
      return sendJson(res, 400, { error: e.message });
    throw e;
  }
  return sendJson(res, 200, device.state());
}
