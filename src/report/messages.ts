import type { ReasonParams } from "../compliance/reasons.ts";
import type { Finding, FindingKind, FindingStatus, ReasonCode } from "../domain/finding.ts";
import type { Locale, ZoneKind } from "../domain/site.ts";
import type { Verdict } from "../domain/evaluation.ts";

/**
 * The words of reports and alerts, per locale. Every reason code has a sentence in every
 * locale, typed by its params (src/compliance/reasons.ts): a missing translation or a
 * sentence asking for a value the rule never gives is a compile error.
 */

/** How sentences format values; times are shown in the site's time zone when one is given. */
export interface MessageOptions {
  /** IANA time zone (the site's), e.g. Asia/Shanghai; UTC when absent. */
  readonly timeZone?: string;
}

interface Fmt {
  time(iso: string | null): string;
  duration(seconds: number): string;
  weekday(n: number): string;
  zoneKinds(csv: string): string;
}

export type ReasonSentences = { readonly [R in ReasonCode]: (p: ReasonParams[R], f: Fmt) => string };

const en: ReasonSentences = {
  device_reachable: (p) => `Device ${p.device} answered over ONVIF.`,
  device_not_observed: (p) => `Device ${p.device} was not polled in this check, so its state is not known.`,
  device_timeout: (p) => `Device ${p.device} gave no complete answer within ${p.timeoutSeconds} s.`,
  device_network_error: (p) => `Device ${p.device} cannot be reached over the network: ${p.error}.`,
  device_tls_error: (p) =>
    `Device ${p.device} failed the TLS check (certificate or pinned fingerprint does not match): ${p.error}.`,
  device_login_failed: (p) =>
    `Device ${p.device} refused the monitoring account's login (password changed or account disabled?): ${p.error}.`,
  device_answer_invalid: (p) =>
    `Device ${p.device} answered, but not with a usable ONVIF response (${p.errorKind}): ${p.error}.`,
  device_unreachable: (p) => `Cannot be checked: device ${p.device} is unreachable.`,

  clock_ok: (p) => `The device clock is ${driftEn(p.driftSeconds)}, within the ${p.maxSeconds} s allowed.`,
  clock_drift_exceeded: (p, f) =>
    `The device clock is ${driftEn(p.driftSeconds)} (device ${f.time(p.deviceTime)}, ours ${f.time(p.ourTime)}), ` +
    `more than the ${p.maxSeconds} s allowed: its timestamps cannot be trusted.`,
  clock_implausible: (p, f) =>
    `The device clock read ${f.time(p.deviceTime)} when ours read ${f.time(p.ourTime)}: ` +
    `the device time is implausible, so recording and retention cannot be judged.`,
  clock_unavailable: (p) => `The device clock could not be read (${p.detail}).`,

  camera_listed: (p) =>
    p.signalLossKnown
      ? `The recorder lists profile ${p.profile} and reports no signal loss.`
      : `The recorder lists profile ${p.profile} (this device does not report signal loss).`,
  camera_not_listed: (p) =>
    `The recorder no longer lists profile ${p.profile}: the camera is disconnected or was removed.`,
  stream_unavailable: (p) =>
    `The camera's video stream (profile ${p.profile}) cannot be watched: ${p.detail}.`,
  probes_skipped: () => "Pictures were not looked at in this check (--no-probes).",
  picture_unavailable: (p) => `No picture to judge: ${p.detail}.`,
  picture_not_black: (p) => `The picture is lit (mean brightness ${p.meanLuma.toFixed(0)} of 255).`,
  picture_black: (p) =>
    `The picture is black in ${Math.round(p.blackFrameRatio * 100)}% of the frames sampled (mean brightness ${p.meanLuma.toFixed(0)} of 255): the lens is covered or the camera sees nothing.`,
  picture_moving: (p) =>
    `The picture is live (${p.localChanges} local changes between sampled frames; sensor noise in the last sample ${p.lastNoise.toFixed(3)}).`,
  picture_frozen: (p) =>
    `The picture has not changed over ${p.windows} samples (${p.seconds} s) while the stream's clock ran on: the image is frozen.`,
  frozen_needs_two_windows: (p) =>
    `Only ${p.windows} sample could be taken; a frozen picture needs two in a row.`,
  picture_is_black: () => "The picture is black; see the black-picture finding.",
  view_matches: (p) =>
    `The view matches the approved reference (similarity ${p.similarity.toFixed(2)}, limit ${p.threshold}).`,
  view_turned: (p) =>
    `The view no longer matches the approved reference ${p.reference} (similarity ${p.similarity.toFixed(2)}, below ${p.threshold}): the camera was turned away or blocked.`,
  no_reference: () =>
    "No approved reference view is configured for this camera, so its view is not compared (nurserywatch reference).",
  reference_unavailable: (p) => `The view could not be compared with the reference: ${p.detail}.`,
  camera_signal_loss: (p) =>
    `The recorder reports video signal loss on ${p.videoSource} (profile ${p.profile}).`,
  profiles_unavailable: (p) => `The device's media profiles could not be read (${p.detail}).`,

  recording_active: (p, f) =>
    `Recording ${p.recording} is writing video; the newest data is ${f.duration(p.lagSeconds)} old ` +
    `(limit ${f.duration(p.maxSeconds)}).`,
  video_track_not_active: (p) =>
    `Job ${p.job} is not recording the video of ${p.recording}: its state is ${p.state}` +
    (p.error ? ` (${p.error})` : "") +
    ".",
  recording_lagging: (p, f) =>
    `The newest video in ${p.recording} is from ${f.time(p.newest)}, ${f.duration(p.lagSeconds)} ago by the ` +
    `device clock (limit ${f.duration(p.maxSeconds)}): recording has stopped.`,
  profile_g_unsupported: (p) =>
    `The device offers no ONVIF recording control and search (Profile G), so its recording cannot be verified ` +
    `(${p.detail}).`,
  recording_jobs_unavailable: (p) => `The recording jobs could not be read (${p.detail}).`,
  no_recording_job: (p) =>
    p.recording === null
      ? "No recording job records this camera."
      : `No recording job writes into recording ${p.recording}.`,
  job_state_unavailable: (p) => `The state of recording job ${p.job} could not be read (${p.detail}).`,
  job_state_ambiguous: (p) =>
    `Recording job ${p.job} is ${p.state} and does not say whether its video track is recording.`,
  recording_info_unavailable: (p) =>
    `The information on recording ${p.recording} could not be read (${p.detail}).`,
  newest_data_unknown: (p) => `Recording ${p.recording} gives no time for its newest video.`,

  recording_continuous: (p) =>
    p.schedule === null
      ? `Job ${p.job} records continuously (no schedule, no event filter).`
      : `Job ${p.job} records continuously: its schedule ${p.schedule} covers 24 hours a day, 7 days a week.`,
  job_idle: (p) => `Recording job ${p.job} is set to ${p.mode}, not Active.`,
  job_event_triggered: (p) =>
    `Recording job ${p.job} records only around events (event filter), not continuously.`,
  schedule_not_24x7: (p, f) =>
    `Schedule ${p.schedule} of job ${p.job} leaves ${p.uncoveredHoursPerWeek} h a week unrecorded, ` +
    `the first stretch from ${f.weekday(p.firstGapWeekday)} ${p.firstGapTime}.`,
  schedule_unreadable: (p) =>
    `Schedule ${p.schedule} of job ${p.job} cannot be read as a recording schedule (${p.detail}), ` +
    `so round-the-clock recording is not shown.`,
  schedule_unavailable: (p) =>
    `Schedule ${p.schedule} of job ${p.job} could not be read from the device (${p.detail}).`,

  motion_not_required: () => "This site's policy does not require motion detection, so it is not checked.",
  motion_armed: (p) =>
    p.activeCells === null
      ? `Motion rule ${p.rule} is armed.`
      : `Motion rule ${p.rule} is armed (${p.activeCells} cells watched).`,
  alarm_rules_absent: (p) =>
    p.analytics === null
      ? "The camera has no analytics configuration, so no motion rule is armed."
      : `Analytics configuration ${p.analytics} holds no motion detection rule.`,
  motion_cells_empty: (p) => `Motion rule ${p.rule} watches no cells: detection is switched off in effect.`,
  motion_rule_disarmed: (p) => `Motion rule ${p.rule} is switched off (Armed = false).`,
  motion_cells_unreadable: (p) => `The cells of motion rule ${p.rule} cannot be read (${p.detail}).`,
  analytics_unsupported: (p) =>
    `The device offers no ONVIF analytics, so motion detection cannot be verified (${p.detail}).`,
  analytics_unavailable: (p) =>
    `The rules of analytics configuration ${p.analytics} could not be read (${p.detail}).`,

  zone_covered: (p) =>
    `${p.healthy} of ${p.cameras} ${plural(p.cameras, "camera")} healthy; at least ${p.minCameras} required.`,
  zone_too_few_healthy: (p) =>
    `Only ${p.healthy} of ${p.cameras} ${plural(p.cameras, "camera")} healthy (online and recording); ` +
    `at least ${p.minCameras} required.`,
  zone_health_unknown: (p) =>
    `${p.healthy} of ${p.cameras} ${plural(p.cameras, "camera")} known to be healthy and ${p.unknown} cannot be ` +
    `checked; at least ${p.minCameras} required.`,
  zone_has_no_cameras: (p) => `No camera covers this zone; at least ${p.minCameras} required.`,
  zone_not_required: (p, f) =>
    `This site's policy does not require coverage of ${f.zoneKinds(p.zoneKind)}, so this zone is ` +
    `not judged (for information: ${p.healthy} of ${p.cameras} ${plural(p.cameras, "camera")} healthy).`,
  required_zone_kinds_declared: (p, f) =>
    `Zones are declared for every required area: ${f.zoneKinds(p.zoneKinds)}.`,
  required_zone_kind_missing: (p, f) =>
    `No zone is declared for ${f.zoneKinds(p.zoneKinds)}, which must be covered by cameras.`,

  retention_sufficient: (p) => `Video goes back ${p.days} days; ${p.requiredDays} days required.`,
  retention_too_short: (p, f) =>
    `Video goes back only ${p.days} days (earliest ${f.time(p.earliest)}); ${p.requiredDays} days are required ` +
    `(tolerance ${p.toleranceHours} h).`,
  retention_accruing: (p, f) =>
    `Monitoring began ${f.time(p.commissionedAt)}; video goes back ${p.days} days with nothing deleted since. ` +
    `${p.requiredDays} days can be shown from ${f.time(p.provableOn)}.`,
  retention_lost_since_commissioning: (p, f) =>
    `Monitoring began ${f.time(p.commissionedAt)}, but video only goes back to ${f.time(p.earliest)} ` +
    `(${p.days} days): recordings made since then are missing.`,
  recording_data_deleted: (p, f) =>
    `Video of recording ${p.recording} from inside the retention period was deleted at ${f.time(p.at)} ` +
    `(data from ${f.time(p.deletedFrom)} to ${f.time(p.deletedTo)}).`,
  recording_not_found: (p) => `No recording for profile ${p.profile} was found on the device.`,
  no_video_track: (p) => `Recording ${p.recording} has no video track.`,
  earliest_data_unknown: (p) =>
    `Recording ${p.recording} gives no real time for its earliest video (none, or a 1970 placeholder).`,

  no_gaps: (p) =>
    `No gap longer than ${p.maxGapMinutes} min in the recorded video of the last ${p.windowDays} days.`,
  recording_gaps: (p, f) =>
    `${p.count} ${plural(p.count, "gap")} longer than ${p.maxGapMinutes} min in the recorded video, the longest ` +
    `${p.longestMinutes} min, the first from ${f.time(p.firstStart)}` +
    (p.open ? "; the last is still open." : "."),
  history_unavailable: (p) => `The recording history of ${p.recording} could not be searched (${p.detail}).`,
  history_not_searched: (p) =>
    `The recording history of ${p.recording} has not been searched yet, or not recently (retention scan pending).`,
  history_empty: (p) => `The recording history of ${p.recording} holds no state of its video track.`,

  retention_config_ok: (p) =>
    p.maxRetentionDays === null
      ? `Recording ${p.recording} sets no maximum retention time.`
      : `Recording ${p.recording} keeps data for up to ${p.maxRetentionDays} days.`,
  retention_config_too_short: (p) =>
    `Recording ${p.recording} is set to delete data after ${p.maxRetentionDays} days; ` +
    `${p.requiredDays} days are required.`,
  recordings_unavailable: (p) => `The device's recordings could not be read (${p.detail}).`,

  ledger_extends_signed_head: (p) =>
    `The ledger (${p.seq} entries) extends the last head the monitor signed.`,
  ledger_not_extending_signed_head: (p, f) =>
    (p.problem === "kept_head_unreadable"
      ? `The monitor's record of its last signed ledger head cannot be read`
      : p.problem === "shorter"
        ? `The ledger has only ${p.currentSeq} entries, but the monitor signed ${p.signedSeq} at ${f.time(p.signedAt)}: history was removed, or Redis lost its data`
        : p.problem === "rewritten"
          ? `Ledger entry ${p.signedSeq}, signed by the monitor at ${f.time(p.signedAt)}, has been replaced: the history was rewritten`
          : `The ledger's entries${p.signedSeq === null ? "" : ` after the last signed head (entry ${p.signedSeq})`} do not chain: they were edited, removed or reordered`) +
    `. The monitor no longer signs the ledger; verify it with \`nurserywatch ledger verify --head\`.`,
};

const zhCN: ReasonSentences = {
  device_reachable: (p) => `设备 ${p.device} 的 ONVIF 服务应答正常。`,
  device_not_observed: (p) => `本次检查未轮询设备 ${p.device}，其状态未知。`,
  device_timeout: (p) => `设备 ${p.device} 在 ${p.timeoutSeconds} 秒内未完整应答。`,
  device_network_error: (p) => `无法通过网络连接设备 ${p.device}：${p.error}。`,
  device_tls_error: (p) => `设备 ${p.device} 的 TLS 校验未通过（证书或固定指纹不符）：${p.error}。`,
  device_login_failed: (p) =>
    `设备 ${p.device} 拒绝了监测账号登录（密码可能已被修改或账号被停用）：${p.error}。`,
  device_answer_invalid: (p) =>
    `设备 ${p.device} 有应答，但不是可用的 ONVIF 响应（${p.errorKind}）：${p.error}。`,
  device_unreachable: (p) => `无法检查：设备 ${p.device} 无法连接。`,

  clock_ok: (p) => `设备时钟${driftZh(p.driftSeconds)}，在允许的 ${p.maxSeconds} 秒以内。`,
  clock_drift_exceeded: (p, f) =>
    `设备时钟${driftZh(p.driftSeconds)}（设备时间 ${f.time(p.deviceTime)}，监测时间 ${f.time(p.ourTime)}），` +
    `超过允许的 ${p.maxSeconds} 秒，其录像时间戳不可信。`,
  clock_implausible: (p, f) =>
    `设备时钟显示 ${f.time(p.deviceTime)}，而监测时间为 ${f.time(p.ourTime)}：设备时间明显错误，` +
    `无法判断录像和保存情况。`,
  clock_unavailable: (p) => `无法读取设备时钟（${p.detail}）。`,

  camera_listed: (p) =>
    p.signalLossKnown
      ? `录像机列出了通道 ${p.profile}，且未报告视频信号丢失。`
      : `录像机列出了通道 ${p.profile}（该设备不提供视频信号丢失事件）。`,
  camera_not_listed: (p) => `录像机已不再列出通道 ${p.profile}：摄像机可能已断开或被移除。`,
  stream_unavailable: (p) => `无法观看该摄像机的视频流（通道 ${p.profile}）：${p.detail}。`,
  probes_skipped: () => "本次检查未查看画面（--no-probes）。",
  picture_unavailable: (p) => `没有可判断的画面：${p.detail}。`,
  picture_not_black: (p) => `画面有亮度（平均亮度 ${p.meanLuma.toFixed(0)}/255）。`,
  picture_black: (p) =>
    `抽样画面中 ${Math.round(p.blackFrameRatio * 100)}% 为黑屏（平均亮度 ${p.meanLuma.toFixed(0)}/255）：镜头被遮挡或摄像机看不到画面。`,
  picture_moving: (p) =>
    `画面正常刷新（抽样帧间局部变化 ${p.localChanges} 次；最后一次抽样的传感器噪声 ${p.lastNoise.toFixed(3)}）。`,
  picture_frozen: (p) =>
    `连续 ${p.windows} 次抽样（共 ${p.seconds} 秒）画面完全没有变化，而视频流时间仍在走：画面已冻结。`,
  frozen_needs_two_windows: (p) => `只取到 ${p.windows} 次抽样；判断画面冻结需要连续两次。`,
  picture_is_black: () => "画面为黑屏，见黑屏检查项。",
  view_matches: (p) => `画面与批准的参考画面一致（相似度 ${p.similarity.toFixed(2)}，阈值 ${p.threshold}）。`,
  view_turned: (p) =>
    `画面与批准的参考画面 ${p.reference} 不再一致（相似度 ${p.similarity.toFixed(2)}，低于 ${p.threshold}）：摄像机被转向或遮挡。`,
  no_reference: () => "该摄像机未配置批准的参考画面，故不比对画面（nurserywatch reference）。",
  reference_unavailable: (p) => `无法与参考画面比对：${p.detail}。`,
  camera_signal_loss: (p) => `录像机报告视频源 ${p.videoSource}（通道 ${p.profile}）视频信号丢失。`,
  profiles_unavailable: (p) => `无法读取设备的媒体配置（${p.detail}）。`,

  recording_active: (p, f) =>
    `录像 ${p.recording} 正在写入视频，最新数据距今 ${f.duration(p.lagSeconds)}（上限 ${f.duration(p.maxSeconds)}）。`,
  video_track_not_active: (p) =>
    `录像任务 ${p.job} 未在录制 ${p.recording} 的视频：状态为 ${p.state}` +
    (p.error ? `（${p.error}）` : "") +
    "。",
  recording_lagging: (p, f) =>
    `录像 ${p.recording} 的最新视频停在 ${f.time(p.newest)}，按设备时钟已过去 ${f.duration(p.lagSeconds)}` +
    `（上限 ${f.duration(p.maxSeconds)}）：录像已停止。`,
  profile_g_unsupported: (p) => `设备不支持 ONVIF 录像控制与检索（Profile G），无法核实录像（${p.detail}）。`,
  recording_jobs_unavailable: (p) => `无法读取录像任务（${p.detail}）。`,
  no_recording_job: (p) =>
    p.recording === null ? "没有录制该摄像机的录像任务。" : `没有向录像 ${p.recording} 写入数据的录像任务。`,
  job_state_unavailable: (p) => `无法读取录像任务 ${p.job} 的运行状态（${p.detail}）。`,
  job_state_ambiguous: (p) => `录像任务 ${p.job} 的状态为 ${p.state}，且未说明视频轨道是否在录制。`,
  recording_info_unavailable: (p) => `无法读取录像 ${p.recording} 的信息（${p.detail}）。`,
  newest_data_unknown: (p) => `录像 ${p.recording} 未给出最新视频的时间。`,

  recording_continuous: (p) =>
    p.schedule === null
      ? `录像任务 ${p.job} 持续录像（无录像计划限制，非事件触发）。`
      : `录像任务 ${p.job} 持续录像：录像计划 ${p.schedule} 覆盖每周 7 天、每天 24 小时。`,
  job_idle: (p) => `录像任务 ${p.job} 被设置为 ${p.mode}，未启用（Active）。`,
  job_event_triggered: (p) => `录像任务 ${p.job} 仅在事件发生时录像（事件触发），不是连续录像。`,
  schedule_not_24x7: (p, f) =>
    `录像任务 ${p.job} 的录像计划 ${p.schedule} 每周有 ${p.uncoveredHoursPerWeek} 小时不录像，` +
    `最早一段从${f.weekday(p.firstGapWeekday)} ${p.firstGapTime} 开始。`,
  schedule_unreadable: (p) =>
    `无法解析录像任务 ${p.job} 的录像计划 ${p.schedule}（${p.detail}），不能证明全天候录像。`,
  schedule_unavailable: (p) => `无法从设备读取录像任务 ${p.job} 的录像计划 ${p.schedule}（${p.detail}）。`,

  motion_not_required: () => "本机构的规则不要求开启移动侦测，故不作检查。",
  motion_armed: (p) =>
    p.activeCells === null
      ? `移动侦测规则 ${p.rule} 已布防。`
      : `移动侦测规则 ${p.rule} 已布防（侦测 ${p.activeCells} 个区域单元）。`,
  alarm_rules_absent: (p) =>
    p.analytics === null
      ? "该摄像机没有视频分析配置，未布防任何移动侦测规则。"
      : `视频分析配置 ${p.analytics} 中没有移动侦测规则。`,
  motion_cells_empty: (p) => `移动侦测规则 ${p.rule} 未选择任何侦测区域，实际上处于关闭状态。`,
  motion_rule_disarmed: (p) => `移动侦测规则 ${p.rule} 已撤防（Armed = false）。`,
  motion_cells_unreadable: (p) => `无法读取移动侦测规则 ${p.rule} 的侦测区域（${p.detail}）。`,
  analytics_unsupported: (p) => `设备不支持 ONVIF 视频分析，无法核实移动侦测（${p.detail}）。`,
  analytics_unavailable: (p) => `无法读取视频分析配置 ${p.analytics} 的规则（${p.detail}）。`,

  zone_covered: (p) => `${p.cameras} 台摄像机中有 ${p.healthy} 台正常，满足至少 ${p.minCameras} 台的要求。`,
  zone_too_few_healthy: (p) =>
    `${p.cameras} 台摄像机中仅 ${p.healthy} 台正常（在线且在录像），少于要求的 ${p.minCameras} 台。`,
  zone_health_unknown: (p) =>
    `${p.cameras} 台摄像机中 ${p.healthy} 台确认正常，${p.unknown} 台无法检查；要求至少 ${p.minCameras} 台。`,
  zone_has_no_cameras: (p) => `该区域没有任何摄像机覆盖，要求至少 ${p.minCameras} 台。`,
  zone_not_required: (p, f) =>
    `本机构的规则不要求覆盖${f.zoneKinds(p.zoneKind)}，该区域不作判定（仅供参考：${p.cameras} 台摄像机中 ${p.healthy} 台正常）。`,
  required_zone_kinds_declared: (p, f) => `所有必须监控的区域均已登记：${f.zoneKinds(p.zoneKinds)}。`,
  required_zone_kind_missing: (p, f) => `未登记以下必须由摄像机覆盖的区域：${f.zoneKinds(p.zoneKinds)}。`,

  retention_sufficient: (p) => `视频可回溯 ${p.days} 天，满足保存 ${p.requiredDays} 天的要求。`,
  retention_too_short: (p, f) =>
    `视频仅可回溯 ${p.days} 天（最早为 ${f.time(p.earliest)}），要求保存 ${p.requiredDays} 天` +
    `（容差 ${p.toleranceHours} 小时）。`,
  retention_accruing: (p, f) =>
    `监测始于 ${f.time(p.commissionedAt)}，视频已积累 ${p.days} 天且期间未被删除，` +
    `预计于 ${f.time(p.provableOn)} 满 ${p.requiredDays} 天。`,
  retention_lost_since_commissioning: (p, f) =>
    `监测始于 ${f.time(p.commissionedAt)}，但视频最早只到 ${f.time(p.earliest)}（${p.days} 天）：` +
    `此后的部分录像已缺失。`,
  recording_data_deleted: (p, f) =>
    `录像 ${p.recording} 在保存期内的视频于 ${f.time(p.at)} 被删除` +
    `（删除范围 ${f.time(p.deletedFrom)} 至 ${f.time(p.deletedTo)}）。`,
  recording_not_found: (p) => `设备上未找到通道 ${p.profile} 对应的录像。`,
  no_video_track: (p) => `录像 ${p.recording} 没有视频轨道。`,
  earliest_data_unknown: (p) => `录像 ${p.recording} 未给出最早视频的有效时间（缺失或为 1970 年占位值）。`,

  no_gaps: (p) => `近 ${p.windowDays} 天的录像中没有超过 ${p.maxGapMinutes} 分钟的中断。`,
  recording_gaps: (p, f) =>
    `录像中有 ${p.count} 处超过 ${p.maxGapMinutes} 分钟的中断，最长 ${p.longestMinutes} 分钟，` +
    `第一处始于 ${f.time(p.firstStart)}` +
    (p.open ? "，最近一处仍在中断中。" : "。"),
  history_unavailable: (p) => `无法检索录像 ${p.recording} 的历史记录（${p.detail}）。`,
  history_not_searched: (p) => `录像 ${p.recording} 的历史记录尚未检索或近期未检索（保存期检查待执行）。`,
  history_empty: (p) => `录像 ${p.recording} 的历史记录中没有视频轨道的状态信息。`,

  retention_config_ok: (p) =>
    p.maxRetentionDays === null
      ? `录像 ${p.recording} 未设置最长保存时间。`
      : `录像 ${p.recording} 设置为最长保存 ${p.maxRetentionDays} 天。`,
  retention_config_too_short: (p) =>
    `录像 ${p.recording} 被设置为 ${p.maxRetentionDays} 天后删除数据，而要求保存 ${p.requiredDays} 天。`,
  recordings_unavailable: (p) => `无法读取设备的录像列表（${p.detail}）。`,

  ledger_extends_signed_head: (p) => `台账（共 ${p.seq} 条）延续了监测系统最近签名的链头。`,
  ledger_not_extending_signed_head: (p, f) =>
    (p.problem === "kept_head_unreadable"
      ? `无法读取监测系统保存的最近签名链头`
      : p.problem === "shorter"
        ? `台账只有 ${p.currentSeq} 条记录，而监测系统已于 ${f.time(p.signedAt)} 签名至第 ${p.signedSeq} 条：历史记录被删除，或 Redis 数据丢失`
        : p.problem === "rewritten"
          ? `监测系统于 ${f.time(p.signedAt)} 签名的台账第 ${p.signedSeq} 条已被替换：历史记录被改写`
          : `台账${p.signedSeq === null ? "" : `在最近签名的链头（第 ${p.signedSeq} 条）之后`}的记录无法衔接：记录被修改、删除或调换顺序`) +
    `。监测系统已停止为台账签名；请用 \`nurserywatch ledger verify --head\` 核验。`,
};

export const REASON_SENTENCES: Readonly<Record<Locale, ReasonSentences>> = { en, "zh-CN": zhCN };

export const KIND_TITLES: Readonly<Record<Locale, Readonly<Record<FindingKind, string>>>> = {
  en: {
    device_unreachable: "Device unreachable",
    camera_offline: "Camera offline",
    recording_stopped: "Recording stopped",
    recording_not_continuous: "Recording not continuous",
    alarm_disarmed: "Alarm disarmed",
    image_black: "Black image",
    image_frozen: "Frozen image",
    view_changed: "View changed",
    zone_uncovered: "Zone not covered",
    retention_short: "Retention too short",
    retention_gap: "Gap in recordings",
    retention_config: "Retention setting too short",
    clock_drift: "Device clock wrong",
    monitor_blind: "Monitor cannot see",
    monitor_silent: "Monitor silent",
    ledger_broken: "Ledger history altered",
  },
  "zh-CN": {
    device_unreachable: "设备无法连接",
    camera_offline: "摄像机离线",
    recording_stopped: "录像已停止",
    recording_not_continuous: "未全天候录像",
    alarm_disarmed: "报警未布防",
    image_black: "画面黑屏",
    image_frozen: "画面冻结",
    view_changed: "监控画面被改变",
    zone_uncovered: "区域监控未覆盖",
    retention_short: "录像保存期不足",
    retention_gap: "录像中断",
    retention_config: "录像保存期设置过短",
    clock_drift: "设备时钟不准",
    monitor_blind: "监测无法获取数据",
    monitor_silent: "监测系统失联",
    ledger_broken: "台账历史被篡改",
  },
};

export const STATUS_LABELS: Readonly<Record<Locale, Readonly<Record<FindingStatus, string>>>> = {
  en: {
    ok: "OK",
    violation: "Violation",
    unknown: "Cannot tell",
    accruing: "Accruing",
    not_required: "Not required (not checked)",
  },
  "zh-CN": {
    ok: "正常",
    violation: "违规",
    unknown: "无法确定",
    accruing: "积累中",
    not_required: "非必需（未检查）",
  },
};

export const VERDICT_LABELS: Readonly<Record<Locale, Readonly<Record<Verdict, string>>>> = {
  en: {
    compliant: "Compliant",
    violation: "Not compliant",
    indeterminate: "Cannot tell: not shown compliant",
  },
  "zh-CN": { compliant: "合规", violation: "不合规", indeterminate: "无法确定（不能证明合规）" },
};

const ZONE_KINDS: Readonly<Record<Locale, Readonly<Record<ZoneKind, string>>>> = {
  en: {
    entrance: "main entrances and exits",
    living: "living areas",
    activity: "activity areas",
    other: "other areas",
  },
  "zh-CN": { entrance: "主出入口", living: "生活区域", activity: "活动区域", other: "其他区域" },
};

const WEEKDAYS: Readonly<Record<Locale, readonly string[]>> = {
  en: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
  "zh-CN": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
};

/** The sentence for a finding's reason, in the locale, with its params filled in. */
export function reasonText(
  locale: Locale,
  reason: ReasonCode,
  params: Finding["params"],
  options: MessageOptions = {},
): string {
  // Finding.params is the wire shape; the rules built it from ReasonParams[reason].
  const sentence = REASON_SENTENCES[locale][reason] as (p: Finding["params"], f: Fmt) => string;
  return sentence(params, formatter(locale, options));
}

export const findingText = (
  locale: Locale,
  f: Pick<Finding, "reason" | "params">,
  options: MessageOptions = {},
): string => reasonText(locale, f.reason, f.params, options);

export const kindTitle = (locale: Locale, kind: FindingKind): string => KIND_TITLES[locale][kind];
export const statusLabel = (locale: Locale, status: FindingStatus): string => STATUS_LABELS[locale][status];
export const verdictLabel = (locale: Locale, verdict: Verdict): string => VERDICT_LABELS[locale][verdict];

function formatter(locale: Locale, options: MessageOptions): Fmt {
  const zh = locale === "zh-CN";
  return {
    time: (iso) => (iso === null ? (zh ? "未知" : "unknown") : formatTime(iso, options.timeZone)),
    duration: (s) => (zh ? durationZh(s) : durationEn(s)),
    weekday: (n) => WEEKDAYS[locale][n] ?? String(n),
    zoneKinds: (csv) =>
      csv
        .split(",")
        .filter((k) => k.length > 0)
        .map((k) => ZONE_KINDS[locale][k as ZoneKind] ?? k)
        .join(zh ? "、" : ", "),
  };
}

/** "2026-03-01 10:05 UTC+8" in the given zone; the raw text when it is not a time. */
export function formatTime(iso: string, timeZone = "UTC"): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "shortOffset",
    }).formatToParts(d);
    const get = (t: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === t)?.value ?? "";
    const zone =
      get("timeZoneName")
        .replace(/^GMT/, "UTC")
        .replace(/^UTC[+-]0$/, "UTC") || "UTC";
    return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")} ${zone}`;
  } catch {
    return iso;
  }
}

function splitDuration(seconds: number): [number, number, number, number] {
  const s = Math.max(0, Math.round(seconds));
  return [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60];
}

function durationEn(seconds: number): string {
  const [d, h, m, s] = splitDuration(seconds);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

function durationZh(seconds: number): string {
  const [d, h, m, s] = splitDuration(seconds);
  if (d > 0) return h > 0 ? `${d}天${h}小时` : `${d}天`;
  if (h > 0) return m > 0 ? `${h}小时${m}分钟` : `${h}小时`;
  if (m > 0) return s > 0 ? `${m}分${s}秒` : `${m}分钟`;
  return `${s}秒`;
}

const driftEn = (s: number): string =>
  s === 0 ? "in step with ours" : s > 0 ? `${s} s ahead of ours` : `${-s} s behind ours`;
const driftZh = (s: number): string =>
  s === 0 ? "与监测时钟一致" : s > 0 ? `比监测时钟快 ${s} 秒` : `比监测时钟慢 ${-s} 秒`;
const plural = (n: number, word: string): string => (n === 1 ? `${word} is` : `${word}s are`);
