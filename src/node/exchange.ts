import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ExchangeEntry, WebhookAnswer, WebhookExchange } from '../webhooks/exchange.js';
import { textAnswer } from '../webhooks/respond.js';
import { abandoned, type NodeRequest, readNodeBody } from './read-body.js';

export { abandoned, CONSUMED_BODY, type NodeRequest, readNodeBody } from './read-body.js';

/** The absolute URL of a Node request: the socket's scheme, the `Host` header, the original path. */
export function requestUrl(req: NodeRequest): string {
  const encrypted = (req.socket as TLSSocket | undefined)?.encrypted === true;
  return `${encrypted ? 'https' : 'http'}://${hostOf(req)}${req.originalUrl ?? req.url ?? '/'}`;
}

/**
 * The `Host` header when it names only a host (and port). Node accepts any text there, and a '/',
 * '?' or '#' in it would move into the path the signature is checked over (`publicUrl` + path);
 * such a header reads as `invalid.host`, whose URL no provider signed.
 */
export function hostOf(req: { readonly headers: { readonly host?: string | undefined } }): string {
  const host = req.headers.host;
  if (host === undefined || host === '') return 'localhost';
  return /^[^\s/?#\\@]+$/.test(host) ? host : 'invalid.host';
}

/** The request's headers as Fetch `Headers` (repeated ones kept, HTTP/2 pseudo-headers left out). */
export function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] as string;
    if (name.charCodeAt(0) !== 58) headers.append(name, raw[index + 1] as string);
  }
  return headers;
}

/**
 * A Node request as the webhook core's exchange, read straight from the stream: no `Request`
 * object is made unless a hook asks for `request`. `url` is the URL as received (an adapter that
 * knows better, such as Express with its `trust proxy` setting, passes its own).
 */
export function nodeExchange(req: NodeRequest, url: string = requestUrl(req)): WebhookExchange {
  const given = req.method ?? 'GET';
  // Node's parser gives the method upper-cased already; `toUpperCase` is a runtime call each time.
  const method = given === 'POST' || given === 'GET' ? given : given.toUpperCase();
  let request: Request | undefined;
  return {
    method,
    url,
    header: (name) => headerOf(req, name),
    readBody: (limits) => readNodeBody(req, limits),
    request: () => {
      request ??= new Request(url, { method, headers: requestHeaders(req) });
      return request;
    },
  };
}

/** A header of a Node request by its lower-case name; repeated ones joined as Fetch joins them. */
export function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

/** Writes a core answer to a Node response. */
export function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: WebhookAnswer): void {
  if (res.headersSent) return;
  const headers: Record<string, string | number> = {
    ...answer.headers,
    'Content-Length': Buffer.byteLength(answer.body),
  };
  if (answer.type !== undefined) headers['Content-Type'] = answer.type;
  if (abandoned.has(req)) headers.Connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

/**
 * Runs a core entry on a Node request and writes its answer. A GET or HEAD body is never read: it
 * is drained so the connection stays usable.
 */
export function serveExchange<R>(
  entry: ExchangeEntry<R>,
  exchange: WebhookExchange<R>,
  req: IncomingMessage,
  res: ServerResponse,
  reportError: (error: unknown) => void,
): void {
  if (exchange.method === 'GET' || exchange.method === 'HEAD') req.resume();
  entry(exchange).then(
    (answer) => writeAnswer(req, res, answer),
    (error: unknown) => {
      reportError(error);
      writeAnswer(req, res, textAnswer(500, 'The webhook handler failed'));
    },
  );
}
