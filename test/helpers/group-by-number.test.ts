import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { groupByNumber } from '../../src/helpers/group-by-number.js';

describe('groupByNumber', () => {
  test('groups by tenant and phone, keeping the order of items and of first appearance', () => {
    const items = [
      { tenantId: 't', phone: '+1', n: 1 },
      { tenantId: 'u', phone: '+1', n: 2 },
      { tenantId: 't', phone: '+2', n: 3 },
      { tenantId: 't', phone: '+1', n: 4 },
    ];
    expect(groupByNumber(items).map((group) => group.map((item) => item.n))).toEqual([[1, 4], [2], [3]]);
  });

  test('a tenant id and phone that concatenate alike are still two numbers', () => {
    const groups = groupByNumber([
      { tenantId: 'a', phone: 'b+1' },
      { tenantId: 'ab', phone: '+1' },
    ]);
    expect(groups).toHaveLength(2);
  });

  test('every item lands in exactly one group, and each group holds one number', () => {
    const item = fc.record({ tenantId: fc.constantFrom('t', 'u'), phone: fc.constantFrom('+1', '+2', '+3') });
    fc.assert(
      fc.property(fc.array(item), (items) => {
        const groups = groupByNumber(items);
        expect(groups.flat()).toHaveLength(items.length);
        for (const group of groups) {
          expect(new Set(group.map((one) => `${one.tenantId} ${one.phone}`)).size).toBe(1);
        }
      }),
    );
  });
});
