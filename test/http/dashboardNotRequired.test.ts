import { describe, expect, it } from "vitest";
import { siteInfoOf } from "../../src/http/deps.ts";
import { renderLive } from "../../src/http/dashboard/view.ts";
import type { Locale } from "../../src/domain/site.ts";
import { NOW } from "../compliance/builders.ts";
import { down, reportOf, site } from "../report/notRequiredSite.ts";

/** The dashboard shows findings the policy does not require as such: never ok, never a problem. */
describe("the dashboard and findings the policy does not require", () => {
  const page = (locale: Locale): string =>
    renderLive({
      sites: [
        { info: siteInfoOf(site), status: { siteId: site.id, report: reportOf(down), lastPollAt: {} } },
      ],
      openViolations: [],
      now: NOW,
      locale,
    }).toString();

  it("says on each camera card what is not required, apart from its problems", () => {
    const en = page("en");
    const card = (id: string): string => en.slice(en.indexOf(`data-camera="${id}"`)).split("</article>")[0]!;
    expect(card("cam1")).toContain('data-not-required="alarm_disarmed view_changed"');
    expect(card("cam1")).toMatch(/Not required \(not checked\):\s*Alarm disarmed, View changed/);
    expect(card("cam2")).toContain('data-not-required="alarm_disarmed"');
    // Not listed among the problems (those are the dead recorder's, once).
    expect(card("cam1")).not.toMatch(/<li[^>]*>\s*<b>Alarm disarmed<\/b>/);
  });

  it("shows a zone the policy does not require with its own badge, not ok", () => {
    const zh = page("zh-CN");
    const zone = zh.slice(zh.indexOf('data-zone="store"')).split("</article>")[0]!;
    expect(zone).toContain('data-status="not_required"');
    expect(zone).toContain('<span class="badge off">非必需（未检查）</span>');
    expect(zone).toContain("本机构的规则不要求覆盖其他区域");
  });
});
