import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { BodyLimits, BodyOutcome } from '../webhooks/body.js';
import type { ExchangeEntry, WebhookAnswer, WebhookExchange } from '../webhooks/exchange.js';
import { textAnswer } from '../webhooks/respond.js';

/** A Node request as `http`, Express 4/5 and Fastify (`request.raw`) hand it over. */
export type NodeRequest = IncomingMessage & {
  /** Express: the URL before a router mount point stripped its prefix. */
  readonly originalUrl?: string;
  /** Set by a body parser that ran before the handler. */
  readonly body?: unknown;
  /** Set by body parsers configured to keep the raw bytes (`verify` callbacks, fastify-raw-body). */
  readonly rawBody?: unknown;
};

/** Requests whose body was not read to the end: their connection closes after the answer. */
export const abandoned = new WeakSet<IncomingMessage>();

/** The message for a body a parser consumed without keeping its bytes. */
export const CONSUMED_BODY =
  'The body was consumed by a body parser before the webhook: mount the webhook before it, or keep the raw bytes (req.rawBody)';

/** The absolute URL of a Node request: the socket's scheme, the `Host` header, the original path. */
export function requestUrl(req: NodeRequest): string {
  const encrypted = (req.socket as TLSSocket | undefined)?.encrypted === true;
  return `${encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${req.originalUrl ?? req.url ?? '/'}`;
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
  const method = (req.method ?? 'GET').toUpperCase();
  let request: Request | undefined;
  return {
    method,
    url,
    header(name) {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    readBody: (limits) => readNodeBody(req, limits),
    get request() {
      request ??= new Request(url, { method, headers: requestHeaders(req) });
      return request;
    },
  };
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

/** Reads a Node request's raw body once, within the limits (or the bytes a body parser kept). */
export function readNodeBody(req: NodeRequest, limits: BodyLimits): Promise<BodyOutcome> {
  if (req.readableEnded || !req.readable) return Promise.resolve(keptBody(req));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    abandon(req);
    return Promise.resolve(tooLarge(limits.maxBytes));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: BodyOutcome) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (!outcome.ok) abandon(req);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) finish(tooLarge(limits.maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      finish({ ok: true, body: { bytes, text: bytes.toString('utf8') } });
    };
    const onError = (error: Error) => finish(refusal(400, `Could not read the body: ${error.message}`));
    const onClose = () => finish(refusal(400, 'The request was aborted'));
    const timer = setTimeout(
      () => finish(refusal(408, `The body did not arrive within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The body a parser already read: its raw bytes when kept, else a 500 saying how to mount. */
function keptBody(req: NodeRequest): BodyOutcome {
  const kept = req.rawBody ?? req.body;
  if (typeof kept === 'string') return { ok: true, body: { bytes: Buffer.from(kept), text: kept } };
  if (kept instanceof Uint8Array) {
    const bytes = Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength);
    return { ok: true, body: { bytes, text: bytes.toString('utf8') } };
  }
  if (kept === undefined) return { ok: true, body: { bytes: Buffer.alloc(0), text: '' } };
  return refusal(500, CONSUMED_BODY);
}

/** Stops keeping the body: the rest is read and dropped, so the answer reaches the client. */
function abandon(req: IncomingMessage): void {
  abandoned.add(req);
  req.resume();
}

function tooLarge(maxBytes: number): BodyOutcome {
  return refusal(413, `Body larger than ${maxBytes} bytes`);
}

function refusal(status: 400 | 408 | 413 | 500, message: string): BodyOutcome {
  return { ok: false, refusal: { status, message } };
}
