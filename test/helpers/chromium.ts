import { chromium, type BrowserContext } from "playwright-core";

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), with the flags this
 * machine needs: no sandbox as root, and no background networking (the network is closed).
 */
export function launchChromium(
  profileDir: string,
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport,
  });
}
