// hostfs: a host directory as a file-system backend (node:fs, synchronous).
// Confinement: the VFS resolves every path component itself (lstat, readlink),
// so this backend only ever sees normalized paths whose directories it has
// checked; here every host call has lstat semantics (O_NOFOLLOW, lchown,
// lutimes, an lstat before chmod), so a host symlink is never followed on the
// host side and the guest cannot reach a host file outside the directory.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { Buffer } from 'node:buffer';
import type { MappedFile } from '../../mm/address-space.js';
import type { FsBackend, StatFs } from '../../fs/backend.js';
import {
  FileDescription, O_ACCMODE, O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_TRUNC, S_IFIFO, S_IFMT, S_IFREG, S_IFSOCK,
  S_IFLNK, S_IFDIR, SEEK_CUR, SEEK_DATA, SEEK_END, SEEK_HOLE, SEEK_SET, dtFromMode, seekTo, type Dirent, type Stat, type TimeSpec,
} from '../../fs/file.js';
import { EINVAL, ELOOP, ENOENT, ENOSPC, ENXIO, EPERM, EROFS, EACCES, EEXIST, errnoFromCode } from '../../base/errno.js';

const C = fs.constants;
const CHUNK = 1 << 20;

function errno(e: unknown): number {
  return -errnoFromCode((e as NodeJS.ErrnoException)?.code);
}

// A socket inode on the host (for a guest's bind; the guest's socket itself
// lives in the kernel). Node cannot mknod a socket: bind a throwaway server at
// a temporary name beside the target, hard-link the target to it, and close the
// server, which removes the temporary name.
let socketSeq = 0;
function makeHostSocket(target: Buffer, mode: number): number {
  if (fs.lstatSync(target, { throwIfNoEntry: false })) return -EEXIST;
  const tmp = join(dirname(target.toString('latin1')), `.xos-socket-${process.pid}-${socketSeq++}`);
  const server = net.createServer();
  server.on('error', () => {});
  server.unref();
  server.listen(tmp);
  try {
    if (!fs.lstatSync(tmp, { throwIfNoEntry: false })?.isSocket()) return -EACCES;
    fs.linkSync(tmp, target);
  } finally {
    server.close();
  }
  fs.chmodSync(target, mode);
  return 0;
}

// A FIFO inode on the host (the guest's named pipe; its data flows inside xos, the
// host FIFO is only the name). Node cannot mknod: the host's mkfifo(1) makes it.
function makeHostFifo(target: Buffer, mode: number): number {
  if (fs.lstatSync(target, { throwIfNoEntry: false })) return -EEXIST;
  const r = spawnSync('mkfifo', ['-m', mode.toString(8), '--', target.toString('latin1')], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.error || r.status !== 0) return fs.lstatSync(target, { throwIfNoEntry: false }) ? -EEXIST : -EPERM;
  return 0;
}

export function statFromHost(s: fs.BigIntStats): Stat {
  return {
    dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid),
    gid: Number(s.gid), rdev: Number(s.rdev), size: Number(s.size), blksize: Number(s.blksize),
    blocks: Number(s.blocks), atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs, btimeNs: s.birthtimeNs,
  };
}

// Ownership when xos itself is not root: the host will not chown, so, as a
// rootless container does, the guest sees the host user's files as root's and
// its chown is recorded here, over what the host has, for the machine's life.
// When xos runs as root, chown goes to the host and nothing is recorded.
class Owners {
  private readonly hostUid: number;
  private readonly hostGid: number;
  readonly recording: boolean;
  private readonly recorded = new Map<string, { uid: number; gid: number }>();
  constructor(as?: { uid: number; gid: number }) {
    this.hostUid = as?.uid ?? process.getuid?.() ?? 0;
    this.hostGid = as?.gid ?? process.getgid?.() ?? 0;
    this.recording = this.hostUid !== 0;
  }

  view(s: Stat): Stat {
    if (!this.recording) return s;
    const r = this.recorded.get(`${s.dev}:${s.ino}`);
    if (r) return { ...s, uid: r.uid, gid: r.gid };
    return { ...s, uid: s.uid === this.hostUid ? 0 : s.uid, gid: s.gid === this.hostGid ? 0 : s.gid };
  }
  // chown of the file whose host stat is `s`; `host` does it on the host.
  chown(s: fs.BigIntStats, uid: number, gid: number, host: (uid: number, gid: number) => void, clearIds: (mode: number) => void): number {
    if (!this.recording) {
      host(uid === -1 ? Number(s.uid) : uid, gid === -1 ? Number(s.gid) : gid);
      return 0;
    }
    const now = this.view(statFromHost(s));
    this.recorded.set(`${s.dev}:${s.ino}`, { uid: uid === -1 ? now.uid : uid, gid: gid === -1 ? now.gid : gid });
    // as Linux does for any chown of a non-directory: set-user-ID goes, and set-group-ID with group execute
    const mode = Number(s.mode);
    if ((mode & S_IFMT) !== S_IFDIR && (mode & S_IFMT) !== S_IFLNK && mode & 0o6000) {
      const clear = mode & 0o2010 ? 0o6000 : 0o4000;
      if (mode & clear) clearIds(mode & 0o7777 & ~clear);
    }
    return 0;
  }
  // The file is gone from the host (its inode number may be reused).
  forget(s: fs.BigIntStats | undefined): void {
    if (this.recording && s && (Number(s.nlink) <= 1 || (Number(s.mode) & S_IFMT) === S_IFDIR)) this.recorded.delete(`${s.dev}:${s.ino}`);
  }
}

// Node (libuv) takes seconds as a double and truncates to microseconds: a
// half-microsecond bias keeps the double's rounding error from losing one.
const nsToSeconds = (ns: bigint): number => {
  const sec = ns / 1_000_000_000n - (ns < 0n && ns % 1_000_000_000n ? 1n : 0n);
  return Number(sec) + (Number(ns - sec * 1_000_000_000n) + 500) / 1e9;
};

// A host fd shared by a description and the mappings made from it: closed when
// the description is released, unless a mapping may still read through it, in
// which case the garbage collector closes it once nothing refers to it.
class HostHandle {
  mapped = false;
  constructor(readonly fd: number) { closer.register(this, fd, this); }
  close(): void {
    if (this.mapped) return;
    closer.unregister(this);
    try { fs.closeSync(this.fd); } catch { /* already gone */ }
  }
}
const closer = new FinalizationRegistry<number>((fd) => { try { fs.closeSync(fd); } catch { /* already gone */ } });

class HostFile extends FileDescription {
  private pos = 0;
  // freeBytes: what the host file system has left (for fallocate)
  constructor(flags: number, path: string, private readonly h: HostHandle, private readonly owners: Owners, private readonly freeBytes: () => number) {
    super(flags, path);
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
    try { return this.owners.view(statFromHost(fs.fstatSync(this.h.fd, { bigint: true }))); } catch (e) { return errno(e); }
  }
  override truncate(len: number): number {
    try { fs.ftruncateSync(this.h.fd, len); return 0; } catch (e) { return errno(e); }
  }
  // node:fs has no fallocate: zeros are written where the file grows, so that the space is taken
  // (holes already inside the file stay holes); more than the file system has left is ENOSPC at once.
  override allocate(offset: number, len: number): number {
    try {
      const size = Number(fs.fstatSync(this.h.fd).size);
      if (offset + len - Math.max(offset, size) > this.freeBytes()) return -ENOSPC;
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
    try { fs.fchmodSync(this.h.fd, mode & 0o7777); return 0; } catch (e) { return errno(e); }
  }
  override chown(uid: number, gid: number): number {
    try {
      const fd = this.h.fd;
      return this.owners.chown(fs.fstatSync(fd, { bigint: true }), uid, gid, (u, g) => fs.fchownSync(fd, u, g), (m) => fs.fchmodSync(fd, m));
    } catch (e) { return errno(e); }
  }
  override utimes(atime: TimeSpec, mtime: TimeSpec): number {
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
    const h = this.h;
    h.mapped = true;
    let dev = 0, ino = 0, knownSize = 0;
    try { const s = fs.fstatSync(h.fd); dev = s.dev; ino = s.ino; knownSize = s.size; } catch { /* keep zeros */ }
    return {
      name: this.path, dev, ino,
      readPage(offset: number, into: Uint8Array): void {
        let got = 0;
        try { got = fs.readSync(h.fd, into, 0, into.length, offset); } catch { got = 0; }
        into.fill(0, got);
      },
      writePage(offset: number, data: Uint8Array): void {
        try {
          const size = Number(fs.fstatSync(h.fd).size);
          const n = Math.min(data.length, size - offset);
          if (n > 0) fs.writeSync(h.fd, data, 0, n, offset);
        } catch { /* the guest sees no error for a failed write-back, as with Linux's deferred writeback */ }
      },
      // the host is asked only when the last size it gave says so (a fault per page must stay cheap)
      beyondEnd(offset: number): boolean {
        if (offset < knownSize) return false;
        try { knownSize = Number(fs.fstatSync(h.fd).size); } catch { return false; }
        return offset >= knownSize;
      },
    };
  }
  override release(): void { this.h.close(); }
}

// Names xos gives files for a while in a host directory (a linkable O_TMPFILE file, the middle step of
// RENAME_EXCHANGE), never listed to the guest.
const TMPFILE_PREFIX = '.xos-tmpfile-', EXCHANGE_PREFIX = '.xos-exchange-';
let tmpfileSeq = 0, exchangeSeq = 0;
const isPrivateName = (name: Buffer) => {
  const s = name.subarray(0, 16).toString('latin1');
  return s.startsWith(TMPFILE_PREFIX) || s.startsWith(EXCHANGE_PREFIX);
};
const parentOf = (p: string): string => { const i = p.lastIndexOf('/'); return i <= 0 ? '/' : p.slice(0, i); };

// An O_TMPFILE file. Node has neither O_TMPFILE's linkat(AT_EMPTY_PATH) nor linkat(AT_SYMLINK_FOLLOW),
// so a linkable one is a real file under a hidden name (TMPFILE_PREFIX…) in its directory until
// it is linked (the hidden name goes once it has a real one) or closed. Its link count leaves
// the hidden name out. If xos dies in between, the hidden file stays behind on the host. With
// O_EXCL the file is unlinked at once: truly unnamed.
class HostTmpFile extends HostFile {
  named?: string; // the backend path it was linked to first: later links are made from there
  constructor(flags: number, path: string, h: HostHandle, readonly owner: HostFs, public hidden: Buffer | undefined) {
    super(flags, path, h, owner.owners, () => owner.freeBytes());
  }
  override stat(): Stat | number {
    const s = super.stat();
    return typeof s === 'number' || !this.hidden ? s : { ...s, nlink: Math.max(0, s.nlink - 1) };
  }
  dropHidden(): void {
    if (!this.hidden) return;
    try { fs.unlinkSync(this.hidden); } catch { /* gone already */ }
    this.hidden = undefined;
  }
  override release(): void {
    this.dropHidden();
    super.release();
  }
}

function hostTime(t: TimeSpec, current: bigint): number {
  if (t === 'now') return Date.now() / 1000;
  return nsToSeconds(t === undefined ? current : t);
}

export class HostFs implements FsBackend {
  readonly type = 'hostfs';
  private readonly rootBuf: Buffer;
  readonly owners: Owners;
  constructor(root: string, readonly readOnly = false, hostIds?: { uid: number; gid: number }) {
    this.owners = new Owners(hostIds);
    this.rootBuf = Buffer.from(fs.realpathSync(root));
    if (!fs.statSync(this.rootBuf).isDirectory()) throw new Error(`${root}: not a directory`);
  }

  // The host path of a backend path; throws on a path that is not normalized,
  // so that a VFS bug cannot step outside the directory.
  private host(p: string): Buffer {
    if (p === '/') return this.rootBuf;
    if (p[0] !== '/' || p.includes('\0') || p.endsWith('/')) throw Object.assign(new Error('bad path'), { code: 'EINVAL' });
    for (const c of p.slice(1).split('/')) {
      if (c === '' || c === '.' || c === '..') throw Object.assign(new Error('bad path'), { code: 'EINVAL' });
    }
    return Buffer.concat([this.rootBuf, Buffer.from(p, 'latin1')]);
  }
  private guard(write: boolean, fn: () => number): number {
    if (write && this.readOnly) return -EROFS;
    try { return fn(); } catch (e) { return errno(e); }
  }
  private lst(p: string): fs.BigIntStats | undefined {
    return fs.lstatSync(this.host(p), { bigint: true, throwIfNoEntry: false });
  }

  lstat(p: string): Stat | number {
    try {
      const s = this.lst(p);
      return s ? this.owners.view(statFromHost(s)) : -ENOENT;
    } catch (e) { return errno(e); }
  }
  readlink(p: string): string | number {
    try { return fs.readlinkSync(this.host(p), { encoding: 'buffer' }).toString('latin1'); } catch (e) { return errno(e); }
  }
  readdir(p: string): Dirent[] | number {
    try {
      const dir = this.host(p);
      const out: Dirent[] = [];
      for (const name of fs.readdirSync(dir, { encoding: 'buffer' })) {
        if (isPrivateName(name)) continue;
        const s = fs.lstatSync(Buffer.concat([dir, Buffer.from('/'), name]), { bigint: true, throwIfNoEntry: false });
        if (s) out.push({ ino: Number(s.ino), type: dtFromMode(Number(s.mode)), name: name.toString('latin1') });
      }
      return out;
    } catch (e) { return errno(e); }
  }
  open(p: string, flags: number, mode: number, guestPath: string): FileDescription | number {
    const acc = flags & O_ACCMODE;
    const writes = acc !== O_RDONLY || (flags & (O_CREAT | O_TRUNC)) !== 0;
    if (writes && this.readOnly) return -EROFS;
    try {
      const hp = this.host(p);
      if (!(flags & O_CREAT)) {
        const s = this.lst(p);
        if (!s) return -ENOENT;
        const type = Number(s.mode) & S_IFMT;
        if (type === S_IFLNK) return -ELOOP;
        if (type === S_IFIFO || type === S_IFSOCK) return -ENXIO; // a host FIFO would block the whole machine
        if (type !== S_IFREG && type !== S_IFDIR) return -EACCES; // host devices: as if mounted nodev
      }
      let hf = (acc === 1 ? C.O_WRONLY : acc === 2 ? C.O_RDWR : C.O_RDONLY) | C.O_NOFOLLOW | C.O_NONBLOCK;
      if (flags & O_CREAT) hf |= C.O_CREAT | C.O_EXCL;
      if (flags & O_TRUNC) hf |= C.O_TRUNC;
      if (acc === 3) hf = C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK; // Linux's "3": ioctl-only access
      const fd = fs.openSync(hp, hf, mode & 0o7777);
      if (flags & O_CREAT) { try { fs.fchmodSync(fd, mode & 0o7777); } catch { /* keep the host's mode */ } }
      return new HostFile(flags, guestPath, new HostHandle(fd), this.owners, () => this.freeBytes());
    } catch (e) { return errno(e); }
  }
  tmpfile(dir: string, flags: number, mode: number, guestDir: string): FileDescription | number {
    if (this.readOnly) return -EROFS;
    try {
      const hidden = Buffer.concat([this.host(dir), Buffer.from(`/${TMPFILE_PREFIX}${process.pid}-${tmpfileSeq++}`)]);
      const acc = flags & O_ACCMODE;
      const fd = fs.openSync(hidden, (acc === 1 ? C.O_WRONLY : C.O_RDWR) | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, mode & 0o7777);
      try { fs.fchmodSync(fd, mode & 0o7777); } catch { /* keep the host's mode */ }
      const linkable = !(flags & O_EXCL);
      if (!linkable) fs.unlinkSync(hidden);
      const ino = Number(fs.fstatSync(fd).ino);
      const f = new HostTmpFile(flags, `${guestDir === '/' ? '' : guestDir}/#${ino} (deleted)`, new HostHandle(fd), this,
        linkable ? hidden : undefined);
      return f;
    } catch (e) { return errno(e); }
  }
  linkFile(f: FileDescription, p: string): number | undefined {
    if (!(f instanceof HostTmpFile) || f.owner !== this) return undefined;
    if (!f.hidden) {
      const s = f.stat();
      if (typeof s === 'number') return s;
      if (s.nlink === 0 || f.named === undefined) return -ENOENT; // O_EXCL, or its names are gone again
      // linked before: from that name while it is still this file
      const named = f.named;
      const n = this.lstat(named);
      if (typeof n === 'number' || n.ino !== s.ino || n.dev !== s.dev) return -ENOENT;
      return this.guard(true, () => { fs.linkSync(this.host(named), this.host(p)); return 0; });
    }
    const hidden = f.hidden;
    return this.guard(true, () => { fs.linkSync(hidden, this.host(p)); f.dropHidden(); f.named = p; return 0; });
  }

  mkdir(p: string, mode: number): number {
    return this.guard(true, () => {
      const hp = this.host(p);
      fs.mkdirSync(hp, { mode: mode & 0o7777 });
      // undo the host's umask, keeping the set-group-ID bit a set-group-ID parent passed on
      fs.chmodSync(hp, (mode & 0o7777) | (fs.lstatSync(hp).mode & 0o2000));
      return 0;
    });
  }
  rmdir(p: string): number { return this.guard(true, () => { const s = this.lst(p); fs.rmdirSync(this.host(p)); this.owners.forget(s); return 0; }); }
  unlink(p: string): number { return this.guard(true, () => { const s = this.lst(p); fs.unlinkSync(this.host(p)); this.owners.forget(s); return 0; }); }
  rename(from: string, to: string): number {
    return this.guard(true, () => {
      const target = this.lst(to);
      fs.renameSync(this.host(from), this.host(to));
      if (target && this.lst(from) === undefined) this.owners.forget(target);
      return 0;
    });
  }
  // Node has no renameat2: three renames through a hidden name in a's directory. Not atomic: in
  // between, a is missing and then b is (a guest, or another host process, may see that), and a
  // failure on the way is undone as far as the host allows.
  exchange(a: string, b: string): number {
    return this.guard(true, () => {
      const ha = this.host(a), hb = this.host(b);
      if (!this.lst(a) || !this.lst(b)) return -ENOENT;
      const tmp = Buffer.concat([this.host(parentOf(a)), Buffer.from(`/${EXCHANGE_PREFIX}${process.pid}-${exchangeSeq++}`)]);
      fs.renameSync(ha, tmp);
      try {
        fs.renameSync(hb, ha);
      } catch (e) {
        fs.renameSync(tmp, ha);
        throw e;
      }
      try {
        fs.renameSync(tmp, hb);
      } catch (e) {
        fs.renameSync(ha, hb);
        fs.renameSync(tmp, ha);
        throw e;
      }
      return 0;
    });
  }
  link(existing: string, p: string): number {
    return this.guard(true, () => { fs.linkSync(this.host(existing), this.host(p)); return 0; });
  }
  symlink(target: string, p: string): number {
    return this.guard(true, () => { fs.symlinkSync(Buffer.from(target, 'latin1'), this.host(p)); return 0; });
  }
  mknod(p: string, mode: number): number {
    if ((mode & S_IFMT) === S_IFSOCK) return this.guard(true, () => makeHostSocket(this.host(p), mode & 0o7777));
    if ((mode & S_IFMT) === S_IFIFO) return this.guard(true, () => makeHostFifo(this.host(p), mode & 0o7777));
    if ((mode & S_IFMT) !== S_IFREG && (mode & S_IFMT) !== 0) return -EPERM;
    return this.guard(true, () => {
      const fd = fs.openSync(this.host(p), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, mode & 0o7777);
      try { fs.fchmodSync(fd, mode & 0o7777); } finally { fs.closeSync(fd); }
      return 0;
    });
  }
  chmod(p: string, mode: number): number {
    return this.guard(true, () => {
      const s = this.lst(p);
      if (!s) return -ENOENT;
      if ((Number(s.mode) & S_IFMT) === S_IFLNK) return -ELOOP;
      fs.chmodSync(this.host(p), mode & 0o7777);
      return 0;
    });
  }
  chown(p: string, uid: number, gid: number): number {
    return this.guard(true, () => {
      const s = this.lst(p);
      if (!s) return -ENOENT;
      const hp = this.host(p);
      return this.owners.chown(s, uid, gid, (u, g) => fs.lchownSync(hp, u, g), (m) => fs.chmodSync(hp, m));
    });
  }
  utimes(p: string, atime: TimeSpec, mtime: TimeSpec): number {
    return this.guard(true, () => {
      const s = this.lst(p);
      if (!s) return -ENOENT;
      fs.lutimesSync(this.host(p), hostTime(atime, s.atimeNs), hostTime(mtime, s.mtimeNs));
      return 0;
    });
  }
  truncate(p: string, len: number): number {
    return this.guard(true, () => {
      const fd = fs.openSync(this.host(p), C.O_WRONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
      try { fs.ftruncateSync(fd, len); } finally { fs.closeSync(fd); }
      return 0;
    });
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
}

// The Host's hostDirectory(): a host directory as a backend.
// `hostIds`: the host user xos acts as for ownership (default: this process's);
// when not root, chown is recorded rather than done (see Owners).
export function nodeHostDirectory(path: string, opts: { readOnly?: boolean; hostIds?: { uid: number; gid: number } } = {}): FsBackend {
  return new HostFs(path, !!opts.readOnly, opts.hostIds);
}

