/**
 * Child process for test/onvif/xml/parse.test.ts: parses the namespace-bomb answer with the
 * default limits, then with the namespace limits lifted (so the tree is really built), and
 * prints what each took as JSON. Run with a small heap: a parser that copies namespace tables
 * dies of it instead of taking the test runner with it.
 */
import { OnvifError } from "../../../src/onvif/errors.ts";
import { DEFAULT_XML_LIMITS, parseXml } from "../../../src/onvif/xml/parse.ts";
import { namespaceBombAnswer } from "./hostileXml.ts";

const xml = namespaceBombAnswer();
const lifted = { ...DEFAULT_XML_LIMITS, maxNamespaceDeclarations: 1e9, maxNamespaceChars: 1e9 };

function run(limits: typeof DEFAULT_XML_LIMITS): { ms: number; outcome: string } {
  const start = performance.now();
  let outcome: string;
  try {
    parseXml(xml, limits);
    outcome = "parsed";
  } catch (e) {
    outcome = e instanceof OnvifError ? `${e.kind}: ${e.message}` : `thrown: ${String(e)}`;
  }
  return { ms: performance.now() - start, outcome };
}

const byDefault = run(DEFAULT_XML_LIMITS);
const withoutNamespaceLimits = run(lifted);
process.stdout.write(
  JSON.stringify({
    bytes: Buffer.byteLength(xml),
    byDefault,
    withoutNamespaceLimits,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
