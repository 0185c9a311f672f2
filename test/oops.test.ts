// The machine survives its own bugs: an exception inside a syscall handler or
// the page-fault handler kills only the calling guest process (as a Linux oops
// does), prints one `xos: internal error in NAME` line, and the machine goes
// on. The bugs are injected on purpose ($XOS_INJECT_BUG names where). Errors on
// xos's own stdout become the guest's errno, as they would for a native
// program whose stdout is that file.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, closeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { getBusybox } from './lib/busybox.js';
import { buildC, skipReason } from './lib/build-c.js';
import { runNative, runXos, xosCommand } from './lib/run.js';

let busybox = '';
before(async () => { busybox = await getBusybox(); });

const errorLines = (s: Buffer) => s.toString().split('\n').filter((l) => l.startsWith('xos: internal error'));

describe('a bug of xos kills only the process that met it', () => {
  it('in a syscall handler: the caller dies of SIGSEGV, its shell goes on', async () => {
    const r = await runXos([busybox, 'sh', '-c', 'uptime >/dev/null; echo "status $?"; echo after'], { hostEnv: { XOS_INJECT_BUG: 'sysinfo' } });
    assert.equal(r.stdout.toString(), 'status 139\nafter\n', r.stderr.toString());
    assert.equal(r.status, 0);
    const lines = errorLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr.toString());
    assert.match(lines[0], /^xos: internal error in sysinfo: Error: a bug injected for testing at \S+:\d+ \(process \d+ /);
    assert.doesNotMatch(r.stderr.toString(), /^\s+at /m, 'no stack without XOS_DEBUG');
  });

  it('with XOS_DEBUG=1 the stack follows', async () => {
    const r = await runXos([busybox, 'sh', '-c', 'uptime >/dev/null; echo "status $?"'], { hostEnv: { XOS_INJECT_BUG: 'sysinfo', XOS_DEBUG: '1' } });
    assert.equal(r.stdout.toString(), 'status 139\n');
    assert.equal(errorLines(r.stderr).length, 1);
    assert.match(r.stderr.toString(), /^\s+at .*syscall/m);
  });

  it('in the page-fault handler: the faulting child dies, its parent goes on', { skip: skipReason('glibc') }, async () => {
    const exe = await buildC('oops-fault', 'glibc');
    const native = await runNative([exe]);
    assert.equal(native.stdout.toString(), 'child: exit 0\nparent goes on\n');
    const r = await runXos([exe], { hostEnv: { XOS_INJECT_BUG: 'fault:0x7e0000000000' } });
    assert.equal(r.stdout.toString(), 'child: signal 11\nparent goes on\n', r.stderr.toString());
    assert.equal(r.status, 0);
    const lines = errorLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr.toString());
    assert.match(lines[0], /internal error in a page fault: .*\(process \d+ oops-fault/);
  });

  it('init itself: the run ends with its status, xos does not crash', async () => {
    const r = await runXos([busybox, 'uptime'], { hostEnv: { XOS_INJECT_BUG: 'sysinfo' } });
    assert.equal(r.status, 128 + 11);
    assert.equal(errorLines(r.stderr).length, 1, r.stderr.toString());
    assert.doesNotMatch(r.stderr.toString(), /^\s+at /m);
  });
});

// xos's stdout is a host file: its errors are the guest's, as natively.
describe("errors on xos's own stdout", () => {
  const cases: [string, () => number][] = [
    ['/dev/full (ENOSPC)', () => openSync('/dev/full', 'w')],
    ['a descriptor open only for reading (EBADF)', () => openSync('/dev/null', 'r')],
  ];
  for (const [name, open] of cases) {
    it(name, () => {
      const run = (argv: string[]) => {
        const fd = open();
        try {
          return spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', fd, 'pipe'], env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
        } finally { closeSync(fd); }
      };
      const native = run([busybox, 'echo', 'hello']);
      const [node, ...args] = [process.execPath, ...xosCommand([busybox, 'echo', 'hello'])];
      const xos = run([node, ...args]);
      assert.equal(native.status, 1);
      assert.equal(xos.status, native.status, xos.stderr.toString());
      assert.equal(xos.stderr.toString(), native.stderr.toString());
    });
  }
});
