// Tasks (threads) and processes (thread groups). clone's flags decide which of
// a process's parts (address space, fd table, fs context, signal handlers) a
// new task shares and which it copies.
import type { AddressSpace, FaultOutcome } from '../mm/address-space.js';
import type { FdTable } from './fd-table.js';
import { STATE_SAVE_SIZE } from '../core/core.js';
import { WaitQueue, type Blocked } from '../base/wait.js';
import type { MountTable } from '../fs/mounts.js';
import type { Tracee } from './debug.js';

export interface Credentials { uid: number; euid: number; suid: number; gid: number; egid: number; sgid: number; groups: number[] }
export interface FsContext { cwd: string; umask: number; root: string } // cwd and root (chroot) are global guest paths
export interface SigAction { handler: number; flags: number; restorer: number; mask: bigint }
export const SIG_DFL = 0, SIG_IGN = 1;
export const NSIG = 64;

export interface SigInfo {
  signo: number; code: number; errno?: number; addr?: number; pid?: number; uid?: number; status?: number; value?: bigint;
  timerId?: number; overrun?: number;
  passed?: boolean; // a debugger has seen it and let it through (kernel/debug.ts)
}

// A task runs, waits in a syscall (nr) on a wait record, or has exited.
export type RunState =
  | { kind: 'runnable' }
  | { kind: 'blocked'; wait: Blocked; nr: number }
  | { kind: 'exited' };

export function newSigactions(): SigAction[] {
  return Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n }));
}

export class Process {
  readonly threads: Task[] = [];
  readonly children: Process[] = [];
  parent?: Process;
  pgid: number;
  sid: number;
  sigactions: SigAction[] = newSigactions();
  // The signal the parent gets when this process ends (clone's exit signal).
  exitSignal = 17;
  // Wait status once the process has ended (as wait4 reports it); a zombie until reaped.
  waitStatus?: number;
  // The CPU state of the thread that ended it (its registers when it exited or was killed).
  finalState?: Uint8Array;
  // Woken when a child changes state (wait4).
  readonly childEvents = new WaitQueue();
  // Woken when this process ends (pidfds).
  readonly exitEvents = new WaitQueue();
  // Woken by signals sent to this process (signalfd readers).
  readonly signalEvents = new WaitQueue();
  // Job control: stopped by SIGSTOP/SIGTSTP/…; a stop or continue not yet reported by wait.
  stopped = false;
  stopSignal = 0;
  unreportedStop = false;
  unreportedContinue = false;
  // A vfork child: its parent waits until it execs or exits (done).
  vfork?: { done: boolean; queue: WaitQueue };
  rlimits = new Map<number, [bigint, bigint]>();
  // A resource limit [soft, hard]: what setrlimit set, else Linux's defaults for a login shell.
  limit(res: number): [bigint, bigint] {
    const set = this.rlimits.get(res);
    if (set) return set;
    const INF = 0xffffffffffffffffn;
    switch (res) {
      case 3 /* STACK */: return [8n * 1024n * 1024n, INF];
      case 7 /* NOFILE */: return [1024n, 1048576n];
      case 4 /* CORE */: return [0n, INF];
      case 6 /* NPROC */: case 11 /* SIGPENDING */: return [63304n, 63304n];
      case 8 /* MEMLOCK */: return [8n * 1024n * 1024n, 8n * 1024n * 1024n];
      case 13 /* NICE */: case 14 /* RTPRIO */: return [0n, 0n];
      case 12 /* MSGQUEUE */: return [819200n, 819200n];
      default: return [INF, INF];
    }
  }
  nice = 0; // setpriority(2)
  exe = '';
  argv: Uint8Array[] = [];
  envp: Uint8Array[] = [];
  startNs = 0n;
  // ITIMER_REAL (alarm, setitimer) and POSIX timers
  readonly timers = new Map<number, unknown>();
  // The mount namespace (shared with the parent unless CLONE_NEWNS; the VFS's first when unset).
  mnt?: MountTable;
  // The auxiliary vector execve gave the program (/proc/PID/auxv, a debugger's qXfer:auxv).
  auxv: Uint8Array = new Uint8Array(0);
  // A debugger attached (kernel/debug.ts): it decides when the threads run.
  tracee?: Tracee;

  constructor(
    readonly pid: number,
    public mm: AddressSpace,
    public files: FdTable,
    public fs: FsContext,
    public creds: Credentials,
  ) {
    this.pgid = pid;
    this.sid = pid;
  }
  get ppid(): number { return this.parent?.pid ?? 0; }
  get alive(): boolean { return this.waitStatus === undefined; }
}

export class Task {
  state: RunState = { kind: 'runnable' };
  readonly regs = new Uint8Array(STATE_SAVE_SIZE);
  sigmask = 0n;
  pending: SigInfo[] = [];
  altstack = { sp: 0, size: 0, flags: 2 /* SS_DISABLE */ };
  clearChildTid = 0;
  robustList = 0;
  // The wait this task was woken from: its syscall runs again and finds there what it kept
  // (a deadline, progress); signals wait until that re-run is over. Cleared when the call ends.
  resumed?: Blocked;
  // A signal ended the wait of syscall nr: the call fails with EINTR or restarts (SA_RESTART).
  interrupted?: { wait: Blocked; nr: number };
  // The mask to restore after a handler runs for rt_sigsuspend/ppoll/pselect.
  savedMask?: bigint;
  comm = new Uint8Array(0); // prctl(PR_SET_NAME)
  // The last page fault the kernel could not resolve (a signal's sigcontext reports it).
  fault?: { addr: number; access: number; present: boolean; outcome: FaultOutcome };

  constructor(readonly tid: number, readonly proc: Process) {}
}

// A vfork child has exec'd or exited: its parent goes on.
export function releaseVfork(p: Process): void {
  if (!p.vfork || p.vfork.done) return;
  p.vfork.done = true;
  p.vfork.queue.notify();
}
