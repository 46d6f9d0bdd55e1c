import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { DigestResult } from "./auth/digest.ts";
import { verifyUsernameToken } from "./auth/wsse.ts";
import { SimDevice, type DeviceState } from "./device.ts";
import { FaultAnswer, fault, faultXml, httpStatusOf, namedFault, type SoapFault } from "./faults.ts";
import { analyticsService } from "./handlers/analytics.ts";
import { deviceService } from "./handlers/device.ts";
import { deviceioService } from "./handlers/deviceio.ts";
import { eventsService, subscriptionService } from "./handlers/events.ts";
import { mediaService } from "./handlers/media.ts";
import { media2Service } from "./handlers/media2.ts";
import { recordingService } from "./handlers/recording.ts";
import { scheduleService } from "./handlers/schedule.ts";
import { searchService } from "./handlers/search.ts";
import { PRE_AUTH, SERVICE_PATHS, type Answer, type ServiceDef } from "./handlers/types.ts";
import { entityBombBody, malformedBody, writeOversized, xxeBody } from "./misbehave.ts";
import { handleControl } from "./control.ts";
import { readBody } from "./httpBody.ts";
import {
  parseChannelPatch,
  parseDevicePatch,
  type ChannelPatch,
  type DevicePatch,
  type Scenario,
} from "./scenario.ts";
import { RtspServer, type RtspLimits } from "./rtsp/server.ts";
import { SNAPSHOT_PATH, handleSnapshot } from "./snapshot.ts";
import { parseSoapRequest } from "./soapRequest.ts";
import { defaultCacheDir } from "./video/generate.ts";
import { VideoLibrary } from "./video/library.ts";
import { NS, envelope } from "./xml.ts";
import type { SimLogger } from "./logger.ts";

export type { SimLogger };

export interface SimulatorOptions {
  /** The simulator's clock (ms since epoch); devices add their drift. Default Date.now. */
  readonly now?: () => number;
  readonly logger?: SimLogger;
  /** Host named in XAddrs and URIs instead of the listen address (NAT tests); a device's own advertisedHost wins. */
  readonly advertisedHost?: string;
  /** Port of the simulator-wide control listener (0 = any free port). Default 0. */
  readonly controlPort?: number;
  /** The ffmpeg that makes the simulated cameras' video (once, cached). Default "ffmpeg" on PATH. */
  readonly ffmpegPath?: string;
  /** Where generated clips and snapshots are kept. Default var/sim-cache in the project (else the temp folder). */
  readonly videoCacheDir?: string;
  /** RTSP server limits, per device (defaults in rtsp/server.ts). */
  readonly rtsp?: Partial<RtspLimits>;
}

export interface DeviceController {
  setChannel(n: number, patch: ChannelPatch): void;
  setDevice(patch: DevicePatch): void;
  state(): DeviceState;
  /** Zeroes the per-operation request counters. */
  resetCounters(): void;
}

export interface RunningSimulator {
  readonly devices: readonly {
    readonly id: string;
    readonly url: string;
    readonly port: number;
    /** The device's RTSP port (stream URIs name it). */
    readonly rtspPort: number;
    readonly username: string;
  }[];
  /** http://127.0.0.1:port of the control listener (GET /sim/state, POST /sim/devices/:id[/channels/:n]). */
  readonly controlUrl: string;
  device(id: string): DeviceController;
  state(): { readonly devices: readonly DeviceState[] };
  /** Closes every listener and socket, hung requests included. */
  stop(): Promise<void>;
}

const SERVICES: readonly ServiceDef[] = [
  deviceService,
  mediaService,
  media2Service,
  recordingService,
  searchService,
  scheduleService,
  analyticsService,
  eventsService,
  deviceioService,
];

const BY_PATH = new Map<string, ServiceDef>(
  SERVICES.map((s) => [SERVICE_PATHS[s.key as keyof typeof SERVICE_PATHS], s]),
);

const PREFIX: Record<string, string> = {
  [NS.tds]: "tds",
  [NS.trt]: "trt",
  [NS.tr2]: "tr2",
  [NS.trc]: "trc",
  [NS.tse]: "tse",
  [NS.tsc]: "tsc",
  [NS.tan]: "tan",
  [NS.tev]: "tev",
  [NS.tmd]: "tmd",
  [NS.wsnt]: "wsnt",
};

const MAX_REQUEST_BYTES = 1024 * 1024;
const SOAP_TYPE = "application/soap+xml; charset=utf-8";

/** Starts one HTTP listener per device (plus a control listener) and resolves once all listen. */
export async function startSimulator(
  scenario: Scenario,
  options: SimulatorOptions = {},
): Promise<RunningSimulator> {
  const now = options.now ?? Date.now;
  const log = options.logger;
  const stopping = new AbortController();
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  const rtspServers: RtspServer[] = [];
  const devices = new Map<string, SimDevice>();
  // video is made on the first DESCRIBE or snapshot, never at start-up
  const library = new VideoLibrary(async () => ({
    ffmpegPath: options.ffmpegPath ?? "ffmpeg",
    cacheDir: options.videoCacheDir ?? (await defaultCacheDir()),
  }));
  const closeEverything = async (): Promise<void> => {
    await Promise.all([closeAll(servers, sockets, stopping, devices), ...rtspServers.map((r) => r.stop())]);
  };

  const track = (server: Server): void => {
    server.on("connection", (s: Socket) => {
      sockets.add(s);
      s.once("close", () => sockets.delete(s));
    });
    servers.push(server);
  };

  const listen = (server: Server, host: string, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });

  try {
    for (const spec of scenario.devices) {
      const device = new SimDevice(spec, now, options.advertisedHost ?? null);
      devices.set(spec.id, device);
      const rtsp = new RtspServer(device, library, options.rtsp, log);
      rtspServers.push(rtsp);
      device.rtspPort = await rtsp.listen(spec.host, spec.rtspPort);
      const server = createServer((req, res) => {
        handleDeviceRequest(device, library, req, res, stopping.signal, log).catch((e: unknown) => {
          log?.error(
            { device: spec.id, err: e instanceof Error ? e.message : String(e) },
            "simulator request failed",
          );
          if (!res.headersSent) res.writeHead(500).end();
          else res.destroy();
        });
      });
      server.on("connection", (s: Socket) => {
        if (!device.spec.reachable) s.destroy();
      });
      track(server);
      device.port = await listen(server, spec.host, spec.port);
      log?.info(
        { device: spec.id, url: `${device.baseUrl()}${SERVICE_PATHS.device}` },
        "simulated device listening",
      );
    }
  } catch (e) {
    await closeEverything();
    throw e;
  }

  const control = createServer((req, res) => {
    handleControl(req, res, devices, "/sim").catch(() => res.writeHead(500).end());
  });
  track(control);
  const controlPort = await listen(control, "127.0.0.1", options.controlPort ?? 0);

  const controllerOf = (id: string): DeviceController => {
    const d = devices.get(id);
    if (!d) throw new RangeError(`no simulated device "${id}"`);
    return {
      setChannel: (n, patch) => d.setChannel(n, parseChannelPatch(patch, `channel ${n}`)),
      setDevice: (patch) => d.setDevice(parseDevicePatch(patch)),
      state: () => d.state(),
      resetCounters: () => d.resetCounters(),
    };
  };

  return {
    devices: [...devices.values()].map((d) => ({
      id: d.spec.id,
      url: `http://${d.spec.host}:${d.port}${SERVICE_PATHS.device}`,
      port: d.port,
      rtspPort: d.rtspPort,
      username: d.spec.username,
    })),
    controlUrl: `http://127.0.0.1:${controlPort}`,
    device: controllerOf,
    state: () => ({ devices: [...devices.values()].map((d) => d.state()) }),
    stop: closeEverything,
  };
}

async function closeAll(
  servers: readonly Server[],
  sockets: Set<Socket>,
  stopping: AbortController,
  devices: Map<string, SimDevice>,
): Promise<void> {
  stopping.abort();
  for (const d of devices.values()) d.wakeAll();
  const closed = servers.map(
    (s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve())),
  );
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(closed);
}

function sendFault(
  res: ServerResponse,
  f: SoapFault,
  headers: Record<string, string | string[]> = {},
  status?: number,
): void {
  const body = faultXml(f);
  res.writeHead(status ?? httpStatusOf(f), { "Content-Type": SOAP_TYPE, ...headers });
  res.end(body);
}

/** The SOAP action from Content-Type's action parameter, reduced to the operation name. */
function actionOperation(req: IncomingMessage): string | null {
  const ct = req.headers["content-type"] ?? "";
  const m = /action\s*=\s*"?([^";]+)"?/i.exec(ct);
  const action =
    m?.[1] ??
    (typeof req.headers["soapaction"] === "string" ? req.headers["soapaction"].replace(/"/g, "") : "");
  const op = action.split("/").pop() ?? "";
  return op === "" ? null : op.replace(/Request$/, "");
}

/** Gives up waiting when the simulator stops (never throws). */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // stopped: the socket is being destroyed anyway
  }
}

async function handleDeviceRequest(
  device: SimDevice,
  library: VideoLibrary,
  req: IncomingMessage,
  res: ServerResponse,
  stopping: AbortSignal,
  log: SimLogger | undefined,
): Promise<void> {
  if (!device.spec.reachable) {
    req.socket.destroy();
    return;
  }
  const url = new URL(req.url ?? "/", "http://simulator");
  const path = url.pathname;
  if (path.startsWith("/sim/"))
    return handleControl(req, res, new Map([[device.spec.id, device]]), "/sim", device);
  const snapshot = SNAPSHOT_PATH.exec(path);
  if (snapshot) return handleSnapshot(device, library, req, res, Number(snapshot[1]), log);
  const service = /^\/onvif\/subscription\/\d+$/.test(path) ? subscriptionService : BY_PATH.get(path);
  if (!service) {
    res.writeHead(404, { "Content-Type": "text/plain" }).end("Not Found\n");
    return;
  }
  if (req.method !== "POST") {
    res.writeHead(405, { Allow: "POST", "Content-Type": "text/plain" }).end("Method Not Allowed\n");
    return;
  }
  const text = await readBody(req, MAX_REQUEST_BYTES);
  if (text === null) {
    res
      .writeHead(413, { "Content-Type": "text/plain", Connection: "close" })
      .end("Request Entity Too Large\n");
    return;
  }
  // HTTP Digest is checked once, before the SOAP body is read: clients such as curl first send
  // an empty body and expect the 401 challenge, as real devices give it.
  const digest: DigestResult =
    device.spec.auth === "wsse"
      ? { status: "absent" }
      : device.digest.verify(req.headers.authorization, req.method ?? "POST", req.url ?? "/", {
          username: device.spec.username,
          password: device.spec.password,
        });
  const parsed = parseSoapRequest(text);
  if (!parsed.ok) {
    device.countRequest("(malformed)");
    if (device.spec.auth !== "wsse" && digest.status !== "ok") return challenge(device, res, digest);
    return sendFault(res, fault.wellFormed(parsed.detail));
  }
  const op = parsed.operation;
  const opName = op?.local ?? actionOperation(req);
  device.countRequest(opName ?? "(empty)");
  if (!op || !opName) return sendFault(res, fault.wellFormed("empty SOAP Body"));

  const behaviour = device.behaviour(opName);
  if (behaviour?.hang) {
    log?.info({ device: device.spec.id, op: opName }, "hanging request");
    return; // the socket stays open until the client gives up or the simulator stops
  }
  if (behaviour?.slowMs) await pause(behaviour.slowMs, stopping);
  if (stopping.aborted) return;

  const handler = service.handlers[opName];
  if (!service.enabled(device) || !service.namespaces.includes(op.ns) || !handler) {
    return sendFault(res, fault.actionNotSupported(`Optional Action Not Implemented: ${opName}`));
  }

  if (!PRE_AUTH.has(opName) && !authenticate(device, digest, parsed.header, res)) return;

  const responseElement = `${PREFIX[op.ns] ?? "tds"}:${opName}Response`;
  const nsDecl = `xmlns:${PREFIX[op.ns] ?? "tds"}="${op.ns}"`;
  if (behaviour?.fault) return sendFault(res, namedFault(behaviour.fault));
  if (behaviour?.oversized) return writeOversized(res, responseElement, nsDecl);
  const misbehaving = behaviour?.malformed
    ? malformedBody(responseElement)
    : behaviour?.entityBomb
      ? entityBombBody(responseElement, nsDecl)
      : behaviour?.xxe
        ? xxeBody(responseElement, nsDecl)
        : null;
  if (misbehaving !== null) {
    res.writeHead(200, { "Content-Type": SOAP_TYPE }).end(misbehaving);
    return;
  }

  const closed = new Promise<void>((resolve) => {
    const onAbort = (): void => resolve();
    stopping.addEventListener("abort", onAbort, { once: true });
    res.once("close", () => {
      stopping.removeEventListener("abort", onAbort);
      resolve();
    });
  });
  let answer: string | Answer;
  try {
    answer = await handler({ device, op, header: parsed.header, path, closed });
  } catch (e) {
    if (e instanceof FaultAnswer) return sendFault(res, e.fault);
    throw e;
  }
  if (res.destroyed) return;
  const { body, header } = typeof answer === "string" ? { body: answer, header: undefined } : answer;
  res.writeHead(200, { "Content-Type": SOAP_TYPE });
  res.end(envelope(body, header));
}

/**
 * ONVIF Core "Authentication over HTTP": HTTP Digest and/or WS-UsernameToken as the device
 * allows. A failure is HTTP 401 with the Digest challenges when Digest is allowed, else HTTP
 * 400 with env:Sender/ter:NotAuthorized. Returns true when the request may proceed.
 */
function authenticate(
  device: SimDevice,
  digest: DigestResult,
  header: Parameters<typeof verifyUsernameToken>[0],
  res: ServerResponse,
): boolean {
  if (digest.status === "ok") return true;
  const mode = device.spec.auth;
  if (mode !== "digest") {
    const creds = { username: device.spec.username, password: device.spec.password };
    const r = verifyUsernameToken(header, creds, device.deviceNow(), device.now(), device.nonces);
    if (r.status === "ok") return true;
  }
  device.countAuthFailure();
  if (mode === "wsse") sendFault(res, fault.notAuthorized());
  else challenge(device, res, digest);
  return false;
}

/** HTTP 401 with one Digest challenge per algorithm, and a NotAuthorized fault as the body. */
function challenge(device: SimDevice, res: ServerResponse, digest: DigestResult): void {
  const stale = digest.status === "bad" && digest.stale;
  sendFault(res, fault.notAuthorized(), { "WWW-Authenticate": device.digest.challenges(stale) }, 401);
}
