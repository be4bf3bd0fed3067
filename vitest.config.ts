import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests, examples and doc samples import 'sms-consent' as users do; here it resolves to the source.
    alias: [
      { find: /^sms-consent$/, replacement: source('./src/index.ts') },
      { find: /^sms-consent\/(.*)$/, replacement: source('./src/$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
