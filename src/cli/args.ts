import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { parseIsoDate } from '../helpers/time.js';
import type { CountryCode } from '../phone.js';
import { didYouMean } from './suggest.js';

/** Option definitions as `node:util` `parseArgs` takes them. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed option values, before validation. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * A mistake in how the CLI was invoked (unknown command or option, missing or malformed argument,
 * missing configuration). The CLI prints its message and exits with code 2.
 */
export class UsageError extends Error {
  /** The command whose help explains the right usage, if any. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
  schema: { type: 'string' },
  tenant: { type: 'string' },
  country: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  progress: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies OptionSpec;

/** Where the embedded store lives when no PostgreSQL URL is given. */
export const DEFAULT_DATA_DIR = './.sms-consent';

/** The validated global options. */
export interface GlobalOptions {
  /** PostgreSQL URL (flag or `DATABASE_URL`); absent means the embedded PGlite store. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** Whether `--data-dir` was passed (else `dataDir` is the default). */
  readonly dataDirGiven: boolean;
  readonly schema?: string;
  readonly tenant: string;
  readonly country: CountryCode;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Progress lines on stderr even when it is not a terminal (logs). */
  readonly progress: boolean;
  readonly debug: boolean;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const globalSchema = z.object({
  'database-url': z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  'data-dir': z.string().min(1, 'must not be empty').optional(),
  schema: z
    .string()
    .regex(SCHEMA_NAME, 'use lower-case letters, digits and _ (at most 63, not starting with a digit)')
    .refine((name) => !name.startsWith('pg_'), 'must not start with pg_')
    .optional(),
  tenant: z.string().min(1, 'must not be empty').max(200, 'at most 200 characters').default('default'),
  country: z
    .string()
    .transform((code) => code.toUpperCase())
    .refine((code) => isSupportedCountry(code), 'not an ISO 3166-1 alpha-2 country code libphonenumber knows')
    .default('US'),
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
  progress: z.boolean().default(false),
  debug: z.boolean().default(false),
});

/**
 * Validates the global options. The PostgreSQL URL comes from `--database-url`, else from
 * `DATABASE_URL` unless `--data-dir` asks for the embedded store explicitly.
 */
export function parseGlobalOptions(values: OptionValues, env: NodeJS.ProcessEnv): GlobalOptions {
  const parsed = validate(globalSchema, values);
  if (parsed['database-url'] !== undefined && parsed['data-dir'] !== undefined) {
    throw new UsageError('--database-url and --data-dir choose different stores: pass one of them');
  }
  const fromEnv = parsed['data-dir'] === undefined && env.DATABASE_URL ? env.DATABASE_URL : undefined;
  const databaseUrl = parsed['database-url'] ?? fromEnv;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UsageError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return omitUndefined({
    databaseUrl,
    dataDir: parsed['data-dir'] ?? DEFAULT_DATA_DIR,
    dataDirGiven: parsed['data-dir'] !== undefined,
    schema: parsed.schema,
    tenant: parsed.tenant,
    country: parsed.country as CountryCode,
    json: parsed.json,
    quiet: parsed.quiet,
    progress: parsed.progress,
    debug: parsed.debug,
  });
}

/** The command word and the rest of the arguments. */
export interface SplitArgs {
  readonly command: string | undefined;
  readonly rest: readonly string[];
}

/**
 * Finds the command: the first positional argument, wherever the global options are. Global options
 * that take a value are known here, so `--tenant acme status …` finds `status`.
 */
export function splitCommand(argv: readonly string[]): SplitArgs {
  const { tokens } = parseArgs({
    args: [...argv],
    options: GLOBAL_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((token) => token.kind === 'positional');
  if (!first) return { command: undefined, rest: argv };
  return { command: first.value, rest: argv.filter((_, index) => index !== first.index) };
}

/**
 * Parses a command's arguments strictly against the global and the command's own options. Mistakes
 * read like validation errors, `--name: problem`, with the closest known option for a typo.
 */
export function parseCommandArgs(
  command: string,
  args: readonly string[],
  options: OptionSpec,
): { values: OptionValues; positionals: string[] } {
  const all: OptionSpec = { ...GLOBAL_OPTIONS, ...options };
  const { tokens } = parseArgs({
    args: [...args],
    options: all,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = all[token.name];
    const shown = token.rawName.startsWith('--') ? `--${token.name}` : token.rawName;
    if (!spec) {
      const hint = didYouMean(token.name, Object.keys(all), (name) => `--${name}`);
      throw new UsageError(`${shown}: unknown option${hint}`, command);
    }
    if (
      spec.type === 'string' &&
      (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))
    ) {
      throw new UsageError(
        `${shown}: needs a value (write ${shown}=-… for one that starts with a dash)`,
        command,
      );
    }
    if (spec.type === 'boolean' && token.inlineValue) {
      throw new UsageError(`${shown}: takes no value`, command);
    }
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: all,
      strict: true,
      allowPositionals: true,
    });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, ''), command);
  }
}

/**
 * Validates with a zod schema; a failure is a {@link UsageError} naming each bad field, as
 * `--name: problem` for options (or as `label` names it, e.g. an environment variable).
 */
export function validate<T extends z.ZodType>(
  schema: T,
  input: unknown,
  command?: string,
  label: (field: string) => string = (field) => `--${field}`,
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    return name === '' ? issue.message : `${label(name)}: ${issue.message}`;
  });
  throw new UsageError(problems.join('; '), command);
}

/**
 * A date option as the CLI accepts it: ISO 8601, read as UTC unless it names a zone. A date alone is
 * the start of that day (`2026-03-01` = `2026-03-01T00:00:00Z`). Days that do not exist are refused.
 */
export const dateOption = z.string().transform((text, context) => {
  const date = parseIsoDate(text);
  if (date === undefined) {
    context.addIssue({
      code: 'custom',
      message: `${JSON.stringify(text)} is not a date: use ISO 8601 such as 2026-03-01 or 2026-03-01T12:00:00Z`,
    });
    return z.NEVER;
  }
  return date;
});
