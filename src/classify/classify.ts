import { STOP_EMOJI } from './ambiguity.js';
import { askedSentences, isAsked } from './asked.js';
import { matchCarrier, trimSpace } from './carrier.js';
import { type CompiledClassifier, compileClassifier, type KeywordEntry, POLICIES } from './compile.js';
import { findEcho } from './echo.js';
import { foldForWords } from './fold.js';
import { dropForeignText } from './foreign-text.js';
import { isTypingSlip, judgeFuzzy } from './fuzzy.js';
import { splitGluedWords } from './glued.js';
import { isIdiomaticQuit, isIdiomaticStop, isNegated, isTemporary } from './guards.js';
import { edgeCommand, keywordOnlyClause } from './keyword-clause.js';
import { findKeywordReason } from './keyword-reason.js';
import { findMisspeltObject } from './misspelt-object.js';
import { isShortReply } from './prefilter.js';
import { isReport } from './reports.js';
import { NONE, optOut, REVIEW } from './results.js';
import type { Classification, ClassifyOptions, Policy } from './types.js';
import { CLAUSE_BREAK, dropQuotedLines, splitOn, toWords, type Words } from './words.js';
import { findWrongNumber } from './wrong-number.js';

const CLAUSE_SEPARATOR = ` ${CLAUSE_BREAK} `;
/**
 * How much of a body folding and phrase matching read: six times the 1,600-character SMS maximum.
 * Longer bodies are not SMS; reading only their start keeps time and regular-expression stacks bounded.
 * The carrier check always sees the whole body.
 */
const MAX_READ_LENGTH = 10_000;
// A STOP or QUIT that no rule above read and no idiom explains is flagged for review.
const LEFTOVER_COMMAND = /(?<![^ ])(?:stop|quit)(?![^ ])/g;
/**
 * Short bodies that pass the prefilter are mostly the same few replies over and over ("Yes!", "Stop.",
 * "Confirmed 👍", "Ok thanks"), and one word of them takes the full reading (fuzzy, echo and glued-word
 * rules: a few microseconds). A classifier keeps the frozen verdicts of up to
 * {@link REMEMBERED_BODIES} such bodies of at most this many code units, and starts afresh when full:
 * a few kilobytes, and the same verdict as reading again.
 */
const REMEMBERED_LENGTH = 48;
const REMEMBERED_BODIES = 512;

/** A compiled classifier: {@link classifyMessage} with its options bound (see {@link createClassifier}). */
export type Classifier = (body: string) => Classification;

const DEFAULT_OPTIONS: ClassifyOptions = Object.freeze({});
/**
 * Compiled classifiers by the value of their options, so that options written inline on every call
 * compile once. Options with only a policy (`{ policy: 'carrier' }`, the common inline form) are looked
 * up by the policy string itself, which costs no key building: `npm run bench -- classify` shows the
 * inline carrier row at the compiled row's speed only with it. Other options by a key built from their
 * values (see {@link optionsKey}); at most {@link CACHE_LIMIT} of them, since keys come from callers.
 */
const byPolicy = new Map<ClassifyOptions['policy'], Classifier>();
const byValue = new Map<string, Classifier>();
const CACHE_LIMIT = 64;

/**
 * Classifies one inbound SMS body as an opt-out, opt-in, help request or nothing, under the policy of
 * `options` (default `reasonable`; see {@link Policy}). Never throws for any body, including non-strings
 * at run time (read as empty), lone surrogates and very long bodies; throws `ConsentError` (`CONFIG`) only
 * for invalid options. Compiled options are cached by value, so an inline `{ policy: 'carrier' }` or
 * `{ languages: ['es'] }` compiles once, and options changed between calls are read afresh.
 *
 * @example
 * classifyMessage('STOP')                 // { intent: 'opt_out', match: 'exact', keyword: 'STOP', language: 'en', providerBlocks: true }
 * classifyMessage('Stop.')                // intent 'opt_out', match 'folded', providerBlocks false
 * classifyMessage('please stop texting me') // intent 'opt_out', match 'phrase'
 * classifyMessage("I'll stop by at 3")    // intent 'none'
 * classifyMessage('wrong number')         // intent 'none', needsReview true
 * classifyMessage('Stop please', { policy: 'carrier' }) // intent 'none': Twilio would not block it
 */
export function classifyMessage(body: string, options?: ClassifyOptions): Classification {
  return classifierFor(options ?? DEFAULT_OPTIONS)(body);
}

function classifierFor(options: ClassifyOptions): Classifier {
  if (options.languages === undefined && options.keywords === undefined) {
    const known = byPolicy.get(options.policy);
    if (known !== undefined) return known;
    const classifier = createClassifier(options);
    byPolicy.set(options.policy, classifier);
    return classifier;
  }
  const key = optionsKey(options);
  // Options that are not plain data are compiled (and rejected) every time, never cached.
  if (key === undefined) return createClassifier(options);
  let classifier = byValue.get(key);
  if (classifier === undefined) {
    classifier = createClassifier(options);
    if (byValue.size >= CACHE_LIMIT) byValue.clear();
    byValue.set(key, classifier);
  }
  return classifier;
}

/**
 * The cache key of options with languages or keywords, built in a loop (about 0.1 µs, against about
 * 0.01 µs for a lookup by object, which cost a WeakMap entry per inline options object and so was
 * slower inline): the policy, the language codes, and the custom keywords as JSON. `undefined` unless
 * the policy is a known one and every other value a string where one belongs, so that a key never
 * stands for options that would not compile.
 */
function optionsKey({ policy, languages, keywords }: ClassifyOptions): string | undefined {
  if (policy !== undefined && !POLICIES.includes(policy)) return undefined;
  let key = policy ?? '';
  if (languages !== undefined) {
    if (!Array.isArray(languages)) return undefined;
    key += ' ';
    for (const code of languages) {
      if (typeof code !== 'string' || code.includes(',')) return undefined;
      key += `${code},`;
    }
  }
  if (keywords === undefined) return key;
  if (typeof keywords !== 'object' || keywords === null) return undefined;
  for (const list of Object.values(keywords)) {
    if (!Array.isArray(list) || !list.every((keyword) => typeof keyword === 'string')) return undefined;
  }
  return `${key} ${JSON.stringify(keywords)}`;
}

/**
 * Compiles keyword sets, phrases and prefilters for `options` once and returns a classifier that
 * reuses them: the form to use on a hot path. Throws `ConsentError` (`CONFIG`) for an unknown policy or
 * language, or a custom keyword that is empty or collides with a keyword of another intent.
 *
 * @example
 * const classify = createClassifier({ languages: ['es'], keywords: { optOut: ['UNSUB'] } });
 * classify('Alto').intent  // 'opt_out'
 * classify('unsub!').match // 'folded'
 */
export function createClassifier(options?: ClassifyOptions): Classifier {
  const compiled = compileClassifier(options);
  const remembered = new Map<string, Classification>();
  return (body) => classifyWith(compiled, typeof body === 'string' ? body : '', true, remembered);
}

/**
 * Classifies with `compiled`; `prefilter: false` skips the hot-path shortcuts, so that tests can prove
 * they never change a verdict. With `remembered`, the verdicts of short bodies that the prefilter let
 * through are kept there (see {@link REMEMBERED_LENGTH}).
 */
export function classifyWith(
  compiled: CompiledClassifier,
  body: string,
  prefilter: boolean,
  remembered?: Map<string, Classification>,
): Classification {
  const carrier = matchCarrier(body);
  if (carrier !== undefined) return carrier;
  if (compiled.policy === 'carrier') return NONE;
  const text = body.length > MAX_READ_LENGTH ? body.slice(0, MAX_READ_LENGTH) : body;
  if (prefilter && !compiled.mayMatch(text)) return NONE;
  if (remembered === undefined || text.length > REMEMBERED_LENGTH) return readWords(compiled, text, body);
  let verdict = remembered.get(text);
  if (verdict === undefined) {
    verdict = readWords(compiled, text, body);
    if (remembered.size >= REMEMBERED_BODIES) remembered.clear();
    remembered.set(text, verdict);
  }
  return verdict;
}

/** The verdict on `text` (the `body`, or its start) past the carrier check and the prefilter. */
function readWords(compiled: CompiledClassifier, text: string, body: string): Classification {
  const { policy } = compiled;
  const unquoted = dropQuotedLines(foldForWords(text));
  const words =
    policy === 'reasonable'
      ? splitGluedWords(toWords(dropForeignText(unquoted)), (word) => compiled.keywords.has(word))
      : toWords(unquoted);
  const keyword = matchKeyword(compiled, words.joined, true);
  if (keyword !== undefined) {
    const verbatim = keyword.verbatim;
    return verbatim !== undefined && trimSpace(body).toUpperCase() === verbatim.upper
      ? verbatim.result
      : keyword.folded;
  }
  return policy === 'reasonable' ? classifyReasonably(compiled, words, text, unquoted) : NONE;
}

/**
 * The one word of a message (`joined`) whose one clause left (`part`) is that word, or that word with
 * courtesy words around it in a short reply (`after`: only after it, "Stp please", not "Hi Quin");
 * otherwise `undefined`.
 */
function loneWord(
  compiled: CompiledClassifier,
  joined: string,
  part: string,
  body: string,
): { readonly word: string; readonly alone: boolean; readonly after: boolean } | undefined {
  if (!joined.includes(' ')) return { word: joined, alone: true, after: false };
  if (!isShortReply(body)) return undefined;
  const unprefixed = part.replace(compiled.courtesyPrefix, '');
  const core = unprefixed.replace(compiled.courtesySuffix, '');
  return core.includes(' ') ? undefined : { word: core, alone: false, after: unprefixed === part };
}

/** A keyword that is the whole text, or the same opt-out or help keyword repeated ("stop stop"). */
function matchKeyword(
  compiled: CompiledClassifier,
  text: string,
  repeated: boolean,
): KeywordEntry | undefined {
  const entry = compiled.keywords.get(text);
  if (entry !== undefined || !repeated) return entry;
  const space = text.indexOf(' ');
  if (space <= 0) return undefined;
  const first = text.slice(0, space);
  const single = compiled.keywords.get(first);
  if (single === undefined || single.intent === 'opt_in') return undefined;
  const rest = text.slice(space + 1).split(' ');
  return rest.every((word) => word === first) ? single : undefined;
}

/**
 * The `reasonable` policy after keywords failed, in order: wrong-number wording; an instruction echo;
 * a keyword with its reason glued on ("Stop2manytexts");
 * a plain-language phrase or removal wording (unless negated or a report about someone else; temporary
 * ones only flag review); a cessation phrase whose object slipped ("quit sending spqm"); a clause of
 * opt-out keywords with courtesy words around it ("stop please", "Stop. Who is this?" — weak keywords
 * like CANCEL only flag review beside a question); a keyword used
 * as a command at the edge of the message; a misspelt keyword standing alone; then the ambiguity rules;
 * then any "stop" or "quit" that no idiom explains (review).
 */
function classifyReasonably(
  compiled: CompiledClassifier,
  words: Words,
  body: string,
  unquoted: string,
): Classification {
  const { clauses } = words;
  // The sentences that ask or laugh, split once and only when a rule asks (see `askedSentences`).
  let asked: readonly string[] | undefined;
  const isAskedHere = (match: string): boolean => {
    asked ??= askedSentences(unquoted);
    return isAsked(asked, match);
  };
  const parts = splitOn(clauses, CLAUSE_SEPARATOR).filter(
    (part) => part !== '' && !compiled.courtesyOnly.test(part),
  );
  if (parts.length === 0) return STOP_EMOJI.some((emoji) => body.includes(emoji)) ? REVIEW : NONE;
  const wrong = findWrongNumber(clauses, body);
  if (wrong !== undefined) return optOut('phrase', wrong, 'en', 'wrong_number', true);
  const echo = findEcho(clauses, compiled.echo);
  if (echo !== undefined && !isNegated(clauses, clauses.indexOf(echo), compiled.negators)) {
    return optOut('phrase', echo, 'en', 'echo');
  }
  const reason = findKeywordReason(clauses, compiled.echo.optOut);
  if (reason !== undefined && !isNegated(clauses, reason.index, compiled.negators)) {
    return optOut('phrase', reason.phrase, 'en', 'keyword_reason');
  }
  let review = false;
  const { phrases, phraseMeta } = compiled;
  phrases.lastIndex = 0;
  for (let found = phrases.exec(clauses); found !== null; found = phrases.exec(clauses)) {
    const meta = phraseMeta[found.findIndex((group, index) => index > 0 && group !== undefined) - 1];
    if (meta === undefined || isNegated(clauses, found.index, meta.negators)) continue;
    const end = found.index + found[0].length;
    if (
      (meta.temporary !== undefined && isTemporary(clauses, found.index, end, meta.temporary)) ||
      (meta.reviewIfAsked && isAskedHere(found[0].replaceAll(CLAUSE_SEPARATOR, ' '))) ||
      isReport(clauses, found.index)
    ) {
      review = true;
      continue;
    }
    return optOut('phrase', found[0].replaceAll(CLAUSE_SEPARATOR, ' '), meta.language, meta.rule);
  }
  const slipped = findMisspeltObject(clauses);
  if (slipped !== undefined && !isNegated(clauses, slipped.index, compiled.negators)) {
    return optOut('phrase', slipped.phrase, 'en', 'phrase');
  }
  let ambiguousParts = 0;
  for (const part of parts) {
    const core = part.replace(compiled.courtesyPrefix, '').replace(compiled.courtesySuffix, '');
    const entry = keywordOnlyClause(splitOn(core, ' '), compiled.lookup);
    if (entry !== undefined) {
      if (parts.length === 1 || !entry.weak || !(body.includes('?') || part.startsWith('just '))) {
        return optOut('phrase', part, entry.language, 'keyword_clause');
      }
      review = true;
    }
    if (!compiled.clauseShape.test(part)) continue;
    if (compiled.ambiguous.has(part)) ambiguousParts++;
    const lone = compiled.loneClauses.get(core) ?? compiled.loneClauses.get(part);
    if (lone !== undefined) return optOut('phrase', part, lone, 'phrase');
  }
  const command = edgeCommand(clauses, body, compiled.lookup);
  if (command !== undefined) return optOut('phrase', command.keyword, command.language, 'keyword_clause');
  // A misspelling is read only as the whole message, or with courtesy words around it in a short
  // reply ("Sotp please"): the prefilter passes every short reply (see `isShortReply`).
  const lone = parts.length === 1 ? loneWord(compiled, words.joined, parts[0] ?? '', body) : undefined;
  if (lone !== undefined) {
    const fuzzy = judgeFuzzy(lone.word, compiled.fuzzy.optOut, compiled.fuzzy.others);
    if (fuzzy.kind === 'clear') {
      // A slip that makes no word is read anywhere in a short reply ("Sotp please"); a likeness that
      // may be a word only alone and not asked ("Quiz", not "Quiz?" or "Quiz please").
      if (isTypingSlip(lone.word, fuzzy.keyword) || (lone.alone && !isAskedHere(lone.word))) {
        const entry = compiled.keywords.get(fuzzy.keyword);
        return optOut('fuzzy', entry?.keyword ?? fuzzy.keyword, entry?.language ?? 'en', 'fuzzy');
      }
      // Asked, or with courtesy after it, it is asked about; after a greeting it is most likely a
      // name ("Hi Quin").
      if (lone.alone || lone.after) review = true;
    } else if (fuzzy.kind === 'weak' && lone.alone) review = true;
  }
  if (review) return REVIEW;
  if (ambiguousParts === parts.length || compiled.ambiguousAnywhere.test(clauses)) return REVIEW;
  LEFTOVER_COMMAND.lastIndex = 0;
  for (let found = LEFTOVER_COMMAND.exec(clauses); found !== null; found = LEFTOVER_COMMAND.exec(clauses)) {
    const idiomatic = found[0] === 'stop' ? isIdiomaticStop : isIdiomaticQuit;
    if (!idiomatic(clauses, found.index, compiled.negators)) return REVIEW;
  }
  return NONE;
}
