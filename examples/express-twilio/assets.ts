/** The demo's stylesheet: small, readable, with the red opt-out badge. */
export const STYLESHEET = `
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --red: #b42318; --blue: #1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f5f7fa; }
a { color: var(--blue); }
header.site { background: #102a43; color: #fff; padding: 0.75rem 1.5rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: baseline; }
header.site a { color: #fff; font-weight: 600; text-decoration: none; }
header.site span { color: #bcccdc; font-size: 0.875rem; }
main { max-width: 60rem; margin: 1.5rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 0.25rem; overflow-wrap: anywhere; }
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
select { font: inherit; padding: 0.45rem 0.6rem; border: 1px solid #9fb3c8; border-radius: 0.4rem; background: #fff; margin-bottom: 0.75rem; }
textarea { min-height: 5rem; resize: vertical; }
button { font: inherit; font-weight: 600; padding: 0.45rem 1rem; border-radius: 0.4rem; border: 1px solid var(--blue); background: var(--blue); color: #fff; cursor: pointer; margin-top: 0.5rem; }
button.secondary { background: #fff; color: var(--blue); }
.row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.alert { padding: 0.6rem 0.9rem; border-radius: 0.4rem; background: #fffbea; border: 1px solid #f0b429; }
.related { font-size: 0.9rem; color: var(--muted); }
:focus-visible { outline: 3px solid #f0b429; outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.explain { margin: 0.25rem 0 0.75rem; color: var(--ink); }
.consent-event { align-self: center; text-align: center; font-size: 0.85rem; color: var(--muted); border: 1px dashed var(--line); border-radius: 999px; padding: 0.2rem 0.9rem; max-width: 100%; }
.consent-event.opt_out { color: var(--red); border-color: #f3b5ae; }
.consent-event.opt_in { color: #0b6b3a; border-color: #a7e3c2; }
.consent-event.refused { color: #7a5b00; border-color: #f0d58c; }
.confirmation { border: 1px solid #93c5fd; }
a.button { display: inline-block; font-weight: 600; padding: 0.45rem 1rem; border-radius: 0.4rem; background: var(--blue); color: #fff; text-decoration: none; }
.scroll { overflow-x: auto; }
.ok { color: #0b6b3a; font-weight: 600; }
.broken { color: var(--red); font-weight: 600; }
.reviews { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.75rem; }
.review { border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.6rem 0.9rem; }
.review-text { margin: 0 0 0.25rem; font-weight: 600; overflow-wrap: anywhere; }
.review .meta { margin: 0; }
.overdue { color: var(--red); }
.resolution { margin: 0.25rem 0 0; color: var(--muted); }
@media (max-width: 40rem) {
  main { padding: 0 0.75rem; margin-top: 1rem; }
  header.site { padding: 0.6rem 0.75rem; }
  .card { padding: 0.75rem; }
  .message { max-width: 90%; }
  .stack table, .stack thead, .stack tbody, .stack tr, .stack th, .stack td { display: block; }
  .stack thead { display: none; }
  .stack tr { border-bottom: 1px solid var(--line); padding: 0.5rem 0.75rem; }
  .stack th, .stack td { border: 0; padding: 0.1rem 0; }
}
`;

/** The demo's icon (so browsers find one instead of a 404). */
export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#102a43"/><path d="M8 10h16v10H14l-4 4v-4H8z" fill="#fff"/><rect x="11" y="14" width="10" height="2" fill="#b42318"/></svg>`;

/**
 * The page script: times in the browser's time zone; live updates (on every server-sent change,
 * fetch the page again and swap the regions marked `data-live`); and the compose draft, kept in
 * session storage so the opt-out notice replacing the box does not lose it.
 */
export const LIVE_SCRIPT = `
(() => {
  const format = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  function localTimes(root) {
    for (const node of root.querySelectorAll('time.local[datetime]')) {
      const when = new Date(node.getAttribute('datetime'));
      if (!Number.isNaN(when.getTime())) node.textContent = format.format(when);
    }
  }
  const draftKey = 'sms-consent-demo-draft:' + location.pathname;
  function keepDraft(root) {
    const box = root.querySelector('#compose-body');
    const stored = sessionStorage.getItem(draftKey) || '';
    if (box) {
      if (!box.value && stored) box.value = stored;
      box.addEventListener('input', () => sessionStorage.setItem(draftKey, box.value));
      box.form?.addEventListener('submit', () => sessionStorage.removeItem(draftKey));
    }
    const kept = root.querySelector('#draft-kept');
    if (kept && stored) kept.hidden = false;
  }
  localTimes(document);
  keepDraft(document);
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
        if (draft && draft.value) sessionStorage.setItem(draftKey, draft.value);
        region.replaceWith(replacement);
        const box = replacement.querySelector('textarea');
        if (draft && box) box.value = draft.value;
        localTimes(replacement);
        keepDraft(replacement);
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
