/**
 * `sms-consent/postgres`: the consent store on PostgreSQL (`pg`) and on embedded PGlite.
 *
 * @packageDocumentation
 */
export type {
  PGliteLike,
  PGliteTransactionLike,
  PgClientLike,
  PgPoolClientLike,
  PgPoolLike,
  PostgresClient,
} from './client.js';
export { type FolderLock, FolderLockedError, lockFileOf, lockFolder } from './folder-lock.js';
export {
  type MigrationResult,
  POSTGRES_SCHEMA_VERSION,
  type PostgresMigration,
  postgresMigrations,
} from './migrations.js';
export { openPGliteStore, type PGliteConsentStore, type PGliteStoreOptions } from './open-pglite.js';
export { DEFAULT_SCHEMA } from './schema.js';
export { createPostgresStore, type PostgresConsentStore, type PostgresStoreOptions } from './store.js';
