import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The offline ONVIF schema kit (official WSDL/XSD files and `validate`), kept in the repository
 * so a clone with nothing beside it runs every test; provenance in test/fixtures/README.md.
 */
export const ONVIF_KIT = join(ROOT, "test/fixtures/onvif-spec");
/** Responses captured from real cameras and NVRs, with their licences and provenance. */
export const FIXTURES = join(ROOT, "test/fixtures/devices");
/** The site configuration contract users and tools write against. */
export const CONFIG_EXAMPLE = join(ROOT, "examples/config-example.yaml");
export const CLI = join(ROOT, "bin/nurserywatch.js");
