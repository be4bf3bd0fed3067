import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXCHANGE_ENTRY, type ExchangeEntry } from '../webhooks/exchange.js';
import {
  abandoned,
  CONSUMED_BODY,
  type NodeRequest,
  nodeExchange,
  requestHeaders,
  requestUrl,
  serveExchange,
} from './exchange.js';

/** `(req, res) => void` for Node's `http` server, Express 4 and 5 routes and Fastify's raw objects. */
export type NodeHandler = (req: NodeRequest, res: ServerResponse) => void;

/** Options of {@link toNodeHandler}. */
export interface ToNodeHandlerOptions {
  /** Receives a failure of the handler itself or of writing the answer (default `console.error`). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Turns a Fetch-API handler into a Node one for `http`, Express 4 and 5 and Fastify's raw request.
 * The body streams to the handler (nothing is buffered before the handler's own size limit applies)
 * and the `Response` is written back. The webhook handlers of this library are read straight from
 * the Node request, without building a `Request` (one is made only if a hook asks for it).
 *
 * Mount it before any body parser; a body already consumed by one is used when its raw bytes were
 * kept (`req.rawBody`, or a Buffer or string `req.body`), else the request is answered 500 saying so.
 *
 * @example
 * http.createServer(toNodeHandler(twilioHandler({ consent, authToken }))).listen(3000);
 * app.post('/twilio', toNodeHandler(twilioHandler({ consent, authToken }))); // Express 4 or 5
 */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response>,
  options: ToNodeHandlerOptions = {},
): NodeHandler {
  const reportError =
    options.onError ?? ((error: unknown) => console.error('sms-consent: toNodeHandler failed', error));
  const entry = (handler as { [EXCHANGE_ENTRY]?: ExchangeEntry })[EXCHANGE_ENTRY];
  if (typeof entry === 'function') {
    return (req, res) => serveExchange(entry, nodeExchange(req), req, res, reportError);
  }
  return (req, res) => {
    let request: Request;
    try {
      request = toRequest(req);
    } catch (error) {
      if (error instanceof ConsumedBodyError) {
        writeText(res, 500, CONSUMED_BODY);
        return;
      }
      reportError(error);
      writeText(res, 400, 'Malformed request');
      return;
    }
    handler(request).then(
      (response) => writeResponse(req, res, response).catch(reportError),
      (error: unknown) => {
        reportError(error);
        writeText(res, 500, 'The webhook handler failed');
      },
    );
  };
}

class ConsumedBodyError extends Error {}

function toRequest(req: NodeRequest): Request {
  const method = req.method ?? 'GET';
  const url = requestUrl(req);
  const headers = requestHeaders(req);
  if (method === 'GET' || method === 'HEAD') {
    req.resume();
    return new Request(url, { method, headers });
  }
  return new Request(url, { method, headers, body: bodyOf(req), duplex: 'half' } as RequestInit);
}

function bodyOf(req: NodeRequest): NonNullable<RequestInit['body']> {
  if (!req.readableEnded && req.readable) return streamOf(req);
  const kept = req.rawBody ?? req.body;
  if (typeof kept === 'string') return kept;
  if (kept instanceof Uint8Array) return kept;
  if (kept === undefined && req.readableEnded) return new Uint8Array(0);
  throw new ConsumedBodyError(CONSUMED_BODY);
}

/** The request stream as a web stream, pulled as the handler reads (back-pressure kept). */
function streamOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once('end', () => controller.close());
      req.once('error', (error) => controller.error(error));
      req.once('close', () => {
        if (!req.readableEnded) controller.error(new Error('The request was aborted'));
      });
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      abandoned.add(req);
      // Read the rest without keeping it, so the answer (413, 408) reaches the client.
      req.removeAllListeners('data');
      req.resume();
    },
  });
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  if (res.headersSent) return;
  const body = response.body === null ? undefined : new Uint8Array(await response.arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  if (body !== undefined) headers['content-length'] = String(body.byteLength);
  if (abandoned.has(req)) headers.connection = 'close';
  res.writeHead(response.status, response.statusText || undefined, headers);
  res.end(body);
}

function writeText(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(message),
  });
  res.end(message);
}
