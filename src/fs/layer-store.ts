// An overlay's upper layer that can be kept somewhere (the page keeps it in the
// browser's storage): restoreLayer() fills a tmpfs from a layer tar made by
// layerTar() (whiteouts are plain `.wh.` files there, so they come back as
// such), and TrackedFs wraps the layer so that every change made through it,
// by a name operation or through an open file, is reported (the page then saves).
import type { FsBackend, FsNode, Found, MagicTarget, NodeFs, SetAttr, StatFs } from './backend.js';
import { O_ACCMODE, O_CREAT, O_EXCL, O_RDONLY, O_TRUNC, O_WRONLY, S_IFIFO, type Dirent, type FileDescription, type Stat } from './file.js';
import { listTar, type ByteSource } from './tar.js';

// The entries of a layer tar into `fs` (an empty writable backend). Returns how many were taken.
export function restoreLayer(src: ByteSource, fs: NodeFs): number {
  const entries = listTar(src);
  const dirs: { path: string; mtimeNs: bigint }[] = [];
  let n = 0;
  for (const e of entries) {
    if (e.path === '') continue;
    const p = `/${e.path}`;
    let r = 0;
    switch (e.type) {
      case 'dir':
        r = fs.mkdir(p, e.mode);
        if (r === 0 || typeof fs.lstat(p) !== 'number') dirs.push({ path: p, mtimeNs: e.mtimeNs });
        break;
      case 'file': {
        const f = fs.open(p, O_CREAT | O_EXCL | O_WRONLY | O_TRUNC, e.mode, p);
        if (typeof f === 'number') { r = f; break; }
        for (let off = 0; off < e.stored; off += 1 << 20) {
          const w = f.write(src.read(e.offset + off, Math.min(1 << 20, e.stored - off)), off);
          if (typeof w === 'number' && w < 0) { r = w; break; }
        }
        f.release();
        break;
      }
      case 'symlink': r = fs.symlink(e.linkname, p); break;
      case 'hardlink': r = fs.link(`/${e.linkname}`, p); break;
      case 'fifo': r = fs.mknod(p, S_IFIFO | e.mode); break;
      default: continue; // devices are not kept in a layer
    }
    if (r < 0) continue;
    n++;
    if (e.type !== 'symlink' && e.type !== 'hardlink') fs.chmod(p, e.mode);
    fs.chown(p, e.uid, e.gid);
    if (e.type !== 'dir' && e.type !== 'symlink') fs.utimes(p, e.mtimeNs, e.mtimeNs);
  }
  // directories' times last: making their entries changed them
  for (const d of dirs.reverse()) fs.utimes(d.path, d.mtimeNs, d.mtimeNs);
  return n;
}

// Wraps a backend (its nodes are the inner one's); `changed` is called after anything that may have changed it.
export class TrackedFs implements FsBackend {
  readonly type: string;
  readonly readOnly: boolean;
  readonly keepsDev?: boolean;
  readonly userFiles?: boolean;
  constructor(readonly inner: FsBackend, private readonly changed: () => void) {
    this.type = inner.type;
    this.readOnly = inner.readOnly;
    this.keepsDev = inner.keepsDev;
    this.userFiles = inner.userFiles;
  }
  // (the inner's, read each time: a restored snapshot gives the inner another root)
  get root(): FsNode { return this.inner.root; }
  private after<T>(r: T): T { this.changed(); return r; }

  lookup(dir: FsNode, name: string): Found | number { return this.inner.lookup(dir, name); }
  parent(n: FsNode): { dir: FsNode; name: string } | undefined { return this.inner.parent(n); }
  getattr(n: FsNode): Stat | number { return this.inner.getattr(n); }
  getlink(n: FsNode): string | number { return this.inner.getlink(n); }
  entries(dir: FsNode): Dirent[] | number { return this.inner.entries(dir); }
  statfs(): StatFs { return this.inner.statfs(); }
  mkdirAt(dir: FsNode, name: string, mode: number): number { return this.after(this.inner.mkdirAt(dir, name, mode)); }
  rmdirAt(dir: FsNode, name: string): number { return this.after(this.inner.rmdirAt(dir, name)); }
  unlinkAt(dir: FsNode, name: string): number { return this.after(this.inner.unlinkAt(dir, name)); }
  renameAt(fd: FsNode, fn: string, td: FsNode, tn: string): number { return this.after(this.inner.renameAt(fd, fn, td, tn)); }
  linkAt(n: FsNode, dir: FsNode, name: string): number { return this.after(this.inner.linkAt(n, dir, name)); }
  symlinkAt(target: string, dir: FsNode, name: string): number { return this.after(this.inner.symlinkAt(target, dir, name)); }
  setattr(n: FsNode, attr: SetAttr): number { return this.after(this.inner.setattr(n, attr)); }
  get exchangeAt(): FsBackend['exchangeAt'] {
    const ex = this.inner.exchangeAt?.bind(this.inner);
    return ex && ((ad: FsNode, an: string, bd: FsNode, bn: string) => this.after(ex(ad, an, bd, bn)));
  }
  get mknodAt(): FsBackend['mknodAt'] {
    const mk = this.inner.mknodAt?.bind(this.inner);
    return mk && ((d: FsNode, name: string, mode: number) => this.after(mk(d, name, mode)));
  }
  get tmpfileAt(): FsBackend['tmpfileAt'] {
    const tf = this.inner.tmpfileAt?.bind(this.inner);
    return tf && ((d: FsNode, flags: number, mode: number, guestDir: string) => {
      const r = tf(d, flags, mode, guestDir);
      if (typeof r !== 'number') this.watch(r.file);
      return r;
    });
  }
  get linkFile(): FsBackend['linkFile'] {
    const lf = this.inner.linkFile?.bind(this.inner);
    return lf && ((f: FileDescription, d: FsNode, name: string) => this.after(lf(f, d, name)));
  }
  get linkTarget(): ((n: FsNode) => MagicTarget | undefined) | undefined { return this.inner.linkTarget?.bind(this.inner); }
  get hold(): FsBackend['hold'] { return this.inner.hold?.bind(this.inner); }

  openNode(n: FsNode, flags: number, guestPath: string): FileDescription | number {
    const f = this.inner.openNode(n, flags, guestPath);
    if (typeof f === 'number') return f;
    if ((flags & O_ACCMODE) !== O_RDONLY || flags & (O_CREAT | O_TRUNC)) {
      this.changed();
      this.watch(f);
    }
    return f;
  }
  create(dir: FsNode, name: string, flags: number, mode: number, guestPath: string): { file: FileDescription; node: FsNode } | number {
    const r = this.inner.create(dir, name, flags, mode, guestPath);
    if (typeof r === 'number') return r;
    this.changed();
    this.watch(r.file);
    return r;
  }

  // Changes through an open file: writes, size and attribute changes, shared mappings.
  private watch(f: FileDescription): void {
    const changed = this.changed;
    const wrap = <K extends 'write' | 'truncate' | 'allocate' | 'chmod' | 'chown' | 'utimes' | 'mapping'>(k: K) => {
      const orig = f[k] as (...a: unknown[]) => unknown;
      (f as unknown as Record<string, unknown>)[k] = (...a: unknown[]) => { const r = orig.apply(f, a); changed(); return r; };
    };
    wrap('write');
    wrap('truncate');
    wrap('allocate');
    wrap('chmod');
    wrap('chown');
    wrap('utimes');
    wrap('mapping');
  }
}
