/**
 * Applies the PostgreSQL store's migrations.
 *
 *   npm run migrate                         # DATABASE_URL, schema sms_consent
 *   npm run migrate -- --schema tenant_x    # another schema
 *   npm run migrate -- --pglite ./data/db   # an embedded PGlite data directory
 */
import { parseArgs } from 'node:util';
import { createPostgresStore, type PostgresClient } from '../src/postgres/index.js';

const { values } = parseArgs({ options: { schema: { type: 'string' }, pglite: { type: 'string' } } });

async function open(): Promise<{ client: PostgresClient; close: () => Promise<void> }> {
  if (values.pglite !== undefined) {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(values.pglite);
    return { client: db, close: () => db.close() };
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL (or pass --pglite <dir>)');
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  return { client: pool, close: () => pool.end() };
}

const { client, close } = await open();
try {
  const store = createPostgresStore({
    client,
    ...(values.schema === undefined ? {} : { schema: values.schema }),
  });
  const result = await store.migrate();
  console.log(
    result.applied.length === 0
      ? `schema "${store.schema}" is current (version ${result.version})`
      : `schema "${store.schema}": applied ${result.applied.join(', ')}; now at version ${result.version}`,
  );
} finally {
  await close();
}
