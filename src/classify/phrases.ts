import type { Language } from './keywords.js';
import type { PhraseSet } from './phrase-set.js';
import { ENGLISH_PHRASES } from './phrases-en.js';
import { SPANISH_PHRASES } from './phrases-es.js';
import { FRENCH_PHRASES } from './phrases-fr.js';

/**
 * The plain-language revocation rules of the `reasonable` policy, per language. Decisions: English
 * phrases cover "stop/quit … texting me", "don't text/contact me", "remove/take me off (the list)",
 * "unsubscribe/opt me out", "no more texts", "leave me alone", "I never signed up"; negated ("don't stop
 * texting me"), temporary ("don't text me until 5") and third-person ("you don't text me enough") forms
 * do not apply. Spanish and French cover their common equivalents ("no me envíen más mensajes",
 * "ne m'envoyez plus de messages").
 */
export const PHRASE_SETS: Readonly<Record<Language, PhraseSet>> = {
  en: ENGLISH_PHRASES,
  es: SPANISH_PHRASES,
  fr: FRENCH_PHRASES,
};
