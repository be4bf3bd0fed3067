import { ConsentError } from '../errors.js';
import { AMBIGUITY_SETS, STOP_EMOJI } from './ambiguity.js';
import type { EchoKeywords } from './echo.js';
import { foldText } from './fold.js';
import { judgeFuzzy } from './fuzzy.js';
import type { KeywordLookup } from './keyword-clause.js';
import { LANGUAGE_KEYWORDS, type Language, SUPPORTED_LANGUAGES } from './keywords.js';
import type { TemporaryGuard } from './phrase-set.js';
import { PHRASE_SETS } from './phrases.js';
import { compilePrefilter } from './prefilter.js';
import { alternation, escapeRegExp } from './regex.js';
import type { Classification, ClassifyOptions, CustomKeywords, Intent, Policy } from './types.js';
import { toWords } from './words.js';

/** A keyword of any set, by its folded words. */
export interface KeywordEntry {
  readonly intent: Exclude<Intent, 'none'>;
  /** Opt-out keywords that, as one clause of a longer message, only flag it for review. */
  readonly weak: boolean;
  readonly folded: Classification;
  /** Custom keywords only: the body trimmed and upper-cased that makes the match `exact`. */
  readonly verbatim?: { readonly upper: string; readonly result: Classification };
  readonly keyword: string;
  readonly language: string;
}

/** What a phrase alternative of {@link CompiledClassifier.phrases} needs to be judged. */
export interface PhraseMeta {
  readonly language: Language;
  readonly rule: 'phrase' | 'removal';
  readonly negators: ReadonlySet<string>;
  readonly temporary: TemporaryGuard | undefined;
  /** Whether a match that is asked or laughed off is only reviewed (`PhrasePattern.question`). */
  readonly reviewIfAsked: boolean;
}

/** Everything a classifier needs at run time, compiled once per options. */
export interface CompiledClassifier {
  readonly policy: Policy;
  readonly keywords: ReadonlyMap<string, KeywordEntry>;
  /** The hot-path prefilter (see {@link compilePrefilter}); never consulted under `carrier`. */
  readonly mayMatch: (body: string) => boolean;
  /**
   * Whether a clause might be a standalone keyword, lone clause or ambiguous message with courtesy
   * words around it: all its words occur in one of them. Single words, so it runs in linear time; the
   * cheap test before the clause is looked at closely.
   */
  readonly clauseShape: RegExp;
  /** All phrases of all languages as one global alternation, one capturing group per phrase. */
  readonly phrases: RegExp;
  readonly phraseMeta: readonly PhraseMeta[];
  readonly courtesyPrefix: RegExp;
  readonly courtesySuffix: RegExp;
  readonly courtesyOnly: RegExp;
  readonly loneClauses: ReadonlyMap<string, Language>;
  /** Whole messages flagged for review: ambiguous ones, and opt-out keywords of languages not enabled. */
  readonly ambiguous: ReadonlySet<string>;
  readonly ambiguousAnywhere: RegExp;
  readonly negators: ReadonlySet<string>;
  /** Keyword lookups of the keyword-clause rule (see {@link KeywordLookup}). */
  readonly lookup: KeywordLookup;
  /** Keywords of the echo rule (see {@link EchoKeywords}). */
  readonly echo: EchoKeywords;
  /** Folded English opt-out keywords a misspelling may stand for, and the keywords it must not be near. */
  readonly fuzzy: { readonly optOut: readonly string[]; readonly others: readonly string[] };
}

/** Every policy name. */
export const POLICIES: readonly Policy[] = ['carrier', 'standard', 'reasonable'];
const INTENT_OF: Readonly<Record<keyof CustomKeywords, Exclude<Intent, 'none'>>> = {
  optOut: 'opt_out',
  optIn: 'opt_in',
  help: 'help',
};
const ASCII_WORD = /^[a-z0-9']+$/;
const ASCII_LETTERS = /^[a-z]+$/;

/** The words of a keyword as messages are matched against them: `Opt-Out!` → `opt out`. */
export function keywordKey(keyword: string): string {
  return toWords(foldText(keyword)).joined;
}

/** Validates options and compiles keyword maps, phrase and prefilter expressions. Throws `CONFIG`. */
export function compileClassifier(options: ClassifyOptions = {}): CompiledClassifier {
  const policy = options.policy ?? 'reasonable';
  if (!POLICIES.includes(policy))
    throw configError(`Unknown classification policy ${JSON.stringify(policy)}`);
  const languages = resolveLanguages(options.languages);
  const keywords = new Map<string, KeywordEntry>();
  for (const language of languages) {
    const sets = LANGUAGE_KEYWORDS[language];
    const weak = new Set(sets.weakOptOut);
    for (const field of ['optOut', 'optIn', 'help'] as const) {
      for (const keyword of sets[field]) {
        addKeyword(keywords, keyword, INTENT_OF[field], language, weak.has(keyword), false);
      }
    }
  }
  addCustomKeywords(keywords, options.keywords);
  const phraseSets = languages.map((language) => [language, PHRASE_SETS[language]] as const);
  const ambiguitySets = languages.map((language) => AMBIGUITY_SETS[language]);
  const courtesy = alternation(phraseSets.flatMap(([, set]) => set.courtesy));
  const foreignOptOuts = SUPPORTED_LANGUAGES.filter((language) => !languages.includes(language))
    .flatMap((language) => LANGUAGE_KEYWORDS[language].optOut.map(keywordKey))
    .filter((key) => !keywords.has(key));
  const ambiguous = new Set([...ambiguitySets.flatMap((set) => set.messages), ...foreignOptOuts]);
  const customOptOutWords = [...keywords.values()]
    .filter((entry) => entry.language === 'custom' && entry.intent === 'opt_out')
    .flatMap((entry) => keywordKey(entry.keyword).split(' '))
    .filter((word) => ASCII_WORD.test(word))
    .map(escapeRegExp);
  const reasonable = policy === 'reasonable';
  const mayMatch =
    policy === 'carrier'
      ? () => false
      : compilePrefilter({
          policy,
          standalone: reasonable
            ? [...keywords.keys(), ...ambiguous, ...phraseSets.flatMap(([, set]) => set.courtesy)]
            : [...keywords.keys()],
          anchorWords: reasonable
            ? [...phraseSets.flatMap(([, set]) => set.anchors.words), ...customOptOutWords]
            : [],
          anchorPairs: reasonable ? phraseSets.flatMap(([, set]) => set.anchors.pairs) : [],
          reviewCharacters: reasonable ? STOP_EMOJI : [],
          singleWords: reasonable,
          courtesy: reasonable ? phraseSets.flatMap(([, set]) => set.courtesy) : [],
          keywords: [...keywords.keys()],
        });
  const loneClauseList = phraseSets.flatMap(([, set]) => set.loneClauses);
  const clauseWord = alternation(
    [
      ...keywords.keys(),
      ...ambiguous,
      ...loneClauseList,
      ...phraseSets.flatMap(([, set]) => set.courtesy),
    ].flatMap((text) => text.split(' ')),
  );
  const phraseMeta: PhraseMeta[] = [];
  const phraseSources: string[] = [];
  for (const [language, set] of phraseSets) {
    const negators = new Set(set.negators);
    for (const pattern of set.patterns) {
      phraseMeta.push({
        language,
        rule: pattern.rule ?? 'phrase',
        negators,
        temporary: pattern.temporary,
        reviewIfAsked: pattern.question === 'review',
      });
      phraseSources.push(`(${pattern.source})`);
    }
  }
  const loneClauses = new Map<string, Language>();
  for (const [language, set] of phraseSets)
    for (const clause of set.loneClauses) loneClauses.set(clause, language);
  const negators = new Set(PHRASE_SETS.en.negators);
  const singleOptOuts = [...keywords]
    .filter(([key, entry]) => entry.intent === 'opt_out' && ASCII_LETTERS.test(key))
    .map(([key]) => key);
  const englishKeys = (list: readonly string[]): string[] =>
    list.map(keywordKey).filter((key) => ASCII_LETTERS.test(key));
  const wordEntry = (word: string): KeywordEntry | undefined => {
    const entry = keywords.get(word);
    if (entry !== undefined) return entry;
    for (const key of singleOptOuts) {
      if (
        word.length > key.length &&
        word.length % key.length === 0 &&
        word === key.repeat(word.length / key.length)
      ) {
        return keywords.get(key);
      }
    }
    return undefined;
  };
  const fuzzyOptOut = englishKeys(LANGUAGE_KEYWORDS.en.optOut);
  const others = englishKeys([...LANGUAGE_KEYWORDS.en.optIn, ...LANGUAGE_KEYWORDS.en.help]);
  return {
    policy,
    keywords,
    lookup: {
      wordEntry,
      negators,
      misspelt: (word) => judgeFuzzy(word, fuzzyOptOut, others).kind === 'clear',
    },
    echo: {
      optOut: new Set(singleOptOuts),
      optOutList: singleOptOuts,
      initials: new Set(singleOptOuts.map((key) => key.charAt(0))),
      others,
    },
    fuzzy: { optOut: fuzzyOptOut, others },
    mayMatch,
    clauseShape: new RegExp(`^${clauseWord}(?: ${clauseWord})*$`),
    phrases: new RegExp(`(?<![^ ])(?:${phraseSources.join('|')})(?![^ ])`, 'g'),
    phraseMeta,
    courtesyPrefix: new RegExp(`^(?:${courtesy} )+`),
    courtesySuffix: new RegExp(`(?: ${courtesy})+$`),
    courtesyOnly: new RegExp(`^${courtesy}(?: ${courtesy})*$`),
    loneClauses,
    ambiguous,
    ambiguousAnywhere: new RegExp(
      `(?<![^ ])(?:${ambiguitySets.flatMap((set) => set.anywhere).join('|')})(?![^ ])`,
    ),
    negators,
  };
}

function resolveLanguages(requested: readonly string[] | undefined): readonly Language[] {
  if (requested === undefined) return ['en'];
  if (!Array.isArray(requested)) throw configError('languages must be an array of language codes');
  const wanted = new Set<Language>(['en']);
  for (const code of requested) {
    const primary = typeof code === 'string' ? code.split(/[-_]/)[0]?.toLowerCase() : undefined;
    const language = SUPPORTED_LANGUAGES.find((supported) => supported === primary);
    if (language === undefined) {
      throw configError(
        `Unsupported language ${JSON.stringify(code)}; supported: ${SUPPORTED_LANGUAGES.join(', ')}`,
      );
    }
    wanted.add(language);
  }
  return SUPPORTED_LANGUAGES.filter((language) => wanted.has(language));
}

function addCustomKeywords(keywords: Map<string, KeywordEntry>, custom: CustomKeywords | undefined): void {
  if (custom === undefined) return;
  for (const field of ['optOut', 'optIn', 'help'] as const) {
    const list = custom[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw configError(`keywords.${field} must be an array of strings`);
    for (const keyword of list) {
      if (typeof keyword !== 'string' || keywordKey(keyword) === '') {
        throw configError(
          `keywords.${field} holds ${JSON.stringify(keyword)}, which has no letters or digits`,
        );
      }
      addKeyword(keywords, keyword.trim(), INTENT_OF[field], 'custom', false, true);
    }
  }
}

function addKeyword(
  keywords: Map<string, KeywordEntry>,
  keyword: string,
  intent: Exclude<Intent, 'none'>,
  language: string,
  weak: boolean,
  custom: boolean,
): void {
  const key = keywordKey(keyword);
  const existing = keywords.get(key);
  if (existing !== undefined) {
    if (existing.intent !== intent) {
      throw configError(
        `Keyword ${JSON.stringify(keyword)} (${intent}) collides with ${JSON.stringify(existing.keyword)} (${existing.intent})`,
      );
    }
    return;
  }
  const result = (match: 'exact' | 'folded'): Classification =>
    Object.freeze({ intent, match, keyword, language, providerBlocks: false, rule: 'keyword' });
  const folded = result('folded');
  const verbatim = custom ? { upper: keyword.toUpperCase(), result: result('exact') } : undefined;
  keywords.set(key, {
    intent,
    weak,
    folded,
    keyword,
    language,
    ...(verbatim === undefined ? {} : { verbatim }),
  });
}

function configError(message: string): ConsentError {
  return new ConsentError('CONFIG', message);
}
