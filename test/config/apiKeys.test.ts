import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newApiKey } from "../../src/auth/apiKey.ts";
import { deploymentApiKeys } from "../../src/config/apiKeys.ts";
import { loadConfig } from "../../src/config/load.ts";
import { ENV, MINIMAL, configError, tempDir } from "./configFiles.ts";

/** A site file of MINIMAL with another site id and these http.apiKeys lines. */
const siteFile = (id: string, keys: readonly string[]): string =>
  `${MINIMAL.replace("id: test-site", `id: ${id}`)}http:\n  apiKeys:\n${keys.map((k) => `    - ${k}\n`).join("")}`;

describe("API key scopes", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    tmp = await tempDir();
  });
  afterEach(async () => {
    await tmp.remove();
  });
  const load = async (id: string, keys: readonly string[]) =>
    loadConfig(await tmp.write(`${id}.yaml`, siteFile(id, keys)), ENV);

  it("are the key's own site unless declared district; existing files stay valid", async () => {
    const a = newApiKey();
    const d = newApiKey();
    const config = await load("site-a", [
      `{ name: ops, role: admin, sha256: ${a.sha256} }`,
      `{ name: district, role: regulator, scope: district, sha256: ${d.sha256} }`,
    ]);
    expect(config.http.apiKeys.map((k) => k.scope)).toEqual(["site", "district"]);
    expect(deploymentApiKeys([config])).toEqual([
      { name: "ops", role: "admin", sha256: a.sha256, site: "site-a" },
      { name: "district", role: "regulator", sha256: d.sha256, site: null },
    ]);
  });

  it("tie each site file's keys to its site, so equal names in two files stay two holders", async () => {
    const a = newApiKey();
    const b = newApiKey();
    const d = newApiKey();
    const district = `{ name: wjw, role: regulator, scope: district, sha256: ${d.sha256} }`;
    const keys = deploymentApiKeys([
      await load("site-a", [`{ name: ops, role: admin, sha256: ${a.sha256} }`, district]),
      await load("site-b", [`{ name: ops, role: admin, sha256: ${b.sha256} }`, district]),
    ]);
    expect(keys.map((k) => `${k.name}@${k.site ?? "district"}`)).toEqual([
      "ops@site-a",
      "wjw@district",
      "ops@site-b",
    ]);
  });

  it("refuse a district key that means two holders", async () => {
    const one = newApiKey();
    const two = newApiKey();
    const a = await load("site-a", [
      `{ name: wjw, role: regulator, scope: district, sha256: ${one.sha256} }`,
    ]);
    const b = await load("site-b", [
      `{ name: wjw, role: regulator, scope: district, sha256: ${two.sha256} }`,
    ]);
    const differs = await configError(() => Promise.resolve().then(() => deploymentApiKeys([a, b])));
    expect(differs.file).toBe(b.file);
    expect(differs.issues[0]).toMatchObject({
      path: "http.apiKeys[0]",
      message: /district key "wjw" differs/,
    });
    const c = await load("site-c", [`{ name: other, role: admin, scope: district, sha256: ${one.sha256} }`]);
    expect(() => deploymentApiKeys([a, c])).toThrow(/one key has one name/);
  });

  it("accept only site and district, and the metrics role", async () => {
    const k = newApiKey();
    const m = await load("site-a", [`{ name: prom, role: metrics, sha256: ${k.sha256} }`]);
    expect(m.http.apiKeys[0]?.role).toBe("metrics");
    const err = await configError(() =>
      load("site-b", [`{ name: x, role: admin, scope: world, sha256: ${k.sha256} }`]),
    );
    expect(err.issues[0]?.path).toBe("http.apiKeys[0].scope");
  });
});
