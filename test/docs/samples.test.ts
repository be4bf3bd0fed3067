/**
 * Every TypeScript sample of README.md and docs/*.md is compiled, and the runnable ones are run, so
 * no sample can rot. See markdown.ts for the conventions of the fences (`ts`, `ts run`,
 * `ts vitest`, `ts file=…`, `text output`).
 *
 * The samples are written to .tmp/doc-samples/<page>/ (git-ignored) and type-checked together in
 * one `tsc --noEmit` run with the project's compiler options (a tsconfig there extends the root
 * one, whose `paths` map `sms-consent` and `sms-consent/*` to src). `run` samples then run with tsx
 * in an empty temporary folder, and `vitest` samples with vitest, each in a subprocess.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { compareOutput, pageSamples, type Sample } from './markdown.js';

const ROOT = resolve(import.meta.dirname, '../..');
const WORK = join(ROOT, '.tmp', 'doc-samples');
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];
const SAMPLES = PAGES.flatMap((page) => pageSamples(page, readFileSync(join(ROOT, page), 'utf8')));

/** The folder of a page's samples: `README.md` → `README`, `docs/concepts.md` → `docs-concepts`. */
const folderOf = (page: string) => page.replace(/\.md$/, '').replaceAll('/', '-');
const pathOf = (sample: Sample) => join(WORK, folderOf(sample.page), sample.fileName);
const title = (sample: Sample) => `${sample.page} block ${sample.block} (line ${sample.line})`;

interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
}

let diagnostics: Diagnostic[] = [];

beforeAll(async () => {
  rmSync(WORK, { recursive: true, force: true });
  for (const sample of SAMPLES) {
    mkdirSync(join(WORK, folderOf(sample.page)), { recursive: true });
    writeFileSync(pathOf(sample), `${sample.code}\n`);
  }
  writeFileSync(
    join(WORK, 'tsconfig.json'),
    `${JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true }, include: ['**/*.ts'] }, null, 2)}\n`,
  );
  writeFileSync(join(WORK, 'vitest.config.mjs'), vitestConfig());
  const tsc = await runProcess(
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(WORK, 'tsconfig.json'), '--pretty', 'false'],
    ROOT,
    180_000,
  );
  diagnostics = parseDiagnostics(tsc.stdout);
  if (tsc.code !== 0 && diagnostics.length === 0) {
    throw new Error(`tsc failed without diagnostics (exit ${tsc.code}):\n${tsc.stdout}\n${tsc.stderr}`);
  }
}, 240_000);

test('finds the samples of the README and the docs', () => {
  expect(SAMPLES.filter((sample) => sample.page === 'README.md').length).toBeGreaterThan(0);
  expect(SAMPLES.length).toBeGreaterThan(10);
});

describe('every sample type-checks', () => {
  for (const sample of SAMPLES) {
    test(title(sample), () => {
      const file = pathOf(sample);
      const own = diagnostics.filter((diagnostic) => diagnostic.file === file);
      if (own.length > 0) {
        const lines = own.map(
          (diagnostic) =>
            `  ${sample.page}:${sample.line + diagnostic.line - 1}:${diagnostic.column} ${diagnostic.code} ${diagnostic.message}`,
        );
        expect.fail(`${title(sample)} does not type-check:\n${lines.join('\n')}`);
      }
    });
  }

  test('nothing outside the samples fails to type-check', () => {
    const files = new Set(SAMPLES.map(pathOf));
    const others = diagnostics.filter((diagnostic) => !files.has(diagnostic.file));
    expect(others.map((diagnostic) => `${relative(ROOT, diagnostic.file)}: ${diagnostic.message}`)).toEqual(
      [],
    );
  });
});

const RUNNABLE = SAMPLES.filter((sample) => sample.run);
const TEST_FILES = SAMPLES.filter((sample) => sample.vitest);

describe.runIf(RUNNABLE.length > 0)('every runnable sample runs', () => {
  for (const sample of RUNNABLE) {
    test(`${title(sample)} runs${sample.output ? ' and prints its output' : ''}`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'sms-consent-doc-'));
      try {
        const result = await runProcess(
          [
            join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
            '--tsconfig',
            join(WORK, 'tsconfig.json'),
            pathOf(sample),
          ],
          cwd,
          90_000,
        );
        if (result.code !== 0) {
          expect.fail(`${title(sample)} exited with ${result.code}:\n${result.stderr || result.stdout}`);
        }
        if (sample.output) {
          const mismatch = compareOutput(result.stdout, sample.output.text);
          if (mismatch) {
            expect.fail(
              `${title(sample)} printed other output than its output block (line ${sample.output.line}): ${mismatch}\n--- stdout ---\n${result.stdout}`,
            );
          }
        }
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    }, 120_000);
  }
});

describe.runIf(TEST_FILES.length > 0)('every test-file sample passes', () => {
  for (const sample of TEST_FILES) {
    test(`${title(sample)} passes under vitest`, async () => {
      const result = await runProcess(
        [
          join(ROOT, 'node_modules/vitest/vitest.mjs'),
          'run',
          '--config',
          join(WORK, 'vitest.config.mjs'),
          relative(ROOT, pathOf(sample)),
        ],
        ROOT,
        240_000,
      );
      if (result.code !== 0) {
        expect.fail(
          `${title(sample)} failed under vitest (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
        );
      }
    }, 300_000);
  }
});

/** The vitest config of the test-file samples: the project's aliases, rooted at the repository. */
function vitestConfig(): string {
  const src = join(ROOT, 'src');
  return `export default {
  root: ${JSON.stringify(ROOT)},
  resolve: {
    alias: [
      { find: /^sms-consent$/, replacement: ${JSON.stringify(join(src, 'index.ts'))} },
      { find: /^sms-consent\\/(.*)$/, replacement: ${JSON.stringify(`${src}/$1/index.ts`)} },
    ],
  },
  test: {
    include: ['.tmp/doc-samples/**/*.test.ts'],
    testTimeout: 60000,
    hookTimeout: 60000,
  },
};
`;
}

/** tsc's `file(line,col): error TSxxxx: message` lines, with their continuation lines. */
function parseDiagnostics(output: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (match) {
      const [, file = '', row = '0', column = '0', code = '', message = ''] = match;
      found.push({ file: resolve(ROOT, file), line: Number(row), column: Number(column), code, message });
    } else if (line.trim() !== '' && found.length > 0) {
      const last = found.pop() as Diagnostic;
      found.push({ ...last, message: `${last.message}\n      ${line.trim()}` });
    }
  }
  return found;
}

interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node …args` in `cwd` with a clean environment (no database, Twilio or CRM settings, so a
 * sample cannot reach a real service; no variables of this vitest run), and kills it after `timeoutMs`.
 */
function runProcess(args: readonly string[], cwd: string, timeoutMs: number): Promise<ProcessResult> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value === undefined ||
      /^(DATABASE_URL|TWILIO_|ACTIVECAMPAIGN_|SMS_CONSENT_|PUBLIC_URL|FORCE_COLOR|VITEST)/.test(name)
    )
      continue;
    env[name] = value;
  }
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((done, fail) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
