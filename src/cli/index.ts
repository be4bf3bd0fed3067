#!/usr/bin/env node
/**
 * The `sms-consent` command: `npx sms-consent --help`.
 *
 * @packageDocumentation
 */
import { runCli } from './run.js';

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // The reader went away (`sms-consent export | head`): stop quietly, as other CLIs do.
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
// Whatever a peer library left open (keep-alive sockets) must not keep the process alive.
setTimeout(() => process.exit(code), 2000).unref();
