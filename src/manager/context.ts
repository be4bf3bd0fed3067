import { createClassifier } from '../classify/index.js';
import { createIdGenerator, systemClock } from '../consent/ids.js';
import { ConsentError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { DEFAULT_TENANT } from '../helpers/tenant.js';
import { assertTenantId } from '../helpers/tenant-id.js';
import { createReplyClaims, resolveReplies } from '../ledger/confirmation.js';
import type { ConsentContext } from '../ledger/context.js';
import { createBatchWriter, createWriter, type JobsFor, type WriteOutcome } from '../ledger/write.js';
import { isCountryCode, normalizePhone, tryNormalizePhone } from '../phone.js';
import type { ConsentManagerOptions } from './types.js';

/** What the context's writer adds to every write, decided by the manager before it builds the context. */
export interface WriteHooks {
  readonly jobsFor: JobsFor | undefined;
  readonly mac: ((hash: string) => string) | undefined;
  readonly onWritten: (outcome: WriteOutcome) => void;
}

/**
 * The composition root's one context: the store, clock, ids, classifier, normalization, tenant rule,
 * replies, the held reply claims and the writer, each built once from the manager's options.
 */
export function createContext(options: ConsentManagerOptions, hooks: WriteHooks): ConsentContext {
  const { store } = options;
  if (options.defaultCountry !== undefined && !isCountryCode(options.defaultCountry)) {
    throw new ConsentError(
      'CONFIG',
      `defaultCountry ${JSON.stringify(options.defaultCountry)} is not an ISO 3166-1 alpha-2 country code libphonenumber knows (e.g. 'US', 'GB')`,
    );
  }
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? createIdGenerator(clock);
  const replies = resolveReplies(options.replies);
  const normalizeOptions = omitUndefined({ defaultCountry: options.defaultCountry });
  const claims = createReplyClaims(clock);
  const writer = {
    store,
    ids,
    clock,
    confirmation: replies.optOutConfirmation,
    ...hooks,
    onWritten: (outcome: WriteOutcome) => {
      claims.written(outcome);
      hooks.onWritten(outcome);
    },
  };
  return {
    store,
    clock,
    ids,
    classify: createClassifier(
      omitUndefined({ policy: options.policy, languages: options.languages, keywords: options.keywords }),
    ),
    normalizeOptions,
    normalize: (raw) => normalizePhone(raw, normalizeOptions),
    tryNormalize: (raw) => tryNormalizePhone(raw, normalizeOptions),
    tenantOf(value) {
      const tenantId = value?.tenantId ?? DEFAULT_TENANT;
      assertTenantId(tenantId);
      return tenantId;
    },
    replies,
    claims,
    write: createWriter(writer),
    writeMany: createBatchWriter(writer),
  };
}
