import { describe, expect, it } from "vitest";
import { presetPolicy } from "../../src/config/policy.ts";
import type { Site } from "../../src/domain/site.ts";
import { renderLive } from "../../src/http/dashboard/view.ts";
import { siteInfoOf } from "../../src/http/deps.ts";
import { renderCheckText } from "../../src/report/renderText.ts";
import { NOW } from "../compliance/builders.ts";
import { healthy, reportOf, site } from "./notRequiredSite.ts";

/** The report and the dashboard say which preset and which cited source the site is judged against. */
describe("the policy block of reports", () => {
  const beijing: Site = { ...site, policyProvenance: presetPolicy("beijing") };
  const zh: Site = { ...beijing, locale: "zh-CN" };

  it("is in the report as loaded, and absent for a site built without a file", () => {
    expect(reportOf(healthy, beijing).policy?.preset).toBe("beijing");
    expect(reportOf(healthy, beijing).policy?.values["maxGapMinutes"]).toEqual({ value: 1, from: "preset" });
    expect(reportOf(healthy, site).policy).toBeUndefined();
    expect(renderCheckText(reportOf(healthy, site))).not.toMatch(/^Policy/m);
  });

  it("the text report names preset, source and values by origin, in the site's language", () => {
    const en = renderCheckText(reportOf(healthy, { ...beijing, locale: "en" }));
    expect(en).toMatch(
      /^Policy: preset beijing — Service specification for infant and toddler childcare institutions \(drafted under the Beijing Municipal Health Commission\), in force 2024-01-01, clause not recorded$/m,
    );
    expect(en).toMatch(
      /^ {2}from the preset: retentionDays 90 · maxGapMinutes 1 · requiredZoneKinds entrance, living, activity · parents\.enabled false$/m,
    );
    const text = renderCheckText(reportOf(healthy, zh));
    expect(text).toMatch(
      /^策略：预设 beijing — 婴幼儿托育机构服务规范（北京市卫生健康委员会组织制定）、2024-01-01 起实施、条款未记录$/m,
    );
    expect(text).toMatch(/^ {2}来自预设：retentionDays 90/m);
  });

  it("custom says that nothing is cited", () => {
    const custom = renderCheckText(
      reportOf(healthy, { ...site, locale: "en", policyProvenance: presetPolicy("custom") }),
    );
    expect(custom).toMatch(/^Policy: preset custom — no cited source/m);
  });

  it("the dashboard shows the preset and the source's paraphrase in the page's language", () => {
    const page = (locale: "en" | "zh-CN") =>
      renderLive({
        sites: [
          {
            info: siteInfoOf(beijing),
            status: { siteId: beijing.id, report: reportOf(healthy, beijing), lastPollAt: {} },
          },
        ],
        openViolations: [],
        now: NOW,
        locale,
      }).toString();
    const en = page("en");
    expect(en).toContain('data-preset="beijing"');
    expect(en).toMatch(/<summary>Policy: preset beijing — Service specification/);
    expect(en).toContain("no individual or institution may be given live online viewing");
    expect(page("zh-CN")).toMatch(/<summary>策略：预设 beijing — 婴幼儿托育机构服务规范/);
  });
});
