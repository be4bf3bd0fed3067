import type { Command } from '../command.js';

/** `migrate`: creates or upgrades the store's tables. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: "Create or upgrade the store's tables",
  usage: '',
  help: `Brings the store's schema to the version this release expects. Safe to run again and from many
machines at once; it never drops or rewrites data. It is the one command that creates the embedded
store (--data-dir) when the folder has none; every other command refuses a folder without a store,
so a mistyped --data-dir is an error, not an empty store. The embedded store is migrated by every
command anyway; a PostgreSQL server (--database-url) is migrated only by this command.`,
  options: {},
  async run({ out, openStore }) {
    const cli = await openStore({ prepare: false, create: true });
    const result = await cli.store.migrate();
    const where = cli.kind === 'pglite' ? `embedded store ${cli.location}` : `schema "${cli.store.schema}"`;
    out.result(
      { store: cli.kind, schema: cli.store.schema, ...result },
      result.applied.length === 0
        ? `${where} is current (version ${result.version}).`
        : `${where}: applied migration ${result.applied.join(', ')}; now at version ${result.version}.`,
    );
    return 0;
  },
};
