import type { Finding, FindingKind, FindingRef, FindingStatus, Subject } from "./finding.ts";
import type { CameraSummary, Evaluation, Verdict, ZoneSummary } from "./evaluation.ts";
import type { DeviceObservation } from "./observation.ts";
import type { PolicyProvenance } from "./policyPreset.ts";
import type { Locale } from "./site.ts";

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

export interface CheckRun {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly observations: ReadonlyMap<string, DeviceObservation>;
  readonly evaluation: Evaluation;
}

export interface SiteStatus {
  readonly siteId: string;
  /** The latest evaluation; null until the first poll of the site finished. */
  readonly report: CheckReport | null;
  /** Device id → when its last poll finished (ISO); null when never. */
  readonly lastPollAt: Readonly<Record<string, string | null>>;
}
