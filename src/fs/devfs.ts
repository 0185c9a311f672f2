// devfs: the device nodes programs expect in /dev.
import type { Host } from '../base/host.js';
import type { FsBackend, StatFs } from './backend.js';
import { EMPTY_STATFS, KernelTreeFs } from './backend.js';
import {
  FileDescription, S_IFCHR, S_IFDIR, S_IFLNK, dtFromMode, type Dirent, type Stat, type TimeSpec,
} from './file.js';
import { EEXIST, EINVAL, ENOENT, ENOSPC, ENOTDIR, ENXIO, EPERM } from '../base/errno.js';
import { DEVFS_DEV, StdioFile } from './stdio.js';
import { Termios } from './tty-ldisc.js';
import type { DevPts } from './pty.js';

const rdev = (major: number, minor: number) => (major << 8) | minor;

interface DevNode { ino: number; mode: number; rdev?: number; link?: string; open?: (flags: number, path: string) => FileDescription | number }

// A character device whose reads and writes are fixed behaviours.
export class CharDevice extends FileDescription {
  constructor(flags: number, path: string, private readonly st: Stat,
    private readonly r: (n: number) => Uint8Array, private readonly w: (d: Uint8Array) => number) { super(flags, path); }
  // A restored machine's device: this machine's device of the same number does the reading and writing.
  rewire(dev: DevFs | undefined): void {
    const d = dev?.openDevice(this.st.rdev, this.flags, this.path);
    const self = this as unknown as { r: CharDevice['r']; w: CharDevice['w'] };
    if (d instanceof CharDevice) { self.r = d.r; self.w = d.w; } else { self.r = () => new Uint8Array(0); self.w = () => -ENXIO; }
  }
  override read(n: number): Uint8Array { return this.r(n); }
  override write(d: Uint8Array): number { return this.w(d); }
  override seek(): number { return 0; }
  override stat(): Stat { return this.st; }
  override truncate(): number { return 0; }
  override chmod(): number { return 0; }
  override chown(): number { return 0; }
  override utimes(): number { return 0; }
}

export class DevFs extends KernelTreeFs implements FsBackend {
  readonly type = 'devtmpfs';
  readonly readOnly = false;
  private readonly nodes = new Map<string, DevNode>();

  // pts: the devpts mounted on /dev/pts, for /dev/ptmx and a pty as /dev/tty.
  constructor(host: Host, pts?: DevPts) {
    super();
    const zeros = (n: number) => new Uint8Array(Math.min(n, 1 << 20));
    const random = (n: number) => { const b = new Uint8Array(Math.min(n, 1 << 20)); host.random(b); return b; };
    const sink = (d: Uint8Array) => d.length;
    const chr = (ino: number, major: number, minor: number, r: (n: number) => Uint8Array, w: (d: Uint8Array) => number): DevNode => {
      const node: DevNode = { ino, mode: S_IFCHR | 0o666, rdev: rdev(major, minor) };
      node.open = (flags, path) => new CharDevice(flags, path, this.statOf(node), r, w);
      return node;
    };
    this.nodes.set('/', { ino: 1, mode: S_IFDIR | 0o755 });
    this.nodes.set('/null', chr(3, 1, 3, () => new Uint8Array(0), sink));
    this.nodes.set('/zero', chr(4, 1, 5, zeros, sink));
    this.nodes.set('/full', chr(5, 1, 7, zeros, () => -ENOSPC));
    this.nodes.set('/random', chr(6, 1, 8, random, sink));
    this.nodes.set('/urandom', chr(7, 1, 9, random, sink));
    const tty: DevNode = { ino: 8, mode: S_IFCHR | 0o666, rdev: rdev(5, 0) };
    tty.open = (flags, path) => pts?.openControlling(flags, path)
      ?? (host.stdin.isTTY || host.stdout.isTTY ? new StdioFile(host, 'tty', pts?.hostTermios ?? new Termios()) : -ENXIO);
    this.nodes.set('/tty', tty);
    this.nodes.set('/stdin', { ino: 9, mode: S_IFLNK | 0o777, link: '/proc/self/fd/0' });
    this.nodes.set('/stdout', { ino: 10, mode: S_IFLNK | 0o777, link: '/proc/self/fd/1' });
    this.nodes.set('/stderr', { ino: 11, mode: S_IFLNK | 0o777, link: '/proc/self/fd/2' });
    this.nodes.set('/fd', { ino: 12, mode: S_IFLNK | 0o777, link: '/proc/self/fd' });
    this.nodes.set('/shm', { ino: 13, mode: S_IFDIR | 0o1777 });
    this.nodes.set('/pts', { ino: 14, mode: S_IFDIR | 0o755 });
    this.nodes.set('/mqueue', { ino: 16, mode: S_IFDIR | 0o1777 });
    if (pts) {
      const ptmx: DevNode = { ino: 15, mode: S_IFCHR | 0o666, rdev: rdev(5, 2) };
      ptmx.open = (flags, path) => pts.openMaster(flags, path);
      this.nodes.set('/ptmx', ptmx);
    }
  }

  private statOf(n: DevNode): Stat {
    const t = 0n;
    return {
      dev: DEVFS_DEV, ino: n.ino, mode: n.mode, nlink: (n.mode & S_IFDIR) === S_IFDIR ? 2 : 1, uid: 0,
      gid: 0, rdev: n.rdev ?? 0, size: n.link?.length ?? 0, blksize: 4096, blocks: 0,
      atimeNs: t, mtimeNs: t, ctimeNs: t,
    };
  }
  lstat(path: string): Stat | number {
    const n = this.nodes.get(path);
    return n ? this.statOf(n) : -ENOENT;
  }
  readlink(path: string): string | number {
    const n = this.nodes.get(path);
    return !n ? -ENOENT : n.link ?? -EINVAL;
  }
  readdir(path: string): Dirent[] | number {
    const n = this.nodes.get(path);
    if (!n) return -ENOENT;
    if (!(n.mode & S_IFDIR)) return -ENOTDIR;
    const prefix = path === '/' ? '/' : path + '/';
    const out: Dirent[] = [];
    for (const [p, c] of this.nodes) {
      if (p !== '/' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) {
        out.push({ ino: c.ino, type: dtFromMode(c.mode), name: p.slice(prefix.length) });
      }
    }
    return out;
  }
  // A device node elsewhere (mknod on tmpfs) opens the device with that number, when this machine has it.
  openDevice(rdev: number, flags: number, guestPath: string): FileDescription | number {
    for (const n of this.nodes.values()) {
      if (n.rdev === rdev && (n.mode & 0o170000) === 0o020000 && n.open) return n.open(flags, guestPath);
    }
    return -ENXIO;
  }
  open(path: string, flags: number, mode: number, guestPath: string): FileDescription | number {
    const n = this.nodes.get(path);
    if (!n) return -EPERM; // creating files in /dev is not supported
    return n.open ? n.open(flags, guestPath) : -ENXIO;
  }
  override mkdir(path: string): number { return this.nodes.has(path) ? -EEXIST : -EPERM; }
  // attribute changes and truncation of device nodes succeed and change nothing
  override chmod(): number { return 0; }
  override chown(): number { return 0; }
  override utimes(_p: string, _a: TimeSpec, _m: TimeSpec): number { return 0; }
  override truncate(): number { return 0; }
  statfs(): StatFs { return { ...EMPTY_STATFS }; }
}

