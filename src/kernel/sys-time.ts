// Time syscalls: clock_gettime, clock_getres, gettimeofday, time, nanosleep, clock_nanosleep, times, getrusage.
import type { SyscallDef, Handler } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { CpuTimes, Task } from './task.js';
import type { Args } from './args.js';
import { Blocked, resumed } from '../base/wait.js';
import { EINVAL, EFAULT, EOPNOTSUPP } from '../base/errno.js';

const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
  CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
const TIMER_ABSTIME = 1;

function clockNs(k: Kernel, id: number, t?: Task): bigint | undefined {
  switch (id) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_REALTIME_ALARM: case CLOCK_TAI: return k.host.realtimeNs();
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: case CLOCK_BOOTTIME_ALARM:
      return k.host.monotonicNs();
    case CLOCK_PROCESS_CPUTIME_ID: return t ? cpuNs(t.proc.cpuTime(), CPUCLOCK_SCHED) : undefined;
    case CLOCK_THREAD_CPUTIME_ID: return t ? cpuNs(t.cpu, CPUCLOCK_SCHED) : undefined;
  }
  return id < 0 && t ? cpuClockNs(k, id, t) : undefined;
}
// A CPU-time clock of another process or thread (clock_getcpuclockid, pthread_getcpuclockid):
// ~pid << 3, | 4 for a thread, | 0, 1 or 2 for profiling (user + system), virtual (user) or scheduler time.
const CPUCLOCK_PROF = 0, CPUCLOCK_VIRT = 1, CPUCLOCK_SCHED = 2, CPUCLOCK_PERTHREAD = 4;
function cpuClockNs(k: Kernel, id: number, t: Task): bigint | undefined {
  const which = id & 3, pid = ~(id >> 3);
  if (which === 3) return undefined;
  if (id & CPUCLOCK_PERTHREAD) {
    const x = pid === 0 ? t : t.proc.threads.find((y) => y.tid === pid);
    return x ? cpuNs(x.cpu, which) : undefined;
  }
  const p = pid === 0 ? t.proc : k.processes.get(pid);
  return p ? cpuNs(p.cpuTime(), which) : undefined;
}
function cpuNs(c: CpuTimes, which: number): bigint {
  return BigInt(Math.floor(which === CPUCLOCK_VIRT ? c.user : c.user + c.system));
}
function timespec(ns: bigint): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, ns / 1_000_000_000n, true);
  dv.setBigInt64(8, ns % 1_000_000_000n, true);
  return b;
}
function readTimespec(t: Task, addr: number): bigint | number {
  const b = t.proc.mm.read(addr, 16);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const s = dv.getBigInt64(0, true), ns = dv.getBigInt64(8, true);
  if (s < 0n || ns < 0n || ns >= 1_000_000_000n) return -EINVAL;
  return s * 1_000_000_000n + ns;
}

const sysClockGettime: Handler = (t, a, k) => {
  const ns = clockNs(k, a.i(0), t);
  if (ns === undefined) return -EINVAL;
  return t.proc.mm.write(a.u(1), timespec(ns)) ? 0 : -EFAULT;
};
const sysClockGetres: Handler = (t, a, k) => {
  const id = a.i(0);
  if (clockNs(k, id, t) === undefined) return -EINVAL;
  if (!a.u(1)) return 0;
  const coarse = id === CLOCK_REALTIME_COARSE || id === CLOCK_MONOTONIC_COARSE;
  return t.proc.mm.write(a.u(1), timespec(coarse ? 4_000_000n : 1n)) ? 0 : -EFAULT;
};
const sysGettimeofday: Handler = (t, a, k) => {
  if (a.u(0)) {
    const ns = k.host.realtimeNs();
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, ns / 1_000_000_000n, true);
    dv.setBigInt64(8, (ns % 1_000_000_000n) / 1000n, true);
    if (!t.proc.mm.write(a.u(0), b)) return -EFAULT;
  }
  if (a.u(1) && !t.proc.mm.write(a.u(1), new Uint8Array(8))) return -EFAULT;
  return 0;
};
const sysTime: Handler = (t, a, k) => {
  const s = k.host.realtimeNs() / 1_000_000_000n;
  if (a.u(0)) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, s, true);
    if (!t.proc.mm.write(a.u(0), b)) return -EFAULT;
  }
  return Number(s);
};

// Sleep until `clock` reaches `until`; the deadline is kept in the wait, across the call's re-runs.
function sleepUntil(k: Kernel, clock: number, until: bigint): number | Blocked {
  const now = clockNs(k, clock)!;
  if (now >= until) return 0;
  return new Blocked({ kind: 'sleep', clock, until }, [], { ns: k.host.monotonicNs() + (until - now) });
}
const sysNanosleep: Handler = (t, a, k) => {
  const prev = resumed(t, 'sleep');
  if (prev) return sleepUntil(k, prev.clock, prev.until);
  const d = readTimespec(t, a.u(0));
  if (typeof d === 'number') return d;
  return sleepUntil(k, CLOCK_MONOTONIC, k.host.monotonicNs() + d);
};
const sysClockNanosleep: Handler = (t, a, k) => {
  const clock = a.i(0), flags = a.i(1);
  if (clock === CLOCK_THREAD_CPUTIME_ID || (clock < 0 && clock & CPUCLOCK_PERTHREAD)) return -EINVAL;
  if (clock === CLOCK_PROCESS_CPUTIME_ID || clock < 0) return clockNs(k, clock, t) === undefined ? -EINVAL : -EOPNOTSUPP;
  if (clockNs(k, clock) === undefined) return -EINVAL;
  const prev = resumed(t, 'sleep');
  if (prev) return sleepUntil(k, prev.clock, prev.until);
  const d = readTimespec(t, a.u(2));
  if (typeof d === 'number') return d;
  return sleepUntil(k, clock, flags & TIMER_ABSTIME ? d : clockNs(k, clock)! + d);
};
// An interrupted relative sleep: the time left, into `rem` if given.
function writeRemaining(t: Task, k: Kernel, clock: number, rem: number): void {
  const prev = resumed(t, 'sleep');
  if (!rem || !prev) return;
  let left = prev.until - clockNs(k, clock)!;
  if (left < 0n) left = 0n;
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, left / 1_000_000_000n, true);
  dv.setBigInt64(8, left % 1_000_000_000n, true);
  t.proc.mm.write(rem, b);
}
const nanosleepInterrupted = (t: Task, a: Args, k: Kernel) => writeRemaining(t, k, CLOCK_MONOTONIC, a.u(1));
const clockNanosleepInterrupted = (t: Task, a: Args, k: Kernel) => {
  if (!(a.i(1) & TIMER_ABSTIME)) writeRemaining(t, k, a.i(0), a.u(3));
};
// times(2): clock ticks (USER_HZ, 100 a second) of CPU time, the process's and its collected children's.
const ticks = (ns: number) => BigInt(Math.floor(ns / 10_000_000));
const sysTimes: Handler = (t, a, k) => {
  if (a.u(0)) {
    const own = t.proc.cpuTime(), kids = t.proc.childTimes;
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    [own.user, own.system, kids.user, kids.system].forEach((ns, i) => dv.setBigInt64(i * 8, ticks(ns), true));
    if (!t.proc.mm.write(a.u(0), b)) return -EFAULT;
  }
  return Number(k.host.monotonicNs() / 10_000_000n);
};
// struct rusage: user and system time, maxrss (KiB), and the context switches.
export function rusageBytes(c: CpuTimes, maxRssKb: number, voluntary = 0, involuntary = 0): Uint8Array {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  const tv = (o: number, ns: number) => { const us = Math.floor(ns / 1000); dv.setBigInt64(o, BigInt(Math.floor(us / 1e6)), true); dv.setBigInt64(o + 8, BigInt(us % 1e6), true); };
  tv(0, c.user);
  tv(16, c.system);
  dv.setBigInt64(32, BigInt(maxRssKb), true);
  dv.setBigInt64(128, BigInt(voluntary), true);
  dv.setBigInt64(136, BigInt(involuntary), true);
  return b;
}
const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
const sysGetrusage: Handler = (t, a) => {
  const who = a.i(0), p = t.proc;
  let b: Uint8Array;
  if (who === RUSAGE_CHILDREN) b = rusageBytes(p.childTimes, p.childMaxRssKb);
  else if (who === RUSAGE_SELF || who === RUSAGE_THREAD) {
    p.maxRssKb = Math.max(p.maxRssKb, p.mm.resident() * 4);
    const threads = who === RUSAGE_SELF ? p.threads : [t];
    b = rusageBytes(who === RUSAGE_SELF ? p.cpuTime() : t.cpu, p.maxRssKb,
      threads.reduce((n, x) => n + x.voluntarySwitches, 0), threads.reduce((n, x) => n + x.involuntarySwitches, 0));
  } else return -EINVAL;
  return t.proc.mm.write(a.u(1), b) ? 0 : -EFAULT;
};

export const timeSyscalls: SyscallDef[] = [
  { nr: 228, name: 'clock_gettime', handler: sysClockGettime, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 229, name: 'clock_getres', handler: sysClockGetres, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 96, name: 'gettimeofday', handler: sysGettimeofday, args: ['ptr', 'ptr'], status: 'implemented' },
  { nr: 201, name: 'time', handler: sysTime, args: ['ptr'], status: 'implemented' },
  { nr: 35, name: 'nanosleep', handler: sysNanosleep, args: ['ptr', 'ptr'], status: 'implemented', restart: 'never', interrupted: nanosleepInterrupted },
  { nr: 230, name: 'clock_nanosleep', handler: sysClockNanosleep, args: ['int', 'hex', 'ptr', 'ptr'], status: 'partial', note: 'not on CPU-time clocks (EOPNOTSUPP)', restart: 'never', interrupted: clockNanosleepInterrupted },
  { nr: 100, name: 'times', handler: sysTimes, args: ['ptr'], status: 'implemented' },
  { nr: 98, name: 'getrusage', handler: sysGetrusage, args: ['int', 'ptr'], status: 'partial', note: 'CPU time, maxrss and context switches; no fault or I/O counts' },
];
