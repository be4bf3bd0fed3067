import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { exportRows } from '../../consent/export.js';
import { omitUndefined } from '../../helpers/omit-undefined.js';
import { dateOption, UsageError, validate } from '../args.js';
import { optOutsAsOf } from '../as-of.js';
import type { Command } from '../command.js';
import { countEvents, countOptOuts } from '../counts.js';
import { assertOutputTarget, moveIntoPlace } from '../out-file.js';
import { formatCount, type OutputStream } from '../output.js';
import { createCliManager } from '../store.js';

const optionsSchema = z.object({
  format: z.enum(['csv', 'jsonl']).default('csv'),
  out: z.string().min(1, 'must not be empty').optional(),
  mkdir: z.boolean().default(false),
  'as-of': dateOption.optional(),
  'raw-formulas': z.boolean().default(false),
});

/** `export`: the opt-out list for compliance, now or as of a past instant. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'Export the opt-out list (CSV or JSON lines), now or as of a date',
  usage: '[--format csv|jsonl] [--out <file> [--mkdir]] [--as-of <date>] [--raw-formulas]',
  help: `Writes every opted-out number of the tenant with when, how and by which message it opted out.
Columns: phone, opted_out_at, source, keyword, message_id, body, event_id. CSV follows RFC 4180
(header, CRLF line ends, any field with a CR or LF quoted) and prefixes with ' a field a
spreadsheet would run as a formula (= + - @ tab CR first); JSON lines have one object per number.

Options:
  --format csv|jsonl   default csv
  --out <file>         write to a file (written whole, then moved into place) instead of stdout;
                       its folder must exist; a new file or a regular one, never a device,
                       symlink or directory
  --mkdir              with --out, create the file's folder when it does not exist
  --as-of <date>       the list as it stood at that instant (ISO 8601, UTC unless a zone is
                       given; a date alone is 00:00 UTC): every number's events that occurred
                       at or before it, folded by the same rules as the live status
  --raw-formulas       CSV: write fields starting with = + - @ tab or CR unchanged (for tools
                       that read the file as data only, never a spreadsheet)

Without --out the export itself is stdout (progress and the summary go to stderr); with --out the
summary is printed on stdout (as JSON with --json).`,
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    mkdir: { type: 'boolean' },
    'as-of': { type: 'string' },
    'raw-formulas': { type: 'boolean' },
  },
  async run({ globals, values, positionals, out, openStore, progress }) {
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'export');
    const options = validate(optionsSchema, values, 'export');
    const asOf = options['as-of'];
    if (options.mkdir && options.out === undefined) throw new UsageError('--mkdir goes with --out', 'export');
    const target = options.out === undefined ? undefined : resolve(options.out);
    if (target !== undefined) await prepareFolder(dirname(target), options.mkdir);
    if (target !== undefined) await assertOutputTarget(target);
    const formulas = options['raw-formulas'] ? 'raw' : 'neutralize';
    const cli = await openStore();
    const consent = createCliManager(cli, globals);
    // Progress would be mixed into the export itself when both go to the terminal.
    const bar = progress('export', { show: options.out !== undefined || !out.stdout.isTTY });
    const tenantId = globals.tenant;

    let lines: AsyncIterable<string>;
    let total: number | undefined;
    if (asOf === undefined) {
      total = await countOptOuts(cli, tenantId);
      lines = consent.exportOptOuts({ tenantId, format: options.format, formulas });
    } else {
      const events = await countEvents(cli, tenantId);
      const report = (done: number) =>
        bar.update(omitUndefined({ phase: 'reading ledger', done, noun: 'events', total: events }));
      report(0);
      lines = exportRows(optOutsAsOf(cli.store, tenantId, asOf, report), options.format, formulas);
    }

    const sink = target === undefined ? streamSink(out.stdout) : fileSink(target);
    let rows = 0;
    try {
      let header = options.format === 'csv';
      for await (const line of lines) {
        if (header) header = false;
        else bar.update(omitUndefined({ phase: 'writing', done: ++rows, noun: 'numbers', total }));
        await sink.write(line);
      }
      await sink.close();
    } catch (error) {
      await sink.abort();
      throw error;
    }
    const summary = omitUndefined({
      tenantId,
      format: options.format,
      rows,
      out: target,
      asOf: asOf?.toISOString(),
    });
    const text = `${formatCount(rows)} opted-out number${rows === 1 ? '' : 's'}${asOf ? ` as of ${asOf.toISOString()}` : ''}${target ? ` written to ${target}` : ''}`;
    if (target !== undefined) {
      bar.finish(`done: ${text}`);
      out.result(summary, `Exported ${text}.`);
    } else {
      // The export itself is stdout: the summary is a note on stderr, shown whether or not it is a terminal.
      bar.clear();
      out.note(`export: done: ${text}`);
    }
    return 0;
  },
};

/** The folder of `--out` must be there before the store is opened; `--mkdir` creates it. */
async function prepareFolder(folder: string, create: boolean): Promise<void> {
  const info = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (info?.isDirectory()) return;
  if (info) throw new UsageError(`--out: ${folder} is not a folder`, 'export');
  if (!create) {
    throw new UsageError(`--out: the folder ${folder} does not exist (pass --mkdir to create it)`, 'export');
  }
  await mkdir(folder, { recursive: true });
}

/** Where the export goes: written in order, with back-pressure. */
interface Sink {
  write(text: string): Promise<void>;
  /** Completes the output (a file is moved into place). */
  close(): Promise<void>;
  /** Drops an unfinished output (a partial file is removed). */
  abort(): Promise<void>;
}

function streamSink(stream: OutputStream): Sink {
  return {
    async write(text) {
      if (stream.write(text) === false && stream.once) {
        await new Promise<void>((done) => stream.once?.('drain', done));
      }
    },
    async close() {},
    async abort() {},
  };
}

/**
 * Writes `<target>.partial-<pid>` and moves it to `target` once complete, so no half file is left
 * under the name; only a new name or a regular file is written (see {@link moveIntoPlace}).
 */
function fileSink(target: string): Sink {
  const partial = `${target}.partial-${process.pid}`;
  const file = createWriteStream(partial, { flags: 'wx' });
  const failed = new Promise<never>((_, fail) => file.once('error', fail));
  failed.catch(() => {});
  return {
    async write(text) {
      if (!file.write(text)) await Promise.race([once(file, 'drain'), failed]);
    },
    async close() {
      await Promise.race([new Promise<void>((done) => file.end(done)), failed]);
      await moveIntoPlace(partial, target);
    },
    async abort() {
      file.destroy();
      await rm(partial, { force: true });
    },
  };
}
