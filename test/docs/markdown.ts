/**
 * Finds the code samples of the documentation: fenced blocks of Markdown, with the page, the block
 * number and the line they start on, so that a failing sample can be named exactly.
 *
 * Conventions of the info string (the words after the opening fence):
 * - `ts` (or `typescript`): a TypeScript sample, type-checked with every other sample of the docs.
 * - `ts run`: also run with tsx; it must exit with code 0.
 * - `ts vitest`: a test file, also run with vitest; every test in it must pass.
 * - `ts file=name.ts`: written under that name in its page's folder, so other samples of the same
 *   page can import it (`import { consent } from './consent.js'`).
 * - `text output`: the exact stdout of the closest `run` sample above it on the page. A `…` in it
 *   matches any text within one line (ids, times).
 * Any other language (`sh`, `sql`, `json`, `text`) is not compiled.
 */

/** One fenced block of a Markdown page. */
export interface Fence {
  /** The first word of the info string, lower-cased (`ts`, `sh`, …); empty when there is none. */
  readonly language: string;
  /** The other words of the info string (`run`, `file=consent.ts`, `output`). */
  readonly attributes: readonly string[];
  /** The block's text, without the fences and the fence's indentation. */
  readonly code: string;
  /** Line of the page (from 1) that holds the block's first line of code. */
  readonly line: number;
}

const OPENING = /^( *)(`{3,}|~{3,})(.*)$/;

/**
 * The fenced blocks of a Markdown text, in order (CommonMark fences: three or more backticks or
 * tildes; the closing fence uses the same character, at least as many, and nothing else). Lines of
 * a block indented like its fence (as in list items) lose that indentation. An unclosed fence runs
 * to the end of the text.
 */
export function extractFences(markdown: string): Fence[] {
  const lines = markdown.split(/\r?\n/);
  const fences: Fence[] = [];
  let index = 0;
  while (index < lines.length) {
    const opening = OPENING.exec(lines[index] ?? '');
    if (!opening) {
      index++;
      continue;
    }
    const [, indent = '', marker = '', info = ''] = opening;
    if (marker.startsWith('`') && info.includes('`')) {
      index++;
      continue;
    }
    const closing = new RegExp(`^ *${marker[0] === '`' ? '`' : '~'}{${marker.length},} *$`);
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !closing.test(lines[end] ?? '')) {
      const text = lines[end] ?? '';
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
      end++;
    }
    const [language = '', ...attributes] = info.trim().split(/\s+/).filter(Boolean);
    fences.push({ language: language.toLowerCase(), attributes, code: body.join('\n'), line: index + 2 });
    index = end + 1;
  }
  return fences;
}

/** A TypeScript sample of one page. */
export interface Sample {
  /** The page, relative to the repository root (`docs/concepts.md`). */
  readonly page: string;
  /** Position among the page's TypeScript samples, from 1. */
  readonly block: number;
  readonly line: number;
  readonly code: string;
  /** File name inside the page's folder (`block-2.ts`, or the `file=` attribute). */
  readonly fileName: string;
  readonly run: boolean;
  readonly vitest: boolean;
  /** The expected stdout of a `run` sample, when the page gives one. */
  readonly output?: { readonly text: string; readonly line: number };
}

const TYPESCRIPT = new Set(['ts', 'typescript']);

/**
 * The TypeScript samples of one page, with their expected output. Throws for a page whose
 * conventions are broken (an output block without a sample to belong to, two blocks with one file
 * name), naming the page and the line.
 */
export function pageSamples(page: string, markdown: string): Sample[] {
  const samples: Sample[] = [];
  const names = new Set<string>();
  for (const fence of extractFences(markdown)) {
    if (fence.language === 'text' && fence.attributes.includes('output')) {
      const owner = [...samples].reverse().find((sample) => sample.run);
      if (!owner || owner.output) {
        throw new Error(
          `${page}:${fence.line}: an output block must follow a \`ts run\` sample that has no output block yet`,
        );
      }
      samples[samples.indexOf(owner)] = { ...owner, output: { text: fence.code, line: fence.line } };
      continue;
    }
    if (!TYPESCRIPT.has(fence.language)) continue;
    const block = samples.length + 1;
    const vitest = fence.attributes.includes('vitest');
    const named = fence.attributes.find((attribute) => attribute.startsWith('file='))?.slice('file='.length);
    const fileName = named ?? `block-${block}${vitest ? '.test' : ''}.ts`;
    if (!/^[\w.-]+\.ts$/.test(fileName) || names.has(fileName)) {
      throw new Error(
        `${page}:${fence.line}: file name ${JSON.stringify(fileName)} is invalid or used twice`,
      );
    }
    names.add(fileName);
    samples.push({
      page,
      block,
      line: fence.line,
      code: fence.code,
      fileName,
      run: fence.attributes.includes('run'),
      vitest,
    });
  }
  return samples;
}

/**
 * Whether `actual` output matches the `expected` text of an output block: the same lines (line
 * ends normalized, trailing spaces and trailing blank lines ignored), where `…` in an expected line
 * stands for any text. Returns the first mismatch in words, or undefined when they match.
 */
export function compareOutput(actual: string, expected: string): string | undefined {
  const tidy = (text: string) =>
    text
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/\n+$/, '')
      .split('\n');
  const got = tidy(actual);
  const want = tidy(expected);
  for (let index = 0; index < Math.max(got.length, want.length); index++) {
    const line = got[index];
    const pattern = want[index];
    if (line === undefined) return `output ends before expected line ${index + 1}: ${pattern}`;
    if (pattern === undefined) return `unexpected output line ${index + 1}: ${line}`;
    const regex = new RegExp(`^${pattern.split('…').map(escapeRegExp).join('.*?')}$`);
    if (!regex.test(line))
      return `output line ${index + 1} differs:\n  expected: ${pattern}\n  actual:   ${line}`;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
