export { type Classifier, classifyMessage, createClassifier } from './classify.js';
export { foldText } from './fold.js';
export {
  DEFAULT_KEYWORDS,
  type KeywordSets,
  LANGUAGE_KEYWORDS,
  type Language,
  type LanguageKeywords,
  SUPPORTED_LANGUAGES,
} from './keywords.js';
export type {
  Classification,
  ClassificationRule,
  ClassifyOptions,
  CustomKeywords,
  Intent,
  MatchKind,
  Policy,
} from './types.js';
