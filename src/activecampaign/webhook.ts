import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { RecordInput } from '../consent/inputs.js';
import { ConsentError, InvalidPhoneNumberError, ValidationError } from '../errors.js';
import { parseConfig } from '../helpers/config.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { parseIsoDate } from '../helpers/time.js';
import { DEFAULT_BODY_TIMEOUT_MS, readWebhookBody } from '../http/webhook-body.js';
import type { ConsentManager, RecordResult } from '../manager/manager.js';

/** The shared URL secret both entry points need before they can check a request. */
const secretSchema = z.object({ secret: z.string({ error: 'secret is required' }).min(1) });

/** Options of {@link parseActiveCampaignWebhook}. */
export interface ActiveCampaignWebhookAuth {
  /** The secret you put in the webhook URL when you created the webhook in ActiveCampaign. */
  readonly secret: string;
  /** The secret this request carried (e.g. the `secret` query parameter of its URL). */
  readonly providedSecret: string | null | undefined;
  /** Tenant of the opt-out (default: the manager's default tenant). */
  readonly tenantId?: string;
}

/** The opt-out an `sms_unsub` webhook carries: pass it to `consent.record()`. */
export interface ActiveCampaignSmsUnsubscribe extends RecordInput {
  readonly action: 'opt_out';
  readonly source: 'crm';
  /** The ActiveCampaign contact id (`contact[id]`). */
  readonly contactId: string;
}

/** Webhook parameters: decoded form fields (flat `contact[phone]` keys or nested objects) or URLSearchParams. */
export type ActiveCampaignWebhookParams = URLSearchParams | Readonly<Record<string, unknown>>;

/**
 * Turns an ActiveCampaign `sms_unsub` webhook (a contact unsubscribed from SMS in ActiveCampaign)
 * into an opt-out to record, `source: 'crm'`, with the contact id as evidence. ActiveCampaign does
 * not sign webhooks, so the request is authenticated by a secret in the webhook URL, compared in
 * constant time: a wrong or missing one throws a `ConsentError` with code `INVALID_SIGNATURE`.
 * Other webhook types (`sms_reply`, `sms_sent`, …) return null, so one URL may receive them all.
 *
 * Fields read (form-encoded): `type`, `date_time` (when; ISO 8601, read as UTC when it has no
 * offset; now when absent), `contact[id]` and `contact[phone]` (or `phone`). ActiveCampaign
 * documents the contact fields of its webhooks but not every field of `sms_unsub`; anything else is
 * ignored. Webhooks are delivered at least once: the idempotency key (`activecampaign:sms_unsub:`
 * contact and time) makes a second delivery a duplicate.
 *
 * @example
 * const optOut = parseActiveCampaignWebhook(req.body, { secret, providedSecret: String(req.query.secret) });
 * if (optOut) await consent.record(optOut);
 */
export function parseActiveCampaignWebhook(
  params: ActiveCampaignWebhookParams,
  auth: ActiveCampaignWebhookAuth,
): ActiveCampaignSmsUnsubscribe | null {
  parseConfig(secretSchema, auth, 'parseActiveCampaignWebhook');
  if (!secretsMatch(auth.secret, auth.providedSecret)) {
    throw new ConsentError(
      'INVALID_SIGNATURE',
      auth.providedSecret
        ? 'ActiveCampaign webhook secret does not match'
        : 'ActiveCampaign webhook secret is missing',
    );
  }
  const read = reader(params);
  const type = read('type');
  if (type !== 'sms_unsub') {
    if (type === undefined)
      throw new ValidationError('Invalid ActiveCampaign webhook: type is required', [
        { path: 'type', message: 'is required' },
      ]);
    return null;
  }
  const contactId = read('contact', 'id');
  const phone = read('contact', 'phone') ?? read('phone');
  const issues = [
    ...(contactId ? [] : [{ path: 'contact[id]', message: 'is required' }]),
    ...(phone ? [] : [{ path: 'contact[phone]', message: 'is required' }]),
  ];
  if (!contactId || !phone) {
    throw new ValidationError(
      `Invalid ActiveCampaign sms_unsub webhook: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
      issues,
    );
  }
  const when = read('date_time');
  // ActiveCampaign writes `2026-03-02 14:15:42` (UTC) or ISO 8601 with an offset.
  const occurredAt = when === undefined ? undefined : parseIsoDate(when)?.toISOString();
  return omitUndefined({
    phone,
    action: 'opt_out',
    source: 'crm',
    contactId,
    occurredAt,
    tenantId: auth.tenantId,
    evidence: { contactId, note: 'ActiveCampaign sms_unsub webhook' },
    idempotencyKey: when === undefined ? undefined : `activecampaign:sms_unsub:${contactId}:${when}`,
  });
}

/** Options of {@link createActiveCampaignWebhook}. */
export interface ActiveCampaignWebhookOptions {
  readonly consent: Pick<ConsentManager, 'record'>;
  /** The secret in the webhook URL. */
  readonly secret: string;
  /** The query (or route) parameter carrying it (default `secret`). */
  readonly secretParam?: string;
  /** A fixed tenant id for opt-outs of this webhook. */
  readonly tenantId?: string;
  /** Largest body accepted, in bytes (default 100 KiB). */
  readonly maxBodyBytes?: number;
  /** Runs after an opt-out is recorded. */
  readonly onUnsubscribe?: (event: {
    optOut: ActiveCampaignSmsUnsubscribe;
    result: RecordResult;
  }) => void | Promise<void>;
  /** Receives failures answered with 500 (default `console.error`). */
  readonly onError?: (error: unknown) => void;
}

/**
 * An Express handler for ActiveCampaign's SMS webhooks: checks the URL secret (403), records an
 * `sms_unsub` as an opt-out (200), ignores other types (200), answers 400 for malformed fields and
 * 500 when the store fails. Never 410, which makes ActiveCampaign deactivate the webhook. Webhooks
 * are not retried by ActiveCampaign: run `consent.reconcile()` hourly to catch what a 500 missed.
 * Express is not imported: the handler works on the request and response objects Express passes.
 *
 * @example
 * // Webhook URL in ActiveCampaign: https://app.example.com/activecampaign/sms?secret=…
 * app.post('/activecampaign/sms', createActiveCampaignWebhook({ consent, secret: process.env.AC_WEBHOOK_SECRET! }));
 */
export function createActiveCampaignWebhook(options: ActiveCampaignWebhookOptions): RequestHandler {
  parseConfig(secretSchema, options, 'createActiveCampaignWebhook');
  const param = options.secretParam ?? 'secret';
  const limit = options.maxBodyBytes ?? 100 * 1024;
  const reportError =
    options.onError ??
    ((error: unknown) => console.error('sms-consent: ActiveCampaign webhook failed', error));
  return async (req, res) => {
    const answer = (status: number, text: string) => {
      // A body left unread (too slow, too large): close the connection rather than wait for it.
      if (status === 408 || status === 413) res.set('Connection', 'close');
      res.status(status).type('text/plain').send(text);
    };
    try {
      const read = await readWebhookBody(req, { maxBytes: limit, timeoutMs: DEFAULT_BODY_TIMEOUT_MS });
      if (!read.ok) {
        answer(read.problem.status, read.problem.message);
        return;
      }
      const fromRoute = (req.params as Record<string, string | undefined> | undefined)?.[param];
      const providedSecret =
        new URL(req.originalUrl ?? req.url, 'http://localhost').searchParams.get(param) ?? fromRoute;
      const optOut = parseActiveCampaignWebhook(read.body.params, {
        secret: options.secret,
        providedSecret,
        ...omitUndefined({ tenantId: options.tenantId }),
      });
      if (!optOut) {
        answer(200, 'ignored');
        return;
      }
      const { contactId: _contactId, ...input } = optOut;
      const result = await options.consent.record(input);
      await options.onUnsubscribe?.({ optOut, result });
      answer(200, result.duplicate ? 'duplicate' : 'recorded');
    } catch (error) {
      if (error instanceof ConsentError && error.code === 'INVALID_SIGNATURE') answer(403, error.message);
      else if (error instanceof ValidationError || error instanceof InvalidPhoneNumberError)
        answer(400, error.message);
      else {
        reportError(error);
        answer(500, 'Could not record the webhook');
      }
    }
  };
}

function secretsMatch(expected: string, provided: string | null | undefined): boolean {
  if (typeof provided !== 'string' || provided === '') return false;
  // Digests have one length, so the comparison takes the same time wherever the secrets differ.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(expected), digest(provided));
}

/** Reads `a[b]` from flat form keys or nested objects; a repeated field gives its first value. */
function reader(params: ActiveCampaignWebhookParams): (...path: string[]) => string | undefined {
  if (params instanceof URLSearchParams) {
    return (...path) => clean(params.get(flatKey(path)));
  }
  return (...path) => {
    let nested: unknown = params;
    for (const part of path) nested = isRecord(nested) ? nested[part] : undefined;
    return clean(firstOf(nested) ?? firstOf(params[flatKey(path)]));
  };
}

function flatKey(path: readonly string[]): string {
  return path.map((part, index) => (index === 0 ? part : `[${part}]`)).join('');
}

function firstOf(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function clean(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
