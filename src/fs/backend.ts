// The interface a file-system backend implements for the VFS.
//
// A backend is a tree of nodes (inodes): objects it makes and the VFS holds
// without looking inside. The same file is the same node object for as long
// as anyone holds it (a process's working directory, a mount, an open file, a
// lock), so the VFS hangs what belongs to a file on the node, and a directory
// that is renamed is still the directory a process works in. The VFS walks
// paths itself, one component at a time (`lookup`), and resolves symlinks
// itself, so a backend never follows a symlink (lstat semantics throughout);
// changes name an entry of a directory (`mkdirAt(dir, name)`), as Linux's
// inode operations do.
//
// Operations return -errno on failure. Permission checks against the guest's
// credentials are the VFS's; a backend reports only what its storage refuses
// (EROFS, a host EACCES, …). A directory that has been removed keeps answering
// getattr (nlink 0) and refuses new entries with ENOENT.
//
// Names are byte strings (one char per byte). For tests and for seeding a file
// system, NodeFs also offers the same operations by backend path ('/a/b').
import type { Dirent, FileDescription, Stat, TimeSpec } from './file.js';
import type { Place } from './mounts.js';
import { EACCES, EBUSY, EEXIST, EINVAL, EISDIR, ENOENT, EPERM } from '../base/errno.js';

export interface StatFs {
  type: number; bsize: number; blocks: number; bfree: number; bavail: number;
  files: number; ffree: number; namelen: number; frsize: number; flags: number;
}

// An inode of some backend: opaque to everyone but the backend that made it.
export type FsNode = object;

// What a lookup finds: the node and its attributes (the walk needs both).
export interface Found { node: FsNode; stat: Stat }

// A change of attributes (Linux's setattr): fields left out stay as they are.
export interface SetAttr { mode?: number; uid?: number; gid?: number; atime?: TimeSpec; mtime?: TimeSpec; size?: number }

// Where a magic link (/proc/self/fd/N, /proc/PID/cwd) leads: an open file, a place, or both.
export interface MagicTarget { file?: FileDescription; place?: Place }

export interface FsBackend {
  readonly type: string; // the file-system type name (/proc/mounts)
  readonly readOnly: boolean;
  // st_dev as getattr gives it is the file's own device (a host directory's files keep the host's);
  // otherwise the VFS shows the mount's.
  readonly keepsDev?: boolean;
  // The user's own files (a host directory): a machine makes nothing in it on its own.
  readonly userFiles?: boolean;
  // Character and block device nodes made by mknod keep their device numbers here (tmpfs); opening
  // one opens the machine's device of that number.
  readonly deviceNodes?: boolean;
  readonly root: FsNode;

  // The entry `name` of the directory `dir`: ENOENT, ENOTDIR.
  lookup(dir: FsNode, name: string): Found | number;
  // The directory holding `n` and n's name there (for '..' and for naming a directory by its
  // path), as last known: a removed directory keeps its old place. Undefined for the root.
  parent(n: FsNode): { dir: FsNode; name: string } | undefined;
  getattr(n: FsNode): Stat | number;
  getlink(n: FsNode): string | number; // a symlink's target
  // The entries of a directory, without . and .., in the order the storage keeps them.
  entries(dir: FsNode): Dirent[] | number;
  // Open an existing non-directory. Flags are the guest's O_* flags; `guestPath` names the description.
  openNode(n: FsNode, flags: number, guestPath: string): FileDescription | number;
  // A new regular file `name` in `dir` (O_CREAT|O_EXCL; mode has the umask applied), opened.
  create(dir: FsNode, name: string, flags: number, mode: number, guestPath: string): { file: FileDescription; node: FsNode } | number;
  mkdirAt(dir: FsNode, name: string, mode: number): number;
  rmdirAt(dir: FsNode, name: string): number;
  unlinkAt(dir: FsNode, name: string): number;
  // Same backend only (the VFS answers EXDEV otherwise); replaces the target atomically.
  renameAt(fromDir: FsNode, fromName: string, toDir: FsNode, toName: string): number;
  // renameat2's RENAME_EXCHANGE: both exist, neither inside the other; they swap names.
  exchangeAt?(aDir: FsNode, aName: string, bDir: FsNode, bName: string): number;
  linkAt(n: FsNode, dir: FsNode, name: string): number;
  symlinkAt(target: string, dir: FsNode, name: string): number;
  // A FIFO, socket or regular file; character and block devices (rdev) where deviceNodes is set.
  mknodAt?(dir: FsNode, name: string, mode: number, rdev?: number): number;
  setattr(n: FsNode, attr: SetAttr): number;
  statfs(): StatFs;
  // open(2) with O_TMPFILE: an unnamed regular file in the file system of `dir` (mode has the umask
  // applied). Without O_EXCL in flags, linkFile can give it a name later. The description is named
  // as Linux names it: "DIR/#INO (deleted)", from `guestDir`.
  tmpfileAt?(dir: FsNode, flags: number, mode: number, guestDir: string): { file: FileDescription; node: FsNode } | number;
  // linkat(fd, "", …, AT_EMPTY_PATH) and linking /proc/self/fd/N: a new name for the open file `f`,
  // or undefined when the backend does not link such a file itself (the VFS then links f's node).
  // An unnamed file that may not be linked: -ENOENT.
  linkFile?(f: FileDescription, dir: FsNode, name: string): number | undefined;
  // Magic links (/proc/self/fd/N): following the symlink `n` leads here rather than to its text.
  linkTarget?(n: FsNode): MagicTarget | undefined;
  // The directory `n` becomes a working directory or an open directory: a backend that reaches its
  // files through host descriptors takes one now, while the name it was found by still leads to it.
  hold?(n: FsNode): void;
  // Extended attributes, where the storage keeps them (a backend without them: EOPNOTSUPP). Names
  // carry their namespace ("user.x"); who may read or change which is the kernel's check, made first.
  // setxattr's flags: XATTR_CREATE (EEXIST), XATTR_REPLACE (ENODATA); a missing one is ENODATA.
  getxattr?(n: FsNode, name: string): Uint8Array | number;
  setxattr?(n: FsNode, name: string, value: Uint8Array, flags: number): number;
  listxattr?(n: FsNode): string[] | number;
  removexattr?(n: FsNode, name: string): number;
}

export const EMPTY_STATFS: StatFs = {
  type: 0x01021994 /* TMPFS_MAGIC */, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0,
  namelen: 255, frsize: 4096, flags: 0,
};

const isDirMode = (mode: number) => (mode & 0o170000) === 0o040000;

// The node operations by backend path, for a backend whose nodes are its own: tests and the code
// that seeds a file system name files by path ('/etc/passwd', normalized, symlinks not followed).
export abstract class NodeFs implements FsBackend {
  abstract readonly type: string;
  abstract readonly readOnly: boolean;
  abstract readonly root: FsNode;
  abstract lookup(dir: FsNode, name: string): Found | number;
  abstract parent(n: FsNode): { dir: FsNode; name: string } | undefined;
  abstract getattr(n: FsNode): Stat | number;
  abstract getlink(n: FsNode): string | number;
  abstract entries(dir: FsNode): Dirent[] | number;
  abstract openNode(n: FsNode, flags: number, guestPath: string): FileDescription | number;
  abstract create(dir: FsNode, name: string, flags: number, mode: number, guestPath: string): { file: FileDescription; node: FsNode } | number;
  abstract mkdirAt(dir: FsNode, name: string, mode: number): number;
  abstract rmdirAt(dir: FsNode, name: string): number;
  abstract unlinkAt(dir: FsNode, name: string): number;
  abstract renameAt(fromDir: FsNode, fromName: string, toDir: FsNode, toName: string): number;
  abstract linkAt(n: FsNode, dir: FsNode, name: string): number;
  abstract symlinkAt(target: string, dir: FsNode, name: string): number;
  abstract setattr(n: FsNode, attr: SetAttr): number;
  abstract statfs(): StatFs;
  exchangeAt?(aDir: FsNode, aName: string, bDir: FsNode, bName: string): number;
  mknodAt?(dir: FsNode, name: string, mode: number): number;
  getxattr?(n: FsNode, name: string): Uint8Array | number;
  setxattr?(n: FsNode, name: string, value: Uint8Array, flags: number): number;
  listxattr?(n: FsNode): string[] | number;
  removexattr?(n: FsNode, name: string): number;
  tmpfileAt?(dir: FsNode, flags: number, mode: number, guestDir: string): { file: FileDescription; node: FsNode } | number;

  // --- by path -------------------------------------------------------------------------
  // The node at a backend path.
  nodeAt(p: string): FsNode | number {
    let n = this.root;
    for (const c of p.split('/')) {
      if (c === '') continue;
      const f = this.lookup(n, c);
      if (typeof f === 'number') return f;
      n = f.node;
    }
    return n;
  }
  // The directory holding the last component of `p`, and that component.
  private at(p: string): { dir: FsNode; name: string } | number {
    const i = p.lastIndexOf('/');
    const name = p.slice(i + 1);
    if (name === '') return -EEXIST; // the root
    const dir = this.nodeAt(p.slice(0, Math.max(0, i)));
    return typeof dir === 'number' ? dir : { dir, name };
  }
  lstat(p: string): Stat | number {
    const n = this.nodeAt(p);
    return typeof n === 'number' ? n : this.getattr(n);
  }
  readlink(p: string): string | number {
    const n = this.nodeAt(p);
    return typeof n === 'number' ? n : this.getlink(n);
  }
  readdir(p: string): Dirent[] | number {
    const n = this.nodeAt(p);
    return typeof n === 'number' ? n : this.entries(n);
  }
  // Open a non-directory; with O_CREAT a new one (O_EXCL) or the one there.
  open(p: string, flags: number, mode: number, guestPath: string): FileDescription | number {
    const n = this.nodeAt(p);
    if (typeof n !== 'number') {
      if (flags & 0o100 && flags & 0o200) return -EEXIST;
      const st = this.getattr(n);
      if (typeof st !== 'number' && isDirMode(st.mode)) return -EISDIR;
      return this.openNode(n, flags & ~(0o100 | 0o200), guestPath);
    }
    if (n !== -ENOENT || !(flags & 0o100)) return n;
    const w = this.at(p);
    if (typeof w === 'number') return w;
    const c = this.create(w.dir, w.name, flags, mode, guestPath);
    return typeof c === 'number' ? c : c.file;
  }
  mkdir(p: string, mode: number): number { return this.withAt(p, (d, n) => this.mkdirAt(d, n, mode)); }
  rmdir(p: string): number { return this.withAt(p, (d, n) => this.rmdirAt(d, n), -EBUSY); }
  unlink(p: string): number { return this.withAt(p, (d, n) => this.unlinkAt(d, n), -EISDIR); }
  rename(from: string, to: string): number {
    const a = this.at(from), b = this.at(to);
    if (typeof a === 'number') return a;
    if (typeof b === 'number') return b;
    return this.renameAt(a.dir, a.name, b.dir, b.name);
  }
  exchange(x: string, y: string): number {
    const a = this.at(x), b = this.at(y);
    if (typeof a === 'number') return a;
    if (typeof b === 'number') return b;
    return this.exchangeAt ? this.exchangeAt(a.dir, a.name, b.dir, b.name) : -EINVAL;
  }
  link(existing: string, p: string): number {
    const n = this.nodeAt(existing);
    if (typeof n === 'number') return n;
    return this.withAt(p, (d, name) => this.linkAt(n, d, name));
  }
  symlink(target: string, p: string): number { return this.withAt(p, (d, n) => this.symlinkAt(target, d, n)); }
  mknod(p: string, mode: number): number { return this.withAt(p, (d, n) => (this.mknodAt ? this.mknodAt(d, n, mode) : -EPERM)); }
  chmod(p: string, mode: number): number { return this.withNode(p, (n) => this.setattr(n, { mode })); }
  chown(p: string, uid: number, gid: number): number {
    return this.withNode(p, (n) => this.setattr(n, { uid: uid === -1 ? undefined : uid, gid: gid === -1 ? undefined : gid }));
  }
  utimes(p: string, atime: TimeSpec, mtime: TimeSpec): number { return this.withNode(p, (n) => this.setattr(n, { atime, mtime })); }
  truncate(p: string, len: number): number { return this.withNode(p, (n) => this.setattr(n, { size: len })); }
  tmpfile(dir: string, flags: number, mode: number, guestDir: string): FileDescription | number {
    const d = this.nodeAt(dir);
    if (typeof d === 'number') return d;
    if (!this.tmpfileAt) return -EINVAL;
    const r = this.tmpfileAt(d, flags, mode, guestDir);
    return typeof r === 'number' ? r : r.file;
  }
  private withAt(p: string, fn: (dir: FsNode, name: string) => number, atRoot = -EEXIST): number {
    const w = this.at(p);
    if (typeof w === 'number') return w === -EEXIST ? atRoot : w;
    return fn(w.dir, w.name);
  }
  private withNode(p: string, fn: (n: FsNode) => number): number {
    const n = this.nodeAt(p);
    return typeof n === 'number' ? n : fn(n);
  }
}
// A node of a tree the kernel makes, named by its path in that tree.
export class PathNode {
  constructor(readonly path: string) {}
}

// The base of a tree the kernel makes (proc, sys, dev, devpts), written by path: the guest cannot
// make, remove, rename or link names in it (EPERM), nor change its files' attributes or sizes
// (EPERM, EACCES), unless a subclass says otherwise. Its nodes are PathNodes, one per path for as
// long as someone holds it.
export abstract class KernelTreeFs implements FsBackend {
  abstract readonly type: string;
  abstract readonly readOnly: boolean;
  abstract lstat(path: string): Stat | number;
  abstract readlink(path: string): string | number;
  abstract readdir(path: string): Dirent[] | number;
  abstract open(path: string, flags: number, mode: number, guestPath: string): FileDescription | number;
  abstract statfs(): StatFs;
  mkdir(_path: string, _mode: number): number { return -EPERM; }
  rmdir(_path: string): number { return -EPERM; }
  unlink(_path: string): number { return -EPERM; }
  rename(_from: string, _to: string): number { return -EPERM; }
  link(_existing: string, _path: string): number { return -EPERM; }
  symlink(_target: string, _path: string): number { return -EPERM; }
  chmod(_path: string, _mode: number): number { return -EPERM; }
  chown(_path: string, _uid: number, _gid: number): number { return -EPERM; }
  utimes(_path: string, _atime: TimeSpec, _mtime: TimeSpec): number { return -EPERM; }
  truncate(_path: string, _len: number): number { return -EACCES; }
  mknod?(path: string, mode: number): number;
  linkTargetAt?(path: string): MagicTarget | undefined;

  private readonly nodeCache = new NodeCache<string, PathNode>();
  readonly root: FsNode = this.node('/');
  // The nodes alive now, by path (a snapshot names them: the restoring machine's tree gives its own).
  liveNodes(): [string, PathNode][] { return this.nodeCache.saved().entries; }
  // The node of a path of this tree (whether or not it exists).
  node(path: string): PathNode {
    return this.nodeCache.get(path) ?? this.nodeCache.set(path, new PathNode(path));
  }
  private pathOf(n: FsNode): string { return (n as PathNode).path; }
  private join(dir: FsNode, name: string): string { const d = this.pathOf(dir); return (d === '/' ? '' : d) + '/' + name; }

  lookup(dir: FsNode, name: string): Found | number {
    const p = this.join(dir, name);
    const stat = this.lstat(p);
    if (typeof stat === 'number') return stat;
    return { node: this.node(p), stat };
  }
  parent(n: FsNode): { dir: FsNode; name: string } | undefined {
    const p = this.pathOf(n);
    if (p === '/') return undefined;
    const i = p.lastIndexOf('/');
    return { dir: this.node(p.slice(0, i) || '/'), name: p.slice(i + 1) };
  }
  getattr(n: FsNode): Stat | number { return this.lstat(this.pathOf(n)); }
  getlink(n: FsNode): string | number { return this.readlink(this.pathOf(n)); }
  entries(dir: FsNode): Dirent[] | number { return this.readdir(this.pathOf(dir)); }
  openNode(n: FsNode, flags: number, guestPath: string): FileDescription | number {
    return this.open(this.pathOf(n), flags, 0, guestPath);
  }
  create(dir: FsNode, name: string, flags: number, mode: number, guestPath: string): { file: FileDescription; node: FsNode } | number {
    const p = this.join(dir, name);
    const file = this.open(p, flags, mode, guestPath);
    return typeof file === 'number' ? file : { file, node: this.node(p) };
  }
  mkdirAt(dir: FsNode, name: string, mode: number): number { return this.mkdir(this.join(dir, name), mode); }
  rmdirAt(dir: FsNode, name: string): number { return this.rmdir(this.join(dir, name)); }
  unlinkAt(dir: FsNode, name: string): number { return this.unlink(this.join(dir, name)); }
  renameAt(fromDir: FsNode, fromName: string, toDir: FsNode, toName: string): number {
    return this.rename(this.join(fromDir, fromName), this.join(toDir, toName));
  }
  linkAt(n: FsNode, dir: FsNode, name: string): number { return this.link(this.pathOf(n), this.join(dir, name)); }
  symlinkAt(target: string, dir: FsNode, name: string): number { return this.symlink(target, this.join(dir, name)); }
  mknodAt(dir: FsNode, name: string, mode: number): number {
    const p = this.join(dir, name);
    if (this.mknod) return this.mknod(p, mode);
    return typeof this.lstat(p) === 'number' ? -EPERM : -EEXIST;
  }
  setattr(n: FsNode, a: SetAttr): number {
    const p = this.pathOf(n);
    let r = 0;
    if (a.uid !== undefined || a.gid !== undefined) r ||= this.chown(p, a.uid ?? -1, a.gid ?? -1);
    if (a.mode !== undefined) r ||= this.chmod(p, a.mode);
    if (a.atime !== undefined || a.mtime !== undefined) r ||= this.utimes(p, a.atime, a.mtime);
    if (a.size !== undefined) r ||= this.truncate(p, a.size);
    return r;
  }
  linkTarget(n: FsNode): MagicTarget | undefined { return this.linkTargetAt?.(this.pathOf(n)); }
}

// A cache of objects by key that keeps each only while something else holds it: a file system
// hands out one node per file for as long as anyone uses it, without keeping every node it ever made.
export class NodeCache<K, V extends object> {
  private readonly map = new Map<K, WeakRef<V>>();
  private readonly gone = new FinalizationRegistry<K>((k) => {
    const r = this.map.get(k);
    if (r && r.deref() === undefined) this.map.delete(k);
  });
  // A snapshot's form of the cache (its weak references cannot be saved): the entries alive now.
  saved(): SavedNodes<K, V> { return new SavedNodes([...this.map].flatMap(([k, r]) => { const v = r.deref(); return v ? [[k, v] as [K, V]] : []; })); }
  get(k: K): V | undefined { return this.map.get(k)?.deref(); }
  set(k: K, v: V): V {
    this.map.set(k, new WeakRef(v));
    this.gone.register(v, k);
    return v;
  }
  delete(k: K): void { this.map.delete(k); }
  // The objects alive now.
  values(): V[] { return [...this.map.values()].map((r) => r.deref()).filter((v): v is V => v !== undefined); }
}
// A NodeCache as a snapshot has it; read back, it becomes one again (revive).
export class SavedNodes<K, V extends object> {
  constructor(readonly entries: [K, V][]) {}
  revive(): NodeCache<K, V> {
    const c = new NodeCache<K, V>();
    for (const [k, v] of this.entries) c.set(k, v);
    return c;
  }
}
