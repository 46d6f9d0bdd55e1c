/** One problem with a configuration, located as precisely as the source allows. */
export interface ConfigIssue {
  /** Key path in the file, e.g. `devices[0].onvif`; "" for a problem with the whole file. */
  readonly path: string;
  readonly message: string;
  /** 1-based line in the YAML file, when the problem sits on a line of it. */
  readonly line: number | null;
}

/** "FILE:LINE: KEY PATH: PROBLEM", the shape editors and terminals turn into links. */
export function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line === null ? file : `${file}:${issue.line}`;
  return issue.path === "" ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}

/**
 * The configuration cannot be used. Never retryable: the same file gives the same answer, so
 * the CLI exits 2 and a daemon refuses to start (or keeps its previous configuration).
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly retryable = false;
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(
      `invalid configuration ${file} (${count}):\n${issues.map((i) => `  ${formatIssue(file, i)}`).join("\n")}`,
    );
    this.file = file;
    this.issues = issues;
  }
}
