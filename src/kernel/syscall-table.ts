// The one syscall table: every family's rows joined, and names for the rest
// (answered with ENOSYS and reported once). --strace and `xos syscalls` read it.
import type { SyscallDef, ArgKind } from './syscall.js';
import type { Args } from './args.js';
import type { Task } from './task.js';
import { SYSCALL_NAMES } from './syscall-names.js';
import { fileSyscalls } from './sys-file.js';
import { mmSyscalls } from './sys-mm.js';
import { signalSyscalls } from './sys-signal.js';
import { processSyscalls } from './sys-process.js';
import { timeSyscalls } from './sys-time.js';
import { pipeSyscalls } from './sys-pipe.js';
import { pollSyscalls } from './sys-poll.js';
import { socketSyscalls } from './sys-socket.js';
import { cloneSyscalls } from './sys-clone.js';
import { waitSyscalls } from './sys-wait.js';
import { futexSyscalls } from './sys-futex.js';
import { timerSyscalls } from './sys-timer.js';
import { xattrSyscalls } from './sys-xattr.js';
import { credSyscalls } from './sys-cred.js';
import { memfdSyscalls } from './sys-memfd.js';
import { fdEventSyscalls } from './sys-fdevents.js';
import { ipcSyscalls } from './sys-ipc.js';
import { schedSyscalls } from './sys-sched.js';
import { mountSyscalls } from './sys-mount.js';
import { spliceSyscalls } from './sys-splice.js';
import { ptraceSyscalls } from './sys-ptrace.js';
import { mqueueSyscalls } from './sys-mqueue.js';

export const SYSCALLS = new Map<number, SyscallDef>();
for (const row of [...fileSyscalls, ...mmSyscalls, ...signalSyscalls, ...processSyscalls, ...timeSyscalls, ...pipeSyscalls, ...pollSyscalls, ...socketSyscalls, ...cloneSyscalls, ...waitSyscalls, ...futexSyscalls, ...timerSyscalls, ...xattrSyscalls, ...credSyscalls, ...memfdSyscalls, ...schedSyscalls, ...fdEventSyscalls, ...ipcSyscalls, ...mountSyscalls, ...spliceSyscalls, ...ptraceSyscalls, ...mqueueSyscalls]) {
  if (SYSCALLS.has(row.nr)) throw new Error(`syscall ${row.nr} (${row.name}) is in the table twice`);
  if (SYSCALL_NAMES[row.nr] !== row.name) throw new Error(`syscall ${row.nr} is ${SYSCALL_NAMES[row.nr]}, not ${row.name}`);
  SYSCALLS.set(row.nr, row);
}
for (const [nr, name] of Object.entries(SYSCALL_NAMES)) {
  if (!SYSCALLS.has(+nr)) SYSCALLS.set(+nr, { nr: +nr, name, args: [], status: 'missing' });
}

const ERRNAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 9: 'EBADF', 10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM',
  13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY', 17: 'EEXIST', 18: 'EXDEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL',
  24: 'EMFILE', 25: 'ENOTTY', 28: 'ENOSPC', 29: 'ESPIPE', 30: 'EROFS', 32: 'EPIPE', 34: 'ERANGE', 36: 'ENAMETOOLONG',
  38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 42: 'ENOMSG', 43: 'EIDRM', 61: 'ENODATA', 75: 'EOVERFLOW', 88: 'ENOTSOCK', 90: 'EMSGSIZE', 91: 'EPROTOTYPE', 92: 'ENOPROTOOPT', 93: 'EPROTONOSUPPORT',
  94: 'ESOCKTNOSUPPORT', 95: 'EOPNOTSUPP', 97: 'EAFNOSUPPORT', 98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL', 101: 'ENETUNREACH',
  103: 'ECONNABORTED', 104: 'ECONNRESET', 105: 'ENOBUFS', 106: 'EISCONN', 107: 'ENOTCONN', 110: 'ETIMEDOUT',
  111: 'ECONNREFUSED', 113: 'EHOSTUNREACH', 114: 'EALREADY', 115: 'EINPROGRESS', 89: 'EDESTADDRREQ',
};

function quote(b: Uint8Array, max = 32): string {
  let s = '';
  for (const c of b.subarray(0, max)) {
    if (c === 10) s += '\\n';
    else if (c === 9) s += '\\t';
    else if (c === 34 || c === 92) s += '\\' + String.fromCharCode(c);
    else if (c >= 32 && c < 127) s += String.fromCharCode(c);
    else s += '\\x' + c.toString(16).padStart(2, '0');
  }
  return `"${s}"${b.length > max ? '...' : ''}`;
}

function formatArg(kind: ArgKind, i: number, a: Args, t: Task): string {
  switch (kind) {
    case 'int': case 'fd': case 'signal': return String(a.i(i));
    case 'dirfd': return a.i(i) === -100 ? 'AT_FDCWD' : String(a.i(i));
    case 'uint': case 'size': return String(a.u(i));
    case 'off': return String(a.s64(i));
    case 'mode': return '0' + a.u32(i).toString(8);
    case 'path': case 'str': {
      const s = a.u(i) ? t.proc.mm.readCString(a.u(i), 256) : null;
      return s ? quote(s, 256) : a.u(i) ? `0x${a.u(i).toString(16)}` : 'NULL';
    }
    case 'ibuf': {
      const n = Math.min(a.u(i + 1), 32);
      const b = t.proc.mm.read(a.u(i), n);
      return b ? quote(b) : `0x${a.u(i).toString(16)}`;
    }
    case 'hex': case 'flags': return '0x' + a.big(i).toString(16);
    default: return a.u(i) ? '0x' + a.u(i).toString(16) : 'NULL';
  }
}
export function formatCall(def: SyscallDef, a: Args, t: Task): string {
  return `${def.name}(${def.args.map((k, i) => formatArg(k, i, a, t)).join(', ')})`;
}
export function formatResult(def: SyscallDef, r: number): string {
  if (r < 0 && r > -4096) return `-1 ${ERRNAMES[-r] ?? `E${-r}`}`;
  return ['mmap', 'brk', 'mremap'].includes(def.name) ? '0x' + r.toString(16) : String(r);
}
