import type { DigestAlgorithm, DigestChallenge } from "./digest.ts";

/** One challenge from a WWW-Authenticate header: the scheme (lower-case) and its parameters (lower-case names). */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const WS = /[ \t]/;

/**
 * Splits WWW-Authenticate header values into challenges (RFC 7235 §4.1). One header line may
 * hold several challenges ("Digest ..., Basic ...") and a device may send several lines (Node
 * joins repeated lines with ", "), so a new challenge is recognised by a token that is not
 * followed by "=". Quoted strings may contain commas and backslash escapes. Never throws:
 * whatever does not parse is skipped.
 */
export function parseAuthChallenges(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  if (typeof header !== "string") return header.flatMap((h) => parseAuthChallenges(h));
  const s = header;
  let i = 0;
  const skip = (re: RegExp): void => {
    while (i < s.length && re.test(s[i] ?? "")) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i] ?? "")) i++;
    return s.slice(start, i);
  };
  const quoted = (): string => {
    i++; // opening quote
    let out = "";
    while (i < s.length && s[i] !== '"') {
      if (s[i] === "\\" && i + 1 < s.length) i++;
      out += s[i];
      i++;
    }
    i++; // closing quote (or past the end if unterminated)
    return out;
  };

  const out: AuthChallenge[] = [];
  while (i < s.length) {
    skip(/[ \t,]/);
    const scheme = token();
    if (!scheme) {
      i++; // stray character: resynchronise
      continue;
    }
    const params: Record<string, string> = {};
    skip(WS);
    for (;;) {
      const mark = i;
      skip(/[ \t,]/);
      const name = token();
      skip(WS);
      if (!name || s[i] !== "=") {
        // A bare token after a comma starts the next challenge; a token68 (Negotiate abc==) is skipped.
        i = mark;
        if (name && Object.keys(params).length === 0 && s[mark] !== ",") {
          skip(/[^,]/);
        }
        break;
      }
      i++; // "="
      skip(WS);
      const value = s[i] === '"' ? quoted() : token();
      params[name.toLowerCase()] = value;
      skip(WS);
      if (s[i] !== ",") break;
    }
    out.push({ scheme: scheme.toLowerCase(), params });
    skip(/[^,]/); // garbage after a challenge, up to the next separator
  }
  return out;
}

const ALGORITHMS: Readonly<Record<string, { alg: DigestAlgorithm; rank: number }>> = {
  MD5: { alg: "MD5", rank: 1 },
  "MD5-SESS": { alg: "MD5-sess", rank: 1 },
  "SHA-256": { alg: "SHA-256", rank: 2 },
  "SHA-256-SESS": { alg: "SHA-256-sess", rank: 2 },
  "SHA-512-256": { alg: "SHA-512-256", rank: 3 },
  "SHA-512-256-SESS": { alg: "SHA-512-256-sess", rank: 3 },
};

/** Turns one parsed challenge into a usable Digest challenge, or null when we cannot answer it. */
export function toDigestChallenge(c: AuthChallenge): DigestChallenge | null {
  if (c.scheme !== "digest") return null;
  const { realm, nonce } = c.params;
  if (realm === undefined || nonce === undefined || nonce === "") return null;
  const algParam = c.params["algorithm"];
  const known = ALGORITHMS[(algParam ?? "MD5").toUpperCase()];
  if (!known) return null; // RFC 7616 §3.3: ignore challenges with an algorithm we do not know
  let qop: DigestChallenge["qop"] = null;
  const qopParam = c.params["qop"];
  if (qopParam !== undefined) {
    // Sony and others offer "auth,auth-int": plain auth is enough and needs no body hash.
    const offered = qopParam.split(",").map((q) => q.trim().toLowerCase());
    if (offered.includes("auth")) qop = "auth";
    else if (offered.includes("auth-int")) qop = "auth-int";
    else return null;
  }
  return {
    realm,
    nonce,
    algorithm: known.alg,
    algorithmGiven: algParam !== undefined,
    qop,
    opaque: c.params["opaque"] ?? null,
    userhash: (c.params["userhash"] ?? "").toLowerCase() === "true",
    stale: (c.params["stale"] ?? "").toLowerCase() === "true",
  };
}

const rank = (c: DigestChallenge): number => ALGORITHMS[c.algorithm.toUpperCase()]?.rank ?? 0;

/**
 * The Digest challenge to answer among everything the device offered: the strongest hash
 * (Hikvision offers MD5 and SHA-256: SHA-256 wins), the first one offered on a tie.
 * Null when the device offers no Digest challenge we can answer (Basic is never answered).
 */
export function pickDigestChallenge(header: string | readonly string[] | undefined): DigestChallenge | null {
  let best: DigestChallenge | null = null;
  for (const c of parseAuthChallenges(header)) {
    const d = toDigestChallenge(c);
    if (d && (!best || rank(d) > rank(best))) best = d;
  }
  return best;
}

/** The `nextnonce` of an Authentication-Info header (RFC 7616 §3.5), if any. */
export function parseNextNonce(header: string | readonly string[] | undefined): string | null {
  if (header === undefined) return null;
  const line = typeof header === "string" ? header : header.join(", ");
  // Authentication-Info has no scheme token: parse it as the parameters of a dummy challenge.
  const [c] = parseAuthChallenges(`X ${line}`);
  return c?.params["nextnonce"] || null;
}
