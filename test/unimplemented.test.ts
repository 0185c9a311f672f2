// An instruction xos does not decode: the guest gets SIGILL (as it does
// natively for this instruction, which is invalid in user mode), and xos
// reports it once on stderr with its bytes and the guest's RIP.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildElf64, cachedExecutable } from './lib/elf-writer.js';
import { spawnSync } from 'node:child_process';
import { runNative, runXos } from './lib/run.js';
import { xosCli } from './lib/root.js';
import { MAX_REPORTS } from '../src/kernel/report.js';
import { buildC, skipReason } from './lib/build-c.js';

// GETSEC (0f 37) twice: SMX is off in user mode, so the CPU raises #UD.
const code = new Uint8Array([0x0f, 0x37, 0x0f, 0x37]);

describe('unimplemented instruction', () => {
  it('raises SIGILL in the guest and is reported once', async () => {
    const exe = cachedExecutable('getsec', buildElf64({ code }));
    const native = await runNative([exe]);
    const xos = await runXos([exe]);
    assert.equal(native.status, 128 + 4, 'natively the instruction raises SIGILL');
    assert.equal(xos.status, native.status);
    const lines = xos.stderr.toString().split('\n').filter((l) => l.startsWith('xos: unimplemented instruction'));
    assert.equal(lines.length, 1, xos.stderr.toString());
    assert.match(lines[0], /0f 37/);
    assert.match(lines[0], /rip 0x[0-9a-f]+/);
  });
});

describe('many unimplemented syscalls', () => {
  // Only under xos: the calls xos lacks are real Linux calls (reboot, bpf, kexec_load…), not to be
  // made natively as root with made-up arguments. Linux answers a call it lacks with ENOSYS.
  it('ENOSYS each; each reported once, and the reports stop at a cap', { skip: skipReason('glibc') }, async () => {
    const exe = await buildC('enosys-many', 'glibc');
    const table = spawnSync(process.execPath, [xosCli, 'syscalls'], { encoding: 'utf8' }).stdout;
    const missing = table.split('\n').map((l) => /^\s*(\d+)\s+\S+\s+missing\b/.exec(l)?.[1]).filter((n): n is string => !!n);
    assert.ok(missing.length > MAX_REPORTS, `only ${missing.length} missing calls: too few to reach the cap`);
    const xos = await runXos([exe, ...missing]);
    assert.equal(xos.status, 0, xos.stderr.toString());
    assert.equal(xos.stdout.toString(), `ENOSYS ${missing.length}, other 0\n`);
    const lines = xos.stderr.toString().split('\n').filter((l) => l.startsWith('xos: '));
    assert.equal(lines.length, MAX_REPORTS + 1, xos.stderr.toString());
    assert.match(lines.at(-1) ?? '', /more than \d+ reports/);
    assert.equal(new Set(lines).size, lines.length, 'each reported once');
  });
});
