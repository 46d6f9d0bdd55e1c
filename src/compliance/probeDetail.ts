import type { Probe } from "../domain/probe.ts";

/** One line saying why a probe gave no value, for params and evidence (already credential-free). */
export function probeDetail(p: Probe<unknown> | undefined): string {
  if (p === undefined) return "not asked";
  switch (p.status) {
    case "ok":
      return "ok";
    case "unsupported":
      return `unsupported: ${p.reason}`;
    case "failed":
      return p.error.faultCode
        ? `${p.error.kind} (${p.error.faultCode}): ${p.error.message}`
        : `${p.error.kind}: ${p.error.message}`;
  }
}

/** The probe as plain JSON evidence: its status and, when it failed, why. */
export function probeEvidence(p: Probe<unknown> | undefined): Record<string, unknown> {
  if (p === undefined) return { status: "absent" };
  if (p.status === "ok") return { status: "ok" };
  if (p.status === "unsupported") return { status: "unsupported", reason: p.reason };
  return { status: "failed", error: { ...p.error } };
}
