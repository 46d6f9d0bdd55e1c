import type { FindingRef, FindingStatus, ReasonCode, Subject } from "../../domain/finding.ts";
import type { Locale } from "../../domain/site.ts";
import type { Violation } from "../../domain/violation.ts";
import {
  REASON_SENTENCES,
  formatTime,
  kindTitle,
  reasonText,
  statusLabel,
  verdictLabel,
} from "../../report/messages.ts";
import { policyLines } from "../../report/policyText.ts";
import type { SiteInfo } from "../deps.ts";
import { html, type Html } from "./html.ts";
import { WORDS, duration, type Words } from "./words.ts";
import type { CheckReport, ReportFinding, SiteStatus } from "../../domain/checkReport.ts";

/** What one render of the dashboard's live part needs; `now` is our clock (ms). */
export interface DashboardData {
  readonly sites: readonly { readonly info: SiteInfo; readonly status: SiteStatus | null }[];
  /** Open violations of every site shown. */
  readonly openViolations: readonly Violation[];
  readonly now: number;
  readonly locale: Locale;
}

/** The live part of the dashboard: re-rendered on every refresh and swapped in by the page's script. */
export function renderLive(data: DashboardData): Html {
  return html`${data.sites.map((s) =>
    renderSite(
      s.info,
      s.status,
      data.openViolations.filter((v) => v.siteId === s.info.id && v.state === "open"),
      data,
    ),
  )}`;
}

const sameRef = (a: FindingRef, b: FindingRef): boolean =>
  a.kind === b.kind && a.subject.type === b.subject.type && a.subject.id === b.subject.id;

/** How a status looks: one class per meaning, shared by every badge and card. */
const tone = (status: FindingStatus | "healthy" | "unhealthy"): string =>
  status === "ok" || status === "healthy"
    ? "good"
    : status === "violation" || status === "unhealthy"
      ? "bad"
      : status === "accruing"
        ? "wait"
        : status === "not_required"
          ? "off"
          : "unsure";

/** A finding to show as a problem: judged and not ok (not_required was not judged, so it is none). */
const isProblem = (f: ReportFinding): boolean => f.status !== "ok" && f.status !== "not_required";

function renderSite(
  info: SiteInfo,
  status: SiteStatus | null,
  open: readonly Violation[],
  data: DashboardData,
): Html {
  const w = WORDS[data.locale];
  const report = status?.report ?? null;
  const tz = info.timezone;
  const verdict =
    report === null
      ? html`<span class="badge unsure">${statusLabel(data.locale, "unknown")}</span>`
      : html`<span
          class="badge ${report.verdict === "compliant" ? "good" : report.verdict === "violation" ? "bad" : "unsure"}"
          data-verdict="${report.verdict}"
          >${verdictLabel(data.locale, report.verdict)}</span
        >`;
  const checked =
    report === null
      ? html`<p class="notice unsure">${w.notPolledYet}</p>`
      : html`<p class="meta">
          ${w.checkedAt(
            formatTime(report.checkedAt, tz),
            w.ago(duration(data.locale, (data.now - Date.parse(report.checkedAt)) / 1000)),
          )}
        </p>`;
  return html`<section class="site" data-site="${info.id}">
    <h2><span class="site-name">${info.name}</span> ${verdict}</h2>
    ${checked} ${report === null ? null : policyNote(report, data.locale)}
    ${report === null ? null : siteProblems(report, data.locale, w)}
    <h3>${w.openViolations} <span class="count" data-open-count="${open.length}">${open.length}</span></h3>
    ${
      open.length === 0
        ? html`<p class="meta" data-none-open>${w.noneOpen}</p>`
        : html`<ul class="violations">
            ${open.map((v) => violationItem(v, info, report, data, w))}
          </ul>`
    }
    <h3>${w.zones}</h3>
    <div class="grid">${info.zones.map((z) => zoneCard(z, report, data.locale, w))}</div>
    <h3>${w.cameras}</h3>
    <div class="grid">${info.cameras.map((c) => cameraCard(c, info, report, data.locale, w))}</div>
    <h3>${w.devices}</h3>
    <ul class="devices">
      ${info.devices.map((d) => deviceItem(d.id, info, report, status, data, w))}
    </ul>
  </section>`;
}

/** Which preset and cited source the site is judged against; the values and their origins on demand. */
function policyNote(report: CheckReport, locale: Locale): Html | null {
  const policy = report.policy;
  if (policy === undefined) return null;
  const [head, ...values] = policyLines(policy, locale);
  return html`<details class="meta policy" data-preset="${policy.preset}">
    <summary>${head}</summary>
    ${policy.source === null ? null : html`<p>${policy.source.summary[locale]}</p>`}
    <ul>
      ${values.map((line) => html`<li>${line.trim()}</li>`)}
    </ul>
  </details>`;
}

function siteProblems(report: CheckReport, locale: Locale, w: Words): Html | null {
  const problems = report.findings.filter((f) => f.subject.type === "site" && isProblem(f));
  if (problems.length === 0) return null;
  return html`<ul class="problems site-problems" aria-label="${w.siteProblems}">
    ${problems.map((f) => findingLine(f, report, locale, w))}
  </ul>`;
}

/**
 * The finding's reason in the page's language: the report's own sentence when the page speaks
 * the site's language, else the same sentence re-rendered from its reason code and params.
 */
function messageOf(f: ReportFinding, locale: Locale, report: CheckReport): string {
  if (locale === report.site.locale || !Object.hasOwn(REASON_SENTENCES[locale], f.reason)) return f.message;
  try {
    return reasonText(locale, f.reason as ReasonCode, f.params, { timeZone: report.site.timezone });
  } catch {
    return f.message;
  }
}

function findingLine(f: ReportFinding, report: CheckReport, locale: Locale, w: Words): Html {
  return html`<li class="${tone(f.status)}">
    <b>${kindTitle(locale, f.kind)}</b>${
      f.required ? null : html` <span class="tag">${w.notRequired}</span>`
    }:
    ${messageOf(f, locale, report)}
  </li>`;
}

function subjectName(subject: Subject, info: SiteInfo, report: CheckReport | null): string {
  switch (subject.type) {
    case "zone":
      return (
        info.zones.find((z) => z.id === subject.id)?.name ??
        report?.zones.find((z) => z.id === subject.id)?.name ??
        subject.id
      );
    case "camera":
      return (
        info.cameras.find((c) => c.id === subject.id)?.name ??
        report?.cameras.find((c) => c.id === subject.id)?.name ??
        subject.id
      );
    case "site":
      return info.name;
    case "device":
      return subject.id;
  }
}

/** The latest report's sentence for this violation's finding, while it is still not ok. */
function currentMessage(v: Violation, report: CheckReport | null, locale: Locale): string | null {
  const f = report?.findings.find((x) => sameRef(x, v));
  return report !== null && f !== undefined && isProblem(f) ? messageOf(f, locale, report) : null;
}

function violationItem(
  v: Violation,
  info: SiteInfo,
  report: CheckReport | null,
  data: DashboardData,
  w: Words,
): Html {
  const since = v.openedAt ?? v.firstSeenAt;
  const openSeconds = (data.now - Date.parse(since)) / 1000;
  const message = currentMessage(v, report, data.locale);
  return html`<li class="card bad" data-violation="${v.id}" data-kind="${v.kind}">
    <div class="card-head">
      <b>${kindTitle(data.locale, v.kind)}</b>${
        v.maintenance ? html` <span class="tag">${w.inMaintenance}</span>` : null
      }
    </div>
    <div class="subject">${subjectName(v.subject, info, report)}</div>
    <div class="meta">${w.openFor(duration(data.locale, openSeconds), formatTime(since, info.timezone))}</div>
    ${message === null ? null : html`<p class="reason">${message}</p>`}
  </li>`;
}

function zoneCard(
  zone: SiteInfo["zones"][number],
  report: CheckReport | null,
  locale: Locale,
  w: Words,
): Html {
  const summary = report?.zones.find((z) => z.id === zone.id);
  const status: FindingStatus = summary?.status ?? "unknown";
  const finding = report?.findings.find(
    (f) => f.kind === "zone_uncovered" && f.subject.type === "zone" && f.subject.id === zone.id,
  );
  return html`<article class="card ${tone(status)}" data-zone="${zone.id}" data-status="${status}">
    <div class="card-head">
      <b class="name">${zone.name}</b>
      <span class="badge ${tone(status)}">${statusLabel(locale, status)}</span>
    </div>
    <div class="meta">
      ${w.zoneKinds[zone.kind]}${summary?.private ? html` · <span class="tag">${w.privateZone}</span>` : null}${
        summary !== undefined && !summary.required ? html` · <span class="tag">${w.notRequired}</span>` : null
      }
    </div>
    ${
      finding !== undefined && report !== null
        ? html`<p class="reason">${messageOf(finding, locale, report)}</p>`
        : summary === undefined
          ? html`<p class="reason">${w.notObserved}</p>`
          : html`<p class="reason">
              ${w.camerasHealthy(summary.healthyCameras, summary.cameras.length, summary.minCameras)}
            </p>`
    }
  </article>`;
}

function cameraCard(
  camera: SiteInfo["cameras"][number],
  info: SiteInfo,
  report: CheckReport | null,
  locale: Locale,
  w: Words,
): Html {
  const summary = report?.cameras.find((c) => c.id === camera.id);
  const health = summary?.health ?? "unknown";
  const own = report?.findings.filter((f) => f.subject.type === "camera" && f.subject.id === camera.id) ?? [];
  // The root cause first (an unreachable recorder, the camera's own fault), then other
  // problems it does not explain, so a dead NVR reads as one sentence, not seven.
  const root = summary?.root ?? null;
  const rootFinding = root === null ? undefined : report?.findings.find((f) => sameRef(f, root));
  const others = own.filter(
    (f) =>
      isProblem(f) &&
      f !== rootFinding &&
      (root === null || f.causedBy === null || !sameRef(f.causedBy, root)),
  );
  const lines = [...(rootFinding !== undefined && isProblem(rootFinding) ? [rootFinding] : []), ...others];
  // The card shows the camera's worst required finding (short retention on a camera that is
  // online and recording is still a violation); the badge keeps saying whether it is healthy.
  const required = own.filter((f) => f.required).map((f) => f.status);
  const cardTone =
    health === "unhealthy" || required.includes("violation")
      ? "bad"
      : health === "unknown" || required.includes("unknown")
        ? "unsure"
        : required.includes("accruing")
          ? "wait"
          : "good";
  const zoneNames = camera.zones.map((id) => info.zones.find((z) => z.id === id)?.name ?? id).join(", ");
  // What the policy does not ask for is said as such, never as part of a healthy card.
  const notRequired = own.filter((f) => f.status === "not_required");
  const depth = summary?.retentionDepthDays ?? null;
  return html`<article class="card ${cardTone}" data-camera="${camera.id}" data-health="${health}">
    <div class="card-head">
      <b class="name">${camera.name}</b> <span class="badge ${tone(health)}">${w.health[health]}</span>
    </div>
    <div class="meta">${zoneNames}</div>
    ${
      lines.length === 0
        ? html`<p class="reason">${summary === undefined ? w.notObserved : w.healthyReason}</p>`
        : html`<ul class="problems">
            ${lines.map((f) => findingLine(f, report!, locale, w))}
          </ul>`
    }
    ${
      notRequired.length === 0
        ? null
        : html`<div class="meta not-required" data-not-required="${notRequired.map((f) => f.kind).join(" ")}">
            ${statusLabel(locale, "not_required")}:
            ${notRequired.map((f) => kindTitle(locale, f.kind)).join(locale === "zh-CN" ? "、" : ", ")}
          </div>`
    }
    <div class="meta retention" data-retention-days="${depth === null ? "" : String(depth)}">
      ${depth === null ? w.retentionUnknown : w.retention(depth.toFixed(depth < 10 ? 1 : 0))}
    </div>
  </article>`;
}

function deviceItem(
  id: string,
  info: SiteInfo,
  report: CheckReport | null,
  status: SiteStatus | null,
  data: DashboardData,
  w: Words,
): Html {
  const device = report?.devices.find((d) => d.id === id);
  const at = status?.lastPollAt[id] ?? null;
  const state =
    device === undefined || device.error?.kind === "not_observed"
      ? html`<span class="badge unsure">${w.notObserved}</span>`
      : device.reachable
        ? html`<span class="badge good">${w.reachable}</span>`
        : html`<span class="badge bad">${w.unreachable}</span>`;
  const poll =
    at === null
      ? w.lastPoll(null, null)
      : w.lastPoll(
          formatTime(at, info.timezone),
          w.ago(duration(data.locale, (data.now - Date.parse(at)) / 1000)),
        );
  return html`<li data-device="${id}"><b>${id}</b> ${state} <span class="meta">${poll}</span></li>`;
}
