import { chmod } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { ENV, MINIMAL, configError, expectIssue, tempDir } from "./configFiles.ts";

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.remove();
});

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";

const httpsDevice = (extra: string) =>
  MINIMAL.replace("http://127.0.0.1:8000", "https://127.0.0.1:8443").replace(
    "passwordEnv: NVR1_PASSWORD",
    `passwordFile: secrets/nvr1\n    ${extra}`,
  );

describe("paths in the file are read relative to the file's folder", () => {
  it("reads passwordFile, caFile and referenceImage from there, whatever the working directory", async () => {
    await tmp.write("conf/secrets/nvr1", "pass word\n");
    await tmp.write("conf/certs/nvr1.pem", PEM);
    await tmp.write("conf/refs/cam-gate.jpg", "jpeg");
    const yaml = httpsDevice("tls: { caFile: certs/nvr1.pem }").replace(
      "zones: [gate]",
      "zones: [gate]\n    referenceImage: refs/cam-gate.jpg",
    );
    const file = await tmp.write("conf/site.yaml", yaml);
    const config = await loadConfig(relative(process.cwd(), file), {});
    expect(config.file).toBe(file);
    const device = config.site.devices[0];
    // Only the final newline goes: the space inside is part of the password.
    expect(device?.password.reveal()).toBe("pass word");
    expect(device?.tls).toEqual({ ca: PEM, fingerprint256: null });
    expect(config.site.cameras[0]?.referenceImage).toBe(join(tmp.dir, "conf/refs/cam-gate.jpg"));
    expect(config.warnings).toEqual([]);
  });

  it("drops only one final newline from a password file", async () => {
    await tmp.write("secrets/nvr1", " pw \r\n\r\n");
    const file = await tmp.write(
      "site.yaml",
      httpsDevice("").replace("https://127.0.0.1:8443", "http://127.0.0.1:8000"),
    );
    expect((await loadConfig(file, {})).site.devices[0]?.password.reveal()).toBe(" pw \r\n");
  });

  it("accepts an absolute passwordFile", async () => {
    const secret = await tmp.write("elsewhere/pw", "abc");
    const file = await tmp.write(
      "conf/site.yaml",
      MINIMAL.replace("passwordEnv: NVR1_PASSWORD", `passwordFile: ${secret}`),
    );
    expect((await loadConfig(file, {})).site.devices[0]?.password.reveal()).toBe("abc");
  });

  it("warns about a password file every user can read", async () => {
    await tmp.write("secrets/nvr1", "pw\n", 0o644);
    const file = await tmp.write(
      "site.yaml",
      MINIMAL.replace("passwordEnv: NVR1_PASSWORD", "passwordFile: secrets/nvr1"),
    );
    const config = await loadConfig(file, {});
    expect(config.warnings).toEqual([
      `${file}:9: devices[0].passwordFile: password file ${join(tmp.dir, "secrets/nvr1")} is readable by every user (mode 644): chmod 600 it`,
    ]);
    await chmod(join(tmp.dir, "secrets/nvr1"), 0o640);
    expect((await loadConfig(file, {})).warnings).toEqual([]);
  });

  it("refuses an empty password file", async () => {
    await tmp.write("secrets/nvr1", "\n");
    const file = await tmp.write(
      "site.yaml",
      MINIMAL.replace("passwordEnv: NVR1_PASSWORD", "passwordFile: secrets/nvr1"),
    );
    const err = await configError(() => loadConfig(file, ENV));
    expectIssue(err, file, "devices[0].passwordFile", /password file .*secrets\/nvr1 is empty/, 9);
  });

  it("refuses a CA file that is missing or not PEM", async () => {
    await tmp.write("secrets/nvr1", "pw");
    let file = await tmp.write("site.yaml", httpsDevice("tls: { caFile: certs/none.pem }"));
    let err = await configError(() => loadConfig(file, {}));
    expectIssue(
      err,
      file,
      "devices[0].tls.caFile",
      new RegExp(`CA file ${join(tmp.dir, "certs/none.pem")} does not exist`),
      10,
    );

    await tmp.write("certs/bad.pem", "not a certificate");
    file = await tmp.write("site.yaml", httpsDevice("tls: { caFile: certs/bad.pem }"));
    err = await configError(() => loadConfig(file, {}));
    expectIssue(err, file, "devices[0].tls.caFile", /holds no PEM certificate/, 10);
  });

  it("refuses tls that pins nothing", async () => {
    await tmp.write("secrets/nvr1", "pw");
    const file = await tmp.write("site.yaml", httpsDevice("tls: {}"));
    const err = await configError(() => loadConfig(file, {}));
    expectIssue(err, file, "devices[0].tls", /needs caFile, fingerprint256 or both/, 10);
  });
});
