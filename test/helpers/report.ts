import { expect } from "vitest";
import type { CliResult } from "./cli.ts";
import type { CheckReport, ReportFinding } from "../../src/domain/checkReport.ts";

export function parseReport(r: CliResult): CheckReport {
  try {
    return JSON.parse(r.stdout) as CheckReport;
  } catch {
    throw new Error(
      `check --json printed no JSON (exit ${r.code}).\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
    );
  }
}

/** The one finding of a kind for a subject; fails the test when there is none. */
export function findingOf(report: CheckReport, kind: string, subjectId: string): ReportFinding {
  const f = report.findings.find((x) => x.kind === kind && x.subject.id === subjectId);
  expect(f, `no ${kind} finding for ${subjectId}`).toBeDefined();
  return f as ReportFinding;
}

/** kind → status for one subject, for compact assertions. */
export function statusesOf(report: CheckReport, subjectId: string): Record<string, string> {
  return Object.fromEntries(
    report.findings.filter((f) => f.subject.id === subjectId).map((f) => [f.kind, f.status]),
  );
}
