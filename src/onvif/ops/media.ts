import type { MediaProfile } from "../../domain/observation.ts";
import { asOnvifError, OnvifError } from "../errors.ts";
import { NS } from "../namespaces.ts";
import { responseElement } from "../soap/response.ts";
import type { OnvifSession } from "../types.ts";
import { attr, childLoose, childrenLoose, childText, textOf, type XmlElement } from "../xml/tree.ts";
import { escapeText } from "../xml/write.ts";

/** Which media service answered: Media (ver10) first, Media2 (ver20) when Media is missing or refuses. */
export type MediaVia = "media" | "media2";

const int = (t: string | null): number | null => {
  if (t === null || !/^\s*\d+(\.0+)?\s*$/.test(t)) return null;
  return Math.trunc(Number(t));
};

/** trt:GetProfiles. Profiles without an encoder (H.265 mode, Dahua sub-streams) keep null fields. */
export function parseProfiles(body: XmlElement): MediaProfile[] {
  const r = responseElement(body, NS.trt, "GetProfilesResponse");
  if (!r) throw new OnvifError({ kind: "malformed", message: "answer has no GetProfilesResponse" });
  return childrenLoose(r, NS.trt, "Profiles").flatMap((p) => {
    const token = attr(p, "token");
    if (!token) return [];
    const vsc = childLoose(p, NS.tt, "VideoSourceConfiguration");
    const vec = childLoose(p, NS.tt, "VideoEncoderConfiguration");
    const res = childLoose(vec, NS.tt, "Resolution");
    const vac = childLoose(p, NS.tt, "VideoAnalyticsConfiguration");
    return [
      {
        token,
        name: childText(p, NS.tt, "Name") ?? "",
        videoSourceToken: childText(vsc, NS.tt, "SourceToken") || null,
        encoding: childText(vec, NS.tt, "Encoding") || null,
        width: int(childText(res, NS.tt, "Width")),
        height: int(childText(res, NS.tt, "Height")),
        analyticsToken: attr(vac, "token") || null,
        streamUri: null,
        snapshotUri: null,
      },
    ];
  });
}

/** tr2:GetProfiles: the configurations sit under tr2:Configurations with Media2 names. */
export function parseProfiles2(body: XmlElement): MediaProfile[] {
  const r = responseElement(body, NS.tr2, "GetProfilesResponse");
  if (!r) throw new OnvifError({ kind: "malformed", message: "answer has no GetProfilesResponse" });
  return childrenLoose(r, NS.tr2, "Profiles").flatMap((p) => {
    const token = attr(p, "token");
    if (!token) return [];
    const conf = childLoose(p, NS.tr2, "Configurations");
    const vs = childLoose(conf, NS.tr2, "VideoSource");
    const ve = childLoose(conf, NS.tr2, "VideoEncoder");
    const res = childLoose(ve, NS.tt, "Resolution");
    const an = childLoose(conf, NS.tr2, "Analytics");
    return [
      {
        token,
        name: childText(p, NS.tr2, "Name") ?? "",
        videoSourceToken: childText(vs, NS.tt, "SourceToken") || null,
        encoding: childText(ve, NS.tt, "Encoding") || null,
        width: int(childText(res, NS.tt, "Width")),
        height: int(childText(res, NS.tt, "Height")),
        analyticsToken: attr(an, "token") || null,
        streamUri: null,
        snapshotUri: null,
      },
    ];
  });
}

export async function getProfiles(session: OnvifSession, via: MediaVia): Promise<MediaProfile[]> {
  if (via === "media") {
    const body = await session.call({
      service: "media",
      action: `${NS.trt}/GetProfiles`,
      body: "<trt:GetProfiles/>",
    });
    return parseProfiles(body);
  }
  const body = await session.call({
    service: "media2",
    action: `${NS.tr2}/GetProfiles`,
    body: "<tr2:GetProfiles><tr2:Type>All</tr2:Type></tr2:GetProfiles>",
  });
  return parseProfiles2(body);
}

/**
 * Profiles from Media, falling back to Media2 when the device lists no Media service or Media
 * answers not_supported. Throws not_supported when neither exists.
 */
export async function getProfilesAuto(
  session: OnvifSession,
): Promise<{ profiles: MediaProfile[]; via: MediaVia }> {
  const { services } = await session.directory();
  if (services.media) {
    try {
      return { profiles: await getProfiles(session, "media"), via: "media" };
    } catch (e) {
      const err = asOnvifError(e);
      if (err.kind !== "not_supported" || !services.media2) throw err;
    }
  }
  if (services.media2) return { profiles: await getProfiles(session, "media2"), via: "media2" };
  throw new OnvifError({ kind: "not_supported", message: "the device offers no media service" });
}

/** The Uri in a Media1 MediaUri wrapper or the bare Media2 Uri (Axis M2025-LE answers the latter). */
function uriOf(resp: XmlElement | null, ns: string): string | null {
  const wrapped = childLoose(childLoose(resp, ns, "MediaUri"), NS.tt, "Uri");
  const text = textOf(wrapped ?? childLoose(resp, ns, "Uri"));
  return text ? text : null;
}

function requireUri(body: XmlElement, ns: string, local: string): string {
  const uri = uriOf(responseElement(body, ns, local), ns);
  if (!uri) throw new OnvifError({ kind: "malformed", message: `${local} has no Uri` });
  return uri;
}

export const parseStreamUri = (body: XmlElement, via: MediaVia): string =>
  requireUri(body, via === "media" ? NS.trt : NS.tr2, "GetStreamUriResponse");

export const parseSnapshotUri = (body: XmlElement, via: MediaVia): string =>
  requireUri(body, via === "media" ? NS.trt : NS.tr2, "GetSnapshotUriResponse");

/** RTSP unicast stream address of a profile. */
export async function getStreamUri(
  session: OnvifSession,
  profileToken: string,
  via: MediaVia,
): Promise<string> {
  const token = escapeText(profileToken);
  if (via === "media") {
    const body = await session.call({
      service: "media",
      action: `${NS.trt}/GetStreamUri`,
      body:
        "<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream>" +
        "<tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup>" +
        `<trt:ProfileToken>${token}</trt:ProfileToken></trt:GetStreamUri>`,
    });
    return parseStreamUri(body, "media");
  }
  const body = await session.call({
    service: "media2",
    action: `${NS.tr2}/GetStreamUri`,
    body: `<tr2:GetStreamUri><tr2:Protocol>RtspUnicast</tr2:Protocol><tr2:ProfileToken>${token}</tr2:ProfileToken></tr2:GetStreamUri>`,
  });
  return parseStreamUri(body, "media2");
}

/** JPEG snapshot address of a profile. */
export async function getSnapshotUri(
  session: OnvifSession,
  profileToken: string,
  via: MediaVia,
): Promise<string> {
  const token = escapeText(profileToken);
  const ns = via === "media" ? NS.trt : NS.tr2;
  const p = via === "media" ? "trt" : "tr2";
  const body = await session.call({
    service: via,
    action: `${ns}/GetSnapshotUri`,
    body: `<${p}:GetSnapshotUri><${p}:ProfileToken>${token}</${p}:ProfileToken></${p}:GetSnapshotUri>`,
  });
  return parseSnapshotUri(body, via);
}
