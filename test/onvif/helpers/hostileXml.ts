/**
 * A hostile answer built from namespace declarations alone (issue 8, defect 3): a chain of
 * nested elements that each declare many namespaces, then thousands of elements inside it that
 * each declare one more. Every element stays within the depth and attribute limits, and the
 * whole answer is 581 KB; a parser that copies its parent's namespace table for each
 * declaring element builds tens of millions of entries from it.
 */
export function namespaceBombAnswer(
  opts: { chain?: number; perLink?: number; leaves?: number } = {},
): string {
  const chain = opts.chain ?? 60;
  const perLink = opts.perLink ?? 100;
  const leaves = opts.leaves ?? 20_750;
  const open: string[] = [];
  for (let i = 0; i < chain; i++) {
    const decls: string[] = [];
    for (let j = 0; j < perLink; j++) decls.push(` xmlns:n${i}x${j}="u:${i}.${j}"`);
    open.push(`<n${i}${decls.join("")}>`);
  }
  const leaf: string[] = [];
  for (let k = 0; k < leaves; k++) leaf.push(`<l xmlns:q="u:${k}"/>`);
  const close: string[] = [];
  for (let i = chain - 1; i >= 0; i--) close.push(`</n${i}>`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>` +
    open.join("") +
    leaf.join("") +
    close.join("") +
    `</s:Body></s:Envelope>`
  );
}
