import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ONVIF_KIT } from "./paths.ts";

export interface ValidationResult {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Validates SOAP messages against the official ONVIF schemas with the shared kit
 * (xmllint underneath). Many messages go through one call: compiling the schemas is the slow part.
 */
export function validateOnvif(messages: readonly string[]): ValidationResult[] {
  const dir = mkdtempSync(join(tmpdir(), "nw-validate-"));
  try {
    const files = messages.map((xml, i) => {
      const f = join(dir, `m${String(i).padStart(4, "0")}.xml`);
      writeFileSync(f, xml);
      return f;
    });
    const r = spawnSync(join(ONVIF_KIT, "validate"), files, { encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.error || r.status === 2)
      throw new Error(`ONVIF validation kit failed: ${r.stderr || String(r.error)}`);
    // One line per file starting with "valid" or "INVALID", followed by indented xmllint messages.
    return files.map((f) => {
      const lines = r.stdout.split("\n");
      const start = lines.findIndex((l) => l.includes(f));
      const head = lines[start] ?? "";
      const detail: string[] = [head];
      for (let i = start + 1; i < lines.length && /^\s/.test(lines[i] ?? ""); i++)
        detail.push(lines[i] ?? "");
      return { ok: head.startsWith("valid"), output: detail.join("\n") };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
