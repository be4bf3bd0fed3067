import { ValidationError } from '../errors.js';

/** The longest tenant id, in UTF-16 code units. */
export const MAX_TENANT_ID_LENGTH = 200;

/** NUL, or a UTF-16 surrogate without its pair: PostgreSQL text cannot hold either exactly. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters this finds.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why `tenantId` breaks the one tenant-id rule, or undefined when it is a valid id: a string of 1 to
 * {@link MAX_TENANT_ID_LENGTH} UTF-16 code units holding neither NUL nor a lone surrogate.
 */
export function tenantIdProblem(tenantId: unknown): string | undefined {
  if (typeof tenantId !== 'string') return 'must be a string';
  if (tenantId.length === 0) return 'must not be empty';
  if (tenantId.length > MAX_TENANT_ID_LENGTH) return `must be at most ${MAX_TENANT_ID_LENGTH} characters`;
  if (UNSTORABLE.test(tenantId)) return 'must not hold NUL or an unpaired surrogate';
  return undefined;
}

/**
 * The one tenant-id rule of every method and every store (see {@link tenantIdProblem}). Reads and
 * writes apply the same rule, so a bad id fails closed everywhere with the same error.
 *
 * @throws ValidationError (code `INVALID_INPUT`) naming `tenantId`.
 */
export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  const problem = tenantIdProblem(tenantId);
  if (problem !== undefined) {
    throw new ValidationError(`Invalid tenantId: ${problem}`, [{ path: 'tenantId', message: problem }]);
  }
}
