import { describe, expect, it } from 'vitest';
import { createIdGenerator } from '../../src/consent/ids.js';

const ID = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;

describe('createIdGenerator', () => {
  it('makes ids that sort in creation order within one millisecond and across them', () => {
    let now = Date.UTC(2026, 0, 1);
    const ids = createIdGenerator({ now: () => new Date(now) });
    const made: string[] = [];
    for (let index = 0; index < 600; index++) {
      if (index % 3 === 0) now += 1;
      made.push(ids('evt'));
    }
    expect(made.every((id) => ID.test(id))).toBe(true);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('draws fresh random digits for every new millisecond, past the pool refills', () => {
    let now = Date.UTC(2026, 0, 1);
    const ids = createIdGenerator({ now: () => new Date(now++) });
    // 1,000 milliseconds use the 256-id pool about four times over; the 80 random bits never repeat.
    const randomParts = Array.from({ length: 1_000 }, () => ids('evt').slice(-16));
    expect(new Set(randomParts).size).toBe(randomParts.length);
  });
});
