import { createHash, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConsentError } from '../errors.js';

/** Thrown (code `STORE_LOCKED`) when another process, or another store of this one, holds the folder. */
export class FolderLockedError extends ConsentError {
  /** The process holding the lock. */
  readonly holderPid: number;
  /** The lock file. */
  readonly lockFile: string;

  constructor(lockFile: string, holderPid: number) {
    super(
      'STORE_LOCKED',
      `the embedded database is in use by another process (pid ${holderPid}, lock ${lockFile}); ` +
        'only one process may open a PGlite folder: stop it, or go through the process that holds it',
    );
    this.name = 'FolderLockedError';
    this.holderPid = holderPid;
    this.lockFile = lockFile;
  }
}

/** A held folder lock; `release` is idempotent. */
export interface FolderLock {
  readonly file: string;
  release(): void;
}

/** How many stale takeovers may be nested (a takeover whose taker died, and so on) before giving up. */
const MAX_DEPTH = 4;
const ATTEMPTS = 8;
/**
 * How long to wait, in all, for a running process that is taking a stale lock over to finish (it
 * holds its marker for a few file operations) before naming it as the holder.
 */
const TAKEOVER_WAIT_MS = 2000;

/**
 * The contents of the locks this process holds, shared by every copy of this module loaded in it
 * (ESM and CJS builds alike). A lock file naming our own pid that is not in here was left by an
 * earlier process that had the same pid (a container's pid 1 after a SIGKILL), so it is stale.
 */
const heldHere: Set<string> = sharedSet(Symbol.for('sms-consent.folder-locks'));

function sharedSet(key: symbol): Set<string> {
  const registry = globalThis as Record<symbol, unknown>;
  const found = registry[key];
  if (found instanceof Set) return found as Set<string>;
  const created = new Set<string>();
  registry[key] = created;
  return created;
}

/** The lock file of a PGlite data folder: next to it, so PGlite never sees it in its own files. */
export function lockFileOf(dataDir: string): string {
  return `${resolve(dataDir)}.lock`;
}

/**
 * Takes the exclusive lock of a PGlite data folder for this process until `release` (or exit).
 *
 * The lock file appears with its whole content at once (a hard link of a finished file), so no
 * reader ever sees a half-written one. A lock whose holder no longer runs is stale; of any number of
 * processes that find the same stale lock, exactly one takes it over: each must first create a
 * marker named after that exact lock's content (only one creation succeeds), then check that the
 * lock is still the one it found before replacing it in one rename. A taker that died leaves a stale
 * marker, recovered the same way, one level down.
 *
 * @throws FolderLockedError when a running process holds the folder.
 */
export function lockFolder(dataDir: string): FolderLock {
  const file = lockFileOf(dataDir);
  mkdirSync(dirname(file), { recursive: true });
  const content = JSON.stringify({ pid: process.pid, token: randomUUID() });
  const mine = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(mine, content, { flag: 'wx' });
  try {
    take(file, mine, 0);
  } finally {
    rmSync(mine, { force: true });
  }
  heldHere.add(content);
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    heldHere.delete(content);
    process.off('exit', release);
    // Only a taker of a stale lock may replace this file, and ours is not stale while we run.
    if (readRaw(file) === content) rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, release };
}

/** Makes `file` a link of `mine` (our content), taking over a stale holder; see {@link lockFolder}. */
function take(file: string, mine: string, depth: number): void {
  let attempts = 0;
  let waited = 0;
  while (attempts < ATTEMPTS) {
    try {
      linkSync(mine, file);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const found = readRaw(file);
    if (found === undefined) {
      attempts++;
      continue;
    }
    const holder = pidOf(found);
    if (holder !== undefined && holdsLock(holder, found)) throw new FolderLockedError(file, holder);
    if (depth >= MAX_DEPTH) break;
    const marker = `${file}.takeover-${createHash('sha256').update(found).digest('hex').slice(0, 24)}`;
    try {
      take(marker, mine, depth + 1);
    } catch (error) {
      if (!(error instanceof FolderLockedError)) throw error;
      // A running process is taking this stale lock over. It may yet find the lock replaced by a
      // third and lose, so the holder is whoever's lock the file holds once it is done: look again.
      if (waited >= TAKEOVER_WAIT_MS) throw new FolderLockedError(file, error.holderPid);
      // Pauses double from 1 ms up to 50 ms.
      waited += pause(Math.min(1 + waited, 50, TAKEOVER_WAIT_MS - waited));
      continue;
    }
    attempts++;
    try {
      if (readRaw(file) !== found) continue;
      // Still the stale lock we found, and only the marker's holder may replace it: swap it in one step.
      const swap = `${mine}.swap`;
      linkSync(mine, swap);
      renameSync(swap, file);
      return;
    } finally {
      rmSync(marker, { force: true });
    }
  }
  throw new ConsentError(
    'STORE_LOCKED',
    `could not take the lock ${file}; remove it if no process uses the folder`,
  );
}

/** Blocks this thread for `ms` (the lock is taken synchronously, while a store opens) and returns `ms`. */
function pause(ms: number): number {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return ms;
}

function readRaw(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The holder's pid: JSON `{ pid, token }`, or a bare pid (the lock file of sms-consent 0.1's CLI). */
function pidOf(raw: string): number | undefined {
  let pid: unknown;
  try {
    pid = (JSON.parse(raw) as { pid?: unknown }).pid ?? JSON.parse(raw);
  } catch {
    pid = Number.parseInt(raw.trim(), 10);
  }
  return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether the process `pid` still holds the lock whose content is `found`. */
function holdsLock(pid: number, found: string): boolean {
  return pid === process.pid ? heldHere.has(found) : isRunning(pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
