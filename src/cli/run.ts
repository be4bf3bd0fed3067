import packageJson from '../../package.json' with { type: 'json' };
import { ConsentError } from '../errors.js';
import {
  GLOBAL_OPTIONS,
  type OptionValues,
  parseCommandArgs,
  parseGlobalOptions,
  splitCommand,
  UsageError,
} from './args.js';
import type { CommandContext } from './command.js';
import { COMMANDS } from './commands/index.js';
import { commandHelp, mainHelp } from './help.js';
import { InterruptedError, listenForInterrupt } from './interrupt.js';
import { createOutput, type OutputStream, oneLine } from './output.js';
import { createProgress, type Progress, progressMode } from './progress.js';
import { type CliStore, openStore } from './store.js';
import { didYouMean } from './suggest.js';

/** What a run reads and writes: the process's streams and environment, or fakes. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: NodeJS.ProcessEnv;
}

const BY_NAME = new Map(COMMANDS.map((command) => [command.name, command]));

/**
 * Runs the CLI on `argv` (the arguments after the program name) and resolves to the exit code:
 * 0 success, 1 failure, 2 usage error, 130 interrupted. Errors are reported as one line on stderr
 * (with the stack under `--debug`, and as a JSON document on stdout under `--json`).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = { json: argv.includes('--json'), debug: argv.includes('--debug') };
  const controller = new AbortController();
  let store: CliStore | undefined;
  let stopListening = () => {};
  const progresses: Progress[] = [];
  try {
    const { command: name, rest } = splitCommand(argv);
    if (name === undefined || name === 'help') return topLevel(name, rest, io);
    const command = BY_NAME.get(name);
    if (!command) throw unknownCommand(name);
    const { values, positionals } = parseCommandArgs(name, rest, command.options);
    if (values.help || values.version) {
      io.stdout.write(`${values.help ? commandHelp(command) : packageJson.version}\n`);
      return 0;
    }
    const globals = parseGlobalOptions(pick(values, true), io.env);
    const out = createOutput({
      json: globals.json,
      quiet: globals.quiet,
      stdout: io.stdout,
      stderr: io.stderr,
    });
    if (command.interruptible) stopListening = listenForInterrupt(controller, io.stderr);
    const interval = Number(io.env.SMS_CONSENT_PROGRESS_INTERVAL_MS);
    const context: CommandContext = {
      globals,
      values: pick(values, false),
      positionals,
      out,
      env: io.env,
      signal: controller.signal,
      async openStore(options) {
        store ??= await openStore(globals, options);
        return store;
      },
      progress(label, options) {
        const progress = createProgress({
          label,
          stream: io.stderr,
          mode: progressMode(io.stderr, globals.quiet || options?.show === false, globals.progress),
          ...(Number.isFinite(interval) && interval >= 0 ? { intervalMs: interval } : {}),
        });
        progresses.push(progress);
        return progress;
      },
    };
    return (await command.run(context)) ?? 0;
  } catch (error) {
    // A bar still on the screen ends before the error line.
    for (const progress of progresses) progress.clear();
    const interrupted = controller.signal.aborted && !(error instanceof InterruptedError);
    return report(interrupted ? new InterruptedError() : error, flags, io);
  } finally {
    stopListening();
    if (store) await store.close().catch(() => {});
  }
}

function topLevel(name: string | undefined, rest: readonly string[], io: CliIo): number {
  const topic = name === 'help' ? rest.find((arg) => !arg.startsWith('-')) : undefined;
  if (topic !== undefined) {
    const command = BY_NAME.get(topic);
    if (!command) throw unknownCommand(topic);
    io.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  if (rest.includes('--version') || rest.includes('-v')) {
    io.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  const help = `${mainHelp(COMMANDS, packageJson.version)}\n`;
  if (name === 'help' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(help);
    return 0;
  }
  io.stderr.write(help);
  return 2;
}

function unknownCommand(name: string): UsageError {
  const hint = didYouMean(name, BY_NAME.keys(), (known) => JSON.stringify(known));
  return new UsageError(`unknown command ${JSON.stringify(name)}${hint}`);
}

/** The global option values (`global: true`) or the command's own. */
function pick(values: OptionValues, global: boolean): OptionValues {
  return Object.fromEntries(Object.entries(values).filter(([key]) => key in GLOBAL_OPTIONS === global));
}

function report(error: unknown, flags: { json: boolean; debug: boolean }, io: CliIo): number {
  const { code, exitCode, message } = describeError(error);
  io.stderr.write(`sms-consent: ${message}\n`);
  if (flags.debug) io.stderr.write(`${stackOf(error)}\n`);
  if (flags.json) io.stdout.write(`${JSON.stringify({ error: { code, message, exitCode } }, null, 2)}\n`);
  return exitCode;
}

function describeError(error: unknown): { code: string; exitCode: number; message: string } {
  if (error instanceof UsageError) {
    const help = error.command ? `sms-consent ${error.command} --help` : 'sms-consent --help';
    return { code: 'USAGE', exitCode: 2, message: `${oneLine(error.message)} (see "${help}")` };
  }
  if (error instanceof InterruptedError) {
    return { code: 'INTERRUPTED', exitCode: 130, message: oneLine(error.message) };
  }
  if (error instanceof ConsentError)
    return { code: error.code, exitCode: 1, message: oneLine(error.message) };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'FAILURE', exitCode: 1, message: oneLine(message) };
}

function stackOf(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 5) return String(error);
  const own = error.stack ?? `${error.name}: ${error.message}`;
  return error.cause === undefined ? own : `${own}\nCaused by: ${stackOf(error.cause, depth + 1)}`;
}
