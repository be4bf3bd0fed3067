import type { Clock, IdGenerator } from '../consent/ids.js';
import type { ApplyOutcome, EventDraft } from '../ledger/write.js';
import type { E164 } from '../phone.js';
import type { ConsentStore } from '../store/contract.js';
import type { CrmResolver } from './adapter.js';
import type { ResolvedCrmSyncOptions } from './options.js';

/** What the CRM sync, reconcile and import need from the manager that runs them. */
export interface CrmContext {
  readonly store: ConsentStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** The CRM of a tenant. */
  readonly crmOf: CrmResolver;
  readonly options: ResolvedCrmSyncOptions;
  /** Normalizes a CRM phone with the manager's default country; null when it is not a number. */
  readonly normalize: (raw: string) => E164 | null;
  /** Writes an event exactly like `record` (used by `importFromCrm`). */
  readonly apply: (draft: EventDraft) => Promise<ApplyOutcome>;
}
