import { Metadata } from 'libphonenumber-js/max';

/**
 * The parts of libphonenumber's `Metadata` (max) that its own parser and validator use, untyped in
 * its declarations. This module calls exactly these, in the order `parsePhoneNumberWithError` and
 * `PhoneNumber.isValid` do, so its answers are theirs (`test/phone-fast.test.ts` compares them).
 */
interface MetadataInternals {
  hasCallingCode(callingCode: string): boolean;
  selectNumberingPlan(countryOrCallingCode: string): void;
  getCountryCodesForCallingCode(callingCode: string): readonly string[] | undefined;
  readonly numberingPlan: { nationalPrefixForParsing(): string | undefined };
  leadingDigits(): string | undefined;
  nationalNumberPattern(): string;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): readonly number[] | undefined } | undefined;
}

/** libphonenumber's order of number types after the fixed line (`getNumberType`). */
const NON_FIXED_LINE_TYPES = [
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
];

/** One number type of a country: libphonenumber's pattern, compiled once, and its lengths. */
interface TypeRule {
  readonly lengths: readonly number[] | undefined;
  readonly pattern: RegExp;
}

/** What deciding a national number of one country needs, compiled once. */
interface CountryRule {
  readonly leadingDigits: RegExp | undefined;
  readonly nationalNumber: RegExp;
  readonly hasTypes: boolean;
  /** The fixed-line type first, then the others in libphonenumber's order; only types with a pattern. */
  readonly types: readonly TypeRule[];
}

/** The countries of one calling code, or undefined where this path leaves the number to libphonenumber. */
interface CallingCodeRule {
  /** libphonenumber strips a national prefix from a national number this matches. */
  readonly nationalPrefix: RegExp | undefined;
  readonly countries: readonly CountryRule[];
}

/** `matchesEntirely` of libphonenumber, with the expression compiled once instead of on every call. */
function entire(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

let metadata: MetadataInternals | undefined;
const rules = new Map<string, CallingCodeRule | null>();

function ruleOf(callingCode: string): CallingCodeRule | null {
  let rule = rules.get(callingCode);
  if (rule !== undefined) return rule;
  metadata ??= new Metadata() as unknown as MetadataInternals;
  const countries = metadata.getCountryCodesForCallingCode(callingCode) ?? [];
  // Non-geographic calling codes ('001') take other branches of the parser: left to it.
  if (countries.length === 0 || countries.includes('001')) {
    rule = null;
  } else {
    metadata.selectNumberingPlan(callingCode);
    const prefix = metadata.numberingPlan.nationalPrefixForParsing();
    rule = {
      nationalPrefix: prefix ? new RegExp(`^(?:${prefix})`) : undefined,
      countries: countries.map((country) => countryRule(metadata as MetadataInternals, country)),
    };
  }
  rules.set(callingCode, rule);
  return rule;
}

function countryRule(data: MetadataInternals, country: string): CountryRule {
  data.selectNumberingPlan(country);
  const leadingDigits = data.leadingDigits();
  const types: TypeRule[] = [];
  for (const name of ['FIXED_LINE', ...NON_FIXED_LINE_TYPES]) {
    const type = data.type(name);
    const pattern = type?.pattern();
    if (type && pattern) types.push({ lengths: type.possibleLengths(), pattern: entire(pattern) });
  }
  return {
    leadingDigits: leadingDigits ? new RegExp(leadingDigits) : undefined,
    nationalNumber: entire(data.nationalNumberPattern()),
    hasTypes: data.hasTypes(),
    types,
  };
}

/** libphonenumber's `getNumberType(...) !== undefined`: the number fits the country and one of its types. */
function hasType(country: CountryRule, national: string): boolean {
  if (!country.nationalNumber.test(national)) return false;
  return country.types.some(
    (type) =>
      (type.lengths === undefined || type.lengths.includes(national.length)) && type.pattern.test(national),
  );
}

/**
 * Decides a string that already has E.164 shape (`+`, a non-zero digit, 7–15 digits in all) the way
 * `parsePhoneNumberWithError(e164, { extract: false }).isValid()` does, with libphonenumber's
 * metadata but its expressions compiled once: 'valid' (and then the parsed number is `e164` itself),
 * 'invalid', or undefined where the parser would take a branch this path does not follow (a
 * national prefix to strip, a non-geographic calling code, no country found), which the caller
 * leaves to libphonenumber.
 */
export function decideE164(e164: string): 'valid' | 'invalid' | undefined {
  let callingCode: string | undefined;
  // Calling codes are prefix-free: the first of 1–3 digits that is one is the parser's too.
  for (let end = 2; end <= 4 && end <= e164.length; end++) {
    const candidate = e164.slice(1, end);
    metadata ??= new Metadata() as unknown as MetadataInternals;
    if (metadata.hasCallingCode(candidate)) {
      callingCode = candidate;
      break;
    }
  }
  if (callingCode === undefined) return undefined;
  const rule = ruleOf(callingCode);
  const national = e164.slice(1 + callingCode.length);
  if (rule === null || national.length < 2 || rule.nationalPrefix?.test(national)) return undefined;
  const country =
    rule.countries.length === 1
      ? rule.countries[0]
      : rule.countries.find((candidate) =>
          candidate.leadingDigits
            ? national.search(candidate.leadingDigits) === 0
            : hasType(candidate, national),
        );
  if (country === undefined) return undefined;
  const valid = country.hasTypes ? hasType(country, national) : country.nationalNumber.test(national);
  return valid ? 'valid' : 'invalid';
}
