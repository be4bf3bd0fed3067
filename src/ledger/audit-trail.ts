import { z } from 'zod';
import type { AuditResult } from '../consent/audit.js';
import { type AuditKey, type ResolvedAuditKey, resolveAuditKey } from '../consent/audit-key.js';
import type { Checkpoint } from '../consent/checkpoint.js';
import { ValidationError } from '../errors.js';
import { createBackgroundLoop } from '../helpers/background-loop.js';
import { parseOrThrow } from '../helpers/validation.js';
import { takeCheckpoint } from './checkpoints.js';
import type { ConsentContext } from './context.js';
import { verifyTenantLedger } from './verify.js';

/** Options of `consent.verifyAuditTrail`. */
export interface VerifyAuditTrailOptions {
  readonly tenantId?: string;
  /**
   * A checkpoint kept outside the database (from `consent.checkpoint()`, e.g. parsed from its JSON
   * file): the ledger must be a faithful extension of it.
   */
  readonly checkpoint?: Checkpoint;
}

/** Options of `consent.startCheckpoints`. */
export interface PeriodicCheckpointOptions {
  /** Time between checkpoints, in ms (at least one second). */
  readonly intervalMs: number;
  /** The tenants to checkpoint each round (default: every tenant of the store). */
  readonly tenantIds?: readonly string[];
  /** Receives every checkpoint: send it somewhere the database's users cannot rewrite. */
  readonly onCheckpoint: (checkpoint: Checkpoint) => void | Promise<void>;
  /** Receives the errors of a round (default: `console.error`); the loop goes on. */
  readonly onError?: (error: unknown) => void;
}

/** A running periodic checkpoint; `stop()` resolves once the round in progress has finished. */
export interface CheckpointSchedule {
  stop(): Promise<void>;
}

/** The audit operations of the consent manager. */
export interface AuditTrail {
  /**
   * Seals a checkpoint: an RFC 6962 Merkle root over every number's chain head (its length and
   * newest hash) at this moment, signed with the `auditKey` when there is one, and saved with the
   * ledger. Writers are not held up. Keep the returned object (it is plain JSON) outside the database.
   */
  checkpoint(options?: { readonly tenantId?: string }): Promise<Checkpoint>;
  /**
   * Verifies the tenant's audit trail: every number's chain, that status rows equal the fold of
   * their events, the MACs with an `auditKey`, and with `checkpoint` that the ledger extends it.
   */
  verifyAuditTrail(options?: VerifyAuditTrailOptions): Promise<AuditResult>;
  /** Takes a checkpoint of each tenant now and then every `intervalMs`, for long-running apps. */
  startCheckpoints(options: PeriodicCheckpointOptions): CheckpointSchedule;
}

const signatureSchema = z.object({
  alg: z.enum(['Ed25519', 'HMAC-SHA256']),
  keyId: z.string().max(64),
  value: z.string().max(200),
});

const head = z.object({ seq: z.number().int().positive(), hash: z.string().regex(/^[0-9a-f]{64}$/) });

/** A checkpoint as read from outside (a file, a request): its exact shape, nothing else. */
export const checkpointSchema: z.ZodType<Checkpoint> = z
  .object({
    version: z.literal(1),
    id: z.string().min(1).max(100),
    tenantId: z.string().min(1).max(200),
    at: z.iso.datetime(),
    numbers: z.number().int().nonnegative(),
    events: z.number().int().nonnegative(),
    root: z.string().regex(/^[0-9a-f]{64}$/),
    legacy: head.optional(),
    signature: signatureSchema.optional(),
  })
  .strict() as z.ZodType<Checkpoint>;

/**
 * Reads a checkpoint from outside the database.
 *
 * @throws ValidationError when it is not a checkpoint.
 */
export function parseCheckpoint(input: unknown): Checkpoint {
  return parseOrThrow(checkpointSchema, input, { heading: 'Invalid checkpoint' });
}

/** The audit operations on one store, with the manager's key. */
export function createAuditTrail(
  parts: Pick<ConsentContext, 'store' | 'clock' | 'ids' | 'tenantOf'>,
  key: ResolvedAuditKey | undefined,
): AuditTrail {
  const { tenantOf } = parts;
  return {
    // async: a bad tenant id rejects like every other method instead of throwing synchronously.
    checkpoint: async (options) => takeCheckpoint(parts, tenantOf(options), key),
    async verifyAuditTrail(options) {
      const tenantId = tenantOf(options);
      const checkpoint = options?.checkpoint && parseCheckpoint(options.checkpoint);
      if (checkpoint && checkpoint.tenantId !== tenantId) {
        throw new ValidationError(`The checkpoint is of tenant ${checkpoint.tenantId}, not ${tenantId}`, [
          { path: 'checkpoint.tenantId', message: `must be ${tenantId}` },
        ]);
      }
      return verifyTenantLedger(parts.store, tenantId, {
        ...(checkpoint ? { checkpoint } : {}),
        ...(key ? { key } : {}),
      });
    },
    startCheckpoints(options) {
      const intervalMs = Math.max(1000, options.intervalMs);
      const loop = createBackgroundLoop(
        async () => {
          const tenants = options.tenantIds ?? (await parts.store.listTenants());
          for (const tenantId of tenants)
            await options.onCheckpoint(await takeCheckpoint(parts, tenantId, key));
        },
        {
          intervalMs,
          onError: options.onError ?? ((error) => console.error('sms-consent: checkpoint failed', error)),
        },
      );
      loop.start();
      return { stop: () => loop.stop() };
    },
  };
}

/** Prepares the manager's `auditKey` option (undefined without one). */
export function auditKeyOf(key: AuditKey | undefined): ResolvedAuditKey | undefined {
  return key === undefined ? undefined : resolveAuditKey(key);
}
