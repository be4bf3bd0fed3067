import { createConsentManager, createMemoryStore, type E164, tryNormalizePhone } from 'sms-consent';
import { activeCampaignPhoneSearch, createActiveCampaignCrm } from 'sms-consent/activecampaign';
import { createFixedClock } from 'sms-consent/testing';
import { afterEach, describe, expect, test } from 'vitest';
import { type FakeActiveCampaign, startFakeActiveCampaign } from './server.js';

const FIELD = '7';
const NUMBER = '+14155552671' as E164;
const servers: FakeActiveCampaign[] = [];

/** Ways a person (or an import, or a form) types +1 415 555 2671, every one of them the same number. */
const US_FORMATS = [
  '+14155552671',
  '(415) 555-2671',
  '+1 415-555-2671',
  '1-415-555-2671',
  '1 415 555 2671',
  '+1.415.555.2671',
  '1.415.555.2671',
  '+1 (415) 555 2671',
  '+1-415-5552671',
  '415/555-2671',
  '(415)5552671',
  '415 5552671',
  '(415) 555 - 2671',
  '1 (415) 555-2671 ext. 12',
  '+1 415 555-2671 x3',
  'tel:+1-415-555-2671',
  '011 1 415 555 2671',
  '4155 552 671',
  '415 555 2 671',
];

/** Other people: other numbers with the same last digits, and names or emails that contain them. */
const NOISE = [
  { phone: '+1 212-555-2671' },
  { phone: '(415) 555-2672' },
  { phone: '+1 415 555 2670' },
  { phone: '+44 20 7946 2671' },
  { phone: '+1 646 555 0199', email: 'room2671@example.com' },
  { phone: '+1 646 555 0198', firstName: 'Suite 2671' },
  { phone: '+1 415 671 0100' },
  { phone: '' },
];

async function setup() {
  const server = await startFakeActiveCampaign({ fields: [FIELD] });
  servers.push(server);
  let now = 0;
  const crm = createActiveCampaignCrm({
    baseUrl: server.url,
    apiToken: server.token,
    field: FIELD,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  return { server, crm };
}

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

describe('ActiveCampaign finds a contact whatever format its phone was typed in', () => {
  test('every format of the number is found, and nothing else', async () => {
    for (const format of US_FORMATS) expect(tryNormalizePhone(format, { defaultCountry: 'US' })).toBe(NUMBER);
    const { server, crm } = await setup();
    const ours = US_FORMATS.map((phone) => server.addContact({ phone }));
    for (const other of NOISE) server.addContact(other);
    const found = await crm.findContactsByPhone(NUMBER);
    expect(found.map((contact) => contact.id).sort()).toEqual([...ours].sort());
    expect(server.requests.filter((request) => request.query.get('search') === '671')).toHaveLength(1);
  });

  test('a STOP opts out every contact of the number, in whatever format, at the first sync', async () => {
    const { server, crm } = await setup();
    const ours = ['+1 415-555-2671', '1 (415) 555-2671 ext. 12', '(415) 555-2671'].map((phone) =>
      server.addContact({ phone, fields: { [FIELD]: 'opted_in' } }),
    );
    const stranger = server.addContact({ phone: '+1 212-555-2671', fields: { [FIELD]: 'opted_in' } });
    const consent = createConsentManager({
      store: createMemoryStore(),
      crm,
      clock: createFixedClock('2026-03-02T14:00:00Z'),
      defaultCountry: 'US',
    });
    await consent.handleInbound({ from: NUMBER, body: 'STOP', messageId: 'SM1' });
    expect(await consent.sync()).toMatchObject({ synced: 1, contactsWritten: 3 });
    for (const id of ours) expect(server.fieldValue(id, FIELD)).toBe('opted_out');
    expect(server.fieldValue(stranger, FIELD)).toBe('opted_in');
  });

  test('a French number is searched by its last pair and found in its usual formats', async () => {
    const french = '+33612345678' as E164;
    expect(activeCampaignPhoneSearch(french)).toEqual(['78']);
    expect(activeCampaignPhoneSearch(NUMBER)).toEqual(['671']);
    expect(activeCampaignPhoneSearch(NUMBER, 2)).toEqual(['71']);
    const { server, crm } = await setup();
    const formats = ['06 12 34 56 78', '06.12.34.56.78', '+33 (0)6 12 34 56 78', '0033 6 12 34 56 78'];
    const ours = formats.map((phone) => server.addContact({ phone }));
    server.addContact({ phone: '06 12 34 56 79' });
    const found = await crm.findContactsByPhone(french);
    expect(found.map((contact) => contact.id).sort()).toEqual([...ours].sort());
  });

  test('many contacts sharing the last digits are paged through, the matches kept', async () => {
    const { server, crm } = await setup();
    for (let index = 0; index < 250; index++) {
      server.addContact({ phone: `+1 212 ${String(index).padStart(3, '0')} 2671` });
    }
    const ours = server.addContact({ phone: '+1 415-555-2671' });
    const found = await crm.findContactsByPhone(NUMBER);
    expect(found.map((contact) => contact.id)).toEqual([ours]);
    const pages = server.requests.filter((request) => request.query.get('search') === '671');
    expect(pages.map((request) => request.query.get('offset'))).toEqual(['0', '100', '200']);
  });
});
