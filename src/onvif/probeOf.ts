import { failed, ok, unsupported, type Probe, type ProbeError } from "../domain/probe.ts";
import type { Secret } from "../domain/secret.ts";
import { asOnvifError } from "./errors.ts";

/**
 * Runs one device question and never throws: a capability the device lacks (no such service,
 * ActionNotSupported, gSOAP "not implemented") is `unsupported`, any other failure `failed`.
 */
export async function probeOf<T>(ask: () => Promise<T>, secret?: Secret): Promise<Probe<T>> {
  try {
    return ok(await ask());
  } catch (e) {
    const err = asOnvifError(e, secret);
    return err.kind === "not_supported" ? unsupported(err.message) : failed(err.toProbeError());
  }
}

/** The error behind a probe that did not succeed (unsupported reads as not_supported). */
export function probeError(p: Probe<unknown>): ProbeError | null {
  switch (p.status) {
    case "ok":
      return null;
    case "unsupported":
      return { kind: "not_supported", message: p.reason };
    case "failed":
      return p.error;
  }
}
