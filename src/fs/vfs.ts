// The VFS: a mount tree over backends, and what the file syscalls do with the
// places the path walk (namei.ts) finds: open, stat, create, remove, rename,
// link, change attributes, with permissions against the caller's credentials
// and Linux's errnos in Linux's order. Places hold nodes, not path strings, so
// a working directory or directory descriptor whose directory is renamed keeps
// working, and one whose directory is removed reads as "(deleted)", as on
// Linux. What belongs to a file (locks, named pipes, inotify watches) is kept
// by its node.
import { MqueueFs, MqueueRegistry } from './mqueue.js';
import { MemoryBudget } from '../base/budget.js';
import type { Host } from '../base/host.js';
import type { FileImage } from '../elf/elf.js';
import type { FsBackend, FsNode, StatFs } from './backend.js';
import {
  BufferFile, DirectoryFile, FileDescription, PathFile, guestStat, isDir, isLink, isReg, type Dirent, type FileNode,
  type Stat, type TimeSpec,
  DT_DIR, O_ACCMODE, O_CREAT, O_DIRECTORY, O_EXCL, O_NOCTTY, O_NOFOLLOW, O_NONBLOCK, O_PATH, O_RDONLY, O_RDWR, O_TMPFILE, O_TRUNC,
  O_WRONLY, __O_TMPFILE, S_IFMT, S_IFREG, S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK,
} from './file.js';
import {
  EACCES, EADDRINUSE, EAGAIN, EBADF, EBUSY, ECONNREFUSED, EEXIST, EINVAL, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, ENXIO,
  EOPNOTSUPP, EPERM, EROFS, ESTALE, EXDEV,
} from '../base/errno.js';
import { DevFs } from './devfs.js';
import { Tmpfs } from './tmpfs.js';
import { ProcFs, type ProcSource } from './procfs.js';
import { SysFs } from './sysfs.js';
import type { NetView } from './net-view.js';
import { StdioFile } from './stdio.js';
import { Locks } from './locks.js';
import { Leases } from './leases.js';
import { FifoEnd, Pipe } from './pipe.js';
import { Blocked, resumed, POLLIN, POLLOUT } from '../base/wait.js';
import {
  FsNotify, FS_RENAME, IN_ATTRIB, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_ISDIR, IN_MODIFY, IN_MOVED_FROM, IN_MOVED_TO,
  IN_MOVE_SELF, IN_OPEN,
} from './inotify.js';
import { DevPts, type TtyJobs } from './pty.js';
import {
  Namei, AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, AT_EACCESS, PATH_MAX, RENAME_EXCHANGE,
  RENAME_NOREPLACE, RENAME_WHITEOUT, R_OK, W_OK, X_OK, killPrivs, pathFromBytes, permits, type FsCaller, type Loc,
} from './namei.js';
import {
  MountTable, Phantom, splitComps, MS_NOATIME, MS_NODEV, MS_NODIRATIME, MS_NOEXEC, MS_NOSUID, MS_NOSYMFOLLOW,
  MS_RDONLY, MS_STRICTATIME, type Mount, type Place,
} from './mounts.js';

export type { ProcSource } from './procfs.js';
export type { Mount, Place } from './mounts.js';
export {
  PATH_MAX, NAME_MAX, MAXSYMLINKS, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_EACCESS,
  AT_NO_AUTOMOUNT, AT_EMPTY_PATH, RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT, F_OK, X_OK, W_OK, R_OK,
  pathFromBytes, pathToBytes, killPrivs, permits, splitPath, type FsCreds, type FsCaller, type Loc,
} from './namei.js';

const S_ISGID = 0o2000, S_ISVTX = 0o1000;

export interface XattrTarget { backend?: FsBackend; node?: FsNode; st: Stat; readOnly: boolean; changed(): void }

export class Vfs extends Namei {
  readonly host: Host;
  readonly proc?: ProcSource;
  // How the machine was set up: file systems by path, mounted again in order whenever one is added
  // until a process has a place in the tree (live); after that, a new one is attached over what is there.
  private readonly setup: { path: string; backend: FsBackend; source: string }[] = [];
  private live = false;

  // The pseudo-terminals (/dev/ptmx, /dev/pts).
  readonly pts: DevPts;
  // inotify watches (see inotify.ts and the "inotify" section below).
  readonly notify = new FsNotify();
  // Advisory locks (flock, fcntl record and OFD locks).
  readonly locks = new Locks();
  // File leases (F_SETLEASE): broken by a conflicting open or truncate (see leases.ts).
  readonly leases = new Leases();
  // Named pipes: one pipe per FIFO node.
  private readonly fifos = new WeakMap<FsNode, Pipe>();
  // Open non-directories by the directory and name they were opened by: a rename moves their names
  // along, an unlink marks them deleted (for /proc/self/fd), as Linux's dentries do.
  private readonly named = new Map<FsNode, Map<string, Set<WeakRef<FileNode>>>>();
  private readonly unnamed = new FinalizationRegistry<{ dir: FsNode; name: string; ref: WeakRef<FileNode> }>(
    ({ dir, name, ref }) => this.dropName(dir, name, ref));
  // The machine's devices (what a device node made by mknod opens).
  private devfs?: DevFs;
  // POSIX message queues (mq_open), shown by every mqueue mount.
  readonly mqueues = new MqueueRegistry();

  // The machine's memory: tmpfs data, pipe buffers (base/budget.ts).
  readonly budget: MemoryBudget;
  // The machine's network as /proc/net and /sys/class/net show it.
  readonly net?: NetView;

  constructor(opts: { root: FsBackend; host: Host; proc?: ProcSource; jobs?: TtyJobs; budget?: MemoryBudget; net?: NetView }) {
    super();
    this.host = opts.host;
    this.budget = opts.budget ?? new MemoryBudget();
    this.proc = opts.proc;
    this.net = opts.net;
    this.pts = new DevPts(opts.host, opts.jobs);
    this.mount('/', opts.root);
    this.mount('/dev', this.newFs('devtmpfs')!, 'udev');
    this.mount('/dev/pts', this.pts);
    this.mount('/dev/shm', new Tmpfs({ now: () => opts.host.realtimeNs(), mode: 0o1777, budget: this.budget }));
    this.mount('/dev/mqueue', this.newFs('mqueue')!);
    this.mount('/proc', this.newFs('proc')!);
    this.mount('/sys', this.newFs('sysfs')!);
  }

  // A new file system of a type mount(2) knows (tmpfs is made by the caller: it needs options).
  newFs(type: string): FsBackend | undefined {
    switch (type) {
      case 'devtmpfs': { const d = new DevFs(this.host, this.pts); this.devfs ??= d; return d; }
      case 'devpts': return this.pts; // the one instance, as with devpts without newinstance
      case 'proc': return new ProcFs(() => this.caller, this.proc, this);
      case 'sysfs': return new SysFs(() => this.cpuCount, this.net);
      case 'mqueue': return new MqueueFs(this.mqueues, () => this.host.realtimeNs());
    }
    return undefined;
  }
  // Inode numbers of the machine's pipes, sockets and other objects outside any file system.
  private nextAnonIno = 10000;
  anonIno(): number { return this.nextAnonIno++; }
  // The CPUs the machine reports (sched_getaffinity, /proc/cpuinfo, /sys/devices/system/cpu).
  readonly cpuCount = 1;

  // Set up a machine: mount `backend` at the guest path `path`, replacing what was mounted there. The
  // path need not exist: a name only the mount makes shows in its parent (a host directory as the
  // root need not have /proc).
  // `source`: mount(2)'s source shown in /proc/self/mounts (default: the file system's type).
  mount(path: string, backend: FsBackend, source?: string): void {
    const p = '/' + splitComps(path).join('/');
    if (this.live) {
      this.mounts.attach(this.mounts.make(p, backend, { source: source ?? (p === '/' ? '/dev/root' : backend.type) }));
      return;
    }
    const i = this.setup.findIndex((s) => s.path === p);
    if (i >= 0) this.setup.splice(i, 1);
    this.setup.push({ path: p, backend, source: source ?? (p === '/' ? '/dev/root' : backend.type) });
    const table = this.mounts.fresh();
    const depth = (s: string) => splitComps(s).length;
    for (const s of [...this.setup].sort((a, b) => depth(a.path) - depth(b.path))) {
      table.attach(table.make(s.path, s.backend, { source: s.source }));
    }
    this.mounts = table;
  }
  mountList(): readonly Mount[] { return this.mounts.list(); }
  // The root of the machine's first namespace, for a new process (the tree is live from then on).
  rootPlace(): Place {
    this.live = true;
    return this.mounts.rootPlace();
  }
  private isNoDev(m: Mount): boolean { return (m.flags & MS_NODEV) !== 0; }

  private fileNode(mount: Mount, inode: FsNode, dir?: FsNode, name?: string): FileNode {
    const n: FileNode = { backend: mount.backend, inode, dev: mount.dev, mount, dir, name, events: this, locks: this.locks, leases: this.leases };
    if (dir !== undefined && name) this.addName(dir, name, new WeakRef(n));
    return n;
  }
  // A restored machine's open file: its name is followed from now on, as if opened here.
  trackName(n: FileNode): void {
    if (n.dir !== undefined && n.name && !n.unlinked && n.events === this) this.addName(n.dir, n.name, new WeakRef(n));
  }
  private addName(dir: FsNode, name: string, ref: WeakRef<FileNode>): void {
    let names = this.named.get(dir);
    if (!names) this.named.set(dir, (names = new Map()));
    let refs = names.get(name);
    if (!refs) names.set(name, (refs = new Set()));
    refs.add(ref);
    const n = ref.deref();
    if (n) this.unnamed.register(n, { dir, name, ref }, ref);
  }
  private dropName(dir: FsNode, name: string, ref: WeakRef<FileNode>): void {
    const names = this.named.get(dir), refs = names?.get(name);
    if (!refs?.delete(ref)) return;
    if (!refs.size) names!.delete(name);
    if (!names!.size) this.named.delete(dir);
  }
  // The open files known by `name` of `dir`, taken off that name.
  private takeNames(dir: FsNode, name: string): FileNode[] {
    const out: FileNode[] = [];
    for (const ref of [...this.named.get(dir)?.get(name) ?? []]) {
      this.dropName(dir, name, ref);
      this.unnamed.unregister(ref);
      const n = ref.deref();
      if (n) out.push(n);
    }
    return out;
  }
  // A rename moved `name` of `dir` to `toName` of `toDir` (what was there lost its name).
  private renamed(dir: FsNode, name: string, toDir: FsNode, toName: string): void {
    this.removed(toDir, toName);
    for (const n of this.takeNames(dir, name)) {
      n.dir = toDir;
      n.name = toName;
      this.addName(toDir, toName, new WeakRef(n));
    }
  }
  // The name `name` of `dir` is gone: what was opened by it reads as deleted.
  private removed(dir: FsNode, name: string): void {
    for (const n of this.takeNames(dir, name)) n.unlinked = true;
  }
  // (a non-directory is named by the directory and name it was opened by; a directory by its own place)
  private nodeOf(loc: Loc): FileNode {
    const p = loc.place!;
    const named = loc.parent && loc.stat && !isDir(loc.stat.mode);
    return this.fileNode(p.mount, p.node, named ? loc.parent!.node : undefined, named ? loc.name : undefined);
  }
  private hold(p: Place): void {
    if (!(p.node instanceof Phantom)) p.mount.backend.hold?.(p.node);
  }
  private mayWriteParent(t: FsCaller, loc: Loc): number {
    const parent = loc.parent!;
    if (this.isReadOnly(parent.mount)) return -EROFS;
    if (parent.node instanceof Phantom) return -EPERM;
    if (t.proc.creds.euid === 0) return 0;
    const p = this.getattr(parent);
    if (typeof p === 'number') return p;
    return permits(p, t.proc.creds, W_OK | X_OK) ? 0 : -EACCES;
  }
  // In a sticky directory only root, the entry's owner and the directory's owner remove or rename it.
  private sticky(t: FsCaller, loc: Loc): number {
    const c = t.proc.creds;
    if (c.euid === 0 || !loc.stat || loc.stat.uid === c.euid) return 0;
    const p = this.getattr(loc.parent!);
    return typeof p !== 'number' && p.mode & S_ISVTX && p.uid !== c.euid ? -EPERM : 0;
  }
  // A backend makes new files as whoever runs it: hand a new file to the caller (its group: that of a
  // set-group-ID parent directory, else the caller's). Best effort: a host directory may refuse.
  private own(t: FsCaller, parent: Place, name: string, node?: FsNode): void {
    const c = t.proc.creds;
    if (c.euid === 0 && c.egid === 0) return;
    const b = parent.mount.backend;
    if (!node) {
      const f = b.lookup(parent.node, name);
      if (typeof f === 'number') return;
      node = f.node;
    }
    const st = b.getattr(node);
    if (typeof st === 'number') return;
    const p = this.getattr(parent);
    const gid = typeof p !== 'number' && p.mode & S_ISGID ? p.gid : c.egid;
    if (st.uid !== c.euid || st.gid !== gid) {
      b.setattr(node, { uid: st.uid === c.euid ? undefined : c.euid, gid: st.gid === gid ? undefined : gid });
    }
  }
  // The last component is a name something is mounted on.
  private isMountPoint(loc: Loc): boolean {
    return loc.place !== undefined && loc.parent !== undefined && loc.place.mount !== loc.parent.mount;
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
    const f = this.openLoc(t, loc, flags, mode);
    if (f !== -ESTALE) return f;
    // the file changed under its name between the lookup and the open (on the host): once more, as Linux retries
    const again = this.resolve(t, dirfd, path, { follow, keepLast: creat });
    return typeof again === 'number' ? again : this.openLoc(t, again, flags, mode);
  }
  // The same for callers that cannot wait (the embedding API): a FIFO without a partner is EAGAIN.
  open(t: FsCaller, dirfd: number, path: string, flags: number, mode: number): FileDescription | number {
    const f = this.openAt(t, dirfd, path, flags, mode);
    return f instanceof Blocked ? -EAGAIN : f;
  }
  private openLoc(t: FsCaller, loc: Loc, flags: number, mode = 0): FileDescription | number | Blocked {
    const creat = (flags & O_CREAT) !== 0 && !(flags & O_PATH);
    if (creat && loc.trailingSlash) return -EISDIR;
    if (!loc.stat) {
      if (!creat) return -ENOENT;
      const w = this.mayWriteParent(t, loc);
      if (w) return w;
      const parent = loc.parent!;
      const r = parent.mount.backend.create(parent.node, loc.name, flags | O_CREAT | O_EXCL, mode & ~t.proc.fs.umask & 0o7777,
        this.pathOfLoc(loc));
      if (typeof r === 'number') return r;
      r.file.node ??= this.fileNode(parent.mount, r.node, parent.node, loc.name);
      this.own(t, parent, loc.name, r.node);
      this.inDir(parent.node, loc.name, IN_CREATE, false);
      this.inDir(parent.node, loc.name, IN_OPEN, false);
      return r.file;
    }
    if (creat && flags & O_EXCL) return -EEXIST;
    if (loc.file) {
      // /proc/self/fd/N: asking for the access the description has gives the description itself (its
      // offset shared: Linux would make a new one); asking for more opens a named file again, checked
      // as any open (permissions, EROFS), and anything else (a pipe, a socket, an unnamed or removed
      // file) is the same description
      const f = loc.file, n = f.node;
      const same = !(f.flags & O_PATH) && (f.flags & O_ACCMODE) === (flags & O_ACCMODE) && !(flags & (O_TRUNC | O_PATH));
      if (same || !n?.mount || loc.stat.nlink === 0 || (!n.name && !isDir(loc.stat.mode))) {
        f.refs++;
        return f;
      }
      loc = {
        place: { mount: n.mount, node: n.inode }, parent: n.name ? { mount: n.mount, node: n.dir! } : undefined,
        name: n.name ?? '', stat: loc.stat, trailingSlash: loc.trailingSlash,
      };
    }
    const st = loc.stat!, place = loc.place!;
    if (flags & O_PATH) {
      if (flags & O_DIRECTORY && !isDir(st.mode)) return -ENOTDIR;
      if (isDir(st.mode)) this.hold(place);
      const f = new PathFile(flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW | 0o2000000), this.pathOfLoc(loc));
      f.node = this.nodeOf(loc);
      return f;
    }
    if (flags & O_DIRECTORY && !isDir(st.mode)) return -ENOTDIR;
    if (isLink(st.mode)) return -ELOOP;
    const acc = flags & O_ACCMODE;
    if (isDir(st.mode)) {
      if (acc !== O_RDONLY || creat || flags & O_TRUNC) return -EISDIR;
      if (!permits(st, t.proc.creds, R_OK)) return -EACCES;
      const ns = this.ns(t);
      this.hold(place);
      const up = this.getattr(this.dotdot(ns, place, this.rootOf(t)));
      return new DirectoryFile(flags, this.pathOfLoc(loc), this.nodeOf(loc), typeof up === 'number' ? 0 : up.ino,
        () => this.listing(ns, place));
    }
    const want = (acc === O_RDONLY ? R_OK : acc === O_WRONLY ? W_OK : acc === O_RDWR ? R_OK | W_OK : 0)
      | (flags & O_TRUNC ? W_OK : 0);
    if (!permits(st, t.proc.creds, want)) return -EACCES;
    if ((st.mode & S_IFMT) === S_IFIFO) return this.openFifo(t, loc, flags);
    // a device node mknod made on a file system that keeps them: the machine's device of that number, else ENXIO
    if (((st.mode & S_IFMT) === S_IFCHR || (st.mode & S_IFMT) === S_IFBLK) && place.mount.backend.deviceNodes) {
      if (this.isNoDev(place.mount)) return -EACCES;
      const dev = (st.mode & S_IFMT) === S_IFCHR && this.devfs ? this.devfs.openDevice(st.rdev, flags, this.pathOfLoc(loc)) : -ENXIO;
      if (typeof dev !== 'number') { dev.node ??= this.nodeOf(loc); this.touched(loc, IN_OPEN); }
      return dev;
    }
    if (want & W_OK && this.isReadOnly(place.mount) && isReg(st.mode)) return -EROFS;
    if (this.leases.active && isReg(st.mode)) {
      const b = this.leases.breakFor(place.node, acc !== O_RDONLY || (flags & O_TRUNC) !== 0, (flags & O_NONBLOCK) !== 0);
      if (b !== 0) return b;
    }
    const f = place.mount.backend.openNode(place.node, flags & ~(O_CREAT | O_EXCL), this.pathOfLoc(loc));
    if (typeof f !== 'number') {
      f.node ??= this.nodeOf(loc);
      if (flags & O_TRUNC && isReg(st.mode)) this.touched(loc, IN_MODIFY);
      this.touched(loc, IN_OPEN);
    }
    return f;
  }
  // A directory's entries: its file system's, and in the user's own files (a host directory, where the
  // machine makes no directories) the names only mounts make: /proc, /dev and /sys under --root.
  private listing(ns: MountTable, p: Place): Dirent[] | number {
    const st = this.getattr(p);
    if (typeof st === 'number') return st;
    if (st.nlink === 0) return -ENOENT; // a removed directory lists nothing, as Linux's dead directories
    let list: Dirent[] = [];
    if (!(p.node instanceof Phantom)) {
      const r = p.mount.backend.entries(p.node);
      if (typeof r === 'number') return r;
      list = r;
    }
    for (const ph of p.mount.backend.userFiles ? ns.phantomsIn(p.mount, p.node) : []) {
      if (list.some((e) => e.name === ph.name)) continue;
      const st = this.getattr(ns.cross({ mount: p.mount, node: ph }));
      list.push({ ino: typeof st === 'number' ? 2 : st.ino, type: DT_DIR, name: ph.name });
    }
    return list;
  }

  // A named pipe: one pipe per FIFO node. O_RDONLY waits for a writer, O_WRONLY for a reader
  // (with O_NONBLOCK a reader opens at once and a writer gets ENXIO); O_RDWR never waits. A task
  // waiting in open counts as a reader or writer for as long as its wait is armed, so two openers
  // find each other, and one that a signal takes away stops counting.
  private openFifo(t: FsCaller, loc: Loc, flags: number): FileDescription | number | Blocked {
    const key = loc.place!.node;
    let p = this.fifos.get(key);
    if (!p || (!p.readers && !p.writers && !p.waiting.size)) {
      p = new Pipe(this.anonIno(), this.budget); // no one has it open: what was in it is gone, as on Linux
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
      const f = new FifoEnd(pipe, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY), () => this.host.realtimeNs(), this.pathOfLoc(loc));
      f.node = this.nodeOf(loc);
      this.touched(loc, IN_OPEN);
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
    if (loc.file || !loc.place || loc.place.node instanceof Phantom) return -EOPNOTSUPP;
    const place = loc.place;
    if (this.isReadOnly(place.mount)) return -EROFS;
    if (!permits(loc.stat, t.proc.creds, W_OK | X_OK)) return -EACCES;
    const b = place.mount.backend;
    if (!b.tmpfileAt) return -EOPNOTSUPP;
    const r = b.tmpfileAt(place.node, flags, mode & ~t.proc.fs.umask & 0o7777, this.pathOfLoc(loc));
    if (typeof r === 'number') return r;
    r.file.node ??= this.fileNode(place.mount, r.node, place.node);
    return r.file;
  }

  // The executable at `path` for execve: ENOENT, EACCES for directories, other
  // non-regular files and files without execute permission.
  openExec(t: FsCaller, path: string | Uint8Array, dirfd = AT_FDCWD, flags = 0): { image: FileImage; path: string } | number {
    const p = typeof path === 'string' ? path : pathFromBytes(path);
    let loc: Loc | number;
    if (p === '' && flags & AT_EMPTY_PATH) {
      const f = t.proc.files.get(dirfd);
      if (!f) return -EBADF;
      const st = f.stat();
      if (typeof st === 'number') return st;
      const place = this.placeOfFile(f);
      if (!place) return -EACCES;
      loc = { place, parent: f.node?.dir !== undefined ? { mount: place.mount, node: f.node.dir } : undefined, name: f.node?.name ?? '', stat: st, trailingSlash: false };
    } else {
      loc = this.resolve(t, dirfd, p, { follow: !(flags & AT_SYMLINK_NOFOLLOW) });
    }
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (isLink(loc.stat.mode)) return -ELOOP;
    if (!isReg(loc.stat.mode) || !permits(loc.stat, t.proc.creds, X_OK)) return -EACCES;
    const mount = loc.place?.mount ?? loc.file?.node?.mount;
    if (mount && mount.flags & MS_NOEXEC) return -EACCES;
    const f = this.openLoc(t, loc, O_RDONLY);
    if (typeof f === 'number') return f;
    if (f instanceof Blocked) return -EACCES; // (a regular file: never)
    const size = loc.stat.size;
    const name = loc.file ? this.describe(t, loc.file) : this.viewOfLoc(t, loc);
    return { image: new ExecImage(f, size, name), path: name };
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
    if (loc.file) return guestStat(loc.file);
    const m = loc.place!.mount;
    return m.backend.keepsDev ? loc.stat : { ...loc.stat, dev: m.dev };
  }
  fdStat(t: FsCaller, fd: number): Stat | number {
    if (fd === AT_FDCWD) return this.stat(t, AT_FDCWD, '.', 0);
    const f = t.proc.files.get(fd);
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
    if (mode & W_OK && !loc.file && this.isReadOnly(loc.place!.mount)) return -EROFS;
    return permits(loc.stat, creds, mode) ? 0 : -EACCES;
  }

  readlink(t: FsCaller, dirfd: number, path: string): string | number {
    const loc = this.resolve(t, dirfd, path, { follow: false, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat || !isLink(loc.stat.mode) || !loc.place) return -EINVAL;
    return loc.place.mount.backend.getlink(loc.place.node);
  }

  statfs(t: FsCaller, path: string): StatFs | number {
    const loc = this.resolve(t, AT_FDCWD, path, { follow: true, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (loc.file) return this.statfsFile(t, loc.file) ?? -ENOENT;
    const m = loc.place!.mount;
    return this.withMountFlags(m.backend.statfs(), m);
  }
  // fstatfs: the file's file system, with the flags of the mount it was opened through.
  statfsFile(t: FsCaller, f: FileDescription): StatFs | undefined {
    const node = f.node;
    if (!node) return undefined;
    const m = node.mount ?? this.ns(t).list().find((x) => x.backend === node.backend);
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
  // Whether changes to an open file are refused (EROFS): the mount it was opened through is read-only.
  readOnlyFile(t: FsCaller, f: FileDescription): boolean {
    const n = f.node;
    if (!n) return false;
    if (n.mount) return this.isReadOnly(n.mount);
    return n.backend.readOnly || this.ns(t).roBackends.has(n.backend);
  }
  // The file an extended-attribute call names: a path (following its last symlink unless
  // AT_SYMLINK_NOFOLLOW), or the open file dirfd with AT_EMPTY_PATH. Its file system and node (none for
  // a pipe or a socket), its attributes, whether changes are refused (EROFS: a read-only mount), and
  // what to call once one is made (IN_ATTRIB).
  xattrAt(t: FsCaller, dirfd: number, path: string, flags: number): XattrTarget | number {
    const ofFile = (f: FileDescription): XattrTarget | number => {
      const st = f.stat();
      if (typeof st === 'number') return st;
      const n = f.node;
      return { backend: n?.backend, node: n?.inode, st, readOnly: this.readOnlyFile(t, f), changed: () => this.fileEvent(f, IN_ATTRIB) };
    };
    if (path === '' && flags & AT_EMPTY_PATH) {
      const f = t.proc.files.get(dirfd);
      return f ? ofFile(f) : -EBADF;
    }
    const loc = this.resolve(t, dirfd, path, { follow: !(flags & AT_SYMLINK_NOFOLLOW), allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (loc.file) return ofFile(loc.file);
    const p = loc.place!;
    return {
      backend: p.node instanceof Phantom ? undefined : p.mount.backend, node: p.node, st: this.statOf(loc) as Stat,
      readOnly: this.isReadOnly(p.mount), changed: () => this.touched(loc, IN_ATTRIB),
    };
  }

  // --- changes --------------------------------------------------------------------
  mkdir(t: FsCaller, dirfd: number, path: string, mode: number): number {
    const loc = this.resolve(t, dirfd, path, { follow: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (loc.stat || !loc.parent) return -EEXIST;
    const w = this.mayWriteParent(t, loc);
    if (w) return w;
    const p = loc.parent;
    // mkdir keeps the sticky bit of `mode`, not set-user-ID or set-group-ID (a set-group-ID parent passes its own on)
    const r = p.mount.backend.mkdirAt(p.node, loc.name, mode & ~t.proc.fs.umask & 0o1777);
    if (!r) { this.own(t, p, loc.name); this.inDir(p.node, loc.name, IN_CREATE, true); }
    return r;
  }

  mknod(t: FsCaller, dirfd: number, path: string, mode: number, rdev = 0): number {
    const type = mode & S_IFMT;
    const device = type === S_IFCHR || type === S_IFBLK;
    if (type !== 0 && type !== S_IFREG && type !== S_IFIFO && !device) return -EPERM; // sockets come from bind(2)
    const loc = this.resolve(t, dirfd, path, { follow: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (loc.stat || !loc.parent) return -EEXIST;
    if (loc.trailingSlash) return -ENOENT;
    const w = this.mayWriteParent(t, loc);
    if (w) return w;
    // devices need CAP_MKNOD (root), checked after the file system's own refusal (EROFS)
    if (device && t.proc.creds.euid !== 0) return -EPERM;
    const p = loc.parent, b = p.mount.backend;
    if (device && !b.deviceNodes) return -EPERM;
    if (b.mknodAt) {
      const r = b.mknodAt(p.node, loc.name, (type || S_IFREG) | (mode & ~t.proc.fs.umask & 0o7777), rdev);
      if (!r) { this.own(t, p, loc.name); this.inDir(p.node, loc.name, IN_CREATE, false); }
      return r;
    }
    if (type === S_IFIFO) return -EPERM;
    const r = b.create(p.node, loc.name, O_WRONLY | O_CREAT | O_EXCL, mode & ~t.proc.fs.umask & 0o7777, this.pathOfLoc(loc));
    if (typeof r === 'number') return r;
    r.file.release();
    this.own(t, p, loc.name, r.node);
    this.inDir(p.node, loc.name, IN_CREATE, false);
    return 0;
  }

  // bind(2) of an AF_UNIX socket to a path: a socket inode, mode & ~umask. Returns its node:
  // what connect(2) finds the socket by.
  bindSocket(t: FsCaller, dirfd: number, path: string, mode: number): FsNode | number {
    const loc = this.resolve(t, dirfd, path, { follow: false });
    if (typeof loc === 'number') return loc;
    if (loc.stat || !loc.parent) return -EADDRINUSE;
    if (loc.trailingSlash) return -ENOENT;
    const w = this.mayWriteParent(t, loc);
    if (w) return w;
    const p = loc.parent, b = p.mount.backend;
    if (!b.mknodAt) return -EPERM;
    const r = b.mknodAt(p.node, loc.name, S_IFSOCK | (mode & ~t.proc.fs.umask & 0o7777));
    if (r < 0) return r === -EEXIST ? -EADDRINUSE : r;
    const f = b.lookup(p.node, loc.name);
    if (typeof f === 'number') return f;
    this.own(t, p, loc.name, f.node);
    return f.node;
  }
  // connect(2) to a path: the socket inode's node (the caller must be allowed to write it).
  socketAt(t: FsCaller, path: string): FsNode | number {
    const loc = this.resolve(t, AT_FDCWD, path, { follow: true, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat || !loc.place) return -ENOENT;
    const c = t.proc.creds;
    if (!permits(loc.stat, { ...c, euid: c.uid, egid: c.gid }, W_OK)) return -EACCES;
    return (loc.stat.mode & S_IFMT) === S_IFSOCK ? loc.place.node : -ECONNREFUSED;
  }

  rmdir(t: FsCaller, dirfd: number, path: string): number {
    const loc = this.resolve(t, dirfd, path, { follow: false, allowMissing: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (!isDir(loc.stat.mode)) return -ENOTDIR;
    const lastWritten = path.replace(/\/+$/, '').split('/').pop();
    if (lastWritten === '.') return -EINVAL;
    if (lastWritten === '..') return -ENOTEMPTY;
    if (!loc.parent || this.isMountPoint(loc)) return -EBUSY;
    const w = this.mayWriteParent(t, loc) || this.sticky(t, loc);
    if (w) return w;
    const r = loc.parent.mount.backend.rmdirAt(loc.parent.node, loc.name);
    if (!r) { this.inDir(loc.parent.node, loc.name, IN_DELETE, true); this.unlinked(loc.place!.node, loc.stat); }
    return r;
  }

  unlink(t: FsCaller, dirfd: number, path: string): number {
    const loc = this.resolve(t, dirfd, path, { follow: false, allowMissing: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (isDir(loc.stat.mode)) return -EISDIR;
    if (loc.trailingSlash) return -ENOTDIR;
    if (!loc.parent || this.isMountPoint(loc)) return -EBUSY;
    const w = this.mayWriteParent(t, loc) || this.sticky(t, loc);
    if (w) return w;
    const r = loc.parent.mount.backend.unlinkAt(loc.parent.node, loc.name);
    if (!r) this.removed(loc.parent.node, loc.name);
    if (!r) { this.unlinked(loc.place!.node, loc.stat); this.inDir(loc.parent.node, loc.name, IN_DELETE, false); }
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
    if (!from.parent || !to.parent || this.isMountPoint(from) || this.isMountPoint(to)) return -EBUSY;
    if (from.parent.mount !== to.parent.mount) return -EXDEV;
    if (exchange) return this.exchange(t, from, to);
    if ((from.trailingSlash || to.trailingSlash) && !isDir(from.stat.mode)) return -ENOTDIR;
    const same = from.parent.node === to.parent.node && from.name === to.name;
    if (to.stat) {
      if (flags & RENAME_NOREPLACE) return -EEXIST;
      if (same || to.place!.node === from.place!.node) return 0;
      if (isDir(from.stat.mode) && !isDir(to.stat.mode)) return -ENOTDIR;
      if (!isDir(from.stat.mode) && isDir(to.stat.mode)) return -EISDIR;
    }
    if (isDir(from.stat.mode) && this.encloses(from.place!, to.parent)) return -EINVAL;
    if (to.stat && this.encloses(to.place!, from.parent)) return -ENOTEMPTY;
    const w = this.mayWriteParent(t, from) || this.sticky(t, from) || this.mayWriteParent(t, to) || this.sticky(t, to);
    if (w) return w;
    // a directory moving to another parent must itself be writable: its '..' changes
    const moves = from.parent.node !== to.parent.node;
    if (isDir(from.stat.mode) && moves && !permits(from.stat, t.proc.creds, W_OK)) return -EACCES;
    if (flags & RENAME_WHITEOUT) {
      // needs CAP_MKNOD; then no backend here stores whiteouts as Linux does: as a file system without them
      return t.proc.creds.euid !== 0 ? -EPERM : -EINVAL;
    }
    const r = from.parent.mount.backend.renameAt(from.parent.node, from.name, to.parent.node, to.name);
    if (!r) this.renamed(from.parent.node, from.name, to.parent.node, to.name);
    if (!r && this.notify.active) {
      const cookie = this.notify.nextCookie(), dir = isDir(from.stat.mode);
      if (!moves) this.inDir(from.parent.node, from.name, FS_RENAME, dir);
      this.inDir(from.parent.node, from.name, IN_MOVED_FROM, dir, cookie);
      this.inDir(to.parent.node, to.name, IN_MOVED_TO, dir, cookie);
      this.notify.emit(from.place!.node, IN_MOVE_SELF | (dir ? IN_ISDIR : 0));
      if (to.stat) this.unlinked(to.place!.node, to.stat);
    }
    return r;
  }

  // renameat2(RENAME_EXCHANGE): both names exist, on one mount.
  private exchange(t: FsCaller, a: Loc, b: Loc): number {
    const sa = a.stat!, sb = b.stat!;
    if ((a.trailingSlash && !isDir(sa.mode)) || (b.trailingSlash && !isDir(sb.mode))) return -ENOTDIR;
    const same = a.parent!.node === b.parent!.node && a.name === b.name;
    if (same || a.place!.node === b.place!.node) return 0;
    if (this.encloses(a.place!, b.parent!) || this.encloses(b.place!, a.parent!)) return -EINVAL;
    const w = this.mayWriteParent(t, a) || this.sticky(t, a) || this.mayWriteParent(t, b) || this.sticky(t, b);
    if (w) return w;
    // directories that change parent must themselves be writable: their '..' changes
    const moves = a.parent!.node !== b.parent!.node;
    if (moves && ((isDir(sa.mode) && !permits(sa, t.proc.creds, W_OK)) || (isDir(sb.mode) && !permits(sb, t.proc.creds, W_OK)))) return -EACCES;
    const backend = a.parent!.mount.backend;
    const r = backend.exchangeAt ? backend.exchangeAt(a.parent!.node, a.name, b.parent!.node, b.name) : -EINVAL;
    if (!r) { // the names change places: through a middle one, so that neither set is lost
      const middle = {};
      this.renamed(a.parent!.node, a.name, middle, '');
      this.renamed(b.parent!.node, b.name, a.parent!.node, a.name);
      this.renamed(middle, '', b.parent!.node, b.name);
    }
    return r;
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
  // are all gone), or its node is linked.
  private linkOpenFile(t: FsCaller, f: FileDescription, newdirfd: number, newpath: string): number {
    const n = f.node;
    if (!n) return -ENOENT;
    const st = f.stat();
    if (typeof st === 'number') return st;
    if (isDir(st.mode)) return -EPERM;
    const to = this.resolve(t, newdirfd, newpath, { follow: false });
    if (typeof to === 'number') return to;
    if (to.stat || !to.parent) return -EEXIST;
    if (to.trailingSlash) return -ENOENT;
    const p = to.parent;
    if (n.backend !== p.mount.backend) return -EXDEV;
    const w = this.mayWriteParent(t, to);
    if (w) return w;
    const r = p.mount.backend.linkFile?.(f, p.node, to.name);
    if (r !== undefined) return r;
    if (st.nlink === 0) return -ENOENT;
    const l = p.mount.backend.linkAt(n.inode, p.node, to.name);
    if (!l && this.notify.active) {
      this.notify.emit(n.inode, IN_ATTRIB);
      this.inDir(p.node, to.name, IN_CREATE, false);
    }
    return l;
  }
  private linkLoc(t: FsCaller, from: Loc, newdirfd: number, newpath: string): number {
    if (!from.stat || !from.place) return -ENOENT;
    if (isDir(from.stat.mode)) return -EPERM;
    const to = this.resolve(t, newdirfd, newpath, { follow: false, keepLast: true });
    if (typeof to === 'number') return to;
    if (to.stat || !to.parent) return -EEXIST;
    if (to.trailingSlash) return -ENOENT;
    if (from.place.mount !== to.parent.mount) return -EXDEV;
    const w = this.mayWriteParent(t, to);
    if (w) return w;
    const r = to.parent.mount.backend.linkAt(from.place.node, to.parent.node, to.name);
    if (!r && this.notify.active) {
      this.notify.emit(from.place.node, IN_ATTRIB); // its link count: the inode's own watches only
      this.inDir(to.parent.node, to.name, IN_CREATE, false);
    }
    return r;
  }

  symlink(t: FsCaller, target: string, newdirfd: number, newpath: string): number {
    if (target.length === 0) return -ENOENT;
    if (target.length >= PATH_MAX) return -ENAMETOOLONG;
    const loc = this.resolve(t, newdirfd, newpath, { follow: false, keepLast: true });
    if (typeof loc === 'number') return loc;
    if (loc.stat || !loc.parent) return -EEXIST;
    if (loc.trailingSlash) return -ENOENT;
    const w = this.mayWriteParent(t, loc);
    if (w) return w;
    const p = loc.parent;
    const r = p.mount.backend.symlinkAt(target, p.node, loc.name);
    if (!r) { this.own(t, p, loc.name); this.inDir(p.node, loc.name, IN_CREATE, false); }
    return r;
  }

  // Resolve for an attribute change: the open file (AT_EMPTY_PATH, or a magic link) or a location.
  // A read-only mount refuses the change first (EROFS), by path or by descriptor, as Linux checks it.
  private target(t: FsCaller, dirfd: number, path: string, flags: number): { f?: FileDescription; loc?: Loc; st: Stat } | number {
    if (path === '' && flags & AT_EMPTY_PATH) {
      const f = t.proc.files.get(dirfd);
      if (!f) return -EBADF;
      const st = f.stat();
      if (typeof st === 'number') return st;
      return this.readOnlyFile(t, f) ? -EROFS : { f, st };
    }
    const loc = this.resolve(t, dirfd, path, { follow: !(flags & AT_SYMLINK_NOFOLLOW), allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (loc.file) return this.readOnlyFile(t, loc.file) ? -EROFS : { f: loc.file, st: loc.stat };
    if (this.isReadOnly(loc.place!.mount)) return -EROFS;
    return { loc, st: loc.stat };
  }
  // IN_ATTRIB after a successful attribute change (r: its result).
  private attrib(r: number, f?: FileDescription, loc?: Loc): number {
    if (r === 0 && this.notify.active) {
      if (f) this.fileEvent(f, IN_ATTRIB);
      else if (loc) this.touched(loc, IN_ATTRIB);
    }
    return r;
  }
  private owns(t: FsCaller, st: Stat): boolean { return t.proc.creds.euid === 0 || t.proc.creds.euid === st.uid; }
  private setattrAt(loc: Loc, attr: Parameters<FsBackend['setattr']>[1]): number {
    const p = loc.place!;
    return p.node instanceof Phantom ? -EPERM : p.mount.backend.setattr(p.node, attr);
  }

  chmod(t: FsCaller, dirfd: number, path: string, mode: number, flags = 0): number {
    const r = this.target(t, dirfd, path, flags);
    if (typeof r === 'number') return r;
    const st = r.st;
    if (!this.owns(t, st)) return -EPERM;
    const c = t.proc.creds;
    // set-group-ID only for a member of the file's group
    if (c.euid !== 0 && st.gid !== c.egid && !c.groups.includes(st.gid)) mode &= ~S_ISGID;
    if (r.f) return this.attrib(r.f.chmod(mode & 0o7777), r.f);
    if (isLink(st.mode)) return -EOPNOTSUPP;
    return this.attrib(this.setattrAt(r.loc!, { mode: mode & 0o7777 }), undefined, r.loc);
  }

  chown(t: FsCaller, dirfd: number, path: string, uid: number, gid: number, flags = 0): number {
    const r = this.target(t, dirfd, path, flags);
    if (typeof r === 'number') return r;
    const st = r.st;
    const c = t.proc.creds;
    if (c.euid !== 0) {
      if (uid !== -1 && uid !== st.uid) return -EPERM;
      if (gid !== -1 && (st.uid !== c.euid || (gid !== c.egid && !c.groups.includes(gid)))) return -EPERM;
    }
    if (r.f) return this.attrib(r.f.chown(uid, gid), r.f);
    return this.attrib(this.setattrAt(r.loc!, { uid: uid === -1 ? undefined : uid, gid: gid === -1 ? undefined : gid }), undefined, r.loc);
  }

  utimes(t: FsCaller, dirfd: number, path: string, atime: TimeSpec, mtime: TimeSpec, flags = 0): number {
    const r = this.target(t, dirfd, path, flags);
    if (typeof r === 'number') return r;
    const st = r.st;
    // only a touch (both times now) is allowed to a non-owner who may write
    const touch = atime === 'now' && mtime === 'now';
    if (!this.owns(t, st) && (!touch || !permits(st, t.proc.creds, W_OK))) return touch ? -EACCES : -EPERM;
    if (r.f) return this.attrib(r.f.utimes(atime, mtime), r.f);
    return this.attrib(this.setattrAt(r.loc!, { atime, mtime }), undefined, r.loc);
  }

  truncate(t: FsCaller, path: string, len: number): number | Blocked {
    if (len < 0) return -EINVAL;
    const loc = this.resolve(t, AT_FDCWD, path, { follow: true, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (isDir(loc.stat.mode)) return -EISDIR;
    if (!isReg(loc.stat.mode)) return -EINVAL;
    if (loc.file ? this.readOnlyFile(t, loc.file) : this.isReadOnly(loc.place!.mount)) return -EROFS;
    if (!permits(loc.stat, t.proc.creds, W_OK)) return -EACCES;
    const node = loc.file ? loc.file.node?.inode : loc.place!.node;
    if (this.leases.active && node !== undefined) {
      const b = this.leases.breakFor(node, true, false);
      if (b !== 0) return b;
    }
    if (loc.file) {
      const r = loc.file.truncate(len);
      if (!r) this.fileEvent(loc.file, IN_MODIFY);
      return r;
    }
    const r = this.setattrAt(loc, { size: len });
    const kill = killPrivs(t.proc.creds, loc.stat.mode);
    if (!r && kill) this.setattrAt(loc, { mode: loc.stat.mode & 0o7777 & ~kill });
    if (!r) this.touched(loc, IN_MODIFY);
    return r;
  }
  // The node a path names (for the page cache of a truncated file, inotify watches).
  nodeAt(t: FsCaller, path: string, follow = true): FsNode | undefined {
    const loc = this.resolve(t, AT_FDCWD, path, { follow, allowMissing: false });
    if (typeof loc === 'number') return undefined;
    return loc.file ? loc.file.node?.inode : loc.place?.node;
  }

  // chdir(2) and fchdir(2).
  chdir(t: FsCaller, dirfd: number, path: string): number {
    const loc = this.resolve(t, dirfd, path, { follow: true, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (!isDir(loc.stat.mode)) return -ENOTDIR;
    if (!permits(loc.stat, t.proc.creds, X_OK)) return -EACCES;
    const place = loc.place ?? (loc.file && this.placeOfFile(loc.file));
    if (!place) return -ENOTDIR;
    this.hold(place);
    // a caller that names its working directory by path (an embedder's) gets one back
    t.proc.fs.cwd = typeof t.proc.fs.cwd === 'string' ? this.mounts.pathOf(place).path : place;
    return 0;
  }
  fchdir(t: FsCaller, fd: number): number {
    const f = t.proc.files.get(fd);
    if (!f) return -EBADF;
    const s = f.stat();
    if (typeof s === 'number') return s;
    const place = this.placeOfFile(f);
    if (!isDir(s.mode) || !place) return -ENOTDIR;
    if (!permits(s, t.proc.creds, X_OK)) return -EACCES;
    this.hold(place);
    t.proc.fs.cwd = place;
    return 0;
  }

  // chroot(2): the caller's new root. Only root may (CAP_SYS_CHROOT), checked after the lookup as Linux
  // does. Nothing a guest does reaches above the machine's own root.
  chroot(t: FsCaller, path: string): number {
    const loc = this.resolve(t, AT_FDCWD, path, { follow: true, allowMissing: false });
    if (typeof loc === 'number') return loc;
    if (!loc.stat) return -ENOENT;
    if (!isDir(loc.stat.mode)) return -ENOTDIR;
    if (!permits(loc.stat, t.proc.creds, X_OK)) return -EACCES;
    if (t.proc.creds.euid !== 0) return -EPERM;
    const place = loc.place ?? (loc.file && this.placeOfFile(loc.file));
    if (!place) return -ENOTDIR;
    this.hold(place);
    t.proc.fs.root = typeof t.proc.fs.root === 'string' ? this.mounts.pathOf(place).path : place;
    return 0;
  }

  // --- inotify ------------------------------------------------------------------------
  // An event for the entry `name` of the directory `dir` (created, deleted, moved, or touched).
  private inDir(dir: FsNode, name: string, mask: number, isDirectory: boolean, cookie = 0): void {
    if (this.notify.active) this.notify.emit(dir, mask | (isDirectory ? IN_ISDIR : 0), name, cookie);
  }
  // An event for the file at `loc` itself and, named, for its directory (modify, attrib, open…).
  private touched(loc: Loc, mask: number, st = loc.stat): void {
    if (!this.notify.active || !st || !loc.place) return;
    const dir = isDir(st.mode) ? IN_ISDIR : 0;
    if (!loc.file && loc.parent) this.inDir(loc.parent.node, loc.name, mask, dir !== 0); // the directory hears first, as on Linux
    this.notify.emit(loc.place.node, mask | dir);
  }
  // The same for an open file (FileNode.events): write, truncate, close, read.
  fileEvent(f: FileDescription, mask: number): void {
    if (!this.notify.active || !f.node) return;
    const st = f.stat();
    if (typeof st === 'number') return;
    const dir = isDir(st.mode) ? IN_ISDIR : 0;
    const n = f.node;
    if (st.nlink > 0) {
      const up = n.dir !== undefined ? (n.name ? { dir: n.dir, name: n.name } : undefined) : n.backend.parent(n.inode);
      if (up) this.notify.emit(up.dir, mask | dir, up.name);
    }
    this.notify.emit(n.inode, mask | dir);
  }
  // A node lost a name: its link count changed, or it is gone.
  private unlinked(node: FsNode, st: Stat): void {
    if (!this.notify.active) return;
    if (!isDir(st.mode)) this.notify.emit(node, IN_ATTRIB); // its link count
    if (isDir(st.mode) || st.nlink <= 1) this.notify.emit(node, IN_DELETE_SELF | (isDir(st.mode) ? IN_ISDIR : 0));
  }

  // --- stdio ------------------------------------------------------------------------
  stdinFile(host: Host = this.host): FileDescription { return this.stdio(host, 0); }
  stdoutFile(host: Host = this.host): FileDescription { return this.stdio(host, 1); }
  stderrFile(host: Host = this.host): FileDescription { return this.stdio(host, 2); }
  // The machine's terminal is /dev/pts/0: fstat matches stat of that name (ttyname).
  private stdio(host: Host, which: 0 | 1 | 2): FileDescription {
    const f = new StdioFile(host, which, this.pts.hostTermios);
    if (f.isTTY && host === this.host) f.node = { backend: this.pts, inode: this.pts.node('/0'), dev: this.mounts.devOf(this.pts) };
    return f;
  }

  // The machine's /dev (its devices, for a restored machine's open ones).
  get devices(): DevFs | undefined { return this.devfs; }

  // A read-only file with fixed contents (for the kernel: e.g. /proc files it generates).
  static bufferFile(path: string, data: Uint8Array, st: () => Stat): FileDescription {
    return new BufferFile(O_RDONLY, path, data, st);
  }
}

// A program's file as exec reads it (and its mappings page it in): the open description, so
// that it is data a snapshot can keep.
export class ExecImage implements FileImage {
  constructor(private readonly f: FileDescription, readonly size: number, readonly name: string) {}
  read(offset: number, len: number): Uint8Array {
    const r = this.f.read(Math.max(0, Math.min(len, this.size - offset)), offset);
    return r instanceof Uint8Array ? r : new Uint8Array(0);
  }
  readInto(offset: number, into: Uint8Array): number {
    const want = into.subarray(0, Math.max(0, Math.min(into.length, this.size - offset)));
    if (!this.f.preadInto) { const r = this.read(offset, want.length); want.set(r); return r.length; }
    const got = this.f.preadInto(want, offset);
    return got < 0 ? 0 : got;
  }
}
