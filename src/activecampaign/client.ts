import { CrmRequestError, parseRetryAfter } from '../crm/errors.js';
import { type RateLimiter, sleepFor } from '../crm/rate-limit.js';
import { omitUndefined } from '../helpers/omit-undefined.js';

/** The `fetch` the adapter calls: the global one, or any implementation with its signature. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What the request function needs. */
export interface ActiveCampaignClientOptions {
  /** `https://{account}.api-us1.com`, with or without `/api/3`. */
  readonly baseUrl: string;
  readonly apiToken: string;
  readonly fetch: FetchLike;
  readonly limiter: RateLimiter;
  /** Retries of a 429, 5xx or network failure inside one call (default 3). */
  readonly maxRetries: number;
  /** Longest `Retry-After` waited inside a call; a longer one is handed to the outbox (default 10 s). */
  readonly maxRetryWaitMs: number;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A query parameter's value; an array repeats the parameter (`ids[]=1&ids[]=2`). */
export type ActiveCampaignQueryValue = string | number | readonly (string | number)[];

/** A request to API v3: method, path below `/api/3/`, query and JSON body. */
export type ActiveCampaignRequest = (
  method: 'GET' | 'PUT' | 'POST',
  path: string,
  options?: {
    readonly query?: Readonly<Record<string, ActiveCampaignQueryValue>>;
    readonly body?: unknown;
  },
) => Promise<unknown>;

/**
 * The HTTP layer of the ActiveCampaign adapter: the `Api-Token` header, the account's rate limiter
 * before every request, JSON in and out, and retries of 429 and 503 (ActiveCampaign's two ways of
 * saying "too many requests"), other 5xx and network failures — waiting `Retry-After` when sent,
 * else backing off. Every failure becomes a `CrmRequestError` (code `CRM_FAILURE`) with the status
 * and any `Retry-After`; the token never appears in a message.
 */
export function createActiveCampaignRequest(options: ActiveCampaignClientOptions): ActiveCampaignRequest {
  const base = `${options.baseUrl.replace(/\/+$/, '').replace(/\/api\/3$/, '')}/api/3/`;
  return async (method, path, { query, body } = {}) => {
    const url = new URL(path, base);
    for (const [name, value] of Object.entries(query ?? {})) {
      for (const each of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(each));
    }
    const what = `${method} /api/3/${path}`;
    for (let attempt = 0; ; attempt++) {
      await options.limiter.take();
      let response: Response;
      try {
        response = await options.fetch(url.href, {
          method,
          headers: omitUndefined({
            'Api-Token': options.apiToken,
            Accept: 'application/json',
            'Content-Type': body === undefined ? undefined : 'application/json',
          }),
          ...omitUndefined({ body: body === undefined ? undefined : JSON.stringify(body) }),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        if (attempt < options.maxRetries) {
          await options.sleep(backoff(attempt));
          continue;
        }
        throw new CrmRequestError(`ActiveCampaign ${what} failed: ${messageOf(error)}`, { cause: error });
      }
      if (response.ok) {
        const text = await response.text();
        return text === '' ? null : parseJson(text, what);
      }
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now());
      const detail = describeBody(await response.text().catch(() => ''));
      const retryable = response.status === 429 || response.status >= 500;
      if (retryable && attempt < options.maxRetries) {
        const wait = retryAfterMs ?? backoff(attempt);
        if (wait <= options.maxRetryWaitMs) {
          if (response.status === 429 || response.status === 503) options.limiter.pause(wait);
          else await options.sleep(wait);
          continue;
        }
      }
      throw new CrmRequestError(
        `ActiveCampaign answered ${response.status} to ${what}${detail}`,
        omitUndefined({ status: response.status, retryable, retryAfterMs }),
      );
    }
  };
}

/** Default pieces of the client for the adapter's options. */
export const defaultClientParts = { sleep: sleepFor, now: () => Date.now() };

function backoff(attempt: number): number {
  return 250 * 2 ** attempt;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CrmRequestError(`ActiveCampaign answered ${what} with a body that is not JSON`, {
      cause: error,
      retryable: false,
    });
  }
}

/** `: <message>` from ActiveCampaign's error bodies (`{"message"}` or `{"errors":[{"title"}]}`). */
function describeBody(text: string): string {
  if (text === '') return '';
  try {
    const parsed = JSON.parse(text) as {
      message?: unknown;
      errors?: { title?: unknown; detail?: unknown }[];
    };
    const first = parsed.errors?.[0];
    const message = first
      ? [first.title, first.detail].filter((part) => typeof part === 'string').join(': ')
      : parsed.message;
    if (typeof message === 'string' && message !== '') return `: ${message.slice(0, 300)}`;
  } catch {
    // Not JSON: fall through to the text.
  }
  return `: ${text.slice(0, 200)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
