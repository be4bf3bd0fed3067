import type { Stats } from 'node:fs';
import { link, lstat, rename, rm } from 'node:fs/promises';
import { ConsentError } from '../errors.js';

/**
 * Refuses an output path that exists and is not a regular file: a device node (`/dev/sda`), a
 * symbolic link, a directory, a FIFO or a socket. Moving a finished file into place over one of them
 * would replace it (an export run as root over `/dev/null` would leave a regular file there), and
 * following a symlink would write wherever it points. A new name or a regular file is fine.
 */
export async function assertOutputTarget(target: string): Promise<void> {
  const info = await lstatOf(target);
  if (info !== undefined && !info.isFile()) throw notRegular(target, info);
}

/**
 * Moves a finished `partial` file to `target`. A new name is taken with `link`, which fails if
 * anything appeared there meanwhile (a symlink planted after the first check is never replaced); a
 * regular file is replaced atomically with `rename`. Anything else is refused and `partial` kept for
 * the caller to remove.
 */
export async function moveIntoPlace(partial: string, target: string): Promise<void> {
  const info = await lstatOf(target);
  if (info !== undefined && !info.isFile()) throw notRegular(target, info);
  if (info !== undefined) return rename(partial, target);
  try {
    await link(partial, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return moveIntoPlace(partial, target);
    // A file system without hard links: the name was free a moment ago, so rename is the fallback.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return rename(partial, target);
    throw error;
  }
  await rm(partial, { force: true });
}

async function lstatOf(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConsentError('INVALID_INPUT', `cannot write ${path}: ${(error as Error).message}`);
  }
}

function notRegular(path: string, info: Stats): ConsentError {
  const kind = info.isSymbolicLink()
    ? 'a symbolic link'
    : info.isDirectory()
      ? 'a directory'
      : info.isCharacterDevice() || info.isBlockDevice()
        ? 'a device'
        : info.isFIFO()
          ? 'a FIFO'
          : 'not a regular file';
  return new ConsentError(
    'INVALID_INPUT',
    `${path} is ${kind}: --out writes only a new file or replaces a regular one`,
  );
}
