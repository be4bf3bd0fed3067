import { performance } from 'node:perf_hooks';

/** One measured run: `ops` operations in `seconds`. */
export interface Measurement {
  readonly name: string;
  readonly ops: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/** What a benchmark file hands back to `bench/run.ts`. */
export interface BenchReport {
  readonly title: string;
  readonly rows: readonly Measurement[];
  /** Lines such as "ratio reasonable/naive: 0.62 (target >= 0.5)". */
  readonly notes: readonly string[];
}

/** A benchmark file's default export. */
export type Bench = () => Promise<BenchReport>;

/** Runs `fn` once for warm-up, then `rounds` times, and keeps the fastest round (least disturbed). */
export async function measure(
  name: string,
  ops: number,
  fn: () => unknown | Promise<unknown>,
  rounds = 3,
): Promise<Measurement> {
  await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return { name, ops, seconds: best, perSecond: ops / best };
}

/** `a / b` as text with two decimals, for the notes. */
export function ratio(a: Measurement, b: Measurement): string {
  return (a.perSecond / b.perSecond).toFixed(2);
}

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Formats a count per second for people: 1234567 → "1,234,567". */
export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}
