import type { FindingStatus } from "../domain/finding.ts";
import type { Locale } from "../domain/site.ts";
import { formatTime, kindTitle, statusLabel, verdictLabel } from "./messages.ts";
import type { CheckReport, ReportFinding } from "../domain/checkReport.ts";
import { policyLines } from "./policyText.ts";

/** The words around the findings; the findings' own sentences come from messages.ts. */
const CHROME: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  en: {
    checked: "checked",
    verdict: "Verdict",
    zones: "Zones",
    cameras: "Cameras",
    devices: "Devices",
    healthyOf: "healthy cameras",
    needed: "needed",
    retention: "recordings go back",
    days: "days",
    unknownDepth: "retention depth unknown",
    reachable: "reachable",
    unreachable: "unreachable",
    causedBy: "because of",
    private: "private",
    notRequired: "not required",
    counts: "Required findings",
    notRequiredCount: "not required, not checked",
    camerasIn: "cameras",
  },
  "zh-CN": {
    checked: "检查时间",
    verdict: "结论",
    zones: "区域",
    cameras: "摄像机",
    devices: "设备",
    healthyOf: "路正常",
    needed: "至少需要",
    retention: "录像可追溯",
    days: "天",
    unknownDepth: "录像保存天数未知",
    reachable: "可连接",
    unreachable: "无法连接",
    causedBy: "起因",
    private: "隐私区域",
    notRequired: "非必需",
    counts: "必查项",
    notRequiredCount: "非必需、未检查",
    camerasIn: "摄像机",
  },
};

const MARK: Readonly<Record<FindingStatus, string>> = {
  ok: "✓",
  violation: "✗",
  unknown: "?",
  accruing: "…",
  not_required: "–",
};

/** The human report of `check`: per zone and camera, each problem with the reason in plain words. */
export function renderCheckText(r: CheckReport): string {
  const locale = r.site.locale;
  const w = CHROME[locale];
  const t = (k: string): string => w[k] ?? k;
  const out: string[] = [];
  const findingsOf = (type: string, id: string): ReportFinding[] =>
    r.findings.filter((f) => f.subject.type === type && f.subject.id === id);
  // What was not judged is said once per subject, apart from its problems: never as ok.
  const notRequiredLine = (fs: readonly ReportFinding[], indent: string): string[] => {
    const kinds = fs.filter((f) => f.status === "not_required").map((f) => kindTitle(locale, f.kind));
    return kinds.length === 0
      ? []
      : [
          `${indent}${MARK.not_required} ${statusLabel(locale, "not_required")}: ${kinds.join(locale === "zh-CN" ? "、" : ", ")}`,
        ];
  };
  const problemLines = (fs: readonly ReportFinding[], indent: string): string[] =>
    fs
      .filter((f) => f.status !== "ok" && f.status !== "not_required")
      .map((f) => {
        const cause = f.causedBy
          ? ` (${t("causedBy")}: ${kindTitle(locale, f.causedBy.kind)} ${f.causedBy.subject.id})`
          : "";
        const optional = f.required ? "" : ` [${t("notRequired")}]`;
        return `${indent}${MARK[f.status]} ${kindTitle(locale, f.kind)} — ${statusLabel(locale, f.status)}${optional}: ${f.message}${cause}`;
      });

  out.push(`${r.site.name} (${r.site.id})${r.site.registration ? ` ${r.site.registration}` : ""}`);
  out.push(`${t("checked")}: ${formatTime(r.checkedAt, r.site.timezone)}`);
  out.push(`${t("verdict")}: ${MARK[verdictMark(r.verdict)]} ${verdictLabel(locale, r.verdict)}`);
  out.push(
    `${t("counts")}: ${(["violation", "unknown", "accruing", "ok"] as const)
      .map((s) => `${statusLabel(locale, s)} ${r.counts[s]}`)
      .join(" · ")} (${t("notRequiredCount")}: ${r.counts.not_required})`,
  );
  // Which rules the verdict was judged against, and which file, variable or preset set each value.
  if (r.policy !== undefined) out.push(...policyLines(r.policy, locale));

  out.push("", `${t("zones")}:`);
  for (const z of r.zones) {
    const flags = [z.kind, z.private ? t("private") : null, z.required ? null : t("notRequired")].filter(
      Boolean,
    );
    out.push(
      `  ${MARK[z.status]} ${z.name} (${z.id}; ${flags.join(", ")}): ${z.healthyCameras}/${z.cameras.length} ${t("healthyOf")}${z.required ? `, ${t("needed")} ${z.minCameras}` : ""}`,
    );
    const zoneFindings = findingsOf("zone", z.id);
    out.push(...problemLines(zoneFindings, "      "));
    // A zone the policy does not require: its line says so, and why.
    out.push(
      ...zoneFindings
        .filter((f) => f.status === "not_required")
        .map((f) => `      ${MARK.not_required} ${f.message}`),
    );
  }
  const siteProblems = problemLines(findingsOf("site", r.site.id), "  ");
  if (siteProblems.length > 0) out.push(...siteProblems);

  out.push("", `${t("cameras")}:`);
  for (const c of r.cameras) {
    const worst = worstStatus(findingsOf("camera", c.id).filter((f) => f.required));
    const depth =
      c.retentionDepthDays === null
        ? t("unknownDepth")
        : `${t("retention")} ${Math.floor(c.retentionDepthDays)} ${t("days")}`;
    out.push(`  ${MARK[worst]} ${c.name} (${c.id} @ ${c.device}): ${depth}`);
    out.push(...problemLines(findingsOf("camera", c.id), "      "));
    out.push(...notRequiredLine(findingsOf("camera", c.id), "      "));
  }

  out.push("", `${t("devices")}:`);
  for (const d of r.devices) {
    const what = [d.manufacturer, d.model, d.firmwareVersion].filter(Boolean).join(" ");
    const worst = worstStatus(findingsOf("device", d.id).filter((f) => f.required));
    out.push(
      `  ${MARK[worst]} ${d.id}: ${d.reachable ? t("reachable") : t("unreachable")}${what ? ` — ${what}` : ""}`,
    );
    out.push(...problemLines(findingsOf("device", d.id), "      "));
    out.push(...notRequiredLine(findingsOf("device", d.id), "      "));
  }
  return `${out.join("\n")}\n`;
}

function verdictMark(v: CheckReport["verdict"]): FindingStatus {
  switch (v) {
    case "compliant":
      return "ok";
    case "violation":
      return "violation";
    case "indeterminate":
      return "unknown";
  }
}

function worstStatus(fs: readonly ReportFinding[]): FindingStatus {
  if (fs.some((f) => f.status === "violation")) return "violation";
  if (fs.some((f) => f.status === "unknown")) return "unknown";
  if (fs.some((f) => f.status === "accruing")) return "accruing";
  return "ok";
}
