import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { linesOf, runCli } from './helpers.js';

// None of these runs opens a store: they end before (help, classify, bad input), so they are quick.
const folder = mkdtempSync(join(tmpdir(), 'sms-consent-cli-basics-'));
const dataDir = join(folder, 'never-created');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('sms-consent help and version', () => {
  test('--help lists every command and exits 0; no command prints it on stderr with exit 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'classify',
      'status',
      'explain',
      'history',
      'record',
      'review',
      'import',
      'export',
      'verify',
      'migrate',
      'sync',
      'reconcile',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(help.stdout).toContain('--database-url');
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toContain('Usage: sms-consent <command>');
  });

  test('a command’s --help, help <command> and --version', async () => {
    const [own, viaHelp, version] = await Promise.all([
      runCli(['export', '--help']),
      runCli(['help', 'record']),
      runCli(['--version']),
    ]);
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('Usage: sms-consent export');
    expect(own.stdout).toContain('--as-of');
    expect(viaHelp.stdout).toContain('Usage: sms-consent record opt-out|opt-in <phone> --note <text>');
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('sms-consent classify', () => {
  test('shows the three policies side by side, and the same as JSON', async () => {
    const [text, json, spanish] = await Promise.all([
      runCli(['classify', 'Stop texting me please']),
      runCli(['classify', 'STOP', '--json']),
      runCli(['classify', 'ALTO', '--languages', 'es', '--json']),
    ]);
    expect(text.code).toBe(0);
    const rows = linesOf(text.stdout);
    expect(rows[0]).toBe('"Stop texting me please"');
    expect(rows[1]).toMatch(/^policy\s+intent\s+match\s+keyword\s+provider blocks\s+needs review$/);
    expect(rows[2]).toMatch(/^carrier\s+none\s/);
    expect(rows[3]).toMatch(/^standard\s+none\s/);
    expect(rows[4]).toMatch(/^reasonable\s+opt_out\s+phrase\s+stop texting me\s+no/);

    const parsed = JSON.parse(json.stdout);
    expect(parsed.text).toBe('STOP');
    for (const policy of ['carrier', 'standard', 'reasonable']) {
      expect(parsed.results[policy]).toMatchObject({
        intent: 'opt_out',
        keyword: 'STOP',
        providerBlocks: true,
      });
    }
    expect(JSON.parse(spanish.stdout).results.reasonable).toMatchObject({
      intent: 'opt_out',
      language: 'es',
    });
  });
});

describe('sms-consent usage errors', () => {
  test.each([
    [['bogus'], /unknown command "bogus" \(see "sms-consent --help"\)/],
    [
      ['status', '--nope', '+14155552671'],
      /^sms-consent: --nope: unknown option \(see "sms-consent status --help"\)$/m,
    ],
    [['status', '--tenat', 'x', '+1415'], /--tenat: unknown option; did you mean --tenant\?/],
    [['stauts', '+14155552671'], /unknown command "stauts"; did you mean "status"\?/],
    [['export', '--fromat', 'csv'], /--fromat: unknown option; did you mean --format\?/],
    [['status', '+14155552671', '--tenant'], /^sms-consent: --tenant: needs a value/],
    [['status', '+14155552671', '--json=yes'], /^sms-consent: --json: takes no value/],
    [
      ['classify', 'stop', 'texting', 'me'],
      /classify takes one message, got 3 arguments: quote it, as in sms-consent classify "stop texting me"/,
    ],
    [['export', '--mkdir'], /--mkdir goes with --out/],
    [['review', 'resolve', 'rev_1', '--actor', 'ana'], /exactly one of --opt-out .* and --dismiss/],
    [['review', 'resolve', 'rev_1', '--opt-out'], /--actor: is required/],
    [['review', '--actor', 'ana'], /--actor: not an option of review \(listing\)/],
    [['classify'], /classify needs the text/],
    [['record', 'maybe', '+14155552671', '--note', 'x'], /record needs opt-out or opt-in/],
    [['record', 'opt-out', '+14155552671'], /--note: is required/],
    [['record', 'opt-out', '+14155552671', '--note', 'x', '--source', 'sms'], /--source: /],
    [['export', '--format', 'xml'], /--format: /],
    [['export', '--as-of', '2026-02-31'], /--as-of: "2026-02-31" is not a date/],
    [['status', '+14155552671', '--country', 'XX'], /--country: not an ISO 3166-1/],
    [['status', '+14155552671', '--tenant', ''], /--tenant: must not be empty/],
    [['status', '+14155552671', '--schema', 'Bad-Name'], /--schema: use lower-case/],
    [['status', '+14155552671', '--database-url', 'mysql://x'], /--database-url: must be a postgres/],
    [['status', '+1', '--database-url', 'postgres://x/db', '--data-dir', 'y'], /choose different stores/],
    [['import'], /import needs Bulk Export files, or --twilio/],
    [
      ['import', '--twilio'],
      /import --twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN; missing: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN/,
    ],
    [
      ['sync'],
      /sync needs the ActiveCampaign settings .*missing: ACTIVECAMPAIGN_URL, ACTIVECAMPAIGN_API_TOKEN, ACTIVECAMPAIGN_FIELD_ID/,
    ],
    [['reconcile', '--since', 'yesterday'], /--since: /],
  ])('%j exits 2 with one line on stderr', async (args, message) => {
    const run = await runCli([...args, ...(args.includes('--database-url') ? [] : ['--data-dir', dataDir])]);
    expect(run.code).toBe(2);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^sms-consent: /);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  test('a partial ActiveCampaign setup is refused by every command that would queue CRM updates', async () => {
    const run = await runCli(['record', 'opt-out', '+14155552671', '--note', 'x', '--data-dir', dataDir], {
      env: { ACTIVECAMPAIGN_URL: 'https://acme.api-us1.com' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing: ACTIVECAMPAIGN_API_TOKEN, ACTIVECAMPAIGN_FIELD_ID/);
  });
});

describe('sms-consent failures', () => {
  test('an invalid phone number exits 1 with one line; --json adds the error as JSON on stdout', async () => {
    const [text, json, debug] = await Promise.all([
      runCli(['status', '+14155552671', 'not a phone', '--data-dir', dataDir]),
      runCli(['explain', '12345', '--json', '--data-dir', dataDir]),
      runCli(['history', '555', '--debug', '--data-dir', dataDir]),
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(linesOf(text.stderr)).toHaveLength(1);
    expect(text.stderr).toMatch(/^sms-consent: Invalid phone number "not a phone": [a-z_]+\n$/);

    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      error: { code: 'INVALID_PHONE', message: 'Invalid phone number "12345": short_code', exitCode: 1 },
    });
    expect(linesOf(json.stderr)).toHaveLength(1);

    expect(debug.code).toBe(1);
    expect(linesOf(debug.stderr).length).toBeGreaterThan(1);
    expect(debug.stderr).toMatch(/InvalidPhoneNumberError.*\n\s+at /);
  });

  test('a missing import file exits 1 before any store is opened', async () => {
    const run = await runCli(['import', join(folder, 'missing.json.gz'), '--data-dir', dataDir]);
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([
      `sms-consent: cannot read ${join(folder, 'missing.json.gz')}: no such file`,
    ]);
  });

  test('an unreachable PostgreSQL server is one line and exit 1', async () => {
    const run = await runCli([
      'status',
      '+14155552671',
      '--database-url',
      'postgres://nobody@127.0.0.1:1/none',
    ]);
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([
      expect.stringMatching(/^sms-consent: could not reach PostgreSQL: .*ECONNREFUSED/),
    ]);
  });

  test('none of these runs created the data folder', () => {
    expect(existsSync(dataDir)).toBe(false);
  });
});
