import type { IncomingMessage } from 'node:http';
import type { BodyLimits, BodyOutcome } from '../webhooks/body.js';
import { bodyDeadlines } from './deadlines.js';

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

/**
 * Reads a Node request's raw body once: at most `maxBytes` (a declared `Content-Length` over it is
 * refused before reading; 413) and within `timeoutMs` (408, up to one tick of the shared deadline
 * timer late: `BODY_DEADLINE_TICK_MS`). A body a parser already consumed is
 * used when its bytes were kept (`req.rawBody`, or a Buffer or string `req.body`), else 500 saying
 * how to mount. A refused body is read to its end and dropped, and the connection closes after the
 * answer, so the answer reaches the client.
 */
export function readNodeBody(req: NodeRequest, limits: BodyLimits): Promise<BodyOutcome> {
  if (req.readableEnded || !req.readable) return Promise.resolve(keptBody(req));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    abandon(req);
    return Promise.resolve(tooLarge(limits.maxBytes));
  }
  // Closures per read: sharing four listeners through state kept on the request (the old Express
  // reader's fast path) measured no faster through toNodeHandler (91–96 µs of server CPU per
  // webhook shared, 77–95 µs with closures, three alternating runs each). The listeners stay on the
  // request once it is settled and ignore what follows: removing four of them cost more than the
  // flag (each removal deletes a key of the request's listener table, turning it into a dictionary).
  // The deadline is one entry on a shared coarse timer, not a `setTimeout` (and its clearTimeout) per read.
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (outcome: BodyOutcome) => {
      if (settled) return;
      settled = true;
      bodyDeadlines.cancel(onTimeout);
      if (!outcome.ok) abandon(req);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limits.maxBytes) finish(tooLarge(limits.maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      finish({ ok: true, body: { bytes, text: bytes.toString('utf8') } });
    };
    const onError = (error: Error) => finish(refusal(400, `Could not read the body: ${error.message}`));
    const onClose = () => finish(refusal(400, 'The request was aborted'));
    const onTimeout = () => finish(refusal(408, `The body did not arrive within ${limits.timeoutMs} ms`));
    bodyDeadlines.add(performance.now() + limits.timeoutMs, onTimeout);
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
