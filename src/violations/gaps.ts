import { createHash } from "node:crypto";
import type { Finding } from "../domain/finding.ts";
import type { Incident } from "../domain/violation.ts";

/*
 * retention_gap findings list every hole in a camera's recordings inside the retention window
 * (evidence.gaps, from compliance/rules/retentionGap.ts). Each hole is an incident, reported
 * once: keyed by camera and the hole's start, which does not move on later searches (an open
 * hole grows at its end only).
 *
 * One exception: a hole clipped by the window's start (it began before the window) has the
 * window's start as its start, and that moves forward with every search. Such a hole is keyed
 * by its end once it has one, and by "window" while it is still open, so it too is told once.
 */

export interface GapSighting {
  readonly key: string;
  readonly cameraId: string;
  readonly gap: Incident["gap"];
}

/** The holes a retention_gap finding lists, each with its incident key; [] for other findings. */
export function gapSightings(finding: Finding): GapSighting[] {
  if (finding.kind !== "retention_gap" || finding.status !== "violation") return [];
  const evidence = finding.evidence;
  const gaps = Array.isArray(evidence["gaps"]) ? (evidence["gaps"] as unknown[]) : [];
  const windowStart = typeof evidence["windowStart"] === "string" ? evidence["windowStart"] : null;
  const cameraId = finding.subject.id;
  const out: GapSighting[] = [];
  for (const g of gaps) {
    if (g === null || typeof g !== "object") continue;
    const { start, end, minutes, open } = g as Record<string, unknown>;
    if (typeof start !== "string" || typeof end !== "string") continue;
    const isOpen = open === true;
    const clipped = windowStart !== null && start === windowStart;
    const anchor = clipped ? (isOpen ? "window" : `end:${end}`) : start;
    out.push({
      key: `${cameraId}|${anchor}`,
      cameraId,
      gap: { start, end, minutes: typeof minutes === "number" ? minutes : 0, open: isOpen },
    });
  }
  return out;
}

/** Stable across retries and processes: the same hole of the same site has the same id. */
export function incidentId(siteId: string, key: string): string {
  return `gap-${createHash("sha256").update(`${siteId}\u0000${key}`, "utf8").digest("hex").slice(0, 24)}`;
}

export function toIncident(
  siteId: string,
  finding: Finding,
  sighting: GapSighting,
  at: number,
  maintenance: boolean,
): Incident {
  return {
    id: incidentId(siteId, sighting.key),
    key: sighting.key,
    siteId,
    kind: "retention_gap",
    subject: finding.subject,
    gap: sighting.gap,
    reportedAt: new Date(at).toISOString(),
    maintenance,
    alertable: finding.causedBy === null && !maintenance,
  };
}
