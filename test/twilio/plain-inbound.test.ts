import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inboundSchema } from '../../src/twilio/inbound.js';
import { decodeForm } from '../../src/twilio/params.js';
import { plainInboundFields } from '../../src/twilio/plain-inbound.js';
import { inboundParams } from './fixtures.js';

const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 32, maxLength: 32 });
const sidOf = (prefixes: readonly string[]) =>
  fc
    .tuple(fc.constantFrom(...prefixes, ...prefixes.map((prefix) => prefix.toLowerCase())), hex)
    .map(([p, h]) => p + h);
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\u00a0', '\ufeff+1 415\u2028', '\u200b', 'STOP', ' stop ', 'ＳＴＯＰ', '𝐒𝐓𝐎𝐏'),
);
const phone = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '+14155552671',
      ' +1 (415) 555-2671 ',
      '4155552671',
      'whatsapp:+14155552671',
      '',
    ),
  },
  text,
  fc
    .tuple(fc.constantFrom(0, 1, 199, 200, 201, 250), fc.constantFrom('', ' ', '\t\n'))
    .map(([length, space]) => `${space}${'x'.repeat(length)}${space}`),
);
const body = fc.oneof(
  { weight: 4, arbitrary: text },
  fc.constantFrom(99_999, 100_000, 100_001).map((length) => 'b'.repeat(length)),
);
const numMedia = fc.oneof(
  fc.constantFrom('', '0', '1', '10', '007', '123456789', '1234567890', ' 1', '1 ', '-1', '1.5', '1e3', '٣'),
  { weight: 2, arbitrary: fc.nat({ max: 1_999_999_999 }).map(String) },
  text,
);
const optOutType = fc.oneof(
  fc.constantFrom(
    'STOP',
    'START',
    'HELP',
    'stop',
    ' Help ',
    '',
    ' ',
    'x'.repeat(100),
    ` ${'x'.repeat(100)} `,
    'x'.repeat(101),
  ),
  text,
);
/** A value of a field in a record that is not the ordinary shape. */
const odd = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
  text,
);
const extraName = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'MessageStatus',
    'SmsSid',
    'ToCountry',
  ),
  fc.string(),
);

/** Marks a field left out of the record. */
const ABSENT = Symbol('absent');
const absent = fc.constant(ABSENT);

/** Field values of the expected form mostly, each with its odd values too, sometimes left out. */
const fieldValues = fc.record({
  MessageSid: fc.oneof(
    { weight: 25, arbitrary: sidOf(['SM', 'MM']) },
    sidOf(['MG', 'AC']),
    text,
    odd,
    absent,
  ),
  AccountSid: fc.oneof({ weight: 25, arbitrary: sidOf(['AC']) }, sidOf(['SM']), text, odd, absent),
  From: fc.oneof({ weight: 25, arbitrary: phone }, odd, absent),
  To: fc.oneof({ weight: 25, arbitrary: phone }, odd, absent),
  Body: fc.oneof({ weight: 25, arbitrary: body }, odd, absent),
  NumMedia: fc.oneof({ weight: 12, arbitrary: numMedia }, odd, { weight: 2, arbitrary: absent }),
  MessagingServiceSid: fc.oneof({ weight: 8, arbitrary: sidOf(['MG']) }, sidOf(['AC']), text, odd, {
    weight: 3,
    arbitrary: absent,
  }),
  OptOutType: fc.oneof({ weight: 8, arbitrary: optOutType }, odd, { weight: 3, arbitrary: absent }),
});
const extras = fc.array(fc.tuple(extraName, fc.oneof(text, odd)), { maxLength: 4 });

const kind = fc.oneof(
  { weight: 4, arbitrary: fc.constant('null-prototype') },
  { weight: 2, arbitrary: fc.constantFrom('plain', 'json') },
  fc.constantFrom('class', 'array'),
);

/** The same fields as the webhook's null-prototype record, a plain object, or JSON's object. */
const record = fc.tuple(fieldValues, extras, kind).map(([fields, more, kind]) => {
  const entries = [...Object.entries(fields).filter(([, value]) => value !== ABSENT), ...more];
  if (kind === 'json') return JSON.parse(JSON.stringify(Object.fromEntries(entries))) as unknown;
  if (kind === 'array') {
    return Object.assign([], Object.fromEntries(entries.filter(([name]) => name !== 'length'))) as unknown;
  }
  const target: Record<string, unknown> =
    kind === 'null-prototype' ? Object.create(null) : kind === 'class' ? new (class Fields {})() : {};
  for (const [name, value] of entries)
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  return target;
});

/** Records of the ordinary shape only: every field of the expected form. */
const ordinary = fc
  .record(
    {
      MessageSid: sidOf(['SM', 'MM']),
      AccountSid: sidOf(['AC']),
      From: fc.constantFrom('+14155552671', ' +1 (415) 555-2671 ', 'whatsapp:+14155552671', '👋'),
      To: fc.constantFrom('+18005550100', '8005550100'),
      Body: fc.string({ unit: 'grapheme', maxLength: 400 }),
      NumMedia: fc.oneof(fc.constant(''), fc.nat({ max: 999_999_999 }).map(String)),
      MessagingServiceSid: sidOf(['MG']),
      OptOutType: fc.constantFrom('STOP', 'START', 'HELP', 'stop', ''),
    },
    { requiredKeys: ['MessageSid', 'AccountSid', 'From', 'To', 'Body'] },
  )
  .chain((fields) =>
    extras.map((more) => ({
      ...Object.fromEntries(more.filter(([name]) => name !== '__proto__')),
      ...fields,
    })),
  );

let answered = 0;

function expectSameAsZod(input: unknown): void {
  const fast = plainInboundFields(input);
  if (fast !== undefined) answered += 1;
  const zod = inboundSchema.safeParse(input);
  if (!zod.success) expect(fast).toBeUndefined();
  if (fast !== undefined) {
    expect(zod.success).toBe(true);
    expect(fast).toStrictEqual(zod.data);
  }
}

describe('plainInboundFields', () => {
  it('answers exactly what the zod schema gives, and declines whatever it rejects', () => {
    answered = 0;
    fc.assert(fc.property(record, expectSameAsZod), { numRuns: 3_000 });
    // Not vacuous: a good share of the generated records is answered by the fast path.
    expect(answered).toBeGreaterThan(150);
  });

  it('answers every record of the ordinary shape, as the schema does', () => {
    fc.assert(
      fc.property(ordinary, (input) => {
        expect(plainInboundFields(input)).toBeDefined();
        expectSameAsZod(input);
      }),
      { numRuns: 1_000 },
    );
  });

  it('answers the webhook as decoded from its form, with its extra fields left out', () => {
    const params = inboundParams({ Body: 'STOP', OptOutType: ' stop ', NumMedia: '' });
    const decoded = decodeForm(new URLSearchParams(params).toString());
    expect(plainInboundFields(decoded)).toStrictEqual(inboundSchema.parse(decoded));
    expect(plainInboundFields(decoded)).toMatchObject({
      Body: 'STOP',
      OptOutType: 'stop',
      NumMedia: undefined,
    });
  });

  it('declines repeated fields, JSON numbers and values zod would reject or read otherwise', () => {
    const base = inboundParams();
    const cases: unknown[] = [
      decodeForm(`${new URLSearchParams(base).toString()}&Body=again`),
      { ...base, NumMedia: 2 },
      { ...base, NumMedia: undefined },
      { ...base, From: '  ' },
      { ...base, Body: 'b'.repeat(100_001) },
      { ...base, MessageSid: `${base.MessageSid}\n` },
      Object.assign(Object.create({ From: '+14155552671' }), { ...base, From: undefined }),
      new Map(Object.entries(base)),
      Object.setPrototypeOf(Object.assign([], base), null),
      'MessageSid=SM',
      null,
    ];
    for (const input of cases) {
      expect(plainInboundFields(input)).toBeUndefined();
      expectSameAsZod(input);
    }
  });
});
