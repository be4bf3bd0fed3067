import { type E164, tryNormalizePhone } from 'sms-consent';
import { createActiveCampaignCrm } from 'sms-consent/activecampaign';
import { startFakeActiveCampaign } from '../test/activecampaign/server.js';
import { type Bench, measure, seededRandom } from './harness.js';

const CONTACTS = 20_000;
const LOOKUPS = 50;
const FORMATS = [
  (area: string, exchange: string, line: string) => `(${area}) ${exchange}-${line}`,
  (area: string, exchange: string, line: string) => `+1${area}${exchange}${line}`,
  (area: string, exchange: string, line: string) => `+1 ${area}-${exchange}-${line}`,
  (area: string, exchange: string, line: string) => `1 (${area}) ${exchange}-${line} ext. 2`,
  (area: string, exchange: string, line: string) => `${area}.${exchange}.${line}`,
];

/**
 * `findContactsByPhone` on the local ActiveCampaign stand-in holding 20,000 contacts, phones in five
 * formats (two of which no prefix query finds). Baseline: prefix queries only (`phoneSearch: () =>
 * []`, the adapter before the `search=` lookup). The rate limit is lifted to measure the adapter and
 * the requests; against the real API each request costs 1/5 s, so requests per lookup is the figure
 * that counts.
 */
const bench: Bench = async () => {
  const server = await startFakeActiveCampaign({ fields: ['7'] });
  const random = seededRandom(7);
  const numbers: E164[] = [];
  for (let index = 0; index < CONTACTS; index++) {
    const area = String(200 + Math.floor(random() * 700));
    const exchange = String(200 + Math.floor(random() * 700));
    const line = String(Math.floor(random() * 10_000)).padStart(4, '0');
    const format = FORMATS[index % FORMATS.length] as (typeof FORMATS)[number];
    server.addContact({ phone: format(area, exchange, line) });
    const phone = tryNormalizePhone(`+1${area}${exchange}${line}`);
    if (phone !== null && numbers.length < LOOKUPS && index % 7 === 3) numbers.push(phone);
  }
  const adapter = (prefixOnly: boolean) =>
    createActiveCampaignCrm({
      baseUrl: server.url,
      apiToken: server.token,
      field: 7,
      requestsPerSecond: 1_000_000,
      ...(prefixOnly ? { phoneSearch: () => [] } : {}),
    });
  const run = async (prefixOnly: boolean) => {
    const crm = adapter(prefixOnly);
    const before = server.requests.length;
    let found = 0;
    for (const phone of numbers) found += (await crm.findContactsByPhone(phone)).length;
    return { found, requests: (server.requests.length - before) / numbers.length };
  };
  const baseline = await run(true);
  const withSearch = await run(false);
  const prefix = await measure('prefix queries only (baseline)', numbers.length, () => run(true), 2);
  const search = await measure(
    'prefix queries + search on last 3 digits',
    numbers.length,
    () => run(false),
    2,
  );
  await server.close();
  return {
    title: 'ActiveCampaign lookups on the local stand-in',
    rows: [prefix, search],
    notes: [
      `contacts found for ${numbers.length} numbers: ${withSearch.found} with search, ${baseline.found} by prefix only (ratio ${(withSearch.found / baseline.found).toFixed(2)})`,
      `requests per lookup: ${withSearch.requests.toFixed(2)} with search, ${baseline.requests.toFixed(2)} by prefix only (ratio ${(withSearch.requests / baseline.requests).toFixed(2)}); at 5 requests/s ${(withSearch.requests / 5).toFixed(2)} s per lookup`,
      `lookups/s ratio search/prefix-only: ${(search.perSecond / prefix.perSecond).toFixed(2)}`,
    ],
  };
};

export default bench;
