import { z } from 'zod';
import { tenantIdProblem } from '../helpers/tenant-id.js';
import { parseOrThrow } from '../helpers/validation.js';
import { plainInboundMessage } from './plain-inbound.js';
import { CONSENT_SOURCES, type ConsentAction, type ConsentEvidence, type ConsentSource } from './types.js';

/** A moment as callers give it: a Date, an ISO 8601 string or epoch milliseconds. */
export type TimeInput = Date | string | number;

/** An inbound text as the manager takes it from any provider. */
export interface InboundMessage {
  /** The sender, in any format `normalizePhone` accepts. */
  readonly from: string;
  /** The tenant's number it was sent to. */
  readonly to?: string;
  readonly body: string;
  /** Provider message id; the idempotency key of the event it causes. */
  readonly messageId?: string;
  /** When the provider received it; defaults to now. */
  readonly receivedAt?: TimeInput;
  readonly tenantId?: string;
  /** Twilio `OptOutType` (STOP, START or HELP): the provider's own verdict, trusted when present. */
  readonly optOutType?: string;
  /** Provider account id (Twilio `AccountSid`), kept as evidence. */
  readonly accountId?: string;
}

/** A consent change from anywhere but an inbound text (admin, CRM, form, import, delivery error). */
export interface RecordInput {
  readonly phone: string;
  readonly action: ConsentAction;
  readonly source: ConsentSource;
  readonly occurredAt?: TimeInput;
  readonly tenantId?: string;
  /** Who acted; kept in the evidence. */
  readonly actor?: string;
  readonly evidence?: ConsentEvidence;
  /** A second call with the same key in the tenant records nothing and returns `duplicate: true`. */
  readonly idempotencyKey?: string;
}

/** The one tenant-id rule (`tenantIdProblem`), as a zod schema for the inputs. */
const tenantIdSchema = z.string().superRefine((value, context) => {
  const problem = tenantIdProblem(value);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});
const time = z.union([z.date(), z.string().min(1), z.number().finite()]);
const text = z.string().max(10_000);

const evidenceSchema = z
  .object({
    messageId: text,
    body: z.string().max(100_000),
    keyword: text,
    match: text,
    rule: text,
    wrongNumber: z.boolean(),
    from: text,
    to: text,
    errorCode: z.number().int(),
    actor: text,
    note: text,
    consentText: z.string().max(100_000),
    contactId: text,
    accountId: text,
  })
  .partial()
  .strict();

const recordSchema = z
  .object({
    phone: z.string(),
    action: z.enum(['opt_out', 'opt_in']),
    source: z.enum(CONSENT_SOURCES as [ConsentSource, ...ConsentSource[]]),
    occurredAt: time.optional(),
    tenantId: tenantIdSchema.optional(),
    actor: text.optional(),
    evidence: evidenceSchema.optional(),
    idempotencyKey: z.string().min(1).max(500).optional(),
  })
  .strict();

/** The schema of `handleInbound`'s input: the one source of its rules and errors. */
export const inboundMessageSchema = z
  .object({
    from: z.string(),
    to: z.string().optional(),
    body: z.string(),
    messageId: z.string().min(1).max(500).optional(),
    receivedAt: time.optional(),
    tenantId: tenantIdSchema.optional(),
    optOutType: z.string().max(100).optional(),
    accountId: z.string().max(500).optional(),
    // What parseTwilioInbound adds for apps; accepted so its result can be passed as is, not recorded.
    numMedia: z.number().int().nonnegative().optional(),
    messagingServiceSid: z.string().max(500).optional(),
  })
  // A misspelled key (`messageSid`) from plain JavaScript would otherwise vanish with its meaning.
  .strict();

/** Validates what `record` received; throws {@link ValidationError} naming every bad field. */
export function parseRecordInput(input: unknown): RecordInput {
  return parseOrThrow(recordSchema, input, { heading: 'Invalid record input' }) as RecordInput;
}

/** The keys `handleInbound` takes, read off its schema. */
const INBOUND_FIELDS: ReadonlySet<string> = new Set(Object.keys(inboundMessageSchema.shape));

/**
 * Validates what `handleInbound` received. An already well-formed plain input (every webhook's) is
 * checked without zod's generic run; anything else, and every error, goes through the schema.
 */
export function parseInboundMessage(input: unknown): InboundMessage {
  return (
    plainInboundMessage(input, INBOUND_FIELDS) ??
    (parseOrThrow(inboundMessageSchema, input, { heading: 'Invalid handleInbound input' }) as InboundMessage)
  );
}
