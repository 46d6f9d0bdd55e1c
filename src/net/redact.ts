/**
 * Credential redaction for anything that may end up in a log line, an error or evidence.
 * String-level on purpose: it must work on URLs that do not parse (ffmpeg stderr, raw RTSP
 * URLs with unencoded characters) and must never throw, and it must not re-encode a URL
 * (which would make the redacted form differ from what the operator configured).
 */

export const REDACTED = "***";

// scheme://user:password@host — greedy up to the LAST "@" before the path, so a password
// holding a raw "@" (seen in hand-typed RTSP URLs) is still hidden whole.
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*):([^\s/?#]*)@/gi;

// name=value pairs in a query string or in free text ("... password=x ...").
const PAIR = /(^|[?&;\s])([^=&#;\s?"'<>]+)=([^&#;\s"'<>]*)/g;

// Parameter names whose values are credentials: password/pwd/passwd/token/secret anywhere,
// "key"/"auth" as the name or its suffix (api_key, apikey, x-auth), "auth" as a prefix (auth_token).
const SECRET_NAME = /(password|passwd|pwd|token|secret)|(key|auth)$|^auth/i;

// An Authorization header value, as a quoted value (JSON, util.inspect) or as a header line.
const AUTH_QUOTED = /((?:proxy-)?authorization["']?\s*[:=]\s*)(["'])(?:(?!\2)[^\\]|\\.)*\2/gi;
const AUTH_LINE = /((?:proxy-)?authorization\s*:\s*)(?![\s"'])[^\r\n]*/gi;

function redactUserinfo(text: string): string {
  return text.replace(USERINFO, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`);
}

function redactPairs(text: string): string {
  return text.replace(PAIR, (m, lead: string, name: string) =>
    SECRET_NAME.test(name) ? `${lead}${name}=${REDACTED}` : m,
  );
}

/** `http://u:p@h/x?password=p&a=1` -> `http://u:***@h/x?password=***&a=1`. Never throws. */
export function redactUrl(url: string): string {
  return redactPairs(redactUserinfo(url));
}

/** The forms a secret takes when it is embedded in a URL or in JSON text. */
function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  try {
    forms.add(encodeURIComponent(secret));
    forms.add(encodeURI(secret));
  } catch {
    // Lone surrogates cannot be URI-encoded; the raw form is still covered.
  }
  forms.add(JSON.stringify(secret).slice(1, -1));
  return [...forms].filter((f) => f.length > 0);
}

/**
 * Hides every given secret (also URL- and JSON-encoded), URL passwords, credential query
 * parameters and Authorization header values. Empty secrets are ignored.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  const forms = secrets
    .filter((s) => s.length > 0)
    .flatMap(secretForms)
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const form of forms) out = out.split(form).join(REDACTED);
  out = redactUserinfo(out);
  out = redactPairs(out);
  out = out.replace(AUTH_QUOTED, (_m, head: string, q: string) => `${head}${q}${REDACTED}${q}`);
  out = out.replace(AUTH_LINE, (_m, head: string) => `${head}${REDACTED}`);
  return out;
}
