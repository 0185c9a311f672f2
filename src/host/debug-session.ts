// A debugger for a page or an embedder, without gdb: pause, step one instruction,
// continue, and a view of where a thread is (its registers, the disassembly around
// RIP, from the core's own decoder). Everything it gives is plain data, so a page can
// run the machine in a Worker and pass the snapshots across with postMessage.
import type { Kernel } from '../kernel/kernel.js';
import type { Task } from '../kernel/task.js';
import type { Tracee, StopEvent } from '../kernel/debug.js';
import { disassemble } from '../core/disasm.js';
import { readReg, REGS } from './gdb-target.js';

export interface DebugRegister { name: string; value: string; group: 'general' | 'flags' | 'segment' | 'x87' | 'sse' | 'avx' }
export interface DebugLine { addr: number; bytes: string; text: string; current: boolean }
export interface DebugSnapshot {
  state: 'running' | 'stopped' | 'exited';
  why: string; // "paused", "step", "breakpoint", "signal 11", "exited 0", "killed by signal 9"
  pid: number;
  tid: number; // the thread shown
  threads: number[];
  registers: DebugRegister[];
  disassembly: DebugLine[];
}

const EFLAGS_BITS: [number, string][] = [[0, 'CF'], [2, 'PF'], [4, 'AF'], [6, 'ZF'], [7, 'SF'], [8, 'TF'], [9, 'IF'], [10, 'DF'], [11, 'OF']];
const SIGINT = 2, SIGTRAP = 5;
const SIGNAMES = ['', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV',
  'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG',
  'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS'];
const signame = (n: number) => SIGNAMES[n] || `signal ${n}`;

// An 80-bit x87 value as a number (a double: the last bits may be lost in the display).
function f80(b: Uint8Array): string {
  const dv = new DataView(b.buffer, b.byteOffset, 10);
  const mant = dv.getBigUint64(0, true);
  const se = dv.getUint16(8, true);
  const sign = se & 0x8000 ? -1 : 1, exp = se & 0x7fff;
  if (exp === 0x7fff) return mant << 1n === 0n ? `${sign < 0 ? '-' : ''}inf` : 'nan';
  if (exp === 0 && mant === 0n) return sign < 0 ? '-0' : '0';
  return String(sign * Number(mant) * 2 ** (exp - 16383 - 63));
}
const hexLe = (b: Uint8Array) => `0x${[...b].reverse().map((x) => x.toString(16).padStart(2, '0')).join('')}`;

function group(name: string): DebugRegister['group'] {
  if (name === 'eflags') return 'flags';
  if (/^(cs|ss|ds|es|fs|gs|fs_base|gs_base)$/.test(name)) return 'segment';
  if (/^(st\d|f[a-z]+)$/.test(name)) return 'x87';
  if (/^(xmm\d+|mxcsr)$/.test(name)) return 'sse';
  if (/^ymm\d+h$/.test(name)) return 'avx';
  return 'general';
}

export class DebugSession {
  private tid: number;
  private listeners = new Set<(s: DebugSnapshot) => void>();

  constructor(private readonly k: Kernel, readonly tracee: Tracee) {
    this.tid = tracee.last.tid;
    tracee.onStop = (ev) => this.stopped(ev);
  }

  // Called with a new snapshot whenever the program stops (or ends); returns the unsubscriber.
  onStop(cb: (s: DebugSnapshot) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
  private stopped(ev: StopEvent): void {
    this.tid = ev.tid;
    const s = this.snapshot();
    for (const cb of [...this.listeners]) cb(s);
  }

  // Stop every thread where it is.
  pause(): void { this.tracee.interrupt(SIGINT); }
  // Run one instruction of the thread shown (the others stay stopped).
  step(): void { this.resume(true); }
  // Let every thread run (until a breakpoint, a signal, pause()).
  continue(): void { this.resume(false); }
  private resume(step: boolean): void {
    const tr = this.tracee;
    if (!tr.halted || tr.exited) return;
    // a signal the program stopped with goes on to it, as gdb does by default (not SIGTRAP, SIGINT)
    const r = tr.last.reason;
    const signal = r.kind === 'signal' && r.signo !== SIGINT && r.signo !== SIGTRAP && r.signo !== 0 ? r.signo : 0;
    tr.resume(new Map([[this.tid, { step, signal }]]), step ? undefined : { step: false, signal: 0 });
  }
  // Show another thread.
  select(tid: number): void { if (this.tracee.thread(tid)) this.tid = tid; }
  // Let the program go on without a debugger.
  detach(): void {
    this.tracee.onStop = undefined;
    this.listeners.clear();
    this.tracee.detach();
  }

  setBreakpoint(addr: number): boolean { return this.tracee.insertBreakpoint(addr); }
  clearBreakpoint(addr: number): boolean { return this.tracee.removeBreakpoint(addr); }

  snapshot(before = 6, after = 12): DebugSnapshot {
    const tr = this.tracee;
    const base = { pid: tr.proc.pid, tid: this.tid, threads: tr.threads.map((t) => t.tid), registers: [], disassembly: [] };
    const r = tr.last.reason;
    if (tr.exited) {
      const st = r.kind === 'exited' ? r.status : 0;
      return { ...base, state: 'exited', why: st & 0x7f ? `killed by ${signame(st & 0x7f)}` : `exited ${(st >> 8) & 0xff}` };
    }
    if (!tr.halted) return { ...base, state: 'running', why: '' };
    const why = r.kind === 'signal' ? (r.signo === SIGINT || r.signo === 0 ? 'paused' : signame(r.signo))
      : r.kind === 'watch' ? `watchpoint 0x${r.addr.toString(16)}` : r.kind === 'exec' ? `exec ${r.path}` : r.kind;
    const t = tr.thread(this.tid) ?? tr.threads[0];
    if (!t) return { ...base, state: 'stopped', why };
    return { ...base, tid: t.tid, state: 'stopped', why, registers: this.registers(t), disassembly: this.disassembly(t, before, after) };
  }

  private registers(t: Task): DebugRegister[] {
    const s = this.tracee.readState(t);
    return REGS.map((d, n) => {
      const b = readReg(s, n)!;
      let value: string;
      if (d.name === 'eflags') {
        const v = new DataView(b.buffer).getUint32(0, true);
        value = `0x${v.toString(16)} [ ${EFLAGS_BITS.filter(([bit]) => (v >> bit) & 1).map(([, n]) => n).join(' ')} ]`;
      } else if (d.type === 'i387_ext') value = f80(b);
      else value = hexLe(b);
      return { name: d.name, value, group: group(d.name) };
    });
  }

  private ripOf(t: Task): number {
    const s = this.tracee.readState(t);
    const b = readReg(s, REGS.findIndex((d) => d.name === 'rip'))!;
    return Number(new DataView(b.buffer).getBigUint64(0, true));
  }

  // `before` instructions before RIP and `after` from it. x86 does not decode backwards: the
  // listing starts at the farthest point before RIP from which decoding lands on RIP.
  private disassembly(t: Task, before: number, after: number): DebugLine[] {
    const rip = this.ripOf(t);
    const core = this.k.core;
    const lines: DebugLine[] = [];
    const decodeRun = (from: number, until: number, max: number) => {
      const out: DebugLine[] = [];
      for (let a = from; out.length < max && a < until;) {
        const bytes = this.tracee.peek(a, 15) ?? this.tracee.peek(a, 4096 - (a % 4096));
        if (!bytes || bytes.length === 0) break;
        const i = disassemble(core, bytes, a);
        out.push({ addr: a, bytes: [...i.bytes].map((x) => x.toString(16).padStart(2, '0')).join(' '), text: i.text, current: a === rip });
        a += i.len;
      }
      return out;
    };
    for (let back = Math.min(before * 15, rip); back > 0; back--) {
      const run = decodeRun(rip - back, rip + 1, 1000);
      if (run.length && run[run.length - 1].addr === rip) {
        lines.push(...run.slice(Math.max(0, run.length - 1 - before), run.length - 1));
        break;
      }
    }
    lines.push(...decodeRun(rip, Infinity, after));
    return lines;
  }
}
