import { ConsentError } from '../errors.js';
import type { PGliteLike } from './client.js';
import { holdFolder } from './embedded.js';
import { lockFolder } from './folder-lock.js';
import { createPostgresStore, type PostgresConsentStore, type PostgresStoreOptions } from './store.js';
import { checkStoreNumbers } from './store-options.js';

/** Options of {@link openPGliteStore}: the store's options, with a data folder instead of a client. */
export interface PGliteStoreOptions extends Omit<PostgresStoreOptions, 'client'> {
  /** The PGlite data folder on disk (created when missing). */
  readonly dataDir: string;
  /** Run `store.migrate()` once open (default true). */
  readonly migrate?: boolean;
}

/** A store on an embedded PGlite folder that it opened itself, and closes with `close()`. */
export interface PGliteConsentStore extends PostgresConsentStore {
  /** The PGlite instance, for raw SQL on the same database. */
  readonly db: PGliteLike;
}

/**
 * Opens the embedded database in `dataDir` for this process only: takes the folder's lock first
 * (a second opener, in this process or another, gets a `FolderLockedError` naming the holder's
 * pid), then opens PGlite and migrates. `close()` closes PGlite, so everything committed is on disk,
 * and only then releases the lock. Every write resolves once PGlite has committed it to its files.
 *
 * @example
 * const store = await openPGliteStore({ dataDir: './.sms-consent/db' });
 * const consent = createConsentManager({ store, defaultCountry: 'US' });
 * process.once('SIGTERM', () => void store.close());
 */
export async function openPGliteStore(options: PGliteStoreOptions): Promise<PGliteConsentStore> {
  const { dataDir, migrate = true, ...storeOptions } = options;
  // A bad option fails before the folder is locked and PGlite spends seconds opening it.
  checkStoreNumbers(storeOptions);
  const lock = lockFolder(dataDir);
  let db: (PGliteLike & { close(): Promise<void> }) | undefined;
  try {
    const { PGlite } = await import('@electric-sql/pglite').catch((error: unknown) => {
      throw new ConsentError(
        'CONFIG',
        'openPGliteStore needs @electric-sql/pglite: npm install @electric-sql/pglite',
        {
          cause: error,
        },
      );
    });
    db = await PGlite.create(dataDir);
    const opened = db;
    const releaseOpener = holdFolder(opened, lock);
    const store = createPostgresStore({ ...storeOptions, client: opened });
    if (migrate) await store.migrate();
    return {
      ...store,
      db: opened,
      async close() {
        await store.close();
        try {
          await opened.close();
        } finally {
          releaseOpener();
        }
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}
