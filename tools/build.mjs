// Build: generate the layout and instruction tables, compile the core to
// build/core.wasm, then compile the TypeScript projects (tsc -b) to dist/,
// then bundle the xos command into dist/xos-cli.cjs (build-cli.mjs) and the web page into build/web
// (build-web.mjs).
// Only what changed is redone: generators leave unchanged files alone, the
// core is recompiled only when a hash of its inputs (core/ sources, the
// compiler's version and flags) differs from the last build's, and tsc -b
// rebuilds only the projects whose sources changed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { genLayout } from './gen-layout.mjs';
import { regions } from './layout.mjs';
import { genIsa } from './gen-isa.mjs';
import { genCpuid } from './cpuid.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const force = process.argv.includes('--force');

genLayout(root);
genIsa(root);
genCpuid(root);

const ASC_ARGS = [
  'core/index.ts', '-o', 'build/core.wasm', '-O3', '--runtime', 'stub', '--noAssert',
  // the initial memory holds the first 16 MiB of frames (a small program's): V8 collects garbage when
  // a wasm memory grows, so growing once at the first frame costs a full collection at start-up
  '--memoryBase', String(regions.AS_DATA), '--initialMemory', String(regions.FRAMES / 65536 + 256), '--maximumMemory', '65536',
  '--enable', 'simd', '--exportRuntime', '--exportTable', '--uncheckedBehavior', 'always',
  // AS112: the exported table holds functions with v128 parameters, which JavaScript never calls;
  // AS201: usize/u32 conversions, which only matter for a 64-bit build the core never has
  '--disableWarning', '112', '--disableWarning', '201',
];

function coreInputsHash() {
  const h = createHash('sha256');
  h.update(JSON.stringify(ASC_ARGS));
  h.update(readFileSync(join(root, 'node_modules', 'assemblyscript', 'package.json')));
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else { h.update(relative(root, p)); h.update('\0'); h.update(readFileSync(p)); }
    }
  };
  walk(join(root, 'core'));
  return h.digest('hex');
}

mkdirSync(join(root, 'build'), { recursive: true });
const wasm = join(root, 'build', 'core.wasm');
const stamp = join(root, 'build', 'core.wasm.inputs');
const hash = coreInputsHash();
if (force || !existsSync(wasm) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
  execFileSync(bin('asc'), ASC_ARGS, { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, hash);
}
execFileSync(bin('tsc'), ['-b', ...(force ? ['--force'] : [])], { cwd: root, stdio: 'inherit' });
await import('./build-cli.mjs');
await import('./build-web.mjs');
