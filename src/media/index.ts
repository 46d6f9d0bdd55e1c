/**
 * media/: the only code that runs ffmpeg/ffprobe. It measures pictures; compliance/ judges them.
 */
export {
  detectMediaTools,
  missingProbeFilters,
  MediaToolsError,
  PROBE_FILTERS,
  DEFAULT_SEARCH_PATH,
  type DetectMediaToolsOptions,
  type MediaBinary,
  type MediaOptionNames,
  type MediaTools,
} from "./tools.ts";
export {
  createMediaRunner,
  type ArgsJob,
  type FfmpegJob,
  type Limiter,
  type MediaLogger,
  type MediaRunner,
  type MediaRunnerOptions,
  type MediaRunResult,
  type RunEnd,
} from "./ffmpegRunner.ts";
export {
  probeCamera,
  probeSnapshot,
  type CameraProbeDeps,
  type CameraProbeOptions,
  type ReferenceSpec,
  type SnapshotProbeOptions,
} from "./probeCamera.ts";
export {
  probeStream,
  DEFAULT_SAMPLE_FPS,
  type StreamProbeOptions,
  type StreamProbeResult,
} from "./probeStream.ts";
export {
  captureReference,
  loadReference,
  ReferenceCaptureError,
  type CaptureDeps,
  type CaptureReferenceOptions,
  type CapturedReference,
  type ReferenceCache,
  type ReferenceSource,
} from "./reference.ts";
export { fetchSnapshot, type SnapshotRequest } from "./snapshot.ts";
export { viewSimilarity } from "./compareView.ts";
export { PROBE_FRAME, type GrayFrame } from "./frames.ts";
export { BLACK_FRAME_SHARE, BLACK_PIXEL_MAX } from "./windowStats.ts";
