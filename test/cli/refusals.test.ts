import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeBulkExport } from './fixtures.js';
import { type Backend, pgliteKind, runCli } from './helpers.js';

const kind = pgliteKind();
const folder = mkdtempSync(join(tmpdir(), 'sms-consent-cli-refusals-'));
let store: Backend;
const cli = (args: string[]) => runCli([...args, ...store.flags]);

beforeAll(async () => {
  store = await kind.create();
  const recorded = await cli([
    'record',
    'opt-out',
    '+14155552671',
    '--actor',
    'compliance',
    '--note',
    'asked on a call',
  ]);
  expect(recorded.code).toBe(0);
}, 120_000);

afterAll(async () => {
  await kind.close();
  rmSync(folder, { recursive: true, force: true });
});

const partials = () => readdirSync(folder).filter((name) => name.includes('.partial-'));

describe('sms-consent export --out writes only to a new or a regular file', () => {
  test('a symlink is refused: neither it nor the file it points to is touched', {
    timeout: 60_000,
  }, async () => {
    const victim = join(folder, 'victim.txt');
    const link = join(folder, 'link.csv');
    writeFileSync(victim, 'keep me\n');
    symlinkSync(victim, link);
    const run = await cli(['export', '--out', link]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is a symbolic link: --out writes only a new file or replaces a regular one/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(partials()).toEqual([]);
  });

  test('a device node is refused and stays a device', { timeout: 60_000 }, async () => {
    // mknod needs root (the CI container runs as root); a FIFO is the same kind of hole for anyone.
    const device = join(folder, 'null');
    if (userInfo().uid === 0) execFileSync('mknod', [device, 'c', '1', '3']);
    else execFileSync('mkfifo', [device]);
    const run = await cli(['export', '--out', device]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is a (device|FIFO)/);
    const info = lstatSync(device);
    expect(info.isCharacterDevice() || info.isFIFO()).toBe(true);
    expect(partials()).toEqual([]);
  });

  test('a directory is refused', { timeout: 60_000 }, async () => {
    const directory = join(folder, 'exports');
    mkdirSync(directory);
    const run = await cli(['export', '--out', directory, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(lstatSync(directory).isDirectory()).toBe(true);
  });

  test('a new name is created and a regular file replaced', { timeout: 60_000 }, async () => {
    const out = join(folder, 'opt-outs.csv');
    expect((await cli(['export', '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('+14155552671');
    writeFileSync(out, 'old\n');
    expect((await cli(['export', '--out', out, '--format', 'jsonl'])).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ phone: '+14155552671' });
    expect(lstatSync(out).isFile()).toBe(true);
    expect(partials()).toEqual([]);
  });
});

describe('sms-consent import refuses history dated in the future or before 2000', () => {
  const message = (sid: string, body: string, at: string) => ({
    sid,
    account_sid: `AC${'0'.repeat(32)}`,
    from: '+14155552671',
    to: '+18005550100',
    body,
    direction: 'inbound' as const,
    status: 'received',
    error_code: null,
    date_sent: at,
    date_created: at,
  });

  test('a START dated 2099 is refused whole: the opt-out stands and nothing is written', {
    timeout: 60_000,
  }, async () => {
    const file = join(folder, 'forged.json');
    writeBulkExport(file, [
      message('SM00000000000000000000000000000001', 'hello', '2026-01-01T10:00:00Z'),
      message('SM00000000000000000000000000000002', 'START', '2099-01-01T00:00:00Z'),
    ]);
    const run = await cli(['import', file, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(run.stderr).toMatch(/SM0+2.*in the future/);
    const status = await cli(['status', '+14155552671', '--json']);
    expect(JSON.parse(status.stdout).statuses).toMatchObject([{ status: 'opted_out' }]);
    const history = await cli(['history', '+14155552671', '--json']);
    expect(history.stdout).not.toContain('SM00000000000000000000000000000002');
  });

  test('a date before 2000 is refused the same way', { timeout: 60_000 }, async () => {
    const file = join(folder, 'epoch.json');
    writeBulkExport(file, [message('SM00000000000000000000000000000003', 'STOP', '1970-01-21T10:00:00Z')]);
    const run = await cli(['import', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/before 2000/);
  });
});
