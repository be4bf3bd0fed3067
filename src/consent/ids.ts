import { randomFillSync } from 'node:crypto';

/** The time source of a manager; tests inject a fixed one. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** Makes ids such as `evt_01JD3Q…`: a prefix and 26 Crockford base-32 characters that sort by time. */
export type IdGenerator = (prefix: string) => string;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-style id source: 48 bits of milliseconds then 80 random bits, monotonic within one
 * millisecond (the random part is incremented), so ids sort in creation order.
 */
export function createIdGenerator(clock: Clock = systemClock): IdGenerator {
  let lastTime = -1;
  let lastRandom: number[] = [];
  return (prefix) => {
    const time = clock.now().getTime();
    if (time === lastTime) {
      lastRandom = increment(lastRandom);
    } else {
      lastTime = time;
      lastRandom = randomDigits();
    }
    let id = `${prefix}_${encodeTime(time)}`;
    for (const digit of lastRandom) id += ALPHABET[digit];
    return id;
  };
}

const RANDOM_DIGITS = 16;
// One randomFillSync per 256 ids instead of a randomBytes call per id: the call, not the bytes, is
// what costs (about 4 µs each, against a whole webhook's few tens). Each byte is still used once.
const pool = new Uint8Array(RANDOM_DIGITS * 256);
let poolOffset = pool.length;

/** 16 fresh random base-32 digits (80 bits) from the pool. */
function randomDigits(): number[] {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const digits: number[] = [];
  for (let index = 0; index < RANDOM_DIGITS; index++) digits.push((pool[poolOffset + index] as number) & 31);
  poolOffset += RANDOM_DIGITS;
  return digits;
}

function encodeTime(time: number): string {
  let rest = time;
  let text = '';
  for (let index = 0; index < 10; index++) {
    text = ALPHABET[rest % 32] + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}

function increment(digits: number[]): number[] {
  const next = [...digits];
  for (let index = next.length - 1; index >= 0; index--) {
    const digit = (next[index] ?? 0) + 1;
    if (digit < 32) {
      next[index] = digit;
      return next;
    }
    next[index] = 0;
  }
  return next;
}
