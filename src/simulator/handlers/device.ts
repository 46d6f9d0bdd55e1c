import type { SimDevice } from "../device.ts";
import { FaultAnswer } from "../faults.ts";
import { childrenNamed, textAt } from "../soapRequest.ts";
import { fields, posixTzOffsetSeconds } from "../time.ts";
import { NS, el } from "../xml.ts";
import { serviceCapabilities } from "./capabilities.ts";
import { SERVICE_PATHS, type ServiceDef, type ServiceKey } from "./types.ts";

function dateTime(tag: string, ms: number): string {
  const f = fields(ms);
  return (
    `<tt:${tag}><tt:Time>${el("tt:Hour", f.hour)}${el("tt:Minute", f.minute)}${el("tt:Second", f.second)}</tt:Time>` +
    `<tt:Date>${el("tt:Year", f.year)}${el("tt:Month", f.month)}${el("tt:Day", f.day)}</tt:Date></tt:${tag}>`
  );
}

/** The services this device lists, in GetServices order, with their namespaces. */
export function listedServices(d: SimDevice): { key: Exclude<ServiceKey, "subscription">; ns: string }[] {
  const s = d.spec;
  const all: { key: Exclude<ServiceKey, "subscription">; ns: string; on: boolean }[] = [
    { key: "device", ns: NS.tds, on: true },
    { key: "media", ns: NS.trt, on: true },
    { key: "media2", ns: NS.tr2, on: s.media2 },
    { key: "events", ns: NS.tev, on: s.events },
    { key: "analytics", ns: NS.tan, on: s.analytics },
    { key: "deviceio", ns: NS.tmd, on: true },
    { key: "recording", ns: NS.trc, on: s.profileG },
    { key: "search", ns: NS.tse, on: s.profileG },
    { key: "schedule", ns: NS.tsc, on: s.profileG },
  ];
  return all.filter((x) => x.on);
}

export function xaddr(d: SimDevice, key: Exclude<ServiceKey, "subscription">): string {
  return `${d.baseUrl()}${SERVICE_PATHS[key]}`;
}

const VERSIONS: Record<string, [number, number]> = {
  device: [21, 12],
  media: [21, 6],
  media2: [21, 12],
  events: [21, 12],
  analytics: [20, 12],
  deviceio: [21, 6],
  recording: [21, 6],
  search: [21, 6],
  schedule: [18, 12],
};

export const deviceService: ServiceDef = {
  key: "device",
  namespaces: [NS.tds],
  enabled: () => true,
  handlers: {
    GetSystemDateAndTime: ({ device }) => {
      const utc = device.deviceNow();
      const local = utc + posixTzOffsetSeconds(device.spec.timezone) * 1000;
      return (
        `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>` +
        `${el("tt:DateTimeType", device.spec.dateTimeType)}${el("tt:DaylightSavings", false)}` +
        `<tt:TimeZone>${el("tt:TZ", device.spec.timezone)}</tt:TimeZone>` +
        `${dateTime("UTCDateTime", utc)}${dateTime("LocalDateTime", local)}` +
        `</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`
      );
    },

    GetDeviceInformation: ({ device }) => {
      const s = device.spec;
      return (
        `<tds:GetDeviceInformationResponse>${el("tds:Manufacturer", s.manufacturer)}${el("tds:Model", s.model)}` +
        `${el("tds:FirmwareVersion", s.firmware)}${el("tds:SerialNumber", s.serialNumber)}${el("tds:HardwareId", s.hardwareId)}` +
        `</tds:GetDeviceInformationResponse>`
      );
    },

    GetServices: ({ device, op }) => {
      const withCaps = textAt(op, "IncludeCapability") === "true";
      const items = listedServices(device).map(({ key, ns }) => {
        const [major, minor] = VERSIONS[key] ?? [2, 0];
        const caps = withCaps
          ? `<tds:Capabilities>${serviceCapabilities(device, key)}</tds:Capabilities>`
          : "";
        return (
          `<tds:Service>${el("tds:Namespace", ns)}${el("tds:XAddr", xaddr(device, key))}${caps}` +
          `<tds:Version>${el("tt:Major", major)}${el("tt:Minor", minor)}</tds:Version></tds:Service>`
        );
      });
      return `<tds:GetServicesResponse>${items.join("")}</tds:GetServicesResponse>`;
    },

    GetServiceCapabilities: ({ device }) =>
      `<tds:GetServiceCapabilitiesResponse>${serviceCapabilities(device, "device")}</tds:GetServiceCapabilitiesResponse>`,

    GetCapabilities: ({ device, op }) => {
      const asked = childrenNamed(op, "Category").map((c) => c.text.trim());
      const cats = asked.length === 0 || asked.includes("All") ? ["All"] : asked;
      const want = (c: string): boolean => cats.includes("All") || cats.includes(c);
      for (const c of cats) {
        const supported =
          c === "All" ||
          c === "Device" ||
          c === "Media" ||
          (c === "Events" && device.spec.events) ||
          (c === "Analytics" && device.spec.analytics);
        if (!supported) {
          throw new FaultAnswer({
            code: "Receiver",
            subcodes: ["ActionNotSupported", "NoSuchService"],
            reason: `No ${c} service`,
          });
        }
      }
      return `<tds:GetCapabilitiesResponse><tds:Capabilities>${legacyCapabilities(device, want, cats.includes("All"))}</tds:Capabilities></tds:GetCapabilitiesResponse>`;
    },

    GetScopes: ({ device }) => {
      const scopes = [
        "onvif://www.onvif.org/type/video_encoder",
        "onvif://www.onvif.org/type/Network_Video_Recorder",
        ...(device.spec.profileG ? ["onvif://www.onvif.org/Profile/G"] : []),
        "onvif://www.onvif.org/Profile/Streaming",
        "onvif://www.onvif.org/Profile/T",
        `onvif://www.onvif.org/hardware/${device.spec.model}`,
        `onvif://www.onvif.org/name/${device.spec.id}`,
      ];
      return (
        `<tds:GetScopesResponse>` +
        scopes
          .map((s) => `<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef>${el("tt:ScopeItem", s)}</tds:Scopes>`)
          .join("") +
        `</tds:GetScopesResponse>`
      );
    },
  },
};

/** tt:Capabilities for the legacy GetCapabilities (Recording/Search/DeviceIO only under Extension). */
function legacyCapabilities(d: SimDevice, want: (c: string) => boolean, all: boolean): string {
  const s = d.spec;
  let out = "";
  if (s.analytics && want("Analytics")) {
    out += `<tt:Analytics>${el("tt:XAddr", xaddr(d, "analytics"))}${el("tt:RuleSupport", true)}${el("tt:AnalyticsModuleSupport", true)}</tt:Analytics>`;
  }
  if (want("Device")) {
    out +=
      `<tt:Device>${el("tt:XAddr", xaddr(d, "device"))}` +
      `<tt:Network>${el("tt:IPFilter", false)}${el("tt:ZeroConfiguration", false)}${el("tt:IPVersion6", false)}${el("tt:DynDNS", false)}</tt:Network>` +
      `<tt:System>${el("tt:DiscoveryResolve", false)}${el("tt:DiscoveryBye", true)}${el("tt:RemoteDiscovery", false)}` +
      `${el("tt:SystemBackup", false)}${el("tt:SystemLogging", false)}${el("tt:FirmwareUpgrade", false)}` +
      `<tt:SupportedVersions>${el("tt:Major", 21)}${el("tt:Minor", 12)}</tt:SupportedVersions></tt:System>` +
      `<tt:IO>${el("tt:InputConnectors", 0)}${el("tt:RelayOutputs", 0)}</tt:IO>` +
      `<tt:Security>${el("tt:TLS1.1", false)}${el("tt:TLS1.2", false)}${el("tt:OnboardKeyGeneration", false)}` +
      `${el("tt:AccessPolicyConfig", false)}${el("tt:X.509Token", false)}${el("tt:SAMLToken", false)}` +
      `${el("tt:KerberosToken", false)}${el("tt:RELToken", false)}</tt:Security></tt:Device>`;
  }
  if (s.events && want("Events")) {
    out +=
      `<tt:Events>${el("tt:XAddr", xaddr(d, "events"))}${el("tt:WSSubscriptionPolicySupport", false)}` +
      `${el("tt:WSPullPointSupport", true)}${el("tt:WSPausableSubscriptionManagerInterfaceSupport", false)}</tt:Events>`;
  }
  if (want("Media")) {
    out +=
      `<tt:Media>${el("tt:XAddr", xaddr(d, "media"))}<tt:StreamingCapabilities>${el("tt:RTPMulticast", false)}` +
      `${el("tt:RTP_TCP", true)}${el("tt:RTP_RTSP_TCP", true)}</tt:StreamingCapabilities></tt:Media>`;
  }
  if (all) {
    out +=
      `<tt:Extension><tt:DeviceIO>${el("tt:XAddr", xaddr(d, "deviceio"))}${el("tt:VideoSources", d.channels.length)}` +
      `${el("tt:VideoOutputs", 0)}${el("tt:AudioSources", d.channels.length)}${el("tt:AudioOutputs", 0)}${el("tt:RelayOutputs", 0)}</tt:DeviceIO>` +
      (s.profileG
        ? `<tt:Recording>${el("tt:XAddr", xaddr(d, "recording"))}${el("tt:ReceiverSource", false)}${el("tt:MediaProfileSource", true)}` +
          `${el("tt:DynamicRecordings", false)}${el("tt:DynamicTracks", false)}${el("tt:MaxStringLength", 64)}</tt:Recording>` +
          `<tt:Search>${el("tt:XAddr", xaddr(d, "search"))}${el("tt:MetadataSearch", false)}</tt:Search>`
        : "") +
      `</tt:Extension>`;
  }
  return out;
}
