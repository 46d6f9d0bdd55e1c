import type { FaultName } from "./scenario.ts";
import { envelope, esc } from "./xml.ts";

/**
 * SOAP 1.2 faults with ONVIF ter: subcodes (ONVIF Core, "Error handling"). HTTP status follows
 * the SOAP 1.2 HTTP binding that Core uses: env:Sender → 400, env:Receiver → 500.
 */
export interface SoapFault {
  readonly code: "Sender" | "Receiver";
  /** ter: local names, outermost first, e.g. ["InvalidArgVal", "NoRecording"]. */
  readonly subcodes: readonly string[];
  readonly reason: string;
}

/** Thrown by a handler to answer with a SOAP fault. */
export class FaultAnswer extends Error {
  override readonly name = "FaultAnswer";
  constructor(readonly fault: SoapFault) {
    super(`${fault.code}/${fault.subcodes.join("/")}: ${fault.reason}`);
  }
}

export function httpStatusOf(f: SoapFault): number {
  return f.code === "Sender" ? 400 : 500;
}

export function faultXml(f: SoapFault): string {
  const sub = f.subcodes.reduceRight(
    (inner, code) => `<s:Subcode><s:Value>ter:${code}</s:Value>${inner}</s:Subcode>`,
    "",
  );
  return envelope(
    `<s:Fault><s:Code><s:Value>s:${f.code}</s:Value>${sub}</s:Code>` +
      `<s:Reason><s:Text xml:lang="en">${esc(f.reason)}</s:Text></s:Reason></s:Fault>`,
  );
}

export const fault = {
  notAuthorized: (): SoapFault => ({
    code: "Sender",
    subcodes: ["NotAuthorized"],
    reason: "Sender not Authorized",
  }),
  actionNotSupported: (what = "Optional Action Not Implemented"): SoapFault => ({
    code: "Receiver",
    subcodes: ["ActionNotSupported"],
    reason: what,
  }),
  wellFormed: (why: string): SoapFault => ({
    code: "Sender",
    subcodes: ["WellFormed"],
    reason: `Well-formed Error: ${why}`,
  }),
  invalidArgVal: (sub: string | null, reason: string): SoapFault => ({
    code: "Sender",
    subcodes: sub ? ["InvalidArgVal", sub] : ["InvalidArgVal"],
    reason,
  }),
  invalidArgs: (reason: string): SoapFault => ({ code: "Sender", subcodes: ["InvalidArgs"], reason }),
  receiverAction: (sub: string, reason: string): SoapFault => ({
    code: "Receiver",
    subcodes: ["Action", sub],
    reason,
  }),
} as const;

/** The fault a scenario names (operations.X.fault). */
export function namedFault(name: FaultName): SoapFault {
  switch (name) {
    case "NotAuthorized":
      return fault.notAuthorized();
    case "ActionNotSupported":
      return fault.actionNotSupported();
    case "InvalidArgVal":
      return fault.invalidArgVal(null, "Argument Value Invalid");
    case "InvalidArgs":
      return fault.invalidArgs("Invalid Args");
    case "OperationProhibited":
      return { code: "Sender", subcodes: ["OperationProhibited"], reason: "Operation Prohibited" };
    case "CriticalError":
      return { code: "Receiver", subcodes: ["Action", "CriticalError"], reason: "Critical Error" };
    case "OutofMemory":
      return { code: "Receiver", subcodes: ["OutofMemory"], reason: "Out of Memory" };
    case "NoRecording":
      return fault.invalidArgVal(
        "NoRecording",
        "The RecordingToken does not reference an existing recording",
      );
    case "NoRecordingJob":
      return fault.invalidArgVal("NoRecordingJob", "The JobToken does not reference an existing job");
    case "NoProfile":
      return fault.invalidArgVal("NoProfile", "The requested profile token ProfileToken does not exist");
    case "NoConfig":
      return fault.invalidArgVal("NoConfig", "The requested configuration does not exist");
    case "InvalidToken":
      return fault.invalidArgVal("InvalidToken", "The search token is invalid");
    case "NotFound":
      return fault.invalidArgVal("NotFound", "The requested object does not exist");
  }
}
