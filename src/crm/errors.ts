import { ConsentError } from '../errors.js';

/** What {@link CrmRequestError} records about a failed CRM request. */
export interface CrmRequestErrorDetails {
  /** HTTP status the CRM answered, when it answered. */
  readonly status?: number;
  /** How long the CRM asked to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
  /** Whether trying again later may succeed (rate limits, 5xx, network); default true. */
  readonly retryable?: boolean;
  readonly cause?: unknown;
}

/**
 * A CRM request failed (code `CRM_FAILURE`). The sync branches on it: `retryAfterMs` postpones the
 * job at least that long; everything else backs off exponentially.
 *
 * @example
 * throw new CrmRequestError('ActiveCampaign answered 429', { status: 429, retryAfterMs: 2000 });
 */
export class CrmRequestError extends ConsentError {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean;

  constructor(message: string, details: CrmRequestErrorDetails = {}) {
    super('CRM_FAILURE', message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'CrmRequestError';
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = details.retryable ?? true;
  }
}

/**
 * Reads an HTTP `Retry-After` value (delay seconds or an HTTP date) as milliseconds from `now`;
 * undefined when absent or unreadable. Negative delays read as 0.
 *
 * @example
 * parseRetryAfter('3'); // 3000
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Wraps anything an adapter threw as a `ConsentError` of code `CRM_FAILURE` (kept as is when it is one). */
export function toCrmError(error: unknown, what: string): ConsentError {
  if (error instanceof ConsentError && error.code === 'CRM_FAILURE') return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new CrmRequestError(`${what}: ${detail}`, { cause: error });
}
