import { describe, expect, it } from "vitest";
import { NS } from "../../../src/onvif/namespaces.ts";
import { getProfilesAuto, getSnapshotUri, getStreamUri } from "../../../src/onvif/ops/media.ts";
import { createOnvifSession } from "../../../src/onvif/session.ts";
import { childLoose, childText } from "../../../src/onvif/xml/tree.ts";
import {
  fakeHttp,
  fixture,
  response,
  sample,
  servicesXml,
  systemDateAndTime,
  testDevice,
  type Route,
} from "../helpers/fakeDevice.ts";

const NOW = Date.UTC(2026, 9, 1, 8, 0, 0);
const BASE = "http://203.0.113.7:8080/onvif";

function setup(services: Record<string, string>, routes: Record<string, Route>) {
  const http = fakeHttp({
    GetSystemDateAndTime: systemDateAndTime(NOW),
    GetServices: servicesXml(services),
    ...routes,
  });
  return { http, session: createOnvifSession({ device: testDevice(), http, now: () => NOW }) };
}

describe("profiles: Media first, Media2 as fallback", () => {
  it("uses Media when listed", async () => {
    const { session } = setup(
      { [NS.trt]: `${BASE}/media`, [NS.tr2]: `${BASE}/media2` },
      {
        GetProfiles: fixture("dlink/DCS-6511_GetProfiles.xml"),
      },
    );
    const r = await getProfilesAuto(session);
    expect(r.via).toBe("media");
    expect(r.profiles.map((p) => p.token)).toEqual(["Profile1", "Profile2"]);
  });

  it("falls back to Media2 when Media answers not supported", async () => {
    const { http, session } = setup(
      { [NS.trt]: `${BASE}/media`, [NS.tr2]: `${BASE}/media2` },
      {
        GetProfiles: (s) =>
          s.bodyElement.ns === NS.trt
            ? response(fixture("axis/Fault_ActionNotSupported.xml"), 500)
            : fixture("hikvision-oem/ENP1A14_Media2_GetProfiles.xml"),
      },
    );
    const r = await getProfilesAuto(session);
    expect(r.via).toBe("media2");
    expect(r.profiles.map((p) => p.token)).toEqual(["Profile_1", "Profile_2", "Profile_3"]);
    expect(http.seen.filter((s) => s.op === "GetProfiles").map((s) => s.req.url)).toEqual([
      `${BASE}/media`,
      `${BASE}/media2`,
    ]);
  });

  it("uses Media2 when only Media2 is listed, and fails not_supported with neither", async () => {
    const only2 = setup(
      { [NS.tr2]: `${BASE}/media2` },
      { GetProfiles: sample("33-media2-GetProfilesResponse.xml") },
    );
    expect((await getProfilesAuto(only2.session)).via).toBe("media2");
    const none = setup({}, {});
    await expect(getProfilesAuto(none.session)).rejects.toMatchObject({ kind: "not_supported" });
  });

  it("does not hide a real Media failure behind Media2", async () => {
    const { session } = setup(
      { [NS.trt]: `${BASE}/media`, [NS.tr2]: `${BASE}/media2` },
      {
        GetProfiles: response("<html>busy</html>", 503),
      },
    );
    await expect(getProfilesAuto(session)).rejects.toMatchObject({ kind: "http" });
  });
});

describe("stream and snapshot URIs", () => {
  it("asks RTP-Unicast over RTSP on Media and unescapes &amp;", async () => {
    const { http, session } = setup(
      { [NS.trt]: `${BASE}/media` },
      {
        GetStreamUri: fixture("bosch/GetStreamUri_profile0.xml"),
        GetSnapshotUri: fixture("bosch/GetSnapshotUri.xml"),
      },
    );
    expect(await getStreamUri(session, "0", "media")).toBe(
      "rtsp://192.168.1.201/rtsp_tunnel?p=0&line=1&inst=1&vcd=2",
    );
    expect(await getSnapshotUri(session, "0", "media")).toBe("http://192.168.1.201/snap.jpg?JpegCam=1");
    const req = http.seen.find((s) => s.op === "GetStreamUri")!.bodyElement;
    const setupEl = childLoose(req, NS.trt, "StreamSetup");
    expect(childText(setupEl, NS.tt, "Stream")).toBe("RTP-Unicast");
    expect(childText(childLoose(setupEl, NS.tt, "Transport"), NS.tt, "Protocol")).toBe("RTSP");
    expect(childText(req, NS.trt, "ProfileToken")).toBe("0");
  });

  it("asks RtspUnicast on Media2 and reads the bare Uri", async () => {
    const { http, session } = setup(
      { [NS.tr2]: `${BASE}/media2` },
      {
        GetStreamUri: fixture("axis/M2025-LE_Media2_GetStreamUri.xml"),
      },
    );
    expect(await getStreamUri(session, "profile_1_h264", "media2")).toContain(
      "profile=profile_1_h264&sessiontimeout=60",
    );
    expect(childText(http.seen.at(-1)!.bodyElement, NS.tr2, "Protocol")).toBe("RtspUnicast");
  });
});
