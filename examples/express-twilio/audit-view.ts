import type { AuditResult, OptOutRecord, Review } from 'sms-consent';
import { html } from './html.js';
import { demoPage, time } from './views.js';

/** What the audit page shows. */
export interface AuditView {
  readonly verify: AuditResult;
  readonly optOuts: readonly OptOutRecord[];
  readonly reviews: readonly Review[];
  /** ISO 8601: reviews due before it are overdue. */
  readonly now: string;
  readonly flash?: string;
}

/** The compliance admin's page: the audit trail check, the opt-out list and the review queue. */
export function auditPage(view: AuditView): string {
  const { verify } = view;
  const open = view.reviews.filter((review) => review.state === 'open');
  return demoPage(
    'Audit',
    html`<h1>Audit</h1>
${view.flash ? html`<p class="alert" role="alert">${view.flash}</p>` : ''}
<section class="card" aria-labelledby="verify-title">
<h2 id="verify-title">Audit trail</h2>
<p id="verify-result" class="${verify.ok ? 'ok' : 'broken'}">${
      verify.ok
        ? `Verified: ${verify.checked} events, the hash chain is intact.`
        : `Broken at event #${verify.brokenAt?.seq} (${verify.brokenAt?.problem}) after ${verify.checked} events.`
    }</p>
</section>
<section class="card" aria-labelledby="optouts-title">
<h2 id="optouts-title">Opt-out list</h2>
<p class="meta">${view.optOuts.length} opted-out number${view.optOuts.length === 1 ? '' : 's'}, with when, how and by which message.</p>
<p><a class="button" id="export-csv" href="/audit/opt-outs.csv" download>Download CSV</a></p>
${
  view.optOuts.length > 0
    ? html`<div class="scroll stack"><table id="optouts"><thead><tr><th scope="col">Phone</th><th scope="col">Since</th><th scope="col">Source</th><th scope="col">Text</th></tr></thead>
<tbody>${view.optOuts.map(
        (row) =>
          html`<tr><td>${row.phone}</td><td>${time(row.opted_out_at)}</td><td>${row.source}</td><td>${row.body || row.keyword || '-'}</td></tr>`,
      )}</tbody></table></div>`
    : ''
}
</section>
<section class="card" aria-labelledby="reviews-title">
<h2 id="reviews-title">Review queue</h2>
<p class="meta">Texts the classifier could not decide. The FCC gives ten business days to honour a revocation: each is due by then.</p>
${
  view.reviews.length === 0
    ? html`<p class="empty" id="no-reviews">Nothing to review.</p>`
    : html`<ol class="reviews" id="reviews">${view.reviews.map(
        (review) => html`<li class="review ${review.state}" data-review="${review.id}">
<p class="review-text">“${review.body}”</p>
<p class="meta">${review.phone} · received ${time(review.receivedAt)} · due by ${time(review.dueBy)}${
          review.state === 'open' && review.dueBy < view.now
            ? html` <strong class="overdue">overdue</strong>`
            : ''
        }</p>
${
  review.state === 'open'
    ? html`<form method="post" action="/audit/reviews/${encodeURIComponent(review.id)}" class="row">
<input type="hidden" name="actor" value="demo-admin">
<button type="submit" name="decision" value="opt_out">Opt out</button>
<button type="submit" name="decision" value="not_opt_out" class="secondary">Not an opt-out</button>
</form>`
    : html`<p class="resolution">${review.resolution?.decision === 'opt_out' ? 'Opted out' : 'Dismissed'} by ${review.resolution?.actor ?? ''}${
        review.resolution ? html` · ${time(review.resolution.resolvedAt)}` : ''
      }</p>`
}
</li>`,
      )}</ol>`
}
<p class="meta">${open.length} open.</p>
</section>`,
  );
}
