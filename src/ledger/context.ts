import type { Classification } from '../classify/index.js';
import type { Clock, IdGenerator } from '../consent/ids.js';
import type { E164, NormalizeOptions } from '../phone.js';
import type { ConsentStore } from '../store/contract.js';
import type { Replies, ReplyClaims } from './confirmation.js';
import type { Write, WriteMany } from './write.js';

/**
 * Everything a part of the manager works with, built once by `createConsentManager` and passed
 * down: each module takes the fields it needs (`Pick<ConsentContext, …>`) and never calls back up.
 */
export interface ConsentContext {
  readonly store: ConsentStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** The manager's classifier (its policy, languages and keywords). */
  readonly classify: (body: string) => Classification;
  readonly normalizeOptions: NormalizeOptions;
  /** Normalizes with the manager's default country; throws `InvalidPhoneNumberError`. */
  readonly normalize: (raw: string) => E164;
  /** Same, but null for what is not a phone number (CRM contacts, history rows). */
  readonly tryNormalize: (raw: string) => E164 | null;
  /**
   * The tenant of a call: its own, else the default one, checked by the one tenant-id rule so a
   * bad id fails closed instead of reading an empty tenant.
   */
  readonly tenantOf: (value?: { readonly tenantId?: unknown }) => string;
  readonly replies: Replies;
  /** The opt-out confirmations inbound results claimed and nobody has sent or put back yet. */
  readonly claims: ReplyClaims;
  /** Writes one event into the ledger, with the jobs, MAC and listeners the manager was given. */
  readonly write: Write;
  /** Writes a batch in one store transaction per tenant (stores with `transactMany`; else absent). */
  readonly writeMany?: WriteMany | undefined;
}
