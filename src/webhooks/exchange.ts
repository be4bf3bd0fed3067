import { type BodyLimits, type BodyOutcome, readBody } from './body.js';

/**
 * One request as the core sees it, whatever carried it: a Fetch `Request`, or a Node request read
 * directly by `toNodeHandler` (no `Request` object is built unless a hook asks for one). `R` is
 * what the hooks receive as `request`.
 */
export interface WebhookExchange<R = Request> {
  /** Upper-cased. */
  readonly method: string;
  /** The absolute URL of the request as received. */
  readonly url: string;
  /** A header by its lower-case name, or null. */
  header(name: string): string | null;
  /** Reads the raw body once, within the limits. */
  readBody(limits: BodyLimits): Promise<BodyOutcome>;
  /**
   * The request for hooks: a Fetch `Request` (built on first use; its body is already read), or the
   * adapter's own. A function rather than a getter: an object literal with a getter is built
   * through V8's runtime, about 0.6 µs against a few ns, on every request.
   */
  request(): R;
}

/** What the core answers; turned into a `Response`, or written straight to a Node response. */
export interface WebhookAnswer {
  readonly status: number;
  readonly body: string;
  /** The `Content-Type`; none for an empty body. */
  readonly type?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The property under which a core handler exposes its exchange entry point to `toNodeHandler`. */
export const EXCHANGE_ENTRY: unique symbol = Symbol.for('sms-consent.webhook-exchange');

/** A core handler's entry point for an exchange. */
export type ExchangeEntry<R = Request> = (exchange: WebhookExchange<R>) => Promise<WebhookAnswer>;

/** A Fetch request as an exchange. */
export function fetchExchange(request: Request): WebhookExchange {
  return {
    method: request.method.toUpperCase(),
    url: request.url,
    header: (name) => request.headers.get(name),
    readBody: (limits) => readBody(request, limits),
    request: () => request,
  };
}

/** An answer as a Fetch `Response`. */
export function toResponse(answer: WebhookAnswer): Response {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.type !== undefined) headers['Content-Type'] = answer.type;
  return new Response(answer.body === '' && answer.type === undefined ? null : answer.body, {
    status: answer.status,
    headers,
  });
}
