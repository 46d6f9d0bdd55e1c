import type { Finding } from "../../domain/finding.ts";
import type { CameraContext } from "../context.ts";
import { cameraSubject, outcome, toFinding } from "../findings.ts";
import type { Outcome } from "../findings.ts";
import { probeDetail, probeEvidence } from "../probeDetail.ts";
import { recordingOf } from "../memo.ts";
import { DAY, SECOND } from "../../domain/time.ts";

/**
 * retention_config: the recording's MaximumRetentionTime is set (non-zero) and shorter than
 * retentionDays, so the device itself will delete data the rules require. Zero or absent
 * means "no limit beyond storage", which this rule cannot fault (retention_short watches
 * what storage actually keeps). Needs no clock.
 */
export function retentionConfig(ctx: CameraContext): Finding {
  return toFinding("retention_config", cameraSubject(ctx.camera.id), judge(ctx));
}

function judge(ctx: CameraContext): Outcome {
  const found = recordingOf(ctx);
  if ("unknown" in found) return found.unknown;
  const rec = found.recording;
  if (rec.config === null) {
    const p = ctx.obs.recordings;
    return outcome(
      "unknown",
      "recordings_unavailable",
      { detail: p.status === "ok" ? `GetRecordings does not list ${rec.token}` : probeDetail(p) },
      { recordings: probeEvidence(p) },
    );
  }
  const seconds = rec.config.maximumRetentionSeconds;
  const requiredDays = ctx.site.policy.retentionDays;
  const evidence = { recording: rec.token, maximumRetentionSeconds: seconds };
  if (seconds === null || seconds === 0) {
    return outcome("ok", "retention_config_ok", { recording: rec.token, maxRetentionDays: null }, evidence);
  }
  const maxRetentionDays = Math.round(((seconds * SECOND) / DAY) * 100) / 100;
  if (seconds * SECOND < requiredDays * DAY) {
    return outcome(
      "violation",
      "retention_config_too_short",
      { recording: rec.token, maxRetentionDays, requiredDays },
      evidence,
    );
  }
  return outcome("ok", "retention_config_ok", { recording: rec.token, maxRetentionDays }, evidence);
}
