import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { AuditKey } from '../consent/audit-key.js';
import type { CrmAdapter } from '../crm/adapter.js';
import { ConsentError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { type ConsentManager, createConsentManager } from '../manager/manager.js';
import { holdFolder } from '../postgres/embedded.js';
import { lockFolder } from '../postgres/folder-lock.js';
import {
  createPostgresStore,
  POSTGRES_SCHEMA_VERSION,
  type PostgresConsentStore,
} from '../postgres/index.js';
import { tableNames } from '../postgres/schema.js';
import { type GlobalOptions, UsageError } from './args.js';

/** The store a command runs on, with what it needs to close it. */
export interface CliStore {
  readonly store: PostgresConsentStore;
  /** `pglite`: the embedded store in the data folder; `postgres`: a server. */
  readonly kind: 'pglite' | 'postgres';
  /** The data folder, or the server URL without its password. */
  readonly location: string;
  /** Raw SQL on the same database, for what the store interface does not offer (counts). */
  query<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** How a command opens its store. */
export interface OpenStoreOptions {
  /** False skips the migration of the embedded store and the schema check of a server. */
  readonly prepare: boolean;
  /** Create the embedded store when the data folder has none (only `migrate` does). */
  readonly create?: boolean;
}

/**
 * Opens the store the global options name: PostgreSQL on `--database-url` (a `pg` pool), else PGlite
 * in `<data-dir>/db`. A data folder without a store is an error (a mistyped `--data-dir` must not
 * answer from an empty store) unless `create`. Unless `prepare` is false, the embedded store is
 * migrated on open, and a server's schema is checked to have been migrated (`sms-consent migrate`).
 */
export async function openStore(
  globals: GlobalOptions,
  options: OpenStoreOptions = { prepare: true },
): Promise<CliStore> {
  const opened = globals.databaseUrl
    ? await openServer(globals.databaseUrl)
    : await openEmbedded(globals, options.create === true);
  try {
    const store = createPostgresStore(omitUndefined({ client: opened.client, schema: globals.schema }));
    if (options.prepare && opened.kind === 'pglite') await store.migrate();
    else if (options.prepare) await checkSchema(opened.query, store.schema);
    return {
      ...opened,
      store,
      async close() {
        await store.close();
        await opened.close();
      },
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

/** The consent manager the commands use, with the CLI's default country and, when configured, the CRM. */
export function createCliManager(
  cli: CliStore,
  globals: GlobalOptions,
  crm?: CrmAdapter,
  auditKey?: AuditKey,
): ConsentManager {
  return createConsentManager(
    omitUndefined({
      store: cli.store,
      defaultCountry: globals.country,
      auditKey,
      ...(crm === undefined ? {} : { crm, crmTenants: [globals.tenant] }),
    }),
  );
}

type Opened = Omit<CliStore, 'store'> & {
  readonly client: Parameters<typeof createPostgresStore>[0]['client'];
};

async function openEmbedded(globals: GlobalOptions, create: boolean): Promise<Opened> {
  const folder = resolve(globals.dataDir);
  const dbDir = join(folder, 'db');
  if (!create && !existsSync(join(dbDir, 'PG_VERSION'))) {
    const given = globals.dataDirGiven ? '--data-dir' : 'the default --data-dir';
    throw new UsageError(
      `no sms-consent store in ${folder} (${given}): check the folder, or create a store there with "sms-consent migrate --data-dir ${globals.dataDir}"`,
    );
  }
  const { PGlite } = await loadPeer('@electric-sql/pglite', () => import('@electric-sql/pglite'));
  await mkdir(folder, { recursive: true });
  // The library's own folder lock, taken before PGlite opens the folder: an app's store on the same
  // folder (createPostgresStore or openPGliteStore) and another CLI run exclude each other.
  const lock = lockFolder(dbDir);
  let db: InstanceType<typeof PGlite> | undefined;
  try {
    db = await PGlite.create(dbDir);
  } catch (error) {
    lock.release();
    throw new ConsentError('STORE_FAILURE', `could not open the embedded database in ${folder}`, {
      cause: error,
    });
  }
  const opened = db;
  const release = holdFolder(opened, lock);
  return {
    kind: 'pglite',
    location: folder,
    client: opened,
    async query<R>(text: string, params: readonly unknown[] = []) {
      return (await opened.query<R>(text, [...params])).rows;
    },
    async close() {
      try {
        await opened.close();
      } finally {
        release();
      }
    },
  };
}

async function openServer(url: string): Promise<Opened> {
  const { default: pg } = await loadPeer('pg', () => import('pg'));
  const parsed = new URL(url);
  const pool = new pg.Pool({
    connectionString: url,
    // `postgres:///db` means the local socket as the current user for psql; node-postgres needs both.
    ...(parsed.hostname === '' ? { host: process.env.PGHOST ?? '/var/run/postgresql' } : {}),
    ...(parsed.username === '' ? { user: process.env.PGUSER ?? userInfo().username } : {}),
    max: 8,
    connectionTimeoutMillis: 15_000,
  });
  // An idle connection dropped by the server must not crash the CLI; the next query reports it.
  pool.on('error', () => {});
  parsed.password = '';
  return {
    kind: 'postgres',
    location: parsed.toString(),
    client: pool,
    async query<R>(text: string, params: readonly unknown[] = []) {
      return (await pool.query(text, [...params])).rows as R[];
    },
    close: () => pool.end(),
  };
}

async function checkSchema(query: CliStore['query'], schema: string): Promise<void> {
  const t = tableNames(schema);
  let version: number | null;
  try {
    const [row] = await query<{ version: number | null }>(
      `SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE 0 END AS version`,
      [t.migrations],
    );
    version = row?.version ?? null;
    if (version !== null) {
      const [current] = await query<{ version: number | null }>(
        `SELECT max(version) AS version FROM ${t.migrations}`,
      );
      version = Number(current?.version ?? 0);
    }
  } catch (error) {
    throw new ConsentError('STORE_FAILURE', `could not reach PostgreSQL: ${messageOf(error)}`, {
      cause: error,
    });
  }
  if (version === null) {
    throw new ConsentError(
      'CONFIG',
      `PostgreSQL schema "${schema}" has no sms-consent tables: run "sms-consent migrate" first`,
    );
  }
  if (version < POSTGRES_SCHEMA_VERSION) {
    throw new ConsentError(
      'CONFIG',
      `PostgreSQL schema "${schema}" is at version ${version}, this release needs ${POSTGRES_SCHEMA_VERSION}: run "sms-consent migrate"`,
    );
  }
}

/**
 * Imports an optional peer dependency; a missing package is a `CONFIG` error that says what to
 * install instead of a module-resolution stack.
 */
export async function loadPeer<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && messageOf(error).includes(name)) {
      throw new ConsentError('CONFIG', `this command needs the "${name}" package: npm install ${name}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
