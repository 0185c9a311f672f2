// Tasks (threads) and processes (thread groups). clone's flags decide which of
// a process's parts (address space, fd table, fs context, signal handlers) a
// new task shares and which it copies.
import type { AddressSpace, FaultOutcome } from '../mm/address-space.js';
import type { FdTable } from './fd-table.js';
import { STATE_SAVE_SIZE } from '../core/core.js';
import { WaitQueue, type Blocked } from '../base/wait.js';
import type { MountTable, Place } from '../fs/mounts.js';
import type { ProcTaskInfo } from '../fs/procfs.js';
import type { Tracee } from './debug.js';

export interface Credentials {
  uid: number; euid: number; suid: number; gid: number; egid: number; sgid: number; groups: number[];
  fsuid?: number; fsgid?: number; // setfsuid/setfsgid (the effective ids until set)
  caps?: CapSets; // capabilities once a program changed them (else: every one for euid 0, none for others)
  keepCaps?: boolean; // PR_SET_KEEPCAPS
}
// Capability sets, bit N for capability N (0..CAP_LAST_CAP).
export interface CapSets { eff: bigint; prm: bigint; inh: bigint; bnd: bigint; amb: bigint }
export const CAP_LAST_CAP = 40;
export const ALL_CAPS = (1n << BigInt(CAP_LAST_CAP + 1)) - 1n;
export function capsOf(c: Credentials): CapSets {
  return c.caps ?? { eff: c.euid === 0 ? ALL_CAPS : 0n, prm: c.euid === 0 ? ALL_CAPS : 0n, inh: 0n, bnd: ALL_CAPS, amb: 0n };
}
// The working directory and the root (chroot's) are places: a mount and a directory's node, so they follow the
// directory through renames, as on Linux.
export interface FsContext { cwd: Place; umask: number; root: Place }
export interface SigAction { handler: number; flags: number; restorer: number; mask: bigint }
export const SIG_DFL = 0, SIG_IGN = 1;
export const NSIG = 64;

export interface SigInfo {
  signo: number; code: number; errno?: number; addr?: number; pid?: number; uid?: number; status?: number; value?: bigint;
  timerId?: number; overrun?: number;
  band?: number; fd?: number; // SIGIO with F_SETSIG: the poll events and the descriptor
  traced?: boolean; // passed through the tracer's signal-delivery stop: delivered now
  // Not to be refused by init: a synchronous fault, or a signal from outside the machine (the
  // embedder's kill(), Ctrl-C at the terminal running xos), which means it.
  force?: boolean;
  passed?: boolean; // a debugger has seen it and let it through (kernel/debug.ts)
}

// A traced task's ptrace state.
export interface PtraceState {
  tracer: Process;
  options: number; // PTRACE_O_*
  seized: boolean;
  step: boolean; // resumed with PTRACE_SINGLESTEP: stop after one instruction
  syscalls: boolean; // resumed with PTRACE_SYSCALL: stop at syscall entry and exit
  inSyscall: boolean; // past its syscall-entry stop until the call ends
  exitStop: boolean; // the call in progress ends in a syscall-exit stop
  origRax: bigint; // orig_rax: the syscall number at the entry stop
  eventMsg: number; // PTRACE_GETEVENTMSG
  pendingEvent?: number; // an event stop due when the current syscall returns (fork, clone, exec)
  exitAfterEvent?: boolean; // that event stop is followed by the syscall-exit stop
  restoreRax?: boolean; // stopped at the exit of an interrupted call that restarts: rax gets orig_rax back
  exitReported?: boolean; // the PTRACE_EVENT_EXIT stop happened
}
// Why a tracee stopped: a signal about to be delivered, a syscall entry or exit, or an event
// (PTRACE_EVENT_*, with signo SIGTRAP, or SIGSTOP for PTRACE_EVENT_STOP).
export interface PtraceStop { kind: 'signal' | 'syscall' | 'event'; signo: number; event: number; info?: SigInfo; reported: boolean }

// A task runs, waits in a syscall (nr) on a wait record, or has exited.
export type RunState =
  | { kind: 'runnable' }
  | { kind: 'blocked'; wait: Blocked; nr: number }
  | { kind: 'exited' };

// CPU time in nanoseconds, user and system (in a syscall), as the scheduler measured it.
export interface CpuTimes { user: number; system: number }

// An interval timer that counts CPU time (ITIMER_VIRTUAL: user time, ITIMER_PROF: user and system):
// `left` ns until it fires, then it reloads with `interval` (0: disarmed after firing).
export interface CpuItimer { left: number; interval: number }

// A thread's scheduling policy (SCHED_OTHER 0, FIFO 1, RR 2, BATCH 3, IDLE 5, DEADLINE 6) and parameters.
export interface SchedAttr {
  policy: number; priority: number; resetOnFork: boolean; runtime: bigint; deadline: bigint; period: bigint;
  utilMin: number; utilMax: number;
}

// A UTS namespace's names (shared by the processes in it; CLONE_NEWUTS copies them).
export interface Uts { hostname: string; domainname: string }

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
  personality = 0; // personality(2): PER_LINUX and its flags
  // CPU time of threads that have ended, and of children collected by wait (cutime, cstime).
  readonly endedTimes: CpuTimes = { user: 0, system: 0 };
  readonly childTimes: CpuTimes = { user: 0, system: 0 };
  // Peak resident set in KiB (ru_maxrss): this process's when it ended, and its collected children's.
  maxRssKb = 0;
  childMaxRssKb = 0;
  // Its UTS namespace (the machine's first unless set).
  uts?: Uts;
  // Traced processes that ended and are not this process's children: their wait statuses, for its wait4.
  ptraceExits: { pid: number; status: number }[] = [];
  // ITIMER_VIRTUAL and ITIMER_PROF, while armed.
  itimerVirtual?: CpuItimer;
  itimerProf?: CpuItimer;
  exe = '';
  exeKey?: string; // the running program's file (dev:ino), while it cannot be written (ETXTBSY)
  argv: Uint8Array[] = [];
  envp: Uint8Array[] = [];
  auxv: Uint8Array = new Uint8Array(0); // the auxiliary vector exec gave it (/proc/PID/auxv, a debugger's qXfer:auxv)
  startNs = 0n;
  // RLIMIT_CPU: the process CPU time (cpuTime()) at which SIGXCPU is due again past the soft limit.
  nextXcpuNs = 0;
  // ITIMER_REAL (alarm, setitimer) and POSIX timers
  readonly timers = new Map<number, unknown>();
  // The mount namespace (shared with the parent unless CLONE_NEWNS; the VFS's first when unset).
  mnt?: MountTable;
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
  // /proc's view of the process (tid undefined: the leader's state with the whole process's times)
  // or of one thread.
  taskInfo(tid?: number): ProcTaskInfo {
    const t = tid === undefined ? this.threads[0] : this.threads.find((x) => x.tid === tid);
    const times = tid === undefined || !t ? this.cpuTime() : t.cpu;
    let ignored = 0n, caught = 0n;
    for (let sig = 1; sig <= NSIG; sig++) {
      const h = this.sigactions[sig].handler;
      if (h === SIG_IGN) ignored |= 1n << BigInt(sig - 1);
      else if (h !== SIG_DFL) caught |= 1n << BigInt(sig - 1);
    }
    const pendingOf = (x: Task) => x.pending.reduce((m, i) => m | (1n << BigInt(i.signo - 1)), 0n);
    const threads = tid === undefined ? this.threads : t ? [t] : [];
    return {
      state: stateLetter(this, t), wchan: t ? wchan(t) : '0',
      utime: times.user, stime: times.system, cutime: this.childTimes.user, cstime: this.childTimes.system,
      startNs: this.startNs, nice: this.nice, policy: t?.sched.policy ?? 0, rtPriority: t?.sched.priority ?? 0,
      tracerPid: t?.ptrace?.tracer.pid ?? 0,
      sigPending: t ? pendingOf(t) : 0n, sharedPending: 0n, sigBlocked: t?.sigmask ?? 0n, sigIgnored: ignored, sigCaught: caught,
      voluntary: threads.reduce((n, x) => n + x.voluntarySwitches, 0), involuntary: threads.reduce((n, x) => n + x.involuntarySwitches, 0),
    };
  }
  // The CPU time of the whole process: its live threads and those that ended (RLIMIT_CPU,
  // CLOCK_PROCESS_CPUTIME_ID, times(2), /proc/PID/stat).
  cpuTime(): CpuTimes {
    let user = this.endedTimes.user, system = this.endedTimes.system;
    for (const t of this.threads) { user += t.cpu.user; system += t.cpu.system; }
    return { user, system };
  }
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
  pdeathsig = 0; // prctl(PR_SET_PDEATHSIG): sent to its process when the parent process ends (not inherited)
  // sched_setscheduler/sched_setattr: the policy and its parameters, recorded (one CPU runs tasks by turns).
  sched: SchedAttr = { policy: 0, priority: 0, resetOnFork: false, runtime: 0n, deadline: 0n, period: 0n, utilMin: 0, utilMax: 1024 };
  // ioprio_set: class << 13 | level (0: none set, which the I/O scheduler takes as best-effort 4).
  ioprio = 0;
  // sched_setaffinity: the CPUs it may run on (this machine has CPU 0).
  affinity = 1n;
  // CPU time this thread used, counted by the scheduler around each slice and syscall.
  readonly cpu: CpuTimes = { user: 0, system: 0 };
  // Context switches: waits (voluntary) and slices taken away (involuntary).
  voluntarySwitches = 0;
  // Traced (ptrace): by whom, how, and where it is in the syscall it stopped in.
  ptrace?: PtraceState;
  // Stopped for its tracer (a ptrace stop): why, and whether the tracer's wait has seen it.
  ptraceStop?: PtraceStop;
  involuntarySwitches = 0;
  // The last page fault the kernel could not resolve (a signal's sigcontext reports it).
  fault?: { addr: number; access: number; present: boolean; outcome: FaultOutcome };

  constructor(readonly tid: number, readonly proc: Process) {}
}

// ps's letter for a task: running (R), sleeping (S), in an uninterruptible wait (D: only SIGKILL
// ends it), stopped by a signal (T) or for its tracer (t), or ended and not yet collected (Z).
export function stateLetter(p: Process, t?: Task): string {
  if (!p.alive || !t || t.state.kind === 'exited') return 'Z';
  if (t.ptraceStop) return 't';
  if (p.stopped) return 'T';
  const st = t.state;
  if (st.kind !== 'blocked') return 'R';
  if (st.wait.on.kind === 'stop') return 'T';
  return st.wait.killable ? 'D' : 'S';
}

// The kernel function a blocked task would sleep in on Linux, for /proc/PID/wchan.
export function wchan(t: Task): string {
  const st = t.state;
  if (st.kind !== 'blocked') return '0';
  const on = st.wait.on;
  switch (on.kind) {
    case 'io':
      if (on.object === 'pipe' || on.object === 'fifo') return [1, 18, 20, 296, 328, 275, 276].includes(st.nr) ? 'pipe_write' : 'pipe_read';
      if (on.object === 'socket') return [43, 288].includes(st.nr) ? 'inet_csk_accept' : 'wait_woken';
      if (on.object === 'tty' || on.object === 'pty' || on.object === 'stdin') return 'n_tty_read';
      return 'wait_woken';
    case 'tty-read': return 'n_tty_read';
    case 'fifo-open': return 'wait_for_partner';
    case 'poll': return [232, 281, 441].includes(st.nr) ? 'ep_poll' : [23, 270].includes(st.nr) ? 'do_select' : 'do_sys_poll';
    case 'futex': return 'futex_wait_queue';
    case 'futexv': return 'futex_wait_multiple';
    case 'child': return 'do_wait';
    case 'vfork': return 'kernel_clone';
    case 'sleep': return 'hrtimer_nanosleep';
    case 'signal': return st.nr === 130 ? 'sigsuspend' : st.nr === 34 ? 'sys_pause' : 'do_sigtimedwait';
    case 'stop': return 'do_signal_stop';
    case 'lock': return st.nr === 73 ? 'flock_lock_inode_wait' : 'fcntl_setlk';
    case 'lease': return '__break_lease';
    case 'semaphore': return 'do_semtimedop';
    case 'msgqueue': return st.nr === 69 ? 'do_msgsnd' : 'do_msgrcv';
  }
  return '0';
}

// A vfork child has exec'd or exited: its parent goes on.
export function releaseVfork(p: Process): void {
  if (!p.vfork || p.vfork.done) return;
  p.vfork.done = true;
  p.vfork.queue.notify();
}
