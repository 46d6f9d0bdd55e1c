import type { SimDevice } from "../device.ts";
import { MAX_SUBSCRIPTIONS } from "../device.ts";
import type { ServiceKey } from "./types.ts";

/** Each service's <prefix:Capabilities> element, shared by GetServices and GetServiceCapabilities. */
export function serviceCapabilities(d: SimDevice, key: Exclude<ServiceKey, "subscription">): string {
  const n = d.channels.length;
  const s = d.spec;
  switch (key) {
    case "device":
      return (
        `<tds:Capabilities><tds:Network IPFilter="false" ZeroConfiguration="false" IPVersion6="false" DynDNS="false" NTP="1"/>` +
        `<tds:Security TLS1.2="false" OnboardKeyGeneration="false" AccessPolicyConfig="false" X.509Token="false"` +
        ` SAMLToken="false" KerberosToken="false" RELToken="false" UsernameToken="${s.auth !== "digest"}"` +
        ` HttpDigest="${s.auth !== "wsse"}"/>` +
        `<tds:System DiscoveryResolve="false" DiscoveryBye="true" RemoteDiscovery="false" SystemBackup="false"` +
        ` SystemLogging="false" FirmwareUpgrade="false"/></tds:Capabilities>`
      );
    case "media":
      return (
        `<trt:Capabilities SnapshotUri="true" Rotation="false" VideoSourceMode="false" OSD="false">` +
        `<trt:ProfileCapabilities MaximumNumberOfProfiles="${n * s.streamsPerChannel}"/>` +
        `<trt:StreamingCapabilities RTPMulticast="false" RTP_TCP="true" RTP_RTSP_TCP="true"/></trt:Capabilities>`
      );
    case "media2":
      return (
        `<tr2:Capabilities SnapshotUri="true" Rotation="false" VideoSourceMode="false" OSD="false">` +
        `<tr2:ProfileCapabilities MaximumNumberOfProfiles="${n * s.streamsPerChannel}" ConfigurationsSupported="VideoSource VideoEncoder Analytics"/>` +
        `<tr2:StreamingCapabilities RTSPStreaming="true" RTPMulticast="false" RTP_RTSP_TCP="true"/></tr2:Capabilities>`
      );
    case "recording":
      return (
        `<trc:Capabilities DynamicRecordings="false" DynamicTracks="false" Encoding="H264 H265 G711"` +
        ` MaxRecordings="${n}" MaxRecordingJobs="${n}" Options="false" MetadataRecording="true"` +
        ` EventRecording="true" ScheduledRecording="true" OnboardStorage="true"/>`
      );
    case "search":
      return `<tse:Capabilities MetadataSearch="false" GeneralStartEvents="true"/>`;
    case "schedule":
      return (
        `<tsc:Capabilities MaxLimit="16" MaxSchedules="${Math.max(16, s.schedules.length)}" MaxTimePeriodsPerDay="8"` +
        ` MaxSpecialDayGroups="4" MaxDaysInSpecialDayGroup="32" MaxSpecialDaysSchedules="4"` +
        ` ExtendedRecurrenceSupported="false" SpecialDaysSupported="false" StateReportingSupported="false"/>`
      );
    case "analytics":
      return `<tan:Capabilities RuleSupport="true" AnalyticsModuleSupport="true" CellBasedSceneDescriptionSupported="false"/>`;
    case "events":
      return (
        `<tev:Capabilities WSSubscriptionPolicySupport="false" WSPausableSubscriptionManagerInterfaceSupport="false"` +
        ` MaxNotificationProducers="0" MaxPullPoints="${MAX_SUBSCRIPTIONS}" PersistentNotificationStorage="false"/>`
      );
    case "deviceio":
      return `<tmd:Capabilities VideoSources="${n}" VideoOutputs="0" AudioSources="${n}" AudioOutputs="0" RelayOutputs="0" SerialPorts="0" DigitalInputs="0"/>`;
  }
}
