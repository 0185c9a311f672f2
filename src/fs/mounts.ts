// The mount tree: which backend (and which directory of it) a guest path is
// in. Mounts are kept as Linux keeps them, each attached to a parent mount at
// a path, so that a mount made over a directory hides what was below it
// (mounts included) until it is unmounted, mounts stack, and a bind mount
// shows a backend from one of its directories. A table is a mount namespace:
// clone() copies it for unshare(CLONE_NEWNS); the copies share the file
// systems (st_dev numbers, read-only remounts of a file system).
//
// Paths here are global guest paths (from the machine's root, not a chrooted
// process's); /proc/self/mounts translates them for the reader.
import type { FsBackend } from './backend.js';

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
  parent?: Mount; // the mount this one is attached to (undefined for the first root)
  path: string; // where, as a global guest path
  comps: string[];
  readonly backend: FsBackend;
  readonly root: string; // the backend's directory shown at `path` ('/', or a bind mount's source)
  readonly dev: number; // st_dev of the file system (shared by bind mounts of it)
  readonly source: string; // mount(2)'s source, for /proc/self/mounts
  flags: number; // MS_RDONLY, MS_NOSUID, … of this mount
  options: string; // file-system options shown in /proc/self/mounts (tmpfs's mode=…)
}

export const splitComps = (p: string): string[] => p.split('/').filter((c) => c !== '' && c !== '.');
export const joinPath = (dir: string, rest: string[]): string =>
  rest.length === 0 ? dir : (dir === '/' ? '' : dir) + '/' + rest.join('/');

// What the namespaces of a machine share: mount ids, and what belongs to a file system, not a mount.
interface Shared {
  nextId: number;
  nextDev: number;
  devs: Map<FsBackend, number>;
  ro: Set<FsBackend>;
}

export class MountTable {
  private all: Mount[] = []; // every attached mount, in the order made
  private index = new Map<string, Mount>(); // `${parent id}:${path}` → the mount attached there
  private paths = new Set<string>(); // paths where some mount is attached
  private maxDepth = 0; // components in the deepest of them
  private rootTop?: Mount; // the mount at '/'

  constructor(private readonly shared: Shared = { nextId: 21, nextDev: 0x30, devs: new Map(), ro: new Set() }) {}

  // File systems remounted read-only (MS_REMOUNT without MS_BIND changes the file system, every mount of it).
  get roBackends(): Set<FsBackend> { return this.shared.ro; }

  devOf(b: FsBackend): number {
    let d = this.shared.devs.get(b);
    if (d === undefined) { d = this.shared.nextDev++; this.shared.devs.set(b, d); }
    return d;
  }

  // A new namespace with a copy of every mount (new ids, as Linux gives them).
  clone(): MountTable {
    const t = new MountTable(this.shared);
    const copies = new Map<Mount, Mount>();
    for (const m of this.all) copies.set(m, { ...m, id: this.shared.nextId++, comps: [...m.comps] });
    for (const [m, c] of copies) c.parent = m.parent && copies.get(m.parent);
    t.all = [...copies.values()];
    t.reindex();
    return t;
  }

  private reindex(): void {
    this.index.clear();
    this.paths.clear();
    this.maxDepth = 0;
    for (const m of this.all) {
      this.index.set(`${m.parent?.id ?? 0}:${m.path}`, m);
      this.paths.add(m.path);
      this.maxDepth = Math.max(this.maxDepth, m.comps.length);
    }
    this.rootTop = this.topAt(undefined, '/');
  }

  // The topmost mount stacked on `cur` at `path`.
  private topAt(cur: Mount | undefined, path: string): Mount | undefined {
    for (;;) {
      const m = this.index.get(`${cur?.id ?? 0}:${path}`);
      if (!m) return cur;
      cur = m;
    }
  }

  // The mount a global path (as components) is in.
  mountFor(comps: readonly string[]): Mount {
    let cur = this.rootTop;
    if (!cur) throw new Error('no root mount');
    let p = '';
    const n = Math.min(comps.length, this.maxDepth); // no mount deeper than that
    for (let i = 0; i < n; i++) {
      p += '/' + comps[i];
      if (this.paths.has(p)) cur = this.topAt(cur, p)!;
    }
    return cur;
  }

  // Every attached mount, in the order made (hidden ones too, as /proc/self/mounts lists them).
  list(): readonly Mount[] { return this.all; }

  make(path: string, backend: FsBackend, opts: { root?: string; source?: string; flags?: number; options?: string; dev?: number } = {}): Mount {
    const comps = splitComps(path);
    return {
      id: this.shared.nextId++, path: '/' + comps.join('/'), comps, backend, root: opts.root ?? '/',
      dev: opts.dev ?? this.devOf(backend), source: opts.source ?? backend.type, flags: opts.flags ?? 0,
      options: opts.options ?? '',
    };
  }

  // Attach `m` over whatever is visible at its path.
  attach(m: Mount): void {
    m.parent = this.all.length ? this.mountFor(m.comps) : undefined;
    this.all.push(m);
    this.reindex();
  }

  // For setting up a machine: `m` replaces any mount at its path, and mounts below it
  // (made earlier) stay visible on top of it.
  replace(m: Mount): void {
    const gone = new Set(this.all.filter((x) => x.path === m.path));
    this.all = this.all.filter((x) => !gone.has(x));
    for (const x of this.all) if (x.parent && gone.has(x.parent)) x.parent = undefined;
    this.all.push(m);
    // parents by longest prefix (the order of setup does not matter)
    const byDepth = [...this.all].sort((a, b) => a.comps.length - b.comps.length);
    for (const x of byDepth) {
      let best: Mount | undefined;
      for (const y of byDepth) {
        if (y !== x && y.comps.length < x.comps.length && y.comps.every((c, i) => x.comps[i] === c)) {
          if (!best || y.comps.length >= best.comps.length) best = y;
        }
      }
      x.parent = best;
    }
    this.reindex();
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
    this.all = this.all.filter((x) => !gone.has(x));
    this.reindex();
  }

  // Move `m` (with its subtree) to `path`, attached over what is visible there.
  move(m: Mount, path: string): void {
    const comps = splitComps(path);
    const sub = this.descendants(m);
    const oldLen = m.comps.length;
    this.all = this.all.filter((x) => x !== m);
    this.reindex();
    m.parent = this.mountFor(comps);
    for (const x of sub) {
      x.comps = [...comps, ...x.comps.slice(oldLen)];
      x.path = '/' + x.comps.join('/');
    }
    m.comps = comps;
    m.path = '/' + comps.join('/');
    this.all.push(m);
    this.reindex();
  }

  // pivot_root: `n` (the top mount at its path) becomes the root mount, and the old root (its whole tree,
  // what is not on `n`) moves under it to `putOld` (components relative to n's root).
  pivot(n: Mount, putOld: string[]): void {
    const base = n.comps;
    const onN = new Set([n, ...this.descendants(n)]);
    for (const m of this.all) {
      m.comps = onN.has(m) ? m.comps.slice(base.length) : [...putOld, ...m.comps];
      m.path = '/' + m.comps.join('/');
    }
    const oldBase = this.all.find((m) => !m.parent)!;
    n.parent = undefined;
    this.all = this.all.filter((m) => m !== oldBase);
    this.reindex();
    oldBase.parent = this.mountFor(putOld);
    this.all.push(oldBase);
    this.reindex();
  }

  isReadOnly(m: Mount): boolean { return m.backend.readOnly || (m.flags & MS_RDONLY) !== 0 || this.roBackends.has(m.backend); }

  // /proc/self/mounts and /proc/self/mountinfo for a process whose root is `root` (a global path).
  describe(root: string, info: boolean): string {
    const rootComps = splitComps(root);
    const lines: string[] = [];
    for (const m of this.all) {
      if (m.comps.length < rootComps.length || !rootComps.every((c, i) => m.comps[i] === c)) continue;
      const where = '/' + m.comps.slice(rootComps.length).join('/');
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
        lines.push(`${m.id} ${parent} ${majorMinor(stDev(m))} ${escape(m.root)} ${escape(where)} ${opts.join(',')} - ${m.backend.type} ${source} ${superOpts}\n`);
      } else {
        lines.push(`${source} ${escape(where)} ${m.backend.type} ${opts.join(',')}${m.options ? ',' + m.options : ''} 0 0\n`);
      }
    }
    return lines.join('');
  }
}

// The st_dev of files on `m`: the host's for a host directory (stat passes it through), else the mount's.
function stDev(m: Mount): number {
  if (m.backend.type !== 'hostfs') return m.dev;
  const st = m.backend.lstat(m.root);
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
