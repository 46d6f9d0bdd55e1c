import type { DeploymentApiKey, LoadedConfig } from "./types.ts";

/**
 * The keys of a deployment (one or many site files loaded together), each with where it acts:
 * a site key on the site of its file only, a district key on every site. A key's name is
 * unique within one file (crossCheck); across files a site key's name only means something
 * together with its site. A district key must mean one holder: declared in several files, it
 * has the same name, role and hash in each (it is listed once).
 *
 * Throws an Error naming the files when two district keys disagree.
 */
export function deploymentApiKeys(configs: readonly LoadedConfig[]): DeploymentApiKey[] {
  const out: DeploymentApiKey[] = [];
  const district = new Map<string, { key: DeploymentApiKey; file: string }>();
  const problems: string[] = [];
  for (const c of configs) {
    for (const k of c.http.apiKeys) {
      if (k.scope === "site") {
        out.push({ name: k.name, role: k.role, sha256: k.sha256, site: c.site.id });
        continue;
      }
      const key: DeploymentApiKey = { name: k.name, role: k.role, sha256: k.sha256, site: null };
      const byName = district.get(k.name);
      const byHash = [...district.values()].find((d) => d.key.sha256 === k.sha256);
      if (byName !== undefined && (byName.key.sha256 !== k.sha256 || byName.key.role !== k.role))
        problems.push(
          `the district key "${k.name}" of ${c.file} differs from the one of ${byName.file} (another hash or role); a district key is one holder: give it the same hash and role in every file, or another name`,
        );
      else if (byName === undefined && byHash !== undefined)
        problems.push(
          `the district key "${k.name}" of ${c.file} has the hash of the district key "${byHash.key.name}" of ${byHash.file}; one key has one name`,
        );
      else if (byName === undefined) {
        district.set(k.name, { key, file: c.file });
        out.push(key);
      }
    }
  }
  if (problems.length > 0) throw new Error(`conflicting API keys:\n  ${problems.join("\n  ")}`);
  return out;
}
