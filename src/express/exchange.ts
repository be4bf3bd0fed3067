import type { Request } from 'express';
import { headerOf, hostOf, readNodeBody } from '../node/exchange.js';
import { type BodyOutcome, mediaType, refuse } from '../webhooks/body.js';
import type { WebhookExchange } from '../webhooks/exchange.js';

const FORM = 'application/x-www-form-urlencoded';

/**
 * An Express request as the webhook core's exchange. The URL is Express's view of it (`req.protocol`
 * follows the app's `trust proxy` setting; `originalUrl` keeps a router's mount path), and hooks
 * receive Express's own request.
 */
export function expressExchange(req: Request): WebhookExchange<Request> {
  return {
    method: req.method.toUpperCase(),
    url: `${req.protocol ?? 'http'}://${hostOf(req)}${req.originalUrl || req.url}`,
    header: (name) => headerOf(req, name),
    readBody: (limits) => Promise.resolve(parsedForm(req) ?? readNodeBody(req, limits)),
    request: () => req,
  };
}

/**
 * A form body that `express.urlencoded()` mounted before the webhook parsed without keeping its
 * bytes, encoded again: Twilio signs the form's fields, not its bytes, so the same fields check the
 * same. Undefined when the body was not consumed that way.
 */
function parsedForm(req: Request & { readonly rawBody?: unknown }): BodyOutcome | undefined {
  if ((req.readable && !req.readableEnded) || req.rawBody !== undefined) return undefined;
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || body instanceof Uint8Array) return undefined;
  if (mediaType(req.headers['content-type'] ?? null) !== FORM) return undefined;
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') form.append(name, value);
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      for (const item of value) form.append(name, item);
    } else {
      return refuse(
        400,
        `Malformed form body: field ${name} is not text (use express.urlencoded({ extended: false }))`,
      );
    }
  }
  const text = form.toString();
  return { ok: true, body: { bytes: new TextEncoder().encode(text), text } };
}
