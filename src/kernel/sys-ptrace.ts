// Reaching into another process: ptrace(2) (the requests; ptrace.ts has the stops),
// process_vm_readv(2) and process_vm_writev(2).
import type { SyscallDef, Handler } from './syscall.js';
import type { Task } from './task.js';
import type { Kernel } from './kernel.js';
import { EFAULT, EINVAL, EIO, EPERM, ESRCH } from '../base/errno.js';
import { readIovecs, type Iov } from './sys-file.js';
import { mayInspect } from './sys-process.js';
import * as L from '../generated/layout.js';
import { resume, savedView, regOff, stopSiginfo, stop, PTRACE_EVENT_STOP } from './ptrace.js';
import { siginfoBytes, SIGKILL, SIGSTOP, SIGTRAP } from './signal.js';

const PTRACE_TRACEME = 0, PTRACE_PEEKTEXT = 1, PTRACE_PEEKDATA = 2, PTRACE_PEEKUSER = 3, PTRACE_POKETEXT = 4,
  PTRACE_POKEDATA = 5, PTRACE_POKEUSER = 6, PTRACE_CONT = 7, PTRACE_KILL = 8, PTRACE_SINGLESTEP = 9,
  PTRACE_GETREGS = 12, PTRACE_SETREGS = 13, PTRACE_GETFPREGS = 14, PTRACE_SETFPREGS = 15, PTRACE_ATTACH = 16,
  PTRACE_DETACH = 17, PTRACE_SYSCALL = 24, PTRACE_SETOPTIONS = 0x4200, PTRACE_GETEVENTMSG = 0x4201,
  PTRACE_GETSIGINFO = 0x4202, PTRACE_SETSIGINFO = 0x4203, PTRACE_GETREGSET = 0x4204, PTRACE_SETREGSET = 0x4205,
  PTRACE_SEIZE = 0x4206, PTRACE_INTERRUPT = 0x4207, PTRACE_LISTEN = 0x4208;
const NT_PRSTATUS = 1, NT_PRFPREG = 2, NT_X86_XSTATE = 0x202;
const PTRACE_O_MASK = 0x3000ff;
const USER_REGS_SIZE = 27 * 8, USER_DEBUGREG = 848, USER_SIZE = 928;

// struct user_regs_struct, field by field: a core GPR number, or a named slot.
const REG_ORDER: (number | string)[] = [15, 14, 13, 12, 5, 3, 11, 10, 9, 8, 0, 1, 2, 6, 7, 'orig_rax', 'rip', 'cs', 'eflags', 4, 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs'];

function getReg(t: Task, i: number): bigint {
  const dv = savedView(t), r = REG_ORDER[i];
  if (typeof r === 'number') return dv.getBigUint64(regOff(L.S_GPR + r * 8), true);
  switch (r) {
    case 'orig_rax': return t.ptrace?.inSyscall || t.ptraceStop?.kind === 'syscall' ? BigInt.asUintN(64, t.ptrace!.origRax) : 0xffffffffffffffffn;
    case 'rip': return dv.getBigUint64(regOff(L.S_RIP), true);
    case 'eflags': return dv.getBigUint64(regOff(L.S_RFLAGS), true);
    case 'cs': return 0x33n;
    case 'ss': return 0x2bn;
    case 'fs_base': return dv.getBigUint64(regOff(L.S_FS_BASE), true);
    case 'gs_base': return dv.getBigUint64(regOff(L.S_GS_BASE), true);
    default: return 0n;
  }
}
function setReg(t: Task, i: number, v: bigint): void {
  const dv = savedView(t), r = REG_ORDER[i];
  if (typeof r === 'number') { dv.setBigUint64(regOff(L.S_GPR + r * 8), v, true); return; }
  switch (r) {
    case 'orig_rax': if (t.ptrace) t.ptrace.origRax = v; return;
    case 'rip': dv.setBigUint64(regOff(L.S_RIP), v, true); return;
    // the flags a user may change (CF PF AF ZF SF TF DF OF, AC), IF and bit 1 set
    case 'eflags': dv.setBigUint64(regOff(L.S_RFLAGS), (v & 0x44dd5n) | 0x202n, true); return; // (loadState drops lazy flags)
    case 'fs_base': dv.setBigUint64(regOff(L.S_FS_BASE), v, true); return;
    case 'gs_base': dv.setBigUint64(regOff(L.S_GS_BASE), v, true); return;
  }
}
function regsBytes(t: Task): Uint8Array {
  const b = new Uint8Array(USER_REGS_SIZE);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < REG_ORDER.length; i++) dv.setBigUint64(i * 8, getReg(t, i), true);
  return b;
}
function setRegsBytes(t: Task, b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset);
  for (let i = 0; i < REG_ORDER.length && (i + 1) * 8 <= b.length; i++) {
    if (REG_ORDER[i] === 'cs' || REG_ORDER[i] === 'ss' || typeof REG_ORDER[i] === 'string' && ['ds', 'es', 'fs', 'gs'].includes(REG_ORDER[i] as string)) continue;
    setReg(t, i, dv.getBigUint64(i * 8, true));
  }
}
// The FXSAVE image (user_fpregs_struct) of a stopped task, and its XSAVE form with the AVX halves.
function fpBytes(t: Task, xsave: boolean): Uint8Array {
  const s = t.regs, dv = savedView(t);
  const u32 = (f: number) => dv.getUint32(regOff(f), true);
  const fx = new Uint8Array(xsave ? 832 : 512);
  const fdv = new DataView(fx.buffer);
  const top = u32(L.S_FPU_TOP);
  fdv.setUint16(0, u32(L.S_FPU_CW), true);
  fdv.setUint16(2, (u32(L.S_FPU_SW) & ~0x3800) | (top << 11), true);
  let abridged = 0;
  for (let i = 0; i < 8; i++) if (!((u32(L.S_FPU_TAG) >> i) & 1)) abridged |= 1 << i;
  fx[4] = abridged;
  fdv.setUint32(24, u32(L.S_MXCSR), true);
  fdv.setUint32(28, 0xffff, true);
  for (let i = 0; i < 8; i++) { const o = regOff(L.S_FPU_ST) + ((top + i) & 7) * 16; fx.set(s.subarray(o, o + 10), 32 + i * 16); }
  for (let i = 0; i < 16; i++) { const o = regOff(L.S_XMM) + i * 32; fx.set(s.subarray(o, o + 16), 160 + i * 16); }
  if (xsave) {
    fdv.setBigUint64(512, 7n, true); // xstate_bv: x87, SSE, AVX
    for (let i = 0; i < 16; i++) { const o = regOff(L.S_XMM) + i * 32 + 16; fx.set(s.subarray(o, o + 16), 576 + i * 16); }
  }
  return fx;
}
function setFpBytes(t: Task, fx: Uint8Array): void {
  const s = t.regs, dv = savedView(t), fdv = new DataView(fx.buffer, fx.byteOffset);
  const top = (fdv.getUint16(2, true) >> 11) & 7;
  dv.setUint32(regOff(L.S_FPU_CW), fdv.getUint16(0, true), true);
  dv.setUint32(regOff(L.S_FPU_SW), fdv.getUint16(2, true) & ~0x3800, true);
  dv.setUint32(regOff(L.S_FPU_TOP), top, true);
  let tag = 0;
  for (let i = 0; i < 8; i++) if (!((fx[4] >> i) & 1)) tag |= 1 << i;
  dv.setUint32(regOff(L.S_FPU_TAG), tag, true);
  dv.setUint32(regOff(L.S_MXCSR), fdv.getUint32(24, true), true);
  for (let i = 0; i < 8; i++) { const o = regOff(L.S_FPU_ST) + ((top + i) & 7) * 16; s.set(fx.subarray(32 + i * 16, 42 + i * 16), o); }
  for (let i = 0; i < 16; i++) s.set(fx.subarray(160 + i * 16, 176 + i * 16), regOff(L.S_XMM) + i * 32);
  if (fx.length >= 832) for (let i = 0; i < 16; i++) s.set(fx.subarray(576 + i * 16, 592 + i * 16), regOff(L.S_XMM) + i * 32 + 16);
}

const word = (v: bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true); return b; };

// ptrace(2)
const sysPtrace: Handler = (t, a, k) => {
  const req = a.i(0), pid = a.i(1), addr = a.u(2), data = a.u(3);
  if (req === PTRACE_TRACEME) {
    const parent = t.proc.parent;
    if (t.ptrace || !parent) return -EPERM;
    t.ptrace = newState(parent, 0, false);
    return 0;
  }
  const target = k.tasks.find((x) => x.tid === pid);
  if (req === PTRACE_ATTACH || req === PTRACE_SEIZE) {
    if (!target) return -ESRCH;
    if (target.proc === t.proc || target.ptrace) return -EPERM;
    if (!mayInspect(t.proc, target.proc)) return -EPERM;
    if (req === PTRACE_SEIZE && (a.u(2) !== 0 || data & ~PTRACE_O_MASK)) return -EIO;
    target.ptrace = newState(t.proc, req === PTRACE_SEIZE ? data : 0, req === PTRACE_SEIZE);
    if (req === PTRACE_ATTACH) k.signalTask(target, { signo: SIGSTOP, code: 0, pid: t.proc.pid, uid: t.proc.creds.uid });
    return 0;
  }
  if (!target || target.ptrace?.tracer !== t.proc) return -ESRCH;
  if (req === PTRACE_KILL) { k.signalTask(target, { signo: SIGKILL, code: 0 }); return 0; }
  if (req === PTRACE_INTERRUPT) {
    if (!target.ptrace.seized) return -EIO;
    if (!target.ptraceStop) {
      if (target.state.kind === 'blocked') k.wakeTracee(target);
      stopLater(k, target);
    }
    return 0;
  }
  const s = target.ptraceStop;
  if (!s) return -ESRCH; // requests other than these need the tracee stopped
  switch (req) {
    case PTRACE_PEEKTEXT: case PTRACE_PEEKDATA: {
      const b = target.proc.mm.read(addr, 8);
      if (!b) return -EIO;
      return t.proc.mm.write(data, b) ? 0 : -EFAULT;
    }
    case PTRACE_POKETEXT: case PTRACE_POKEDATA: {
      // a breakpoint in read-only text: written through, as Linux does for its tracer
      return target.proc.mm.poke(addr, word(BigInt(data))) ? 0 : -EIO;
    }
    case PTRACE_PEEKUSER: {
      if (addr % 8 || addr >= USER_SIZE) return -EIO;
      const v = addr < USER_REGS_SIZE ? getReg(target, addr / 8) : 0n; // debug registers read 0
      return t.proc.mm.write(data, word(v)) ? 0 : -EFAULT;
    }
    case PTRACE_POKEUSER: {
      if (addr % 8 || addr >= USER_SIZE) return -EIO;
      if (addr < USER_REGS_SIZE) { setReg(target, addr / 8, BigInt(data)); return 0; }
      // no hardware breakpoints: the debug registers take only zero
      return addr >= USER_DEBUGREG && data === 0 ? 0 : -EIO;
    }
    case PTRACE_GETREGS: return t.proc.mm.write(data, regsBytes(target)) ? 0 : -EFAULT;
    case PTRACE_SETREGS: {
      const b = t.proc.mm.read(data, USER_REGS_SIZE);
      if (!b) return -EFAULT;
      setRegsBytes(target, b);
      return 0;
    }
    case PTRACE_GETFPREGS: return t.proc.mm.write(data, fpBytes(target, false)) ? 0 : -EFAULT;
    case PTRACE_SETFPREGS: {
      const b = t.proc.mm.read(data, 512);
      if (!b) return -EFAULT;
      setFpBytes(target, b);
      return 0;
    }
    case PTRACE_GETREGSET: case PTRACE_SETREGSET: {
      const iov = t.proc.mm.read(data, 16);
      if (!iov) return -EFAULT;
      const idv = new DataView(iov.buffer);
      const base = Number(idv.getBigUint64(0, true)), len = Number(idv.getBigUint64(8, true));
      const image = addr === NT_PRSTATUS ? regsBytes(target) : addr === NT_PRFPREG ? fpBytes(target, false) : addr === NT_X86_XSTATE ? fpBytes(target, true) : undefined;
      if (!image) return -EINVAL;
      const n = Math.min(len, image.length);
      if (req === PTRACE_GETREGSET) {
        if (!t.proc.mm.write(base, image.subarray(0, n))) return -EFAULT;
      } else {
        const b = t.proc.mm.read(base, n);
        if (!b) return -EFAULT;
        const full = image.slice();
        full.set(b);
        if (addr === NT_PRSTATUS) setRegsBytes(target, full); else setFpBytes(target, full);
      }
      idv.setBigUint64(8, BigInt(n), true);
      return t.proc.mm.write(data + 8, iov.subarray(8, 16)) ? 0 : -EFAULT;
    }
    case PTRACE_SETOPTIONS:
      if (data & ~PTRACE_O_MASK) return -EINVAL;
      target.ptrace.options = data;
      return 0;
    case PTRACE_GETEVENTMSG: return t.proc.mm.write(data, word(BigInt(target.ptrace.eventMsg))) ? 0 : -EFAULT;
    case PTRACE_GETSIGINFO: return t.proc.mm.write(data, siginfoBytes(stopSiginfo(target))) ? 0 : -EFAULT;
    case PTRACE_SETSIGINFO: {
      const b = t.proc.mm.read(data, 128);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer);
      if (s.kind === 'signal' && s.info) s.info = { ...s.info, signo: dv.getInt32(0, true), errno: dv.getInt32(4, true), code: dv.getInt32(8, true) };
      return 0;
    }
    case PTRACE_CONT: case PTRACE_SYSCALL: case PTRACE_SINGLESTEP: case PTRACE_DETACH: case PTRACE_LISTEN: {
      if (data > 64) return -EIO;
      if (req === PTRACE_LISTEN) return target.ptrace.seized && s.kind === 'event' && s.event === PTRACE_EVENT_STOP ? 0 : -EIO;
      resume(k, target, req === PTRACE_SYSCALL ? 'syscall' : req === PTRACE_SINGLESTEP ? 'step' : req === PTRACE_DETACH ? 'detach' : 'cont', data);
      return 0;
    }
  }
  return -EIO;
};

function newState(tracer: Task['proc'], options: number, seized: boolean): NonNullable<Task['ptrace']> {
  return { tracer, options, seized, step: false, syscalls: false, inSyscall: false, exitStop: false, origRax: 0n, eventMsg: 0 };
}
// PTRACE_INTERRUPT: the tracee stops (PTRACE_EVENT_STOP) as soon as the kernel has it in hand.
function stopLater(k: Kernel, t: Task): void {
  stop(k, t, { kind: 'event', signo: SIGTRAP, event: PTRACE_EVENT_STOP });
}

// Copy between the caller's iovecs and another process's: bytes moved up to the first fault
// (EFAULT when none moved). write: into the other process.
function processVm(t: Task, a: Parameters<Handler>[1], k: Kernel, write: boolean): number {
  if (a.u(5) !== 0) return -EINVAL;
  const local = readIovecs(t, a.u(1), a.i(2));
  if (typeof local === 'number') return local;
  const remote = readIovecs(t, a.u(3), a.i(4));
  if (typeof remote === 'number') return remote;
  const p = k.processes.get(a.i(0)) ?? k.tasks.find((x) => x.tid === a.i(0))?.proc;
  if (!p || !p.alive) return -ESRCH;
  if (!mayInspect(t.proc, p)) return -EPERM;
  const src = write ? t.proc.mm : p.mm, dst = write ? p.mm : t.proc.mm;
  const from = write ? local : remote, to = write ? remote : local;
  // walk both lists in step, a page-bounded piece at a time
  const pieces = (list: Iov[]) => list.filter((v) => v.len > 0);
  const f = pieces(from), d = pieces(to);
  let done = 0, fi = 0, fo = 0, li = 0, lo = 0;
  while (fi < f.length && li < d.length) {
    const s = f[fi].base + fo, dd = d[li].base + lo;
    const n = Math.min(f[fi].len - fo, d[li].len - lo, 4096 - (s % 4096), 4096 - (dd % 4096));
    const bytes = src.read(s, n);
    if (!bytes || !dst.write(dd, bytes)) return done || -EFAULT;
    done += n;
    fo += n; lo += n;
    if (fo === f[fi].len) { fi++; fo = 0; }
    if (lo === d[li].len) { li++; lo = 0; }
  }
  return done;
}
const sysProcessVmReadv: Handler = (t, a, k) => processVm(t, a, k, false);
const sysProcessVmWritev: Handler = (t, a, k) => processVm(t, a, k, true);

export const ptraceSyscalls: SyscallDef[] = [
  { nr: 101, name: 'ptrace', handler: sysPtrace, args: ['int', 'int', 'ptr', 'ptr'], status: 'partial', note: 'no hardware breakpoints or watchpoints (debug registers read 0), no PTRACE_GET_SYSCALL_INFO (EIO), no PTRACE_EVENT_EXIT stop; a group stop of a tracee is its signal stop' },
  { nr: 310, name: 'process_vm_readv', handler: sysProcessVmReadv, args: ['int', 'ptr', 'uint', 'ptr', 'uint', 'hex'], status: 'implemented' },
  { nr: 311, name: 'process_vm_writev', handler: sysProcessVmWritev, args: ['int', 'ptr', 'uint', 'ptr', 'uint', 'hex'], status: 'implemented' },
];
