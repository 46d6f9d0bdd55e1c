import { readFile } from "node:fs/promises";
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import { ConfigError, type ConfigIssue } from "./errors.ts";
import { formatKeyPath, type KeyPath } from "./keyPath.ts";

/** A parsed configuration file that still knows where each key came from. */
export interface YamlSource {
  /** The document as plain data (a mapping: anything else is refused). */
  readonly data: Record<string, unknown>;
  /** The line of the key at `path`, or of its nearest ancestor present in the file. */
  lineOf(path: KeyPath): number | null;
}

/** Reads and parses a configuration file; every failure is a ConfigError naming the file. */
export async function readYamlFile(file: string): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(file, [{ path: "", message: readFailure(err), line: null }]);
  }
  return parseYaml(file, text);
}

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "file not found";
    case "EACCES":
    case "EPERM":
      return "file cannot be read (permission denied)";
    case "EISDIR":
      return "is a directory, not a configuration file";
    default:
      return `file cannot be read (${code ?? String(err)})`;
  }
}

export function parseYaml(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  // uniqueKeys (the default) turns a repeated key into an error instead of the last one silently winning.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number): number => lines.linePos(offset).line;

  if (doc.errors.length > 0) {
    const issues: ConfigIssue[] = doc.errors.map((e) => {
      if (e.code === "DUPLICATE_KEY") {
        const path = pathAt(doc, e.pos[0]);
        const key = path[path.length - 1];
        return {
          path: formatKeyPath(path),
          message: `duplicate key${typeof key === "string" ? ` "${key}"` : ""}: each key may appear once in a mapping`,
          line: lineAt(e.pos[0]),
        };
      }
      return { path: "", message: `not valid YAML: ${firstLine(e.message)}`, line: lineAt(e.pos[0]) };
    });
    throw new ConfigError(file, issues);
  }

  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) {
    throw new ConfigError(file, [
      {
        path: "",
        message: "file is empty: expected a mapping with site, devices, zones and cameras",
        line: null,
      },
    ]);
  }
  if (!isMap(root)) {
    const got = isSeq(root) ? "a list" : "a single value";
    throw new ConfigError(file, [
      {
        path: "",
        message: `the top level must be a mapping of keys (site:, devices:, ...), got ${got}`,
        line: root.range ? lineAt(root.range[0]) : null,
      },
    ]);
  }

  const data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  return { data, lineOf: (path) => lineOf(doc, path, lineAt) };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

function keyText(key: unknown): string | null {
  if (isScalar(key)) return String(key.value);
  if (typeof key === "string" || typeof key === "number") return String(key);
  return null;
}

function lineOf(doc: Document, path: KeyPath, lineAt: (offset: number) => number): number | null {
  let node: unknown = doc.contents;
  let line: number | null = null;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (!pair) return line;
      const keyNode = pair.key as Node | null;
      if (keyNode?.range) line = lineAt(keyNode.range[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item) return line;
      if (item.range) line = lineAt(item.range[0]);
      node = item;
    } else {
      return line;
    }
  }
  return line;
}

/** The key path of the map key or value that starts at `offset` (for errors that only carry a position). */
function pathAt(doc: Document, offset: number): (string | number)[] {
  const path: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as Node | null;
        const v = p.value as Node | null;
        const start = k?.range?.[0] ?? v?.range?.[0];
        const end = v?.range?.[2] ?? k?.range?.[2];
        return start !== undefined && end !== undefined && offset >= start && offset <= end;
      });
      if (!pair || !isPair(pair)) return path;
      const key = keyText(pair.key);
      if (key === null) return path;
      path.push(key);
      const k = pair.key as Node | null;
      if (k?.range && offset >= k.range[0] && offset <= k.range[2]) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => {
        const r = (item as Node | null)?.range;
        return r !== undefined && r !== null && offset >= r[0] && offset <= r[2];
      });
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}
