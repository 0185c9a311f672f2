// The long-lived machine both Machine APIs (Node's src/api, the browser's
// src/host/browser) are built on: one kernel, booted once, that lives until
// close(); processes are started in it with spawn() — several at once,
// sharing the file systems and able to talk through pipes, FIFOs and sockets.
// A process's stdio is a pair of kernel pipes whose other ends the embedder
// holds, the machine's console (the host's own stdio), or a pseudo-terminal.
// Platform-neutral: only the PlatformHost touches the platform.
import { Kernel, ExecError, type SpawnOptions } from '../kernel/kernel.js';
import type { Process } from '../kernel/task.js';
import { SIGKILL, SIGTERM, SI_USER } from '../kernel/signal.js';
import type { FileImage } from '../elf/elf.js';
import { FileDescription, O_NONBLOCK, release } from '../fs/file.js';
import { makePipe } from '../fs/pipe.js';
import type { PtyMaster } from '../fs/pty.js';
import { Blocked, POLLHUP, POLLIN, POLLOUT, POLLERR } from '../base/wait.js';
import type { HostInput } from '../base/host.js';
import type { PlatformHost } from './platform.js';
import { SIGTRAP } from '../kernel/signal.js';
import type { Tracee } from '../kernel/debug.js';
import { DebugSession } from './debug-session.js';
import { registersOf } from '../kernel/registers.js';
import { makeResult, mountNetworkFiles, type MachineFileSystems, type RunResult } from './machine-common.js';
import type { NetConfig } from '../net/stack.js';
import type { CoreOptions } from '../core/core.js';
import { publishPorts } from '../net/network.js';

export interface MachineCoreOptions {
  host: PlatformHost;
  coreModule: WebAssembly.Module;
  files: MachineFileSystems;
  memory?: number; // bytes
  pidsMax?: number; // KernelOptions.pidsMax
  strace?: boolean;
  debug?: boolean;
  injectBugs?: readonly string[]; // testing xos itself (KernelOptions.injectBugs)
  net?: NetConfig; // the machine's network (default: loopback only)
  jit?: CoreOptions; // the JIT's settings (none: off; the APIs turn it on by default)
}

export interface ProcessSpec {
  env: string[];
  cwd: string;
  image?: FileImage;
  // 'pipe' (default): stdin, stdout and stderr are pipes to the embedder; 'console': the machine's
  // console (the host's stdio). With `tty`, a pseudo-terminal of that size is all three.
  stdio?: 'pipe' | 'console';
  tty?: { cols: number; rows: number };
  // With `tty`: descriptors that stay the machine's console instead (a host stdout that is a pipe
  // while stdin is a terminal, as `prog | less` has on Linux).
  console?: number[];
  // Where output goes as it comes (pipe or tty); return false to pause until resumeOutput().
  onStdout?: (data: Uint8Array) => boolean | void;
  onStderr?: (data: Uint8Array) => boolean | void;
  // Stopped before its first instruction until a debugger (debug()) resumes it.
  debug?: boolean;
}

export interface ExitStatus {
  status: number; // the wait status (exit code << 8, or the signal number)
  exitCode: number | null; // null when killed by a signal
  signal: number | null;
}

const exitOf = (status: number): ExitStatus => {
  const sig = status & 0x7f;
  return { status, exitCode: sig ? null : (status >> 8) & 0xff, signal: sig || null };
};

// Bytes from a read end the embedder holds (non-blocking): into `sink` as they come, then `end`.
class OutputPump {
  private paused = false;
  private cancel?: () => void;
  private done = false;
  constructor(readonly f: FileDescription, private readonly sink: (d: Uint8Array) => boolean | void,
    private readonly end: () => void) {
    this.drain();
  }
  get open(): boolean { return !this.done; }
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.drain();
  }
  stop(): void {
    this.cancel?.();
    if (!this.done) { this.done = true; release(this.f); }
  }
  private drain(): void {
    this.cancel = undefined;
    while (!this.done && !this.paused) {
      const r = this.f.read(65536);
      if (r instanceof Uint8Array) {
        if (r.length === 0) { this.stop(); this.end(); return; } // every writer is gone
        if (this.sink(r) === false) this.paused = true;
      } else if (r instanceof Blocked || r === -11 /* EAGAIN */) {
        this.cancel = this.f.watch?.(POLLIN | POLLHUP | POLLERR, () => this.drain());
        return;
      } else { this.stop(); this.end(); return; } // EIO: a terminal whose other side closed
    }
  }
}

// Bytes for a write end the embedder holds (non-blocking): queued, written as room comes.
class InputFeed {
  queue: Uint8Array[] = [];
  private ending = false;
  private closed = false;
  private cancel?: () => void;
  constructor(readonly f: FileDescription, readonly closeOnEnd: boolean) {}
  get open(): boolean { return !this.closed && !this.ending; }
  write(data: Uint8Array): void {
    if (this.closed || this.ending || data.length === 0) return;
    this.queue.push(data.slice());
    if (!this.cancel) this.flush();
  }
  end(): void {
    this.ending = true;
    if (!this.cancel) this.flush();
  }
  close(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.queue = [];
    if (!this.closed) { this.closed = true; if (this.closeOnEnd) release(this.f); }
  }
  private flush(): void {
    this.cancel = undefined;
    while (this.queue.length && !this.closed) {
      const head = this.queue[0];
      const n = this.f.write(head);
      if (typeof n === 'number' && n > 0) {
        if (n < head.length) this.queue[0] = head.subarray(n); else this.queue.shift();
      } else if (n instanceof Blocked || n === -11 /* EAGAIN */ || n === 0) {
        this.cancel = this.f.watch?.(POLLOUT | POLLERR | POLLHUP, () => this.flush());
        return;
      } else { this.close(); return; } // EPIPE: the guest closed its end
    }
    if (this.ending && !this.queue.length) this.close();
  }
}

// What a snapshot keeps of a process the embedder started: its ends of the process's stdio.
export interface GuestEnds { proc: Process; master?: PtyMaster; input?: FileDescription; pending: Uint8Array[]; outputs: (FileDescription | undefined)[] }

// A process started by MachineCore.spawn.
export class GuestProcess {
  readonly exited: Promise<ExitStatus>;
  private readonly pumps: OutputPump[] = [];
  private input?: InputFeed;
  private master?: PtyMaster;

  constructor(private readonly machine: MachineCore, readonly proc: Process) {
    this.exited = machine.kernel.waitExit(proc).then(exitOf);
  }
  get pid(): number { return this.proc.pid; }
  get alive(): boolean { return this.proc.alive; }
  // The process in the foreground of its terminal (a shell's running job, or the shell): the leader
  // of the terminal's foreground process group while it lives, else one of the group; its own pid
  // without a terminal.
  get foreground(): number {
    const k = this.machine.kernel;
    const pgrp = k.vfs.pts.cttyOf(this.proc.sid)?.pgrp;
    if (!pgrp) return this.pid;
    const live = [...k.processes.values()].filter((p) => p.alive && p.pgid === pgrp);
    return (live.find((p) => p.pid === pgrp) ?? live[0])?.pid ?? this.pid;
  }

  // Bytes for the process's stdin (a pipe's or the terminal's input).
  write(data: Uint8Array | string): void {
    this.input?.write(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }
  // The end of stdin (a pipe: the process reads EOF; a terminal: nothing, as a closed
  // keyboard is not an end of file — write ^D for that).
  end(): void { this.input?.end(); }
  // Send a signal (default SIGTERM).
  kill(signo = SIGTERM): void {
    if (!this.proc.alive) return;
    this.machine.kernel.signalProcess(this.proc, { signo, code: SI_USER, pid: 0, uid: 0, force: true });
  }
  // A new terminal size: the foreground process group gets SIGWINCH.
  resize(cols: number, rows: number): void { this.master?.pty.resize(rows, cols); }
  // Output paused by a sink that returned false goes on.
  resumeOutput(): void { for (const p of this.pumps) p.resume(); }
  // The terminal goes away (its window closed): the session's leader gets SIGHUP.
  hangup(): void {
    if (!this.master) return;
    this.input?.close();
    for (const p of this.pumps) p.stop();
    release(this.master);
    this.master = undefined;
  }

  // The embedder's ends of its stdio, for a snapshot: [stdin's, stdout's, stderr's] (a terminal: its master).
  ends(): GuestEnds {
    return { proc: this.proc, master: this.master, input: this.master || !this.input?.open ? undefined : this.input.f, pending: this.input?.open ? this.input.queue : [],
      outputs: this.master ? [] : this.pumps.map((p) => (p.open ? p.f : undefined)) };
  }

  // --- set up by MachineCore ---
  attachOutput(f: FileDescription, sink: (d: Uint8Array) => boolean | void, end: () => void): void {
    this.pumps.push(new OutputPump(f, sink, end));
  }
  attachInput(f: FileDescription, closeOnEnd: boolean): void { this.input = new InputFeed(f, closeOnEnd); }
  attachTerminal(m: PtyMaster): void { this.master = m; }
  // The process is gone: the embedder's ends are let go once its output is read.
  finish(): void {
    this.input?.close();
    if (this.master) {
      // what the process wrote last is read before the terminal closes
      for (const p of this.pumps) p.resume();
      for (const p of this.pumps) p.stop();
      release(this.master);
      this.master = undefined;
    }
  }
}

export class MachineCore {
  private readonly live = new Set<GuestProcess>();
  private readonly spawnedStopped = new WeakMap<Process, Tracee>(); // spawned with `debug`, no debugger yet
  private hold?: () => void;
  private closed = false;

  private constructor(readonly host: PlatformHost, readonly kernel: Kernel, readonly files: MachineFileSystems) {}

  static async create(o: MachineCoreOptions): Promise<MachineCore> {
    const kernel = await Kernel.create({
      host: o.host, coreModule: o.coreModule, root: o.files.root, memory: o.memory, budget: o.files.budget, pidsMax: o.pidsMax, strace: o.strace, debug: o.debug,
      injectBugs: o.injectBugs, net: o.net, core: o.jit,
    });
    o.files.attach(kernel.vfs);
    mountNetworkFiles(kernel.vfs, kernel.net, o.files, o.host.realtimeNs());
    // the published ports listen as long as the machine lives; a port the host refuses is the caller's error
    try {
      await publishPorts(kernel.net);
    } catch (e) {
      kernel.net.close();
      kernel.timers.clear();
      throw e;
    }
    return new MachineCore(o.host, kernel, o.files);
  }

  // Start argv[0] (a path, or a name looked up in the guest's PATH). Throws ExecError when it
  // cannot be started (status 127: not found, 126: not executable).
  spawn(argv: string[], spec: ProcessSpec): GuestProcess {
    if (this.closed) throw new Error('xos: the machine is closed');
    if (argv.length === 0) throw new TypeError('spawn needs a program');
    const k = this.kernel;
    const o: SpawnOptions = { env: spec.env, cwd: spec.cwd, image: spec.image };
    const mine: FileDescription[] = []; // the embedder's ends
    let master: PtyMaster | undefined;
    let out: FileDescription | undefined, err: FileDescription | undefined, inp: FileDescription | undefined;
    if (spec.tty) {
      const pair = k.vfs.pts.openPair(k.vfs.mounts.devOf(k.vfs.pts));
      if (typeof pair === 'number') throw new Error(`xos: no pseudo-terminal for the process (errno ${-pair})`);
      master = pair.master;
      master.pty.resize(spec.tty.rows, spec.tty.cols);
      const std = [() => k.vfs.stdinFile(), () => k.vfs.stdoutFile(), () => k.vfs.stderrFile()];
      const stdio = [0, 1, 2].map((fd) => (spec.console?.includes(fd) ? std[fd]() : pair.slave));
      pair.slave.refs = stdio.filter((f) => f === pair.slave).length;
      if (pair.slave.refs === 0) release(pair.slave);
      o.stdio = stdio as [FileDescription, FileDescription, FileDescription];
      o.terminal = master.pty;
    } else if (spec.stdio !== 'console') {
      const now = () => this.host.realtimeNs();
      const [r0, w0] = makePipe(0, now, k.vfs.anonIno(), k.budget);
      const [r1, w1] = makePipe(0, now, k.vfs.anonIno(), k.budget);
      const [r2, w2] = makePipe(0, now, k.vfs.anonIno(), k.budget);
      for (const f of [w0, r1, r2]) f.flags |= O_NONBLOCK;
      o.stdio = [r0, w1, w2];
      inp = w0; out = r1; err = r2;
      mine.push(w0, r1, r2);
    }
    let p: Process;
    try {
      p = k.spawn(argv[0], argv, o);
    } catch (e) {
      for (const f of mine) release(f);
      if (master) release(master);
      throw e;
    }
    if (spec.debug) this.spawnedStopped.set(p, this.kernel.attachDebugger(p, SIGTRAP));
    const g = new GuestProcess(this, p);
    const ignore = () => {};
    if (master) {
      g.attachTerminal(master);
      g.attachInput(master, false);
      g.attachOutput(master, spec.onStdout ?? (() => true), ignore);
    } else if (inp && out && err) {
      g.attachInput(inp, true);
      g.attachOutput(out, spec.onStdout ?? (() => true), ignore);
      g.attachOutput(err, spec.onStderr ?? (() => true), ignore);
    }
    // a guest waiting for a signal holds nothing on the host's event loop: hold it while any lives
    this.track(g);
    return g;
  }

  // A process of a restored machine, with the ends of its stdio the snapshot kept.
  adopt(e: GuestEnds, onStdout?: (d: Uint8Array) => boolean | void, onStderr?: (d: Uint8Array) => boolean | void): GuestProcess {
    const g = new GuestProcess(this, e.proc);
    const ignore = () => {};
    if (e.master) {
      g.attachTerminal(e.master);
      g.attachInput(e.master, false);
      g.attachOutput(e.master, onStdout ?? (() => true), ignore);
    } else {
      if (e.input) g.attachInput(e.input, true);
      if (e.outputs[0]) g.attachOutput(e.outputs[0], onStdout ?? (() => true), ignore);
      if (e.outputs[1]) g.attachOutput(e.outputs[1], onStderr ?? (() => true), ignore);
    }
    for (const d of e.pending) g.write(d);
    this.track(g);
    return g;
  }
  private track(g: GuestProcess): void {
    this.live.add(g);
    if (this.live.size === 1) this.hold = this.host.hold?.();
    void g.exited.then(() => {
      g.finish();
      this.live.delete(g);
      if (this.live.size === 0) { this.hold?.(); this.hold = undefined; }
    });
  }

  // Run a program to its end, its output collected: the common case of both APIs.
  async run(argv: string[], spec: Omit<ProcessSpec, 'tty'> & { stdin?: Uint8Array | HostInput; timeout?: number }): Promise<RunResult> {
    const out: Uint8Array[] = [], err: Uint8Array[] = [];
    const k = this.kernel;
    const icount = k.core.icount, syscalls = k.syscallCount, t0 = this.host.monotonicNs();
    let g: GuestProcess;
    try {
      g = this.spawn(argv, {
        ...spec,
        onStdout: (d) => { out.push(d.slice()); return spec.onStdout?.(d); },
        onStderr: (d) => { err.push(d.slice()); return spec.onStderr?.(d); },
      });
    } catch (e) {
      if (e instanceof ExecError) return makeResult(0, e.status, null, out, err, e.message);
      throw e;
    }
    const stdin = spec.stdin;
    if (stdin instanceof Uint8Array) { g.write(stdin); g.end(); } else if (stdin) feedFrom(stdin, g); else g.end();
    let timedOut = false;
    const timer = spec.timeout !== undefined ? k.timers.after(spec.timeout, () => { timedOut = true; g.kill(SIGKILL); }) : undefined;
    const st = await g.exited;
    k.timers.cancel(timer);
    // output still in the pipes (a child that outlived it may hold them open: what is there now)
    await this.host.yield();
    const r = makeResult(g.pid, st.exitCode, st.signal, out, err);
    if (timedOut) r.timedOut = true;
    r.instructions = Number(k.core.icount - icount);
    r.ms = Number(this.host.monotonicNs() - t0) / 1e6;
    r.syscalls = k.syscallCount - syscalls;
    r.jit = k.core.jitStats;
    if (g.proc.finalState) r.registers = registersOf(g.proc.finalState);
    return r;
  }

  // Write back what guests wrote to shared mappings of files (xos is about to be stopped).
  sync(): void { this.kernel.writeback(); }
  // The debugger's hold on process `pid`: the one it was spawned with (`debug`: it is stopped
  // at its first instruction), or a new one that stops it now. `spawned` tells which.
  // Throws when there is no such process or another debugger has it.
  debug(pid: number): { tracee: Tracee; spawned: boolean } {
    const p = this.kernel.processes.get(pid);
    if (!p?.alive) throw new Error(`xos: no process ${pid}`);
    const pending = this.spawnedStopped.get(p);
    if (pending && p.tracee === pending) {
      this.spawnedStopped.delete(p);
      return { tracee: pending, spawned: true };
    }
    const tracee = this.kernel.attachDebugger(p, 0);
    return { tracee, spawned: false };
  }
  // A debugger for a page or an embedder (pause, step, continue, registers, disassembly) on
  // process `pid`, taken as debug() takes it.
  debugSession(pid: number): DebugSession {
    return new DebugSession(this.kernel, this.debug(pid).tracee);
  }

  // The processes spawned here that have not ended.
  get processes(): readonly GuestProcess[] { return [...this.live]; }
  // Guest instructions run so far (all processes).
  get instructions(): number { return Number(this.kernel.core.icount); }

  // Kill every process and let the machine go: no timer or handle of it is left on the host.
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of [...this.kernel.processes.values()]) if (p.alive) this.kernel.kill(p, SIGKILL);
    this.kernel.net.close();
    this.kernel.timers.clear();
    this.hold?.();
    this.hold = undefined;
  }
}

// Input that arrives over time (a HostInput) into a process's stdin, until its end.
function feedFrom(input: HostInput, g: GuestProcess): void {
  const pull = (): void => {
    if (!g.alive) return;
    for (;;) {
      const r = input.read(65536);
      if (r === 'eof') { g.end(); return; }
      if (r === null) { input.watch(pull); return; }
      g.write(r);
    }
  };
  pull();
}

export { ExecError };
