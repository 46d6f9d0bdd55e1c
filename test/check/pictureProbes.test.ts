import { describe, expect, it } from "vitest";
import { onDeviceHost } from "../../src/check/pictureProbes.ts";

describe("stream addresses behind NAT", () => {
  it("puts the configured device host into a stream address naming another host", () => {
    expect(
      onDeviceHost(
        "rtsp://10.99.0.7:554/Streaming/Channels/101?transport=tcp",
        "http://127.0.0.1:8000/onvif/device_service",
      ),
    ).toBe("rtsp://127.0.0.1:554/Streaming/Channels/101?transport=tcp");
    expect(
      onDeviceHost("http://10.99.0.7:8000/onvif/snapshot/101", "http://127.0.0.1:8000/onvif/device_service"),
    ).toBe("http://127.0.0.1:8000/onvif/snapshot/101");
  });
  it("leaves an address on the device's own host as it is", () => {
    const uri = "rtsp://127.0.0.1:554/ch1";
    expect(onDeviceHost(uri, "http://127.0.0.1/onvif/device_service")).toBe(uri);
    expect(onDeviceHost(null, "http://127.0.0.1/")).toBeNull();
  });
});
