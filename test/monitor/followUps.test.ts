import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/domain/finding.ts";
import { decideFollowUps } from "../../src/monitor/followUps.ts";
import type { SiteSnapshot } from "../../src/monitor/snapshot.ts";
import { device, evaluate, healthyObservation, healthySite, camera } from "../compliance/builders.ts";
import type { Evaluation } from "../../src/domain/evaluation.ts";

/** The follow-ups after a poll are a pure decision: data, from the evaluation and the snapshot. */
const site = healthySite({
  devices: [device("nvr1"), device("nvr2")],
  cameras: [camera(1, ["gate"]), camera(2, ["room-a"], { device: "nvr2" })],
});
const base = evaluate(site, healthyObservation(site, "nvr1"), healthyObservation(site, "nvr2"));
const interval = site.policy.pollIntervalSeconds * 1000;

function trouble(
  cameraId: string,
  kind: Finding["kind"],
  reason: Finding["reason"],
  required = true,
): Finding {
  return {
    kind,
    reason,
    subject: { type: "camera", id: cameraId },
    status: "violation",
    required,
    params: {},
    evidence: {},
    causedBy: null,
  };
}
const withFindings = (...findings: Finding[]): Evaluation => ({
  ...base,
  findings: [...base.findings, ...findings],
});
const snapshot = (
  over: Partial<SiteSnapshot> = {},
): Pick<SiteSnapshot, "pictures" | "scanned" | "scans"> => ({
  pictures: { probed: true, byCamera: new Map(), unprobed: "pending" },
  scanned: new Set(["nvr1", "nvr2"]),
  scans: true,
  ...over,
});
const polled = { deviceId: "nvr1", reachable: true };

describe("follow-ups after a poll", () => {
  it("none for a healthy site", () => {
    expect(decideFollowUps(site, base, snapshot(), polled)).toEqual([]);
  });

  it("an early probe for a picture in doubt on the polled device, within two poll intervals", () => {
    for (const f of [
      trouble("cam1", "image_frozen", "picture_frozen"),
      trouble("cam1", "camera_offline", "stream_unavailable"),
    ]) {
      expect(decideFollowUps(site, withFindings(f), snapshot(), polled)).toEqual([
        { kind: "probe", siteId: site.id, deviceId: "nvr1", withinMs: interval * 2 },
      ]);
    }
  });

  it("no probe where pictures are not looked at, for another device's camera, an unrequired finding, or another offline reason", () => {
    const frozen = trouble("cam1", "image_frozen", "picture_frozen");
    expect(
      decideFollowUps(site, withFindings(frozen), snapshot({ pictures: { probed: false } }), polled),
    ).toEqual([]);
    expect(
      decideFollowUps(site, withFindings(frozen), snapshot(), { deviceId: "nvr2", reachable: true }),
    ).toEqual([]);
    expect(
      decideFollowUps(
        site,
        withFindings(trouble("cam1", "image_frozen", "picture_frozen", false)),
        snapshot(),
        polled,
      ),
    ).toEqual([]);
    expect(
      decideFollowUps(
        site,
        withFindings(trouble("cam1", "camera_offline", "camera_signal_loss")),
        snapshot(),
        polled,
      ),
    ).toEqual([]);
  });

  it("an early retention scan for a recording not searched, only on a device scanned before", () => {
    const pending = withFindings(trouble("cam1", "retention_gap", "history_not_searched"));
    expect(decideFollowUps(site, pending, snapshot(), polled)).toEqual([
      { kind: "retention", siteId: site.id, deviceId: "nvr1", withinMs: Math.max(interval * 2, 300_000) },
    ]);
    // Never scanned: its start-up scan is already queued.
    expect(decideFollowUps(site, pending, snapshot({ scanned: new Set(["nvr2"]) }), polled)).toEqual([]);
    // Polls search history themselves: no scans to ask for.
    expect(decideFollowUps(site, pending, snapshot({ scans: false, scanned: new Set() }), polled)).toEqual(
      [],
    );
  });

  it("nothing for an unreachable device", () => {
    const both = withFindings(
      trouble("cam1", "retention_gap", "history_not_searched"),
      trouble("cam1", "camera_offline", "stream_unavailable"),
    );
    expect(decideFollowUps(site, both, snapshot(), { deviceId: "nvr1", reachable: false })).toEqual([]);
    expect(decideFollowUps(site, both, snapshot(), polled).map((f) => f.kind)).toEqual([
      "probe",
      "retention",
    ]);
  });
});
