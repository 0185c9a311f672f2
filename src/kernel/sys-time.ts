// Time syscalls: clock_gettime, clock_getres, gettimeofday, time, nanosleep, clock_nanosleep, times, getrusage.
import type { SyscallDef, Handler } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import type { Args } from './args.js';
import { Blocked, resumed } from '../base/wait.js';
import { EINVAL, EFAULT } from '../base/errno.js';

const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
  CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
const TIMER_ABSTIME = 1;

function clockNs(k: Kernel, id: number): bigint | undefined {
  switch (id) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_REALTIME_ALARM: case CLOCK_TAI: return k.host.realtimeNs();
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: case CLOCK_BOOTTIME_ALARM:
      return k.host.monotonicNs();
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: return k.host.cpuTimeNs();
  }
  return undefined;
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
  const ns = clockNs(k, a.i(0));
  if (ns === undefined) return -EINVAL;
  return t.proc.mm.write(a.u(1), timespec(ns)) ? 0 : -EFAULT;
};
const sysClockGetres: Handler = (t, a, k) => {
  const id = a.i(0);
  if (clockNs(k, id) === undefined) return -EINVAL;
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
  if (clockNs(k, clock) === undefined || clock === CLOCK_THREAD_CPUTIME_ID) return -EINVAL;
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
const sysTimes: Handler = (t, a, k) => {
  const ticks = k.host.cpuTimeNs() / 10_000_000n;
  if (a.u(0)) {
    const b = new Uint8Array(32);
    new DataView(b.buffer).setBigInt64(0, ticks, true);
    if (!t.proc.mm.write(a.u(0), b)) return -EFAULT;
  }
  return Number(k.host.monotonicNs() / 10_000_000n);
};
const sysGetrusage: Handler = (t, a, k) => {
  const who = a.i(0);
  if (who !== 0 && who !== -1 && who !== 1) return -EINVAL;
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  if (who !== -1) {
    const ns = k.host.cpuTimeNs();
    dv.setBigInt64(0, ns / 1_000_000_000n, true);
    dv.setBigInt64(8, (ns % 1_000_000_000n) / 1000n, true);
    dv.setBigInt64(32, BigInt(k.phys.used * 4), true); // maxrss in KiB, roughly
  }
  return t.proc.mm.write(a.u(1), b) ? 0 : -EFAULT;
};

export const timeSyscalls: SyscallDef[] = [
  { nr: 228, name: 'clock_gettime', handler: sysClockGettime, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 229, name: 'clock_getres', handler: sysClockGetres, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 96, name: 'gettimeofday', handler: sysGettimeofday, args: ['ptr', 'ptr'], status: 'implemented' },
  { nr: 201, name: 'time', handler: sysTime, args: ['ptr'], status: 'implemented' },
  { nr: 35, name: 'nanosleep', handler: sysNanosleep, args: ['ptr', 'ptr'], status: 'implemented', restart: 'never', interrupted: nanosleepInterrupted },
  { nr: 230, name: 'clock_nanosleep', handler: sysClockNanosleep, args: ['int', 'hex', 'ptr', 'ptr'], status: 'implemented', restart: 'never', interrupted: clockNanosleepInterrupted },
  { nr: 100, name: 'times', handler: sysTimes, args: ['ptr'], status: 'partial', note: 'host CPU time of the whole machine' },
  { nr: 98, name: 'getrusage', handler: sysGetrusage, args: ['int', 'ptr'], status: 'partial', note: 'CPU time and maxrss only' },
];
