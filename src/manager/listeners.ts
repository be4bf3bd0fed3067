import type { WriteOutcome } from '../ledger/write.js';
import type { ConsentChange } from './types.js';

type Listener = (change: ConsentChange) => void | Promise<void>;

/** The change listeners of a manager: told of every status change after its commit, never failing a write. */
export function createListeners(options: {
  readonly onChange?: Listener | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}) {
  const listeners = new Set<Listener>();
  if (options.onChange) listeners.add(options.onChange);
  const reportError =
    options.onError ?? ((error: unknown) => console.error('sms-consent: change listener failed', error));
  return {
    add(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notify(outcome: WriteOutcome): void {
      if (outcome.duplicate || !outcome.changed) return;
      const change: ConsentChange = {
        tenantId: outcome.event.tenantId,
        phone: outcome.event.phone,
        previous: outcome.previous,
        status: outcome.status,
        event: outcome.event,
        ...(outcome.event.evidence.wrongNumber === true ? { wrongNumber: true as const } : {}),
      };
      for (const listener of listeners) {
        try {
          const result: unknown = listener(change);
          if (result instanceof Promise) result.catch(reportError);
        } catch (error) {
          reportError(error);
        }
      }
    },
  };
}
