// --memory bounds the machine: a guest that fills one resource (guest memory,
// a tmpfs it mounts, a --tmpfs, the image's overlay, empty files, a pipe, a
// socket, one huge read) is refused with the errno Linux gives (ENOSPC,
// ENOMEM, ENOBUFS) and the host's peak RSS of xos stays within the budget plus
// the fixed overhead the README states. The guest prints DONE once refused and
// waits; the test then reads VmHWM from /proc/PID/status and kills it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, closeSync, openSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBusybox } from './lib/busybox.js';
import { buildC, skipReason } from './lib/build-c.js';
import { guestRoot, xosCli } from './lib/root.js';

const MiB = 2 ** 20;
// What xos itself may take beyond --memory (README: "within --memory plus 128 MiB").
const OVERHEAD = 128 * MiB;

interface Peak { hwm: number; stdout: string; stderr: string; status: number | null }

// Runs `xos run ARGS`; at DONE on stdout, the process's peak RSS (VmHWM), then SIGKILL.
function peakRss(args: string[], timeoutMs = 120_000): Promise<Peak> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [xosCli, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', hwm = -1;
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (hwm < 0 && stdout.includes('DONE')) {
        try { hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${c.pid}/status`, 'utf8'))![1]) * 1024; } catch { hwm = -2; }
        c.kill('SIGKILL');
      }
    });
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.on('error', reject);
    c.on('close', (status) => { clearTimeout(timer); resolve({ hwm, stdout, stderr, status }); });
  });
}

function assertBounded(p: Peak, memory: number, expect: RegExp): void {
  const where = `\nstdout: ${p.stdout}\nstderr: ${p.stderr.slice(-2000)}`;
  assert.ok(p.hwm > 0, `the guest never printed DONE (status ${p.status})${where}`);
  console.log(`host RSS peak ${Math.round(p.hwm / MiB)} MiB with --memory ${memory / MiB} MiB (${expect.source})`);
  assert.match(p.stdout + p.stderr, expect, `not refused as expected${where}`);
  assert.ok(p.hwm <= memory + OVERHEAD,
    `host RSS peaked at ${Math.round(p.hwm / MiB)} MiB, more than --memory ${memory / MiB} MiB + ${OVERHEAD / MiB} MiB${where}`);
}

describe('--memory bounds the host memory xos takes', { concurrency: 2, skip: skipReason('glibc') }, () => {
  let fill = '', busybox = '', work = '', image = '', sparse = '';
  before(async () => {
    fill = await buildC('fill', 'glibc');
    busybox = await getBusybox();
    work = mkdtempSync(join(tmpdir(), 'xos-limits-'));
    // a small image: busybox and the fill program
    const root = join(work, 'image');
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'tmp'));
    copyFileSync(busybox, join(root, 'bin', 'busybox'));
    copyFileSync(fill, join(root, 'bin', 'fill'));
    image = join(work, 'image.tar');
    writeFileSync(image, execFileSync('tar', ['-C', root, '--numeric-owner', '-cf', '-', '.'], { maxBuffer: 64 * MiB }));
    sparse = join(work, 'sparse-1g');
    const fd = openSync(sparse, 'w');
    ftruncateSync(fd, 1024 * MiB);
    closeSync(fd);
  });
  after(() => { if (work) rmSync(work, { recursive: true, force: true }); });

  const root = () => ['--root', guestRoot];
  it('guest memory (256M): malloc fails', async () => {
    assertBounded(await peakRss(['--memory', '256M', ...root(), fill, 'memory']), 256 * MiB, /memory: malloc failed after some blocks/);
  });
  it('a tmpfs the guest mounts with size=100g (256M): ENOSPC', async () => {
    const p = await peakRss(['--memory', '256M', ...root(), busybox, 'sh', '-c',
      `mount -t tmpfs -o size=100g none /mnt && ${fill} write /mnt/f 1024`]);
    assertBounded(p, 256 * MiB, /write: No space left on device/);
  });
  it('--tmpfs (256M): ENOSPC', async () => {
    assertBounded(await peakRss(['--memory', '256M', '--tmpfs', '/mnt', ...root(), fill, 'write', '/mnt/f', '1024']), 256 * MiB,
      /write: No space left on device/);
  });
  it("the image's overlay in memory (256M): ENOSPC", async () => {
    assertBounded(await peakRss(['--memory', '256M', '--image', image, '/bin/fill', 'write', '/big', '1024']), 256 * MiB,
      /write: No space left on device/);
  });
  it('empty files on a --tmpfs (64M): ENOSPC', async () => {
    assertBounded(await peakRss(['--memory', '64M', '--tmpfs', '/mnt', ...root(), fill, 'files', '/mnt']), 64 * MiB,
      /files: No space left on device after more than 1000/);
  });
  it("empty files in the image's overlay (64M): ENOSPC", async () => {
    assertBounded(await peakRss(['--memory', '64M', '--image', image, '/bin/fill', 'files', '/tmp']), 64 * MiB,
      /files: No space left on device after more than 1000/);
  });
  it('a pipe grown to 1 GiB (64M): ENOMEM', async () => {
    assertBounded(await peakRss(['--memory', '64M', ...root(), fill, 'pipe', '1024']), 64 * MiB, /pipe: Cannot allocate memory/);
  });
  it('a unix socket with a 1 GiB send buffer (64M): ENOBUFS', async () => {
    assertBounded(await peakRss(['--memory', '64M', ...root(), fill, 'socket', '1024']), 64 * MiB, /socket: No buffer space available/);
  });
  it('one read(2) of 1 GiB from a host file (64M): short, in pieces', async () => {
    assertBounded(await peakRss(['--memory', '64M', ...root(), fill, 'read', sparse, '1024']), 64 * MiB, /read: short/);
  });
  it('one read(2) of 1 GiB from a host file (2G): all of it, not twice over', async () => {
    assertBounded(await peakRss(['--memory', '2G', ...root(), fill, 'read', sparse, '1024']), 1024 * MiB + 64 * MiB, /read: all of it/);
  });
});

