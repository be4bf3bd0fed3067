import type { ComposeState, ConsentStatusValue } from 'sms-consent';
import type { Lead } from './data.js';
import { type Html, html } from './html.js';
import { DEMO_PROVIDERS, type DemoProvider } from './providers.js';
import { eventLabel, type TimelineEntry } from './timeline.js';

/** A lead with what the inbox shows about it. */
export interface LeadRow {
  readonly lead: Lead;
  readonly status: ConsentStatusValue;
  readonly compose: ComposeState;
}

/** Everything the thread page shows. */
export interface ThreadView extends LeadRow {
  /** Texts and consent events, in the person's order. */
  readonly timeline: readonly TimelineEntry[];
  /** `explain()` of the number; its UTC times are shown in the browser's zone. */
  readonly explanation: string;
  /** Other leads with the same phone, in other events or campaigns. */
  readonly related: readonly Lead[];
  readonly flash?: string;
  readonly mode: 'twilio' | 'stand-in';
  /** The provider the last simulated text went through, chosen again in the selector. */
  readonly via?: DemoProvider;
}

const TIME = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

/** A time as UTC text, which the page script rewrites in the browser's time zone. */
export function time(iso: string): Html {
  return html`<time class="local" datetime="${iso}">${TIME.format(new Date(iso))}</time>`;
}

function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · sms-consent demo</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/style.css">
<script src="/assets/live.js" defer></script>
</head>
<body>
<header class="site"><a href="/">Lead inbox</a><a href="/audit">Audit</a><span>sms-consent demo</span></header>
<main>
${body}
</main>
</body>
</html>`.__html;
}

/** The page chrome, for the other pages of the demo. */
export { page as demoPage };

function statusBadge(row: Pick<LeadRow, 'status' | 'compose'>): Html {
  if (row.compose.badge) return html`<span class="badge badge-opted-out">${row.compose.badge}</span>`;
  return html`<span class="badge badge-ok">${row.status === 'opted_in' ? 'Opted in' : 'Can text'}</span>`;
}

/** The inbox: every lead, its phone as stored and its SMS status, linking to its thread. */
export function inboxPage(rows: readonly LeadRow[]): string {
  return page(
    'Lead inbox',
    html`<h1 id="inbox-title">Lead inbox</h1>
<p class="meta">Leads from every event and campaign. The same person may appear several times, with the phone typed differently: consent follows the number, not the lead.</p>
<div id="inbox" class="stack" data-live aria-live="polite">
<table aria-labelledby="inbox-title">
<thead><tr><th scope="col">Lead</th><th scope="col">Event or campaign</th><th scope="col">Phone</th><th scope="col">SMS status</th></tr></thead>
<tbody>
${rows.map(
  (row) => html`<tr data-lead="${row.lead.id}">
<th scope="row"><a href="/leads/${encodeURIComponent(row.lead.id)}">${row.lead.name}</a></th>
<td>${row.lead.source}</td>
<td>${row.lead.phone}</td>
<td class="status">${statusBadge(row)}</td>
</tr>`,
)}
</tbody>
</table>
</div>`,
  );
}

/** A thread: the lead, its history, and the compose box or the opt-out notice instead of it. */
export function threadPage(view: ThreadView): string {
  const { lead, compose } = view;
  const path = `/leads/${encodeURIComponent(lead.id)}`;
  return page(
    lead.name,
    html`<p><a href="/">← All leads</a></p>
<div id="thread" data-live>
<div class="thread-head">
<h1>${lead.name}</h1>
<span id="consent-status" role="status">${statusBadge(view)}</span>
</div>
<p class="explain" id="consent-explain">${explained(view.explanation)}</p>
<p class="meta"><span class="phone">${lead.phone}</span> · ${lead.source}</p>
${
  view.related.length > 0
    ? html`<p class="related">Same number in: ${view.related.map(
        (other, index) =>
          html`${index > 0 ? ', ' : ''}<a href="/leads/${encodeURIComponent(other.id)}">${other.name} (${other.source})</a>`,
      )}</p>`
    : ''
}
${view.flash ? html`<p class="alert" role="alert">${view.flash}</p>` : ''}
<section class="card" aria-labelledby="history-title">
<h2 id="history-title" class="visually-hidden">Conversation</h2>
${
  view.timeline.length === 0
    ? html`<p class="empty">No messages yet.</p>`
    : html`<ol class="messages">${view.timeline.map((entry) =>
        entry.kind === 'message'
          ? html`<li class="message ${entry.message.direction}${entry.confirmation ? ' confirmation' : ''}">
<span class="visually-hidden">${entry.message.direction === 'inbound' ? `${lead.name} wrote` : 'You wrote'}</span>
<p>${entry.message.body}</p>
<span class="when">${entry.confirmation ? 'Confirmation sent · ' : ''}${time(entry.message.at)}</span>
</li>`
          : entry.kind === 'review'
            ? html`<li class="consent-event review-pending" data-review="${entry.review.id}">
<span>${entry.review.state === 'open' ? 'Waiting for review' : entry.review.resolution?.decision === 'opt_out' ? 'Reviewed: an opt-out' : 'Reviewed: not an opt-out'}</span> · due by ${time(entry.review.dueBy)} · <a href="/audit">review queue</a>
</li>`
            : html`<li class="consent-event ${entry.event.applied ? entry.event.action : 'refused'}" data-event="${entry.event.id}">
<span>${eventLabel(entry.event)}</span> · ${time(entry.event.recordedAt)}
</li>`,
      )}</ol>`
}
</section>
<section class="card" aria-label="Reply">
${
  compose.canSend
    ? html`<form method="post" action="${path}/messages" id="compose">
<label for="compose-body">Message to ${lead.name}</label>
<textarea id="compose-body" name="body" required maxlength="1600"></textarea>
<button type="submit">Send${view.mode === 'stand-in' ? ' (local stand-in)' : ''}</button>
</form>`
    : html`<p class="notice" id="opted-out-notice">${compose.notice}</p>
<p class="meta draft-kept" id="draft-kept" hidden>Your unsent draft is kept: it comes back in the compose box if they text START.</p>`
}
</section>
</div>
<section class="card" aria-labelledby="simulate-title">
<h2 id="simulate-title">Simulate an incoming text</h2>
<p class="meta">Signs the text the way the chosen provider signs its webhooks and posts it to this app's own route for that provider's handler (<code>/twilio/inbound</code>, <code>/telnyx/webhook</code>, …), from ${lead.phone}.</p>
<form method="post" action="${path}/simulate" id="simulate">
<label for="simulate-provider">Through</label>
<select id="simulate-provider" name="provider">${DEMO_PROVIDERS.map((provider) => html`<option value="${provider.id}"${provider.id === view.via ? html` selected` : ''}>${provider.label}</option>`)}</select>
<label for="simulate-body">Text from the lead</label>
<input type="text" id="simulate-body" name="body" required maxlength="1600" placeholder="e.g. STOP, Stop., START, or any reply">
<div class="row">
<button type="submit">Receive text</button>
<button type="submit" class="secondary" name="preset" value="STOP" formnovalidate>Text STOP</button>
<button type="submit" class="secondary" name="preset" value="START" formnovalidate>Text START</button>
</div>
</form>
<div class="row">
<form method="post" action="${path}/simulate-21610"><button type="submit" class="secondary" id="simulate-21610">Delivery fails with 21610</button></form>
<form method="post" action="${path}/simulate-form"><button type="submit" class="secondary" id="simulate-form">Web form opt-in</button></form>
</div>
<p class="meta">21610: Twilio's status callback for a text it refused because the number unsubscribed. The web form opt-in is recorded, but never lifts an opt-out.</p>
</section>`,
  );
}

/** The explain() sentence with each of its UTC times (`2026-03-02 14:03:22 UTC`) as a local time. */
function explained(text: string): Html {
  const parts: Html[] = [];
  let last = 0;
  for (const match of text.matchAll(/(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC/g)) {
    parts.push(html`${text.slice(last, match.index)}${time(`${match[1]}T${match[2]}.000Z`)}`);
    last = match.index + match[0].length;
  }
  return html`${parts}${text.slice(last)}`;
}

/** A plain error page. */
export function errorPage(status: number, message: string): string {
  return page(
    `Error ${status}`,
    html`<h1>Error ${status}</h1><p>${message}</p><p><a href="/">Back to the inbox</a></p>`,
  );
}
