import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { E164 } from 'sms-consent';
import { hashEvent } from 'sms-consent/store';
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
      UPDATE ${events} SET evidence = jsonb_set(evidence, '{note}', '"never happened"') WHERE phone = '+14155550002';
      ALTER TABLE ${events} ENABLE TRIGGER events_append_only;
      SELECT id FROM ${events} WHERE phone = '+14155550002';`);

    const broken = await cli('verify');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe(
      `Audit trail BROKEN for tenant default; 1 event verified.\n  +14155550002 event #1 (${edited?.id}): its content no longer matches its hash (changed after it was recorded)\n`,
    );
    const json = await cli('verify', '--all-tenants', '--json');
    expect(json.code).toBe(1);
    const finding = { seq: 1, eventId: edited?.id, phone: '+14155550002', problem: 'hash_mismatch' };
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      tenants: [{ tenantId: 'default', ok: false, checked: 1, brokenAt: finding, findings: [finding] }],
    });
  });

  test('checkpoint writes a signed checkpoint; verify --checkpoint proves the ledger extends it and names a forged START', {
    timeout: 120_000,
  }, async () => {
    const store = await kind.create();
    const dir = mkdtempSync(join(tmpdir(), 'sms-consent-keys-'));
    try {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const privatePem = join(dir, 'audit-private.pem');
      const publicPem = join(dir, 'audit-public.pem');
      writeFileSync(privatePem, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      writeFileSync(publicPem, publicKey.export({ type: 'spki', format: 'pem' }));
      const env = { SMS_CONSENT_AUDIT_KEY: 'cli-test-secret-0123456789abcdef' };
      const cli = (...args: string[]) => runCli([...args, ...store.flags], { env });
      expect((await cli('record', 'opt-out', LEAD, '--note', 'asked')).code).toBe(0);
      const file = join(dir, 'checkpoint.json');
      const sealed = await cli('checkpoint', '--out', file, '--signing-key', privatePem);
      expect(sealed.code).toBe(0);
      expect(sealed.stdout).toMatch(
        /^Checkpoint cpt_\w+ of tenant default at .+: 1 numbers, 1 events, root [0-9a-f]{64}, signed Ed25519 \(key [0-9a-f]{16}\)\. Written to .+checkpoint\.json\.\n$/,
      );
      const checkpoint = JSON.parse(readFileSync(file, 'utf8'));
      expect(checkpoint).toMatchObject({ version: 1, tenantId: 'default', numbers: 1, events: 1 });

      // An auditor with the public key only: the signature verifies, the ledger extends the checkpoint.
      const auditor = await runCli([
        'verify',
        '--checkpoint',
        file,
        '--public-key',
        publicPem,
        ...store.flags,
      ]);
      expect(auditor.code).toBe(0);
      expect(auditor.stdout).toBe(
        `Audit trail intact for tenant default against checkpoint ${checkpoint.id} of ${checkpoint.at} (root ${checkpoint.root}, signature verified): 1 event verified.\n`,
      );

      // Database access alone: a correctly chained START appended and the status row moved to it.
      const history = await runCli(['history', LEAD, '--json', ...store.flags]);
      const [event] = JSON.parse(history.stdout).events as { id: string; hash: string }[];
      expect(event?.hash).toMatch(/^[0-9a-f]{64}$/);
      await store.sql(forgedStartSql(store.schema, event as { id: string; hash: string }));
      expect(JSON.parse((await cli('status', LEAD, '--json')).stdout).statuses[0].status).toBe('opted_in');
      const caught = await cli('verify', '--checkpoint', file, '--public-key', publicPem);
      expect(caught.code).toBe(1);
      expect(caught.stdout).toContain(
        `${LEAD} event #2 (evt_forged): it has no MAC and is not covered by the checkpoint`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** SQL inserting a correctly chained sms START after `previous` and pointing the status row at it. */
function forgedStartSql(schema: string, previous: { id: string; hash: string }): string {
  const at = '2026-03-03T09:00:00.000Z';
  const content = {
    id: 'evt_forged',
    tenantId: 'default',
    phone: LEAD as E164,
    action: 'opt_in' as const,
    source: 'sms' as const,
    occurredAt: at,
    recordedAt: at,
    applied: true,
    evidence: { messageId: 'SM-forged', body: 'START' },
  };
  const hash = hashEvent(content, 2, previous.hash);
  return `
    INSERT INTO "${schema}".events (tenant_id, seq, id, phone, action, source, occurred_at, recorded_at, applied, evidence, prev_hash, hash)
    VALUES ('default', 2, 'evt_forged', '${LEAD}', 'opt_in', 'sms', '${at}', '${at}', true, '${JSON.stringify(content.evidence)}', '${previous.hash}', '${hash}');
    UPDATE "${schema}".statuses SET status = 'opted_in', since = '${at}', cause_event_id = 'evt_forged', last_event_id = 'evt_forged',
      head_seq = 2, head_hash = '${hash}' WHERE phone = '${LEAD}';
    SELECT 1;`;
}
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
