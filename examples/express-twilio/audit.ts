import express, { type Express } from 'express';
import type { ConsentManager, OptOutRecord, Review } from 'sms-consent';
import { auditPage } from './audit-view.js';
import { redirectWithFlash, takeFlash } from './flash.js';

/** Every review of the tenant, oldest due first (a demo has few; an app would page). */
export async function allReviews(consent: ConsentManager): Promise<Review[]> {
  const reviews: Review[] = [];
  let after: string | undefined;
  do {
    const page = await consent.reviews({ limit: 500, ...(after === undefined ? {} : { after }) });
    reviews.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return reviews;
}

/**
 * The audit page: the verify result, the opt-out list (and its CSV download, streamed from
 * `exportOptOuts`) and the review queue with its resolve buttons.
 */
export function mountAudit(app: Express, consent: ConsentManager): void {
  app.get('/audit', async (req, res) => {
    const optOuts: OptOutRecord[] = [];
    for await (const line of consent.exportOptOuts({ format: 'jsonl' })) {
      optOuts.push(JSON.parse(line) as OptOutRecord);
    }
    const flash = takeFlash(req, res);
    res.type('html').send(
      auditPage({
        verify: await consent.verifyAuditTrail(),
        optOuts,
        reviews: await allReviews(consent),
        now: new Date().toISOString(),
        ...(flash ? { flash } : {}),
      }),
    );
  });

  app.get('/audit/opt-outs.csv', async (_req, res) => {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="opt-outs.csv"');
    for await (const chunk of consent.exportOptOuts({ format: 'csv' })) res.write(chunk);
    res.end();
  });

  app.post('/audit/reviews/:id', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const decision = req.body?.decision === 'opt_out' ? 'opt_out' : 'not_opt_out';
    const actor =
      typeof req.body?.actor === 'string' && req.body.actor.trim() ? req.body.actor : 'demo-admin';
    try {
      await consent.resolveReview(req.params.id, { decision, actor });
      redirectWithFlash(res, '/audit', decision === 'opt_out' ? 'review-opted-out' : 'review-dismissed');
    } catch (error) {
      console.error('demo: resolving the review failed', error);
      redirectWithFlash(res, '/audit', 'review-failed');
    }
  });
}
