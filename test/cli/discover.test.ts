import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CLI, ROOT } from "../helpers/paths.ts";

/**
 * WS-Discovery multicast must never leave the machine, so `discover` runs only inside a private
 * network namespace (unshare -n) whose only interface is loopback, with the multicast route
 * pointed at it. A responder in the same namespace plays the device.
 */
function inPrivateNetns(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("unshare", ["-n", "bash", "-c", script], {
    encoding: "utf8",
    cwd: ROOT,
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const netnsSetup = "set -e; ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo;";

describe("nurserywatch discover (private network namespace only)", () => {
  test("lists a device that answers the probe", () => {
    const responder = join(ROOT, "test/fixtures/wsDiscoveryResponder.mjs");
    const r = inPrivateNetns(
      `${netnsSetup}
       node ${responder} kita-nvr http://127.0.0.1:8899/onvif/device_service > /tmp/nw-responder.$$ &
       for i in $(seq 50); do grep -q ready /tmp/nw-responder.$$ && break; sleep 0.1; done
       node ${CLI} discover --wait 1500 --json; code=$?; kill %1; rm -f /tmp/nw-responder.$$; exit $code`,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const devices = JSON.parse(r.stdout) as {
      urn: string;
      name: string;
      hardware: string;
      xaddrs: string[];
    }[];
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({
      urn: "urn:uuid:kita-nvr-0000-0000-0000-000000000000",
      name: "kita-nvr",
      hardware: "TEST-NVR",
      xaddrs: ["http://127.0.0.1:8899/onvif/device_service"],
    });
  });

  test("says so when nothing answers", () => {
    const r = inPrivateNetns(`${netnsSetup} node ${CLI} discover --wait 500`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("No ONVIF device answered");
  });

  test("rejects a nonsensical wait with exit 2", () => {
    const r = inPrivateNetns(`${netnsSetup} node ${CLI} discover --wait 5`);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--wait");
  });
});
