import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCert {
  readonly key: string;
  readonly cert: string;
  /** "AB:CD:..." as Node reports it. */
  readonly fingerprint256: string;
}

export interface TestCerts {
  /** Self-signed, like an NVR's factory certificate, for IP 127.0.0.1. */
  readonly selfSigned: TestCert;
  /** A site CA and a leaf it signed for IP 127.0.0.1. */
  readonly ca: TestCert;
  readonly leaf: TestCert;
  /** Another CA that signed nothing we serve. */
  readonly otherCa: TestCert;
}

/** Generates throw-away certificates with the openssl CLI in a temp dir (removed afterwards). */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "nw-net-tls-"));
  const ssl = (...args: string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const read = (name: string): TestCert => {
    const cert = readFileSync(join(dir, `${name}.crt`), "utf8");
    return {
      key: readFileSync(join(dir, `${name}.key`), "utf8"),
      cert,
      fingerprint256: new X509Certificate(cert).fingerprint256,
    };
  };
  try {
    const ca = (name: string): void =>
      ssl(
        "req",
        "-x509",
        ...ec,
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.crt`,
        "-days",
        "2",
        "-subj",
        `/CN=${name}`,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
      );
    ca("ca");
    ca("other-ca");
    ssl(
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "self.key",
      "-out",
      "self.crt",
      "-days",
      "2",
      "-subj",
      "/CN=nvr",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    );
    ssl("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=127.0.0.1");
    writeFileSync(join(dir, "leaf.ext"), "subjectAltName=IP:127.0.0.1\n");
    ssl(
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "leaf.crt",
      "-days",
      "2",
      "-extfile",
      "leaf.ext",
    );
    return { selfSigned: read("self"), ca: read("ca"), leaf: read("leaf"), otherCa: read("other-ca") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
