import type { Request, Response } from 'express';
import { ConsentError } from '../errors.js';
import { type BodyLimits, readWebhookBody, type WebhookBody } from '../http/webhook-body.js';
import { paramsToRecord } from '../twilio/params.js';
import { validateTwilioSignature } from '../twilio/signature.js';
import { answer } from './answer.js';
import type { SignedUrls } from './url.js';

/**
 * The HTTP method a webhook is configured with in the Twilio console (or `StatusCallbackMethod`).
 * `POST` (Twilio's default): the fields are in the body, covered by the signature. `GET`: the fields
 * are in the query of the signed URL, and the body of a GET or HEAD is never read.
 */
export type TwilioWebhookMethod = 'POST' | 'GET';

/** What {@link createAuthenticator} checks requests with. */
export interface AuthenticatorOptions {
  readonly authToken: string;
  readonly limits: BodyLimits;
  /** The URLs a request may have been signed for (see `createUrlResolver`). */
  readonly urlOf: (req: Request) => SignedUrls;
}

/** Checks one request; answers it and returns undefined when it stops here. */
export type Authenticate = (
  req: Request,
  res: Response,
  method: TwilioWebhookMethod,
) => Promise<WebhookBody | undefined>;

/** Returns the function that reads a webhook's fields and checks its signature. */
export function createAuthenticator({ authToken, limits, urlOf }: AuthenticatorOptions): Authenticate {
  /**
   * Reads the fields the way `twilio.validateRequest` signs them and checks the signature: for a GET
   * (or HEAD) webhook the query of the URL and no body; for POST the body, a JSON one only when the
   * URL's `bodySHA256` matches it. Answers and returns undefined when the request stops here.
   */
  return async function authenticate(
    req: Request,
    res: Response,
    method: TwilioWebhookMethod,
  ): Promise<WebhookBody | undefined> {
    const allowed = ALLOWED_METHODS[method];
    if (!allowed.includes(req.method)) {
      answer(res, 405, `This webhook is configured for ${method}, not ${req.method}`, {
        Allow: allowed.join(', '),
      });
      return undefined;
    }
    const read = method === 'GET' ? fromQuery(req) : await readWebhookBody(req, limits);
    if (!read.ok) {
      answer(res, read.problem.status, read.problem.message);
      return undefined;
    }
    const signed = urlOf(req);
    if ('refused' in signed) {
      answer(res, 403, signed.refused);
      return undefined;
    }
    const [url = ''] = signed.urls;
    if (read.body.json && !hasBodyHash(url)) {
      // twilio.validateRequest would sign the parsed JSON as form fields; Twilio itself never sends a
      // JSON body without bodySHA256, so such a body is covered by nothing and is refused.
      answer(res, 403, 'A JSON body is trusted only when the signed URL carries its bodySHA256');
      return undefined;
    }
    const header = req.headers['x-twilio-signature'];
    const signature = typeof header === 'string' ? header : undefined;
    const valid = signed.urls.some((candidate) =>
      validateTwilioSignature({
        authToken,
        url: candidate,
        signature,
        ...(read.body.signedParams ? { params: read.body.signedParams } : {}),
        ...(read.body.raw ? { rawBody: read.body.raw } : {}),
      }),
    );
    if (!valid) {
      answer(
        res,
        403,
        signature
          ? `X-Twilio-Signature does not match ${signed.urls.join(' or ')}; behind a proxy or tunnel, set publicUrl (and trustProxy)`
          : 'Missing X-Twilio-Signature header',
      );
      return undefined;
    }
    return read.body;
  };
}

/** The methods each configuration admits; HEAD is a GET without the answer's body. */
const ALLOWED_METHODS: Readonly<Record<TwilioWebhookMethod, readonly string[]>> = {
  POST: ['POST'],
  GET: ['GET', 'HEAD'],
};

/** The configured method of a handler: `POST` by default; anything else is a `CONFIG` error. */
export function webhookMethod(value: unknown, name: string): TwilioWebhookMethod {
  if (value === undefined) return 'POST';
  if (value === 'POST' || value === 'GET') return value;
  throw new ConsentError(
    'CONFIG',
    `createTwilioWebhook: ${name} must be 'POST' or 'GET', got ${String(value)}`,
  );
}

/** Whether the URL's query carries `bodySHA256`, the hash that signs a JSON body. */
function hasBodyHash(url: string): boolean {
  try {
    return new URL(url).searchParams.has('bodySHA256');
  } catch {
    return false;
  }
}

/** A webhook configured for HTTP GET: the fields are in the query, which the signed URL covers. */
function fromQuery(req: Request): { readonly ok: true; readonly body: WebhookBody } {
  const path = req.originalUrl || req.url;
  const start = path.indexOf('?');
  const params = paramsToRecord(new URLSearchParams(start === -1 ? '' : path.slice(start + 1)));
  return { ok: true, body: { params, signedParams: {}, raw: undefined, json: false } };
}
