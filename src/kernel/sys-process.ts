// Process and system-information syscalls: exit, ids, arch_prctl, execve, wait4, rlimits, uname, sysinfo, …
import type { SyscallDef, Handler } from './syscall.js';
import { NO_RESULT } from './syscall.js';
import { EINVAL, EFAULT, ENOSYS, EPERM, ESRCH, E2BIG, EBADF, ENOENT } from '../base/errno.js';
import { execve } from './exec.js';
import { pathFromBytes } from '../fs/vfs.js';
import type { Task } from './task.js';

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

const sysExit: Handler = (t, a, k) => { k.exitThread(t, a.i(0)); return NO_RESULT; };
const sysExitGroup: Handler = (t, a, k) => { k.exitProcess(t.proc, (a.i(0) & 0xff) << 8); return NO_RESULT; };
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

function readPtrArray(t: Task, addr: number): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  if (!addr) return out;
  for (let i = 0; ; i++) {
    if (i > 0x20000) return -E2BIG;
    const b = t.proc.mm.read(addr + i * 8, 8);
    if (!b) return -EFAULT;
    const p = Number(new DataView(b.buffer).getBigUint64(0, true));
    if (!p) return out;
    const s = t.proc.mm.readCString(p, 131072);
    if (!s) return -EFAULT;
    out.push(s);
  }
}
// execveat(2): a path relative to dirfd, or (AT_EMPTY_PATH) the file dirfd refers to, by its path.
const AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW_ = 0x100, AT_FDCWD_ = -100;
const sysExecveat: Handler = (t, a, k) => {
  const dirfd = a.i(0), flags = a.i(4);
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW_)) return -EINVAL;
  const raw = t.proc.mm.readCString(a.u(1));
  if (!raw) return -EFAULT;
  let path = pathFromBytes(raw);
  if (!path.startsWith('/') && dirfd !== AT_FDCWD_) {
    const f = t.proc.files.get(dirfd);
    if (!f) return -EBADF;
    if (path === '') { if (!(flags & AT_EMPTY_PATH)) return -ENOENT; path = f.path; }
    else path = `${f.path}/${path}`;
  }
  if (path === '') return -ENOENT;
  const argv = readPtrArray(t, a.u(2));
  if (typeof argv === 'number') return argv;
  const envp = readPtrArray(t, a.u(3));
  if (typeof envp === 'number') return envp;
  const r = execve(k, t, path, argv, envp);
  return r < 0 ? r : NO_RESULT;
};
const sysExecve: Handler = (t, a, k) => {
  const path = t.proc.mm.readCString(a.u(0));
  if (!path) return -EFAULT;
  const argv = readPtrArray(t, a.u(1));
  if (typeof argv === 'number') return argv;
  const envp = readPtrArray(t, a.u(2));
  if (typeof envp === 'number') return envp;
  const r = execve(k, t, pathFromBytes(path), argv, envp);
  return r < 0 ? r : NO_RESULT;
};

function rlimitOf(t: Task, res: number): [bigint, bigint] { return t.proc.limit(res); }
function prlimit(t: Task, res: number, newAddr: number, oldAddr: number): number {
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
  return prlimit(target, a.i(1), a.u(2), a.u(3));
};
const sysGetrlimit: Handler = (t, a) => prlimit(t, a.i(0), 0, a.u(1));
const sysSetrlimit: Handler = (t, a) => prlimit(t, a.i(0), a.u(1), 0);

const sysUname: Handler = (t, a) => {
  const fields = ['Linux', 'xos', '6.1.0-xos', '#1 SMP PREEMPT_DYNAMIC xos', 'x86_64', '(none)'];
  const b = new Uint8Array(65 * 6);
  const enc = new TextEncoder();
  fields.forEach((f, i) => b.set(enc.encode(f).subarray(0, 64), i * 65));
  return t.proc.mm.write(a.u(0), b) ? 0 : -EFAULT;
};
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
const sysSchedGetaffinity: Handler = (t, a) => {
  const len = a.u(1);
  if (len < 8 || len % 8) return -EINVAL;
  return t.proc.mm.write(a.u(2), u64s(1)) ? 8 : -EFAULT;
};
const sysSchedSetaffinity: Handler = () => 0;
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
const PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_PDEATHSIG = 1, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4;
const sysPrctl: Handler = (t, a) => {
  const op = a.i(0);
  switch (op) {
    case PR_SET_NAME: { const s = t.proc.mm.readCString(a.u(1), 16); if (!s) return -EFAULT; t.comm = s.slice(0, 15); return 0; }
    case PR_GET_NAME: { const b = new Uint8Array(16); b.set(t.comm.subarray(0, 15)); return t.proc.mm.write(a.u(1), b) ? 0 : -EFAULT; }
    case PR_SET_PDEATHSIG: case PR_SET_DUMPABLE: return 0;
    case PR_GET_DUMPABLE: return 1;
    default: return -EINVAL;
  }
};
// membarrier(2): every task runs on the one CPU of this machine, so each barrier already holds.
const MEMBARRIER_CMD_QUERY = 0;
const MEMBARRIER_SUPPORTED = 1 | 8 | 16 | 32 | 64; // GLOBAL, PRIVATE_EXPEDITED (+REGISTER), PRIVATE_EXPEDITED_SYNC_CORE (+REGISTER)
const sysMembarrier: Handler = (t, a) => {
  const cmd = a.i(0);
  if (cmd === MEMBARRIER_CMD_QUERY) return MEMBARRIER_SUPPORTED;
  return cmd & MEMBARRIER_SUPPORTED && (cmd & (cmd - 1)) === 0 ? 0 : -EINVAL;
};
const sysPersonality: Handler = (t, a) => (a.u32(0) === 0xffffffff ? 0 : 0);

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
  { nr: 99, name: 'sysinfo', handler: sysSysinfo, args: ['ptr'], status: 'implemented' },
  { nr: 204, name: 'sched_getaffinity', handler: sysSchedGetaffinity, args: ['int', 'size', 'ptr'], status: 'implemented' },
  { nr: 203, name: 'sched_setaffinity', handler: sysSchedSetaffinity, args: ['int', 'size', 'ptr'], status: 'partial', note: 'one CPU; accepted' },
  { nr: 24, name: 'sched_yield', handler: sysSchedYield, args: [], status: 'implemented' },
  { nr: 309, name: 'getcpu', handler: sysGetcpu, args: ['ptr', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 318, name: 'getrandom', handler: sysGetrandom, args: ['ptr', 'size', 'hex'], status: 'implemented' },
  { nr: 157, name: 'prctl', handler: sysPrctl, args: ['int', 'hex', 'hex', 'hex', 'hex'], status: 'partial', note: 'PR_SET_NAME, PR_GET_NAME, dumpable, pdeathsig' },
  { nr: 324, name: 'membarrier', handler: sysMembarrier, args: ['int', 'hex', 'int'], status: 'implemented' },
  { nr: 135, name: 'personality', handler: sysPersonality, args: ['hex'], status: 'partial', note: 'always PER_LINUX' },
];
