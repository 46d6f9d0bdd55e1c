import { discoverDevices } from "../../onvif/discovery.ts";
import { EXIT, UsageError } from "../exitCodes.ts";

/** `nurserywatch discover`: lists the ONVIF devices that answer a WS-Discovery probe. */
export async function discoverCommand(opts: { waitMs: number; json: boolean }): Promise<number> {
  if (!Number.isInteger(opts.waitMs) || opts.waitMs < 100 || opts.waitMs > 60_000) {
    throw new UsageError("--wait takes a whole number of milliseconds from 100 to 60000");
  }
  const devices = await discoverDevices({ waitMs: opts.waitMs });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(devices, null, 2)}\n`);
    return EXIT.compliant;
  }
  if (devices.length === 0) {
    process.stdout.write(
      "No ONVIF device answered. Devices on another subnet or VLAN cannot be discovered; use `describe --onvif URL` with the address instead.\n",
    );
    return EXIT.compliant;
  }
  for (const d of devices) {
    const label = [d.name, d.hardware].filter(Boolean).join(" / ") || "(no name)";
    process.stdout.write(`${label}\n  ${d.urn}\n${d.xaddrs.map((x) => `  ${x}\n`).join("")}`);
  }
  process.stdout.write(
    `\n${devices.length} device(s). Next: nurserywatch describe --onvif <address> --username <user> --password-env <VAR>\n`,
  );
  return EXIT.compliant;
}
