import type { E164 } from '../phone.js';
import type { PhoneTransaction } from '../store/contract.js';
import { isChainConflict, isOutcomeUnknown, isRetryable } from './failures.js';
import type { GroupWriter } from './group-write.js';
import { createNumberTransaction, type KnownChain, type NumberReads } from './transaction.js';

/** What an optimistic write committed: the callback's result and the number's chain after it. */
export interface Written<T> {
  readonly result: T;
  readonly chain: KnownChain | undefined;
}

/** The number an optimistic write is for, and the key of its advisory lock (none: no lock). */
interface WrittenNumber {
  readonly tenantId: string;
  readonly phone: E164;
  readonly lockKey: string | undefined;
}

/**
 * Runs one number's transaction in one statement, assuming the number's chain is `known` (what this
 * process last wrote or read of it; a number it never saw is assumed to have no events and no status
 * row). The callback runs against that assumption, every key it claims counts as claimed, and its
 * writes go to `writer`, which sends them (with those of other numbers ready at the same moment) as
 * one statement that checks the assumption and the claim and writes this number's rows only if both
 * hold (see `groupStatement`).
 *
 * Answers undefined when the write did not happen and the locked way should decide: the assumption
 * did not hold (another writer moved the head or holds the number's lock, a key was already claimed),
 * the callback wrote no event, claimed more than one key or failed on the assumed chain, or the
 * statement failed with nothing written.
 */
export async function optimisticWrite<T>(
  writer: GroupWriter,
  number: WrittenNumber,
  known: KnownChain | undefined,
  fn: (tx: PhoneTransaction) => Promise<T>,
  checkVersion: (rows: readonly unknown[]) => void,
): Promise<Written<T> | undefined> {
  const claims: { key: string; eventId: string }[] = [];
  const reads: NumberReads = {
    // Never asked: the chain is given, so events and head are never read.
    prefetch: async () => undefined,
    async claim(key, eventId) {
      claims.push({ key, eventId });
      return { claimed: eventId, events: null, head: null };
    },
    // Never asked: every claim succeeds here, and one that does not sends the write back.
    owner: async () => undefined,
  };
  const assumed = known ?? { events: [], head: null };
  const pending = createNumberTransaction(reads, number.tenantId, number.phone, assumed);
  let result: T;
  try {
    result = await fn(pending.tx);
  } catch {
    // Perhaps only the assumed chain made it fail: the locked run decides on the real one.
    return undefined;
  }
  const writes = pending.writes();
  // A write without an event has no place on the chain to collide on; of two claims, one could be
  // taken and the other committed for an event never written: both go the locked way, which lets
  // the callback see each claim's answer.
  if (writes.appended.length === 0 || claims.length > 1) return undefined;
  const outcome = await writer.write({ ...number, assumed: assumed.head, writes, claim: claims[0] });
  if (outcome.kind === 'failed') {
    const { error } = outcome;
    const cause = error instanceof Error ? error.cause : undefined;
    // Perhaps written: with a key claimed, the locked run finds out (a landed write owns the key,
    // and the run answers its duplicate); without one, running it again could record it twice.
    if (isOutcomeUnknown(error)) {
      if (claims.length > 0) return undefined;
      throw error;
    }
    // Nothing was written: a lost place on the chain, a failure the locked run retries, or a failure
    // of a statement shared with other numbers (the locked runs find whose it was).
    if (outcome.shared || isChainConflict(cause) || isRetryable(error)) return undefined;
    throw error;
  }
  checkVersion([{ version: outcome.version }]);
  if (!outcome.written) return undefined;
  return { result, chain: pending.chain() };
}

/** The chains of the numbers this process wrote or read last, at most `size` of them. */
export interface ChainCache {
  /** False for a cache of size 0: the store then writes every transaction the locked way. */
  readonly enabled: boolean;
  get(key: string): KnownChain | undefined;
  set(key: string, chain: KnownChain | undefined): void;
  delete(key: string): void;
}

/** A {@link ChainCache} that forgets the least recently used number first. */
export function createChainCache(size: number): ChainCache {
  const chains = new Map<string, KnownChain>();
  return {
    enabled: size > 0,
    get(key) {
      const chain = chains.get(key);
      if (chain !== undefined) {
        chains.delete(key);
        chains.set(key, chain);
      }
      return chain;
    },
    set(key, chain) {
      chains.delete(key);
      if (chain === undefined || size <= 0) return;
      chains.set(key, chain);
      if (chains.size > size) chains.delete(chains.keys().next().value as string);
    },
    delete(key) {
      chains.delete(key);
    },
  };
}
