import { OnvifError } from "../errors.ts";
import { NS } from "../namespaces.ts";
import { child, childLoose, childrenLoose, resolveQName, textOf, type XmlElement } from "../xml/tree.ts";

/** A SOAP fault, 1.2 or 1.1, with every code resolved against the namespaces the device declared. */
export interface SoapFault {
  readonly version: "1.2" | "1.1";
  /** "env:Sender", "env:Receiver" (SOAP 1.1 "Client"/"Server" are mapped to these). */
  readonly code: string | null;
  /** Subcodes outermost first: ["ter:InvalidArgVal", "ter:NoRecordingJob"]. */
  readonly subcodes: readonly string[];
  readonly reason: string;
  readonly detail: string | null;
}

/** Writes a resolved QName with the conventional prefix for the namespaces that matter. */
function formatQName(el: XmlElement, raw: string): string | null {
  const q = resolveQName(el, raw);
  if (!q) return null;
  if (q.ns === NS.ter) return `ter:${q.local}`;
  if (q.ns === NS.soap12 || q.ns === NS.soap11) return `env:${q.local}`;
  return q.prefix ? `${q.prefix}:${q.local}` : q.local;
}

const SOAP11_CODES: Readonly<Record<string, string>> = {
  "env:Client": "env:Sender",
  "env:Server": "env:Receiver",
};

/** Reads a Fault element (the first Body child); tolerant of vendors' namespace slips. */
export function parseFault(fault: XmlElement): SoapFault {
  const codeEl = childLoose(fault, fault.ns, "Code");
  if (codeEl) {
    const valueEl = childLoose(codeEl, fault.ns, "Value");
    const code = valueEl ? formatQName(valueEl, valueEl.text) : null;
    const subcodes: string[] = [];
    let sub = childLoose(codeEl, fault.ns, "Subcode");
    // Subcodes nest; a depth cap keeps a hostile document from making this loop long.
    for (let depth = 0; sub && depth < 16; depth++) {
      const v = childLoose(sub, fault.ns, "Value");
      const q = v ? formatQName(v, v.text) : null;
      if (q) subcodes.push(q);
      sub = childLoose(sub, fault.ns, "Subcode");
    }
    const reasonEl = childLoose(fault, fault.ns, "Reason");
    const texts = childrenLoose(reasonEl, fault.ns, "Text");
    const english = texts.find((t) =>
      t.attrs.some((a) => a.local === "lang" && a.value.toLowerCase().startsWith("en")),
    );
    const reason = textOf(english ?? texts[0] ?? reasonEl) ?? "";
    const detailEl = childLoose(fault, fault.ns, "Detail");
    return { version: "1.2", code, subcodes, reason, detail: detailEl ? allText(detailEl) : null };
  }
  // SOAP 1.1: faultcode / faultstring / detail, unqualified.
  const fcEl = child(fault, "", "faultcode") ?? childLoose(fault, "", "faultcode");
  const raw = fcEl ? formatQName(fcEl, fcEl.text) : null;
  const code = raw ? (SOAP11_CODES[raw] ?? raw) : null;
  const reason = textOf(child(fault, "", "faultstring") ?? childLoose(fault, "", "faultstring")) ?? "";
  const detailEl = child(fault, "", "detail") ?? childLoose(fault, "", "detail");
  // A 1.1 faultcode may itself be an ONVIF code ("ter:NotAuthorized"); treat it as the subcode.
  const subcodes = raw && raw.startsWith("ter:") ? [raw] : [];
  return { version: "1.1", code, subcodes, reason, detail: detailEl ? allText(detailEl) : null };
}

function allText(el: XmlElement): string | null {
  const parts: string[] = [];
  const walk = (e: XmlElement): void => {
    const t = e.text.trim();
    if (t) parts.push(t);
    e.children.forEach(walk);
  };
  walk(el);
  const s = parts.join(" ");
  return s.length > 0 ? s : null;
}

const hasLocal = (codes: readonly string[], ...locals: string[]): boolean =>
  codes.some((c) => locals.includes(c.slice(c.indexOf(":") + 1)));

/** gSOAP's answer for an operation it does not know: a bare Sender fault "Method 'X' not implemented". */
const GSOAP_NOT_IMPLEMENTED = /\bnot\s+implemented\b/i;

/**
 * A fault as an OnvifError. ter:NotAuthorized → auth; ter:ActionNotSupported / UnknownAction or a
 * gSOAP "Method '…' not implemented" with no subcode → not_supported; InvalidArgVal/InvalidArgs →
 * bad_argument; anything else → fault (retryable only when the device blames itself: Receiver).
 */
export function faultToError(f: SoapFault, httpStatus?: number): OnvifError {
  const chain = [f.code, ...f.subcodes].filter((c): c is string => c !== null);
  const faultCode = f.subcodes[0] ?? f.code ?? undefined;
  const message =
    `SOAP fault ${chain.join("/") || "(no code)"}` +
    (f.reason ? `: ${f.reason}` : "") +
    (f.detail ? ` (${f.detail})` : "");
  const base = {
    message,
    subcodes: f.subcodes,
    ...(faultCode !== undefined ? { faultCode } : {}),
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  };
  if (hasLocal(f.subcodes, "NotAuthorized") || httpStatus === 401 || httpStatus === 403) {
    return new OnvifError({ ...base, kind: "auth" });
  }
  if (hasLocal(f.subcodes, "ActionNotSupported", "UnknownAction")) {
    return new OnvifError({ ...base, kind: "not_supported" });
  }
  if (f.subcodes.length === 0 && GSOAP_NOT_IMPLEMENTED.test(f.reason)) {
    return new OnvifError({ ...base, kind: "not_supported" });
  }
  if (hasLocal(f.subcodes, "InvalidArgVal", "InvalidArgs")) {
    return new OnvifError({ ...base, kind: "bad_argument" });
  }
  return new OnvifError({ ...base, kind: "fault", retryable: f.code === "env:Receiver" });
}

/** Whether a Body's first child is a SOAP 1.2 or 1.1 Fault. */
export function isFault(el: XmlElement): boolean {
  return el.local === "Fault" && (el.ns === NS.soap12 || el.ns === NS.soap11 || el.ns === "");
}
