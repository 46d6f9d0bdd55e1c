import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** ../shared beside the project (the ONVIF kit and the device fixtures). */
export const SHARED = (() => {
  const candidates = [process.env["NURSERYWATCH_SHARED"], join(ROOT, "../shared")].filter((p): p is string =>
    Boolean(p),
  );
  const found = candidates.find((p) => existsSync(join(p, "onvif-spec/validate")));
  if (!found) throw new Error(`../shared not found next to ${ROOT}; set NURSERYWATCH_SHARED`);
  return found;
})();

export const ONVIF_KIT = join(SHARED, "onvif-spec");
export const FIXTURES = join(SHARED, "fixtures");
export const CLI = join(ROOT, "bin/nurserywatch.js");
