import type { ComposeState, ConsentStatusValue } from 'sms-consent';
import type { Lead, Message } from './data.js';
import { type Html, html } from './html.js';

/** A lead with what the inbox shows about it. */
export interface LeadRow {
  readonly lead: Lead;
  readonly status: ConsentStatusValue;
  readonly compose: ComposeState;
}

/** Everything the thread page shows. */
export interface ThreadView extends LeadRow {
  readonly messages: readonly Message[];
  /** Other leads with the same phone, in other events or campaigns. */
  readonly related: readonly Lead[];
  readonly flash?: string;
  readonly mode: 'twilio' | 'stand-in';
}

const TIME = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · sms-consent demo</title>
<link rel="stylesheet" href="/assets/style.css">
<script src="/assets/live.js" defer></script>
</head>
<body>
<header class="site"><a href="/">Lead inbox</a><span>sms-consent demo</span></header>
<main>
${body}
</main>
</body>
</html>`.__html;
}

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
<div id="inbox" data-live aria-live="polite">
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
<span id="consent-status" role="status">${compose.badge ? html`<span class="badge badge-opted-out">${compose.badge}</span>` : ''}</span>
</div>
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
  view.messages.length === 0
    ? html`<p class="empty">No messages yet.</p>`
    : html`<ol class="messages">${view.messages.map(
        (message) => html`<li class="message ${message.direction}">
<span class="visually-hidden">${message.direction === 'inbound' ? `${lead.name} wrote` : 'You wrote'}</span>
<p>${message.body}</p>
<time class="when" datetime="${message.at}">${TIME.format(new Date(message.at))}</time>
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
    : html`<p class="notice" id="opted-out-notice">${compose.notice}</p>`
}
</section>
</div>
<section class="card" aria-labelledby="simulate-title">
<h2 id="simulate-title">Simulate an incoming text</h2>
<p class="meta">Posts a Twilio-signed request to this app's own <code>/twilio/inbound</code> webhook, from ${lead.phone}.</p>
<form method="post" action="${path}/simulate" id="simulate">
<label for="simulate-body">Text from the lead</label>
<input type="text" id="simulate-body" name="body" required maxlength="1600" placeholder="e.g. STOP, Stop., START, or any reply">
<div class="row">
<button type="submit">Receive text</button>
<button type="submit" class="secondary" name="preset" value="STOP" formnovalidate>Text STOP</button>
<button type="submit" class="secondary" name="preset" value="START" formnovalidate>Text START</button>
</div>
</form>
</section>`,
  );
}

/** A plain error page. */
export function errorPage(status: number, message: string): string {
  return page(
    `Error ${status}`,
    html`<h1>Error ${status}</h1><p>${message}</p><p><a href="/">Back to the inbox</a></p>`,
  );
}
