// Language runtimes that lean on Linux's fine print, differentially:
//  - the vDSO xos gives a process, compared with the host's at readelf's level (sections,
//    version definitions, versioned symbols), since Go's runtime parses it itself;
//  - Go programs built with Debian's golang-go (static: goroutines, channels, timers, the GC,
//    signal-based preemption; cgo: C calls and threads) run natively and under xos;
//  - `go build` itself under xos, its output run natively;
//  - Node.js (the host's, the one running these tests) running a script with worker_threads.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildC, hasCommand, skipReason } from './lib/build-c.js';
import { assertSameRun, runBoth, runNative, runXos, DEFAULT_ENV } from './lib/run.js';
import { cachePath, repoRoot } from './lib/root.js';

const execFileP = promisify(execFile);

// ---- the vDSO ---------------------------------------------------------------------------

interface ElfView { sections: Map<string, string>; phdrs: string[]; dynTags: Set<string>; verdefs: string[]; symbols: Set<string> }

// What readelf shows of a shared object: section name → type, program header types, dynamic
// tags, version definitions (flags, index, name) and dynamic symbols (type bind name@@version).
async function readElf(file: string): Promise<ElfView> {
  const run = async (...args: string[]) => (await execFileP('readelf', ['-W', ...args, file])).stdout;
  const sections = new Map<string, string>();
  for (const m of (await run('-S')).matchAll(/^[ \t]*\[[ \t]*\d+\][ \t]+(\S+)[ \t]+(\S+)/gm)) if (m[1] !== 'NULL') sections.set(m[1], m[2]);
  const phdrs = [...(await run('-l')).matchAll(/^\s+(LOAD|DYNAMIC|NOTE|GNU_EH_FRAME|GNU_STACK|GNU_RELRO)\s/gm)].map((m) => m[1]);
  const dynTags = new Set([...(await run('-d')).matchAll(/^\s*0x[0-9a-f]+\s+\((\w+)\)/gm)].map((m) => m[1]));
  const verdefs = [...(await run('-V')).matchAll(/Flags: (\S+)\s+Index: (\d+)\s+Cnt: (\d+)\s+Name: (\S+)/g)].map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`);
  const symbols = new Set<string>();
  for (const m of (await run('--dyn-syms')).matchAll(/^[ \t]*\d+:[ \t]+[0-9a-f]+[ \t]+\d+[ \t]+(\w+)[ \t]+(\w+)[ \t]+\w+[ \t]+(\w+)[ \t]+(\S+)/gm)) {
    if (m[3] !== 'UND') symbols.add(`${m[1]} ${m[2]} ${m[4]}`);
  }
  return { sections, phdrs, dynTags, verdefs, symbols };
}

describe('the vDSO, against the host kernel\'s', { skip: skipReason('glibc') || (!hasCommand('readelf') && 'readelf not found (binutils)') }, () => {
  let host: ElfView, xos: ElfView;
  before(async () => {
    const exe = await buildC('vdso-dump', 'glibc');
    const { native, xos: x } = await runBoth([exe]);
    assert.equal(native.status, 0, 'dumping the host vDSO failed');
    assert.equal(x.status, 0, `dumping xos's vDSO failed: ${x.stderr}`);
    const dir = mkdtempSync(join(tmpdir(), 'xos-vdso-'));
    writeFileSync(join(dir, 'host.so'), native.stdout);
    writeFileSync(join(dir, 'xos.so'), x.stdout);
    host = await readElf(join(dir, 'host.so'));
    xos = await readElf(join(dir, 'xos.so'));
    rmSync(dir, { recursive: true });
  });
  it('has the host\'s version definitions (the base, then LINUX_2.6)', () => {
    assert.deepEqual(xos.verdefs, host.verdefs);
  });
  it('exports each of its symbols as the host does (type, binding, version)', () => {
    for (const s of xos.symbols) assert.ok(host.symbols.has(s), `xos's vDSO has "${s}", the host's does not`);
    for (const name of ['__vdso_clock_gettime', '__vdso_gettimeofday', '__vdso_time', '__vdso_getcpu', 'clock_gettime']) {
      assert.ok([...xos.symbols].some((s) => s.endsWith(` ${name}@@LINUX_2.6`)), `${name}@@LINUX_2.6 missing`);
    }
  });
  it('has sections, program headers and dynamic tags of the host\'s kinds', () => {
    for (const [name, type] of xos.sections) assert.equal(type, host.sections.get(name), `section ${name}`);
    for (const name of ['.dynsym', '.dynstr', '.gnu.version', '.gnu.version_d', '.dynamic', '.text']) assert.ok(xos.sections.has(name), name);
    assert.deepEqual(xos.phdrs, host.phdrs);
    for (const tag of xos.dynTags) assert.ok(host.dynTags.has(tag), `dynamic tag ${tag}`);
    for (const tag of ['VERSYM', 'VERDEF', 'VERDEFNUM', 'SONAME']) assert.ok(xos.dynTags.has(tag), tag);
  });
});

// ---- Go ---------------------------------------------------------------------------------

// Debian's golang-go: `go` on PATH, or the versioned directory it installs.
function goCommand(): string | undefined {
  if (hasCommand('go')) return 'go';
  const lib = '/usr/lib';
  const dirs = existsSync(lib) ? readdirSync(lib).filter((d) => /^go-1\.\d+$/.test(d)).sort() : [];
  const last = dirs.pop();
  return last && existsSync(join(lib, last, 'bin', 'go')) ? join(lib, last, 'bin', 'go') : undefined;
}
const go = goCommand();
const goSkip = !go ? 'go not found (apt-get install golang-go)' : false;
// The Go toolchain's own caches, in the test cache (never the network: GOPROXY=off).
const goEnv = (extra: Record<string, string> = {}) => ({
  ...process.env, GOCACHE: cachePath('go', 'cache'), GOPATH: cachePath('go', 'path'), GOPROXY: 'off', GOFLAGS: '-mod=mod', ...extra,
});
async function goBuild(name: string, cgo: boolean): Promise<string> {
  const out = join(cachePath('go', 'bin'), `${name}${cgo ? '-cgo' : ''}`);
  await execFileP(go!, ['build', '-o', out, '.'], { cwd: join(repoRoot, 'test', 'go', name), env: goEnv({ CGO_ENABLED: cgo ? '1' : '0' }) });
  return out;
}

describe('Go programs', { skip: goSkip, concurrency: 2 }, () => {
  it('a static program: goroutines, channels, timers, the GC, preemption of a busy loop', async () => {
    const exe = await goBuild('static', false);
    const { native, xos } = await runBoth([exe]);
    assert.equal(native.status, 0, `the native run failed: ${native.stderr}`);
    assertSameRun(native, xos, 'go static');
  });
  it('a cgo program: C calls, C threads, calls from goroutines', { skip: skipReason('glibc') }, async () => {
    const exe = await goBuild('cgo', true);
    const { native, xos } = await runBoth([exe]);
    assert.equal(native.status, 0, `the native run failed: ${native.stderr}`);
    assertSameRun(native, xos, 'go cgo');
  });
  it('go build under xos makes a program that runs natively', async () => {
    // the standard library compiled natively first (the cache): xos compiles and links the program
    const src = mkdtempSync(join(tmpdir(), 'xos-gobuild-'));
    cpSync(join(repoRoot, 'test', 'go', 'build'), src, { recursive: true });
    try {
      await execFileP(go!, ['build', '-o', join(src, 'warm'), '.'], { cwd: src, env: goEnv({ CGO_ENABLED: '0' }) });
      writeFileSync(join(src, 'extra.go'), 'package main\n\nfunc init() { println("init from a file added after the native build") }\n');
      const env: Record<string, string> = {
        ...DEFAULT_ENV, HOME: src, GOCACHE: cachePath('go', 'cache'), GOPATH: cachePath('go', 'path'), GOPROXY: 'off', CGO_ENABLED: '0',
      };
      const goPath = go === 'go' ? (await execFileP('sh', ['-c', 'command -v go'])).stdout.trim() : go!;
      const built = await runXos([goPath, 'build', '-o', join(src, 'under-xos'), '.'], { cwd: src, env, timeoutMs: 600_000 });
      assert.equal(built.status, 0, `go build under xos failed:\n${built.stderr}`);
      const r = await runNative([join(src, 'under-xos')]);
      assert.equal(r.stdout.toString(), 'built under xos, fib(20) = 6765\n');
      assert.match(r.stderr.toString(), /init from a file added after the native build/);
    } finally {
      rmSync(src, { recursive: true, force: true });
    }
  });
});

// ---- Node.js ----------------------------------------------------------------------------

describe('Node.js', () => {
  it('a script with worker_threads', async () => {
    const script = join(repoRoot, 'test', 'node', 'workers.cjs');
    const { native, xos } = await runBoth([process.execPath, script], { timeoutMs: 600_000 });
    assert.equal(native.status, 0, `the native run failed: ${native.stderr}`);
    assertSameRun(native, xos, 'node worker_threads');
  });
});
