import type { DeviceResponse } from "../../net/types.ts";
import { OnvifError } from "../errors.ts";
import { DEFAULT_XML_LIMITS, parseXml, type RootTagCache } from "../xml/parse.ts";
import { childLoose, type XmlElement } from "../xml/tree.ts";
import { faultToError, isFault, parseFault } from "./fault.ts";

/**
 * Turns an HTTP answer into the SOAP Body element, or throws the OnvifError it amounts to.
 * A fault wins over the status (devices send faults with 400, 401 or 500); without one,
 * 401/403 → auth, 404/405 → not_supported (no such service here), other non-2xx → http.
 * `what` names the request in messages (action and endpoint, already credential-free).
 * `roots`: the session's memory of envelopes already read (see RootTagCache).
 */
export function interpretResponse(res: DeviceResponse, what: string, roots?: RootTagCache): XmlElement {
  const ok = res.status >= 200 && res.status < 300;
  let root: XmlElement | null = null;
  let parseError: OnvifError | null = null;
  if (res.body.length > 0) {
    try {
      root = parseXml(res.body, DEFAULT_XML_LIMITS, roots);
    } catch (e) {
      if (!(e instanceof OnvifError)) throw e;
      parseError = e;
    }
  }
  const body = root ? soapBody(root) : null;
  const first = body?.children[0];
  if (first && isFault(first)) throw faultToError(parseFault(first), ok ? undefined : res.status);
  if (!ok) throw statusError(res.status, what);
  if (parseError) throw new OnvifError({ kind: "malformed", message: `${what}: ${parseError.message}` });
  if (!root) throw new OnvifError({ kind: "malformed", message: `${what}: empty answer` });
  if (!body) throw new OnvifError({ kind: "malformed", message: `${what}: answer is not a SOAP envelope` });
  return body;
}

function statusError(status: number, what: string): OnvifError {
  if (status === 401 || status === 403) {
    return new OnvifError({
      kind: "auth",
      message: `${what}: HTTP ${status} (login refused)`,
      httpStatus: status,
    });
  }
  if (status === 404 || status === 405) {
    return new OnvifError({ kind: "not_supported", message: `${what}: HTTP ${status}`, httpStatus: status });
  }
  return new OnvifError({
    kind: "http",
    message: `${what}: HTTP ${status} without a SOAP fault`,
    httpStatus: status,
  });
}

/** The Body of a SOAP 1.2 or 1.1 envelope (or of one with a misdeclared namespace). */
function soapBody(root: XmlElement): XmlElement | null {
  if (root.local !== "Envelope") return null;
  return childLoose(root, root.ns, "Body");
}

/**
 * The response element in a Body: right namespace first, then by local name. Absent → null,
 * which list operations read as "no items" (agsh/onvif#292: an empty Body for GetRecordings).
 */
export function responseElement(body: XmlElement, ns: string, local: string): XmlElement | null {
  return childLoose(body, ns, local);
}

/** As responseElement, but a missing element is a malformed answer. */
export function requireResponse(body: XmlElement, ns: string, local: string): XmlElement {
  const el = responseElement(body, ns, local);
  if (!el) throw new OnvifError({ kind: "malformed", message: `answer has no ${local}` });
  return el;
}
