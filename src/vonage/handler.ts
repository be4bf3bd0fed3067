import { ConsentError } from '../errors.js';
import { decodeForm, emptyRecord, queryParams } from '../twilio/params.js';
import {
  createWebhookHandler,
  decodedOnce,
  type ProviderSpec,
  type WebhookRequest,
} from '../webhooks/core.js';
import { parseJsonBody } from '../webhooks/parse.js';
import { emptyAnswer } from '../webhooks/respond.js';
import { secretList } from '../webhooks/secrets.js';
import type { WebhookHandler, WebhookHandlerOptions } from '../webhooks/types.js';
import { parseVonageWebhook, VONAGE_OPTED_OUT } from './events.js';
import { verifyVonageSignature } from './signature.js';
import { parseVonageSmsWebhook } from './sms-events.js';
import {
  isVonageSmsSignatureMethod,
  type VonageSmsSignatureMethod,
  verifyVonageSmsSignature,
} from './sms-signature.js';

/** Options of {@link vonageHandler}. */
export interface VonageHandlerOptions extends WebhookHandlerOptions {
  /** The account's signature secret (not the API secret); several while rotating. */
  readonly signatureSecret: string | readonly string[];
  /**
   * Refuse webhooks signed longer ago than this, in seconds (default 300: Vonage signs each
   * delivery afresh): the JWT's `iat`, and the SMS API's `timestamp` (either side of now).
   */
  readonly maxAgeSeconds?: number;
  /**
   * Messages API status error codes that mean the recipient opted out (default none: Vonage
   * documents the code for the SMS API's receipts, `err-code` 9, not for the Messages API).
   */
  readonly optedOutErrorCodes?: readonly number[];
  /**
   * The signature method chosen in the dashboard for the SMS API (`md5hash` is Vonage's default).
   * Needed only for SMS API webhooks (inbound SMS and delivery receipts with a `sig` parameter);
   * unset, they are refused with 403.
   */
  readonly smsSignatureMethod?: VonageSmsSignatureMethod;
  /** SMS API delivery receipt `err-code`s that mean the recipient opted out (default `[9]`). */
  readonly smsOptedOutErrorCodes?: readonly number[];
  /** The clock signatures are checked against (default the system clock). */
  readonly clock?: { now(): Date };
}

/** A body that is not JSON: parsing it again after the signature check names the error (400). */
const UNREADABLE = Symbol('unreadable');

/** Which Vonage API a request comes from, and the SMS API's parameters when it is that one. */
type Source =
  | { readonly api: 'messages'; readonly json: unknown }
  | { readonly api: 'sms'; readonly params: Record<string, unknown> };

/**
 * The Vonage webhook as a Fetch-API handler, for the Messages API's inbound and status URLs and
 * the SMS API's inbound SMS and delivery receipt URLs alike.
 *
 * - Messages API (JSON with `Authorization: Bearer`): the signed-webhook JWT, HS256 with the
 *   signature secret, `payload_hash` equal to the body's SHA-256, issued within `maxAgeSeconds`.
 * - SMS API (GET query, POST form or POST-JSON with a `sig` parameter): the `sig` made with
 *   `smsSignatureMethod` and a `timestamp` within `maxAgeSeconds`; receipts with `err-code` 9 are
 *   delivery-error opt-outs.
 *
 * A failed check answers 403 and records nothing. Answers an empty 200 (Vonage retries anything
 * else). With Opt-Out Assist enabled Vonage blocks and answers STOP itself; without it nothing is
 * blocked at Vonage, and `reply` in `onInbound` is the claimed confirmation to send with
 * `consent.sendReply` (or a guarded client); one `onInbound` did not send is put back.
 *
 * @example
 * export const POST = vonageHandler({ consent, signatureSecret: process.env.VONAGE_SIGNATURE_SECRET!, smsSignatureMethod: 'sha256hmac' });
 */
export function vonageHandler(options: VonageHandlerOptions): WebhookHandler {
  const signatureSecret = secretList(options.signatureSecret, 'signatureSecret', 'vonageHandler');
  const smsMethod = options.smsSignatureMethod;
  if (smsMethod !== undefined && !isVonageSmsSignatureMethod(smsMethod)) {
    throw new ConsentError(
      'CONFIG',
      `vonageHandler: smsSignatureMethod must be md5hash, md5hmac, sha1hmac, sha256hmac or sha512hmac, got ${JSON.stringify(smsMethod)}`,
    );
  }
  const clock = options.clock ?? { now: () => new Date() };
  const maxAgeSeconds = options.maxAgeSeconds ?? 300;
  // No age is greater than NaN: a NaN (an unset environment variable) would accept any replay.
  if (typeof maxAgeSeconds !== 'number' || !Number.isFinite(maxAgeSeconds) || maxAgeSeconds < 0) {
    throw new ConsentError(
      'CONFIG',
      `vonageHandler: maxAgeSeconds must be a number of seconds, got ${typeof maxAgeSeconds === 'number' ? maxAgeSeconds : JSON.stringify(maxAgeSeconds)}`,
    );
  }
  const sourceOf = (input: WebhookRequest): Source => decodedOnce(input, readSource);
  const spec: ProviderSpec = {
    provider: 'vonage',
    methods: ['POST', 'GET'],
    contentTypes: ['application/json', 'application/x-www-form-urlencoded'],
    answersReply: false,
    verify: async (input) => {
      const source = sourceOf(input);
      if (source.api === 'messages') {
        await verifyVonageSignature({
          signatureSecret,
          authorization: input.header('authorization'),
          rawBody: input.body?.bytes ?? new Uint8Array(0),
          now: clock.now(),
          maxAgeSeconds,
        });
        return undefined;
      }
      if (smsMethod === undefined) {
        throw new ConsentError(
          'INVALID_SIGNATURE',
          'A Vonage SMS API webhook (sig parameter) arrived but vonageHandler has no smsSignatureMethod: set it to the signature method of the dashboard',
        );
      }
      await verifyVonageSmsSignature({
        signatureSecret,
        method: smsMethod,
        params: source.params,
        now: clock.now(),
        toleranceSeconds: maxAgeSeconds,
      });
      return undefined;
    },
    parse: (input) => {
      const source = sourceOf(input);
      return [
        source.api === 'messages'
          ? parseVonageWebhook(
              source.json === UNREADABLE
                ? parseJsonBody(input.body?.text ?? '', 'Vonage webhook')
                : source.json,
              options.optedOutErrorCodes ?? [],
            )
          : parseVonageSmsWebhook(source.params, options.smsOptedOutErrorCodes ?? [VONAGE_OPTED_OUT]),
      ];
    },
    respond: () => emptyAnswer(200),
  };
  return createWebhookHandler(spec, options, 'vonageHandler');
}

/**
 * The Messages API always posts JSON with a Bearer JWT; the SMS API signs with a `sig` parameter,
 * in the query (GET), the form, or the JSON body (POST-JSON). Anything else is read as a Messages
 * API webhook, whose check then names the missing Authorization header.
 */
function readSource(input: WebhookRequest): Source {
  const query = queryParams(input.url);
  if (input.body === undefined) return { api: 'sms', params: query };
  if (input.type === 'application/x-www-form-urlencoded') {
    return { api: 'sms', params: Object.assign(emptyRecord(), query, decodeForm(input.body.text)) };
  }
  let json: unknown;
  try {
    json = JSON.parse(input.body.text);
  } catch {
    // Checked as a Messages API webhook first: a forged body is a 403 before it is a 400.
    return { api: 'messages', json: UNREADABLE };
  }
  if (input.header('authorization') === null && isRecord(json) && json.sig !== undefined) {
    return { api: 'sms', params: Object.assign(emptyRecord(), query, json) };
  }
  return { api: 'messages', json };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
