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
export {
  type MigrationResult,
  POSTGRES_SCHEMA_VERSION,
  type PostgresMigration,
  postgresMigrations,
} from './migrations.js';
export { DEFAULT_SCHEMA } from './schema.js';
export { createPostgresStore, type PostgresConsentStore, type PostgresStoreOptions } from './store.js';
