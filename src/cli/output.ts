/** A stream the CLI writes to: `process.stdout` and `process.stderr`, or fakes in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  /** Present on real streams: `write` returned false, wait for `drain`. */
  once?(event: 'drain', listener: () => void): unknown;
}

/** How a command reports: one result on stdout (text or one JSON document), notes on stderr. */
export interface Output {
  /** `--json`: results are JSON documents. */
  readonly json: boolean;
  /** `--quiet`: no notes and no progress. */
  readonly quiet: boolean;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Prints the command's result: `value` as one JSON document under `--json`, else `text`. */
  result(value: unknown, text: string | readonly string[]): void;
  /** A line for the person at the terminal (stderr), unless `--quiet`. */
  note(text: string): void;
}

/** Creates the {@link Output} of one run. */
export function createOutput(options: {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}): Output {
  const { stdout, stderr } = options;
  return {
    json: options.json,
    quiet: options.quiet,
    stdout,
    stderr,
    result(value, text) {
      if (options.json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else stdout.write(`${typeof text === 'string' ? text : text.join('\n')}\n`);
    },
    note(text) {
      if (!options.quiet) stderr.write(`${text}\n`);
    },
  };
}

/**
 * Lays rows out in columns separated by two spaces; the first row is the header. Trailing spaces of
 * the last column are trimmed.
 */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, [...cell].length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) => cell + ' '.repeat((widths[index] ?? 0) - [...cell].length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `1234567` → `1,234,567`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Makes any message fit the one error line: whitespace runs, newlines included, become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
