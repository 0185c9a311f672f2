// The debugger (issue 14): Debian's gdb in batch mode against `xos run -g PORT`,
// and natively on the same binary with the same commands; the normalised outputs
// must match (test/lib/gdb.ts says what is normalised). test/c/gdb-target.c is the
// program: breakpoints, single steps, `next`/`finish`, registers of every kind
// (general, flags, x87, SSE, AVX), memory read and written, a watchpoint, the
// threads of a program, signal stops and passing a signal on; then a dynamic
// program in the Debian root, whose libraries gdb finds through the stub.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildC, hasCommand, skipReason, type Libc } from './lib/build-c.js';
import { cSourceDir } from './lib/root.js';
import { getDebianRoot, debianSkipReason } from './lib/debian-root.js';
import { RUN, after, gdbNative, gdbXos, normalise, type GdbSession } from './lib/gdb.js';

const CFLAGS = ['-g', '-O0'];
const noGdb = hasCommand('gdb') ? false : 'gdb not found (apt-get install gdb)';

function compare(what: string, native: GdbSession, xos: GdbSession & { xos: string }, marker: string, also = (s: string) => s): void {
  assert.ok(!native.timedOut, `${what}: native gdb timed out:\n${native.out}`);
  assert.ok(!xos.timedOut, `${what}: gdb against xos timed out:\n${xos.out}\nxos:\n${xos.xos}`);
  const a = also(after(normalise(native.out), marker)), b = also(after(normalise(xos.out), marker));
  assert.equal(b, a, `${what}: gdb's output against xos differs from native\n--- xos said:\n${xos.xos}`);
}

// One session of `commands` natively and under xos; the outputs from `marker` on must match.
async function same(what: string, program: string, args: string[], commands: string[], marker: string,
  o: { prelude?: string[]; also?: (s: string) => string } = {}): Promise<string> {
  const n = await gdbNative(program, args, commands, o.prelude);
  const x = await gdbXos(program, args, commands, { file: program });
  compare(what, n, x, marker, o.also);
  return normalise(x.out);
}

for (const libc of ['glibc', 'musl'] as Libc[]) {
  describe(`gdb against xos -g (${libc}, static)`, { skip: noGdb || skipReason(libc) }, () => {
    let prog: string;
    before(async () => { prog = await buildC('gdb-target', libc, CFLAGS); });

    it('stops at a breakpoint, reads registers of every kind and memory, writes memory, single-steps', async () => {
      const out = await same('regs', prog, ['regs'], [
        'break checkpoint', RUN,
        'info registers rbx r12 r13 r14 r15 eflags cs ss fs_base',
        'p $xmm0', 'p $xmm1', 'p $ymm2.v4_double', 'p $ymm2.v8_int32', 'p $st0', 'p $st1', 'p/x $fctrl', 'p/x $fstat', 'p/x $ftag', 'p $mxcsr',
        'x/4xw &pattern', 'x/s message', 'p dvalues', 'p lvalues',
        'set var pattern[1] = 0x01020304', 'set var message[0] = 72', 'x/8xb &pattern', 'x/s message',
        'up', 'info registers rip', 'down',
        'stepi', 'info registers rip', 'stepi', 'stepi', 'x/i $pc',
        'break square', 'continue', 'bt', 'finish', 'next', 'p counter', 'continue',
      ], 'Breakpoint 1, ');
      assert.match(out, /rbx\s+0x1122334455667788/); // the session got that far
      assert.match(out, /exited normally/);
    });

    it('a watchpoint on a variable fires where it is written', async () => {
      // natively, gdb's software watchpoints (this machine's hypervisor may not give the
      // debug registers to guests): they stop at the same place, after the write
      const out = await same('watch', prog, ['watch'], [
        'break checkpoint', RUN, 'watch counter', 'continue', 'continue', 'info registers rip', 'delete', 'continue',
      ], 'Breakpoint 1, ', { prelude: ['set can-use-hw-watchpoints 0'] });
      assert.match(out, /Old value = 1\nNew value = 42/);
    });

    it('read and access watchpoints fire on reads (no native reference: the program says where)', async () => {
      const x = await gdbXos(prog, ['watch'], ['break checkpoint', RUN, 'rwatch counter', 'continue', 'continue', 'delete', 'awatch pattern[2]', 'continue', 'delete', 'continue'], { file: prog });
      const out = normalise(x.out);
      // `counter += 41` reads counter (it was 1), `pattern[2] = counter` reads it (42); then pattern[2] is written
      assert.match(out, /\nread watchpoint 2: counter\n\nValue = 1\n.* in watch \(\) at .*\n\d+ counter \+= 41;/, out);
      assert.match(out, /\nread watchpoint 2: counter\n\nValue = 42\n.* in watch \(\) at .*\n\d+ pattern\[2\] = counter;/, out);
      assert.match(out, /\naccess \(read\/write\) watchpoint 3: pattern\[2\]\n\nOld value = 2578103244\nNew value = 42\n/, out);
      assert.match(out, /exited normally/, out);
    });

    it('lists every thread, each in its own frame; reads another thread\'s registers', async () => {
      const out = await same('threads', prog, ['threads'], [
        'break checkpoint', RUN, 'info threads', 'thread 2', 'bt 2', 'thread 3', 'p arrived', 'thread 1', 'bt 1', 'kill',
      ], 'Thread 1 "gdb-target', {
        // where in its loop a spinning thread is differs from run to run: at a line's start gdb prints no address
        also: (s) => s.replace(/0x[0-9a-f]{16} in spin /g, 'spin '),
      });
      assert.match(out, /\n\* 1 +Thread T/);
      assert.match(out, / 3 +Thread T/);
    });

    it('stops on SIGSEGV where it happens, and the program dies of it when continued', async () => {
      const out = await same('segv', prog, ['segv'], ['break checkpoint', RUN, 'continue', 'info registers rip',
        'p $_siginfo.si_signo', 'p $_siginfo.si_code', 'p $_siginfo._sifields._sigfault.si_addr', 'continue'], 'Breakpoint 1, ');
      assert.match(out, /Program received signal SIGSEGV, Segmentation fault\./);
      assert.match(out, /Program terminated with signal SIGSEGV/);
    });

    it('a forked child (not debugged) runs through the parent\'s breakpoints', async () => {
      const out = await same('fork', prog, ['fork'], ['break square', RUN, 'bt 1', 'continue'], 'Breakpoint 1, ');
      assert.match(out, /Breakpoint 1, square \(x=2\)/); // the child's square(3) did not stop it (or kill it)
      assert.match(out, /exited normally/);
    });

    it('follows the process into a new program (exec)', async () => {
      const out = await same('exec', prog, ['exec'], ['break square', RUN, 'bt 1', 'info registers r14', 'continue'], 'process ');
      assert.match(out, /is executing new program/);
      assert.match(out, /Breakpoint 1, square \(x=7\)/);
    });

    it('calls a function in a thread waiting in a syscall, which then goes on waiting', async () => {
      const out = await same('block', prog, ['block'], ['break checkpoint', RUN, 'thread 1', 'p square(5)', 'p $_siginfo.si_signo', 'continue'],
        'Thread 2 "gdb-target', { also: (s) => s.replace(/^(Thread 2 .* hit Breakpoint 1, ).*$/m, '$1') });
      assert.match(out, /\$1 = 25/);
      assert.match(out, /exited normally/); // read() got its byte: the call was not cut short
    });

    it('stops on a signal and passes it on to the program\'s handler', async () => {
      const out = await same('usr1', prog, ['usr1'], ['break on_usr1', RUN, 'continue', 'bt 1', 'continue'], 'Program received');
      assert.match(out, /Breakpoint 1, on_usr1 \(sig=10\)/);
      assert.match(out, /exited normally/);
    });
  });
}

describe('gdb against xos -g: a dynamic program in the Debian root', { skip: noGdb || debianSkipReason() }, () => {
  it('finds the libraries (through qXfer:libraries-svr4 and vFile) and their symbols', async () => {
    const root = await getDebianRoot();
    const dir = mkdtempSync(join(tmpdir(), 'xos-gdb-'));
    try {
      const prog = join(dir, 'gdb-target');
      execFileSync('gcc', [...CFLAGS, '-o', prog, join(cSourceDir, 'gdb-target.c')]);
      const commands = ['break square', RUN, 'bt', 'info sharedlibrary', 'p printf', 'info symbol printf', 'p (long)square(3)', 'finish', 'kill'];
      const native = await gdbNative(prog, ['regs'], commands);
      // gdb has no local file: it takes the program and its libraries from the target
      const x = await gdbXos('/mnt/gdb-target', ['regs'], commands, { xosArgs: ['--root', root.dir, '--mount', `${dir}:/mnt:ro`] });
      // library addresses differ (the host's mmap layout is not xos's)
      const mask = (s: string) => s.replace(/0x00007fff[0-9a-f]{8}|0x7fff[0-9a-f]{8}/g, '0x7fff________').replace(/\/mnt|\/tmp\/xos-gdb-\w+/g, 'DIR');
      assert.ok(!x.timedOut, x.out);
      assert.equal(mask(after(normalise(x.out), 'Breakpoint 1, ')), mask(after(normalise(native.out), 'Breakpoint 1, ')), `xos said:\n${x.xos}`);
      assert.match(x.out, /libc\.so\.6/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
