import { videoSourceToken } from "../streams.ts";
import { NS, el } from "../xml.ts";
import { serviceCapabilities } from "./capabilities.ts";
import type { ServiceDef } from "./types.ts";

export const deviceioService: ServiceDef = {
  key: "deviceio",
  namespaces: [NS.tmd],
  enabled: () => true,
  handlers: {
    GetServiceCapabilities: ({ device }) =>
      `<tmd:GetServiceCapabilitiesResponse>${serviceCapabilities(device, "deviceio")}</tmd:GetServiceCapabilitiesResponse>`,

    // Like NVRs do, only connected inputs are listed (onvif/specs#470).
    GetVideoSources: ({ device }) =>
      `<tmd:GetVideoSourcesResponse>${device.channels
        .filter((c) => c.spec.online)
        .map((c) => el("tmd:Token", videoSourceToken(c.n)))
        .join("")}</tmd:GetVideoSourcesResponse>`,
  },
};
