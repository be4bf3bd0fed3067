import { ConsentError } from '../errors.js';
import { CHAIN_SEQ_INDEX } from './migrations.js';

/** SQLSTATEs after which the server has rolled the transaction back, so running it again is safe. */
const ROLLED_BACK = new Set(['40001', '40P01']);

/** SQLSTATE classes and codes that mean the connection (or the server) went away. */
const CONNECTION_CLASS = '08';
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTCONN',
  'EHOSTUNREACH',
  'ENOENT',
]);
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error',
  'timeout exceeded when trying to connect',
];

const retryable = new WeakSet<Error>();

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The server rolled the transaction back on purpose (serialization failure, deadlock). */
export function isRolledBack(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && ROLLED_BACK.has(code);
}

/**
 * A unique violation on a number chain's place: another writer appended there first, so the head
 * this write assumed is stale. Nothing of the statement was written; read the head and try again.
 */
export function isChainConflict(error: unknown): boolean {
  if (codeOf(error) !== '23505') return false;
  const constraint = (error as { constraint?: unknown }).constraint;
  return typeof constraint === 'string'
    ? constraint === CHAIN_SEQ_INDEX
    : error instanceof Error && error.message.includes(`"${CHAIN_SEQ_INDEX}"`);
}

/** The connection was lost or could not be made; what the statement did is unknown unless it was read-only. */
export function isConnectionLoss(error: unknown): boolean {
  const code = codeOf(error);
  if (
    code !== undefined &&
    (code.startsWith(CONNECTION_CLASS) || CONNECTION_CODES.has(code) || SOCKET_CODES.has(code))
  ) {
    return true;
  }
  const message = error instanceof Error ? error.message : '';
  return CONNECTION_MESSAGES.some((text) => message.includes(text));
}

/**
 * Wraps a database error as the contract's `STORE_FAILURE`, keeping the original as `cause`.
 * `retry` marks failures after which running the work again is safe.
 */
export function storeFailure(message: string, cause: unknown, retry = false): ConsentError {
  if (cause instanceof ConsentError && cause.code === 'STORE_FAILURE') return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  const error = new ConsentError('STORE_FAILURE', `${message}: ${detail}`, { cause });
  if (retry) retryable.add(error);
  return error;
}

/**
 * A failed statement as a `STORE_FAILURE`: retryable when the server rolled it back, when it lost a
 * number chain's place to another writer ({@link isChainConflict}), or when the
 * connection was lost and the statement was `idempotent` (a read, or any statement of a transaction,
 * which the server rolls back with the connection).
 */
export function statementFailure(error: unknown, idempotent: boolean): ConsentError {
  return storeFailure(
    'PostgreSQL statement failed',
    error,
    isRolledBack(error) || isChainConflict(error) || (idempotent && isConnectionLoss(error)),
  );
}

const unknownOutcome = new WeakSet<Error>();

/** Marks `error` as a write whose commit may or may not have happened (the connection was lost during COMMIT). */
export function outcomeUnknown(error: ConsentError): ConsentError {
  unknownOutcome.add(error);
  return error;
}

/** Whether the write that failed with `error` may have been committed after all. */
export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof Error && unknownOutcome.has(error);
}

/** Whether {@link storeFailure} marked this error as safe to retry. */
export function isRetryable(error: unknown): boolean {
  return error instanceof Error && retryable.has(error);
}

/** How many times transient failures are retried, and how long to wait in between. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  readonly maxRetries: number;
  /** Base of the jittered exponential backoff in milliseconds (default 10). */
  readonly baseDelayMs: number;
}

/** Runs `work` and runs it again, a bounded number of times, while it fails with a retryable error. */
export async function withRetry<T>(policy: RetryPolicy, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= policy.maxRetries || !isRetryable(error)) throw error;
      const delay = policy.baseDelayMs * 2 ** attempt * (0.5 + Math.random());
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
