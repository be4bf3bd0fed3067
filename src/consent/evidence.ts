import type { Classification } from '../classify/index.js';
import type { ConsentEvidence } from './types.js';

/** Twilio error 21610: "Attempt to send to unsubscribed recipient", evidence of an opt-out. */
export const UNSUBSCRIBED_RECIPIENT_ERROR = 21610;

/**
 * The idempotency key of the event an inbound text causes. Live handling and backfill use the same
 * key, so a message handled live is a duplicate when history is replayed, and the other way round.
 */
export function inboundMessageKey(messageId: string): string {
  return `msg:${messageId}`;
}

/**
 * The idempotency key of the opt-out a refused delivery (error 21610) causes, shared by the status
 * callbacks (Express and Fetch webhooks) and backfill, so one refused message is one event. The
 * guarded client records its 21610 without a key: the refused send has no message id of its own.
 */
export function deliveryErrorKey(messageId: string): string {
  return `twilio-status:${messageId}`;
}

/** What an inbound text proves, as the ledger keeps it. */
export function inboundEvidence(
  message: {
    readonly messageId?: string | undefined;
    readonly body: string;
    readonly from: string;
    readonly to?: string | undefined;
    readonly accountId?: string | undefined;
  },
  classification: Pick<Classification, 'keyword' | 'match' | 'rule' | 'wrongNumber'>,
): ConsentEvidence {
  return compactEvidence({
    messageId: message.messageId,
    body: message.body,
    keyword: classification.keyword,
    match: classification.match ?? undefined,
    rule: classification.rule === 'none' ? undefined : classification.rule,
    wrongNumber: classification.wrongNumber,
    from: message.from,
    to: message.to,
    accountId: message.accountId,
  });
}

/** Evidence without its undefined fields (exactOptionalPropertyTypes keeps absent fields absent). */
export function compactEvidence(
  evidence: { readonly [K in keyof ConsentEvidence]?: ConsentEvidence[K] | undefined },
): ConsentEvidence {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(evidence)) if (value !== undefined) result[key] = value;
  return result as ConsentEvidence;
}
