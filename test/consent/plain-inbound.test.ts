import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inboundMessageSchema, parseInboundMessage } from '../../src/consent/inputs.js';
import { plainInboundMessage } from '../../src/consent/plain-inbound.js';
import { ValidationError } from '../../src/errors.js';
import { parseOrThrow } from '../../src/helpers/validation.js';

// The fast path is given the schema's keys, as `parseInboundMessage` gives them.
const KNOWN: ReadonlySet<string> = new Set(Object.keys(inboundMessageSchema.shape));

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', 'a\udc00', 'STOP', 'ＳＴＯＰ', '+1 415 555 2671'),
);
const ofLength = (lengths: readonly number[]) =>
  fc.constantFrom(...lengths).map((length) => 'x'.repeat(length));
/** A value of a field that is not of its expected type. */
const odd = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
  fc.constant(new Date(Number.NaN)),
  text,
);
const ABSENT = Symbol('absent');
const absent = fc.constant(ABSENT);
const optional = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: good }, odd, { weight: 4, arbitrary: absent }, fc.constant(undefined));

const fieldValues = fc.record({
  from: fc.oneof({ weight: 12, arbitrary: text }, odd, absent),
  to: optional(text),
  body: fc.oneof({ weight: 12, arbitrary: text }, odd, absent),
  messageId: optional(fc.oneof(text, ofLength([0, 1, 500, 501]))),
  receivedAt: optional(
    fc.oneof(
      fc.date({ noInvalidDate: true }),
      fc.date(),
      fc.constantFrom('2026-12-03T12:00:00.000Z', '', 'yesterday'),
      fc.oneof(fc.integer(), fc.double()),
    ),
  ),
  tenantId: optional(fc.oneof(text, ofLength([0, 1, 200, 201]))),
  optOutType: optional(fc.oneof(text, ofLength([100, 101]))),
  accountId: optional(fc.oneof(text, ofLength([500, 501]))),
  numMedia: optional(
    fc.oneof(
      fc.nat(),
      fc.integer(),
      fc.double(),
      fc.constantFrom(-0, 2 ** 53 - 1, 2 ** 53, Number.POSITIVE_INFINITY, Number.NaN),
    ),
  ),
  messagingServiceSid: optional(fc.oneof(text, ofLength([500, 501]))),
});
const extras = fc.oneof(
  { weight: 4, arbitrary: fc.constant([]) },
  fc.array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('__proto__', 'constructor', 'messageSid', 'MessageSid', 'toString', 'phone'),
        fc.string(),
      ),
      fc.oneof(text, odd),
    ),
    { minLength: 1, maxLength: 3 },
  ),
);
const kind = fc.oneof(
  { weight: 4, arbitrary: fc.constant('plain') },
  fc.constantFrom('null-prototype', 'class', 'array'),
);

/** Inputs of the expected form mostly, with odd values, unknown keys and other kinds of objects. */
const input = fc.tuple(fieldValues, extras, kind).map(([fields, more, shape]) => {
  const entries = [...Object.entries(fields).filter(([, value]) => value !== ABSENT), ...more];
  const target: Record<string, unknown> =
    shape === 'null-prototype'
      ? Object.create(null)
      : shape === 'class'
        ? new (class Message {})()
        : shape === 'array'
          ? ([] as unknown as Record<string, unknown>)
          : {};
  for (const [name, value] of entries) {
    if (shape === 'array' && name === 'length') continue;
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return target;
});

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

let answered = 0;

function expectSameAsZod(value: unknown): void {
  const fast = plainInboundMessage(value, KNOWN);
  const zod = inboundMessageSchema.safeParse(value);
  if (!zod.success) expect(fast).toBeUndefined();
  if (fast === undefined) return;
  answered += 1;
  expect(zod.success).toBe(true);
  expect(fast).toStrictEqual(zod.data);
  if (zod.success && 'receivedAt' in zod.data) expect(fast.receivedAt).toBe(zod.data.receivedAt);
}

describe('plainInboundMessage', () => {
  it('answers exactly what the zod schema gives, and declines whatever it rejects', () => {
    answered = 0;
    fc.assert(fc.property(input, expectSameAsZod), { numRuns: 3_000 });
    // Not vacuous: a good share of the generated inputs is answered by the fast path.
    expect(answered).toBeGreaterThan(150);
  });

  it('makes parseInboundMessage answer and fail exactly as the schema alone does', () => {
    fc.assert(
      fc.property(input, (value) => {
        const viaSchema = () =>
          parseOrThrow(inboundMessageSchema, value, { heading: 'Invalid handleInbound input' });
        const error = thrown(viaSchema);
        if (error === undefined) {
          expect(parseInboundMessage(value)).toStrictEqual(viaSchema());
          return;
        }
        const ours = thrown(() => parseInboundMessage(value));
        expect(ours).toBeInstanceOf(ValidationError);
        expect((ours as ValidationError).message).toBe((error as ValidationError).message);
        expect((ours as ValidationError).issues).toStrictEqual((error as ValidationError).issues);
      }),
      { numRuns: 1_000 },
    );
  });

  it('answers the message every webhook passes, without a copy of its unknown keys', () => {
    const message = {
      from: '+14155552671',
      to: '+18005550100',
      body: 'STOP',
      messageId: 'SM0123456789abcdef0123456789abcdef',
      accountId: 'AC0123456789abcdef0123456789abcdef',
      numMedia: 0,
      optOutType: 'STOP',
      tenantId: 'acme',
      receivedAt: new Date('2026-12-03T12:00:00Z'),
    };
    expect(plainInboundMessage(message, KNOWN)).toStrictEqual(inboundMessageSchema.parse(message));
  });

  it('leaves to the schema an unknown key, an epoch number, an invalid date and a bad tenant id', () => {
    const base = { from: '+14155552671', body: 'hi' };
    const cases: unknown[] = [
      { ...base, messageSid: 'SM1' },
      JSON.parse('{"from":"+1","body":"x","__proto__":{}}'),
      { ...base, receivedAt: 1_700_000_000_000 },
      { ...base, receivedAt: new Date(Number.NaN) },
      { ...base, tenantId: 'a\u0000b' },
      { ...base, numMedia: 1.5 },
      Object.setPrototypeOf(Object.assign([], base), null),
      new Map(Object.entries(base)),
    ];
    for (const value of cases) {
      expect(plainInboundMessage(value, KNOWN)).toBeUndefined();
      expectSameAsZod(value);
    }
  });
});
