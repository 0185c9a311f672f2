// Scheduling and memory-locking syscalls on a machine with one CPU that runs
// every task by turns: nice values, policies (SCHED_FIFO, RR, BATCH, IDLE,
// DEADLINE) and affinity are checked and recorded as Linux does, and reported;
// they do not change the order tasks run in. Locked memory is already resident.
import type { SyscallDef, Handler } from './syscall.js';
import type { Process, SchedAttr, Task } from './task.js';
import type { Kernel } from './kernel.js';
import { E2BIG, EACCES, EFAULT, EINVAL, EPERM, ESRCH } from '../base/errno.js';

const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
const SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5, SCHED_DEADLINE = 6;
const SCHED_RESET_ON_FORK = 0x40000000;
const SCHED_FLAG_RESET_ON_FORK = 1, SCHED_FLAG_RECLAIM = 2, SCHED_FLAG_DL_OVERRUN = 4, SCHED_FLAG_KEEP_POLICY = 8,
  SCHED_FLAG_KEEP_PARAMS = 0x10, SCHED_FLAG_UTIL_CLAMP_MIN = 0x20, SCHED_FLAG_UTIL_CLAMP_MAX = 0x40;
const SCHED_FLAGS_ALL = 0x7f;
const SCHED_ATTR_SIZE_VER0 = 48, SCHED_ATTR_SIZE = 56;
const RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14;
const isRt = (policy: number) => policy === SCHED_FIFO || policy === SCHED_RR;
const validPolicy = (policy: number) => [SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE].includes(policy);

function targets(t: Task, k: Kernel, which: number, who: number) {
  const all = [...k.processes.values()].filter((p) => p.alive);
  if (which === PRIO_PROCESS) return all.filter((p) => p.pid === (who || t.proc.pid) || p.threads.some((x) => x.tid === who));
  if (which === PRIO_PGRP) return all.filter((p) => p.pgid === (who || t.proc.pgid));
  if (which === PRIO_USER) return all.filter((p) => p.creds.uid === (who || t.proc.creds.uid));
  return undefined;
}
// May `t` change the scheduling of `target`? Root may; others only their own processes' (euid = its uid or euid).
function mayChange(t: Task, target: Process): boolean {
  const c = t.proc.creds;
  return c.euid === 0 || c.euid === target.creds.uid || c.euid === target.creds.euid;
}
// The thread `pid` names (0: the caller), for the sched_* calls.
function taskOf(t: Task, k: Kernel, pid: number): Task | undefined {
  if (pid === 0) return t;
  return k.processes.get(pid)?.threads[0] ?? k.tasks.find((x) => x.tid === pid);
}

// getpriority(2): 20 - nice, as the raw syscall returns it
const sysGetpriority: Handler = (t, a, k) => {
  const ps = targets(t, k, a.i(0), a.i(1));
  if (!ps) return -EINVAL;
  if (ps.length === 0) return -ESRCH;
  return 20 - Math.min(...ps.map((p) => p.nice));
};
// setpriority(2): another user's process is EPERM, a lower nice than RLIMIT_NICE allows EACCES.
const sysSetpriority: Handler = (t, a, k) => {
  const ps = targets(t, k, a.i(0), a.i(1));
  if (!ps) return -EINVAL;
  if (ps.length === 0) return -ESRCH;
  const v = Math.max(-20, Math.min(19, a.i(2)));
  let err = 0;
  for (const p of ps) {
    if (!mayChange(t, p)) { err = -EPERM; continue; }
    if (v < p.nice && t.proc.creds.euid !== 0 && 20 - v > Number(t.proc.limit(RLIMIT_NICE)[0])) { err = -EACCES; continue; }
    p.nice = v;
  }
  return err;
};

// What a policy change asks for, checked as Linux checks it: EINVAL for a bad policy or priority,
// EPERM for real-time or deadline policies without privilege or RLIMIT_RTPRIO, or another user's thread.
function setSched(t: Task, target: Task, attr: SchedAttr, nice?: number): number {
  const { policy, priority } = attr;
  if (!validPolicy(policy)) return -EINVAL;
  if (isRt(policy) ? priority < 1 || priority > 99 : priority !== 0) return -EINVAL;
  if (policy === SCHED_DEADLINE) {
    const period = attr.period || attr.deadline;
    if (attr.runtime < 1024n || attr.runtime > attr.deadline || attr.deadline > period || attr.deadline === 0n || period >= 2n ** 63n) return -EINVAL;
  }
  if (attr.utilMin > attr.utilMax || attr.utilMax > 1024) return -EINVAL;
  const root = t.proc.creds.euid === 0;
  if (!mayChange(t, target.proc)) return -EPERM;
  if (!root) {
    const cur = target.sched;
    if (policy === SCHED_DEADLINE) return -EPERM;
    if (isRt(policy)) {
      const rtprio = Number(t.proc.limit(RLIMIT_RTPRIO)[0]);
      if (rtprio === 0 || (priority > cur.priority && priority > rtprio)) return -EPERM;
    }
    if (cur.resetOnFork && !attr.resetOnFork) return -EPERM;
    if (nice !== undefined && nice < target.proc.nice && 20 - nice > Number(t.proc.limit(RLIMIT_NICE)[0])) return -EPERM;
  }
  target.sched = { ...attr };
  if (nice !== undefined) target.proc.nice = nice;
  return 0;
}
function readParam(t: Task, addr: number): number | undefined {
  const b = addr ? t.proc.mm.read(addr, 4) : null;
  return b ? new DataView(b.buffer).getInt32(0, true) : undefined;
}

// sched_setscheduler(2) and sched_setparam(2)
const sysSchedSetscheduler: Handler = (t, a, k) => {
  const pid = a.i(0), raw = a.i(1);
  if (pid < 0) return -EINVAL;
  const prio = readParam(t, a.u(2));
  if (prio === undefined) return a.u(2) ? -EFAULT : -EINVAL;
  const target = taskOf(t, k, pid);
  if (!target) return -ESRCH;
  const policy = raw & ~SCHED_RESET_ON_FORK;
  if (policy === SCHED_DEADLINE || !validPolicy(policy)) return -EINVAL;
  return setSched(t, target, { ...target.sched, policy, priority: prio, resetOnFork: (raw & SCHED_RESET_ON_FORK) !== 0 });
};
const sysSchedSetparam: Handler = (t, a, k) => {
  const pid = a.i(0);
  if (pid < 0) return -EINVAL;
  const prio = readParam(t, a.u(1));
  if (prio === undefined) return a.u(1) ? -EFAULT : -EINVAL;
  const target = taskOf(t, k, pid);
  if (!target) return -ESRCH;
  if (target.sched.policy === SCHED_DEADLINE) return -EINVAL;
  return setSched(t, target, { ...target.sched, priority: prio });
};
const sysSchedGetscheduler: Handler = (t, a, k) => {
  if (a.i(0) < 0) return -EINVAL;
  const target = taskOf(t, k, a.i(0));
  if (!target) return -ESRCH;
  return target.sched.policy | (target.sched.resetOnFork ? SCHED_RESET_ON_FORK : 0);
};
const sysSchedGetparam: Handler = (t, a, k) => {
  if (a.i(0) < 0 || !a.u(1)) return -EINVAL;
  const target = taskOf(t, k, a.i(0));
  if (!target) return -ESRCH;
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, target.sched.priority, true);
  return t.proc.mm.write(a.u(1), b) ? 0 : -EFAULT;
};

// sched_setattr(2): struct sched_attr { size, policy, flags, nice, priority, runtime, deadline, period, util_min, util_max }.
const sysSchedSetattr: Handler = (t, a, k) => {
  const pid = a.i(0), addr = a.u(1);
  if (pid < 0 || !addr || a.u32(2) !== 0) return -EINVAL;
  const head = t.proc.mm.read(addr, 4);
  if (!head) return -EFAULT;
  let size = new DataView(head.buffer).getUint32(0, true) || SCHED_ATTR_SIZE_VER0;
  const tooBig = () => {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, SCHED_ATTR_SIZE, true);
    t.proc.mm.write(addr, out);
    return -E2BIG;
  };
  if (size < SCHED_ATTR_SIZE_VER0 || size > 4096) return tooBig();
  const b = t.proc.mm.read(addr, size);
  if (!b) return -EFAULT;
  // a newer struct than this kernel's: fine if the fields it does not know are zero
  if (b.subarray(SCHED_ATTR_SIZE).some((x) => x !== 0)) return tooBig();
  size = Math.min(size, SCHED_ATTR_SIZE);
  const dv = new DataView(b.buffer, b.byteOffset);
  const policy = dv.getUint32(4, true), flags = Number(dv.getBigUint64(8, true) & 0xffffffffn), hiFlags = dv.getBigUint64(8, true) >> 32n;
  const nice = Math.max(-20, Math.min(19, dv.getInt32(16, true))), priority = dv.getUint32(20, true); // nice is clamped, as Linux does
  if (hiFlags || flags & ~SCHED_FLAGS_ALL) return -EINVAL;
  if (flags & (SCHED_FLAG_UTIL_CLAMP_MIN | SCHED_FLAG_UTIL_CLAMP_MAX) && size < SCHED_ATTR_SIZE) return -EINVAL;
  const target = taskOf(t, k, pid);
  if (!target) return -ESRCH;
  const cur = target.sched;
  const keepPolicy = (flags & SCHED_FLAG_KEEP_POLICY) !== 0, keepParams = (flags & SCHED_FLAG_KEEP_PARAMS) !== 0;
  if (!keepPolicy && !validPolicy(policy)) return -EINVAL;
  const p = keepPolicy ? cur.policy : policy;
  const next: SchedAttr = {
    policy: p, priority: keepParams ? cur.priority : priority, resetOnFork: (flags & SCHED_FLAG_RESET_ON_FORK) !== 0,
    runtime: keepParams ? cur.runtime : dv.getBigUint64(24, true), deadline: keepParams ? cur.deadline : dv.getBigUint64(32, true),
    period: keepParams ? cur.period : dv.getBigUint64(40, true),
    utilMin: flags & SCHED_FLAG_UTIL_CLAMP_MIN ? dv.getUint32(48, true) : cur.utilMin,
    utilMax: flags & SCHED_FLAG_UTIL_CLAMP_MAX ? dv.getUint32(52, true) : cur.utilMax,
  };
  if (p !== SCHED_DEADLINE && flags & (SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN) && !keepPolicy) return -EINVAL;
  return setSched(t, target, next, !isRt(p) && p !== SCHED_DEADLINE && !keepParams ? nice : undefined);
};
// sched_getattr(2)
const sysSchedGetattr: Handler = (t, a, k) => {
  const pid = a.i(0), addr = a.u(1), size = a.u32(2);
  if (pid < 0 || !addr || size < SCHED_ATTR_SIZE_VER0 || size > 4096 || a.u32(3) !== 0) return -EINVAL;
  const target = taskOf(t, k, pid);
  if (!target) return -ESRCH;
  const s = target.sched, n = Math.min(size, SCHED_ATTR_SIZE);
  const b = new Uint8Array(n);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, n, true);
  dv.setUint32(4, s.policy, true);
  dv.setBigUint64(8, BigInt((s.resetOnFork ? SCHED_FLAG_RESET_ON_FORK : 0)), true);
  dv.setInt32(16, isRt(s.policy) || s.policy === SCHED_DEADLINE ? 0 : target.proc.nice, true);
  dv.setUint32(20, s.priority, true);
  if (s.policy === SCHED_DEADLINE) { dv.setBigUint64(24, s.runtime, true); dv.setBigUint64(32, s.deadline, true); dv.setBigUint64(40, s.period, true); }
  if (n >= SCHED_ATTR_SIZE) { dv.setUint32(48, s.utilMin, true); dv.setUint32(52, s.utilMax, true); }
  return t.proc.mm.write(addr, b) ? 0 : -EFAULT;
};

// ioprio_get(2), ioprio_set(2): recorded per thread (there is no I/O scheduler to weigh them).
const IOPRIO_WHO_PROCESS = 1, IOPRIO_WHO_PGRP = 2, IOPRIO_WHO_USER = 3;
const IOPRIO_CLASS_NONE = 0, IOPRIO_CLASS_RT = 1, IOPRIO_CLASS_BE = 2, IOPRIO_CLASS_IDLE = 3;
const IOPRIO_BE_NORM = (IOPRIO_CLASS_BE << 13) | 4;
function ioTargets(t: Task, k: Kernel, which: number, who: number): Task[] | undefined {
  if (which === IOPRIO_WHO_PROCESS) {
    const x = who === 0 ? t : k.tasks.find((y) => y.tid === who);
    return x ? [x] : [];
  }
  if (which === IOPRIO_WHO_PGRP) {
    const pgid = who || t.proc.pgid;
    return [...k.processes.values()].filter((p) => p.alive && p.pgid === pgid).flatMap((p) => p.threads);
  }
  if (which === IOPRIO_WHO_USER) {
    const uid = who || t.proc.creds.uid;
    return [...k.processes.values()].filter((p) => p.alive && p.creds.uid === uid).flatMap((p) => p.threads);
  }
  return undefined;
}
const sysIoprioSet: Handler = (t, a, k) => {
  const prio = a.i(2), cls = (prio >>> 13) & 7, level = prio & 0x1fff;
  if (prio >>> 16) return -EINVAL;
  if (cls === IOPRIO_CLASS_RT && t.proc.creds.euid !== 0) return -EPERM;
  if (cls === IOPRIO_CLASS_NONE ? level !== 0 : cls > IOPRIO_CLASS_IDLE || level >= 8) return -EINVAL;
  const ts = ioTargets(t, k, a.i(0), a.i(1));
  if (!ts) return -EINVAL;
  if (!ts.length) return -ESRCH;
  for (const x of ts) {
    if (!mayChange(t, x.proc)) return -EPERM;
    x.ioprio = prio;
  }
  return 0;
};
const sysIoprioGet: Handler = (t, a, k) => {
  const which = a.i(0);
  const ts = ioTargets(t, k, which, a.i(1));
  if (!ts) return -EINVAL;
  if (!ts.length) return -ESRCH;
  if (which === IOPRIO_WHO_PROCESS) return ts[0].ioprio;
  // the best of several: a lower class, then a lower level; none set counts as best-effort 4
  return ts.map((x) => x.ioprio || IOPRIO_BE_NORM).reduce((best, p) => (p < best ? p : best));
};

const sysPriorityMax: Handler = (t, a) => (isRt(a.i(0)) ? 99 : validPolicy(a.i(0)) ? 0 : -EINVAL);
const sysPriorityMin: Handler = (t, a) => (isRt(a.i(0)) ? 1 : validPolicy(a.i(0)) ? 0 : -EINVAL);
// sched_rr_get_interval(2): SCHED_RR's quantum (100 ms), 0 for FIFO (no time slice), CFS's slice for the others.
const sysRrInterval: Handler = (t, a, k) => {
  if (a.i(0) < 0) return -EINVAL;
  const target = taskOf(t, k, a.i(0));
  if (!target) return -ESRCH;
  const ns = target.sched.policy === SCHED_FIFO ? 0n : target.sched.policy === SCHED_RR ? 100_000_000n : 4_000_000n;
  const b = new Uint8Array(16);
  new DataView(b.buffer).setBigInt64(8, ns, true);
  return t.proc.mm.write(a.u(1), b) ? 0 : -EFAULT;
};

// sched_getaffinity(2), sched_setaffinity(2): one CPU; the mask is 8 bytes (one long) as Linux's cpumask_size here.
const CPUMASK_SIZE = 8;
const sysSchedGetaffinity: Handler = (t, a, k) => {
  const len = a.u(1);
  if (len * 8 < 1 || len % 8) return -EINVAL;
  const target = taskOf(t, k, a.i(0));
  if (!target) return -ESRCH;
  const b = new Uint8Array(CPUMASK_SIZE);
  new DataView(b.buffer).setBigUint64(0, target.affinity & 1n, true);
  return t.proc.mm.write(a.u(2), b) ? CPUMASK_SIZE : -EFAULT;
};
const sysSchedSetaffinity: Handler = (t, a, k) => {
  const len = a.u(1);
  const b = t.proc.mm.read(a.u(2), Math.min(len, CPUMASK_SIZE));
  if (!b) return -EFAULT;
  let mask = 0n;
  b.forEach((x, i) => { mask |= BigInt(x) << BigInt(8 * i); });
  const target = taskOf(t, k, a.i(0));
  if (!target) return -ESRCH;
  if (!mayChange(t, target.proc)) return -EPERM;
  if (!(mask & 1n)) return -EINVAL; // no CPU of this machine in it
  target.affinity = mask;
  return 0;
};
const resident: Handler = () => 0;

export const schedSyscalls: SyscallDef[] = [
  { nr: 140, name: 'getpriority', handler: sysGetpriority, args: ['int', 'int'], status: 'partial', note: 'recorded; the scheduler does not weigh it' },
  { nr: 141, name: 'setpriority', handler: sysSetpriority, args: ['int', 'int', 'int'], status: 'partial', note: 'recorded; the scheduler does not weigh it' },
  { nr: 145, name: 'sched_getscheduler', handler: sysSchedGetscheduler, args: ['int'], status: 'implemented' },
  { nr: 144, name: 'sched_setscheduler', handler: sysSchedSetscheduler, args: ['int', 'int', 'ptr'], status: 'partial', note: 'checked and recorded; tasks still run by turns' },
  { nr: 143, name: 'sched_getparam', handler: sysSchedGetparam, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 142, name: 'sched_setparam', handler: sysSchedSetparam, args: ['int', 'ptr'], status: 'partial', note: 'checked and recorded; tasks still run by turns' },
  { nr: 314, name: 'sched_setattr', handler: sysSchedSetattr, args: ['int', 'ptr', 'hex'], status: 'partial', note: 'checked and recorded (deadline parameters too); tasks still run by turns' },
  { nr: 315, name: 'sched_getattr', handler: sysSchedGetattr, args: ['int', 'ptr', 'uint', 'hex'], status: 'implemented' },
  { nr: 251, name: 'ioprio_set', handler: sysIoprioSet, args: ['int', 'int', 'hex'], status: 'partial', note: 'recorded; no I/O scheduler weighs it' },
  { nr: 252, name: 'ioprio_get', handler: sysIoprioGet, args: ['int', 'int'], status: 'implemented' },
  { nr: 146, name: 'sched_get_priority_max', handler: sysPriorityMax, args: ['int'], status: 'implemented' },
  { nr: 147, name: 'sched_get_priority_min', handler: sysPriorityMin, args: ['int'], status: 'implemented' },
  { nr: 148, name: 'sched_rr_get_interval', handler: sysRrInterval, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 204, name: 'sched_getaffinity', handler: sysSchedGetaffinity, args: ['int', 'size', 'ptr'], status: 'implemented' },
  { nr: 203, name: 'sched_setaffinity', handler: sysSchedSetaffinity, args: ['int', 'size', 'ptr'], status: 'implemented', note: 'one CPU (CPU 0)' },
  { nr: 149, name: 'mlock', handler: resident, args: ['ptr', 'size'], status: 'partial', note: 'no swap: memory is always resident' },
  { nr: 150, name: 'munlock', handler: resident, args: ['ptr', 'size'], status: 'partial', note: 'no swap: memory is always resident' },
  { nr: 151, name: 'mlockall', handler: resident, args: ['hex'], status: 'partial', note: 'no swap: memory is always resident' },
  { nr: 152, name: 'munlockall', handler: resident, args: [], status: 'partial', note: 'no swap: memory is always resident' },
  { nr: 325, name: 'mlock2', handler: resident, args: ['ptr', 'size', 'hex'], status: 'partial', note: 'no swap: memory is always resident' },
  { nr: 187, name: 'readahead', handler: resident, args: ['fd', 'off', 'size'], status: 'partial', note: 'nothing to read ahead; succeeds' },
];
