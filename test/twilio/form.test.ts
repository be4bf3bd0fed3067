import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeForm, paramsToRecord } from '../../src/twilio/params.js';

const viaUrlSearchParams = (text: string) => paramsToRecord(new URLSearchParams(text));

// Pieces that exercise every decoding rule: escapes valid and not, `+`, `=` and `&` in odd places,
// multi-byte UTF-8, truncated and invalid sequences, lone surrogates.
const piece = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ maxLength: 4, unit: 'grapheme' }),
  fc.string({ maxLength: 3, unit: 'binary' }),
  fc.constantFrom(
    '%',
    '%2',
    '%2B',
    '%zz',
    '%E2%82%AC',
    '%E2%82',
    '%C3',
    '%ED%A0%80',
    '%F0%9F%98%80',
    '+',
    '=',
    '&',
    '&&',
    '%26',
    '%3D',
    '%25',
  ),
  fc.string({ maxLength: 8 }).map((text) => encodeURIComponent(text)),
);

describe('decodeForm', () => {
  it('decodes exactly as URLSearchParams does, for any input', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect(decodeForm(text)).toEqual(viaUrlSearchParams(text));
      }),
      { numRuns: Number(process.env.FORM_RUNS ?? 3000) },
    );
  });

  it('decodes a Twilio body, repeated names in order', () => {
    const params = {
      From: '+1 415-555-2671',
      Body: 'Stop. ¿Qué? 😀 & = %',
      MediaUrl0: 'https://x/y?a=1&b=2',
    };
    const text = `${new URLSearchParams(params)}&MediaUrl0=second`;
    expect(decodeForm(text)).toEqual({ ...params, MediaUrl0: [params.MediaUrl0, 'second'] });
  });
});
