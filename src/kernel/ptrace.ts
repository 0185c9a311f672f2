// ptrace's stops and resumptions: where a traced task stops (a signal about to be delivered,
// syscall entry and exit, exec, fork and clone events, a single step), how its tracer's wait4
// sees the stop, and how a resumption lets it go on. sys-ptrace.ts has the ptrace(2) requests.
import type { Kernel } from './kernel.js';
import type { Process, PtraceStop, SigInfo, Task } from './task.js';
import * as L from '../generated/layout.js';
import { ENOSYS } from '../base/errno.js';
import { SIGCHLD, SIGSTOP, SIGTRAP } from './signal.js';

export const PTRACE_O_TRACESYSGOOD = 1, PTRACE_O_TRACEFORK = 2, PTRACE_O_TRACEVFORK = 4, PTRACE_O_TRACECLONE = 8,
  PTRACE_O_TRACEEXEC = 0x10, PTRACE_O_TRACEVFORKDONE = 0x20, PTRACE_O_TRACEEXIT = 0x40, PTRACE_O_TRACESECCOMP = 0x80,
  PTRACE_O_EXITKILL = 0x100000, PTRACE_O_SUSPEND_SECCOMP = 0x200000;
export const PTRACE_EVENT_FORK = 1, PTRACE_EVENT_VFORK = 2, PTRACE_EVENT_CLONE = 3, PTRACE_EVENT_EXEC = 4,
  PTRACE_EVENT_EXIT = 6, PTRACE_EVENT_STOP = 128;
const CLD_TRAPPED = 4;
// A syscall stop's `event`: at entry or at exit (not part of the wait status).
const SYSCALL_ENTRY = 1, SYSCALL_EXIT = 2;

// Saved registers of a task that is not running (offsets in its save area).
export const regOff = (field: number) => field - L.STATE;
export function savedView(t: Task): DataView { return new DataView(t.regs.buffer, t.regs.byteOffset, t.regs.byteLength); }

// Stop `t` for its tracer.
export function stop(k: Kernel, t: Task, s: Omit<PtraceStop, 'reported'>): void {
  const tracer = t.ptrace!.tracer;
  t.ptraceStop = { ...s, reported: false };
  if (k.current === t) k.saveCurrent();
  tracer.childEvents.notify();
  if (tracer.alive) k.signalProcess(tracer, { signo: SIGCHLD, code: CLD_TRAPPED, pid: t.tid, uid: t.proc.creds.uid, status: s.signo });
}

// The wait status the tracer's wait4 reports for a stop.
export function stopStatus(t: Task): number {
  const s = t.ptraceStop!;
  if (s.kind === 'syscall') return ((SIGTRAP | (t.ptrace!.options & PTRACE_O_TRACESYSGOOD ? 0x80 : 0)) << 8) | 0x7f;
  if (s.kind === 'event') return (((s.signo | (s.event << 8)) << 8) | 0x7f) >>> 0;
  return (s.signo << 8) | 0x7f;
}
// The siginfo PTRACE_GETSIGINFO gives for a stop.
export function stopSiginfo(t: Task): SigInfo {
  const s = t.ptraceStop!;
  if (s.kind === 'signal' && s.info) return s.info;
  if (s.kind === 'syscall') return { signo: SIGTRAP, code: SIGTRAP | (t.ptrace!.options & PTRACE_O_TRACESYSGOOD ? 0x80 : 0) };
  return { signo: s.signo, code: s.signo | (s.event << 8) };
}

// A signal is about to be delivered to a traced task: it stops instead, and its tracer decides.
// Returns true when the task stopped (the signal is the stop's to pass on).
export function signalStop(k: Kernel, t: Task, info: SigInfo): boolean {
  if (!t.ptrace || info.traced) return false;
  stop(k, t, { kind: 'signal', signo: info.signo, event: 0, info });
  return true;
}

// A syscall instruction of a traced task (the core's exit): false when the syscall runs now;
// true when the task stopped at its entry (rax -ENOSYS, orig_rax the number, as Linux shows it).
export function syscallEntry(k: Kernel, t: Task): boolean {
  const p = t.ptrace;
  if (!p || p.inSyscall || !p.syscalls) return false;
  p.origRax = k.core.reg(0);
  k.core.setReg(0, BigInt(-ENOSYS));
  stop(k, t, { kind: 'syscall', signo: SIGTRAP, event: SYSCALL_ENTRY });
  return true;
}
// A traced task's syscall ended (it did not block): an event it caused, then the exit stop.
export function syscallDone(k: Kernel, t: Task): void {
  const p = t.ptrace;
  if (!p || t.ptraceStop) return; // (an exit event stopped it inside the call)
  const wanted = p.inSyscall && p.exitStop;
  p.inSyscall = false;
  p.exitStop = false;
  if (p.pendingEvent) {
    const event = p.pendingEvent;
    p.pendingEvent = undefined;
    p.exitAfterEvent = wanted; // the syscall-exit stop comes after the event's
    stop(k, t, { kind: 'event', signo: SIGTRAP, event });
    return;
  }
  if (wanted && !t.ptraceStop) stop(k, t, { kind: 'syscall', signo: SIGTRAP, event: SYSCALL_EXIT });
}

// A signal ended a traced task's blocked syscall: its exit stop, with -ERESTARTSYS in rax when
// the call is to run again (rax gets the number back when the tracer resumes it).
const ERESTARTSYS = 512;
export function syscallInterrupted(k: Kernel, t: Task, restart: boolean): void {
  const p = t.ptrace!;
  const wanted = p.exitStop;
  p.inSyscall = false;
  p.exitStop = false;
  if (!wanted) return;
  if (restart) { p.restoreRax = true; k.core.setReg(0, BigInt(-ERESTARTSYS)); }
  stop(k, t, { kind: 'syscall', signo: SIGTRAP, event: SYSCALL_EXIT });
}

// exit or exit_group of a task traced with PTRACE_O_TRACEEXIT: true when it stopped for the
// PTRACE_EVENT_EXIT (the exit goes on when the tracer resumes it).
export function exitEvent(k: Kernel, t: Task, status: number): boolean {
  const p = t.ptrace;
  if (!p || !(p.options & PTRACE_O_TRACEEXIT) || p.exitReported) return false;
  p.exitReported = true;
  p.eventMsg = status;
  k.core.rip = k.core.rip - 2; // the exit syscall runs again when resumed
  stop(k, t, { kind: 'event', signo: SIGTRAP, event: PTRACE_EVENT_EXIT });
  return true;
}

// Resume a stopped tracee (PTRACE_CONT, SYSCALL, SINGLESTEP, DETACH): `sig` is delivered (0: none).
export function resume(k: Kernel, t: Task, how: 'cont' | 'syscall' | 'step' | 'detach', sig: number): void {
  const s = t.ptraceStop;
  const p = t.ptrace!;
  t.ptraceStop = undefined;
  if (s?.kind === 'syscall' && s.event === SYSCALL_EXIT && p.restoreRax) {
    // an interrupted call to be restarted: the number back in rax for its instruction to run again
    p.restoreRax = false;
    savedView(t).setBigUint64(regOff(L.S_GPR), BigInt.asUintN(64, p.origRax), true);
  }
  if (s?.kind === 'syscall' && s.event === SYSCALL_ENTRY) {
    // leaving a syscall-entry stop: the syscall instruction runs again, with the number the
    // tracer left in orig_rax, and is not stopped at again
    const dv = savedView(t);
    const rip = dv.getBigUint64(regOff(L.S_RIP), true);
    dv.setBigUint64(regOff(L.S_GPR), BigInt.asUintN(64, p.origRax), true);
    dv.setBigUint64(regOff(L.S_RIP), rip - 2n, true);
    p.inSyscall = true;
    p.exitStop = how === 'syscall';
  } else if (s?.kind === 'event' && p.exitAfterEvent) {
    // an exec or fork event came first; the syscall-exit stop is next when the tracer still asks
    p.exitAfterEvent = false;
    if (how === 'syscall') {
      p.syscalls = true;
      stop(k, t, { kind: 'syscall', signo: SIGTRAP, event: SYSCALL_EXIT });
      return;
    }
  }
  if (how === 'detach') t.ptrace = undefined;
  else {
    p.syscalls = how === 'syscall';
    p.step = how === 'step';
  }
  if (sig > 0) t.pending.unshift({ ...(s?.kind === 'signal' && s.info ? s.info : { code: 0 }), signo: sig, traced: true });
  k.wakeTracee(t);
}

// A traced task forked or cloned: the child is traced too (when the options ask), stopped at its
// start, and the parent stops with the event when its syscall returns.
export function traceChild(k: Kernel, parent: Task, child: Task, vfork: boolean, thread: boolean, exitSignal: number): void {
  const p = parent.ptrace;
  if (!p) return;
  const event = vfork ? PTRACE_EVENT_VFORK : !thread && exitSignal === SIGCHLD ? PTRACE_EVENT_FORK : PTRACE_EVENT_CLONE;
  const option = event === PTRACE_EVENT_VFORK ? PTRACE_O_TRACEVFORK : event === PTRACE_EVENT_FORK ? PTRACE_O_TRACEFORK : PTRACE_O_TRACECLONE;
  if (!(p.options & option)) return;
  child.ptrace = { tracer: p.tracer, options: p.options, seized: p.seized, step: false, syscalls: false, inSyscall: false, exitStop: false, origRax: 0n, eventMsg: 0 };
  if (p.seized) child.ptraceStop = { kind: 'event', signo: SIGTRAP, event: PTRACE_EVENT_STOP, reported: false }; // (a trap stop, not a group stop)
  else child.pending.unshift({ signo: SIGSTOP, code: 0 });
  p.eventMsg = child.tid;
  p.pendingEvent = event;
  p.tracer.childEvents.notify();
}

// A traced task finished execve.
export function execDone(k: Kernel, t: Task, oldTid: number): void {
  const p = t.ptrace;
  if (!p) return;
  if (p.options & PTRACE_O_TRACEEXEC) { p.eventMsg = oldTid; p.pendingEvent = PTRACE_EVENT_EXEC; }
  else if (!p.seized) t.pending.push({ signo: SIGTRAP, code: 0 });
}

// A process ended: its tracer hears of each traced thread (when it is not also its parent), and
// processes it traced are let go (or killed, under PTRACE_O_EXITKILL).
export function processExited(k: Kernel, p: Process, status: number, tracees: Task[]): void {
  for (const t of tracees) {
    const tracer = t.ptrace?.tracer;
    if (tracer && tracer !== p.parent && tracer.alive && t.tid === p.pid) {
      tracer.ptraceExits.push({ pid: t.tid, status });
      tracer.childEvents.notify();
    }
  }
  for (const t of [...k.tasks]) {
    if (t.ptrace?.tracer !== p) continue;
    const kill = (t.ptrace.options & PTRACE_O_EXITKILL) !== 0;
    t.ptrace = undefined;
    t.ptraceStop = undefined;
    if (kill) k.signalTask(t, { signo: 9, code: 0x80 });
    k.wakeTracee(t);
  }
}
