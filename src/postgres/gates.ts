import { createKeyedLimiter, TurnTimeoutError } from '../store/keyed-limiter.js';
import type { Release } from '../store/keyed-mutex.js';
import type { PostgresClient } from './client.js';
import { storeFailure } from './failures.js';

/** What a transaction passes before it takes a pool connection. */
export interface TransactionGates {
  /** Waits for the number's turn, then for one of its tenant's connections; resolves with both releases. */
  enter(tenantId: string, phoneKey: string): Promise<Release>;
  /** {@link enter} for many numbers (distinct keys, taken in sorted order) and one connection. */
  enterMany(tenantId: string, phoneKeys: readonly string[]): Promise<Release>;
}

/** Options of {@link createTransactionGates}. */
export interface GateOptions {
  /** Connections one tenant's transactions may hold at once. */
  readonly perTenant: number;
  /** How long a transaction waits here before it fails as a `STORE_FAILURE`. */
  readonly queueTimeoutMs: number;
}

/**
 * All but two of the pool's connections by default (at least one; half of a pool of four or
 * fewer), so a tenant whose writes are stuck always leaves connections to the others. Half of a
 * pool of ten cost one busy tenant 12–29% of its write throughput (docs/benchmarks.md).
 */
export function defaultPerTenant(client: PostgresClient): number {
  const max = (client as { readonly options?: { readonly max?: unknown } }).options?.max;
  const size = typeof max === 'number' && max > 0 ? max : 10;
  return Math.max(1, size <= 4 ? Math.floor(size / 2) : size - 2);
}

/**
 * In-process gates of a pooled store. Callers of one number queue here instead of each holding a
 * connection while they wait for the database lock (the advisory lock still serializes across
 * processes), and one tenant's transactions hold at most `perTenant` connections, so a tenant whose
 * chain head is stuck cannot starve the other tenants' reads and writes of connections.
 */
export function createTransactionGates(options: GateOptions): TransactionGates {
  const phones = createKeyedLimiter(1);
  const tenants = createKeyedLimiter(Math.max(1, Math.floor(options.perTenant)));
  const deadline = options.queueTimeoutMs;
  const wait = async (limiter: typeof phones, key: string, what: string): Promise<Release> => {
    try {
      return await limiter.acquire(key, deadline);
    } catch (error) {
      if (error instanceof TurnTimeoutError) {
        throw storeFailure(`Timed out after ${deadline} ms waiting for ${what}`, error);
      }
      throw error;
    }
  };
  const enterAll = async (tenantId: string, phoneKeys: readonly string[]): Promise<Release> => {
    const held: Release[] = [];
    const release = () => {
      for (const turn of held.splice(0).reverse()) turn();
    };
    try {
      // Sorted, so two batches sharing numbers cannot each hold a turn the other waits for.
      for (const key of [...phoneKeys].sort())
        held.push(await wait(phones, key, "the number's earlier writes"));
      held.push(await wait(tenants, tenantId, "a connection of the tenant's"));
      return release;
    } catch (error) {
      release();
      throw error;
    }
  };
  return {
    enterMany: enterAll,
    async enter(tenantId, phoneKey) {
      const phone = await wait(phones, phoneKey, "the number's earlier writes");
      try {
        const tenant = await wait(tenants, tenantId, "a connection of the tenant's");
        return () => {
          tenant();
          phone();
        };
      } catch (error) {
        phone();
        throw error;
      }
    },
  };
}
