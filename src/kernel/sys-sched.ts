// Scheduling and memory-locking syscalls on a machine with one CPU that runs
// every task by turns: priorities are recorded, policies are SCHED_OTHER, and
// locked memory is already resident.
import type { SyscallDef, Handler } from './syscall.js';
import type { Task } from './task.js';
import { EFAULT, EINVAL, EPERM, ESRCH } from '../base/errno.js';

const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
const SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5;

function targets(t: Task, k: Parameters<Handler>[2], which: number, who: number) {
  const all = [...k.processes.values()].filter((p) => p.alive);
  if (which === PRIO_PROCESS) return all.filter((p) => p.pid === (who || t.proc.pid));
  if (which === PRIO_PGRP) return all.filter((p) => p.pgid === (who || t.proc.pgid));
  if (which === PRIO_USER) return all.filter((p) => p.creds.uid === (who || t.proc.creds.uid));
  return undefined;
}
// getpriority(2): 20 - nice, as the raw syscall returns it
const sysGetpriority: Handler = (t, a, k) => {
  const ps = targets(t, k, a.i(0), a.i(1));
  if (!ps) return -EINVAL;
  if (ps.length === 0) return -ESRCH;
  return 20 - Math.min(...ps.map((p) => p.nice));
};
const sysSetpriority: Handler = (t, a, k) => {
  const ps = targets(t, k, a.i(0), a.i(1));
  if (!ps) return -EINVAL;
  if (ps.length === 0) return -ESRCH;
  const v = Math.max(-20, Math.min(19, a.i(2)));
  for (const p of ps) {
    if (v < p.nice && t.proc.creds.euid !== 0) return -EPERM;
    p.nice = v;
  }
  return 0;
};
const sysSchedGetscheduler: Handler = (t, a, k) => (a.i(0) < 0 ? -EINVAL : a.i(0) && !k.processes.has(a.i(0)) ? -ESRCH : SCHED_OTHER);
const sysSchedSetscheduler: Handler = (t, a) => {
  const policy = a.i(1);
  if (![SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE].includes(policy & ~0x40000000)) return -EINVAL;
  return policy === SCHED_OTHER || policy === SCHED_BATCH || policy === SCHED_IDLE ? 0 : -EPERM;
};
const sysSchedGetparam: Handler = (t, a) => (t.proc.mm.write(a.u(1), new Uint8Array(4)) ? 0 : -EFAULT);
const sysSchedSetparam: Handler = (t, a) => {
  const b = t.proc.mm.read(a.u(1), 4);
  if (!b) return -EFAULT;
  return new DataView(b.buffer).getInt32(0, true) === 0 ? 0 : -EINVAL;
};
const sysPriorityMax: Handler = (t, a) => ([SCHED_FIFO, SCHED_RR].includes(a.i(0)) ? 99 : [SCHED_OTHER, SCHED_BATCH, SCHED_IDLE].includes(a.i(0)) ? 0 : -EINVAL);
const sysPriorityMin: Handler = (t, a) => ([SCHED_FIFO, SCHED_RR].includes(a.i(0)) ? 1 : [SCHED_OTHER, SCHED_BATCH, SCHED_IDLE].includes(a.i(0)) ? 0 : -EINVAL);
const sysRrInterval: Handler = (t, a) => {
  const b = new Uint8Array(16);
  new DataView(b.buffer).setBigInt64(8, 100_000_000n, true); // 100 ms
  return t.proc.mm.write(a.u(1), b) ? 0 : -EFAULT;
};
const resident: Handler = () => 0;

export const schedSyscalls: SyscallDef[] = [
  { nr: 140, name: 'getpriority', handler: sysGetpriority, args: ['int', 'int'], status: 'partial', note: 'recorded; the scheduler does not weigh it' },
  { nr: 141, name: 'setpriority', handler: sysSetpriority, args: ['int', 'int', 'int'], status: 'partial', note: 'recorded; the scheduler does not weigh it' },
  { nr: 145, name: 'sched_getscheduler', handler: sysSchedGetscheduler, args: ['int'], status: 'implemented' },
  { nr: 144, name: 'sched_setscheduler', handler: sysSchedSetscheduler, args: ['int', 'int', 'ptr'], status: 'partial', note: 'SCHED_OTHER/BATCH/IDLE accepted; real-time policies EPERM' },
  { nr: 143, name: 'sched_getparam', handler: sysSchedGetparam, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 142, name: 'sched_setparam', handler: sysSchedSetparam, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 146, name: 'sched_get_priority_max', handler: sysPriorityMax, args: ['int'], status: 'implemented' },
  { nr: 147, name: 'sched_get_priority_min', handler: sysPriorityMin, args: ['int'], status: 'implemented' },
  { nr: 148, name: 'sched_rr_get_interval', handler: sysRrInterval, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 149, name: 'mlock', handler: resident, args: ['ptr', 'size'], status: 'partial', note: 'no swap: memory is always resident' },
  { nr: 150, name: 'munlock', handler: resident, args: ['ptr', 'size'], status: 'partial', note: 'no swap: memory is always resident' },
  { nr: 151, name: 'mlockall', handler: resident, args: ['hex'], status: 'partial', note: 'no swap: memory is always resident' },
  { nr: 152, name: 'munlockall', handler: resident, args: [], status: 'partial', note: 'no swap: memory is always resident' },
  { nr: 325, name: 'mlock2', handler: resident, args: ['ptr', 'size', 'hex'], status: 'partial', note: 'no swap: memory is always resident' },
  { nr: 187, name: 'readahead', handler: resident, args: ['fd', 'off', 'size'], status: 'partial', note: 'nothing to read ahead; succeeds' },
];
