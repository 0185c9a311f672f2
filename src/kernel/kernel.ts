// The kernel: processes and tasks, the scheduler loop that runs them on the
// core, syscall dispatch, and turning CPU exits into signals.
import { Core, Exit, WATCH_MAX, type CoreOptions } from '../core/core.js';
import { Tracee } from './debug.js';
import { PhysMem } from '../mm/phys.js';
import { AddressSpace, CommitAccount } from '../mm/address-space.js';
import { PageCache } from '../mm/page-cache.js';
import type { Host } from '../base/host.js';
import { MemoryBudget, TASK_COST } from '../base/budget.js';
import type { NetConfig, NetStack } from '../net/stack.js';
import { createNetStack } from '../net/network.js';
import { netView } from '../net/proc-net.js';
import type { FsBackend } from '../fs/backend.js';
import { Vfs } from '../fs/vfs.js';
import { FdTable } from './fd-table.js';
import { Process, Task, releaseVfork, type CpuTimes, type Uts } from './task.js';
import { Sysctl } from './sysctl.js';
import { AsyncIo } from './async-io.js';
import { Dnotify } from './dnotify.js';
import { processExited, syscallDone, syscallEntry, syscallInterrupted } from './ptrace.js';
import { Args } from './args.js';
import { Blocked } from '../base/wait.js';
import { TimerQueue, type Timer } from './timers.js';
import { cancelTimers } from './sys-timer.js';
import { Ipc } from './sys-ipc.js';
import { MemfdStore } from './sys-memfd.js';
import { UnixNames, type SockContext } from '../net/unix.js';
import { NO_RESULT } from './syscall.js';
import { SYSCALLS, formatCall, formatResult } from './syscall-table.js';
import { ENOSYS, EINTR } from '../base/errno.js';
import { SIG_DFL, SIG_IGN, type SigInfo } from './task.js';
import { Reporter, describeError } from './report.js';
import { futexWake, futexKey, exitRobustList, type FutexWaiter } from './sys-futex.js';

const ERRNO_TEXT: Record<number, string> = { 2: 'No such file or directory', 13: 'Permission denied', 21: 'Is a directory', 20: 'Not a directory', 40: 'Too many levels of symbolic links', 12: 'Out of memory', 7: 'Argument list too long' };
import {
  deliverSignals, forceSignal, SIGSEGV, SIGBUS, BUS_ADRERR, SIGILL, SIGFPE, SIGTRAP, SI_KERNEL, SEGV_MAPERR, SEGV_ACCERR,
  ILL_ILLOPN, FPE_INTDIV, SIGKILL, SIGCHLD, SI_USER, SIGXCPU, SA_NOCLDWAIT, SA_RESTART, queueSignal, sigbit, DEFAULT_IGNORED,
  CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED, SIGCONT, SA_NOCLDSTOP, STOPPING, SIGVTALRM, SIGPROF,
} from './signal.js';
import { execve, ExecError, dropText } from './exec.js';
import type { FileImage } from '../elf/elf.js';
import type { FileDescription } from '../fs/file.js';
import type { Pty } from '../fs/pty.js';
import type { MemoryInfo, SystemInfo } from '../fs/procfs.js';
import { buildVdso, vvarPage, type VdsoImage } from './vdso.js';
import { ttyJobs } from './tty-jobs.js';
import { ISA_FORMS } from '../generated/isa.js';
import * as L from '../generated/layout.js';

export interface SpawnOptions {
  env: string[];
  cwd: string;
  image?: FileImage; // the program's bytes, instead of the file at its path
  stdio?: [FileDescription, FileDescription, FileDescription];
  terminal?: Pty;
}

export interface KernelOptions {
  host: Host;
  coreModule: WebAssembly.Module;
  root: FsBackend;
  memory?: number; // bytes of guest memory (default 2 GiB)
  // The machine's memory account (its limit becomes `memory`): made earlier when file systems
  // made before the kernel charge it too.
  budget?: MemoryBudget;
  // The most tasks (threads, and zombies until reaped) the machine may hold, as docker's
  // --pids-limit; default: Linux's threads-max for the memory size.
  pidsMax?: number;
  strace?: boolean;
  debug?: boolean; // report fatal faults on stderr
  core?: CoreOptions; // the JIT's settings
  // Testing xos itself: these places throw as a bug of xos would (a syscall's name: its handler;
  // 'fault:0xADDR': the page-fault handler, for the page at ADDR).
  injectBugs?: readonly string[];
  net?: NetConfig; // the machine's network (default: loopback only)
}

const SLICE = 1_000_000; // instructions per run() call
const RLIMIT_CPU = 0, RLIMIT_SIGPENDING = 11, RLIM_INFINITY = 0xffffffffffffffffn;
const WRITEBACK_MS = 5000;
const YIELD_MS = 20; // give the event loop a turn at least this often
const MAX_SYSCALLS_PER_SLICE = 256; // a task making syscalls in a loop lets others run after this many

export class Kernel {
  readonly processes = new Map<number, Process>();
  readonly tasks: Task[] = [];
  vfs!: Vfs;
  strace: boolean;
  debug: boolean;
  lastExecError = '';
  syscallCount = 0;
  // CPU time of every task since the machine started (/proc/stat), and processes created.
  readonly cpuTotal: CpuTimes = { user: 0, system: 0 };
  forks = 0;
  // kcmp(2)'s order of kernel objects: the order the machine first compared them in.
  readonly objectIds = new WeakMap<object, number>();
  objectCount = 0;
  readonly bootRealtimeNs: bigint;
  current?: Task;
  init?: Process; // the first process: orphans become its children
  readonly futexes = new Map<string, FutexWaiter[]>();
  readonly textBusy = new Map<string, number>(); // files running programs were exec'd from (exec.ts)
  private nextPid = 1;
  readonly reports: Reporter;
  // A bug met inside the core's page-fault call: reported when the core has returned.
  private faultError?: unknown;
  private readonly injected: ReadonlySet<string>;
  private wake?: () => void;
  private running = false;
  endSlice = false; // sched_yield: the current task gives up the rest of its slice
  private exitWaiters = new Map<Process, ((status: number) => void)[]>();
  private readonly args: Args;
  readonly account: CommitAccount;
  readonly pageCache: PageCache;
  readonly timers: TimerQueue;
  readonly ipc = new Ipc(); // System V IPC
  readonly unixNames = new UnixNames(); // AF_UNIX's abstract names and bound sockets
  readonly memfds: MemfdStore;
  readonly sysctl: Sysctl;
  readonly asyncIo = new AsyncIo(); // O_ASYNC owners and signals (F_SETOWN, F_SETSIG), a lease's or dnotify's signal
  readonly dnotify = new Dnotify(); // F_NOTIFY registrations
  // The first UTS namespace: host and domain name (sethostname, uname, /proc/sys/kernel/hostname).
  readonly uts: Uts = { hostname: 'xos', domainname: '(none)' };
  readonly budget: MemoryBudget;
  readonly pidsMax: number;
  private zombies = 0; // ended processes not yet reaped: they hold their pid
  readonly net: NetStack; // the machine's network: AF_INET/AF_INET6/AF_NETLINK sockets, interfaces, DNS
  // The real-time clock and the sockets' context as one object each, which sockets keep (a snapshot
  // names them: a restored machine's sockets get the restoring machine's).
  readonly realtime = (): bigint => this.host.realtimeNs();
  private sockCtx?: SockContext;
  get sockContext(): SockContext {
    return this.sockCtx ??= { now: this.realtime, nextIno: () => this.vfs.anonIno(), budget: this.budget, net: this.net };
  }

  private constructor(readonly host: Host, readonly core: Core, readonly phys: PhysMem, opts: KernelOptions, budget: MemoryBudget) {
    this.budget = budget;
    // Linux: threads-max = memory / (8 * THREAD_SIZE), at least 20
    this.pidsMax = opts.pidsMax ?? Math.max(20, Math.floor(budget.limit / (8 * 16384)));
    this.strace = !!opts.strace;
    this.debug = !!opts.debug;
    this.injected = new Set(opts.injectBugs ?? []);
    this.args = new Args(core);
    this.account = new CommitAccount(budget.limit);
    this.pageCache = new PageCache(core, phys, budget);
    this.reports = new Reporter(host.stderr);
    this.timers = new TimerQueue(host, (e) => this.oops(undefined, 'a timer', e));
    this.memfds = new MemfdStore(() => host.realtimeNs(), budget);
    this.bootRealtimeNs = host.realtimeNs() - host.monotonicNs();
    this.sysctl = new Sysctl(this);
    this.net = createNetStack(opts.net ?? {}, (b) => host.random(b), () => this.vfs.anonIno());
  }

  static async create(opts: KernelOptions): Promise<Kernel> {
    let k!: Kernel;
    const core = await Core.create(opts.coreModule, {
      pageFault: (addr, access) => k.pageFault(addr, access),
      random32: () => { const b = new Uint8Array(4); opts.host.random(b); return new DataView(b.buffer).getUint32(0, true); },
      monotonicNs: () => Number(opts.host.monotonicNs()),
    }, opts.core);
    // WebAssembly's 4 GiB, less the core's own tables below the frames
    const memory = Math.min(opts.memory ?? 2 ** 31, 2 ** 32 - L.FRAMES);
    const budget = opts.budget ?? new MemoryBudget();
    budget.limit = memory;
    const phys = new PhysMem(core, memory, budget);
    k = new Kernel(opts.host, core, phys, opts, budget);
    k.vfs = new Vfs({ root: opts.root, host: opts.host, proc: k, jobs: ttyJobs(k), budget, net: netView(k.net) });
    k.vfs.leases.hooks = {
      now: () => opts.host.monotonicNs(), breakTimeSec: () => k.sysctl.values.leaseBreakTime,
      onBreak: (f) => k.asyncIo.message(k, f), onRemove: (f) => k.asyncIo.leaseGone(f),
    };
    return k;
  }

  // The core's page fault: resolved (1), or recorded on the task as its last fault (0; the core
  // then exits with Exit.PageFault and step() raises the signal the record names).
  private pageFault(addr: number, access: number): number {
    const t = this.current;
    if (!t) return 0;
    let outcome;
    try {
      if (this.injected.size && this.injected.has(`fault:0x${(addr - (addr % 4096)).toString(16)}`)) throw new Error('a bug injected for testing');
      outcome = t.proc.mm.fault(addr, access & 7);
    } catch (e) {
      // not thrown through the core's frames: it returns with the fault unresolved, step() reports it
      this.faultError = e;
      return 0;
    }
    if (outcome === 'ok') return 1;
    t.fault = { addr, access: access & 7, present: (access & 0x100) !== 0, outcome };
    return 0;
  }

  warnOnce(key: string, message: string): void { this.reports.once(key, message); }

  // A bug of xos met while serving task `t` (a syscall handler, a page fault or signal delivery
  // threw): as a Linux oops, the process dies — of SIGSEGV, as an oops kills a task — and the
  // machine goes on. One line says what is needed to report it; XOS_DEBUG=1 adds the stack.
  oops(t: Task | undefined, where: string, e: unknown): void {
    const { summary, stack } = describeError(e);
    const who = t ? ` (process ${t.proc.pid} ${new TextDecoder().decode(t.comm) || t.proc.exe}, rip 0x${this.core.rip.toString(16)}): the process is killed` : '';
    this.reports.line(`internal error in ${where}: ${summary}${who}; please report this, with the output of XOS_DEBUG=1`, 'bug');
    if (this.debug) this.reports.raw(stack);
    if (!t) return;
    const p = t.proc;
    try {
      this.exitProcess(p, SIGSEGV);
    } catch (again) {
      // the clean-up failed too: take its tasks off the run queue so the machine goes on
      if (this.debug) this.reports.raw(describeError(again).stack);
      for (const x of p.threads) { x.state = { kind: 'exited' }; const i = this.tasks.indexOf(x); if (i >= 0) this.tasks.splice(i, 1); }
      if (p.waitStatus === undefined) { p.waitStatus = SIGSEGV; this.zombies++; }
      for (const w of this.exitWaiters.get(p) ?? []) w(p.waitStatus);
      this.exitWaiters.delete(p);
    }
    if (this.current?.proc === p) this.current = undefined;
    // the core may have been left mid-instruction: forget what it cached
    this.core.tlbFlush();
    this.kick();
  }

  private vdsoCache?: { image: VdsoImage; vvar: Uint8Array };
  // The vDSO image and its [vvar] page (the real-time clock's offset from the monotonic one).
  vdso(): { image: VdsoImage; vvar: Uint8Array } {
    this.vdsoCache ??= { image: buildVdso(), vvar: vvarPage(this.host.realtimeNs() - this.host.monotonicNs()) };
    return this.vdsoCache;
  }

  // --- processes -------------------------------------------------------------
  // pids count up to kernel.pid_max and wrap to 300, skipping those in use (as process, group or session ids).
  newPid(): number {
    this.forks++;
    for (;;) {
      if (this.nextPid >= this.sysctl.values.pidMax) this.nextPid = 300;
      const pid = this.nextPid++;
      if (!this.pidInUse(pid)) return pid;
    }
  }
  private pidInUse(pid: number): boolean {
    if (this.processes.has(pid) || this.tasks.some((t) => t.tid === pid)) return true;
    for (const p of this.processes.values()) if (p.pgid === pid || p.sid === pid) return true;
    return false;
  }
  // kernel.ns_last_pid: the last pid handed out; setting it chooses the next.
  get lastPid(): number { return this.nextPid - 1; }
  set lastPid(pid: number) { this.nextPid = pid + 1; }
  // Descriptions open in every process (fs.file-nr), counted once per fd.
  openFiles(): number {
    let n = 0;
    for (const p of this.processes.values()) n += p.files.fds().length;
    return n;
  }
  // Room for one more task (clone, spawn): under the pids limit, and its cost charged to the
  // machine's memory; false: EAGAIN, as a full pids cgroup or threads-max gives.
  takeTask(): boolean {
    if (this.tasks.length + this.zombies >= this.pidsMax) return false;
    return this.budget.charge(TASK_COST, false);
  }

  // Start a program as a new process, the leader of a new session, a child of no one (as a
  // container's first process, or one that `docker exec` starts). The first process of a machine
  // with none alive is its init. `stdio` are its descriptors 0, 1 and 2 (it takes over one
  // reference of each; default: the machine's console), `terminal` its controlling terminal.
  // Throws ExecError.
  spawn(path: string, argv: string[], o: SpawnOptions): Process {
    const enc = new TextEncoder();
    const { env, cwd, image } = o;
    if (!this.takeTask()) throw new ExecError(`${path}: cannot start: the machine's process limit or memory is used up`, 126);
    const pid = this.newPid();
    const mm = new AddressSpace(this.core, this.phys, this.account, this.pageCache);
    const files = new FdTable();
    const stdio = o.stdio ?? [this.vfs.stdinFile(), this.vfs.stdoutFile(), this.vfs.stderrFile()];
    for (const f of stdio) files.install(f, false);
    const root = this.vfs.rootPlace();
    const p = new Process(pid, mm, files, { cwd: root, umask: 0o022, root }, { uid: 0, euid: 0, suid: 0, gid: 0, egid: 0, sgid: 0, groups: [0] });
    files.owner = p;
    p.uts = this.uts;
    const t = new Task(pid, p);
    p.threads.push(t);
    this.processes.set(pid, p);
    this.tasks.push(t);
    if (!this.init?.alive) this.init = p;
    if (o.terminal) { o.terminal.session = pid; o.terminal.pgrp = pid; }
    p.startNs = this.host.monotonicNs();
    // the task the core holds keeps its registers: exec below loads the new program's
    if (this.current && this.current.state.kind !== 'exited') this.core.saveState(this.current.regs);
    this.current = t;
    this.core.ptRoot = mm.root;
    const c = this.vfs.chdir(t, -100 /* AT_FDCWD */, cwd);
    if (!image && !path.includes('/') && !c) path = this.searchPath(t, path, env);
    // a program given as bytes has no name in the file system: as fexecve of a memfd, /proc/self/exe
    // is "/memfd:NAME (deleted)" (glibc's static startup wants it absolute)
    if (image && !path.startsWith('/')) path = `/memfd:${path.slice(path.lastIndexOf('/') + 1)} (deleted)`;
    const r = c || execve(this, t, path, argv.map((a) => enc.encode(a)), env.map((e) => enc.encode(e)), 0, image);
    if (r < 0) {
      this.budget.uncharge(TASK_COST);
      this.tasks.splice(this.tasks.indexOf(t), 1);
      this.processes.delete(pid);
      if (this.init === p) this.init = undefined;
      if (o.terminal) o.terminal.session = o.terminal.pgrp = 0;
      files.closeAll();
      mm.destroy();
      this.current = undefined;
      if (c) throw new ExecError(`cannot change to the working directory ${cwd}: ${ERRNO_TEXT[-c] ?? `errno ${-c}`}`, 126);
      if (r === -2) throw new ExecError(`${path}: No such file or directory`, 127);
      if (r === -8) throw new ExecError(`${path}: ${this.lastExecError || 'exec format error'}`, 126);
      throw new ExecError(`${path}: cannot execute: ${ERRNO_TEXT[-r] ?? `errno ${-r}`}`, 126);
    }
    this.core.saveState(t.regs);
    this.current = undefined;
    return p;
  }

  // A command name looked up in the guest's PATH (as execvp does); the name itself when not found.
  private searchPath(t: Task, name: string, env: string[]): string {
    const pathVar = env.filter((e) => e.startsWith('PATH=')).pop()?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    for (const dir of pathVar.split(':')) {
      const candidate = `${dir || '.'}/${name}`;
      if (this.vfs.access(t, -100, candidate, 1) === 0) return candidate;
    }
    return name;
  }

  // Resolves with the wait status when `p` has ended.
  waitExit(p: Process): Promise<number> {
    if (p.waitStatus !== undefined) return Promise.resolve(p.waitStatus);
    return new Promise((resolve) => {
      const l = this.exitWaiters.get(p) ?? [];
      l.push(resolve);
      this.exitWaiters.set(p, l);
      this.kick();
    });
  }

  // --- signals ---------------------------------------------------------------------
  // A signal for every process of a process group (Ctrl-C at the terminal; force: from outside
  // the machine, which init does not refuse).
  signalGroup(pgid: number, signo: number, force = false): void {
    for (const p of [...this.processes.values()]) if (p.pgid === pgid) this.signalProcess(p, { signo, code: 0x80, force });
  }

  // A signal for a process: taken by a thread that does not block it.
  signalProcess(p: Process, info: SigInfo): void {
    if (!p.alive) return;
    const live = p.threads.filter((x) => x.state.kind !== 'exited');
    const t = live.find((x) => (x.sigmask & sigbit(info.signo)) === 0n) ?? live[0];
    if (t) this.signalTask(t, info);
  }
  // False when a real-time signal could not be queued: its user has RLIMIT_SIGPENDING signals
  // pending already (sigqueue answers EAGAIN; the queue stays bounded).
  signalTask(t: Task, info: SigInfo): boolean {
    if (t.state.kind === 'exited') return true;
    const sig = info.signo;
    if (sig >= 32 && this.pendingOf(t.proc.creds.uid) >= Number(t.proc.limit(RLIMIT_SIGPENDING)[0])) return false;
    const act = t.proc.sigactions[sig];
    // SIGCONT resumes a stopped process whatever its disposition, and cancels pending stops;
    // a stop signal cancels a pending SIGCONT
    if (sig === SIGCONT) {
      for (const x of t.proc.threads) x.pending = x.pending.filter((p) => !STOPPING.has(p.signo));
      this.continueProcess(t.proc);
    } else if (STOPPING.has(sig)) {
      for (const x of t.proc.threads) x.pending = x.pending.filter((p) => p.signo !== SIGCONT);
    }
    // init refuses signals it has no handler for, SIGKILL and SIGSTOP included, unless they come
    // from outside the machine (Linux: from an ancestor pid namespace); a blocked one waits, as
    // its handler may change before it is unblocked
    if (t.proc === this.init && act.handler === SIG_DFL && !info.force && (t.sigmask & sigbit(sig)) === 0n) return true;
    if (sig === SIGKILL) {
      // Not at once: as on Linux, the target dies when it next runs (a kill(2)
      // returns before the victim is a zombie; shells' wait/SIGCHLD order relies on it).
      if (!t.pending.some((p) => p.signo === SIGKILL)) t.pending.unshift(info);
    } else {
      // an ignored signal is dropped, unless blocked: the handler may change before it is unblocked
      // (and sigwait or a signalfd may take it), as on Linux
      // (a traced task stops even for an ignored signal: its tracer may want it)
      const ignored = act.handler === SIG_IGN || (act.handler === SIG_DFL && DEFAULT_IGNORED.has(sig));
      if (ignored && (t.sigmask & sigbit(sig)) === 0n && !t.ptrace) return true;
      queueSignal(t, info);
    }
    const st = t.state;
    if (st.kind === 'blocked') {
      const on = st.wait.on;
      if (sig !== SIGKILL && on.kind === 'signal' && on.set !== 0n && (on.set & sigbit(sig)) !== 0n) {
        this.wakeTask(t, st.wait); // rt_sigtimedwait runs again and takes it
      } else if ((t.sigmask & sigbit(sig)) === 0n && (!st.wait.killable || sig === SIGKILL)) {
        this.interruptTask(t);
      }
    }
    this.kick();
    return true;
  }
  private pendingOf(uid: number): number {
    let n = 0;
    for (const x of this.tasks) if (x.proc.creds.uid === uid) n += x.pending.length;
    return n;
  }

  // --- waits ---------------------------------------------------------------------------
  // Park `t` on `wait` (syscall nr): watch its sources and arm its deadline.
  private park(t: Task, wait: Blocked, nr: number): void {
    t.state = { kind: 'blocked', wait, nr };
    t.voluntarySwitches++;
    let armed = false, early = false;
    const wake = () => { if (armed) this.wakeTask(t, wait); else early = true; };
    const cancels = wait.sources.map((s) => s.on.watch(s.events, wake));
    const d = wait.deadline;
    const timer = d && this.timers.add(d.realtime ? d.ns - this.host.realtimeNs() + this.host.monotonicNs() : d.ns, wake);
    wait.disarm = () => { wait.disarm = undefined; for (const c of cancels) c(); this.timers.cancel(timer); };
    armed = true;
    if (early) this.wakeTask(t, wait);
  }
  // The wait is over: the task runs its syscall again.
  wakeTask(t: Task, wait?: Blocked): void {
    const st = t.state;
    if (st.kind !== 'blocked' || (wait && st.wait !== wait)) return;
    st.wait.disarm?.();
    t.state = { kind: 'runnable' };
    t.resumed = st.wait;
    this.kick();
  }
  // A signal ends the wait: EINTR or a restart, decided when the task runs (finishInterrupted).
  private interruptTask(t: Task): void {
    const st = t.state;
    if (st.kind !== 'blocked') return;
    st.wait.disarm?.();
    t.interrupted = { wait: st.wait, nr: st.nr };
    t.state = { kind: 'runnable' };
    this.kick();
  }

  // A blocked syscall was interrupted by a signal: it fails with EINTR, or is
  // restarted after the handler (SA_RESTART, for syscalls that allow it).
  private finishInterrupted(t: Task): void {
    const c = this.core;
    const { wait, nr } = t.interrupted!;
    t.interrupted = undefined;
    const def = SYSCALLS.get(nr);
    const info = t.pending.find((p) => (t.sigmask & sigbit(p.signo)) === 0n);
    const act = info ? t.proc.sigactions[info.signo] : undefined;
    // no handler will run (a stop, a default-ignored signal): the call just goes on;
    // a handler: EINTR, or a restart under SA_RESTART for calls that allow it
    const handled = act !== undefined && act.handler > SIG_IGN;
    const restart = !handled || (def?.restart !== 'never' && (act.flags & SA_RESTART) !== 0);
    const progress = wait.on.kind === 'io' ? wait.on.progress ?? 0 : 0;
    if (progress > 0) {
      // bytes already moved beat EINTR (and a restart would move them twice)
      c.rip = c.rip + 2;
      c.setReg(0, BigInt(progress));
      if (this.strace) this.traceLine(t, `${def?.name ?? nr}(...) = ${progress}`);
    } else if (!restart) {
      t.resumed = wait;
      def?.interrupted?.(t, this.args, this);
      t.resumed = undefined;
      c.rip = c.rip + 2;
      c.setReg(0, BigInt(-EINTR));
      if (this.strace) this.traceLine(t, `${def?.name ?? nr}(...) = -1 EINTR`);
    }
    if (t.savedMask !== undefined && !info) { t.sigmask = t.savedMask; t.savedMask = undefined; }
    // a traced call ends in its exit stop first (to be restarted: -ERESTARTSYS, as Linux shows it)
    if (t.ptrace?.inSyscall) syscallInterrupted(this, t, restart && progress === 0);
    if (!t.ptraceStop) deliverSignals(this, t);
  }

  // --- job control -----------------------------------------------------------------
  // A stop signal's default action: every thread of the process stops.
  stopProcess(p: Process, sig: number): void {
    if (!p.alive || p.stopped) return;
    p.stopped = true;
    p.stopSignal = sig;
    p.unreportedStop = true;
    p.unreportedContinue = false;
    this.notifyParent(p, CLD_STOPPED, sig);
  }
  continueProcess(p: Process): void {
    if (!p.alive || !p.stopped) return;
    p.stopped = false;
    p.unreportedStop = false;
    p.unreportedContinue = true;
    this.notifyParent(p, CLD_CONTINUED, SIGCONT);
    this.kick();
  }
  private notifyParent(p: Process, code: number, sig: number): void {
    const parent = p.parent;
    if (!parent?.alive) return;
    const act = parent.sigactions[SIGCHLD];
    if (!(act.flags & SA_NOCLDSTOP)) this.signalProcess(parent, { signo: SIGCHLD, code, pid: p.pid, uid: p.creds.uid, status: sig });
    parent.childEvents.notify();
  }

  // --- exit ------------------------------------------------------------------------
  // execve: every thread of the process but `t` ends.
  endOtherThreads(t: Task): void {
    for (const x of [...t.proc.threads]) if (x !== t) this.endTask(x);
  }

  // One thread ends (exit(2)); the process ends with its last thread.
  exitThread(t: Task, code: number): void {
    const live = t.proc.threads.filter((x) => x.state.kind !== 'exited');
    if (live.length <= 1) { this.exitProcess(t.proc, (code & 0xff) << 8); return; }
    this.endTask(t);
  }

  private endTask(t: Task): void {
    if (t.state.kind === 'exited') return;
    if (t.state.kind === 'blocked') t.state.wait.disarm?.();
    t.state = { kind: 'exited' };
    t.proc.endedTimes.user += t.cpu.user;
    t.proc.endedTimes.system += t.cpu.system;
    t.resumed = t.interrupted = undefined;
    const p = t.proc;
    if (p.mm.users > 0) {
      exitRobustList(this, t);
      if (t.clearChildTid) {
        // CLONE_CHILD_CLEARTID: zero the tid and wake a joiner
        p.mm.write(t.clearChildTid, new Uint8Array(4));
        futexWake(this, futexKey(t, t.clearChildTid, false), 1, -1);
      }
    }
    const i = this.tasks.indexOf(t);
    if (i >= 0) { this.tasks.splice(i, 1); this.budget.uncharge(TASK_COST); }
    const j = p.threads.indexOf(t);
    if (j >= 0) p.threads.splice(j, 1);
    if (this.current === t) this.current = undefined;
  }

  // End a process: status is a wait status (exit code << 8, or the signal number | 0x80 for core).
  exitProcess(p: Process, status: number): void {
    if (p.waitStatus !== undefined) return;
    const last = this.current?.proc === p ? this.current : p.threads[0];
    if (last) {
      if (last === this.current) this.core.saveState(last.regs);
      p.finalState = last.regs.slice();
    }
    const threads = [...p.threads];
    for (const t of threads) this.endTask(t);
    p.waitStatus = status;
    this.zombies++;
    if (this.current?.proc === p) this.current = undefined;
    if (p.mm.users > 0) p.maxRssKb = Math.max(p.maxRssKb, p.mm.resident() * 4);
    dropText(this, p);
    p.files.release();
    p.mm.release();
    if (p.pid === p.sid) this.vfs.pts.leaderExit(p.sid); // its controlling terminal's foreground group: SIGHUP
    releaseVfork(p);
    cancelTimers(this, p);
    if (p === this.init) {
      // as in a container: when its first process ends, everything ends
      for (const q of [...this.processes.values()]) if (q !== p) this.exitProcess(q, SIGKILL);
      this.init = undefined;
    } else {
      for (const c of p.children.splice(0)) {
        c.parent = this.init;
        c.exitSignal = SIGCHLD; // an orphan cannot slay init with its exit signal
        this.init?.children.push(c);
        // PR_SET_PDEATHSIG: Linux sends it when the creating thread ends; here, when its process does
        for (const x of c.threads) {
          if (x.pdeathsig && c.alive) this.signalProcess(c, { signo: x.pdeathsig, code: SI_USER, pid: p.pid, uid: p.creds.uid });
        }
      }
      if (p.children.length === 0) this.init?.childEvents.notify();
    }
    const parent = p.parent;
    if (parent && parent.alive) {
      const act = parent.sigactions[SIGCHLD];
      if (act.handler === SIG_IGN || act.flags & SA_NOCLDWAIT) this.reap(p);
      else if (p.exitSignal) {
        const sig = status & 0x7f;
        this.signalProcess(parent, {
          signo: p.exitSignal, code: sig ? (status & 0x80 ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED,
          pid: p.pid, uid: p.creds.uid, status: sig ? sig : (status >> 8) & 0xff,
        });
      }
      parent.childEvents.notify();
    } else {
      this.reap(p);
    }
    processExited(this, p, status, threads);
    p.exitEvents.notify();
    const tr = p.tracee;
    p.tracee = undefined;
    tr?.ended(status);
    for (const w of this.exitWaiters.get(p) ?? []) w(status);
    this.exitWaiters.delete(p);
  }
  // Forget an ended process (wait4 collected it).
  reap(p: Process): void {
    if (this.processes.get(p.pid) === p && p.waitStatus !== undefined) this.zombies--;
    if (p.parent) {
      const i = p.parent.children.indexOf(p);
      if (i >= 0) p.parent.children.splice(i, 1);
    }
    this.processes.delete(p.pid);
  }
  killProcess(p: Process, sigStatus: number): void { this.exitProcess(p, sigStatus); }
  kill(p: Process, sig = SIGKILL): void { this.exitProcess(p, sig); this.kick(); }

  // A new task from clone: runnable from the next scheduling round.
  addTask(t: Task): void {
    this.tasks.push(t);
    this.kick();
  }
  // The live CPU state of the current task, into its save area (before copying it).
  saveCurrent(): void {
    if (this.current) this.core.saveState(this.current.regs);
  }

  // --- scheduling ----------------------------------------------------------------
  private nowMs(): number { return Number(this.host.monotonicNs() / 1_000_000n); }
  kick(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
    if (!this.running) void this.loop();
  }

  private switchTo(t: Task): void {
    if (this.current === t) return;
    if (this.current && this.current.state.kind !== 'exited') this.core.saveState(this.current.regs);
    const oldRoot = this.current?.proc.mm.root;
    this.core.loadState(t.regs);
    if (oldRoot !== t.proc.mm.root) this.core.tlbFlush();
    this.core.setU32(L.S_PT_ROOT, t.proc.mm.root);
    this.current = t;
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let last = this.nowMs();
      let lastReport = last;
      let rr = 0;
      // The task whose slice is not used up: after a syscall that did not block
      // it goes on running, as on Linux (kill(2) returns before the victim runs).
      let keep: Task | undefined;
      let left = 0, calls = 0;
      while (this.tasks.length > 0) {
        const runnable = this.tasks.filter((t) => t.state.kind === 'runnable' &&
          ((!t.proc.stopped && !t.ptraceStop && (!t.proc.tracee || t.proc.tracee.mayRun(t))) || t.pending.some((p) => p.signo === SIGKILL)));
        if (runnable.length === 0) {
          keep = undefined;
          await new Promise<void>((resolve) => { this.wake = resolve; });
          continue;
        }
        let t: Task;
        if (keep && left > 0 && keep.state.kind === 'runnable' && !keep.ptraceStop && runnable.includes(keep)) t = keep;
        else { t = runnable[rr++ % runnable.length]; left = SLICE; calls = 0; }
        keep = undefined;
        const before = this.core.icount;
        try {
          this.switchTo(t);
          if (t.interrupted) this.finishInterrupted(t);
          // signals wait while a woken task has not yet re-run its syscall (a handler's own
          // syscalls would otherwise lose what the call kept in its wait)
          // (nor between a traced syscall's entry stop and the call: signals come at its exit)
          else if (t.pending.length && !t.resumed && !t.ptrace?.inSyscall) deliverSignals(this, t);
          if (t.state.kind !== 'runnable' || this.current !== t || t.ptraceStop) continue;
          if (t.proc.tracee && !t.proc.tracee.mayRun(t)) continue; // a signal stopped it for the debugger
          this.endSlice = false;
          this.step(t, left);
        } catch (e) {
          this.oops(t, 'the scheduler', e);
          continue;
        }
        left -= Math.max(1, Number(this.core.icount - before));
        if (++calls < MAX_SYSCALLS_PER_SLICE && !this.endSlice) keep = t;
        if (this.nowMs() - last > YIELD_MS) {
          await this.host.yield();
          last = this.nowMs();
          if (this.debug && last - lastReport > 2000) {
            lastReport = last;
            this.reports.raw(`xos: [${t.tid}] running at rip 0x${this.core.rip.toString(16)}, ${this.core.icount} instructions`);
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  // RLIMIT_CPU: past the soft limit SIGXCPU, again each second; at the hard limit SIGKILL.
  private checkCpuLimit(p: Process): void {
    if (!p.alive || !p.rlimits.has(RLIMIT_CPU)) return;
    const [soft, hard] = p.limit(RLIMIT_CPU);
    const c = p.cpuTime(), ns = c.user + c.system, s = ns / 1e9;
    if (hard !== RLIM_INFINITY && s >= Number(hard)) {
      this.signalProcess(p, { signo: SIGKILL, code: SI_KERNEL, force: true });
    } else if (soft !== RLIM_INFINITY && s >= Number(soft) && ns >= p.nextXcpuNs) {
      p.nextXcpuNs = ns + 1e9;
      this.signalProcess(p, { signo: SIGXCPU, code: SI_KERNEL });
    }
  }

  // Run one slice of `t` and handle why it stopped.
  private step(t: Task, budget = SLICE): void {
    const c = this.core;
    const start = this.host.monotonicNs();
    const tr = t.proc.tracee;
    const stepping = tr?.stepping(t) ?? false; // the debugger's step (kernel/debug.ts)
    const ptStepping = t.ptrace?.step === true; // the guest's PTRACE_SINGLESTEP
    let exit: Exit;
    try {
      // a debugger's step, or its watchpoints: one instruction at a time; with a debugger
      // attached, no translated code runs (the JIT's)
      exit = tr && (stepping || tr.watching) ? tr.runSteps(stepping ? 1 : budget) : ptStepping ? c.runOne() : c.run(budget, tr !== undefined);
    } catch (e) {
      this.faultError = undefined;
      this.oops(t, 'the CPU core', e);
      return;
    }
    const ran = this.host.monotonicNs();
    this.charge(t, Number(ran - start), 0);
    if (this.faultError !== undefined) {
      const e = this.faultError;
      this.faultError = undefined;
      this.oops(t, 'a page fault', e);
      return;
    }
    if (t.state.kind === 'exited') return;
    try { this.handleExit(t, exit, tr, stepping); } finally { this.charge(t, 0, Number(this.host.monotonicNs() - ran)); }
    // PTRACE_SINGLESTEP: one instruction (or syscall) done, a SIGTRAP (TRAP_TRACE) stops it
    if (ptStepping && t.ptrace && t.state.kind === 'runnable' && !t.ptraceStop && (exit === Exit.Budget || exit === Exit.Syscall)) {
      t.ptrace.step = false;
      t.pending.unshift({ signo: SIGTRAP, code: 2, addr: c.rip });
      if (!t.resumed && !t.interrupted) deliverSignals(this, t);
    }
  }
  // A tracee the tracer resumed (or let go): it may run again.
  wakeTracee(_t: Task): void { this.kick(); }

  // CPU time for `t` (ns of user and system time): its counters, the machine's, and the CPU-time
  // interval timers of its process (ITIMER_VIRTUAL counts user time, ITIMER_PROF both).
  private charge(t: Task, user: number, system: number): void {
    const into = t.state.kind === 'exited' ? t.proc.endedTimes : t.cpu;
    into.user += user;
    into.system += system;
    this.cpuTotal.user += user;
    this.cpuTotal.system += system;
    const p = t.proc;
    if (p.itimerVirtual && user > 0) this.runItimer(p, 'itimerVirtual', user, SIGVTALRM);
    if (p.itimerProf) this.runItimer(p, 'itimerProf', user + system, SIGPROF);
    this.checkCpuLimit(p);
  }
  private runItimer(p: Process, which: 'itimerVirtual' | 'itimerProf', ns: number, signo: number): void {
    const tm = p[which]!;
    tm.left -= ns;
    if (tm.left > 0) return;
    if (tm.interval > 0) tm.left = Math.max(tm.left + tm.interval, 1);
    else p[which] = undefined;
    this.signalProcess(p, { signo, code: SI_KERNEL });
  }

  private handleExit(t: Task, exit: number, tr: Tracee | undefined, stepping: boolean): void {
    const c = this.core;
    if (exit !== Exit.Syscall) t.resumed = undefined; // it did not get to re-run its syscall (a fault): signals go now
    switch (exit) {
      case Exit.Budget: t.involuntarySwitches++; break;
      case Exit.Watch: break;
      case Exit.Syscall: this.syscall(t); break;
      case Exit.PageFault: {
        const addr = c.exitAddr;
        if (this.debug) this.warnOnce(`segv${c.rip}`, `page fault at 0x${addr.toString(16)} (access ${c.exitAccess}), rip 0x${c.rip.toString(16)}`);
        // the core exits without asking the kernel for addresses no mapping can have (non-canonical)
        const f = t.fault?.addr === addr ? t.fault : undefined;
        if (f?.outcome === 'bus') forceSignal(this, t, { signo: SIGBUS, code: BUS_ADRERR, addr });
        else if (f?.outcome === 'nomem') {
          this.warnOnce('oom', `out of memory: the machine's ${Math.round(this.phys.maxFrames / 256)} MiB are used up; process ${t.proc.pid} killed`);
          this.exitProcess(t.proc, SIGKILL);
        } else forceSignal(this, t, { signo: SIGSEGV, code: f?.outcome === 'accerr' || (!f && t.proc.mm.find(addr)) ? SEGV_ACCERR : SEGV_MAPERR, addr });
        break;
      }
      case Exit.Undefined: {
        this.reportUndefined(t);
        forceSignal(this, t, { signo: SIGILL, code: ILL_ILLOPN, addr: c.rip });
        break;
      }
      case Exit.DivideError: forceSignal(this, t, { signo: SIGFPE, code: FPE_INTDIV, addr: c.rip }); break;
      case Exit.FloatingPoint: forceSignal(this, t, { signo: SIGFPE, code: fpeCode(c), addr: c.rip }); break;
      case Exit.Breakpoint:
        if (!tr?.breakpointHit(t)) forceSignal(this, t, { signo: SIGTRAP, code: SI_KERNEL });
        break;
      case Exit.Halt: case Exit.GeneralProtection:
        if (this.debug) this.warnOnce(`gp${c.rip}`, `${exit === Exit.Halt ? 'HLT' : 'general protection'} at rip 0x${c.rip.toString(16)}`);
        forceSignal(this, t, { signo: SIGSEGV, code: SI_KERNEL, addr: 0 });
        break;
      default: forceSignal(this, t, { signo: SIGILL, code: ILL_ILLOPN, addr: c.rip });
    }
    // the debugger's step is done when its instruction ran (a syscall to its end, not blocked)
    const ran = exit === Exit.Budget || (exit === Exit.Syscall && t.state.kind === 'runnable');
    if (stepping && ran && t.proc.tracee === tr && !tr!.halted) tr!.stop(t, { kind: 'step' });
    if (tr && tr.halted && t.proc.tracee === tr) return; // signals wait: the debugger sees them when it resumes
    if (t.state.kind === 'runnable' && t.pending.length && !t.interrupted && !t.resumed && !t.ptraceStop && !t.ptrace?.inSyscall) deliverSignals(this, t);
  }

  // --- debugging ---------------------------------------------------------------------
  // A debugger takes `p` (stopped, as if by signal `signo`) until it detaches or p ends.
  attachDebugger(p: Process, signo: number): Tracee {
    if (p.tracee) throw new Error(`xos: process ${p.pid} already has a debugger`);
    if (!p.alive) throw new Error(`xos: process ${p.pid} has ended`);
    const tr = new Tracee(this, p, signo);
    p.tracee = tr;
    return tr;
  }
  // Whether any process has a debugger (then the core's interpreter runs its threads: no JIT).
  get debugging(): boolean {
    for (const p of this.processes.values()) if (p.tracee) return true;
    return false;
  }
  private watchOwner?: Tracee;
  // The core's watch table holds one debugger's watchpoints: tr's, before its threads step.
  loadWatches(tr: Tracee, changed = false): void {
    if (this.watchOwner === tr ? !changed : changed) return;
    this.watchOwner = tr;
    for (let i = 0; i < WATCH_MAX; i++) {
      const w = tr.watches[i];
      this.core.watchSet(i, w?.addr ?? 0, w?.len ?? 0, w?.access ?? 0);
    }
  }
  // A debugger moved a thread out of the syscall it was in: the call is over (nothing restarts).
  abandonSyscall(t: Task): void {
    const st = t.state;
    if (st.kind === 'blocked') {
      st.wait.disarm?.();
      t.state = { kind: 'runnable' };
    }
    t.resumed = t.interrupted = undefined;
  }

  private reportUndefined(t: Task): void {
    const c = this.core;
    const rip = c.rip;
    const id = c.exitOp;
    const form = id ? ISA_FORMS[id - 1] : undefined;
    if (form && form.name === 'ud2') return; // a real #UD, not a gap in xos
    const { len } = c.decodeAt(rip);
    const bytes = t.proc.mm.read(rip, Math.max(1, Math.min(len || 4, 15)));
    const hex = bytes ? [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ') : '??';
    const name = form ? `${form.name} [${form.opcode}]` : 'unknown instruction';
    this.warnOnce(`insn:${form?.id ?? hex}`, `unimplemented instruction ${name}: ${hex} at rip 0x${rip.toString(16)}`);
  }

  private syscall(t: Task): void {
    const c = this.core;
    const nr = c.regNum(0);
    const def = SYSCALLS.get(nr);
    this.syscallCount++;
    const a = this.args;
    if (!def?.handler) {
      t.resumed = undefined;
      const name = def?.name ?? `syscall_${nr}`;
      // a number no Linux has (syscall(-1)) is just ENOSYS; a known one xos lacks is reported
      if (def) this.warnOnce(`sys:${nr}`, `unimplemented syscall ${name} (${nr})`);
      if (this.strace) this.traceLine(t, `${name}(...) = -1 ENOSYS`);
      c.setReg(0, BigInt(-ENOSYS));
      return;
    }
    if (t.ptrace && syscallEntry(this, t)) { t.resumed = undefined; return; }
    const call = this.strace ? formatCall(def, a, t) : '';
    let r;
    try {
      if (this.injected.size && this.injected.has(def.name)) throw new Error('a bug injected for testing');
      r = def.handler(t, a, this);
    } catch (e) {
      t.resumed = undefined;
      this.oops(t, def.name, e);
      return;
    }
    t.resumed = undefined;
    if (r instanceof Blocked) {
      c.rip = c.rip - 2; // run the syscall instruction again when woken
      if (this.strace) this.traceLine(t, `${call} = ? <blocked>`);
      // a signal that came while the task was woken but not yet re-run interrupts it now
      if (t.pending.some((p) => (t.sigmask & sigbit(p.signo)) === 0n) && !r.killable) {
        t.interrupted = { wait: r, nr };
        return;
      }
      this.park(t, r, nr);
      return;
    }
    if (r === NO_RESULT) {
      if (this.strace) this.traceLine(t, `${call} = ?`);
      if (t.ptrace && t.state.kind !== 'exited' && this.current === t) syscallDone(this, t);
      return;
    }
    if (this.strace) this.traceLine(t, `${call} = ${formatResult(def, r)}`);
    if (t.state.kind !== 'exited' && this.current === t) c.setReg(0, BigInt(r));
    if (t.ptrace && t.state.kind !== 'exited' && this.current === t) syscallDone(this, t);
  }

  traceLine(t: Task, s: string): void { this.reports.raw(`[${t.tid}] ${s}`); }

  // --- write-back -------------------------------------------------------------------------
  // Dirty pages of shared file mappings reach their files within WRITEBACK_MS (as Linux's flusher
  // threads write back), and at writeback(): xos killed later loses nothing older than that.
  private writebackTimer?: Timer;
  armWriteback(): void {
    this.writebackTimer ??= this.timers.after(WRITEBACK_MS, () => {
      this.writebackTimer = undefined;
      this.writeback();
      if ([...this.processes.values()].some((p) => p.alive && p.mm.writesFiles)) this.armWriteback();
    });
  }
  writeback(): void {
    const seen = new Set<AddressSpace>();
    for (const p of this.processes.values()) {
      if (!p.alive || p.mm.users === 0 || seen.has(p.mm)) continue;
      seen.add(p.mm);
      p.mm.syncFiles();
    }
  }

  // --- for procfs ----------------------------------------------------------------------
  currentProcess(): Process | undefined { return this.current?.proc; }
  // CPU time, boot time and task counts for /proc/stat.
  systemInfo(): SystemInfo {
    let running = 0, blocked = 0;
    for (const t of this.tasks) {
      if (t.state.kind === 'runnable' && !t.proc.stopped && !t.ptraceStop) running++;
      else if (t.state.kind === 'blocked' && t.state.wait.killable) blocked++;
    }
    return { ...this.cpuTotal, bootRealtimeNs: this.bootRealtimeNs, forks: this.forks, running, blocked };
  }
  // The machine's memory: its size and what the frame allocator has given out (page tables and
  // the page cache included), for /proc/meminfo and sysinfo(2).
  memoryInfo(): MemoryInfo {
    const [cached, shared] = this.pageCache.pages();
    // frames in use, and what else the budget holds (tmpfs data, pipe buffers, tasks…): frames freed
    // but kept by the wasm memory count as free, since guest memory can use them again
    const other = Math.ceil(Math.max(0, this.budget.used - this.phys.touched * 4096) / 4096) * 4096;
    return { total: this.account.limit, used: Math.min(this.account.limit, this.phys.used * 4096 + other), cached: cached * 4096, shmem: shared * 4096 };
  }
}

// The si_code of an unmasked floating-point exception, as Linux derives it: the x87's (status
// flags the control word does not mask) first, else SSE's (MXCSR flags its mask bits let through).
const FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7;
function fpeCode(c: Core): number {
  const x87 = c.u32(L.S_FPU_SW) & ~c.u32(L.S_FPU_CW) & 0x3f;
  const mx = c.u32(L.S_MXCSR);
  const err = x87 || (mx & ~(mx >> 7) & 0x3f);
  return err & 1 ? FPE_FLTINV : err & 4 ? FPE_FLTDIV : err & 8 ? FPE_FLTOVF : err & 0x12 ? FPE_FLTUND : err & 0x20 ? FPE_FLTRES : 0x80;
}

export { ExecError };
