import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import formats from "ajv-formats";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { FINDING_KINDS } from "../../src/config/findingKinds.ts";
import { renderConfigSchema } from "../../src/config/schemaJson.ts";
import { CONFIG_EXAMPLE, ROOT } from "../helpers/paths.ts";

describe("config/schema.json", () => {
  it("in the repository equals the schema the code generates (npm run schema:write)", async () => {
    const published = await readFile(join(ROOT, "config/schema.json"), "utf8");
    expect(published).toBe(renderConfigSchema());
  });

  it("is a self-contained draft-07 schema that accepts the example and catches a typo", async () => {
    const schema = JSON.parse(renderConfigSchema()) as Record<string, unknown>;
    expect(schema["$schema"]).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema["$id"]).toBe("urn:nurserywatch:config:v1");
    expect(typeof schema["title"]).toBe("string");

    // A plain validator that knows nothing of TypeBox: what an editor or another tool sees.
    const ajv = new Ajv({ allErrors: true, strict: false });
    formats.default(ajv);
    const validate = ajv.compile(schema);
    const example = parse(await readFile(CONFIG_EXAMPLE, "utf8")) as Record<string, unknown>;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);

    const typo = structuredClone(example) as { policy: Record<string, unknown> };
    typo.policy["retentionDay"] = 30;
    expect(validate(typo)).toBe(false);
  });

  it("describes keys and lists every finding kind for routes", () => {
    const text = renderConfigSchema();
    const schema = JSON.parse(text) as {
      properties: { routes: { items: { properties: { kinds: { items: { enum: string[] } } } } } };
    };
    expect(schema.properties.routes.items.properties.kinds.items.enum).toEqual([...FINDING_KINDS]);
    expect(text).toContain('"description": "Deadline for one whole request to this device."');
  });
});
