import { any, type PhraseSet, pairs, words } from './phrase-set.js';

const FR_SEND = any(
  "m'envoyer",
  "m'ecrire",
  'me texter',
  'me contacter',
  'me harceler',
  'me deranger',
  'nous envoyer',
  'envoyer',
  'texter',
  'ecrire',
);
const FR_NOUN = any(
  'messages',
  'message',
  'textos',
  'texto',
  'sms',
  'publicites',
  'publicite',
  'pubs',
  'promotions',
  'offres',
  'courriels',
  'notifications',
  'alertes',
);

/** French revocation phrases, guards and prefilter anchors (`languages: ['fr']`). */
export const FRENCH_PHRASES: PhraseSet = {
  patterns: [
    {
      source: `(?:arretez|arrete|arretes|arreter|cessez|cesse|cesser) (?:de |d')?${FR_SEND}`,
    },
    {
      source: `ne (?:m'envoyez|m'envoie|m'envoies|me textez|me texte|me contactez|m'ecrivez|m'ecris|nous envoyez) plus`,
    },
    { source: `(?:desabonnez|desabonne|desabonnez moi|desinscrivez|desinscris|desinscrivez moi)(?: moi)?` },
    { source: `(?:retirez|retire|enlevez|enleve|supprimez|supprime|effacez|efface) (?:moi|mon numero)` },
    { source: `(?:je veux|je voudrais|veuillez) (?:me )?(?:desabonner|desinscrire)` },
    {
      source: `(?:je ne|j'en|je n'en) (?:veux|souhaite|desire) plus (?:recevoir )?(?:(?:de|des|du) )?(?:(?:vos|ces|les|tes|vous) )?${FR_NOUN}`,
    },
    { source: `(?<=^|\\| )plus de ${FR_NOUN}` },
    { source: `laissez moi tranquille|fichez moi la paix` },
  ],
  negators: ['ne', 'pas', "n'", 'jamais'],
  courtesy: ["s'il vous plait", "s'il te plait", 'svp', 'stp', 'merci', 'maintenant', 'tout de suite'],
  loneClauses: [],
  anchors: {
    words: words(
      'arret cesse stop desabonn desinscri annuler fin retire enleve supprime efface laissez fichez mauvais',
      'suffit',
    ),
    pairs: [
      ...pairs('ne', "m'envoyez m'envoie m'envoies me m'ecrivez m'ecris nous"),
      'je ne',
      'plus de',
      'pas interesse',
    ],
  },
};
