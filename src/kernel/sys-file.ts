// File syscalls: I/O on descriptors, opening and closing, metadata, directories,
// links, descriptor-table operations. Path work is the VFS's (src/fs/vfs.ts).
import type { SyscallDef, Handler, ArgKind } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import type { Args } from './args.js';
import { Blocked, type SyscallResult } from '../base/wait.js';
import { release } from '../fs/file.js';
import { queueSignal, SIGPIPE, SIGXFSZ, SI_USER } from './signal.js';
import {
  EAGAIN, EBADF, EBUSY, EDEADLK, EACCES, ESRCH, EFBIG, EPERM, EFAULT, EINVAL, EISDIR, ENAMETOOLONG, ENOTDIR, ENOTTY, EOPNOTSUPP, EPIPE, ERANGE, EROFS, ESPIPE, ETXTBSY,
} from '../base/errno.js';
import {
  FileDescription, O_ACCMODE, O_RDONLY, O_APPEND, O_ASYNC, O_CLOEXEC, O_CREAT, O_DIRECT, O_EXCL, O_LARGEFILE, O_NOATIME,
  O_NOCTTY, O_NONBLOCK, O_PATH, O_TRUNC, O_WRONLY, O_DIRECTORY, O_NOFOLLOW, SEEK_CUR, SEEK_SET, isDir, isReg, type Dirent, type Stat,
  type TimeSpec,
  guestStat, S_IFMT, S_IFREG, S_IFDIR, S_IFBLK, S_IFLNK,
} from '../fs/file.js';
import {
  AT_EACCESS, AT_EMPTY_PATH, AT_FDCWD, AT_NO_AUTOMOUNT, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, PATH_MAX, killPrivs, pathFromBytes,
  pathToBytes,
} from '../fs/vfs.js';
import type { StatFs } from '../fs/backend.js';
import { TASK_SIZE } from '../mm/address-space.js';
import { IN_ACCESS, IN_MODIFY } from '../fs/inotify.js';
import { FIOCLEX, FIONBIO, FIONCLEX, FIONREAD, TIOCGPGRP, TIOCSPGRP, StdioFile } from '../fs/stdio.js';
import { PipeEnd } from '../fs/pipe.js';
import { roundPipe } from './sysctl.js';
import { F_OWNER_PGRP, F_OWNER_PID, F_OWNER_TID } from './async-io.js';
import { PtyMaster, TIOCGPTPEER } from '../fs/pty.js';
import { textBusy } from './exec.js';

const MAX_RW = 0x7ffff000; // Linux's MAX_RW_COUNT
// The largest file offset xos can carry (a JS number is exact to 2^53): as a file system's
// s_maxbytes, writes beyond it fail with EFBIG, reads there find the end of the file.
const MAX_OFFSET = Number.MAX_SAFE_INTEGER;
const CHUNK = 1 << 20;
const IOV_MAX = 1024;

// --- guest memory helpers ---------------------------------------------------------
function readPath(t: Task, addr: number): string | number {
  const b = t.proc.mm.readCString(addr, PATH_MAX);
  if (b) return pathFromBytes(b);
  return t.proc.mm.read(addr, 1) ? -ENAMETOOLONG : -EFAULT;
}
const put = (t: Task, addr: number, data: Uint8Array): number => (t.proc.mm.write(addr, data) ? 0 : -EFAULT);
export function i64(v: number | bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(v), true);
  return b;
}
export function readI64(t: Task, addr: number): bigint | undefined {
  const b = t.proc.mm.read(addr, 8);
  return b ? new DataView(b.buffer, b.byteOffset).getBigInt64(0, true) : undefined;
}
const clamp = (n: number) => Math.min(n, MAX_RW);
// access_ok: a buffer must lie below the top of user space, whatever the file (read(2) checks first)
const userRange = (addr: number, len: number) => addr + len <= TASK_SIZE;

function fileOf(t: Task, fd: number): FileDescription | undefined { return t.proc.files.get(fd); }

// Written bytes count: an EPIPE also raises SIGPIPE. On xos's own stdout or stderr the reader that
// went away is outside the machine (`xos run yes | head -1`): its SIGPIPE comes from outside, which
// init obeys too, so the pipeline ends as it does natively.
function wrote(t: Task, r: number, f?: FileDescription): number {
  if (r === -EPIPE) queueSignal(t, { signo: SIGPIPE, code: SI_USER, pid: t.proc.pid, force: f instanceof StdioFile });
  return r;
}

// --- the I/O core: partial I/O rule: bytes already moved beat an error ------------
// Read up to n bytes and hand each piece to `sink` (which copies it out to where the piece's
// offset in the whole read goes). One backend read, a short read being a complete answer (pipes,
// terminals) — but a large read of a regular file goes in pieces of CHUNK bytes, so that one
// 1 GiB read does not ask the host for 1 GiB at once. `sink` returns how many bytes it could copy
// out; on a short copy a seekable file's position is moved back to just after them.
function doRead(t: Task, f: FileDescription, n: number, pos: number | undefined, sink: (b: Uint8Array, off: number) => number): number | Blocked {
  if (pos !== undefined && pos >= MAX_OFFSET) return 0;
  n = clamp(n);
  const pieces = n > CHUNK && isRegular(f);
  let done = 0;
  for (;;) {
    const want = pieces ? Math.min(CHUNK, n - done) : n;
    const r = readCoherent(t, f, want, pos === undefined ? undefined : pos + done);
    if (typeof r === 'number' || r instanceof Blocked) return done || r;
    if (r.length === 0) return done;
    const copied = sink(r, done);
    if (copied < r.length) {
      if (pos === undefined) f.seek(copied - r.length, SEEK_CUR);
      return done + copied || -EFAULT;
    }
    done += copied;
    if (!pieces || done >= n || r.length < want) return done;
  }
}
function isRegular(f: FileDescription): boolean {
  const st = guestStat(f);
  return typeof st !== 'number' && isReg(st.mode);
}
// read(2) and write(2) see what shared mappings of the file hold: the page
// cache (mm/page-cache.ts) has the current bytes of every mapped page.
function cacheKey(t: Task, f: FileDescription): object | undefined {
  const cache = t.proc.mm.cache;
  if (cache.empty) return undefined;
  const st = f.stat();
  if (typeof st === 'number' || !isReg(st.mode)) return undefined;
  const key = f.node?.inode ?? f;
  return cache.has(key) ? key : undefined;
}
function readCoherent(t: Task, f: FileDescription, n: number, pos: number | undefined): Uint8Array | number | Blocked {
  let r = f.read(n, pos);
  if (typeof r === 'number' || r instanceof Blocked || r.length === 0) return r;
  f.node?.events?.fileEvent(f, IN_ACCESS);
  const key = cacheKey(t, f);
  if (key) {
    r = r.slice(); // the backend's bytes may be its own storage
    t.proc.mm.cache.patchRead(key, pos ?? f.seek(0, SEEK_CUR) - r.length, r);
  }
  return r;
}
function writeCoherent(t: Task, f: FileDescription, data: Uint8Array, pos: number | undefined): number | Blocked {
  const r = f.write(data, pos);
  if (typeof r === 'number' && r > 0) {
    f.node?.events?.fileEvent(f, IN_MODIFY);
    const key = cacheKey(t, f);
    if (key) {
      // an O_APPEND write lands at the end, whatever position pwrite named (as on Linux)
      const st = f.flags & O_APPEND ? guestStat(f) : undefined;
      const at = st !== undefined ? (typeof st === 'number' ? -1 : st.size - r) : pos ?? f.seek(0, SEEK_CUR) - r;
      if (at >= 0) t.proc.mm.cache.patchWrite(key, at, data.subarray(0, r));
    }
  }
  return r;
}
const whole = (t: Task, addr: number) => (d: Uint8Array, off: number) => (t.proc.mm.write(addr + off, d) ? d.length : 0);
// A write or truncate by anyone but root takes set-user-ID (and set-group-ID with group execute) off a regular file.
function removePrivs(t: Task, f: FileDescription): void {
  if (t.proc.creds.euid === 0) return;
  const s = f.stat();
  if (typeof s === 'number') return;
  const kill = killPrivs(t.proc.creds, s.mode);
  if (kill) f.chmod(s.mode & 0o7777 & ~kill);
}
// RLIMIT_FSIZE: how far a regular file may grow, when the process set a limit (else MAX_OFFSET).
const RLIMIT_FSIZE = 1;
function fileSizeLimit(t: Task): number {
  if (!t.proc.rlimits.has(RLIMIT_FSIZE)) return MAX_OFFSET;
  return Math.min(MAX_OFFSET, Number(t.proc.limit(RLIMIT_FSIZE)[0]));
}
// Growing a file to `end` past RLIMIT_FSIZE: SIGXFSZ and EFBIG, as Linux; 0 when allowed.
function beyondFsize(t: Task, end: number): number {
  if (end <= fileSizeLimit(t)) return 0;
  queueSignal(t, { signo: SIGXFSZ, code: SI_USER, pid: t.proc.pid });
  return -EFBIG;
}

// Write `n` bytes fetched by `source` in chunks.
function doWrite(t: Task, f: FileDescription, n: number, pos: number | undefined, source: (off: number, len: number) => Uint8Array | null): number | Blocked {
  n = clamp(n);
  if (n > 0) {
    const at = pos ?? f.seek(0, SEEK_CUR);
    if (at >= MAX_OFFSET) return -EFBIG;
    if (at >= 0) n = Math.min(n, MAX_OFFSET - at);
    const limit = fileSizeLimit(t);
    if (at >= 0 && at + n > limit && isRegular(f)) {
      // RLIMIT_FSIZE: what fits is written; at the limit, SIGXFSZ and EFBIG
      if (at >= limit) return beyondFsize(t, at + 1);
      n = limit - at;
    }
  }
  if (n > 0) removePrivs(t, f);
  let done = 0;
  do {
    const len = Math.min(CHUNK, n - done);
    const data = source(done, len);
    if (!data) return done || -EFAULT;
    const r = writeCoherent(t, f, data, pos === undefined ? undefined : pos + done);
    if (r instanceof Blocked) return done || r;
    if (r < 0) return done || wrote(t, r, f);
    done += r;
    if (r < len) break;
  } while (done < n);
  return done;
}

export interface Iov { base: number; len: number }
export function readIovecs(t: Task, addr: number, count: number): Iov[] | number {
  if (count < 0 || count > IOV_MAX) return -EINVAL;
  if (count === 0) return [];
  const b = t.proc.mm.read(addr, count * 16);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset);
  const out: Iov[] = [];
  let total = 0n;
  for (let i = 0; i < count; i++) {
    const len = dv.getBigInt64(i * 16 + 8, true);
    if (len < 0n) return -EINVAL;
    total += len;
    if (total > 0x7fffffffffffffffn) return -EINVAL;
    out.push({ base: Number(dv.getBigUint64(i * 16, true)), len: Number(len) });
  }
  return out;
}

export function readv(t: Task, f: FileDescription, iovs: Iov[], pos: number | undefined): number | Blocked {
  const total = clamp(iovs.reduce((s, v) => s + v.len, 0));
  if (!f.readable) return -EBADF;
  return doRead(t, f, total, pos, (data, at) => {
    // `data` goes at offset `at` of the whole read: into the segments that span it
    let off = 0, seg = 0;
    for (const v of iovs) {
      if (off >= data.length) break;
      if (seg + v.len <= at + off) { seg += v.len; continue; }
      const into = at + off - seg;
      const n = Math.min(v.len - into, data.length - off);
      if (!t.proc.mm.write(v.base + into, data.subarray(off, off + n))) {
        // copy what fits of this segment page by page, as Linux does
        for (let i = 0; i < n; i++) {
          if (!t.proc.mm.write(v.base + into + i, data.subarray(off + i, off + i + 1))) return off + i;
        }
      }
      off += n;
      seg += v.len;
    }
    return off;
  });
}
export function writev(t: Task, f: FileDescription, iovs: Iov[], pos: number | undefined): number | Blocked {
  if (!f.writable) return -EBADF;
  const total = clamp(iovs.reduce((s, v) => s + v.len, 0));
  // gathered a piece at a time (doWrite asks for CHUNK bytes at most); a segment that cannot be
  // read ends the gather there
  return doWrite(t, f, total, pos, (off, len) => {
    const parts: Uint8Array[] = [];
    let got = 0, seg = 0;
    for (const v of iovs) {
      if (got >= len) break;
      if (seg + v.len <= off + got) { seg += v.len; continue; }
      const from = off + got - seg, n = Math.min(v.len - from, len - got);
      const d = t.proc.mm.read(v.base + from, n);
      if (!d) break;
      parts.push(d);
      got += n;
      seg += v.len;
    }
    if (got === 0) return null;
    if (parts.length === 1) return parts[0];
    const all = new Uint8Array(got);
    let o = 0;
    for (const p of parts) { all.set(p, o); o += p.length; }
    return all;
  });
}

// A positional call needs a seekable file.
export function seekable(f: FileDescription): boolean { return f.seek(0, SEEK_CUR) >= 0; }

// --- handlers ---------------------------------------------------------------------
const sysRead: Handler = (t, a) => {
  const f = fileOf(t, a.i(0));
  if (!f || !f.readable) return -EBADF;
  if (!userRange(a.u(1), a.u(2))) return -EFAULT;
  return doRead(t, f, a.u(2), undefined, whole(t, a.u(1)));
};
const sysWrite: Handler = (t, a) => {
  const f = fileOf(t, a.i(0));
  if (!f || !f.writable) return -EBADF;
  if (!userRange(a.u(1), a.u(2))) return -EFAULT;
  const buf = a.u(1);
  return doWrite(t, f, a.u(2), undefined, (off, len) => t.proc.mm.read(buf + off, len));
};
const sysPread: Handler = (t, a) => {
  const f = fileOf(t, a.i(0));
  if (!f || !f.readable) return -EBADF;
  if (!userRange(a.u(1), a.u(2))) return -EFAULT;
  const pos = a.s64(3);
  if (pos < 0) return -EINVAL;
  if (!seekable(f)) return -ESPIPE;
  return doRead(t, f, a.u(2), pos, whole(t, a.u(1)));
};
const sysPwrite: Handler = (t, a) => {
  const f = fileOf(t, a.i(0));
  if (!f || !f.writable) return -EBADF;
  if (!userRange(a.u(1), a.u(2))) return -EFAULT;
  const pos = a.s64(3);
  if (pos < 0) return -EINVAL;
  if (!seekable(f)) return -ESPIPE;
  const buf = a.u(1);
  return doWrite(t, f, a.u(2), pos, (off, len) => t.proc.mm.read(buf + off, len));
};
function vecHandler(write: boolean, positional: boolean, flagsArg: boolean): Handler {
  return (t, a) => {
    const f = fileOf(t, a.i(0));
    if (!f) return -EBADF;
    const iovs = readIovecs(t, a.u(1), a.i(2));
    if (typeof iovs === 'number') return iovs;
    let pos: number | undefined;
    if (positional) {
      pos = a.s64(3);
      if (flagsArg && pos === -1) pos = undefined;
      else if (pos < 0) return -EINVAL;
      if (flagsArg && a.i(5) & ~0x1f) return -EOPNOTSUPP;
      if (pos !== undefined && !seekable(f)) return -ESPIPE;
    }
    return write ? writev(t, f, iovs, pos) : readv(t, f, iovs, pos);
  };
}

// Flags a description keeps (the rest only affect opening).
const KEPT = ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
function openCommon(t: Task, k: Kernel, dirfd: number, pathAddr: number, flags: number, mode: number): number | Blocked {
  // O_PATH keeps only the flags that mean something for it (the rest, O_TMPFILE included, are dropped)
  if (flags & O_PATH) flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  const path = readPath(t, pathAddr);
  if (typeof path === 'number') return path;
  if (!(flags & O_PATH) && ((flags & O_ACCMODE) !== O_RDONLY || flags & O_TRUNC) && textBusy(k, t, dirfd, path, !(flags & O_NOFOLLOW))) return -ETXTBSY;
  const f = k.vfs.openAt(t, dirfd, path, flags, mode);
  if (typeof f === 'number' || f instanceof Blocked) return f;
  if (flags & O_TRUNC && f.writable) truncated(t, f.node?.inode ?? f, 0);
  if (f.refs === 1) f.flags = (flags & KEPT) | (flags & O_PATH ? 0 : O_LARGEFILE);
  const fd = t.proc.files.install(f, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) release(f);
  return fd;
}
const sysOpen: Handler = (t, a, k) => openCommon(t, k, AT_FDCWD, a.u(0), a.i(1), a.u32(2));
const sysOpenat: Handler = (t, a, k) => openCommon(t, k, a.i(0), a.u(1), a.i(2), a.u32(3));
const sysCreat: Handler = (t, a, k) => openCommon(t, k, AT_FDCWD, a.u(0), O_CREAT | O_WRONLY | O_TRUNC, a.u32(1));
const sysOpenat2: Handler = (t, a, k) => {
  const size = a.u(3);
  if (size < 24) return -EINVAL;
  const b = t.proc.mm.read(a.u(2), 24);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset);
  const flags = dv.getBigUint64(0, true), mode = dv.getBigUint64(8, true), resolve = dv.getBigUint64(16, true);
  if (flags >> 32n || mode & ~0o7777n || (!(flags & BigInt(O_CREAT)) && mode)) return -EINVAL;
  if (resolve) return -EOPNOTSUPP;
  return openCommon(t, k, a.i(0), a.u(1), Number(flags), Number(mode));
};

const sysClose: Handler = (t, a) => t.proc.files.close(a.i(0));
const sysCloseRange: Handler = (t, a) => {
  const first = a.u32(0), last = a.u32(1), flags = a.u32(2);
  if (flags & ~6 || first > last) return -EINVAL;
  for (const fd of t.proc.files.fds()) {
    if (fd < first || fd > last) continue;
    if (flags & 4) t.proc.files.setCloexec(fd, true);
    else t.proc.files.close(fd);
  }
  return 0;
};
const sysLseek: Handler = (t, a) => {
  const f = fileOf(t, a.i(0));
  if (!f) return -EBADF;
  const r = f.seek(a.s64(1), a.i(2));
  return r > MAX_OFFSET ? -EINVAL : r;
};

// --- stat -------------------------------------------------------------------------
function statBytes(s: Stat): Uint8Array {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  const ts = (off: number, ns: bigint) => {
    dv.setBigInt64(off, ns / 1_000_000_000n - (ns < 0n && ns % 1_000_000_000n ? 1n : 0n), true);
    dv.setBigInt64(off + 8, ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n, true);
  };
  dv.setBigUint64(0, BigInt(s.dev), true);
  dv.setBigUint64(8, BigInt(s.ino), true);
  dv.setBigUint64(16, BigInt(s.nlink), true);
  dv.setUint32(24, s.mode, true);
  dv.setUint32(28, s.uid >>> 0, true);
  dv.setUint32(32, s.gid >>> 0, true);
  dv.setBigUint64(40, BigInt(s.rdev), true);
  dv.setBigInt64(48, BigInt(s.size), true);
  dv.setBigInt64(56, BigInt(s.blksize), true);
  dv.setBigInt64(64, BigInt(s.blocks), true);
  ts(72, s.atimeNs);
  ts(88, s.mtimeNs);
  ts(104, s.ctimeNs);
  return b;
}
const devMajor = (d: number) => Number(((BigInt(d) >> 8n) & 0xfffn) | ((BigInt(d) >> 32n) & ~0xfffn));
const devMinor = (d: number) => Number((BigInt(d) & 0xffn) | ((BigInt(d) >> 12n) & ~0xffn & 0xffffffffn));

const STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800, STATX_MNT_ID = 0x1000, STATX__RESERVED = 0x80000000;
function statxBytes(s: Stat, mntId: number): Uint8Array {
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  const ts = (off: number, ns: bigint) => {
    const sec = ns / 1_000_000_000n - (ns < 0n && ns % 1_000_000_000n ? 1n : 0n);
    dv.setBigInt64(off, sec, true);
    dv.setUint32(off + 8, Number(ns - sec * 1_000_000_000n), true);
  };
  dv.setUint32(0, STATX_BASIC_STATS | (s.btimeNs !== undefined ? STATX_BTIME : 0) | STATX_MNT_ID, true);
  dv.setUint32(4, s.blksize, true);
  dv.setUint32(16, s.nlink, true);
  dv.setUint32(20, s.uid >>> 0, true);
  dv.setUint32(24, s.gid >>> 0, true);
  dv.setUint16(28, s.mode, true);
  dv.setBigUint64(32, BigInt(s.ino), true);
  dv.setBigUint64(40, BigInt(s.size), true);
  dv.setBigUint64(48, BigInt(s.blocks), true);
  ts(64, s.atimeNs);
  if (s.btimeNs !== undefined) ts(80, s.btimeNs);
  ts(96, s.ctimeNs);
  ts(112, s.mtimeNs);
  dv.setUint32(128, devMajor(s.rdev), true);
  dv.setUint32(132, devMinor(s.rdev), true);
  dv.setUint32(136, devMajor(s.dev), true);
  dv.setUint32(140, devMinor(s.dev), true);
  dv.setBigUint64(144, BigInt(mntId), true);
  return b;
}

function statPath(t: Task, k: Kernel, dirfd: number, pathAddr: number, flags: number): Stat | number {
  const path = readPath(t, pathAddr);
  if (typeof path === 'number') return path;
  return k.vfs.stat(t, dirfd, path, flags);
}
const writeStat = (t: Task, addr: number, s: Stat | number) => (typeof s === 'number' ? s : put(t, addr, statBytes(s)));
const sysStat: Handler = (t, a, k) => writeStat(t, a.u(1), statPath(t, k, AT_FDCWD, a.u(0), 0));
const sysLstat: Handler = (t, a, k) => writeStat(t, a.u(1), statPath(t, k, AT_FDCWD, a.u(0), AT_SYMLINK_NOFOLLOW));
const sysFstat: Handler = (t, a, k) => writeStat(t, a.u(1), k.vfs.fdStat(t, a.i(0)));
const sysNewfstatat: Handler = (t, a, k) => {
  const flags = a.i(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) return -EINVAL;
  return writeStat(t, a.u(2), statPath(t, k, a.i(0), a.u(1), flags));
};
const sysStatx: Handler = (t, a, k) => {
  const flags = a.i(2), mask = a.u32(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | 0x6000) || (flags & 0x6000) === 0x6000) return -EINVAL;
  if (mask & STATX__RESERVED) return -EINVAL;
  const s = a.u(1) === 0 && flags & AT_EMPTY_PATH ? k.vfs.fdStat(t, a.i(0)) : statPath(t, k, a.i(0), a.u(1), flags);
  if (typeof s === 'number') return s;
  return put(t, a.u(4), statxBytes(s, 1));
};

// --- access, links, directories -----------------------------------------------------
function withPath(fn: (t: Task, a: Args, k: Kernel, path: string) => SyscallResult, arg = 0): Handler {
  return (t, a, k) => {
    const p = readPath(t, a.u(arg));
    return typeof p === 'number' ? p : fn(t, a, k, p);
  };
}
const sysAccess = withPath((t, a, k, p) => k.vfs.access(t, AT_FDCWD, p, a.i(1)));
const sysFaccessat = withPath((t, a, k, p) => k.vfs.access(t, a.i(0), p, a.i(2)), 1);
const sysFaccessat2 = withPath((t, a, k, p) => {
  if (a.i(3) & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  return k.vfs.access(t, a.i(0), p, a.i(2), a.i(3));
}, 1);

function readlinkCommon(t: Task, k: Kernel, dirfd: number, path: string, buf: number, size: number): number {
  if (size <= 0) return -EINVAL;
  const r = k.vfs.readlink(t, dirfd, path);
  if (typeof r === 'number') return r;
  const b = pathToBytes(r).subarray(0, size);
  return put(t, buf, b) || b.length;
}
const sysReadlink = withPath((t, a, k, p) => readlinkCommon(t, k, AT_FDCWD, p, a.u(1), a.i(2)));
const sysReadlinkat = withPath((t, a, k, p) => readlinkCommon(t, k, a.i(0), p, a.u(2), a.i(3)), 1);

const sysGetcwd: Handler = (t, a, k) => {
  // relative to the caller's root; a cwd outside it (left there by chroot, or fchdir to a directory
  // opened before) is "(unreachable)/…", as Linux reports it; a removed one is ENOENT
  const path = k.vfs.getcwd(t);
  if (typeof path === 'number') return path;
  const cwd = pathToBytes(path);
  const size = a.u(1);
  if (size === 0 && a.u(0) !== 0) return -EINVAL;
  if (cwd.length + 1 > size) return -ERANGE;
  const out = new Uint8Array(cwd.length + 1);
  out.set(cwd);
  return put(t, a.u(0), out) || out.length;
};
const sysChdir = withPath((t, _a, k, p) => k.vfs.chdir(t, AT_FDCWD, p));
const sysFchdir: Handler = (t, a, k) => k.vfs.fchdir(t, a.i(0));
const sysMkdir = withPath((t, a, k, p) => k.vfs.mkdir(t, AT_FDCWD, p, a.u32(1)));
const sysMkdirat = withPath((t, a, k, p) => k.vfs.mkdir(t, a.i(0), p, a.u32(2)), 1);
const sysRmdir = withPath((t, _a, k, p) => k.vfs.rmdir(t, AT_FDCWD, p));
const sysUnlink = withPath((t, _a, k, p) => k.vfs.unlink(t, AT_FDCWD, p));
const sysUnlinkat = withPath((t, a, k, p) => {
  const flags = a.i(2);
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  return flags & AT_REMOVEDIR ? k.vfs.rmdir(t, a.i(0), p) : k.vfs.unlink(t, a.i(0), p);
}, 1);
function twoPaths(fn: (t: Task, a: Args, k: Kernel, p1: string, p2: string) => number, i1: number, i2: number): Handler {
  return (t, a, k) => {
    const p1 = readPath(t, a.u(i1));
    if (typeof p1 === 'number') return p1;
    const p2 = readPath(t, a.u(i2));
    if (typeof p2 === 'number') return p2;
    return fn(t, a, k, p1, p2);
  };
}
const sysRename = twoPaths((t, _a, k, p1, p2) => k.vfs.rename(t, AT_FDCWD, p1, AT_FDCWD, p2), 0, 1);
const sysRenameat = twoPaths((t, a, k, p1, p2) => k.vfs.rename(t, a.i(0), p1, a.i(2), p2), 1, 3);
const sysRenameat2 = twoPaths((t, a, k, p1, p2) => k.vfs.rename(t, a.i(0), p1, a.i(2), p2, a.u32(4)), 1, 3);
const sysLink = twoPaths((t, _a, k, p1, p2) => k.vfs.link(t, AT_FDCWD, p1, AT_FDCWD, p2), 0, 1);
const sysLinkat = twoPaths((t, a, k, p1, p2) => k.vfs.link(t, a.i(0), p1, a.i(2), p2, a.i(4)), 1, 3);
const sysSymlink = twoPaths((t, _a, k, target, p) => k.vfs.symlink(t, target, AT_FDCWD, p), 0, 1);
const sysSymlinkat = twoPaths((t, a, k, target, p) => k.vfs.symlink(t, target, a.i(1), p), 0, 2);

// The device number as the guest gives it (new_encode_dev), as stat reports it.
const devArg = (v: number) => v >>> 0;
const sysMknod = withPath((t, a, k, p) => k.vfs.mknod(t, AT_FDCWD, p, a.u32(1) & (S_IFMT | 0o7777), devArg(a.u(2))));
const sysMknodat = withPath((t, a, k, p) => k.vfs.mknod(t, a.i(0), p, a.u32(2) & (S_IFMT | 0o7777), devArg(a.u(3))), 1);

// --- attributes ---------------------------------------------------------------------
const sysChmod = withPath((t, a, k, p) => k.vfs.chmod(t, AT_FDCWD, p, a.u32(1)));
const sysFchmodat = withPath((t, a, k, p) => k.vfs.chmod(t, a.i(0), p, a.u32(2)), 1);
// fchmodat2(2): fchmodat with flags; a symbolic link's own mode cannot change (EOPNOTSUPP).
const sysFchmodat2 = withPath((t, a, k, p) => {
  const flags = a.i(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  return k.vfs.chmod(t, a.i(0), p, a.u32(2), flags);
}, 1);
const sysFchmod: Handler = (t, a, k) => {
  const f = fileOf(t, a.i(0));
  if (!f) return -EBADF;
  if (f.flags & O_PATH) return -EBADF;
  return k.vfs.chmod(t, a.i(0), '', a.u32(1), AT_EMPTY_PATH);
};
const sysChown = withPath((t, a, k, p) => k.vfs.chown(t, AT_FDCWD, p, a.i(1), a.i(2)));
const sysLchown = withPath((t, a, k, p) => k.vfs.chown(t, AT_FDCWD, p, a.i(1), a.i(2), AT_SYMLINK_NOFOLLOW));
const sysFchownat = withPath((t, a, k, p) => {
  const flags = a.i(4);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  return k.vfs.chown(t, a.i(0), p, a.i(2), a.i(3), flags);
}, 1);
const sysFchown: Handler = (t, a, k) => {
  const f = fileOf(t, a.i(0));
  if (!f || f.flags & O_PATH) return -EBADF;
  return k.vfs.chown(t, a.i(0), '', a.i(1), a.i(2), AT_EMPTY_PATH);
};

const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;
// Two times from guest memory: timespec (nsUnit 1) or timeval (nsUnit 1000) pairs.
function readTimes(t: Task, addr: number, nsUnit: number): [TimeSpec, TimeSpec] | number {
  if (addr === 0) return ['now', 'now'];
  const b = t.proc.mm.read(addr, 32);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset);
  const one = (o: number): TimeSpec | number => {
    const sec = dv.getBigInt64(o, true), frac = dv.getBigInt64(o + 8, true);
    if (nsUnit === 1 && frac === BigInt(UTIME_NOW)) return 'now';
    if (nsUnit === 1 && frac === BigInt(UTIME_OMIT)) return undefined;
    if (frac < 0n || frac * BigInt(nsUnit) >= 1_000_000_000n) return -EINVAL;
    return sec * 1_000_000_000n + frac * BigInt(nsUnit);
  };
  const at = one(0), mt = one(16);
  if (typeof at === 'number') return at;
  if (typeof mt === 'number') return mt;
  return [at, mt];
}
function utimesCommon(t: Task, k: Kernel, dirfd: number, pathAddr: number, times: [TimeSpec, TimeSpec] | number, flags: number): number {
  if (typeof times === 'number') return times;
  if (times[0] === undefined && times[1] === undefined) return 0;
  if (pathAddr === 0) {
    if (dirfd === AT_FDCWD) return -EFAULT;
    return k.vfs.utimes(t, dirfd, '', times[0], times[1], AT_EMPTY_PATH);
  }
  const p = readPath(t, pathAddr);
  if (typeof p === 'number') return p;
  return k.vfs.utimes(t, dirfd, p, times[0], times[1], flags);
}
const sysUtimensat: Handler = (t, a, k) => {
  const flags = a.i(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  return utimesCommon(t, k, a.i(0), a.u(1), readTimes(t, a.u(2), 1), flags);
};
const sysUtimes: Handler = (t, a, k) => utimesCommon(t, k, AT_FDCWD, a.u(0), readTimes(t, a.u(1), 1000), 0);
const sysFutimesat: Handler = (t, a, k) => utimesCommon(t, k, a.i(0), a.u(1), readTimes(t, a.u(2), 1000), 0);
const sysUtime: Handler = (t, a, k) => {
  let times: [TimeSpec, TimeSpec] | number = ['now', 'now'];
  if (a.u(1)) {
    const b = t.proc.mm.read(a.u(1), 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer, b.byteOffset);
    times = [dv.getBigInt64(0, true) * 1_000_000_000n, dv.getBigInt64(8, true) * 1_000_000_000n];
  }
  return utimesCommon(t, k, AT_FDCWD, a.u(0), times, 0);
};

// Cached pages of a truncated file read back as zero beyond its new end.
function truncated(t: Task, key: object | undefined, len: number): void {
  if (key && !t.proc.mm.cache.empty) t.proc.mm.cache.truncated(key, len);
}
const sysTruncate = withPath((t, a, k, p) => {
  const grows = k.vfs.stat(t, AT_FDCWD, p, 0);
  if (typeof grows !== 'number' && a.s64(1) > grows.size && beyondFsize(t, a.s64(1))) return -EFBIG;
  if (textBusy(k, t, AT_FDCWD, p, true)) return -ETXTBSY;
  const r = k.vfs.truncate(t, p, a.s64(1));
  if (r === 0) truncated(t, k.vfs.nodeAt(t, p), a.s64(1));
  return r;
});
const sysFtruncate: Handler = (t, a, k) => {
  const f = fileOf(t, a.i(0));
  if (!f) return -EBADF;
  const len = a.s64(1);
  if (len < 0) return -EINVAL;
  if (len > MAX_OFFSET) return -EFBIG;
  if (!f.writable) return -EINVAL;
  const s = f.stat();
  if (typeof s !== 'number' && !isReg(s.mode)) return isDir(s.mode) ? -EISDIR : -EINVAL;
  if (k.vfs.readOnlyFile(t, f)) return -EROFS;
  if (typeof s !== 'number' && len > s.size && beyondFsize(t, len)) return -EFBIG; // growing past RLIMIT_FSIZE
  const r = f.truncate(len);
  if (r === 0) {
    truncated(t, f.node?.inode ?? f, len);
    removePrivs(t, f);
    f.node?.events?.fileEvent(f, IN_MODIFY);
  }
  return r;
};
const sysFsync: Handler = (t, a) => {
  const f = fileOf(t, a.i(0));
  return f ? f.sync() : -EBADF;
};
// sync_file_range(2): the range reaches the file as fsync would take it there (flags choose when on Linux).
const SYNC_FILE_RANGE_ALL = 1 | 2 | 4;
const sysSyncFileRange: Handler = (t, a) => {
  const off = a.s64(1), n = a.s64(2), flags = a.u32(3);
  if (flags & ~SYNC_FILE_RANGE_ALL) return -EINVAL;
  if (off < 0 || n < 0 || off + n < off) return -EINVAL;
  const f = fileOf(t, a.i(0));
  if (!f) return -EBADF;
  const st = f.stat();
  if (typeof st === 'number') return st;
  const type = st.mode & S_IFMT;
  if (type !== S_IFREG && type !== S_IFDIR && type !== S_IFBLK && type !== S_IFLNK) return -ESPIPE;
  return flags & 2 /* SYNC_FILE_RANGE_WRITE */ ? f.sync() : 0;
};
const sysSync: Handler = (t, a, k) => { k.writeback(); return 0; }; // what host files hold is the host's to flush
const sysSyncfs: Handler = (t, a) => (fileOf(t, a.i(0)) ? 0 : -EBADF);
const FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;
const sysFallocate: Handler = (t, a) => {
  const f = fileOf(t, a.i(0));
  if (!f) return -EBADF;
  const mode = a.i(1), off = a.s64(2), len = a.s64(3);
  if (off < 0 || len <= 0) return -EINVAL;
  if (off + len > MAX_OFFSET) return -EFBIG;
  if (!f.writable) return -EBADF;
  const s = f.stat();
  if (typeof s !== 'number' && isDir(s.mode)) return -EISDIR;
  if (!seekable(f)) return -ESPIPE;
  if (mode === FALLOC_FL_KEEP_SIZE) return 0;
  // a real hole (the space given back), or EOPNOTSUPP where the backend cannot make one: never
  // zeros written over the range, which would take the space instead
  if (mode === (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) {
    const r = f.punchHole(off, len);
    const key = r === 0 ? cacheKey(t, f) : undefined;
    if (key) t.proc.mm.cache.zeroRange(key, off, len);
    return r;
  }
  if (mode !== 0) return -EOPNOTSUPP;
  return beyondFsize(t, off + len) || f.allocate(off, len);
};
const sysFadvise: Handler = (t, a) => {
  const f = fileOf(t, a.i(0));
  if (!f) return -EBADF;
  if (!seekable(f)) return -ESPIPE;
  const advice = a.i(3);
  if (advice < 0 || advice > 5 || a.s64(2) < 0) return -EINVAL;
  return 0;
};
const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
const sysFlock: Handler = (t, a) => {
  const f = fileOf(t, a.i(0));
  if (!f || f.flags & O_PATH) return -EBADF;
  if (a.i(1) & 32 /* LOCK_MAND: accepted and ignored, as Linux does since 5.15 */) return 0;
  const op = a.i(1) & ~LOCK_NB;
  if (op !== LOCK_SH && op !== LOCK_EX && op !== LOCK_UN) return -EINVAL;
  const locks = f.node?.locks, key = lockKey(f);
  if (!locks || !key) return 0; // a file outside the VFS (a pipe, a socket): nothing to share it with
  if (locks.flock(key, f, op === LOCK_UN ? F_UNLCK : op === LOCK_SH ? F_RDLCK : F_WRLCK)) return 0;
  return a.i(1) & LOCK_NB ? -EAGAIN : new Blocked({ kind: 'lock' }, [locks.changed(key)]);
};
function lockKey(f: FileDescription): object | undefined { return f.node?.inode; }
// The byte range of a struct flock ([start, end), end Infinity for "to the end"), or -errno.
function lockRange(f: FileDescription, dv: DataView): [number, number] | number {
  const whence = dv.getInt16(2, true), start = Number(dv.getBigInt64(8, true)), len = Number(dv.getBigInt64(16, true));
  let base = 0;
  if (whence === SEEK_CUR) base = f.seek(0, SEEK_CUR);
  else if (whence === 2 /* SEEK_END */) { const st = f.stat(); base = typeof st === 'number' ? 0 : st.size; }
  else if (whence !== SEEK_SET) return -EINVAL;
  if (base < 0) return base;
  let from = base + start, to = len === 0 ? Infinity : from + len;
  if (len < 0) { to = from; from += len; }
  return from < 0 ? -EINVAL : [from, to];
}

// --- ioctl, fcntl, dup ------------------------------------------------------------------
const sysIoctl: Handler = (t, a, k) => {
  const fd = a.i(0), req = a.u32(1), arg = a.u(2);
  const f = fileOf(t, fd);
  if (!f || f.flags & O_PATH) return -EBADF;
  const int = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); return put(t, arg, b); };
  switch (req) {
    case FIOCLEX: t.proc.files.setCloexec(fd, true); return 0;
    case FIONCLEX: t.proc.files.setCloexec(fd, false); return 0;
    case FIONBIO: {
      const b = t.proc.mm.read(arg, 4);
      if (!b) return -EFAULT;
      const on = new DataView(b.buffer, b.byteOffset).getInt32(0, true) !== 0;
      f.flags = on ? f.flags | O_NONBLOCK : f.flags & ~O_NONBLOCK;
      return 0;
    }
    case FIONREAD: {
      const s = f.stat();
      if (typeof s !== 'number' && isDir(s.mode)) return -EINVAL;
      return int(f.available());
    }
    case TIOCGPGRP: if (f instanceof StdioFile) return f.isTTY ? int(t.proc.pgid) : -ENOTTY; break;
    case TIOCSPGRP: if (f instanceof StdioFile) return f.isTTY ? (t.proc.mm.read(arg, 4) ? 0 : -EFAULT) : -ENOTTY; break;
    case TIOCGPTPEER: {
      // the slave of a pty master, opened without a path walk by the caller
      if (!(f instanceof PtyMaster)) break;
      const peer = k.vfs.open(t, AT_FDCWD, f.peerPath, arg & ~O_CLOEXEC, 0);
      if (typeof peer === 'number') return peer;
      peer.flags = (arg & ~(O_NOCTTY | O_CLOEXEC)) | O_LARGEFILE;
      const pfd = t.proc.files.install(peer, (arg & O_CLOEXEC) !== 0);
      if (pfd < 0) release(peer);
      return pfd;
    }
  }
  return f.ioctl(req, arg, t.proc.mm);
};

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7,
  F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11, F_SETOWN_EX = 15, F_GETOWN_EX = 16, F_OFD_GETLK = 36,
  F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_SETLEASE = 1024, F_GETLEASE = 1025, F_NOTIFY = 1026, F_DUPFD_CLOEXEC = 1030,
  F_ADD_SEALS = 1033, F_GET_SEALS = 1034, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
const F_UNLCK = 2, F_RDLCK = 0, F_WRLCK = 1;
const SETFL_MASK = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;

function dupTo(t: Task, f: FileDescription, min: number, cloexec: boolean): number {
  if (min < 0 || min >= t.proc.files.limit) return -EINVAL;
  f.refs++;
  const fd = t.proc.files.install(f, cloexec, min);
  if (fd < 0) f.refs--;
  return fd;
}
const sysFcntl: Handler = (t, a, k) => {
  const fd = a.i(0), cmd = a.i(1);
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  const isPath = (f.flags & O_PATH) !== 0;
  // an O_PATH descriptor takes only these (Linux's check_fcntl_cmd); anything else is EBADF
  if (isPath && ![F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL].includes(cmd)) return -EBADF;
  switch (cmd) {
    case F_DUPFD: return dupTo(t, f, a.i(2), false);
    case F_DUPFD_CLOEXEC: return dupTo(t, f, a.i(2), true);
    case F_GETFD: return t.proc.files.cloexec(fd) ? 1 : 0;
    case F_SETFD: t.proc.files.setCloexec(fd, (a.i(2) & 1) !== 0); return 0;
    case F_GETFL: return f.flags & ~O_CLOEXEC;
    case F_SETFL:
      if (isPath) return -EBADF;
      f.flags = (f.flags & ~SETFL_MASK) | (a.i(2) & SETFL_MASK);
      k.asyncIo.update(k, f, fd);
      return 0;
    case F_GETLK: case F_OFD_GETLK: {
      if (isPath) return -EBADF;
      const b = t.proc.mm.read(a.u(2), 32);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer, b.byteOffset);
      const type = dv.getInt16(0, true);
      if (type !== F_RDLCK && type !== F_WRLCK) return -EINVAL;
      const ofd = cmd === F_OFD_GETLK;
      if (ofd && dv.getInt32(24, true) !== 0) return -EINVAL;
      const range = lockRange(f, dv);
      if (typeof range === 'number') return range;
      const key = lockKey(f);
      const c = key ? f.node?.locks?.conflict(key, ofd ? f : t.proc, type, range[0], range[1]) : undefined;
      if (!c) { dv.setInt16(0, F_UNLCK, true); return put(t, a.u(2), b); }
      dv.setInt16(0, c.type, true);
      dv.setInt16(2, SEEK_SET, true);
      dv.setBigInt64(8, BigInt(c.start), true);
      dv.setBigInt64(16, c.end === Infinity ? 0n : BigInt(c.end - c.start), true);
      dv.setInt32(24, c.pid, true);
      return put(t, a.u(2), b);
    }
    case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW: {
      if (isPath) return -EBADF;
      const b = t.proc.mm.read(a.u(2), 32);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer, b.byteOffset);
      const type = dv.getInt16(0, true);
      if (type === F_RDLCK && !f.readable) return -EBADF;
      if (type === F_WRLCK && !f.writable) return -EBADF;
      if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -EINVAL;
      const ofd = cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
      if (ofd && dv.getInt32(24, true) !== 0) return -EINVAL;
      const range = lockRange(f, dv);
      if (typeof range === 'number') return range;
      const locks = f.node?.locks, key = lockKey(f);
      if (!locks || !key) return 0;
      const owner = ofd ? f : t.proc;
      if (locks.set(key, owner, ofd ? -1 : t.proc.pid, type, range[0], range[1], ofd ? f : undefined)) return 0;
      if (cmd !== F_SETLKW && cmd !== F_OFD_SETLKW) return -EAGAIN;
      // a process waiting, directly or through others, for a lock it holds itself: EDEADLK (POSIX locks)
      if (!ofd && locks.wouldDeadlock(key, owner, type, range[0], range[1])) return -EDEADLK;
      return new Blocked({ kind: 'lock' }, [locks.waitFor(key, owner, type, range[0], range[1])]);
    }
    case F_GETOWN: { const s = k.asyncIo.peek(f); return !s || s.type === F_OWNER_TID ? s?.id ?? 0 : s.type === F_OWNER_PGRP ? -s.id : s.id; }
    case F_SETOWN: {
      const who = a.i(2);
      const s = k.asyncIo.get(f);
      if (who < 0 ? ![...k.processes.values()].some((p) => p.pgid === -who) : who > 0 && !k.processes.has(who)) return -ESRCH;
      s.type = who < 0 ? F_OWNER_PGRP : F_OWNER_PID;
      s.id = Math.abs(who);
      k.asyncIo.update(k, f, fd);
      return 0;
    }
    case F_GETOWN_EX: {
      const s = k.asyncIo.peek(f);
      const b = new Uint8Array(8);
      const dv = new DataView(b.buffer);
      dv.setInt32(0, s?.type ?? F_OWNER_PID, true);
      dv.setInt32(4, s?.id ?? 0, true);
      return put(t, a.u(2), b);
    }
    case F_SETOWN_EX: {
      const b = t.proc.mm.read(a.u(2), 8);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer);
      const type = dv.getInt32(0, true), id = dv.getInt32(4, true);
      if (type !== F_OWNER_TID && type !== F_OWNER_PID && type !== F_OWNER_PGRP) return -EINVAL;
      if (id < 0) return -EINVAL;
      const exists = type === F_OWNER_TID ? k.tasks.some((x) => x.tid === id) : type === F_OWNER_PID ? k.processes.has(id) : [...k.processes.values()].some((p) => p.pgid === id);
      if (id && !exists) return -ESRCH;
      const s = k.asyncIo.get(f);
      s.type = type;
      s.id = id;
      k.asyncIo.update(k, f, fd);
      return 0;
    }
    case F_SETSIG: {
      const sig = a.i(2);
      if (sig < 0 || sig > 64) return -EINVAL;
      k.asyncIo.get(f).sig = sig;
      return 0;
    }
    case F_GETSIG: return k.asyncIo.peek(f)?.sig ?? 0;
    case F_GETLEASE: return k.vfs.leases.get(f);
    case F_SETLEASE: return setLease(t, k, f, fd, a.i(2));
    case F_NOTIFY: return k.dnotify.notify(k, f, fd, t.proc.pid, t.proc.files.owner ?? t.proc, a.u32(2));
    case F_ADD_SEALS: case F_GET_SEALS: return -EINVAL;
    case F_GETPIPE_SZ: return f instanceof PipeEnd ? f.pipe.capacity : -EBADF;
    case F_SETPIPE_SZ: {
      if (!(f instanceof PipeEnd)) return -EBADF;
      const want = a.u32(2); // an unsigned int, as Linux reads it
      // beyond pipe-max-size only with CAP_SYS_RESOURCE (root), as on Linux; what a pipe holds is
      // charged to the machine's memory either way
      if (want > k.sysctl.values.pipeMaxSize && t.proc.creds.euid !== 0) return -EPERM;
      if (want > 0x80000000) return -EINVAL;
      const size = roundPipe(want);
      if (size < f.pipe.size) return -EBUSY;
      f.pipe.capacity = size;
      f.pipe.notify();
      return size;
    }
  }
  return -EINVAL;
};
// F_SETLEASE: a read lease needs a read-only description of a file no one has open for writing; a
// write lease one that is the file's only description. The owner (or root) only; regular files only.
// Taking one makes the caller the description's owner unless it has one (the signal of a break goes
// there), and the break's si_fd is this fd.
function setLease(t: Task, k: Kernel, f: FileDescription, fd: number, type: number): number {
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -EINVAL;
  const st = f.stat();
  if (typeof st === 'number') return st;
  if (!isReg(st.mode)) return -EINVAL;
  if (t.proc.creds.euid !== 0 && t.proc.creds.euid !== st.uid) return -EACCES;
  const node = f.node?.inode;
  if (!node) return -EINVAL;
  if (type === F_UNLCK) return k.vfs.leases.set(f, node, F_UNLCK);
  // the other descriptions of the same file, in every process
  const others = new Set<FileDescription>();
  for (const p of k.processes.values()) {
    for (const fd of p.files.fds()) {
      const g = p.files.get(fd)!;
      if (g === f) continue;
      const gs = g.stat();
      if (typeof gs !== 'number' && gs.ino === st.ino && gs.dev === st.dev) others.add(g);
    }
  }
  if (type === F_RDLCK && (f.writable || [...others].some((g) => g.writable))) return -EAGAIN;
  if (type === F_WRLCK && (others.size || k.vfs.leases.othersHold(node, f))) return -EAGAIN;
  if (k.vfs.leases.breakingForWriter(node, f)) return -EAGAIN;
  const r = k.vfs.leases.set(f, node, type);
  if (r) return r;
  const s = k.asyncIo.get(f);
  s.leaseFd = fd;
  if (!s.id) { s.type = F_OWNER_PID; s.id = t.proc.pid; }
  return 0;
}
const sysDup: Handler = (t, a) => {
  const f = fileOf(t, a.i(0));
  return f ? dupTo(t, f, 0, false) : -EBADF;
};
function dup2(t: Task, oldfd: number, newfd: number, cloexec: boolean): number {
  const f = fileOf(t, oldfd);
  if (!f) return -EBADF;
  if (newfd < 0 || newfd >= t.proc.files.limit) return -EBADF;
  f.refs++;
  const r = t.proc.files.installAt(newfd, f, cloexec);
  if (r < 0) f.refs--;
  return r;
}
const sysDup2: Handler = (t, a) => {
  const oldfd = a.i(0), newfd = a.i(1);
  if (oldfd === newfd) return fileOf(t, oldfd) ? newfd : -EBADF;
  return dup2(t, oldfd, newfd, false);
};
const sysDup3: Handler = (t, a) => {
  const oldfd = a.i(0), newfd = a.i(1), flags = a.i(2);
  if (flags & ~O_CLOEXEC || oldfd === newfd) return -EINVAL;
  return dup2(t, oldfd, newfd, (flags & O_CLOEXEC) !== 0);
};
const sysUmask: Handler = (t, a) => {
  const old = t.proc.fs.umask;
  t.proc.fs.umask = a.u32(0) & 0o777;
  return old;
};

// --- directories ---------------------------------------------------------------------
const align8 = (n: number) => (n + 7) & ~7;
function getdents(t: Task, fdNum: number, addr: number, count: number, wide: boolean): number {
  const f = fileOf(t, fdNum);
  if (!f || f.flags & O_PATH) return -EBADF;
  const start = f.seek(0, SEEK_CUR);
  const ents = f.readdir(Math.max(1, Math.floor(count / 24)));
  if (typeof ents === 'number') return ents;
  const out = new Uint8Array(Math.min(count, 1 << 20));
  const dv = new DataView(out.buffer);
  let o = 0, used = 0;
  for (const e of ents as Dirent[]) {
    const name = pathToBytes(e.name);
    const reclen = wide ? align8(19 + name.length + 1) : align8(18 + name.length + 2);
    if (o + reclen > out.length) break;
    const off = BigInt((start >= 0 ? start : 0) + used + 1);
    dv.setBigUint64(o, BigInt(e.ino), true);
    dv.setBigInt64(o + 8, off, true);
    dv.setUint16(o + 16, reclen, true);
    if (wide) {
      out[o + 18] = e.type;
      out.set(name, o + 19);
    } else {
      out.set(name, o + 18);
      out[o + reclen - 1] = e.type;
    }
    o += reclen;
    used++;
  }
  if (used < ents.length) f.seek(used - ents.length, SEEK_CUR);
  if (used === 0 && ents.length > 0) return -EINVAL;
  return put(t, addr, out.subarray(0, o)) || o;
}
const sysGetdents64: Handler = (t, a) => getdents(t, a.i(0), a.u(1), a.u32(2), true);
const sysGetdents: Handler = (t, a) => getdents(t, a.i(0), a.u(1), a.u32(2), false);

// --- statfs --------------------------------------------------------------------------
function statfsBytes(s: StatFs): Uint8Array {
  const b = new Uint8Array(120);
  const dv = new DataView(b.buffer);
  const vals = [s.type, s.bsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree];
  vals.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(Math.trunc(v)), true));
  dv.setBigInt64(64, BigInt(s.namelen), true);
  dv.setBigInt64(72, BigInt(s.frsize), true);
  dv.setBigInt64(80, BigInt(s.flags), true);
  return b;
}
const sysStatfs = withPath((t, a, k, p) => {
  const s = k.vfs.statfs(t, p);
  return typeof s === 'number' ? s : put(t, a.u(1), statfsBytes(s));
});
const sysFstatfs: Handler = (t, a, k) => {
  const f = fileOf(t, a.i(0));
  if (!f) return -EBADF;
  const s: StatFs = k.vfs.statfsFile(t, f) ?? {
    type: 0x50495045 /* PIPEFS_MAGIC */, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0,
    namelen: 255, frsize: 4096, flags: 0,
  };
  return put(t, a.u(1), statfsBytes(s));
};

// --- sendfile, copy_file_range -------------------------------------------------------
// Copy up to n bytes from `from` (at *inPos when given) to `to` (at outPos when given).
export function copy(t: Task, from: FileDescription, to: FileDescription, n: number, inPos: number | undefined, outPos: number | undefined): { done: number; r?: number | Blocked } {
  n = clamp(n);
  let done = 0;
  // A seekable source is read at explicit positions and its offset moved only by what was written.
  const srcPos = inPos ?? (seekable(from) ? from.seek(0, SEEK_CUR) : undefined);
  while (done < n) {
    const want = Math.min(CHUNK, n - done);
    const data = readCoherent(t, from, want, srcPos === undefined ? undefined : srcPos + done);
    if (data instanceof Blocked || typeof data === 'number') return { done, r: data };
    if (data.length === 0) break;
    const w = writeCoherent(t, to, data, outPos === undefined ? undefined : outPos + done);
    if (w instanceof Blocked || w < 0) return { done, r: typeof w === 'number' ? wrote(t, w, to) : w };
    done += w;
    if (w < data.length || data.length < want) break;
  }
  if (inPos === undefined && srcPos !== undefined) from.seek(srcPos + done, SEEK_SET);
  return { done };
}
const sysSendfile: Handler = (t, a) => {
  const out = fileOf(t, a.i(0)), inp = fileOf(t, a.i(1));
  if (!out || !inp || !inp.readable || !out.writable) return -EBADF;
  if (out.flags & O_APPEND) return -EINVAL;
  const offAddr = a.u(2);
  let pos: number | undefined;
  if (offAddr) {
    const v = readI64(t, offAddr);
    if (v === undefined) return -EFAULT;
    if (v < 0n) return -EINVAL;
    if (!seekable(inp)) return -ESPIPE;
    pos = Number(v);
  }
  const { done, r } = copy(t, inp, out, a.u(3), pos, undefined);
  if (offAddr && put(t, offAddr, i64((pos ?? 0) + done))) return -EFAULT;
  return done || (r ?? 0);
};
const sysCopyFileRange: Handler = (t, a) => {
  const inp = fileOf(t, a.i(0)), out = fileOf(t, a.i(2));
  if (a.u32(5) !== 0) return -EINVAL;
  if (!out || !inp || !inp.readable || !out.writable) return -EBADF;
  if (out.flags & O_APPEND) return -EBADF;
  const si = inp.stat(), so = out.stat();
  if (typeof si === 'number') return si;
  if (typeof so === 'number') return so;
  if (isDir(si.mode) || isDir(so.mode)) return -EISDIR;
  if (!isReg(si.mode) || !isReg(so.mode)) return -EINVAL;
  const readPos = (addr: number): number | undefined | null => {
    if (!addr) return undefined;
    const v = readI64(t, addr);
    return v === undefined ? null : Number(v);
  };
  const ip = readPos(a.u(1)), op = readPos(a.u(3));
  if (ip === null || op === null) return -EFAULT;
  if ((ip ?? 0) < 0 || (op ?? 0) < 0) return -EINVAL;
  const outPos = op ?? out.seek(0, SEEK_CUR);
  const { done, r } = copy(t, inp, out, a.u(4), ip, outPos);
  if (a.u(1) && put(t, a.u(1), i64((ip ?? 0) + done))) return -EFAULT;
  if (a.u(3)) { if (put(t, a.u(3), i64(outPos + done))) return -EFAULT; } else out.seek(outPos + done, SEEK_SET);
  return done || (r ?? 0);
};

// --- the table -----------------------------------------------------------------------
const ok = (nr: number, name: string, handler: Handler, args: ArgKind[], note?: string): SyscallDef =>
  ({ nr, name, handler, args, status: 'implemented', note });
const partial = (nr: number, name: string, handler: Handler, args: ArgKind[], note: string): SyscallDef =>
  ({ nr, name, handler, args, status: 'partial', note });

export const fileSyscalls: SyscallDef[] = [
  ok(0, 'read', sysRead, ['fd', 'obuf', 'size']),
  ok(1, 'write', sysWrite, ['fd', 'ibuf', 'size']),
  ok(2, 'open', sysOpen, ['path', 'flags', 'mode'], 'O_TMPFILE on tmpfs, host directories (a hidden name until linked or closed) and overlays'),
  ok(3, 'close', sysClose, ['fd']),
  ok(4, 'stat', sysStat, ['path', 'ptr']),
  ok(5, 'fstat', sysFstat, ['fd', 'ptr']),
  ok(6, 'lstat', sysLstat, ['path', 'ptr']),
  ok(8, 'lseek', sysLseek, ['fd', 'off', 'int']),
  partial(16, 'ioctl', sysIoctl, ['fd', 'hex', 'ptr'], 'ptys (/dev/ptmx, /dev/pts): termios (TCGETS/TCSETS*, TCGETS2/TCSETS*2), TIOCGWINSZ/TIOCSWINSZ, TIOCSCTTY/TIOCNOTTY, TIOCGPGRP/TIOCSPGRP, TIOCGSID, TCFLSH, TCXONC, TIOCOUTQ, TIOCSTI, TIOCGPTN/TIOCSPTLCK/TIOCGPTLCK/TIOCGPTPEER; the host terminal: termios stored (its modes unchanged), TIOCGWINSZ; FIONREAD, FIOCLEX/FIONCLEX, FIONBIO; ENOTTY otherwise (no TIOCPKT)'),
  ok(17, 'pread64', sysPread, ['fd', 'obuf', 'size', 'off']),
  ok(18, 'pwrite64', sysPwrite, ['fd', 'ibuf', 'size', 'off']),
  ok(19, 'readv', vecHandler(false, false, false), ['fd', 'ptr', 'int']),
  ok(20, 'writev', vecHandler(true, false, false), ['fd', 'ptr', 'int']),
  ok(21, 'access', sysAccess, ['path', 'mode']),
  ok(32, 'dup', sysDup, ['fd']),
  ok(33, 'dup2', sysDup2, ['fd', 'fd']),
  ok(40, 'sendfile', sysSendfile, ['fd', 'fd', 'ptr', 'size']),
  partial(72, 'fcntl', sysFcntl, ['fd', 'int', 'hex'], 'record and OFD locks among guest processes (EDEADLK for POSIX lock cycles); F_SETOWN(_EX)/F_SETSIG with O_ASYNC signal readiness; leases broken by a conflicting open or truncate; F_NOTIFY (dnotify); no F_ADD_SEALS (memfd seals: EINVAL); changes made on the host behind a host directory are not seen by F_NOTIFY'),
  partial(73, 'flock', sysFlock, ['fd', 'int'], 'locks among guest processes, not against host processes'),
  ok(74, 'fsync', sysFsync, ['fd']),
  ok(75, 'fdatasync', sysFsync, ['fd']),
  ok(76, 'truncate', sysTruncate, ['path', 'off']),
  ok(77, 'ftruncate', sysFtruncate, ['fd', 'off']),
  ok(78, 'getdents', sysGetdents, ['fd', 'ptr', 'size']),
  ok(79, 'getcwd', sysGetcwd, ['ptr', 'size'], 'relative to the chroot; "(unreachable)/…" outside it'),
  ok(80, 'chdir', sysChdir, ['path']),
  ok(81, 'fchdir', sysFchdir, ['fd']),
  ok(82, 'rename', sysRename, ['path', 'path']),
  ok(83, 'mkdir', sysMkdir, ['path', 'mode']),
  ok(84, 'rmdir', sysRmdir, ['path']),
  ok(85, 'creat', sysCreat, ['path', 'mode']),
  ok(86, 'link', sysLink, ['path', 'path']),
  ok(87, 'unlink', sysUnlink, ['path']),
  ok(88, 'symlink', sysSymlink, ['path', 'path']),
  ok(89, 'readlink', sysReadlink, ['path', 'ptr', 'size']),
  ok(90, 'chmod', sysChmod, ['path', 'mode']),
  ok(91, 'fchmod', sysFchmod, ['fd', 'mode']),
  ok(92, 'chown', sysChown, ['path', 'int', 'int']),
  ok(93, 'fchown', sysFchown, ['fd', 'int', 'int']),
  ok(94, 'lchown', sysLchown, ['path', 'int', 'int']),
  ok(95, 'umask', sysUmask, ['mode']),
  partial(132, 'utime', sysUtime, ['path', 'ptr'], 'host times have microsecond precision'),
  partial(133, 'mknod', sysMknod, ['path', 'mode', 'hex'], 'regular files and FIFOs (named pipes; on a host directory the host FIFO is made by mkfifo(1)); character and block devices by root on tmpfs (opening one xos lacks: ENXIO), EPERM on a host directory; sockets (use bind): EPERM'),
  ok(137, 'statfs', sysStatfs, ['path', 'ptr']),
  ok(138, 'fstatfs', sysFstatfs, ['fd', 'ptr']),
  ok(162, 'sync', sysSync, []),
  partial(221, 'fadvise64', sysFadvise, ['fd', 'off', 'size', 'int'], 'advice ignored'),
  partial(235, 'utimes', sysUtimes, ['path', 'ptr'], 'host times have microsecond precision'),
  ok(217, 'getdents64', sysGetdents64, ['fd', 'ptr', 'size']),
  ok(257, 'openat', sysOpenat, ['dirfd', 'path', 'flags', 'mode'], 'O_TMPFILE as open'),
  ok(258, 'mkdirat', sysMkdirat, ['dirfd', 'path', 'mode']),
  partial(259, 'mknodat', sysMknodat, ['dirfd', 'path', 'mode', 'hex'], 'regular files and FIFOs (named pipes; on a host directory the host FIFO is made by mkfifo(1)); character and block devices by root on tmpfs (opening one xos lacks: ENXIO), EPERM on a host directory; sockets (use bind): EPERM'),
  ok(260, 'fchownat', sysFchownat, ['dirfd', 'path', 'int', 'int', 'flags']),
  partial(261, 'futimesat', sysFutimesat, ['dirfd', 'path', 'ptr'], 'host times have microsecond precision'),
  ok(262, 'newfstatat', sysNewfstatat, ['dirfd', 'path', 'ptr', 'flags']),
  ok(263, 'unlinkat', sysUnlinkat, ['dirfd', 'path', 'flags']),
  ok(264, 'renameat', sysRenameat, ['dirfd', 'path', 'dirfd', 'path']),
  ok(265, 'linkat', sysLinkat, ['dirfd', 'path', 'dirfd', 'path', 'flags'], 'AT_EMPTY_PATH and /proc/self/fd/N with AT_SYMLINK_FOLLOW link the open file (O_TMPFILE files included)'),
  ok(266, 'symlinkat', sysSymlinkat, ['path', 'dirfd', 'path']),
  ok(267, 'readlinkat', sysReadlinkat, ['dirfd', 'path', 'ptr', 'size']),
  ok(268, 'fchmodat', sysFchmodat, ['dirfd', 'path', 'mode']),
  ok(452, 'fchmodat2', sysFchmodat2, ['dirfd', 'path', 'mode', 'flags']),
  ok(277, 'sync_file_range', sysSyncFileRange, ['fd', 'off', 'off', 'hex']),
  ok(269, 'faccessat', sysFaccessat, ['dirfd', 'path', 'mode']),
  partial(280, 'utimensat', sysUtimensat, ['dirfd', 'path', 'ptr', 'flags'], 'host times have microsecond precision'),
  partial(285, 'fallocate', sysFallocate, ['fd', 'int', 'off', 'off'], 'modes 0, KEEP_SIZE and PUNCH_HOLE|KEEP_SIZE (tmpfs; EOPNOTSUPP on host files); others EOPNOTSUPP'),
  ok(292, 'dup3', sysDup3, ['fd', 'fd', 'flags']),
  ok(295, 'preadv', vecHandler(false, true, false), ['fd', 'ptr', 'int', 'off']),
  ok(296, 'pwritev', vecHandler(true, true, false), ['fd', 'ptr', 'int', 'off']),
  ok(306, 'syncfs', sysSyncfs, ['fd']),
  partial(316, 'renameat2', sysRenameat2, ['dirfd', 'path', 'dirfd', 'path', 'flags'], 'RENAME_EXCHANGE on a host directory is three renames (not atomic); RENAME_WHITEOUT: EINVAL, as a file system without whiteouts'),
  ok(326, 'copy_file_range', sysCopyFileRange, ['fd', 'ptr', 'fd', 'ptr', 'size', 'flags']),
  partial(327, 'preadv2', vecHandler(false, true, true), ['fd', 'ptr', 'int', 'off', 'int', 'flags'], 'RWF_* flags ignored'),
  partial(328, 'pwritev2', vecHandler(true, true, true), ['fd', 'ptr', 'int', 'off', 'int', 'flags'], 'RWF_* flags ignored'),
  ok(332, 'statx', sysStatx, ['dirfd', 'path', 'flags', 'hex', 'ptr']),
  partial(436, 'close_range', sysCloseRange, ['fd', 'fd', 'flags'], 'CLOSE_RANGE_UNSHARE ignored'),
  partial(437, 'openat2', sysOpenat2, ['dirfd', 'path', 'ptr', 'size'], 'RESOLVE_* flags: EOPNOTSUPP'),
  ok(439, 'faccessat2', sysFaccessat2, ['dirfd', 'path', 'mode', 'flags']),
];


