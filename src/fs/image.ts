// A container image as a read-only file system: the layers (tar archives)
// applied in order, whiteouts (`.wh.NAME`) and opaque directories
// (`.wh..wh..opq`) hiding what lower layers hold, as the OCI image spec says.
//
// Lazy: only the tar headers are read up front (an index: one small node per
// entry); a file's bytes are read from its layer by offset when a program reads
// them. A layer must therefore be a ByteSource that reads at any offset: the
// host gives an uncompressed archive on disk as one, and decompresses a gzip
// layer once (see Host.gunzip) before it is indexed.
//
// Hard links share one node (nlink counted for real), symlinks, modes, owners,
// times, device nodes (stat shows them; opening one gives ENXIO: devfs serves
// /dev), FIFOs, and sparse files (GNU and PAX sparse entries: holes read as zeros).
import type { MappedFile } from '../mm/address-space.js';
import { NodeFs, type Found, type FsNode, type SetAttr, type StatFs } from './backend.js';
import {
  FileDescription, O_TRUNC, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, seekTo,
  dtFromMode, type Dirent, type Stat,
} from './file.js';
import { EINVAL, EIO, EISDIR, ELOOP, ENODATA, ENOENT, ENOTDIR, ENXIO, EROFS } from '../base/errno.js';
import { listTar, normalizeName, readAll, sliceSource, TarError, type ByteSource, type Segment, type TarEntry } from './tar.js';

export { TarError, type ByteSource } from './tar.js';

const PAGE = 4096;
const WH = '.wh.', OPAQUE = '.wh..wh..opq';

// Linux's dev_t encoding (new_encode_dev).
export const makedev = (major: number, minor: number): number =>
  (minor & 0xff) + (major & 0xfff) * 256 + (minor & ~0xff) * 4096 + Math.floor(major / 4096) * 2 ** 32;

export class ImageNode {
  nlink = 0;
  children?: Map<string, ImageNode>;
  target?: string;
  src?: ByteSource;
  offset = 0;
  sparse?: Segment[];
  size = 0;
  rdev = 0;
  parentDir?: ImageNode; // directories: the one that holds it (set by finish)
  name = '';
  xattrs?: Map<string, Uint8Array>;
  constructor(readonly ino: number, public mode: number, public uid: number, public gid: number,
    public mtimeNs: bigint, public atimeNs: bigint, public ctimeNs: bigint) {
    if ((mode & S_IFMT) === S_IFDIR) this.children = new Map();
  }
}

const MODE: Record<TarEntry['type'], number> = {
  file: S_IFREG, hardlink: S_IFREG, symlink: S_IFLNK, chr: S_IFCHR, blk: S_IFBLK, dir: S_IFDIR, fifo: S_IFIFO,
};

export interface ImageFsOptions { dev?: number }

export class ImageFs extends NodeFs {
  readonly type = 'tarfs';
  readonly readOnly = true;
  readonly root: ImageNode;
  private nextIno = 1;
  private nodes = 0;
  private bytes = 0;
  readonly dev: number;
  readonly warnings: string[] = [];

  constructor(opts: ImageFsOptions = {}) {
    super();
    this.dev = opts.dev ?? 0x2b;
    this.root = this.node(S_IFDIR | 0o755, 0, 0, 0n);
  }

  private node(mode: number, uid: number, gid: number, mtime: bigint, atime = mtime, ctime = mtime): ImageNode {
    this.nodes++;
    return new ImageNode(this.nextIno++, mode, uid, gid, mtime, atime, ctime);
  }

  private walk(path: string): ImageNode | undefined {
    let n: ImageNode | undefined = this.root;
    if (path === '' || path === '/') return n;
    for (const c of path.split('/')) {
      if (c === '') continue;
      n = n?.children?.get(c);
      if (!n) return undefined;
    }
    return n;
  }

  // The directory that holds `path` (created, mode 0755, where missing), or undefined when a non-directory is in the way.
  private parentDir(path: string): ImageNode | undefined {
    let n = this.root;
    const comps = path.split('/');
    for (const c of comps.slice(0, -1)) {
      let next = n.children!.get(c);
      if (!next) {
        next = this.node(S_IFDIR | 0o755, 0, 0, 0n);
        n.children!.set(c, next);
      }
      if (!next.children) return undefined;
      n = next;
    }
    return n;
  }

  // Apply one layer (an uncompressed tar) on top of what is there.
  addLayer(layer: ByteSource, entries: TarEntry[] = listTar(layer)): void {
    // Whiteouts first: they hide only what lower layers hold, never this layer's own entries.
    for (const e of entries) {
      const slash = e.path.lastIndexOf('/');
      const base = e.path.slice(slash + 1);
      if (!base.startsWith(WH)) continue;
      const dir = this.walk(e.path.slice(0, Math.max(0, slash)));
      if (!dir?.children) continue;
      if (base === OPAQUE) dir.children.clear();
      else dir.children.delete(base.slice(WH.length));
    }
    for (const e of entries) {
      const base = e.path.slice(e.path.lastIndexOf('/') + 1);
      if (base.startsWith(WH)) continue;
      this.addEntry(layer, e);
    }
  }

  private addEntry(layer: ByteSource, e: TarEntry): void {
    if (e.path === '') { // the root's own entry ("./")
      if (e.type === 'dir') Object.assign(this.root, { mode: S_IFDIR | e.mode, uid: e.uid, gid: e.gid, mtimeNs: e.mtimeNs });
      return;
    }
    const dir = this.parentDir(e.path);
    if (!dir) { this.warnings.push(`${e.path}: a parent is not a directory`); return; }
    const name = e.path.slice(e.path.lastIndexOf('/') + 1);
    const old = dir.children!.get(name);
    if (e.type === 'hardlink') {
      const to = this.walk(e.linkname);
      if (!to || to.children) { this.warnings.push(`${e.path}: hard link to missing ${e.linkname}`); return; }
      dir.children!.set(name, to);
      return;
    }
    if (e.type === 'dir' && old?.children) { // a directory again (a later layer): new attributes, same contents
      Object.assign(old, { mode: S_IFDIR | e.mode, uid: e.uid, gid: e.gid, mtimeNs: e.mtimeNs, xattrs: e.xattrs });
      return;
    }
    const n = this.node(MODE[e.type] | e.mode, e.uid, e.gid, e.mtimeNs, e.atimeNs ?? e.mtimeNs, e.ctimeNs ?? e.mtimeNs);
    n.xattrs = e.xattrs;
    if (e.type === 'file') {
      n.src = layer;
      n.offset = e.offset;
      n.size = e.size;
      n.sparse = e.sparse;
      this.bytes += e.stored;
    } else if (e.type === 'symlink') {
      n.target = e.linkname;
      n.size = e.linkname.length;
    } else if (e.type === 'chr' || e.type === 'blk') {
      n.rdev = makedev(e.devmajor, e.devminor);
    }
    dir.children!.set(name, n);
  }

  // Count links once every layer is in: nlink is the names of a file, 2 + subdirectories for a directory.
  finish(): this {
    const seen = new Set<ImageNode>();
    const visit = (d: ImageNode) => {
      d.nlink = 2;
      for (const [name, c] of d.children!) {
        if (c.children) { d.nlink++; c.parentDir = d; c.name = name; visit(c); } else if (seen.has(c)) c.nlink++; else { seen.add(c); c.nlink = 1; }
      }
    };
    visit(this.root);
    return this;
  }

  stat(n: ImageNode): Stat {
    const stored = n.sparse ? n.sparse.reduce((s, g) => s + g.size, 0) : n.size;
    return {
      dev: this.dev, ino: n.ino, mode: n.mode, nlink: n.nlink, uid: n.uid, gid: n.gid, rdev: n.rdev,
      size: n.children ? PAGE : n.size, blksize: PAGE,
      blocks: n.children ? PAGE / 512 : (n.mode & S_IFMT) === S_IFREG ? Math.ceil(stored / PAGE) * (PAGE / 512) : 0,
      atimeNs: n.atimeNs, mtimeNs: n.mtimeNs, ctimeNs: n.ctimeNs,
    };
  }

  // `len` bytes of a regular file at `at` (holes of a sparse file as zeros); -EIO when the image
  // holds fewer bytes than its headers promised (changed or cut after it was opened).
  readData(n: ImageNode, at: number, len: number): Uint8Array | number {
    const end = Math.min(n.size, at + len);
    if (end <= at || !n.src) return new Uint8Array(0);
    if (!n.sparse) {
      const d = n.src.read(n.offset + at, end - at);
      return d.length < end - at ? -EIO : d;
    }
    const out = new Uint8Array(end - at);
    let stored = 0;
    for (const s of n.sparse) {
      const lo = Math.max(at, s.offset), hi = Math.min(end, s.offset + s.size);
      if (lo < hi) {
        const d = n.src.read(n.offset + stored + (lo - s.offset), hi - lo);
        if (d.length < hi - lo) return -EIO;
        out.set(d, lo - at);
      }
      stored += s.size;
    }
    return out;
  }

  // SEEK_DATA / SEEK_HOLE.
  seekData(n: ImageNode, at: number, hole: boolean): number {
    if (at >= n.size) return -ENXIO;
    if (!n.sparse) return hole ? n.size : at;
    for (const s of n.sparse) {
      if (s.size === 0) continue;
      if (hole) { if (at < s.offset) return at; if (at < s.offset + s.size) at = s.offset + s.size; }
      else if (at < s.offset + s.size) return Math.max(at, s.offset);
    }
    return hole ? Math.min(at, n.size) : -ENXIO;
  }

  // --- FsBackend -------------------------------------------------------------------------
  lookup(d: FsNode, name: string): Found | number {
    const dir = d as ImageNode;
    if (!dir.children) return -ENOTDIR;
    const n = dir.children.get(name);
    return n ? { node: n, stat: this.stat(n) } : -ENOENT;
  }
  parent(n: FsNode): { dir: FsNode; name: string } | undefined {
    const i = n as ImageNode;
    return i.parentDir ? { dir: i.parentDir, name: i.name } : undefined;
  }
  getattr(n: FsNode): Stat { return this.stat(n as ImageNode); }
  // The attributes the image's tar gave the file (it is read-only: an overlay copies the file up to change them).
  override getxattr(n: FsNode, name: string): Uint8Array | number { return (n as ImageNode).xattrs?.get(name) ?? -ENODATA; }
  override listxattr(n: FsNode): string[] { return [...(n as ImageNode).xattrs?.keys() ?? []]; }
  getlink(n: FsNode): string | number { return (n as ImageNode).target ?? -EINVAL; }
  entries(d: FsNode): Dirent[] | number {
    const n = d as ImageNode;
    if (!n.children) return -ENOTDIR;
    return [...n.children].map(([name, c]) => ({ ino: c.ino, type: dtFromMode(c.mode), name }));
  }
  openNode(node: FsNode, flags: number, guestPath: string): FileDescription | number {
    const n = node as ImageNode;
    switch (n.mode & S_IFMT) {
      case S_IFREG: break;
      case S_IFDIR: return -EISDIR;
      case S_IFLNK: return -ELOOP;
      default: return -ENXIO; // device nodes and FIFOs of an image are not served here
    }
    if (flags & 3 || flags & O_TRUNC) return -EROFS;
    return new ImageFile(flags, guestPath, this, n);
  }
  create(): number { return -EROFS; }
  mkdirAt(): number { return -EROFS; }
  rmdirAt(): number { return -EROFS; }
  unlinkAt(): number { return -EROFS; }
  renameAt(): number { return -EROFS; }
  linkAt(): number { return -EROFS; }
  symlinkAt(): number { return -EROFS; }
  override mknodAt(): number { return -EROFS; }
  setattr(_n: FsNode, _a: SetAttr): number { return -EROFS; }
  statfs(): StatFs {
    return {
      type: 0x73717368 /* SQUASHFS_MAGIC: a read-only image */, bsize: PAGE, blocks: Math.ceil(this.bytes / PAGE), bfree: 0,
      bavail: 0, files: this.nodes, ffree: 0, namelen: 255, frsize: PAGE, flags: 1 /* ST_RDONLY */,
    };
  }
}

// An open regular file of an image.
export class ImageFile extends FileDescription {
  private pos = 0;
  constructor(flags: number, path: string, private readonly fs: ImageFs, private readonly n: ImageNode) { super(flags, path); }
  override read(len: number, pos?: number): Uint8Array | number {
    const out = this.fs.readData(this.n, pos ?? this.pos, len);
    if (typeof out !== 'number' && pos === undefined) this.pos += out.length;
    return out;
  }
  override write(): number { return -EROFS; }
  override seek(offset: number, whence: number): number {
    const to = seekTo(this.pos, this.n.size, offset, whence, (at, hole) => this.fs.seekData(this.n, at, hole));
    return to < 0 ? to : (this.pos = to);
  }
  override stat(): Stat { return this.fs.stat(this.n); }
  override truncate(): number { return -EROFS; }
  override available(): number { return Math.max(0, this.n.size - this.pos); }
  override mapping(): MappedFile { return new ImageMapping(this.fs, this.n, this.path); }
}

// --- image formats ---------------------------------------------------------------------------

// A directory of files (an OCI image layout on the host); paths are relative, '/'-separated.
export interface ImageDirectory { file(path: string): ByteSource | undefined }

// What the image's config says about how to run it (the subset xos uses).
export interface ImageConfig { env?: string[]; cwd?: string; entrypoint?: string[]; cmd?: string[]; user?: string }

export interface LoadImageOptions {
  // Decompress a gzip stream (the host's: node:zlib, DecompressionStream).
  gunzip?: (src: ByteSource) => Promise<ByteSource>;
  dev?: number;
  platform?: { os?: string; architecture?: string }; // which manifest of a multi-platform index (default linux/amd64)
}

export interface LoadedImage {
  fs: ImageFs;
  format: 'tar' | 'docker-save' | 'oci-layout';
  config?: ImageConfig;
}

const isGzip = (s: ByteSource): boolean => { const h = s.read(0, 2); return h[0] === 0x1f && h[1] === 0x8b; };
const isZstd = (s: ByteSource): boolean => { const h = s.read(0, 4); return h[0] === 0x28 && h[1] === 0xb5 && h[2] === 0x2f && h[3] === 0xfd; };

async function plain(src: ByteSource, opts: LoadImageOptions, what: string): Promise<ByteSource> {
  if (isGzip(src)) {
    if (!opts.gunzip) throw new TarError(`${what}: gzip-compressed, and this host cannot decompress`);
    return opts.gunzip(src);
  }
  if (isZstd(src)) throw new TarError(`${what}: zstd-compressed layers are not supported`);
  return src;
}

function json(src: ByteSource | undefined, what: string): any {
  if (!src) throw new TarError(`${what}: missing`);
  try { return JSON.parse(new TextDecoder().decode(readAll(src))); } catch { throw new TarError(`${what}: not valid JSON`); }
}

function configOf(c: any): ImageConfig | undefined {
  const cfg = c?.config ?? c?.Config;
  if (!cfg) return undefined;
  return { env: cfg.Env ?? undefined, cwd: cfg.WorkingDir || undefined, entrypoint: cfg.Entrypoint ?? undefined, cmd: cfg.Cmd ?? undefined, user: cfg.User || undefined };
}

// The files of a tar archive as an ImageDirectory (a `docker save` archive, an OCI layout in a tar).
function tarDirectory(src: ByteSource, entries: TarEntry[]): ImageDirectory {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  return {
    file(path) {
      let e = byPath.get(normalizeRel(path));
      for (let hops = 0; e && e.type !== 'file' && hops < 8; hops++) { // docker save links repeated layers
        if (e.type === 'hardlink') e = byPath.get(e.linkname);
        else if (e.type === 'symlink') {
          const base = e.path.split('/').slice(0, -1);
          for (const c of e.linkname.split('/')) { if (c === '..') base.pop(); else if (c && c !== '.') base.push(c); }
          e = byPath.get(base.join('/'));
        } else return undefined;
      }
      return e && e.type === 'file' ? sliceSource(src, e.offset, e.stored) : undefined;
    },
  };
}
const normalizeRel = (p: string) => normalizeName(p) ?? '';

// An OCI image layout (index.json, blobs/ALG/HEX): the manifest for the platform, its config and layers.
async function ociLayout(dir: ImageDirectory, opts: LoadImageOptions): Promise<{ layers: ByteSource[]; config?: ImageConfig }> {
  const blob = (digest: string) => {
    const [alg, hex] = String(digest).split(':');
    const f = dir.file(`blobs/${alg}/${hex}`);
    if (!f) throw new TarError(`blob ${digest}: missing`);
    return f;
  };
  const want = { os: opts.platform?.os ?? 'linux', architecture: opts.platform?.architecture ?? 'amd64' };
  let doc = json(dir.file('index.json'), 'index.json');
  for (let depth = 0; doc.manifests && depth < 4; depth++) { // an index (perhaps nested) → one manifest
    const list: any[] = doc.manifests;
    const m = list.find((x) => x.platform?.os === want.os && x.platform?.architecture === want.architecture)
      ?? list.find((x) => !x.platform) ?? list[0];
    if (!m) throw new TarError('index.json: no manifests');
    doc = json(blob(m.digest), `manifest ${m.digest}`);
  }
  if (!Array.isArray(doc.layers)) throw new TarError('manifest: no layers');
  const config = doc.config?.digest ? configOf(json(blob(doc.config.digest), 'config')) : undefined;
  const layers: ByteSource[] = [];
  for (const l of doc.layers) {
    const b = blob(l.digest);
    // a blob cut short (or swapped) is refused here, not read short later
    if (typeof l.size === 'number' && b.size !== l.size) throw new TarError(`layer ${l.digest}: ${b.size} bytes, the manifest says ${l.size}`);
    layers.push(await plain(b, opts, `layer ${l.digest}`));
  }
  return { layers, config };
}

// A `docker save` archive's manifest.json: [{ Config, RepoTags, Layers: [paths] }].
async function dockerSave(dir: ImageDirectory, opts: LoadImageOptions): Promise<{ layers: ByteSource[]; config?: ImageConfig }> {
  const manifest = json(dir.file('manifest.json'), 'manifest.json');
  const m = Array.isArray(manifest) ? manifest[0] : undefined;
  if (!m || !Array.isArray(m.Layers)) throw new TarError('manifest.json: no Layers');
  const config = m.Config ? configOf(json(dir.file(m.Config), m.Config)) : undefined;
  const layers: ByteSource[] = [];
  for (const p of m.Layers) {
    const f = dir.file(p);
    if (!f) throw new TarError(`layer ${p}: missing`);
    layers.push(await plain(f, opts, `layer ${p}`));
  }
  return { layers, config };
}

// An image from a file (a rootfs or `docker export` tar, gzip or not; a `docker save` archive; an OCI
// layout in a tar) or a directory (an OCI layout). Throws TarError on what it cannot read.
export async function loadImage(input: ByteSource | ImageDirectory, opts: LoadImageOptions = {}): Promise<LoadedImage> {
  const fs = new ImageFs({ dev: opts.dev });
  if ('file' in input) {
    const { layers, config } = input.file('manifest.json') && !input.file('index.json')
      ? await dockerSave(input, opts) : await ociLayout(input, opts);
    for (const l of layers) fs.addLayer(l);
    return { fs: fs.finish(), format: 'oci-layout', config };
  }
  const src = await plain(input, opts, 'image');
  const entries = listTar(src);
  const top = new Set(entries.map((e) => e.path));
  if (top.has('manifest.json') || (top.has('index.json') && top.has('oci-layout'))) {
    const dir = tarDirectory(src, entries);
    const { layers, config } = top.has('manifest.json') ? await dockerSave(dir, opts) : await ociLayout(dir, opts);
    for (const l of layers) fs.addLayer(l);
    return { fs: fs.finish(), format: 'docker-save', config };
  }
  fs.addLayer(src, entries);
  return { fs: fs.finish(), format: 'tar' };
}

// An image's file mapped (private mappings only: the image never changes).
export class ImageMapping implements MappedFile {
  constructor(private readonly fs: ImageFs, private readonly n: ImageNode, readonly name: string) {}
  get dev(): number { return this.fs.dev; }
  get ino(): number { return this.n.ino; }
  readPage(offset: number, into: Uint8Array): void {
    into.fill(0);
    const d = this.fs.readData(this.n, offset, into.length);
    if (typeof d !== 'number') into.set(d);
  }
  writePage(): void { /* the image never changes */ }
  beyondEnd(offset: number): boolean { return offset >= this.n.size; }
}
