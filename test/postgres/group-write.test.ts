import { PGlite } from '@electric-sql/pglite';
import { type ConsentEvent, createConsentManager, type E164 } from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';
import { sealEvent } from 'sms-consent/store';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDriver } from '../../src/postgres/client.js';
import { type GroupMember, groupStatement } from '../../src/postgres/group-write.js';
import { tableNames } from '../../src/postgres/schema.js';
import { phoneLockKey } from '../../src/postgres/transaction.js';
import { createServerPool, DATABASE_URL, NEEDS_SERVER, randomSchema } from './helpers.js';

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(async () => {
  await db?.close();
});

const at = '2026-03-02T14:00:00.000Z';

/** A member opting `phone` out: its first event, its status row, and a claim of `key`. */
function member(
  phone: E164,
  key: string | undefined,
  assumed: GroupMember['assumed'] = null,
  evidence: ConsentEvent['evidence'] = { body: 'STOP' },
): GroupMember {
  const event = sealEvent(
    {
      id: `evt_${phone.slice(-4)}_${key ?? 'none'}`,
      tenantId: 'default',
      phone,
      action: 'opt_out',
      source: 'sms',
      occurredAt: at,
      recordedAt: at,
      applied: true,
      ...(key === undefined ? {} : { idempotencyKey: key }),
      evidence,
    },
    assumed,
  );
  return {
    tenantId: 'default',
    phone,
    lockKey: undefined,
    assumed,
    writes: {
      appended: [event],
      statusWrite: { status: 'opted_out', since: at, causeEventId: event.id, lastEventId: event.id },
      jobs: [],
    },
    claim: key === undefined ? undefined : { key, eventId: event.id },
  };
}

// One statement carries several numbers, each all or nothing: a member whose assumption or claim
// does not hold writes nothing, and the others are written whole.
test('a group statement writes each member whole or not at all', async () => {
  const schema = randomSchema();
  const store = createPostgresStore({ client: db, schema });
  await store.migrate();
  await createConsentManager({ store, defaultCountry: 'US' }).handleInbound({
    from: '+14155550102',
    to: '+18005550100',
    body: 'STOP',
    messageId: 'SM-taken',
  });
  const driver = createDriver(db, {
    preparedStatements: true,
    groupCommit: false,
    lockTimeoutMs: 5000,
    statementTimeoutMs: 5000,
  });
  const members = [
    member('+14155550101' as E164, 'msg:SM-a'),
    // Assumed new, but the number has a history.
    member('+14155550102' as E164, 'msg:SM-b'),
    // A key another event already holds.
    member('+14155550103' as E164, 'msg:SM-taken'),
    // The same key as the first member: only one of them may hold it.
    member('+14155550104' as E164, 'msg:SM-a'),
    // A head that is not the number's.
    member('+14155550105' as E164, undefined, { seq: 3, hash: 'not-the-head' }),
    member('+14155550106' as E164, undefined),
  ];
  const [row] = await driver.write<{ written: unknown }>(groupStatement(tableNames(schema), members));
  expect(row?.written).toBe('1,6');
  for (const [index, phone] of members.map((entry) => entry.phone).entries()) {
    const events = await store.getEvents('default', phone);
    const status = await store.getStatus('default', phone);
    if (index === 0 || index === 5) {
      expect(events.map((event) => event.id)).toEqual([members[index]?.writes.appended[0]?.id]);
      expect(status?.status).toBe('opted_out');
    } else if (index === 1) {
      expect(events).toHaveLength(1);
    } else {
      expect(events).toEqual([]);
      expect(status).toBeNull();
    }
  }
  const audit = await createConsentManager({ store, defaultCountry: 'US' }).verifyAuditTrail();
  expect(audit.ok).toBe(true);
});

// Every kind of row the statement writes (event, status with and without a confirmation, a head
// alone, a job) comes back exactly as it went in, texts that JSON must escape included (an event
// read back equal to the one sealed also hashes the same).
test('a group statement writes every kind of row exactly', async () => {
  const schema = randomSchema();
  const store = createPostgresStore({ client: db, schema });
  await store.migrate();
  const driver = createDriver(db, {
    preparedStatements: true,
    groupCommit: false,
    lockTimeoutMs: 5000,
    statementTimeoutMs: 5000,
  });
  const text = 'Stop "now" \\ please\n\t\u2028 😀 ü \u0001 </script>';
  const until = '2026-03-03T14:00:00.000Z';
  const evidence = { body: text, note: text, errorCode: 21610, wrongNumber: true };
  const written = (phone: E164, writes: (id: string) => Partial<GroupMember['writes']>): GroupMember => {
    const plain = member(phone, undefined, null, evidence);
    const id = plain.writes.appended[0]?.id as string;
    return { ...plain, writes: { ...plain.writes, ...writes(id) } };
  };
  const members = [
    member('+14155550111' as E164, 'msg:SM-x', null, evidence),
    written('+14155550112' as E164, (id) => ({
      statusWrite: { status: 'opted_out', since: at, causeEventId: id, confirmation: { text, until } },
    })),
    written('+14155550113' as E164, () => ({ statusWrite: undefined })),
    written('+14155550114' as E164, (id) => ({
      jobs: [
        {
          id: 'job_1',
          tenantId: 'default',
          phone: '+14155550114' as E164,
          kind: 'crm_sync',
          eventId: id,
          createdAt: at,
        },
      ],
    })),
  ];
  const [row] = await driver.write<{ written: unknown }>(groupStatement(tableNames(schema), members));
  expect(row?.written).toBe('1,2,3,4');
  for (const entry of members)
    expect(await store.getEvents('default', entry.phone)).toEqual(entry.writes.appended);
  expect(await store.getStatus('default', members[1]?.phone as E164)).toMatchObject({
    confirmation: { text, until },
  });
  expect((await store.getStatus('default', members[2]?.phone as E164))?.status).toBe('unknown');
  expect(await store.listJobs({ state: 'pending', tenantId: 'default', limit: 10 })).toMatchObject([
    { id: 'job_1', phone: '+14155550114', kind: 'crm_sync', createdAt: at },
  ]);
});

describe.skipIf(!DATABASE_URL)('on a server', () => {
  // A number whose lock another connection holds is left out of its group (a try-lock), so the other
  // numbers that went out with it are written at once; with a lock that waits, all of them would
  // wait for the holder. The busy number then waits its turn the locked way.
  test('a busy number does not hold up the numbers written with it', async () => {
    const schema = randomSchema();
    const pool = createServerPool({ max: 10 });
    const admin = createServerPool({ max: 2 });
    try {
      const store = createPostgresStore({
        client: pool,
        schema,
        lockTimeoutMs: 60_000,
        statementTimeoutMs: 60_000,
      });
      await store.migrate();
      const consent = createConsentManager({ store, defaultCountry: 'US' });
      const phones = Array.from({ length: 6 }, (_, index) => `+1415555020${index}` as E164);
      const busy = phones[0] as E164;
      const holder = await admin.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        phoneLockKey(schema, 'default', busy),
      ]);
      let busyDone = false;
      const all = phones.map((phone, index) =>
        consent
          .handleInbound({ from: phone, to: '+18005550100', body: 'STOP', messageId: `SM-busy-${index}` })
          .then((result) => {
            if (phone === busy) busyDone = true;
            return result;
          }),
      );
      await Promise.all(all.slice(1));
      expect(busyDone).toBe(false);
      const statuses = await store.getStatuses('default', phones);
      expect(phones.slice(1).map((phone) => statuses.get(phone))).toEqual(
        phones.slice(1).map(() => 'opted_out'),
      );
      expect(statuses.get(busy)).not.toBe('opted_out');
      await holder.query('COMMIT');
      holder.release();
      await all[0];
      expect((await store.getStatus('default', busy))?.status).toBe('opted_out');
      expect((await consent.verifyAuditTrail()).ok).toBe(true);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await Promise.all([pool.end(), admin.end()]);
    }
  }, 15_000);
});

test.skipIf(DATABASE_URL)('on a server: skipped', () => {
  expect(NEEDS_SERVER).toBeTruthy();
});
