// clone, clone3, fork, vfork: new tasks and processes.
import { traceChild } from './ptrace.js';
import type { SyscallDef, Handler } from './syscall.js';
import type { Kernel } from './kernel.js';
import { Process, Task, type SigAction } from './task.js';
import { Blocked, POLL_ALL, WaitQueue, resumed } from '../base/wait.js';
import { PidFd } from './sys-fdevents.js';
import { EAGAIN, EFAULT, EINVAL, ENOMEM, EPERM, E2BIG } from '../base/errno.js';
import * as L from '../generated/layout.js';
import { TASK_COST } from '../base/budget.js';

export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000,
  CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000,
  CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
  CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000, CLONE_UNTRACED = 0x800000,
  CLONE_CHILD_SETTID = 0x1000000, CLONE_NEWCGROUP = 0x2000000, CLONE_NEWUTS = 0x4000000,
  CLONE_NEWIPC = 0x8000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000,
  CLONE_IO = 0x80000000;

interface CloneArgs { flags: number; stack: number; ptid: number; ctid: number; tls: number; exitSignal: number; pidfd: number }

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

function doClone(t: Task, k: Kernel, c: CloneArgs): number | Blocked {
  // a vfork parent, woken: the child has exec'd or exited
  const vw = resumed(t, 'vfork');
  if (vw) {
    const child = k.processes.get(vw.child);
    return child?.vfork && !child.vfork.done ? vforkWait(child) : vw.child;
  }

  const f = c.flags;
  if (f & CLONE_THREAD && !(f & CLONE_SIGHAND)) return -EINVAL;
  if (f & CLONE_PIDFD && f & CLONE_THREAD) return -EINVAL;
  if (f & CLONE_SIGHAND && !(f & CLONE_VM)) return -EINVAL;
  if (f & (CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)) return -EINVAL;
  if (f & CLONE_NEWUTS && t.proc.creds.euid !== 0) return -EPERM;
  if (f & CLONE_NEWNS && f & CLONE_FS) return -EINVAL;
  if (f & CLONE_NEWNS && t.proc.creds.euid !== 0) return -EPERM;
  if (c.exitSignal < 0 || c.exitSignal > 64) return -EINVAL;
  // the pidfd's slot must be writable: a clone that cannot report its pidfd fails before the child exists
  if (f & CLONE_PIDFD && !t.proc.mm.write(c.pidfd, u32(0))) return -EFAULT;
  if (!k.takeTask()) return -EAGAIN;
  const parent = t.proc;
  k.saveCurrent();
  let proc: Process;
  let tid: number;
  if (f & CLONE_THREAD) {
    proc = parent;
    tid = k.newPid();
  } else {
    let mm;
    if (f & CLONE_VM) { mm = parent.mm; mm.users++; }
    else {
      mm = parent.mm.fork();
      if (!mm) { k.budget.uncharge(TASK_COST); return -ENOMEM; }
    }
    tid = k.newPid();
    let files;
    if (f & CLONE_FILES) { files = parent.files; files.users++; } else files = parent.files.fork();
    const fs = f & CLONE_FS ? parent.fs : { ...parent.fs };
    proc = new Process(tid, mm, files, fs, { ...parent.creds, groups: [...parent.creds.groups], caps: parent.creds.caps && { ...parent.creds.caps } });
    if (!(f & CLONE_FILES)) files.owner = proc;
    proc.sigactions = f & CLONE_SIGHAND ? parent.sigactions : parent.sigactions.map((x: SigAction) => ({ ...x }));
    proc.pgid = parent.pgid;
    proc.sid = parent.sid;
    proc.exitSignal = c.exitSignal;
    proc.rlimits = new Map(parent.rlimits);
    proc.nice = parent.nice;
    proc.personality = parent.personality;
    proc.mnt = f & CLONE_NEWNS ? k.vfs.ns(t).clone() : parent.mnt;
    if (f & CLONE_NEWNS) { fs.cwd = proc.mnt!.translate(fs.cwd); fs.root = proc.mnt!.translate(fs.root); }
    const uts = parent.uts ?? k.uts;
    proc.uts = f & CLONE_NEWUTS ? { ...uts } : uts;
    proc.exe = parent.exe;
    proc.argv = parent.argv;
    proc.envp = parent.envp;
    proc.startNs = k.host.monotonicNs();
    const up = f & CLONE_PARENT && parent.parent ? parent.parent : parent;
    proc.parent = up;
    up.children.push(proc);
    k.processes.set(tid, proc);
    if (!(f & CLONE_VM)) parent.tracee?.forked(proc); // the child is not debugged: no breakpoints in it
  }
  const child = new Task(tid, proc);
  child.regs.set(t.regs);
  child.sigmask = t.sigmask;
  child.comm = t.comm;
  child.affinity = t.affinity;
  child.ioprio = t.ioprio;
  // the policy is inherited, unless SCHED_RESET_ON_FORK: then SCHED_OTHER (a negative nice back to 0)
  child.sched = t.sched.resetOnFork ? { ...t.sched, policy: t.sched.policy >= 3 && t.sched.policy !== 6 ? t.sched.policy : 0, priority: 0, resetOnFork: false } : { ...t.sched };
  if (t.sched.resetOnFork && !(f & CLONE_THREAD) && proc.nice < 0) proc.nice = 0;
  if (!(f & CLONE_VM) || f & CLONE_VFORK) child.altstack = { ...t.altstack };
  proc.threads.push(child);
  // the child's registers: rax = 0, its own stack and TLS
  const dv = new DataView(child.regs.buffer);
  const off = (field: number) => field - L.STATE;
  dv.setBigUint64(off(L.S_GPR), 0n, true);
  if (c.stack) dv.setBigUint64(off(L.S_GPR + 4 * 8), BigInt(c.stack), true);
  if (f & CLONE_SETTLS) dv.setBigUint64(off(L.S_FS_BASE), BigInt(c.tls), true);
  // the tids go where asked when they can; a bad address is ignored, as Linux ignores it (the child
  // exists by now and must run)
  if (f & CLONE_PARENT_SETTID) parent.mm.write(c.ptid, u32(tid));
  if (f & CLONE_CHILD_SETTID) proc.mm.write(c.ctid, u32(tid));
  if (f & CLONE_CHILD_CLEARTID) child.clearChildTid = c.ctid;
  k.addTask(child);
  traceChild(k, t, child, (f & CLONE_VFORK) !== 0, (f & CLONE_THREAD) !== 0, c.exitSignal);
  if (f & CLONE_PIDFD) {
    // in the parent's table only: the child's copy was made before it
    const pf = new PidFd(proc, k, 0);
    const fd = parent.files.install(pf, true);
    if (fd < 0) pf.release();
    else parent.mm.write(c.pidfd, u32(fd)); // writable: checked before the child was made
  }
  if (f & CLONE_VFORK) {
    proc.vfork = { done: false, queue: new WaitQueue() };
    return vforkWait(proc);
  }
  return tid;
}

// The vfork parent waits, killable only, until the child execs or exits.
function vforkWait(child: Process): Blocked {
  const b = new Blocked({ kind: 'vfork', child: child.pid }, [{ on: child.vfork!.queue, events: POLL_ALL }]);
  b.killable = true;
  return b;
}

const SIGCHLD = 17;
// clone(2): flags, newsp, parent_tid, child_tid, tls
const sysClone: Handler = (t, a, k) => {
  const flags = a.u32(0); // clone(2) takes the low 32 bits (clone3 the whole 64)
  // CLONE_PIDFD stores the pidfd where CLONE_PARENT_SETTID would store the tid: not both
  if (flags & CLONE_PIDFD && flags & CLONE_PARENT_SETTID) return -EINVAL;
  return doClone(t, k, { flags: (flags & ~0xff) >>> 0, stack: a.u(1), ptid: a.u(2), ctid: a.u(3), tls: a.u(4), exitSignal: flags & 0xff, pidfd: a.u(2) });
};
const sysFork: Handler = (t, a, k) => doClone(t, k, { flags: 0, stack: 0, ptid: 0, ctid: 0, tls: 0, exitSignal: SIGCHLD, pidfd: 0 });
const sysVfork: Handler = (t, a, k) => doClone(t, k, { flags: CLONE_VM | CLONE_VFORK, stack: 0, ptid: 0, ctid: 0, tls: 0, exitSignal: SIGCHLD, pidfd: 0 });
// clone3(2): struct clone_args
const sysClone3: Handler = (t, a, k) => {
  const size = a.u(1);
  if (size < 64) return -EINVAL;
  if (size > 4096) return -E2BIG;
  const b = t.proc.mm.read(a.u(0), Math.min(size, 88));
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const q = (i: number) => (i * 8 + 8 <= b.length ? Number(dv.getBigUint64(i * 8, true)) : 0);
  const flags64 = dv.getBigUint64(0, true), signal64 = dv.getBigUint64(32, true);
  // beyond the 32 legacy flags, CLONE_CLEAR_SIGHAND and CLONE_INTO_CGROUP exist (xos has neither);
  // an exit signal must fit CSIGNAL
  if (flags64 >> 32n || signal64 > 0xffn) return -EINVAL;
  const flags = Number(flags64), stack = q(5), stackSize = q(6);
  if (flags & 0xff) return -EINVAL; // CSIGNAL bits: the exit signal has its own field
  if (q(8) || q(9)) return -EINVAL; // set_tid
  return doClone(t, k, { flags, stack: stack ? stack + stackSize : 0, ptid: q(3), ctid: q(2), tls: q(7), exitSignal: q(4), pidfd: q(1) });
};

export const cloneSyscalls: SyscallDef[] = [
  { nr: 56, name: 'clone', handler: sysClone, args: ['hex', 'ptr', 'ptr', 'ptr', 'ptr'], status: 'partial', note: 'no namespaces' },
  { nr: 435, name: 'clone3', handler: sysClone3, args: ['ptr', 'size'], status: 'partial', note: 'no set_tid, no cgroups' },
  { nr: 57, name: 'fork', handler: sysFork, args: [], status: 'implemented' },
  { nr: 58, name: 'vfork', handler: sysVfork, args: [], status: 'implemented' },
];
