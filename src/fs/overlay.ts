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
import { NodeFs, type FsBackend, type Found, type FsNode, type SetAttr, type StatFs } from './backend.js';
import {
  DT_DIR, FileDescription, O_ACCMODE, O_CREAT, O_EXCL, O_RDONLY, O_TRUNC, O_WRONLY, S_IFDIR, S_IFIFO, S_IFLNK,
  S_IFMT, S_IFREG, S_IFSOCK, isDir, type Dirent, type GuestMemory, type Stat, type TimeSpec,
} from './file.js';
import { EINVAL, EIO, ENODATA, ENOENT, ENOTDIR, ENOTEMPTY, EOPNOTSUPP, EXDEV } from '../base/errno.js';
import { TarWriter, type TarType } from './tar.js';

const WH = '.wh.', OPAQUE = '.wh..wh..opq';
// A file being copied up is written under this name in its directory, then renamed over its own:
// xos killed halfway leaves this (hidden, as every .wh. name is) and the lower file still whole.
const COPYUP = '.wh..wh..copyup';
const COPY_CHUNK = 1 << 20;

const join = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);
const reserved = (name: string): boolean => name.startsWith(WH);
const isStat = (s: Stat | number): s is Stat => typeof s !== 'number';

// A name of the overlay: the upper's node of it (once it is there), and the lower's when that shows
// (a lower-only file, or a directory merged from both). The same object through copy-up.
export class OverlayNode {
  children = new Map<string, OverlayNode>(); // directories: entries looked up so far
  opaque = false; // a directory whose upper hides the lower's contents
  constructor(public parent: OverlayNode | undefined, public name: string, public upper?: FsNode, public lower?: FsNode) {}
}

export class OverlayFs extends NodeFs {
  readonly type = 'overlay';
  readonly readOnly: boolean;
  readonly root: OverlayNode;
  constructor(readonly lower: FsBackend, readonly upper: FsBackend) {
    super();
    this.readOnly = upper.readOnly;
    this.root = new OverlayNode(undefined, '', upper.root, lower.root);
    this.root.opaque = this.hasUpper(upper.root, OPAQUE);
    // A new upper's root takes the image root's attributes, as if copied up.
    const list = upper.entries(upper.root), l = lower.getattr(lower.root);
    if (!upper.readOnly && Array.isArray(list) && list.length === 0 && isStat(l)) this.copyMeta(upper.root, l);
  }

  // --- lookup ----------------------------------------------------------------------------
  private hasUpper(dir: FsNode, name: string): boolean { return typeof this.upper.lookup(dir, name) !== 'number'; }

  // The lower's entry `name` of `dir`, when no whiteout or opaque directory hides it (whatever the upper has of that name).
  private lowerOf(dir: OverlayNode, name: string): Found | undefined {
    if (dir.lower === undefined || dir.opaque) return undefined;
    if (dir.upper !== undefined && this.hasUpper(dir.upper, WH + name)) return undefined;
    const l = this.lower.lookup(dir.lower, name);
    return typeof l === 'number' ? undefined : l;
  }

  lookup(d: FsNode, name: string): Found | number {
    const dir = d as OverlayNode;
    if (reserved(name)) return -ENOENT;
    let u: Found | undefined;
    if (dir.upper !== undefined) {
      const r = this.upper.lookup(dir.upper, name);
      if (typeof r !== 'number') u = r;
      else if (r !== -ENOENT) return r;
    } else if (dir.lower === undefined) return -ENOENT;
    let l = !u || isDir(u.stat.mode) ? this.lowerOf(dir, name) : undefined;
    if (u && l && !isDir(l.stat.mode)) l = undefined; // an upper directory over a lower file: the file is gone
    if (!u && !l) return -ENOENT;
    let n = dir.children.get(name);
    // the same name with other contents (the upper changed behind the overlay's back): a new node
    if (!n || (n.upper !== undefined && n.upper !== u?.node) || (u === undefined && n.lower !== l?.node)) {
      n = new OverlayNode(dir, name);
      dir.children.set(name, n);
    }
    n.upper = u?.node;
    n.lower = l?.node;
    n.opaque = u !== undefined && isDir(u.stat.mode) && this.hasUpper(u.node, OPAQUE);
    const stat = this.merge(u?.stat, l?.stat);
    return { node: n, stat };
  }
  // The overlay's view of an entry: inode numbers 2*lower, 2*upper+1; a merged directory has nlink 1.
  private merge(u: Stat | undefined, l: Stat | undefined): Stat {
    if (u) {
      // a merged directory: nlink 1 as overlayfs reports it (counting would mean merging its listing)
      if (isDir(u.mode) && l && isDir(l.mode)) return { ...u, ino: 2 * l.ino, nlink: 1 };
      return { ...u, ino: 2 * u.ino + 1 };
    }
    return { ...l!, ino: 2 * l!.ino };
  }

  parent(node: FsNode): { dir: FsNode; name: string } | undefined {
    const n = node as OverlayNode;
    return n.parent ? { dir: n.parent, name: n.name } : undefined;
  }
  getattr(node: FsNode): Stat | number {
    const n = node as OverlayNode;
    let u: Stat | undefined, l: Stat | undefined;
    if (n.upper !== undefined) {
      const r = this.upper.getattr(n.upper);
      if (!isStat(r)) return r;
      u = r;
    }
    if (n.lower !== undefined && (!u || isDir(u.mode))) {
      const r = this.lower.getattr(n.lower);
      if (!isStat(r)) { if (!u) return r; } else l = r;
    }
    return u || l ? this.merge(u, l) : -ENOENT;
  }
  getlink(node: FsNode): string | number {
    const n = node as OverlayNode;
    if (n.upper !== undefined) return this.upper.getlink(n.upper);
    return n.lower !== undefined ? this.lower.getlink(n.lower) : -ENOENT;
  }

  entries(d: FsNode): Dirent[] | number {
    const dir = d as OverlayNode;
    const out = new Map<string, Dirent>();
    const hidden = new Set<string>();
    let lowerOk = dir.lower !== undefined && !dir.opaque;
    if (dir.upper !== undefined) {
      const list = this.upper.entries(dir.upper);
      if (typeof list === 'number') return list;
      for (const e of list) {
        if (e.name === OPAQUE) lowerOk = false;
        else if (e.name.startsWith(WH)) hidden.add(e.name.slice(WH.length));
        else out.set(e.name, { ...e, ino: 2 * e.ino + 1 });
      }
    }
    if (lowerOk) {
      const list = this.lower.entries(dir.lower!);
      if (typeof list === 'number') {
        if (dir.upper === undefined) return list;
      } else {
        for (const e of list) {
          if (hidden.has(e.name) || e.name.startsWith(WH)) continue;
          const mine = out.get(e.name);
          if (!mine) out.set(e.name, { ...e, ino: 2 * e.ino });
          else if (mine.type === DT_DIR && e.type === DT_DIR) mine.ino = 2 * e.ino;
        }
      }
    } else if (dir.upper === undefined) return -ENOENT;
    return [...out.values()];
  }

  // --- copy-up ---------------------------------------------------------------------------
  private copyMeta(n: FsNode, st: Stat): void {
    const up = this.upper;
    up.setattr(n, { uid: st.uid, gid: st.gid }); // best effort: a host directory as an unprivileged user refuses
    if ((st.mode & S_IFMT) !== S_IFLNK) up.setattr(n, { mode: st.mode & 0o7777 });
    up.setattr(n, { atime: st.atimeNs, mtime: st.mtimeNs });
  }
  // The upper's node of an entry just made in `dir`.
  private made(dir: FsNode, name: string): FsNode | number {
    const f = this.upper.lookup(dir, name);
    return typeof f === 'number' ? f : f.node;
  }

  // Make the directory `d` exist in the upper (copying each missing one's attributes from the lower).
  private upperDir(d: OverlayNode): FsNode | number {
    if (d.upper !== undefined) return d.upper;
    if (!d.parent || d.lower === undefined) return -ENOENT;
    const p = this.upperDir(d.parent);
    if (typeof p === 'number') return p;
    const l = this.lower.getattr(d.lower);
    if (!isStat(l)) return l;
    if (!isDir(l.mode)) return -ENOTDIR;
    const m = this.upper.mkdirAt(p, d.name, l.mode & 0o7777);
    if (m) return m;
    const u = this.made(p, d.name);
    if (typeof u === 'number') return u;
    d.upper = u;
    this.copyMeta(u, l);
    this.copyXattrs(d.lower, u);
    return u;
  }

  // Copy the lower's file of `n` into the upper unless it is there already.
  private copyUp(n: OverlayNode): number {
    if (n.upper !== undefined) return 0;
    if (!n.parent || n.lower === undefined) return -ENOENT;
    const p = this.upperDir(n.parent);
    if (typeof p === 'number') return p;
    const l = this.lower.getattr(n.lower);
    if (!isStat(l)) return l;
    const up = this.upper;
    switch (l.mode & S_IFMT) {
      case S_IFDIR: { const m = up.mkdirAt(p, n.name, l.mode & 0o7777); if (m) return m; break; }
      case S_IFLNK: {
        const target = this.lower.getlink(n.lower);
        if (typeof target === 'number') return target;
        const s = up.symlinkAt(target, p, n.name);
        if (s) return s;
        const u = this.made(p, n.name);
        if (typeof u === 'number') return u;
        n.upper = u;
        up.setattr(u, { uid: l.uid, gid: l.gid });
        up.setattr(u, { atime: l.atimeNs, mtime: l.mtimeNs });
        this.copyXattrs(n.lower, u);
        return 0;
      }
      case S_IFREG: {
        // into a hidden temporary renamed over at the end: xos killed halfway leaves no short file
        up.unlinkAt(p, COPYUP); // left by a copy-up that was killed
        const r = this.copyData(n.lower, p, l);
        if (r) { up.unlinkAt(p, COPYUP); return r; }
        const m = up.renameAt(p, COPYUP, p, n.name);
        if (m) { up.unlinkAt(p, COPYUP); return m; }
        break;
      }
      case S_IFIFO: case S_IFSOCK: {
        const m = up.mknodAt ? up.mknodAt(p, n.name, l.mode) : -EOPNOTSUPP;
        if (m) return m;
        break;
      }
      default: return -EOPNOTSUPP; // a device node: the upper cannot hold one
    }
    const u = this.made(p, n.name);
    if (typeof u === 'number') return u;
    n.upper = u;
    this.copyMeta(u, l);
    this.copyXattrs(n.lower, u);
    return 0;
  }

  // The lower's file `from` (of stat `l`) into the upper's new file COPYUP in `dir`; a short read is EIO.
  private copyData(from: FsNode, dir: FsNode, l: Stat): number {
    const src = this.lower.openNode(from, O_RDONLY, COPYUP);
    if (typeof src === 'number') return src;
    const made = this.upper.create(dir, COPYUP, O_WRONLY | O_CREAT | O_EXCL, l.mode & 0o7777, COPYUP);
    if (typeof made === 'number') { src.release(); return made; }
    const dst = made.file;
    try {
      for (let off = 0; off < l.size; off += COPY_CHUNK) {
        const want = Math.min(COPY_CHUNK, l.size - off);
        const d = src.read(want, off);
        if (!(d instanceof Uint8Array)) return typeof d === 'number' ? d : -EINVAL;
        if (d.length < want) return -EIO; // the lower file is shorter than it says: never a silently short copy
        if (d.some((b) => b !== 0)) { const w = dst.write(d, off); if (typeof w === 'number' && w < 0) return w; }
      }
      return dst.truncate(l.size); // the tail (and holes) the loop skipped
    } finally {
      src.release();
      dst.release();
    }
  }

  private makeFile(dir: FsNode, name: string): number {
    const f = this.upper.create(dir, name, O_WRONLY | O_CREAT | O_EXCL, 0o600, name);
    if (typeof f === 'number') return f;
    f.file.release();
    return 0;
  }
  private whiteout(dir: OverlayNode, name: string): number {
    const du = this.upperDir(dir);
    if (typeof du === 'number') return du;
    return this.hasUpper(du, WH + name) ? 0 : this.makeFile(du, WH + name);
  }
  // Before creating the new name `name` in `dir`: dir in the upper, and no whiteout left for the name.
  // Returns the upper directory and whether a whiteout was there (a lower entry of that name would show again).
  private prepareCreate(dir: OverlayNode, name: string): { du: FsNode; was: boolean } | number {
    if (reserved(name)) return -EINVAL;
    const du = this.upperDir(dir);
    if (typeof du === 'number') return du;
    if (!this.hasUpper(du, WH + name)) return { du, was: false };
    const u = this.upper.unlinkAt(du, WH + name);
    return u ? u : { du, was: true };
  }
  // Remove the whiteouts (all a merged-empty directory may hold) from the upper directory `d`.
  private clearWhiteouts(d: FsNode): number {
    const list = this.upper.entries(d);
    if (typeof list === 'number') return list;
    for (const e of list) {
      if (!e.name.startsWith(WH)) return -ENOTEMPTY;
      const r = this.upper.unlinkAt(d, e.name);
      if (r) return r;
    }
    return 0;
  }
  private node(dir: OverlayNode, name: string): OverlayNode | number {
    const f = this.lookup(dir, name);
    return typeof f === 'number' ? f : (f.node as OverlayNode);
  }
  private forget(dir: OverlayNode, name: string): void { dir.children.delete(name); }

  // --- FsBackend -------------------------------------------------------------------------
  openNode(node: FsNode, flags: number, guestPath: string): FileDescription | number {
    const n = node as OverlayNode;
    if (n.upper === undefined) {
      if (n.lower === undefined) return -ENOENT;
      const l = this.lower.getattr(n.lower);
      if (!isStat(l)) return l;
      const writes = (flags & O_ACCMODE) !== O_RDONLY || (flags & O_TRUNC) !== 0;
      if (!writes || (l.mode & S_IFMT) !== S_IFREG) {
        const f = this.lower.openNode(n.lower, flags, guestPath);
        return typeof f === 'number' ? f : new OverlayFile(this, n, f, false);
      }
      const c = this.copyUp(n);
      if (c) return c;
    }
    const f = this.upper.openNode(n.upper!, flags, guestPath);
    return typeof f === 'number' ? f : new OverlayFile(this, n, f, true);
  }

  create(d: FsNode, name: string, flags: number, mode: number, guestPath: string): { file: FileDescription; node: FsNode } | number {
    const dir = d as OverlayNode;
    const prep = this.prepareCreate(dir, name);
    if (typeof prep === 'number') return prep;
    const r = this.upper.create(prep.du, name, flags, mode, guestPath);
    if (typeof r === 'number') return r;
    const n = new OverlayNode(dir, name, r.node);
    dir.children.set(name, n);
    return { file: new OverlayFile(this, n, r.file, true), node: n };
  }

  // O_TMPFILE and linking open files: the upper's (the directory is copied up first).
  override tmpfileAt(d: FsNode, flags: number, mode: number, guestDir: string): { file: FileDescription; node: FsNode } | number {
    if (!this.upper.tmpfileAt) return -EOPNOTSUPP;
    const dir = d as OverlayNode;
    const du = this.upperDir(dir);
    if (typeof du === 'number') return du;
    const r = this.upper.tmpfileAt(du, flags, mode, guestDir);
    if (typeof r === 'number') return r;
    const n = new OverlayNode(dir, '', r.node);
    return { file: new OverlayFile(this, n, r.file, true), node: n };
  }
  linkFile(f: FileDescription, d: FsNode, name: string): number | undefined {
    if (!(f instanceof OverlayFile) || !f.isUpperOf(this)) return undefined;
    const dir = d as OverlayNode;
    const prep = this.prepareCreate(dir, name);
    if (typeof prep === 'number') return prep;
    const l = this.upper.linkFile?.(f.innerFile, prep.du, name);
    if (l !== 0 && prep.was) this.whiteout(dir, name); // the name stays removed
    if (l === 0) this.forget(dir, name);
    return l;
  }

  mkdirAt(d: FsNode, name: string, mode: number): number {
    const dir = d as OverlayNode;
    const prep = this.prepareCreate(dir, name);
    if (typeof prep === 'number') return prep;
    const m = this.upper.mkdirAt(prep.du, name, mode);
    if (m) return m;
    this.forget(dir, name);
    // where the lower has (or had, under a whiteout) that name, the new directory hides its contents
    if (!prep.was && this.lowerOf(dir, name) === undefined) return 0;
    const u = this.made(prep.du, name);
    return typeof u === 'number' ? u : this.makeFile(u, OPAQUE);
  }

  rmdirAt(d: FsNode, name: string): number {
    const dir = d as OverlayNode;
    const n = this.node(dir, name);
    if (typeof n === 'number') return n;
    const entries = this.entries(n);
    if (typeof entries === 'number') return entries;
    if (entries.length) return -ENOTEMPTY;
    const lower = this.lowerOf(dir, name) !== undefined;
    if (n.upper !== undefined) {
      const r = this.clearWhiteouts(n.upper) || this.upper.rmdirAt(dir.upper!, name);
      if (r) return r;
    }
    this.forget(dir, name);
    return lower ? this.whiteout(dir, name) : 0;
  }

  unlinkAt(d: FsNode, name: string): number {
    const dir = d as OverlayNode;
    if (reserved(name)) return -ENOENT;
    const lower = this.lowerOf(dir, name) !== undefined;
    if (dir.upper !== undefined && this.hasUpper(dir.upper, name)) {
      const r = this.upper.unlinkAt(dir.upper, name);
      if (r) return r;
    } else if (!lower) return -ENOENT;
    this.forget(dir, name);
    return lower ? this.whiteout(dir, name) : 0;
  }

  renameAt(fd: FsNode, fromName: string, td: FsNode, toName: string): number {
    const fromDir = fd as OverlayNode, toDir = td as OverlayNode;
    if (reserved(fromName)) return -ENOENT;
    if (reserved(toName)) return -EINVAL;
    const src = this.node(fromDir, fromName);
    if (typeof src === 'number') return src;
    const sst = this.getattr(src);
    if (!isStat(sst)) return sst;
    const fromLower = this.lowerOf(fromDir, fromName) !== undefined;
    const dir = isDir(sst.mode);
    if (dir && fromLower) return -EXDEV;
    const dst = this.node(toDir, toName);
    if (typeof dst !== 'number') {
      const dstat = this.getattr(dst);
      if (isStat(dstat) && isDir(dstat.mode)) {
        const list = this.entries(dst);
        if (typeof list === 'number') return list;
        if (list.length) return -ENOTEMPTY;
        if (dst.upper !== undefined) { const c = this.clearWhiteouts(dst.upper); if (c) return c; }
      }
    }
    const toLower = this.lowerOf(toDir, toName) !== undefined;
    const c = this.copyUp(src);
    if (c) return c;
    const prep = this.prepareCreate(toDir, toName);
    if (typeof prep === 'number') return prep;
    const r = this.upper.renameAt(fromDir.upper!, fromName, prep.du, toName);
    if (r) return r;
    this.forget(fromDir, fromName);
    this.forget(toDir, toName);
    src.parent = toDir;
    src.name = toName;
    src.lower = undefined;
    toDir.children.set(toName, src);
    if (dir && (prep.was || toLower) && !this.hasUpper(src.upper!, OPAQUE)) {
      const o = this.makeFile(src.upper!, OPAQUE);
      if (o) return o;
      src.opaque = true;
    }
    return fromLower ? this.whiteout(fromDir, fromName) : 0;
  }

  override exchangeAt(ad: FsNode, aName: string, bd: FsNode, bName: string): number {
    const aDir = ad as OverlayNode, bDir = bd as OverlayNode;
    if (reserved(aName) || reserved(bName)) return -ENOENT;
    const a = this.node(aDir, aName), b = this.node(bDir, bName);
    if (typeof a === 'number') return a;
    if (typeof b === 'number') return b;
    const sa = this.getattr(a), sb = this.getattr(b);
    if (!isStat(sa)) return sa;
    if (!isStat(sb)) return sb;
    // a directory of the lower cannot move (as rename: EXDEV, and the caller copies)
    if ((isDir(sa.mode) && this.lowerOf(aDir, aName)) || (isDir(sb.mode) && this.lowerOf(bDir, bName))) return -EXDEV;
    if (!this.upper.exchangeAt) return -EINVAL;
    const c = this.copyUp(a) || this.copyUp(b);
    if (c) return c;
    const r = this.upper.exchangeAt(aDir.upper!, aName, bDir.upper!, bName);
    if (r) return r;
    this.forget(aDir, aName);
    this.forget(bDir, bName);
    // an upper directory now where the lower has a directory must not show the lower's contents
    for (const [dir, name] of [[aDir, aName], [bDir, bName]] as const) {
      const u = this.upper.lookup(dir.upper!, name);
      const l = this.lowerOf(dir, name);
      if (typeof u !== 'number' && isDir(u.stat.mode) && l && isDir(l.stat.mode) && !this.hasUpper(u.node, OPAQUE)) {
        const o = this.makeFile(u.node, OPAQUE);
        if (o) return o;
      }
    }
    return 0;
  }

  linkAt(node: FsNode, d: FsNode, name: string): number {
    const n = node as OverlayNode;
    const c = this.copyUp(n);
    if (c) return c;
    const prep = this.prepareCreate(d as OverlayNode, name);
    return typeof prep === 'number' ? prep : this.upper.linkAt(n.upper!, prep.du, name);
  }

  symlinkAt(target: string, d: FsNode, name: string): number {
    const prep = this.prepareCreate(d as OverlayNode, name);
    return typeof prep === 'number' ? prep : this.upper.symlinkAt(target, prep.du, name);
  }

  override mknodAt(d: FsNode, name: string, mode: number): number {
    const prep = this.prepareCreate(d as OverlayNode, name);
    if (typeof prep === 'number') return prep;
    return this.upper.mknodAt ? this.upper.mknodAt(prep.du, name, mode) : -EOPNOTSUPP;
  }

  setattr(node: FsNode, attr: SetAttr): number {
    const n = node as OverlayNode;
    return this.copyUp(n) || this.upper.setattr(n.upper!, attr);
  }

  statfs(): StatFs { return { ...this.upper.statfs(), type: 0x794c7630 /* OVERLAYFS_SUPER_MAGIC */ }; }

  // Extended attributes: the upper's once the file is there, else the lower's (an image keeps none);
  // a change copies the file up first, as overlayfs does. An upper that keeps none (a host
  // directory): EOPNOTSUPP.
  override getxattr(node: FsNode, name: string): Uint8Array | number {
    const n = node as OverlayNode;
    if (!this.upper.getxattr) return -EOPNOTSUPP;
    if (n.upper !== undefined) return this.upper.getxattr(n.upper, name);
    return n.lower !== undefined && this.lower.getxattr ? this.lower.getxattr(n.lower, name) : -ENODATA;
  }
  override listxattr(node: FsNode): string[] | number {
    const n = node as OverlayNode;
    if (!this.upper.listxattr) return [];
    if (n.upper !== undefined) return this.upper.listxattr(n.upper);
    return n.lower !== undefined && this.lower.listxattr ? this.lower.listxattr(n.lower) : [];
  }
  override setxattr(node: FsNode, name: string, value: Uint8Array, flags: number): number {
    const n = node as OverlayNode;
    if (!this.upper.setxattr) return -EOPNOTSUPP;
    return this.copyUp(n) || this.upper.setxattr(n.upper!, name, value, flags);
  }
  override removexattr(node: FsNode, name: string): number {
    const n = node as OverlayNode;
    if (!this.upper.removexattr) return -EOPNOTSUPP;
    // a name the lower file lacks: ENODATA without copying it up
    if (n.upper === undefined) {
      const l = this.getxattr(n, name);
      if (typeof l === 'number') return l;
    }
    return this.copyUp(n) || this.upper.removexattr(n.upper!, name);
  }
  // What a copied-up file takes along of the lower's attributes.
  private copyXattrs(from: FsNode, to: FsNode): void {
    const names = this.lower.listxattr?.(from);
    if (!Array.isArray(names) || !this.upper.setxattr) return;
    for (const name of names) {
      const v = this.lower.getxattr!(from, name);
      if (typeof v !== 'number') this.upper.setxattr(to, name, v, 0);
    }
  }
}

// A description opened through the overlay: the upper's or the lower's own, with
// inode numbers as the overlay shows them; attribute changes on a lower file copy it up.
export class OverlayFile extends FileDescription {
  constructor(private readonly fs: OverlayFs, private readonly n: OverlayNode, private readonly inner: FileDescription,
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
  override punchHole(offset: number, len: number): number { return this.inner.punchHole(offset, len); }
  override sync(): number { return this.inner.sync(); }
  override chmod(mode: number): number { return this.upper ? this.inner.chmod(mode) : this.fs.setattr(this.n, { mode }); }
  override chown(uid: number, gid: number): number {
    return this.upper ? this.inner.chown(uid, gid) : this.fs.setattr(this.n, { uid: uid === -1 ? undefined : uid, gid: gid === -1 ? undefined : gid });
  }
  override utimes(atime: TimeSpec, mtime: TimeSpec): number {
    return this.upper ? this.inner.utimes(atime, mtime) : this.fs.setattr(this.n, { atime, mtime });
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
  const visit = (dir: FsNode, path: string) => {
    const list = fs.entries(dir);
    if (typeof list === 'number') return;
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of list) {
      if (e.name === COPYUP) continue; // a copy-up that never finished
      const p = join(path, e.name);
      const found = fs.lookup(dir, e.name);
      if (typeof found === 'number') continue;
      const { node, stat: st } = found;
      const type = TYPE[st.mode & S_IFMT];
      if (!type) continue;
      const names = fs.listxattr?.(node);
      const xattrs: [string, Uint8Array][] = [];
      for (const name of Array.isArray(names) ? names : []) {
        const v = fs.getxattr!(node, name);
        if (typeof v !== 'number') xattrs.push([name, v]);
      }
      const base = { path: p.slice(1), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeNs: st.mtimeNs, xattrs };
      if (type === 'file' && st.nlink > 1) {
        const first = links.get(st.ino);
        if (first !== undefined) { w.add({ ...base, type: 'hardlink', linkname: first }); continue; }
        links.set(st.ino, p.slice(1));
      }
      if (type === 'file') {
        const f = fs.openNode(node, O_RDONLY, p);
        let data: Uint8Array = new Uint8Array(0);
        if (typeof f !== 'number') {
          const d = f.read(st.size, 0);
          if (d instanceof Uint8Array) data = d;
          f.release();
        }
        w.add({ ...base, type, data });
      } else if (type === 'symlink') {
        const t = fs.getlink(node);
        w.add({ ...base, type, linkname: typeof t === 'string' ? t : '' });
      } else {
        w.add({ ...base, type });
        if (type === 'dir') visit(node, p);
      }
    }
  };
  visit(fs.root, '/');
  return w.finish();
}
