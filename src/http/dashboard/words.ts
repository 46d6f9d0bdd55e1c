import { LOCALES } from "../../config/schema.ts";
import type { Locale, ZoneKind } from "../../domain/site.ts";
import type { Health } from "../../domain/evaluation.ts";

/** The dashboard's own words; findings' sentences and kind titles come from report/messages.ts. */
export interface Words {
  readonly title: string;
  readonly signIn: string;
  readonly signInIntro: string;
  readonly adminKey: string;
  readonly keyInvalid: string;
  readonly keyNotAdmin: string;
  readonly tooManyFailures: string;
  readonly signOut: string;
  readonly openViolations: string;
  readonly noneOpen: string;
  readonly openFor: (duration: string, since: string) => string;
  readonly inMaintenance: string;
  readonly zones: string;
  readonly cameras: string;
  readonly devices: string;
  readonly camerasHealthy: (healthy: number, total: number, min: number) => string;
  readonly health: Readonly<Record<Health, string>>;
  readonly healthyReason: string;
  readonly retention: (days: string) => string;
  readonly retentionUnknown: string;
  readonly checkedAt: (time: string, ago: string) => string;
  readonly notPolledYet: string;
  /** "last poll: TIME (AGO)", or "last poll: never" when both are null. */
  readonly lastPoll: (time: string | null, ago: string | null) => string;
  readonly ago: (duration: string) => string;
  readonly reachable: string;
  readonly unreachable: string;
  readonly notObserved: string;
  readonly privateZone: string;
  readonly notRequired: string;
  readonly zoneKinds: Readonly<Record<ZoneKind, string>>;
  readonly updated: string;
  readonly stale: string;
  readonly siteProblems: string;
  readonly language: string;
  readonly unavailable: string;
}

const en: Words = {
  title: "Surveillance compliance",
  signIn: "Sign in",
  signInIntro: "Sign in with an admin API key to see the state of every zone and camera.",
  adminKey: "Admin key",
  keyInvalid: "That key is not valid.",
  keyNotAdmin: "That key is valid but not an admin key; the dashboard needs an admin key.",
  tooManyFailures: "Too many wrong keys from this address; wait a few minutes and try again.",
  signOut: "Sign out",
  openViolations: "Open violations",
  noneOpen: "No violation is open.",
  openFor: (d, since) => `open for ${d} (since ${since})`,
  inMaintenance: "maintenance",
  zones: "Zones",
  cameras: "Cameras",
  devices: "Devices",
  camerasHealthy: (h, t, min) => `${h} of ${t} ${t === 1 ? "camera" : "cameras"} healthy, ${min} needed.`,
  health: { healthy: "Healthy", unhealthy: "Not healthy", unknown: "Cannot tell" },
  healthyReason: "Online and recording.",
  retention: (d) => `Recordings go back ${d} days`,
  retentionUnknown: "Retention depth unknown",
  checkedAt: (t, ago) => `Checked ${t} (${ago})`,
  notPolledYet: "Not polled yet: the first check of this site has not finished.",
  lastPoll: (t, ago) => (t === null ? "last poll: never" : `last poll: ${t} (${ago})`),
  ago: (d) => `${d} ago`,
  reachable: "Reachable",
  unreachable: "Unreachable",
  notObserved: "Not polled",
  privateZone: "private",
  notRequired: "not required",
  zoneKinds: { entrance: "Entrance", living: "Living area", activity: "Activity area", other: "Other" },
  updated: "Updated",
  stale: "Connection lost: the page will catch up when the monitor answers again.",
  siteProblems: "Site",
  language: "Language",
  unavailable:
    "The monitor cannot read its state right now (is its Redis down?). This page tries again every 10 seconds.",
};

const zhCN: Words = {
  title: "监控合规状态",
  signIn: "登录",
  signInIntro: "请使用管理员 API 密钥登录，查看每个区域和摄像机的状态。",
  adminKey: "管理员密钥",
  keyInvalid: "密钥无效。",
  keyNotAdmin: "该密钥有效，但不是管理员密钥；查看状态页需要管理员密钥。",
  tooManyFailures: "此地址输入错误密钥的次数过多；请等几分钟后再试。",
  signOut: "退出",
  openViolations: "未解决的违规",
  noneOpen: "当前没有未解决的违规。",
  openFor: (d, since) => `已持续 ${d}（自 ${since} 起）`,
  inMaintenance: "维护中",
  zones: "区域",
  cameras: "摄像机",
  devices: "设备",
  camerasHealthy: (h, t, min) => `${t} 台摄像机中 ${h} 台正常，至少需要 ${min} 台。`,
  health: { healthy: "正常", unhealthy: "异常", unknown: "无法确定" },
  healthyReason: "在线且正在录像。",
  retention: (d) => `录像可追溯 ${d} 天`,
  retentionUnknown: "录像保存天数未知",
  checkedAt: (t, ago) => `检查时间 ${t}（${ago}）`,
  notPolledYet: "尚未轮询：本机构的首次检查还未完成。",
  lastPoll: (t, ago) => (t === null ? "最近轮询：从未" : `最近轮询：${t}（${ago}）`),
  ago: (d) => `${d}前`,
  reachable: "可连接",
  unreachable: "无法连接",
  notObserved: "未轮询",
  privateZone: "隐私区域",
  notRequired: "非必需",
  zoneKinds: { entrance: "主出入口", living: "生活区域", activity: "活动区域", other: "其他区域" },
  updated: "更新于",
  stale: "连接中断：监测恢复应答后页面会自动更新。",
  siteProblems: "机构",
  language: "语言",
  unavailable: "监测系统暂时无法读取状态数据（Redis 是否已停止？）。本页每 10 秒自动重试。",
};

export const WORDS: Readonly<Record<Locale, Words>> = { en, "zh-CN": zhCN };

/** The language a visitor asked for with ?lang= (zh, zh-CN, en, en-GB...), or null. */
export function parseLang(value: unknown): Locale | null {
  if (typeof value !== "string") return null;
  const v = value.trim().toLowerCase();
  const exact = LOCALES.find((l) => l.toLowerCase() === v);
  if (exact !== undefined) return exact;
  if (v === "zh" || v.startsWith("zh-")) return "zh-CN";
  if (v.startsWith("en")) return "en";
  return null;
}

/** "3 h 5 min" / "3小时5分钟": the largest two units, for how long something has lasted. */
export function duration(locale: Locale, seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const zh = locale === "zh-CN";
  const units: [number, string, string][] = [
    [d, " d", "天"],
    [h, " h", "小时"],
    [m, " min", "分钟"],
    [sec, " s", "秒"],
  ];
  const first = units.findIndex(([n]) => n > 0);
  if (first === -1) return zh ? "0秒" : "0 s";
  return units
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, e, z]) => (zh ? `${n}${z}` : `${n}${e}`))
    .join(zh ? "" : " ");
}
