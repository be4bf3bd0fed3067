import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, test } from 'vitest';
import { makeHistory, writeBulkExport } from './fixtures.js';
import { type Backend, backendKinds, type CliRun, linesOf, runCli } from './helpers.js';

const kinds = backendKinds();
const folder = mkdtempSync(join(tmpdir(), 'sms-consent-cli-files-'));
afterAll(async () => {
  for (const kind of kinds) await kind.close();
  rmSync(folder, { recursive: true, force: true });
});

// 600 messages over 80 numbers: about 220 consent events, in scrambled time order across two files.
const history = makeHistory(600, 80);
const DAY_1 = join(folder, 'day-1.json');
const DAY_2 = join(folder, 'day-2.json.gz');
writeBulkExport(DAY_1, history.records.slice(0, 300));
writeBulkExport(DAY_2, history.records.slice(300));
const FILES = [DAY_1, DAY_2];
const LINES = { SMS_CONSENT_PROGRESS_INTERVAL_MS: '0' };

interface ExportLine {
  phone: string;
  opted_out_at: string;
  source: string;
  keyword: string;
  message_id: string;
  body: string;
  event_id: string;
}

/** The JSON lines of an export, without the event ids (they differ between stores). */
function exported(run: CliRun): Omit<ExportLine, 'event_id'>[] {
  expect(run.code).toBe(0);
  return linesOf(run.stdout).map((line) => {
    const { event_id: _id, ...rest } = JSON.parse(line) as ExportLine;
    return rest;
  });
}

const asMap = (lines: readonly { phone: string; opted_out_at: string }[]) =>
  new Map(lines.map((line) => [line.phone, line.opted_out_at]));

describe.each(kinds)('sms-consent import and export on $name', (kind) => {
  const cli = (store: Backend, args: string[], env: Record<string, string> = {}) =>
    runCli([...args, ...store.flags], { env });

  test('an import run whole, in two steps, or killed and run again ends in the same state', {
    timeout: 240_000,
  }, async () => {
    const [whole, stepwise, killed] = await Promise.all([kind.create(), kind.create(), kind.create()]);

    // One uninterrupted run, with plain progress lines on stderr (not a terminal: only with --progress).
    const first = await cli(whole, ['import', ...FILES, '--json', '--progress'], LINES);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({
      tenantId: 'default',
      source: 'files',
      files: FILES,
      read: 600,
      duplicates: 0,
    });
    expect(result.invalidPhones).toBeGreaterThan(0);
    expect(result.recorded).toBeGreaterThan(150);
    expect(first.stderr).toMatch(/^import \(reading\): +\d+% +[\d.]+ k?B\/[\d.]+ kB/m);
    expect(first.stderr).toMatch(/^import \(writing\): 100% +\d+\/\d+ events/m);
    expect(first.stderr).toMatch(/^import: done: 600 messages read, \d+ events recorded$/m);

    // A prefix first (as if the run had stopped after the first file), then everything.
    expect((await cli(stepwise, ['import', DAY_1])).code).toBe(0);
    const rest = await cli(stepwise, ['import', ...FILES, '--json']);
    expect(JSON.parse(rest.stdout).duplicates).toBeGreaterThan(0);

    // Stopped half-way through writing: politely (SIGTERM, like Ctrl-C), then without warning, then run again.
    const stopWhileWriting = (signal: NodeJS.Signals) => {
      let sent = false;
      return runCli(['import', ...FILES, '--batch-size', '20', '--progress', ...killed.flags], {
        env: LINES,
        onStderr(text, child) {
          if (!sent && /import \(writing\): +\d+% +[1-9]/.test(text)) {
            sent = true;
            child.kill(signal);
          }
        },
      });
    };
    const stopped = await stopWhileWriting('SIGTERM');
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(
      /^sms-consent: import interrupted: what was written is kept; run the same command again to finish/m,
    );
    expect((await stopWhileWriting('SIGKILL')).signal).toBe('SIGKILL');
    const again = JSON.parse((await cli(killed, ['import', ...FILES, '--json'])).stdout);
    expect(again.duplicates).toBeGreaterThan(0);
    expect(again.recorded).toBeGreaterThan(0);
    expect(again.duplicates + again.recorded).toBe(result.recorded);

    const expected = [...history.optOutsAsOf(Number.POSITIVE_INFINITY)].sort(([a], [b]) => (a < b ? -1 : 1));
    const lists = await Promise.all(
      [whole, stepwise, killed].map(async (store) =>
        exported(await cli(store, ['export', '--format', 'jsonl'])),
      ),
    );
    expect([...asMap(lists[0] ?? [])]).toEqual(expected);
    expect(lists[1]).toEqual(lists[0]);
    expect(lists[2]).toEqual(lists[0]);
    for (const store of [stepwise, killed]) {
      expect((await cli(store, ['verify'])).code).toBe(0);
    }
  });

  test('export writes CSV to a file, JSON lines to stdout, and the list as of a past instant', {
    timeout: 240_000,
  }, async () => {
    const store = await kind.create();
    expect((await cli(store, ['import', ...FILES, '--quiet'])).code).toBe(0);
    const out = join(folder, `opt-outs-${kind.name}.csv`);

    const csv = await cli(store, ['export', '--out', out, '--json', '--progress'], LINES);
    expect(csv.code).toBe(0);
    const summary = JSON.parse(csv.stdout);
    const now = history.optOutsAsOf(Number.POSITIVE_INFINITY);
    expect(summary).toEqual({ tenantId: 'default', format: 'csv', rows: now.size, out });
    expect(csv.stderr).toMatch(/^export: done: \d+ opted-out numbers written to /m);
    expect(readdirSync(folder).filter((name) => name.includes('.partial-'))).toEqual([]);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('phone,opted_out_at,source,keyword,message_id,body,event_id\r\n')).toBe(true);
    const rows = parse(text, { columns: true }) as ExportLine[];
    expect(asMap(rows)).toEqual(now);
    expect(rows.every((row) => /^evt_/.test(row.event_id) && /^SM\d{32}$/.test(row.message_id))).toBe(true);
    expect(new Set(rows.map((row) => row.source))).toEqual(new Set(['sms', 'delivery_error']));

    // As of the 250th minute: only the events that had occurred by then count.
    const instant = history.timeAt(250);
    // One process at a time on a PGlite folder: it is a single-process database (the CLI locks it).
    const past = await cli(store, [
      'export',
      '--format',
      'jsonl',
      '--as-of',
      new Date(instant).toISOString(),
    ]);
    const dateOnly = await cli(store, ['export', '--format', 'jsonl', '--as-of', '2025-12-31']);
    const then = history.optOutsAsOf(instant);
    expect(then.size).toBeGreaterThan(0);
    expect(then.size).not.toBe(now.size);
    expect(asMap(exported(past))).toEqual(then);
    expect(exported(dateOnly)).toEqual([]);
    expect(past.stderr).toMatch(/as of 2026-01-01T04:10:00\.000Z/);

    // A later export replaces the file (once complete: it is written to a partial file first).
    const again = await cli(store, ['export', '--out', out, '--format', 'jsonl', '--as-of', '2025-12-31']);
    expect(again.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('');
  });
});
