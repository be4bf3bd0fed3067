import { describe, expect, test } from 'vitest';
import { classifyMessage, LANGUAGE_KEYWORDS } from '../../src/classify/index.js';
import { ConsentError } from '../../src/errors.js';
import { folded, keywordClause, NONE, phrase, providerBlocked, REVIEW } from './helpers.js';

const spanish = { languages: ['es'] };
const french = { languages: ['fr'] };

describe('Spanish keywords and phrases, behind languages: ["es"]', () => {
  test.each([
    ['ALTO', 'ALTO'],
    ['alto!', 'ALTO'],
    ['Parar', 'PARAR'],
    ['DETENER', 'DETENER'],
    ['baja', 'BAJA'],
    ['Cancelar.', 'CANCELAR'],
    ['desuscribir', 'DESUSCRIBIR'],
  ])('%j opts out (folded %s, language es)', (body, keyword) => {
    expect(classifyMessage(body, spanish)).toEqual(folded('opt_out', keyword, 'es'));
  });

  test('opt-in and help keywords carry the language', () => {
    expect(classifyMessage('COMENZAR', spanish)).toEqual(folded('opt_in', 'COMENZAR', 'es'));
    expect(classifyMessage('¿Ayuda?', spanish)).toEqual(folded('help', 'AYUDA', 'es'));
  });

  test.each([
    ['no me envíen más mensajes', 'no me envien mas mensajes'],
    ['Por favor, no me manden mensajes', 'no me manden mensajes'],
    ['dejen de enviarme mensajes', 'dejen de enviarme'],
    ['Quiero darme de baja', 'quiero darme de baja'],
    ['sáquenme de la lista', 'saquenme de la lista'],
    ['No más mensajes', 'no mas mensajes'],
  ])('%j opts out (phrase %j, language es)', (body, keyword) => {
    expect(classifyMessage(body, spanish)).toEqual(phrase(keyword, 'es'));
  });

  test.each([
    ['ya no más', 'ya no mas'],
    ['Ya no mas!', 'ya no mas'],
    ['ya no me manden nada', 'no me manden nada'],
    ['no quiero recibir más textos', 'no quiero recibir mas textos'],
  ])('Spanish short form %j opts out', (body, keyword) => {
    expect(classifyMessage(body, spanish)).toEqual(phrase(keyword, 'es'));
  });

  test('a bare "no más" is as unclear as "no more": reviewed', () => {
    expect(classifyMessage('no más', spanish)).toEqual(REVIEW);
  });

  test('a Spanish keyword with courtesy words is a keyword clause', () => {
    expect(classifyMessage('ALTO por favor', spanish)).toEqual(keywordClause('alto por favor', 'es'));
  });

  test.each(['no dejen de enviarme mensajes', 'el volumen está muy alto', 'Gracias, nos vemos mañana'])(
    '%j is not an opt-out',
    (body) => {
      expect(classifyMessage(body, spanish)).toEqual(NONE);
    },
  );

  test.each(['número equivocado', 'No', 'adiós'])('%j is flagged for review', (body) => {
    expect(classifyMessage(body, spanish)).toEqual(REVIEW);
  });

  test('English keywords stay on, and stay exact', () => {
    expect(classifyMessage('STOP', spanish)).toEqual(providerBlocked('opt_out', 'STOP'));
  });
});

describe('French keywords and phrases, behind languages: ["fr"]', () => {
  test.each([
    ['ARRÊT', 'ARRET'],
    ['arret', 'ARRET'],
    ['Arrête', 'ARRETE'],
    ['désabonner', 'DESABONNER'],
    ['Annuler', 'ANNULER'],
  ])('%j opts out (folded %s, language fr)', (body, keyword) => {
    expect(classifyMessage(body, french)).toEqual(folded('opt_out', keyword, 'fr'));
  });

  test('opt-in and help keywords carry the language', () => {
    expect(classifyMessage('Commencer', french)).toEqual(folded('opt_in', 'COMMENCER', 'fr'));
    expect(classifyMessage('AIDE', french)).toEqual(folded('help', 'AIDE', 'fr'));
  });

  test.each([
    ["arrêtez de m'envoyer des messages", "arretez de m'envoyer"],
    ['ne m’envoyez plus de messages', "ne m'envoyez plus"],
    ['Désabonnez-moi', 'desabonnez moi'],
    ['je ne veux plus recevoir de messages', 'je ne veux plus recevoir de messages'],
  ])('%j opts out (phrase %j, language fr)', (body, keyword) => {
    expect(classifyMessage(body, french)).toEqual(phrase(keyword, 'fr'));
  });

  test.each([
    "n'arrêtez pas de m'envoyer des messages",
    "L'arrêt de bus est juste devant",
    'Merci, à demain',
  ])('%j is not an opt-out', (body) => {
    expect(classifyMessage(body, french)).toEqual(NONE);
  });

  test.each([
    ['je ne veux plus de vos offres', 'je ne veux plus de vos offres'],
    ['retirez-moi de votre liste', 'retirez moi'],
  ])('French short form %j opts out', (body, keyword) => {
    expect(classifyMessage(body, french)).toEqual(phrase(keyword, 'fr'));
  });

  test('mauvais numéro is flagged for review', () => {
    expect(classifyMessage('mauvais numéro', french)).toEqual(REVIEW);
  });

  test('STOP is English (the first set that has it) and exact', () => {
    expect(classifyMessage('STOP', french)).toEqual(providerBlocked('opt_out', 'STOP'));
  });
});

describe('language selection', () => {
  test('without es or fr, their opt-out keywords are flagged for review, not applied', () => {
    expect(classifyMessage('ALTO')).toEqual(REVIEW);
    expect(classifyMessage('Arrêt')).toEqual(REVIEW);
    expect(classifyMessage('ALTO', { policy: 'standard' })).toEqual(NONE);
  });

  test('region subtags and case are accepted', () => {
    expect(classifyMessage('alto', { languages: ['es-MX'] }).intent).toBe('opt_out');
    expect(classifyMessage('arret', { languages: ['FR_ca'] }).intent).toBe('opt_out');
  });

  test('a keyword both sets have reports the first enabled language', () => {
    expect(classifyMessage('fin', { languages: ['fr', 'es'] })).toEqual(folded('opt_out', 'FIN', 'es'));
    expect(classifyMessage('fin', french)).toEqual(folded('opt_out', 'FIN', 'fr'));
  });

  test('an unknown language is a configuration error', () => {
    expect(() => classifyMessage('stop', { languages: ['de'] })).toThrow(ConsentError);
    expect(() => classifyMessage('stop', { languages: ['de'] })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });

  test('no keyword means different intents in two languages', () => {
    const intents = new Map<string, string>();
    for (const [language, sets] of Object.entries(LANGUAGE_KEYWORDS)) {
      for (const [intent, keywords] of [
        ['opt_out', sets.optOut],
        ['opt_in', sets.optIn],
        ['help', sets.help],
      ] as const) {
        for (const keyword of keywords) {
          const key = keyword.replace('-', ' ');
          expect(intents.get(key) ?? intent, `${keyword} (${language})`).toBe(intent);
          intents.set(key, intent);
        }
      }
    }
  });
});
