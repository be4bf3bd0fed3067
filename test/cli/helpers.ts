import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The built bin: `npm run build` first (`npm test` does). */
export const BIN = resolve(import.meta.dirname, '../../dist/cli/index.js');

/** The PostgreSQL server of the server runs, when set. */
export const DATABASE_URL = process.env.DATABASE_URL;

/** What one CLI run printed and how it ended. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Variables added to the clean environment (DATABASE_URL, TWILIO_*, ACTIVECAMPAIGN_* are removed). */
  readonly env?: Record<string, string>;
  /** Called with each chunk of stderr while the process runs, e.g. to kill it at a given point. */
  readonly onStderr?: (text: string, child: ChildProcess) => void;
}

/** Runs `node dist/cli/index.js …args` and collects its output. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" before the CLI tests`);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(DATABASE_URL|TWILIO_|ACTIVECAMPAIGN_|SMS_CONSENT_)/.test(name)) continue;
    env[name] = value;
  }
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    options.onStderr?.(text, child);
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

/** Where a test's data lives: a fresh PGlite folder, or a fresh schema on the server. */
export interface Backend {
  readonly name: 'pglite' | 'postgres';
  /** The store flags for the CLI. */
  readonly flags: readonly string[];
  /** Runs SQL on the store's database outside the CLI (never while a CLI run is in progress). */
  sql(text: string): Promise<Record<string, unknown>[]>;
  /** The schema of the tables. */
  readonly schema: string;
}

/** A factory of fresh {@link Backend}s for one test file; `close` removes what it made. */
export interface BackendKind {
  readonly name: Backend['name'];
  /** Makes a fresh, migrated store. */
  create(): Promise<Backend>;
  close(): Promise<void>;
}

/**
 * The embedded store: one data folder is created and migrated by the CLI once (`migrate`, a few
 * seconds), then copied for every test.
 */
export function pgliteKind(): BackendKind {
  const root = mkdtempSync(join(tmpdir(), 'sms-consent-cli-'));
  let template: Promise<string> | undefined;
  const prepare = async () => {
    const folder = join(root, 'template');
    const run = await runCli(['migrate', '--data-dir', folder]);
    if (run.code !== 0) throw new Error(`migrate failed: ${run.stderr}`);
    return folder;
  };
  return {
    name: 'pglite',
    async create() {
      template ??= prepare();
      const folder = join(root, `store-${randomBytes(4).toString('hex')}`);
      cpSync(await template, folder, { recursive: true });
      return {
        name: 'pglite',
        flags: ['--data-dir', folder],
        schema: 'sms_consent',
        async sql(text) {
          const db = await PGlite.create(join(folder, 'db'));
          try {
            const results = await db.exec(text);
            return (results.at(-1)?.rows ?? []) as Record<string, unknown>[];
          } finally {
            await db.close();
          }
        },
      };
    },
    async close() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The server: a fresh schema per test, migrated through the CLI's own `migrate`. */
export function postgresKind(url: string): BackendKind {
  const parsed = new URL(url);
  const pool = new pg.Pool({
    connectionString: url,
    ...(parsed.hostname === '' ? { host: process.env.PGHOST ?? '/var/run/postgresql' } : {}),
    ...(parsed.username === '' ? { user: process.env.PGUSER ?? userInfo().username } : {}),
    max: 2,
  });
  const schemas: string[] = [];
  return {
    name: 'postgres',
    async create() {
      const schema = `cli_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      const flags = ['--database-url', url, '--schema', schema];
      const run = await runCli(['migrate', ...flags]);
      if (run.code !== 0) throw new Error(`migrate failed: ${run.stderr}`);
      return {
        name: 'postgres',
        flags,
        schema,
        async sql(text) {
          const result = await pool.query(text);
          const last = Array.isArray(result) ? result.at(-1) : result;
          return (last?.rows ?? []) as Record<string, unknown>[];
        },
      };
    },
    async close() {
      for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

/** The backends the CLI tests run on: PGlite always, PostgreSQL when `DATABASE_URL` is set. */
export function backendKinds(): BackendKind[] {
  return [pgliteKind(), ...(DATABASE_URL ? [postgresKind(DATABASE_URL)] : [])];
}

/** The lines of a text, without the empty last one. */
export function linesOf(text: string): string[] {
  return text.split(/\r?\n/).filter((line, index, all) => line !== '' || index < all.length - 1);
}
