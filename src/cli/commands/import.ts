import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { z } from 'zod';
import { ConsentError } from '../../errors.js';
import { omitUndefined } from '../../helpers/omit-undefined.js';
import type { BackfillResult, HistoryMessage, HistorySource } from '../../ledger/backfill.js';
import { readTwilioBulkExport, twilioMessageHistory } from '../../twilio/index.js';
import { dateOption, UsageError, validate } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { activeCampaignFromEnv } from '../crm.js';
import { InterruptedError } from '../interrupt.js';
import { formatCount } from '../output.js';
import type { Progress } from '../progress.js';
import { createCliManager, loadPeer } from '../store.js';

const optionsSchema = z.object({
  twilio: z.boolean().default(false),
  since: dateOption.optional(),
  'batch-size': z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((value) => value >= 1 && value <= 100_000, 'must be between 1 and 100,000')
    .default(500),
});

const TWILIO_ENV = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'] as const;

const twilioEnvSchema = z.object({
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID (AC followed by 32 hex digits)'),
  TWILIO_AUTH_TOKEN: z.string().min(1, 'must not be empty'),
});

/** `import <files…>` or `import --twilio`: replays message history into the ledger. */
export const importCommand: Command = {
  name: 'import',
  summary: 'Import message history (Twilio Bulk Export files, or --twilio)',
  usage: '<files…> | --twilio [--since <date>]',
  help: `Replays message history through the same rules as live handling: every inbound text is
classified (STOP, plain-language revocations, START…) and outbound messages refused with Twilio error
21610 count as opt-outs. Events are written in time order and keyed by message id, so messages
already handled live, or imported before, are skipped: running an import again, after an
interruption or with more files, ends in the same state as one complete run.

Files are Twilio Bulk Export day files (JSON lines, gzip or plain).

Options:
  --twilio          read the Messages API instead of files, with TWILIO_ACCOUNT_SID and
                    TWILIO_AUTH_TOKEN (needs the "twilio" package; the API reaches 400 days back)
  --since <date>    with --twilio, only messages sent on or after this date
  --batch-size <n>  events written between progress reports and stopping points (default 500)

Ctrl-C stops after the current batch; run the same command again to finish.`,
  options: { twilio: { type: 'boolean' }, since: { type: 'string' }, 'batch-size': { type: 'string' } },
  interruptible: true,
  async run(context) {
    const { globals, values, positionals, out, env, signal } = context;
    const options = validate(optionsSchema, values, 'import');
    if (options.twilio && positionals.length > 0) {
      throw new UsageError('import reads files or --twilio, not both', 'import');
    }
    if (!options.twilio && positionals.length === 0) {
      throw new UsageError('import needs Bulk Export files, or --twilio', 'import');
    }
    if (!options.twilio && options.since) throw new UsageError('--since goes with --twilio', 'import');
    const crm = activeCampaignFromEnv(env, { required: false, command: 'import', country: globals.country });
    const bar = context.progress('import');
    const source = options.twilio
      ? await twilioSource(context, bar, options.since)
      : await fileSource(positionals, bar, signal);
    const consent = createCliManager(await context.openStore(), globals, crm);
    let result: BackfillResult;
    try {
      result = await consent.backfill(source, {
        tenantId: globals.tenant,
        batchSize: options['batch-size'],
        signal,
        async onProgress(progress) {
          if (progress.phase !== 'apply') return;
          bar.update({ phase: 'writing', done: progress.applied, total: progress.events, noun: 'events' });
          // PGlite answers without real I/O, so the event loop would not see Ctrl-C until the end.
          await setImmediate();
        },
      });
    } catch (error) {
      if (signal.aborted) {
        throw new InterruptedError(
          'import interrupted: what was written is kept; run the same command again to finish (it skips what is already recorded)',
        );
      }
      throw error;
    }
    bar.finish(
      `done: ${formatCount(result.read)} messages read, ${formatCount(result.recorded)} events recorded`,
    );
    const sourceName = options.twilio
      ? 'Twilio Messages API'
      : `${positionals.length} file${positionals.length === 1 ? '' : 's'}`;
    out.result(
      {
        tenantId: globals.tenant,
        source: options.twilio ? 'twilio' : 'files',
        files: options.twilio ? [] : positionals,
        ...result,
      },
      summary(sourceName, result),
    );
    return 0;
  },
};

function summary(sourceName: string, result: BackfillResult): string[] {
  const n = formatCount;
  return [
    `Imported ${sourceName}: ${n(result.read)} messages (${n(result.inbound)} inbound, ${n(result.outbound)} outbound).`,
    `  inbound: ${n(result.intents.opt_out)} opt-out, ${n(result.intents.opt_in)} opt-in, ${n(result.intents.help)} help, ${n(result.intents.none)} other (${n(result.needsReview)} to review, ${n(result.reviewsQueued)} newly queued: see "sms-consent review")`,
    `  delivery errors 21610: ${n(result.deliveryErrors)}`,
    `  ledger: ${n(result.recorded)} events recorded, ${n(result.duplicates)} already there; ${n(result.changed)} status changes`,
    `  skipped: ${n(result.invalidPhones)} invalid numbers, ${n(result.invalidRecords)} without a date`,
  ];
}

async function fileSource(
  files: readonly string[],
  bar: Progress,
  signal: AbortSignal,
): Promise<HistorySource> {
  let total = 0;
  for (const file of files) {
    const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
      throw new ConsentError(
        'INVALID_INPUT',
        `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
      );
    });
    if (!info.isFile()) throw new ConsentError('INVALID_INPUT', `${file} is not a file`);
    total += info.size;
  }
  let read = 0;
  const report = () => bar.update({ phase: 'reading', done: read, total, unit: 'bytes' });
  async function* bytesOf(file: string): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(file)) {
      if (signal.aborted) throw new InterruptedError();
      read += (chunk as Buffer).length;
      report();
      yield chunk as Buffer;
    }
  }
  async function* messages(): AsyncGenerator<HistoryMessage> {
    report();
    for (const file of files) yield* readTwilioBulkExport(bytesOf(file), { name: file });
  }
  return messages();
}

async function twilioSource(
  context: CommandContext,
  bar: Progress,
  since: Date | undefined,
): Promise<HistorySource> {
  const missing = TWILIO_ENV.filter((name) => !context.env[name]);
  if (missing.length > 0) {
    throw new UsageError(
      `import --twilio needs ${TWILIO_ENV.join(' and ')}; missing: ${missing.join(', ')}`,
      'import',
    );
  }
  const credentials = validate(
    twilioEnvSchema,
    { TWILIO_ACCOUNT_SID: context.env.TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: context.env.TWILIO_AUTH_TOKEN },
    'import',
    (name) => name,
  );
  const { default: twilio } = await loadPeer('twilio', () => import('twilio'));
  const client = twilio(credentials.TWILIO_ACCOUNT_SID, credentials.TWILIO_AUTH_TOKEN);
  const history = twilioMessageHistory(client, omitUndefined({ since }));
  async function* counted(): AsyncGenerator<HistoryMessage> {
    let read = 0;
    bar.update({ phase: 'reading Twilio', done: 0, noun: 'messages' });
    for await (const message of history) {
      if (context.signal.aborted) throw new InterruptedError();
      bar.update({ phase: 'reading Twilio', done: ++read, noun: 'messages' });
      yield message;
    }
  }
  return counted();
}
