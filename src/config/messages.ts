/** Wording shared by the schema, cross-check and environment messages. */

export const literalPasswordMessage =
  "a password may not be written into the configuration: name an environment variable with passwordEnv, " +
  "or a file holding it with passwordFile";

/**
 * Keys whose values are never quoted back in a message: someone who typed the password into
 * passwordEnv must not find it in a log line.
 */
export function isSensitiveKey(key: string): boolean {
  return /password|secret/i.test(key);
}

/** How a value looks to someone who wrote it in YAML. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return typeof value;
}

/** JSON Schema type names as a YAML author knows them. */
export function typeName(type: string): string {
  switch (type) {
    case "string":
      return "text";
    case "integer":
      return "a whole number";
    case "number":
      return "a number";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
      return "a mapping";
    case "null":
      return "empty";
    default:
      return type;
  }
}
