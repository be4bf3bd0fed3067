import { any, type PhraseSet, pairs, words } from './phrase-set.js';

const ES_SEND_WORDS =
  'envien envies envie manden mandes mande escriban escribas escriba contacten contactes contacte textees texteen molesten molestes moleste';
const ES_SEND = any(...ES_SEND_WORDS.split(' '));
const ES_NOUN = any(
  'mensajes',
  'mensaje',
  'textos',
  'texto',
  'sms',
  'mensajitos',
  'promociones',
  'publicidad',
);
const ES_REMOVE = any(
  'borra',
  'borren',
  'borre',
  'borrar',
  'elimina',
  'eliminen',
  'elimine',
  'eliminar',
  'quita',
  'quiten',
  'quite',
  'quitar',
  'saca',
  'saquen',
  'saque',
  'sacar',
);

/** Spanish revocation phrases, guards and prefilter anchors (`languages: ['es']`). */
export const SPANISH_PHRASES: PhraseSet = {
  patterns: [
    { source: `no (?:me|nos) ${ES_SEND}(?: (?:mas|nada|nunca))?(?: ${ES_NOUN}|(?= \\||$))` },
    { source: `no (?:me |nos )?${ES_SEND} (?:mas )?${ES_NOUN}` },
    {
      source: `(?:deja|dejen|deje|dejes|dejar|para|paren|pare|parar) de (?:enviar|enviarme|enviarnos|mandar|mandarme|escribir|escribirme|contactar|contactarme|molestar|molestarme|textear|textearme)`,
    },
    { source: `(?:dar|darme|dame|denme|deme|darse|darte|doy|quiero darme) de baja` },
    { source: `${ES_REMOVE}(?:me|nme| me)? de (?:la|su|tu|esta|sus|vuestra) lista` },
    {
      source: `(?:borrenme|borrame|borreme|eliminenme|eliminame|quitenme|quitame|quiteme|saquenme|sacame|saqueme)`,
    },
    {
      source: `(?:ya )?no (?:quiero|deseo|necesito)(?: recibir)?(?: (?:mas|sus|tus|estos|los))? (?:mas )?${ES_NOUN}`,
    },
    { source: `no mas ${ES_NOUN}` },
    { source: `(?:desuscribir|desuscribirme|desuscribanme|desuscribeme|desuscribirse)` },
    { source: `(?:cancelar|anular|cancela|cancelen) (?:mi |la )?suscripcion` },
    { source: `dejenme en paz|dejame en paz` },
  ],
  negators: ['no', 'nunca', 'jamas'],
  courtesy: ['por favor', 'porfa', 'porfavor', 'gracias', 'ya', 'ahora', 'favor de'],
  // "Ya no más": enough now, no more. A bare "no más" is as unclear as "no more" (reviewed).
  loneClauses: ['ya no mas', 'ya no mas por favor'],
  anchors: {
    words: words(
      'alto parar pare detener detente baja cancelar desuscrib fin lista borrenme borrame borreme eliminenme',
      'eliminame quitenme quitame quiteme saquenme sacame saqueme suscripcion dejenme dejame equivocado basta',
    ),
    pairs: [
      ...pairs('no', `me nos mas quiero deseo necesito ${ES_SEND_WORDS}`),
      ...pairs('deja dejen deje dejes dejar para paren pare parar', 'de'),
    ],
  },
};
