import * as crypto from 'node:crypto';
import type { ConsentEvent, UnsealedEvent } from './types.js';

/** The last sealed event of a chain (a number's, or a migrated ledger's tenant chain), or null before the first. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * Which chain an event is sealed on: `number`, the chain of its (tenant, phone) (every event written
 * since schema 3), or `tenant`, the one chain of a whole tenant that ledgers written before it used.
 */
export type ChainKind = 'number' | 'tenant';

/**
 * SHA-256 of a text, in hex: Node's one-shot `crypto.hash` (Node 20.12 and later) where there is one,
 * a Hash object elsewhere (older Node, workerd); the same digest either way.
 */
const sha256Hex: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** Domain tag of number-chain hashes: a number-chain event can never pass as a tenant-chain one. */
const NUMBER_CHAIN = 'sms-consent/number-chain/v1';

/**
 * SHA-256 (hex) of an event's content, its position in its chain and the previous hash. Every field
 * that can prove or disprove the event is covered, in a fixed order, so any edit changes the hash.
 * `chain` `tenant` gives the hash of ledgers written before per-number chains (kept to verify them).
 */
export function hashEvent(
  event: UnsealedEvent,
  seq: number,
  prevHash: string | null,
  chain: ChainKind = 'number',
): string {
  // The fields are named one by one: a sealed event's own `chain`, `mac` (and seal) never enter.
  const evidence = Object.entries(event.evidence)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const fields = [
    seq,
    prevHash,
    event.id,
    event.tenantId,
    event.phone,
    event.action,
    event.source,
    event.occurredAt,
    event.recordedAt,
    event.applied,
    event.reason ?? null,
    event.idempotencyKey ?? null,
    evidence,
  ];
  const text = JSON.stringify(chain === 'tenant' ? fields : [NUMBER_CHAIN, ...fields]);
  return sha256Hex(text);
}

/**
 * Places an event after `head` on its number's chain. With `mac` (the manager's `auditKey`), the
 * event also carries a keyed MAC of its hash, which nobody without the key can compute.
 */
export function sealEvent(
  event: UnsealedEvent,
  head: ChainHead | null,
  mac?: (hash: string) => string,
): ConsentEvent {
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? null;
  const hash = hashEvent(event, seq, prevHash);
  return { ...event, seq, prevHash, hash, ...(mac ? { mac: mac(hash) } : {}) };
}

/** What {@link AuditResult.brokenAt} found wrong. */
export type AuditProblem =
  /** An event's content was changed after it was sealed. */
  | 'hash_mismatch'
  /** An event does not link to the one before it (replaced or reordered). */
  | 'chain_mismatch'
  /** An event is missing from the middle of a chain. */
  | 'sequence_gap'
  /** Two events claim the same place in a chain. */
  | 'duplicate_seq'
  /** A chain does not end at the head the store keeps apart from the events (newest events removed, or the head moved). */
  | 'head_mismatch'
  /** A status row disagrees with the fold of its number's events (or exists without them, or is missing). */
  | 'status_mismatch'
  /** With `auditKey`: an event's MAC is wrong (written by someone without the key). */
  | 'mac_invalid'
  /** With `auditKey`: an event has no MAC and is not covered by the checkpoint given. */
  | 'mac_missing'
  /** A chain is shorter than the checkpoint says (events that existed at the checkpoint were removed). */
  | 'truncated'
  /** An event that existed at the checkpoint was rewritten, or the store's copy of the checkpoint differs from the root kept outside. */
  | 'checkpoint_mismatch'
  /** The checkpoint's signature does not verify with the key given (or it is unsigned while a key is). */
  | 'signature_invalid';

/** Where an audit found a problem: the number (absent for a tenant chain), the place in the chain, the event. */
export interface AuditFinding {
  readonly seq: number;
  readonly eventId?: string;
  /** The number whose chain or status row is wrong; absent for the tenant chain of a migrated ledger. */
  readonly phone?: string;
  readonly problem: AuditProblem;
}

/** Result of an audit: `brokenAt` names the first finding, `findings` up to the first 100. */
export interface AuditResult {
  readonly ok: boolean;
  /** Events whose hash, link (and MAC, with a key) verified. */
  readonly checked: number;
  readonly brokenAt?: AuditFinding;
  /** Every finding, up to 100, in ledger order (present when not ok). */
  readonly findings?: readonly AuditFinding[];
  /** With a checkpoint: whether its signature was checked (`unchecked`: no key to check it with). */
  readonly signature?: 'verified' | 'unchecked' | 'none';
}

/** Checks one chain's events, in `seq` order, each against the one before. */
export interface ChainWalk {
  /** Checks the next event; returns the problem of the first event that does not verify. */
  check(event: ConsentEvent): AuditFinding | undefined;
  /** The last event that verified, as a head, or null when none did. */
  readonly last: ChainHead | null;
  /** How many events verified. */
  readonly checked: number;
}

/** Starts a {@link ChainWalk} at the first event of a chain of `kind`. */
export function startChainWalk(kind: ChainKind = 'number'): ChainWalk {
  let checked = 0;
  let last: ChainHead | null = null;
  return {
    get last() {
      return last;
    },
    get checked() {
      return checked;
    },
    check(event) {
      const at = (problem: AuditProblem, seq = event.seq): AuditFinding => ({
        seq,
        eventId: event.id,
        ...(kind === 'number' ? { phone: event.phone } : {}),
        problem,
      });
      const expectedSeq = (last?.seq ?? 0) + 1;
      if (last && event.seq === last.seq) return at('duplicate_seq');
      if (event.seq !== expectedSeq) return at('sequence_gap', expectedSeq);
      if (event.prevHash !== (last?.hash ?? null)) return at('chain_mismatch');
      if (hashEvent(event, event.seq, event.prevHash, kind) !== event.hash) return at('hash_mismatch');
      checked++;
      last = { seq: event.seq, hash: event.hash };
      return undefined;
    },
  };
}

/**
 * Walks the events of one chain (one number's, in `seq` order) and checks each against the one
 * before: an edited event fails its own hash, a removed one leaves a gap in `seq`, a reordered or
 * replaced one breaks `prevHash`. Without the head the store keeps, it cannot see removed newest
 * events; `consent.verifyAuditTrail` checks those too, and against a checkpoint.
 */
export async function verifyChain(
  events: AsyncIterable<ConsentEvent> | Iterable<ConsentEvent>,
): Promise<AuditResult> {
  const walk = startChainWalk();
  for await (const event of events) {
    const failed = walk.check(event);
    if (failed) return { ok: false, checked: walk.checked, brokenAt: failed, findings: [failed] };
  }
  return { ok: true, checked: walk.checked };
}
