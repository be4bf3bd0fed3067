import type { Driver, PGliteLike, PGliteTransactionLike, Session, Statement } from './client.js';
import { statementFailure } from './failures.js';

function pgliteSession(target: PGliteTransactionLike, beforeCommit: Statement[]): Session {
  return {
    withCommit(statement) {
      beforeCommit.push(statement);
    },
    async query<R>(text: string, params: readonly unknown[] = []) {
      try {
        return (await target.query<R>(text, [...params])).rows;
      } catch (error) {
        throw statementFailure(error, true);
      }
    },
    async exec(text) {
      try {
        await target.exec(text);
      } catch (error) {
        throw statementFailure(error, true);
      }
    },
  };
}

/**
 * PGlite: one in-process connection. Its own `transaction()` holds that connection exclusively until
 * COMMIT or ROLLBACK, so every other statement waits its turn.
 */
export function pgliteDriver(db: PGliteLike): Driver {
  const driver: Driver = {
    concurrent: false,
    exclusive: true,
    async run<R>(text: string, params: readonly unknown[]) {
      try {
        return (await db.query<R>(text, [...params])).rows;
      } catch (error) {
        throw statementFailure(error, false);
      }
    },
    async transaction(fn, first) {
      const state: { phase: 'begin' | 'body' | 'commit' } = { phase: 'begin' };
      try {
        return await db.transaction(async (tx) => {
          state.phase = 'body';
          const beforeCommit: Statement[] = [];
          const session = pgliteSession(tx, beforeCommit);
          if (first) first.check?.(await session.query(first.text, first.params));
          const result = await fn(session);
          for (const statement of beforeCommit) await session.query(statement.text, statement.params);
          state.phase = 'commit';
          return result;
        });
      } catch (error) {
        if (state.phase === 'body') throw error;
        throw statementFailure(error, false);
      }
    },
    write: (statement) => driver.transaction((session) => session.query(statement.text, statement.params)),
  };
  return driver;
}
