// Timers that send signals: alarm, setitimer/getitimer (ITIMER_REAL here; the scheduler runs
// ITIMER_VIRTUAL and ITIMER_PROF down as it charges CPU time), and
// POSIX timers (timer_create…) on CLOCK_REALTIME and CLOCK_MONOTONIC.
import type { SyscallDef, Handler } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { Process, Task } from './task.js';
import { EFAULT, EINVAL } from '../base/errno.js';
import { SIGALRM } from './signal.js';
import type { Timer as MachineTimer } from './timers.js';

const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1;
const cpuItimer = (p: Process, which: number) => (which === ITIMER_VIRTUAL ? p.itimerVirtual : p.itimerProf);
const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD_ID = 4;
const TIMER_ABSTIME = 1, SI_TIMER = -2;
const REAL_ID = -1; // the key of ITIMER_REAL in Process.timers

interface Timer {
  clock: number; // 0 realtime, 1 monotonic
  signo: number;
  notify: number;
  tid: number;
  value: bigint; // sigev_value
  next?: bigint; // absolute expiry on `clock`, undefined when disarmed
  interval: bigint;
  overrun: number;
  entry?: MachineTimer; // the machine timer armed for `next`
}

const now = (k: Kernel, clock: number) => (clock === 0 ? k.host.realtimeNs() : k.host.monotonicNs());

function arm(k: Kernel, p: Process, id: number, tm: Timer): void {
  k.timers.cancel(tm.entry);
  tm.entry = undefined;
  if (tm.next === undefined || !p.alive) return;
  tm.entry = k.timers.add(tm.next - now(k, tm.clock) + k.host.monotonicNs(), () => {
    tm.entry = undefined;
    if (!p.alive || tm.next === undefined) return;
    if (now(k, tm.clock) < tm.next) { arm(k, p, id, tm); return; }
    if (tm.notify !== SIGEV_NONE) {
      const info = { signo: tm.signo, code: id === REAL_ID ? 0x80 : SI_TIMER, timerId: id === REAL_ID ? undefined : id, value: tm.value, overrun: tm.overrun };
      const target = tm.notify === SIGEV_THREAD_ID ? p.threads.find((x) => x.tid === tm.tid) : undefined;
      if (target) k.signalTask(target, info); else k.signalProcess(p, info);
    }
    if (tm.interval > 0n) {
      tm.next! += tm.interval;
      const late = now(k, tm.clock) - tm.next!;
      if (late > 0n) { const skip = late / tm.interval + 1n; tm.overrun = Number(skip); tm.next! += skip * tm.interval; } else tm.overrun = 0;
      arm(k, p, id, tm);
    } else tm.next = undefined;
  });
}

function remaining(k: Kernel, tm: Timer | undefined): bigint {
  if (!tm || tm.next === undefined) return 0n;
  const r = tm.next - now(k, tm.clock);
  return r > 0n ? r : 1n;
}
function realTimer(p: Process): Timer {
  let tm = p.timers.get(REAL_ID) as Timer | undefined;
  if (!tm) { tm = { clock: 1, signo: SIGALRM, notify: SIGEV_SIGNAL, tid: 0, value: 0n, interval: 0n, overrun: 0 }; p.timers.set(REAL_ID, tm); }
  return tm;
}

// alarm(2)
const sysAlarm: Handler = (t, a, k) => {
  const tm = realTimer(t.proc);
  const left = remaining(k, tm);
  const s = BigInt(a.u32(0));
  tm.interval = 0n;
  tm.next = s ? now(k, tm.clock) + s * 1_000_000_000n : undefined;
  arm(k, t.proc, REAL_ID, tm);
  // whole seconds left, rounded to nearest as Linux does (at least 1 if armed)
  const secs = Number((left + 500_000_000n) / 1_000_000_000n);
  return left > 0n ? Math.max(1, secs) : 0;
};

function timeval(ns: bigint): [bigint, bigint] { return [ns / 1_000_000_000n, (ns % 1_000_000_000n) / 1000n]; }
function writeItimerval(t: Task, addr: number, interval: bigint, value: bigint): boolean {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  const [is, iu] = timeval(interval), [vs, vu] = timeval(value);
  dv.setBigInt64(0, is, true); dv.setBigInt64(8, iu, true); dv.setBigInt64(16, vs, true); dv.setBigInt64(24, vu, true);
  return t.proc.mm.write(addr, b);
}
// getitimer(2)
const sysGetitimer: Handler = (t, a, k) => {
  const which = a.i(0);
  if (which < 0 || which > 2) return -EINVAL;
  if (which !== ITIMER_REAL) {
    const c = cpuItimer(t.proc, which);
    return writeItimerval(t, a.u(1), BigInt(c?.interval ?? 0), BigInt(Math.ceil(c?.left ?? 0))) ? 0 : -EFAULT;
  }
  const tm = realTimer(t.proc);
  return writeItimerval(t, a.u(1), tm.interval, remaining(k, tm)) ? 0 : -EFAULT;
};
// setitimer(2)
const sysSetitimer: Handler = (t, a, k) => {
  const which = a.i(0);
  if (which < 0 || which > 2) return -EINVAL;
  let interval = 0n, value = 0n;
  if (a.u(1)) {
    const b = t.proc.mm.read(a.u(1), 32);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    const us = (o: number) => dv.getBigInt64(o, true) * 1_000_000_000n + dv.getBigInt64(o + 8, true) * 1000n;
    if (dv.getBigInt64(8, true) >= 1_000_000n || dv.getBigInt64(24, true) >= 1_000_000n) return -EINVAL;
    interval = us(0); value = us(16);
  }
  if (which !== ITIMER_REAL) {
    // ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU time: the scheduler runs them down
    const c = cpuItimer(t.proc, which);
    if (a.u(2) && !writeItimerval(t, a.u(2), BigInt(c?.interval ?? 0), BigInt(Math.ceil(c?.left ?? 0)))) return -EFAULT;
    const next = value ? { left: Number(value), interval: Number(interval) } : undefined;
    if (which === ITIMER_VIRTUAL) t.proc.itimerVirtual = next; else t.proc.itimerProf = next;
    return 0;
  }
  const tm = realTimer(t.proc);
  if (a.u(2) && !writeItimerval(t, a.u(2), tm.interval, remaining(k, tm))) return -EFAULT;
  tm.interval = interval;
  tm.next = value ? now(k, tm.clock) + value : undefined;
  arm(k, t.proc, REAL_ID, tm);
  return 0;
};

// timer_create(2)
const sysTimerCreate: Handler = (t, a, k) => {
  const clock = a.i(0);
  if (![0, 1, 7].includes(clock)) return -EINVAL; // REALTIME, MONOTONIC, BOOTTIME
  let signo = SIGALRM, notify = SIGEV_SIGNAL, tid = 0, value = 0n;
  if (a.u(1)) {
    const b = t.proc.mm.read(a.u(1), 64);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    value = dv.getBigUint64(0, true);
    signo = dv.getInt32(8, true);
    notify = dv.getInt32(12, true);
    tid = dv.getInt32(16, true);
    if (notify !== SIGEV_NONE && (signo < 1 || signo > 64)) return -EINVAL;
    if (notify !== SIGEV_SIGNAL && notify !== SIGEV_NONE && notify !== SIGEV_THREAD_ID) return -EINVAL;
  }
  let id = 0;
  while (t.proc.timers.has(id)) id++;
  t.proc.timers.set(id, { clock: clock === 0 ? 0 : 1, signo, notify, tid, value, interval: 0n, overrun: 0 } satisfies Timer);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, id, true);
  if (!t.proc.mm.write(a.u(2), out)) { t.proc.timers.delete(id); return -EFAULT; }
  void k;
  return 0;
};
function getTimer(t: Task, id: number): Timer | undefined {
  return id >= 0 ? (t.proc.timers.get(id) as Timer | undefined) : undefined;
}
function writeItimerspec(t: Task, addr: number, interval: bigint, value: bigint): boolean {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, interval / 1_000_000_000n, true); dv.setBigInt64(8, interval % 1_000_000_000n, true);
  dv.setBigInt64(16, value / 1_000_000_000n, true); dv.setBigInt64(24, value % 1_000_000_000n, true);
  return t.proc.mm.write(addr, b);
}
// timer_settime(2)
const sysTimerSettime: Handler = (t, a, k) => {
  const tm = getTimer(t, a.i(0));
  if (!tm) return -EINVAL;
  const b = t.proc.mm.read(a.u(2), 32);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const ts = (o: number) => dv.getBigInt64(o, true) * 1_000_000_000n + dv.getBigInt64(o + 8, true);
  if (dv.getBigInt64(8, true) >= 1_000_000_000n || dv.getBigInt64(24, true) >= 1_000_000_000n) return -EINVAL;
  if (a.u(3) && !writeItimerspec(t, a.u(3), tm.interval, remaining(k, tm))) return -EFAULT;
  const value = ts(16);
  tm.interval = ts(0);
  tm.next = value === 0n ? undefined : a.i(1) & TIMER_ABSTIME ? value : now(k, tm.clock) + value;
  arm(k, t.proc, a.i(0), tm);
  return 0;
};
// timer_gettime(2)
const sysTimerGettime: Handler = (t, a, k) => {
  const tm = getTimer(t, a.i(0));
  if (!tm) return -EINVAL;
  return writeItimerspec(t, a.u(1), tm.interval, remaining(k, tm)) ? 0 : -EFAULT;
};
// timer_getoverrun(2)
const sysTimerGetoverrun: Handler = (t, a) => getTimer(t, a.i(0))?.overrun ?? -EINVAL;
// timer_delete(2)
const sysTimerDelete: Handler = (t, a, k) => {
  const tm = getTimer(t, a.i(0));
  if (!tm) return -EINVAL;
  k.timers.cancel(tm.entry);
  t.proc.timers.delete(a.i(0));
  return 0;
};

export const timerSyscalls: SyscallDef[] = [
  { nr: 37, name: 'alarm', handler: sysAlarm, args: ['uint'], status: 'implemented' },
  { nr: 36, name: 'getitimer', handler: sysGetitimer, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 38, name: 'setitimer', handler: sysSetitimer, args: ['int', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 222, name: 'timer_create', handler: sysTimerCreate, args: ['int', 'ptr', 'ptr'], status: 'partial', note: 'CLOCK_REALTIME, MONOTONIC, BOOTTIME; SIGEV_SIGNAL, NONE, THREAD_ID' },
  { nr: 223, name: 'timer_settime', handler: sysTimerSettime, args: ['int', 'hex', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 224, name: 'timer_gettime', handler: sysTimerGettime, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 225, name: 'timer_getoverrun', handler: sysTimerGetoverrun, args: ['int'], status: 'implemented' },
  { nr: 226, name: 'timer_delete', handler: sysTimerDelete, args: ['int'], status: 'implemented' },
];

// A process has ended: its timers go with it.
export function cancelTimers(k: Kernel, p: Process): void {
  for (const tm of p.timers.values()) { k.timers.cancel((tm as Timer).entry); (tm as Timer).entry = undefined; }
}
// execve: POSIX timers are not kept (ITIMER_REAL is).
export function dropPosixTimers(k: Kernel, p: Process): void {
  for (const [id, tm] of p.timers) if (id !== REAL_ID) { k.timers.cancel((tm as Timer).entry); p.timers.delete(id); }
}

// A restored machine: the process's armed timers get machine timers again.
export function rearmTimers(k: Kernel, p: Process): void {
  for (const [id, tm] of p.timers as Map<number, Timer>) { tm.entry = undefined; arm(k, p, id, tm); }
}
