import type { ChannelRuntime } from "../channel.ts";
import type { SimDevice } from "../device.ts";
import { FaultAnswer, fault } from "../faults.ts";
import { textAt } from "../soapRequest.ts";
import { NS } from "../xml.ts";
import { modulesXml, rulesXml } from "./analyticsRules.ts";
import { serviceCapabilities } from "./capabilities.ts";
import type { ServiceDef } from "./types.ts";

/** VideoAnalytics_n of an online channel; anything else is ter:NoConfig. */
function needConfig(d: SimDevice, token: string | null): ChannelRuntime {
  const m = token ? /^VideoAnalytics_(\d+)$/.exec(token) : null;
  const ch = m ? d.channel(Number(m[1])) : null;
  if (!ch || !ch.spec.online) {
    throw new FaultAnswer(
      fault.invalidArgVal("NoConfig", `The requested configuration ${token ?? ""} does not exist`),
    );
  }
  return ch;
}

export const analyticsService: ServiceDef = {
  key: "analytics",
  namespaces: [NS.tan],
  enabled: (d) => d.spec.analytics,
  handlers: {
    GetServiceCapabilities: ({ device }) =>
      `<tan:GetServiceCapabilitiesResponse>${serviceCapabilities(device, "analytics")}</tan:GetServiceCapabilitiesResponse>`,

    GetRules: ({ device, op }) => {
      const ch = needConfig(device, textAt(op, "ConfigurationToken"));
      return `<tan:GetRulesResponse>${rulesXml(ch, "tan:Rule")}</tan:GetRulesResponse>`;
    },

    GetAnalyticsModules: ({ device, op }) => {
      needConfig(device, textAt(op, "ConfigurationToken"));
      return `<tan:GetAnalyticsModulesResponse>${modulesXml("tan:AnalyticsModule")}</tan:GetAnalyticsModulesResponse>`;
    },
  },
};
