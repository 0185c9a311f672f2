// What the Node and the browser Machine APIs share: option parsing and the shape
// of a run's result. Platform-neutral (the browser entry imports it).
import type { HostInput, HostOutput } from '../base/host.js';
import type { Registers } from '../kernel/registers.js';
import type { PlatformHost } from './platform.js';
import type { FsBackend } from '../fs/backend.js';
import type { Vfs } from '../fs/vfs.js';
import { GuestFs, type GuestMount } from '../fs/guest-fs.js';
import { loadImage, type ImageConfig, type LoadedImage } from '../fs/image.js';
import { OverlayFs, layerTar } from '../fs/overlay.js';
import { bytesSource } from '../fs/tar.js';
import { Tmpfs } from '../fs/tmpfs.js';
import { MemoryBudget } from '../base/budget.js';
import { StaticFileFs } from '../fs/static-file.js';
import type { NetStack, PublishSpec } from '../net/stack.js';

export interface RunResult {
  pid: number;
  exitCode: number | null; // null when killed by a signal
  signal: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  stdoutText: string;
  stderrText: string;
  error?: string; // the program could not be started
  timedOut?: boolean; // killed because it outlived the run's timeout
  syscalls?: number; // syscalls the guest made
  instructions?: number; // guest instructions the core retired
  ms?: number; // the run's wall time (instructions / ms / 1000: guest M instructions/s)
  registers?: Registers; // the registers of the thread that ended the process, when it ended
  jit?: RunJitStats; // what the JIT did (when it was on)
}
export interface RunJitStats {
  modules: number; functions: number; blocks: number; compileMs: number; codegenMs: number; bytes: number; evicted: number;
  cacheBytes: number; peakCacheBytes: number; invalidations: number; refused: number;
  retired: number; // guest instructions retired in translated code (the machine's total, all runs)
  entries: number; // times run() entered translated code
}
// One line for --stats (`ms`: the wall time to rate instructions by, default the run's).
export function formatStats(r: RunResult, ms = r.ms ?? 0): string {
  const ips = r.instructions !== undefined && ms > 0 ? (r.instructions / ms / 1000).toFixed(1) : '?';
  const j = r.jit;
  return `xos: ${r.instructions ?? '?'} instructions in ${ms.toFixed(0)} ms (${ips} M/s), ${r.syscalls ?? '?'} syscalls; ` +
    (j ? `jit: ${j.functions} regions in ${j.modules} modules (${j.blocks} blocks, ${(j.bytes / 1024).toFixed(0)} KiB of wasm), ` +
      `${j.compileMs.toFixed(1)} ms compiling (${j.codegenMs.toFixed(1)} generating; ` +
      `${j.blocks ? (j.compileMs * 1000 / j.blocks).toFixed(0) : 0} us per block), ${j.invalidations} invalidations, ` +
      `${j.evicted} modules evicted, code cache peak ${(j.peakCacheBytes / 1024).toFixed(0)} KiB, ` +
      `${r.instructions ? (100 * j.retired / r.instructions).toFixed(0) : '?'}% of instructions translated, ` +
      `${(j.entries / 1e3).toFixed(0)} k entries (${j.entries ? (j.retired / j.entries).toFixed(1) : '-'} instructions each)` +
      (j.refused ? `, ${j.refused} modules refused by the engine (a translator bug)` : '') : 'jit: off');
}

// '512M', '2G', '1.5g', 4096 → bytes (0 when unreadable).
export function parseSize(s: string | number): number {
  if (typeof s === 'number') return s;
  const m = /^(\d+(?:\.\d+)?)([kmgt]?)i?b?$/i.exec(s.trim());
  if (!m) return 0;
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(parseFloat(m[1]) * mult);
}

// The machine's memory (--memory, MachineOptions.memory): at least docker's minimum, at most
// WebAssembly's 4 GiB (of which xos keeps 80 MiB for the CPU's own tables and the JIT's). Throws RangeError.
export const MIN_MEMORY = 6 * 2 ** 20, MAX_MEMORY = 4 * 2 ** 30;
export function memorySize(v: string | number): number {
  const bytes = parseSize(v);
  if (!bytes) throw new RangeError(`xos: bad memory size ${String(v)} (want e.g. 512M, 2G)`);
  if (bytes < MIN_MEMORY) throw new RangeError(`xos: memory ${String(v)} is too small: at least 6M`);
  if (bytes > MAX_MEMORY) throw new RangeError(`xos: memory ${String(v)} is too large: at most 4G`);
  return bytes;
}

export function envList(e: string[] | Record<string, string> | undefined): string[] {
  if (!e) return [];
  return Array.isArray(e) ? e : Object.entries(e).map(([k, v]) => `${k}=${v}`);
}

// Later entries override earlier ones with the same name; order of first appearance is kept.
export function mergeEnv(...lists: string[][]): string[] {
  const m = new Map<string, string>();
  for (const l of lists) for (const kv of l) m.set(kv.slice(0, kv.indexOf('=') >>> 0), kv);
  return [...m.values()];
}

export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

// A result from a wait status (exit code << 8, or the signal number).
export function resultFromStatus(pid: number, status: number, out: Uint8Array[], err: Uint8Array[]): RunResult {
  const sig = status & 0x7f;
  return sig ? makeResult(pid, null, sig, out, err) : makeResult(pid, (status >> 8) & 0xff, null, out, err);
}

export function makeResult(pid: number, exitCode: number | null, signal: number | null, out: Uint8Array[],
  err: Uint8Array[], error?: string): RunResult {
  const stdout = concatBytes(out), stderr = concatBytes(err);
  const dec = new TextDecoder();
  const r: RunResult = { pid, exitCode, signal, stdout, stderr, stdoutText: dec.decode(stdout), stderrText: dec.decode(stderr) };
  if (error !== undefined) r.error = error;
  return r;
}

// Output collected into chunks, optionally also handed to a callback as it comes.
export function captureOutput(chunks: Uint8Array[], forward?: (data: Uint8Array) => void, isTTY = false): HostOutput {
  return {
    isTTY,
    write: (data) => {
      const copy = data.slice();
      chunks.push(copy);
      forward?.(copy);
    },
  };
}

// Input from fixed bytes, then end of file.
export function bytesInput(data: Uint8Array): HostInput {
  let pos = 0;
  return {
    isTTY: false,
    read(max) {
      if (pos >= data.length) return 'eof';
      const out = data.subarray(pos, pos + max);
      pos += out.length;
      return out;
    },
    watch: (cb) => { queueMicrotask(cb); return () => {}; },
  };
}

// Input pushed as it arrives (a terminal in a page, a stream): push() bytes, end() for EOF.
export interface QueueInput extends HostInput {
  push(data: Uint8Array | string): void;
  end(): void;
}
export function queueInput(isTTY = false): QueueInput {
  const queue: Uint8Array[] = [];
  let ended = false;
  const watchers = new Set<() => void>();
  const notify = () => { const w = [...watchers]; watchers.clear(); for (const f of w) f(); };
  return {
    isTTY,
    read(max) {
      if (queue.length) {
        const head = queue[0];
        if (head.length <= max) { queue.shift(); return head; }
        queue[0] = head.subarray(max);
        return head.subarray(0, max);
      }
      return ended ? 'eof' : null;
    },
    watch(cb) {
      if (queue.length || ended) { queueMicrotask(cb); return () => {}; }
      watchers.add(cb);
      return () => { watchers.delete(cb); };
    },
    push(data) {
      const b = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice();
      if (b.length) queue.push(b);
      notify();
    },
    end() { ended = true; notify(); },
  };
}

// --- file systems: the root, mounts, images (both Machines) -----------------------------------

// A mount as given to Machine.create: a host directory (Node only), a tmpfs, or a backend.
export interface MountSpec {
  guest: string; // where in the guest
  host?: string; // a host directory (hostfs)
  readOnly?: boolean;
  type?: 'hostfs' | 'tmpfs';
  backend?: FsBackend;
}

// 'HOST:GUEST[:ro]' (the CLI's --mount) → a MountSpec.
export function parseMountSpec(s: string): MountSpec | undefined {
  const parts = s.split(':');
  let readOnly = false;
  if (parts.length > 2 && (parts[parts.length - 1] === 'ro' || parts[parts.length - 1] === 'rw')) {
    readOnly = parts.pop() === 'ro';
  }
  if (parts.length !== 2 || !parts[0] || !parts[1].startsWith('/')) return undefined;
  return { host: parts[0], guest: parts[1], readOnly };
}

// A root in memory with the directories programs expect (the page's default root).
export function tmpfsRoot(now: () => bigint): Tmpfs {
  const fs = new Tmpfs({ now, size: 2 ** 31 });
  for (const d of ['/bin', '/dev', '/etc', '/home', '/proc', '/root', '/sbin', '/usr/bin', '/usr/lib', '/var']) fs.mkdirp(d);
  fs.mkdirp('/tmp', 0o1777);
  fs.chmod('/tmp', 0o1777);
  fs.chmod('/root', 0o700);
  return fs;
}

// The file systems of a Machine: its root and mounts (kept across runs: each run's kernel gets
// them), the overlay's upper when the root is an image, and `fs`, the guest's view for the embedder.
export class MachineFileSystems {
  private list: GuestMount[];
  // The machine's memory account: its tmpfs and in-memory overlays charge it from the start; the
  // kernel, made later, sets its limit (--memory).
  readonly budget = new MemoryBudget();
  private vfs?: Vfs; // the running machine's, once attached
  upper?: FsBackend; // the writable layer over the image, when the root is one
  imageConfig?: ImageConfig;
  readonly fs: GuestFs;
  constructor(private readonly host: PlatformHost, root: FsBackend) {
    this.list = [{ path: '/', backend: root }];
    this.fs = new GuestFs(host, () => this.list);
  }
  get root(): FsBackend { return this.list[0].backend; }

  mount(path: string, backend: FsBackend): void {
    const p = '/' + path.split('/').filter((c) => c && c !== '.').join('/');
    if (p === '/') this.list[0] = { path: '/', backend };
    else {
      // The mount point must exist to be reachable. It is made where missing, as container runtimes do,
      // except in a host directory (the user's own files: make it yourself).
      if (!this.fs.exists(p)) {
        if (this.root.userFiles) throw new Error(`xos: mount point ${p} does not exist in the guest's root`);
        this.fs.mkdir(p, { recursive: true });
      }
      this.list = [...this.list.filter((m) => m.path !== p), { path: p, backend }];
    }
    this.fs.invalidate();
    this.vfs?.mount(p, backend);
  }
  // Every mount but the root, in the order made.
  mounts(): readonly GuestMount[] { return this.list.slice(1); }
  // The machine's VFS: everything mounted so far goes on it, and what is mounted later too.
  attach(vfs: Vfs): void {
    this.vfs = vfs;
    for (const m of this.mounts()) vfs.mount(m.path, m.backend);
  }

  tmpfs(mode = 0o1777): Tmpfs {
    return new Tmpfs({ now: () => this.host.realtimeNs(), mode, budget: this.budget });
  }

  // An image (read-only) with a writable layer over it: `upper`, or a new tmpfs.
  overlay(image: FsBackend, upper?: FsBackend): OverlayFs {
    // in memory, the changes may take all of the machine's memory (as a disk-backed upper would take the disk)
    return new OverlayFs(image, upper ?? new Tmpfs({ now: () => this.host.realtimeNs(), size: Infinity, inodes: Infinity, budget: this.budget }));
  }

  // Use an image as the root: an overlay over it, and a tmpfs on /tmp.
  useImage(loaded: LoadedImage, upper?: FsBackend): void {
    const o = this.overlay(loaded.fs, upper);
    this.upper = o.upper;
    this.imageConfig = loaded.config;
    this.mount('/', o);
    this.mount('/tmp', this.tmpfs());
    // the working directory the image names is made where missing, as container runtimes do
    const cwd = loaded.config?.cwd;
    if (cwd && cwd !== '/' && !this.fs.exists(cwd)) {
      try { this.fs.mkdir(cwd, { recursive: true }); } catch { /* (a file there: the run says so) */ }
    }
  }

  // The tar bytes (gzip or not; any image format) as a writable overlay at `at` ('/' replaces the root).
  async mountTarBytes(bytes: Uint8Array, at: string): Promise<void> {
    const loaded = await loadImage(bytesSource(bytes), { gunzip: this.host.gunzip?.bind(this.host) });
    if (at === '/' || at === '') this.useImage(loaded);
    else this.mount(at, this.overlay(loaded.fs));
  }

  // The overlay's upper as an OCI layer tar (whiteouts included).
  commitImage(): Uint8Array {
    if (!this.upper) throw new Error('xos: commitImage needs a machine whose root is an image');
    return layerTar(this.upper);
  }
}

// --- the network (both Machines) ------------------------------------------------------------------

// '8080:80', '127.0.0.1:8080:80/udp', '[::1]:8080:80' (docker's -p) → a PublishSpec.
export function parsePublish(s: string): PublishSpec | undefined {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(\d{1,5}):(\d{1,5})(?:\/(tcp|udp))?$/.exec(s.trim());
  if (!m) return undefined;
  const hostPort = Number(m[2]), guestPort = Number(m[3]);
  if (hostPort > 65535 || guestPort < 1 || guestPort > 65535) return undefined;
  const spec: PublishSpec = { hostPort, guestPort, protocol: (m[4] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
  if (m[1]) spec.hostIp = m[1].replace(/^\[|\]$/g, '');
  return spec;
}
// 'NAME:IP' (docker's --add-host; 'host-gateway' is the host) → a hosts entry.
export function parseAddHost(s: string): { name: string; address: string } | undefined {
  const i = s.indexOf(':');
  if (i <= 0) return undefined;
  const name = s.slice(0, i), address = s.slice(i + 1).replace(/^\[|\]$/g, '');
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return undefined;
  if (address === 'host-gateway') return { name, address: '10.0.2.2' };
  return /^[0-9.]+$/.test(address) || address.includes(':') ? { name, address } : undefined;
}

// /etc/hosts and /etc/resolv.conf as xos provides them (as docker does), over whatever the root has;
// a root without /etc gets one. In --net host mode they are the host's (and the --add-host lines).
export function mountNetworkFiles(vfs: Vfs, net: NetStack, files: MachineFileSystems, now: bigint): void {
  const enc = new TextEncoder();
  const hostResolv = net.mode === 'host' ? net.host?.resolvConf?.() : undefined;
  const resolv = net.etcResolvConf(hostResolv);
  const hosts = net.etcHosts();
  const names = ['hosts', 'resolv.conf'];
  if (files.root.type === 'tmpfs' && !files.upper) {
    // a root in memory: the names are made (empty) under the mounts, so that ls /etc shows them
    files.fs.mkdir('/etc', { recursive: true });
    for (const n of names) if (!files.fs.exists(`/etc/${n}`)) files.fs.writeFile(`/etc/${n}`, '');
  } else if (!files.fs.exists('/etc')) {
    // the user's own directory or an image (whose changes are committed), without /etc: one in
    // memory, never made in their files
    const etc = files.tmpfs(0o755);
    for (const n of names) etc.writeFile(`/${n}`, '');
    vfs.mount('/etc', etc);
  }
  vfs.mount('/etc/hosts', new StaticFileFs(enc.encode(hosts), now, 2));
  vfs.mount('/etc/resolv.conf', new StaticFileFs(enc.encode(resolv), now, 3));
}
