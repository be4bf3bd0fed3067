/** A language whose keyword and phrase sets ship with sms-consent. `en` is always on. */
export type Language = 'en' | 'es' | 'fr';

/** Every language of {@link LANGUAGE_KEYWORDS}, in matching order. */
export const SUPPORTED_LANGUAGES: readonly Language[] = Object.freeze(['en', 'es', 'fr']);

/** Keywords per intent. */
export interface KeywordSets {
  readonly optOut: readonly string[];
  readonly optIn: readonly string[];
  readonly help: readonly string[];
}

/** A language's keywords, plus which opt-out keywords are too common to act on inside longer text. */
export interface LanguageKeywords extends KeywordSets {
  /**
   * Opt-out keywords that are ordinary words too ("Cancel. Can we do Friday?"): alone they opt out, but
   * as one clause of a longer message they only flag it for review.
   */
  readonly weakOptOut: readonly string[];
}

/**
 * Twilio's default keywords: what its default filter acts on, and so what the `carrier` policy matches
 * (REVOKE and OPTOUT since 14 May 2025). Twilio keywords cannot contain spaces.
 *
 * @example
 * DEFAULT_KEYWORDS.optOut.includes('STOP') // true
 */
export const DEFAULT_KEYWORDS: KeywordSets = Object.freeze({
  optOut: Object.freeze(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']),
  optIn: Object.freeze(['START', 'UNSTOP', 'YES']),
  help: Object.freeze(['HELP', 'INFO']),
});

/**
 * The keyword sets per language, matched after folding (so `ARRÊT` matches `ARRET`). English adds the
 * FCC per-se forms Twilio cannot express ("STOP ALL", "OPT OUT", "OPT-OUT"). Opt-in sets stay small on
 * purpose: an opt-in is never guessed, so "SI"/"OUI" (which answer any question) are not opt-ins.
 */
export const LANGUAGE_KEYWORDS: Readonly<Record<Language, LanguageKeywords>> = Object.freeze({
  en: Object.freeze({
    optOut: Object.freeze([...DEFAULT_KEYWORDS.optOut, 'STOP ALL', 'OPT OUT', 'OPT-OUT']),
    optIn: DEFAULT_KEYWORDS.optIn,
    help: DEFAULT_KEYWORDS.help,
    weakOptOut: Object.freeze(['CANCEL', 'END', 'QUIT']),
  }),
  es: Object.freeze({
    optOut: Object.freeze([
      'ALTO',
      'PARAR',
      'PARE',
      'DETENER',
      'DETENTE',
      'BAJA',
      'CANCELAR',
      'DESUSCRIBIR',
      'DESUSCRIBIRME',
      'FIN',
    ]),
    optIn: Object.freeze(['COMENZAR', 'EMPEZAR', 'INICIAR', 'ALTA', 'REANUDAR']),
    help: Object.freeze(['AYUDA']),
    weakOptOut: Object.freeze(['BAJA', 'CANCELAR', 'FIN']),
  }),
  fr: Object.freeze({
    optOut: Object.freeze([
      'ARRET',
      'ARRETE',
      'ARRETER',
      'ARRETEZ',
      'STOP',
      'DESABONNER',
      'DESABONNEMENT',
      'DESINSCRIRE',
      'DESINSCRIPTION',
      'ANNULER',
      'FIN',
    ]),
    optIn: Object.freeze(['COMMENCER', 'DEBUT', 'DEMARRER', 'REPRENDRE']),
    help: Object.freeze(['AIDE']),
    weakOptOut: Object.freeze(['ANNULER', 'FIN']),
  }),
});
