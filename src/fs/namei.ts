// The path walk (Linux's namei) and places: a caller's root and working
// directory, a directory descriptor's place, and the walk from one of them
// component by component: one backend lookup per component, mounts crossed
// where a walk steps onto a node something is mounted on, '..' confined to the
// caller's root, symlinks resolved here (absolute ones from the caller's root,
// magic ones such as /proc/self/fd/N to their places), at most 40 of them.
// Paths of places are computed when asked for, so they follow renames.
//
// Paths are byte strings: one char per byte (latin1), so that any name a guest
// can make survives. Convert with pathFromBytes / pathToBytes.
import type { FsNode } from './backend.js';
import { FileDescription, S_IFDIR, isDir, isLink, isReg, type Stat } from './file.js';
import { EACCES, EBADF, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from '../base/errno.js';
import type { Resumable } from '../base/wait.js';
import { MountTable, Phantom, samePlace, type Mount, type Place } from './mounts.js';

export const PATH_MAX = 4096, NAME_MAX = 255, MAXSYMLINKS = 40;
export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400,
  AT_EACCESS = 0x200, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000;
export const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
export const F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;
const S_ISUID = 0o4000, S_ISGID = 0o2000;

export const pathFromBytes = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
};
export const pathToBytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

// What the VFS needs of the calling task (the kernel's Task fits). A working directory or root given
// as a string (an embedding application's caller, a test) is a path from the machine's root.
export interface FsCreds { uid: number; gid: number; euid: number; egid: number; groups: number[] }
export interface FsCaller extends Resumable {
  readonly tid: number;
  readonly proc: {
    readonly pid: number;
    fs: { cwd: Place | string; umask: number; root?: Place | string };
    creds: FsCreds;
    files: { get(fd: number): FileDescription | undefined };
    mnt?: MountTable; // its mount namespace (the machine's first one when absent)
  };
}

// A resolved path: where it is (absent when the last component does not exist), the directory that
// holds the last component and its name there (absent for '/', '.' and '..'), and its lstat.
export interface Loc {
  place?: Place;
  parent?: Place;
  name: string;
  stat?: Stat;
  file?: FileDescription; // a magic link's open file (/proc/self/fd/N)
  trailingSlash: boolean;
}

// keepLast: the last component as it is even with a trailing slash (not followed, a non-directory
// not refused), as Linux looks up the name that mkdir, unlink, rename and the like create or remove.
// creds: whose search permission the walk checks (default: the caller's; access(2) walks as the real user).
export interface WalkOpts { follow: boolean; allowMissing?: boolean; keepLast?: boolean; creds?: FsCreds }

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

export const join = (dir: string, name: string): string => (dir === '/' ? '' : dir) + '/' + name;

// The walk, and what it needs: the mount namespaces, and the calling task.
export class Namei {
  // The machine's first mount namespace (processes that unshare get copies).
  mounts = new MountTable();
  // The task making the current call (procfs answers /proc/self from it).
  caller?: FsCaller;

  // The caller's mount namespace.
  ns(t: FsCaller | undefined): MountTable { return t?.proc.mnt ?? this.mounts; }
  isReadOnly(m: Mount): boolean { return this.mounts.isReadOnly(m); }

  // --- places -----------------------------------------------------------------------
  // The caller's root and working directory.
  rootOf(t: FsCaller): Place {
    const r = t.proc.fs.root;
    if (r === undefined || typeof r !== 'string') return r ?? this.ns(t).rootPlace();
    return this.placeOfPath(t, r) ?? this.ns(t).rootPlace();
  }
  cwdOf(t: FsCaller): Place | number {
    const c = t.proc.fs.cwd;
    if (typeof c !== 'string') return c;
    return this.placeOfPath(t, c) ?? -ENOENT;
  }
  protected placeOfPath(t: FsCaller, path: string): Place | undefined {
    const ns = this.ns(t), root = ns.rootPlace();
    const loc = this.walk(t, ns, root, root, path, { follow: true, allowMissing: false });
    return typeof loc === 'number' ? undefined : loc.place;
  }
  // A description's place: where it was opened (a directory, or a non-directory's own node).
  placeOfFile(f: FileDescription): Place | undefined {
    const n = f.node;
    return n?.mount ? { mount: n.mount, node: n.inode } : undefined;
  }
  // The path of a place as `t` sees it (from its root): the namespace's path when outside t's root.
  pathOf(t: FsCaller | undefined, p: Place): { path: string; reachable: boolean } {
    const ns = this.ns(t);
    return ns.pathOf(p, t ? this.rootOf(t) : undefined);
  }
  // The path of a place or of an open file, as /proc shows it: " (deleted)" after a removed one.
  describe(t: FsCaller | undefined, what: Place | string | FileDescription): string {
    if (typeof what === 'string') {
      const p = t && this.placeOfPath(t, what);
      return p ? this.describe(t, p) : what;
    }
    if (what instanceof FileDescription) {
      const n = what.node;
      if (!n?.mount || (n.dir !== undefined && !n.name)) return what.path; // (an unnamed O_TMPFILE file: as it was made)
      const path = n.name ? join(this.pathOf(t, { mount: n.mount, node: n.dir! }).path, n.name)
        : this.pathOf(t, { mount: n.mount, node: n.inode }).path;
      const st = what.stat();
      return typeof st === 'number' || st.nlink === 0 || n.unlinked ? `${path} (deleted)` : path;
    }
    const path = this.pathOf(t, what).path;
    const st = this.getattr(what);
    return (typeof st === 'number' || (st.nlink === 0 && isDir(st.mode))) ? `${path} (deleted)` : path;
  }
  // getcwd(2): the working directory from the caller's root, "(unreachable)/…" when outside it,
  // ENOENT when it has been removed.
  getcwd(t: FsCaller): string | number {
    const cwd = this.cwdOf(t);
    if (typeof cwd === 'number') return cwd;
    const st = this.getattr(cwd);
    if (typeof st === 'number' || st.nlink === 0) return -ENOENT;
    const p = this.pathOf(t, cwd);
    return p.reachable ? p.path : '(unreachable)' + p.path;
  }

  getattr(p: Place): Stat | number {
    if (!(p.node instanceof Phantom)) return p.mount.backend.getattr(p.node);
    return {
      dev: p.mount.dev, ino: 2, mode: S_IFDIR | 0o755, nlink: 2, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0,
      atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n,
    };
  }
  // The entry `name` of the directory at `dir` (the mount on it, when there is one).
  protected lookupIn(ns: MountTable, dir: Place, name: string): { place: Place; stat: Stat } | number {
    let node: FsNode | undefined = ns.phantom(dir.mount, dir.node, name);
    let stat: Stat | number | undefined;
    if (!node) {
      if (dir.node instanceof Phantom) return -ENOENT;
      const r = dir.mount.backend.lookup(dir.node, name);
      if (typeof r === 'number') return r;
      node = r.node;
      stat = r.stat;
    }
    const at: Place = { mount: dir.mount, node };
    const place = ns.cross(at);
    if (place !== at || stat === undefined) stat = this.getattr(place);
    return typeof stat === 'number' ? stat : { place, stat };
  }
  // '..' of `p`: stays at the caller's root and at the namespace's, leaves a mount to where it stands.
  protected dotdot(ns: MountTable, p: Place, root: Place): Place {
    for (;;) {
      if (samePlace(p, root)) return p;
      if (p.node !== p.mount.root) break;
      if (!p.mount.parent || p.mount.detached) return ns.cross(p);
      p = { mount: p.mount.parent, node: p.mount.at! };
    }
    const up = p.node instanceof Phantom ? p.node : p.mount.backend.parent(p.node);
    return up ? ns.cross({ mount: p.mount, node: up.dir }) : p;
  }
  // The directory a relative path starts from.
  protected startOf(t: FsCaller, dirfd: number): Place | number {
    if (dirfd === AT_FDCWD) return this.cwdOf(t);
    const f = t.proc.files.get(dirfd);
    if (!f) return -EBADF;
    const st = f.stat();
    if (typeof st === 'number') return st === -ENOENT ? st : -ENOTDIR;
    const p = this.placeOfFile(f);
    if (!isDir(st.mode) || !p) return -ENOTDIR;
    return p;
  }

  // --- the path walk ------------------------------------------------------------
  resolve(t: FsCaller, dirfd: number, path: string, opts: WalkOpts): Loc | number {
    this.caller = t;
    if (path.length === 0) return -ENOENT;
    if (path.length >= PATH_MAX) return -ENAMETOOLONG;
    const ns = this.ns(t);
    const root = this.rootOf(t);
    const start = path.charCodeAt(0) === 47 /* '/' */ ? root : this.startOf(t, dirfd);
    if (typeof start === 'number') return start;
    return this.walk(t, ns, start, root, path, opts);
  }

  protected walk(t: FsCaller, ns: MountTable, start: Place, root: Place, path: string, opts: WalkOpts): Loc | number {
    const trailingSlash = path.endsWith('/') && /[^/]/.test(path);
    const slashFollows = trailingSlash && !opts.keepLast;
    const creds = opts.creds ?? t.proc.creds;
    const pending = path.split('/').reverse(); // pop() gives the next component
    let rest = 0; // components left (a trailing '.' makes the one before it a directory to enter, not the last)
    for (const c of pending) if (c !== '') rest++;
    let cur = start;
    let curStat: Stat | undefined;
    let parent: Place | undefined;
    let name = '';
    let links = 0;
    while (pending.length) {
      const c = pending.pop()!;
      if (c === '') continue;
      rest--;
      if (c === '.') { parent = undefined; name = ''; continue; }
      if (c === '..') { cur = this.dotdot(ns, cur, root); curStat = undefined; parent = undefined; name = ''; continue; }
      if (c.length > NAME_MAX) return -ENAMETOOLONG;
      if (creds.euid !== 0) {
        const ds = curStat ?? this.getattr(cur);
        if (typeof ds === 'number') return ds;
        if (!permits(ds, creds, X_OK)) return -EACCES;
        curStat = ds;
      }
      const isLast = rest === 0;
      const found = this.lookupIn(ns, cur, c);
      if (typeof found === 'number') {
        if (found === -ENOENT && isLast && opts.allowMissing !== false) return { parent: cur, name: c, trailingSlash };
        return found;
      }
      const s = found.stat;
      if (isLink(s.mode) && (!isLast || opts.follow || slashFollows)) {
        if (++links > MAXSYMLINKS) return -ELOOP;
        const { mount, node } = found.place;
        const magic = node instanceof Phantom ? undefined : mount.backend.linkTarget?.(node);
        if (magic?.file && (isLast || !magic.place)) {
          if (!isLast) return -ENOTDIR;
          const ms = magic.file.stat();
          if (typeof ms === 'number') return ms;
          if (trailingSlash && !isDir(ms.mode)) return -ENOTDIR;
          return { place: magic.place, parent: cur, name: c, stat: ms, file: magic.file, trailingSlash };
        }
        if (magic?.place) { // a directory named by a place (/proc/PID/cwd, a directory's /proc/self/fd/N)
          const ms = this.getattr(magic.place);
          if (typeof ms === 'number') return ms;
          if (!isDir(ms.mode) && (!isLast || slashFollows)) return -ENOTDIR;
          cur = magic.place;
          curStat = ms;
          parent = undefined;
          name = '';
          continue;
        }
        const target = mount.backend.getlink(node);
        if (typeof target === 'number') return target;
        if (target.length === 0) return -ENOENT;
        if (target.charCodeAt(0) === 47) { cur = root; curStat = undefined; } // absolute: from the caller's root
        const parts = target.split('/');
        for (let i = parts.length - 1; i >= 0; i--) { pending.push(parts[i]); if (parts[i] !== '') rest++; }
        parent = undefined;
        name = '';
        continue;
      }
      if (!isDir(s.mode) && (!isLast || slashFollows)) return -ENOTDIR;
      parent = cur;
      name = c;
      cur = found.place;
      curStat = s;
    }
    if (!curStat) {
      const s = this.getattr(cur);
      if (typeof s === 'number') return s;
      curStat = s;
    }
    return { place: cur, parent, name, stat: curStat, trailingSlash };
  }

  // The global path of a location (to name a description).
  protected pathOfLoc(loc: Loc): string {
    if (loc.parent) return join(this.mounts.pathOf(loc.parent).path, loc.name);
    return loc.place ? this.mounts.pathOf(loc.place).path : '/';
  }
  // The same as the caller sees it (from its root).
  protected viewOfLoc(t: FsCaller, loc: Loc): string {
    const root = this.rootOf(t);
    const ns = this.ns(t);
    const p = loc.parent ? ns.pathOf(loc.parent, root) : ns.pathOf(loc.place!, root);
    const path = loc.parent ? join(p.path, loc.name) : p.path;
    return p.reachable ? path : this.pathOfLoc(loc);
  }
  // `a` is `b` or one of its directories (both on one mount).
  encloses(a: Place, b: Place): boolean {
    const backend = b.mount.backend;
    let n: FsNode | undefined = b.node;
    for (let i = 0; n && i < PATH_MAX; i++) {
      if (n === a.node) return true;
      if (n === b.mount.root) return false;
      n = n instanceof Phantom ? n.dir : backend.parent(n)?.dir;
    }
    return false;
  }
  // `inner` is `outer` or somewhere below it (across mounts).
  beneath(inner: Place, outer: Place): boolean {
    let p = inner;
    for (let i = 0; i < PATH_MAX; i++) {
      if (samePlace(p, outer)) return true;
      if (p.node === p.mount.root) {
        if (!p.mount.parent) return false;
        p = { mount: p.mount.parent, node: p.mount.at! };
        continue;
      }
      const up = p.node instanceof Phantom ? p.node : p.mount.backend.parent(p.node);
      if (!up) return false;
      p = { mount: p.mount, node: up.dir };
    }
    return false;
  }
}

export function splitPath(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}
