import type { Response } from 'express';
import { EMPTY_TWIML } from '../twilio/twiml.js';

const EMPTY_TWIML_HEADERS = {
  'Content-Type': 'text/xml; charset=utf-8',
  'Content-Length': Buffer.byteLength(EMPTY_TWIML),
};

/** Answers with plain Node calls (no ETag, no content negotiation): TwiML for 200, text for errors. */
export function answer(
  res: Response,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  if (status === 200 && body === EMPTY_TWIML) {
    res.writeHead(200, EMPTY_TWIML_HEADERS);
  } else {
    res.writeHead(status, {
      'Content-Type': status === 200 ? 'text/xml; charset=utf-8' : 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      // The rest of the body is not read: close the connection rather than wait for it.
      ...(status === 413 || status === 408 ? { Connection: 'close' } : {}),
      ...headers,
    });
  }
  res.end(body);
}
