import type { WebhookAnswer } from './exchange.js';

/** A plain-text answer (errors). */
export function textAnswer(
  status: number,
  message: string,
  headers?: Readonly<Record<string, string>>,
): WebhookAnswer {
  return { status, body: message, type: 'text/plain; charset=utf-8', ...(headers ? { headers } : {}) };
}

/** An answer with no body, for providers that ignore what the webhook answers. */
export function emptyAnswer(status = 200): WebhookAnswer {
  return { status, body: '' };
}

/** An XML answer (TwiML, Plivo XML). */
export function xmlAnswer(xml: string): WebhookAnswer {
  return { status: 200, body: xml, type: 'text/xml; charset=utf-8' };
}
