import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimDevice } from "./device.ts";
import type { SimLogger } from "./logger.ts";
import { streamOfNumber } from "./streams.ts";
import type { VideoLibrary } from "./video/library.ts";

/**
 * GET /onvif/snapshot/<channel × 100 + stream>: a JPEG of what the channel's camera sees now
 * (its scenario `picture`), as the URI from GetSnapshotUri promises. A GET carries no SOAP
 * header, so the only way in is HTTP Digest, with the device's algorithms, whatever its `auth`
 * setting says for SOAP. An unknown or offline channel is 404; `stream: refused` is 503 (the
 * encoder is not giving pictures). Each request gets the channel's next picture, so two
 * snapshots differ as a live camera's do (noise, motion); a frozen camera always gives the same one.
 */
export const SNAPSHOT_PATH = /^\/onvif\/snapshot\/(\d{3,5})$/;

export async function handleSnapshot(
  device: SimDevice,
  library: VideoLibrary,
  req: IncomingMessage,
  res: ServerResponse,
  id: number,
  log: SimLogger | undefined,
): Promise<void> {
  device.countSnapshotRequest();
  const text = (status: number, message: string, headers: Record<string, string | string[]> = {}): void => {
    res.writeHead(status, { "Content-Type": "text/plain", ...headers }).end(`${message}\n`);
  };
  if (req.method !== "GET" && req.method !== "HEAD")
    return text(405, "Method Not Allowed", { Allow: "GET, HEAD" });
  const auth = device.digest.verify(req.headers.authorization, req.method, req.url ?? "/", {
    username: device.spec.username,
    password: device.spec.password,
  });
  if (auth.status !== "ok") {
    if (auth.status === "bad") device.countMediaAuthFailure();
    const stale = auth.status === "bad" && auth.stale;
    return text(401, "Unauthorized", { "WWW-Authenticate": device.digest.challenges(stale) });
  }
  const target = streamOfNumber(device, id);
  if (!target || !target.ch.spec.online) return text(404, "Not Found");
  if (target.ch.spec.stream === "refused") return text(503, "Service Unavailable", { "Retry-After": "30" });
  let pictures: readonly Buffer[];
  try {
    pictures = await library.snapshots(target.ch.spec.picture);
  } catch (e) {
    log?.error(
      { device: device.spec.id, err: e instanceof Error ? e.message : String(e) },
      "cannot make the simulated snapshot",
    );
    return text(500, "Internal Server Error");
  }
  if (res.destroyed) return;
  const jpeg = pictures[target.ch.snapshotsServed++ % pictures.length]!;
  res.writeHead(200, {
    "Content-Type": "image/jpeg",
    "Content-Length": jpeg.length,
    "Cache-Control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : jpeg);
}
