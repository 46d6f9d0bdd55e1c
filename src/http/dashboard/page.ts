import { LOCALES } from "../../config/schema.ts";
import type { Locale } from "../../domain/site.ts";
import { SCRIPT, STYLE } from "./assets.ts";
import { html, trusted, type Html } from "./html.ts";
import { WORDS } from "./words.ts";

const LANG_NAMES: Readonly<Record<Locale, string>> = { en: "English", "zh-CN": "中文" };

/** Content-Security-Policy of our pages: nothing but our own nonce'd style and script, and fetches home. */
export const pageCsp = (nonce: string): string =>
  [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");

function shell(
  locale: Locale,
  nonce: string,
  title: string,
  body: Html,
  bodyAttrs: Html = html``,
  head: Html = html``,
): Html {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>${head}
<style nonce="${nonce}">${trusted(STYLE)}</style>
</head>
<body${bodyAttrs}>
${body}
</body>
</html>`;
}

function langLinks(locale: Locale, path: string): Html {
  return html`${LOCALES.map((l) =>
    l === locale
      ? html`<a href="${path}?lang=${l}" lang="${l}" aria-current="true">${LANG_NAMES[l]}</a>`
      : html`<a href="${path}?lang=${l}" lang="${l}">${LANG_NAMES[l]}</a>`,
  )}`;
}

export interface DashboardPage {
  readonly locale: Locale;
  readonly nonce: string;
  /** The live part, already rendered (the first paint needs no script). */
  readonly live: Html;
  readonly updated: string;
  readonly refreshMs: number;
}

export function dashboardPage(p: DashboardPage): string {
  const w = WORDS[p.locale];
  const attrs = html` data-feed="/dashboard/live.json?lang=${p.locale}" data-login="/login?lang=${p.locale}"
  data-refresh-ms="${p.refreshMs}"`;
  const body = html`<header>
      <h1>${w.title}</h1>
      <nav aria-label="${w.language}">
        ${langLinks(p.locale, "/")}
        <form method="post" action="/logout?lang=${p.locale}">
          <button type="submit">${w.signOut}</button>
        </form>
      </nav>
    </header>
    <main id="live" aria-live="polite">${p.live}</main>
    <footer>
      <p id="stale" role="status">${w.stale}</p>
      <p>${w.updated} <span id="updated">${p.updated}</span></p>
    </footer>
    <script nonce="${p.nonce}">
      ${trusted(SCRIPT)};
    </script>`;
  return shell(p.locale, p.nonce, w.title, body, attrs).text;
}

export type LoginProblem = "invalid" | "not_admin" | "throttled" | null;

export function loginPage(locale: Locale, nonce: string, problem: LoginProblem): string {
  const w = WORDS[locale];
  const message =
    problem === "invalid"
      ? w.keyInvalid
      : problem === "not_admin"
        ? w.keyNotAdmin
        : problem === "throttled"
          ? w.tooManyFailures
          : null;
  const body = html`<header>
      <h1>${w.title}</h1>
      <nav aria-label="${w.language}">${langLinks(locale, "/login")}</nav>
    </header>
    <main>
      <form class="login" method="post" action="/login">
        <h2>${w.signIn}</h2>
        <p class="meta">${w.signInIntro}</p>
        ${message === null ? null : html`<p class="error" role="alert">${message}</p>`}
        <input type="hidden" name="lang" value="${locale}" />
        <label for="key">${w.adminKey}</label>
        <input
          id="key"
          name="key"
          type="password"
          autocomplete="current-password"
          required
          autofocus
          spellcheck="false"
        />
        <button type="submit">${w.signIn}</button>
      </form>
    </main>`;
  return shell(locale, nonce, `${w.signIn} · ${w.title}`, body).text;
}

/** When the monitor's state cannot be read (Redis down): what happened, and a retry every 10 s. */
export function unavailablePage(locale: Locale, nonce: string): string {
  const w = WORDS[locale];
  const body = html`<header><h1>${w.title}</h1></header>
    <main><p class="notice unsure" role="alert">${w.unavailable}</p></main>`;
  return shell(locale, nonce, w.title, body, html``, html`<meta http-equiv="refresh" content="10" />`).text;
}
