import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../helpers/chromium.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer, type HttpServer } from "../../src/http/server.ts";
import { SUNSHINE, T0, createFakeWorld, openViolation, type FakeWorld } from "./fakes.ts";
import { sampleReport } from "./sampleReport.ts";

/*
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core (never a
 * downloaded browser). Waits are for conditions on the page, never for time.
 */

const iso = (ms: number): string => new Date(ms).toISOString();

let world: FakeWorld;
let server: HttpServer;
let base: string;
let profile: string;
let context: BrowserContext;
let page: Page;
const consoleProblems: string[] = [];

beforeAll(async () => {
  world = createFakeWorld({ options: { dashboardRefreshSeconds: 1 } });
  world.reports.set(
    SUNSHINE.id,
    sampleReport(SUNSHINE, iso(T0 - 20_000), { retentionDays: { "cam-nap": 61 } }),
  );
  world.lastPollAt.set(SUNSHINE.id, { nvr1: iso(T0 - 20_000) });
  server = createHttpServer(world.deps);
  base = await server.start({ host: "127.0.0.1", port: 0 });
  profile = mkdtempSync(join(tmpdir(), "nw-chromium-"));
  context = await launchChromium(profile);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleProblems.push(m.text());
  });
  page.on("pageerror", (e) => consoleProblems.push(e.message));
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe("the dashboard in Chromium", () => {
  it("logs in with an admin key and shows every zone and camera", async () => {
    await page.goto(base + "/");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.fill("#key", world.keys.admin);
    await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.click("button[type=submit]")]);
    await page.locator('[data-zone="room-a"]').waitFor();
    expect(await page.locator('[data-zone="room-a"] .name').textContent()).toBe("Activity room A");
    expect(await page.locator('[data-camera="cam-room"]').getAttribute("data-health")).toBe("healthy");
    expect(await page.locator('[data-camera="cam-nap"] .retention').textContent()).toContain(
      "Recordings go back 61 days",
    );
    expect(await page.locator("[data-none-open]").isVisible()).toBe(true);
  });

  it("shows a new violation without reloading, then drops it once cleared", async () => {
    // A mark that a reload would wipe, and a count of navigations from here on.
    // (Strings, not functions: the project compiles without the DOM library.)
    await page.evaluate("window.nwMark = 42");
    let navigations = 0;
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame()) navigations++;
    });

    world.clock.now = T0 + 5 * 60_000;
    world.reports.set(
      SUNSHINE.id,
      sampleReport(SUNSHINE, iso(world.clock.now - 10_000), { offline: ["cam-room"] }),
    );
    world.violations.push(
      openViolation({
        id: "v-room",
        kind: "camera_offline",
        subject: { type: "camera", id: "cam-room" },
        openedAt: iso(T0 - 47 * 60_000),
      }),
    );

    const item = page.locator('[data-violation="v-room"]');
    await item.waitFor({ timeout: 15_000 });
    const text = (await item.textContent()) ?? "";
    expect(text).toContain("Camera offline");
    expect(text).toContain("Room A camera");
    expect(text).toContain("open for 52 min");
    expect(text).toContain("The recorder no longer lists profile ProfileToken_2");
    expect(await page.locator('[data-camera="cam-room"]').getAttribute("data-health")).toBe("unhealthy");
    expect(await page.locator('[data-zone="room-a"]').getAttribute("data-status")).toBe("violation");
    expect(await page.evaluate<number | undefined>("window.nwMark")).toBe(42);
    expect(navigations).toBe(0);

    await page.screenshot({ path: "/tmp/nw-dashboard.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "/tmp/nw-dashboard-phone.png", fullPage: true });
    // Readable on a phone: nothing wider than the screen, cards in one column.
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    const cards = await page.evaluate<number[]>(
      `[...document.querySelectorAll("[data-site] .grid")[0].querySelectorAll(".card")]
        .map((e) => Math.round(e.getBoundingClientRect().left))`,
    );
    expect(new Set(cards).size).toBe(1);
    await page.setViewportSize({ width: 1280, height: 900 });

    world.reports.set(SUNSHINE.id, sampleReport(SUNSHINE, iso(world.clock.now)));
    world.violations[0] = { ...world.violations[0]!, state: "resolved", resolvedAt: iso(world.clock.now) };
    await item.waitFor({ state: "detached", timeout: 15_000 });
    await page.locator("[data-none-open]").waitFor();
    expect(await page.locator('[data-camera="cam-room"]').getAttribute("data-health")).toBe("healthy");
    expect(await page.evaluate<number | undefined>("window.nwMark")).toBe(42);
    expect(navigations).toBe(0);
  });

  it("switches to Chinese with ?lang= and runs with no CSP or script errors", async () => {
    await page.goto(base + "/?lang=zh-CN");
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.locator("h1").textContent()).toBe("监控合规状态");
    expect(await page.locator('[data-camera="cam-gate"] .badge').textContent()).toBe("正常");
    await page.screenshot({ path: "/tmp/nw-dashboard-zh.png", fullPage: true });
    expect(consoleProblems).toEqual([]);
  });

  it("goes back to the login page by itself when the session ends while watching", async () => {
    world.sessions.clear();
    await page.waitForURL((u) => u.pathname === "/login", { timeout: 15_000 });
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
  });

  it("signs out and is sent back to the login page", async () => {
    await page.fill("#key", world.keys.admin);
    await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.click("button[type=submit]")]);
    expect(world.sessions.size).toBe(1);
    await Promise.all([page.waitForURL((u) => u.pathname === "/login"), page.click("header form button")]);
    await page.goto(base + "/");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(world.sessions.size).toBe(0);
  });
});
