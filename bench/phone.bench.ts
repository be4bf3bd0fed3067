import { parsePhoneNumberFromString as parseMax } from 'libphonenumber-js/max';
import { parsePhoneNumberFromString as parseMin } from 'libphonenumber-js/min';
import { normalizePhone } from '../src/phone.js';
import { type Bench, measure, ratio, seededRandom } from './harness.js';

const COLD_BATCH = 20_000;
const DISTINCT = 50_000;
const STREAM = 1_000_000;
// The harness runs a function once to warm up and three times to measure: one fresh batch per call.
const COLD_CALLS = 4;
const FRESH_CALLS = 3;
const AREA_CODES = ['212', '305', '312', '415', '503', '617', '646', '702', '713', '818', '917', '206'];

/** Distinct numbers written the ways CRMs, forms and webhooks write them. */
function makeInputs(count: number, random: () => number, seen: Set<string>): string[] {
  const inputs: string[] = [];
  while (inputs.length < count) {
    const area = AREA_CODES[Math.floor(random() * AREA_CODES.length)] ?? '415';
    const exchange = String(200 + Math.floor(random() * 800));
    const line = String(Math.floor(random() * 10_000)).padStart(4, '0');
    const digits = `${area}${exchange}${line}`;
    if (seen.has(digits)) continue;
    seen.add(digits);
    inputs.push(format(area, exchange, line, Math.floor(random() * 8)));
  }
  return inputs;
}

function format(area: string, exchange: string, line: string, style: number): string {
  switch (style) {
    case 0:
      return `(${area}) ${exchange}-${line}`;
    case 1:
      return `${area}.${exchange}.${line}`;
    case 2:
      return `+1 ${area} ${exchange} ${line}`;
    case 3:
      return `1-${area}-${exchange}-${line}`;
    case 4:
      return `+1${area}${exchange}${line}`;
    case 5:
      return `${area}${exchange}${line}`;
    case 6:
      return `+1 (${area}) ${exchange}-${line} ext. 12`;
    default:
      return `011 44 20 7${exchange} ${line}`;
  }
}

function tryNormalize(raw: string): string | null {
  try {
    return normalizePhone(raw, { defaultCountry: 'US' });
  } catch {
    return null;
  }
}

const bench: Bench = async () => {
  const random = seededRandom(2);
  const seen = new Set<string>();
  const coldBatches = Array.from({ length: COLD_CALLS }, () => makeInputs(COLD_BATCH, random, seen));
  const distinct = makeInputs(DISTINCT, random, seen);
  const picks = Array.from({ length: STREAM }, () => distinct[Math.floor(random() * DISTINCT)] ?? '');
  // Fresh string instances (as a webhook's JSON.parse yields them), one stream per call, so no measured
  // round leans on string hashes V8 cached in an earlier one; `picks` reuses the 50,000 instances.
  const freshStreams = Array.from(
    { length: FRESH_CALLS },
    () => JSON.parse(JSON.stringify(picks)) as string[],
  );
  const invalid = distinct.filter((raw) => tryNormalize(raw) === null).length;

  let sink = 0;
  const baselineMax = await measure(
    'libphonenumber-js/max parsePhoneNumber cold (baseline)',
    COLD_BATCH,
    () => {
      for (const raw of coldBatches[0] ?? []) sink += parseMax(raw, 'US')?.number.length ?? 0;
    },
  );
  const baselineValid = await measure('libphonenumber-js/max parse + isValid() cold', COLD_BATCH, () => {
    for (const raw of coldBatches[0] ?? []) sink += parseMax(raw, 'US')?.isValid() === true ? 1 : 0;
  });
  const baselineMin = await measure('libphonenumber-js/min parsePhoneNumber cold', COLD_BATCH, () => {
    for (const raw of coldBatches[0] ?? []) sink += parseMin(raw, 'US')?.number.length ?? 0;
  });

  let call = 0;
  const cold = await measure('normalizePhone cold (distinct, unseen inputs)', COLD_BATCH, () => {
    for (const raw of coldBatches[call++ % COLD_CALLS] ?? []) sink += tryNormalize(raw)?.length ?? 0;
  });
  let pass = 0;
  const warmFresh = await measure(
    'normalizePhone warm, fresh string instances',
    STREAM,
    () => {
      for (const raw of freshStreams[pass++ % FRESH_CALLS] ?? []) sink += tryNormalize(raw)?.length ?? 0;
    },
    FRESH_CALLS - 1,
  );
  const warmReused = await measure('normalizePhone warm, reused string instances', STREAM, () => {
    for (const raw of picks) sink += tryNormalize(raw)?.length ?? 0;
  });
  if (sink === 0) throw new Error('benchmark produced no results');

  return {
    title: 'Phone normalization',
    rows: [baselineMax, baselineValid, baselineMin, cold, warmFresh, warmReused],
    notes: [
      `ratio cold/baseline: ${ratio(cold, baselineMax)}; cold/(parse + isValid): ${ratio(cold, baselineValid)}`,
      `ratio warm/baseline, fresh strings: ${ratio(warmFresh, baselineMax)} (target >= 20)`,
      `ratio warm/baseline, reused strings: ${ratio(warmReused, baselineMax)} (target >= 20)`,
      `stream: ${STREAM.toLocaleString('en-US')} lookups drawn uniformly from ${DISTINCT.toLocaleString('en-US')} distinct inputs`,
      `inputs: US numbers in 7 national/international/extension styles plus UK via 011; ${invalid} of ${DISTINCT} invalid`,
      `ratio max/min metadata baseline: ${ratio(baselineMax, baselineMin)} (validity needs max; speed is the same)`,
    ],
  };
};

export default bench;
