import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createConsentManager } from 'sms-consent';
import {
  createPostgresStore,
  FolderLockedError,
  lockFileOf,
  lockFolder,
  openPGliteStore,
} from 'sms-consent/postgres';
import { afterAll, describe, expect, test } from 'vitest';
import type { AppCommand } from './fixtures/embedded-app.js';
import type { RacerCommand, RacerReport } from './fixtures/lock-racer.js';

const RACERS = 10;
const ROUNDS = 6;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'sms-consent-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has already exited: what a lock left by a killed app names. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

function start(name: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = fork(fixture(name), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    child.once('message', () => resolve(child));
  });
}

function ask<T>(child: ChildProcess, command: RacerCommand | AppCommand): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(answer as T));
    child.send(command);
  });
}

/** A process that runs until killed: a live lock holder that does nothing. */
function idler(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
}

/** The marker a taker of the stale lock whose content is `found` creates first (folder-lock.ts). */
function takeoverMarker(lockFile: string, found: string): string {
  return `${lockFile}.takeover-${createHash('sha256').update(found).digest('hex').slice(0, 24)}`;
}

/**
 * A thread that, once `go` is signalled and `delayMs` more have passed, does what a winning taker
 * does: puts its lock (`content`) in place, and then removes `marker` as a losing taker would.
 */
async function laterTakeover(lockFile: string, content: string, marker: string, delayMs: number) {
  const go = new Int32Array(new SharedArrayBuffer(4));
  const thread = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const { renameSync, rmSync, writeFileSync } = require('node:fs');
     const { go, lockFile, content, marker, delayMs } = workerData;
     parentPort.postMessage('ready');
     Atomics.wait(go, 0, 0);
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
     writeFileSync(lockFile + '.winner', content);
     renameSync(lockFile + '.winner', lockFile);
     rmSync(marker);`,
    { eval: true, workerData: { go, lockFile, content, marker, delayMs } },
  );
  await new Promise((resolve) => thread.once('message', resolve));
  const done = new Promise((resolve) => thread.once('exit', resolve));
  return {
    start: () => {
      Atomics.store(go, 0, 1);
      Atomics.notify(go, 0);
    },
    done,
  };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('the lock of an embedded PGlite folder', () => {
  test(`${RACERS} processes racing for a stale lock, ${ROUNDS} rounds: exactly one holds it each time`, async () => {
    const racers = await Promise.all(Array.from({ length: RACERS }, () => start('lock-racer.ts')));
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const dataDir = join(root, `race-${round}`, 'db');
        const lockFile = lockFileOf(dataDir);
        // Round 0 finds the bare pid the 0.1 CLI wrote; the others a lock of this release.
        const stale = deadPid();
        const content = round === 0 ? String(stale) : JSON.stringify({ pid: stale, token: `t${round}` });
        mkdirSync(join(root, `race-${round}`), { recursive: true });
        writeFileSync(lockFile, content);
        const startAt = Date.now() + 150;
        const reports = await Promise.all(
          racers.map((racer) => ask<RacerReport>(racer, { kind: 'go', dataDir, startAt })),
        );
        const winners = reports.filter((report) => report.held);
        expect(winners).toHaveLength(1);
        const winner = winners[0]?.pid;
        for (const loser of reports.filter((report) => !report.held)) {
          expect(loser).toMatchObject({ code: 'STORE_LOCKED', holderPid: winner });
        }
        await Promise.all(racers.map((racer) => ask(racer, { kind: 'release' })));
        expect(readdirSync(join(root, `race-${round}`))).toEqual([]);
      }
    } finally {
      for (const racer of racers) racer.send({ kind: 'exit' } satisfies RacerCommand);
      await Promise.all(racers.map(exited));
    }
  });

  test('a racer that finds a takeover under way names the process whose lock the file holds once it is done', async () => {
    // The race the test above runs, made to happen: a racer finds the stale lock with a running
    // process (`loser`) holding its marker, while another (`winner`) has already replaced the lock.
    const [loser, winner] = [idler(), idler()];
    try {
      const lockFile = lockFileOf(join(root, 'takeover-lost', 'db'));
      mkdirSync(join(root, 'takeover-lost'), { recursive: true });
      const stale = JSON.stringify({ pid: deadPid(), token: 'stale' });
      writeFileSync(lockFile, stale);
      const marker = takeoverMarker(lockFile, stale);
      writeFileSync(marker, JSON.stringify({ pid: loser.pid, token: 'loser' }));
      const later = await laterTakeover(
        lockFile,
        JSON.stringify({ pid: winner.pid, token: 'winner' }),
        marker,
        50,
      );
      later.start();
      const refused = (() => {
        try {
          lockFolder(join(root, 'takeover-lost', 'db')).release();
        } catch (error) {
          return error;
        }
      })();
      await later.done;
      expect(refused).toBeInstanceOf(FolderLockedError);
      expect(refused).toMatchObject({ code: 'STORE_LOCKED', holderPid: winner.pid });
    } finally {
      loser.kill();
      winner.kill();
    }
  });

  test('a takeover that does not finish within two seconds: its taker is named the holder', async () => {
    const taker = idler();
    try {
      const lockFile = lockFileOf(join(root, 'takeover-stuck', 'db'));
      mkdirSync(join(root, 'takeover-stuck'), { recursive: true });
      const stale = JSON.stringify({ pid: deadPid(), token: 'stale' });
      writeFileSync(lockFile, stale);
      writeFileSync(takeoverMarker(lockFile, stale), JSON.stringify({ pid: taker.pid, token: 'stuck' }));
      expect(() => lockFolder(join(root, 'takeover-stuck', 'db'))).toThrow(
        expect.objectContaining({ code: 'STORE_LOCKED', holderPid: taker.pid }),
      );
    } finally {
      taker.kill();
    }
  });

  test('a second opener in this process gets FolderLockedError naming the holder’s pid; close frees the folder', async () => {
    const dataDir = join(root, 'second-opener', 'db');
    const store = await openPGliteStore({ dataDir });
    const refused = await openPGliteStore({ dataDir }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FolderLockedError);
    expect(refused).toMatchObject({ code: 'STORE_LOCKED', holderPid: process.pid });
    expect((refused as Error).message).toContain(`pid ${process.pid}`);
    // Stores on the same PGlite instance share its lock; the folder is free once every one is closed.
    const sibling = createPostgresStore({ client: store.db, schema: 'sibling' });
    await store.close();
    expect(existsSync(lockFileOf(dataDir))).toBe(true);
    await sibling.close();
    expect(existsSync(lockFileOf(dataDir))).toBe(false);
    const reopened = await openPGliteStore({ dataDir });
    await reopened.close();
  });

  test('a lock naming this process’s own pid, left by an earlier process with that pid, is stale', async () => {
    // A container's app is pid 1 again after a SIGKILL: the lock it left names the pid we now have.
    const dataDir = join(root, 'own-pid', 'db');
    mkdirSync(join(root, 'own-pid'), { recursive: true });
    writeFileSync(lockFileOf(dataDir), JSON.stringify({ pid: process.pid, token: 'earlier-run' }));
    const store = await openPGliteStore({ dataDir });
    const refused = await openPGliteStore({ dataDir }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'STORE_LOCKED', holderPid: process.pid });
    await store.close();
    expect(existsSync(lockFileOf(dataDir))).toBe(false);
  });

  test('an app holds its folder while it runs: the library refuses a second opener naming the app’s pid', async () => {
    const dataDir = join(root, 'app-holds', 'db');
    const app = await start('embedded-app.ts', { SMS_CONSENT_DATA_DIR: dataDir });
    try {
      const refused = await openPGliteStore({ dataDir }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'STORE_LOCKED', holderPid: app.pid });
    } finally {
      app.kill('SIGKILL');
      await exited(app);
    }
  });

  for (const stop of ['SIGKILL', 'exit without close'] as const) {
    test(`a STOP answered before the app stops (${stop}) is there when the folder is opened again`, async () => {
      const dataDir = join(root, `durable-${stop.replaceAll(' ', '-')}`, 'db');
      const app = await start('embedded-app.ts', { SMS_CONSENT_DATA_DIR: dataDir });
      const answers: { status: string }[] = [];
      for (let index = 0; index < 20; index++) {
        answers.push(
          await ask(app, {
            kind: 'inbound',
            from: `+1415555${String(2000 + index)}`,
            body: index % 2 === 0 ? 'STOP' : 'please stop texting me',
            messageId: `SM-durable-${index}`,
          }),
        );
      }
      expect(answers.every((answer) => answer.status === 'opted_out')).toBe(true);
      if (stop === 'SIGKILL') app.kill('SIGKILL');
      else app.send({ kind: 'exit' } satisfies AppCommand);
      await exited(app);
      // A SIGKILLed app leaves its lock behind: the next opener recovers it.
      const store = await openPGliteStore({ dataDir });
      try {
        const consent = createConsentManager({ store, defaultCountry: 'US' });
        for (let index = 0; index < 20; index++) {
          expect((await consent.canSend(`+1415555${String(2000 + index)}`)).allowed).toBe(false);
        }
        expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 20 });
      } finally {
        await store.close();
      }
    });
  }
});
