import { NS } from "../namespaces.ts";
import type { ServiceName } from "../types.ts";

/** Service namespace (as GetServices lists it) → our short name. Compared case-insensitively. */
const PAIRS: readonly (readonly [string, ServiceName])[] = [
  [NS.tds, "device"],
  [NS.trt, "media"],
  [NS.tr2, "media2"],
  [NS.trc, "recording"],
  [NS.tse, "search"],
  [NS.tsc, "schedule"],
  [NS.tan, "analytics"],
  [NS.tev, "events"],
  [NS.tmd, "deviceio"],
  [NS.trp, "replay"],
];

const BY_NAMESPACE: ReadonlyMap<string, ServiceName> = new Map(
  PAIRS.map(([ns, name]) => [ns.toLowerCase(), name]),
);

export function serviceForNamespace(ns: string): ServiceName | null {
  return BY_NAMESPACE.get(ns.trim().replace(/\/+$/, "").toLowerCase()) ?? null;
}
