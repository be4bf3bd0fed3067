import { PGlite } from '@electric-sql/pglite';
import { createConsentManager, type E164 } from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';
import { createFixedClock } from 'sms-consent/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { randomSchema } from './helpers.js';

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(async () => {
  await db?.close();
});

// The chain cache keeps what a locked write read of the number (its events, as the callback saw
// them) for the next one-statement write. Those objects reach the caller too (a status's cause):
// a caller that changes one must not change the next write's fold (the conformance suite holds the
// same for a chain the store wrote itself).
test('an event a locked write read and handed out is not what the cache folds next', async () => {
  const schema = randomSchema();
  const first = createPostgresStore({ client: db, schema });
  await first.migrate();
  const clock = createFixedClock('2026-03-02T14:00:00Z');
  const phone = '+14155550199' as E164;
  await createConsentManager({ store: first, clock, defaultCountry: 'US' }).handleInbound({
    from: phone,
    to: '+18005550100',
    body: 'STOP',
    messageId: 'SM-locked-1',
  });
  // Another instance never saw the number: its first write takes the locked way and reads the STOP.
  const consent = createConsentManager({
    store: createPostgresStore({ client: db, schema }),
    clock,
    defaultCountry: 'US',
  });
  const refused = await consent.record({ phone, action: 'opt_in', source: 'admin' });
  expect(refused.status.status).toBe('opted_out');
  const cause = refused.status.cause as { action: string } | undefined;
  expect(cause?.action).toBe('opt_out');
  if (cause) cause.action = 'opt_in';

  const again = await consent.record({ phone, action: 'opt_in', source: 'admin' });
  expect(again.status.status).toBe('opted_out');
  expect((await consent.getStatus(phone)).status).toBe('opted_out');
});
