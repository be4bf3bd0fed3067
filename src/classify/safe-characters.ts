/**
 * Non-ASCII characters that folding turns into neither letters, digits, apostrophes nor nothing:
 * emoji, symbols, arrows, dashes, quotes, spaces. A text whose only non-ASCII characters are these
 * has the same words as its ASCII letters lower-cased, so the hot path can read it unfolded. Anything
 * else (letters of any script, full-width and styled forms, combining marks, invisible characters, lone
 * surrogates) is unsafe. Curly apostrophes count as safe: readers treat them as straight ones.
 */
const SAFE_BMP_RANGES: readonly (readonly [number, number])[] = [
  [0x00a0, 0x00a9],
  [0x00ab, 0x00ac],
  [0x00ae, 0x00ae],
  [0x00b0, 0x00b1],
  [0x00b6, 0x00b7],
  [0x00bb, 0x00bb],
  [0x00bf, 0x00bf],
  [0x00d7, 0x00d7],
  [0x00f7, 0x00f7],
  [0x2010, 0x2029],
  [0x202f, 0x2031],
  [0x2038, 0x2056],
  [0x2058, 0x205f],
  [0x2190, 0x245f],
  [0x2500, 0x2775],
  [0x2794, 0x2bff],
  [0x3000, 0x3003],
];
const SAFE_ASTRAL_RANGES: readonly (readonly [number, number])[] = [
  [0x1f000, 0x1f0ff],
  [0x1f1e6, 0x1f1ff],
  [0x1f300, 0x1faff],
];
const ZERO_WIDTH_JOINER = 0x200d;
const TEXT_PRESENTATION = 0xfe0e;
const EMOJI_PRESENTATION = 0xfe0f;

function inRanges(code: number, ranges: readonly (readonly [number, number])[]): boolean {
  for (const [low, high] of ranges) if (code >= low && code <= high) return true;
  return false;
}

/**
 * How many code units the non-ASCII character at `index` takes if it is safe (1 or 2), or 0 if it is
 * unsafe. The joiner and variation selectors are safe only inside emoji sequences (after another
 * non-ASCII character): after a letter they would vanish in folding and glue words together.
 */
export function safeCharacterWidth(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdbff) {
    const low = text.charCodeAt(index + 1);
    if (!(low >= 0xdc00 && low <= 0xdfff)) return 0;
    const point = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
    return inRanges(point, SAFE_ASTRAL_RANGES) ? 2 : 0;
  }
  if (code === ZERO_WIDTH_JOINER || code === TEXT_PRESENTATION || code === EMOJI_PRESENTATION) {
    return index > 0 && text.charCodeAt(index - 1) >= 0x80 ? 1 : 0;
  }
  return inRanges(code, SAFE_BMP_RANGES) ? 1 : 0;
}

/**
 * Whether `text` has a non-ASCII character that folding could turn into (part of) a word (see
 * {@link safeCharacterWidth}).
 */
export function hasUnsafeCharacter(text: string): boolean {
  const length = text.length;
  for (let index = 0; index < length; index++) {
    if (text.charCodeAt(index) < 0x80) continue;
    const width = safeCharacterWidth(text, index);
    if (width === 0) return true;
    index += width - 1;
  }
  return false;
}
