import type { Driver } from './client.js';
import { type RetryPolicy, withRetry } from './failures.js';
import type { TableNames } from './schema.js';

/** What the store's operations share: the driver, the table names and the retry policy. */
export interface StoreContext {
  readonly driver: Driver;
  readonly t: TableNames;
  readonly retry: RetryPolicy;
  /** Phones per `getStatuses` statement. */
  readonly statusChunkSize: number;
}

/** Runs one read-only statement, retried after a lost connection or a rolled-back transaction. */
export function read<R>(context: StoreContext, text: string, params: readonly unknown[]): Promise<R[]> {
  return withRetry(context.retry, () => context.driver.run<R>(text, params, true));
}

/** Runs one writing statement; retried only when the server rolled it back, never when its outcome is unknown. */
export function write<R>(context: StoreContext, text: string, params: readonly unknown[]): Promise<R[]> {
  return withRetry(context.retry, () => context.driver.run<R>(text, params, false));
}
