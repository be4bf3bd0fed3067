/**
 * Streams a keyset-paged read one item at a time, asking for the next page as soon as a page
 * arrives: the database reads page n + 1 while the caller works through page n (verify and
 * checkpoint hash every item), instead of each waiting for the other. `next` gets the last item of
 * the page before (undefined for the first page); a page shorter than `size` is the last.
 */
export async function* readAhead<T>(
  size: number,
  next: (last: T | undefined) => Promise<readonly T[]>,
): AsyncGenerator<T> {
  let pending = next(undefined);
  for (;;) {
    const page = await pending;
    const last = page.at(-1);
    const more = last !== undefined && page.length >= size;
    if (more) {
      pending = next(last);
      // A caller that stops early never awaits it: its failure is nobody's to report.
      pending.catch(() => undefined);
    }
    yield* page;
    if (!more) return;
  }
}
