import type { IncomingMessage } from 'node:http';
import { readNodeBody } from '../node/read-body.js';
import { decodeForm, emptyRecord } from '../twilio/params.js';
import { mediaType, type Refusal } from '../webhooks/body.js';

/** A request body, read and decoded. */
export interface WebhookBody {
  /** The fields: decoded form parameters, or the parsed JSON object. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Form parameters for the signature; null for a JSON body (signed through `bodySHA256`). */
  readonly signedParams: Readonly<Record<string, string | string[]>> | null;
  /** The raw bytes, when the request still had them. */
  readonly raw: Buffer | undefined;
  readonly json: boolean;
}

/** A request the handler answers with an error instead of processing it. */
export interface BodyProblem {
  readonly status: Refusal['status'];
  readonly message: string;
}

type Outcome =
  | { readonly ok: true; readonly body: WebhookBody }
  | { readonly ok: false; readonly problem: BodyProblem };

/** The request as Express hands it over: maybe already parsed by a body parser mounted earlier. */
type MaybeParsed = IncomingMessage & { body?: unknown; rawBody?: unknown };

/** The read deadline webhooks use unless configured otherwise, in milliseconds. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** How much of a body {@link readWebhookBody} takes, and for how long. */
export interface BodyLimits {
  /** Largest body, in bytes: more is a 413. */
  readonly maxBytes: number;
  /**
   * Milliseconds the whole body may take to arrive: a slower (stalled) upload is a 408, so it is
   * not held for Node's own `requestTimeout` (300 s by default).
   */
  readonly timeoutMs: number;
}

/**
 * Reads and decodes a webhook body within `limits`. Works on a fresh request stream, and on a
 * request a body parser already consumed (using its `req.body`, and `req.rawBody` when set).
 */
export async function readWebhookBody(req: MaybeParsed, limits: BodyLimits): Promise<Outcome> {
  const type = mediaType(req.headers['content-type'] ?? null);
  const json = type === 'application/json' || type.endsWith('+json');
  if (!json && type !== 'application/x-www-form-urlencoded' && type !== '') {
    return fail(
      415,
      `Unsupported Content-Type ${JSON.stringify(type)}: expected application/x-www-form-urlencoded or application/json`,
    );
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return fail(415, `Unsupported Content-Encoding ${JSON.stringify(encoding)}`);
  }

  let raw: Buffer | undefined;
  if (req.body !== undefined && req.readableEnded) {
    raw = Buffer.isBuffer(req.rawBody)
      ? req.rawBody
      : typeof req.rawBody === 'string'
        ? Buffer.from(req.rawBody)
        : undefined;
    if (raw === undefined) return fromParsedBody(req.body, json);
  } else {
    const read = await readRaw(req, limits);
    if (!read.ok) return read;
    raw = read.raw;
  }
  return decode(raw, json);
}

function decode(raw: Buffer, json: boolean): Outcome {
  if (!json) {
    const params = decodeForm(raw.toString('utf8'));
    return { ok: true, body: { params, signedParams: params, raw, json } };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return fail(400, `Malformed JSON body: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(400, 'Malformed JSON body: expected an object of Twilio fields');
  }
  return { ok: true, body: { params: parsed as Record<string, unknown>, signedParams: null, raw, json } };
}

function fromParsedBody(body: unknown, json: boolean): Outcome {
  if (json) {
    return fail(
      500,
      'The JSON body was consumed by a body parser before the webhook: mount the webhook before express.json(), or keep req.rawBody',
    );
  }
  if (typeof body !== 'object' || body === null) return fail(400, 'Malformed form body');
  const params = emptyRecord();
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') params[name] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) params[name] = value;
    else
      return fail(
        400,
        `Malformed form body: field ${name} is not text (use express.urlencoded({ extended: false }))`,
      );
  }
  return { ok: true, body: { params, signedParams: params, raw: undefined, json } };
}

type RawOutcome =
  | { readonly ok: true; readonly raw: Buffer }
  | { readonly ok: false; readonly problem: BodyProblem };

/** The raw bytes, read by the one Node body reader the webhook handlers use. */
async function readRaw(req: IncomingMessage, limits: BodyLimits): Promise<RawOutcome> {
  const read = await readNodeBody(req, limits);
  if (!read.ok) {
    return {
      ok: false,
      problem: { status: read.refusal.status, message: read.refusal.message },
    };
  }
  const { bytes } = read.body;
  return {
    ok: true,
    raw: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  };
}

function fail(status: BodyProblem['status'], message: string): Outcome {
  return { ok: false, problem: { status, message } };
}
