// The snapshot's class registry (src/kernel/snapshot/classes.ts) is kept by
// hand: this fails when a module of the layers below the host exports a class
// that it does not know, which a snapshot would refuse to save (or a restore
// would refuse to read) the first time a machine holds one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kernelClasses } from '../src/kernel/snapshot/classes.js';
import { repoRoot } from './lib/root.js';

// (the sources, not dist/: a module since removed may still be compiled there)
const SRC = join(repoRoot, 'src');
const LAYERS = ['base', 'mm', 'elf', 'fs', 'net', 'kernel'];

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []);
}
const isClass = (v: unknown) => typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));

describe('snapshot class registry', () => {
  it('knows every class the layers below the host export', async () => {
    const r = kernelClasses();
    const missing: string[] = [];
    let seen = 0;
    for (const layer of LAYERS) {
      for (const file of modules(join(SRC, layer))) {
        const ns = await import(pathToFileURL(join(repoRoot, 'dist', relative(repoRoot, file)).replace(/\.ts$/, '.js')).href) as Record<string, unknown>;
        for (const [name, v] of Object.entries(ns)) {
          if (!isClass(v)) continue;
          seen++;
          if (!r.ofCtor(v as { prototype: object; name: string })) missing.push(`${relative(SRC, file)}: ${name}`);
        }
      }
    }
    assert.ok(seen > 50, `found ${seen} classes`);
    assert.deepEqual(missing, [], 'add their modules to src/kernel/snapshot/classes.ts');
  });
});
