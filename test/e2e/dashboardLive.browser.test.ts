import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../helpers/chromium.ts";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Daemon } from "../../src/app/daemon.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { writeDaemonSite, type DaemonSite } from "../helpers/daemonSite.ts";
import { startSiteDaemon } from "../helpers/daemonStart.ts";

/**
 * The whole chain in a real browser: the simulated NVR changes, the daemon polls it over ONVIF,
 * the lifecycle opens and resolves the violation, and the provider's dashboard (Debian's
 * Chromium, driven by playwright-core) shows it appear and clear without a reload.
 */
let sim: RunningSimulator;
let site: DaemonSite;
let daemon: Daemon;
let profile: string;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  sim = await startSimulator(
    parseScenario(
      {
        name: "live",
        devices: [
          {
            id: "nvr1",
            username: "monitor",
            password: "pw-3",
            channels: { count: 3, defaults: { scheduleToken: "Schedule_24x7" } },
          },
        ],
      },
      "test",
    ),
  );
  site = writeDaemonSite({
    devices: [{ id: "nvr1", url: sim.devices[0]!.url, username: "monitor", password: "pw-3" }],
    cameras: [
      { id: "cam1", device: "nvr1", profile: "ProfileToken_1", zones: ["gate"] },
      { id: "cam2", device: "nvr1", profile: "ProfileToken_2", zones: ["room"] },
      { id: "cam3", device: "nvr1", profile: "ProfileToken_3", zones: ["nap"] },
    ],
  });
  daemon = await startSiteDaemon(site);
  profile = mkdtempSync(join(tmpdir(), "nw-chromium-"));
  context = await launchChromium(profile);
  page = context.pages()[0] ?? (await context.newPage());
}, 60_000);

afterAll(async () => {
  await context?.close();
  await daemon?.stop();
  await sim?.stop();
  await site?.cleanup();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe("dashboard over the live daemon", () => {
  test(
    "a camera going offline appears as a violation and clears when it comes back",
    { timeout: 120_000 },
    async () => {
      await page.goto(`${daemon.httpUrl!}/`);
      await page.fill("#key", site.adminKey);
      await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.click("button[type=submit]")]);
      await page.locator('[data-camera="cam2"][data-health="healthy"]').waitFor({ timeout: 20_000 });
      await page.evaluate("window.nwMark = 7");

      sim.device("nvr1").setChannel(2, { online: false });
      const violation = page.locator("[data-violation]").filter({ hasText: "cam2" });
      await violation.first().waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-camera="cam2"]').getAttribute("data-health")).toBe("unhealthy");
      await page.screenshot({ path: "/tmp/nw-dashboard-live.png", fullPage: true });

      sim.device("nvr1").setChannel(2, { online: true });
      await violation.first().waitFor({ state: "detached", timeout: 30_000 });
      await page.locator('[data-camera="cam2"][data-health="healthy"]').waitFor({ timeout: 20_000 });
      // Refreshed in place, never reloaded.
      expect(await page.evaluate<number | undefined>("window.nwMark")).toBe(7);
    },
  );
});
