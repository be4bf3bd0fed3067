#!/usr/bin/env node
// Packs the tarball as npm would publish it, installs it into a scratch ESM project and a scratch CJS
// project, and imports every public runtime name of every subpath there; then runs publint and
// @arethetypeswrong/cli. Fails (exit 1) on the first problem. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

/** Runtime (non-type) names a subpath's index.ts exports. */
function runtimeExports(indexFile) {
  const source = readFileSync(indexFile, 'utf8');
  const names = [];
  for (const match of source.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g)) {
    if (match[1]) continue;
    for (const part of match[2].split(',')) {
      const name = part.trim();
      if (name && !name.startsWith('type ')) names.push(name.split(/\s+as\s+/).pop());
    }
  }
  return names;
}

const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json');
const expected = Object.fromEntries(
  subpaths.map((subpath) => {
    const folder = subpath === '.' ? 'src' : join('src', subpath.slice(2));
    return [
      subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
      runtimeExports(join(root, folder, 'index.ts')),
    ];
  }),
);

const scratch = mkdtempSync(join(tmpdir(), 'sms-consent-pack-'));
try {
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', scratch], root)
    .trim()
    .split('\n')
    .pop();
  const files = JSON.parse(run('npm', ['pack', '--dry-run', '--json'], root))[0].files.map(
    (file) => file.path,
  );
  const stray = files.filter(
    (file) => !/^(dist\/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(file),
  );
  if (stray.length > 0) throw new Error(`unexpected files in the tarball: ${stray.join(', ')}`);

  const peers = Object.entries(pkg.peerDependencies ?? {})
    .filter(([name]) => name !== 'twilio')
    .map(([name]) => `${name}@${pkg.devDependencies[name]}`);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', join(scratch, tarball), ...peers],
    scratch,
  );

  for (const [kind, type] of [
    ['esm', 'module'],
    ['cjs', 'commonjs'],
  ]) {
    const dir = join(scratch, kind);
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: `scratch-${kind}`, private: true, type }),
    );
    // Named imports (a missing one fails at link time), aliased per subpath: two subpaths may export
    // the same name (`createMemoryStore` from the root and from `sms-consent/store`).
    const lines = Object.entries(expected).map(([specifier, names], index) => {
      if (kind !== 'esm') return `check('${specifier}', require('${specifier}'), ${JSON.stringify(names)});`;
      const alias = (name) => `m${index}_${name}`;
      return `import { ${names.map((name) => `${name} as ${alias(name)}`).join(', ')} } from '${specifier}';\ncheck('${specifier}', { ${names.map((name) => `${name}: ${alias(name)}`).join(', ')} });`;
    });
    const check =
      kind === 'esm'
        ? `function check(specifier, values) { for (const [name, value] of Object.entries(values)) if (value === undefined) throw new Error(specifier + ' lacks ' + name); console.log('esm ' + specifier + ': ' + Object.keys(values).length + ' names'); }`
        : `function check(specifier, module, names) { for (const name of names) if (module[name] === undefined) throw new Error(specifier + ' lacks ' + name); console.log('cjs ' + specifier + ': ' + names.length + ' names'); }`;
    const file = join(dir, kind === 'esm' ? 'index.mjs' : 'index.cjs');
    writeFileSync(
      file,
      kind === 'esm' ? `${lines.join('\n')}\n${check}\n` : `${check}\n${lines.join('\n')}\n`,
    );
    process.stdout.write(run('node', [file], dir));
  }
  // The same error class must be shared by every subpath, or `instanceof ConsentError` breaks across them.
  if (expected[`${pkg.name}/testing`]) {
    const probe = `const core = require('${pkg.name}'); const testing = require('${pkg.name}/testing'); if (typeof testing.runConsentStoreTests !== 'function' || typeof core.ConsentError !== 'function') throw new Error('missing');`;
    run('node', ['-e', probe], join(scratch, 'cjs'));
  }
  run('npx', ['--no-install', 'publint', '--strict'], root);
  console.log('publint: clean');
  run(
    'npx',
    ['--no-install', 'attw', '--pack', '.', '--profile', 'node16', '--format', 'table-flipped'],
    root,
  );
  console.log('attw: clean');
  console.log(`package check passed: ${readdirSync(scratch).find((name) => name.endsWith('.tgz'))}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
