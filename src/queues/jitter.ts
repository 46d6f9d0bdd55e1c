import { createHash } from "node:crypto";

/**
 * A stable offset within the interval for one device, so a district's devices spread their
 * polls over the interval instead of all firing at the same second, and a restart keeps each
 * device's slot (the offset depends on the ids only).
 */
export function pollOffsetMs(siteId: string, deviceId: string, intervalMs: number): number {
  const h = createHash("sha256").update(`${siteId}\u0000${deviceId}`).digest();
  return h.readUInt32BE(0) % Math.max(1, intervalMs);
}
