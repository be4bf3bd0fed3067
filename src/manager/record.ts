import type { Classification } from '../classify/index.js';
import { compactEvidence } from '../consent/evidence.js';
import { parseRecordInput, type RecordInput } from '../consent/inputs.js';
import { ValidationError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { toIso } from '../helpers/time.js';
import type { ConsentContext } from '../ledger/context.js';
import type { RecordResult } from './types.js';

/**
 * `record`: writes a consent change that is not an inbound text (admin, form, CRM, import, api),
 * after refusing what only the person's own text may do.
 */
export async function recordChange(context: ConsentContext, input: RecordInput): Promise<RecordResult> {
  const parsed = parseRecordInput(input);
  refuseImpersonation(parsed, context.classify);
  const now = context.clock.now();
  const outcome = await context.write({
    tenantId: context.tenantOf(parsed),
    phone: context.normalize(parsed.phone),
    action: parsed.action,
    source: parsed.source,
    occurredAt:
      parsed.occurredAt === undefined ? now.toISOString() : toIso(parsed.occurredAt, 'occurredAt', now),
    evidence: compactEvidence({ ...parsed.evidence, actor: parsed.actor ?? parsed.evidence?.actor }),
    ...omitUndefined({ idempotencyKey: parsed.idempotencyKey }),
  });
  return {
    event: outcome.event,
    applied: outcome.applied,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    changed: outcome.changed,
    duplicate: outcome.duplicate,
    status: outcome.status,
  };
}

/**
 * `record` is for changes that do not come from the person's own text: an `sms` or `provider` event
 * (the only sources that lift an opt-out) must name the message that proves it; an opt-in from them
 * must also carry that message's body, and is refused unless the body classifies as an opt-in under
 * the manager's own policy (a made-up message id cannot lift an opt-out); a refused delivery can only
 * ever opt out.
 */
function refuseImpersonation(input: RecordInput, classify: (body: string) => Classification): void {
  const fromPerson = input.source === 'sms' || input.source === 'provider';
  if (fromPerson && !input.evidence?.messageId) {
    throw new ValidationError(
      `Invalid record input: source '${input.source}' needs evidence.messageId (the person's own text); use handleInbound for inbound texts`,
      [{ path: 'evidence.messageId', message: `required with source '${input.source}'` }],
    );
  }
  if (fromPerson && input.action === 'opt_in') {
    const body = input.evidence?.body;
    const problem =
      body === undefined
        ? `required for an opt-in with source '${input.source}'`
        : classify(body).intent === 'opt_in'
          ? undefined
          : "does not classify as an opt-in under the manager's policy";
    if (problem !== undefined) {
      throw new ValidationError(
        `Invalid record input: evidence.body ${problem} (only the person's own opt-in text lifts an opt-out); use handleInbound for inbound texts`,
        [{ path: 'evidence.body', message: problem }],
      );
    }
  }
  if (input.source === 'delivery_error' && input.action === 'opt_in') {
    throw new ValidationError('Invalid record input: a delivery error can only opt out, not opt in', [
      { path: 'action', message: "must be 'opt_out' with source 'delivery_error'" },
    ]);
  }
}
