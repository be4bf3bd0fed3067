/** The keys of `T` whose value may be `undefined`. */
type MaybeUndefinedKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/**
 * `T` with every property that may be `undefined` made optional instead, as
 * `exactOptionalPropertyTypes` wants it (`{ a?: string }` may lack `a` but not hold `a: undefined`).
 */
export type OmitUndefined<T> = {
  [K in Exclude<keyof T, MaybeUndefinedKeys<T>>]: T[K];
} & {
  [K in MaybeUndefinedKeys<T>]?: Exclude<T[K], undefined>;
};

/**
 * The same fields without those that are `undefined`, so an object literal can name optional data
 * directly (`omitUndefined({ cursor, since })`) instead of `...(cursor === undefined ? {} : { cursor })`
 * for each field. `null`, `0`, `''` and `false` are kept: only `undefined` means "not given".
 */
export function omitUndefined<const T extends object>(fields: T): OmitUndefined<T> {
  const kept: Record<string, unknown> = {};
  // for…in over an object literal sees only its own keys, and skips the array Object.keys builds.
  for (const key in fields) {
    const value = (fields as Record<string, unknown>)[key];
    if (value !== undefined) kept[key] = value;
  }
  return kept as OmitUndefined<T>;
}
