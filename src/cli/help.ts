import type { Command } from './command.js';

/** The text of `sms-consent --help`. */
export function mainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return `sms-consent ${version}: record, explain and export SMS consent from the command line.

Usage: sms-consent <command> [arguments] [options]

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join('\n')}

Store (every command):
  --database-url <url>  PostgreSQL server (default: $DATABASE_URL); run "migrate" once per schema
  --data-dir <dir>      embedded PGlite store when no server is given (default ./.sms-consent)
  --schema <name>       PostgreSQL schema of the tables (default sms_consent)
  --tenant <id>         tenant whose data the command reads or writes (default "default")
  --country <code>      country of phone numbers written without +, e.g. GB (default US)

Output:
  --json                the result as one JSON document on stdout
  -q, --quiet           no progress and no notes on stderr
  --progress            progress lines on stderr even when it is not a terminal (logs)
  --debug               print stack traces of errors
  -h, --help            help; "sms-consent <command> --help" for a command
  -v, --version         the version

Long operations (import, export, reconcile) show a progress bar on stderr when it is a terminal, and
nothing otherwise; with --progress, a plain line every few seconds instead (SMS_CONSENT_PROGRESS_INTERVAL_MS
sets how often). Progress never goes to stdout and ends before any error line.

Exit codes: 0 success; 1 failure (invalid number, broken audit chain, store or CRM error);
2 usage error; 130 interrupted.`;
}

/** The text of `sms-consent <command> --help`. */
export function commandHelp(command: Command): string {
  return `Usage: sms-consent ${command.name}${command.usage ? ` ${command.usage}` : ''} [options]

${command.summary}.

${command.help}

Every command also takes the store and output options (sms-consent --help).`;
}
