// An overlay's upper layer that can be kept somewhere (the page keeps it in the
// browser's storage): restoreLayer() fills a tmpfs from a layer tar made by
// layerTar() (whiteouts are plain `.wh.` files there, so they come back as
// such), and TrackedFs wraps the layer so that every change made through it,
// by a name operation or through an open file, is reported (the page then saves).
import type { FsBackend, StatFs } from './backend.js';
import { O_ACCMODE, O_CREAT, O_EXCL, O_RDONLY, O_TRUNC, O_WRONLY, S_IFIFO, type Dirent, type FileDescription, type Stat, type TimeSpec } from './file.js';
import { listTar, type ByteSource } from './tar.js';

// The entries of a layer tar into `fs` (an empty writable backend). Returns how many were taken.
export function restoreLayer(src: ByteSource, fs: FsBackend): number {
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
      case 'fifo': r = fs.mknod ? fs.mknod(p, S_IFIFO | e.mode) : -1; break;
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

// Wraps a backend; `changed` is called after anything that may have changed it.
export class TrackedFs implements FsBackend {
  readonly type: string;
  readonly readOnly: boolean;
  constructor(readonly inner: FsBackend, private readonly changed: () => void) {
    this.type = inner.type;
    this.readOnly = inner.readOnly;
  }
  private after<T>(r: T): T { this.changed(); return r; }

  lstat(path: string): Stat | number { return this.inner.lstat(path); }
  readlink(path: string): string | number { return this.inner.readlink(path); }
  readdir(path: string): Dirent[] | number { return this.inner.readdir(path); }
  statfs(): StatFs { return this.inner.statfs(); }
  mkdir(path: string, mode: number): number { return this.after(this.inner.mkdir(path, mode)); }
  rmdir(path: string): number { return this.after(this.inner.rmdir(path)); }
  unlink(path: string): number { return this.after(this.inner.unlink(path)); }
  rename(from: string, to: string): number { return this.after(this.inner.rename(from, to)); }
  link(existing: string, path: string): number { return this.after(this.inner.link(existing, path)); }
  symlink(target: string, path: string): number { return this.after(this.inner.symlink(target, path)); }
  chmod(path: string, mode: number): number { return this.after(this.inner.chmod(path, mode)); }
  chown(path: string, uid: number, gid: number): number { return this.after(this.inner.chown(path, uid, gid)); }
  utimes(path: string, atime: TimeSpec, mtime: TimeSpec): number { return this.after(this.inner.utimes(path, atime, mtime)); }
  truncate(path: string, len: number): number { return this.after(this.inner.truncate(path, len)); }
  get exchange(): FsBackend['exchange'] {
    const ex = this.inner.exchange?.bind(this.inner);
    return ex && ((a: string, b: string) => this.after(ex(a, b)));
  }
  get mknod(): FsBackend['mknod'] {
    const mk = this.inner.mknod?.bind(this.inner);
    return mk && ((p: string, mode: number) => this.after(mk(p, mode)));
  }

  open(path: string, flags: number, mode: number, guestPath: string): FileDescription | number {
    const f = this.inner.open(path, flags, mode, guestPath);
    if (typeof f === 'number') return f;
    if ((flags & O_ACCMODE) !== O_RDONLY || flags & (O_CREAT | O_TRUNC)) {
      this.changed();
      this.watch(f);
    }
    return f;
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
