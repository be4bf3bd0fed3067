import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeActiveCampaign, startFakeActiveCampaign } from '../activecampaign/server.js';
import { backendKinds, runCli } from './helpers.js';

const kinds = backendKinds();
const FIELD = '7';
let crm: FakeActiveCampaign;
beforeAll(async () => {
  crm = await startFakeActiveCampaign({ fields: [FIELD] });
});
afterAll(async () => {
  await crm.close();
  for (const kind of kinds) await kind.close();
});

describe.each(kinds)('sms-consent sync and reconcile on $name', (kind) => {
  test('an opt-out recorded by the CLI reaches every contact with the number; drift is corrected', {
    timeout: 120_000,
  }, async () => {
    const store = await kind.create();
    const env = {
      ACTIVECAMPAIGN_URL: crm.url,
      ACTIVECAMPAIGN_API_TOKEN: crm.token,
      ACTIVECAMPAIGN_FIELD_ID: FIELD,
    };
    const cli = (...args: string[]) => runCli([...args, ...store.flags], { env });
    const phone = `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`;
    const national = `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    const lead = crm.addContact({ phone: national, fields: { [FIELD]: 'opted_in' } });
    const sameLead = crm.addContact({ phone, fields: { [FIELD]: 'opted_in' } });

    expect((await cli('record', 'opt-out', phone, '--note', 'asked by email')).code).toBe(0);
    const sync = await cli('sync', '--json');
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({
      claimed: 1,
      synced: 1,
      contactsWritten: 2,
      failures: [],
    });
    expect([crm.fieldValue(lead, FIELD), crm.fieldValue(sameLead, FIELD)]).toEqual([
      'opted_out',
      'opted_out',
    ]);

    // A web form flips one lead back; a dry run reports it, a real run corrects it.
    crm.setFieldValue(lead, FIELD, 'opted_in');
    const dryRun = await cli('reconcile', '--dry-run', '--json');
    expect(dryRun.code).toBe(0);
    const report = JSON.parse(dryRun.stdout);
    expect(report.dryRun).toBe(true);
    expect(report.corrections).toEqual([
      expect.objectContaining({ phone, contactId: lead, from: 'opted_in', to: 'opted_out' }),
    ]);
    expect(crm.fieldValue(lead, FIELD)).toBe('opted_in');

    const reconcile = await cli('reconcile', '--progress');
    expect(reconcile.code).toBe(0);
    expect(reconcile.stdout).toMatch(/corrected 1\.\n {2}contact \S+ \(\+1\d+\): opted_in -> opted_out\n/);
    expect(reconcile.stderr).toMatch(/^reconcile: done: \d+ contacts checked, 1 corrected$/m);
    expect(crm.fieldValue(lead, FIELD)).toBe('opted_out');
  });
});
