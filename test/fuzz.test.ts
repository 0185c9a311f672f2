// Fuzzers and attacks, with fixed seeds (longer runs by hand: test/lib/fuzz.ts):
//  - mutated ELF files and random instruction streams, in one long-lived jailed machine;
//  - random syscalls from a guest running as init in a jail (--root), with a read-only and a
//    writable host directory mounted, symlinks pointing out of the jail, and sentinel files
//    beside the jail and in the read-only mount that must be unchanged afterwards.
// Every run must end normally, and xos must never report an internal error.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildC, skipReason } from './lib/build-c.js';
import { repoRoot, xosCli } from './lib/root.js';
import type { FuzzSummary } from './lib/fuzz.js';

function run(file: string, args: string[], timeoutMs = 600_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.on('error', reject);
    c.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

const internalErrors = (stderr: string) => stderr.split('\n').filter((l) => /internal error/.test(l));

describe('fuzzing a machine with bad programs', { concurrency: 2 }, () => {
  const driver = join(repoRoot, 'dist', 'test', 'lib', 'fuzz-machine.js');
  for (const [what, count] of [['elf', 2000], ['insn', 2000]] as const) {
    it(`${what}: ${count} inputs, seed 1`, async (t) => {
      const r = await run(driver, [what, '--count', String(count), '--seed', '1']);
      assert.deepEqual(internalErrors(r.stderr), [], 'xos reported internal errors');
      assert.equal(r.status, 0, r.stderr.slice(-3000));
      const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as FuzzSummary;
      t.diagnostic(`${summary.tries} tries, ${summary.failures.length} failures; ${JSON.stringify(summary.outcomes)}`);
      assert.equal(summary.tries, count);
      assert.deepEqual(summary.failures, []);
    });
  }
});

// What a directory tree holds (types, modes, owners, sizes, times, contents, link targets), to compare.
function snapshot(root: string, skip: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const p = join(root, rel);
    const st = lstatSync(p);
    let what = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.size} ${st.mtimeMs}`;
    if (st.isFile()) what += ` ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    else if (st.isSymbolicLink()) what += ` -> ${readlinkSync(p)}`;
    out.set(rel || '.', what);
    if (st.isDirectory()) for (const e of readdirSync(p).sort()) if (!skip.has(join(rel, e))) walk(join(rel, e));
  };
  walk('');
  return out;
}

describe('syscall fuzzer in a jail', { skip: skipReason('glibc') }, () => {
  const COUNT = Number(process.env.XOS_FUZZ_SYSCALLS ?? 10000);
  const SEED = Number(process.env.XOS_FUZZ_SEED ?? 1);
  let base = '';
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'xos-fuzz-'));
    for (const d of ['jail/dir/sub', 'jail/ro', 'jail/rw', 'jail/tmp', 'ro/dir', 'rw']) mkdirSync(join(base, d), { recursive: true });
    writeFileSync(join(base, 'sentinel-outside'), 'beside the jail: never changed\n');
    writeFileSync(join(base, 'ro', 'sentinel'), 'in the read-only mount: never changed\n');
    writeFileSync(join(base, 'ro', 'dir', 'inner'), 'deeper in it\n');
    chmodSync(join(base, 'ro', 'sentinel'), 0o666); // even writable by anyone on the host
    writeFileSync(join(base, 'jail', 'file'), 'a file of the jail\n');
    symlinkSync('file', join(base, 'jail', 'link'));
    symlinkSync('..', join(base, 'jail', 'escape')); // out of the jail, relatively
    symlinkSync('/', join(base, 'jail', 'abs')); // absolutely
  });
  after(() => { if (base) rmSync(base, { recursive: true, force: true }); });

  it(`${COUNT} random syscalls (seed ${SEED}) leave everything outside the jail as it was`, async (t) => {
    copyFileSync(await buildC('fuzz-syscalls', 'glibc'), join(base, 'jail', 'fuzz'));
    const skip = new Set(['jail', 'rw']);
    const before = snapshot(base, skip);
    const r = await run(xosCli, ['run', '--root', join(base, 'jail'), '--mount', `${join(base, 'ro')}:/ro:ro`,
      '--mount', `${join(base, 'rw')}:/rw`, '--memory', '256M', '--pids-max', '64', '--timeout', '10m',
      '/fuzz', '--fuzz', String(COUNT), String(SEED)]);
    const summary = r.stdout.split('\n').find((l) => l.startsWith('fuzz-syscalls:')) ?? '';
    t.diagnostic(summary);
    assert.deepEqual(internalErrors(r.stderr), [], 'xos reported internal errors');
    assert.match(r.stdout, /^DONE$/m, `the fuzzer did not finish (status ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    assert.equal(r.status, 0);
    const now = snapshot(base, skip);
    assert.deepEqual([...now.keys()], [...before.keys()], 'names appeared or went outside the jail');
    for (const [p, v] of before) assert.equal(now.get(p), v, `${p} changed`);
  });
});
