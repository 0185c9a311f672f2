// Open file descriptions. Backends extend FileDescription and override what
// they support; the base answers with the errno Linux gives for the rest.
import type { MappedFile } from '../mm/address-space.js';
import type { Blocked } from '../base/wait.js';
import type { FsBackend, FsNode } from './backend.js';
import type { Mount } from './mounts.js';
import type { Locks } from './locks.js';
import type { Leases } from './leases.js';
import { EBADF, EINVAL, EISDIR, ENODEV, ENOTDIR, ENOTTY, EPERM, ESPIPE, ENXIO, EOPNOTSUPP } from '../base/errno.js';

export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3, O_CREAT = 0o100, O_EXCL = 0o200,
  O_NOCTTY = 0o400, O_TRUNC = 0o1000, O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DSYNC = 0o10000,
  O_ASYNC = 0o20000, O_DIRECT = 0o40000, O_LARGEFILE = 0o100000, O_DIRECTORY = 0o200000,
  O_NOFOLLOW = 0o400000, O_NOATIME = 0o1000000, O_CLOEXEC = 0o2000000, O_SYNC = 0o4010000,
  O_PATH = 0o10000000, O_TMPFILE = 0o20200000, __O_TMPFILE = 0o20000000;

export const S_IFMT = 0o170000, S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000,
  S_IFBLK = 0o60000, S_IFDIR = 0o40000, S_IFCHR = 0o20000, S_IFIFO = 0o10000;
export const DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;
export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

// lseek's new position for a file of `size` at `pos`; `dataOrHole(at, hole)` finds the next
// data or hole for SEEK_DATA/SEEK_HOLE (or -errno). -errno when the position would be bad.
export function seekTo(pos: number, size: number, offset: number, whence: number, dataOrHole: (at: number, hole: boolean) => number): number {
  let to: number;
  switch (whence) {
    case SEEK_SET: to = offset; break;
    case SEEK_CUR: to = pos + offset; break;
    case SEEK_END: to = size + offset; break;
    case SEEK_DATA: case SEEK_HOLE: {
      if (offset < 0) return -ENXIO;
      to = dataOrHole(offset, whence === SEEK_HOLE);
      if (to < 0) return to;
      break;
    }
    default: return -EINVAL;
  }
  // beyond what a JS number holds exactly: as past a file system's s_maxbytes
  return to < 0 || to > Number.MAX_SAFE_INTEGER ? -EINVAL : to;
}

export const dtFromMode = (mode: number): number => (mode & S_IFMT) >>> 12;
export const isDir = (mode: number): boolean => (mode & S_IFMT) === S_IFDIR;
export const isLink = (mode: number): boolean => (mode & S_IFMT) === S_IFLNK;
export const isReg = (mode: number): boolean => (mode & S_IFMT) === S_IFREG;

export interface Stat {
  dev: number; ino: number; mode: number; nlink: number; uid: number; gid: number; rdev: number;
  size: number; blksize: number; blocks: number;
  atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint; btimeNs?: bigint;
}

// name is a byte string (one char per byte, see vfs.ts).
export interface Dirent { ino: number; type: number; name: string }

// Where a description's file lives: its node (what locks, the page cache, a FIFO's pipe and inotify
// watches belong to), so that f* calls without a backend-specific override (fchmod, fchown,
// futimens, fstat) fall back to the backend; and where it was opened: the mount, and for a
// non-directory the directory and name it was opened by (its path in /proc/self/fd).
export interface FileNode {
  backend: FsBackend;
  inode: FsNode;
  dev: number;
  mount?: Mount;
  dir?: FsNode;
  name?: string;
  unlinked?: boolean; // the name it was opened by was removed (its path shows "(deleted)")
  events?: FileEvents;
  locks?: Locks;
  leases?: Leases;
}
// Who hears about changes made through an open file (inotify: IN_MODIFY, IN_CLOSE_WRITE…).
export interface FileEvents { fileEvent(f: FileDescription, mask: number): void }

// Times for utimensat: undefined leaves a time unchanged, 'now' sets the current time.
export type TimeSpec = bigint | 'now' | undefined;

// Who hears about a description's I/O (Linux's f_owner: F_SETOWN(_EX), F_SETSIG) and the descriptor
// it was set through, for si_fd; plain data, so that it travels in a snapshot with the description.
export interface FileOwner { type: number; id: number; sig: number; fd?: number; leaseFd?: number }

export abstract class FileDescription {
  refs = 1; // fd-table slots (in any process) that point here
  node?: FileNode;
  fown?: FileOwner;
  constructor(public flags: number, public readonly path: string) {}
  get readable(): boolean { return (this.flags & O_ACCMODE) !== O_WRONLY && !(this.flags & O_PATH); }
  get writable(): boolean { return (this.flags & O_ACCMODE) !== O_RDONLY && !(this.flags & O_PATH); }

  // Bytes read (at the file position unless pos is given), or -errno, or Blocked.
  read(n: number, pos?: number): Uint8Array | number | Blocked { return -EINVAL; }
  write(data: Uint8Array, pos?: number): number | Blocked { return -EINVAL; }
  // Bytes read at `pos` into `into` (until it is full or at EOF), or -errno: for the kernel's own
  // reads of regular files (exec paging a program in), where read() would make a buffer each time.
  preadInto?(into: Uint8Array, pos: number): number;
  seek(offset: number, whence: number): number { return -ESPIPE; }
  stat(): Stat | number { return this.node ? this.node.backend.getattr(this.node.inode) : -EBADF; }
  // Directory entries from the current position; the position advances past those returned.
  readdir(max: number): Dirent[] | number { return -ENOTDIR; }
  ioctl(request: number, arg: number, mem: GuestMemory): number | Blocked { return -ENOTTY; }
  truncate(len: number): number { return -EINVAL; }
  allocate(offset: number, len: number): number { return -ENODEV; }
  // fallocate(PUNCH_HOLE|KEEP_SIZE): [offset, offset+len) reads as zeros and its space is given back.
  punchHole(offset: number, len: number): number { return -EOPNOTSUPP; }
  sync(): number { return 0; }
  chmod(mode: number): number { return this.node ? this.node.backend.setattr(this.node.inode, { mode }) : -EPERM; }
  chown(uid: number, gid: number): number {
    return this.node ? this.node.backend.setattr(this.node.inode, { uid: uid === -1 ? undefined : uid, gid: gid === -1 ? undefined : gid }) : -EPERM;
  }
  utimes(atime: TimeSpec, mtime: TimeSpec): number { return this.node ? this.node.backend.setattr(this.node.inode, { atime, mtime }) : -EPERM; }
  // Bytes readable without blocking (FIONREAD), when known.
  available(): number { return 0; }
  // Readiness for poll: POLLIN 1, POLLOUT 4, POLLERR 8, POLLHUP 0x10, POLLRDHUP 0x2000 (see wait-queue.ts).
  poll(): number { return 5; }
  // Calls cb once when readiness for any of `events` (POLL* bits) may have
  // changed; returns a canceller. Absent: readiness never changes (poll and
  // epoll take such a description as always ready, epoll_ctl refuses it).
  watch?(events: number, cb: () => void): () => void;
  // Backing for mmap of this file.
  mapping(): MappedFile | number { return -ENODEV; }
  // A descriptor of it is closed by the process `owner` (Linux's flush: each close, not only the last).
  flush?(owner: object): void;
  // The same, for the kernel's own use of a description (a dnotify registration ends there, as Linux's
  // dnotify_flush does).
  onClose?: (owner: object) => void;
  // What /proc/PID/fdinfo/FD adds after pos, flags, mnt_id and ino for this kind of file.
  fdinfo?(): string;
  // The last reference is gone.
  release(): void {}
}

// A description's stat as the guest sees it: st_dev is the mount's device
// (a host directory's files keep the host's), so that st_dev:st_ino names one file.
export function guestStat(f: FileDescription): Stat | number {
  const s = f.stat();
  if (typeof s === 'number' || !f.node || f.node.backend.keepsDev) return s;
  return { ...s, dev: f.node.dev };
}

// What ioctl handlers may touch of the calling task's memory.
export interface GuestMemory {
  read(addr: number, len: number): Uint8Array | null;
  write(addr: number, data: Uint8Array): boolean;
}

// An O_PATH description: only fstat, fchdir, *at() and the like.
export class PathFile extends FileDescription {
  override read(): number { return -EBADF; }
  override write(): number { return -EBADF; }
  override readdir(): number { return -EBADF; }
  override ioctl(): number { return -EBADF; }
  override chmod(): number { return -EBADF; }
  override chown(): number { return -EBADF; }
  override utimes(): number { return -EBADF; }
}

// A directory opened for reading: entries are listed once when reading starts
// (and again after a seek to 0), with . and .. first. `list` gives the entries
// (the file system's, and names mounts stand on).
export class DirectoryFile extends FileDescription {
  private entries?: Dirent[];
  private pos = 0;
  constructor(flags: number, path: string, node: FileNode, private readonly parentIno: number,
    private readonly list: () => Dirent[] | number) {
    super(flags, path);
    this.node = node;
  }
  override read(): number { return -EISDIR; }
  override write(): number { return -EISDIR; }
  override seek(offset: number, whence: number): number {
    if (whence === SEEK_CUR) offset += this.pos;
    else if (whence !== SEEK_SET) return -EINVAL;
    if (offset < 0) return -EINVAL;
    if (offset === 0 && whence === SEEK_SET) this.entries = undefined;
    this.pos = offset;
    return offset;
  }
  override readdir(max: number): Dirent[] | number {
    if (!this.entries) {
      const list = this.list();
      if (typeof list === 'number') return list;
      const st = this.stat();
      const ino = typeof st === 'number' ? 1 : st.ino;
      this.entries = [{ ino, type: DT_DIR, name: '.' }, { ino: this.parentIno || ino, type: DT_DIR, name: '..' }, ...list];
    }
    const out = this.entries.slice(this.pos, this.pos + max);
    this.pos += out.length;
    return out;
  }
  // Position of the entry after out[i] (d_off) for getdents.
  get position(): number { return this.pos; }
}

// Read-only contents generated when opened (procfs files).
export class BufferFile extends FileDescription {
  private pos = 0;
  constructor(flags: number, path: string, private readonly data: Uint8Array, private readonly st: () => Stat) {
    super(flags, path);
  }
  override read(n: number, pos?: number): Uint8Array | number {
    const at = pos ?? this.pos;
    const out = this.data.slice(at, at + n);
    if (pos === undefined) this.pos += out.length;
    return out;
  }
  override write(): number { return -EINVAL; }
  override seek(offset: number, whence: number): number {
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? this.pos : whence === SEEK_END ? this.data.length : NaN;
    if (Number.isNaN(base) || base + offset < 0) return -EINVAL;
    return (this.pos = base + offset);
  }
  override stat(): Stat { return this.st(); }
  override available(): number { return Math.max(0, this.data.length - this.pos); }
}

// A file-descriptor slot lets go of `file`: the last one closes it (inotify's close event, locks released).
export function release(file: FileDescription): void {
  if (--file.refs !== 0) return;
  file.node?.events?.fileEvent(file, file.writable ? 0x8 /* IN_CLOSE_WRITE */ : 0x10 /* IN_CLOSE_NOWRITE */);
  file.node?.locks?.released(file);
  file.node?.leases?.released(file);
  file.release();
}
