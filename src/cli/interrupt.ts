import type { OutputStream } from './output.js';

/** A command stopped by Ctrl-C (exit code 130); the message says what was kept. */
export class InterruptedError extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}

/**
 * Until the returned function is called, the first Ctrl-C (or SIGTERM) aborts `controller` so the
 * command stops cleanly; a second one quits at once.
 */
export function listenForInterrupt(controller: AbortController, stderr: OutputStream): () => void {
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new InterruptedError());
    stderr.write('\nsms-consent: stopping after the current batch (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
