import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

/**
 * Whether this machine can run a private PostgreSQL server: the binaries are there and the tests
 * run as root (initdb and the server then run as the `postgres` user) or as `postgres` itself.
 */
export const CAN_RUN_PRIVATE_SERVER =
  existsSync(join(BIN, 'initdb')) && (userInfo().uid === 0 || userInfo().username === 'postgres');

/** A PostgreSQL server of one test's own, on a temporary folder and socket: it may be stopped at will. */
export interface PrivateServer {
  /** node-postgres settings for it (socket folder, port, user, database). */
  readonly config: {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly database: string;
  };
  start(): void;
  /** Stops it at once (`-m fast`: open connections are terminated), as a restart or failover does. */
  stop(): void;
  /** Stops it if running and removes its folder. */
  remove(): void;
}

function asPostgres(command: string, args: readonly string[]): void {
  const [file, argv] =
    userInfo().uid === 0
      ? ['runuser', ['-u', 'postgres', '--', join(BIN, command), ...args]]
      : [join(BIN, command), args];
  execFileSync(file, argv as string[], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** initdb on a fresh temporary folder; the server listens only on its own socket folder and port. */
export function createPrivateServer(): PrivateServer {
  const root = mkdtempSync(join(tmpdir(), 'sms-consent-pg-'));
  if (userInfo().uid === 0) chownSync(root, uidOf('postgres'), gidOf('postgres'));
  const data = join(root, 'data');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const options = `-k ${root} -p ${port} -c listen_addresses= -c fsync=off -c max_connections=40`;
  let running = false;
  const server: PrivateServer = {
    config: { host: root, port, user: 'postgres', database: 'postgres' },
    start() {
      asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(root, 'log'), '-w', 'start']);
      running = true;
    },
    stop() {
      asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    remove() {
      if (running) server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return server;
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
