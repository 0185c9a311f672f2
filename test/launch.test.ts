// Starting `xos` (src/host/node/launch.ts): the bundled command and its V8 code cache. A cache file
// that is corrupt, truncated, for another bundle or another key is never used, and is written anew;
// a bundle older than tsc's output is not run (the modules are).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readCodeCache, writeCodeCache } from '../src/host/node/launch.js';
import { repoRoot, xosCli } from './lib/root.js';
import { buildC } from './lib/build-c.js';

const launchModule = pathToFileURL(join(repoRoot, 'dist', 'src', 'host', 'node', 'launch.js')).href;

// A bundle's text as tools/build-cli.mjs writes it: a function expression.
const wrap = (body: string) => `(function (exports, require, module, __filename, __dirname, __xosBundleUrl) {${body}\n})`;

function tempDir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'xos-launch-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('a cache file is read back only when whole and for its key', (t) => {
  const dir = tempDir(t);
  const key = 'a'.repeat(64), other = 'b'.repeat(64);
  const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => i * 7));
  writeCodeCache(dir, key, data);
  assert.deepEqual(readCodeCache(dir, key), data);
  assert.equal(readCodeCache(dir, other), undefined, 'no file for another key');
  const file = join(dir, `${key}.jsc`);
  const good = readFileSync(file);
  // a flipped byte in the data, in the stored hash, in the key; cut short; empty; someone else's file
  const flip = (at: number) => { const b = Buffer.from(good); b[at] ^= 0x40; return b; };
  for (const bad of [flip(good.length - 100), flip(8 + 64 + 3), flip(10), good.subarray(0, good.length - 1), good.subarray(0, 50), Buffer.alloc(0), Buffer.from('not a cache file at all')]) {
    writeFileSync(file, bad);
    assert.equal(readCodeCache(dir, key), undefined);
  }
  // the file of another key, renamed to this key's name
  writeCodeCache(dir, other, data);
  writeFileSync(file, readFileSync(join(dir, `${other}.jsc`)));
  assert.equal(readCodeCache(dir, key), undefined);
});

test('the cache keeps the 8 newest files', (t) => {
  const dir = tempDir(t);
  const keys = Array.from({ length: 12 }, (_, i) => i.toString(16).repeat(64).slice(0, 64));
  keys.forEach((k, i) => {
    writeCodeCache(dir, k, Buffer.from([i]));
    const when = new Date(Date.now() - (keys.length - i) * 1000);
    utimesSync(join(dir, `${k}.jsc`), when, when);
  });
  writeCodeCache(dir, 'f'.repeat(64), Buffer.from([99]));
  const left = readdirSync(dir).sort();
  assert.equal(left.length, 8);
  assert.ok(left.includes(`${'f'.repeat(64)}.jsc`));
  assert.ok(!left.includes(`${keys[0]}.jsc`), 'the oldest went');
});

test('the cache is not written where it cannot be, and the command runs all the same', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'file'), '');
  writeCodeCache(join(dir, 'file', 'js'), 'c'.repeat(64), Buffer.from([1])); // (no throw)
  const bundle = join(dir, 'b.cjs');
  writeFileSync(bundle, wrap('console.log("ran");\n'));
  const r = runBundleIn(bundle, join(dir, 'file'));
  assert.equal(r.stdout, 'ran\n', r.stderr);
  assert.equal(r.status, 0);
});

// Run `file` through runBundle in a Node process of its own, with its caches in `cache`.
function runBundleIn(file: string, cache: string) {
  const code = `import(${JSON.stringify(launchModule)}).then((m) => m.runBundle(${JSON.stringify(file)}, require('node:fs').readFileSync(${JSON.stringify(file)})))`;
  return spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env: { ...process.env, XOS_CACHE: cache, XOS_CODE_CACHE: '' } });
}

test('a changed bundle never runs the code cached for the old one, even of the same length', (t) => {
  const dir = tempDir(t);
  const cache = join(dir, 'cache');
  const bundle = join(dir, 'xos-cli.cjs');
  // functions, so that the cache holds compiled code and not only the top level
  const body = (word: string) => `function say() { return ${JSON.stringify(word)}; }\nconsole.log(say(), typeof __xosBundleUrl);\n`;
  writeFileSync(bundle, wrap(body('older')));
  assert.equal(runBundleIn(bundle, cache).stdout, 'older string\n');
  const files = () => readdirSync(join(cache, 'js')).filter((n) => n.endsWith('.jsc'));
  assert.equal(files().length, 1, 'the first run leaves a cache file');
  assert.equal(runBundleIn(bundle, cache).stdout, 'older string\n', 'from the cache');
  writeFileSync(bundle, wrap(body('newer')));
  assert.equal(runBundleIn(bundle, cache).stdout, 'newer string\n');
  assert.equal(files().length, 2);
});

test('a corrupt cache file is ignored and written anew', (t) => {
  const dir = tempDir(t);
  const cache = join(dir, 'cache');
  const bundle = join(dir, 'xos-cli.cjs');
  writeFileSync(bundle, wrap('function f(n) { return n * 6; }\nconsole.log(f(7));\n'));
  assert.equal(runBundleIn(bundle, cache).stdout, '42\n');
  const [name] = readdirSync(join(cache, 'js'));
  const file = join(cache, 'js', name);
  const good = readFileSync(file);
  for (const bad of [Buffer.alloc(good.length, 0xff), good.subarray(0, good.length >> 1), Buffer.concat([good.subarray(0, good.length - 8), Buffer.alloc(8, 0x5a)])]) {
    writeFileSync(file, bad);
    const r = runBundleIn(bundle, cache);
    assert.equal(r.stdout, '42\n', r.stderr);
    assert.equal(r.status, 0);
    assert.ok(readCodeCache(join(cache, 'js'), name.slice(0, 64)), 'written anew');
  }
});

test('launch runs the bundle only when it is at least as new as tsc\'s output', (t) => {
  const dist = join(tempDir(t), 'dist');
  mkdirSync(join(dist, 'src', 'cli'), { recursive: true });
  mkdirSync(join(dist, '.tsbuildinfo'));
  writeFileSync(join(dist, 'src', 'cli', 'main.js'), 'console.log("modules");\n');
  writeFileSync(join(dist, '.tsbuildinfo', 'src-cli.tsbuildinfo'), '{}');
  const run = () => spawnSync(process.execPath, ['--input-type=module', '-e',
    `import { launch } from ${JSON.stringify(launchModule)}; await launch(new URL(${JSON.stringify(pathToFileURL(dist).href + '/')}));`],
  { encoding: 'utf8', env: { ...process.env, XOS_CODE_CACHE: '0' } }).stdout;
  assert.equal(run(), 'modules\n', 'no bundle');
  writeFileSync(join(dist, 'xos-cli.cjs'), wrap('console.log("bundle");\n'));
  const at = (f: string, s: number) => utimesSync(f, new Date(s * 1000), new Date(s * 1000));
  at(join(dist, '.tsbuildinfo', 'src-cli.tsbuildinfo'), 1_000_000);
  at(join(dist, 'xos-cli.cjs'), 1_000_100);
  assert.equal(run(), 'bundle\n');
  at(join(dist, '.tsbuildinfo', 'src-cli.tsbuildinfo'), 1_000_200);
  assert.equal(run(), 'modules\n', 'tsc ran after the bundle was made');
});

test('xos from its bundle: the build made it, it runs a program, its cache is made and used', async (t) => {
  const bundle = join(repoRoot, 'dist', 'xos-cli.cjs');
  assert.ok(existsSync(bundle), 'the build bundles the command');
  const newest = Math.max(...readdirSync(join(repoRoot, 'dist', '.tsbuildinfo')).map((n) => statSync(join(repoRoot, 'dist', '.tsbuildinfo', n)).mtimeMs));
  assert.ok(statSync(bundle).mtimeMs >= newest, 'the bundle is as new as tsc\'s output (the tests run it)');
  const dir = tempDir(t);
  const exe = await buildC('launch-hello', 'glibc');
  const cache = join(dir, 'cache');
  const xos = () => spawnSync(process.execPath, [xosCli, 'run', exe, 'there'], { encoding: 'utf8', env: { ...process.env, XOS_CACHE: cache, XOS_CODE_CACHE: '' } });
  for (let i = 0; i < 2; i++) {
    const r = xos();
    assert.equal(r.stdout, 'hello there\n', r.stderr);
    assert.equal(r.status, 3);
    assert.equal(readdirSync(join(cache, 'js')).filter((n) => n.endsWith('.jsc')).length, 1);
  }
  const [name] = readdirSync(join(cache, 'js'));
  writeFileSync(join(cache, 'js', name), Buffer.alloc(4096, 1));
  const r = xos();
  assert.equal(r.stdout, 'hello there\n', r.stderr);
  assert.equal(r.status, 3);
});
