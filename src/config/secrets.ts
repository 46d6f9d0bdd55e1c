import { access, readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { Secret } from "../domain/secret.ts";
import type { Problem } from "./locate.ts";
import type { ConfigInput } from "./schema.ts";

/** What the configuration points at outside itself: passwords, signing secrets, CA files. */
export interface ResolvedExternals {
  /** By device index; null where the device's source failed (a problem says why). */
  readonly devicePasswords: readonly (Secret | null)[];
  /** PEM text by device index, null without tls.caFile. */
  readonly deviceCas: readonly (string | null)[];
  /** By recipient index; null without a webhook. */
  readonly webhookSecrets: readonly (Secret | null)[];
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Messages here name variables and files, never the values read from them. */
export async function resolveExternals(
  config: ConfigInput,
  dir: string,
  env: Env,
): Promise<ResolvedExternals> {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];

  const devicePasswords = await mapInOrder(config.devices, async (d, i): Promise<Secret | null> => {
    if (d.passwordEnv !== undefined && d.passwordFile === undefined) {
      const value = env[d.passwordEnv];
      if (typeof value !== "string" || value === "") {
        problems.push({
          path: ["devices", i, "passwordEnv"],
          message: `environment variable ${d.passwordEnv} is ${value === "" ? "empty" : "not set"}`,
        });
        return null;
      }
      return new Secret(value);
    }
    if (d.passwordFile !== undefined && d.passwordEnv === undefined) {
      const path = ["devices", i, "passwordFile"];
      const file = resolve(dir, d.passwordFile);
      const text = await readText(file, "password file", path, problems);
      if (text === null) return null;
      // Only the final newline an editor or `echo` adds: other whitespace may be part of the password.
      const value = text.replace(/\r?\n$/, "");
      if (value === "") {
        problems.push({ path, message: `password file ${file} is empty` });
        return null;
      }
      const mode = (await stat(file)).mode;
      if ((mode & 0o004) !== 0) {
        warnings.push({
          path,
          message: `password file ${file} is readable by every user (mode ${(mode & 0o777).toString(8)}): chmod 600 it`,
        });
      }
      return new Secret(value);
    }
    return null; // neither or both: crossCheck reports it
  });

  const deviceCas = await mapInOrder(config.devices, async (d, i): Promise<string | null> => {
    if (d.tls?.caFile === undefined) return null;
    const path = ["devices", i, "tls", "caFile"];
    const file = resolve(dir, d.tls.caFile);
    const pem = await readText(file, "CA file", path, problems);
    if (pem === null) return null;
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      problems.push({
        path,
        message: `CA file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      });
      return null;
    }
    return pem;
  });

  const webhookSecrets = (config.recipients ?? []).map((r, i): Secret | null => {
    if (r.webhook === undefined) return null;
    const name = r.webhook.secretEnv;
    const value = env[name];
    const path = ["recipients", i, "webhook", "secretEnv"];
    if (typeof value !== "string" || value === "") {
      problems.push({
        path,
        message: `environment variable ${name} is ${value === "" ? "empty" : "not set"}`,
      });
      return null;
    }
    if (!/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/.test(value)) {
      problems.push({
        path,
        message: `environment variable ${name} must hold a Standard Webhooks secret: whsec_ followed by base64`,
      });
      return null;
    }
    return new Secret(value);
  });

  await mapInOrder(config.cameras, async (c, i) => {
    if (c.referenceImage === undefined) return;
    const file = resolve(dir, c.referenceImage);
    try {
      await access(file);
    } catch {
      warnings.push({
        path: ["cameras", i, "referenceImage"],
        message: `${file} does not exist yet: view_changed stays unknown until it does`,
      });
    }
  });

  return { devicePasswords, deviceCas, webhookSecrets, problems, warnings };
}

/** One at a time, so problems come out in the file's order. */
async function mapInOrder<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (const [i, item] of items.entries()) out.push(await fn(item, i));
  return out;
}

async function readText(
  file: string,
  what: string,
  path: readonly (string | number)[],
  problems: Problem[],
): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "does not exist"
        : code === "EACCES" || code === "EPERM"
          ? "cannot be read (permission denied)"
          : code === "EISDIR"
            ? "is a directory"
            : `cannot be read (${code ?? "error"})`;
    problems.push({ path, message: `${what} ${file} ${why}` });
    return null;
  }
}
