import type { GlobalOptions, OptionSpec, OptionValues } from './args.js';
import type { Output } from './output.js';
import type { Progress } from './progress.js';
import type { CliStore, OpenStoreOptions } from './store.js';

/** What a command receives. */
export interface CommandContext {
  readonly globals: GlobalOptions;
  /** The command's own option values (validate them with zod). */
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  readonly out: Output;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Opens the store once per run (the runner closes it). `prepare: false` skips the migration of the
   * embedded store and the schema check of a server; `create: true` makes a missing embedded store.
   */
  openStore(options?: OpenStoreOptions): Promise<CliStore>;
  /**
   * The progress display of a long operation (a bar on a terminal, lines otherwise); `show: false`
   * turns it off, e.g. while the result itself goes to the terminal.
   */
  progress(label: string, options?: { readonly show: boolean }): Progress;
  /** Aborted by the first Ctrl-C for commands that can stop cleanly (`interruptible`). */
  readonly signal: AbortSignal;
}

/** One CLI command. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Arguments after the command word, e.g. `<phone…>`. */
  readonly usage: string;
  /** What the command does and its options, for `sms-consent <command> --help`. */
  readonly help: string;
  readonly options: OptionSpec;
  /** Ctrl-C asks the command to stop cleanly (through `signal`) instead of killing it. */
  readonly interruptible?: boolean;
  /** Runs the command; resolves to the exit code (default 0). */
  run(context: CommandContext): Promise<number | undefined>;
}
