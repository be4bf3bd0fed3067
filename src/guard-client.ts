import { ValidationError } from './errors.js';
import { recordProviderRefusal } from './guard-send.js';
import type { ConsentManager } from './manager/types.js';
import type { E164 } from './phone.js';
import { international } from './webhooks/parse.js';

/** Options every provider client guard takes. */
export interface GuardClientOptions {
  /** The tenant whose consent applies (default: the manager's default tenant). */
  readonly tenantId?: string;
  /**
   * Recognizes the provider's "recipient opted out" refusal of a send, replacing the guard's
   * default (the documented code, where the provider answers one at send time). The opt-out is then
   * recorded (`source: 'delivery_error'`) and the call rejects with `OptedOutError`.
   */
  readonly isOptedOutError?: (error: unknown) => boolean;
  /** Receives a failure to record such an opt-out (default `console.error`); the send still rejects. */
  readonly onRecordError?: (error: unknown) => void;
}

/** One send as a provider guard sees it. */
export interface GuardedSend<R> {
  /** The provider, for messages ("Telnyx"). */
  readonly provider: string;
  /** The SDK method, for messages ("messages.send"). */
  readonly method: string;
  /** The recipients as the caller gave them. */
  readonly recipients: readonly unknown[];
  /**
   * True for providers whose numbers are E.164 digits without `+` (Vonage, Plivo): `14155552671`
   * is then read as international, never through the default country.
   */
  readonly digitsAreInternational: boolean;
  /** The text, when the message is plain text only (no media, template or schedule): it may be the confirmation. */
  readonly confirmationText: string | undefined;
  /** The sender, kept as evidence when the provider refuses. */
  readonly from: unknown;
  /** Calls the SDK with the normalized recipients. */
  readonly send: (recipients: readonly E164[]) => Promise<R>;
  /** The provider's error code when `error` is its "recipient opted out" refusal. */
  readonly optedOutCode: (error: unknown) => number | undefined;
}

/** What a client guard needs of the manager. */
export type GuardConsent = Pick<ConsentManager, 'normalize' | 'assertCanSend' | 'sendChecked' | 'record'>;

/**
 * What every provider client guard does around one SDK call: normalize each recipient,
 * check it before anything leaves (a single recipient through `sendChecked`, so the one pending
 * confirmation passes only as plain text and is put back when the send fails; several recipients
 * with `assertCanSend`, never as the confirmation), then record the provider's opted-out refusal through the same path as
 * `guardSend` and reject with `OptedOutError`. Anything else the SDK throws passes through.
 * @internal
 */
export async function runGuardedSend<R>(
  consent: GuardConsent,
  options: GuardClientOptions,
  call: GuardedSend<R>,
): Promise<R> {
  if (
    call.recipients.length === 0 ||
    call.recipients.some((to) => typeof to !== 'string' || to.trim() === '')
  ) {
    throw new ValidationError(`${call.method}: the recipient is required`, [
      { path: 'to', message: 'is required' },
    ]);
  }
  const phones = (call.recipients as string[]).map((to) =>
    consent.normalize(call.digitsAreInternational ? international(to.trim()) : to),
  );
  const tenant = options.tenantId === undefined ? {} : { tenantId: options.tenantId };
  const confirmation =
    phones.length === 1 && call.confirmationText !== undefined ? { body: call.confirmationText } : {};
  // Only a failure of the SDK call itself may be the provider's refusal; the guard's own is not.
  let attempted = false;
  const send = () => {
    attempted = true;
    return call.send(phones);
  };
  try {
    // One recipient goes through `sendChecked`, so a confirmation whose send failed is put back;
    // a send to several is never the confirmation, so each recipient is only checked.
    if (phones.length === 1)
      return await consent.sendChecked(phones[0] as E164, { ...tenant, ...confirmation }, send);
    for (const phone of phones) await consent.assertCanSend(phone, tenant);
    return await send();
  } catch (error) {
    if (!attempted) throw error;
    const code = options.isOptedOutError
      ? options.isOptedOutError(error)
        ? (call.optedOutCode(error) ?? Number.NaN)
        : undefined
      : call.optedOutCode(error);
    // A refusal of a send to several recipients does not say whose opt-out it is.
    const phone = phones.length === 1 ? phones[0] : undefined;
    if (code === undefined || phone === undefined) throw error;
    const known = Number.isNaN(code) ? undefined : code;
    throw await recordProviderRefusal(consent, {
      phone,
      tenantId: options.tenantId,
      evidence: {
        to: phone,
        ...(known === undefined ? {} : { errorCode: known }),
        ...(typeof call.from === 'string' ? { from: call.from } : {}),
      },
      reason: `has opted out at ${call.provider}${known === undefined ? '' : ` (error ${known})`}`,
      cause: error,
      reportRecordError:
        options.onRecordError ??
        ((recordError: unknown) =>
          console.error(`sms-consent: could not record the opt-out ${call.provider} reported`, recordError)),
    });
  }
}

/** True when every set field of `params` is in `allowed`: a plain text message, fit to be the confirmation. */
export function onlyFields(params: object, allowed: ReadonlySet<string>): boolean {
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && !allowed.has(name)) return false;
  }
  return true;
}
