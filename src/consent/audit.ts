import { createHash } from 'node:crypto';
import type { ConsentEvent, UnsealedEvent } from './types.js';

/** The last sealed event of a tenant's chain, or null before the first event. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * SHA-256 (hex) of an event's content, its position and the previous hash. Every field that can
 * prove or disprove the event is covered, in a fixed order, so any edit changes the hash.
 */
export function hashEvent(event: UnsealedEvent, seq: number, prevHash: string | null): string {
  const evidence = Object.entries(event.evidence)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const content = [
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
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** Places an event after `head` in its tenant's chain. */
export function sealEvent(event: UnsealedEvent, head: ChainHead | null): ConsentEvent {
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? null;
  return { ...event, seq, prevHash, hash: hashEvent(event, seq, prevHash) };
}

/** What {@link AuditResult.brokenAt} found wrong. */
export type AuditProblem =
  /** An event's content was changed after it was sealed. */
  | 'hash_mismatch'
  /** An event does not link to the one before it (replaced or reordered). */
  | 'chain_mismatch'
  /** An event is missing from the middle of the ledger. */
  | 'sequence_gap'
  /** Two events carry the same `seq`: two writers appended after the same head (or a row was copied). */
  | 'duplicate_seq'
  /** The ledger does not end at the tenant's sealed chain head: its newest events were removed (or the head was changed). */
  | 'head_mismatch';

/** Result of {@link verifyChain}: `brokenAt` names the first event that does not verify. */
export interface AuditResult {
  readonly ok: boolean;
  readonly checked: number;
  readonly brokenAt?: {
    readonly seq: number;
    readonly eventId?: string;
    readonly problem: AuditProblem;
  };
}

/**
 * Checks a tenant's events one at a time, in `seq` order, each against the one before. For
 * {@link verifyChain} and for readers that page through a store themselves.
 */
export interface ChainWalk {
  /** Checks the next event; returns the failed result at the first event that does not verify. */
  check(event: ConsentEvent): AuditResult | undefined;
  /** Compares the end of the walked chain with the tenant's sealed head. */
  finish(head: ChainHead | null): AuditResult;
  /** The last event that verified, as a head, or null when none did. */
  readonly last: ChainHead | null;
  /** The id of that event. */
  readonly lastId: string | undefined;
  /** How many events verified. */
  readonly checked: number;
}

/** Starts a {@link ChainWalk} at the first event of a tenant. */
export function startChainWalk(): ChainWalk {
  let checked = 0;
  let last: ChainHead | null = null;
  let lastId: string | undefined;
  const broken = (seq: number, problem: AuditProblem, eventId?: string): AuditResult => ({
    ok: false,
    checked,
    brokenAt: { seq, ...(eventId === undefined ? {} : { eventId }), problem },
  });
  return {
    get last() {
      return last;
    },
    get checked() {
      return checked;
    },
    get lastId() {
      return lastId;
    },
    check(event) {
      if (last && event.seq === last.seq) return broken(event.seq, 'duplicate_seq', event.id);
      const expectedSeq = (last?.seq ?? 0) + 1;
      if (event.seq !== expectedSeq) return broken(expectedSeq, 'sequence_gap', event.id);
      if (event.prevHash !== (last?.hash ?? null)) return broken(event.seq, 'chain_mismatch', event.id);
      const { seq, prevHash, hash, ...content } = event;
      if (hashEvent(content, seq, prevHash) !== hash) return broken(event.seq, 'hash_mismatch', event.id);
      checked++;
      last = { seq: event.seq, hash: event.hash };
      lastId = event.id;
      return undefined;
    },
    finish(head) {
      const lastSeq = last?.seq ?? 0;
      const headSeq = head?.seq ?? 0;
      if (lastSeq !== headSeq) return broken(Math.min(lastSeq, headSeq) + 1, 'head_mismatch');
      if (last && last.hash !== head?.hash) return broken(last.seq, 'head_mismatch', lastId);
      return { ok: true, checked };
    },
  };
}

/** Options of {@link verifyChain}. */
export interface VerifyChainOptions {
  /**
   * The tenant's sealed chain head (`ConsentStore.getChainHead`), read with no append between it
   * and the events. When given, the chain must end exactly at it, so the removal of the newest
   * events is found too. `verifyTenantLedger` reads a live store this way.
   */
  readonly head?: ChainHead | null;
}

/**
 * Walks a tenant's events in `seq` order and checks each against the one before: an edited event
 * fails its own hash, a removed one leaves a gap in `seq`, a reordered or replaced one breaks
 * `prevHash`. With `options.head`, the chain must also end at that head (`head_mismatch`), which
 * finds the newest events removed.
 */
export async function verifyChain(
  events: AsyncIterable<ConsentEvent> | Iterable<ConsentEvent>,
  options: VerifyChainOptions = {},
): Promise<AuditResult> {
  const walk = startChainWalk();
  for await (const event of events) {
    const failed = walk.check(event);
    if (failed) return failed;
  }
  return options.head === undefined ? { ok: true, checked: walk.checked } : walk.finish(options.head);
}
