import type { CrmAdapter, CrmConsentValue, CrmContact } from '../crm/adapter.js';
import { ConsentError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { DEFAULT_TENANT } from '../helpers/tenant.js';
import { createConsentManager } from '../manager/manager.js';
import type { E164 } from '../phone.js';
import { createMemoryStore } from '../store/memory.js';
import { createFixedClock } from './clock.js';
import type { SuiteRunner } from './store-suite.js';

/** A contact the suite asks the CRM under test to hold. */
export interface CrmSeedContact {
  /** The phone exactly as it must be stored (the suite uses many formats of US numbers). */
  readonly phone: string;
  /** The SMS consent field (default unset). */
  readonly smsConsent?: 'opted_in' | 'opted_out';
}

/** The groups of {@link runCrmAdapterTests}; each can be switched off. */
export type CrmSuiteGroup =
  | 'declaration'
  | 'find'
  | 'write'
  | 'read'
  | 'list'
  | 'sync'
  | 'reconcile'
  | 'import';

/** The runner's `test`, with `test.skip` when it has one (vitest, Jest and node:test do). */
export type CrmSuiteTest = SuiteRunner['test'] & {
  readonly skip?: (name: string, fn: () => Promise<void>) => void;
};

/** Options of {@link runCrmAdapterTests}. */
export interface CrmSuiteOptions<A extends CrmAdapter> extends SuiteRunner {
  /**
   * Registers a test. Groups named in `skip` are registered with `test.skip` when it exists (so the
   * report shows them skipped), and not at all otherwise.
   */
  readonly test: CrmSuiteTest;
  /** An adapter on a CRM account holding no contacts, fresh for every test. */
  readonly createAdapter: () => A | Promise<A>;
  /** Creates the contacts in the CRM (through its API, not the adapter); returns their ids in order. */
  readonly seed: (adapter: A, contacts: readonly CrmSeedContact[]) => Promise<readonly string[]>;
  /**
   * Reads a contact's consent field straight from the CRM, bypassing the adapter, so that a write
   * cannot pass by reading back its own bug. Strongly recommended.
   */
  readonly inspect?: (adapter: A, contactId: string) => Promise<CrmConsentValue>;
  /** Runs after every test (close servers, delete contacts). */
  readonly cleanup?: (adapter: A) => Promise<void>;
  /**
   * Groups to leave out. A group that needs an optional method the adapter lacks (`read` needs
   * `getSmsConsent`, `list` and `import` need `listContacts`, `reconcile` needs either) is skipped
   * through the test context's `skip()` when the runner passes one (vitest does); otherwise it
   * fails, asking for the group to be named here — it never passes without testing anything.
   */
  readonly skip?: readonly CrmSuiteGroup[];
}

const NUMBER = '+14155552671' as E164;
/** One number as people type it into CRMs. */
const FORMATS = [
  '+14155552671',
  '14155552671',
  '4155552671',
  '(415) 555-2671',
  '+1 415 555 2671',
  '415-555-2671',
  '415.555.2671',
  '+1 415 555 2671 ext. 12',
] as const;
/** Numbers that share a prefix with {@link NUMBER} or its formats but are not it. */
const OTHERS = ['+14155552670', '(415) 555-2670', '+141555526', '415555267100', '+442071838750'] as const;

/**
 * The conformance suite of the {@link CrmAdapter} contract: registers one test per rule with the
 * runner you pass, so any CRM connector can prove itself in its own test files — every format of a
 * number is found and no other number, writes are idempotent and readable, listing pages through
 * every contact once, and the manager's sync, reconcile and import work end to end on it.
 *
 * @example
 * import { expect, test } from 'vitest';
 * import { runCrmAdapterTests } from 'sms-consent/testing';
 * runCrmAdapterTests({
 *   test, expect,
 *   createAdapter: () => createMyCrm({ baseUrl: server.url }),
 *   seed: (crm, contacts) => server.createContacts(contacts),
 * });
 */
export function runCrmAdapterTests<A extends CrmAdapter>(options: CrmSuiteOptions<A>): void {
  const { expect } = options;
  const skipped = new Set(options.skip ?? []);

  type OptionalMethod = 'getSmsConsent' | 'listContacts';

  /** Registers one test; `needs` lists optional methods of which the adapter must have at least one. */
  function group(
    name: CrmSuiteGroup,
    title: string,
    body: (adapter: A) => Promise<void>,
    needs: readonly OptionalMethod[] = [],
  ): void {
    const full = `${name}: ${title}`;
    if (skipped.has(name)) {
      options.test.skip?.(full, async () => undefined);
      return;
    }
    // A rest parameter keeps `fn.length` 0, so runners that read it (Jest's `done`) see a plain async test.
    options.test(full, async (...args: unknown[]) => {
      const adapter = await options.createAdapter();
      try {
        if (needs.length > 0 && needs.every((method) => adapter[method] === undefined)) {
          skipInContext(args[0], name, needs);
          return;
        }
        await body(adapter);
      } finally {
        await options.cleanup?.(adapter);
      }
    });
  }

  const read = async (adapter: A, contact: CrmContact): Promise<CrmConsentValue | undefined> =>
    options.inspect ? options.inspect(adapter, contact.id) : adapter.getSmsConsent?.(contact);
  const ids = (contacts: readonly CrmContact[]) => contacts.map((contact) => contact.id).sort();

  group('declaration', 'declares a name, a rate limit and a batch size', async (adapter) => {
    expect(typeof adapter.name).toBe('string');
    expect(adapter.name.length).toBeGreaterThan(0);
    expect(adapter.rateLimit.requestsPerSecond).toBeGreaterThan(0);
    expect(Number.isInteger(adapter.batchSize) && adapter.batchSize > 0).toBe(true);
  });

  group('find', 'finds the number in every format it was typed in, and no other number', async (adapter) => {
    const seeded = await options.seed(
      adapter,
      [...FORMATS, ...OTHERS].map((phone) => ({ phone })),
    );
    const found = await adapter.findContactsByPhone(NUMBER);
    expect(ids(found)).toEqual([...seeded.slice(0, FORMATS.length)].sort());
    for (const contact of found) expect(typeof contact.phone).toBe('string');
  });

  group('find', 'finds nothing for a number no contact has', async (adapter) => {
    await options.seed(adapter, [{ phone: '+14155550123' }]);
    expect(await adapter.findContactsByPhone('+12125550199' as E164)).toEqual([]);
  });

  group('write', 'writes the consent field of one contact, idempotently', async (adapter) => {
    const [first, second] = await options.seed(adapter, [{ phone: FORMATS[0] }, { phone: FORMATS[3] }]);
    const contacts = await adapter.findContactsByPhone(NUMBER);
    const target = contacts.find((contact) => contact.id === first);
    expect(target).toBeDefined();
    if (!target) return;
    const change = { tenantId: DEFAULT_TENANT, phone: NUMBER, status: 'opted_out', reason: 'sync' } as const;
    await adapter.setSmsConsent(target, change, { idempotencyKey: `suite:${target.id}` });
    await adapter.setSmsConsent(target, change, { idempotencyKey: `suite:${target.id}` });
    expect(await read(adapter, target)).toBe('opted_out');
    const other = contacts.find((contact) => contact.id === second);
    if (other && (options.inspect || adapter.getSmsConsent)) expect(await read(adapter, other)).toBeNull();
    const optIn = { ...change, status: 'opted_in' } as const;
    await adapter.setSmsConsent(target, optIn, { idempotencyKey: `suite:${target.id}:in` });
    expect(await read(adapter, target)).toBe('opted_in');
  });

  group(
    'read',
    'reads the consent field as the CRM holds it',
    async (adapter) => {
      await options.seed(adapter, [
        { phone: FORMATS[0], smsConsent: 'opted_out' },
        { phone: FORMATS[2], smsConsent: 'opted_in' },
        { phone: FORMATS[3] },
      ]);
      const contacts = await adapter.findContactsByPhone(NUMBER);
      const values = await Promise.all(
        contacts.map(async (contact) => [contact.phone, await adapter.getSmsConsent?.(contact)] as const),
      );
      expect(Object.fromEntries(values)).toEqual({
        [FORMATS[0]]: 'opted_out',
        [FORMATS[2]]: 'opted_in',
        [FORMATS[3]]: null,
      });
    },
    ['getSmsConsent'],
  );

  group(
    'list',
    'pages through every contact exactly once',
    async (adapter) => {
      if (!adapter.listContacts) return;
      const seeded = await options.seed(
        adapter,
        FORMATS.map((phone, index) => ({ phone, ...(index % 3 === 0 ? { smsConsent: 'opted_out' } : {}) })),
      );
      const listed: CrmContact[] = [];
      let cursor: string | undefined;
      do {
        const page = await adapter.listContacts(omitUndefined({ limit: 3, cursor }));
        expect(page.contacts.length).toBeLessThanOrEqual(3);
        listed.push(...page.contacts);
        cursor = page.next;
      } while (cursor !== undefined);
      expect(ids(listed)).toEqual([...seeded].sort());

      const optedOut: CrmContact[] = [];
      cursor = undefined;
      do {
        const page = await adapter.listContacts(omitUndefined({ limit: 2, smsConsent: 'opted_out', cursor }));
        optedOut.push(...page.contacts);
        cursor = page.next;
      } while (cursor !== undefined);
      expect(ids(optedOut)).toEqual(seeded.filter((_, index) => index % 3 === 0).sort());
      for (const contact of optedOut) expect(contact.smsConsent).toBe('opted_out');
    },
    ['listContacts'],
  );

  /** Three contacts of {@link NUMBER} (two opted in) and one of another number; STOP, then sync. */
  async function optOutAndSync(adapter: A) {
    const seeded = await options.seed(adapter, [
      { phone: FORMATS[0], smsConsent: 'opted_in' },
      { phone: FORMATS[3] },
      { phone: FORMATS[5], smsConsent: 'opted_in' },
      { phone: OTHERS[0], smsConsent: 'opted_in' },
    ]);
    const consent = createConsentManager({
      store: createMemoryStore(),
      crm: adapter,
      clock: createFixedClock('2026-03-02T14:00:00Z'),
      defaultCountry: 'US',
    });
    await consent.handleInbound({ from: '(415) 555-2671', body: 'STOP', messageId: 'SMsuite1' });
    const result = await consent.sync();
    const byId = new Map((await adapter.findContactsByPhone(NUMBER)).map((contact) => [contact.id, contact]));
    return { seeded, consent, result, byId };
  }

  group('sync', 'an SMS opt-out reaches every contact with the number', async (adapter) => {
    const { seeded, result, byId } = await optOutAndSync(adapter);
    expect(result).toMatchObject({ synced: 1, retried: 0, dead: 0, contactsWritten: 3 });
    for (const id of seeded.slice(0, 3)) {
      const contact = byId.get(id);
      expect(contact).toBeDefined();
      if (contact) expect(await read(adapter, contact)).toBe('opted_out');
    }
  });

  group(
    'reconcile',
    'reconcile undoes drift in the CRM without a consent event',
    async (adapter) => {
      const { seeded, consent, byId } = await optOutAndSync(adapter);
      const drifted = byId.get(seeded[0] as string);
      expect(drifted).toBeDefined();
      if (!drifted) return;
      await adapter.setSmsConsent(
        drifted,
        { tenantId: DEFAULT_TENANT, phone: NUMBER, status: 'opted_in', reason: 'sync' },
        { idempotencyKey: 'suite:form' },
      );
      const reconciled = await consent.reconcile();
      expect(reconciled.corrections.map((correction) => correction.contactId)).toEqual([drifted.id]);
      expect(reconciled.corrections[0]).toMatchObject({ phone: NUMBER, to: 'opted_out' });
      expect(await read(adapter, drifted)).toBe('opted_out');
      expect((await consent.history(NUMBER)).length).toBe(1);
      expect((await consent.reconcile()).corrected).toBe(0);
    },
    ['getSmsConsent', 'listContacts'],
  );

  group(
    'import',
    'opt-outs held only in the CRM import once, from the crm source',
    async (adapter) => {
      await options.seed(adapter, [
        { phone: FORMATS[3], smsConsent: 'opted_out' },
        { phone: OTHERS[0], smsConsent: 'opted_in' },
        { phone: '+12125550199' },
      ]);
      const consent = createConsentManager({
        store: createMemoryStore(),
        crm: adapter,
        clock: createFixedClock('2026-03-02T14:00:00Z'),
        defaultCountry: 'US',
      });
      const imported = await consent.importFromCrm();
      expect(imported).toMatchObject({ contacts: 1, imported: 1 });
      const status = await consent.getStatus(NUMBER);
      expect(status.status).toBe('opted_out');
      expect(status.cause?.source).toBe('crm');
      expect((await consent.getStatus(OTHERS[0])).status).toBe('unknown');
      expect(await consent.importFromCrm()).toMatchObject({ imported: 0, alreadyOptedOut: 1 });
    },
    ['listContacts'],
  );
}

/**
 * Skips the running test through the runner's context (`context.skip()` in vitest) so the report
 * shows it; a runner without one gets a `CONFIG` failure naming the group to pass in `skip`.
 */
function skipInContext(context: unknown, group: CrmSuiteGroup, needs: readonly string[]): void {
  const reason = `the adapter has no ${needs.join(' or ')}`;
  const skip = (context as { skip?: unknown } | null | undefined)?.skip;
  if (typeof skip === 'function') {
    skip.call(context, reason);
    return;
  }
  throw new ConsentError(
    'CONFIG',
    `runCrmAdapterTests: ${group}: ${reason}; pass skip: ['${group}'] to leave the group out`,
  );
}
