import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OnvifError } from "../../src/onvif/errors.ts";
import { NS } from "../../src/onvif/namespaces.ts";
import { readRule } from "../../src/onvif/ops/analytics.ts";
import {
  capabilitiesToMap,
  parseDeviceInformation,
  parseServiceCapabilities,
  parseServices,
  parseSystemDateAndTime,
  servicesToMap,
} from "../../src/onvif/ops/device.ts";
import { parseEventTopics, parsePullMessages } from "../../src/onvif/ops/events.ts";
import {
  parseProfiles,
  parseProfiles2,
  parseSnapshotUri,
  parseStreamUri,
} from "../../src/onvif/ops/media.ts";
import { parseRecordingJobs, parseRecordings } from "../../src/onvif/ops/recording.ts";
import { parseRecordingSummary, parseSearchToken } from "../../src/onvif/ops/search.ts";
import { interpretResponse } from "../../src/onvif/soap/response.ts";
import {
  childLoose,
  childrenLoose,
  childText,
  descendantsByLocal,
  type XmlElement,
} from "../../src/onvif/xml/tree.ts";
import { FIXTURES } from "../helpers/paths.ts";
import { bodyOf, fixture, response } from "./helpers/fakeDevice.ts";

/** The error a fixture amounts to when a device sends it (as an HTTP 500 answer). */
function faultOf(xml: string): OnvifError {
  try {
    interpretResponse(response(xml, 500), "test");
  } catch (e) {
    if (e instanceof OnvifError) return e;
    throw e;
  }
  throw new Error("expected a fault");
}

/** The same answer with UTCDateTime removed: the time must then come from LocalDateTime + TZ. */
const withoutUtc = (xml: string): string => xml.replace(/<tt:UTCDateTime>[\s\S]*?<\/tt:UTCDateTime>/, "");

function clockCase(xml: string, utc: string, tz: string, type: "NTP" | "Manual"): void {
  const sdt = parseSystemDateAndTime(bodyOf(xml));
  expect(sdt.source).toBe("utc");
  expect(new Date(sdt.utcMs ?? NaN).toISOString()).toBe(utc);
  expect(sdt.timezone).toBe(tz);
  expect(sdt.dateTimeType).toBe(type);
  const local = parseSystemDateAndTime(bodyOf(withoutUtc(xml)));
  expect(local.source).toBe("local+tz");
  expect(new Date(local.utcMs ?? NaN).toISOString()).toBe(utc);
}

const NAT = "http://203.0.113.7:8080/onvif/device_service";

const first = (body: XmlElement): XmlElement => body.children[0] as XmlElement;

/** Expected values written by hand from each capture. Every file in fixtures/ must have one. */
const EXPECTED: Record<string, (xml: string) => void> = {
  "axis/CreateRecording.xml": (xml) => {
    expect(childText(first(bodyOf(xml)), NS.trc, "RecordingToken")).toBe("SD_DISK_20200422_123501_A2388AB3");
  },
  "axis/Fault_ActionNotSupported.xml": (xml) => {
    const e = faultOf(xml);
    expect(e.kind).toBe("not_supported");
    expect(e.faultCode).toBe("ter:ActionNotSupported");
  },
  "axis/Fault_AudioNotSupported.xml": (xml) => {
    expect(faultOf(xml).subcodes).toEqual(["ter:ActionNotSupported", "ter:AudioNotSupported"]);
  },
  "axis/GetRecordingJobs_empty.xml": (xml) => {
    expect(parseRecordingJobs(bodyOf(xml))).toEqual([]);
  },
  "axis/GetRecordings.xml": (xml) => {
    const recs = parseRecordings(bodyOf(xml));
    expect(recs.map((r) => r.token)).toEqual([
      "SD_DISK_20200422_123501_A2388AB3",
      "SD_DISK_20200422_132613_45A883F5",
      "SD_DISK_20200422_132655_67086B52",
    ]);
    expect(recs.map((r) => r.sourceName)).toEqual(["paolo", "paolo2", "paolo3"]);
    for (const r of recs) {
      expect(r.sourceId).toBe("");
      expect(r.maximumRetentionSeconds).toBe(3600);
      expect(r.tracks).toEqual([
        { token: "VIDEO001", type: "Video" },
        { token: "AUDIO001", type: "Audio" },
        { token: "META001", type: "Metadata" },
      ]);
    }
  },
  "axis/GetReplayUri.xml": (xml) => {
    expect(childText(first(bodyOf(xml)), NS.trp, "Uri")).toBe(
      "rtsp://192.168.1.136/onvif-media/record/play.amp?onvifreplayid=SD_DISK_20200422_132655_67086B52&onvifreplayext=1&streamtype=unicast&session_timeout=30",
    );
  },
  "axis/GetSystemDateAndTime.xml": (xml) => {
    clockCase(xml, "2024-07-09T19:49:06.000Z", "BRT3", "Manual");
    expect(parseSystemDateAndTime(bodyOf(xml)).daylightSavings).toBe(true);
  },
  "axis/M2025-LE_GetDeviceInformation.xml": (xml) => {
    expect(parseDeviceInformation(bodyOf(xml))).toEqual({
      manufacturer: "AXIS",
      model: "M2025-LE",
      firmwareVersion: "9.80.3.13",
      serialNumber: "B8A44F26437D",
      hardwareId: "727",
    });
  },
  "axis/M2025-LE_GetProfiles.xml": (xml) => {
    const p = parseProfiles(bodyOf(xml));
    expect(
      p.map((x) => [x.token, x.name, x.videoSourceToken, x.encoding, x.width, x.height, x.analyticsToken]),
    ).toEqual([
      ["profile_1_h264", "profile_1 h264", "0", "H264", 1920, 1080, null],
      ["profile_1_jpeg", "profile_1 jpeg", "0", "JPEG", 1920, 1080, null],
    ]);
  },
  "axis/M2025-LE_Media2_GetStreamUri.xml": (xml) => {
    expect(parseStreamUri(bodyOf(xml), "media2")).toBe(
      "rtsp://192.168.0.209/onvif-media/media.amp?profile=profile_1_h264&sessiontimeout=60&streamtype=unicast",
    );
  },
  "bosch/GetCapabilities.xml": (xml) => {
    const same = capabilitiesToMap(bodyOf(xml), "http://192.168.1.201/onvif/device_service");
    expect(same).toEqual({
      device: "http://192.168.1.201/onvif/device_service",
      analytics: "http://192.168.1.201/onvif/analytics_service",
      events: "http://192.168.1.201/onvif/event_service",
      media: "http://192.168.1.201/onvif/media_service",
      deviceio: "http://192.168.1.201/onvif/DeviceIO_service",
      recording: "http://192.168.1.201/onvif/Rec_service",
      search: "http://192.168.1.201/onvif/search_service",
      replay: "http://192.168.1.201/onvif/replay_service",
    });
    const nat = capabilitiesToMap(bodyOf(xml), NAT);
    expect(nat.recording).toBe("http://203.0.113.7:8080/onvif/Rec_service");
    expect(nat.device).toBe(NAT);
  },
  "bosch/GetDeviceInformation.xml": (xml) => {
    expect(parseDeviceInformation(bodyOf(xml))).toEqual({
      manufacturer: "Bosch",
      model: "FLEXIDOME indoor 5100i IR",
      firmwareVersion: "8.71.0066",
      serialNumber: "404754734001050102",
      hardwareId: "F000B543",
    });
  },
  "bosch/GetSnapshotUri.xml": (xml) => {
    expect(parseSnapshotUri(bodyOf(xml), "media")).toBe("http://192.168.1.201/snap.jpg?JpegCam=1");
  },
  "bosch/GetStreamUri_profile0.xml": (xml) => {
    expect(parseStreamUri(bodyOf(xml), "media")).toBe(
      "rtsp://192.168.1.201/rtsp_tunnel?p=0&line=1&inst=1&vcd=2",
    );
  },
  "bosch/GetStreamUri_profile1.xml": (xml) => {
    expect(parseStreamUri(bodyOf(xml), "media")).toBe(
      "rtsp://192.168.1.201/rtsp_tunnel?p=1&line=1&inst=2&vcd=2",
    );
  },
  "bosch/GetVideoEncoderConfiguration.xml": (xml) => {
    const conf = childLoose(first(bodyOf(xml)), NS.trt, "Configuration");
    expect(conf?.attrs).toContainEqual({ ns: "", local: "token", value: "EncCfg_L1S1" });
    expect(childText(conf, NS.tt, "Encoding")).toBe("H264");
    expect(childText(conf, NS.tt, "Quality")).toBe("0.00");
    expect(childText(childLoose(conf, NS.tt, "Resolution"), NS.tt, "Width")).toBe("1920");
  },
  "dahua-onvif/Fault_MaxOSDs.xml": (xml) => {
    const e = faultOf(xml);
    expect(e.subcodes).toEqual(["ter:Action", "ter:MaxOSDs"]);
    expect(e.kind).toBe("fault");
  },
  "dahua-onvif/GetCapabilities.xml": (xml) => {
    const body = bodyOf(xml);
    expect(capabilitiesToMap(body, "http://192.168.1.123/onvif/device_service")).toEqual({
      device: "http://192.168.1.123/onvif/device_service",
      analytics: "http://192.168.1.123/onvif/analytics_service",
      events: "http://192.168.1.123/onvif/event_service",
      media: "http://192.168.1.123/onvif/media_service",
      deviceio: "http://192.168.1.123/onvif/deviceIO_service",
    });
    // Element names with dots parse like any other.
    const security = descendantsByLocal(body, "Security")[0];
    expect(childText(security, NS.tt, "TLS1.2")).toBe("false");
    expect(childText(security, NS.tt, "X.509Token")).toBe("false");
  },
  "dahua-onvif/GetProfiles_NVR_12ch_36profiles.xml": (xml) => {
    const p = parseProfiles(bodyOf(xml));
    expect(p).toHaveLength(36);
    expect(p[0]).toEqual({
      token: "MediaProfile00000",
      name: "MediaProfile_Channel1_MainStream",
      videoSourceToken: "00000",
      encoding: null, // the encoder configuration is truncated to Name + UseCount
      width: null,
      height: null,
      analyticsToken: "00000",
      streamUri: null,
      snapshotUri: null,
    });
    expect(p[1]?.token).toBe("MediaProfile00001");
    expect(p[35]?.token).toBe("MediaProfile01102");
    expect(p[35]?.videoSourceToken).toBe("01100");
    expect(new Set(p.map((x) => x.videoSourceToken)).size).toBe(12);
  },
  "dahua-onvif/GetStreamUri.xml": (xml) => {
    expect(parseStreamUri(bodyOf(xml), "media")).toBe(
      "rtsp://192.168.1.123:554/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif",
    );
  },
  "dlink/DCS-6511_GetDeviceInformation.xml": (xml) => {
    expect(parseDeviceInformation(bodyOf(xml))).toEqual({
      manufacturer: "D-Link Corporation",
      model: "DCS-6511",
      firmwareVersion: "1.16.00",
      serialNumber: "F07D68099FCA",
      hardwareId: "F07D68099FCA",
    });
  },
  "dlink/DCS-6511_GetProfiles.xml": (xml) => {
    const p = parseProfiles(bodyOf(xml));
    expect(p.map((x) => [x.token, x.videoSourceToken, x.encoding, x.width, x.height])).toEqual([
      ["Profile1", "VideoSource0", "H264", 1280, 1024],
      ["Profile2", "VideoSource0", "H264", 640, 480],
    ]);
  },
  "dlink/DCS-6511_GetSystemDateAndTime.xml": (xml) => {
    clockCase(xml, "2023-03-07T16:14:53.000Z", "COT5", "NTP");
  },
  "hikvision-oem/ENP1A14_Fault.xml": (xml) => {
    const e = faultOf(xml);
    expect(e.kind).toBe("fault");
    expect(e.subcodes).toEqual(["ter:OperationProhibited", "ter:Password"]);
    expect(e.message).toContain("NULL");
  },
  "hikvision-oem/ENP1A14_GetCapabilities.xml": (xml) => {
    expect(capabilitiesToMap(bodyOf(xml), "http://192.168.1.182/onvif/device_service")).toEqual({
      device: "http://192.168.1.182/onvif/device_service",
      analytics: "http://192.168.1.182/onvif/Analytics",
      events: "http://192.168.1.182/onvif/Events",
      media: "http://192.168.1.182/onvif/Media",
      deviceio: "http://192.168.1.182/onvif/DeviceIO",
      recording: "http://192.168.1.182/onvif/Recording",
      search: "http://192.168.1.182/onvif/SearchRecording",
      replay: "http://192.168.1.182/onvif/Replay",
    });
  },
  "hikvision-oem/ENP1A14_GetDeviceInformation.xml": (xml) => {
    expect(parseDeviceInformation(bodyOf(xml))).toEqual({
      manufacturer: "ONVIF",
      model: "ENP1A14-IR/25X",
      firmwareVersion: "V5.5.3 build 180822",
      serialNumber: "ENP1A14-IR/25X20190430AAWRD14878498W",
      hardwareId: "88",
    });
  },
  "hikvision-oem/ENP1A14_GetProfiles.xml": (xml) => {
    const body = bodyOf(xml);
    const p = parseProfiles(body);
    expect(
      p.map((x) => [x.token, x.name, x.videoSourceToken, x.encoding, x.width, x.height, x.analyticsToken]),
    ).toEqual([
      ["Profile_1", "mainStream", "VideoSource_1", "H265", 2560, 1440, "VideoAnalyticsToken"],
      ["Profile_2", "subStream", "VideoSource_1", "H265", 704, 480, "VideoAnalyticsToken"],
      ["Profile_3", "thirdStream", "VideoSource_1", null, null, null, "VideoAnalyticsToken"],
    ]);
    // The rules embedded in the profile read like GetRules answers.
    const profile = childrenLoose(first(body), NS.trt, "Profiles")[0];
    const rules = childrenLoose(
      childLoose(childLoose(profile, NS.tt, "VideoAnalyticsConfiguration"), NS.tt, "RuleEngineConfiguration"),
      NS.tt,
      "Rule",
    ).map(readRule);
    expect(rules).toHaveLength(10);
    expect(rules[0]).toEqual({
      name: "MyMotionDetectorRule",
      type: "tt:CellMotionDetector",
      parameters: { MinCount: "5", AlarmOnDelay: "1000", AlarmOffDelay: "1000", ActiveCells: "2P8AwA==" },
    });
    expect(rules[9]?.type).toBe("extxsd:TamperDetector");
    expect(rules[1]?.parameters["Segments"]).toContain("Polyline");
  },
  "hikvision-oem/ENP1A14_GetRecordings.xml": (xml) => {
    expect(parseRecordings(bodyOf(xml))).toEqual([
      {
        token: "OnvifRecordingToken_1",
        sourceId: "SourceId_1",
        sourceName: "IpCamera_1",
        maximumRetentionSeconds: 0,
        tracks: [
          { token: "videotracktoken_1", type: "Video" },
          { token: "audiotracktoken_1", type: "Audio" },
          { token: "metadatatracktoken_1", type: "Metadata" },
        ],
      },
    ]);
  },
  "hikvision-oem/ENP1A14_GetSystemDateAndTime.xml": (xml) => {
    clockCase(
      xml,
      "2023-03-06T14:13:45.000Z",
      "EST+5:00:00EDT04:00:00,M3.5.0/01:00:00,M10.5.0/02:00:00",
      "Manual",
    );
  },
  "hikvision-oem/ENP1A14_Media2_GetProfiles.xml": (xml) => {
    const p = parseProfiles2(bodyOf(xml));
    expect(p.map((x) => [x.token, x.name, x.videoSourceToken])).toEqual([
      ["Profile_1", "mainStream", null],
      ["Profile_2", "subStream", null],
      ["Profile_3", "thirdStream", null],
    ]);
  },
  "hikvision-oem/ENP1A14_Recording_GetServiceCapabilities.xml": (xml) => {
    const c = parseServiceCapabilities(bodyOf(xml));
    expect(c["MaxRecordings"]).toBe("1");
    expect(c["MaxRecordingJobs"]).toBe("1");
    expect(c["Encoding"]).toBe("G711 G726 H264 JPEG");
    expect(c["DynamicRecordings"]).toBe("false");
  },
  "hikvision-onvif/Fault_InvalidParameter.xml": (xml) => {
    const e = faultOf(xml);
    expect(e.kind).toBe("bad_argument");
    expect(e.message).toContain("token is null");
  },
  "hikvision-onvif/GetAnalyticsModules.xml": (xml) => {
    const modules = childrenLoose(first(bodyOf(xml)), NS.tan, "AnalyticsModule").map(readRule);
    expect(modules.map((m) => [m.name, m.type, m.parameters["Sensitivity"]])).toEqual([
      ["MyCellMotionModule", "tt:CellMotionEngine", "60"],
      ["MyLineDetectorModule", "tt:LineDetectorEngine", "76"],
      ["MyFieldDetectorModule", "tt:FieldDetectorEngine", "50"],
      ["MyTamperDetecModule", "hikxsd:TamperEngine", "0"],
    ]);
  },
  "hikvision-onvif/GetEventProperties.xml": (xml) => {
    const topics = parseEventTopics(bodyOf(xml));
    expect(topics).toHaveLength(31);
    expect(topics).toEqual(
      expect.arrayContaining([
        "tns1:VideoSource/MotionAlarm", // child in no namespace under a tns1: parent
        "tns1:VideoSource/ImageTooDark/ImagingService",
        "tns1:Device/HardwareFailure/HardDiskFull", // tnshik: child
        "tns1:Device/HardwareFailure/StorageFailure",
        "tns1:RuleEngine/CellMotionDetector/Motion",
        "tns1:RecordingConfig/JobState",
        "tns1:Monitoring/OperatingTime/LastReboot",
        "tns1:Monitoring/OperatingTime/LastClockSynchronization",
        "tns1:Media/ConfigurationChanged",
      ]),
    );
    expect(topics).not.toContain("tns1:VideoSource");
    expect(topics.some((t) => t.endsWith("SignalLoss"))).toBe(false);
  },
  "hikvision-onvif/Media2_GetVideoEncoderConfigurationOptions.xml": (xml) => {
    const opts = childrenLoose(first(bodyOf(xml)), NS.tr2, "Options");
    expect(opts.map((o) => childText(o, NS.tt, "Encoding"))).toEqual(["H264", "H265"]);
    expect(opts.map((o) => childrenLoose(o, NS.tt, "ResolutionsAvailable").length)).toEqual([2, 3]);
  },
  "milesight/Events_GetServiceCapabilities.xml": (xml) => {
    const c = parseServiceCapabilities(bodyOf(xml));
    expect(c["WSPullPointSupport"]).toBe("true");
    expect(c["MaxPullPoints"]).toBe("32");
  },
  "milesight/FindRecordings.xml": (xml) => {
    expect(parseSearchToken(bodyOf(xml), "FindRecordingsResponse")).toBe("RecordingSearchToken_1");
  },
  "milesight/GetDeviceInformation.xml": (xml) => {
    expect(parseDeviceInformation(bodyOf(xml))).toEqual({
      manufacturer: "Milesight Technology Co.,Ltd.",
      model: "MS-C8165-PE",
      firmwareVersion: "61.8.0.3-r8",
      serialNumber: "EM82V102329001403",
      hardwareId: "V1.0",
    });
  },
  "milesight/Media2_GetServiceCapabilities.xml": (xml) => {
    const body = bodyOf(xml);
    const c = parseServiceCapabilities(body);
    expect(c["SnapshotUri"]).toBe("true");
    expect(c["Rotation"]).toBe("false");
    const pc = descendantsByLocal(body, "ProfileCapabilities")[0];
    expect(pc?.attrs).toContainEqual({ ns: "", local: "MaximumNumberOfProfiles", value: "8" });
  },
  "oem-misc/GX728MF_GetDeviceInformation.xml": (xml) => {
    expect(parseDeviceInformation(bodyOf(xml))).toEqual({
      manufacturer: "NONE",
      model: "GX728MF-IR28",
      firmwareVersion: "IPC_G6106-B0005P11D1812C03",
      serialNumber: "210235T8HQ3197000191",
      hardwareId: "GX728MF-IR28",
    });
  },
  "oem-misc/GX728MF_GetServices.xml": (xml) => {
    const listed = parseServices(bodyOf(xml));
    expect(listed).toHaveLength(8);
    expect(listed[6]).toEqual({
      namespace: "http://www.onvif.org/ver10/plus/wsdl",
      xaddr: "http://192.168.1.127:80/onvif/plus",
      version: "1.11",
    });
    // :80 in the XAddr is the same host:port as a configured URL without a port.
    expect(servicesToMap(listed, "http://192.168.1.127/onvif/device_service")).toEqual({
      device: "http://192.168.1.127/onvif/device_service",
      analytics: "http://192.168.1.127/onvif/analytics",
      events: "http://192.168.1.127/onvif/event",
      media: "http://192.168.1.127/onvif/media",
      deviceio: "http://192.168.1.127/onvif/deviceio",
      media2: "http://192.168.1.127/onvif/media2",
    });
    expect(servicesToMap(listed, NAT).media).toBe("http://203.0.113.7:8080/onvif/media");
  },
  "oem-misc/GX728MF_GetSystemDateAndTime.xml": (xml) => {
    clockCase(xml, "2023-03-08T00:27:09.000Z", "CST5CDT,M3.2.0/2,M11.1.0/2", "Manual");
  },
  "oem-misc/IPD-H4K8M05_Fault.xml": (xml) => {
    const e = faultOf(xml);
    expect(e.kind).toBe("not_supported");
    expect(e.subcodes).toEqual([]);
  },
  "oem-misc/IPD-H4K8M05_GetProfiles.xml": (xml) => {
    const p = parseProfiles(bodyOf(xml));
    expect(
      p.map((x) => [x.token, x.videoSourceToken, x.encoding, x.width, x.height, x.analyticsToken]),
    ).toEqual([
      ["MainStream", "VI_CH0", "H264", 2592, 1944, "VideoAnalyticsToken"],
      ["SubStream", "VI_CH0", "H264", 640, 480, "VideoAnalyticsToken"],
    ]);
  },
  "oem-misc/IPD-H4K8M05_GetStreamUri.xml": (xml) => {
    expect(parseStreamUri(bodyOf(xml), "media")).toBe("rtsp://192.168.15.40:554/1/h264major");
  },
  "oem-misc/IPD-H4K8M05_GetSystemDateAndTime.xml": (xml) => {
    clockCase(xml, "2025-04-06T17:38:53.000Z", "AST4ADT", "Manual");
  },
  "oem-misc/IPG-8150PSS_GetDeviceInformation.xml": (xml) => {
    expect(parseDeviceInformation(bodyOf(xml))).toEqual({
      manufacturer: "ONVIF_IPNC",
      model: "IPG-8150PSS",
      firmwareVersion: "1.3.0-20210203CN-PT",
      serialNumber: "I207215E7840DFDA9877E8B",
      hardwareId: "8FE1887A-72EE-403f-9385-5a58aed534cf",
    });
  },
  "oem-misc/IPG-8150PSS_GetServices.xml": (xml) => {
    expect(servicesToMap(parseServices(bodyOf(xml)), "http://10.200.1.2/onvif/device_service")).toEqual({
      device: "http://10.200.1.2/onvif/device_service",
      media: "http://10.200.1.2/onvif/media_service",
      events: "http://10.200.1.2/onvif/event_service",
      deviceio: "http://10.200.1.2/onvif/deviceIO_service",
      analytics: "http://10.200.1.2/onvif/analytics_service",
      media2: "http://10.200.1.2/onvif/media2_service",
    });
  },
  "oem-misc/IPG-8150PSS_Media2_GetProfiles.xml": (xml) => {
    expect(parseProfiles2(bodyOf(xml)).map((p) => [p.token, p.name])).toEqual([
      ["PROFILE_000", "PROFILE_000"],
      ["PROFILE_001", "PROFILE_001"],
    ]);
  },
  "sunba/GetDeviceInformation.xml": (xml) => {
    expect(parseDeviceInformation(bodyOf(xml))).toEqual({
      manufacturer: "SUNBA",
      model: "Performance-Series",
      firmwareVersion: "QIPC-B2202.3.73.C06290.NB.230628",
      serialNumber: "210231T2H63235000045",
      hardwareId: "Performance-Series",
    });
  },
  "sunba/GetSystemDateAndTime.xml": (xml) => {
    clockCase(xml, "2024-04-05T17:16:28.000Z", "CST5:00:00", "Manual");
  },
  "sunba/Media2_GetProfiles.xml": (xml) => {
    expect(parseProfiles2(bodyOf(xml)).map((p) => p.token)).toEqual([
      "media_profile1",
      "media_profile2",
      "media_profile3",
    ]);
  },
  "uniview/GetRecordingSummary.xml": (xml) => {
    expect(parseRecordingSummary(bodyOf(xml))).toEqual({
      dataFrom: null, // 1970-01-01T00:00:00Z is a placeholder, not very old data
      dataUntil: "2024-12-13T08:08:49.000Z",
      numberRecordings: 8,
    });
  },
  "uniview/Media_GetServiceCapabilities.xml": (xml) => {
    const c = parseServiceCapabilities(bodyOf(xml));
    expect(c["SnapshotUri"]).toBe("true");
    expect(c["OSD"]).toBe("true");
  },
  "unknown/PullMessages_TerminationTime_minute61.xml": (xml) => {
    expect(parsePullMessages(bodyOf(xml))).toEqual([]);
  },
  "xiongmai/XM530_GetServices.xml": (xml) => {
    expect(
      servicesToMap(parseServices(bodyOf(xml)), "http://192.168.15.40:8899/onvif/device_service"),
    ).toEqual({
      device: "http://192.168.15.40:8899/onvif/device_service",
      media: "http://192.168.15.40:8899/onvif/Media",
      media2: "http://192.168.15.40:8899/onvif/Media2",
      events: "http://192.168.15.40:8899/onvif/Events",
    });
  },
  "xiongmai/XM530_GetSystemDateAndTime.xml": (xml) => {
    clockCase(xml, "2025-04-27T01:27:42.000Z", "CST6CDT:", "Manual");
  },
};

const files = (readdirSync(FIXTURES, { recursive: true }) as string[])
  .filter((f) => f.endsWith(".xml"))
  .map((f) => f.split("\\").join("/"))
  .sort();

describe("real device captures", () => {
  it("every capture has hand-written expectations", () => {
    expect(files.length).toBeGreaterThanOrEqual(57);
    expect(files.filter((f) => !(f in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
  });

  for (const f of files) {
    it(f, () => {
      const check = EXPECTED[f];
      expect(check).toBeDefined();
      check?.(fixture(f));
    });
  }
});
