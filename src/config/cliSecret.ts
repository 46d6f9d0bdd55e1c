import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Secret } from "../domain/secret.ts";
import { ConfigError } from "./errors.ts";

/**
 * A password named on the command line (`--password-env VAR` or `--password-file F`), never
 * typed there itself, so it stays out of shell history and process listings. Problems are
 * ConfigErrors naming the option, so the CLI exits 2 with a precise message.
 */
export async function readCliPassword(
  source: { passwordEnv?: string | undefined; passwordFile?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
): Promise<Secret> {
  const issue = (path: string, message: string): ConfigError =>
    new ConfigError("(command line)", [{ path, message, line: null }]);
  if ((source.passwordEnv === undefined) === (source.passwordFile === undefined)) {
    throw issue(
      "--password-env/--password-file",
      "give exactly one of them (the password itself is never an argument)",
    );
  }
  if (source.passwordEnv !== undefined) {
    const value = env[source.passwordEnv];
    if (value === undefined || value === "") {
      throw issue(
        "--password-env",
        `environment variable ${source.passwordEnv} is ${value === "" ? "empty" : "not set"}`,
      );
    }
    return new Secret(value);
  }
  const file = resolve(source.passwordFile ?? "");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw issue("--password-file", `cannot read ${file} (${code})`);
  }
  const value = text.replace(/\r?\n$/, "");
  if (value === "") throw issue("--password-file", `${file} is empty`);
  return new Secret(value);
}
