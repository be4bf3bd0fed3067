import { readdir } from 'node:fs/promises';
import { arch, cpus, totalmem } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bench, type BenchReport, formatRate } from './harness.js';

// `npm run bench` runs every bench/*.bench.ts; `npm run bench -- classify` only the named ones.
const only = process.argv.slice(2);
const folder = fileURLToPath(new URL('.', import.meta.url));
const files = (await readdir(folder))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

console.log(
  `# sms-consent benchmarks — node ${process.version}, ${cpus()[0]?.model ?? arch()}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB\n`,
);
for (const file of files) {
  const module = (await import(new URL(file, import.meta.url).href)) as { default: Bench };
  const report: BenchReport = await module.default();
  console.log(`## ${report.title} (${basename(file)})`);
  for (const row of report.rows) {
    console.log(
      `  ${row.name.padEnd(56)} ${formatRate(row.perSecond).padStart(14)} /s   ${row.seconds.toFixed(3)} s for ${row.ops.toLocaleString('en-US')}`,
    );
  }
  for (const note of report.notes) console.log(`  ${note}`);
  console.log('');
}
