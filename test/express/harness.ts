import { type IncomingHttpHeaders, request } from 'node:http';
import express, { type Express } from 'express';
import twilio from 'twilio';
import { type Listening, listen } from '../webhooks/harness.js';

export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';

/** A running Express 5 app on an ephemeral loopback port. */
export type RunningApp = Listening;

/** Starts `configure`'s app on 127.0.0.1, port 0. */
export async function startApp(configure: (app: Express) => void): Promise<RunningApp> {
  const app = express();
  configure(app);
  return listen(app);
}

/** What {@link postSigned} sends. */
export interface SignedPost {
  /** Where the request goes (the app's own address). */
  readonly target: string;
  /** The URL signed, as Twilio would have called it (default: `target`). */
  readonly signedUrl?: string;
  readonly params: Record<string, string>;
  readonly authToken?: string;
  readonly headers?: Record<string, string>;
  /** Replaces the computed signature (`null` sends none). */
  readonly signature?: string | null;
}

/** POSTs form parameters signed with the official twilio helper, as Twilio does. */
export function postSigned({
  target,
  signedUrl = target,
  params,
  authToken = AUTH_TOKEN,
  headers = {},
  signature,
}: SignedPost) {
  const computed = twilio.getExpectedTwilioSignature(authToken, signedUrl, params);
  const sent = signature === undefined ? computed : signature;
  return fetch(target, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(sent === null ? {} : { 'X-Twilio-Signature': sent }),
      ...headers,
    },
    body: new URLSearchParams(params),
  });
}

/** POSTs a JSON body the way Twilio signs one: `bodySHA256` in the URL, the URL signed alone. */
export function postSignedJson(
  target: string,
  body: string,
  options: { signedBody?: string; authToken?: string } = {},
) {
  const url = `${target}${target.includes('?') ? '&' : '?'}bodySHA256=${twilio.getExpectedBodyHash(options.signedBody ?? body)}`;
  const signature = twilio.getExpectedTwilioSignature(options.authToken ?? AUTH_TOKEN, url, {});
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Twilio-Signature': signature },
    body,
  });
}

/** What {@link rawRequest} answers. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/**
 * Sends a request with node:http, which (unlike fetch) sends a body with any method, HEAD and GET
 * included, as an attacker's client can.
 */
export function rawRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = request(
      url,
      {
        method: options.method,
        headers: { ...options.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
