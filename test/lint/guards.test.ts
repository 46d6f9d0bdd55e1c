import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.ts";

/**
 * The house rules enforced by lint must really fire: a flat-config entry later in the file
 * replaces an earlier one's rule for the same files, which once silently switched the
 * compliance/ purity guard off. Planted files are linted as text at paths they claim, with the
 * project's own config (type-aware parsing off: the files do not exist on disk).
 */
const eslint = new ESLint({ cwd: ROOT, overrideConfig: [tseslint.configs.disableTypeChecked] });

async function messagesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${filePath}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? "?"}: ${m.message}`);
}

describe("lint guards", () => {
  it.each([
    ['import { readFileSync } from "node:fs";', "node:fs"],
    ['import { x } from "../onvif/session.ts";', "onvif/"],
    ['import { x } from "../../store/redis.ts";', "store/"],
    ['import { x } from "../media/probeCamera.ts";', "media/"],
    ['import { x } from "../net/deviceHttp.ts";', "net/"],
    ['import { Redis } from "ioredis";', "ioredis"],
    ['import { Queue } from "bullmq";', "bullmq"],
    ['import { x } from "../simulator/device.ts";', "simulator"],
  ])("compliance/ may not import %s", async (line) => {
    const messages = await messagesFor("src/compliance/rules/planted.ts", `${line}\nexport const y = x;\n`);
    expect(messages.filter((m) => m.startsWith("no-restricted-imports"))).toHaveLength(1);
  });

  it("compliance/ reads no clock and no randomness", async () => {
    const messages = await messagesFor(
      "src/compliance/planted.ts",
      "export const a = Date.now();\nexport const b = new Date();\nexport const c = Math.random();\n",
    );
    expect(messages.filter((m) => m.startsWith("no-restricted-syntax"))).toHaveLength(3);
  });

  it("compliance/ may import domain types and its own files", async () => {
    const messages = await messagesFor(
      "src/compliance/rules/planted.ts",
      'import type { Finding } from "../../domain/finding.ts";\nimport { x } from "../findings.ts";\nexport const y: Finding | typeof x = x;\n',
    );
    expect(messages.filter((m) => m.startsWith("no-restricted-imports"))).toEqual([]);
  });

  it.each([
    ["src/store/planted.ts", 'import { x } from "../http/deps.ts";'],
    ["src/violations/planted.ts", 'import { x } from "../workers/poller.ts";'],
    ["src/monitor/planted.ts", 'import { x } from "../app/daemon.ts";'],
    ["src/compliance/planted.ts", 'import { x } from "../http/deps.ts";'],
    ["src/domain/planted.ts", 'import { x } from "../store/keys.ts";'],
    ["src/domain/planted.ts", 'import { x } from "../cli/main.ts";'],
  ])("%s may not import %s (a lower layer, or domain/ outside itself)", async (file, line) => {
    const messages = await messagesFor(file, `${line}\nexport const y = x;\n`);
    expect(messages.filter((m) => m.startsWith("no-restricted-imports"))).toHaveLength(1);
  });

  it("the layers above may import the ones below; domain/ its own files", async () => {
    const quiet = async (file: string, line: string) =>
      (await messagesFor(file, `${line}\nexport const y = x;\n`)).filter((m) =>
        m.includes("restricted-imports"),
      );
    expect(await quiet("src/workers/planted.ts", 'import { x } from "../monitor/monitor.ts";')).toEqual([]);
    expect(await quiet("src/app/planted.ts", 'import { x } from "../http/server.ts";')).toEqual([]);
    expect(await quiet("src/domain/planted.ts", 'import { x } from "./finding.ts";')).toEqual([]);
  });

  it("only store/ and app/ import ioredis for more than a type", async () => {
    const restricted = async (file: string, line: string) =>
      (await messagesFor(file, `${line}\nexport const y: unknown = Redis;\n`)).filter((m) =>
        m.startsWith("@typescript-eslint/no-restricted-imports"),
      );
    expect(await restricted("src/violations/planted.ts", 'import { Redis } from "ioredis";')).toHaveLength(1);
    expect(await restricted("src/workers/planted.ts", 'import { Redis } from "ioredis";')).toHaveLength(1);
    expect(await restricted("src/violations/planted.ts", 'import type { Redis } from "ioredis";')).toEqual(
      [],
    );
    expect(await restricted("src/store/planted.ts", 'import { Redis } from "ioredis";')).toEqual([]);
    expect(await restricted("src/app/planted.ts", 'import { Redis } from "ioredis";')).toEqual([]);
  });

  it("outside store/ no import that issues Redis commands lints clean (the ledger's were moved there)", async () => {
    const restricted = async (file: string, code: string) =>
      (await messagesFor(file, code)).filter((m) => m.startsWith("@typescript-eslint/no-restricted-imports"));
    // A planted ledger that builds its own connection and script, as ledger/ledger.ts once did.
    const connection =
      'import { Redis } from "ioredis";\nexport const head = new Redis().hmget("h", "seq");\n';
    const script =
      'import { luaScript, runScript } from "../store/script.ts";\nexport const s = [luaScript, runScript];\n';
    expect(await restricted("src/ledger/planted.ts", connection)).toHaveLength(1);
    expect(await restricted("src/ledger/planted.ts", script)).toEqual([
      expect.stringMatching(/issued in store\/ only/),
    ]);
    expect(await restricted("src/simulator/planted.ts", connection)).toHaveLength(1);
    expect(
      await restricted(
        "src/store/planted.ts",
        'import { luaScript } from "./script.ts";\nexport const s = luaScript;\n',
      ),
    ).toEqual([]);
  });

  it("bench/ and test/ do not import each other's helpers", async () => {
    const restricted = async (file: string, line: string) =>
      (await messagesFor(file, `${line}\nexport const y = x;\n`)).filter((m) =>
        m.startsWith("no-restricted-imports"),
      );
    expect(
      await restricted("bench/planted.ts", 'import { x } from "../test/helpers/paths.ts";'),
    ).toHaveLength(1);
    expect(
      await restricted("test/media/planted.ts", 'import { x } from "../../bench/paths.ts";'),
    ).toHaveLength(1);
    expect(await restricted("bench/planted.ts", 'import { x } from "../scripts/gstRtspServer.ts";')).toEqual(
      [],
    );
    expect(
      await restricted("test/media/planted.ts", 'import { x } from "../../scripts/gstRtspServer.ts";'),
    ).toEqual([]);
  });

  it("production code may not import the simulator; the CLI may", async () => {
    const line = 'import { x } from "../simulator/device.ts";\nexport const y = x;\n';
    expect(await messagesFor("src/onvif/planted.ts", line)).toContainEqual(
      expect.stringMatching(/^no-restricted-imports: .*never imports the simulator/),
    );
    expect(
      (await messagesFor("src/cli/planted.ts", line)).filter((m) => m.startsWith("no-restricted-imports")),
    ).toEqual([]);
  });

  it("only config/ reads the environment", async () => {
    const code = 'export const v = process.env["X"];\n';
    expect(await messagesFor("src/onvif/planted.ts", code)).toContainEqual(
      expect.stringMatching(/^no-restricted-properties: .*Only src\/config\/ reads the environment/),
    );
    expect(await messagesFor("src/config/planted.ts", code)).toEqual([]);
  });
});
