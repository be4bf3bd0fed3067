import { type ConsentStore, createMemoryStore } from 'sms-consent';

/** The consent store of the demo, and whether it outlives the process. */
export interface DemoStore {
  readonly store: ConsentStore;
  readonly persistent: boolean;
  readonly description: string;
}

/**
 * The demo's consent store. The embedded default is PGlite under `dataDir` (through
 * `sms-consent/postgres`); until that entry lands, the memory store stands in.
 */
export async function createDemoStore(_dataDir: string): Promise<DemoStore> {
  return { store: createMemoryStore(), persistent: false, description: 'memory store (resets on restart)' };
}
