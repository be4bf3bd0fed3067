import { defineConfig } from 'tsup';

/** One entry per public subpath; `scripts/check-package.mjs` fails when these and `exports` drift. */
export const entries = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'postgres/index': 'src/postgres/index.ts',
  'twilio/index': 'src/twilio/index.ts',
  'express/index': 'src/express/index.ts',
  'activecampaign/index': 'src/activecampaign/index.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
});
