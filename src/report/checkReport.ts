import type { FindingStatus } from "../domain/finding.ts";
import type { DeviceObservation } from "../domain/observation.ts";
import type { Site } from "../domain/site.ts";
import { findingText } from "./messages.ts";
import type { CheckReport, CheckRun, ReportDevice, ReportFinding } from "../domain/checkReport.ts";

export function buildCheckReport(site: Site, run: CheckRun): CheckReport {
  const { evaluation } = run;
  const options = { timeZone: site.timezone };
  const findings = evaluation.findings.map((f): ReportFinding => ({
    kind: f.kind,
    subject: f.subject,
    status: f.status,
    required: f.required,
    reason: f.reason,
    message: findingText(site.locale, f, options),
    params: f.params,
    evidence: f.evidence,
    causedBy: f.causedBy,
  }));
  const counts = countFindings(findings);
  return {
    site: {
      id: site.id,
      name: site.name,
      registration: site.registration,
      timezone: site.timezone,
      locale: site.locale,
    },
    checkedAt: new Date(run.finishedAt).toISOString(),
    durationMs: run.finishedAt - run.startedAt,
    // Unknown is never compliant: only a verdict with nothing violated and nothing unknown is.
    compliant: evaluation.verdict === "compliant",
    verdict: evaluation.verdict,
    counts,
    findings,
    zones: evaluation.zones,
    cameras: evaluation.cameras,
    devices: site.devices.map((d) => reportDevice(d.id, d.kind, run.observations.get(d.id))),
    ...(site.policyProvenance === undefined ? {} : { policy: site.policyProvenance }),
  };
}

/** Required findings by status, and how many the policy does not require (CheckReport.counts). */
export function countFindings(
  findings: readonly Pick<ReportFinding, "status" | "required">[],
): Record<FindingStatus, number> {
  const counts: Record<FindingStatus, number> = {
    ok: 0,
    violation: 0,
    unknown: 0,
    accruing: 0,
    not_required: 0,
  };
  for (const f of findings) if (f.required || f.status === "not_required") counts[f.status]++;
  return counts;
}

function reportDevice(id: string, kind: "nvr" | "camera", obs: DeviceObservation | undefined): ReportDevice {
  const info = obs?.info.status === "ok" ? obs.info.value : null;
  return {
    id,
    kind,
    reachable: obs?.reach.status === "reachable",
    error:
      obs === undefined
        ? { kind: "not_observed", message: "not polled" }
        : obs.reach.status === "unreachable"
          ? { kind: obs.reach.error.kind, message: obs.reach.error.message }
          : null,
    deviceUtc: obs?.clock.status === "ok" ? obs.clock.value.deviceUtc : null,
    manufacturer: info?.manufacturer ?? null,
    model: info?.model ?? null,
    firmwareVersion: info?.firmwareVersion ?? null,
  };
}
