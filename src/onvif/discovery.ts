import { createRequire } from "node:module";

/** One device that answered a WS-Discovery probe. */
export interface DiscoveredDevice {
  readonly urn: string;
  readonly name: string;
  readonly hardware: string;
  readonly location: string;
  readonly types: readonly string[];
  /** Device service addresses it advertised (a device may list one per network card). */
  readonly xaddrs: readonly string[];
  readonly scopes: readonly string[];
}

interface NodeOnvifProbe {
  urn: string;
  name: string;
  hardware: string;
  location: string;
  types: string[] | string;
  xaddrs: string[];
  scopes: string[];
}

interface NodeOnvifInstance {
  _DISCOVERY_WAIT: number;
  startProbe(): Promise<NodeOnvifProbe[]>;
  stopProbe(): Promise<void>;
}

/**
 * Lists ONVIF devices on the local network by WS-Discovery (multicast 239.255.255.250:3702).
 * node-onvif does the probing: it is used for discovery only, never for SOAP (its SOAP path is
 * HTTP-only with a fixed 3 s timeout; ONVIF.md §3). Each call gets its own instance, since the
 * module's export is a shared singleton whose state one probe at a time would clobber.
 */
export async function discoverDevices(opts: { waitMs: number }): Promise<DiscoveredDevice[]> {
  const require = createRequire(import.meta.url);
  const shared = require("node-onvif") as { constructor: new () => NodeOnvifInstance };
  const probe = new shared.constructor();
  probe._DISCOVERY_WAIT = opts.waitMs;
  const found = await probe.startProbe();
  return found
    .map((d) => ({
      urn: d.urn,
      name: d.name,
      hardware: d.hardware,
      location: d.location,
      types: Array.isArray(d.types) ? d.types : d.types ? [d.types] : [],
      xaddrs: d.xaddrs.filter((x) => x.length > 0),
      scopes: d.scopes,
    }))
    .sort((a, b) => a.urn.localeCompare(b.urn));
}
