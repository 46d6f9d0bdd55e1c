import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { ConfigError } from "../../src/config/errors.ts";

/**
 * A small valid site file; line numbers matter to the tests:
 *  1 site / 2 id / 3 timezone / 4 commissionedAt / 5 devices / 6 - id / 7 onvif / 8 username /
 *  9 passwordEnv / 10 zones / 11 - gate / 12 cameras / 13 - id / 14 device / 15 profile / 16 zones
 */
export const MINIMAL = `site:
  id: test-site
  timezone: Asia/Shanghai
  commissionedAt: 2026-09-01
devices:
  - id: nvr1
    onvif: http://127.0.0.1:8000/onvif/device_service
    username: monitor
    passwordEnv: NVR1_PASSWORD
zones:
  - { id: gate, kind: entrance }
cameras:
  - id: cam-gate
    device: nvr1
    profile: P1
    zones: [gate]
`;

export const PASSWORD = "s3cret-Pa55word";
export const WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const ENV = { NVR1_PASSWORD: PASSWORD, WJW_WEBHOOK_SECRET: WEBHOOK_SECRET } as const;

/** A throw-away folder; `remove` in afterEach. */
export async function tempDir(): Promise<{
  dir: string;
  write: (name: string, text: string, mode?: number) => Promise<string>;
  remove: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "nw-config-"));
  return {
    dir,
    write: async (name, text, mode = 0o600) => {
      const file = join(dir, name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
      await chmod(file, mode);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs `load`, expects a ConfigError, and returns it. */
export async function configError(load: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError, but the configuration loaded");
}

/** The error names the file, the key path and the problem, on one line of its message. */
export function expectIssue(
  err: ConfigError,
  file: string,
  path: string,
  problem: RegExp,
  line?: number | null,
): void {
  expect(err.file).toBe(file);
  const issue = err.issues.find((i) => i.path === path && problem.test(i.message));
  expect(issue, `no issue at "${path}" matching ${problem} in:\n${err.message}`).toBeDefined();
  if (line !== undefined) expect(issue?.line).toBe(line);
  const lineRe = line === undefined ? "(:\\d+)?" : line === null ? "" : `:${line}`;
  const head = new RegExp(`^\\s*${escape(file)}${lineRe}: ${path === "" ? "" : `${escape(path)}: `}`);
  const text = err.message.split("\n").find((l) => head.test(l) && problem.test(l));
  expect(
    text,
    `no line "${file}:${line ?? "?"}: ${path}: ..." matching ${problem} in:\n${err.message}`,
  ).toBeDefined();
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
