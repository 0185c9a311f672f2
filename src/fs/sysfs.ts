// sysfs: the few files of /sys that C libraries, language runtimes and tools
// read to size themselves: the CPUs (glibc's get_nprocs and
// sysconf(_SC_NPROCESSORS_*), Python's os.cpu_count, busybox nproc --all),
// transparent huge pages (jemalloc, Go), an empty /sys/fs/cgroup (runtimes
// looking for CPU and memory limits find none). The CPU count is the one the
// kernel reports everywhere (sched_getaffinity, /proc/cpuinfo).
//
// Read-only with Linux's errnos: attribute files refuse writers with EACCES,
// creating names with EACCES (no create operation), other changes with EPERM.
import type { FsBackend, StatFs } from './backend.js';
import { EMPTY_STATFS, KernelTreeFs } from './backend.js';
import {
  BufferFile, FileDescription, O_ACCMODE, O_CREAT, O_RDONLY, O_TRUNC, S_IFDIR, S_IFREG, dtFromMode,
  type Dirent, type Stat,
} from './file.js';
import { EACCES, EEXIST, EINVAL, ENOENT, ENOTDIR, EPERM } from '../base/errno.js';
import type { NetView } from './net-view.js';

const SYSFS_MAGIC = 0x62656572;
const enc = new TextEncoder();

type Node = { dir: true } | { dir: false; data: () => string };

// "0" or "0-3": the list format of cpu/online and friends.
const cpuList = (n: number) => (n <= 1 ? '0' : `0-${n - 1}`);
// A hexadecimal CPU mask in 32-bit groups separated by commas, as topology/*_siblings print it.
function cpuMask(bits: number[], n: number): string {
  const words = Math.max(1, Math.ceil(n / 32));
  const w = new Array<number>(words).fill(0);
  for (const b of bits) w[Math.floor(b / 32)] |= 1 << (b % 32);
  return w.reverse().map((x, i) => (x >>> 0).toString(16).padStart(i === 0 ? 1 : 8, '0')).join(',');
}

export class SysFs extends KernelTreeFs implements FsBackend {
  readonly type = 'sysfs';
  readonly readOnly = false; // refuses changes with sysfs's own errnos, not EROFS
  private tree?: Map<string, Node>;
  private builtFor = 0;

  constructor(private readonly cpus: () => number, private readonly net?: NetView) { super(); }

  private nodes(): Map<string, Node> {
    const n = Math.max(1, this.cpus());
    if (this.tree && this.builtFor === n) return this.tree;
    const t = new Map<string, Node>();
    const dir = (p: string) => t.set(p, { dir: true });
    const file = (p: string, data: () => string) => t.set(p, { dir: false, data });
    dir('/');
    for (const d of ['block', 'bus', 'class', 'dev', 'devices', 'firmware', 'fs', 'kernel', 'module', 'power']) dir('/' + d);
    dir('/fs/cgroup');
    dir('/devices/system');
    dir('/devices/system/cpu');
    const cpu = '/devices/system/cpu';
    for (const name of ['online', 'possible', 'present']) file(`${cpu}/${name}`, () => cpuList(n) + '\n');
    file(`${cpu}/offline`, () => '\n');
    file(`${cpu}/kernel_max`, () => String(Math.max(n - 1, 0)) + '\n');
    for (let i = 0; i < n; i++) {
      const c = `${cpu}/cpu${i}`;
      dir(c);
      if (i > 0) file(`${c}/online`, () => '1\n');
      dir(`${c}/topology`);
      const all = Array.from({ length: n }, (_, k) => k);
      file(`${c}/topology/core_id`, () => `${i}\n`);
      file(`${c}/topology/physical_package_id`, () => '0\n');
      file(`${c}/topology/die_id`, () => '0\n');
      file(`${c}/topology/thread_siblings_list`, () => `${i}\n`);
      file(`${c}/topology/thread_siblings`, () => cpuMask([i], n) + '\n');
      file(`${c}/topology/core_cpus_list`, () => `${i}\n`);
      file(`${c}/topology/core_siblings_list`, () => cpuList(n) + '\n');
      file(`${c}/topology/core_siblings`, () => cpuMask(all, n) + '\n');
      file(`${c}/topology/package_cpus_list`, () => cpuList(n) + '\n');
    }
    dir('/devices/system/node');
    for (const name of ['online', 'possible']) file(`/devices/system/node/${name}`, () => '0\n');
    dir('/devices/system/node/node0');
    file('/devices/system/node/node0/cpulist', () => cpuList(n) + '\n');
    dir('/kernel/mm');
    dir('/kernel/mm/transparent_hugepage');
    file('/kernel/mm/transparent_hugepage/enabled', () => 'always [madvise] never\n');
    file('/kernel/mm/transparent_hugepage/defrag', () => 'always defer defer+madvise [madvise] never\n');
    file('/kernel/mm/transparent_hugepage/hpage_pmd_size', () => '2097152\n');
    // the network interfaces (Linux links these to /sys/devices/virtual/net/IFACE)
    dir('/class/net');
    for (const i of this.net?.interfaces() ?? []) {
      dir(`/class/net/${i.name}`);
      for (const [attr, value] of Object.entries(i.attrs)) {
        const parts = attr.split('/');
        for (let k = 1; k < parts.length; k++) dir(`/class/net/${i.name}/${parts.slice(0, k).join('/')}`);
        file(`/class/net/${i.name}/${attr}`, () => value() + '\n');
      }
    }
    this.tree = t;
    this.builtFor = n;
    return t;
  }

  private statOf(path: string, n: Node): Stat {
    let h = 2166136261;
    for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 16777619);
    return {
      dev: 0, ino: (h >>> 0) || 1, mode: n.dir ? S_IFDIR | 0o755 : S_IFREG | 0o444, nlink: n.dir ? 2 : 1,
      uid: 0, gid: 0, rdev: 0, size: n.dir ? 0 : 4096, blksize: 4096, blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n,
    };
  }

  lstat(path: string): Stat | number {
    const n = this.nodes().get(path);
    return n ? this.statOf(path, n) : -ENOENT;
  }
  readlink(path: string): string | number { return this.nodes().has(path) ? -EINVAL : -ENOENT; }
  readdir(path: string): Dirent[] | number {
    const tree = this.nodes();
    const n = tree.get(path);
    if (!n) return -ENOENT;
    if (!n.dir) return -ENOTDIR;
    const prefix = path === '/' ? '/' : path + '/';
    const out: Dirent[] = [];
    for (const [p, c] of tree) {
      if (p !== '/' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) {
        const st = this.statOf(p, c);
        out.push({ ino: st.ino, type: dtFromMode(st.mode), name: p.slice(prefix.length) });
      }
    }
    return out;
  }
  open(path: string, flags: number, _mode: number, guestPath: string): FileDescription | number {
    const n = this.nodes().get(path);
    if (!n) return flags & O_CREAT ? -EACCES : -ENOENT;
    if (n.dir) return -EINVAL;
    if ((flags & O_ACCMODE) !== O_RDONLY || flags & O_TRUNC) return -EACCES;
    const st = this.statOf(path, n);
    return new BufferFile(flags, guestPath, enc.encode(n.data()), () => st);
  }
  override mkdir(path: string): number { return this.nodes().has(path) ? -EEXIST : -EPERM; }
  override mknod(path: string): number { return this.nodes().has(path) ? -EEXIST : -EPERM; }
  statfs(): StatFs { return { ...EMPTY_STATFS, type: SYSFS_MAGIC }; }
}
