import type { Finding } from "../../domain/finding.ts";
import type { AnalyticsRule } from "../../domain/observation.ts";
import { countActiveCells } from "../activeCells.ts";
import type { CameraContext } from "../context.ts";
import { cameraSubject, outcome, toFinding } from "../findings.ts";
import type { Outcome } from "../findings.ts";
import { notRequiredOutcome } from "../notRequired.ts";
import { probeDetail, probeEvidence } from "../probeDetail.ts";

const MOTION_TYPES = ["tt:CellMotionDetector", "tt:MotionRegionDetector"];
const TAMPER_TYPE = "tt:TamperingDetection";

/**
 * alarm_disarmed: where the policy requires motion detection, the camera's analytics must
 * hold a motion rule that watches something — a CellMotionDetector with at least one active
 * cell, or a MotionRegionDetector not set Armed=false. tt:Config has no enable flag, so a rule
 * that is present and watches cells is "armed". Tamper rules alone do not detect an intruder;
 * they are listed in the evidence. When the policy does not require it the finding is
 * `not_required` (never `ok`: nothing was judged), without asking the device.
 */
export function alarmDisarmed(ctx: CameraContext): Finding {
  const subject = cameraSubject(ctx.camera.id);
  const waived = notRequiredOutcome(ctx.site.policy, ctx.camera, "alarm_disarmed");
  return toFinding("alarm_disarmed", subject, waived ?? judge(ctx));
}

function judge({ camera, obs }: CameraContext): Outcome {
  if (obs.profiles.status !== "ok") {
    return outcome(
      "unknown",
      "profiles_unavailable",
      { detail: probeDetail(obs.profiles) },
      {
        profiles: probeEvidence(obs.profiles),
      },
    );
  }
  const profile = obs.profiles.value.find((p) => p.token === camera.profile);
  if (!profile) return outcome("unknown", "camera_not_listed", { profile: camera.profile });
  const noService = obs.services.status === "ok" && !obs.services.value.analytics;
  const analytics = profile.analyticsToken;
  if (analytics === null) {
    if (noService)
      return outcome("unknown", "analytics_unsupported", {
        detail: "GetServices lists no analytics service",
      });
    return outcome("violation", "alarm_rules_absent", { analytics: null }, { profile: camera.profile });
  }
  const probe = obs.analyticsRules[analytics];
  if (probe?.status === "unsupported" || (probe === undefined && noService)) {
    return outcome("unknown", "analytics_unsupported", { detail: probeDetail(probe) });
  }
  if (probe?.status !== "ok") {
    return outcome(
      "unknown",
      "analytics_unavailable",
      { analytics, detail: probeDetail(probe) },
      {
        rulesProbe: probeEvidence(probe),
      },
    );
  }
  return judgeRules(analytics, probe.value);
}

type RuleVerdict =
  | { readonly kind: "armed"; readonly activeCells: number | null }
  | { readonly kind: "empty" }
  | { readonly kind: "disarmed" }
  | { readonly kind: "unreadable"; readonly detail: string };

function judgeRules(analytics: string, rules: readonly AnalyticsRule[]): Outcome {
  const motion = rules.filter((r) => MOTION_TYPES.includes(r.type));
  const verdicts = motion.map((rule) => ({ rule, verdict: judgeRule(rule) }));
  const evidence = {
    analytics,
    rules: rules.map((r) => ({ name: r.name, type: r.type, parameters: r.parameters })),
    motionRules: verdicts.map(({ rule, verdict }) => ({ name: rule.name, ...verdict })),
    tamperRules: rules.filter((r) => r.type === TAMPER_TYPE).map((r) => r.name),
  };
  const armed = verdicts.find((v) => v.verdict.kind === "armed");
  if (armed?.verdict.kind === "armed") {
    return outcome(
      "ok",
      "motion_armed",
      { rule: armed.rule.name, activeCells: armed.verdict.activeCells },
      evidence,
    );
  }
  const unreadable = verdicts.find((v) => v.verdict.kind === "unreadable");
  if (unreadable?.verdict.kind === "unreadable") {
    return outcome(
      "unknown",
      "motion_cells_unreadable",
      { rule: unreadable.rule.name, detail: unreadable.verdict.detail },
      evidence,
    );
  }
  const empty = verdicts.find((v) => v.verdict.kind === "empty");
  if (empty) return outcome("violation", "motion_cells_empty", { rule: empty.rule.name }, evidence);
  const disarmed = verdicts.find((v) => v.verdict.kind === "disarmed");
  if (disarmed) return outcome("violation", "motion_rule_disarmed", { rule: disarmed.rule.name }, evidence);
  return outcome("violation", "alarm_rules_absent", { analytics }, evidence);
}

function judgeRule(rule: AnalyticsRule): RuleVerdict {
  if (rule.type === "tt:MotionRegionDetector") {
    const armed = rule.parameters["Armed"];
    if (armed !== undefined && armed.trim().toLowerCase() === "false") return { kind: "disarmed" };
    return Object.keys(rule.parameters).length > 0 ? { kind: "armed", activeCells: null } : { kind: "empty" };
  }
  const cells = rule.parameters["ActiveCells"];
  if (cells === undefined) return { kind: "unreadable", detail: "no ActiveCells parameter" };
  const counted = countActiveCells(cells);
  if (!counted.ok) return { kind: "unreadable", detail: counted.error };
  return counted.active > 0 ? { kind: "armed", activeCells: counted.active } : { kind: "empty" };
}
