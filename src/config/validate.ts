import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import formats from "ajv-formats";
import type { ConfigIssue } from "./errors.ts";
import { fromJsonPointer } from "./keyPath.ts";
import { locateAll, type IssueLocator, type Problem } from "./locate.ts";
import { describeValue, isSensitiveKey, literalPasswordMessage, typeName } from "./messages.ts";
import { ConfigSchema } from "./schema.ts";
import { didYouMean } from "./suggest.ts";

/** Validates (and fills defaults into) a configuration document; returns its problems. */
export type ConfigValidator = (data: unknown, where: IssueLocator) => ConfigIssue[];

export function createConfigValidator(): ConfigValidator {
  // useDefaults "empty": a section left empty (`policy:` with its keys commented out) gets its defaults.
  // verbose: errors carry their schema, which holds the known keys and our x-expect hints.
  const ajv = new Ajv({ allErrors: true, useDefaults: "empty", verbose: true, strict: true });
  formats.default(ajv);
  ajv.addKeyword({ keyword: "x-expect", schemaType: "string" });
  const validate: ValidateFunction = ajv.compile(ConfigSchema);
  return (data, where) => {
    if (validate(data)) return [];
    return toIssues(validate.errors ?? [], where);
  };
}

function toIssues(errors: readonly ErrorObject[], where: IssueLocator): ConfigIssue[] {
  // An anyOf error says it all in our words; its branches' errors only repeat it worse.
  const anyOfPaths = errors.filter((e) => e.keyword === "anyOf").map((e) => `${e.schemaPath}/`);
  const kept = errors.filter((e) => !anyOfPaths.some((p) => e.schemaPath.startsWith(p)));
  return locateAll(kept.map(explain), where);
}

function explain(e: ErrorObject): Problem {
  const path = fromJsonPointer(e.instancePath);
  const lastKey = [...path].reverse().find((s): s is string => typeof s === "string") ?? "";
  const got = isSensitiveKey(lastKey) ? "" : `, got ${describeValue(e.data)}`;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const expect = typeof parent["x-expect"] === "string" ? parent["x-expect"] : null;
  const params = e.params as Record<string, unknown>;

  switch (e.keyword) {
    case "required": {
      const missing = String(params["missingProperty"]);
      return { path: [...path, missing], message: `missing required key "${missing}"` };
    }
    case "additionalProperties": {
      const key = String(params["additionalProperty"]);
      if (key === "password" && path[0] === "devices")
        return { path: [...path, key], message: literalPasswordMessage };
      const known = Object.keys(parent["properties"] ?? {});
      const hint = didYouMean(key, known);
      return {
        path: [...path, key],
        message: `unknown key "${key}"${hint === "" ? `; allowed here: ${known.join(", ")}` : hint}`,
      };
    }
    case "type":
      return { path, message: `must be ${typeName(String(params["type"]))}${got}` };
    case "enum": {
      const allowed = (params["allowedValues"] as unknown[]).map(String);
      const hint = typeof e.data === "string" ? didYouMean(e.data, allowed) : "";
      return { path, message: `must be one of ${allowed.join(", ")}${got}${hint}` };
    }
    case "anyOf":
    case "format":
    case "pattern":
      return {
        path,
        message: `must be ${expect ?? (e.keyword === "format" ? `a valid ${String(params["format"])}` : "in the expected form")}${got}`,
      };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const op = { minimum: ">=", maximum: "<=", exclusiveMinimum: ">", exclusiveMaximum: "<" }[e.keyword];
      return { path, message: `must be ${op} ${String(params["limit"])}${got}` };
    }
    case "minItems":
      return {
        path,
        message:
          params["limit"] === 1
            ? "must not be an empty list"
            : `must list at least ${String(params["limit"])} entries`,
      };
    case "uniqueItems": {
      const list = Array.isArray(e.data) ? (e.data as unknown[]) : [];
      const j = Number(params["j"]);
      return { path, message: `lists ${describeValue(list[j])} twice` };
    }
    case "minLength":
      return { path, message: "must not be empty" };
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}
