import type { ProbeError } from "../domain/probe.ts";
import type { Secret } from "../domain/secret.ts";
import type { DeviceTls } from "../domain/site.ts";
import { DeviceHttpError } from "../net/errors.ts";
import type { DeviceHttp } from "../net/types.ts";
import { imageType } from "./decodeImage.ts";

/**
 * A camera's snapshot (ONVIF GetSnapshotUri): one JPEG over HTTP, Digest through the project's
 * device HTTP client. The cheap way to look at a camera: no RTSP session, no video decoding.
 */

export interface SnapshotRequest {
  readonly snapshotUri: string;
  readonly username: string;
  readonly password: Secret;
  readonly deadlineMs: number;
  /** Default 8 MiB: a 4K JPEG is 1-3 MiB. */
  readonly maxBytes?: number;
  readonly tls?: DeviceTls | null;
  readonly signal?: AbortSignal;
}

export const DEFAULT_SNAPSHOT_MAX_BYTES = 8 * 1024 * 1024;

export async function fetchSnapshot(
  req: SnapshotRequest,
  http: DeviceHttp,
): Promise<{ readonly bytes: Buffer } | { readonly error: ProbeError }> {
  try {
    const res = await http.request({
      url: req.snapshotUri,
      method: "GET",
      headers: { accept: "image/jpeg, image/*" },
      deadlineMs: req.deadlineMs,
      maxBytes: req.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES,
      auth: { username: req.username, password: req.password },
      ...(req.tls !== undefined ? { tls: req.tls } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    if (res.status === 401 || res.status === 403)
      return { error: { kind: "auth", message: `snapshot: HTTP ${res.status}` } };
    if (res.status < 200 || res.status > 299)
      return { error: { kind: "http", message: `snapshot: HTTP ${res.status}` } };
    if (!imageType(res.body))
      return {
        error: {
          kind: "malformed",
          message: `snapshot: the answer is not a JPEG or PNG image (${res.body.length} bytes)`,
        },
      };
    return { bytes: res.body };
  } catch (e) {
    // DeviceHttpError messages are already free of credentials; anything else is reported by type only.
    if (e instanceof DeviceHttpError) return { error: { kind: e.kind, message: `snapshot: ${e.message}` } };
    return {
      error: { kind: "fault", message: `snapshot: ${e instanceof Error ? e.name : "unexpected error"}` },
    };
  }
}
