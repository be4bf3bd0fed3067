import { defineConfig, type Options } from 'tsup';

/** One entry per public subpath; `scripts/check-package.mjs` fails when these and `exports` drift. */
export const entries = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'store/index': 'src/store/index.ts',
  'crm/index': 'src/crm/index.ts',
  'postgres/index': 'src/postgres/index.ts',
  'twilio/index': 'src/twilio/index.ts',
  'express/index': 'src/express/index.ts',
  'activecampaign/index': 'src/activecampaign/index.ts',
  'node/index': 'src/node/index.ts',
  'telnyx/index': 'src/telnyx/index.ts',
  'plivo/index': 'src/plivo/index.ts',
  'vonage/index': 'src/vonage/index.ts',
  'bandwidth/index': 'src/bandwidth/index.ts',
};

const library: Options = {
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  // dist/cli belongs to the bin's build below, which runs at the same time.
  clean: ['!cli/**'],
  target: 'node20',
  splitting: true,
  treeshake: true,
};

/**
 * The `sms-consent` bin: ESM only, no types. The `#!/usr/bin/env node` first line of its source is
 * kept by esbuild, and tsup marks the output executable.
 */
const cli: Options = {
  entry: { index: 'src/cli/index.ts' },
  outDir: 'dist/cli',
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
};

export default defineConfig([library, cli]);
