import { newApiKey } from "../../auth/apiKey.ts";
import { EXIT } from "../exitCodes.ts";

/** Prints a new API key (shown once, never stored) and the hash that goes into the config. */
export function keyNewCommand(): number {
  const { key, sha256 } = newApiKey();
  process.stdout.write(
    [
      `key:    ${key}`,
      `sha256: ${sha256}`,
      "",
      "Give the key to its user once; put only the hash in the config:",
      `  http.apiKeys: [ { name: ..., role: admin | regulator | metrics, sha256: ${sha256} } ]`,
      "It acts on that file's site only; add `scope: district` for a key that acts on every site.",
      "",
    ].join("\n"),
  );
  return EXIT.compliant;
}
