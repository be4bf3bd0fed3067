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
