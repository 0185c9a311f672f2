// Differential tests: each C program in test/c, built with glibc and with
// musl (static), must give the same stdout and exit status under xos as
// natively.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIBCS, buildC, skipReason } from './lib/build-c.js';
import { assertSameRun, runBoth, type RunOptions } from './lib/run.js';
import { hostFlags, hostIsAmd } from './lib/host-cpu.js';

interface Case {
  name: string;
  args?: string[];
  cflags?: string[]; // after -O2 -static (e.g. -march=x86-64-v3)
  opts?: RunOptions;
  status?: number; // the native run's exit status (default 0): a program that fails natively tests nothing
  cpu?: string; // a /proc/cpuinfo flag the host needs (for the native run)
}

// nullwrite, alloc and loop are exercised by bad-input.test.ts and api.test.ts.
const CASES: Case[] = [
  { name: 'integers' },
  { name: 'strings' },
  { name: 'qsort' },
  { name: 'floats' },
  { name: 'setjmp' },
  { name: 'mmap' },
  { name: 'mmap-shared' }, // makes its own directory under /tmp with mkdtemp; shm_open in /dev/shm
  { name: 'signals', status: 3 }, // exits with status 3 on purpose
  { name: 'clocks' },
  { name: 'files' }, // makes its own directory under /tmp with mkdtemp
  { name: 'fs-edge' },
  { name: 'bad-args' }, // huge lengths and offsets (mincore, pread/pwrite/lseek beyond 2^53, tmpfs hole punching)
  { name: 'fs-inotify' }, // in a mkdtemp directory under /tmp
  { name: 'fs-locks' },
  { name: 'fs-fifo' }, // named pipes in /tmp (host directory) and /dev/shm (tmpfs) // fcntl record and OFD locks, flock, between processes
  { name: 'fs-chroot' }, // as root; a private mount namespace natively (unshare)
  { name: 'fs-mount' }, // as root, in a private mount namespace natively
  { name: 'fs-tmpfile' },
  { name: 'fs-rename' },
  { name: 'fs-identity' }, // a renamed or removed cwd and dirfd, in mkdtemp directories under /tmp and /dev/shm
  { name: 'fs-sysfs' },
  { name: 'fs-pivot' }, // pivots in a child, and back
  { name: 'fs-mountns' },
  { name: 'sse-int' },
  { name: 'sse-float' },
  { name: 'sse-plain' },
  { name: 'sse-align' },
  { name: 'mmx' },
  { name: 'proc-creds' }, // runs as root, as CI does
  { name: 'proc-jobs' },
  { name: 'proc-execveat' },
  { name: 'proc-sched' },
  { name: 'poll-pipes' },
  { name: 'poll-epoll' },
  { name: 'poll-signals' },
  { name: 'poll-fdevents' }, // timerfd and signalfd
  { name: 'unix-sockets' },
  { name: 'unix-scm' },
  { name: 'unix-fork' },
  // TCP, UDP and their options over the machine's loopback (natively: the host's)
  { name: 'net-inet' },
  // processes, threads, signals (issue 3)
  { name: 'proc-fork' },
  { name: 'proc-exec' }, // execs itself (/proc/self/exe); #! scripts in a mkdtemp dir under /tmp
  { name: 'proc-threads' },
  { name: 'proc-siginfo' },
  { name: 'proc-sigwait' }, // timers and sleeps: a few seconds
  { name: 'proc-pgrp' },
  { name: 'proc-pidfd' },
  { name: 'proc-txtbsy' }, // ETXTBSY; a copy of itself in a mkdtemp dir under /tmp
  { name: 'proc-argmax' }, // 10,000 and 100,000 arguments; E2BIG beyond ARG_MAX and MAX_ARG_STRLEN
  { name: 'proc-init' },
  { name: 'proc-rlimit-cpu' }, // SIGXCPU then SIGKILL: about 2 s of CPU // init's signal rules; natively pid 1 of a new pid namespace (as root)
  { name: 'proc-files' }, // /proc/self/limits, fdinfo, task, thread-self, /proc/sys
  { name: 'ipc-sysv' },
  // Linux's fine print (issue 16)
  { name: 'proc-state' },
  { name: 'proc-fdinfo' },
  { name: 'proc-sysctl' },
  { name: 'proc-policy' },
  { name: 'pipe-splice' }, // splice, tee, vmsplice, sync_file_range; in a mkdtemp directory under /tmp
  { name: 'mm-checks' },
  { name: 'futex-waitv', cflags: ['-pthread'] },
  { name: 'ipc-mqueue' },
  { name: 'ipc-mq-thread', cflags: ['-pthread'] }, // mq_notify SIGEV_THREAD: the C library's netlink helper thread gets the kernel's cookie
  { name: 'proc-signals-fine', cflags: ['-pthread'] },
  { name: 'proc-pdeathsig' }, // PR_SET_PDEATHSIG: the signal when the parent ends; PR_GET_PDEATHSIG
  { name: 'fs-fcntl' },
  { name: 'fs-dnotify' }, // F_NOTIFY: signals counted per change (a real-time signal queues one each); in a mkdtemp directory under /tmp
  { name: 'fs-lease' }, // as root: lease breaking, EWOULDBLOCK, F_GETLEASE during a break; sets lease-break-time to 1 s and back
  { name: 'proc-ptrace' },
  { name: 'proc-caps' },
  { name: 'fs-devnodes' },
  { name: 'fp-traps' }, // SIGFPE with the right si_code for unmasked SSE and x87 exceptions // as root, in a private mount namespace: EROFS on a read-only tmpfs, mknod of devices // as root: capget/capset, bounding and ambient sets, setuid with and without KEEPCAPS, setfsuid // TRACEME, syscall stops, PEEK/POKE, regs, single-step, int3, fork events, ATTACH/SEIZE/INTERRUPT // EDEADLK, F_SETOWN(_EX)/F_SETSIG with O_ASYNC, leases; in a mkdtemp directory under /tmp // sigwaitinfo of an unblocked signal, PR_SET_NAME, empty argv, syscall(-1) // POSIX message queues and /dev/mqueue (as root: mounts it natively if absent) // futex_waitv; an interrupted FUTEX_WAIT leaves no waiter // madvise, MAP_SHARED_VALIDATE, mprotect/mremap/mmap/mincore rules, mseal, remap_file_pages, pkeys // as root: scheduling policies, sched_setattr, nice across users, affinity // as root; in IPC and UTS namespaces of its own natively // eventfd, signalfd, timerfd, inotify and epoll lines of /proc/self/fdinfo // S/T/Z in /proc, CPU time in times/getrusage/clocks/itimers, smaps, pagemap // System V shared memory, semaphores, message queues
  // pseudo-terminals (issue 4)
  { name: 'pty-line', cflags: ['-lutil'] },
  { name: 'pty-jobs', cflags: ['-lutil'] }, // forkpty, job control, SIGHUP
  { name: 'pty-poll', cflags: ['-lutil'] },
  { name: 'pty-modes', cflags: ['-lutil'] },
  { name: 'pty-shell', cflags: ['-lutil'] }, // /bin/sh -i: job control as a user at a terminal sees it
  { name: 'x87-arith' },
  { name: 'x87-asm' },
  { name: 'isa-sse4', cflags: ['-msse4.2', '-maes', '-mpclmul'] },
  { name: 'isa-bmi', cflags: ['-mbmi', '-mbmi2', '-madx', '-mlzcnt', '-mpopcnt'] },
  // (an AMD host: DPPS NaN lanes compared as NaN, not by payload; see test/cpu/gen.mjs, AMD_DIFFERENCES)
  { name: 'isa-avx', cflags: ['-mavx2', '-mf16c', '-mbmi', '-mbmi2'], args: hostIsAmd ? ['--dp-nan'] : [] },
  { name: 'isa-fma', cflags: ['-mavx2', '-mfma'] },
  { name: 'isa-sha', cflags: ['-msha', '-msse4.1'], cpu: 'sha_ni' },
  { name: 'isa-lock' }, // LOCK on a register or non-lockable instruction: SIGILL, ILL_ILLOPN
  { name: 'isa-strings' }, // glibc's AVX2 string functions next to unmapped pages
  { name: 'sse-float', cflags: ['-march=x86-64-v3'] }, // the same checks through VEX encodings
  { name: 'strings', cflags: ['-march=x86-64-v3'] },
  // self-modifying code and faults in hot loops (with the JIT on: test/jit.test.ts)
  { name: 'jit-smc' },
  { name: 'jit-fault' },
  { name: 'jit-compute' },
];

// Every program with each libc as the suite runs xos (the JIT on, unless XOS_JIT=0), and once more
// with glibc and the JIT off: the interpreter, which runs whatever is not hot, stays tested whole.
const RUNS = [...LIBCS.map((libc) => ({ libc, off: false })), ...(process.env.XOS_JIT === '0' ? [] : [{ libc: 'glibc' as const, off: true }])];
for (const { libc, off } of RUNS) {
  describe(`C programs, ${libc} static${off ? ', JIT off' : ''}`, { concurrency: 2 }, () => {
    for (const c of CASES) {
      const skip = skipReason(libc) || (c.cpu && !hostFlags.has(c.cpu) ? `the host CPU lacks ${c.cpu}` : false);
      it(c.name + (c.cflags ? ` ${c.cflags.join(' ')}` : ''), { skip }, async () => {
        const exe = await buildC(c.name, libc, c.cflags ?? []);
        const opts = off ? { ...c.opts, hostEnv: { ...c.opts?.hostEnv, XOS_JIT: '0' } } : c.opts;
        const { native, xos } = await runBoth([exe, ...(c.args ?? [])], opts);
        assert.equal(native.status, c.status ?? 0, `${c.name} (${libc}): the native run itself failed:\n${native.stderr}`);
        assertSameRun(native, xos, `${c.name} (${libc}${off ? ', JIT off' : ''})`);
      });
    }
  });
}
