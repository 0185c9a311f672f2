// overlay: a writable upper layer over a read-only lower one (an image), as
// Linux's overlayfs does it: a name is looked up in the upper first, then in
// the lower; the first change to a lower file copies it up (data, mode, owner,
// times); a removed lower name leaves a whiteout in the upper; a directory made
// where a lower one was removed is opaque (hides the lower's contents).
//
// Whiteouts and opaque markers are stored as OCI image layers spell them, as
// plain files `.wh.NAME` and `.wh..wh..opq` (not as Linux's 0/0 character
// devices and xattrs): every upper (a tmpfs, a host directory as an
// unprivileged user, browser storage) can hold them, and the upper is already
// a layer (`layerTar`). So names starting with `.wh.` are reserved in an overlay.
//
// Renaming a directory that exists in the lower answers EXDEV, as overlayfs
// without redirect_dir does (mv then copies). Hard links between lower files
// are broken by copy-up (overlayfs without index=on does the same).
// Inode numbers: 2*ino for lower files, 2*ino+1 for upper ones, so the two never
// collide; a directory present in both (merged) keeps its lower number, and has nlink 1.
import { mappedAs, type MappedFile } from '../mm/address-space.js';
import type { Blocked } from '../base/wait.js';
import type { FsBackend, StatFs } from './backend.js';
import {
  DT_DIR, FileDescription, O_ACCMODE, O_CREAT, O_EXCL, O_RDONLY, O_TRUNC, O_WRONLY, S_IFDIR, S_IFIFO, S_IFLNK,
  S_IFMT, S_IFREG, S_IFSOCK, isDir, type Dirent, type GuestMemory, type Stat, type TimeSpec,
} from './file.js';
import { EINVAL, ENOENT, ENOTDIR, ENOTEMPTY, EOPNOTSUPP, EXDEV } from '../base/errno.js';
import { TarWriter, type TarType } from './tar.js';

const WH = '.wh.', OPAQUE = '.wh..wh..opq';
const COPY_CHUNK = 1 << 20;

const parentOf = (p: string): string => { const i = p.lastIndexOf('/'); return i <= 0 ? '/' : p.slice(0, i); };
const baseOf = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const join = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);
const reserved = (p: string): boolean => baseOf(p).startsWith(WH);
const isStat = (s: Stat | number): s is Stat => typeof s !== 'number';

export class OverlayFs implements FsBackend {
  readonly type = 'overlay';
  readonly readOnly: boolean;
  constructor(readonly lower: FsBackend, readonly upper: FsBackend) {
    this.readOnly = upper.readOnly;
    // A new upper's root takes the image root's attributes, as if copied up.
    const list = upper.readdir('/'), l = lower.lstat('/');
    if (!upper.readOnly && Array.isArray(list) && list.length === 0 && isStat(l)) this.copyMeta('/', l);
  }

  // --- lookup ----------------------------------------------------------------------------
  private has(p: string): boolean { return isStat(this.upper.lstat(p)); }

  // Whether the lower's entry at `p` shows through: no whiteout for any component, no opaque
  // directory above it, no upper non-directory in the way.
  private lowerVisible(p: string): boolean {
    if (p === '/') return true;
    const comps = p.slice(1).split('/');
    let dir = '/';
    for (let i = 0; i < comps.length; i++) {
      const d = this.upper.lstat(dir);
      if (!isStat(d)) return true; // the upper has nothing at or below here
      if (!isDir(d.mode)) return false;
      if (this.has(join(dir, OPAQUE)) || this.has(join(dir, WH + comps[i]))) return false;
      dir = join(dir, comps[i]);
    }
    return true;
  }

  private lowerStat(p: string): Stat | number {
    return this.lowerVisible(p) ? this.lower.lstat(p) : -ENOENT;
  }

  lstat(p: string): Stat | number {
    if (reserved(p)) return -ENOENT;
    const u = this.upper.lstat(p);
    if (isStat(u)) {
      if (isDir(u.mode)) {
        const l = this.lowerStat(p);
        // a merged directory: nlink 1 as overlayfs reports it (counting would mean merging its listing)
        if (isStat(l) && isDir(l.mode)) return { ...u, ino: 2 * l.ino, nlink: 1 };
      }
      return { ...u, ino: 2 * u.ino + 1 };
    }
    if (u !== -ENOENT) return u;
    const l = this.lowerStat(p);
    return isStat(l) ? { ...l, ino: 2 * l.ino } : l;
  }

  readlink(p: string): string | number {
    if (reserved(p)) return -ENOENT;
    if (this.has(p)) return this.upper.readlink(p);
    return this.lowerVisible(p) ? this.lower.readlink(p) : -ENOENT;
  }

  readdir(p: string): Dirent[] | number {
    const u = this.upper.lstat(p);
    const out = new Map<string, Dirent>();
    const hidden = new Set<string>();
    let lowerOk = this.lowerVisible(p);
    if (isStat(u)) {
      if (!isDir(u.mode)) return -ENOTDIR;
      const list = this.upper.readdir(p);
      if (typeof list === 'number') return list;
      for (const e of list) {
        if (e.name === OPAQUE) lowerOk = false;
        else if (e.name.startsWith(WH)) hidden.add(e.name.slice(WH.length));
        else out.set(e.name, { ...e, ino: 2 * e.ino + 1 });
      }
    } else if (u !== -ENOENT) return u;
    if (lowerOk) {
      const list = this.lower.readdir(p);
      if (typeof list === 'number') {
        if (!isStat(u)) return list;
      } else {
        for (const e of list) {
          if (hidden.has(e.name) || e.name.startsWith(WH)) continue;
          const mine = out.get(e.name);
          if (!mine) out.set(e.name, { ...e, ino: 2 * e.ino });
          else if (mine.type === DT_DIR && e.type === DT_DIR) mine.ino = 2 * e.ino;
        }
      }
    } else if (!isStat(u)) return -ENOENT;
    return [...out.values()];
  }

  // --- copy-up ---------------------------------------------------------------------------
  private copyMeta(p: string, st: Stat): void {
    this.upper.chown(p, st.uid, st.gid); // best effort: a host directory as an unprivileged user refuses
    if ((st.mode & S_IFMT) !== S_IFLNK) this.upper.chmod(p, st.mode & 0o7777);
    this.upper.utimes(p, st.atimeNs, st.mtimeNs);
  }

  // Make the directory `d` exist in the upper (copying each missing one's attributes from the lower).
  private upperDir(d: string): number {
    if (d === '/') return 0;
    const u = this.upper.lstat(d);
    if (isStat(u)) return isDir(u.mode) ? 0 : -ENOTDIR;
    const r = this.upperDir(parentOf(d));
    if (r) return r;
    const l = this.lower.lstat(d);
    if (!isStat(l)) return l;
    const m = this.upper.mkdir(d, l.mode & 0o7777);
    if (m) return m;
    this.copyMeta(d, l);
    return 0;
  }

  // Copy the lower's `p` into the upper unless it is there already.
  private copyUp(p: string): number {
    if (this.has(p)) return 0;
    const r = this.upperDir(parentOf(p));
    if (r) return r;
    const l = this.lowerStat(p);
    if (!isStat(l)) return l;
    const up = this.upper;
    switch (l.mode & S_IFMT) {
      case S_IFDIR: { const m = up.mkdir(p, l.mode & 0o7777); if (m) return m; break; }
      case S_IFLNK: {
        const target = this.lower.readlink(p);
        if (typeof target === 'number') return target;
        const s = up.symlink(target, p);
        if (s) return s;
        up.chown(p, l.uid, l.gid);
        up.utimes(p, l.atimeNs, l.mtimeNs);
        return 0;
      }
      case S_IFREG: {
        const src = this.lower.open(p, O_RDONLY, 0, p);
        if (typeof src === 'number') return src;
        const dst = up.open(p, O_WRONLY | O_CREAT | O_EXCL, l.mode & 0o7777, p);
        if (typeof dst === 'number') { src.release(); return dst; }
        try {
          for (let off = 0; off < l.size; off += COPY_CHUNK) {
            const d = src.read(Math.min(COPY_CHUNK, l.size - off), off);
            if (!(d instanceof Uint8Array)) return typeof d === 'number' ? d : -EINVAL;
            if (d.some((b) => b !== 0)) { const w = dst.write(d, off); if (typeof w === 'number' && w < 0) return w; }
            if (d.length < Math.min(COPY_CHUNK, l.size - off)) break;
          }
          const t = dst.truncate(l.size); // the tail (and holes) the loop skipped
          if (t) return t;
        } finally {
          src.release();
          dst.release();
        }
        break;
      }
      case S_IFIFO: case S_IFSOCK: {
        const m = up.mknod ? up.mknod(p, l.mode) : -EOPNOTSUPP;
        if (m) return m;
        break;
      }
      default: return -EOPNOTSUPP; // a device node: the upper cannot hold one
    }
    this.copyMeta(p, l);
    return 0;
  }

  private makeFile(p: string): number {
    const f = this.upper.open(p, O_WRONLY | O_CREAT | O_EXCL, 0o600, p);
    if (typeof f === 'number') return f;
    f.release();
    return 0;
  }
  private whiteout(p: string): number {
    const r = this.upperDir(parentOf(p));
    if (r) return r;
    const w = join(parentOf(p), WH + baseOf(p));
    return this.has(w) ? 0 : this.makeFile(w);
  }
  // Before creating the new name `p`: its parent in the upper, and no whiteout left for it. True when
  // a whiteout was there (a lower entry of that name becomes visible again unless hidden).
  private prepareCreate(p: string): boolean | number {
    if (reserved(p)) return -EINVAL;
    const r = this.upperDir(parentOf(p));
    if (r) return r;
    const w = join(parentOf(p), WH + baseOf(p));
    if (!this.has(w)) return false;
    const u = this.upper.unlink(w);
    return u ? u : true;
  }
  private lowerHas(p: string): boolean { return isStat(this.lowerStat(p)); }
  // Remove the whiteouts (all a merged-empty directory may hold) from the upper directory `p`.
  private clearWhiteouts(p: string): number {
    const list = this.upper.readdir(p);
    if (typeof list === 'number') return list;
    for (const e of list) {
      if (!e.name.startsWith(WH)) return -ENOTEMPTY;
      const r = this.upper.unlink(join(p, e.name));
      if (r) return r;
    }
    return 0;
  }

  // --- FsBackend -------------------------------------------------------------------------
  open(p: string, flags: number, mode: number, guestPath: string): FileDescription | number {
    if (flags & O_CREAT) {
      const r = this.prepareCreate(p);
      if (typeof r === 'number') return r;
      const f = this.upper.open(p, flags, mode, guestPath);
      return typeof f === 'number' ? f : new OverlayFile(this, p, f, true);
    }
    if (reserved(p)) return -ENOENT;
    if (!this.has(p)) {
      const l = this.lowerStat(p);
      if (!isStat(l)) return l;
      const writes = (flags & O_ACCMODE) !== O_RDONLY || (flags & O_TRUNC) !== 0;
      if (!writes || (l.mode & S_IFMT) !== S_IFREG) {
        const f = this.lower.open(p, flags, mode, guestPath);
        return typeof f === 'number' ? f : new OverlayFile(this, p, f, false);
      }
      const c = this.copyUp(p);
      if (c) return c;
    }
    const f = this.upper.open(p, flags, mode, guestPath);
    return typeof f === 'number' ? f : new OverlayFile(this, p, f, true);
  }

  // O_TMPFILE and linking open files: the upper's (the directory is copied up first).
  tmpfile(dir: string, flags: number, mode: number, guestDir: string): FileDescription | number {
    if (!this.upper.tmpfile) return -EOPNOTSUPP;
    const r = this.upperDir(dir);
    if (r) return r;
    const f = this.upper.tmpfile(dir, flags, mode, guestDir);
    return typeof f === 'number' ? f : new OverlayFile(this, dir, f, true);
  }
  linkFile(f: FileDescription, p: string): number | undefined {
    if (!(f instanceof OverlayFile) || !f.isUpperOf(this)) return undefined;
    const r = this.prepareCreate(p);
    if (typeof r === 'number') return r;
    const l = this.upper.linkFile?.(f.innerFile, p);
    if (l !== 0 && r) this.whiteout(p); // the name stays removed
    return l;
  }

  mkdir(p: string, mode: number): number {
    const r = this.prepareCreate(p);
    if (typeof r === 'number') return r;
    const m = this.upper.mkdir(p, mode);
    if (m) return m;
    return r || this.lowerHas(p) ? this.makeFile(join(p, OPAQUE)) : 0;
  }

  rmdir(p: string): number {
    const entries = this.readdir(p);
    if (typeof entries === 'number') return entries;
    if (entries.length) return -ENOTEMPTY;
    const lower = this.lowerHas(p);
    if (this.has(p)) {
      const r = this.clearWhiteouts(p) || this.upper.rmdir(p);
      if (r) return r;
    }
    return lower ? this.whiteout(p) : 0;
  }

  unlink(p: string): number {
    if (reserved(p)) return -ENOENT;
    const lower = this.lowerHas(p);
    if (this.has(p)) {
      const r = this.upper.unlink(p);
      if (r) return r;
    } else if (!lower) return -ENOENT;
    return lower ? this.whiteout(p) : 0;
  }

  rename(from: string, to: string): number {
    if (reserved(from)) return -ENOENT;
    if (reserved(to)) return -EINVAL;
    const src = this.lstat(from);
    if (!isStat(src)) return src;
    const fromLower = this.lowerHas(from);
    const dir = isDir(src.mode);
    if (dir && fromLower) return -EXDEV;
    const dst = this.lstat(to);
    if (isStat(dst) && isDir(dst.mode)) {
      const list = this.readdir(to);
      if (typeof list === 'number') return list;
      if (list.length) return -ENOTEMPTY;
      if (this.has(to)) { const c = this.clearWhiteouts(to); if (c) return c; }
    }
    const toLower = this.lowerHas(to);
    const c = this.copyUp(from);
    if (c) return c;
    const prep = this.prepareCreate(to);
    if (typeof prep === 'number') return prep;
    const r = this.upper.rename(from, to);
    if (r) return r;
    if (dir && (prep || toLower) && !this.has(join(to, OPAQUE))) {
      const o = this.makeFile(join(to, OPAQUE));
      if (o) return o;
    }
    return fromLower ? this.whiteout(from) : 0;
  }

  exchange(a: string, b: string): number {
    if (reserved(a) || reserved(b)) return -ENOENT;
    const sa = this.lstat(a), sb = this.lstat(b);
    if (!isStat(sa)) return sa;
    if (!isStat(sb)) return sb;
    // a directory of the lower cannot move (as rename: EXDEV, and the caller copies)
    if ((isDir(sa.mode) && this.lowerHas(a)) || (isDir(sb.mode) && this.lowerHas(b))) return -EXDEV;
    if (!this.upper.exchange) return -EINVAL;
    const c = this.copyUp(a) || this.copyUp(b);
    if (c) return c;
    const r = this.upper.exchange(a, b);
    if (r) return r;
    // an upper directory now where the lower has a directory must not show the lower's contents
    for (const p of [a, b]) {
      const u = this.upper.lstat(p);
      const l = this.lowerStat(p);
      if (isStat(u) && isDir(u.mode) && isStat(l) && isDir(l.mode) && !this.has(join(p, OPAQUE))) {
        const o = this.makeFile(join(p, OPAQUE));
        if (o) return o;
      }
    }
    return 0;
  }

  link(existing: string, p: string): number {
    if (reserved(existing)) return -ENOENT;
    const c = this.copyUp(existing);
    if (c) return c;
    const r = this.prepareCreate(p);
    return typeof r === 'number' ? r : this.upper.link(existing, p);
  }

  symlink(target: string, p: string): number {
    const r = this.prepareCreate(p);
    return typeof r === 'number' ? r : this.upper.symlink(target, p);
  }

  mknod(p: string, mode: number): number {
    const r = this.prepareCreate(p);
    if (typeof r === 'number') return r;
    return this.upper.mknod ? this.upper.mknod(p, mode) : -EOPNOTSUPP;
  }

  chmod(p: string, mode: number): number { return this.copyUp(p) || this.upper.chmod(p, mode); }
  chown(p: string, uid: number, gid: number): number { return this.copyUp(p) || this.upper.chown(p, uid, gid); }
  utimes(p: string, atime: TimeSpec, mtime: TimeSpec): number { return this.copyUp(p) || this.upper.utimes(p, atime, mtime); }
  truncate(p: string, len: number): number { return this.copyUp(p) || this.upper.truncate(p, len); }

  statfs(): StatFs { return { ...this.upper.statfs(), type: 0x794c7630 /* OVERLAYFS_SUPER_MAGIC */ }; }
}

// A description opened through the overlay: the upper's or the lower's own, with
// inode numbers as the overlay shows them; attribute changes on a lower file copy it up.
class OverlayFile extends FileDescription {
  constructor(private readonly fs: OverlayFs, private readonly bpath: string, private readonly inner: FileDescription,
    private readonly upper: boolean) {
    super(inner.flags, inner.path);
  }
  private synced(): FileDescription { this.inner.flags = this.flags; return this.inner; }
  isUpperOf(fs: OverlayFs): boolean { return this.fs === fs && this.upper; }
  get innerFile(): FileDescription { return this.inner; }
  private ino(i: number): number { return this.upper ? 2 * i + 1 : 2 * i; }
  override read(n: number, pos?: number) { return this.synced().read(n, pos); }
  override write(data: Uint8Array, pos?: number) { return this.synced().write(data, pos); }
  override seek(offset: number, whence: number): number { return this.inner.seek(offset, whence); }
  override stat(): Stat | number {
    const s = this.inner.stat();
    if (!isStat(s)) return s;
    return { ...s, ino: this.ino(s.ino) };
  }
  override ioctl(request: number, arg: number, mem: GuestMemory): number | Blocked { return this.inner.ioctl(request, arg, mem); }
  override truncate(len: number): number { return this.upper ? this.inner.truncate(len) : -EINVAL; }
  override allocate(offset: number, len: number): number { return this.inner.allocate(offset, len); }
  override sync(): number { return this.inner.sync(); }
  override chmod(mode: number): number { return this.upper ? this.inner.chmod(mode) : this.fs.chmod(this.bpath, mode); }
  override chown(uid: number, gid: number): number {
    return this.upper ? this.inner.chown(uid, gid) : this.fs.chown(this.bpath, uid, gid);
  }
  override utimes(atime: TimeSpec, mtime: TimeSpec): number {
    return this.upper ? this.inner.utimes(atime, mtime) : this.fs.utimes(this.bpath, atime, mtime);
  }
  override available(): number { return this.inner.available(); }
  override poll(): number { return this.inner.poll(); }
  override mapping(): MappedFile | number {
    const m = this.inner.mapping();
    if (typeof m === 'number') return m;
    return mappedAs(m, { ino: this.ino(m.ino ?? 0) });
  }
  override release(): void { this.inner.release(); }
}

// --- a file system as an image layer --------------------------------------------------------

const TYPE: Record<number, TarType> = { [S_IFREG]: 'file', [S_IFDIR]: 'dir', [S_IFLNK]: 'symlink', [S_IFIFO]: 'fifo' };

// Every entry of `fs` (an overlay's upper, whiteouts included) as a tar archive: an OCI layer
// (hard links as links, sockets and device nodes left out). Names are relative ("etc/passwd").
export function layerTar(fs: FsBackend): Uint8Array {
  const w = new TarWriter();
  const links = new Map<number, string>();
  const visit = (dir: string) => {
    const list = fs.readdir(dir);
    if (typeof list === 'number') return;
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of list) {
      const p = join(dir, e.name);
      const st = fs.lstat(p);
      if (!isStat(st)) continue;
      const type = TYPE[st.mode & S_IFMT];
      if (!type) continue;
      const base = { path: p.slice(1), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeNs: st.mtimeNs };
      if (type === 'file' && st.nlink > 1) {
        const first = links.get(st.ino);
        if (first !== undefined) { w.add({ ...base, type: 'hardlink', linkname: first }); continue; }
        links.set(st.ino, p.slice(1));
      }
      if (type === 'file') {
        const f = fs.open(p, O_RDONLY, 0, p);
        let data: Uint8Array = new Uint8Array(0);
        if (typeof f !== 'number') {
          const d = f.read(st.size, 0);
          if (d instanceof Uint8Array) data = d;
          f.release();
        }
        w.add({ ...base, type, data });
      } else if (type === 'symlink') {
        const t = fs.readlink(p);
        w.add({ ...base, type, linkname: typeof t === 'string' ? t : '' });
      } else {
        w.add({ ...base, type });
        if (type === 'dir') visit(p);
      }
    }
  };
  visit('/');
  return w.finish();
}
