// hostfs: a host directory as a file-system backend (node:fs, synchronous).
//
// Confinement. Every host call names its file from a directory descriptor held
// by xos, one component at a time: Node has no openat(2), but on Linux the path
// /proc/self/fd/N/NAME continues from the directory open as N wherever it is,
// so no path component above NAME is looked up again. Each step refuses
// symlinks (lstat, O_NOFOLLOW, O_DIRECTORY, rename/unlink/mkdir, which never
// follow the last component), and a call that would follow one (chmod, chown,
// utimes, truncate) is made on an O_PATH descriptor of the exact file opened
// with O_NOFOLLOW. A name is never '', '.', '..' or has a '/'. So a component
// swapped for a symlink by anyone (a guest of another machine sharing the
// directory, a host process) can only make a call fail, never lead outside.
// The directory descriptors are kept in a small cache (least recently used
// ones closed); a directory whose descriptor was closed is opened again from
// its parent's and checked to be the same directory.
//
// Without /proc (not Linux) the backend falls back to host paths made of the
// names it has checked: a guest cannot lead it outside, but a host process that
// swaps a component between the check and the call can. Opened files are
// checked to be the file that was looked up.
//
// Identity. A host file is one node (by device, inode and birth time) for as
// long as anyone holds it, whatever name it was found by.
import * as fs from 'node:fs';
import type { Registry } from '../../kernel/snapshot/codec.js';
import { Buffer } from 'node:buffer';
import type { MappedFile } from '../../mm/address-space.js';
import { nodeChildProcess, nodeNet } from './lazy-builtins.js';
import { NodeCache, NodeFs, SavedNodes, type Found, type FsNode, type SetAttr, type StatFs } from '../../fs/backend.js';
import {
  FileDescription, O_ACCMODE, O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_TRUNC, S_IFIFO, S_IFMT, S_IFREG, S_IFSOCK,
  S_IFLNK, S_IFDIR, SEEK_CUR, SEEK_SET, seekTo, type Dirent, type Stat, type TimeSpec,
  dtFromMode,
} from '../../fs/file.js';
import {
  EACCES, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOSPC, ENXIO, EPERM, EROFS, ESTALE, errnoFromCode,
} from '../../base/errno.js';

const C = fs.constants;
const O_PATH = 0o10000000; // Linux's; node:fs does not name it
const CHUNK = 1 << 20;
const FD_CACHE = 128; // directory descriptors kept open (beyond the root's)

function errno(e: unknown): number {
  return -errnoFromCode((e as NodeJS.ErrnoException)?.code);
}
const fail = (code: string): never => { throw Object.assign(new Error(code), { code }); };

export function statFromHost(s: fs.BigIntStats): Stat {
  return {
    dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid),
    gid: Number(s.gid), rdev: Number(s.rdev), size: Number(s.size), blksize: Number(s.blksize),
    blocks: Number(s.blocks), atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs, btimeNs: s.birthtimeNs,
  };
}
const keyOf = (s: fs.BigIntStats) => `${s.dev}:${s.ino}:${s.birthtimeNs}`;
const typeOf = (s: fs.BigIntStats) => Number(s.mode) & S_IFMT;

// A host file: where it was last found (its directory and name), and while it is a directory in the
// cache, a descriptor of it.
export class HostNode {
  parent?: HostNode;
  name = '';
  fd = -1;
  prefix = ''; // '/proc/self/fd/FD/' while fd is held
  used = 0; // when fd was last used (the cache closes the least recently used)
  owner?: { uid: number; gid: number }; // a chown recorded by xos (see Owners)
  constructor(readonly key: string, readonly type: number) {}
}

// Ownership when xos itself is not root: the host will not chown, so, as a
// rootless container does, the guest sees the host user's files as root's and
// its chown is recorded on the file's node, over what the host has, for the
// machine's life. When xos runs as root, chown goes to the host and nothing is recorded.
export class Owners {
  private readonly hostUid: number;
  private readonly hostGid: number;
  readonly recording: boolean;
  private readonly recorded = new Set<HostNode>(); // (keeps their nodes, and so the records)
  constructor(as?: { uid: number; gid: number }) {
    this.hostUid = as?.uid ?? process.getuid?.() ?? 0;
    this.hostGid = as?.gid ?? process.getgid?.() ?? 0;
    this.recording = this.hostUid !== 0;
  }

  view(n: HostNode, s: Stat): Stat {
    if (!this.recording) return s;
    if (n.owner) return { ...s, uid: n.owner.uid, gid: n.owner.gid };
    return { ...s, uid: s.uid === this.hostUid ? 0 : s.uid, gid: s.gid === this.hostGid ? 0 : s.gid };
  }
  // chown of the file `n` whose host stat is `s`; `host` does it on the host.
  chown(n: HostNode, s: fs.BigIntStats, uid: number, gid: number, host: (uid: number, gid: number) => void, clearIds: (mode: number) => void): number {
    if (!this.recording) {
      host(uid === -1 ? Number(s.uid) : uid, gid === -1 ? Number(s.gid) : gid);
      return 0;
    }
    const now = this.view(n, statFromHost(s));
    n.owner = { uid: uid === -1 ? now.uid : uid, gid: gid === -1 ? now.gid : gid };
    this.recorded.add(n);
    // as Linux does for any chown of a non-directory: set-user-ID goes, and set-group-ID with group execute
    const mode = Number(s.mode);
    if ((mode & S_IFMT) !== S_IFDIR && (mode & S_IFMT) !== S_IFLNK && mode & 0o6000) {
      const clear = mode & 0o2010 ? 0o6000 : 0o4000;
      if (mode & clear) clearIds(mode & 0o7777 & ~clear);
    }
    return 0;
  }
  // The file lost a name: when it has none left, its record goes (its inode number may be reused).
  forget(n: HostNode | undefined, s: fs.BigIntStats | undefined): void {
    if (!n || !s || (Number(s.nlink) > 1 && typeOf(s) !== S_IFDIR)) return;
    n.owner = undefined;
    this.recorded.delete(n);
  }
}

// Node (libuv) takes seconds as a double and truncates to microseconds: a
// half-microsecond bias keeps the double's rounding error from losing one.
const nsToSeconds = (ns: bigint): number => {
  const sec = ns / 1_000_000_000n - (ns < 0n && ns % 1_000_000_000n ? 1n : 0n);
  return Number(sec) + (Number(ns - sec * 1_000_000_000n) + 500) / 1e9;
};
function hostTime(t: TimeSpec, current: bigint): number {
  if (t === 'now') return Date.now() / 1000;
  return nsToSeconds(t === undefined ? current : t);
}

// A host fd shared by a description and the mappings made from it: closed when
// the description is released, unless a mapping may still read through it, in
// which case the garbage collector closes it once nothing refers to it.
export class HostHandle {
  mapped = false;
  constructor(readonly fd: number) { if (fd >= 0) closer.register(this, fd, this); }
  close(): void {
    if (this.mapped) return;
    closer.unregister(this);
    try { fs.closeSync(this.fd); } catch { /* already gone */ }
  }
}
const closer = new FinalizationRegistry<number>((fd) => { try { fs.closeSync(fd); } catch { /* already gone */ } });

export class HostFile extends FileDescription {
  private pos = 0;
  constructor(flags: number, path: string, public h: HostHandle, protected readonly owner: HostFs, readonly inode: HostNode) {
    super(flags, path);
  }
  private get ro(): boolean { return this.owner.readOnly; }

  override preadInto(into: Uint8Array, pos: number): number {
    let done = 0;
    try {
      while (done < into.length) {
        const got = fs.readSync(this.h.fd, into, done, into.length - done, pos + done);
        if (got === 0) break;
        done += got;
      }
    } catch (e) {
      if (done === 0) return errno(e);
    }
    return done;
  }

  override read(n: number, pos?: number): Uint8Array | number {
    const at = pos ?? this.pos;
    const chunks: Uint8Array[] = [];
    let done = 0;
    try {
      while (done < n) {
        const want = Math.min(n - done, CHUNK);
        const buf = Buffer.allocUnsafe(want);
        const got = fs.readSync(this.h.fd, buf, 0, want, at + done);
        if (got > 0) chunks.push(buf.subarray(0, got));
        done += got;
        if (got < want) break;
      }
    } catch (e) {
      if (done === 0) return errno(e);
    }
    if (pos === undefined) this.pos += done;
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, done);
  }
  override write(data: Uint8Array, pos?: number): number {
    if (this.ro) return -EROFS;
    let at = pos ?? this.pos;
    try {
      // O_APPEND: at the end, for pwrite too (Linux ignores its offset then)
      if (this.flags & O_APPEND) at = Number(fs.fstatSync(this.h.fd).size);
      let done = 0;
      while (done < data.length) done += fs.writeSync(this.h.fd, data, done, data.length - done, at + done);
      if (pos === undefined) this.pos = at + done;
      return done;
    } catch (e) {
      return errno(e);
    }
  }
  override seek(offset: number, whence: number): number {
    let size = 0;
    if (whence !== SEEK_SET && whence !== SEEK_CUR) {
      try { size = Number(fs.fstatSync(this.h.fd).size); } catch (e) { return errno(e); }
    }
    // node:fs cannot see the host file's holes: all of it is data, with the hole at its end
    const to = seekTo(this.pos, size, offset, whence, (at, hole) => (at >= size ? -ENXIO : hole ? size : at));
    return to < 0 ? to : (this.pos = to);
  }
  override stat(): Stat | number {
    try { return this.owner.owners.view(this.inode, statFromHost(fs.fstatSync(this.h.fd, { bigint: true }))); } catch (e) { return errno(e); }
  }
  override truncate(len: number): number {
    if (this.ro) return -EROFS;
    try { fs.ftruncateSync(this.h.fd, len); return 0; } catch (e) { return errno(e); }
  }
  // node:fs has no fallocate: zeros are written where the file grows, so that the space is taken
  // (holes already inside the file stay holes); more than the file system has left is ENOSPC at once.
  override allocate(offset: number, len: number): number {
    if (this.ro) return -EROFS;
    try {
      const size = Number(fs.fstatSync(this.h.fd).size);
      if (offset + len - Math.max(offset, size) > this.owner.freeBytes()) return -ENOSPC;
      const zeros = new Uint8Array(Math.min(CHUNK, len));
      for (let at = Math.max(offset, size); at < offset + len;) {
        at += fs.writeSync(this.h.fd, zeros, 0, Math.min(zeros.length, offset + len - at), at);
      }
      return 0;
    } catch (e) { return errno(e); }
  }
  override sync(): number {
    try { fs.fsyncSync(this.h.fd); return 0; } catch (e) { return errno(e); }
  }
  override chmod(mode: number): number {
    if (this.ro) return -EROFS;
    try { fs.fchmodSync(this.h.fd, mode & 0o7777); return 0; } catch (e) { return errno(e); }
  }
  override chown(uid: number, gid: number): number {
    if (this.ro) return -EROFS;
    try {
      const fd = this.h.fd;
      return this.owner.owners.chown(this.inode, fs.fstatSync(fd, { bigint: true }), uid, gid, (u, g) => fs.fchownSync(fd, u, g), (m) => fs.fchmodSync(fd, m));
    } catch (e) { return errno(e); }
  }
  override utimes(atime: TimeSpec, mtime: TimeSpec): number {
    if (this.ro) return -EROFS;
    try {
      const s = fs.fstatSync(this.h.fd, { bigint: true });
      fs.futimesSync(this.h.fd, hostTime(atime, s.atimeNs), hostTime(mtime, s.mtimeNs));
      return 0;
    } catch (e) { return errno(e); }
  }
  override available(): number {
    try { return Math.max(0, Number(fs.fstatSync(this.h.fd).size) - this.pos); } catch { return 0; }
  }
  override mapping(): MappedFile | number {
    this.h.mapped = true;
    let dev = 0, ino = 0, knownSize = 0;
    try { const s = fs.fstatSync(this.h.fd); dev = s.dev; ino = s.ino; knownSize = s.size; } catch { /* keep zeros */ }
    return new HostMapping(this.h, this.owner, this.inode, this.flags, this.path, dev, ino, knownSize);
  }
  override release(): void { this.h.close(); }
}

// Names xos gives files for a while in a host directory (a linkable O_TMPFILE file, the middle step of
// RENAME_EXCHANGE, a socket or FIFO being made), never listed to the guest.
const TMPFILE_PREFIX = '.xos-tmpfile-', EXCHANGE_PREFIX = '.xos-exchange-', MAKING_PREFIX = '.xos-making-';
let seq = 0;
const privateName = (prefix: string) => `${prefix}${process.pid}-${seq++}`;
const isPrivateName = (name: string) =>
  name.startsWith(TMPFILE_PREFIX) || name.startsWith(EXCHANGE_PREFIX) || name.startsWith(MAKING_PREFIX);

// An O_TMPFILE file. Node has neither O_TMPFILE's linkat(AT_EMPTY_PATH) nor linkat(AT_SYMLINK_FOLLOW),
// so a linkable one is a real file under a hidden name (TMPFILE_PREFIX…) in its directory until
// it is linked (the hidden name goes once it has a real one) or closed. Its link count leaves
// the hidden name out. If xos dies in between, the hidden file stays behind on the host. With
// O_EXCL the file is unlinked at once: truly unnamed.
// A host file mapped: it reads and writes through the descriptor it was mapped from (a snapshot
// opens the file again by path for it).
export class HostMapping implements MappedFile {
  constructor(public h: HostHandle, readonly owner: HostFs, readonly inode: HostNode, readonly flags: number,
    readonly name: string, readonly dev: number, readonly ino: number, private knownSize: number) {}
  readPage(offset: number, into: Uint8Array): void {
    let got = 0;
    try { got = fs.readSync(this.h.fd, into, 0, into.length, offset); } catch { got = 0; }
    into.fill(0, got);
  }
  writePage(offset: number, data: Uint8Array): void {
    if (this.owner.readOnly) return;
    try {
      const size = Number(fs.fstatSync(this.h.fd).size);
      const n = Math.min(data.length, size - offset);
      if (n > 0) fs.writeSync(this.h.fd, data, 0, n, offset);
    } catch { /* the guest sees no error for a failed write-back, as with Linux's deferred writeback */ }
  }
  // the host is asked only when the last size it gave says so (a fault per page must stay cheap)
  beyondEnd(offset: number): boolean {
    if (offset < this.knownSize) return false;
    try { this.knownSize = Number(fs.fstatSync(this.h.fd).size); } catch { return false; }
    return offset >= this.knownSize;
  }
}

export class HostTmpFile extends HostFile {
  named?: { dir: HostNode; name: string }; // where it was linked first: later links are made from there
  constructor(flags: number, path: string, h: HostHandle, owner: HostFs, inode: HostNode, public hidden: { dir: HostNode; name: string } | undefined) {
    super(flags, path, h, owner, inode);
  }
  get fs(): HostFs { return this.owner; }
  override stat(): Stat | number {
    const s = super.stat();
    return typeof s === 'number' || !this.hidden ? s : { ...s, nlink: Math.max(0, s.nlink - 1) };
  }
  dropHidden(): void {
    if (!this.hidden) return;
    const { dir, name } = this.hidden;
    this.hidden = undefined;
    this.owner.unlinkAt(dir, name);
  }
  override release(): void {
    this.dropHidden();
    super.release();
  }
}

// The directory descriptors held (beyond the root's).
export class DirFds {
  private readonly held = new Set<HostNode>();
  private clock = 0;
  constructor(private readonly capacity: number) {}
  add(n: HostNode): void { this.held.add(n); this.touch(n); }
  touch(n: HostNode): void { n.used = ++this.clock; }
  // Close the least recently used beyond the capacity, down to three quarters of it (only between
  // calls: a path made from a descriptor must not outlive it).
  trim(): void {
    if (this.held.size <= this.capacity) return;
    const old = [...this.held].sort((a, b) => a.used - b.used).slice(0, this.held.size - Math.floor(this.capacity * 3 / 4));
    for (const n of old) {
      this.held.delete(n);
      try { fs.closeSync(n.fd); } catch { /* already gone */ }
      n.fd = -1;
      n.prefix = '';
    }
  }
  get size(): number { return this.held.size; }
}

export interface HostFsOptions {
  readOnly?: boolean;
  // The host user xos acts as for ownership (default: this process's); when not root, chown is recorded
  // rather than done (see Owners).
  hostIds?: { uid: number; gid: number };
  // Resolve through /proc/self/fd (default: when the host has it); false: host paths (the fallback).
  proc?: boolean;
  fdCache?: number;
}

export class HostFs extends NodeFs {
  readonly type = 'hostfs';
  readonly keepsDev = true;
  readonly userFiles = true;
  readonly root: HostNode;
  readonly readOnly: boolean;
  readonly owners: Owners;
  readonly viaProc: boolean;
  private readonly rootBuf: Buffer;
  private nodes = new NodeCache<string, HostNode>();
  private readonly fds: DirFds;

  constructor(root: string, readOnly = false, hostIds?: { uid: number; gid: number }, opts: HostFsOptions = {}) {
    super();
    this.readOnly = readOnly;
    this.owners = new Owners(hostIds);
    this.fds = new DirFds(opts.fdCache ?? FD_CACHE);
    this.rootBuf = Buffer.from(fs.realpathSync(root));
    const fd = fs.openSync(this.rootBuf, O_PATH | C.O_DIRECTORY);
    const s = fs.fstatSync(fd, { bigint: true });
    if (typeOf(s) !== S_IFDIR) throw new Error(`${root}: not a directory`);
    this.root = new HostNode(keyOf(s), S_IFDIR);
    this.root.fd = fd;
    this.root.prefix = `/proc/self/fd/${fd}/`;
    this.nodes.set(this.root.key, this.root);
    this.viaProc = opts.proc ?? probeProc(fd, s);
  }

  // --- naming host files ---------------------------------------------------------------
  // A host path for the entry `name` of the directory `dir`: /proc/self/fd/N/NAME, N being dir's
  // descriptor. Throws (an errno code) for a name that is not one component.
  private entryAt(dir: HostNode, name: string): string | Buffer {
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) fail('EINVAL');
    if (!this.viaProc) return Buffer.concat([this.hostPath(dir), Buffer.from('/' + name, 'latin1')]);
    this.fdOf(dir);
    // (a string when the name is ASCII: node:fs passes it as it is; other bytes go as a Buffer)
    return /^[\x01-\x7f]*$/.test(name) ? dir.prefix + name : Buffer.concat([Buffer.from(dir.prefix), Buffer.from(name, 'latin1')]);
  }
  // The fallback's host path of a directory: the root's, then the names xos found.
  private hostPath(n: HostNode): Buffer {
    const names: string[] = [];
    for (let cur: HostNode | undefined = n; cur && cur !== this.root; cur = cur.parent) {
      if (!cur.parent || names.length > 2048) fail('ENOENT');
      names.push(cur.name);
    }
    return Buffer.concat([this.rootBuf, ...names.reverse().map((x) => Buffer.from('/' + x, 'latin1'))]);
  }
  // A descriptor of the directory `n`, opened again from its parent's when not held (and checked to be it).
  private fdOf(n: HostNode): number {
    if (n.fd >= 0) {
      if (n !== this.root) this.fds.touch(n);
      return n.fd;
    }
    if (!n.parent || n.type !== S_IFDIR) fail(n.type === S_IFDIR ? 'ENOENT' : 'ENOTDIR');
    const fd = fs.openSync(this.entryAt(n.parent!, n.name), O_PATH | C.O_DIRECTORY | C.O_NOFOLLOW);
    let s: fs.BigIntStats;
    try { s = fs.fstatSync(fd, { bigint: true }); } catch (e) { fs.closeSync(fd); throw e; }
    if (keyOf(s) !== n.key) { fs.closeSync(fd); fail('ENOENT'); } // moved or replaced on the host
    n.fd = fd;
    n.prefix = `/proc/self/fd/${fd}/`;
    this.fds.add(n);
    return fd;
  }
  // An O_PATH descriptor of exactly the file `n` (to change it without following a symlink), and
  // whether the caller must close it.
  private pathFd(n: HostNode): { fd: number; temp: boolean } {
    if (n.type === S_IFDIR && (this.viaProc || n.fd >= 0)) return { fd: this.fdOf(n), temp: false };
    if (!n.parent) return { fd: this.fdOf(n), temp: false };
    const fd = fs.openSync(this.entryAt(n.parent, n.name), O_PATH | C.O_NOFOLLOW);
    try {
      if (keyOf(fs.fstatSync(fd, { bigint: true })) !== n.key) fail('ESTALE');
    } catch (e) { fs.closeSync(fd); throw e; }
    return { fd, temp: true };
  }
  // The host path of the file an O_PATH descriptor is on (calls that follow it reach exactly that file).
  private static self(fd: number): string { return `/proc/self/fd/${fd}`; }

  // The node of a host file found as `name` in `dir`.
  private nodeFor(s: fs.BigIntStats, dir: HostNode, name: string): HostNode {
    const key = keyOf(s);
    const n = this.nodes.get(key) ?? this.nodes.set(key, new HostNode(key, typeOf(s)));
    if (n !== this.root) { n.parent = dir; n.name = name; }
    return n;
  }
  private depth = 0;
  private run<T>(fn: () => T | number): T | number {
    this.depth++;
    try { return fn(); } catch (e) { return errno(e); } finally { if (--this.depth === 0) this.fds.trim(); }
  }
  private change(fn: () => number): number {
    if (this.readOnly) return -EROFS;
    return this.run(fn);
  }
  private lst(dir: HostNode, name: string): fs.BigIntStats | undefined {
    return fs.lstatSync(this.entryAt(dir, name), { bigint: true, throwIfNoEntry: false });
  }

  // --- snapshots ---------------------------------------------------------------------------
  // A file open when the machine was saved, opened again by its path (its host descriptor cannot
  // travel): a handle on nothing (reads and writes fail with EBADF) when it is gone or another file.
  reopen(n: HostNode, flags: number): HostHandle {
    const r = n.parent && n.type === S_IFREG ? this.run(() => {
      const acc = flags & O_ACCMODE;
      const hf = (acc === 1 ? C.O_WRONLY : acc === 2 && !this.readOnly ? C.O_RDWR : C.O_RDONLY) | C.O_NOFOLLOW | C.O_NONBLOCK;
      const fd = fs.openSync(this.entryAt(n.parent!, n.name), hf);
      if (keyOf(fs.fstatSync(fd, { bigint: true })) !== n.key) { fs.closeSync(fd); return -ESTALE; }
      return new HostHandle(fd);
    }) : -ENOENT;
    return typeof r === 'number' ? new HostHandle(-1) : r;
  }
  // The nodes in use, for a snapshot (the cache itself holds them weakly), and back.
  // The restoring machine's root descriptor goes to the saved root node (the one places refer to).
  adoptNodes(saved: NodeCache<string, HostNode> | SavedNodes<string, HostNode>): void {
    this.nodes = saved instanceof SavedNodes ? saved.revive() : saved;
    const old = this.nodes.get(this.root.key);
    if (old && old !== this.root) {
      old.fd = this.root.fd;
      old.prefix = this.root.prefix;
      (this as { root: HostNode }).root = old;
    } else this.nodes.set(this.root.key, this.root);
  }

  // --- FsBackend -------------------------------------------------------------------------
  lookup(d: FsNode, name: string): Found | number {
    const dir = d as HostNode;
    return this.run(() => {
      if (isPrivateName(name)) return -ENOENT;
      const s = this.lst(dir, name);
      if (!s) return -ENOENT;
      const node = this.nodeFor(s, dir, name);
      return { node, stat: this.owners.view(node, statFromHost(s)) };
    });
  }
  parent(n: FsNode): { dir: FsNode; name: string } | undefined {
    const h = n as HostNode;
    return h.parent ? { dir: h.parent, name: h.name } : undefined;
  }
  hold(n: FsNode): void {
    const h = n as HostNode;
    if (this.viaProc && h.type === S_IFDIR) this.run(() => { this.fdOf(h); return 0; });
  }
  getattr(n: FsNode): Stat | number {
    const h = n as HostNode;
    return this.run(() => {
      let s: fs.BigIntStats | undefined;
      if (h.type === S_IFDIR && (this.viaProc || h.fd >= 0)) s = fs.fstatSync(this.fdOf(h), { bigint: true });
      else {
        s = h.parent ? this.lst(h.parent, h.name) : undefined;
        if (!s || keyOf(s) !== h.key) return -ENOENT;
      }
      return this.owners.view(h, statFromHost(s));
    });
  }
  getlink(n: FsNode): string | number {
    const h = n as HostNode;
    if (!h.parent) return -EINVAL;
    return this.run(() => fs.readlinkSync(this.entryAt(h.parent!, h.name), { encoding: 'buffer' }).toString('latin1'));
  }
  // In the host's order (readdir(3)'s, as `ls -U` lists them), not sorted.
  entries(d: FsNode): Dirent[] | number {
    const dir = d as HostNode;
    return this.run(() => {
      const out: Dirent[] = [];
      const h = fs.opendirSync(this.viaProc ? HostFs.self(this.fdOf(dir)) : this.hostPath(dir).toString('latin1'), { encoding: 'buffer' } as unknown as fs.OpenDirOptions);
      try {
        for (let e = h.readSync(); e; e = h.readSync()) {
          const name = (e.name as unknown as Buffer).toString('latin1');
          if (isPrivateName(name)) continue;
          const s = this.lst(dir, name);
          if (s) out.push({ ino: Number(s.ino), type: dtFromMode(Number(s.mode)), name });
        }
      } finally {
        h.closeSync();
      }
      return out;
    });
  }
  openNode(node: FsNode, flags: number, guestPath: string): FileDescription | number {
    const n = node as HostNode;
    const acc = flags & O_ACCMODE;
    if ((acc !== O_RDONLY || flags & O_TRUNC) && this.readOnly) return -EROFS;
    if (!n.parent) return -EISDIR;
    return this.run(() => {
      switch (n.type) {
        case S_IFREG: break;
        case S_IFDIR: return -EISDIR;
        case S_IFLNK: return -ELOOP;
        case S_IFIFO: case S_IFSOCK: return -ENXIO; // a host FIFO would block the whole machine
        default: return -EACCES; // host devices: as if mounted nodev
      }
      let hf = (acc === 1 ? C.O_WRONLY : acc === 2 ? C.O_RDWR : C.O_RDONLY) | C.O_NOFOLLOW | C.O_NONBLOCK;
      if (flags & O_TRUNC) hf |= C.O_TRUNC;
      if (acc === 3) hf = C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK; // Linux's "3": ioctl-only access
      const fd = fs.openSync(this.entryAt(n.parent!, n.name), hf);
      let s: fs.BigIntStats;
      try { s = fs.fstatSync(fd, { bigint: true }); } catch (e) { fs.closeSync(fd); throw e; }
      if (keyOf(s) !== n.key) { fs.closeSync(fd); return -ESTALE; } // another file under that name by now
      return new HostFile(flags, guestPath, new HostHandle(fd), this, n);
    });
  }
  create(d: FsNode, name: string, flags: number, mode: number, guestPath: string): { file: FileDescription; node: FsNode } | number {
    const dir = d as HostNode;
    if (this.readOnly) return -EROFS;
    return this.run(() => {
      const acc = flags & O_ACCMODE;
      const hf = (acc === 1 ? C.O_WRONLY : acc === 2 ? C.O_RDWR : C.O_RDONLY) | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW | C.O_NONBLOCK;
      const fd = fs.openSync(this.entryAt(dir, name), hf, mode & 0o7777);
      try { fs.fchmodSync(fd, mode & 0o7777); } catch { /* keep the host's mode */ }
      const node = this.nodeFor(fs.fstatSync(fd, { bigint: true }), dir, name);
      return { file: new HostFile(flags & ~(O_CREAT | O_EXCL | O_TRUNC), guestPath, new HostHandle(fd), this, node), node };
    });
  }
  override tmpfileAt(d: FsNode, flags: number, mode: number, guestDir: string): { file: FileDescription; node: FsNode } | number {
    const dir = d as HostNode;
    if (this.readOnly) return -EROFS;
    return this.run(() => {
      const name = privateName(TMPFILE_PREFIX);
      const acc = flags & O_ACCMODE;
      const fd = fs.openSync(this.entryAt(dir, name), (acc === 1 ? C.O_WRONLY : C.O_RDWR) | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, mode & 0o7777);
      try { fs.fchmodSync(fd, mode & 0o7777); } catch { /* keep the host's mode */ }
      const linkable = !(flags & O_EXCL);
      if (!linkable) fs.unlinkSync(this.entryAt(dir, name));
      const s = fs.fstatSync(fd, { bigint: true });
      const node = new HostNode(keyOf(s), S_IFREG);
      const file = new HostTmpFile(flags, `${guestDir === '/' ? '' : guestDir}/#${Number(s.ino)} (deleted)`, new HostHandle(fd), this, node,
        linkable ? { dir, name } : undefined);
      return { file, node };
    });
  }
  linkFile(f: FileDescription, d: FsNode, name: string): number | undefined {
    if (!(f instanceof HostTmpFile) || f.fs !== this) return undefined;
    const dir = d as HostNode;
    if (!f.hidden) {
      const s = f.stat();
      if (typeof s === 'number') return s;
      if (s.nlink === 0 || f.named === undefined) return -ENOENT; // O_EXCL, or its names are gone again
      // linked before: from that name while it is still this file
      const from = f.named;
      return this.change(() => {
        const n = this.lst(from.dir, from.name);
        if (!n || keyOf(n) !== f.inode.key) return -ENOENT;
        fs.linkSync(this.entryAt(from.dir, from.name), this.entryAt(dir, name));
        return 0;
      });
    }
    const hidden = f.hidden;
    return this.change(() => {
      fs.linkSync(this.entryAt(hidden.dir, hidden.name), this.entryAt(dir, name));
      f.dropHidden();
      f.named = { dir, name };
      return 0;
    });
  }

  mkdirAt(d: FsNode, name: string, mode: number): number {
    const dir = d as HostNode;
    return this.change(() => {
      fs.mkdirSync(this.entryAt(dir, name), { mode: mode & 0o7777 });
      // undo the host's umask, keeping the set-group-ID bit a set-group-ID parent passed on
      this.chmodAt(dir, name, (s) => (mode & 0o7777) | (Number(s.mode) & 0o2000));
      return 0;
    });
  }
  rmdirAt(d: FsNode, name: string): number {
    const dir = d as HostNode;
    return this.change(() => {
      const s = this.lst(dir, name);
      fs.rmdirSync(this.entryAt(dir, name));
      this.owners.forget(s && this.nodes.get(keyOf(s)), s);
      return 0;
    });
  }
  unlinkAt(d: FsNode, name: string): number {
    const dir = d as HostNode;
    return this.change(() => {
      const s = this.lst(dir, name);
      fs.unlinkSync(this.entryAt(dir, name));
      this.owners.forget(s && this.nodes.get(keyOf(s)), s);
      return 0;
    });
  }
  renameAt(fd: FsNode, fromName: string, td: FsNode, toName: string): number {
    const from = fd as HostNode, to = td as HostNode;
    return this.change(() => {
      const target = this.lst(to, toName);
      fs.renameSync(this.entryAt(from, fromName), this.entryAt(to, toName));
      const moved = this.lst(to, toName);
      if (moved) this.nodeFor(moved, to, toName);
      if (target && (!moved || keyOf(moved) !== keyOf(target))) this.owners.forget(this.nodes.get(keyOf(target)), target);
      return 0;
    });
  }
  // Node has no renameat2: three renames through a hidden name in a's directory. Not atomic: in
  // between, a is missing and then b is (a guest, or another host process, may see that), and a
  // failure on the way is undone as far as the host allows.
  override exchangeAt(ad: FsNode, aName: string, bd: FsNode, bName: string): number {
    const aDir = ad as HostNode, bDir = bd as HostNode;
    return this.change(() => {
      if (!this.lst(aDir, aName) || !this.lst(bDir, bName)) return -ENOENT;
      const tmp = privateName(EXCHANGE_PREFIX);
      const a = () => this.entryAt(aDir, aName), b = () => this.entryAt(bDir, bName), t = () => this.entryAt(aDir, tmp);
      fs.renameSync(a(), t());
      try {
        fs.renameSync(b(), a());
      } catch (e) {
        fs.renameSync(t(), a());
        throw e;
      }
      try {
        fs.renameSync(t(), b());
      } catch (e) {
        fs.renameSync(a(), b());
        fs.renameSync(t(), a());
        throw e;
      }
      for (const [dir, name] of [[aDir, aName], [bDir, bName]] as const) {
        const s = this.lst(dir, name);
        if (s) this.nodeFor(s, dir, name);
      }
      return 0;
    });
  }
  linkAt(node: FsNode, d: FsNode, name: string): number {
    const n = node as HostNode, dir = d as HostNode;
    if (!n.parent) return -EPERM;
    return this.change(() => {
      const s = this.lst(n.parent!, n.name);
      if (!s || keyOf(s) !== n.key) return -ENOENT; // no longer under the name it was found by
      fs.linkSync(this.entryAt(n.parent!, n.name), this.entryAt(dir, name));
      return 0;
    });
  }
  symlinkAt(target: string, d: FsNode, name: string): number {
    const dir = d as HostNode;
    return this.change(() => { fs.symlinkSync(Buffer.from(target, 'latin1'), this.entryAt(dir, name)); return 0; });
  }
  override mknodAt(d: FsNode, name: string, mode: number): number {
    const dir = d as HostNode;
    const type = mode & S_IFMT;
    if (type !== S_IFSOCK && type !== S_IFIFO && type !== S_IFREG && type !== 0) return -EPERM;
    return this.change(() => {
      if (this.lst(dir, name)) return -EEXIST;
      if (type === S_IFSOCK || type === S_IFIFO) return this.makeSpecial(dir, name, type, mode & 0o7777);
      const fd = fs.openSync(this.entryAt(dir, name), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, mode & 0o7777);
      try { fs.fchmodSync(fd, mode & 0o7777); } finally { fs.closeSync(fd); }
      return 0;
    });
  }
  // A socket or FIFO inode on the host (the guest's socket or named pipe itself lives in the
  // kernel; the host inode is only the name). Node cannot mknod: a socket is bound by a throwaway
  // server, a FIFO made by the host's mkfifo(1), at a hidden name beside the target, which is then
  // hard-linked to the target (failing if that exists) and removed.
  private makeSpecial(dir: HostNode, name: string, type: number, mode: number): number {
    const tmp = privateName(MAKING_PREFIX);
    const link = () => {
      const s = this.lst(dir, tmp);
      if (!s || typeOf(s) !== type) return -EACCES;
      fs.linkSync(this.entryAt(dir, tmp), this.entryAt(dir, name));
      return 0;
    };
    let r: number;
    if (type === S_IFSOCK) {
      const server = nodeNet().createServer();
      server.on('error', () => {});
      server.unref();
      server.listen(this.entryAt(dir, tmp).toString('latin1')); // (bound at once; closing it removes the name)
      try { r = link(); } finally { server.close(); }
    } else {
      // mkfifo(1) is another process: it reaches the directory through this process's /proc entry
      const where = this.viaProc ? `/proc/${process.pid}/fd/${this.fdOf(dir)}/${tmp}` : this.entryAt(dir, tmp).toString('latin1');
      const m = nodeChildProcess().spawnSync('mkfifo', ['-m', mode.toString(8), '--', where], { stdio: ['ignore', 'ignore', 'pipe'] });
      if (m.error || m.status !== 0) return -EPERM;
      try { r = link(); } finally { try { fs.unlinkSync(this.entryAt(dir, tmp)); } catch { /* gone already */ } }
    }
    if (!r) this.chmodAt(dir, name, () => mode);
    return r;
  }
  // chmod of the new entry `name` of `dir` (not following a symlink put there meanwhile).
  private chmodAt(dir: HostNode, name: string, mode: (s: fs.BigIntStats) => number): void {
    if (!this.viaProc) {
      const s = this.lst(dir, name);
      if (s && typeOf(s) !== S_IFLNK) fs.chmodSync(this.entryAt(dir, name), mode(s));
      return;
    }
    const fd = fs.openSync(this.entryAt(dir, name), O_PATH | C.O_NOFOLLOW);
    try {
      const s = fs.fstatSync(fd, { bigint: true });
      if (typeOf(s) !== S_IFLNK) fs.chmodSync(HostFs.self(fd), mode(s));
    } finally { fs.closeSync(fd); }
  }

  setattr(node: FsNode, a: SetAttr): number {
    const n = node as HostNode;
    return this.change(() => {
      if (!this.viaProc) return this.setattrByPath(n, a);
      const { fd, temp } = this.pathFd(n);
      try {
        const self = HostFs.self(fd);
        const s = fs.fstatSync(fd, { bigint: true });
        if (a.size !== undefined) {
          if (typeOf(s) === S_IFDIR) return -EISDIR;
          if (typeOf(s) !== S_IFREG) return -EINVAL;
          fs.truncateSync(self, a.size);
        }
        if (a.uid !== undefined || a.gid !== undefined) {
          const r = this.owners.chown(n, s, a.uid ?? -1, a.gid ?? -1, (u, g) => fs.chownSync(self, u, g), (m) => fs.chmodSync(self, m));
          if (r) return r;
        }
        if (a.mode !== undefined) {
          if (typeOf(s) === S_IFLNK) return -ELOOP;
          fs.chmodSync(self, a.mode & 0o7777);
        }
        if (a.atime !== undefined || a.mtime !== undefined) {
          const t = a.uid !== undefined || a.gid !== undefined || a.size !== undefined ? fs.fstatSync(fd, { bigint: true }) : s;
          fs.utimesSync(self, hostTime(a.atime, t.atimeNs), hostTime(a.mtime, t.mtimeNs));
        }
        return 0;
      } finally {
        if (temp) fs.closeSync(fd);
      }
    });
  }
  // The fallback: by host path, checking first that the file is the one found (lchown and lutimes
  // do not follow a symlink; chmod and truncate are refused on one).
  private setattrByPath(n: HostNode, a: SetAttr): number {
    const p = n.parent ? this.entryAt(n.parent, n.name) : this.rootBuf;
    const s = fs.lstatSync(p, { bigint: true });
    if (keyOf(s) !== n.key) return -ESTALE;
    if (a.size !== undefined) {
      if (typeOf(s) === S_IFDIR) return -EISDIR;
      if (typeOf(s) !== S_IFREG) return -EINVAL;
      const fd = fs.openSync(p, C.O_WRONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
      try { fs.ftruncateSync(fd, a.size); } finally { fs.closeSync(fd); }
    }
    if (a.uid !== undefined || a.gid !== undefined) {
      const r = this.owners.chown(n, s, a.uid ?? -1, a.gid ?? -1, (u, g) => fs.lchownSync(p, u, g), (m) => fs.chmodSync(p, m));
      if (r) return r;
    }
    if (a.mode !== undefined) {
      if (typeOf(s) === S_IFLNK) return -ELOOP;
      fs.chmodSync(p, a.mode & 0o7777);
    }
    if (a.atime !== undefined || a.mtime !== undefined) fs.lutimesSync(p, hostTime(a.atime, s.atimeNs), hostTime(a.mtime, s.mtimeNs));
    return 0;
  }

  freeBytes(): number {
    try { const s = fs.statfsSync(this.rootBuf); return s.bavail * s.bsize; } catch { return Infinity; }
  }
  statfs(): StatFs {
    try {
      const s = fs.statfsSync(this.rootBuf.toString());
      return {
        type: s.type, bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files,
        ffree: s.ffree, namelen: 255, frsize: s.bsize, flags: this.readOnly ? 1 /* ST_RDONLY */ : 0,
      };
    } catch {
      return { type: 0xef53, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, frsize: 4096, flags: 0 };
    }
  }
  // Host directory descriptors held now (the root's included).
  get heldDescriptors(): number { return this.fds.size + 1; }
}

// Whether /proc/self/fd/N/NAME continues from directory descriptor N here (Linux with /proc mounted).
function probeProc(fd: number, s: fs.BigIntStats): boolean {
  try {
    const p = fs.lstatSync(`/proc/self/fd/${fd}/.`, { bigint: true });
    return p.ino === s.ino && p.dev === s.dev;
  } catch {
    return false;
  }
}

// The Host's hostDirectory(): a host directory as a backend.
// `hostIds`: the host user xos acts as for ownership (default: this process's);
// when not root, chown is recorded rather than done (see Owners).
export function nodeHostDirectory(path: string, opts: HostFsOptions = {}): HostFs {
  return new HostFs(path, !!opts.readOnly, opts.hostIds, opts);
}

// How a snapshot saves a host directory's objects: nodes by their names (their descriptors are
// this process's), open files reopened by path when restored (see HostFs.reopen).
export function registerHostFs(r: Registry): void {
  r.addModule('host/node/hostfs', { HostFs, HostNode, Owners, HostHandle, HostFile, HostTmpFile, DirFds, HostMapping });
  r.refine(HostMapping, { restore: (m: HostMapping) => { m.h = m.owner.reopen(m.inode, m.flags); m.h.mapped = true; } });
  r.refine(HostFs, {
    skip: ['root', 'rootBuf', 'fds', 'owners', 'readOnly', 'viaProc', 'depth'],
    restore: (b: HostFs) => b.adoptNodes((b as unknown as { nodes: NodeCache<string, HostNode> }).nodes),
  });
  r.refine(HostNode, {
    skip: ['fd', 'prefix', 'used'],
    restore: (n: HostNode) => { if (n.fd === undefined) { n.fd = -1; n.prefix = ''; n.used = 0; } },
  });
  r.refine(HostHandle, { replace: () => undefined });
  r.refine(HostFile, { restore: (f: HostFile) => { f.h = (f as unknown as { owner: HostFs }).owner.reopen(f.inode, f.flags); } });
  r.refine(HostTmpFile, { restore: (f: HostFile) => { f.h = (f as unknown as { owner: HostFs }).owner.reopen(f.inode, f.flags); } });
}
