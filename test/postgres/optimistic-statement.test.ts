import type { ConsentEvent, E164 } from 'sms-consent';
import { sealEvent } from 'sms-consent/store';
import { expect, test } from 'vitest';
import { buildOptimisticStatement, optimisticStatement } from '../../src/postgres/optimistic.js';
import { tableNames } from '../../src/postgres/schema.js';
import type { BufferedWrites } from '../../src/postgres/transaction.js';

const phone = '+14155550123' as E164;

function event(seq: number, previous: ConsentEvent | null): ConsentEvent {
  const at = `2026-03-02T14:00:0${seq}.000Z`;
  return sealEvent(
    {
      id: `evt_${seq}`,
      tenantId: 'default',
      phone,
      action: seq % 2 === 0 ? 'opt_in' : 'opt_out',
      source: 'sms',
      occurredAt: at,
      recordedAt: at,
      applied: true,
      idempotencyKey: `msg:SM${seq}`,
      evidence: { body: 'STOP' },
    },
    previous,
  );
}

// The one-statement write reuses the text of its shape: every shape must get exactly the text it
// would have built, and the values of its own write.
test('the kept text of each shape is the text that shape builds', () => {
  const first = event(1, null);
  const second = event(2, first);
  const shapes: { writes: BufferedWrites; claims: number; assumed: boolean; locked: boolean }[] = [];
  for (const appended of [[first], [first, second]])
    for (const statusWrite of [undefined, { status: 'opted_out' as const, lastEventId: first.id }])
      for (const jobs of [0, 1, 2])
        for (const claims of [0, 1])
          for (const assumed of [false, true])
            for (const locked of [false, true])
              shapes.push({
                writes: {
                  appended,
                  statusWrite,
                  jobs: Array.from({ length: jobs }, (_, index) => ({
                    id: `job_${index}`,
                    tenantId: 'default',
                    phone,
                    kind: 'crm_sync',
                    eventId: first.id,
                    createdAt: first.recordedAt,
                  })),
                },
                claims,
                assumed,
                locked,
              });
  const texts = new Set<string>();
  for (const schema of ['sms_consent', 'other_schema'])
    for (const round of [1, 2])
      for (const shape of shapes) {
        const args = [
          tableNames(schema),
          { tenantId: 'default', phone, lockKey: shape.locked ? `lock-${round}` : undefined },
          shape.writes,
          Array.from({ length: shape.claims }, () => ({ key: `msg:SM${round}`, eventId: first.id })),
          shape.assumed ? { seq: round, hash: `hash-${round}` } : null,
        ] as const;
        const kept = optimisticStatement(...args);
        const built = buildOptimisticStatement(...args);
        expect(kept).toEqual(built);
        if (kept) texts.add(kept.text);
      }
  // Every shape and schema has a text of its own.
  expect(texts.size).toBe(shapes.length * 2);
});
