import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ConsentStore } from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';

/** The consent store of the demo, and whether it outlives the process. */
export interface DemoStore {
  readonly store: ConsentStore;
  readonly persistent: boolean;
  readonly description: string;
  /** Closes the store and the database it opened. */
  close(): Promise<void>;
}

/**
 * The embedded default: PostgreSQL in-process (PGlite), persisted under `<dataDir>/db` — the layout
 * of the CLI's `--data-dir`, so `npx sms-consent explain <phone> --data-dir <dataDir>` reads the
 * demo's ledger once the demo is stopped — with the schema migrated on start.
 */
export async function createDemoStore(dataDir: string): Promise<DemoStore> {
  const folder = join(dataDir, 'db');
  const older = join(dataDir, 'consent');
  // Earlier versions of the demo kept the database in <dataDir>/consent.
  if (!existsSync(folder) && existsSync(join(older, 'PG_VERSION'))) await rename(older, folder);
  await mkdir(folder, { recursive: true });
  const database = await PGlite.create(folder);
  const store = createPostgresStore({ client: database });
  await store.migrate();
  return {
    store,
    persistent: true,
    description: `PGlite (embedded PostgreSQL) in ${folder}`,
    async close() {
      await store.close();
      await database.close();
    },
  };
}
