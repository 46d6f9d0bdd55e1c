import type { Finding } from "../../domain/finding.ts";
import type { CameraContext } from "../context.ts";
import { cameraSubject, outcome, toFinding } from "../findings.ts";
import type { Outcome } from "../findings.ts";
import { probeDetail, probeEvidence } from "../probeDetail.ts";

/**
 * camera_offline, ONVIF side: the NVR no longer lists the camera's profile (NVRs usually drop
 * offline channels from GetProfiles), or SignalLoss is true for its video source. SignalLoss
 * comes from events many devices lack; without it the listing alone decides, and the evidence
 * says SignalLoss was not known. Picture probes (stream opens, frames arrive) come later.
 */
export function cameraOffline(ctx: CameraContext): Finding {
  return toFinding("camera_offline", cameraSubject(ctx.camera.id), judge(ctx));
}

function judge({ camera, obs }: CameraContext): Outcome {
  const profile = camera.profile;
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
  const listed = obs.profiles.value.find((p) => p.token === profile);
  if (!listed) {
    return outcome(
      "violation",
      "camera_not_listed",
      { profile },
      {
        listedProfiles: obs.profiles.value.map((p) => p.token),
      },
    );
  }
  const videoSource = listed.videoSourceToken;
  const evidence = { profile, videoSource, signalLoss: probeEvidence(obs.signalLoss) };
  if (obs.signalLoss.status !== "ok")
    return outcome("ok", "camera_listed", { profile, signalLossKnown: false }, evidence);
  const lost = videoSource !== null ? obs.signalLoss.value[videoSource] : undefined;
  if (lost === true && videoSource !== null) {
    return outcome(
      "violation",
      "camera_signal_loss",
      { profile, videoSource },
      { ...evidence, signalLost: true },
    );
  }
  return outcome(
    "ok",
    "camera_listed",
    { profile, signalLossKnown: lost !== undefined },
    {
      ...evidence,
      signalLost: lost ?? null,
    },
  );
}
