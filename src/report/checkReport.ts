import type { CameraSummary, Verdict, ZoneSummary } from "../compliance/evaluate.ts";
import type { Finding, FindingKind, FindingRef, FindingStatus, Subject } from "../domain/finding.ts";
import type { DeviceObservation } from "../domain/observation.ts";
import type { PolicyProvenance } from "../domain/policyPreset.ts";
import type { Locale, Site } from "../domain/site.ts";
import type { CheckRun } from "../check/runCheck.ts";
import { findingText } from "./messages.ts";

/** One finding as `check --json` prints it: the rule's result plus its sentence in the site's locale. */
export interface ReportFinding {
  readonly kind: FindingKind;
  readonly subject: Subject;
  readonly status: FindingStatus;
  readonly required: boolean;
  readonly reason: string;
  readonly message: string;
  readonly params: Finding["params"];
  readonly evidence: Finding["evidence"];
  readonly causedBy: FindingRef | null;
}

export interface ReportDevice {
  readonly id: string;
  readonly kind: "nvr" | "camera";
  readonly reachable: boolean;
  readonly error: { readonly kind: string; readonly message: string } | null;
  readonly deviceUtc: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly firmwareVersion: string | null;
}

/** The report of one check: the JSON other tools read (`check --json`) and what the text view renders. */
export interface CheckReport {
  readonly site: {
    readonly id: string;
    readonly name: string;
    readonly registration: string | null;
    readonly timezone: string;
    readonly locale: Locale;
  };
  readonly checkedAt: string;
  readonly durationMs: number;
  readonly compliant: boolean;
  readonly verdict: Verdict;
  /**
   * ok, violation, unknown, accruing: required findings by status (what the verdict is made of);
   * not_required: findings the policy does not require, which were not judged.
   */
  readonly counts: Readonly<Record<FindingStatus, number>>;
  readonly findings: readonly ReportFinding[];
  readonly zones: readonly ZoneSummary[];
  readonly cameras: readonly CameraSummary[];
  readonly devices: readonly ReportDevice[];
  /**
   * The preset and cited source the policy follows, and each value with where it came from
   * (env, config, preset, default). Absent only for a site built in code rather than loaded.
   */
  readonly policy?: PolicyProvenance;
}

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
