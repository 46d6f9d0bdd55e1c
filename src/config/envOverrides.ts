import { parse as parseYamlValue } from "yaml";
import type { ConfigIssue } from "./errors.ts";
import { formatKeyPath, type KeyPath } from "./keyPath.ts";
import { isSensitiveKey, literalPasswordMessage } from "./messages.ts";
import { didYouMean } from "./suggest.ts";

/*
 * Environment overrides, applied over the YAML before validation (so defaults -> YAML -> env).
 *
 * Mapping: NURSERYWATCH_ + the key path, segments joined by "_", key names case-insensitive,
 * array entries by index:
 *   NURSERYWATCH_POLICY_RETENTIONDAYS=30          policy.retentionDays
 *   NURSERYWATCH_HTTP_LISTEN=127.0.0.1:9000       http.listen
 *   NURSERYWATCH_SITE_LOCALE=en                   site.locale
 *   NURSERYWATCH_POLICY_GRACEBYKIND_RETENTION_SHORT=7200   policy.graceByKind.retention_short
 *   NURSERYWATCH_DEVICES_0_TIMEOUTSECONDS=10      devices[0].timeoutSeconds (the entry must exist)
 *   NURSERYWATCH_REDIS_URL, or REDIS_URL          redis.url (the NURSERYWATCH_ one wins)
 * Values are coerced by the schema type: integers and numbers, booleans (true/false, yes/no,
 * on/off, 1/0), lists as "a,b,c" or a YAML flow list "[a, b]" (needed when an item holds a comma).
 * A variable whose first segment names no top-level key is someone else's and is left alone;
 * one that starts like ours but names no key is an error, so a typo does not pass silently.
 */

export const ENV_PREFIX = "NURSERYWATCH_";

/** Where each overridden key path (formatted) got its value from. */
export type EnvOrigins = ReadonlyMap<string, string>;

export interface EnvOverrideResult {
  readonly issues: readonly ConfigIssue[];
  readonly origins: EnvOrigins;
}

/** A JSON Schema node, as far as this walk needs it. */
interface SchemaNode {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
}

type Resolved =
  | { readonly ok: true; readonly path: KeyPath; readonly leaf: SchemaNode }
  | { readonly ok: false; readonly path: KeyPath; readonly message: string };

/** Mutates `data` in place. */
export function applyEnvOverrides(
  data: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  jsonSchema: object,
): EnvOverrideResult {
  const schema = jsonSchema as SchemaNode;
  const issues: ConfigIssue[] = [];
  const origins = new Map<string, string>();
  const vars: [string, string][] = [];
  // REDIS_URL first, so that NURSERYWATCH_REDIS_URL, applied later, wins.
  const redisUrl = env["REDIS_URL"];
  if (redisUrl !== undefined) vars.push(["REDIS_URL", redisUrl]);
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (name.startsWith(ENV_PREFIX) && value !== undefined) vars.push([name, value]);
  }

  for (const [name, value] of vars) {
    const tokens = name === "REDIS_URL" ? ["redis", "url"] : name.slice(ENV_PREFIX.length).split("_");
    if (!ownsVariable(schema, tokens)) continue;
    const fail = (path: KeyPath, message: string) =>
      issues.push({
        path: formatKeyPath(path),
        message: `environment variable ${name}: ${message}`,
        line: null,
      });

    const resolved = resolve(schema, tokens, []);
    if (!resolved.ok) {
      fail(resolved.path, resolved.message);
      continue;
    }
    const lastKey = [...resolved.path].reverse().find((s): s is string => typeof s === "string") ?? "";
    const coerced = coerce(value, resolved.leaf);
    if (!coerced.ok) {
      const shown = isSensitiveKey(lastKey) ? "" : ` (got ${JSON.stringify(value)})`;
      fail(resolved.path, `${coerced.message}${shown}`);
      continue;
    }
    const placed = place(data, resolved.path, coerced.value);
    if (placed !== null) {
      fail(resolved.path, placed);
      continue;
    }
    origins.set(formatKeyPath(resolved.path), name);
  }
  return { issues, origins };
}

/** Whether the variable's first segment(s) name a top-level key; only then is it ours to judge. */
function ownsVariable(schema: SchemaNode, tokens: readonly string[]): boolean {
  const keys = Object.keys(schema.properties ?? {}).map((k) => k.toLowerCase());
  for (let k = 1; k <= tokens.length; k++) {
    if (keys.includes(tokens.slice(0, k).join("_").toLowerCase())) return true;
  }
  return false;
}

function isLeaf(node: SchemaNode): boolean {
  if (node.anyOf) return true;
  if (node.type === "array") return node.items !== undefined && node.items.type !== "object";
  return node.type !== "object";
}

function resolve(node: SchemaNode, tokens: readonly string[], path: KeyPath): Resolved {
  if (tokens.length === 0) {
    if (isLeaf(node)) return { ok: true, path, leaf: node };
    return {
      ok: false,
      path,
      message: `${formatKeyPath(path) || "the top level"} is a section, not a value: set its keys one by one`,
    };
  }
  const [head = "", ...rest] = tokens;
  if (head === "") return { ok: false, path, message: "empty segment in the name (two '_' in a row?)" };

  if (node.type === "object" && node.properties) {
    const props = node.properties;
    const keys = Object.keys(props);
    let firstFailure: Resolved | null = null;
    for (let k = 1; k <= tokens.length; k++) {
      const candidate = tokens.slice(0, k).join("_").toLowerCase();
      const key = keys.find((name) => name.toLowerCase() === candidate);
      const child = key === undefined ? undefined : props[key];
      if (key === undefined || child === undefined) continue;
      const r = resolve(child, tokens.slice(k), [...path, key]);
      if (r.ok) return r;
      firstFailure ??= r;
    }
    if (firstFailure) return firstFailure;
    if (head.toLowerCase() === "password" && path[path.length - 2] === "devices") {
      return { ok: false, path: [...path, "password"], message: literalPasswordMessage };
    }
    const where = formatKeyPath(path);
    return {
      ok: false,
      path,
      message: `no key "${head}"${where ? ` in ${where}` : ""}${didYouMean(head, keys)}`,
    };
  }
  if (node.type === "array" && node.items) {
    if (!/^(0|[1-9][0-9]*)$/.test(head)) {
      return {
        ok: false,
        path,
        message: `expected an entry index after ${formatKeyPath(path)}, got "${head}"`,
      };
    }
    return resolve(node.items, rest, [...path, Number(head)]);
  }
  return { ok: false, path, message: `${formatKeyPath(path)} is a single value and has no key "${head}"` };
}

type Coerced =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

function coerce(raw: string, node: SchemaNode): Coerced {
  if (node.type === "array") {
    const item = node.items ?? {};
    const trimmed = raw.trim();
    let parts: unknown[];
    if (trimmed.startsWith("[")) {
      let parsed: unknown;
      try {
        parsed = parseYamlValue(trimmed);
      } catch {
        return { ok: false, message: "is not a valid list, e.g. [a, b]" };
      }
      if (!Array.isArray(parsed)) return { ok: false, message: "is not a valid list, e.g. [a, b]" };
      parts = parsed.map((p) => (typeof p === "string" ? p : String(p)));
    } else {
      parts = trimmed === "" ? [] : trimmed.split(",").map((p) => p.trim());
    }
    const out: unknown[] = [];
    for (const part of parts) {
      const c = coerce(String(part), item);
      if (!c.ok) return c;
      out.push(c.value);
    }
    return { ok: true, value: out };
  }
  const value = raw.trim();
  switch (node.type) {
    case "integer":
      return /^[+-]?[0-9]+$/.test(value)
        ? { ok: true, value: Number(value) }
        : { ok: false, message: "must be a whole number" };
    case "number": {
      const n = Number(value);
      return value !== "" && Number.isFinite(n)
        ? { ok: true, value: n }
        : { ok: false, message: "must be a number" };
    }
    case "boolean": {
      const v = value.toLowerCase();
      if (["true", "yes", "on", "1"].includes(v)) return { ok: true, value: true };
      if (["false", "no", "off", "0"].includes(v)) return { ok: true, value: false };
      return { ok: false, message: "must be true or false" };
    }
    default:
      return { ok: true, value: raw };
  }
}

/** Writes the value at `path`, creating missing mappings; returns a problem or null. */
function place(data: Record<string, unknown>, path: KeyPath, value: unknown): string | null {
  let node: unknown = data;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    const here = formatKeyPath(path.slice(0, i)) || "the top level";
    if (typeof seg === "number") {
      if (!Array.isArray(node) || seg >= node.length) {
        return `${formatKeyPath(path.slice(0, i + 1))} is not in the file: a variable can change an entry, not add one`;
      }
      if (last) node[seg] = value;
      else node = node[seg];
      continue;
    }
    if (seg === undefined) return null;
    if (typeof node !== "object" || node === null || Array.isArray(node)) {
      return `${here} in the file is not a mapping, so ${seg} cannot be set in it`;
    }
    const obj = node as Record<string, unknown>;
    if (last) {
      obj[seg] = value;
    } else {
      if (obj[seg] === undefined || obj[seg] === null) obj[seg] = typeof path[i + 1] === "number" ? [] : {};
      node = obj[seg];
    }
  }
  return null;
}
