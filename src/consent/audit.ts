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

/** Result of {@link verifyChain}: `brokenAt` names the first event that does not verify. */
export interface AuditResult {
  readonly ok: boolean;
  readonly checked: number;
  readonly brokenAt?: {
    readonly seq: number;
    readonly eventId?: string;
    readonly problem: 'hash_mismatch' | 'chain_mismatch' | 'sequence_gap';
  };
}

/**
 * Walks a tenant's events in `seq` order and checks each against the one before: an edited event
 * fails its own hash, a removed one leaves a gap in `seq`, a reordered or replaced one breaks
 * `prevHash`.
 */
export async function verifyChain(
  events: AsyncIterable<ConsentEvent> | Iterable<ConsentEvent>,
): Promise<AuditResult> {
  let checked = 0;
  let previous: ChainHead | null = null;
  for await (const event of events) {
    const expectedSeq: number = (previous?.seq ?? 0) + 1;
    if (event.seq !== expectedSeq) {
      return {
        ok: false,
        checked,
        brokenAt: { seq: expectedSeq, eventId: event.id, problem: 'sequence_gap' },
      };
    }
    if (event.prevHash !== (previous?.hash ?? null)) {
      return {
        ok: false,
        checked,
        brokenAt: { seq: event.seq, eventId: event.id, problem: 'chain_mismatch' },
      };
    }
    const { seq, prevHash, hash, ...content } = event;
    if (hashEvent(content, seq, prevHash) !== hash) {
      return {
        ok: false,
        checked,
        brokenAt: { seq: event.seq, eventId: event.id, problem: 'hash_mismatch' },
      };
    }
    checked++;
    previous = { seq: event.seq, hash: event.hash };
  }
  return { ok: true, checked };
}
