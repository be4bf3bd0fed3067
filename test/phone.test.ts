import fc from 'fast-check';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { ConsentError, InvalidPhoneNumberError, type InvalidPhoneReason } from '../src/errors.js';
import { type CountryCode, isE164, normalizePhone, tryNormalizePhone } from '../src/phone.js';
import { createLruCache, type LruCache } from '../src/phone-cache.js';

type ValidCase = readonly [raw: string, defaultCountry: CountryCode | undefined, expected: string];
type InvalidCase = readonly [raw: unknown, defaultCountry: string | undefined, reason: InvalidPhoneReason];

function normalize(raw: unknown, defaultCountry: string | undefined): string {
  return normalizePhone(
    raw as string,
    defaultCountry === undefined ? undefined : { defaultCountry: defaultCountry as CountryCode },
  );
}

function reasonOf(raw: unknown, defaultCountry: string | undefined): InvalidPhoneReason | 'accepted' {
  try {
    normalize(raw, defaultCountry);
    return 'accepted';
  } catch (error) {
    if (error instanceof InvalidPhoneNumberError) return error.reason;
    throw error;
  }
}

const VALID: readonly ValidCase[] = [
  // United States: national formats with any punctuation, trunk prefix 1, +1
  ['(415) 555-2671', 'US', '+14155552671'],
  ['415.555.2671', 'US', '+14155552671'],
  ['415-555-2671', 'US', '+14155552671'],
  ['4155552671', 'US', '+14155552671'],
  ['1-415-555-2671', 'US', '+14155552671'],
  ['+1 415 555 2671', undefined, '+14155552671'],
  ['+1 (415) 555-2671', 'GB', '+14155552671'],
  ['(+1) 415 555 2671', undefined, '+14155552671'],
  ['  +1.415.555.2671\n', undefined, '+14155552671'],
  ['+1\t415\u00a0555\u200e2671', undefined, '+14155552671'],
  ['\uff0b\uff11\uff14\uff11\uff15\uff15\uff15\uff15\uff12\uff16\uff17\uff11', undefined, '+14155552671'],
  // URIs
  ['tel:+1-415-555-2671', undefined, '+14155552671'],
  ['TEL:+1-415-555-2671;ext=12', undefined, '+14155552671'],
  ['tel:555-2671;phone-context=+1-415', undefined, '+14155552671'],
  ['sms:+14155552671?body=hi', undefined, '+14155552671'],
  ['SMS:%2B14155552671', undefined, '+14155552671'],
  ['sms://+14155552671', undefined, '+14155552671'],
  ['whatsapp:+14155552671', undefined, '+14155552671'],
  ['WhatsApp:+447911123456', undefined, '+447911123456'],
  ['whatsapp:4155552671', 'US', '+14155552671'],
  // Extensions are dropped from the key
  ['(415) 555-2671 ext. 12', 'US', '+14155552671'],
  ['415 555 2671 x12', 'US', '+14155552671'],
  ['4155552671#12', 'US', '+14155552671'],
  ['4155552671;ext=12', 'US', '+14155552671'],
  ['+1 415 555 2671 extension 12', undefined, '+14155552671'],
  ['+1 415 555 2671#', undefined, '+14155552671'],
  // Canada
  ['(613) 555-0199', 'CA', '+16135550199'],
  ['1 613 555 0199', 'CA', '+16135550199'],
  ['011 33 6 12 34 56 78', 'CA', '+33612345678'],
  // International dialling prefixes of the default country
  ['011 44 20 7946 0958', 'US', '+442079460958'],
  ['00 44 20 7946 0958', 'FR', '+442079460958'],
  ['0049 30 123456', 'GB', '+4930123456'],
  ['0011 44 20 7946 0958', 'AU', '+442079460958'],
  ['00 1 415 555 2671', 'MX', '+14155552671'],
  // United Kingdom
  ['020 7946 0958', 'GB', '+442079460958'],
  ['07911 123456', 'GB', '+447911123456'],
  ['+44 (0) 20 7946 0958', undefined, '+442079460958'],
  // France
  ['06 12 34 56 78', 'FR', '+33612345678'],
  ['+33 6 12 34 56 78', undefined, '+33612345678'],
  ['+33 (0)6 12 34 56 78', undefined, '+33612345678'],
  // Germany
  ['030 123456', 'DE', '+4930123456'],
  ['+49 1512 3456789', undefined, '+4915123456789'],
  ['01512 3456789', 'DE', '+4915123456789'],
  // Mexico, including the pre-2019 mobile form WhatsApp still sends
  ['55 1234 5678', 'MX', '+525512345678'],
  ['+52 55 1234 5678', undefined, '+525512345678'],
  ['+52 1 55 1234 5678', undefined, '+525512345678'],
  ['whatsapp:+5215512345678', undefined, '+525512345678'],
  // Australia
  ['04 1234 5678', 'AU', '+61412345678'],
  ['(02) 9876 5432', 'AU', '+61298765432'],
  ['+61 4 1234 5678', undefined, '+61412345678'],
  // A country whose real numbers are as short as short codes
  ['7012', 'NU', '+6837012'],
];

const INVALID: readonly InvalidCase[] = [
  ['', undefined, 'empty'],
  ['   \t\n', 'US', 'empty'],
  [null, 'US', 'empty'],
  [undefined, undefined, 'empty'],
  [4155552671, 'US', 'empty'],
  ['hello@example.com', 'US', 'not_a_number'],
  ['N/A', 'US', 'not_a_number'],
  ['call me at 415 555 2671', 'US', 'not_a_number'],
  ['\u{1F642}', 'US', 'not_a_number'],
  ['+1 415 555 2671 \u{1F600}', undefined, 'not_a_number'],
  ['\ud800', 'US', 'not_a_number'],
  ['+1 415 \udc00555 2671', undefined, 'not_a_number'],
  ['x'.repeat(100_000), 'US', 'not_a_number'],
  ['tel:', undefined, 'not_a_number'],
  ['sms:%E0%A4%A', undefined, 'not_a_number'],
  ['+', 'US', 'not_a_number'],
  ['+14155552671,+14155552672', undefined, 'not_a_number'],
  ['1-800-FLOWERS', 'US', 'not_a_number'],
  ['1', 'US', 'too_short'],
  ['12', undefined, 'too_short'],
  ['+1 415 555 267', undefined, 'too_short'],
  ['555-2671', 'US', 'too_short'],
  ['1234567', 'US', 'too_short'],
  ['+1 415 555 2671 1', undefined, 'too_long'],
  ['+141555526711', undefined, 'too_long'],
  ['1'.repeat(100), 'US', 'too_long'],
  ['+1234567890123456789', undefined, 'too_long'],
  ['00 44 20 7946 0958', 'US', 'too_long'], // 00 is not the US international prefix: read as national
  ['4155552671', undefined, 'invalid_country'],
  ['(415) 555-2671', undefined, 'invalid_country'],
  ['011 44 20 7946 0958', undefined, 'invalid_country'],
  ['+999 123 4567', undefined, 'invalid_country'],
  ['+14155552671', 'XX', 'invalid_country'],
  ['4155552671', 'us', 'invalid_country'],
  ['tel:2671;phone-context=example.com', undefined, 'invalid_country'],
  ['+1 555 555 5555', undefined, 'invalid_number'],
  ['+1 222 333 3333', undefined, 'invalid_number'],
  ['(999) 555-2671', 'US', 'invalid_number'],
  ['4155552671', 'GB', 'invalid_number'],
  ['+61 1 2345 6789', undefined, 'invalid_number'],
  ['+49 999 1234567', undefined, 'invalid_number'],
  ['12345', 'US', 'short_code'],
  ['898-211', 'US', 'short_code'],
  ['898211', undefined, 'short_code'],
  ['262 966', 'CA', 'short_code'],
  ['911', 'US', 'short_code'],
  ['sms:898211?body=STOP', undefined, 'short_code'],
  ['MyShop', 'US', 'alphanumeric_sender'],
  ['AMAZON', undefined, 'alphanumeric_sender'],
  ['VERIFY-ME', 'GB', 'alphanumeric_sender'],
  ['Booking.com', undefined, 'alphanumeric_sender'],
  ['Bank 24', 'DE', 'alphanumeric_sender'],
];

describe('normalizePhone', () => {
  it.each(VALID)('normalizes %j (default country %s) to %s', (raw, defaultCountry, expected) => {
    expect(normalize(raw, defaultCountry)).toBe(expected);
  });

  it.each(INVALID)('rejects %j (default country %s) with reason %s', (raw, defaultCountry, reason) => {
    expect(reasonOf(raw, defaultCountry)).toBe(reason);
  });

  it('covers every rejection reason at least twice', () => {
    const counts = new Map<InvalidPhoneReason, number>();
    for (const [, , reason] of INVALID) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    const reasons: InvalidPhoneReason[] = [
      'empty',
      'not_a_number',
      'too_short',
      'too_long',
      'invalid_country',
      'invalid_number',
      'short_code',
      'alphanumeric_sender',
    ];
    for (const reason of reasons) expect(counts.get(reason) ?? 0, reason).toBeGreaterThanOrEqual(2);
  });

  it('throws an InvalidPhoneNumberError with code INVALID_PHONE, the reason and the input', () => {
    const error = (() => {
      try {
        normalizePhone('12345', { defaultCountry: 'US' });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidPhoneNumberError);
    expect(error).toBeInstanceOf(ConsentError);
    expect(error).toMatchObject({ code: 'INVALID_PHONE', reason: 'short_code', input: '12345' });
  });

  it('returns the same key for repeated lookups of a number (memoized)', () => {
    const first = normalizePhone('+1 (415) 555-2671');
    for (let round = 0; round < 1_000; round++) expect(normalizePhone('+1 (415) 555-2671')).toBe(first);
  });

  it('throws a fresh error every time for a memoized invalid input', () => {
    const errors = Array.from({ length: 3 }, () => {
      try {
        normalizePhone('AMAZON');
      } catch (error) {
        return error;
      }
      return undefined;
    });
    for (const error of errors) expect(error).toMatchObject({ reason: 'alphanumeric_sender' });
    expect(errors[0]).not.toBe(errors[1]);
    expect(errors[1]).not.toBe(errors[2]);
  });

  it('keeps default countries apart in the cache', () => {
    expect(normalizePhone('020 7946 0958', { defaultCountry: 'GB' })).toBe('+442079460958');
    expect(reasonOf('020 7946 0958', undefined)).toBe('invalid_country');
    expect(reasonOf('020 7946 0958', 'US')).not.toBe('accepted');
    expect(normalizePhone('020 7946 0958', { defaultCountry: 'GB' })).toBe('+442079460958');
  });
});

describe('tryNormalizePhone', () => {
  it('returns the E.164 key for a valid number', () => {
    expect(tryNormalizePhone('07911 123456', { defaultCountry: 'GB' })).toBe('+447911123456');
  });

  it.each(INVALID)('returns null for %j (default country %s)', (raw, defaultCountry) => {
    const options =
      defaultCountry === undefined ? undefined : { defaultCountry: defaultCountry as CountryCode };
    expect(tryNormalizePhone(raw as string, options)).toBeNull();
  });
});

describe('isE164', () => {
  it.each(['+14155552671', '+442079460958', '+6837012', '+123456789012345'])('accepts %s', (value) => {
    expect(isE164(value)).toBe(true);
  });

  it.each(['14155552671', '+0123456789', '+1 415 555 2671', '+12345', '+1234567890123456', ''])(
    'rejects %j',
    (value) => {
      expect(isE164(value)).toBe(false);
    },
  );
});

describe('createLruCache', () => {
  interface Item {
    stamp: number;
    value: string;
  }
  const item = (value: string): Item => ({ stamp: 0, value });
  const read = (cache: LruCache<Item>, key: string) => cache.get(key)?.value;

  it('never holds more than its capacity and evicts the least recently used entry', () => {
    const cache = createLruCache<Item>(2);
    cache.set('a', item('1'));
    cache.set('b', item('2'));
    expect(read(cache, 'a')).toBe('1');
    cache.set('c', item('3'));
    expect(cache.size).toBe(2);
    expect(read(cache, 'b')).toBeUndefined();
    expect(read(cache, 'a')).toBe('1');
    expect(read(cache, 'c')).toBe('3');
  });

  it('refreshes an entry that is set again', () => {
    const cache = createLruCache<Item>(2);
    cache.set('a', item('1'));
    cache.set('b', item('2'));
    cache.set('a', item('10'));
    cache.set('c', item('3'));
    expect(read(cache, 'a')).toBe('10');
    expect(read(cache, 'b')).toBeUndefined();
  });

  it('keeps an entry that is read at least once every capacity / 2 insertions', () => {
    const cache = createLruCache<Item>(100);
    cache.set('hot', item('kept'));
    for (let index = 0; index < 1_000; index++) {
      cache.set(`cold-${index}`, item(String(index)));
      if (index % 50 === 0) expect(read(cache, 'hot')).toBe('kept');
    }
    expect(cache.size).toBe(100);
    expect(read(cache, 'cold-0')).toBeUndefined();
    expect(read(cache, 'cold-999')).toBe('999');
  });

  it('stays bounded under a stream of distinct keys', () => {
    const cache = createLruCache<Item>(10);
    for (let index = 0; index < 1_000; index++) cache.set(String(index), item('x'));
    expect(cache.size).toBe(10);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('keeps the least recently used order under a long stream of hits and distinct keys', () => {
    const cache = createLruCache<Item>(1_000);
    for (let round = 0; round < 50; round++) {
      for (let index = 0; index < 1_000; index++)
        read(cache, `hot-${index % 400}`) ?? cache.set(`hot-${index % 400}`, item('h'));
      for (let index = 0; index < 500; index++) cache.set(`cold-${round}-${index}`, item('c'));
    }
    expect(cache.size).toBe(1_000);
    for (let index = 0; index < 400; index++) expect(read(cache, `hot-${index}`)).toBe('h');
    expect(read(cache, 'cold-48-0')).toBeUndefined();
    expect(read(cache, 'cold-49-499')).toBe('c');
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => createLruCache(0)).toThrow(RangeError);
    expect(() => createLruCache(1.5)).toThrow(RangeError);
  });
});

const phoneCharacter = fc.constantFrom(
  ...'0123456789+()-. #;=:/x?%'.split(''),
  'tel:',
  'sms:',
  'whatsapp:',
  'ext',
  '\u200b',
  '\ud800',
  '\u{1F600}',
  '\uff11',
  'A',
);
const phoneLike = fc.array(phoneCharacter, { maxLength: 30 }).map((parts) => parts.join(''));
const anyInput = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  phoneLike,
  fc.anything(),
  fc.string({ minLength: 60, maxLength: 200 }),
);
const anyCountry = fc.option(fc.constantFrom('US', 'CA', 'GB', 'FR', 'DE', 'MX', 'AU', 'XX', 'us'), {
  nil: undefined,
});

// Templates of real ranges with the last digits left random, so most draws are valid numbers.
const validNumber = fc
  .tuple(
    fc.constantFrom(
      '+1415555',
      '+1613555',
      '+4420794',
      '+447911',
      '+3361234',
      '+4930123',
      '+52551234',
      '+614123',
    ),
    fc.integer({ min: 0, max: 9999 }),
  )
  .map(([prefix, tail]) => `${prefix}${String(tail).padStart(4, '0')}`)
  .filter((candidate) => tryNormalizePhone(candidate) !== null);

describe('properties', () => {
  it('never throws anything but InvalidPhoneNumberError, and tryNormalizePhone never throws', () => {
    fc.assert(
      fc.property(anyInput, anyCountry, (raw, defaultCountry) => {
        const options =
          defaultCountry === undefined ? undefined : { defaultCountry: defaultCountry as CountryCode };
        try {
          const key = normalizePhone(raw as string, options);
          expect(isE164(key)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidPhoneNumberError);
        }
        expect(() => tryNormalizePhone(raw as string, options)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );
  });

  it('is idempotent on its own output', () => {
    fc.assert(
      fc.property(fc.oneof(phoneLike, validNumber), anyCountry, (raw, defaultCountry) => {
        const options =
          defaultCountry === undefined ? undefined : { defaultCountry: defaultCountry as CountryCode };
        const key = tryNormalizePhone(raw, options);
        if (key === null) return;
        expect(normalizePhone(key)).toBe(key);
        expect(normalizePhone(key, { defaultCountry: 'FR' })).toBe(key);
      }),
      { numRuns: 1_000 },
    );
  });

  it('gives the same key for every way of writing the same number', () => {
    fc.assert(
      fc.property(validNumber, fc.constantFrom<CountryCode>('US', 'GB', 'FR', 'AU'), (e164, caller) => {
        const parsed = parsePhoneNumberWithError(e164);
        const key = normalizePhone(e164);
        const country = parsed.country;
        if (country !== undefined) {
          expect(normalizePhone(parsed.formatNational(), { defaultCountry: country })).toBe(key);
        }
        expect(normalizePhone(parsed.formatInternational())).toBe(key);
        expect(normalizePhone(parsed.getURI())).toBe(key);
        expect(normalizePhone(`${parsed.getURI()};ext=42`)).toBe(key);
        expect(normalizePhone(`sms:${e164}?body=STOP`)).toBe(key);
        expect(normalizePhone(`whatsapp:${e164}`)).toBe(key);
        expect(normalizePhone(`${parsed.formatInternational()} ext. 7`)).toBe(key);
        const dialled = parsed.format('IDD', { fromCountry: caller });
        if (dialled !== undefined && dialled !== '') {
          expect(normalizePhone(dialled, { defaultCountry: caller })).toBe(key);
        }
      }),
      { numRuns: 500 },
    );
  });
});
