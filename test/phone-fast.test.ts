import fc from 'fast-check';
import { getCountries, getExampleNumber, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/max/metadata';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { tryNormalizePhone } from '../src/phone.js';
import { decideE164 } from '../src/phone-fast.js';

/** The full path: libphonenumber's parser and validator, as `parseStrict` calls them. */
function libphonenumber(e164: string): 'valid' | 'invalid' | 'other number' {
  try {
    const parsed = parsePhoneNumberWithError(e164, { extract: false });
    if (!parsed.isValid()) return 'invalid';
    return parsed.number === e164 ? 'valid' : 'other number';
  } catch {
    return 'invalid';
  }
}

const callingCodes = Object.keys(metadata.country_calling_codes);
const exampleNumbers = getCountries()
  .map((country) => getExampleNumber(country, examples)?.number)
  .filter((number): number is NonNullable<typeof number> => number !== undefined);

/** Any string of E.164 shape: a known calling code or none, then digits up to 15 in all. */
const e164Shaped = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...callingCodes),
      fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 14 }),
    )
    .map(([code, rest]) => `+${code}${rest}`.slice(0, 16))
    .filter((text) => /^\+[1-9]\d{6,14}$/.test(text)),
  fc.stringMatching(/^\+[1-9]\d{6,14}$/),
  // Example numbers of every country and their near misses: a digit changed, added or dropped.
  fc
    .tuple(fc.constantFrom(...exampleNumbers), fc.nat(), fc.constantFrom(...'0123456789'), fc.nat(2))
    .map(([number, at, digit, edit]) => {
      const index = 2 + (at % (number.length - 2));
      const head = number.slice(0, index);
      const tail = number.slice(index + (edit === 1 ? 0 : 1));
      return edit === 2 ? number : `${head}${edit === 0 ? digit : `${digit}${number[index]}`}${tail}`;
    })
    .filter((text) => /^\+[1-9]\d{6,14}$/.test(text)),
);

describe('E.164 fast path', () => {
  it('decides exactly as libphonenumber, for valid and invalid numbers alike', () => {
    const decided = { valid: 0, invalid: 0, undecided: 0 };
    fc.assert(
      fc.property(e164Shaped, (text) => {
        const fast = decideE164(text);
        if (fast !== undefined) expect(fast).toBe(libphonenumber(text));
        decided[fast ?? 'undecided']++;
      }),
      { numRuns: 20_000 },
    );
    // The comparison covered both answers, many times each.
    expect(decided.valid).toBeGreaterThan(1_000);
    expect(decided.invalid).toBeGreaterThan(1_000);
  });

  it('normalizes E.164 input as the full path does', () => {
    fc.assert(
      fc.property(e164Shaped, (text) => {
        const full = libphonenumber(text);
        const normalized = tryNormalizePhone(text, { defaultCountry: 'US' });
        if (full === 'valid') expect(normalized).toBe(text);
        // Only Mexico's legacy mobile form maps an invalid number to a valid one.
        else if (full === 'invalid' && !text.startsWith('+52')) expect(normalized).toBeNull();
      }),
      { numRuns: 5_000 },
    );
  });

  it("decides every country's example number, and the common cases of North America", () => {
    const undecided = exampleNumbers.filter((number) => decideE164(number) === undefined);
    // A few plans strip a national prefix or are non-geographic; those stay with libphonenumber.
    expect(undecided.length).toBeLessThan(exampleNumbers.length / 10);
    for (const number of ['+14155552671', '+12125550123', '+16135550123', '+18765550123', '+442079460958'])
      expect(decideE164(number)).toBe(libphonenumber(number));
    expect(decideE164('+14155552671')).toBe('valid');
    // No North American plan has exchanges starting with 0: no country, so left to libphonenumber.
    expect(decideE164('+14150552671')).toBeUndefined();
    expect(decideE164('+33612345678')).toBe('valid');
    expect(decideE164('+3361234567')).toBe('invalid');
  });
});
