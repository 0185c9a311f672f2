// The mount tree, as Linux keeps it: each mount shows a file system (from its
// root, or from one of its directories for a bind mount) over a node of its
// parent mount, so a mount made over a directory hides what was below it (mounts
// included) until it is unmounted, mounts stack (a new one covers the root of
// the one on top), a mount follows its directory when that is renamed, and a
// bind mount shows a backend from one of its directories. A table is a mount
// namespace: clone() copies it for unshare(CLONE_NEWNS); the copies share the
// file systems (st_dev numbers, read-only remounts of a file system).
//
// A place is what Linux calls a path: a mount and a node of its file system. A
// process's working directory and root, an open directory and a mount point
// are places; the path that names a place is computed when asked for (pathOf).
import type { FsBackend, FsNode } from './backend.js';

export const MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16, MS_REMOUNT = 32,
  MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024, MS_NODIRATIME = 2048,
  MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768, MS_UNBINDABLE = 1 << 17,
  MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21,
  MS_STRICTATIME = 1 << 24, MS_LAZYTIME = 1 << 25;
// The flags a mount (not its file system) carries.
export const MNT_FLAGS = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME
  | MS_STRICTATIME | MS_NOSYMFOLLOW;

export interface Mount {
  readonly id: number;
  parent?: Mount; // the mount this one is attached to (undefined for the namespace's root)
  at?: FsNode; // the node of the parent's file system it covers (a Phantom where that has no such name)
  readonly backend: FsBackend;
  readonly root: FsNode; // the backend's node shown at the mount (its root, or a bind mount's source)
  readonly dev: number; // st_dev of the file system (shared by bind mounts of it)
  readonly source: string; // mount(2)'s source, for /proc/self/mounts
  flags: number; // MS_RDONLY, MS_NOSUID, … of this mount
  options: string; // file-system options shown in /proc/self/mounts (tmpfs's mode=…)
  detached?: boolean; // unmounted (lazily): what is open in it keeps working
  readonly target?: string; // the path it was made for (where attach puts it when given no place)
}

export interface Place { readonly mount: Mount; readonly node: FsNode }
export const samePlace = (a: Place, b: Place): boolean => a.mount === b.mount && a.node === b.node;

// A name a mount stands on where the file system below has no such entry (a machine's /proc over a
// host directory without one): it lists as a directory in its parent, and is never changed.
export class Phantom {
  constructor(readonly dir: FsNode, readonly name: string) {}
}

// More components than any path can have (PATH_MAX / 2).
const MAX_DEPTH = 2048;

export const splitComps = (p: string): string[] => p.split('/').filter((c) => c !== '' && c !== '.');

// What the namespaces of a machine share: mount ids, and what belongs to a file system, not a mount.
interface Shared {
  nextId: number;
  nextDev: number;
  devs: Map<FsBackend, number>;
  ro: Set<FsBackend>;
}

export class MountTable {
  private all: Mount[] = []; // every attached mount, in the order made
  private on = new Map<Mount, Map<FsNode, Mount>>(); // parent → covered node → the mount attached there
  private phantoms = new Map<Mount, Map<FsNode, Map<string, Phantom>>>(); // mount → directory → name
  private copies?: Map<Mount, Mount>; // a clone: the original's mounts → this table's

  constructor(private readonly shared: Shared = { nextId: 21, nextDev: 0x30, devs: new Map(), ro: new Set() }) {}

  // File systems remounted read-only (MS_REMOUNT without MS_BIND changes the file system, every mount of it).
  get roBackends(): Set<FsBackend> { return this.shared.ro; }

  devOf(b: FsBackend): number {
    let d = this.shared.devs.get(b);
    if (d === undefined) { d = this.shared.nextDev++; this.shared.devs.set(b, d); }
    return d;
  }

  // A table for setting a machine up again from the start (mount ids from the first again).
  fresh(): MountTable {
    this.shared.nextId = 21;
    return new MountTable(this.shared);
  }

  // A new namespace with a copy of every mount (new ids, as Linux gives them).
  clone(): MountTable {
    const t = new MountTable(this.shared);
    const copies = new Map<Mount, Mount>();
    for (const m of this.all) copies.set(m, { ...m, id: this.shared.nextId++ });
    for (const [m, c] of copies) c.parent = m.parent && copies.get(m.parent);
    t.all = [...copies.values()];
    for (const [m, dirs] of this.phantoms) {
      const c = copies.get(m);
      if (c) t.phantoms.set(c, new Map([...dirs].map(([d, names]) => [d, new Map(names)])));
    }
    t.copies = copies;
    t.reindex();
    return t;
  }
  // A place of the namespace this one was cloned from, in this one.
  translate(p: Place): Place {
    const m = this.copies?.get(p.mount);
    return m ? { mount: m, node: p.node } : p;
  }

  private reindex(): void {
    this.on.clear();
    for (const m of this.all) if (m.parent) this.index(m);
  }
  private index(m: Mount): void {
    let byNode = this.on.get(m.parent!);
    if (!byNode) this.on.set(m.parent!, (byNode = new Map()));
    byNode.set(m.at!, m);
  }
  private unindex(m: Mount): void {
    const byNode = m.parent && this.on.get(m.parent);
    if (byNode?.get(m.at!) === m) byNode.delete(m.at!);
  }

  // The namespace's root mount and place.
  root(): Mount {
    const r = this.all.find((m) => !m.parent);
    if (!r) throw new Error('no root mount');
    return r;
  }
  // (on top of any mount stacked over the root: what a new process's '/' is)
  rootPlace(): Place { const m = this.root(); return this.cross({ mount: m, node: m.root }); }

  // The mount attached on `node` of `m`, if any.
  covering(m: Mount, node: FsNode): Mount | undefined { return this.on.get(m)?.get(node); }
  // Where a walk that reaches `p` is: on top of the mounts stacked there.
  cross(p: Place): Place {
    for (let c = this.covering(p.mount, p.node); c; c = this.covering(p.mount, p.node)) p = { mount: c, node: c.root };
    return p;
  }

  // --- names that only mounts make ---------------------------------------------------
  phantom(m: Mount, dir: FsNode, name: string): Phantom | undefined { return this.phantoms.get(m)?.get(dir)?.get(name); }
  phantomsIn(m: Mount, dir: FsNode): Phantom[] {
    const names = this.phantoms.get(m)?.get(dir);
    return names ? [...names.values()] : [];
  }
  makePhantom(m: Mount, dir: FsNode, name: string): Phantom {
    let dirs = this.phantoms.get(m);
    if (!dirs) this.phantoms.set(m, (dirs = new Map()));
    let names = dirs.get(dir);
    if (!names) dirs.set(dir, (names = new Map()));
    return names.get(name) ?? names.set(name, new Phantom(dir, name)).get(name)!;
  }

  // Every attached mount, in the order made (hidden ones too, as /proc/self/mounts lists them).
  list(): readonly Mount[] { return this.all; }

  // A mount of `backend` (not attached yet) for the path `target`.
  make(target: string, backend: FsBackend, opts: { root?: FsNode; source?: string; flags?: number; options?: string; dev?: number } = {}): Mount {
    return {
      id: this.shared.nextId++, backend, root: opts.root ?? backend.root, dev: opts.dev ?? this.devOf(backend),
      source: opts.source ?? backend.type, flags: opts.flags ?? 0, options: opts.options ?? '', target,
    };
  }

  // The place a global path names, for setting a machine up (no symlink is followed): a name the
  // file system there lacks is made a phantom.
  placeAt(path: string): Place {
    let at = this.rootPlace();
    for (const name of splitComps(path)) {
      let node: FsNode | undefined = this.phantom(at.mount, at.node, name);
      if (!node && !(at.node instanceof Phantom)) {
        const f = at.mount.backend.lookup(at.node, name);
        if (typeof f !== 'number') node = f.node;
      }
      at = this.cross({ mount: at.mount, node: node ?? this.makePhantom(at.mount, at.node, name) });
    }
    return at;
  }

  // Attach `m` over the place `at` (on top of the mounts stacked there), or where its target path is
  // (the namespace's root for '/' when there is none yet).
  attach(m: Mount, at?: Place): void {
    const first = !this.all.some((x) => !x.parent);
    if (!at && m.target !== undefined && !(first && splitComps(m.target).length === 0)) at = this.placeAt(m.target);
    if (at) {
      const top = this.cross(at);
      m.parent = top.mount;
      m.at = top.node;
      this.index(m);
    } else {
      m.parent = m.at = undefined;
    }
    this.all.push(m);
  }

  // The mounts attached (directly or not) on `m`.
  descendants(m: Mount): Mount[] {
    const out: Mount[] = [];
    const walk = (p: Mount) => { for (const x of this.all) if (x.parent === p) { out.push(x); walk(x); } };
    walk(m);
    return out;
  }

  // Detach `m` and everything on it.
  detach(m: Mount): void {
    const gone = new Set([m, ...this.descendants(m)]);
    for (const x of gone) {
      this.unindex(x);
      x.detached = true;
      this.phantoms.delete(x);
      // a name that only this mount made goes with it
      if (x.parent && x.at instanceof Phantom && !gone.has(x.parent)) this.phantoms.get(x.parent)?.get(x.at.dir)?.delete(x.at.name);
    }
    this.all = this.all.filter((x) => !gone.has(x));
  }

  // Move `m` (with what is on it) over the place `to`.
  move(m: Mount, to: Place): void {
    this.unindex(m);
    const top = this.cross(to);
    m.parent = top.mount;
    m.at = top.node;
    this.index(m);
  }

  // pivot_root: `n` becomes the root mount, and the old root (with what is on it but n) moves over
  // `putOld`, a place in n's tree.
  pivot(n: Mount, putOld: Place): void {
    const old = this.root();
    this.unindex(n);
    n.parent = n.at = undefined;
    const top = this.cross(putOld);
    old.parent = top.mount;
    old.at = top.node;
    this.index(old);
  }

  isReadOnly(m: Mount): boolean { return m.backend.readOnly || (m.flags & MS_RDONLY) !== 0 || this.roBackends.has(m.backend); }

  // The path of a place: from the namespace's root, or from `root` (a process's root) when given.
  // Unreachable when the walk up never meets `root` (the path is then the namespace's).
  pathOf(p: Place, root?: Place): { path: string; reachable: boolean } {
    const names: string[] = [];
    let cur = p;
    const done = (reachable: boolean) => ({ path: '/' + names.reverse().join('/'), reachable });
    // (a bound on the steps: a host directory's nodes learn of changes on the host only as they are looked up)
    for (let steps = 0; steps < MAX_DEPTH; steps++) {
      if (root && samePlace(cur, root)) return done(true);
      if (cur.node === cur.mount.root) {
        if (!cur.mount.parent || cur.mount.detached) return done(!root && !cur.mount.detached);
        cur = { mount: cur.mount.parent, node: cur.mount.at! };
        continue;
      }
      const up = cur.node instanceof Phantom ? cur.node : cur.mount.backend.parent(cur.node);
      if (!up) return done(false);
      names.push(up.name);
      cur = { mount: cur.mount, node: up.dir };
    }
    return done(false);
  }

  // /proc/self/mounts and /proc/self/mountinfo for a process whose root is `root`.
  describe(root: Place, info: boolean): string {
    const lines: string[] = [];
    for (const m of this.all) {
      const where = this.pathOf({ mount: m, node: m.root }, root);
      if (!where.reachable) continue;
      const ro = this.isReadOnly(m);
      const opts = [ro ? 'ro' : 'rw'];
      if (m.flags & MS_NOSUID) opts.push('nosuid');
      if (m.flags & MS_NODEV) opts.push('nodev');
      if (m.flags & MS_NOEXEC) opts.push('noexec');
      opts.push(m.flags & MS_NOATIME ? 'noatime' : m.flags & MS_STRICTATIME ? 'strictatime' : 'relatime');
      const superOpts = (m.backend.readOnly || this.roBackends.has(m.backend) ? 'ro' : 'rw') + (m.options ? ',' + m.options : '');
      const source = escape(m.source || 'none');
      if (info) {
        const parent = m.parent?.id ?? 1;
        lines.push(`${m.id} ${parent} ${majorMinor(stDev(m))} ${escape(backendPath(m.backend, m.root))} ${escape(where.path)} ${opts.join(',')} - ${m.backend.type} ${source} ${superOpts}\n`);
      } else {
        lines.push(`${source} ${escape(where.path)} ${m.backend.type} ${opts.join(',')}${m.options ? ',' + m.options : ''} 0 0\n`);
      }
    }
    return lines.join('');
  }
}

// The path of a node from its backend's root (a bind mount's root in mountinfo).
export function backendPath(b: FsBackend, n: FsNode): string {
  const names: string[] = [];
  for (let cur = n, up = b.parent(cur); up && names.length < MAX_DEPTH; cur = up.dir, up = b.parent(cur)) names.push(up.name);
  return '/' + names.reverse().join('/');
}

// The st_dev of files on `m`: their own for a file system that keeps the host's, else the mount's.
export function stDev(m: Mount): number {
  if (!m.backend.keepsDev) return m.dev;
  const st = m.backend.getattr(m.root);
  return typeof st === 'number' ? m.dev : st.dev;
}
// "MAJOR:MINOR" of a dev_t as glibc's major()/minor() split it.
function majorMinor(dev: number): string {
  const hi = Math.floor(dev / 2 ** 32), lo = dev >>> 0;
  const major = ((lo >>> 8) & 0xfff) | ((hi & ~0xfff) >>> 0);
  const minor = (lo & 0xff) | ((lo >>> 12) & ~0xff);
  return `${major >>> 0}:${minor >>> 0}`;
}

// /proc/self/mounts escapes space, tab, newline and backslash as octal.
function escape(s: string): string {
  return s.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}
