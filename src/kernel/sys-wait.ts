// wait4 and waitid: collecting ended children.
import { stopStatus } from './ptrace.js';
import type { SyscallDef, Handler } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { CpuTimes, Process, Task } from './task.js';
import { rusageBytes } from './sys-time.js';
import { Blocked, POLL_ALL } from '../base/wait.js';
import { EBADF, ECHILD, EFAULT, EINVAL } from '../base/errno.js';
import { PidFd } from './sys-fdevents.js';
import { CLD_CONTINUED, CLD_DUMPED, CLD_EXITED, CLD_KILLED, CLD_STOPPED } from './signal.js';

const WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000;
const __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;
const P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;

type Match = (c: Process) => boolean;

// Children of the caller's process that `match`; one with something to report, if any:
// it ended, or (when asked for) it stopped or continued since the last report.
function findChild(t: Task, match: Match, options: number): { any: boolean; zombie?: Process; changed?: Process } {
  const kids = t.proc.children.filter(match);
  const zombie = options & WEXITED ? kids.find((c) => c.waitStatus !== undefined) : undefined;
  const changed = kids.find((c) => c.alive && ((options & WUNTRACED && c.unreportedStop) || (options & WCONTINUED && c.unreportedContinue)));
  return { any: kids.length > 0, zombie, changed };
}

function matcher(t: Task, pid: number, options: number): Match {
  // __WCLONE: only children whose exit signal is not SIGCHLD; __WALL: all
  const kind = (c: Process) => (options & __WALL ? true : options & __WCLONE ? c.exitSignal !== 17 : c.exitSignal === 17);
  if (pid > 0) return (c) => c.pid === pid && kind(c);
  if (pid === 0) return (c) => c.pgid === t.proc.pgid && kind(c);
  if (pid === -1) return kind;
  return (c) => c.pgid === -pid && kind(c);
}

// wait4(2)
const sysWait4: Handler = (t, a, k) => {
  const pid = a.i(0), statusAddr = a.u(1), options = a.i(2), rusage = a.u(3);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  // a tracer's tracees: their ptrace stops and (when not its children) their ends come first
  const traced = tracedReport(t, k, pid);
  if (traced) {
    if (statusAddr) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, traced.status, true);
      if (!t.proc.mm.write(statusAddr, b)) return -EFAULT;
    }
    traced.take();
    return traced.pid;
  }
  const { any: anyChild, zombie, changed } = findChild(t, matcher(t, pid, options), options | WEXITED) // wait4 always reports ended children;
  const any = anyChild || k.tasks.some((x) => x.ptrace?.tracer === t.proc);
  if (!any) return -ECHILD;
  if (!zombie && changed) {
    // stopped: (signal << 8) | 0x7f; continued: 0xffff
    const status = changed.unreportedStop ? (changed.stopSignal << 8) | 0x7f : 0xffff;
    changed.unreportedStop = changed.unreportedContinue = false;
    if (statusAddr) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, status, true);
      if (!t.proc.mm.write(statusAddr, b)) return -EFAULT;
    }
    return changed.pid;
  }
  if (!zombie) return options & WNOHANG ? 0 : new Blocked({ kind: 'child' }, [{ on: t.proc.childEvents, events: POLL_ALL }]);
  if (statusAddr) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, zombie.waitStatus!, true);
    if (!t.proc.mm.write(statusAddr, b)) return -EFAULT;
  }
  if (rusage && !t.proc.mm.write(rusage, rusageBytes(totalTimes(zombie), zombie.maxRssKb))) return -EFAULT;
  collect(t.proc, zombie);
  k.reap(zombie);
  return zombie.pid;
};

// waitid(2)
const sysWaitid: Handler = (t, a, k) => {
  const idtype = a.i(0), id = a.i(1), infop = a.u(2), options = a.i(3);
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) return -EINVAL;
  let pid: number;
  if (idtype === P_ALL) pid = -1;
  else if (idtype === P_PID) { if (id <= 0) return -EINVAL; pid = id; }
  else if (idtype === P_PGID) pid = id === 0 ? 0 : -id;
  else if (idtype === P_PIDFD) {
    const f = t.proc.files.get(id);
    if (!(f instanceof PidFd)) return -EBADF;
    pid = f.target.pid;
  } else return -EINVAL;
  const { any, zombie, changed } = findChild(t, matcher(t, pid, options), options);
  if (!any) return -ECHILD;
  if (!zombie && changed) {
    const stop = changed.unreportedStop;
    if (!(options & WNOWAIT)) changed.unreportedStop = changed.unreportedContinue = false;
    if (infop) {
      const b = new Uint8Array(128);
      const dv = new DataView(b.buffer);
      dv.setInt32(0, 17, true);
      dv.setInt32(8, stop ? CLD_STOPPED : CLD_CONTINUED, true);
      dv.setInt32(16, changed.pid, true);
      dv.setInt32(20, changed.creds.uid, true);
      dv.setInt32(24, stop ? changed.stopSignal : 18, true);
      if (!t.proc.mm.write(infop, b)) return -EFAULT;
    }
    return 0;
  }
  if (!zombie) {
    if (options & WNOHANG) {
      if (infop && !t.proc.mm.write(infop, new Uint8Array(128))) return -EFAULT;
      return 0;
    }
    return new Blocked({ kind: 'child' }, [{ on: t.proc.childEvents, events: POLL_ALL }]);
  }
  if (infop) {
    const st = zombie.waitStatus!;
    const sig = st & 0x7f;
    const b = new Uint8Array(128);
    const dv = new DataView(b.buffer);
    dv.setInt32(0, 17, true);
    dv.setInt32(8, sig ? (st & 0x80 ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED, true);
    dv.setInt32(16, zombie.pid, true);
    dv.setInt32(20, zombie.creds.uid, true);
    dv.setInt32(24, sig ? sig : (st >> 8) & 0xff, true);
    if (!t.proc.mm.write(infop, b)) return -EFAULT;
  }
  if (a.u(4) && !t.proc.mm.write(a.u(4), rusageBytes(totalTimes(zombie), zombie.maxRssKb))) return -EFAULT;
  if (!(options & WNOWAIT)) { collect(t.proc, zombie); k.reap(zombie); }
  return 0;
};

// A tracee's stop or end that the tracer's wait has not reported: pid, wait status, and how to mark it seen.
function tracedReport(t: Task, k: Kernel, pid: number): { pid: number; status: number; take: () => void } | undefined {
  // ends first: they happened before the stops they caused (a parent's SIGCHLD)
  const exits = t.proc.ptraceExits;
  const i = exits.findIndex((e) => pid === -1 || e.pid === pid || pid <= 0);
  if (i >= 0) return { pid: exits[i].pid, status: exits[i].status, take: () => { exits.splice(i, 1); } };
  const want = (x: { tid: number; proc: Process }) => pid === -1 || (pid > 0 ? x.tid === pid : x.proc.pgid === (pid === 0 ? t.proc.pgid : -pid));
  for (const x of k.tasks) {
    if (x.ptrace?.tracer !== t.proc || !x.ptraceStop || x.ptraceStop.reported || !want(x)) continue;
    const s = x.ptraceStop;
    return { pid: x.tid, status: stopStatus(x), take: () => { s.reported = true; } };
  }
  return undefined;
}

// A child's own CPU time and that of the children it collected (what its parent's rusage gets).
function totalTimes(c: Process): CpuTimes {
  const own = c.cpuTime();
  return { user: own.user + c.childTimes.user, system: own.system + c.childTimes.system };
}
// The parent collects an ended child: its times count as the parent's children's (times(2), RUSAGE_CHILDREN).
function collect(parent: Process, c: Process): void {
  const all = totalTimes(c);
  parent.childTimes.user += all.user;
  parent.childTimes.system += all.system;
  parent.childMaxRssKb = Math.max(parent.childMaxRssKb, c.maxRssKb, c.childMaxRssKb);
}

export const waitSyscalls: SyscallDef[] = [
  { nr: 61, name: 'wait4', handler: sysWait4, args: ['int', 'ptr', 'hex', 'ptr'], status: 'implemented' },
  { nr: 247, name: 'waitid', handler: sysWaitid, args: ['int', 'int', 'ptr', 'hex', 'ptr'], status: 'implemented' },
];
