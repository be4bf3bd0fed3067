import type { PGliteLike } from './client.js';
import { type FolderLock, lockFolder } from './folder-lock.js';

/** The folder lock of each open PGlite instance, shared by every store on that instance. */
const held = new WeakMap<object, { readonly lock: FolderLock; refs: number }>();

/**
 * The filesystem folder of a PGlite instance, or undefined when it keeps its data elsewhere
 * (in memory, IndexedDB, OPFS), where no other process can reach it.
 */
export function folderOf(db: PGliteLike): string | undefined {
  const dataDir = (db as { readonly dataDir?: unknown }).dataDir;
  if (typeof dataDir !== 'string' || dataDir === '') return undefined;
  if (dataDir.startsWith('file://')) return dataDir.slice('file://'.length);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(dataDir) ? undefined : dataDir;
}

/**
 * Holds the folder lock of `db` for one more user (a store, or whoever opened it) and returns that
 * user's release: the lock file goes when the last user releases. The first user takes the lock
 * (see `lockFolder`), or adopts `lock` when the opener took it before opening the folder.
 *
 * @throws FolderLockedError when another process, or another PGlite instance, holds the folder.
 */
export function holdFolder(db: PGliteLike, lock?: FolderLock): () => void {
  const folder = folderOf(db);
  if (folder === undefined) return () => {};
  let entry = held.get(db);
  if (!entry) {
    entry = { lock: lock ?? lockFolder(folder), refs: 0 };
    held.set(db, entry);
  }
  const current = entry;
  current.refs++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    current.refs--;
    if (current.refs === 0) {
      held.delete(db);
      current.lock.release();
    }
  };
}
