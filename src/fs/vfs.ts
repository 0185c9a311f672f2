// The VFS: a mount tree over backends, and the path walk that Linux does
// (namei): component by component, symlinks resolved here (never by a
// backend), absolute links and `..` confined to the guest's root, 40 links at
// most, trailing slashes, permissions against the caller's credentials.
//
// Paths are byte strings: one char per byte (latin1), so that any name a guest
// can make survives. Convert with pathFromBytes / pathToBytes.
import type { Host } from '../host/host.js';
import type { FileImage } from '../elf/elf.js';
import type { FsBackend, StatFs } from './backend.js';
import {
  BufferFile, DirectoryFile, FileDescription, PathFile, isDir, isLink, isReg, type FileNode, type Stat, type TimeSpec,
  O_ACCMODE, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_RDONLY, O_RDWR, O_TMPFILE, O_TRUNC, O_WRONLY,
  S_IFMT, S_IFREG, S_IFIFO, S_IFSOCK, guestStat,
} from './file.js';
import {
  EACCES, EADDRINUSE, EBADF, EBUSY, EEXIST, EINVAL, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, EOPNOTSUPP, EPERM,
  EROFS, EXDEV,
} from '../kernel/errno.js';
import { DevFs } from './devfs.js';
import { Tmpfs } from './tmpfs.js';
import { ProcFs, type ProcSource } from './procfs.js';
import { StdioFile } from './stdio.js';
import { DevPts, type TtyJobs } from './pty.js';

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
export interface FsCaller {
  readonly tid: number;
  readonly proc: {
    readonly pid: number;
    fs: { cwd: string; umask: number };
    creds: FsCreds;
    files: { get(fd: number): FileDescription | undefined };
  };
}

export interface Mount { path: string; comps: string[]; backend: FsBackend; dev: number }

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
interface WalkOpts { follow: boolean; allowMissing?: boolean; keepLast?: boolean; creds?: FsCreds }

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
  private mounts: Mount[] = [];
  // The task making the current call (procfs answers /proc/self from it).
  caller?: FsCaller;
  private nextDev = 0x30;

  // The pseudo-terminals (/dev/ptmx, /dev/pts).
  readonly pts: DevPts;

  constructor(opts: { root: FsBackend; host: Host; proc?: ProcSource; jobs?: TtyJobs }) {
    this.host = opts.host;
    this.pts = new DevPts(opts.host, opts.jobs);
    this.mount('/', opts.root);
    this.mount('/dev', new DevFs(opts.host, this.pts));
    this.mount('/dev/pts', this.pts);
    this.mount('/dev/shm', new Tmpfs({ now: () => opts.host.realtimeNs(), mode: 0o1777 }));
    this.mount('/proc', new ProcFs(() => this.caller, opts.proc, this));
  }

  // Mount `backend` at the guest path `path` (which need not exist in the parent).
  mount(path: string, backend: FsBackend): void {
    const comps = path.split('/').filter((c) => c !== '' && c !== '.');
    this.mounts = this.mounts.filter((m) => m.path !== '/' + comps.join('/'));
    this.mounts.push({ path: '/' + comps.join('/'), comps, backend, dev: this.nextDev++ });
    this.mounts.sort((a, b) => b.comps.length - a.comps.length);
  }
  mountList(): readonly Mount[] { return [...this.mounts].reverse(); }

  private mountFor(comps: string[]): Mount {
    for (const m of this.mounts) {
      if (m.comps.length <= comps.length && m.comps.every((c, i) => comps[i] === c)) return m;
    }
    throw new Error('no root mount');
  }
  private place(comps: string[]): { mount: Mount; bpath: string } {
    const mount = this.mountFor(comps);
    return { mount, bpath: '/' + comps.slice(mount.comps.length).join('/') };
  }
  private lstatAt(comps: string[]): Stat | number {
    const { mount, bpath } = this.place(comps);
    return mount.backend.lstat(bpath);
  }

  // --- the path walk ------------------------------------------------------------
  // The directory a relative path starts from.
  private start(t: FsCaller, dirfd: number, path: string): string[] | number {
    if (path.startsWith('/')) return [];
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
    const start = this.start(t, dirfd, path);
    if (typeof start === 'number') return start;
    let comps = start;
    const pending = path.split('/').reverse();
    const trailingSlash = path.endsWith('/') && path.replace(/\/+$/, '') !== '';
    const slashFollows = trailingSlash && !opts.keepLast;
    let links = 0;
    let st: Stat | undefined;
    let last = '';
    const creds = opts.creds ?? t.proc.creds;
    // A trailing '.' (like a trailing '/') makes the component before it a directory to enter, not the last one.
    const isLastLeft = () => pending.every((c) => c === '');
    while (pending.length) {
      const name = pending.pop()!;
      if (name === '' || name === '.') { if (name === '.') last = ''; continue; }
      if (name === '..') { comps.pop(); st = undefined; last = ''; continue; }
      if (name.length > NAME_MAX) return -ENAMETOOLONG;
      if (creds.euid !== 0) {
        const dst = this.lstatAt(comps);
        if (typeof dst === 'number') return dst;
        if (!permits(dst, creds, X_OK)) return -EACCES;
      }
      const next = [...comps, name];
      const isLast = isLastLeft();
      const { mount, bpath } = this.place(next);
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
        if (target.startsWith('/')) comps = [];
        for (const c of target.split('/').reverse()) pending.push(c);
        st = undefined;
        continue;
      }
      if (!isDir(s.mode) && (!isLast || slashFollows)) return -ENOTDIR;
      comps = next;
      st = s;
      last = name;
    }
    const { mount, bpath } = this.place(comps);
    if (!st) {
      const s = mount.backend.lstat(bpath);
      if (typeof s === 'number') return s;
      st = s;
    }
    return { comps, mount, bpath, stat: st, trailingSlash, last };
  }

  guestPath(loc: Loc): string { return '/' + loc.comps.join('/'); }
  private node(loc: Loc): FileNode { return { backend: loc.mount.backend, path: loc.bpath, dev: loc.mount.dev }; }
  private parentOf(loc: Loc): { stat: Stat | number; comps: string[] } {
    const comps = loc.comps.slice(0, -1);
    return { stat: this.lstatAt(comps), comps };
  }
  private mayWriteParent(t: FsCaller, loc: Loc): number {
    if (loc.mount.backend.readOnly) return -EROFS;
    if (t.proc.creds.euid === 0) return 0;
    const p = this.parentOf(loc).stat;
    if (typeof p === 'number') return p;
    return permits(p, t.proc.creds, W_OK | X_OK) ? 0 : -EACCES;
  }
  // In a sticky directory only root, the entry's owner and the directory's owner remove or rename it.
  private sticky(t: FsCaller, loc: Loc): number {
    const c = t.proc.creds;
    if (c.euid === 0 || !loc.stat || loc.stat.uid === c.euid) return 0;
    const p = this.parentOf(loc).stat;
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
    const p = this.parentOf(loc).stat;
    const gid = typeof p !== 'number' && p.mode & S_ISGID ? p.gid : c.egid;
    if (st.uid !== c.euid || st.gid !== gid) b.chown(loc.bpath, st.uid === c.euid ? -1 : c.euid, st.gid === gid ? -1 : gid);
  }
  private isMountPoint(loc: Loc): boolean {
    return this.mounts.some((m) => m.comps.length === loc.comps.length && m.comps.every((c, i) => loc.comps[i] === c));
  }

  // --- opening ------------------------------------------------------------------
  // open(2)/openat(2): a new description (the caller installs it: it holds one reference).
  open(t: FsCaller, dirfd: number, path: string, flags: number, mode: number): FileDescription | number {
    if ((flags & O_TMPFILE) === O_TMPFILE) return -EOPNOTSUPP;
    const creat = (flags & O_CREAT) !== 0 && !(flags & O_PATH);
    const follow = !(flags & O_NOFOLLOW) && !(creat && flags & O_EXCL);
    const loc = this.resolve(t, dirfd, path, { follow, keepLast: creat });
    if (typeof loc === 'number') return loc;
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
      const parent = loc.comps.length ? this.lstatAt(loc.comps.slice(0, -1)) : st;
      return new DirectoryFile(flags, gpath, this.node(loc), typeof parent === 'number' ? 0 : parent.ino);
    }
    const want = (acc === O_RDONLY ? R_OK : acc === O_WRONLY ? W_OK : acc === O_RDWR ? R_OK | W_OK : 0)
      | (flags & O_TRUNC ? W_OK : 0);
    if (!permits(st, t.proc.creds, want)) return -EACCES;
    if (want & W_OK && loc.mount.backend.readOnly && isReg(st.mode)) return -EROFS;
    const f = loc.mount.backend.open(loc.bpath, flags & ~(O_CREAT | O_EXCL), 0, gpath);
    if (typeof f !== 'number') f.node ??= this.node(loc);
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
    const f = this.open(t, AT_FDCWD, this.guestPath(loc), O_RDONLY, 0);
    if (typeof f === 'number') return f;
    const size = loc.stat.size;
    const name = this.guestPath(loc);
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
    if (mode & W_OK && loc.mount.backend.readOnly && !loc.file) return -EROFS;
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
    return loc.mount.backend.statfs();
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
    if (!r) this.own(t, loc);
    return r;
  }

  mknod(t: FsCaller, dirfd: number, path: string, mode: number): number {
    const type = mode & S_IFMT;
    if (type !== 0 && type !== S_IFREG) return type === S_IFIFO || type === S_IFSOCK ? -EPERM : -EPERM;
    const loc = this.resolve(t, dirfd, path, { follow: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (loc.stat) return -EEXIST;
    if (loc.trailingSlash) return -ENOENT;
    const w = this.mayWriteParent(t, loc);
    if (w) return w;
    const b = loc.mount.backend;
    if (b.mknod) {
      const r = b.mknod(loc.bpath, S_IFREG | (mode & ~t.proc.fs.umask & 0o7777));
      if (!r) this.own(t, loc);
      return r;
    }
    const f = b.open(loc.bpath, O_WRONLY | O_CREAT | O_EXCL, mode & ~t.proc.fs.umask & 0o7777, this.guestPath(loc));
    if (typeof f === 'number') return f;
    f.release();
    this.own(t, loc);
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
    if (loc.comps.length === 0 || this.isMountPoint(loc)) return -EBUSY;
    const w = this.mayWriteParent(t, loc) || this.sticky(t, loc);
    if (w) return w;
    return loc.mount.backend.rmdir(loc.bpath);
  }

  unlink(t: FsCaller, dirfd: number, path: string): number {
    const loc = this.resolve(t, dirfd, path, { follow: false, allowMissing: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (isDir(loc.stat.mode)) return -EISDIR;
    if (loc.trailingSlash) return -ENOTDIR;
    const w = this.mayWriteParent(t, loc) || this.sticky(t, loc);
    if (w) return w;
    return loc.mount.backend.unlink(loc.bpath);
  }

  rename(t: FsCaller, olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags = 0): number {
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
    if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) return flags & RENAME_NOREPLACE ? -EINVAL : -EOPNOTSUPP;
    const from = this.resolve(t, olddirfd, oldpath, { follow: false, allowMissing: false, keepLast: true });
    if (typeof from === 'number') return from;
    const to = this.resolve(t, newdirfd, newpath, { follow: false, keepLast: true });
    if (typeof to === 'number') return to;
    if (!from.stat) return -ENOENT;
    const lastOf = (p: string) => p.replace(/\/+$/, '').split('/').pop();
    if (['.', '..'].includes(lastOf(oldpath)!) || ['.', '..'].includes(lastOf(newpath)!)) return -EBUSY;
    if (from.comps.length === 0 || to.comps.length === 0 || this.isMountPoint(from) || this.isMountPoint(to)) return -EBUSY;
    if (from.mount !== to.mount) return -EXDEV;
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
    return from.mount.backend.rename(from.bpath, to.bpath);
  }

  link(t: FsCaller, olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags = 0): number {
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
    let from: Loc | number;
    if (oldpath === '' && flags & AT_EMPTY_PATH) {
      const f = t.proc.files.get(olddirfd);
      if (!f) return -EBADF;
      if (!f.node) return -ENOENT;
      from = this.resolve(t, AT_FDCWD, f.path, { follow: false, allowMissing: false });
    } else {
      from = this.resolve(t, olddirfd, oldpath, { follow: (flags & AT_SYMLINK_FOLLOW) !== 0, allowMissing: false });
    }
    if (typeof from === 'number') return from;
    if (!from.stat) return -ENOENT;
    if (isDir(from.stat.mode)) return -EPERM;
    const to = this.resolve(t, newdirfd, newpath, { follow: false, keepLast: true });
    if (typeof to === 'number') return to;
    if (to.stat) return -EEXIST;
    if (to.trailingSlash) return -ENOENT;
    if (from.mount !== to.mount || from.file) return -EXDEV;
    const w = this.mayWriteParent(t, to);
    if (w) return w;
    return to.mount.backend.link(from.bpath, to.bpath);
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
    if (!r) this.own(t, loc);
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
    if (r.f) return r.f.chmod(mode & 0o7777);
    if (isLink(st.mode)) return -EOPNOTSUPP;
    if (r.loc!.mount.backend.readOnly) return -EROFS;
    return r.loc!.mount.backend.chmod(r.loc!.bpath, mode & 0o7777);
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
    if (r.f) return r.f.chown(uid, gid);
    if (r.loc!.mount.backend.readOnly) return -EROFS;
    return r.loc!.mount.backend.chown(r.loc!.bpath, uid, gid);
  }

  utimes(t: FsCaller, dirfd: number, path: string, atime: TimeSpec, mtime: TimeSpec, flags = 0): number {
    const r = this.target(t, dirfd, path, flags);
    if (typeof r === 'number') return r;
    const st = r.f ? r.f.stat() : r.loc!.stat!;
    if (typeof st === 'number') return st;
    // only a touch (both times now) is allowed to a non-owner who may write
    const touch = atime === 'now' && mtime === 'now';
    if (!this.owns(t, st) && (!touch || !permits(st, t.proc.creds, W_OK))) return touch ? -EACCES : -EPERM;
    if (r.f) return r.f.utimes(atime, mtime);
    if (r.loc!.mount.backend.readOnly) return -EROFS;
    return r.loc!.mount.backend.utimes(r.loc!.bpath, atime, mtime);
  }

  truncate(t: FsCaller, path: string, len: number): number {
    if (len < 0) return -EINVAL;
    const loc = this.resolve(t, AT_FDCWD, path, { follow: true, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (isDir(loc.stat.mode)) return -EISDIR;
    if (!isReg(loc.stat.mode)) return -EINVAL;
    if (!permits(loc.stat, t.proc.creds, W_OK)) return -EACCES;
    if (loc.mount.backend.readOnly) return -EROFS;
    const r = loc.mount.backend.truncate(loc.bpath, len);
    const kill = killPrivs(t.proc.creds, loc.stat.mode);
    if (!r && kill) loc.mount.backend.chmod(loc.bpath, loc.stat.mode & 0o7777 & ~kill);
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

  // --- stdio ------------------------------------------------------------------------
  stdinFile(host: Host = this.host): FileDescription { return this.stdio(host, 0); }
  stdoutFile(host: Host = this.host): FileDescription { return this.stdio(host, 1); }
  stderrFile(host: Host = this.host): FileDescription { return this.stdio(host, 2); }
  // The machine's terminal is /dev/pts/0: fstat matches stat of that name (ttyname).
  private stdio(host: Host, which: 0 | 1 | 2): FileDescription {
    const f = new StdioFile(host, which);
    const m = this.mounts.find((x) => x.backend === this.pts);
    if (f.isTTY && host === this.host && m) f.node = { backend: this.pts, path: '/0', dev: m.dev };
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
