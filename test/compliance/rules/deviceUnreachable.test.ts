import { describe, expect, it } from "vitest";
import { deviceUnreachable } from "../../../src/compliance/rules/deviceUnreachable.ts";
import type { DeviceObservation } from "../../../src/domain/observation.ts";
import type { DeviceErrorKind } from "../../../src/domain/probe.ts";
import { device, healthyObservation, healthySite } from "../builders.ts";

const down = (kind: DeviceErrorKind, message: string): DeviceObservation => ({
  ...healthyObservation(healthySite()),
  reach: { status: "unreachable", error: { kind, message } },
});

describe("device_unreachable", () => {
  it("is ok when the device answered", () => {
    const f = deviceUnreachable(device(), healthyObservation(healthySite()));
    expect(f).toMatchObject({
      kind: "device_unreachable",
      subject: { type: "device", id: "nvr1" },
      status: "ok",
    });
    expect(f.reason).toBe("device_reachable");
    expect(f.required).toBe(true);
  });

  it("is unknown, not ok, when the device was not polled", () => {
    const f = deviceUnreachable(device(), undefined);
    expect(f.status).toBe("unknown");
    expect(f.reason).toBe("device_not_observed");
  });

  it("says which failure: a refused login is a violation with the auth error as evidence", () => {
    const f = deviceUnreachable(device(), down("auth", "HTTP 401 from device"));
    expect(f.status).toBe("violation");
    expect(f.reason).toBe("device_login_failed");
    expect(f.evidence).toMatchObject({ error: { kind: "auth", message: "HTTP 401 from device" } });
    expect(JSON.stringify(f)).not.toContain("s3cret");
  });

  it.each([
    ["timeout", "device_timeout"],
    ["network", "device_network_error"],
    ["tls", "device_tls_error"],
    ["malformed", "device_answer_invalid"],
    ["http", "device_answer_invalid"],
  ] as const)("maps a %s failure to %s", (kind, reason) => {
    const f = deviceUnreachable(device(), down(kind, "boom"));
    expect(f.status).toBe("violation");
    expect(f.reason).toBe(reason);
  });

  it("gives the deadline with a timeout", () => {
    expect(deviceUnreachable(device(), down("timeout", "deadline")).params).toEqual({
      device: "nvr1",
      timeoutSeconds: 5,
    });
  });
});
