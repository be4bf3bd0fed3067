import { describe, expect, test } from 'vitest';
import { formatTable } from '../../src/cli/output.js';
import {
  createProgress,
  formatBytes,
  formatDuration,
  type ProgressMode,
  renderProgress,
} from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 100, write: (chunk: string) => chunks.push(chunk) } };
}

function progressWithClock(mode: ProgressMode, intervalMs = 5000) {
  const clock = { now: 0 };
  const { chunks, stream } = fakeStream(mode === 'bar');
  const progress = createProgress({ label: 'import', stream, mode, intervalMs, now: () => clock.now });
  return { clock, chunks, progress };
}

describe('progress display', () => {
  test('a bar with percentage, rate and ETA once the total is known', () => {
    const line = renderProgress({
      label: 'import',
      phase: 'writing',
      done: 5200,
      total: 10_000,
      noun: 'events',
      rate: 1300,
      elapsedMs: 4000,
      bar: true,
      width: 100,
    });
    expect(line).toBe(
      'import (writing)  [###############--------------]   52%  5,200/10,000 events  1,300 events/s  ETA 4s',
    );
    expect(line.length).toBeLessThanOrEqual(100);
  });

  test('without a total: the amount, the rate and the time so far', () => {
    expect(
      renderProgress({
        label: 'export',
        done: 1536,
        unit: 'bytes',
        rate: 512,
        elapsedMs: 65_000,
        bar: false,
        width: undefined,
      }),
    ).toBe('export  1.5 kB  512 B/s  1m 05s');
  });

  test('on a terminal the bar is redrawn in place at most ten times a second, then cleared', () => {
    const { clock, chunks, progress } = progressWithClock('bar');
    progress.update({ done: 1, total: 10 });
    clock.now = 50;
    progress.update({ done: 2, total: 10 });
    clock.now = 150;
    progress.update({ done: 3, total: 10 });
    progress.finish('done: 10 events');
    expect(chunks).toHaveLength(4);
    expect(chunks[0]).toMatch(/^\rimport {2}\[/);
    expect(chunks[1]).toMatch(/ 30% {2}3\/10/);
    expect(chunks[2]).toBe('\r\u001b[K');
    expect(chunks[3]).toBe('import: done: 10 events\n');
  });

  test('elsewhere one plain line per interval, a line at each phase change, and none when quiet', () => {
    const { clock, chunks, progress } = progressWithClock('lines', 5000);
    progress.update({ phase: 'reading', done: 0, total: 100, unit: 'bytes' });
    clock.now = 1000;
    progress.update({ phase: 'reading', done: 10, total: 100, unit: 'bytes' });
    clock.now = 6000;
    progress.update({ phase: 'reading', done: 60, total: 100, unit: 'bytes' });
    clock.now = 7000;
    progress.update({ phase: 'writing', done: 0, total: 4, noun: 'events' });
    progress.finish('done');
    expect(chunks).toEqual([
      'import (reading):  60%  60 B/100 B  10 B/s  ETA 4s\n',
      expect.stringMatching(/^import \(reading\): {2}60%/),
      'import: done\n',
    ]);

    const quiet = progressWithClock('off');
    quiet.progress.update({ done: 1 });
    quiet.progress.finish('done');
    expect(quiet.chunks).toEqual([]);
  });

  test('sizes, durations and tables', () => {
    expect([formatBytes(999), formatBytes(1000), formatBytes(2_500_000)]).toEqual([
      '999 B',
      '1.0 kB',
      '2.5 MB',
    ]);
    expect([formatDuration(4400), formatDuration(3_725_000)]).toEqual(['4s', '1h 02m']);
    expect(
      formatTable([
        ['phone', 'status'],
        ['+14155552671', 'opted_out'],
      ]),
    ).toBe('phone         status\n+14155552671  opted_out');
  });
});
