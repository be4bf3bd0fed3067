import { z } from 'zod';
import { mustBe, parseConfig } from '../helpers/config.js';

const count = (name: string, least: number) =>
  z
    .number(mustBe(name, `an integer of at least ${least}`))
    .int(mustBe(name, `an integer of at least ${least}`))
    .min(least, mustBe(name, `an integer of at least ${least}`))
    .optional();

const milliseconds = (name: string, least: number) =>
  z
    .number(mustBe(name, `a finite number of milliseconds, at least ${least}`))
    .min(least, mustBe(name, `a finite number of milliseconds, at least ${least}`))
    .max(Number.MAX_SAFE_INTEGER, mustBe(name, `a finite number of milliseconds, at least ${least}`))
    .optional();

/** The numbers of `createPostgresStore`'s options: a bad one (NaN, negative, a fraction) fails at once. */
const numbers = z.object({
  maxRetries: count('maxRetries', 0),
  retryDelayMs: milliseconds('retryDelayMs', 0),
  lockTimeoutMs: milliseconds('lockTimeoutMs', 0),
  statementTimeoutMs: milliseconds('statementTimeoutMs', 0),
  maxConnectionsPerTenant: count('maxConnectionsPerTenant', 1),
  queueTimeoutMs: milliseconds('queueTimeoutMs', 1),
  chainCacheSize: count('chainCacheSize', 0),
  statusChunkSize: count('statusChunkSize', 1),
});

/** The numeric options of a PostgreSQL store, as given (undefined for a default). */
export type StoreNumbers = z.output<typeof numbers>;

/**
 * Checks the numeric options of `createPostgresStore`: `CONFIG` error naming the option and the
 * value, instead of a NaN that would quietly turn a safeguard off (a NaN `lockTimeoutMs` waits
 * forever, a NaN `chainCacheSize` sends every write the slow way).
 */
export function checkStoreNumbers(options: StoreNumbers): StoreNumbers {
  return parseConfig(numbers, options, 'createPostgresStore');
}
