import type { Redis } from "ioredis";
import { boundRecord, parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";
import type { CheckReport } from "../domain/checkReport.ts";

export interface ReportRepository {
  /** Stores the site's latest report with each finding's evidence bounded; returns the bytes stored. */
  put(siteId: string, report: CheckReport): Promise<number>;
  get(siteId: string): Promise<CheckReport | null>;
}

export interface ReportRepositoryOptions {
  /** Evidence kept per finding. Default 1500 bytes. */
  readonly evidenceBytes?: number;
}

export function createReportRepository(
  redis: Redis,
  keys: Keys,
  options: ReportRepositoryOptions = {},
): ReportRepository {
  const evidenceBytes = options.evidenceBytes ?? 1500;
  return {
    async put(siteId, report) {
      const bounded: CheckReport = {
        ...report,
        findings: report.findings.map((f) => ({ ...f, evidence: boundRecord(f.evidence, evidenceBytes) })),
      };
      const text = JSON.stringify(bounded);
      await redis.set(keys.site(siteId).report, text);
      return Buffer.byteLength(text, "utf8");
    },
    async get(siteId) {
      return parseJson<CheckReport>(await redis.get(keys.site(siteId).report));
    },
  };
}
