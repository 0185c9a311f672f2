// Debugging a process, as ptrace gives a debugger on Linux: its threads stop
// together (all-stop) and resume with an action each (run, or one instruction);
// software breakpoints are int3 bytes written here (their original bytes kept,
// and hidden from reads); data watchpoints use the core's watch table while the
// process's threads run one instruction at a time; a signal is held for the
// debugger before it is delivered, and goes on only if the debugger passes it.
// The gdb stub (host/gdb-remote.ts) and the page's debug view are built on this.
import type { Kernel } from './kernel.js';
import type { Process, Task, SigInfo } from './task.js';
import { Exit, WATCH_MAX, WATCH_READ, WATCH_WRITE } from '../core/core.js';
import { ERESTARTSYS } from '../base/errno.js';
import { SI_USER, SI_KERNEL, SI_TKILL, SIGTRAP, SIGSTOP } from './signal.js';
import * as L from '../generated/layout.js';

export type StopReason =
  | { kind: 'signal'; signo: number } // a signal held before delivery, or (held: none) a stop on request
  | { kind: 'breakpoint'; addr: number } // a breakpoint of the debugger's; RIP is at it
  | { kind: 'step' } // one instruction done
  | { kind: 'watch'; access: number; addr: number } // WATCH_READ | WATCH_WRITE of the range at addr
  | { kind: 'exec'; path: string } // the process ran execve: a new program, no breakpoints
  | { kind: 'exited'; status: number }; // the process ended (a wait status)

export interface StopEvent { tid: number; reason: StopReason }
export interface ResumeAction { step: boolean; signal: number } // signal: deliver it on resuming (0: none)

export interface Watchpoint { addr: number; len: number; access: number }

// The state a debugger sees of one thread: the core's save area (offsets from L.STATE), and
// orig_rax (the syscall a thread stopped inside is in, else -1).
export interface ThreadState { regs: Uint8Array; origRax: bigint }

const INT3 = 0xcc;
const TRAP_TRACE = 2, TRAP_HWBKPT = 4;
// -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK
const RESTART_CODES = new Set([-512n, -513n, -514n, -516n]);
const SYSCALL_LEN = 2;
const off = (field: number) => field - L.STATE;

export class Tracee {
  halted = true;
  // The last stop (what `?` answers); at attach, a stop on request.
  last: StopEvent;
  exited = false;
  onStop?: (ev: StopEvent) => void;
  readonly breakpoints = new Map<number, number>(); // address -> the byte the int3 replaced
  readonly watches: Watchpoint[] = [];
  private actions = new Map<Task, ResumeAction>();
  private others?: ResumeAction; // for threads the resume did not name (new ones too)
  private held = new Map<Task, SigInfo>(); // the signal each thread stopped with
  private givenSiginfo = new Map<Task, SigInfo>(); // PTRACE_SETSIGINFO's, for a thread that holds none

  // Attached stopped, as if by `signo` (SIGTRAP: a program stopped at its first instruction).
  constructor(readonly k: Kernel, readonly proc: Process, signo: number) {
    this.last = { tid: proc.threads[0]?.tid ?? proc.pid, reason: { kind: 'signal', signo } };
  }

  get threads(): Task[] { return this.proc.threads.filter((t) => t.state.kind !== 'exited'); }
  thread(tid: number): Task | undefined { return this.threads.find((t) => t.tid === tid); }

  // --- for the kernel ---------------------------------------------------------------------
  mayRun(t: Task): boolean { return !this.halted && (this.actions.has(t) || this.others !== undefined); }
  stepping(t: Task): boolean { return !this.halted && (this.actions.get(t) ?? this.others)?.step === true; }
  get watching(): boolean { return this.watches.length > 0; }

  // Run `t` (the current task) one instruction at a time, at most n: for a step, or while watching.
  runSteps(n: number): Exit {
    const c = this.k.core;
    this.k.loadWatches(this);
    let exit = Exit.Budget;
    for (let i = 0; i < n && exit === Exit.Budget; i++) exit = c.step();
    if (exit === Exit.Watch) {
      const hit = c.watchHit;
      this.stop(this.k.current!, { kind: 'watch', access: hit.kind, addr: hit.addr });
    }
    return exit;
  }

  // Everything stops; the debugger hears why.
  stop(t: Task, reason: StopReason): void {
    this.halted = true;
    this.actions.clear();
    this.others = undefined;
    this.last = { tid: t.tid, reason };
    this.onStop?.(this.last);
  }

  // A signal about to be delivered to `t`: held for the debugger (true), or let through.
  intercept(t: Task, info: SigInfo): boolean {
    if (info.passed) return false;
    this.held.set(t, info);
    this.stop(t, { kind: 'signal', signo: info.signo });
    return true;
  }

  // int3 ran at rip - 1: the debugger's breakpoint (RIP goes back to it), or the program's own.
  breakpointHit(t: Task): boolean {
    const c = this.k.core;
    const at = c.rip - 1;
    if (!this.breakpoints.has(at)) return false;
    c.rip = at;
    this.stop(t, { kind: 'breakpoint', addr: at });
    return true;
  }

  // A fork copied the breakpoints into the child's memory: they go (the child is not debugged).
  forked(child: Process): void {
    for (const [addr, byte] of this.breakpoints) child.mm.poke(addr, Uint8Array.of(byte));
  }

  // execve replaced the program: the old breakpoints and watched addresses mean nothing now.
  execed(t: Task, path: string): void {
    this.breakpoints.clear();
    this.watches.length = 0;
    this.k.loadWatches(this, true);
    this.stop(t, { kind: 'exec', path });
  }

  ended(status: number): void {
    this.exited = true;
    this.held.clear();
    const tid = this.last.tid;
    this.halted = true;
    this.last = { tid, reason: { kind: 'exited', status } };
    this.onStop?.(this.last);
  }

  // --- for the debugger ---------------------------------------------------------------------
  // The siginfo of the thread's stop, as Linux's PTRACE_GETSIGINFO gives it: the held signal's,
  // or the SIGTRAP of a breakpoint (int3: SI_KERNEL), a step (TRAP_TRACE) or a watchpoint (TRAP_HWBKPT).
  siginfo(t: Task): SigInfo | undefined {
    const held = this.held.get(t) ?? this.givenSiginfo.get(t);
    if (held) return held;
    // the other threads were stopped as a debugger on Linux stops them: with SIGSTOP, by tgkill
    if (this.last.tid !== t.tid) return { signo: SIGSTOP, code: SI_TKILL };
    const r = this.last.reason;
    switch (r.kind) {
      case 'breakpoint': return { signo: SIGTRAP, code: SI_KERNEL };
      case 'step': return { signo: SIGTRAP, code: TRAP_TRACE };
      case 'watch': return { signo: SIGTRAP, code: TRAP_HWBKPT, addr: r.addr };
      case 'signal': return r.signo ? { signo: r.signo, code: SI_USER } : undefined;
      default: return undefined;
    }
  }
  // The debugger sets the siginfo of a thread's stop (gdb restores it after calling a function):
  // the held signal's, if any, is replaced and goes on so if passed.
  setSiginfo(t: Task, info: SigInfo): void {
    if (this.held.has(t)) this.held.set(t, info);
    else this.givenSiginfo.set(t, info);
  }

  // Resume: each named thread with its action, the others with `others` (undefined: they stay).
  resume(actions: Map<number, ResumeAction>, others?: ResumeAction): void {
    if (this.exited || !this.halted) return;
    this.actions.clear();
    for (const [tid, a] of actions) {
      const t = this.thread(tid);
      if (t) this.actions.set(t, a);
    }
    this.others = others;
    this.givenSiginfo.clear();
    for (const t of this.threads) {
      const a = this.actions.get(t) ?? others;
      const held = this.held.get(t);
      this.held.delete(t);
      if (!a?.signal) continue;
      // the signal the thread stopped with, or another the debugger chose
      const info: SigInfo = held?.signo === a.signal ? held : { signo: a.signal, code: SI_USER };
      info.passed = true;
      t.pending.unshift(info);
    }
    this.halted = false;
    this.k.kick();
  }

  // Stop everything now (the debugger's interrupt): reported as `signo` with nothing held.
  interrupt(signo: number): void {
    if (this.exited || this.halted) return;
    const cur = this.k.current;
    const t = cur && cur.proc === this.proc && cur.state.kind !== 'exited' ? cur : this.threads[0];
    if (!t) return;
    this.stop(t, { kind: 'signal', signo });
  }

  // Let the process go: breakpoints and watchpoints removed, held signals delivered, threads run.
  detach(): void {
    if (this.proc.tracee !== this) return;
    for (const addr of [...this.breakpoints.keys()]) this.removeBreakpoint(addr);
    this.watches.length = 0;
    this.k.loadWatches(this, true);
    for (const [t, info] of this.held) t.pending.unshift({ ...info, passed: true });
    this.held.clear();
    this.proc.tracee = undefined;
    this.halted = false;
    this.k.kick();
  }

  kill(): void {
    if (this.exited) return;
    this.k.kill(this.proc);
  }

  // --- registers ------------------------------------------------------------------------------
  // A thread inside a syscall (waiting in it, or woken and not yet back) shows as Linux shows it:
  // RIP after the syscall instruction, orig_rax the call, rax -ERESTARTSYS.
  private inSyscall(t: Task): boolean {
    return t.state.kind === 'blocked' || t.resumed !== undefined || t.interrupted !== undefined;
  }

  readState(t: Task): ThreadState {
    this.k.saveCurrent();
    const regs = t.regs.slice();
    const dv = new DataView(regs.buffer);
    let origRax = -1n;
    if (this.inSyscall(t)) {
      origRax = dv.getBigInt64(off(L.S_GPR), true);
      dv.setBigInt64(off(L.S_GPR), BigInt(-ERESTARTSYS), true);
      dv.setBigUint64(off(L.S_RIP), dv.getBigUint64(off(L.S_RIP), true) + BigInt(SYSCALL_LEN), true);
    }
    return { regs, origRax };
  }

  // Write back what readState gave, changed. Inside a syscall, the call restarts as before
  // unless the debugger moved RIP or set orig_rax to -1 (as gdb does to call a function): then
  // the thread leaves the call, with the registers as written (rax its result). Registers that
  // say "inside a syscall, to be restarted" (orig_rax a call, rax a restart code: what gdb
  // writes back after calling a function there) restart the call, as Linux does on resuming.
  writeState(t: Task, s: ThreadState): void {
    const regs = s.regs.slice();
    const dv = new DataView(regs.buffer);
    const rax = dv.getBigInt64(off(L.S_GPR), true);
    if (!this.inSyscall(t) && s.origRax >= 0n && RESTART_CODES.has(rax)) {
      dv.setBigUint64(off(L.S_RIP), dv.getBigUint64(off(L.S_RIP), true) - BigInt(SYSCALL_LEN), true);
      dv.setBigInt64(off(L.S_GPR), s.origRax, true);
    } else if (this.inSyscall(t)) {
      const was = this.readState(t);
      const wasRip = new DataView(was.regs.buffer).getBigUint64(off(L.S_RIP), true);
      const rip = dv.getBigUint64(off(L.S_RIP), true);
      if (s.origRax === -1n || rip !== wasRip) this.k.abandonSyscall(t);
      else {
        dv.setBigUint64(off(L.S_RIP), rip - BigInt(SYSCALL_LEN), true);
        dv.setBigInt64(off(L.S_GPR), was.origRax, true);
      }
    }
    this.k.saveCurrent();
    t.regs.set(regs);
    if (this.k.current === t) this.k.core.loadState(t.regs);
  }

  // --- memory ---------------------------------------------------------------------------------
  // Guest memory as the program has it: the debugger's int3 bytes read as what they replaced.
  // Null when a byte is not mapped (no page faulted in beyond what is mapped, no stack growth).
  peek(addr: number, len: number): Uint8Array | null {
    if (!this.mapped(addr, len)) return null;
    const b = this.proc.mm.read(addr, len);
    if (!b) return null;
    for (const [a, byte] of this.breakpoints) if (a >= addr && a < addr + len) b[a - addr] = byte;
    return b;
  }

  // Write guest memory, read-only code too (as ptrace's POKE); a breakpoint's int3 stays, the
  // byte under it becomes the new one.
  poke(addr: number, data: Uint8Array): boolean {
    if (!this.mapped(addr, data.length)) return false;
    const b = data.slice();
    const under: [number, number][] = [];
    for (const a of this.breakpoints.keys()) {
      if (a >= addr && a < addr + b.length) { under.push([a, b[a - addr]]); b[a - addr] = INT3; }
    }
    if (!this.proc.mm.poke(addr, b)) return false;
    for (const [a, byte] of under) this.breakpoints.set(a, byte);
    return true;
  }

  private mapped(addr: number, len: number): boolean {
    if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(len) || addr < 0 || len < 0) return false;
    for (let a = addr - (addr % 4096); a < addr + len; a += 4096) if (!this.proc.mm.find(a)) return false;
    return true;
  }

  // --- breakpoints and watchpoints ------------------------------------------------------------
  insertBreakpoint(addr: number): boolean {
    if (this.breakpoints.has(addr)) return true;
    const b = this.peek(addr, 1);
    if (!b || !this.proc.mm.poke(addr, Uint8Array.of(INT3))) return false;
    this.breakpoints.set(addr, b[0]);
    return true;
  }
  removeBreakpoint(addr: number): boolean {
    const byte = this.breakpoints.get(addr);
    if (byte === undefined) return true;
    this.breakpoints.delete(addr);
    return this.proc.mm.poke(addr, Uint8Array.of(byte));
  }

  // access: WATCH_WRITE, WATCH_READ or both. False when the table is full or the range is bad.
  insertWatchpoint(addr: number, len: number, access: number): boolean {
    if (len <= 0 || !Number.isSafeInteger(addr) || addr < 0 || addr + len > 2 ** 47 || !(access & (WATCH_READ | WATCH_WRITE))) return false;
    if (this.watches.some((w) => w.addr === addr && w.len === len && w.access === access)) return true;
    if (this.watches.length >= WATCH_MAX) return false;
    this.watches.push({ addr, len, access });
    this.k.loadWatches(this, true);
    return true;
  }
  removeWatchpoint(addr: number, len: number, access: number): boolean {
    const i = this.watches.findIndex((w) => w.addr === addr && w.len === len && w.access === access);
    if (i >= 0) this.watches.splice(i, 1);
    this.k.loadWatches(this, true);
    return true;
  }
}
