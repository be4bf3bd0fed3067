import type { Classification } from '../classify/index.js';
import { inboundEvidence, inboundMessageKey } from '../consent/evidence.js';
import { type InboundMessage, parseInboundMessage } from '../consent/inputs.js';
import type { ConsentSource } from '../consent/types.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { toIso } from '../helpers/time.js';
import { helpReply, inboundReply } from '../ledger/confirmation.js';
import type { ConsentContext } from '../ledger/context.js';
import { statusOf } from '../ledger/queries.js';
import type { ReviewQueue } from '../ledger/reviews.js';
import type { InboundResult } from './types.js';

/**
 * `handleInbound`: classifies one inbound text, writes the opt-out or opt-in it says (idempotent by
 * the provider's message id), queues an undecided one for review, and returns the reply to send
 * (an opt-out confirmation already claimed for this result: see `inboundReply`).
 */
export async function handleInbound(
  context: ConsentContext,
  reviews: Pick<ReviewQueue, 'queue'>,
  input: InboundMessage,
): Promise<InboundResult> {
  // The schema decides every message but the well-formed plain one, which a fast path checks (2.5 µs
  // of zod a webhook in the server's profile); a property test keeps the two from drifting apart.
  const message = parseInboundMessage(input);
  const tenantId = context.tenantOf(message);
  const phone = context.normalize(message.from);
  const { classification, source } = classifyInbound(context, message);
  const { intent, providerBlocks } = classification;
  // A time the text carries is checked at once; the clock is read only for a text whose time is
  // recorded (an opt-out, opt-in or review): chatter records none, and reading the clock and
  // formatting it cost about 2 µs a webhook in the server's profile.
  const given =
    message.receivedAt === undefined
      ? undefined
      : toIso(message.receivedAt, 'receivedAt', context.clock.now());
  const receivedAt = () => given ?? context.clock.now().toISOString();
  if (intent !== 'opt_out' && intent !== 'opt_in') {
    const review = classification.needsReview
      ? (await reviews.queue({ ...message, tenantId, phone, receivedAt: receivedAt() }, classification))
          .review
      : undefined;
    const result = {
      ...classification,
      changed: false,
      duplicate: false,
      status: await statusOf(context.store, tenantId, phone),
    };
    // Chatter (almost every text) has neither a reply nor a review: return it without building more.
    if (intent !== 'help' && review === undefined) return result;
    return {
      ...result,
      ...omitUndefined({
        reply: intent === 'help' ? helpReply(providerBlocks, context.replies) : undefined,
        review,
      }),
    };
  }
  const outcome = await context.write(
    {
      tenantId,
      phone,
      action: intent,
      source,
      occurredAt: receivedAt(),
      evidence: inboundEvidence(message, classification),
      ...omitUndefined({
        idempotencyKey: message.messageId === undefined ? undefined : inboundMessageKey(message.messageId),
      }),
    },
    { confirm: !providerBlocks },
  );
  return {
    ...classification,
    changed: outcome.changed,
    duplicate: outcome.duplicate,
    status: outcome.status,
    event: outcome.event,
    ...omitUndefined({
      reply: await inboundReply(context, intent, providerBlocks, outcome, context.replies),
    }),
  };
}

/**
 * The classification of a text and its source: the provider's own keyword signal (`OptOutType`)
 * wins over the body, and makes the source `provider` when the body alone says something else.
 */
function classifyInbound(
  context: Pick<ConsentContext, 'classify'>,
  message: InboundMessage,
): { classification: Classification; source: ConsentSource } {
  const classification = context.classify(message.body);
  const signal = message.optOutType?.trim().toUpperCase();
  const intent =
    signal === 'STOP' ? 'opt_out' : signal === 'START' ? 'opt_in' : signal === 'HELP' ? 'help' : undefined;
  if (intent === undefined) return { classification, source: 'sms' };
  if (intent === classification.intent) {
    return { classification: { ...classification, providerBlocks: true }, source: 'sms' };
  }
  return {
    classification: {
      intent,
      match: 'exact',
      keyword: message.body.trim(),
      providerBlocks: true,
      rule: 'keyword',
    },
    source: 'provider',
  };
}
