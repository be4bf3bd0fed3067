import { afterAll, describe, expect, test } from 'vitest';
import { backendKinds, DATABASE_URL, linesOf, runCli } from './helpers.js';

const kinds = backendKinds();
afterAll(async () => {
  for (const kind of kinds) await kind.close();
});

const LEAD = '+14155552671';

describe.each(kinds)('sms-consent on $name', (kind) => {
  test('record, status, explain and history answer "why is this number opted out?"', {
    timeout: 120_000,
  }, async () => {
    const store = await kind.create();
    const cli = (...args: string[]) => runCli([...args, ...store.flags]);

    const optOut = await cli(
      'record',
      'opt-out',
      '(415) 555-2671',
      '--note',
      'asked on the phone',
      '--actor',
      'ana@example.com',
      '--at',
      '2026-03-02T14:03:22Z',
    );
    expect(optOut.code).toBe(0);
    expect(optOut.stdout).toMatch(/^Recorded the opt-out of \+14155552671 \(evt_\w+\): now opted_out\.\n$/);

    const optIn = await cli('record', 'opt-in', LEAD, '--note', 'web form', '--source', 'form', '--json');
    expect(optIn.code).toBe(0);
    const recorded = JSON.parse(optIn.stdout);
    expect(recorded).toMatchObject({
      tenantId: 'default',
      applied: false,
      reason: 'requires_sms_opt_in',
      changed: false,
      status: { status: 'opted_out' },
      event: { action: 'opt_in', source: 'form', evidence: { note: 'web form' } },
    });
    expect(recorded.event.evidence.actor).toEqual(expect.any(String));

    const status = await cli('status', LEAD, '+14155550000', '--json');
    expect(status.code).toBe(0);
    const statuses = JSON.parse(status.stdout).statuses;
    expect(statuses.map((entry: { phone: string; status: string }) => [entry.phone, entry.status])).toEqual([
      [LEAD, 'opted_out'],
      ['+14155550000', 'unknown'],
    ]);
    expect(statuses[0].since).toBe('2026-03-02T14:03:22.000Z');

    const explain = await cli('explain', '4155552671');
    expect(explain.code).toBe(0);
    expect(linesOf(explain.stdout)).toEqual([
      expect.stringMatching(
        /^Opted out since 2026-03-02 14:03:22 UTC: an admin action by ana@example\.com \('asked on the phone'\)\. A later opt-in from a form submission by .+ \('web form'\) on .+ was not applied: only a text from the person lifts an opt-out\.$/,
      ),
    ]);

    const history = await cli('history', LEAD);
    expect(history.code).toBe(0);
    const rows = linesOf(history.stdout);
    expect(rows[0]).toMatch(/^occurred\s+action\s+source\s+applied\s+event$/);
    expect(rows[1]).toMatch(
      /^2026-03-02 14:03:22 UTC\s+opt_out\s+admin\s+yes\s+an admin action by ana@example\.com/,
    );
    expect(rows[2]).toMatch(/opt_in\s+form\s+no \(requires_sms_opt_in\)\s+a form submission/);

    // Tenants never see each other's data.
    const other = await cli('status', LEAD, '--tenant', 'acme', '--json');
    expect(JSON.parse(other.stdout).statuses[0].status).toBe('unknown');
  });

  test('verify passes on an intact ledger and fails with exit 1, saying where, after a raw edit', {
    timeout: 120_000,
  }, async () => {
    const store = await kind.create();
    const cli = (...args: string[]) => runCli([...args, ...store.flags]);
    for (const phone of ['+14155550001', '+14155550002']) {
      expect((await cli('record', 'opt-out', phone, '--note', 'batch')).code).toBe(0);
    }
    const intact = await cli('verify');
    expect(intact.code).toBe(0);
    expect(intact.stdout).toBe('Audit trail intact for tenant default: 2 events verified.\n');

    // The ledger refuses updates; someone with raw database access turns the guard off first.
    const events = `"${store.schema}"."events"`;
    const [edited] = await store.sql(`
      ALTER TABLE ${events} DISABLE TRIGGER events_append_only;
      UPDATE ${events} SET evidence = jsonb_set(evidence, '{note}', '"never happened"') WHERE seq = 2;
      ALTER TABLE ${events} ENABLE TRIGGER events_append_only;
      SELECT id FROM ${events} WHERE seq = 2;`);

    const broken = await cli('verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe(
      `Audit trail BROKEN for tenant default at event #2 (${edited?.id}): its content no longer matches its hash (changed after it was recorded); 1 event verified before it.\n`,
    );
    const json = await cli('verify', '--all-tenants', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      tenants: [
        {
          tenantId: 'default',
          ok: false,
          checked: 1,
          brokenAt: { seq: 2, eventId: edited?.id, problem: 'hash_mismatch' },
        },
      ],
    });
  });
});

describe.each(kinds)('sms-consent on $name, schema from a newer release', (kind) => {
  test('record, export and verify refuse a schema newer than the release and write nothing', {
    timeout: 120_000,
  }, async () => {
    const store = await kind.create();
    await store.sql(
      `INSERT INTO "${store.schema}".schema_migrations (version, name) VALUES (99, 'from the future')`,
    );
    const runs = [
      ['record', 'opt-out', LEAD, '--note', 'asked on the phone'],
      ['export', '--format', 'jsonl'],
      ['verify'],
    ];
    for (const args of runs) {
      const run = await runCli([...args, ...store.flags]);
      expect({ args, code: run.code, stderr: run.stderr }).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(
          /version 99, newer than this sms-consent release knows \(\d+\); upgrade sms-consent/,
        ),
      });
    }
    expect(await store.sql(`SELECT count(*)::int AS n FROM "${store.schema}".events`)).toEqual([{ n: 0 }]);
  });
});

describe.runIf(DATABASE_URL)('sms-consent on a PostgreSQL server', () => {
  test('a schema that was never migrated is named, with what to run', async () => {
    const run = await runCli(['status', LEAD, '--schema', 'cli_never_migrated'], {
      env: { DATABASE_URL: DATABASE_URL ?? '' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'sms-consent: PostgreSQL schema "cli_never_migrated" has no sms-consent tables: run "sms-consent migrate" first\n',
    );
  });
});
