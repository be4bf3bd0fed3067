/** The raw body of a webhook request, read once. */
export interface RawBody {
  /** The exact bytes the provider sent (what signatures cover). */
  readonly bytes: Uint8Array;
  /** The bytes decoded as UTF-8. */
  readonly text: string;
}

/** A request answered with an error instead of being processed. */
export interface Refusal {
  readonly status: 400 | 403 | 405 | 408 | 413 | 415 | 500;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What {@link readBody} needs to know. */
export interface BodyLimits {
  /** Largest body accepted, in bytes; more is refused with 413. */
  readonly maxBytes: number;
  /** How long the whole body may take to arrive, in ms; slower is refused with 408. */
  readonly timeoutMs: number;
}

export type BodyOutcome =
  | { readonly ok: true; readonly body: RawBody }
  | { readonly ok: false; readonly refusal: Refusal };

const EMPTY: RawBody = { bytes: new Uint8Array(0), text: '' };
const decoder = new TextDecoder();

/**
 * Reads a Fetch request's body once, at most `maxBytes` (a declared `Content-Length` over the limit
 * is refused before reading) and within `timeoutMs`. Uses only the Fetch and Streams APIs, so it runs
 * the same on Node, Bun, Deno and Workers.
 */
export async function readBody(request: Request, limits: BodyLimits): Promise<BodyOutcome> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return tooLarge(limits.maxBytes);
  const stream = request.body;
  if (stream === null) return { ok: true, body: EMPTY };
  const reader = stream.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<BodyOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve(refuse(408, `The body did not arrive within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
  });
  try {
    const outcome = await Promise.race([collect(reader, limits.maxBytes), deadline]);
    if (!outcome.ok) reader.cancel().catch(() => {});
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

async function collect(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
): Promise<BodyOutcome> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) return tooLarge(maxBytes);
      chunks.push(value);
    }
  } catch (error) {
    return refuse(400, `Could not read the body: ${error instanceof Error ? error.message : String(error)}`);
  }
  const bytes = chunks.length === 1 && chunks[0] ? chunks[0] : concat(chunks, size);
  return { ok: true, body: { bytes, text: decoder.decode(bytes) } };
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(maxBytes: number): BodyOutcome {
  return refuse(413, `Body larger than ${maxBytes} bytes`);
}

/** A refusal outcome. */
export function refuse(
  status: Refusal['status'],
  message: string,
): { readonly ok: false; readonly refusal: Refusal } {
  return { ok: false, refusal: { status, message } };
}

/** The media type of a `Content-Type` header, lower-cased, without parameters ('' when absent). */
export function mediaType(header: string | null): string {
  if (header === null) return '';
  const end = header.indexOf(';');
  return (end === -1 ? header : header.slice(0, end)).trim().toLowerCase();
}
