import { ConsentError } from '../errors.js';

const encoder = new TextEncoder();

/**
 * Compares two strings in time that depends only on their lengths (the length of a signature or
 * digest is public). Pure JavaScript, so it runs on every runtime.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index++)
    difference |= (left[index] as number) ^ (right[index] as number);
  return difference === 0;
}

/**
 * One secret or several (all accepted at once while rotating), checked at configuration time: a
 * handler without a usable secret would accept nothing, or worse, so it refuses to start.
 */
export function secretList(
  value: string | readonly string[] | undefined,
  name: string,
  where: string,
): readonly string[] {
  const list = typeof value === 'string' ? [value] : value === undefined ? [] : [...value];
  if (list.length === 0 || list.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new ConsentError(
      'CONFIG',
      `${where}: ${name} is required (a non-empty string, or a list of them while rotating)`,
    );
  }
  return list;
}
