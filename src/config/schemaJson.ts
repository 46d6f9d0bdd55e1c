import { ConfigSchema } from "./schema.ts";

/** The published JSON Schema (config/schema.json) as text; the file must equal this byte for byte. */
export function renderConfigSchema(): string {
  // JSON.stringify drops TypeBox's symbol-keyed bookkeeping, leaving plain JSON Schema.
  const document = { $schema: "http://json-schema.org/draft-07/schema#", ...ConfigSchema };
  return `${JSON.stringify(document, null, 2)}\n`;
}
