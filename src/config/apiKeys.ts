import { ConfigError, type ConfigIssue } from "./errors.ts";
import type { DeploymentApiKey, LoadedConfig } from "./types.ts";

/**
 * The keys of a deployment (one or many site files loaded together), each with where it acts:
 * a site key on the site of its file only, a district key on every site. A key's name is
 * unique within one file (crossCheck); across files a site key's name only means something
 * together with its site. A district key must mean one holder: declared in several files, it
 * has the same name, role and hash in each (it is listed once).
 *
 * Throws a ConfigError (of the file that disagrees) when two district keys disagree.
 */
export function deploymentApiKeys(configs: readonly LoadedConfig[]): DeploymentApiKey[] {
  const out: DeploymentApiKey[] = [];
  const district = new Map<string, { key: DeploymentApiKey; file: string }>();
  for (const c of configs) {
    const problems: ConfigIssue[] = [];
    const problem = (i: number, message: string): void => {
      problems.push({ path: `http.apiKeys[${i}]`, message, line: null });
    };
    c.http.apiKeys.forEach((k, i) => {
      if (k.scope === "site") {
        out.push({ name: k.name, role: k.role, sha256: k.sha256, site: c.site.id });
        return;
      }
      const key: DeploymentApiKey = { name: k.name, role: k.role, sha256: k.sha256, site: null };
      const byName = district.get(k.name);
      const byHash = [...district.values()].find((d) => d.key.sha256 === k.sha256);
      if (byName !== undefined && (byName.key.sha256 !== k.sha256 || byName.key.role !== k.role))
        problem(
          i,
          `the district key "${k.name}" differs from the one in ${byName.file} (another hash or role); a district key is one holder: give it the same hash and role in every file, or another name`,
        );
      else if (byName === undefined && byHash !== undefined)
        problem(
          i,
          `the district key "${k.name}" has the hash of the district key "${byHash.key.name}" in ${byHash.file}; one key has one name`,
        );
      else if (byName === undefined) {
        district.set(k.name, { key, file: c.file });
        out.push(key);
      }
    });
    if (problems.length > 0) throw new ConfigError(c.file, problems);
  }
  return out;
}
