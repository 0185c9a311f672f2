// tmpfs: a file system in memory. The browser's root file system, and /tmp.
//
// Inodes hold everything (they are the VFS's nodes, so there is no separate
// dentry cache): a directory maps names to inodes, so hard links are two names
// for one inode and nlink is counted for real; a directory knows its parent and
// its name there. A regular file's data is a sparse list of chunks: a chunk
// never written is a hole (reads as zeros, costs nothing), and the last chunk
// grows by doubling, so a small file costs about its size.
//
// Names are byte strings (see backend.ts). The helpers for seeding (writeFile,
// mkdirp, symlinkp) also accept unnormalized Unicode paths.
import type { MappedFile } from '../mm/address-space.js';
import { NodeFs, type Found, type FsNode, type SetAttr, type StatFs } from './backend.js';
import { INODE_COST, type MemoryBudget } from '../base/budget.js';
import { XattrStore } from './xattr.js';
import {
  FileDescription, O_APPEND, O_CREAT, O_EXCL, O_TRUNC, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT,
  S_IFREG, S_IFSOCK, S_IFCHR, S_IFBLK, seekTo, dtFromMode, type Dirent, type Stat,
  type TimeSpec,
} from './file.js';
import {
  EEXIST, EFBIG, EINVAL, EISDIR, ELOOP, ENAMETOOLONG, ENODATA, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY, ENXIO, EPERM,
} from '../base/errno.js';

const TMPFS_MAGIC = 0x01021994;
const PAGE = 4096;
const CHUNK = 1 << 16; // bytes per chunk of file data
const BOGO_DIRENT_SIZE = 20; // Linux's tmpfs reports a directory's size as 20 bytes per entry
const MAX_FILE_SIZE = 2 ** 46; // well inside a double's exact range
const S_ISUID = 0o4000, S_ISGID = 0o2000, S_IXGRP = 0o010;

export interface TmpfsOptions {
  // CLOCK_REALTIME in ns for timestamps (fs/ has no clock of its own; the host passes one).
  now?: () => bigint;
  dev?: number; // st_dev
  // Bytes of data it may hold (statfs, ENOSPC); default: half the machine's memory, as Linux (1 GiB
  // without a budget); Infinity: only the machine's memory bounds it.
  size?: number;
  inodes?: number; // inodes it may hold; default: half the machine's pages, as Linux (1M without a budget)
  // The machine's memory, which data and inodes are charged to: when it is used up, ENOSPC.
  budget?: MemoryBudget;
  mode?: number; // permissions of the root directory; default 0o755 (/tmp: 0o1777)
  uid?: number; // owner of the root and of new files (the backend does not see the caller)
  gid?: number;
}

export class Inode {
  nlink = 0;
  opens = 0; // open descriptions: the data outlives the last name while one is open
  size = 0; // regular files: bytes; symlinks: target length
  atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint; readonly btimeNs: bigint;
  children?: Map<string, Inode>; // directories
  chunks?: (Uint8Array | undefined)[]; // regular files: CHUNK-sized pieces, undefined = hole
  target?: string; // symlinks
  rdev = 0; // device nodes
  parentDir?: Inode; // directories: the one directory that holds it (the last one, once removed)
  name = ''; // directories: their name in parentDir
  freed = false; // no name and no opener left: its storage is no longer counted
  linkable = false; // an O_TMPFILE file without O_EXCL, not linked yet: linkat may give it its first name
  xattrs?: XattrStore; // extended attributes, once one is set
  constructor(readonly ino: number, public mode: number, public uid: number, public gid: number, now: bigint) {
    this.atimeNs = this.mtimeNs = this.ctimeNs = this.btimeNs = now;
    if ((mode & S_IFMT) === S_IFDIR) this.children = new Map();
    if ((mode & S_IFMT) === S_IFREG) this.chunks = [];
  }
  get type(): number { return this.mode & S_IFMT; }
}

// Unicode path → byte string (one char per byte, UTF-8), as the VFS spells paths.
function bytePath(p: string): string {
  let ascii = true;
  for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) > 0x7f) { ascii = false; break; }
  if (ascii) return p;
  const b = new TextEncoder().encode(p);
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

function components(p: string): string[] {
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return out;
}

export class Tmpfs extends NodeFs {
  readonly type = 'tmpfs';
  readonly readOnly = false;
  readonly deviceNodes = true;
  readonly dev: number;
  readonly root: Inode;
  readonly now: () => bigint;
  private readonly size?: number;
  private readonly inodeLimit?: number;
  private readonly budget?: MemoryBudget;
  private readonly uid: number;
  private readonly gid: number;
  private nextIno = 1;
  private inodes = 0;
  usedBytes = 0; // bytes of chunk storage held
  xattrBytes = 0; // bytes of extended attributes held (Linux bounds them by its inode space: 1 KiB an inode)

  constructor(opts: TmpfsOptions = {}) {
    super();
    this.now = opts.now ?? (() => 0n);
    this.dev = opts.dev ?? 0x2a;
    this.size = opts.size;
    this.inodeLimit = opts.inodes;
    this.budget = opts.budget;
    this.uid = opts.uid ?? 0;
    this.gid = opts.gid ?? 0;
    this.root = this.newInode(S_IFDIR | ((opts.mode ?? 0o755) & 0o7777))!;
    this.root.nlink = 2;
  }

  // The machine's memory is known once the machine is made (a tmpfs may be made before it).
  private get limit(): number {
    const machine = this.budget?.limit ?? Infinity;
    return Math.min(this.size ?? (this.budget ? Math.floor(machine / 2) : 2 ** 30), machine);
  }
  private get maxInodes(): number {
    return this.inodeLimit ?? (this.budget && Number.isFinite(this.budget.limit) ? Math.floor(this.budget.limit / 8192) : 1 << 20);
  }

  // --- inodes and lookup ---------------------------------------------------------------
  private newInode(mode: number, parent?: Inode): Inode | undefined {
    if (this.inodes >= this.maxInodes) return undefined;
    if (this.budget && !this.budget.charge(INODE_COST)) return undefined;
    this.inodes++;
    let gid = this.gid;
    if (parent && parent.mode & S_ISGID) {
      gid = parent.gid; // BSD group semantics in a setgid directory
      if ((mode & S_IFMT) === S_IFDIR) mode |= S_ISGID;
    }
    return new Inode(this.nextIno++, mode, this.uid, gid, this.now());
  }

  private touch(n: Inode, what: { a?: boolean; m?: boolean; c?: boolean }): void {
    const t = this.now();
    if (what.a) n.atimeNs = t;
    if (what.m) n.mtimeNs = t;
    if (what.c) n.ctimeNs = t;
  }

  // Add a new inode under parent; directories count their subdirectories' '..' in nlink.
  private attach(dir: Inode, name: string, n: Inode): void {
    dir.children!.set(name, n);
    n.nlink++;
    if (n.children) { n.nlink++; dir.nlink++; n.parentDir = dir; n.name = name; }
    this.touch(dir, { m: true, c: true });
  }

  private dropLink(n: Inode): void {
    n.nlink--;
    this.maybeFree(n);
  }

  // The last name and the last opener are gone. The data itself stays for the
  // garbage collector: a mapping of the file may still read it.
  maybeFree(n: Inode): void {
    if (n.nlink > 0 || n.opens > 0 || n.freed) return;
    n.freed = true;
    this.inodes--;
    let bytes = 0;
    for (const c of n.chunks ?? []) if (c) bytes += c.length;
    this.usedBytes -= bytes;
    this.budget?.uncharge(bytes + INODE_COST);
    if (n.xattrs) this.xattrBytes -= n.xattrs.clear(this.budget);
  }

  stat(n: Inode): Stat {
    let blocks = 0;
    if (n.chunks) {
      for (let i = 0; i < n.chunks.length; i++) {
        const c = n.chunks[i];
        if (c) blocks += Math.ceil(Math.min(c.length, n.size - i * CHUNK) / PAGE) * (PAGE / 512);
      }
    }
    const size = n.children ? (n.children.size + 2) * BOGO_DIRENT_SIZE : n.size;
    return {
      dev: this.dev, ino: n.ino, mode: n.mode, nlink: n.nlink, uid: n.uid, gid: n.gid, rdev: n.rdev, size,
      blksize: PAGE, blocks, atimeNs: n.atimeNs, mtimeNs: n.mtimeNs, ctimeNs: n.ctimeNs, btimeNs: n.btimeNs,
    };
  }

  // --- file data (also for TmpfsFile, which works on the inode, not a path) ----------------
  readData(n: Inode, at: number, len: number): Uint8Array {
    const end = Math.min(n.size, at + len);
    if (end <= at) return new Uint8Array(0);
    const out = new Uint8Array(end - at);
    const chunks = n.chunks!;
    for (let pos = at; pos < end;) {
      const ci = Math.floor(pos / CHUNK), off = pos - ci * CHUNK;
      const take = Math.min(end - pos, CHUNK - off);
      const c = chunks[ci];
      if (c && off < c.length) out.set(c.subarray(off, Math.min(c.length, off + take)), pos - at);
      pos += take;
    }
    return out;
  }

  writeData(n: Inode, at: number, data: Uint8Array): number {
    if (data.length === 0) return 0;
    const end = at + data.length;
    if (end > MAX_FILE_SIZE) return -EFBIG;
    let done = 0;
    while (done < data.length) {
      const pos = at + done;
      const ci = Math.floor(pos / CHUNK), off = pos - ci * CHUNK;
      const take = Math.min(data.length - done, CHUNK - off);
      const c = this.chunkFor(n, ci, off + take);
      if (!c) {
        if (done === 0) return -ENOSPC;
        break;
      }
      c.set(data.subarray(done, done + take), off);
      done += take;
    }
    if (at + done > n.size) n.size = at + done;
    return done;
  }

  // Chunk ci with room for `need` bytes (grown by doubling), or undefined when the file system is full.
  private chunkFor(n: Inode, ci: number, need: number): Uint8Array | undefined {
    const chunks = n.chunks!;
    while (chunks.length <= ci) chunks.push(undefined);
    const c = chunks[ci];
    if (c && c.length >= need) return c;
    let cap = c ? c.length : 64;
    while (cap < need) cap *= 2;
    cap = Math.min(cap, CHUNK);
    const grow = cap - (c ? c.length : 0);
    if (!n.freed && this.usedBytes + grow > this.limit) return undefined;
    if (!n.freed && this.budget && !this.budget.charge(grow)) return undefined;
    const next = new Uint8Array(cap);
    if (c) next.set(c);
    if (!n.freed) this.usedBytes += grow;
    chunks[ci] = next;
    return next;
  }

  private giveBack(bytes: number): void {
    this.usedBytes -= bytes;
    this.budget?.uncharge(bytes);
  }

  // Truncate or extend (with a hole) to `len`.
  setSize(n: Inode, len: number): number {
    if (len > MAX_FILE_SIZE) return -EFBIG;
    const chunks = n.chunks!;
    if (len < n.size) {
      const keep = Math.ceil(len / CHUNK);
      if (!n.freed) for (let i = keep; i < chunks.length; i++) if (chunks[i]) this.giveBack(chunks[i]!.length);
      chunks.length = Math.min(chunks.length, keep);
      const tail = len % CHUNK;
      const last = keep > 0 ? chunks[keep - 1] : undefined;
      if (tail && last && last.length > tail) last.fill(0, tail); // bytes past EOF must read as zeros when it grows again
    }
    n.size = len;
    return 0;
  }

  // Offset of the next data (SEEK_DATA) or hole (SEEK_HOLE) at or after `at`. A chunk holds data
  // up to its length; the rest of its span is a hole.
  seekData(n: Inode, at: number, hole: boolean): number {
    if (at >= n.size) return -ENXIO;
    const chunks = n.chunks!;
    for (let ci = Math.floor(at / CHUNK); ci * CHUNK < n.size; ci++) {
      const start = ci * CHUNK, dataEnd = start + (chunks[ci]?.length ?? 0);
      if (hole) {
        const h = Math.max(at, dataEnd);
        if (h < start + CHUNK) return Math.min(h, n.size);
      } else if (Math.max(at, start) < dataEnd) return Math.max(at, start);
    }
    return hole ? n.size : -ENXIO;
  }

  // fallocate: storage for [at, at+len) (zeros where nothing was written), the size grown to cover it.
  // On ENOSPC the chunks it made are given back.
  allocateData(n: Inode, at: number, len: number): number {
    const end = at + len;
    if (end > MAX_FILE_SIZE) return -EFBIG;
    const chunks = n.chunks!;
    const first = Math.floor(at / CHUNK), last = Math.ceil(end / CHUNK) - 1;
    // refuse at once what cannot fit (all but the last missing chunk are whole ones)
    let have = 0;
    for (let ci = first; ci <= last && ci < chunks.length; ci++) if (chunks[ci]) have++;
    const need = (last - first - have) * CHUNK;
    if (!n.freed && (this.usedBytes + need > this.limit || (this.budget && need > this.budget.available))) return -ENOSPC;
    const made: number[] = [];
    for (let ci = first; ci <= last; ci++) {
      const had = chunks[ci] !== undefined;
      if (!this.chunkFor(n, ci, Math.min(CHUNK, end - ci * CHUNK))) {
        for (const i of made) { if (!n.freed) this.giveBack(chunks[i]!.length); chunks[i] = undefined; }
        return -ENOSPC;
      }
      if (!had) made.push(ci);
    }
    if (end > n.size) {
      n.size = end;
      n.ctimeNs = this.now();
    }
    return 0;
  }

  // fallocate(PUNCH_HOLE): chunks wholly inside [at, at+len) are given back, the rest zeroed; the size stays.
  punchData(n: Inode, at: number, len: number): number {
    const chunks = n.chunks!;
    const end = Math.min(at + len, n.size);
    for (let ci = Math.floor(at / CHUNK); ci * CHUNK < end && ci < chunks.length; ci++) {
      const c = chunks[ci];
      if (!c) continue;
      const start = ci * CHUNK;
      const from = Math.max(at, start) - start, to = Math.min(end, start + CHUNK) - start;
      if (from === 0 && (to === CHUNK || start + to >= n.size)) {
        if (!n.freed) this.giveBack(c.length);
        chunks[ci] = undefined;
      } else if (from < c.length) c.fill(0, from, Math.min(to, c.length));
    }
    n.ctimeNs = n.mtimeNs = this.now();
    return 0;
  }

  // --- FsBackend ---------------------------------------------------------------------------
  private dirOf(d: FsNode): Inode | number {
    const n = d as Inode;
    if (!n.children) return -ENOTDIR;
    return n.nlink === 0 ? -ENOENT : n; // a removed directory takes no new names
  }
  private check(name: string): number { return name.length > 255 ? -ENAMETOOLONG : 0; }

  lookup(d: FsNode, name: string): Found | number {
    const dir = d as Inode;
    if (!dir.children) return -ENOTDIR;
    const n = dir.children.get(name);
    return n ? { node: n, stat: this.stat(n) } : -ENOENT;
  }
  parent(n: FsNode): { dir: FsNode; name: string } | undefined {
    const i = n as Inode;
    return i.parentDir ? { dir: i.parentDir, name: i.name } : undefined;
  }
  getattr(n: FsNode): Stat { return this.stat(n as Inode); }

  getlink(node: FsNode): string | number {
    const n = node as Inode;
    if (n.target === undefined) return -EINVAL;
    this.touch(n, { a: true });
    return n.target;
  }

  entries(d: FsNode): Dirent[] | number {
    const n = d as Inode;
    if (!n.children) return -ENOTDIR;
    this.touch(n, { a: true });
    const out: Dirent[] = [];
    for (const [name, c] of n.children) out.push({ ino: c.ino, type: dtFromMode(c.mode), name });
    return out;
  }

  openNode(node: FsNode, flags: number, guestPath: string): FileDescription | number {
    const n = node as Inode;
    switch (n.type) {
      case S_IFREG: break;
      case S_IFDIR: return -EISDIR;
      case S_IFLNK: return -ELOOP;
      default: return -ENXIO; // FIFOs and sockets are opened through the kernel's pipes and sockets
    }
    if (flags & O_TRUNC) { // even with O_RDONLY, as Linux does (the VFS has checked write permission)
      this.setSize(n, 0);
      this.touch(n, { m: true, c: true });
    }
    return new TmpfsFile(flags, guestPath, this, n);
  }

  create(d: FsNode, name: string, flags: number, mode: number, guestPath: string): { file: FileDescription; node: FsNode } | number {
    const dir = this.dirOf(d);
    if (typeof dir === 'number') return dir;
    const bad = this.check(name);
    if (bad) return bad;
    if (dir.children!.has(name)) return -EEXIST;
    const n = this.newInode(S_IFREG | (mode & 0o7777), dir);
    if (!n) return -ENOSPC;
    this.attach(dir, name, n);
    return { file: new TmpfsFile(flags & ~(O_CREAT | O_EXCL | O_TRUNC), guestPath, this, n), node: n };
  }

  override tmpfileAt(d: FsNode, flags: number, mode: number, guestDir: string): { file: FileDescription; node: FsNode } | number {
    const dir = this.dirOf(d);
    if (typeof dir === 'number') return dir;
    const n = this.newInode(S_IFREG | (mode & 0o7777), dir);
    if (!n) return -ENOSPC;
    n.linkable = !(flags & O_EXCL);
    return { file: new TmpfsFile(flags, `${guestDir === '/' ? '' : guestDir}/#${n.ino} (deleted)`, this, n), node: n };
  }

  linkFile(f: FileDescription, d: FsNode, name: string): number | undefined {
    if (!(f instanceof TmpfsFile) || f.fs !== this) return undefined;
    const n = f.inode;
    if (n.nlink === 0 && !n.linkable) return -ENOENT; // its last name is gone: it stays unnamed
    const dir = this.dirOf(d);
    if (typeof dir === 'number') return dir;
    if (dir.children!.has(name)) return -EEXIST;
    this.attach(dir, name, n);
    n.linkable = false;
    this.touch(n, { c: true });
    return 0;
  }

  mkdirAt(d: FsNode, name: string, mode: number): number {
    const dir = this.dirOf(d);
    if (typeof dir === 'number') return dir;
    const bad = this.check(name);
    if (bad) return bad;
    if (dir.children!.has(name)) return -EEXIST;
    const n = this.newInode(S_IFDIR | (mode & 0o7777), dir);
    if (!n) return -ENOSPC;
    this.attach(dir, name, n);
    return 0;
  }

  rmdirAt(d: FsNode, name: string): number {
    const dir = d as Inode;
    if (!dir.children) return -ENOTDIR;
    const n = dir.children.get(name);
    if (!n) return -ENOENT;
    if (!n.children) return -ENOTDIR;
    if (n.children.size) return -ENOTEMPTY;
    dir.children.delete(name);
    dir.nlink--;
    this.touch(dir, { m: true, c: true });
    this.touch(n, { c: true });
    n.nlink = 0;
    this.maybeFree(n);
    return 0;
  }

  unlinkAt(d: FsNode, name: string): number {
    const dir = d as Inode;
    if (!dir.children) return -ENOTDIR;
    const n = dir.children.get(name);
    if (!n) return -ENOENT;
    if (n.children) return -EISDIR;
    dir.children.delete(name);
    this.touch(dir, { m: true, c: true });
    this.touch(n, { c: true });
    this.dropLink(n);
    return 0;
  }

  renameAt(fd: FsNode, fromName: string, td: FsNode, toName: string): number {
    const src = fd as Inode;
    const dst = this.dirOf(td);
    if (!src.children) return -ENOTDIR;
    if (typeof dst === 'number') return dst;
    const bad = this.check(toName);
    if (bad) return bad;
    const n = src.children.get(fromName);
    if (!n) return -ENOENT;
    const old = dst.children!.get(toName);
    if (old === n) return 0;
    if (n.children) {
      // a directory may not move below itself
      for (let x: Inode | undefined = dst; x; x = x.parentDir) if (x === n) return -EINVAL;
    }
    if (old) {
      if (n.children && !old.children) return -ENOTDIR;
      if (!n.children && old.children) return -EISDIR;
      if (old.children && old.children.size) return -ENOTEMPTY;
    }
    src.children.delete(fromName);
    if (old) {
      dst.children!.delete(toName);
      if (old.children) { dst.nlink--; old.nlink = 0; this.maybeFree(old); } else this.dropLink(old);
      this.touch(old, { c: true });
    }
    dst.children!.set(toName, n);
    if (n.children) {
      n.parentDir = dst;
      n.name = toName;
      if (src !== dst) { src.nlink--; dst.nlink++; }
    }
    this.touch(src, { m: true, c: true });
    this.touch(dst, { m: true, c: true });
    this.touch(n, { c: true });
    return 0;
  }

  override exchangeAt(ad: FsNode, aName: string, bd: FsNode, bName: string): number {
    const pa = ad as Inode, pb = bd as Inode;
    if (!pa.children || !pb.children) return -ENOTDIR;
    const na = pa.children.get(aName), nb = pb.children.get(bName);
    if (!na || !nb) return -ENOENT;
    if (na === nb) return 0;
    // neither directory may end up below itself
    for (let x: Inode | undefined = pb; x; x = x.parentDir) if (x === na) return -EINVAL;
    for (let x: Inode | undefined = pa; x; x = x.parentDir) if (x === nb) return -EINVAL;
    pa.children.set(aName, nb);
    pb.children.set(bName, na);
    if (na.children) { na.parentDir = pb; na.name = bName; }
    if (nb.children) { nb.parentDir = pa; nb.name = aName; }
    if (pa !== pb) {
      if (na.children) { pa.nlink--; pb.nlink++; }
      if (nb.children) { pb.nlink--; pa.nlink++; }
    }
    for (const n of [pa, pb]) this.touch(n, { m: true, c: true });
    for (const n of [na, nb]) this.touch(n, { c: true });
    return 0;
  }

  linkAt(node: FsNode, d: FsNode, name: string): number {
    const n = node as Inode;
    if (n.children) return -EPERM;
    const dir = this.dirOf(d);
    if (typeof dir === 'number') return dir;
    const bad = this.check(name);
    if (bad) return bad;
    if (dir.children!.has(name)) return -EEXIST;
    if (n.nlink === 0 && !n.linkable) return -ENOENT;
    this.attach(dir, name, n);
    this.touch(n, { c: true });
    return 0;
  }

  symlinkAt(target: string, d: FsNode, name: string): number {
    const dir = this.dirOf(d);
    if (typeof dir === 'number') return dir;
    const bad = this.check(name);
    if (bad) return bad;
    if (dir.children!.has(name)) return -EEXIST;
    const n = this.newInode(S_IFLNK | 0o777, dir);
    if (!n) return -ENOSPC;
    n.target = target;
    n.size = target.length;
    this.attach(dir, name, n);
    return 0;
  }

  override mknodAt(d: FsNode, name: string, mode: number, rdev = 0): number {
    const type = mode & S_IFMT || S_IFREG;
    if (type !== S_IFREG && type !== S_IFIFO && type !== S_IFSOCK && type !== S_IFCHR && type !== S_IFBLK) return -EPERM;
    const dir = this.dirOf(d);
    if (typeof dir === 'number') return dir;
    const bad = this.check(name);
    if (bad) return bad;
    if (dir.children!.has(name)) return -EEXIST;
    const n = this.newInode(type | (mode & 0o7777), dir);
    if (!n) return -ENOSPC;
    if (type === S_IFCHR || type === S_IFBLK) n.rdev = rdev;
    this.attach(dir, name, n);
    return 0;
  }

  setattr(node: FsNode, a: SetAttr): number {
    const n = node as Inode;
    if (a.size !== undefined) {
      const r = this.truncateInode(n, a.size);
      if (r) return r;
    }
    if (a.uid !== undefined || a.gid !== undefined) this.chownInode(n, a.uid ?? -1, a.gid ?? -1);
    if (a.mode !== undefined) this.chmodInode(n, a.mode);
    if (a.atime !== undefined || a.mtime !== undefined) this.utimesInode(n, a.atime, a.mtime);
    return 0;
  }
  chmodInode(n: Inode, mode: number): number {
    n.mode = n.type | (mode & 0o7777);
    this.touch(n, { c: true });
    return 0;
  }
  chownInode(n: Inode, uid: number, gid: number): number {
    if (uid !== -1) n.uid = uid >>> 0;
    if (gid !== -1) n.gid = gid >>> 0;
    // Linux drops set-user-ID (and set-group-ID when group-executable) on chown of a non-directory
    if (!n.children && n.type !== S_IFLNK) {
      n.mode &= ~S_ISUID;
      if (n.mode & S_IXGRP) n.mode &= ~S_ISGID;
    }
    this.touch(n, { c: true });
    return 0;
  }
  utimesInode(n: Inode, atime: TimeSpec, mtime: TimeSpec): number {
    if (atime === undefined && mtime === undefined) return 0;
    const now = this.now();
    if (atime !== undefined) n.atimeNs = atime === 'now' ? now : atime;
    if (mtime !== undefined) n.mtimeNs = mtime === 'now' ? now : mtime;
    n.ctimeNs = now;
    return 0;
  }
  truncateInode(n: Inode, len: number): number {
    if (n.children) return -EISDIR;
    if (!n.chunks) return -EINVAL;
    if (len < 0) return -EINVAL;
    const r = this.setSize(n, len);
    if (r) return r;
    this.touch(n, { m: true, c: true });
    return 0;
  }

  // --- extended attributes (the kernel has checked who may) ---------------------------------
  override getxattr(node: FsNode, name: string): Uint8Array | number {
    return (node as Inode).xattrs?.get(name) ?? -ENODATA;
  }
  override setxattr(node: FsNode, name: string, value: Uint8Array, flags: number): number {
    const n = node as Inode;
    const x = n.xattrs ?? new XattrStore();
    const before = x.bytes;
    const room = this.maxInodes * 1024 - this.xattrBytes;
    const r = x.set(name, value, flags, room, n.freed ? undefined : this.budget);
    if (r) return r;
    n.xattrs = x;
    if (!n.freed) this.xattrBytes += x.bytes - before;
    this.touch(n, { c: true });
    return 0;
  }
  override listxattr(node: FsNode): string[] { return (node as Inode).xattrs?.names() ?? []; }
  override removexattr(node: FsNode, name: string): number {
    const n = node as Inode;
    if (!n.xattrs) return -ENODATA;
    const before = n.xattrs.bytes;
    const r = n.xattrs.remove(name, n.freed ? undefined : this.budget);
    if (r) return r;
    if (!n.freed) this.xattrBytes -= before - n.xattrs.bytes;
    this.touch(n, { c: true });
    return 0;
  }

  statfs(): StatFs {
    const limit = this.limit;
    const blocks = Math.floor((Number.isFinite(limit) ? limit : 2 ** 50) / PAGE);
    const used = Math.ceil(this.usedBytes / PAGE);
    return {
      type: TMPFS_MAGIC, bsize: PAGE, blocks, bfree: Math.max(0, blocks - used), bavail: Math.max(0, blocks - used),
      // no inode limit (an overlay's upper in memory): 0 and 0, as Linux's tmpfs with nr_inodes=0
      files: Number.isFinite(this.maxInodes) ? this.maxInodes : 0, ffree: Number.isFinite(this.maxInodes) ? this.maxInodes - this.inodes : 0,
      namelen: 255, frsize: PAGE, flags: 0,
    };
  }

  // --- seeding (for the APIs: not through the VFS, no permission checks) ----------------------
  // Create `path` and its missing parents as directories (like mkdir -p); -errno if a component is not one.
  mkdirp(path: string, mode = 0o755): number {
    let cur = '';
    for (const c of components(bytePath(path))) {
      cur += '/' + c;
      const n = this.nodeAt(cur);
      if (typeof n !== 'number') {
        if (!(n as Inode).children) return -ENOTDIR;
        continue;
      }
      const r = this.mkdir(cur, mode);
      if (r) return r;
    }
    return 0;
  }

  // Write a regular file (replacing one that exists), creating its parent directories.
  writeFile(path: string, data: Uint8Array | string, mode = 0o644): number {
    const comps = components(bytePath(path));
    if (comps.length === 0) return -EISDIR;
    const dir = '/' + comps.slice(0, -1).join('/');
    const r = this.mkdirp(dir);
    if (r) return r;
    const p = '/' + comps.join('/');
    const existing = this.nodeAt(p) as Inode | number;
    if (typeof existing !== 'number' && existing.type !== S_IFREG) {
      if (existing.children) return -EISDIR;
      this.unlink(p);
    }
    const f = this.open(p, O_CREAT | O_TRUNC | 2 /* O_RDWR */, mode, p);
    if (typeof f === 'number') return f;
    try {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      const w = f.write(bytes, 0);
      if (typeof w === 'number' && w < 0) return w;
      return f.chmod(mode & 0o7777);
    } finally {
      f.release();
    }
  }

  // A symlink at `path` (creating its parent directories).
  symlinkp(target: string, path: string): number {
    const comps = components(bytePath(path));
    if (comps.length === 0) return -EEXIST;
    const r = this.mkdirp('/' + comps.slice(0, -1).join('/'));
    return r || this.symlink(bytePath(target), '/' + comps.join('/'));
  }

  // A regular file's contents (for tests and the APIs), or -errno.
  readFile(path: string): Uint8Array | number {
    const n = this.nodeAt('/' + components(bytePath(path)).join('/')) as Inode | number;
    if (typeof n === 'number') return n;
    if (!n.chunks) return n.children ? -EISDIR : -EINVAL;
    return this.readData(n, 0, n.size);
  }
}

// An open regular file of a tmpfs. It holds the inode, so it keeps working after unlink.
export class TmpfsFile extends FileDescription {
  private pos = 0;
  private released = false;
  constructor(flags: number, path: string, readonly fs: Tmpfs, private readonly n: Inode) {
    super(flags, path);
    n.opens++;
  }
  get inode(): Inode { return this.n; }

  override read(len: number, pos?: number): Uint8Array | number {
    const at = pos ?? this.pos;
    const out = this.fs.readData(this.n, at, len);
    if (pos === undefined) this.pos += out.length;
    // relatime: the access time moves when it is older than the last change
    if (this.n.atimeNs <= this.n.mtimeNs || this.n.atimeNs <= this.n.ctimeNs) this.n.atimeNs = this.fs.now();
    return out;
  }
  override write(data: Uint8Array, pos?: number): number {
    // O_APPEND: at the end, for pwrite too (Linux ignores its offset then)
    const at = this.flags & O_APPEND ? this.n.size : pos ?? this.pos;
    const r = this.fs.writeData(this.n, at, data);
    if (r < 0) return r;
    if (pos === undefined) this.pos = at + r;
    if (r > 0) { const t = this.fs.now(); this.n.mtimeNs = this.n.ctimeNs = t; }
    return r;
  }
  override seek(offset: number, whence: number): number {
    const to = seekTo(this.pos, this.n.size, offset, whence, (at, hole) => this.fs.seekData(this.n, at, hole));
    return to < 0 ? to : (this.pos = to);
  }
  override stat(): Stat { return this.fs.stat(this.n); }
  override truncate(len: number): number { return this.fs.truncateInode(this.n, len); }
  override allocate(offset: number, len: number): number {
    if (offset < 0 || len <= 0) return -EINVAL;
    return this.fs.allocateData(this.n, offset, len);
  }
  override punchHole(offset: number, len: number): number { return this.fs.punchData(this.n, offset, len); }
  override chmod(mode: number): number { return this.fs.chmodInode(this.n, mode); }
  override chown(uid: number, gid: number): number { return this.fs.chownInode(this.n, uid, gid); }
  override utimes(atime: TimeSpec, mtime: TimeSpec): number { return this.fs.utimesInode(this.n, atime, mtime); }
  override available(): number { return Math.max(0, this.n.size - this.pos); }
  override mapping(): MappedFile { return new TmpfsMapping(this.fs, this.n, this.path); }
  override release(): void {
    if (this.released) return;
    this.released = true;
    this.n.opens--;
    this.fs.maybeFree(this.n);
  }
}

// A tmpfs file mapped (a class: a snapshot keeps it as data).
export class TmpfsMapping implements MappedFile {
  constructor(private readonly fs: Tmpfs, private readonly n: Inode, readonly name: string) {}
  get dev(): number { return this.fs.dev; }
  get ino(): number { return this.n.ino; }
  // a mapping keeps the data, as an open file does
  hold(): void { this.n.opens++; }
  drop(): void { this.n.opens--; this.fs.maybeFree(this.n); }
  readPage(offset: number, into: Uint8Array): void {
    into.fill(0);
    into.set(this.fs.readData(this.n, offset, into.length));
  }
  writePage(offset: number, data: Uint8Array): void {
    const len = Math.min(data.length, this.n.size - offset);
    if (len > 0) this.fs.writeData(this.n, offset, data.subarray(0, len));
  }
  beyondEnd(offset: number): boolean { return offset >= this.n.size; }
}
