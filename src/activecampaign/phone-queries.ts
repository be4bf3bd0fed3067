import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { type CountryCode, type E164, normalizePhone } from '../phone.js';

/**
 * The `phone=` queries that find one number in ActiveCampaign, where the filter is a prefix match on
 * the phone as it was typed: the E.164 form (`+14155552671`), the digits with and without the
 * country code (`14155552671`, `4155552671`), the national and international formats
 * (`(415) 555-2671`, `+1 415 555 2671`) and the national groups joined by `-`, `.` and a space
 * (`415-555-2671`, `415.555.2671`, `415 555 2671`). A query that another query starts with is
 * dropped (its hits are already found). Formats outside this list (`+1 415-555-2671`) are found by
 * the `search=` query of {@link activeCampaignPhoneSearch}. A value that is not a phone
 * number throws an `InvalidPhoneNumberError` (code `INVALID_PHONE`).
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

/** How many trailing digits {@link activeCampaignPhoneSearch} searches for at most, by default. */
export const PHONE_SEARCH_DIGITS = 3;

/**
 * The `search=` terms that find one number in ActiveCampaign in formats no prefix query covers
 * (`+1 415-555-2671`, `4155 552 671`, `1 (415) 555-2671 ext. 12`, `+33 (0)6 12 34 56 78`). The
 * `search` filter matches a value in the contact's names, organization, phone or email, so a search
 * on the number's last digits returns every contact whose phone contains them, plus some noise that
 * the adapter drops by normalizing each hit and keeping exact E.164 matches. One term: the last
 * `digits` (default 3) digits, or fewer when the number's national format ends in a shorter group
 * (French numbers end in pairs: `06 12 34 56 78` gives `78`). A longer term would find nothing more
 * (every phone that contains the last four digits contains the last three) and fewer would find
 * formats that split even those (`415 555 26 71`), at about ten times the hits per digit less:
 * `phoneSearch: (phone) => activeCampaignPhoneSearch(phone, 2)`.
 *
 * @example
 * activeCampaignPhoneSearch(normalizePhone('+14155552671')); // ['671']
 */
export function activeCampaignPhoneSearch(phone: E164, digits = PHONE_SEARCH_DIGITS): string[] {
  const parsed = parsePhoneNumberWithError(normalizePhone(phone));
  const lastGroup = parsed.formatNational().split(/\D+/).filter(Boolean).at(-1) ?? '';
  const length = Math.max(1, Math.min(Math.floor(digits), lastGroup.length || digits));
  return [String(parsed.nationalNumber).slice(-length)];
}

/** The country of an E.164 number (for reading hits typed in national form), if one is known. */
export function countryOf(phone: E164): CountryCode | undefined {
  try {
    return parsePhoneNumberWithError(phone).country;
  } catch {
    return undefined;
  }
}
