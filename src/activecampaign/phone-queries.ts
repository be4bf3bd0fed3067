import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { type CountryCode, type E164, normalizePhone } from '../phone.js';

/**
 * The `phone=` queries that find one number in ActiveCampaign, where the filter is a prefix match on
 * the phone as it was typed: the E.164 form (`+14155552671`), the digits with and without the
 * country code (`14155552671`, `4155552671`), the national and international formats
 * (`(415) 555-2671`, `+1 415 555 2671`) and the national groups joined by `-`, `.` and a space
 * (`415-555-2671`, `415.555.2671`, `415 555 2671`). A query that another query starts with is
 * dropped (its hits are already found). Formats outside this list (`4155 552 671`) are not found:
 * pass your own `phoneQueries` for them. A value that is not a phone number throws an
 * `InvalidPhoneNumberError` (code `INVALID_PHONE`).
 *
 * @example
 * activeCampaignPhoneQueries(normalizePhone('+14155552671'));
 */
export function activeCampaignPhoneQueries(phone: E164): string[] {
  // normalizePhone throws an InvalidPhoneNumberError (code INVALID_PHONE) for what is not a number,
  // so libphonenumber's ParseError never escapes.
  const e164 = normalizePhone(phone);
  const parsed = parsePhoneNumberWithError(e164);
  const international = parsed.formatInternational();
  const national = parsed.formatNational();
  const groups = international.split(' ').slice(1);
  const candidates = [
    e164,
    `${parsed.countryCallingCode}${parsed.nationalNumber}`,
    String(parsed.nationalNumber),
    national.replace(/\D/g, ''),
    national,
    international,
    groups.join('-'),
    groups.join('.'),
    groups.join(' '),
  ];
  const unique = [...new Set(candidates.filter((query) => query.length >= 4))];
  return unique.filter((query) => !unique.some((other) => other !== query && query.startsWith(other)));
}

/** The country of an E.164 number (for reading hits typed in national form), if one is known. */
export function countryOf(phone: E164): CountryCode | undefined {
  try {
    return parsePhoneNumberWithError(phone).country;
  } catch {
    return undefined;
  }
}
