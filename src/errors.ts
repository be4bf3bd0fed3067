/**
 * Every error code sms-consent can raise, with its meaning. Codes are stable: callers branch on
 * `error.code`, never on the message.
 */
export const ERROR_CODES = {
  INVALID_PHONE: 'The input is not a phone number that can be turned into E.164.',
  OPTED_OUT: 'The recipient has opted out of SMS; nothing may be sent to them.',
  INVALID_INPUT: 'An argument or payload failed validation.',
  INVALID_SIGNATURE: 'A webhook signature is missing or does not match.',
  STORE_FAILURE:
    'The consent store failed; nothing was written (unless the error says the outcome is unknown).',
  STORE_LOCKED:
    'The embedded database folder is held by another process (or another PGlite instance); nothing was opened.',
  CRM_FAILURE: 'The CRM rejected or failed a request.',
  CONFIG: 'The library was configured in a way that cannot work.',
} as const;

/** One of the stable codes in {@link ERROR_CODES}. */
export type ConsentErrorCode = keyof typeof ERROR_CODES;

/**
 * Base class of every error sms-consent throws. Branch on `code`; the original failure of an
 * adapter (database, HTTP) is kept as `cause`.
 *
 * @example
 * try { await consent.assertCanSend(phone); }
 * catch (error) { if (error instanceof ConsentError && error.code === 'OPTED_OUT') skip(phone); }
 */
export class ConsentError extends Error {
  readonly code: ConsentErrorCode;

  constructor(code: ConsentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConsentError';
    this.code = code;
  }
}

/** Why a phone number was rejected by {@link normalizePhone}. */
export type InvalidPhoneReason =
  | 'empty'
  | 'not_a_number'
  | 'too_short'
  | 'too_long'
  | 'invalid_country'
  | 'invalid_number'
  | 'short_code'
  | 'alphanumeric_sender';

/** Thrown by `normalizePhone` (code `INVALID_PHONE`); `reason` says what is wrong with `input`. */
export class InvalidPhoneNumberError extends ConsentError {
  readonly reason: InvalidPhoneReason;
  readonly input: string;

  constructor(input: string, reason: InvalidPhoneReason) {
    super('INVALID_PHONE', `Invalid phone number ${JSON.stringify(truncate(input))}: ${reason}`);
    this.name = 'InvalidPhoneNumberError';
    this.reason = reason;
    this.input = input;
  }
}

/** Thrown by `assertCanSend` and the guarded clients (code `OPTED_OUT`) for an opted-out recipient. */
export class OptedOutError extends ConsentError {
  readonly phone: string;
  readonly tenantId: string;

  constructor(phone: string, tenantId: string, message?: string, options?: { cause?: unknown }) {
    super('OPTED_OUT', message ?? `${phone} has opted out of SMS (tenant ${tenantId})`, options);
    this.name = 'OptedOutError';
    this.phone = phone;
    this.tenantId = tenantId;
  }
}

/** Thrown when an argument or payload fails validation (code `INVALID_INPUT`); `issues` names the fields. */
export class ValidationError extends ConsentError {
  readonly issues: readonly { path: string; message: string }[];

  constructor(message: string, issues: readonly { path: string; message: string }[] = []) {
    super('INVALID_INPUT', message);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
