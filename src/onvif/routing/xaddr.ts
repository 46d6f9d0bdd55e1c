/**
 * Devices behind NAT (or with a second network card) report their own LAN address in XAddrs
 * and subscription references. When an address's host:port differs from the configured device
 * URL's, the configured scheme/host/port are used with the device's path and query, which is
 * how the device is actually reachable from here. The scheme is the configured one too: a
 * device listing http:// addresses must not downgrade an https:// (pinned) configuration and
 * send credentials in clear. Same origin → the address is kept as is.
 * Returns null for an address that is not a URL at all.
 */
export function rewriteXAddr(xaddr: string, configured: string): string | null {
  const first = xaddr.trim().split(/\s+/)[0] ?? "";
  if (first.length === 0) return null;
  let u: URL;
  let c: URL;
  try {
    c = new URL(configured);
    u = new URL(first, c);
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  if (u.host === c.host && u.protocol === c.protocol) return u.toString();
  return `${c.protocol}//${c.host}${u.pathname}${u.search}`;
}
