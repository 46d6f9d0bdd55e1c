/**
 * Writes config/schema.json from src/config/schema.ts. With --check, writes nothing and exits 1
 * when the file differs from what the code generates (CI runs this), 0 when it matches.
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { renderConfigSchema } from "../src/config/schemaJson.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "config/schema.json");
const shown = relative(process.cwd(), target) || target;
const wanted = renderConfigSchema();

if (process.argv.includes("--check")) {
  let current: string | null = null;
  try {
    current = await readFile(target, "utf8");
  } catch {
    current = null;
  }
  if (current !== wanted) {
    process.stderr.write(
      `${shown} ${current === null ? "is missing" : "is out of date"}: run \`npm run schema:write\` and commit it\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`${shown} is up to date\n`);
} else {
  await writeFile(target, wanted);
  process.stdout.write(`wrote ${shown}\n`);
}
