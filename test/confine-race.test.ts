// Confinement against races: a guest under `--root` with a host directory
// mounted (`--mount`) makes every path-taking call on names under a directory
// x there (test/c/race-victim.c), while x is swapped, as fast as possible, for
// a symlink to a sentinel directory beside the root (test/c/race-swap.c) — by
// a guest of a second xos machine sharing the directory, and by a host
// process. A call through x may fail; it must never reach the sentinel: the
// victim reports a file with the sentinel's device and inode, sentinel data or
// a sentinel listing, and the host checks afterwards that nothing in the
// sentinel changed, was read (atime, kept older than mtime so that any read
// moves it) or appeared, and that nothing appeared beside the root.
//
// Bounded in time (XOS_RACE_MS per attacker, default 4000) with a fixed seed
// (XOS_RACE_SEED); longer runs by hand: XOS_RACE_MS=60000 node --test dist/test/confine-race.test.js
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xosCli } from './lib/root.js';
import { buildC, skipReason } from './lib/build-c.js';

const MS = Number(process.env.XOS_RACE_MS ?? 4000);
const SEED = process.env.XOS_RACE_SEED ?? '20240917';
const SECRET = 'SENTINEL: must never be read through the mount\n';

// The sentinel's files as lstat shows them, without reading or listing anything (which would move
// the access times this checks): type, mode, owner, links, size and all three times.
const SENTINEL_NAMES = ['', 'secret', 'only-in-sentinel', 'prog', 'link', 'd-1'];
function snapshot(dir: string): string[] {
  return SENTINEL_NAMES.map((n) => {
    const s = lstatSync(join(dir, n), { bigint: true });
    return `${n || '.'} ${s.mode.toString(8)} ${s.uid}:${s.gid} ${s.nlink} ${s.size} m${s.mtimeNs} c${s.ctimeNs} a${s.atimeNs}`;
  });
}

interface Run { status: number | null; stdout: string; stderr: string }
function run(cmd: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    c.stdout.on('data', (b) => { stdout += b; });
    c.stderr.on('data', (b) => { stderr += b; });
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

describe('confinement against a swapped path component', { skip: skipReason('glibc') }, () => {
  let outer = '', victim = '', swap = '';
  let sentinel = '', shared = '', root = '', root2 = '';
  let before_: string[] = [];

  before(async () => {
    victim = await buildC('race-victim', 'glibc');
    swap = await buildC('race-swap', 'glibc');
    outer = mkdtempSync(join(tmpdir(), 'xos-race-'));
    sentinel = join(outer, 'sentinel');
    shared = join(outer, 'shared');
    root = join(outer, 'root');
    root2 = join(outer, 'root2');
    for (const d of [sentinel, join(shared, 'x'), join(root, 'mnt'), join(root, 'bin'), join(root2, 'mnt'), join(root2, 'bin')]) mkdirSync(d, { recursive: true });
    for (const [r, prog] of [[root, victim], [root2, swap]]) {
      copyFileSync(prog, join(r, 'bin', 'prog'));
      chmodSync(join(r, 'bin', 'prog'), 0o755);
    }
    // the sentinel: what x turns into (a file of each name the victim uses, and some of its own)
    writeFileSync(join(sentinel, 'secret'), SECRET);
    writeFileSync(join(sentinel, 'only-in-sentinel'), SECRET);
    copyFileSync(swap, join(sentinel, 'prog')); // exits 2 when run: the victim would see it
    chmodSync(join(sentinel, 'prog'), 0o755);
    symlinkSync('secret', join(sentinel, 'link'));
    mkdirSync(join(sentinel, 'd-1'));
    // the real x: the same names with harmless contents
    writeFileSync(join(shared, 'x', 'secret'), 'inside\n');
    symlinkSync('secret', join(shared, 'x', 'link'));
  });
  // Access times older than modification times, so that any read or listing moves them (relatime); then
  // the sentinel as it must stay.
  const arm = () => {
    const old = new Date('2001-01-01T00:00:00Z'), mod = new Date('2002-02-02T00:00:00Z');
    for (const n of ['secret', 'only-in-sentinel', 'prog', 'd-1', '']) utimesSync(join(sentinel, n), old, mod);
    before_ = snapshot(sentinel);
  };
  after(() => { if (outer) rmSync(outer, { recursive: true, force: true }); });

  const victimRun = () => {
    const s = lstatSync(join(sentinel, 'secret'));
    return run(process.execPath, [xosCli, 'run', '--root', root, '--mount', `${shared}:/mnt`, '--env', 'PATH=/bin',
      '/bin/prog', '/mnt', SEED, String(MS), String(s.dev), String(s.ino)], MS + 60_000);
  };
  const check = (label: string, v: Run, attacker: Run) => {
    assert.equal(v.status, 0, `${label}: the victim failed: ${v.stderr}`);
    assert.equal(attacker.status, 0, `${label}: the attacker failed: ${attacker.stderr}`);
    assert.ok(!v.stdout.includes('LEAK') && !v.stdout.includes('SENTINEL'), `${label}: the guest reached the sentinel:\n${v.stdout}`);
    assert.deepEqual(snapshot(sentinel), before_, `${label}: the sentinel changed or was read`);
    assert.equal(readFileSync(join(sentinel, 'secret'), 'utf8'), SECRET);
    assert.deepEqual(readdirSync(sentinel).sort(), SENTINEL_NAMES.slice(1).sort());
    assert.deepEqual(readdirSync(outer).sort(), ['root', 'root2', 'sentinel', 'shared'], `${label}: something appeared beside the root`);
    const ops = Number(/ops (\d+)/.exec(v.stdout)?.[1] ?? 0), swaps = Number(/swaps (\d+)/.exec(attacker.stdout)?.[1] ?? 0);
    const failed = Number(/failed (\d+)/.exec(v.stdout)?.[1] ?? 0);
    assert.ok(ops > 100 && swaps > 100, `${label}: too little happened to test anything (${ops} calls, ${swaps} swaps)`);
    return { ops, swaps, failed };
  };

  it('holds against a second machine swapping the component', async (t) => {
    arm();
    const attacker = run(process.execPath, [xosCli, 'run', '--root', root2, '--mount', `${shared}:/mnt`, '--env', 'PATH=/bin',
      '/bin/prog', '/mnt', sentinel, '../sentinel', String(MS + 2000)], MS + 60_000);
    const v = await victimRun();
    const a = await attacker;
    const n = check('second machine', v, a);
    t.diagnostic(`${n.ops} calls (${n.failed} failed) against ${n.swaps} swaps`);
  });

  it('holds against a host process swapping the component', async (t) => {
    arm();
    const attacker = run(swap, [shared, sentinel, '../sentinel', String(MS + 1000)], MS + 60_000);
    const v = await victimRun();
    const a = await attacker;
    const n = check('host process', v, a);
    t.diagnostic(`${n.ops} calls (${n.failed} failed) against ${n.swaps} swaps`);
  });
});
