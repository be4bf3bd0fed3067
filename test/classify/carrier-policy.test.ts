import { describe, expect, test } from 'vitest';
import { classifyMessage, DEFAULT_KEYWORDS } from '../../src/classify/index.js';
import { NONE, providerBlocked } from './helpers.js';

const carrier = { policy: 'carrier' } as const;

describe('carrier policy: exactly what Twilio’s default filter blocks', () => {
  test.each([
    ...DEFAULT_KEYWORDS.optOut.map((keyword) => [keyword, providerBlocked('opt_out', keyword)] as const),
    ...DEFAULT_KEYWORDS.optIn.map((keyword) => [keyword, providerBlocked('opt_in', keyword)] as const),
    ...DEFAULT_KEYWORDS.help.map((keyword) => [keyword, providerBlocked('help', keyword)] as const),
  ])('the default keyword %j matches exactly', (body, expected) => {
    expect(classifyMessage(body, carrier)).toEqual(expected);
  });

  test.each([
    ['stop', 'STOP'],
    ['Stop', 'STOP'],
    ['sToP', 'STOP'],
    ['  STOP  ', 'STOP'],
    ['STOP\r\n', 'STOP'],
    ['\t stop \n', 'STOP'],
    ['\u00A0Stop\u3000', 'STOP'],
    ['optout', 'OPTOUT'],
    ['Unsubscribe', 'UNSUBSCRIBE'],
  ])('%j matches %s ignoring case and surrounding white space', (body, keyword) => {
    expect(classifyMessage(body, carrier)).toEqual(providerBlocked('opt_out', keyword));
  });

  test.each([
    'Stop.',
    'STOP!',
    'stop please',
    'Stop please',
    'stop stop',
    'OPT OUT',
    'OPT-OUT',
    'STOP ALL',
    'ＳＴＯＰ',
    '\uFEFFSTOP',
    'S\u200BTOP',
    'STÖP',
    'ſtop',
    'ınfo',
    'Stop 🛑',
    '"STOP"',
    'ARRET',
    'stop texting me',
    'yes please',
    '',
    ' ',
  ])('%j is not blocked: Twilio only matches the bare keyword', (body) => {
    expect(classifyMessage(body, carrier)).toEqual(NONE);
  });

  test('ambiguous messages are not flagged for review under carrier', () => {
    expect(classifyMessage('wrong number', carrier)).toEqual(NONE);
    expect(classifyMessage('🛑', carrier)).toEqual(NONE);
  });

  test('a long ordinary message is rejected', () => {
    expect(classifyMessage(`STOP ${'x'.repeat(1_595)}`, carrier)).toEqual(NONE);
  });
});

describe('providerBlocks is true exactly when the carrier policy matches', () => {
  test.each(['standard', 'reasonable'] as const)(
    'under %s, bare default keywords report providerBlocks',
    (policy) => {
      expect(classifyMessage('STOP', { policy })).toEqual(providerBlocked('opt_out', 'STOP'));
      expect(classifyMessage(' start ', { policy })).toEqual(providerBlocked('opt_in', 'START'));
      expect(classifyMessage('Help', { policy })).toEqual(providerBlocked('help', 'HELP'));
    },
  );

  test.each(['standard', 'reasonable'] as const)('under %s, folded and phrase matches do not', (policy) => {
    expect(classifyMessage('Stop.', { policy }).providerBlocks).toBe(false);
    expect(classifyMessage('ＳＴＯＰ', { policy }).providerBlocks).toBe(false);
    expect(classifyMessage('please stop texting me', { policy }).providerBlocks).toBe(false);
  });

  test('custom and Spanish or French keywords never report providerBlocks', () => {
    const options = { languages: ['es', 'fr'], keywords: { optOut: ['BASTA'] } };
    for (const body of ['ALTO', 'ARRET', 'BASTA', 'arrêt']) {
      const result = classifyMessage(body, options);
      expect(result.intent).toBe('opt_out');
      expect(result.providerBlocks).toBe(false);
    }
  });
});
