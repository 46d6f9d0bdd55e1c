import { describe, expect, it } from "vitest";
import { redactText, redactUrl } from "../../src/net/redact.ts";

describe("redactUrl", () => {
  it("hides the userinfo password and keeps the user name", () => {
    expect(redactUrl("http://u:p@h/x")).toBe("http://u:***@h/x");
    expect(redactUrl("rtsp://admin:S3cr%40t@10.0.0.5:554/Streaming/Channels/101")).toBe(
      "rtsp://admin:***@10.0.0.5:554/Streaming/Channels/101",
    );
  });

  it("hides a password holding a raw '@' whole", () => {
    expect(redactUrl("rtsp://admin:p@ss@10.0.0.5/live")).toBe("rtsp://admin:***@10.0.0.5/live");
  });

  it("hides credential query parameters, case-insensitively, and keeps the rest as written", () => {
    expect(
      redactUrl(
        "http://h/a?user=bob&password=x&PWD=y&passwd=z&token=t&key=k&secret=s&auth=a&api_key=q&x=%20+1#f",
      ),
    ).toBe(
      "http://h/a?user=bob&password=***&PWD=***&passwd=***&token=***&key=***&secret=***&auth=***&api_key=***&x=%20+1#f",
    );
  });

  it("leaves URLs without credentials alone and never throws on garbage", () => {
    for (const u of [
      "http://10.0.0.5/onvif/device_service",
      "rtsp://h:554/a?channel=1",
      "not a url",
      "http://[::1",
      "",
    ]) {
      expect(redactUrl(u)).toBe(u);
    }
  });
});

describe("redactText", () => {
  it("hides every secret, also URL- and JSON-encoded", () => {
    const secret = 'p@ss w"rd/1';
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${JSON.stringify(secret)}`;
    const out = redactText(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
  });

  it("hides URLs inside ffmpeg-like stderr", () => {
    const stderr =
      "[rtsp @ 0x5581] method DESCRIBE failed: 401 Unauthorized\nrtsp://admin:hunter2@10.0.0.7:554/cam: Server returned 401";
    const out = redactText(stderr, []);
    expect(out).toContain("rtsp://admin:***@10.0.0.7:554/cam");
    expect(out).not.toContain("hunter2");
  });

  it("hides Authorization header values as lines, JSON and inspect output", () => {
    const line = 'GET / HTTP/1.1\r\nAuthorization: Digest username="u", response="abc"\r\nHost: h';
    expect(redactText(line, [])).toBe("GET / HTTP/1.1\r\nAuthorization: ***\r\nHost: h");
    expect(redactText('{"authorization":"Basic dTpw","x":1}', [])).toBe('{"authorization":"***","x":1}');
    expect(redactText("{ authorization: 'Basic dTpw', x: 1 }", [])).toBe("{ authorization: '***', x: 1 }");
    expect(redactText("Proxy-Authorization: Basic dTpw", [])).toBe("Proxy-Authorization: ***");
  });

  it("hides password-like pairs in free text and ignores empty secrets", () => {
    expect(redactText("login failed password=abc user=bob", [""])).toBe("login failed password=*** user=bob");
  });
});
