// The kernel: processes and tasks, the scheduler loop that runs them on the
// core, syscall dispatch, and turning CPU exits into signals.
import { Core, Exit, WATCH_MAX } from '../core/core.js';
import { Tracee } from './debug.js';
import { PhysMem } from '../mm/phys.js';
import { AddressSpace, CommitAccount } from '../mm/address-space.js';
import { PageCache } from '../mm/page-cache.js';
import type { Host } from '../base/host.js';
import type { FsBackend } from '../fs/backend.js';
import { Vfs } from '../fs/vfs.js';
import { FdTable } from './fd-table.js';
import { Process, Task, releaseVfork } from './task.js';
import { Args } from './args.js';
import { Blocked } from '../base/wait.js';
import { TimerQueue } from './timers.js';
import { cancelTimers } from './sys-timer.js';
import { Ipc } from './sys-ipc.js';
import { MemfdStore } from './sys-memfd.js';
import { UnixNames } from '../net/unix.js';
import { NO_RESULT } from './syscall.js';
import { SYSCALLS, formatCall, formatResult } from './syscall-table.js';
import { ENOSYS, EINTR } from '../base/errno.js';
import { SIG_DFL, SIG_IGN, type SigInfo } from './task.js';
import { futexWake, futexKey, exitRobustList, type FutexWaiter } from './sys-futex.js';

const ERRNO_TEXT: Record<number, string> = { 13: 'Permission denied', 21: 'Is a directory', 20: 'Not a directory', 40: 'Too many levels of symbolic links', 12: 'Out of memory', 7: 'Argument list too long' };
import {
  deliverSignals, forceSignal, SIGSEGV, SIGBUS, BUS_ADRERR, SIGILL, SIGFPE, SIGTRAP, SI_KERNEL, SEGV_MAPERR, SEGV_ACCERR,
  ILL_ILLOPN, FPE_INTDIV, SIGKILL, SIGCHLD, SA_NOCLDWAIT, SA_RESTART, queueSignal, sigbit, DEFAULT_IGNORED,
  CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED, SIGCONT, SA_NOCLDSTOP, STOPPING,
} from './signal.js';
import { execve, ExecError } from './exec.js';
import type { FileImage } from '../elf/elf.js';
import type { FileDescription } from '../fs/file.js';
import type { Pty } from '../fs/pty.js';
import type { MemoryInfo } from '../fs/procfs.js';
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
  strace?: boolean;
  debug?: boolean; // report fatal faults on stderr
}

const SLICE = 1_000_000; // instructions per run() call
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
  current?: Task;
  init?: Process; // the first process: orphans become its children
  readonly futexes = new Map<string, FutexWaiter[]>();
  private nextPid = 1;
  private reported = new Set<string>();
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

  private constructor(readonly host: Host, readonly core: Core, readonly phys: PhysMem, opts: KernelOptions) {
    this.strace = !!opts.strace;
    this.debug = !!opts.debug;
    this.args = new Args(core);
    this.account = new CommitAccount(opts.memory ?? 2 ** 31);
    this.pageCache = new PageCache(core, phys);
    this.timers = new TimerQueue(host);
    this.memfds = new MemfdStore(() => host.realtimeNs());
  }

  static async create(opts: KernelOptions): Promise<Kernel> {
    let k!: Kernel;
    const core = await Core.create(opts.coreModule, {
      pageFault: (addr, access) => k.pageFault(addr, access),
      random32: () => { const b = new Uint8Array(4); opts.host.random(b); return new DataView(b.buffer).getUint32(0, true); },
      monotonicNs: () => Number(opts.host.monotonicNs()),
    });
    const memory = opts.memory ?? 2 ** 31;
    // page tables live in guest memory too: allow some room beyond the commit limit
    const phys = new PhysMem(core, memory + Math.min(memory / 8, 256 * 2 ** 20));
    k = new Kernel(opts.host, core, phys, opts);
    k.vfs = new Vfs({ root: opts.root, host: opts.host, proc: k, jobs: ttyJobs(k) });
    return k;
  }

  // The core's page fault: resolved (1), or recorded on the task as its last fault (0; the core
  // then exits with Exit.PageFault and step() raises the signal the record names).
  private pageFault(addr: number, access: number): number {
    const t = this.current;
    if (!t) return 0;
    const outcome = t.proc.mm.fault(addr, access & 7);
    if (outcome === 'ok') return 1;
    t.fault = { addr, access: access & 7, present: (access & 0x100) !== 0, outcome };
    return 0;
  }

  warnOnce(key: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.host.stderr.write(new TextEncoder().encode(`xos: ${message}\n`));
  }

  private vdsoCache?: { image: VdsoImage; vvar: Uint8Array };
  // The vDSO image and its [vvar] page (the real-time clock's offset from the monotonic one).
  vdso(): { image: VdsoImage; vvar: Uint8Array } {
    this.vdsoCache ??= { image: buildVdso(), vvar: vvarPage(this.host.realtimeNs() - this.host.monotonicNs()) };
    return this.vdsoCache;
  }

  // --- processes -------------------------------------------------------------
  newPid(): number { return this.nextPid++; }

  // Start a program as a new process, the leader of a new session, a child of no one (as a
  // container's first process, or one that `docker exec` starts). The first process of a machine
  // with none alive is its init. `stdio` are its descriptors 0, 1 and 2 (it takes over one
  // reference of each; default: the machine's console), `terminal` its controlling terminal.
  // Throws ExecError.
  spawn(path: string, argv: string[], o: SpawnOptions): Process {
    const enc = new TextEncoder();
    const { env, cwd, image } = o;
    const pid = this.newPid();
    const mm = new AddressSpace(this.core, this.phys, this.account, this.pageCache);
    const files = new FdTable();
    const stdio = o.stdio ?? [this.vfs.stdinFile(), this.vfs.stdoutFile(), this.vfs.stderrFile()];
    for (const f of stdio) files.install(f, false);
    const p = new Process(pid, mm, files, { cwd, umask: 0o022, root: '/' }, { uid: 0, euid: 0, suid: 0, gid: 0, egid: 0, sgid: 0, groups: [0] });
    files.owner = p;
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
    if (!image && !path.includes('/')) path = this.searchPath(t, path, env);
    // a program given as bytes has no name in the file system: as fexecve of a memfd, /proc/self/exe
    // is "/memfd:NAME (deleted)" (glibc's static startup wants it absolute)
    if (image && !path.startsWith('/')) path = `/memfd:${path.slice(path.lastIndexOf('/') + 1)} (deleted)`;
    const r = execve(this, t, path, argv.map((a) => enc.encode(a)), env.map((e) => enc.encode(e)), 0, image);
    if (r < 0) {
      this.tasks.splice(this.tasks.indexOf(t), 1);
      this.processes.delete(pid);
      if (this.init === p) this.init = undefined;
      if (o.terminal) o.terminal.session = o.terminal.pgrp = 0;
      files.closeAll();
      mm.destroy();
      this.current = undefined;
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
  // A signal for every process of a process group (Ctrl-C at the terminal).
  signalGroup(pgid: number, signo: number): void {
    for (const p of [...this.processes.values()]) if (p.pgid === pgid) this.signalProcess(p, { signo, code: 0x80 });
  }

  // A signal for a process: taken by a thread that does not block it.
  signalProcess(p: Process, info: SigInfo): void {
    if (!p.alive) return;
    const live = p.threads.filter((x) => x.state.kind !== 'exited');
    const t = live.find((x) => (x.sigmask & sigbit(info.signo)) === 0n) ?? live[0];
    if (t) this.signalTask(t, info);
  }
  signalTask(t: Task, info: SigInfo): void {
    if (t.state.kind === 'exited') return;
    const sig = info.signo;
    const act = t.proc.sigactions[sig];
    // SIGCONT resumes a stopped process whatever its disposition, and cancels pending stops;
    // a stop signal cancels a pending SIGCONT
    if (sig === SIGCONT) {
      for (const x of t.proc.threads) x.pending = x.pending.filter((p) => !STOPPING.has(p.signo));
      this.continueProcess(t.proc);
    } else if (STOPPING.has(sig)) {
      for (const x of t.proc.threads) x.pending = x.pending.filter((p) => p.signo !== SIGCONT);
    }
    if (sig === SIGKILL) {
      // Not at once: as on Linux, the target dies when it next runs (a kill(2)
      // returns before the victim is a zombie; shells' wait/SIGCHLD order relies on it).
      if (!t.pending.some((p) => p.signo === SIGKILL)) t.pending.unshift(info);
    } else {
      // an ignored signal is dropped, unless blocked: the handler may change before it is unblocked
      // (and sigwait or a signalfd may take it), as on Linux
      const ignored = act.handler === SIG_IGN || (act.handler === SIG_DFL && DEFAULT_IGNORED.has(sig));
      if (ignored && (t.sigmask & sigbit(sig)) === 0n) return;
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
  }

  // --- waits ---------------------------------------------------------------------------
  // Park `t` on `wait` (syscall nr): watch its sources and arm its deadline.
  private park(t: Task, wait: Blocked, nr: number): void {
    t.state = { kind: 'blocked', wait, nr };
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
    deliverSignals(this, t);
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
    if (i >= 0) this.tasks.splice(i, 1);
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
    for (const t of [...p.threads]) this.endTask(t);
    p.waitStatus = status;
    if (this.current?.proc === p) this.current = undefined;
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
        this.init?.children.push(c);
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
    p.exitEvents.notify();
    const tr = p.tracee;
    p.tracee = undefined;
    tr?.ended(status);
    for (const w of this.exitWaiters.get(p) ?? []) w(status);
    this.exitWaiters.delete(p);
  }
  // Forget an ended process (wait4 collected it).
  reap(p: Process): void {
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
          ((!t.proc.stopped && (!t.proc.tracee || t.proc.tracee.mayRun(t))) || t.pending.some((p) => p.signo === SIGKILL)));
        if (runnable.length === 0) {
          keep = undefined;
          await new Promise<void>((resolve) => { this.wake = resolve; });
          continue;
        }
        let t: Task;
        if (keep && left > 0 && keep.state.kind === 'runnable' && runnable.includes(keep)) t = keep;
        else { t = runnable[rr++ % runnable.length]; left = SLICE; calls = 0; }
        keep = undefined;
        this.switchTo(t);
        if (t.interrupted) this.finishInterrupted(t);
        // signals wait while a woken task has not yet re-run its syscall (a handler's own
        // syscalls would otherwise lose what the call kept in its wait)
        else if (t.pending.length && !t.resumed) deliverSignals(this, t);
        if (t.state.kind !== 'runnable' || this.current !== t) continue;
        if (t.proc.tracee && !t.proc.tracee.mayRun(t)) continue; // a signal stopped it for the debugger
        const before = this.core.icount;
        this.endSlice = false;
        this.step(t, left);
        left -= Math.max(1, Number(this.core.icount - before));
        if (++calls < MAX_SYSCALLS_PER_SLICE && !this.endSlice) keep = t;
        if (this.nowMs() - last > YIELD_MS) {
          await this.host.yield();
          last = this.nowMs();
          if (this.debug && last - lastReport > 2000) {
            lastReport = last;
            this.host.stderr.write(new TextEncoder().encode(`xos: [${t.tid}] running at rip 0x${this.core.rip.toString(16)}, ${this.core.icount} instructions\n`));
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  // Run one slice of `t` and handle why it stopped.
  private step(t: Task, budget = SLICE): void {
    const c = this.core;
    const tr = t.proc.tracee;
    const stepping = tr?.stepping(t) ?? false;
    // a debugger's step, or its watchpoints: one instruction at a time
    const exit = tr && (stepping || tr.watching) ? tr.runSteps(stepping ? 1 : budget) : c.run(budget);
    if (t.state.kind === 'exited') return;
    if (exit !== Exit.Syscall) t.resumed = undefined; // it did not get to re-run its syscall (a fault): signals go now
    switch (exit) {
      case Exit.Budget: case Exit.Watch: break;
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
      case Exit.Breakpoint:
        if (!tr?.breakpointHit(t)) forceSignal(this, t, { signo: SIGTRAP, code: SI_KERNEL });
        break;
      case Exit.Halt: case Exit.GeneralProtection:
        forceSignal(this, t, { signo: SIGSEGV, code: SI_KERNEL, addr: 0 });
        break;
      default: forceSignal(this, t, { signo: SIGILL, code: ILL_ILLOPN, addr: c.rip });
    }
    // the step is done when its instruction ran (a syscall to its end, not blocked)
    const ran = exit === Exit.Budget || (exit === Exit.Syscall && t.state.kind === 'runnable');
    if (stepping && ran && t.proc.tracee === tr && !tr!.halted) tr!.stop(t, { kind: 'step' });
    if (tr && tr.halted && t.proc.tracee === tr) return; // signals wait: the debugger sees them when it resumes
    if (t.state.kind === 'runnable' && t.pending.length && !t.interrupted && !t.resumed) deliverSignals(this, t);
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
      this.warnOnce(`sys:${nr}`, `unimplemented syscall ${name} (${nr})`);
      if (this.strace) this.traceLine(t, `${name}(...) = -1 ENOSYS`);
      c.setReg(0, BigInt(-ENOSYS));
      return;
    }
    const call = this.strace ? formatCall(def, a, t) : '';
    const r = def.handler(t, a, this);
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
      return;
    }
    if (this.strace) this.traceLine(t, `${call} = ${formatResult(def, r)}`);
    if (t.state.kind !== 'exited' && this.current === t) c.setReg(0, BigInt(r));
  }

  traceLine(t: Task, s: string): void {
    this.host.stderr.write(new TextEncoder().encode(`[${t.tid}] ${s}\n`));
  }

  // --- for procfs ----------------------------------------------------------------------
  currentProcess(): Process | undefined { return this.current?.proc; }
  // The machine's memory: its size and what the frame allocator has given out (page tables and
  // the page cache included), for /proc/meminfo and sysinfo(2).
  memoryInfo(): MemoryInfo {
    const [cached, shared] = this.pageCache.pages();
    return { total: this.account.limit, used: Math.min(this.account.limit, this.phys.used * 4096), cached: cached * 4096, shmem: shared * 4096 };
  }
}

export { ExecError };
