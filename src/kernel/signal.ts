// Signal delivery: pending sets, default actions, the rt_sigframe a handler
// runs on, and rt_sigreturn.
import { signalStop } from './ptrace.js';
import type { Kernel } from './kernel.js';
import { Task, SigInfo, SIG_DFL, SIG_IGN, type Process } from './task.js';
import { WaitQueue, POLLIN } from '../fs/wait-queue.js';
import * as L from '../generated/layout.js';

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
  SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15,
  SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22,
  SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29,
  SIGPWR = 30, SIGSYS = 31;
export const SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6, SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRERR = 2, ILL_ILLOPN = 2,
  FPE_INTDIV = 1, TRAP_BRKPT = 1;
export const SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_ONSTACK = 0x08000000,
  SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000, SA_RESTORER = 0x04000000;
export const SS_ONSTACK = 1, SS_DISABLE = 2;

export const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_TRAPPED = 4, CLD_STOPPED = 5, CLD_CONTINUED = 6;
const CORE_DUMP: ReadonlySet<number> = new Set([SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS]);
export const DEFAULT_IGNORED: ReadonlySet<number> = new Set([SIGCHLD, SIGURG, SIGWINCH, SIGCONT]);
const IGNORED = DEFAULT_IGNORED;
export const STOPPING: ReadonlySet<number> = new Set([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);

export const sigbit = (sig: number) => 1n << BigInt(sig - 1);
const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);

// Queue a signal for a task.
export function queueSignal(t: Task, info: SigInfo): void {
  // standard signals do not queue twice
  if (info.signo < 32 && t.pending.some((p) => p.signo === info.signo)) return;
  t.pending.push(info);
  t.proc.signalEvents.notify(POLLIN); // signalfds
}

// A synchronous fault: delivered now; blocked or ignored means the default action (death).
export function forceSignal(k: Kernel, t: Task, info: SigInfo): void {
  const act = t.proc.sigactions[info.signo];
  const blocked = (t.sigmask & sigbit(info.signo)) !== 0n;
  if (blocked || act.handler === SIG_IGN) {
    act.handler = SIG_DFL;
    t.sigmask &= ~sigbit(info.signo);
  }
  t.pending.unshift({ ...info, force: true });
}

// Deliver one pending, unblocked signal. Returns false when the task's process died.
export function deliverSignals(k: Kernel, t: Task): boolean {
  for (;;) {
    // the mask as numbers once: thousands of queued real-time signals are scanned each time
    const mask = t.sigmask & ~UNBLOCKABLE;
    const blocked = (sig: number) => sig >= 1 && sig <= 64 && Number((mask >> BigInt(sig - 1)) & 1n) === 1;
    const open = Array.from({ length: 65 }, (_, sig) => !blocked(sig));
    const i = t.pending.findIndex((p) => open[p.signo]);
    if (i < 0) return true;
    const info = t.pending.splice(i, 1)[0];
    const sig = info.signo;
    // a debugger sees every signal but SIGKILL first, and may keep it from the program
    if (t.proc.tracee && sig !== SIGKILL && t.proc.tracee.intercept(t, info)) return true;
    // a traced task stops first; its tracer says which signal, if any, goes on
    if (sig !== SIGKILL && signalStop(k, t, info)) return true;
    if (sig === SIGKILL) t.ptraceStop = undefined;
    const act = t.proc.sigactions[sig];
    if (act.handler === SIG_IGN && sig !== SIGKILL && sig !== SIGSTOP) continue;
    if (act.handler === SIG_DFL || sig === SIGKILL || sig === SIGSTOP) {
      // init gets no signal it has no handler for (Linux's SIGNAL_UNKILLABLE), unless forced
      if (t.proc === k.init && !info.force) continue;
      if (IGNORED.has(sig)) continue;
      if (STOPPING.has(sig)) { k.stopProcess(t.proc, sig); return true; }
      k.killProcess(t.proc, sig | (CORE_DUMP.has(sig) ? 0x80 : 0));
      return false;
    }
    if (!setupFrame(k, t, info, act.handler, act.flags, act.restorer, act.mask)) {
      // no room for the frame: as Linux, the process dies of SIGSEGV
      k.killProcess(t.proc, SIGSEGV | 0x80);
      return false;
    }
    if (act.flags & SA_RESETHAND) act.handler = SIG_DFL;
    return true;
  }
}

// The signal frame's FPU state: FXSAVE layout plus the XSAVE header and AVX component, as Linux writes it.
const XSTATE_SIZE = 832, FP_XSTATE_MAGIC1 = 0x46505853, FP_XSTATE_MAGIC2 = 0x46505845;
const FRAME_SIZE = 440; // pretcode + struct ucontext (304) + siginfo (128)
const UC = 8, MC = UC + 40, INFO = UC + 304;
// sigcontext register order (struct sigcontext_64) as core GPR numbers
const MC_REGS = [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4];

export function siginfoBytes(info: SigInfo): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, info.signo, true);
  dv.setInt32(4, info.errno ?? 0, true);
  dv.setInt32(8, info.code, true);
  if (info.addr !== undefined) dv.setBigUint64(16, BigInt(info.addr), true);
  else if (info.band !== undefined) {
    dv.setBigInt64(16, BigInt(info.band), true); // si_band
    dv.setInt32(24, info.fd ?? 0, true); // si_fd
  } else if (info.timerId !== undefined) {
    dv.setInt32(16, info.timerId, true); // si_tid
    dv.setInt32(20, info.overrun ?? 0, true);
    dv.setBigUint64(24, info.value ?? 0n, true);
  } else {
    dv.setInt32(16, info.pid ?? 0, true);
    dv.setInt32(20, info.uid ?? 0, true);
    if (info.status !== undefined) dv.setInt32(24, info.status, true);
    else if (info.value !== undefined) dv.setBigUint64(24, info.value, true);
  }
  return b;
}

// A siginfo_t given by a debugger (PTRACE_SETSIGINFO): the fields siginfoBytes writes.
export function parseSiginfo(b: Uint8Array): SigInfo {
  const dv = new DataView(b.buffer, b.byteOffset, Math.min(b.byteLength, 128));
  const at = (o: number, n: number) => (o + n <= dv.byteLength ? o : -1);
  const i32 = (o: number) => (at(o, 4) >= 0 ? dv.getInt32(o, true) : 0);
  const info: SigInfo = { signo: i32(0), errno: i32(4), code: i32(8) };
  if (FAULTS.has(info.signo) && info.code > 0) {
    if (at(16, 8) >= 0) info.addr = Number(dv.getBigUint64(16, true));
  } else {
    info.pid = i32(16);
    info.uid = i32(20);
    if (at(24, 8) >= 0) info.value = dv.getBigUint64(24, true);
  }
  return info;
}
const FAULTS: ReadonlySet<number> = new Set([SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP]);

function setupFrame(k: Kernel, t: Task, info: SigInfo, handler: number, flags: number, restorer: number, mask: bigint): boolean {
  const c = k.core;
  const mm = t.proc.mm;
  const rsp = c.regNum(4);
  let sp = rsp - 128; // the red zone
  const onAlt = t.altstack.flags !== SS_DISABLE && rsp > t.altstack.sp && rsp <= t.altstack.sp + t.altstack.size;
  if (flags & SA_ONSTACK && t.altstack.flags !== SS_DISABLE && !onAlt) sp = t.altstack.sp + t.altstack.size;
  let fp = sp - XSTATE_SIZE - 4;
  fp -= fp % 64;
  let frame = fp - FRAME_SIZE;
  frame -= frame % 16;
  frame -= 8;
  // the FXSAVE image of the x87/SSE state
  const fx = new Uint8Array(XSTATE_SIZE + 4);
  const fdv = new DataView(fx.buffer);
  const mem = c.view;
  const top = c.u32(L.S_FPU_TOP);
  fdv.setUint16(0, c.u32(L.S_FPU_CW), true);
  fdv.setUint16(2, (c.u32(L.S_FPU_SW) & ~0x3800) | (top << 11), true);
  let abridged = 0;
  for (let i = 0; i < 8; i++) if (!((c.u32(L.S_FPU_TAG) >> i) & 1)) abridged |= 1 << i;
  fx[4] = abridged;
  fdv.setUint32(24, c.u32(L.S_MXCSR), true);
  fdv.setUint32(28, 0xffff, true);
  for (let i = 0; i < 8; i++) fx.set(c.bytes.subarray(L.S_FPU_ST + ((top + i) & 7) * 16, L.S_FPU_ST + ((top + i) & 7) * 16 + 10), 32 + i * 16);
  for (let i = 0; i < 16; i++) fx.set(c.bytes.subarray(L.S_XMM + i * 32, L.S_XMM + i * 32 + 16), 160 + i * 16);
  // the XSAVE extension: software bytes, header, the upper halves of the ymm registers
  fdv.setUint32(464, FP_XSTATE_MAGIC1, true);
  fdv.setUint32(468, XSTATE_SIZE + 4, true); // extended_size
  fdv.setBigUint64(472, 7n, true); // xfeatures: x87, SSE, AVX
  fdv.setUint32(480, XSTATE_SIZE, true); // xstate_size
  fdv.setBigUint64(512, 7n, true); // xstate_bv
  for (let i = 0; i < 16; i++) fx.set(c.bytes.subarray(L.S_XMM + i * 32 + 16, L.S_XMM + i * 32 + 32), 576 + i * 16);
  fdv.setUint32(XSTATE_SIZE, FP_XSTATE_MAGIC2, true);
  const f = new Uint8Array(FRAME_SIZE);
  const dv = new DataView(f.buffer);
  dv.setBigUint64(0, BigInt(restorer), true);
  dv.setBigUint64(UC, 7n, true); // UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS
  dv.setBigUint64(UC + 16, BigInt(t.altstack.sp), true);
  dv.setInt32(UC + 24, onAlt ? SS_ONSTACK : t.altstack.flags, true);
  dv.setBigUint64(UC + 32, BigInt(t.altstack.size), true);
  MC_REGS.forEach((r, i) => dv.setBigUint64(MC + i * 8, c.reg(r), true));
  dv.setBigUint64(MC + 128, BigInt(c.rip), true);
  dv.setBigUint64(MC + 136, c.rflags, true);
  dv.setUint16(MC + 144, 0x33, true); // cs
  dv.setUint16(MC + 150, 0x2b, true); // ss
  if (info.signo === SIGSEGV && info.addr !== undefined && info.code !== SI_KERNEL) {
    dv.setBigUint64(MC + 160, 14n, true); // trapno: page fault
    const f = t.fault; // the page fault's error code: user mode, write, protection
    dv.setBigUint64(MC + 152, BigInt(4 | (f && f.access & 2 ? 2 : 0) | (f?.present ? 1 : 0)), true);
    dv.setBigUint64(MC + 176, BigInt(info.addr), true); // cr2
  }
  dv.setBigUint64(MC + 168, t.sigmask & 0xffffffffn, true); // oldmask
  dv.setBigUint64(MC + 184, BigInt(fp), true); // fpstate
  dv.setBigUint64(UC + 296, t.savedMask ?? t.sigmask, true);
  t.savedMask = undefined;
  f.set(siginfoBytes(info), INFO);
  if (!mm.write(fp, fx) || !mm.write(frame, f)) return false;
  void mem;
  c.setRegNum(7, info.signo);
  c.setRegNum(6, frame + INFO);
  c.setRegNum(2, frame + UC);
  c.setRegNum(0, 0);
  c.setRegNum(4, frame);
  c.rip = handler;
  c.rflags = c.rflags & ~0x400n; // DF clear for the handler
  t.sigmask |= mask | ((flags & SA_NODEFER) ? 0n : sigbit(info.signo));
  t.sigmask &= ~UNBLOCKABLE;
  return true;
}

// rt_sigreturn: restore what setupFrame saved. The frame's ucontext is at RSP.
export function sigreturn(k: Kernel, t: Task): boolean {
  const c = k.core;
  const uc = c.regNum(4);
  const f = t.proc.mm.read(uc, 304);
  if (!f) return false;
  const dv = new DataView(f.buffer);
  const mc = 40;
  MC_REGS.forEach((r, i) => c.setReg(r, dv.getBigUint64(mc + i * 8, true)));
  c.rip = Number(dv.getBigUint64(mc + 128, true));
  const fl = dv.getBigUint64(mc + 136, true);
  c.rflags = (c.rflags & ~0x254dd5n) | (fl & 0x254dd5n) | 0x200n;
  t.sigmask = dv.getBigUint64(296, true) & ~UNBLOCKABLE;
  const fp = Number(dv.getBigUint64(mc + 184, true));
  if (fp) {
    const fx = t.proc.mm.read(fp, XSTATE_SIZE + 4);
    if (!fx) return false;
    const fdv = new DataView(fx.buffer);
    const sw = fdv.getUint16(2, true);
    const top = (sw >> 11) & 7;
    c.setU32(L.S_FPU_CW, fdv.getUint16(0, true));
    c.setU32(L.S_FPU_SW, sw & ~0x3800);
    c.setU32(L.S_FPU_TOP, top);
    let tag = 0;
    for (let i = 0; i < 8; i++) if (!((fx[4] >> i) & 1)) tag |= 1 << i;
    c.setU32(L.S_FPU_TAG, tag);
    c.setU32(L.S_MXCSR, fdv.getUint32(24, true) & 0xffff);
    const mem = c.bytes;
    for (let i = 0; i < 8; i++) mem.set(fx.subarray(32 + i * 16, 42 + i * 16), L.S_FPU_ST + ((top + i) & 7) * 16);
    for (let i = 0; i < 16; i++) mem.set(fx.subarray(160 + i * 16, 176 + i * 16), L.S_XMM + i * 32);
    // ymm upper halves: from the XSAVE extension when present and marked in use, else zero (init state)
    const xsave = fdv.getUint32(464, true) === FP_XSTATE_MAGIC1 && fdv.getUint32(XSTATE_SIZE, true) === FP_XSTATE_MAGIC2;
    const avx = xsave && (fdv.getBigUint64(512, true) & 4n) !== 0n;
    for (let i = 0; i < 16; i++) {
      if (avx) mem.set(fx.subarray(576 + i * 16, 592 + i * 16), L.S_XMM + i * 32 + 16);
      else mem.fill(0, L.S_XMM + i * 32 + 16, L.S_XMM + i * 32 + 32);
    }
  }
  return true;
}
