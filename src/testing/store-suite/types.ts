import type { NumberHead } from '../../consent/merkle.js';
import type { ConsentEvent, ConsentStatusValue } from '../../consent/types.js';
import type { createConsentManager } from '../../manager/manager.js';
import type { E164 } from '../../phone.js';
import type { ConsentStore, NumberState, OutboxJob } from '../../store/contract.js';
import type { FixedClock } from '../clock.js';

/** A test body as the suite registers it. */
export type SuiteTestFn = () => Promise<void>;

/** The parts of a test runner the suite needs (vitest, jest, node:test with an expect library). */
export interface SuiteRunner {
  /**
   * Registers a test; the suite's titles start with the group name. When it has a `skip` method
   * (vitest, jest, node:test do), groups left out and tests with nothing to check are registered
   * through it, so the report shows them as skipped instead of leaving them out.
   */
  readonly test: ((name: string, fn: SuiteTestFn) => void) & {
    readonly skip?: (name: string, fn: SuiteTestFn) => void;
  };
  /** Jest/vitest-style `expect`. */
  // biome-ignore lint/suspicious/noExplicitAny: the suite works with any expect implementation
  readonly expect: (actual: unknown) => any;
}

/** Raw reads of what an adapter wrote, bypassing its own getters (raw SQL for a database). */
export interface StoreInspector {
  /** Every event of the tenant in ledger order: a migrated tenant chain by seq, then by phone and seq. */
  events(tenantId: string): Promise<ConsentEvent[]>;
  /** The status row of one number, or null. */
  status(
    tenantId: string,
    phone: E164,
  ): Promise<{ status: ConsentStatusValue; causeEventId?: string } | null>;
  /** How many idempotency keys the tenant holds. */
  keyCount(tenantId: string): Promise<number>;
  /** Every outbox job. */
  jobs(): Promise<OutboxJob[]>;
  /** The tenant's reviews as stored (id, key, state, decision), any order; optional. */
  reviews?(
    tenantId: string,
  ): Promise<{ id: string; key: string; state: 'open' | 'resolved'; decision?: string }[]>;
}

/**
 * Raw writes past the adapter, as someone with the app's own database access (not the audit key)
 * could make them: the `audit` group tampers through it and proves `verifyAuditTrail` names each
 * change. For a database, plain SQL as the app's role (a table owner may disable the append-only
 * trigger for the event edits).
 */
export interface StoreTamperer {
  /** Writes a number's status row as given (insert or overwrite), its chain head included. */
  writeStatusRow(tenantId: string, row: NumberState): Promise<void>;
  /** Deletes a number's status row. */
  deleteStatusRow(tenantId: string, phone: E164): Promise<void>;
  /** Inserts an event row exactly as given. */
  insertEvent(event: ConsentEvent): Promise<void>;
  /** Overwrites the stored row of event `eventId` with `event` (every field, `seq` and id too). */
  updateEvent(tenantId: string, eventId: string, event: ConsentEvent): Promise<void>;
  /** Deletes an event row. */
  deleteEvent(tenantId: string, eventId: string): Promise<void>;
  /** Overwrites one number's head in a checkpoint's stored snapshot. */
  updateSnapshotHead(tenantId: string, checkpointId: string, head: NumberHead): Promise<void>;
}

/** The groups of `runConsentStoreTests`; each can be switched off. */
export type StoreSuiteGroup =
  | 'ledger'
  | 'idempotency'
  | 'ordering'
  | 'concurrency'
  | 'tenants'
  | 'reads'
  | 'confirmation'
  | 'outbox'
  | 'audit'
  | 'reviews';

/** Options of `runConsentStoreTests`. */
export interface StoreSuiteOptions<S extends ConsentStore> extends SuiteRunner {
  /** A fresh, empty store for every test. The suite closes it at the end of the test. */
  readonly createStore: () => S | Promise<S>;
  /** Independent reads of the store's data; strongly recommended. */
  readonly inspect?: (store: S) => StoreInspector;
  /** Raw writes past the adapter, for the `audit` group's tampering tests. */
  readonly tamper?: (store: S) => StoreTamperer;
  /** Groups to leave out. */
  readonly skip?: readonly StoreSuiteGroup[];
  /** Writers in the concurrency group (default 200). */
  readonly concurrency?: number;
  /**
   * The store runs one transaction at a time by design (one embedded connection, as PGlite): tests
   * that hold two open at once are skipped.
   */
  readonly serialTransactions?: boolean;
}

/** What each test of the suite receives: a fresh store and a manager on it. */
export interface SuiteContext {
  readonly store: ConsentStore;
  readonly consent: ReturnType<typeof createConsentManager>;
  readonly clock: FixedClock;
  /** Present when the caller passed `inspect`. */
  readonly inspector: StoreInspector | undefined;
  /** Present when the caller passed `tamper`. */
  readonly tamperer: StoreTamperer | undefined;
}

/** What a test needs beyond the store; without it the test is registered as skipped. */
export interface TestNeeds {
  /** The test only checks through the inspector. */
  readonly inspector?: boolean;
  /** The test holds two transactions open at once (skipped with `serialTransactions`). */
  readonly concurrentTransactions?: boolean;
  /** The test tampers with the stored data (skipped without `inspect(...).tamper`). */
  readonly tamper?: boolean;
}

/** Registers one test of a group. */
export type DefineTest = (
  title: string,
  body: (context: SuiteContext) => Promise<void>,
  needs?: TestNeeds,
) => void;

/** What every group's file receives. */
export interface GroupKit {
  readonly define: DefineTest;
  readonly expect: SuiteRunner['expect'];
  /** Writers in the concurrency group. */
  readonly writers: number;
}
