/** The demo's stylesheet: small, readable, with the red opt-out badge. */
export const STYLESHEET = `
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --red: #b42318; --blue: #1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f5f7fa; }
a { color: var(--blue); }
header.site { background: #102a43; color: #fff; padding: 0.75rem 1.5rem; display: flex; gap: 1rem; align-items: baseline; }
header.site a { color: #fff; font-weight: 600; text-decoration: none; }
header.site span { color: #bcccdc; font-size: 0.875rem; }
main { max-width: 60rem; margin: 1.5rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.15rem; margin: 0 0 0.5rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 0.6rem 0.8rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
thead th { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.badge { display: inline-block; padding: 0.15rem 0.6rem; border-radius: 999px; font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
.badge-opted-out { background: var(--red); color: #fff; }
.badge-ok { background: #e3f8ec; color: #0b6b3a; }
.thread-head { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 0.5rem; padding: 1rem 1.25rem; margin: 1rem 0; }
.messages { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.6rem; }
.message { max-width: 75%; padding: 0.5rem 0.8rem; border-radius: 0.9rem; }
.message p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.message .when { font-size: 0.75rem; color: var(--muted); }
.inbound { align-self: flex-start; background: #eef2f6; }
.outbound { align-self: flex-end; background: #dbeafe; }
.empty { color: var(--muted); }
.notice { border: 1px solid #f3b5ae; background: #fef3f2; color: #7a271a; border-radius: 0.5rem; padding: 0.9rem 1.1rem; margin: 0; font-weight: 500; }
label { display: block; font-weight: 600; margin-bottom: 0.35rem; }
textarea, input[type=text] { width: 100%; font: inherit; padding: 0.5rem 0.6rem; border: 1px solid #9fb3c8; border-radius: 0.4rem; }
textarea { min-height: 5rem; resize: vertical; }
button { font: inherit; font-weight: 600; padding: 0.45rem 1rem; border-radius: 0.4rem; border: 1px solid var(--blue); background: var(--blue); color: #fff; cursor: pointer; margin-top: 0.5rem; }
button.secondary { background: #fff; color: var(--blue); }
.row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.alert { padding: 0.6rem 0.9rem; border-radius: 0.4rem; background: #fffbea; border: 1px solid #f0b429; }
.related { font-size: 0.9rem; color: var(--muted); }
:focus-visible { outline: 3px solid #f0b429; outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/**
 * Live updates: on every server-sent change, fetch the page again and swap the regions marked
 * `data-live`, keeping a draft typed in the compose box.
 */
export const LIVE_SCRIPT = `
(() => {
  let busy = false;
  let again = false;
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const response = await fetch(location.href, { headers: { accept: 'text/html' } });
      const next = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const region of document.querySelectorAll('[data-live]')) {
        const replacement = next.getElementById(region.id);
        if (!replacement || replacement.innerHTML === region.innerHTML) continue;
        const draft = region.querySelector('textarea');
        region.replaceWith(replacement);
        const box = replacement.querySelector('textarea');
        if (draft && box) box.value = draft.value;
      }
    } catch (error) {
      console.warn('live update failed', error);
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }
  const events = new EventSource('/events');
  events.addEventListener('change', refresh);
  events.addEventListener('open', () => { document.documentElement.dataset.live = 'connected'; });
})();
`;
