import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { ConsentError } from '../errors.js';

/** A held lock; `release` is idempotent. */
export interface DataDirLock {
  release(): void;
}

/**
 * Takes `<file>` for this process: PGlite is a single-process database, so two CLI runs on one data
 * folder at once would damage it. A lock left by a process that no longer runs (killed mid-import)
 * is taken over. The lock is also released when the process exits.
 */
export function lockDataDir(file: string): DataDirLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.off('exit', release);
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.on('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readOwner(file), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
        throw new ConsentError(
          'CONFIG',
          `the data folder is in use by another sms-consent process (pid ${owner}); wait for it to finish`,
        );
      }
      try {
        unlinkSync(file);
      } catch {
        // Another process took it over first; the next attempt finds out.
      }
    }
  }
  throw new ConsentError('CONFIG', `could not lock the data folder (${file})`);
}

function readOwner(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
