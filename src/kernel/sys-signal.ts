// Signal syscalls: rt_sigaction, rt_sigprocmask, rt_sigreturn, sigaltstack, kill, tgkill, tkill, rt_sigpending.
import type { SyscallDef, Handler } from './syscall.js';
import { NO_RESULT } from './syscall.js';
import { EINVAL, EFAULT, ESRCH, EPERM, ENOMEM, EINTR, EAGAIN } from '../base/errno.js';
import { NSIG, Task, type Process } from './task.js';
import type { Kernel } from './kernel.js';
import { Blocked, resumed } from '../base/wait.js';
import { siginfoBytes, sigreturn, sigbit, SIGCONT, SIGKILL, SIGSTOP, SI_USER, SI_TKILL, SIGSEGV, SS_DISABLE, SS_ONSTACK } from './signal.js';

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);

// rt_sigaction(2)
const sysRtSigaction: Handler = (t, a) => {
  const sig = a.i(0), act = a.u(1), oact = a.u(2), size = a.u(3);
  if (size !== 8 || sig < 1 || sig > NSIG) return -EINVAL;
  const cur = t.proc.sigactions[sig];
  let next;
  if (act) {
    if (sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
    const b = t.proc.mm.read(act, 32);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    next = { handler: Number(dv.getBigUint64(0, true)), flags: Number(dv.getBigUint64(8, true) & 0xffffffffn), restorer: Number(dv.getBigUint64(16, true)), mask: dv.getBigUint64(24, true) & ~UNBLOCKABLE };
  }
  if (oact) {
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(cur.handler), true);
    dv.setBigUint64(8, BigInt(cur.flags >>> 0), true);
    dv.setBigUint64(16, BigInt(cur.restorer), true);
    dv.setBigUint64(24, cur.mask, true);
    if (!t.proc.mm.write(oact, b)) return -EFAULT;
  }
  if (next) t.proc.sigactions[sig] = next;
  return 0;
};

// rt_sigprocmask(2)
const sysRtSigprocmask: Handler = (t, a) => {
  const how = a.i(0), set = a.u(1), oset = a.u(2), size = a.u(3);
  if (size !== 8) return -EINVAL;
  const old = t.sigmask;
  if (set) {
    const b = t.proc.mm.read(set, 8);
    if (!b) return -EFAULT;
    const v = new DataView(b.buffer).getBigUint64(0, true);
    if (how === SIG_BLOCK) t.sigmask |= v;
    else if (how === SIG_UNBLOCK) t.sigmask &= ~v;
    else if (how === SIG_SETMASK) t.sigmask = v;
    else return -EINVAL;
    t.sigmask &= ~UNBLOCKABLE;
  }
  if (oset) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, old, true);
    if (!t.proc.mm.write(oset, b)) return -EFAULT;
  }
  return 0;
};

// rt_sigreturn(2)
const sysRtSigreturn: Handler = (t, a, k) => {
  if (!sigreturn(k, t)) {
    k.killProcess(t.proc, SIGSEGV | 0x80);
  }
  return NO_RESULT;
};

// sigaltstack(2)
const sysSigaltstack: Handler = (t, a, k) => {
  const ss = a.u(0), oss = a.u(1);
  const rsp = k.core.regNum(4);
  const on = t.altstack.flags !== SS_DISABLE && rsp > t.altstack.sp && rsp <= t.altstack.sp + t.altstack.size;
  if (oss) {
    const b = new Uint8Array(24);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(t.altstack.sp), true);
    dv.setInt32(8, on ? SS_ONSTACK : t.altstack.flags, true);
    dv.setBigUint64(16, BigInt(t.altstack.size), true);
    if (!t.proc.mm.write(oss, b)) return -EFAULT;
  }
  if (ss) {
    const b = t.proc.mm.read(ss, 24);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    const flags = dv.getInt32(8, true);
    if (on) return -EPERM;
    if (flags & ~(SS_DISABLE | 0x80000000)) return -EINVAL;
    const size = Number(dv.getBigUint64(16, true));
    if (flags & SS_DISABLE) t.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
    else {
      if (size < 2048) return -ENOMEM;
      t.altstack = { sp: Number(dv.getBigUint64(0, true)), size, flags: 0 };
    }
  }
  return 0;
};

function signalTask(k: Kernel, sender: Task, target: Task, sig: number, code: number): number {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (sig === 0) return 0;
  k.signalTask(target, { signo: sig, code, pid: sender.proc.pid, uid: sender.proc.creds.uid });
  return 0;
}
function findProcessTask(k: Kernel, pid: number): Task | undefined {
  return k.processes.get(pid)?.threads[0];
}

// May `sender` signal `target`? Root may; others when their real or effective uid is the target's
// real or saved uid; SIGCONT within a session always.
export function maySignal(sender: Process, target: Process, sig: number): boolean {
  const s = sender.creds, c = target.creds;
  if (s.euid === 0 || sender === target) return true;
  if (sig === SIGCONT && sender.sid === target.sid) return true;
  return s.euid === c.uid || s.euid === c.suid || s.uid === c.uid || s.uid === c.suid;
}

// kill(2): a zombie (ended, not yet collected) exists still and takes the signal without effect.
const sysKill: Handler = (t, a, k) => {
  const pid = a.i(0), sig = a.i(1);
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (pid > 0) {
    const p = k.processes.get(pid);
    if (!p) return -ESRCH;
    if (!maySignal(t.proc, p, sig)) return -EPERM;
    const target = p.threads[0];
    return target ? signalTask(k, t, target, sig, SI_USER) : 0;
  }
  // process groups: every process of the group (0: the caller's, -1: all it may signal but
  // itself and init)
  const pgid = pid === 0 ? t.proc.pgid : -pid;
  let n = 0, denied = 0;
  for (const p of [...k.processes.values()]) {
    if (pid !== -1 && p.pgid !== pgid) continue;
    if (pid === -1 && (p === t.proc || p === k.init)) continue;
    if (!maySignal(t.proc, p, sig)) { denied++; continue; }
    if (p.threads[0]) { signalTask(k, t, p.threads[0], sig, SI_USER); n++; }
  }
  return n ? 0 : denied ? -EPERM : -ESRCH;
};

function findTask(k: Kernel, tid: number): Task | undefined {
  return k.tasks.find((x) => x.tid === tid);
}
// tgkill(2)
const sysTgkill: Handler = (t, a, k) => {
  const tgid = a.i(0), tid = a.i(1), sig = a.i(2);
  if (tgid <= 0 || tid <= 0) return -EINVAL;
  const target = findTask(k, tid);
  if (!target || target.proc.pid !== tgid) return -ESRCH;
  if (!maySignal(t.proc, target.proc, sig)) return -EPERM;
  return signalTask(k, t, target, sig, SI_TKILL);
};
// tkill(2)
const sysTkill: Handler = (t, a, k) => {
  const tid = a.i(0), sig = a.i(1);
  if (tid <= 0) return -EINVAL;
  const target = findTask(k, tid);
  if (!target) return -ESRCH;
  return maySignal(t.proc, target.proc, sig) ? signalTask(k, t, target, sig, SI_TKILL) : -EPERM;
};
// rt_sigpending(2)
const sysRtSigpending: Handler = (t, a) => {
  let set = 0n;
  for (const p of t.pending) set |= sigbit(p.signo);
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, set & t.sigmask, true);
  return t.proc.mm.write(a.u(0), b) ? 0 : -EFAULT;
};

function readSigset(t: Task, addr: number): bigint | number {
  const b = t.proc.mm.read(addr, 8);
  return b ? new DataView(b.buffer).getBigUint64(0, true) : -EFAULT;
}
// rt_sigsuspend(2): wait for a signal with a temporary mask.
const sysRtSigsuspend: Handler = (t, a) => {
  if (a.u(1) !== 8) return -EINVAL;
  const m = readSigset(t, a.u(0));
  if (typeof m === 'number') return m;
  t.savedMask = t.sigmask;
  t.sigmask = m & ~UNBLOCKABLE;
  // a signal already pending and now unblocked ends the wait at once
  if (t.pending.some((p) => (t.sigmask & sigbit(p.signo)) === 0n)) return -EINTR;
  return new Blocked({ kind: 'signal', set: 0n });
};
// pause(2)
const sysPause: Handler = () => new Blocked({ kind: 'signal', set: 0n });

// rt_sigtimedwait(2)
const sysRtSigtimedwait: Handler = (t, a, k) => {
  const setAddr = a.u(0), infoAddr = a.u(1), timeout = a.u(2);
  if (a.u(3) !== 8) return -EINVAL;
  const set = readSigset(t, setAddr);
  if (typeof set === 'number') return set;
  const i = t.pending.findIndex((p) => (set & sigbit(p.signo)) !== 0n);
  if (i >= 0) {
    const info = t.pending.splice(i, 1)[0];
    if (infoAddr && !t.proc.mm.write(infoAddr, siginfoBytes(info))) return -EFAULT;
    return info.signo;
  }
  let until = resumed(t, 'signal')?.until;
  if (until === undefined && timeout) {
    const b = t.proc.mm.read(timeout, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    until = k.host.monotonicNs() + dv.getBigInt64(0, true) * 1_000_000_000n + dv.getBigInt64(8, true);
  }
  if (until !== undefined && k.host.monotonicNs() >= until) return -EAGAIN;
  // the signals in `set` wake the task (they are blocked, so they do not interrupt it)
  return new Blocked({ kind: 'signal', set, until }, [], until === undefined ? undefined : { ns: until });
};

function queueInfo(t: Task, k: Kernel, target: Task, sig: number, addr: number): number {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  const b = t.proc.mm.read(addr, 128);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const code = dv.getInt32(8, true);
  if ((code >= 0 || code === SI_TKILL) && target.proc !== t.proc) return -EPERM;
  if (sig === 0) return 0;
  return k.signalTask(target, { signo: sig, code, pid: dv.getInt32(16, true), uid: dv.getInt32(20, true), value: dv.getBigUint64(24, true) }) ? 0 : -EAGAIN;
}
// rt_sigqueueinfo(2)
const sysRtSigqueueinfo: Handler = (t, a, k) => {
  const target = findProcessTask(k, a.i(0));
  return target ? queueInfo(t, k, target, a.i(1), a.u(2)) : -ESRCH;
};
// rt_tgsigqueueinfo(2)
const sysRtTgsigqueueinfo: Handler = (t, a, k) => {
  const target = findTask(k, a.i(1));
  if (!target || target.proc.pid !== a.i(0)) return -ESRCH;
  return queueInfo(t, k, target, a.i(2), a.u(3));
};

export const signalSyscalls: SyscallDef[] = [
  { nr: 130, name: 'rt_sigsuspend', handler: sysRtSigsuspend, args: ['ptr', 'size'], status: 'implemented', restart: 'never' },
  { nr: 34, name: 'pause', handler: sysPause, args: [], status: 'implemented', restart: 'never' },
  { nr: 128, name: 'rt_sigtimedwait', handler: sysRtSigtimedwait, args: ['ptr', 'ptr', 'ptr', 'size'], status: 'implemented', restart: 'never' },
  { nr: 129, name: 'rt_sigqueueinfo', handler: sysRtSigqueueinfo, args: ['int', 'signal', 'ptr'], status: 'implemented' },
  { nr: 297, name: 'rt_tgsigqueueinfo', handler: sysRtTgsigqueueinfo, args: ['int', 'int', 'signal', 'ptr'], status: 'implemented' },
  { nr: 13, name: 'rt_sigaction', handler: sysRtSigaction, args: ['signal', 'ptr', 'ptr', 'size'], status: 'implemented' },
  { nr: 14, name: 'rt_sigprocmask', handler: sysRtSigprocmask, args: ['int', 'ptr', 'ptr', 'size'], status: 'implemented' },
  { nr: 15, name: 'rt_sigreturn', handler: sysRtSigreturn, args: [], status: 'implemented' },
  { nr: 131, name: 'sigaltstack', handler: sysSigaltstack, args: ['ptr', 'ptr'], status: 'implemented' },
  { nr: 62, name: 'kill', handler: sysKill, args: ['int', 'signal'], status: 'implemented' },
  { nr: 234, name: 'tgkill', handler: sysTgkill, args: ['int', 'int', 'signal'], status: 'implemented' },
  { nr: 200, name: 'tkill', handler: sysTkill, args: ['int', 'signal'], status: 'implemented' },
  { nr: 127, name: 'rt_sigpending', handler: sysRtSigpending, args: ['ptr', 'size'], status: 'implemented' },
];
