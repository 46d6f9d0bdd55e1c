import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.ts";
import { loadConfig } from "../../src/config/load.ts";
import { ENV, MINIMAL, tempDir } from "../config/configFiles.ts";

/**
 * Node's timers hold at most 2^31-1 ms (~24.8 days); a longer delay fires after 1 ms, so a
 * huge signing interval would sign the ledger head in a busy loop. The schema caps it at a day.
 */
describe("config: ledger.signIntervalSeconds has a maximum", () => {
  let remove: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await remove?.();
    remove = null;
  });
  const load = async (seconds: number) => {
    const t = await tempDir();
    remove = t.remove;
    return loadConfig(
      await t.write("site.yaml", `${MINIMAL}ledger:\n  signIntervalSeconds: ${seconds}\n`),
      ENV,
    );
  };

  it("accepts a day", async () => {
    expect((await load(86_400)).ledger.signIntervalSeconds).toBe(86_400);
  });

  it("refuses more than a day, and 30 days (beyond Node's timer range)", async () => {
    await expect(load(86_401)).rejects.toBeInstanceOf(ConfigError);
    await remove?.();
    await expect(load(30 * 86_400)).rejects.toBeInstanceOf(ConfigError);
  });
});
