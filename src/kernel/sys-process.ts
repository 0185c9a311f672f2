// Process and system-information syscalls: exit, ids, arch_prctl, execve, wait4, rlimits, uname, sysinfo, …
import { execDone, exitEvent } from './ptrace.js';
import { capPrctl, capsAfterExec } from './sys-cred.js';
import type { SyscallDef, Handler } from './syscall.js';
import { NO_RESULT } from './syscall.js';
import { EINVAL, EFAULT, ENOSYS, EPERM, ESRCH, E2BIG, EBADF, ENOENT } from '../base/errno.js';
import { argMax, MAX_ARG_STRLEN } from '../elf/stack.js';
import { execve } from './exec.js';
import { pathFromBytes } from '../fs/vfs.js';
import type { Process, Task } from './task.js';
import { Epoll } from '../fs/epoll.js';
import type { Kernel } from './kernel.js';

const ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004,
  ARCH_GET_CPUID = 0x1011, ARCH_SET_CPUID = 0x1012;
const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;
const RLIMIT_STACK = 3, RLIMIT_NOFILE = 7, RLIMIT_AS = 9, RLIMIT_CORE = 4, RLIMIT_NPROC = 6, RLIM_NLIMITS = 16;

const u64s = (...v: (number | bigint)[]) => {
  const b = new Uint8Array(v.length * 8);
  const dv = new DataView(b.buffer);
  v.forEach((x, i) => dv.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(x)), true));
  return b;
};

const sysExit: Handler = (t, a, k) => {
  if (exitEvent(k, t, (a.i(0) & 0xff) << 8)) return NO_RESULT;
  k.exitThread(t, a.i(0));
  return NO_RESULT;
};
const sysExitGroup: Handler = (t, a, k) => {
  if (exitEvent(k, t, (a.i(0) & 0xff) << 8)) return NO_RESULT;
  k.exitProcess(t.proc, (a.i(0) & 0xff) << 8);
  return NO_RESULT;
};
const sysGetpid: Handler = (t) => t.proc.pid;
const sysGetppid: Handler = (t) => t.proc.ppid;
const sysGettid: Handler = (t) => t.tid;
const sysGetuid: Handler = (t) => t.proc.creds.uid;
const sysGeteuid: Handler = (t) => t.proc.creds.euid;
const sysGetgid: Handler = (t) => t.proc.creds.gid;
const sysGetegid: Handler = (t) => t.proc.creds.egid;
const sysGetpgrp: Handler = (t) => t.proc.pgid;
const sysGetpgid: Handler = (t, a, k) => { const pid = a.i(0); const p = pid ? k.processes.get(pid) : t.proc; return p ? p.pgid : -ESRCH; };
const sysGetsid: Handler = (t, a, k) => { const pid = a.i(0); const p = pid ? k.processes.get(pid) : t.proc; return p ? p.sid : -ESRCH; };
const sysSetpgid: Handler = (t, a, k) => {
  const pid = a.i(0) || t.proc.pid, pgid = a.i(1) || pid;
  if (pgid < 0) return -EINVAL;
  const p = k.processes.get(pid);
  if (!p) return -ESRCH;
  p.pgid = pgid;
  return 0;
};
const sysSetsid: Handler = (t, a, k) => {
  // EPERM for a process group leader (a session leader is one), as Linux: any group with our pid as its id
  for (const p of k.processes.values()) if (p.pgid === t.proc.pid) return -EPERM;
  t.proc.sid = t.proc.pgid = t.proc.pid;
  return t.proc.pid;
};
const sysGetgroups: Handler = (t, a) => {
  const n = a.i(0), groups = t.proc.creds.groups;
  if (n < 0) return -EINVAL;
  if (n === 0) return groups.length;
  if (n < groups.length) return -EINVAL;
  const b = new Uint8Array(groups.length * 4);
  groups.forEach((g, i) => new DataView(b.buffer).setUint32(i * 4, g, true));
  return t.proc.mm.write(a.u(1), b) ? groups.length : -EFAULT;
};
function writeIds(t: Task, addrs: number[], ids: number[]): number {
  for (let i = 0; i < 3; i++) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, ids[i], true);
    if (!t.proc.mm.write(addrs[i], b)) return -EFAULT;
  }
  return 0;
}
const sysGetresuid: Handler = (t, a) => writeIds(t, [a.u(0), a.u(1), a.u(2)], [t.proc.creds.uid, t.proc.creds.euid, t.proc.creds.suid]);
const sysGetresgid: Handler = (t, a) => writeIds(t, [a.u(0), a.u(1), a.u(2)], [t.proc.creds.gid, t.proc.creds.egid, t.proc.creds.sgid]);

const sysSetTidAddress: Handler = (t, a) => { t.clearChildTid = a.u(0); return t.tid; };
const sysRseq: Handler = () => -ENOSYS;

const sysArchPrctl: Handler = (t, a, k) => {
  const code = a.i(0), addr = a.u(1);
  switch (code) {
    case ARCH_SET_FS: if (addr >= 0x8000_0000_0000) return -EPERM; k.core.fsBase = addr; return 0;
    case ARCH_SET_GS: if (addr >= 0x8000_0000_0000) return -EPERM; k.core.gsBase = addr; return 0;
    case ARCH_GET_FS: return t.proc.mm.write(addr, u64s(k.core.fsBase)) ? 0 : -EFAULT;
    case ARCH_GET_GS: return t.proc.mm.write(addr, u64s(k.core.gsBase)) ? 0 : -EFAULT;
    case ARCH_GET_CPUID: return 1;
    case ARCH_SET_CPUID: return -EINVAL;
    default: return -EINVAL; // incl. the CET requests (0x3001…): no CET here, as on Linux without it
  }
};

// argv or envp, counted against `room` (ARG_MAX: the strings and their pointers) as they are read:
// more is E2BIG before the host copies it.
function readPtrArray(t: Task, addr: number, room: { bytes: number }): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  if (!addr) return out;
  for (let i = 0; ; i++) {
    const b = t.proc.mm.read(addr + i * 8, 8);
    if (!b) return -EFAULT;
    const p = Number(new DataView(b.buffer).getBigUint64(0, true));
    if (!p) return out;
    const s = t.proc.mm.readCString(p, MAX_ARG_STRLEN);
    // no NUL in MAX_ARG_STRLEN readable bytes: too long; else unreadable
    if (!s) return t.proc.mm.read(p, MAX_ARG_STRLEN) ? -E2BIG : -EFAULT;
    room.bytes -= s.length + 1 + 8;
    if (room.bytes < 0) return -E2BIG;
    out.push(s);
  }
}
const argRoom = (t: Task) => ({ bytes: argMax(t.proc.limit(3 /* RLIMIT_STACK */)[0]) });
// execveat(2): a path relative to dirfd, or (AT_EMPTY_PATH) the file dirfd refers to.
const AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW_ = 0x100;
const sysExecveat: Handler = (t, a, k) => {
  const dirfd = a.i(0), flags = a.i(4);
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW_)) return -EINVAL;
  const raw = t.proc.mm.readCString(a.u(1));
  if (!raw) return -EFAULT;
  const path = pathFromBytes(raw);
  if (path === '' && !(flags & AT_EMPTY_PATH)) return -ENOENT;
  const room = argRoom(t);
  const argv = readPtrArray(t, a.u(2), room);
  if (typeof argv === 'number') return argv;
  const envp = readPtrArray(t, a.u(3), room);
  if (typeof envp === 'number') return envp;
  const r = execve(k, t, path, atLeastOne(argv), envp, 0, undefined, path, { dirfd, flags });
  if (r >= 0) { capsAfterExec(t.proc.creds); execDone(k, t, t.tid); }
  return r < 0 ? r : NO_RESULT;
};
// An empty argv becomes one empty argument, as Linux 6.x does (programs assume argv[0]).
function atLeastOne(argv: Uint8Array[]): Uint8Array[] { return argv.length ? argv : [new Uint8Array(0)]; }
const sysExecve: Handler = (t, a, k) => {
  const path = t.proc.mm.readCString(a.u(0));
  if (!path) return -EFAULT;
  const room = argRoom(t);
  const argv = readPtrArray(t, a.u(1), room);
  if (typeof argv === 'number') return argv;
  const envp = readPtrArray(t, a.u(2), room);
  if (typeof envp === 'number') return envp;
  const r = execve(k, t, pathFromBytes(path), atLeastOne(argv), envp);
  if (r >= 0) { capsAfterExec(t.proc.creds); execDone(k, t, t.tid); }
  return r < 0 ? r : NO_RESULT;
};

function rlimitOf(t: Task, res: number): [bigint, bigint] { return t.proc.limit(res); }
function prlimit(k: Kernel, t: Task, res: number, newAddr: number, oldAddr: number): number {
  if (res < 0 || res >= RLIM_NLIMITS) return -EINVAL;
  const cur = rlimitOf(t, res);
  let next: [bigint, bigint] | undefined;
  if (newAddr) {
    const b = t.proc.mm.read(newAddr, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    next = [dv.getBigUint64(0, true), dv.getBigUint64(8, true)];
    if (next[0] > next[1]) return -EINVAL;
    if (next[1] > cur[1] && t.proc.creds.euid !== 0) return -EPERM;
    if (res === RLIMIT_NOFILE && next[1] > BigInt(k.sysctl.values.nrOpen)) return -EPERM; // fs.nr_open
  }
  if (oldAddr && !t.proc.mm.write(oldAddr, u64s(cur[0], cur[1]))) return -EFAULT;
  if (next) {
    t.proc.rlimits.set(res, next);
    if (res === RLIMIT_AS) t.proc.mm.asLimit = next[0] === RLIM_INFINITY ? Infinity : Number(next[0]);
    if (res === RLIMIT_NOFILE) t.proc.files.limit = Number(next[0] > 1048576n ? 1048576n : next[0]);
  }
  return 0;
}
const sysPrlimit64: Handler = (t, a, k) => {
  const pid = a.i(0);
  const target = pid === 0 ? t : k.processes.get(pid)?.threads[0];
  if (!target) return -ESRCH;
  return prlimit(k, target, a.i(1), a.u(2), a.u(3));
};
const sysGetrlimit: Handler = (t, a, k) => prlimit(k, t, a.i(0), 0, a.u(1));
const sysSetrlimit: Handler = (t, a, k) => prlimit(k, t, a.i(0), a.u(1), 0);

const sysUname: Handler = (t, a, k) => {
  const uts = t.proc.uts ?? k.uts;
  const fields = ['Linux', uts.hostname, '6.1.0-xos', '#1 SMP PREEMPT_DYNAMIC xos', 'x86_64', uts.domainname];
  const b = new Uint8Array(65 * 6);
  const enc = new TextEncoder();
  fields.forEach((f, i) => b.set(enc.encode(f).subarray(0, 64), i * 65));
  return t.proc.mm.write(a.u(0), b) ? 0 : -EFAULT;
};
// sethostname(2), setdomainname(2): the names of the caller's UTS namespace (root only; at most 64 bytes).
function setUtsName(which: 'hostname' | 'domainname'): Handler {
  return (t, a, k) => {
    const len = a.i(1);
    if (len < 0 || len > 64) return -EINVAL;
    if (t.proc.creds.euid !== 0) return -EPERM;
    const b = t.proc.mm.read(a.u(0), len);
    if (!b) return -EFAULT;
    const uts = t.proc.uts ?? k.uts;
    uts[which] = String.fromCharCode(...b.subarray(0, b.indexOf(0) >= 0 ? b.indexOf(0) : len));
    return 0;
  };
}
const sysSysinfo: Handler = (t, a, k) => {
  const b = new Uint8Array(112);
  const dv = new DataView(b.buffer);
  const m = k.memoryInfo();
  dv.setBigUint64(0, k.host.monotonicNs() / 1_000_000_000n, true);
  dv.setBigUint64(32, BigInt(m.total), true);
  dv.setBigUint64(40, BigInt(Math.max(0, m.total - m.used)), true);
  dv.setBigUint64(48, BigInt(m.shmem), true);
  dv.setUint16(80, k.tasks.length, true);
  dv.setUint32(104, 1, true);
  return t.proc.mm.write(a.u(0), b) ? 0 : -EFAULT;
};
const sysSchedYield: Handler = (t, a, k) => { k.endSlice = true; return 0; };
const sysGetcpu: Handler = (t, a) => {
  const zero = new Uint8Array(4);
  if (a.u(0) && !t.proc.mm.write(a.u(0), zero)) return -EFAULT;
  if (a.u(1) && !t.proc.mm.write(a.u(1), zero)) return -EFAULT;
  return 0;
};
const sysGetrandom: Handler = (t, a, k) => {
  const len = Math.min(a.u(1), 33554431);
  if (a.i(2) & ~7) return -EINVAL;
  const b = new Uint8Array(len);
  k.host.random(b);
  return t.proc.mm.write(a.u(0), b) ? len : -EFAULT;
};
const PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4;
const sysPrctl: Handler = (t, a) => {
  const op = a.i(0);
  switch (op) {
    case PR_SET_NAME: {
      // 16 bytes are copied, the name is cut to 15 (TASK_COMM_LEN)
      const b = t.proc.mm.read(a.u(1), 16) ?? t.proc.mm.readCString(a.u(1), 16);
      if (!b) return -EFAULT;
      const end = b.indexOf(0);
      t.comm = b.slice(0, Math.min(end < 0 ? 15 : end, 15));
      return 0;
    }
    case PR_GET_NAME: { const b = new Uint8Array(16); b.set(t.comm.subarray(0, 15)); return t.proc.mm.write(a.u(1), b) ? 0 : -EFAULT; }
    case PR_SET_PDEATHSIG: {
      const sig = a.u(1);
      if (sig > 64) return -EINVAL;
      t.pdeathsig = sig;
      return 0;
    }
    case PR_GET_PDEATHSIG: {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, t.pdeathsig, true);
      return t.proc.mm.write(a.u(1), b) ? 0 : -EFAULT;
    }
    case PR_SET_DUMPABLE: return 0;
    case PR_GET_DUMPABLE: return 1;
    default: return capPrctl(t, op, a.i(1), a.i(2), a.i(3), a.i(4)) ?? -EINVAL;
  }
};
// kcmp(2): do two processes share a resource? 0 when they do; 1 or 2 order two different ones
// (consistently, by when the kernel first compared them), as Linux orders its pointers.
const KCMP_FILE = 0, KCMP_VM = 1, KCMP_FILES = 2, KCMP_FS = 3, KCMP_SIGHAND = 4, KCMP_IO = 5, KCMP_SYSVSEM = 6, KCMP_EPOLL_TFD = 7;
const sysKcmp: Handler = (t, a, k) => {
  const type = a.i(2);
  const t1 = k.tasks.find((x) => x.tid === a.i(0)) ?? k.processes.get(a.i(0))?.threads[0];
  const t2 = k.tasks.find((x) => x.tid === a.i(1)) ?? k.processes.get(a.i(1))?.threads[0];
  if (!t1 || !t2) return -ESRCH;
  if (!mayInspect(t.proc, t1.proc) || !mayInspect(t.proc, t2.proc)) return -EPERM;
  let o1: object | undefined, o2: object | undefined;
  switch (type) {
    case KCMP_FILE:
      o1 = t1.proc.files.get(a.i(3)); o2 = t2.proc.files.get(a.i(4));
      if (!o1 || !o2) return -EBADF;
      break;
    case KCMP_VM: o1 = t1.proc.mm; o2 = t2.proc.mm; break;
    case KCMP_FILES: o1 = t1.proc.files; o2 = t2.proc.files; break;
    case KCMP_FS: o1 = t1.proc.fs; o2 = t2.proc.fs; break;
    case KCMP_SIGHAND: o1 = t1.proc.sigactions; o2 = t2.proc.sigactions; break;
    case KCMP_IO: case KCMP_SYSVSEM: o1 = t1.proc; o2 = t2.proc; break;
    case KCMP_EPOLL_TFD: {
      o1 = t1.proc.files.get(a.i(3));
      const slot = t.proc.mm.read(a.u(4), 12);
      if (!slot) return -EFAULT;
      const dv = new DataView(slot.buffer);
      const ep = t2.proc.files.get(dv.getInt32(0, true));
      if (!o1 || !ep) return -EBADF;
      if (!(ep instanceof Epoll)) return -EINVAL;
      o2 = ep.target(dv.getInt32(4, true), dv.getUint32(8, true));
      if (!o2) return -ENOENT;
      break;
    }
    default: return -EINVAL;
  }
  if (o1 === o2) return 0;
  const id = (o: object) => { let n = k.objectIds.get(o); if (n === undefined) k.objectIds.set(o, (n = ++k.objectCount)); return n; };
  return id(o1!) < id(o2!) ? 1 : 2;
};
// PTRACE_MODE_READ with real credentials: root, or a caller whose real uid and gid are the target's.
export function mayInspect(caller: Process, target: Process): boolean {
  const c = caller.creds, x = target.creds;
  if (c.euid === 0 || caller === target) return true;
  return [x.uid, x.euid, x.suid].every((u) => u === c.uid) && [x.gid, x.egid, x.sgid].every((g) => g === c.gid);
}

// membarrier(2): every task runs on the one CPU of this machine, so each barrier already holds.
const MEMBARRIER_CMD_QUERY = 0;
const MEMBARRIER_SUPPORTED = 1 | 8 | 16 | 32 | 64; // GLOBAL, PRIVATE_EXPEDITED (+REGISTER), PRIVATE_EXPEDITED_SYNC_CORE (+REGISTER)
const sysMembarrier: Handler = (t, a) => {
  const cmd = a.i(0);
  if (cmd === MEMBARRIER_CMD_QUERY) return MEMBARRIER_SUPPORTED;
  return cmd & MEMBARRIER_SUPPORTED && (cmd & (cmd - 1)) === 0 ? 0 : -EINVAL;
};
// personality(2): PER_LINUX with the flags a program sets (gdb's ADDR_NO_RANDOMIZE reads back;
// this machine does not randomize anyway); 0xffffffff only asks. Other execution domains: EINVAL.
const sysPersonality: Handler = (t, a) => {
  const old = t.proc.personality, want = a.u32(0);
  if (want === 0xffffffff) return old;
  if ((want & 0xff) !== 0) return -EINVAL;
  t.proc.personality = want;
  return old;
};

export const processSyscalls: SyscallDef[] = [
  { nr: 60, name: 'exit', handler: sysExit, args: ['int'], status: 'implemented' },
  { nr: 231, name: 'exit_group', handler: sysExitGroup, args: ['int'], status: 'implemented' },
  { nr: 39, name: 'getpid', handler: sysGetpid, args: [], status: 'implemented' },
  { nr: 110, name: 'getppid', handler: sysGetppid, args: [], status: 'implemented' },
  { nr: 186, name: 'gettid', handler: sysGettid, args: [], status: 'implemented' },
  { nr: 102, name: 'getuid', handler: sysGetuid, args: [], status: 'implemented' },
  { nr: 107, name: 'geteuid', handler: sysGeteuid, args: [], status: 'implemented' },
  { nr: 104, name: 'getgid', handler: sysGetgid, args: [], status: 'implemented' },
  { nr: 108, name: 'getegid', handler: sysGetegid, args: [], status: 'implemented' },
  { nr: 115, name: 'getgroups', handler: sysGetgroups, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 118, name: 'getresuid', handler: sysGetresuid, args: ['ptr', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 120, name: 'getresgid', handler: sysGetresgid, args: ['ptr', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 111, name: 'getpgrp', handler: sysGetpgrp, args: [], status: 'implemented' },
  { nr: 121, name: 'getpgid', handler: sysGetpgid, args: ['int'], status: 'implemented' },
  { nr: 124, name: 'getsid', handler: sysGetsid, args: ['int'], status: 'implemented' },
  { nr: 109, name: 'setpgid', handler: sysSetpgid, args: ['int', 'int'], status: 'partial', note: 'no session checks' },
  { nr: 112, name: 'setsid', handler: sysSetsid, args: [], status: 'implemented' },
  { nr: 218, name: 'set_tid_address', handler: sysSetTidAddress, args: ['ptr'], status: 'implemented' },
  { nr: 334, name: 'rseq', handler: sysRseq, args: ['ptr', 'uint', 'int', 'hex'], status: 'implemented', note: 'ENOSYS: restartable sequences are not offered (libc falls back)' },
  { nr: 158, name: 'arch_prctl', handler: sysArchPrctl, args: ['hex', 'ptr'], status: 'implemented' },
  { nr: 322, name: 'execveat', handler: sysExecveat, args: ['dirfd', 'path', 'ptr', 'ptr', 'hex'], status: 'partial', note: 'AT_EMPTY_PATH runs the file by its path (not an unlinked one)' },
  { nr: 59, name: 'execve', handler: sysExecve, args: ['path', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 302, name: 'prlimit64', handler: sysPrlimit64, args: ['int', 'int', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 97, name: 'getrlimit', handler: sysGetrlimit, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 160, name: 'setrlimit', handler: sysSetrlimit, args: ['int', 'ptr'], status: 'implemented' },
  { nr: 63, name: 'uname', handler: sysUname, args: ['ptr'], status: 'implemented' },
  { nr: 170, name: 'sethostname', handler: setUtsName('hostname'), args: ['ibuf', 'size'], status: 'implemented' },
  { nr: 171, name: 'setdomainname', handler: setUtsName('domainname'), args: ['ibuf', 'size'], status: 'implemented' },
  { nr: 99, name: 'sysinfo', handler: sysSysinfo, args: ['ptr'], status: 'implemented' },
  { nr: 24, name: 'sched_yield', handler: sysSchedYield, args: [], status: 'implemented' },
  { nr: 309, name: 'getcpu', handler: sysGetcpu, args: ['ptr', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 318, name: 'getrandom', handler: sysGetrandom, args: ['ptr', 'size', 'hex'], status: 'implemented' },
  { nr: 157, name: 'prctl', handler: sysPrctl, args: ['int', 'hex', 'hex', 'hex', 'hex'], status: 'partial', note: 'PR_SET_NAME, PR_GET_NAME, capabilities (KEEPCAPS, CAPBSET_READ/DROP, CAP_AMBIENT), PR_SET/GET_PDEATHSIG (sent when the parent process ends, not its creating thread); PR_SET_DUMPABLE accepted without effect; others EINVAL' },
  { nr: 312, name: 'kcmp', handler: sysKcmp, args: ['int', 'int', 'int', 'hex', 'hex'], status: 'implemented' },
  { nr: 324, name: 'membarrier', handler: sysMembarrier, args: ['int', 'hex', 'int'], status: 'implemented' },
  { nr: 135, name: 'personality', handler: sysPersonality, args: ['hex'], status: 'partial', note: 'PER_LINUX only; its flags are kept and read back, without effect' },
];
