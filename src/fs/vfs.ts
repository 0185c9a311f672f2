// The VFS: a mount tree over backends, and the path walk that Linux does
// (namei): component by component, symlinks resolved here (never by a
// backend), absolute links and `..` confined to the guest's root, 40 links at
// most, trailing slashes, permissions against the caller's credentials.
//
// Paths are byte strings: one char per byte (latin1), so that any name a guest
// can make survives. Convert with pathFromBytes / pathToBytes.
import type { Host } from '../base/host.js';
import type { FileImage } from '../elf/elf.js';
import type { FsBackend, StatFs } from './backend.js';
import {
  BufferFile, DirectoryFile, FileDescription, PathFile, isDir, isLink, isReg, type FileNode, type Stat, type TimeSpec,
  O_ACCMODE, O_CREAT, O_DIRECTORY, O_EXCL, O_NOCTTY, O_NOFOLLOW, O_NONBLOCK, O_PATH, O_RDONLY, O_RDWR, O_TMPFILE, O_TRUNC, O_WRONLY, __O_TMPFILE,
  S_IFMT, S_IFREG, S_IFIFO, S_IFSOCK, guestStat,
} from './file.js';
import {
  EACCES, EADDRINUSE, EAGAIN, EBADF, EBUSY, EEXIST, EINVAL, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, ENXIO, EOPNOTSUPP, EPERM,
  EROFS, EXDEV,
} from '../base/errno.js';
import { DevFs } from './devfs.js';
import { Tmpfs } from './tmpfs.js';
import { ProcFs, type ProcSource } from './procfs.js';
import { SysFs } from './sysfs.js';
import type { NetView } from './net-view.js';
import { StdioFile } from './stdio.js';
import { Locks } from './locks.js';
import { FifoEnd, Pipe } from './pipe.js';
import { Blocked, resumed, POLLIN, POLLOUT, type Resumable } from '../base/wait.js';
import {
  FsNotify, IN_ACCESS, IN_ATTRIB, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_ISDIR, IN_MODIFY, IN_MOVED_FROM, IN_MOVED_TO,
  IN_MOVE_SELF, IN_OPEN,
} from './inotify.js';
import { DevPts, type TtyJobs } from './pty.js';
import {
  MountTable, joinPath, MS_NOATIME, MS_NODEV, MS_NODIRATIME, MS_NOEXEC, MS_NOSUID, MS_NOSYMFOLLOW, MS_RDONLY,
  MS_STRICTATIME, type Mount,
} from './mounts.js';

export type { ProcSource } from './procfs.js';

export const PATH_MAX = 4096, NAME_MAX = 255, MAXSYMLINKS = 40;
export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400,
  AT_EACCESS = 0x200, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000;
export const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
export const F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;
const S_ISUID = 0o4000, S_ISGID = 0o2000, S_ISVTX = 0o1000;

export const pathFromBytes = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
};
export const pathToBytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

// What the VFS needs of the calling task (the kernel's Task fits).
export interface FsCreds { uid: number; gid: number; euid: number; egid: number; groups: number[] }
export interface FsCaller extends Resumable {
  readonly tid: number;
  readonly proc: {
    readonly pid: number;
    fs: { cwd: string; umask: number; root?: string }; // root: chroot(2)'s, a global guest path ('/' when absent)
    creds: FsCreds;
    files: { get(fd: number): FileDescription | undefined };
    mnt?: MountTable; // its mount namespace (the machine's first one when absent)
  };
}

export type { Mount } from './mounts.js';

// A resolved path: where it is, and its lstat (absent when the last component does not exist).
export interface Loc {
  comps: string[];
  mount: Mount;
  bpath: string;
  stat?: Stat;
  file?: FileDescription; // a magic link's open file (/proc/self/fd/N)
  trailingSlash: boolean;
  last: string; // the last component as written ('' for '/', '.', '..')
}

// keepLast: the last component as it is even with a trailing slash (not followed, a non-directory
// not refused), as Linux looks up the name that mkdir, unlink, rename and the like create or remove.
// creds: whose search permission the walk checks (default: the caller's; access(2) walks as the real user).
// global: an absolute path starts at the machine's root, not the caller's (a description's path).
interface WalkOpts { follow: boolean; allowMissing?: boolean; keepLast?: boolean; creds?: FsCreds; global?: boolean }

// The mode bits a change of a regular file's contents by `c` takes off: set-user-ID, and set-group-ID
// with group execute (a set-group-ID without it marks mandatory locking), unless `c` is root.
export function killPrivs(c: FsCreds, mode: number): number {
  if (c.euid === 0 || !isReg(mode)) return 0;
  return mode & (S_ISUID | (mode & 0o010 ? S_ISGID : 0));
}

export function permits(st: Stat, c: FsCreds, mask: number, real = false): boolean {
  const uid = real ? c.uid : c.euid;
  const gid = real ? c.gid : c.egid;
  if (uid === 0) return !(mask & X_OK) || isDir(st.mode) || (st.mode & 0o111) !== 0;
  const bits = st.uid === uid ? st.mode >> 6 : st.gid === gid || c.groups.includes(st.gid) ? st.mode >> 3 : st.mode;
  return (bits & mask & 7) === (mask & 7);
}

export class Vfs {
  readonly host: Host;
  readonly proc?: ProcSource;
  readonly mounts = new MountTable();
  // The task making the current call (procfs answers /proc/self from it).
  caller?: FsCaller;

  // The pseudo-terminals (/dev/ptmx, /dev/pts).
  readonly pts: DevPts;
  // inotify watches (see inotify.ts and the "inotify" section below).
  readonly notify = new FsNotify();
  // Advisory locks (flock, fcntl record and OFD locks).
  readonly locks = new Locks();

  // The machine's network as /proc/net and /sys/class/net show it.
  readonly net?: NetView;

  constructor(opts: { root: FsBackend; host: Host; proc?: ProcSource; jobs?: TtyJobs; net?: NetView }) {
    this.host = opts.host;
    this.proc = opts.proc;
    this.net = opts.net;
    this.pts = new DevPts(opts.host, opts.jobs);
    this.mount('/', opts.root);
    this.mount('/dev', this.newFs('devtmpfs')!);
    this.mount('/dev/pts', this.pts);
    this.mount('/dev/shm', new Tmpfs({ now: () => opts.host.realtimeNs(), mode: 0o1777 }));
    this.mount('/proc', this.newFs('proc')!);
    this.mount('/sys', this.newFs('sysfs')!);
  }

  // A new file system of a type mount(2) knows (tmpfs is made by the caller: it needs options).
  newFs(type: string): FsBackend | undefined {
    switch (type) {
      case 'devtmpfs': return new DevFs(this.host, this.pts);
      case 'devpts': return this.pts; // the one instance, as with devpts without newinstance
      case 'proc': return new ProcFs(() => this.caller, this.proc, this);
      case 'sysfs': return new SysFs(() => this.cpuCount, this.net);
    }
    return undefined;
  }
  // Inode numbers of the machine's pipes, sockets and other objects outside any file system.
  private nextAnonIno = 10000;
  anonIno(): number { return this.nextAnonIno++; }
  // The CPUs the machine reports (sched_getaffinity, /proc/cpuinfo, /sys/devices/system/cpu).
  readonly cpuCount = 1;

  // Set up a machine: mount `backend` at the guest path `path` (which need not exist in the
  // parent), replacing what was mounted there.
  mount(path: string, backend: FsBackend): void {
    const source = path === '/' || path === '' ? '/dev/root' : backend.type === 'devtmpfs' ? 'udev' : backend.type;
    this.mounts.replace(this.mounts.make(path, backend, { source }));
  }
  mountList(): readonly Mount[] { return this.mounts.list(); }

  // The caller's mount namespace.
  ns(t: FsCaller | undefined): MountTable { return t?.proc.mnt ?? this.mounts; }
  private mountFor(t: FsCaller, comps: string[]): Mount { return this.ns(t).mountFor(comps); }
  private place(t: FsCaller, comps: string[]): { mount: Mount; bpath: string } {
    const mount = this.mountFor(t, comps);
    return { mount, bpath: joinPath(mount.root, comps.slice(mount.comps.length)) };
  }
  isReadOnly(m: Mount): boolean { return this.mounts.isReadOnly(m); }

  // --- chroot -----------------------------------------------------------------------
  rootComps(t: FsCaller): string[] { return splitPath(t.proc.fs.root ?? '/'); }
  // A global guest path as the caller sees it (relative to its root), or undefined when outside it.
  viewPath(t: FsCaller | undefined, global: string): string | undefined {
    const root = t?.proc.fs.root ?? '/';
    if (root === '/') return global;
    if (global === root) return '/';
    return global.startsWith(root + '/') ? global.slice(root.length) : undefined;
  }
  private lstatAt(t: FsCaller, comps: string[]): Stat | number {
    const { mount, bpath } = this.place(t, comps);
    return mount.backend.lstat(bpath);
  }

  // --- the path walk ------------------------------------------------------------
  // The directory a relative path starts from.
  private start(t: FsCaller, dirfd: number, path: string, global = false): string[] | number {
    if (path.startsWith('/')) return global ? [] : this.rootComps(t);
    if (dirfd === AT_FDCWD) return splitPath(t.proc.fs.cwd);
    const f = t.proc.files.get(dirfd);
    if (!f) return -EBADF;
    const st = f.stat();
    if (typeof st === 'number') return st === -ENOENT ? st : -ENOTDIR; // ENOENT: a removed directory
    if (!isDir(st.mode) || !f.path.startsWith('/')) return -ENOTDIR;
    return splitPath(f.path);
  }

  resolve(t: FsCaller, dirfd: number, path: string, opts: WalkOpts): Loc | number {
    this.caller = t;
    if (path.length === 0) return -ENOENT;
    if (path.length >= PATH_MAX) return -ENAMETOOLONG;
    const start = this.start(t, dirfd, path, opts.global);
    if (typeof start === 'number') return start;
    let comps = start;
    const pending = path.split('/').reverse();
    const trailingSlash = path.endsWith('/') && path.replace(/\/+$/, '') !== '';
    const slashFollows = trailingSlash && !opts.keepLast;
    let links = 0;
    const root = this.rootComps(t);
    const atRoot = (c: string[]) => c.length === root.length && c.every((x, i) => root[i] === x);
    let st: Stat | undefined;
    let last = '';
    const creds = opts.creds ?? t.proc.creds;
    // A trailing '.' (like a trailing '/') makes the component before it a directory to enter, not the last one.
    const isLastLeft = () => pending.every((c) => c === '');
    while (pending.length) {
      const name = pending.pop()!;
      if (name === '' || name === '.') { if (name === '.') last = ''; continue; }
      if (name === '..') { if (!atRoot(comps)) comps.pop(); st = undefined; last = ''; continue; }
      if (name.length > NAME_MAX) return -ENAMETOOLONG;
      if (creds.euid !== 0) {
        const dst = this.lstatAt(t, comps);
        if (typeof dst === 'number') return dst;
        if (!permits(dst, creds, X_OK)) return -EACCES;
      }
      const next = [...comps, name];
      const isLast = isLastLeft();
      const { mount, bpath } = this.place(t, next);
      const s = mount.backend.lstat(bpath);
      if (typeof s === 'number') {
        if (s === -ENOENT && isLast && opts.allowMissing !== false) {
          return { comps: next, mount, bpath, trailingSlash, last: name };
        }
        return s;
      }
      if (isLink(s.mode) && (!isLast || opts.follow || slashFollows)) {
        const magic = mount.backend.linkTarget?.(bpath);
        if (magic) {
          if (isLast) {
            const ms = magic.stat();
            if (typeof ms === 'number') return ms;
            if (trailingSlash && !isDir(ms.mode)) return -ENOTDIR;
            return { comps: next, mount, bpath, stat: ms, file: magic, trailingSlash, last: name };
          }
          if (!magic.path.startsWith('/')) return -ENOTDIR;
        }
        if (++links > MAXSYMLINKS) return -ELOOP;
        const target = magic ? magic.path : mount.backend.readlink(bpath);
        if (typeof target === 'number') return target;
        if (target.length === 0) return -ENOENT;
        // an absolute link starts at the caller's root; a magic link names its file by global path
        if (target.startsWith('/')) comps = magic ? [] : [...root];
        for (const c of target.split('/').reverse()) pending.push(c);
        st = undefined;
        continue;
      }
      if (!isDir(s.mode) && (!isLast || slashFollows)) return -ENOTDIR;
      comps = next;
      st = s;
      last = name;
    }
    const { mount, bpath } = this.place(t, comps);
    if (!st) {
      const s = mount.backend.lstat(bpath);
      if (typeof s === 'number') return s;
      st = s;
    }
    return { comps, mount, bpath, stat: st, trailingSlash, last };
  }

  guestPath(loc: Loc): string { return '/' + loc.comps.join('/'); }
  private node(loc: Loc): FileNode { return { backend: loc.mount.backend, path: loc.bpath, dev: loc.mount.dev, events: this, locks: this.locks }; }
  private parentOf(t: FsCaller, loc: Loc): { stat: Stat | number; comps: string[] } {
    const comps = loc.comps.slice(0, -1);
    return { stat: this.lstatAt(t, comps), comps };
  }
  private mayWriteParent(t: FsCaller, loc: Loc): number {
    if (this.isReadOnly(loc.mount)) return -EROFS;
    if (t.proc.creds.euid === 0) return 0;
    const p = this.parentOf(t, loc).stat;
    if (typeof p === 'number') return p;
    return permits(p, t.proc.creds, W_OK | X_OK) ? 0 : -EACCES;
  }
  // In a sticky directory only root, the entry's owner and the directory's owner remove or rename it.
  private sticky(t: FsCaller, loc: Loc): number {
    const c = t.proc.creds;
    if (c.euid === 0 || !loc.stat || loc.stat.uid === c.euid) return 0;
    const p = this.parentOf(t, loc).stat;
    return typeof p !== 'number' && p.mode & S_ISVTX && p.uid !== c.euid ? -EPERM : 0;
  }
  // A backend makes new files as whoever runs it: hand a new file to the caller (its group: that of a
  // set-group-ID parent directory, else the caller's). Best effort: a host directory may refuse.
  private own(t: FsCaller, loc: Loc): void {
    const c = t.proc.creds;
    if (c.euid === 0 && c.egid === 0) return;
    const b = loc.mount.backend;
    const st = b.lstat(loc.bpath);
    if (typeof st === 'number') return;
    const p = this.parentOf(t, loc).stat;
    const gid = typeof p !== 'number' && p.mode & S_ISGID ? p.gid : c.egid;
    if (st.uid !== c.euid || st.gid !== gid) b.chown(loc.bpath, st.uid === c.euid ? -1 : c.euid, st.gid === gid ? -1 : gid);
  }
  private isMountPoint(t: FsCaller, loc: Loc): boolean {
    return this.mountFor(t, loc.comps).comps.length === loc.comps.length;
  }

  // --- opening ------------------------------------------------------------------
  // open(2)/openat(2): a new description (the caller installs it: it holds one reference).
  // Blocked: a named pipe's open waits for the other side (the syscall runs again when woken).
  openAt(t: FsCaller, dirfd: number, path: string, flags: number, mode: number): FileDescription | number | Blocked {
    if (flags & __O_TMPFILE && !(flags & O_PATH)) return this.openTmpfile(t, dirfd, path, flags, mode); // O_PATH drops it
    const creat = (flags & O_CREAT) !== 0 && !(flags & O_PATH);
    const follow = !(flags & O_NOFOLLOW) && !(creat && flags & O_EXCL);
    const loc = this.resolve(t, dirfd, path, { follow, keepLast: creat });
    if (typeof loc === 'number') return loc;
    return this.openLoc(t, loc, flags, mode);
  }
  // The same for callers that cannot wait (the embedding API): a FIFO without a partner is EAGAIN.
  open(t: FsCaller, dirfd: number, path: string, flags: number, mode: number): FileDescription | number {
    const f = this.openAt(t, dirfd, path, flags, mode);
    return f instanceof Blocked ? -EAGAIN : f;
  }
  private openLoc(t: FsCaller, loc: Loc, flags: number, mode = 0): FileDescription | number | Blocked {
    const creat = (flags & O_CREAT) !== 0 && !(flags & O_PATH);
    const gpath = this.guestPath(loc);
    if (creat && loc.trailingSlash) return -EISDIR;
    if (!loc.stat) {
      if (!creat) return -ENOENT;
      const w = this.mayWriteParent(t, loc);
      if (w) return w;
      const f = loc.mount.backend.open(loc.bpath, flags | O_CREAT | O_EXCL, mode & ~t.proc.fs.umask & 0o7777, gpath);
      if (typeof f !== 'number') {
        f.node ??= this.node(loc);
        this.own(t, loc);
        this.inDir(t, loc, IN_CREATE, false);
        this.inDir(t, loc, IN_OPEN, false);
      }
      return f;
    }
    if (creat && flags & O_EXCL) return -EEXIST;
    if (loc.file) {
      loc.file.refs++;
      return loc.file;
    }
    const st = loc.stat;
    if (flags & O_PATH) {
      const f = new PathFile(flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW | 0o2000000), gpath);
      f.node = this.node(loc);
      if (flags & O_DIRECTORY && !isDir(st.mode)) return -ENOTDIR;
      return f;
    }
    if (flags & O_DIRECTORY && !isDir(st.mode)) return -ENOTDIR;
    if (isLink(st.mode)) return -ELOOP;
    const acc = flags & O_ACCMODE;
    if (isDir(st.mode)) {
      if (acc !== O_RDONLY || creat || flags & O_TRUNC) return -EISDIR;
      if (!permits(st, t.proc.creds, R_OK)) return -EACCES;
      const parent = loc.comps.length ? this.lstatAt(t, loc.comps.slice(0, -1)) : st;
      return new DirectoryFile(flags, gpath, this.node(loc), typeof parent === 'number' ? 0 : parent.ino);
    }
    const want = (acc === O_RDONLY ? R_OK : acc === O_WRONLY ? W_OK : acc === O_RDWR ? R_OK | W_OK : 0)
      | (flags & O_TRUNC ? W_OK : 0);
    if (!permits(st, t.proc.creds, want)) return -EACCES;
    if ((st.mode & S_IFMT) === S_IFIFO) return this.openFifo(t, loc, flags);
    if (want & W_OK && this.isReadOnly(loc.mount) && isReg(st.mode)) return -EROFS;
    const f = loc.mount.backend.open(loc.bpath, flags & ~(O_CREAT | O_EXCL), 0, gpath);
    if (typeof f !== 'number') {
      f.node ??= this.node(loc);
      if (flags & O_TRUNC && isReg(st.mode)) this.touched(t, loc, IN_MODIFY);
      this.touched(t, loc, IN_OPEN);
    }
    return f;
  }

  // A named pipe: one pipe per FIFO inode. O_RDONLY waits for a writer, O_WRONLY for a reader
  // (with O_NONBLOCK a reader opens at once and a writer gets ENXIO); O_RDWR never waits. A task
  // waiting in open counts as a reader or writer for as long as its wait is armed, so two openers
  // find each other, and one that a signal takes away stops counting.
  private readonly fifos = new Map<string, Pipe>();
  private openFifo(t: FsCaller, loc: Loc, flags: number): FileDescription | number | Blocked {
    const key = this.keyOf(loc)!;
    let p = this.fifos.get(key);
    if (!p || (!p.readers && !p.writers && !p.waiting.size)) {
      p = new Pipe(this.anonIno()); // no one has it open: what was in it is gone, as on Linux
      this.fifos.set(key, p);
    }
    const pipe = p;
    const acc = flags & O_ACCMODE;
    const reader = acc === O_RDONLY;
    const prev = resumed(t, 'fifo-open');
    const mine = prev && prev.reader === reader ? prev : undefined;
    if (t.resumed) pipe.waiting.delete(t.resumed);
    // the other side is there, or came (and maybe went) while this open waited
    const partner = (reader ? pipe.hasWriters() : pipe.hasReaders()) || (mine !== undefined && pipe.opens[reader ? 1 : 0] !== mine.other);
    if (acc === O_RDWR || (reader && flags & O_NONBLOCK) || partner) {
      const f = new FifoEnd(pipe, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY), () => this.host.realtimeNs(), this.guestPath(loc));
      f.node = this.node(loc);
      this.touched(t, loc, IN_OPEN);
      return f;
    }
    if (!reader && flags & O_NONBLOCK) return -ENXIO;
    const on = { kind: 'fifo-open' as const, reader, other: mine?.other ?? pipe.opens[reader ? 1 : 0] };
    const wait = new Blocked(on, [{ on: pipe.queue, events: reader ? POLLIN : POLLOUT }]);
    // counted while it waits, and once woken until its open runs again
    pipe.waiting.set(wait, { role: reader ? 'r' : 'w', live: () => wait.disarm !== undefined || t.resumed === wait });
    if (!mine) pipe.notify(reader ? POLLOUT : POLLIN); // the other side's waiting open looks again
    return wait;
  }

  // O_TMPFILE: an unnamed file in the directory at `path`; the errnos in the order Linux checks.
  private openTmpfile(t: FsCaller, dirfd: number, path: string, flags: number, mode: number): FileDescription | number {
    const acc = flags & O_ACCMODE;
    if ((flags & (O_TMPFILE | O_CREAT)) !== O_TMPFILE || (acc !== O_WRONLY && acc !== O_RDWR)) return -EINVAL;
    const loc = this.resolve(t, dirfd, path, { follow: !(flags & O_NOFOLLOW), allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (!isDir(loc.stat.mode)) return -ENOTDIR;
    if (loc.file) return -EOPNOTSUPP;
    if (this.isReadOnly(loc.mount)) return -EROFS;
    if (!permits(loc.stat, t.proc.creds, W_OK | X_OK)) return -EACCES;
    const b = loc.mount.backend;
    if (!b.tmpfile) return -EOPNOTSUPP;
    const f = b.tmpfile(loc.bpath, flags, mode & ~t.proc.fs.umask & 0o7777, this.guestPath(loc));
    if (typeof f !== 'number') f.node ??= { backend: b, path: loc.bpath, dev: loc.mount.dev };
    return f;
  }

  // The executable at `path` for execve: ENOENT, EACCES for directories, other
  // non-regular files and files without execute permission.
  openExec(t: FsCaller, path: string | Uint8Array): { image: FileImage; path: string } | number {
    const p = typeof path === 'string' ? path : pathFromBytes(path);
    const loc = this.resolve(t, AT_FDCWD, p, { follow: true });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (!isReg(loc.stat.mode) || !permits(loc.stat, t.proc.creds, X_OK)) return -EACCES;
    if (loc.mount.flags & MS_NOEXEC) return -EACCES;
    const f = this.openLoc(t, loc, O_RDONLY);
    if (typeof f === 'number') return f;
    if (f instanceof Blocked) return -EACCES; // (a regular file: never)
    const size = loc.stat.size;
    const name = this.viewPath(t, this.guestPath(loc)) ?? this.guestPath(loc);
    const image: FileImage = {
      size, name,
      read(offset: number, len: number): Uint8Array {
        const r = f.read(Math.max(0, Math.min(len, size - offset)), offset);
        return r instanceof Uint8Array ? r : new Uint8Array(0);
      },
    };
    return { image, path: name };
  }

  // --- queries --------------------------------------------------------------------
  // stat/lstat/fstatat. With AT_EMPTY_PATH and an empty path, the dirfd itself.
  stat(t: FsCaller, dirfd: number, path: string, flags: number): Stat | number {
    if (path === '' && flags & AT_EMPTY_PATH) return this.fdStat(t, dirfd);
    const loc = this.resolve(t, dirfd, path, { follow: !(flags & AT_SYMLINK_NOFOLLOW), allowMissing: false });
    if (typeof loc === 'number') return loc;
    return this.statOf(loc);
  }
  private statOf(loc: Loc): Stat | number {
    if (!loc.stat) return -ENOENT;
    if (loc.file) return loc.stat;
    return { ...loc.stat, dev: loc.mount.backend.type === 'hostfs' ? loc.stat.dev : loc.mount.dev };
  }
  fdStat(t: FsCaller, fd: number): Stat | number {
    const f = fd === AT_FDCWD ? undefined : t.proc.files.get(fd);
    if (fd === AT_FDCWD) return this.stat(t, AT_FDCWD, '.', 0);
    return f ? guestStat(f) : -EBADF;
  }

  // access(2) asks as the real user and group, all the way down the path; AT_EACCESS as the effective ones.
  access(t: FsCaller, dirfd: number, path: string, mode: number, flags = 0): number {
    if (mode & ~7) return -EINVAL;
    const c = t.proc.creds;
    const creds = flags & AT_EACCESS ? c : { ...c, euid: c.uid, egid: c.gid };
    if (path === '' && flags & AT_EMPTY_PATH) {
      const s = this.fdStat(t, dirfd);
      if (typeof s === 'number') return s;
      return permits(s, creds, mode) ? 0 : -EACCES;
    }
    const loc = this.resolve(t, dirfd, path, { follow: !(flags & AT_SYMLINK_NOFOLLOW), allowMissing: false, creds });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (mode & W_OK && this.isReadOnly(loc.mount) && !loc.file) return -EROFS;
    return permits(loc.stat, creds, mode) ? 0 : -EACCES;
  }

  readlink(t: FsCaller, dirfd: number, path: string): string | number {
    const loc = this.resolve(t, dirfd, path, { follow: false, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat || !isLink(loc.stat.mode)) return -EINVAL;
    return loc.mount.backend.readlink(loc.bpath);
  }

  statfs(t: FsCaller, path: string): StatFs | number {
    const loc = this.resolve(t, AT_FDCWD, path, { follow: true, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (loc.file) return this.statfsFile(t, loc.file) ?? -ENOENT;
    return this.withMountFlags(loc.mount.backend.statfs(), loc.mount);
  }
  // fstatfs: the file's file system, with the flags of the mount it was opened through.
  statfsFile(t: FsCaller, f: FileDescription): StatFs | undefined {
    const node = f.node;
    if (!node) return undefined;
    let m: Mount | undefined = f.path.startsWith('/') ? this.mountFor(t, splitPath(f.path)) : undefined;
    if (m?.backend !== node.backend) m = this.ns(t).list().find((x) => x.backend === node.backend);
    const s = node.backend.statfs();
    return m ? this.withMountFlags(s, m) : s;
  }
  // f_flags as Linux reports them: ST_VALID, and the mount's ST_RDONLY, ST_NOSUID, … ST_RELATIME.
  private withMountFlags(s: StatFs, m: Mount): StatFs {
    const ST_VALID = 0x20, ST_RELATIME = 0x1000;
    let flags = ST_VALID | (m.flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_NOSYMFOLLOW));
    if (this.isReadOnly(m)) flags |= MS_RDONLY;
    if (!(m.flags & (MS_NOATIME | MS_STRICTATIME))) flags |= ST_RELATIME;
    return { ...s, flags };
  }

  // --- changes --------------------------------------------------------------------
  mkdir(t: FsCaller, dirfd: number, path: string, mode: number): number {
    const loc = this.resolve(t, dirfd, path, { follow: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (loc.stat || loc.comps.length === 0) return -EEXIST;
    const w = this.mayWriteParent(t, loc);
    if (w) return w;
    // mkdir keeps the sticky bit of `mode`, not set-user-ID or set-group-ID (a set-group-ID parent passes its own on)
    const r = loc.mount.backend.mkdir(loc.bpath, mode & ~t.proc.fs.umask & 0o1777);
    if (!r) { this.own(t, loc); this.inDir(t, loc, IN_CREATE, true); }
    return r;
  }

  mknod(t: FsCaller, dirfd: number, path: string, mode: number): number {
    const type = mode & S_IFMT;
    if (type !== 0 && type !== S_IFREG && type !== S_IFIFO) return -EPERM; // sockets come from bind(2), devices need CAP_MKNOD
    const loc = this.resolve(t, dirfd, path, { follow: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (loc.stat) return -EEXIST;
    if (loc.trailingSlash) return -ENOENT;
    const w = this.mayWriteParent(t, loc);
    if (w) return w;
    const b = loc.mount.backend;
    if (b.mknod) {
      const r = b.mknod(loc.bpath, (type || S_IFREG) | (mode & ~t.proc.fs.umask & 0o7777));
      if (!r) { this.own(t, loc); this.inDir(t, loc, IN_CREATE, false); }
      return r;
    }
    if (type === S_IFIFO) return -EPERM;
    const f = b.open(loc.bpath, O_WRONLY | O_CREAT | O_EXCL, mode & ~t.proc.fs.umask & 0o7777, this.guestPath(loc));
    if (typeof f === 'number') return f;
    f.release();
    this.own(t, loc);
    this.inDir(t, loc, IN_CREATE, false);
    return 0;
  }

  // bind(2) of an AF_UNIX socket to a path: a socket inode, mode & ~umask.
  // Returns its stat: (dev, ino) is the name connect(2) finds the socket by.
  bindSocket(t: FsCaller, dirfd: number, path: string, mode: number): Stat | number {
    const loc = this.resolve(t, dirfd, path, { follow: false });
    if (typeof loc === 'number') return loc;
    if (loc.stat) return -EADDRINUSE;
    if (loc.trailingSlash) return -ENOENT;
    const w = this.mayWriteParent(t, loc);
    if (w) return w;
    const b = loc.mount.backend;
    if (!b.mknod) return -EPERM;
    const r = b.mknod(loc.bpath, S_IFSOCK | (mode & ~t.proc.fs.umask & 0o7777));
    if (r < 0) return r === -EEXIST ? -EADDRINUSE : r;
    this.own(t, loc);
    const st = b.lstat(loc.bpath);
    return typeof st === 'number' ? st : this.statOf({ ...loc, stat: st });
  }

  rmdir(t: FsCaller, dirfd: number, path: string): number {
    const loc = this.resolve(t, dirfd, path, { follow: false, allowMissing: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (!isDir(loc.stat.mode)) return -ENOTDIR;
    const lastWritten = path.replace(/\/+$/, '').split('/').pop();
    if (lastWritten === '.') return -EINVAL;
    if (lastWritten === '..') return -ENOTEMPTY;
    if (loc.comps.length === 0 || this.isMountPoint(t, loc)) return -EBUSY;
    const w = this.mayWriteParent(t, loc) || this.sticky(t, loc);
    if (w) return w;
    const r = loc.mount.backend.rmdir(loc.bpath);
    if (!r) { this.inDir(t, loc, IN_DELETE, true); this.unlinked(loc, loc.stat); }
    return r;
  }

  unlink(t: FsCaller, dirfd: number, path: string): number {
    const loc = this.resolve(t, dirfd, path, { follow: false, allowMissing: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (isDir(loc.stat.mode)) return -EISDIR;
    if (loc.trailingSlash) return -ENOTDIR;
    const w = this.mayWriteParent(t, loc) || this.sticky(t, loc);
    if (w) return w;
    const r = loc.mount.backend.unlink(loc.bpath);
    if (!r) { this.unlinked(loc, loc.stat); this.inDir(t, loc, IN_DELETE, false); }
    return r;
  }

  rename(t: FsCaller, olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags = 0): number {
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
    if (flags & RENAME_EXCHANGE && flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) return -EINVAL;
    const exchange = (flags & RENAME_EXCHANGE) !== 0;
    const from = this.resolve(t, olddirfd, oldpath, { follow: false, allowMissing: false, keepLast: true });
    if (typeof from === 'number') return from;
    const to = this.resolve(t, newdirfd, newpath, { follow: false, allowMissing: !exchange, keepLast: true });
    if (typeof to === 'number') return to;
    if (!from.stat || (exchange && !to.stat)) return -ENOENT;
    const lastOf = (p: string) => p.replace(/\/+$/, '').split('/').pop();
    if (['.', '..'].includes(lastOf(oldpath)!) || ['.', '..'].includes(lastOf(newpath)!)) return -EBUSY;
    if (from.comps.length === 0 || to.comps.length === 0 || this.isMountPoint(t, from) || this.isMountPoint(t, to)) return -EBUSY;
    if (from.mount !== to.mount) return -EXDEV;
    if (exchange) return this.exchange(t, from, to);
    if ((from.trailingSlash || to.trailingSlash) && !isDir(from.stat.mode)) return -ENOTDIR;
    const same = from.comps.length === to.comps.length && from.comps.every((c, i) => to.comps[i] === c);
    if (to.stat) {
      if (flags & RENAME_NOREPLACE) return -EEXIST;
      if (same || (to.stat.ino === from.stat.ino && to.stat.dev === from.stat.dev)) return 0;
      if (isDir(from.stat.mode) && !isDir(to.stat.mode)) return -ENOTDIR;
      if (!isDir(from.stat.mode) && isDir(to.stat.mode)) return -EISDIR;
    }
    if (isDir(from.stat.mode) && to.comps.length > from.comps.length && from.comps.every((c, i) => to.comps[i] === c)) {
      return -EINVAL;
    }
    if (to.comps.length < from.comps.length && to.comps.every((c, i) => from.comps[i] === c)) return -ENOTEMPTY;
    const w = this.mayWriteParent(t, from) || this.sticky(t, from) || this.mayWriteParent(t, to) || this.sticky(t, to);
    if (w) return w;
    // a directory moving to another parent must itself be writable: its '..' changes
    const fromParent = from.comps.slice(0, -1), toParent = to.comps.slice(0, -1);
    const moves = fromParent.length !== toParent.length || fromParent.some((c, i) => toParent[i] !== c);
    if (isDir(from.stat.mode) && moves && !permits(from.stat, t.proc.creds, W_OK)) return -EACCES;
    if (flags & RENAME_WHITEOUT) {
      // needs CAP_MKNOD; then no backend here stores whiteouts as Linux does: as a file system without them
      return t.proc.creds.euid !== 0 ? -EPERM : -EINVAL;
    }
    const r = from.mount.backend.rename(from.bpath, to.bpath);
    if (!r && this.notify.active) {
      const cookie = this.notify.nextCookie(), dir = isDir(from.stat.mode);
      this.inDir(t, from, IN_MOVED_FROM, dir, cookie);
      this.inDir(t, to, IN_MOVED_TO, dir, cookie);
      this.notify.emit(this.keyOf(from), IN_MOVE_SELF | (dir ? IN_ISDIR : 0));
      if (to.stat) this.unlinked(to, to.stat);
    }
    return r;
  }

  // renameat2(RENAME_EXCHANGE): both names exist, on one mount.
  private exchange(t: FsCaller, a: Loc, b: Loc): number {
    const sa = a.stat!, sb = b.stat!;
    if ((a.trailingSlash && !isDir(sa.mode)) || (b.trailingSlash && !isDir(sb.mode))) return -ENOTDIR;
    const same = a.comps.length === b.comps.length && a.comps.every((c, i) => b.comps[i] === c);
    if (same || (sa.ino === sb.ino && sa.dev === sb.dev)) return 0;
    const inside = (x: Loc, y: Loc) => y.comps.length > x.comps.length && x.comps.every((c, i) => y.comps[i] === c);
    if (inside(a, b) || inside(b, a)) return -EINVAL;
    const w = this.mayWriteParent(t, a) || this.sticky(t, a) || this.mayWriteParent(t, b) || this.sticky(t, b);
    if (w) return w;
    // directories that change parent must themselves be writable: their '..' changes
    const aParent = a.comps.slice(0, -1), bParent = b.comps.slice(0, -1);
    const moves = aParent.length !== bParent.length || aParent.some((c, i) => bParent[i] !== c);
    if (moves && ((isDir(sa.mode) && !permits(sa, t.proc.creds, W_OK)) || (isDir(sb.mode) && !permits(sb, t.proc.creds, W_OK)))) return -EACCES;
    const backend = a.mount.backend;
    return backend.exchange ? backend.exchange(a.bpath, b.bpath) : -EINVAL;
  }

  link(t: FsCaller, olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags = 0): number {
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
    if (oldpath === '' && flags & AT_EMPTY_PATH) {
      const f = t.proc.files.get(olddirfd);
      if (!f) return -EBADF;
      return this.linkOpenFile(t, f, newdirfd, newpath);
    }
    const from = this.resolve(t, olddirfd, oldpath, { follow: (flags & AT_SYMLINK_FOLLOW) !== 0, allowMissing: false });
    if (typeof from === 'number') return from;
    if (from.file) return this.linkOpenFile(t, from.file, newdirfd, newpath);
    return this.linkLoc(t, from, newdirfd, newpath);
  }
  // A new name for an open file: the backend links the file itself (an O_TMPFILE file, one whose names
  // are all gone), or the path it was opened by is linked.
  private linkOpenFile(t: FsCaller, f: FileDescription, newdirfd: number, newpath: string): number {
    if (!f.node) return -ENOENT;
    const st = f.stat();
    if (typeof st === 'number') return st;
    if (isDir(st.mode)) return -EPERM;
    const to = this.resolve(t, newdirfd, newpath, { follow: false });
    if (typeof to === 'number') return to;
    if (to.stat) return -EEXIST;
    if (to.trailingSlash) return -ENOENT;
    if (f.node.backend !== to.mount.backend) return -EXDEV;
    const w = this.mayWriteParent(t, to);
    if (w) return w;
    const r = to.mount.backend.linkFile?.(f, to.bpath);
    if (r !== undefined) return r;
    const from = this.resolve(t, AT_FDCWD, f.path, { follow: false, allowMissing: false, global: true });
    if (typeof from === 'number') return from;
    return this.linkLoc(t, from, newdirfd, newpath);
  }
  private linkLoc(t: FsCaller, from: Loc, newdirfd: number, newpath: string): number {
    if (!from.stat) return -ENOENT;
    if (isDir(from.stat.mode)) return -EPERM;
    const to = this.resolve(t, newdirfd, newpath, { follow: false, keepLast: true });
    if (typeof to === 'number') return to;
    if (to.stat) return -EEXIST;
    if (to.trailingSlash) return -ENOENT;
    if (from.mount !== to.mount || from.file) return -EXDEV;
    const w = this.mayWriteParent(t, to);
    if (w) return w;
    const r = to.mount.backend.link(from.bpath, to.bpath);
    if (!r && this.notify.active) {
      this.notify.emit(this.keyOf(from), IN_ATTRIB); // its link count: the inode's own watches only
      this.inDir(t, to, IN_CREATE, false);
    }
    return r;
  }

  symlink(t: FsCaller, target: string, newdirfd: number, newpath: string): number {
    if (target.length === 0) return -ENOENT;
    if (target.length >= PATH_MAX) return -ENAMETOOLONG;
    const loc = this.resolve(t, newdirfd, newpath, { follow: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (loc.stat) return -EEXIST;
    if (loc.trailingSlash) return -ENOENT;
    const w = this.mayWriteParent(t, loc);
    if (w) return w;
    const r = loc.mount.backend.symlink(target, loc.bpath);
    if (!r) { this.own(t, loc); this.inDir(t, loc, IN_CREATE, false); }
    return r;
  }

  // Resolve for an attribute change: the open file (AT_EMPTY_PATH, or a magic link) or a location.
  private target(t: FsCaller, dirfd: number, path: string, flags: number): { f?: FileDescription; loc?: Loc } | number {
    if (path === '' && flags & AT_EMPTY_PATH) {
      const f = t.proc.files.get(dirfd);
      return f ? { f } : -EBADF;
    }
    const loc = this.resolve(t, dirfd, path, { follow: !(flags & AT_SYMLINK_NOFOLLOW), allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    return loc.file ? { f: loc.file } : { loc };
  }
  // IN_ATTRIB after a successful attribute change (r: its result).
  private attrib(r: number, f?: FileDescription, t?: FsCaller, loc?: Loc): number {
    if (r === 0 && this.notify.active) {
      if (f) this.fileEvent(f, IN_ATTRIB);
      else if (t && loc) this.touched(t, loc, IN_ATTRIB);
    }
    return r;
  }
  private owns(t: FsCaller, st: Stat): boolean { return t.proc.creds.euid === 0 || t.proc.creds.euid === st.uid; }

  chmod(t: FsCaller, dirfd: number, path: string, mode: number, flags = 0): number {
    const r = this.target(t, dirfd, path, flags);
    if (typeof r === 'number') return r;
    const st = r.f ? r.f.stat() : r.loc!.stat!;
    if (typeof st === 'number') return st;
    if (!this.owns(t, st)) return -EPERM;
    const c = t.proc.creds;
    // set-group-ID only for a member of the file's group
    if (c.euid !== 0 && st.gid !== c.egid && !c.groups.includes(st.gid)) mode &= ~S_ISGID;
    if (r.f) return this.attrib(r.f.chmod(mode & 0o7777), r.f);
    if (isLink(st.mode)) return -EOPNOTSUPP;
    if (this.isReadOnly(r.loc!.mount)) return -EROFS;
    return this.attrib(r.loc!.mount.backend.chmod(r.loc!.bpath, mode & 0o7777), undefined, t, r.loc);
  }

  chown(t: FsCaller, dirfd: number, path: string, uid: number, gid: number, flags = 0): number {
    const r = this.target(t, dirfd, path, flags);
    if (typeof r === 'number') return r;
    const st = r.f ? r.f.stat() : r.loc!.stat!;
    if (typeof st === 'number') return st;
    const c = t.proc.creds;
    if (c.euid !== 0) {
      if (uid !== -1 && uid !== st.uid) return -EPERM;
      if (gid !== -1 && (st.uid !== c.euid || (gid !== c.egid && !c.groups.includes(gid)))) return -EPERM;
    }
    if (r.f) return this.attrib(r.f.chown(uid, gid), r.f);
    if (this.isReadOnly(r.loc!.mount)) return -EROFS;
    return this.attrib(r.loc!.mount.backend.chown(r.loc!.bpath, uid, gid), undefined, t, r.loc);
  }

  utimes(t: FsCaller, dirfd: number, path: string, atime: TimeSpec, mtime: TimeSpec, flags = 0): number {
    const r = this.target(t, dirfd, path, flags);
    if (typeof r === 'number') return r;
    const st = r.f ? r.f.stat() : r.loc!.stat!;
    if (typeof st === 'number') return st;
    // only a touch (both times now) is allowed to a non-owner who may write
    const touch = atime === 'now' && mtime === 'now';
    if (!this.owns(t, st) && (!touch || !permits(st, t.proc.creds, W_OK))) return touch ? -EACCES : -EPERM;
    if (r.f) return this.attrib(r.f.utimes(atime, mtime), r.f);
    if (this.isReadOnly(r.loc!.mount)) return -EROFS;
    return this.attrib(r.loc!.mount.backend.utimes(r.loc!.bpath, atime, mtime), undefined, t, r.loc);
  }

  truncate(t: FsCaller, path: string, len: number): number {
    if (len < 0) return -EINVAL;
    const loc = this.resolve(t, AT_FDCWD, path, { follow: true, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (isDir(loc.stat.mode)) return -EISDIR;
    if (!isReg(loc.stat.mode)) return -EINVAL;
    if (!permits(loc.stat, t.proc.creds, W_OK)) return -EACCES;
    if (this.isReadOnly(loc.mount)) return -EROFS;
    const r = loc.mount.backend.truncate(loc.bpath, len);
    const kill = killPrivs(t.proc.creds, loc.stat.mode);
    if (!r && kill) loc.mount.backend.chmod(loc.bpath, loc.stat.mode & 0o7777 & ~kill);
    if (!r) this.touched(t, loc, IN_MODIFY);
    return r;
  }

  // chdir(2): the new cwd (a guest path), or -errno.
  chdir(t: FsCaller, dirfd: number, path: string): number {
    const loc = this.resolve(t, dirfd, path, { follow: true, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (!isDir(loc.stat.mode)) return -ENOTDIR;
    if (!permits(loc.stat, t.proc.creds, X_OK)) return -EACCES;
    t.proc.fs.cwd = loc.file ? loc.file.path : this.guestPath(loc);
    return 0;
  }

  // chroot(2): the caller's new root. Only root may (CAP_SYS_CHROOT), checked after the lookup as Linux
  // does. The root is a global guest path: nothing a guest does reaches above the machine's own root.
  chroot(t: FsCaller, path: string): number {
    const loc = this.resolve(t, AT_FDCWD, path, { follow: true, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (!isDir(loc.stat.mode)) return -ENOTDIR;
    if (!permits(loc.stat, t.proc.creds, X_OK)) return -EACCES;
    if (t.proc.creds.euid !== 0) return -EPERM;
    const target = loc.file ? loc.file.path : this.guestPath(loc);
    if (!target.startsWith('/')) return -ENOTDIR;
    t.proc.fs.root = target;
    return 0;
  }

  // --- inotify ------------------------------------------------------------------------
  // The key of an inode as the guest's stat names it (st_dev:st_ino).
  keyOf(loc: Loc, st = loc.stat): string | undefined {
    if (!st) return undefined;
    return `${loc.file || loc.mount.backend.type === 'hostfs' ? st.dev : loc.mount.dev}:${st.ino}`;
  }
  private parentKey(t: FsCaller, loc: Loc): string | undefined {
    if (!loc.comps.length) return undefined;
    const p = this.parentOf(t, loc).stat;
    return typeof p === 'number' ? undefined : this.keyOf({ ...loc, file: undefined }, p);
  }
  // An event for the entry `loc` in its directory's watches (created, deleted, moved).
  private inDir(t: FsCaller, loc: Loc, mask: number, dir: boolean, cookie = 0): void {
    if (this.notify.active) this.notify.emit(this.parentKey(t, loc), mask | (dir ? IN_ISDIR : 0), loc.comps[loc.comps.length - 1], cookie);
  }
  // An event for the inode at `loc` itself and, named, for its directory (modify, attrib, open…).
  private touched(t: FsCaller, loc: Loc, mask: number, st = loc.stat): void {
    if (!this.notify.active || !st) return;
    const dir = isDir(st.mode) ? IN_ISDIR : 0;
    if (!loc.file) this.inDir(t, loc, mask, dir !== 0); // the directory hears first, as on Linux
    this.notify.emit(this.keyOf(loc, st), mask | dir);
  }
  // The same for an open file (FileNode.events): write, truncate, close, read.
  fileEvent(f: FileDescription, mask: number): void {
    if (!this.notify.active || !f.node) return;
    const st = guestStat(f);
    if (typeof st === 'number') return;
    const dir = isDir(st.mode) ? IN_ISDIR : 0;
    const { backend, path, dev } = f.node;
    if (path !== '/' && st.nlink > 0) {
      const cut = path.lastIndexOf('/');
      const pst = backend.lstat(path.slice(0, cut) || '/');
      if (typeof pst !== 'number') this.notify.emit(`${backend.type === 'hostfs' ? pst.dev : dev}:${pst.ino}`, mask | dir, path.slice(cut + 1));
    }
    this.notify.emit(`${st.dev}:${st.ino}`, mask | dir);
  }
  // An inode lost a name: its link count changed, or it is gone.
  private unlinked(loc: Loc, st: Stat): void {
    if (!this.notify.active) return;
    const key = this.keyOf(loc, st);
    if (!isDir(st.mode)) this.notify.emit(key, IN_ATTRIB); // its link count
    if (isDir(st.mode) || st.nlink <= 1) this.notify.emit(key, IN_DELETE_SELF | (isDir(st.mode) ? IN_ISDIR : 0));
  }

  // --- stdio ------------------------------------------------------------------------
  stdinFile(host: Host = this.host): FileDescription { return this.stdio(host, 0); }
  stdoutFile(host: Host = this.host): FileDescription { return this.stdio(host, 1); }
  stderrFile(host: Host = this.host): FileDescription { return this.stdio(host, 2); }
  // The machine's terminal is /dev/pts/0: fstat matches stat of that name (ttyname).
  private stdio(host: Host, which: 0 | 1 | 2): FileDescription {
    const f = new StdioFile(host, which, this.pts.hostTermios);
    if (f.isTTY && host === this.host) f.node = { backend: this.pts, path: '/0', dev: this.mounts.devOf(this.pts) };
    return f;
  }

  // A read-only file with fixed contents (for the kernel: e.g. /proc files it generates).
  static bufferFile(path: string, data: Uint8Array, st: () => Stat): FileDescription {
    return new BufferFile(O_RDONLY, path, data, st);
  }
}

export function splitPath(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}
