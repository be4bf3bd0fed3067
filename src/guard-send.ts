import type { ConsentEvidence } from './consent/types.js';
import { OptedOutError, ValidationError } from './errors.js';
import { omitUndefined } from './helpers/omit-undefined.js';
import { DEFAULT_TENANT } from './helpers/tenant.js';
import type { ConsentManager } from './manager/types.js';
import type { E164 } from './phone.js';

/** What {@link guardSend} reads from a message; every other field is passed through to `send`. */
export interface GuardableMessage {
  /** The recipient, in any format the manager normalizes; `send` receives it as E.164. */
  readonly to: string;
  /** The text. The one pending opt-out confirmation passes only as exactly this text, with nothing else. */
  readonly body?: string;
  /** The sender number, kept as evidence when the provider reports an opt-out. */
  readonly from?: string;
}

/** Options of {@link guardSend}. */
export interface GuardSendOptions {
  /** The tenant whose consent applies (default: the manager's default tenant). */
  readonly tenantId?: string;
  /**
   * Recognizes the provider's "recipient opted out" failure of `send` (Twilio 21610, Telnyx 40300,
   * Plivo 200, Bandwidth 4775, …): the opt-out is then recorded (`source: 'delivery_error'`) and the
   * call rejects with `OptedOutError` whose `cause` is the provider's error.
   */
  readonly isOptedOutError?: (error: unknown) => boolean;
  /** Receives a failure to record such an opt-out (default `console.error`); the send still rejects. */
  readonly onRecordError?: (error: unknown) => void;
}

/** The fields a plain-text message may have besides `to` and `body`. */
const PLAIN_FIELDS = new Set(['to', 'body', 'from']);

/**
 * Wraps any send function (a provider client's, an HTTP call, a queue) so that nothing reaches a
 * number that opted out: `to` is normalized, `send` runs through `consent.sendChecked`, and an
 * opted-out recipient rejects with `OptedOutError` without calling it. The one FCC-allowed
 * confirmation passes once, only as a plain text message (`to`, `body`, optionally `from`; no media
 * or other content fields) whose body is exactly that text.
 *
 * @example
 * const send = guardSend(consent, (message) => telnyx.messages.send(message), {
 *   isOptedOutError: (error) => String((error as { code?: unknown }).code) === '40300',
 * });
 * await send({ to: lead.phone, from: '+18005550100', text: 'See you at 3' });
 */
export function guardSend<M extends GuardableMessage, R>(
  consent: Pick<ConsentManager, 'normalize' | 'sendChecked' | 'record'>,
  send: (message: M) => Promise<R>,
  options: GuardSendOptions = {},
): (message: M) => Promise<R> {
  const tenant = omitUndefined({ tenantId: options.tenantId });
  const reportRecordError =
    options.onRecordError ??
    ((error: unknown) => console.error('sms-consent: could not record the opt-out a send reported', error));
  return async (message) => {
    if (typeof message?.to !== 'string' || message.to.trim() === '') {
      throw new ValidationError('guardSend: `to` is required', [{ path: 'to', message: 'is required' }]);
    }
    const phone = consent.normalize(message.to);
    const plain = Object.entries(message).every(
      ([name, value]) => value === undefined || PLAIN_FIELDS.has(name),
    );
    const check = { ...tenant, ...(plain && typeof message.body === 'string' ? { body: message.body } : {}) };
    // Only a failure of `send` itself may be the provider's opt-out; the guard's own refusal is not.
    let attempted = false;
    try {
      return await consent.sendChecked(phone, check, () => {
        attempted = true;
        return send({ ...message, to: phone });
      });
    } catch (error) {
      if (!attempted || !options.isOptedOutError?.(error)) throw error;
      throw await recordProviderRefusal(consent, {
        phone,
        tenantId: options.tenantId,
        evidence: omitUndefined({ to: phone, from: message.from }),
        reason: 'has opted out at the provider',
        cause: error,
        reportRecordError,
      });
    }
  };
}

/** What {@link recordProviderRefusal} records and reports. */
export interface ProviderRefusal {
  readonly phone: E164;
  readonly tenantId: string | undefined;
  readonly evidence: ConsentEvidence;
  /** Completes "<phone> … ; nothing was sent" in the error message. */
  readonly reason: string;
  /** The provider's error. */
  readonly cause: unknown;
  readonly reportRecordError: (error: unknown) => void;
}

/**
 * A send the provider refused because the recipient opted out there: records the opt-out
 * (`source: 'delivery_error'`; a failure to record goes to `reportRecordError`, never hides the
 * refusal) and returns the `OptedOutError` to throw. Shared by {@link guardSend} and the Twilio guard.
 * @internal
 */
export async function recordProviderRefusal(
  consent: Pick<ConsentManager, 'record'>,
  refusal: ProviderRefusal,
): Promise<OptedOutError> {
  const { phone, tenantId } = refusal;
  try {
    await consent.record(
      omitUndefined({
        tenantId,
        phone,
        action: 'opt_out',
        source: 'delivery_error',
        evidence: refusal.evidence,
      }),
    );
  } catch (recordError) {
    refusal.reportRecordError(recordError);
  }
  return new OptedOutError(
    phone,
    tenantId ?? DEFAULT_TENANT,
    `${phone} ${refusal.reason}; nothing was sent`,
    {
      cause: refusal.cause,
    },
  );
}
