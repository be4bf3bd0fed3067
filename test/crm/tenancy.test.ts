import { createConsentManager, createMemoryStore } from 'sms-consent';
import { CRM_SYNC_JOB } from 'sms-consent/crm';
import { createFakeCrm } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';
import { LEAD } from './helpers.js';

function fixture(crmTenants?: readonly string[]) {
  const store = createMemoryStore();
  const crm = createFakeCrm();
  const contact = crm.addContact({ phone: LEAD, smsConsent: 'opted_in' });
  const consent = createConsentManager({
    store,
    crm,
    defaultCountry: 'US',
    ...(crmTenants === undefined ? {} : { crmTenants }),
  });
  let sid = 0;
  const stop = (tenantId: string) =>
    consent.handleInbound({ from: LEAD, body: 'STOP', messageId: `SM${++sid}`, tenantId });
  const jobsOf = async (tenantId: string) =>
    (await store.listJobs({ state: 'pending', tenantId, limit: 10 })).filter(
      (job) => job.kind === CRM_SYNC_JOB,
    );
  return { store, crm, contact, consent, stop, jobsOf };
}

describe('CRM tenancy fails closed', () => {
  test("a fixed adapter never receives another tenant's opt-out", async () => {
    const { crm, contact, consent, stop, jobsOf } = fixture();
    await stop('firm-b');
    expect(await jobsOf('firm-b')).toEqual([]);
    expect(await consent.sync()).toMatchObject({ claimed: 0, synced: 0, contactsWritten: 0 });
    expect(await consent.reconcile({ tenantId: 'firm-b' })).toMatchObject({
      corrected: 0,
      contactsChecked: 0,
    });
    await expect(consent.importFromCrm({ tenantId: 'firm-b' })).rejects.toMatchObject({ code: 'CONFIG' });
    expect(crm.writes).toEqual([]);
    expect(crm.contact(contact)?.smsConsent).toBe('opted_in');
  });

  test('by default a fixed adapter serves the default tenant', async () => {
    const { crm, contact, consent, stop, jobsOf } = fixture();
    await stop('default');
    expect(await jobsOf('default')).toHaveLength(1);
    expect(await consent.sync()).toMatchObject({ synced: 1, contactsWritten: 1 });
    expect(crm.contact(contact)?.smsConsent).toBe('opted_out');
  });

  test('crmTenants names every tenant a fixed adapter serves, and only those', async () => {
    const { crm, consent, stop, jobsOf } = fixture(['a', 'b']);
    await stop('a');
    await stop('b');
    await stop('default');
    expect(await jobsOf('a')).toHaveLength(1);
    expect(await jobsOf('b')).toHaveLength(1);
    expect(await jobsOf('default')).toEqual([]);
    expect(await consent.sync()).toMatchObject({ claimed: 2, synced: 2, contactsWritten: 2 });
    expect(crm.writes.map((write) => write.change.tenantId).sort()).toEqual(['a', 'b']);
  });

  test('a job of a tenant the adapter does not serve completes without a write', async () => {
    const earlier = fixture(['default', 'firm-b']);
    await earlier.stop('firm-b');
    // The same store, now with an adapter that serves only the default tenant.
    const consent = createConsentManager({ store: earlier.store, crm: earlier.crm, defaultCountry: 'US' });
    expect(await consent.sync()).toMatchObject({ claimed: 1, synced: 0, skipped: 1, contactsWritten: 0 });
    expect(earlier.crm.writes).toEqual([]);
    expect(await earlier.jobsOf('firm-b')).toEqual([]);
  });

  test('crmTenants with a resolver function is a CONFIG error', () => {
    const crm = createFakeCrm();
    expect(() =>
      createConsentManager({ store: createMemoryStore(), crm: () => crm, crmTenants: ['a'] }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(() => createConsentManager({ store: createMemoryStore(), crm, crmTenants: [''] })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});
