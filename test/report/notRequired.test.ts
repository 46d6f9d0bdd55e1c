import { describe, expect, it } from "vitest";
import type { Site } from "../../src/domain/site.ts";
import { renderCheckText } from "../../src/report/renderText.ts";
import { down, healthy, reportOf, site } from "./notRequiredSite.ts";

/*
 * Findings the policy does not require (motion detection off, a camera with no approved
 * reference view, a zone kind not in requiredZoneKinds) are reported as not required — never
 * `ok`, which a regulator reads as "checked and fine" — and are not counted.
 */

describe("findings the policy does not require, in the check report", () => {
  for (const [name, obs] of [
    ["an unreachable NVR", down],
    ["a healthy NVR", healthy],
  ] as const) {
    describe(`with ${name}`, () => {
      const r = reportOf(obs);
      const waived = r.findings.filter((f) => f.status === "not_required");

      it("reports them as not_required, never ok, with a sentence that says so", () => {
        expect(waived.map((f) => [f.kind, f.subject.id, f.reason])).toEqual([
          ["alarm_disarmed", "cam1", "motion_not_required"],
          ["view_changed", "cam1", "no_reference"],
          ["alarm_disarmed", "cam2", "motion_not_required"],
          ["alarm_disarmed", "cam3", "motion_not_required"],
          ["view_changed", "cam3", "no_reference"],
          ["zone_uncovered", "store", "zone_not_required"],
        ]);
        for (const f of waived) expect(f).toMatchObject({ required: false, causedBy: null });
        expect(r.findings.filter((f) => f.kind === "alarm_disarmed").map((f) => f.status)).toEqual(
          Array(3).fill("not_required"),
        );
        expect(waived[0]!.message).toBe("本机构的规则不要求开启移动侦测，故不作检查。");
        expect(r.zones.find((z) => z.id === "store")).toMatchObject({
          required: false,
          status: "not_required",
        });
        expect(r.cameras[0]!.findings).toMatchObject({
          alarm_disarmed: "not_required",
          view_changed: "not_required",
        });
      });

      it("does not count them: counts hold required findings only, plus how many were not required", () => {
        const required = r.findings.filter((f) => f.required);
        expect(r.counts).toEqual({
          ok: required.filter((f) => f.status === "ok").length,
          violation: required.filter((f) => f.status === "violation").length,
          unknown: required.filter((f) => f.status === "unknown").length,
          accruing: required.filter((f) => f.status === "accruing").length,
          not_required: 6,
        });
        expect(required.some((f) => f.status === "not_required")).toBe(false);
      });
    });
  }

  it("keeps the verdict of the required findings: unreachable is a violation, healthy is compliant", () => {
    expect(reportOf(down)).toMatchObject({ verdict: "violation", compliant: false });
    expect(reportOf(healthy)).toMatchObject({ verdict: "compliant", compliant: true });
  });

  it("says it in the text report (zh-CN), once per camera, apart from the problems", () => {
    const text = renderCheckText(reportOf(down));
    expect(text).toContain("(非必需、未检查: 6)");
    expect(text).toContain("      – 非必需（未检查）: 报警未布防、监控画面被改变\n");
    expect(text).toContain("      – 非必需（未检查）: 报警未布防\n");
    expect(text).toContain("  – store (store; other, 非必需): 0/1 路正常\n");
    expect(text).toContain("本机构的规则不要求覆盖其他区域，该区域不作判定");
    // Never listed as a problem line, and never as ok.
    expect(text).not.toMatch(/[✓?✗] 报警未布防/u);
  });

  it("says it in the text report (en)", () => {
    const en: Site = { ...site, locale: "en" };
    const text = renderCheckText(reportOf(down, en));
    expect(text).toContain("(not required, not checked: 6)");
    expect(text).toContain("      – Not required (not checked): Alarm disarmed, View changed\n");
    expect(text).toContain(
      "This site's policy does not require coverage of other areas, so this zone is not judged",
    );
    expect(text).not.toMatch(/[✓?✗] Alarm disarmed/u);
  });
});
