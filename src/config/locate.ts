import type { EnvOrigins } from "./envOverrides.ts";
import type { ConfigIssue } from "./errors.ts";
import { formatKeyPath, type KeyPath } from "./keyPath.ts";

/** A problem found on the data, before it is tied to a line or an environment variable. */
export interface Problem {
  readonly path: KeyPath;
  readonly message: string;
}

/** Where a key came from, so a message can point at the YAML line or name the variable. */
export interface IssueLocator {
  lineOf(path: KeyPath): number | null;
  readonly origins: EnvOrigins;
}

/** A value set from the environment is reported against its variable, not a line it never came from. */
export function locate(problem: Problem, where: IssueLocator): ConfigIssue {
  const { path, message } = problem;
  for (let n = path.length; n > 0; n--) {
    const variable = where.origins.get(formatKeyPath(path.slice(0, n)));
    if (variable !== undefined) {
      return {
        path: formatKeyPath(path),
        message: `environment variable ${variable}: ${message}`,
        line: null,
      };
    }
  }
  return { path: formatKeyPath(path), message, line: where.lineOf(path) };
}

/** Located, without repeats, in file order (problems without a line last). */
export function locateAll(problems: readonly Problem[], where: IssueLocator): ConfigIssue[] {
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const p of problems) {
    const issue = locate(p, where);
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}
