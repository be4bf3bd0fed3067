import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { type BulkRecord, writeBulkExport } from './fixtures.js';
import { backendKinds, linesOf, runCli } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'sms-consent-cli-review-'));
const kinds = backendKinds();
afterAll(async () => {
  for (const kind of kinds) await kind.close();
  rmSync(folder, { recursive: true, force: true });
});

function inbound(sid: string, from: string, body: string, at: string): BulkRecord {
  return {
    sid,
    account_sid: `AC${'0'.repeat(32)}`,
    from,
    to: '+18005550100',
    body,
    direction: 'inbound',
    status: 'received',
    error_code: null,
    date_sent: at,
    date_created: at,
  };
}

const HISTORY = join(folder, 'history.json');
writeBulkExport(HISTORY, [
  inbound('SMa', '+14155552671', 'Not interested', '2026-01-05T15:00:00Z'),
  inbound('SMb', '+14155550123', 'stop it', '2025-12-29T09:00:00Z'),
  inbound('SMc', '+14155550124', 'see you at 3', '2026-01-06T15:00:00Z'),
  inbound('SMd', '+14155550125', 'STOP', '2026-01-06T16:00:00Z'),
]);

describe.each(kinds)('sms-consent review on $name', (kind) => {
  test('import queues the undecided texts; review lists them by deadline and resolves one', {
    timeout: 120_000,
  }, async () => {
    const store = await kind.create();
    const cli = (...args: string[]) => runCli([...args, ...store.flags]);
    const imported = await cli('import', HISTORY, '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ needsReview: 2, reviewsQueued: 2 });

    const listed = await cli('review');
    expect(listed.code).toBe(0);
    const rows = linesOf(listed.stdout);
    expect(rows[0]).toMatch(/^id\s+due by\s+phone\s+received\s+text\s+state$/);
    // 29 Dec 2025 + 10 business days, without New Year's Day = 13 Jan; 5 Jan + 10 (19 Jan is MLK Day) = 20 Jan.
    expect(rows[1]).toMatch(
      /^rev_\S+\s+2026-01-13 09:00:00 UTC OVERDUE\s+\+14155550123\s+.*"stop it"\s+open$/,
    );
    expect(rows[2]).toMatch(
      /^rev_\S+\s+2026-01-20 15:00:00 UTC OVERDUE\s+\+14155552671\s+.*"Not interested"\s+open$/,
    );
    expect(rows[3]).toMatch(/^2 reviews, 2 overdue\. Resolve with: sms-consent review resolve/);

    const json = JSON.parse((await cli('review', '--overdue', '--json')).stdout);
    expect(json.overdue).toBe(2);
    const [first, second] = json.reviews;
    expect(first).toMatchObject({ messageId: 'SMb', body: 'stop it', dueBy: '2026-01-13T09:00:00.000Z' });

    const resolved = await cli('review', 'resolve', first.id, '--opt-out', '--actor', 'ana@example.com');
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toMatch(/\+14155550123 opted out as of 2025-12-29 09:00:00 UTC/);
    const explained = await cli('explain', '+14155550123');
    expect(explained.stdout).toMatch(
      /^Opted out since 2025-12-29 09:00:00 UTC: an admin by ana@example\.com who reviewed the text 'stop it' \(SMb\)/,
    );
    const dismissed = await cli(
      'review',
      'resolve',
      second.id,
      '--dismiss',
      '--actor',
      'ana@example.com',
      '--json',
    );
    expect(JSON.parse(dismissed.stdout).review.resolution).toMatchObject({ decision: 'not_opt_out' });
    expect((await cli('status', '+14155552671', '--json')).stdout).toMatch(/"status": "unknown"/);
    expect((await cli('review')).stdout).toBe('No open reviews.\n');
    const all = JSON.parse((await cli('review', '--all', '--json')).stdout);
    expect(all.reviews.map((review: { state: string }) => review.state)).toEqual(['resolved', 'resolved']);

    const again = await cli('review', 'resolve', first.id, '--dismiss', '--actor', 'ben');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/the opt-out stands/);
    const unknown = await cli('review', 'resolve', 'rev_nope', '--dismiss', '--actor', 'ben');
    expect(unknown.code).toBe(1);
    expect(linesOf(unknown.stderr)).toEqual(['sms-consent: No review "rev_nope" in tenant default']);
  });
});

describe('sms-consent data folders and output files', () => {
  test('a data folder without a store is an error for every command but migrate, which creates it', {
    timeout: 60_000,
  }, async () => {
    const missing = join(folder, 'mistyped');
    for (const args of [['status', '+14155552671'], ['review'], ['export'], ['verify']]) {
      const run = await runCli([...args, '--data-dir', missing]);
      expect(run.code).toBe(2);
      expect(linesOf(run.stderr)).toEqual([
        expect.stringMatching(
          /^sms-consent: no sms-consent store in .*mistyped \(--data-dir\): check the folder, or create/,
        ),
      ]);
      expect(run.stdout).toBe('');
    }
    expect(existsSync(missing)).toBe(false);
    const created = await runCli(['migrate', '--data-dir', missing]);
    expect(created.code).toBe(0);
    expect((await runCli(['status', '+14155552671', '--data-dir', missing])).code).toBe(0);

    const out = join(folder, 'reports', '2026', 'opt-outs.csv');
    const refused = await runCli(['export', '--out', out, '--data-dir', missing]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /--out: the folder .*reports\/2026 does not exist \(pass --mkdir to create it\)/,
    );
    const made = await runCli(['export', '--out', out, '--mkdir', '--data-dir', missing]);
    expect(made.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^phone,opted_out_at/);
  });
});
