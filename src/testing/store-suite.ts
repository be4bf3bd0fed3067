import { createConsentManager } from '../manager/manager.js';
import type { ConsentStore } from '../store/contract.js';
import { createFixedClock } from './clock.js';
import { auditTests } from './store-suite/audit.js';
import { concurrencyTests } from './store-suite/concurrency.js';
import { confirmationTests } from './store-suite/confirmation.js';
import { idempotencyTests } from './store-suite/idempotency.js';
import { ledgerTests } from './store-suite/ledger.js';
import { orderingTests } from './store-suite/ordering.js';
import { outboxTests } from './store-suite/outbox.js';
import { readTests } from './store-suite/reads.js';
import { reviewTests } from './store-suite/reviews.js';
import { tenantIdTests } from './store-suite/tenant-ids.js';
import { tenantTests } from './store-suite/tenants.js';
import type { GroupKit, StoreSuiteGroup, StoreSuiteOptions, SuiteTestFn } from './store-suite/types.js';

export type {
  StoreInspector,
  StoreSuiteGroup,
  StoreSuiteOptions,
  StoreTamperer,
  SuiteRunner,
} from './store-suite/types.js';

const GROUPS: readonly [StoreSuiteGroup, (kit: GroupKit) => void][] = [
  ['ledger', ledgerTests],
  ['idempotency', idempotencyTests],
  ['ordering', orderingTests],
  ['concurrency', concurrencyTests],
  ['tenants', tenantTests],
  ['tenants', tenantIdTests],
  ['reads', readTests],
  ['confirmation', confirmationTests],
  ['outbox', outboxTests],
  ['audit', auditTests],
  ['reviews', reviewTests],
];

/**
 * The conformance suite of the {@link ConsentStore} contract: registers one test per rule with the
 * runner you pass, so any adapter can prove itself in its own test files. Groups left out with
 * `skip` (and tests that need an `inspect` hook you did not pass) are registered through the
 * runner's `test.skip` when it has one, so the report shows what was not proved.
 *
 * @example
 * import { expect, test } from 'vitest';
 * import { runConsentStoreTests } from 'sms-consent/testing';
 * runConsentStoreTests({ test, expect, createStore: () => createMyStore() });
 */
export function runConsentStoreTests<S extends ConsentStore>(options: StoreSuiteOptions<S>): void {
  const skipped = new Set(options.skip ?? []);
  const writers = options.concurrency ?? 200;
  const skip = (name: string, fn: SuiteTestFn): void => options.test.skip?.(name, fn);

  for (const [name, register] of GROUPS) {
    register({
      expect: options.expect,
      writers,
      define(title, body, needs = {}) {
        const fullTitle = `${name}: ${title}`;
        const run = async (): Promise<void> => {
          const store = await options.createStore();
          const clock = createFixedClock('2026-03-02T14:00:00Z');
          const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
          try {
            await body({
              store,
              consent,
              clock,
              inspector: options.inspect?.(store),
              tamperer: options.tamper?.(store),
            });
          } finally {
            await store.close();
          }
        };
        const unmet =
          (needs.inspector && !options.inspect) ||
          (needs.concurrentTransactions && options.serialTransactions) ||
          (needs.tamper && !options.tamper);
        if (skipped.has(name) || unmet) skip(fullTitle, run);
        else options.test(fullTitle, run);
      },
    });
  }
}
