/*
 * The dashboard's only CSS and script, inline (no build step, no CDN, works on an offline LAN)
 * and allowed by a per-response CSP nonce. Constants: no data is ever put into them; the
 * script reads its settings from data- attributes on <body>.
 */

export const STYLE = `
:root { --good:#1b7f3b; --bad:#b3261e; --unsure:#8a6100; --wait:#2f5fa7; --ink:#1d1d1f; --muted:#5f6368;
  --line:#dadce0; --bg:#f6f7f9; --card:#fff; color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
  "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between;
  padding: .75rem 1rem; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
header h1 { font-size: 1.1rem; margin: 0; }
header nav { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
header nav a, header nav button { font: inherit; color: var(--wait); background: none; border: 0; padding: .25rem;
  cursor: pointer; text-decoration: underline; }
header nav a[aria-current] { color: var(--ink); font-weight: 600; text-decoration: none; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
footer { max-width: 1200px; margin: 0 auto; padding: 0 1rem 2rem; color: var(--muted); font-size: .85rem; }
.site + .site { margin-top: 2.5rem; border-top: 2px solid var(--line); padding-top: 1rem; }
h2 { font-size: 1.35rem; margin: .25rem 0; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
.meta { color: var(--muted); font-size: .9rem; }
.count { display: inline-block; min-width: 1.6em; padding: 0 .4em; border-radius: 1em; background: var(--line);
  text-align: center; font-size: .9rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: .75rem; }
.card { background: var(--card); border: 1px solid var(--line); border-left: 6px solid var(--muted);
  border-radius: 8px; padding: .75rem .9rem; overflow-wrap: anywhere; }
.card.good { border-left-color: var(--good); }
.card.bad { border-left-color: var(--bad); }
.card.unsure { border-left-color: var(--unsure); }
.card.wait { border-left-color: var(--wait); }
.card-head { display: flex; justify-content: space-between; gap: .5rem; align-items: baseline; }
.reason { margin: .4rem 0 0; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 1rem; font-size: .82rem; font-weight: 600;
  color: #fff; background: var(--muted); white-space: nowrap; }
.badge.good { background: var(--good); }
.badge.bad { background: var(--bad); }
.badge.unsure { background: var(--unsure); }
.badge.wait { background: var(--wait); }
.tag { font-size: .8rem; border: 1px solid var(--line); border-radius: 4px; padding: 0 .3rem; color: var(--muted); }
ul.violations, ul.devices { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
ul.violations { grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); }
ul.problems { margin: .4rem 0 0; padding-left: 1.1rem; }
ul.problems li.bad::marker { color: var(--bad); }
ul.problems li.unsure::marker { color: var(--unsure); }
.subject { font-weight: 600; margin-top: .15rem; }
.notice { padding: .5rem .75rem; border-radius: 6px; background: #fff7e0; }
ul.devices li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .5rem .75rem; }
#stale { display: none; color: var(--bad); }
body.stale #stale { display: block; }
form.login { max-width: 420px; margin: 3rem auto; background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 1.25rem; }
form.login label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
form.login input[type=password] { width: 100%; font: inherit; padding: .6rem; border: 1px solid var(--line);
  border-radius: 6px; }
form.login button { margin-top: 1rem; font: inherit; padding: .55rem 1.2rem; border: 0; border-radius: 6px;
  background: var(--wait); color: #fff; cursor: pointer; }
.error { color: var(--bad); font-weight: 600; }
@media (max-width: 600px) {
  body { font-size: 16px; }
  main { padding: .75rem; }
  .grid, ul.violations { grid-template-columns: 1fr; }
  h2 { font-size: 1.2rem; }
}
`;

/** Polls the live JSON every data-refresh-ms and swaps the server-rendered, escaped HTML in. */
export const SCRIPT = `
(() => {
  const body = document.body;
  const feed = body.dataset.feed;
  const every = Math.max(1000, Number(body.dataset.refreshMs) || 5000);
  const live = document.getElementById("live");
  const updated = document.getElementById("updated");
  let timer = 0;
  let busy = false;
  async function tick() {
    if (busy) return;
    busy = true;
    clearTimeout(timer);
    try {
      const r = await fetch(feed, { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } });
      if (r.status === 401) { location.assign(body.dataset.login); return; }
      if (!r.ok) throw new Error("HTTP " + r.status);
      const data = await r.json();
      live.innerHTML = data.html;
      updated.textContent = data.updated;
      body.classList.remove("stale");
    } catch (e) {
      body.classList.add("stale");
    } finally {
      busy = false;
      timer = setTimeout(tick, every);
    }
  }
  document.addEventListener("visibilitychange", () => { if (!document.hidden) tick(); });
  timer = setTimeout(tick, every);
})();
`;
