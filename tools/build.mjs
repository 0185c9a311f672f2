// Build: generate the layout and instruction tables, compile the core to
// build/core.wasm, then compile the TypeScript to dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { genLayout } from './gen-layout.mjs';
import { genIsa } from './gen-isa.mjs';
import { genCpuid } from './cpuid.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

genLayout(root);
genIsa(root);
genCpuid(root);

mkdirSync(join(root, 'build'), { recursive: true });
const wasm = join(root, 'build', 'core.wasm');
// Rebuild the core only when a source is newer than the wasm.
const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
  const p = join(dir, e.name);
  return Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
}, 0);
const coreTime = Math.max(newest(join(root, 'core')), newest(join(root, 'tools')));
if (!existsSync(wasm) || statSync(wasm).mtimeMs < coreTime || process.argv.includes('--force')) {
  execFileSync(bin('asc'), [
    'core/index.ts', '-o', 'build/core.wasm', '-O3', '--runtime', 'stub', '--noAssert',
    '--memoryBase', String(0x2000000), '--initialMemory', String(0x4000000 / 65536), '--maximumMemory', '65536',
    '--enable', 'simd', '--exportRuntime', '--uncheckedBehavior', 'always',
  ], { cwd: root, stdio: 'inherit' });
}
execFileSync(bin('tsc'), ['-p', '.'], { cwd: root, stdio: 'inherit' });
