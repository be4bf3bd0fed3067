import {
  isSupportedCountry,
  type CountryCode as LibphonenumberCountryCode,
  ParseError,
  type PhoneNumber,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import { InvalidPhoneNumberError, type InvalidPhoneReason } from './errors.js';
import { omitUndefined } from './helpers/omit-undefined.js';
import { createLruCache, type LruEntry } from './phone-cache.js';
import { decideE164 } from './phone-fast.js';

/**
 * A phone number in E.164 form (`+` then 7–15 digits, e.g. `+14155552671`): the key consent is
 * stored under. Branded so that only {@link normalizePhone} (or a checked `isE164`) can make
 * one, and raw CRM strings cannot be passed where a key is expected.
 *
 * @example
 * const key: E164 = normalizePhone('(415) 555-2671', { defaultCountry: 'US' }); // '+14155552671'
 */
export type E164 = string & { readonly __brand: 'E164' };

/**
 * An ISO 3166-1 alpha-2 country code known to libphonenumber-js (`'US'`, `'GB'`, `'FR'`, …), used as
 * the default country for numbers written in national form.
 */
export type CountryCode = LibphonenumberCountryCode;

/** Options of {@link normalizePhone} and {@link tryNormalizePhone}. */
export interface NormalizeOptions {
  /**
   * The country a number written without `+` (national form, or with that country's international
   * dialling prefix such as `011` or `00`) belongs to. Without it such input is rejected with reason
   * `invalid_country`: the library never guesses a country.
   */
  defaultCountry?: CountryCode;
}

/** Longest input (after trimming and dropping a URI query) worth parsing: E.164 plus formatting. */
const MAX_INPUT_LENGTH = 64;
/** Distinct inputs remembered: about 11 MB of heap when full (measured with US inputs). */
const CACHE_CAPACITY = 100_000;
/** Longer raw strings are computed each time rather than pinned in the cache. */
const MAX_CACHED_RAW_LENGTH = 96;

const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
const URI_SCHEME = /^(?:tel|sms|whatsapp):(?:\/\/)?/i;
const PHONE_CHARACTERS = /^[\d\s()+./-]*$/;
const SHORT_NUMBER = /^[\d\s().-]+$/;
// GSM 03.38 alphanumeric originators: up to 11 characters, letters, digits and a little punctuation.
const SENDER_ID = /^[A-Za-z0-9][A-Za-z0-9 &._-]{0,10}$/;
const FORMAT_CHARACTERS = /\p{Cf}/gu;
const WHITESPACE = /\s+/g;
const PARENTHESISED_CALLING_CODE = /^\(\s*(\+\d{1,3})\s*\)/;
const TRAILING_HASHES = /\s*#+$/;
const FULLWIDTH_PLUS = /\uff0b/g;

const PARSE_ERROR_REASONS: Readonly<Record<string, InvalidPhoneReason>> = {
  NOT_A_NUMBER: 'not_a_number',
  INVALID_COUNTRY: 'invalid_country',
  TOO_SHORT: 'too_short',
  TOO_LONG: 'too_long',
};

/**
 * One remembered outcome. Keyed by the raw string alone (no key concatenation on the hot path); a
 * lookup with another default country misses and replaces it, which costs one parse, never a wrong
 * answer. Valid results start with '+', reasons never do.
 */
interface CachedResult extends LruEntry {
  readonly country: CountryCode | undefined;
  readonly result: E164 | InvalidPhoneReason;
}

const cache = createLruCache<CachedResult>(CACHE_CAPACITY);

/**
 * Turns any written form of a phone number into its E.164 key: national and international formats
 * with any punctuation, the default country's international dialling prefix (`011` from the US,
 * `00` in most of Europe), `tel:`, `sms:` and `whatsapp:` URIs, and extensions (dropped). Consent
 * is keyed by this value, so every format of one person's number must meet here — and anything that
 * is not a real, complete number is refused rather than guessed. Validity is checked against the
 * full libphonenumber metadata, and results are memoized because the same numbers recur constantly.
 *
 * @throws {@link InvalidPhoneNumberError} (code `INVALID_PHONE`) whose `reason` says why: `empty`,
 * `not_a_number`, `too_short`, `too_long`, `invalid_country`, `invalid_number`, `short_code`
 * (3–6 digits written without `+`, such as `12345`) or `alphanumeric_sender` (`AMAZON`, `MyShop`).
 *
 * @example
 * normalizePhone('(415) 555-2671', { defaultCountry: 'US' }); // '+14155552671'
 * normalizePhone('tel:+1-415-555-2671;ext=12');               // '+14155552671'
 * normalizePhone('00 44 20 7946 0958', { defaultCountry: 'FR' }); // '+442079460958'
 * normalizePhone('12345', { defaultCountry: 'US' });          // throws, reason 'short_code'
 */
export function normalizePhone(raw: string, options?: NormalizeOptions): E164 {
  const result = lookup(raw, options?.defaultCountry);
  if (isE164Result(result)) return result;
  throw new InvalidPhoneNumberError(describe(raw), result);
}

/**
 * Same as {@link normalizePhone}, but returns `null` instead of throwing: for bulk input (CSV
 * imports, CRM syncs) where an invalid row is skipped or reported rather than fatal.
 *
 * @example
 * tryNormalizePhone('+44 7911 123456'); // '+447911123456'
 * tryNormalizePhone('not a phone');      // null
 */
export function tryNormalizePhone(raw: string, options?: NormalizeOptions): E164 | null {
  const result = lookup(raw, options?.defaultCountry);
  return isE164Result(result) ? result : null;
}

/**
 * A cheap syntactic check that `value` has E.164 shape (`+`, a non-zero digit, 7–15 digits in all).
 * It does not prove the number exists: use it on trusted fast paths (values this library produced
 * and stored) and {@link normalizePhone} on anything that came from outside.
 *
 * @example
 * if (isE164(row.phone)) await consent.getStatus(row.phone);
 */
export function isE164(value: string): value is E164 {
  return typeof value === 'string' && E164_PATTERN.test(value);
}

/**
 * True when `value` is a country code libphonenumber knows (`'US'`, `'GB'`, …): the check a default
 * country gets once, at configuration, instead of failing every number later.
 *
 * @example
 * isCountryCode('US'); // true
 * isCountryCode('UK'); // false (the code is 'GB')
 */
export function isCountryCode(value: unknown): value is CountryCode {
  return isKnownCountry(value);
}

function isE164Result(result: E164 | InvalidPhoneReason): result is E164 {
  return result.charCodeAt(0) === 43; // '+'
}

function lookup(raw: unknown, country: unknown): E164 | InvalidPhoneReason {
  if (typeof raw !== 'string') return 'empty';
  if (country !== undefined && !isKnownCountry(country)) return 'invalid_country';
  if (raw.length > MAX_CACHED_RAW_LENGTH) return compute(raw, country);
  const cached = cache.get(raw);
  if (cached !== undefined && cached.country === country) return cached.result;
  const result = compute(raw, country);
  cache.set(raw, { country, result, stamp: 0 });
  return result;
}

// libphonenumber's isSupportedCountry normalizes its arguments on every call: too slow for the hot path.
const knownCountries = new Set<string>();

function isKnownCountry(country: unknown): country is CountryCode {
  if (typeof country !== 'string') return false;
  if (knownCountries.has(country)) return true;
  if (!isSupportedCountry(country)) return false;
  knownCountries.add(country);
  return true;
}

function compute(raw: string, country: CountryCode | undefined): E164 | InvalidPhoneReason {
  // Input already in E.164 passes every step below unchanged, and libphonenumber ignores the
  // default country for it: where it would find the number valid, it answers the number itself.
  if (E164_PATTERN.test(raw) && decideE164(raw) === 'valid') return raw as E164;
  let text = raw.trim();
  if (text === '') return 'empty';

  const scheme = URI_SCHEME.exec(text);
  if (scheme !== null) {
    const fromUri = numberFromUri(text.slice(scheme[0].length));
    if (!fromUri.ok) return fromUri.reason;
    text = fromUri.number;
  }
  if (text.length > MAX_INPUT_LENGTH) {
    return PHONE_CHARACTERS.test(text.slice(0, MAX_INPUT_LENGTH + 1)) ? 'too_long' : 'not_a_number';
  }
  text = text
    .replace(FORMAT_CHARACTERS, '')
    .replace(WHITESPACE, ' ')
    .replace(FULLWIDTH_PLUS, '+')
    .replace(PARENTHESISED_CALLING_CODE, '$1 ')
    .replace(TRAILING_HASHES, '')
    .trim();
  if (text === '') return 'not_a_number';

  if (scheme === null && isAlphanumericSender(text)) return 'alphanumeric_sender';
  if (SHORT_NUMBER.test(text)) {
    const digits = text.replace(/\D/g, '');
    if (digits.length < 3) return 'too_short';
    if (digits.length <= 6 && digits[0] !== '0') return validShortNational(text, country) ?? 'short_code';
  }
  return parseStrict(text, country);
}

function parseStrict(text: string, country: CountryCode | undefined): E164 | InvalidPhoneReason {
  let parsed: PhoneNumber;
  try {
    parsed = parsePhoneNumberWithError(
      text,
      country === undefined ? { extract: false } : { defaultCountry: country, extract: false },
    );
  } catch (error) {
    return error instanceof ParseError
      ? (PARSE_ERROR_REASONS[error.message] ?? 'not_a_number')
      : 'not_a_number';
  }
  if (parsed.isValid()) return isE164(parsed.number) ? parsed.number : 'invalid_number';
  return legacyMexicanMobile(parsed) ?? lengthReason(text, country);
}

/** A 3–6 digit national number is a short code unless the default country really uses numbers that short. */
function validShortNational(text: string, country: CountryCode | undefined): E164 | undefined {
  if (country === undefined) return undefined;
  const result = parseStrict(text, country);
  return isE164Result(result) ? result : undefined;
}

/**
 * Mexico dropped the `1` after `+52` for mobiles in 2019, but WhatsApp and older CRMs still write
 * `+52 1 55 1234 5678`. Both forms name the same line, so the legacy one maps to the valid one.
 */
function legacyMexicanMobile(parsed: PhoneNumber): E164 | undefined {
  const national = parsed.nationalNumber;
  if (parsed.countryCallingCode !== '52' || national.length !== 11 || !national.startsWith('1')) {
    return undefined;
  }
  const result = parseStrict(`+52${national.slice(1)}`, undefined);
  return isE164Result(result) ? result : undefined;
}

function lengthReason(text: string, country: CountryCode | undefined): InvalidPhoneReason {
  let verdict: string | undefined;
  try {
    verdict = validatePhoneNumberLength(text, omitUndefined({ defaultCountry: country }));
  } catch {
    return 'invalid_number';
  }
  if (verdict === 'TOO_SHORT') return 'too_short';
  if (verdict === 'TOO_LONG') return 'too_long';
  return 'invalid_number';
}

type UriNumber = { ok: true; number: string } | { ok: false; reason: InvalidPhoneReason };

/**
 * The number of a `tel:` (RFC 3966), `sms:` (RFC 5724) or `whatsapp:` URI, scheme already removed:
 * the query (`?body=…`) and parameters (`;ext=…`, `;isub=…`) are dropped, percent-escapes decoded,
 * and a local number is completed by a `+…` phone-context. A local number in a domain context cannot
 * be placed in any country.
 */
function numberFromUri(rest: string): UriNumber {
  const queryAt = rest.indexOf('?');
  const withoutQuery = queryAt === -1 ? rest : rest.slice(0, queryAt);
  if (withoutQuery.length > MAX_INPUT_LENGTH * 2) return { ok: false, reason: 'too_long' };
  const [encoded = '', ...parameters] = withoutQuery.split(';');
  let number: string;
  try {
    number = decodeURIComponent(encoded).trim();
  } catch {
    return { ok: false, reason: 'not_a_number' };
  }
  if (number === '') return { ok: false, reason: 'not_a_number' };
  if (number.startsWith('+')) return { ok: true, number };

  const context = parameters.find((parameter) => parameter.toLowerCase().startsWith('phone-context='));
  if (context === undefined) return { ok: true, number };
  let prefix: string;
  try {
    prefix = decodeURIComponent(context.slice('phone-context='.length));
  } catch {
    return { ok: false, reason: 'not_a_number' };
  }
  if (!prefix.startsWith('+')) return { ok: false, reason: 'invalid_country' };
  return { ok: true, number: `${prefix} ${number}` };
}

/** Letters with fewer digits than letters, at most 11 characters: how SMS sender ids look. */
function isAlphanumericSender(text: string): boolean {
  if (!SENDER_ID.test(text)) return false;
  let letters = 0;
  let digits = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) digits++;
    else if ((code | 32) >= 97 && (code | 32) <= 122) letters++;
  }
  return letters > 0 && digits < letters;
}

function describe(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  try {
    return String(raw);
  } catch {
    return typeof raw;
  }
}
