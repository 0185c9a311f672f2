// procfs: a minimal /proc, generated when read from the kernel's processes.
import type { FsBackend, StatFs } from './backend.js';
import { EMPTY_STATFS, KernelTreeFs } from './backend.js';
import {
  BufferFile, FileDescription, O_ACCMODE, O_RDONLY, S_IFDIR, S_IFLNK, S_IFREG, type Dirent, type Stat,
} from './file.js';
import { EACCES, EINVAL, ENOENT, ENOTDIR, EPERM } from '../base/errno.js';
import { CPU_FLAGS } from '../generated/cpuid.js';
import type { Vfs, FsCaller } from './vfs.js';
import type { MountTable } from './mounts.js';

export interface ProcVma {
  start: number; end: number; prot: number; shared: boolean; offset: number;
  file?: { readonly name: string; readonly dev?: number; readonly ino?: number };
  name?: string;
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
  fs: { cwd: string; umask: number; root?: string };
  mnt?: MountTable; // its mount namespace
  files: { fds(): number[]; get(fd: number): FileDescription | undefined; cloexec?(fd: number): boolean };
  limit?(res: number): [bigint, bigint];
  mm: { vmas: ProcVma[] };
  creds: { uid: number; euid: number; suid: number; gid: number; egid: number; sgid: number; groups: number[] };
  readonly threads: readonly { readonly tid: number; readonly comm: Uint8Array }[];
}
// The machine's memory, in bytes: its size (--memory), what the allocator has handed out, the page
// cache's share of that and shared memory's (for /proc/meminfo).
export interface MemoryInfo { total: number; used: number; cached: number; shmem: number }
export interface ProcSource { readonly processes: ReadonlyMap<number, ProcProcess>; memoryInfo?(): MemoryInfo }

const enc = new TextEncoder();
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');


type Entry =
  | { kind: 'dir'; list: () => Dirent[] }
  | { kind: 'file'; data: () => Uint8Array }
  | { kind: 'link'; target: () => string; file?: () => FileDescription | undefined };

export class ProcFs extends KernelTreeFs implements FsBackend {
  readonly type = 'proc';
  readonly readOnly = false; // refuses changes with Linux's errnos instead of EROFS
  constructor(private readonly caller: () => FsCaller | undefined, private readonly source: ProcSource | undefined,
    private readonly vfs: Vfs) { super(); }

  private get self(): number { return this.caller()?.proc.pid ?? 1; }
  private get processes(): ReadonlyMap<number, ProcProcess> { return this.source?.processes ?? new Map(); }

  private static readonly TOP = ['cpuinfo', 'meminfo', 'uptime', 'version', 'filesystems', 'stat', 'loadavg'];
  private static readonly PER_PID = ['exe', 'cwd', 'root', 'fd', 'fdinfo', 'task', 'maps', 'cmdline', 'environ', 'stat', 'status', 'comm', 'mounts', 'mountinfo', 'limits', 'net'];
  private static readonly DIRS = new Set(['fd', 'fdinfo', 'task', 'net']);

  // A global guest path as the reading process sees it (inside its chroot); unchanged when outside it.
  private view(global: string): string { return this.vfs.viewPath(this.caller(), global) ?? global; }

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
      return { kind: 'link', target: () => (f.path.startsWith('/') ? this.view(f.path) : f.path), file: () => p.files.get(Number(more[0])) };
    }
    if (more.length) return undefined;
    switch (what) {
      case 'exe': return { kind: 'link', target: () => p.exe || '/' };
      case 'cwd': return { kind: 'link', target: () => this.view(p.fs.cwd) };
      case 'root': return { kind: 'link', target: () => this.view(p.fs.root ?? '/') };
      case 'maps': return { kind: 'file', data: () => latin1(maps(p)) };
      case 'cmdline': return { kind: 'file', data: () => joinZ(p.argv) };
      case 'environ': return { kind: 'file', data: () => joinZ(p.envp) };
      case 'stat': return { kind: 'file', data: () => latin1(statLine(p, this.vfs.pts.terminalOf(p.sid), thread)) };
      case 'status': return { kind: 'file', data: () => latin1(status(p, thread)) };
      case 'comm': return { kind: 'file', data: () => latin1(comm(p, thread) + '\n') };
      case 'limits': return { kind: 'file', data: () => latin1(limits(p)) };
      case 'mounts': return { kind: 'file', data: () => latin1((p.mnt ?? this.vfs.mounts).describe(p.fs.root ?? '/', false)) };
      case 'mountinfo': return { kind: 'file', data: () => latin1((p.mnt ?? this.vfs.mounts).describe(p.fs.root ?? '/', true)) };
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
      case 'stat': return enc.encode('cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime 0\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n');
      case 'loadavg': return enc.encode(`0.00 0.00 0.00 1/${this.processes.size} ${Math.max(1, ...this.processes.keys())}\n`);
    }
    return new Uint8Array(0);
  }

  // /proc/sys: the settings programs read (read-only here).
  private sysctl(parts: string[]): Entry | undefined {
    const random = () => { const b = new Uint8Array(16); this.vfs.host.random(b); return b; };
    const uuid = (b: Uint8Array) => {
      b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
      const h = [...b].map((x) => hex(x, 2)).join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    };
    const bootId = uuid(random());
    const tree: Record<string, Record<string, () => string> | undefined> = {
      kernel: {
        ostype: () => 'Linux', osrelease: () => '6.1.0-xos', version: () => '#1 SMP PREEMPT_DYNAMIC xos', hostname: () => 'xos',
        domainname: () => '(none)', pid_max: () => '4194304', 'threads-max': () => '126608', ngroups_max: () => '65536',
        cap_last_cap: () => '40', overflowuid: () => '65534', overflowgid: () => '65534', randomize_va_space: () => '0',
        'random/uuid': () => uuid(random()), 'random/boot_id': () => bootId, 'random/entropy_avail': () => '256',
        'random/poolsize': () => '256', shmmax: () => '18446744073692774399', shmall: () => '18446744073692774399',
        shmmni: () => '4096', msgmax: () => '8192', msgmnb: () => '16384', msgmni: () => '32000', sem: () => '32000	1024000000	500	32000',
      },
      vm: { overcommit_memory: () => '0', max_map_count: () => '65530', swappiness: () => '60' },
      fs: { 'file-max': () => '9223372036854775807', nr_open: () => '1048576', 'pipe-max-size': () => '1048576', 'inotify/max_user_watches': () => '65536', 'inotify/max_user_instances': () => '128', 'inotify/max_queued_events': () => '16384' },
    };
    if (parts.length === 0) return { kind: 'dir', list: () => Object.keys(tree).map((name, i) => ({ ino: 900 + i, type: 4, name })) };
    const files = tree[parts[0]];
    if (!files) return undefined;
    const sub = parts.slice(1).join('/');
    if (files[sub]) return { kind: 'file', data: () => enc.encode(files[sub]!() + '\n') };
    // a directory: the names one level below `sub`
    const prefix = sub ? sub + '/' : '';
    const names = [...new Set(Object.keys(files).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split('/')[0]))];
    if (!names.length) return undefined;
    return { kind: 'dir', list: () => names.map((name) => ({ ino: pathIno(`/sys/${parts[0]}/${prefix}${name}`), type: files[prefix + name] ? 8 : 4, name })) };
  }

  private statOf(path: string, e: Entry): Stat {
    const t = 0n;
    const mode = e.kind === 'dir' ? S_IFDIR | 0o555 : e.kind === 'link' ? S_IFLNK | 0o777 : S_IFREG | 0o444;
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
  linkTarget(path: string): FileDescription | undefined {
    const e = this.entry(path);
    return e?.kind === 'link' && e.file ? e.file() : undefined;
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
    if ((flags & O_ACCMODE) !== O_RDONLY) return -EACCES;
    const st = this.statOf(path, e);
    return new BufferFile(flags, guestPath, e.data(), () => st);
  }
  statfs(): StatFs { return { ...EMPTY_STATFS, type: 0x9fa0 /* PROC_SUPER_MAGIC */ }; }
}

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

// tty: the controlling terminal's device number and foreground process group.
function statLine(p: ProcProcess, tty?: { rdev: number; pgrp: number }, thread = p.threads[0]): string {
  const vsize = p.mm.vmas.reduce((n, v) => n + v.end - v.start, 0);
  const f = [thread?.tid ?? p.pid, `(${comm(p, thread)})`, 'R', p.ppid, p.pgid, p.sid, tty?.rdev ?? 0, tty?.pgrp || -1, 4194304, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0,
    p.threads.length || 1, 0, 0, vsize, Math.ceil(vsize / 4096 / 4), '18446744073709551615', 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  return f.join(' ') + '\n';
}

function status(p: ProcProcess, thread = p.threads[0]): string {
  const c = p.creds;
  const vsize = Math.ceil(p.mm.vmas.reduce((n, v) => n + v.end - v.start, 0) / 1024);
  return `Name:\t${comm(p, thread)}\nUmask:\t${p.fs.umask.toString(8).padStart(4, '0')}\nState:\tR (running)\n` +
    `Tgid:\t${p.pid}\nNgid:\t0\nPid:\t${thread?.tid ?? p.pid}\nPPid:\t${p.ppid}\nTracerPid:\t0\n` +
    `Uid:\t${c.uid}\t${c.euid}\t${c.suid}\t${c.euid}\nGid:\t${c.gid}\t${c.egid}\t${c.sgid}\t${c.egid}\n` +
    `FDSize:\t64\nGroups:\t${c.groups.join(' ')}\nVmPeak:\t${String(vsize).padStart(8)} kB\nVmSize:\t${String(vsize).padStart(8)} kB\n` +
    `VmRSS:\t${String(Math.ceil(vsize / 4)).padStart(8)} kB\nThreads:\t${p.threads.length || 1}\n` +
    `SigQ:\t0/63459\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\nSigBlk:\t0000000000000000\n` +
    `SigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\nCapInh:\t0000000000000000\n` +
    `CapPrm:\t${c.euid === 0 ? '000001ffffffffff' : '0000000000000000'}\nCapEff:\t${c.euid === 0 ? '000001ffffffffff' : '0000000000000000'}\n` +
    `CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n` +
    `Cpus_allowed:\t1\nCpus_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n`;
}

// /proc/PID/fdinfo/FD: position, open flags (octal, O_CLOEXEC included), inode.
function fdinfo(p: ProcProcess, fd: number): string {
  const f = p.files.get(fd)!;
  const pos = f.seek(0, 1 /* SEEK_CUR */);
  const flags = f.flags | (p.files.cloexec?.(fd) ? 0o2000000 : 0);
  const st = f.stat();
  return `pos:\t${pos < 0 ? 0 : pos}\nflags:\t0${flags.toString(8)}\nmnt_id:\t${f.node ? 21 : 15}\n` +
    `ino:\t${typeof st === 'number' ? 0 : st.ino}\n`;
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

