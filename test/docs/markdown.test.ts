import { describe, expect, test } from 'vitest';
import { compareOutput, extractFences, pageSamples } from './markdown.js';

describe('extractFences', () => {
  test('finds backtick and tilde fences with their language, attributes and first code line', () => {
    const page = ['# Title', '', '```ts run', 'const a = 1;', '```', '', '~~~sh', 'npm test', '~~~'].join(
      '\n',
    );
    expect(extractFences(page)).toEqual([
      { language: 'ts', attributes: ['run'], code: 'const a = 1;', line: 4 },
      { language: 'sh', attributes: [], code: 'npm test', line: 8 },
    ]);
  });

  test('a longer fence holds shorter ones, and list indentation is removed', () => {
    const page = ['1. Step', '', '   ````md', '   ```ts', '   x', '   ```', '   ````'].join('\n');
    expect(extractFences(page)).toEqual([{ language: 'md', attributes: [], code: '```ts\nx\n```', line: 4 }]);
  });

  test('inline code with three backticks is not a fence', () => {
    expect(extractFences('```ts const x = 1``` is inline\n')).toEqual([]);
  });
});

describe('pageSamples', () => {
  test('numbers the TypeScript samples, names their files and attaches output blocks', () => {
    const page = [
      '```ts file=consent.ts',
      'export const a = 1;',
      '```',
      '```sh',
      'ls',
      '```',
      '```ts run',
      "console.log('hi');",
      '```',
      'It prints:',
      '```text output',
      'hi',
      '```',
      '```ts vitest',
      "import { test } from 'vitest';",
      '```',
    ].join('\n');
    const samples = pageSamples('docs/x.md', page);
    expect(samples.map((sample) => [sample.block, sample.fileName, sample.run, sample.vitest])).toEqual([
      [1, 'consent.ts', false, false],
      [2, 'block-2.ts', true, false],
      [3, 'block-3.test.ts', false, true],
    ]);
    expect(samples[1]?.output).toEqual({ text: 'hi', line: 12 });
  });

  test('refuses an output block without a run sample, and one file name used twice', () => {
    expect(() => pageSamples('docs/x.md', '```text output\nhi\n```')).toThrow('docs/x.md:2');
    expect(() => pageSamples('docs/x.md', '```ts file=a.ts\n```\n```ts file=a.ts\n```')).toThrow(
      'used twice',
    );
  });
});

describe('compareOutput', () => {
  test('matches line by line, ignoring trailing spaces and blank lines, with … as a wildcard', () => {
    expect(compareOutput('a  \r\nevt_01ABC done\n\n', 'a\nevt_… done')).toBeUndefined();
    expect(compareOutput('a\nb', 'a\nc')).toContain('line 2 differs');
    expect(compareOutput('a', 'a\nb')).toContain('ends before');
    expect(compareOutput('a\nb', 'a')).toContain('unexpected output line 2');
  });
});
