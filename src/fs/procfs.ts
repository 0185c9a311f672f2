// procfs: a minimal /proc, generated when read from the kernel's processes.
import type { FsBackend, MagicTarget, StatFs } from './backend.js';
import { EMPTY_STATFS, KernelTreeFs } from './backend.js';
import {
  BufferFile, FileDescription, O_ACCMODE, O_RDONLY, S_IFDIR, S_IFLNK, S_IFREG, type Dirent, type Stat,
} from './file.js';
import { EACCES, EINVAL, EIO, ENOENT, ENOTDIR, EPERM } from '../base/errno.js';
import { CPU_FLAGS } from '../generated/cpuid.js';
import type { Vfs, FsCaller } from './vfs.js';
import type { MountTable, Place } from './mounts.js';

export interface ProcVma {
  start: number; end: number; prot: number; shared: boolean; offset: number;
  file?: { readonly name: string; readonly dev?: number; readonly ino?: number };
  name?: string;
}
// What /proc shows of one task's scheduling state: its state letter (R, S, D, T, t, Z), where it
// sleeps (wchan, '0' when it does not), CPU times in ns (its own and its waited-for children's),
// start time (monotonic ns), priority and policy, tracer, signal masks, context switches.
export interface ProcTaskInfo {
  state: string; wchan: string; utime: number; stime: number; cutime: number; cstime: number;
  startNs: bigint; nice: number; policy: number; rtPriority: number; tracerPid: number;
  sigPending: bigint; sharedPending: bigint; sigBlocked: bigint; sigIgnored: bigint; sigCaught: bigint;
  voluntary: number; involuntary: number;
}
// What /proc shows of a process (the kernel's Process fits).
export interface ProcProcess {
  readonly pid: number;
  readonly ppid: number;
  pgid: number;
  sid: number;
  exe: string;
  argv: Uint8Array[];
  envp: Uint8Array[];
  fs: { cwd: Place | string; umask: number; root?: Place | string };
  mnt?: MountTable; // its mount namespace
  files: { fds(): number[]; get(fd: number): FileDescription | undefined; cloexec?(fd: number): boolean };
  limit?(res: number): [bigint, bigint];
  mm: {
    vmas: ProcVma[]; resident?(start: number, end: number): number; pte?(addr: number): number; brkStart?: number;
    read?(addr: number, len: number): Uint8Array | null; poke?(addr: number, data: Uint8Array): boolean;
  };
  auxv?: Uint8Array;
  creds: {
    uid: number; euid: number; suid: number; gid: number; egid: number; sgid: number; groups: number[];
    fsuid?: number; fsgid?: number; caps?: { eff: bigint; prm: bigint; inh: bigint; bnd: bigint; amb: bigint };
  };
  readonly threads: readonly { readonly tid: number; readonly comm: Uint8Array }[];
  // The process (its whole CPU time) or one of its threads.
  taskInfo?(tid?: number): ProcTaskInfo;
}
// The machine's memory, in bytes: its size (--memory), what the allocator has handed out, the page
// cache's share of that and shared memory's (for /proc/meminfo).
export interface MemoryInfo { total: number; used: number; cached: number; shmem: number }
// The machine's CPU time in ns, its boot time (real-time ns), processes started, and tasks running and blocked.
export interface SystemInfo { user: number; system: number; bootRealtimeNs: bigint; forks: number; running: number; blocked: number }
// /proc/sys: knob names ('kernel/hostname'), their text, and root's writes (0 or -errno); `p` is the caller's process.
export interface SysctlSource {
  names(): string[];
  writable(name: string): boolean;
  read(name: string, p?: ProcProcess): string | undefined;
  write(name: string, text: string, p?: ProcProcess): number;
}
export interface ProcSource {
  readonly processes: ReadonlyMap<number, ProcProcess>; memoryInfo?(): MemoryInfo; systemInfo?(): SystemInfo;
  readonly sysctl?: SysctlSource;
}

const enc = new TextEncoder();
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');


type Entry =
  | { kind: 'dir'; list: () => Dirent[] }
  | { kind: 'file'; data: () => Uint8Array; open?: (flags: number, path: string, st: () => Stat) => FileDescription; writable?: boolean }
  | { kind: 'link'; target: () => string; magic?: () => MagicTarget | undefined };

export class ProcFs extends KernelTreeFs implements FsBackend {
  readonly type = 'proc';
  readonly readOnly = false; // refuses changes with Linux's errnos instead of EROFS
  constructor(private readonly caller: () => FsCaller | undefined, private readonly source: ProcSource | undefined,
    private readonly vfs: Vfs) { super(); }

  private get self(): number { return this.caller()?.proc.pid ?? 1; }
  private get processes(): ReadonlyMap<number, ProcProcess> { return this.source?.processes ?? new Map(); }

  private static readonly TOP = ['cpuinfo', 'meminfo', 'uptime', 'version', 'filesystems', 'stat', 'loadavg'];
  private static readonly PER_PID = ['exe', 'cwd', 'root', 'fd', 'fdinfo', 'task', 'maps', 'smaps', 'smaps_rollup', 'pagemap', 'mem', 'auxv', 'cmdline', 'environ', 'stat', 'statm', 'status', 'wchan', 'comm', 'mounts', 'mountinfo', 'limits', 'net'];
  private static readonly DIRS = new Set(['fd', 'fdinfo', 'task', 'net']);

  // A place or an open file as the reading process sees it (from its root).
  private view(what: Place | string | FileDescription): string { return this.vfs.describe(this.caller(), what); }
  private asCaller(p: ProcProcess): FsCaller { return { tid: p.pid, proc: p }; }

  // The entry at a backend path, or undefined.
  private entry(path: string): Entry | undefined {
    const parts = path === '/' ? [] : path.slice(1).split('/');
    if (parts.length === 0) {
      return {
        kind: 'dir', list: () => [
          ...[...this.processes.keys()].map((pid) => ({ ino: ino(pid, 0), type: 4, name: String(pid) })),
          { ino: 2, type: 10, name: 'self' }, { ino: 3, type: 10, name: 'mounts' }, { ino: 4, type: 10, name: 'thread-self' },
          { ino: 6, type: 10, name: 'net' },
          { ino: 5, type: 4, name: 'sys' },
          ...ProcFs.TOP.map((name, i) => ({ ino: 10 + i, type: 8, name })),
        ],
      };
    }
    const [first, ...rest] = parts;
    if (rest.length === 0) {
      if (first === 'self') return { kind: 'link', target: () => String(this.self) };
      if (first === 'mounts') return { kind: 'link', target: () => 'self/mounts' };
      if (first === 'net') return { kind: 'link', target: () => 'self/net' };
      if (first === 'thread-self') return { kind: 'link', target: () => `${this.self}/task/${this.caller()?.tid ?? this.self}` };
      if (ProcFs.TOP.includes(first)) return { kind: 'file', data: () => this.top(first) };
    }
    if (first === 'sys') return this.sysctl(rest);
    if (!/^[1-9][0-9]*$/.test(first)) return undefined;
    const p = this.processes.get(Number(first));
    if (!p) return undefined;
    return this.perProcess(p, rest, p.threads[0]);
  }

  // /proc/PID/… and /proc/PID/task/TID/… (thread: whose comm and tid the files show).
  private perProcess(p: ProcProcess, rest: string[], thread?: { tid: number; comm: Uint8Array }): Entry | undefined {
    if (rest.length === 0) {
      return { kind: 'dir', list: () => ProcFs.PER_PID.map((name, i) => ({ ino: ino(p.pid, 1 + i), type: ProcFs.DIRS.has(name) ? 4 : ['exe', 'cwd', 'root'].includes(name) ? 10 : 8, name })) };
    }
    const [what, ...more] = rest;
    if (what === 'task') {
      if (more.length === 0) return { kind: 'dir', list: () => p.threads.map((x) => ({ ino: ino(x.tid, 0), type: 4, name: String(x.tid) })) };
      const th = p.threads.find((x) => String(x.tid) === more[0]);
      if (!th || more.slice(1)[0] === 'task') return undefined;
      return this.perProcess(p, more.slice(1), th);
    }
    if (what === 'net') {
      const net = this.vfs.net;
      if (more.length === 0) return { kind: 'dir', list: () => (net?.procNetNames ?? []).map((name) => ({ ino: pathIno(`/net/${name}`), type: 8, name })) };
      const text = more.length === 1 ? net?.procNet(more[0]) : undefined;
      if (text === undefined) return undefined;
      return { kind: 'file', data: () => latin1(net!.procNet(more[0]) ?? '') };
    }
    if (what === 'fdinfo') {
      if (more.length === 0) {
        return { kind: 'dir', list: () => p.files.fds().map((fd) => ({ ino: ino(p.pid, 600 + fd), type: 8, name: String(fd) })) };
      }
      if (more.length !== 1 || !/^(0|[1-9][0-9]*)$/.test(more[0])) return undefined;
      const fd = Number(more[0]);
      if (!p.files.get(fd)) return undefined;
      return { kind: 'file', data: () => latin1(fdinfo(p, fd)) };
    }
    if (what === 'fd') {
      if (more.length === 0) {
        return { kind: 'dir', list: () => p.files.fds().map((fd) => ({ ino: ino(p.pid, 100 + fd), type: 10, name: String(fd) })) };
      }
      if (more.length !== 1 || !/^(0|[1-9][0-9]*)$/.test(more[0])) return undefined;
      const f = p.files.get(Number(more[0]));
      if (!f) return undefined;
      return {
        kind: 'link', target: () => this.view(f),
        magic: () => { const g = p.files.get(Number(more[0])); return g && { file: g, place: this.vfs.placeOfFile(g) }; },
      };
    }
    if (more.length) return undefined;
    switch (what) {
      case 'exe': return { kind: 'link', target: () => p.exe || '/' };
      case 'cwd': return { kind: 'link', target: () => this.view(p.fs.cwd), magic: () => place(this.vfs.cwdOf(this.asCaller(p))) };
      case 'root': return { kind: 'link', target: () => this.view(p.fs.root ?? '/'), magic: () => place(this.vfs.rootOf(this.asCaller(p))) };
      case 'maps': return { kind: 'file', data: () => latin1(maps(p)) };
      case 'cmdline': return { kind: 'file', data: () => joinZ(p.argv) };
      case 'environ': return { kind: 'file', data: () => joinZ(p.envp) };
      case 'stat': return { kind: 'file', data: () => latin1(statLine(p, this.vfs.pts.terminalOf(p.sid), thread, infoOf(p, thread))) };
      case 'statm': return { kind: 'file', data: () => latin1(statm(p)) };
      case 'status': return { kind: 'file', data: () => latin1(status(p, thread, infoOf(p, thread))) };
      case 'wchan': return { kind: 'file', data: () => latin1(infoOf(p, thread).wchan) };
      case 'smaps': return { kind: 'file', data: () => latin1(smaps(p, false)) };
      case 'smaps_rollup': return { kind: 'file', data: () => latin1(smaps(p, true)) };
      case 'auxv': return { kind: 'file', data: () => p.auxv ?? new Uint8Array(0) };
      case 'mem': return { kind: 'file', data: () => new Uint8Array(0), writable: true, open: (flags, path, st) => new MemFile(flags, path, p, st) };
      case 'pagemap': return { kind: 'file', data: () => new Uint8Array(0), open: (flags, path, st) => new PagemapFile(flags, path, p, st) };
      case 'comm': return { kind: 'file', data: () => latin1(comm(p, thread) + '\n') };
      case 'limits': return { kind: 'file', data: () => latin1(limits(p)) };
      case 'mounts': return { kind: 'file', data: () => latin1(this.vfs.ns(this.asCaller(p)).describe(this.vfs.rootOf(this.asCaller(p)), false)) };
      case 'mountinfo': return { kind: 'file', data: () => latin1(this.vfs.ns(this.asCaller(p)).describe(this.vfs.rootOf(this.asCaller(p)), true)) };
    }
    return undefined;
  }

  private top(name: string): Uint8Array {
    switch (name) {
      case 'cpuinfo': return enc.encode(cpuinfo());
      case 'meminfo': {
        const m = this.source?.memoryInfo?.() ?? { total: 0, used: 0, cached: 0, shmem: 0 };
        const kb = (bytes: number) => String(Math.floor(bytes / 1024)).padStart(8) + ' kB';
        const free = Math.max(0, m.total - m.used);
        return enc.encode(`MemTotal:       ${kb(m.total)}\nMemFree:        ${kb(free)}\nMemAvailable:   ${kb(Math.min(m.total, free + m.cached - m.shmem))}\n` +
          `Buffers:        ${kb(0)}\nCached:         ${kb(m.cached)}\nSwapCached:     ${kb(0)}\nSwapTotal:      ${kb(0)}\nSwapFree:       ${kb(0)}\n` +
          `Shmem:          ${kb(m.shmem)}\nHugePages_Total:       0\nHugepagesize:       2048 kB\n`);
      }
      case 'uptime': {
        const up = Number(this.vfs.host.monotonicNs() / 10_000_000n) / 100;
        return enc.encode(`${up.toFixed(2)} ${up.toFixed(2)}\n`);
      }
      case 'version': return enc.encode('Linux version 6.1.0-xos (xos@xos) (gcc (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC\n');
      case 'filesystems': return enc.encode('nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tdevpts\n\text4\nnodev\thostfs\n');
      case 'stat': {
        const si = this.source?.systemInfo?.() ?? { user: 0, system: 0, bootRealtimeNs: 0n, forks: 1, running: 1, blocked: 0 };
        const t = (ns: number) => Math.floor(ns / 10_000_000);
        const idle = Math.max(0, Number(this.vfs.host.monotonicNs() / 10_000_000n) - t(si.user) - t(si.system));
        const cpu = `${t(si.user)} 0 ${t(si.system)} ${idle} 0 0 0 0 0 0`;
        return enc.encode(`cpu  ${cpu}\ncpu0 ${cpu}\nintr 0\nctxt 0\nbtime ${si.bootRealtimeNs / 1_000_000_000n}\n` +
          `processes ${si.forks}\nprocs_running ${si.running}\nprocs_blocked ${si.blocked}\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n`);
      }
      case 'loadavg': return enc.encode(`0.00 0.00 0.00 1/${this.processes.size} ${Math.max(1, ...this.processes.keys())}\n`);
    }
    return new Uint8Array(0);
  }

  // /proc/sys: the kernel's knobs (kernel/sysctl.ts), files below directories of their names' parts.
  private sysctl(parts: string[]): Entry | undefined {
    const table = this.source?.sysctl;
    if (!table) return undefined;
    const sub = parts.join('/');
    const caller = () => this.processes.get(this.self);
    const value = table.read(sub, caller());
    if (value !== undefined) {
      return {
        kind: 'file', data: () => latin1(table.read(sub, caller()) ?? ''), writable: table.writable(sub),
        open: (flags, path, st) => new SysctlFile(flags, path, st, () => table.read(sub, caller()) ?? '', (text) => table.write(sub, text, caller())),
      };
    }
    // a directory: the names one level below `sub`
    const prefix = sub ? sub + '/' : '';
    const names = [...new Set(table.names().filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split('/')[0]))];
    if (!names.length) return undefined;
    return { kind: 'dir', list: () => names.map((name) => ({ ino: pathIno(`/sys/${prefix}${name}`), type: table.names().includes(prefix + name) ? 8 : 4, name })) };
  }

  private statOf(path: string, e: Entry): Stat {
    const t = 0n;
    const mode = e.kind === 'dir' ? S_IFDIR | 0o555 : e.kind === 'link' ? S_IFLNK | 0o777 : S_IFREG | (e.writable ? 0o644 : 0o444);
    return {
      dev: 4, ino: pathIno(path), mode, nlink: e.kind === 'dir' ? 2 : 1, uid: 0, gid: 0, rdev: 0, size: 0,
      blksize: 1024, blocks: 0, atimeNs: t, mtimeNs: t, ctimeNs: t,
    };
  }
  lstat(path: string): Stat | number {
    const e = this.entry(path);
    return e ? this.statOf(path, e) : -ENOENT;
  }
  readlink(path: string): string | number {
    const e = this.entry(path);
    if (!e) return -ENOENT;
    return e.kind === 'link' ? e.target() : -EINVAL;
  }
  override linkTargetAt(path: string): MagicTarget | undefined {
    const e = this.entry(path);
    return e?.kind === 'link' && e.magic ? e.magic() : undefined;
  }
  readdir(path: string): Dirent[] | number {
    const e = this.entry(path);
    if (!e) return -ENOENT;
    return e.kind === 'dir' ? e.list() : -ENOTDIR;
  }
  open(path: string, flags: number, _mode: number, guestPath: string): FileDescription | number {
    const e = this.entry(path);
    if (!e) return -ENOENT;
    if (e.kind !== 'file') return -EINVAL;
    // writable knobs are root's (mode 0644): the caller's permission decides
    if ((flags & O_ACCMODE) !== O_RDONLY && (!e.writable || (this.caller()?.proc.creds.euid ?? 0) !== 0)) return -EACCES;
    const st = this.statOf(path, e);
    return e.open ? e.open(flags, guestPath, () => st) : new BufferFile(flags, guestPath, e.data(), () => st);
  }
  statfs(): StatFs { return { ...EMPTY_STATFS, type: 0x9fa0 /* PROC_SUPER_MAGIC */ }; }
}

const place = (p: Place | number): MagicTarget | undefined => (typeof p === 'number' ? undefined : { place: p });
function ino(pid: number, n: number): number { return 0x10000 + pid * 1024 + n; }
function pathIno(path: string): number {
  let h = 2166136261;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 16777619);
  return (h >>> 0) || 1;
}
function joinZ(list: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(list.reduce((n, a) => n + a.length + 1, 0));
  let o = 0;
  for (const a of list) { out.set(a, o); o += a.length + 1; }
  return out;
}
// The thread group leader's name (execve's file name, or prctl(PR_SET_NAME)).
function comm(p: ProcProcess, thread = p.threads[0]): string {
  const name = thread?.comm;
  if (name?.length) return String.fromCharCode(...name);
  return (p.exe.split('/').pop() || 'init').slice(0, 15);
}

function maps(p: ProcProcess): string {
  return p.mm.vmas.map((v) => {
    const perms = (v.prot & 1 ? 'r' : '-') + (v.prot & 2 ? 'w' : '-') + (v.prot & 4 ? 'x' : '-') + (v.shared ? 's' : 'p');
    const dev = v.file?.dev ?? 0;
    const head = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(v.file ? v.offset : 0, 8)} ` +
      `${hex((dev >>> 8) & 0xfff, 2)}:${hex(dev & 0xff, 2)} ${v.file?.ino ?? 0}`;
    const name = v.file?.name ?? v.name ?? '';
    return name ? head.padEnd(73) + name + '\n' : head + ' \n';
  }).join('');
}

const NO_INFO: ProcTaskInfo = {
  state: 'R', wchan: '0', utime: 0, stime: 0, cutime: 0, cstime: 0, startNs: 0n, nice: 0, policy: 0, rtPriority: 0, tracerPid: 0,
  sigPending: 0n, sharedPending: 0n, sigBlocked: 0n, sigIgnored: 0n, sigCaught: 0n, voluntary: 0, involuntary: 0,
};
// /proc/PID/… shows the process (the leader's state, every thread's time); /proc/PID/task/TID/… one thread.
function infoOf(p: ProcProcess, thread?: { tid: number }): ProcTaskInfo {
  return p.taskInfo?.(thread && thread !== p.threads[0] ? thread.tid : undefined) ?? NO_INFO;
}
const ticks = (ns: number | bigint) => Math.floor(Number(ns) / 10_000_000); // USER_HZ = 100
const vmSize = (p: ProcProcess) => p.mm.vmas.reduce((n, v) => n + v.end - v.start, 0);
const rssPages = (p: ProcProcess, v?: ProcVma) => p.mm.resident?.(v?.start ?? 0, v?.end ?? 2 ** 47) ?? 0;
const STATE_NAMES: Record<string, string> = { R: 'running', S: 'sleeping', D: 'disk sleep', T: 'stopped', t: 'tracing stop', Z: 'zombie', X: 'dead' };

// tty: the controlling terminal's device number and foreground process group.
function statLine(p: ProcProcess, tty: { rdev: number; pgrp: number } | undefined, thread: { tid: number } | undefined, i: ProcTaskInfo): string {
  const vsize = vmSize(p);
  const stack = p.mm.vmas.find((v) => v.name === '[stack]');
  const rt = i.policy === 1 || i.policy === 2;
  const prio = i.policy === 6 ? -101 : rt ? -1 - i.rtPriority : 20 + i.nice;
  const sig = (b: bigint) => String(b & 0x7fffffffn);
  const f = [thread?.tid ?? p.pid, `(${comm(p, p.threads.find((x) => x.tid === thread?.tid))})`, i.state, p.ppid, p.pgid, p.sid,
    tty?.rdev ?? 0, tty?.pgrp || -1, 4194560, 0, 0, 0, 0, ticks(i.utime), ticks(i.stime), ticks(i.cutime), ticks(i.cstime),
    prio, i.nice, p.threads.length || 1, 0, ticks(i.startNs), vsize, rssPages(p), '18446744073709551615',
    vsize ? 1 : 0, vsize ? 1 : 0, stack ? stack.end - 8 : 0, 0, 0,
    sig(i.sigPending | i.sharedPending), sig(i.sigBlocked), sig(i.sigIgnored), sig(i.sigCaught), i.wchan === '0' ? 0 : 1, 0, 0,
    17, 0, i.rtPriority, i.policy, 0, 0, 0, 0, 0, p.mm.brkStart ?? 0, 0, 0, 0, 0, 0];
  return f.join(' ') + '\n';
}

// /proc/PID/statm: sizes in pages (total, resident, shared, text, lib, data, dirty).
function statm(p: ProcProcess): string {
  const size = vmSize(p) / 4096;
  const shared = p.mm.vmas.filter((v) => v.file).reduce((n, v) => n + rssPages(p, v), 0);
  const text = p.mm.vmas.filter((v) => v.file && v.prot & 4).reduce((n, v) => n + (v.end - v.start) / 4096, 0);
  const data = p.mm.vmas.filter((v) => !v.file && !v.shared && v.prot & 2).reduce((n, v) => n + (v.end - v.start) / 4096, 0);
  return `${size} ${rssPages(p)} ${shared} ${text} 0 ${data} 0\n`;
}

function status(p: ProcProcess, thread: { tid: number } | undefined, i: ProcTaskInfo): string {
  const c = p.creds;
  const kb = (bytes: number) => `${String(Math.ceil(bytes / 1024)).padStart(8)} kB`;
  const sum = (f: (v: ProcVma) => boolean) => p.mm.vmas.filter(f).reduce((n, v) => n + v.end - v.start, 0);
  const rssOf = (f: (v: ProcVma) => boolean) => p.mm.vmas.filter(f).reduce((n, v) => n + rssPages(p, v), 0) * 4096;
  const sig = (b: bigint) => hex(Number(b >> 32n), 8) + hex(Number(b & 0xffffffffn), 8);
  const all = 0x1ffffffffffn; // capabilities 0..40
  const caps = c.caps ?? { eff: c.euid === 0 ? all : 0n, prm: c.euid === 0 ? all : 0n, inh: 0n, bnd: all, amb: 0n };
  const vm = i.state === 'Z' ? '' :
    `VmPeak:\t${kb(vmSize(p))}\nVmSize:\t${kb(vmSize(p))}\nVmLck:\t${kb(0)}\nVmPin:\t${kb(0)}\n` +
    `VmHWM:\t${kb(rssPages(p) * 4096)}\nVmRSS:\t${kb(rssPages(p) * 4096)}\n` +
    `RssAnon:\t${kb(rssOf((v) => !v.file && !v.shared))}\nRssFile:\t${kb(rssOf((v) => !!v.file && !v.file.name.startsWith('/dev/shm/') && !v.shared))}\n` +
    `RssShmem:\t${kb(rssOf((v) => v.shared))}\nVmData:\t${kb(sum((v) => !v.file && !v.shared && v.name !== '[stack]' && (v.prot & 2) !== 0))}\n` +
    `VmStk:\t${kb(sum((v) => v.name === '[stack]'))}\nVmExe:\t${kb(sum((v) => !!v.file && v.file.name === p.exe && (v.prot & 4) !== 0))}\n` +
    `VmLib:\t${kb(sum((v) => !!v.file && v.file.name !== p.exe && (v.prot & 4) !== 0))}\nVmPTE:\t${kb(4096)}\nVmSwap:\t${kb(0)}\n` +
    `HugetlbPages:\t${kb(0)}\nCoreDumping:\t0\nTHP_enabled:\t1\n`;
  return `Name:\t${comm(p, p.threads.find((x) => x.tid === thread?.tid))}\nUmask:\t${p.fs.umask.toString(8).padStart(4, '0')}\n` +
    `State:\t${i.state} (${STATE_NAMES[i.state]})\n` +
    `Tgid:\t${p.pid}\nNgid:\t0\nPid:\t${thread?.tid ?? p.pid}\nPPid:\t${p.ppid}\nTracerPid:\t${i.tracerPid}\n` +
    `Uid:\t${c.uid}\t${c.euid}\t${c.suid}\t${c.fsuid ?? c.euid}\nGid:\t${c.gid}\t${c.egid}\t${c.sgid}\t${c.fsgid ?? c.egid}\n` +
    `FDSize:\t64\nGroups:\t${c.groups.join(' ')} \nNStgid:\t${p.pid}\nNSpid:\t${thread?.tid ?? p.pid}\nNSpgid:\t${p.pgid}\nNSsid:\t${p.sid}\n` +
    vm + `Threads:\t${p.threads.length || 1}\n` +
    `SigQ:\t0/63459\nSigPnd:\t${sig(i.sigPending)}\nShdPnd:\t${sig(i.sharedPending)}\nSigBlk:\t${sig(i.sigBlocked)}\n` +
    `SigIgn:\t${sig(i.sigIgnored)}\nSigCgt:\t${sig(i.sigCaught)}\nCapInh:\t${sig(caps.inh)}\n` +
    `CapPrm:\t${sig(caps.prm)}\nCapEff:\t${sig(caps.eff)}\n` +
    `CapBnd:\t${sig(caps.bnd)}\nCapAmb:\t${sig(caps.amb)}\nNoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n` +
    `Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\nMems_allowed_list:\t0\n` +
    `voluntary_ctxt_switches:\t${i.voluntary}\nnonvoluntary_ctxt_switches:\t${i.involuntary}\n`;
}

// /proc/PID/smaps (each mapping, as maps shows it, with its memory) and smaps_rollup (the sum).
function smaps(p: ProcProcess, rollup: boolean): string {
  const row = (name: string, v: number | string) => `${name}:`.padEnd(16) + String(v).padStart(8) + (typeof v === 'number' ? ' kB' : '') + '\n';
  const body = (size: number | undefined, rss: number, anon: boolean, shared: boolean) => {
    const r = rss * 4;
    return (size === undefined ? '' : row('Size', size / 1024) + row('KernelPageSize', 4) + row('MMUPageSize', 4)) +
      row('Rss', r) + row('Pss', r) + row('Pss_Dirty', anon ? r : 0) +
      (size === undefined ? row('Pss_Anon', anon ? r : 0) + row('Pss_File', anon ? 0 : r) + row('Pss_Shmem', 0) : '') +
      row('Shared_Clean', 0) + row('Shared_Dirty', shared ? r : 0) + row('Private_Clean', anon || shared ? 0 : r) +
      row('Private_Dirty', anon && !shared ? r : 0) + row('Referenced', r) + row('Anonymous', anon ? r : 0) + row('KSM', 0) +
      row('LazyFree', 0) + row('AnonHugePages', 0) + row('ShmemPmdMapped', 0) + row('FilePmdMapped', 0) + row('Shared_Hugetlb', 0) +
      row('Private_Hugetlb', 0) + row('Swap', 0) + row('SwapPss', 0) + row('Locked', 0);
  };
  const lines = maps(p).split('\n');
  if (rollup) {
    const vs = p.mm.vmas;
    if (!vs.length) return '';
    let anonR = 0, fileR = 0;
    for (const v of vs) { if (v.file) fileR += rssPages(p, v); else anonR += rssPages(p, v); }
    const head = `${hex(vs[0].start, 8)}-${hex(vs[vs.length - 1].end, 8)} ---p 00000000 00:00 0`.padEnd(73) + '[rollup]\n';
    // the rollup's sums, by kind: anonymous pages are private dirty, file pages private clean
    const r = (n: number) => n * 4;
    return head + row('Rss', r(anonR + fileR)) + row('Pss', r(anonR + fileR)) + row('Pss_Dirty', r(anonR)) + row('Pss_Anon', r(anonR)) +
      row('Pss_File', r(fileR)) + row('Pss_Shmem', 0) + row('Shared_Clean', 0) + row('Shared_Dirty', 0) + row('Private_Clean', r(fileR)) +
      row('Private_Dirty', r(anonR)) + row('Referenced', r(anonR + fileR)) + row('Anonymous', r(anonR)) + row('KSM', 0) + row('LazyFree', 0) +
      row('AnonHugePages', 0) + row('ShmemPmdMapped', 0) + row('FilePmdMapped', 0) + row('Shared_Hugetlb', 0) + row('Private_Hugetlb', 0) +
      row('Swap', 0) + row('SwapPss', 0) + row('Locked', 0);
  }
  return p.mm.vmas.map((v, n) => {
    const flags = [v.prot & 1 ? 'rd' : '', v.prot & 2 ? 'wr' : '', v.prot & 4 ? 'ex' : '', v.shared ? 'sh' : '', 'mr', 'mw', 'me',
      v.shared ? 'ms' : '', v.name === '[stack]' ? 'gd' : '', v.file ? '' : 'ac'].filter(Boolean).join(' ');
    return lines[n] + '\n' + body(v.end - v.start, rssPages(p, v), !v.file, v.shared) + `THPeligible:    0\nVmFlags: ${flags} \n`;
  }).join('');
}

// /proc/PID/pagemap: one 64-bit entry per virtual page, read at offset page * 8: bit 63 present,
// bit 61 a file or shared page, bit 56 mapped only here, bits 0-54 the frame. The file spans the
// whole address space, so entries are made for the range a read asks for.
// A /proc/sys file: reads give the knob's value now; each write sets it (the text as written).
export class SysctlFile extends FileDescription {
  private pos = 0;
  constructor(flags: number, path: string, private readonly st: () => Stat, private readonly get: () => string,
    private readonly set: (text: string) => number) { super(flags, path); }
  override read(n: number, pos?: number): Uint8Array | number {
    const at = pos ?? this.pos;
    const out = latin1(this.get()).slice(at, at + n);
    if (pos === undefined) this.pos += out.length;
    return out;
  }
  override write(data: Uint8Array, pos?: number): number {
    if ((pos ?? this.pos) > 0) return data.length; // Linux ignores writes past the start of a number
    const r = this.set(String.fromCharCode(...data.subarray(0, 4096)));
    if (r < 0) return r;
    if (pos === undefined) this.pos += data.length;
    return data.length;
  }
  override seek(offset: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : NaN;
    if (Number.isNaN(base) || base + offset < 0) return -EINVAL;
    return (this.pos = base + offset);
  }
  override truncate(): number { return 0; }
  override stat(): Stat { return this.st(); }
}

// /proc/PID/mem: the process's memory at file offset = address (a debugger reads and writes it,
// read-only pages included); unmapped addresses give EIO.
export class MemFile extends FileDescription {
  private pos = 0;
  constructor(flags: number, path: string, private readonly p: ProcProcess, private readonly st: () => Stat) { super(flags, path); }
  override read(n: number, pos?: number): Uint8Array | number {
    const at = pos ?? this.pos;
    const out: Uint8Array[] = [];
    let done = 0;
    for (n = Math.min(n, 1 << 20); done < n;) {
      const len = Math.min(n - done, 4096 - ((at + done) % 4096));
      const b = this.p.mm.read?.(at + done, len);
      if (!b) break;
      out.push(b);
      done += len;
    }
    if (!done && n) return -EIO;
    const r = new Uint8Array(done);
    let o = 0;
    for (const b of out) { r.set(b, o); o += b.length; }
    if (pos === undefined) this.pos += done;
    return r;
  }
  override write(data: Uint8Array, pos?: number): number {
    const at = pos ?? this.pos;
    if (!this.p.mm.poke?.(at, data)) return -EIO;
    if (pos === undefined) this.pos += data.length;
    return data.length;
  }
  override seek(offset: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : NaN;
    if (Number.isNaN(base)) return -EINVAL;
    return (this.pos = base + offset);
  }
  override stat(): Stat { return this.st(); }
}

export class PagemapFile extends FileDescription {
  private pos = 0;
  constructor(flags: number, path: string, private readonly p: ProcProcess, private readonly st: () => Stat) { super(flags, path); }
  override read(n: number, pos?: number): Uint8Array | number {
    const at = pos ?? this.pos;
    if (at % 8 || n % 8) return -EINVAL;
    const count = Math.min(n, 1 << 20) / 8, first = at / 8;
    const out = new Uint8Array(count * 8);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < count; i++) {
      const addr = (first + i) * 4096;
      if (addr >= 2 ** 47) return out.subarray(0, i * 8);
      const e = this.p.mm.pte?.(addr) ?? 0;
      if (!(e & 1)) continue;
      const v = this.p.mm.vmas.find((x) => addr >= x.start && addr < x.end);
      const hi = 0x8000_0000 | (v?.file || v?.shared ? 0x2000_0000 : 0x0100_0000);
      dv.setUint32(i * 8, Math.floor(e / 4096), true);
      dv.setUint32(i * 8 + 4, hi, true);
    }
    if (pos === undefined) this.pos += out.length;
    return out;
  }
  override seek(offset: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : NaN;
    if (Number.isNaN(base) || base + offset < 0) return -EINVAL;
    return (this.pos = base + offset);
  }
  override stat(): Stat { return this.st(); }
}

// /proc/PID/fdinfo/FD: position, open flags (octal, O_CLOEXEC included), inode.
function fdinfo(p: ProcProcess, fd: number): string {
  const f = p.files.get(fd)!;
  const pos = f.seek(0, 1 /* SEEK_CUR */);
  const flags = f.flags | (p.files.cloexec?.(fd) ? 0o2000000 : 0);
  const st = f.stat();
  return `pos:\t${pos < 0 ? 0 : pos}\nflags:\t0${flags.toString(8)}\nmnt_id:\t${f.node ? 21 : 15}\n` +
    `ino:\t${typeof st === 'number' ? 0 : st.ino}\n` + (f.fdinfo?.() ?? '');
}

// /proc/PID/limits, in Linux's table.
function limits(p: ProcProcess): string {
  const rows: [string, number, string][] = [
    ['Max cpu time', 0, 'seconds'], ['Max file size', 1, 'bytes'], ['Max data size', 2, 'bytes'], ['Max stack size', 3, 'bytes'],
    ['Max core file size', 4, 'bytes'], ['Max resident set', 5, 'bytes'], ['Max processes', 6, 'processes'],
    ['Max open files', 7, 'files'], ['Max locked memory', 8, 'bytes'], ['Max address space', 9, 'bytes'],
    ['Max file locks', 10, 'locks'], ['Max pending signals', 11, 'signals'], ['Max msgqueue size', 12, 'bytes'],
    ['Max nice priority', 13, ''], ['Max realtime priority', 14, ''], ['Max realtime timeout', 15, 'us'],
  ];
  const v = (x: bigint) => (x === 0xffffffffffffffffn ? 'unlimited' : String(x));
  return `${'Limit'.padEnd(26)}${'Soft Limit'.padEnd(21)}${'Hard Limit'.padEnd(21)}${'Units'.padEnd(10)}\n` + rows.map(([name, res, unit]) => {
    const [soft, hard] = p.limit?.(res) ?? [0xffffffffffffffffn, 0xffffffffffffffffn];
    return `${name.padEnd(26)}${v(soft).padEnd(21)}${v(hard).padEnd(21)}${unit ? unit.padEnd(10) : ''}\n`;
  }).join('');
}

function cpuinfo(): string {
  return `processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 158\nmodel name\t: xos virtual x86-64 CPU\n` +
    `stepping\t: 10\nmicrocode\t: 0x1\ncpu MHz\t\t: 3000.000\ncache size\t: 8192 KB\nphysical id\t: 0\nsiblings\t: 1\n` +
    `core id\t\t: 0\ncpu cores\t: 1\napicid\t\t: 0\ninitial apicid\t: 0\nfpu\t\t: yes\nfpu_exception\t: yes\n` +
    `cpuid level\t: 13\nwp\t\t: yes\nflags\t\t: ${CPU_FLAGS}\nbugs\t\t:\nbogomips\t: 6000.00\nclflush size\t: 64\n` +
    `cache_alignment\t: 64\naddress sizes\t: 39 bits physical, 48 bits virtual\npower management:\n\n`;
}

