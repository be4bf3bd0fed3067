import { type CrmAdapter, createConsentManager } from 'sms-consent';
import type { CrmCorrection } from 'sms-consent/crm';
import { describe, expect, test } from 'vitest';
import { LEAD, MINUTE, setup } from './helpers.js';

describe('reconcile', () => {
  test('a form that flipped the field back to opted-in is set back to opted-out, logged with the contact id', async () => {
    const corrections: CrmCorrection[] = [];
    const { crm, consent, text } = setup({
      crmSync: { onCorrection: (correction) => corrections.push(correction) },
    });
    const lead = crm.addContact({ phone: '(415) 555-2671' });
    const sameNumber = crm.addContact({ phone: '+1 415 555 2671' });
    const stranger = crm.addContact({ phone: '+14155550123', smsConsent: 'opted_in' });
    const { event } = await text(LEAD, 'STOP');
    await consent.sync();
    crm.setField(lead, 'opted_in');

    const result = await consent.reconcile();
    expect(result).toMatchObject({ contactsChecked: 3, inStep: 1, corrected: 1, crmOnlyOptOuts: 0 });
    expect(result.corrections).toEqual([
      {
        tenantId: 'default',
        phone: LEAD,
        contactId: lead,
        from: 'opted_in',
        to: 'opted_out',
        causeEventId: event?.id,
        at: '2026-03-02T14:00:00.000Z',
      },
    ]);
    expect(corrections).toEqual(result.corrections);
    expect(crm.contact(lead)?.smsConsent).toBe('opted_out');
    expect(crm.contact(sameNumber)?.smsConsent).toBe('opted_out');
    expect(crm.contact(stranger)?.smsConsent).toBe('opted_in');
    expect(await consent.history(LEAD)).toHaveLength(1);
    expect((await consent.reconcile()).corrected).toBe(0);
  });

  test('a dry run reports drift without writing', async () => {
    const { crm, consent, text } = setup();
    const lead = crm.addContact({ phone: LEAD, smsConsent: 'opted_in' });
    await text(LEAD, 'STOP');
    const result = await consent.reconcile({ dryRun: true });
    expect(result.corrections.map((correction) => correction.contactId)).toEqual([lead]);
    expect(crm.contact(lead)?.smsConsent).toBe('opted_in');
  });

  test('counts opt-outs held only in the CRM, and leaves them for importFromCrm', async () => {
    const { crm, consent } = setup();
    crm.addContact({ phone: LEAD, smsConsent: 'opted_out' });
    crm.addContact({ phone: 'not a phone', smsConsent: 'opted_out' });
    const result = await consent.reconcile();
    expect(result).toMatchObject({ crmOnlyOptOuts: 1, invalidPhones: 1, corrected: 0 });
    expect((await consent.getStatus(LEAD)).status).toBe('unknown');
  });

  test('since: re-checks contacts updated since and numbers changed since', async () => {
    const { crm, consent, clock, text } = setup();
    const old = crm.addContact({ phone: '+14155550101', smsConsent: 'opted_in' });
    await text('+14155550101', 'STOP');
    clock.advance(MINUTE);
    const lastRun = clock.now();
    clock.advance(30 * MINUTE);
    const fresh = crm.addContact({ phone: '+14155550102', smsConsent: 'opted_in' });
    await text('+14155550102', 'STOP');
    const result = await consent.reconcile({ since: lastRun.toISOString() });
    expect(result.corrections.map((correction) => correction.contactId)).toEqual([fresh]);
    expect(crm.contact(old)?.smsConsent).toBe('opted_in');
    expect((await consent.reconcile()).corrections.map((correction) => correction.contactId)).toEqual([old]);
  });

  test('an adapter that cannot list is reconciled from the ledger side, number by number', async () => {
    const { crm, store, clock, text } = setup();
    const lead = crm.addContact({ phone: '415.555.2671', smsConsent: 'opted_in' });
    await text(LEAD, 'STOP');
    const noList: CrmAdapter = {
      name: crm.name,
      rateLimit: crm.rateLimit,
      batchSize: crm.batchSize,
      findContactsByPhone: (phone) => crm.findContactsByPhone(phone),
      setSmsConsent: (contact, change, options) => crm.setSmsConsent(contact, change, options),
      getSmsConsent: (contact) => crm.getSmsConsent(contact),
    };
    const ledgerSide = createConsentManager({
      store,
      crm: noList,
      clock,
      defaultCountry: 'US',
    });
    const result = await ledgerSide.reconcile();
    expect(result).toMatchObject({ numbersChecked: 1, contactsChecked: 1, corrected: 1 });
    expect(crm.contact(lead)?.smsConsent).toBe('opted_out');
  });

  test('failed CRM requests are reported; too many stop the walk', async () => {
    const { crm, consent, text } = setup();
    for (let index = 0; index < 4; index++) {
      const phone = `+1415555010${index}`;
      crm.addContact({ phone, smsConsent: 'opted_in' });
      await text(phone, 'STOP');
    }
    crm.setFailure((call) => (call === 'setSmsConsent' ? new Error('write refused') : undefined));
    const some = await consent.reconcile({ maxFailures: 10 });
    expect(some.failures).toHaveLength(4);
    expect(some.failures[0]?.error).toContain('write refused');
    await expect(consent.reconcile({ maxFailures: 2 })).rejects.toMatchObject({ code: 'CRM_FAILURE' });
  });
});

describe('importFromCrm', () => {
  test('imports CRM-only opt-outs once, from the crm source, with the contact id', async () => {
    const { crm, consent, store } = setup();
    const lead = crm.addContact({ phone: '(415) 555-2671', smsConsent: 'opted_out' });
    crm.addContact({ phone: '+14155550123', smsConsent: 'opted_in' });
    const result = await consent.importFromCrm();
    expect(result).toMatchObject({
      contacts: 1,
      imported: 1,
      duplicates: 0,
      conflicts: [],
      invalidPhones: [],
    });
    const status = await consent.getStatus(LEAD);
    expect(status.status).toBe('opted_out');
    expect(status.cause).toMatchObject({ source: 'crm', evidence: { contactId: lead } });
    expect(await store.listJobs({ state: 'pending', limit: 10 })).toHaveLength(1);
    expect(await consent.importFromCrm()).toMatchObject({ imported: 0, alreadyOptedOut: 1 });
  });

  test('a number the ledger holds as opted in is a conflict, not an import', async () => {
    const { crm, consent, text } = setup();
    const lead = crm.addContact({ phone: LEAD, smsConsent: 'opted_out' });
    crm.addContact({ phone: '12345', smsConsent: 'opted_out' });
    await text(LEAD, 'START');
    const result = await consent.importFromCrm();
    expect(result.conflicts).toEqual([{ contactId: lead, phone: LEAD }]);
    expect(result.invalidPhones).toHaveLength(1);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_in');
    const forced = await consent.importFromCrm({ overrideOptIns: true });
    expect(forced.imported).toBe(1);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });
});

describe('reconcile store reads', () => {
  test('contacts in step cost one bulk read per page, and no read per number', async () => {
    const { crm, consent, store, text } = setup();
    const phones = Array.from({ length: 30 }, (_, index) => `+1415555${String(1000 + index)}`);
    for (const phone of phones) {
      crm.addContact({ phone });
      await text(phone, 'STOP');
    }
    await consent.sync();
    const drifted = crm.addContact({ phone: phones[0] as string, smsConsent: 'opted_in' });
    const calls = { getStatus: 0, getStatuses: 0 };
    const getStatus = store.getStatus.bind(store);
    const getStatuses = store.getStatuses.bind(store);
    store.getStatus = (tenantId, phone) => {
      calls.getStatus++;
      return getStatus(tenantId, phone);
    };
    store.getStatuses = (tenantId, list) => {
      calls.getStatuses++;
      return getStatuses(tenantId, list);
    };

    const result = await consent.reconcile();
    expect(result).toMatchObject({ contactsChecked: 31, inStep: 30, corrected: 1 });
    expect(result.corrections[0]).toMatchObject({ contactId: drifted, causeEventId: expect.any(String) });
    expect(calls).toEqual({ getStatuses: 1, getStatus: 1 });
  });
});
