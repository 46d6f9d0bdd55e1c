/** A key path into the configuration document: object keys and array indexes. */
export type KeyPath = readonly (string | number)[];

/** `devices[0].tls.caFile`: the form users see in messages. */
export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

/** Ajv's instancePath (a JSON pointer) as a key path; numeric segments become indexes. */
export function fromJsonPointer(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((seg) => (/^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : seg));
}
