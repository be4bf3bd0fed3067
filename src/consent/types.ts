import type { E164 } from '../phone.js';

/** What a consent event does to a number. */
export type ConsentAction = 'opt_out' | 'opt_in';

/**
 * Where a consent event came from.
 * - `sms`: a text from the person (keyword or plain-language phrase); the only source, with
 *   `provider`, that lifts an opt-out.
 * - `provider`: the SMS provider's own signal (Twilio `OptOutType` STOP/START).
 * - `delivery_error`: the provider refused a send because the recipient unsubscribed (Twilio 21610).
 * - `crm`, `import`, `admin`, `api`, `form`: everything else; they can opt out, but an opt-in from
 *   them never lifts a prior opt-out.
 */
export type ConsentSource =
  | 'sms'
  | 'provider'
  | 'delivery_error'
  | 'crm'
  | 'import'
  | 'admin'
  | 'api'
  | 'form';

/** Every {@link ConsentSource}, for validation and docs. */
export const CONSENT_SOURCES: readonly ConsentSource[] = [
  'sms',
  'provider',
  'delivery_error',
  'crm',
  'import',
  'admin',
  'api',
  'form',
];

/** The consent state of a number: `unknown` until the ledger holds an event for it. */
export type ConsentStatusValue = 'opted_out' | 'opted_in' | 'unknown';

/** Why an event was recorded without changing the status. */
export type NotAppliedReason = 'requires_sms_opt_in';

/** What proves an event: the message, the provider error, the admin, the form text. All optional. */
export interface ConsentEvidence {
  /** Provider message id (Twilio `MessageSid`). */
  readonly messageId?: string;
  /** The raw body of the message that caused the event. */
  readonly body?: string;
  /** The keyword or phrase that matched, as the classifier reported it. */
  readonly keyword?: string;
  /** How the classifier matched: `exact`, `folded`, `phrase` or `fuzzy`. */
  readonly match?: string;
  /** The classifier rule that fired (`keyword`, `echo`, `fuzzy`, `phrase`, `removal`, `wrong_number`…). */
  readonly rule?: string;
  /** The person said the number is not theirs ("wrong number", "I'm not Dwight"). */
  readonly wrongNumber?: boolean;
  /** The number the message came from, as the provider sent it. */
  readonly from?: string;
  /** The number the message was sent to (one of the tenant's numbers). */
  readonly to?: string;
  /** Provider error code, e.g. 21610 (recipient unsubscribed). */
  readonly errorCode?: number;
  /** Who acted, for admin and api events (an email, a user id). */
  readonly actor?: string;
  /** Free text: an admin's note, an import's file name. */
  readonly note?: string;
  /** The consent language shown with a form, for form opt-ins. */
  readonly consentText?: string;
  /** CRM contact id, for CRM events. */
  readonly contactId?: string;
  /** Provider account id (Twilio `AccountSid`). */
  readonly accountId?: string;
  /** The review (`rev_…`) an admin resolved as an opt-out, citing the message above. */
  readonly reviewId?: string;
}

/**
 * One immutable entry of the consent ledger. Ids are prefixed (`evt_`) and time-ordered; `seq`,
 * `prevHash` and `hash` chain the events of one (tenant, phone), so the trail can be verified and
 * writes to different numbers never wait on each other.
 */
export interface ConsentEvent {
  readonly id: string;
  readonly tenantId: string;
  readonly phone: E164;
  readonly action: ConsentAction;
  readonly source: ConsentSource;
  /** When the person (or system) acted, ISO 8601 UTC. Status is folded in this order. */
  readonly occurredAt: string;
  /** When the ledger recorded it, ISO 8601 UTC. */
  readonly recordedAt: string;
  /** Whether the event took effect when it was recorded (false: an opt-in that could not lift an opt-out). */
  readonly applied: boolean;
  /** Why `applied` is false. */
  readonly reason?: NotAppliedReason;
  /** Claimed once per tenant; a second event with the same key is a duplicate. */
  readonly idempotencyKey?: string;
  readonly evidence: ConsentEvidence;
  /** Position in its chain, from 1: the number's chain (or, with `chain: 'tenant'`, the tenant's). */
  readonly seq: number;
  /** Hash of the chain's previous event, or null for the first. */
  readonly prevHash: string | null;
  /** SHA-256 (hex) of this event's content, its position and `prevHash`. */
  readonly hash: string;
  /**
   * HMAC-SHA256 (hex) of `hash` with the manager's `auditKey`, when one is configured: an event
   * written with database access alone cannot carry a valid one.
   */
  readonly mac?: string;
  /**
   * `tenant` for events of a ledger written before per-number chains (schema 1 or 2), sealed on one chain
   * per tenant; they keep verifying as they were. Absent for every event written since.
   */
  readonly chain?: 'tenant';
}

/** A consent event before the audit chain seals it. */
export type UnsealedEvent = Omit<ConsentEvent, 'seq' | 'prevHash' | 'hash' | 'mac' | 'chain'>;

/** The current consent of one number in one tenant, as the fold of its ledger gives it. */
export interface ConsentStatus {
  readonly tenantId: string;
  readonly phone: E164;
  readonly status: ConsentStatusValue;
  /** When the current status began (`occurredAt` of `cause`). */
  readonly since?: string;
  /** The event that put the number into its current status. */
  readonly cause?: ConsentEvent;
  /** The latest event of the number by `occurredAt`, whatever it did. */
  readonly lastEvent?: ConsentEvent;
}
