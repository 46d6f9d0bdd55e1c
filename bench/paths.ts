import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Responses captured from real cameras and NVRs (test/fixtures/README.md says where from). */
export const FIXTURES = join(ROOT, "test/fixtures/devices");
export const CLI = join(ROOT, "bin/nurserywatch.js");
