import type { CrmAdapter } from 'sms-consent';
import { createFakeCrm, runCrmAdapterTests } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';

describe('fake CRM conformance', () => {
  runCrmAdapterTests({
    test,
    expect,
    createAdapter: () => createFakeCrm(),
    seed: async (crm, contacts) =>
      contacts.map((contact) =>
        crm.addContact({ phone: contact.phone, smsConsent: contact.smsConsent ?? null }),
      ),
    inspect: async (crm, contactId) => crm.contact(contactId)?.smsConsent ?? null,
  });
});

/** The fake CRM without its optional methods: a write-only adapter. */
function writeOnly() {
  const crm = createFakeCrm();
  const adapter: CrmAdapter = {
    name: crm.name,
    rateLimit: crm.rateLimit,
    batchSize: crm.batchSize,
    findContactsByPhone: (phone) => crm.findContactsByPhone(phone),
    setSmsConsent: (contact, change, options) => crm.setSmsConsent(contact, change, options),
  };
  return { crm, adapter };
}

describe('conformance suite on an adapter without optional methods', () => {
  const fakes = new WeakMap<CrmAdapter, ReturnType<typeof createFakeCrm>>();
  runCrmAdapterTests({
    test,
    expect,
    createAdapter: () => {
      const { crm, adapter } = writeOnly();
      fakes.set(adapter, crm);
      return adapter;
    },
    seed: async (adapter, contacts) =>
      contacts.map((contact) =>
        (fakes.get(adapter) as ReturnType<typeof createFakeCrm>).addContact({
          phone: contact.phone,
          smsConsent: contact.smsConsent ?? null,
        }),
      ),
    inspect: async (adapter, contactId) => fakes.get(adapter)?.contact(contactId)?.smsConsent ?? null,
  });
});

describe('runCrmAdapterTests reports what it does not test', () => {
  /** A runner that records registrations and runs a test with or without a context. */
  function recorder() {
    const registered: { name: string; skipped: boolean; fn: (...args: unknown[]) => Promise<void> }[] = [];
    const run = (name: string, fn: () => Promise<void>) => {
      registered.push({ name, skipped: false, fn });
    };
    const withSkip = Object.assign((name: string, fn: () => Promise<void>) => run(name, fn), {
      skip: (name: string, fn: () => Promise<void>) => {
        registered.push({ name, skipped: true, fn });
      },
    });
    return { registered, run, withSkip };
  }
  const base = {
    expect,
    createAdapter: () => writeOnly().adapter,
    seed: async () => [],
  };

  test('groups left out are registered with test.skip when the runner has it, else not at all', () => {
    const withSkip = recorder();
    runCrmAdapterTests({ ...base, test: withSkip.withSkip, skip: ['find', 'import'] });
    const skipped = withSkip.registered.filter((entry) => entry.skipped).map((entry) => entry.name);
    expect(skipped.map((name) => name.split(':')[0]).sort()).toEqual(['find', 'find', 'import']);

    const plain = recorder();
    runCrmAdapterTests({ ...base, test: plain.run, skip: ['find', 'import'] });
    const names = plain.registered.map((entry) => entry.name.split(':')[0]);
    expect(names).not.toContain('find');
    expect(names).not.toContain('import');
    expect(plain.registered.every((entry) => !entry.skipped)).toBe(true);
  });

  test('a group whose optional method is missing skips through the context, or fails: it never passes', async () => {
    const runner = recorder();
    runCrmAdapterTests({ ...base, test: runner.run });
    const list = runner.registered.find((entry) => entry.name.startsWith('list:'));
    expect(list).toBeDefined();
    const reasons: unknown[] = [];
    await list?.fn({ skip: (reason: unknown) => reasons.push(reason) });
    expect(reasons).toEqual(['the adapter has no listContacts']);
    await expect(list?.fn()).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining("skip: ['list']"),
    });
  });
});
