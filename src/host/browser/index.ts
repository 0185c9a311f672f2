// The browser host and the browser Machine API (the package's "./browser" entry).
//
//   import { Machine } from 'xos/browser';
//   const m = await Machine.create();                  // fetches build/core.wasm beside dist/
//   const r = await m.run(['/bin/hello'], { files: { '/bin/hello': bytes } });
//   r.exitCode === 0 && r.stdoutText === 'hello\n'
//
//   const m = await Machine.create({ image: '/images/alpine.tar' }); // fetched; an overlay in memory on top
//
// Without an image the root file system is a tmpfs that lives as long as the Machine: `files`
// of each run are written into it, and what programs write stays for the next
// run (as a host directory does for the Node Machine). The machine boots once and
// lives until close(); run() and spawn() start processes in it, several at once. Only web platform APIs
// are used (performance, Date, crypto, fetch, WebAssembly, MessageChannel,
// setTimeout), so this also runs in a Worker, and in Node for tests.
import { MachineCore, type GuestProcess } from '../machine.js';
import type { DebugSession } from '../debug-session.js';
import { seedHost, type SeedHost } from '../seed-host.js';
import { Tmpfs } from '../../fs/tmpfs.js';
import type { FsBackend } from '../../fs/backend.js';
import type { GuestFs } from '../../fs/guest-fs.js';
import { loadImage, type ImageConfig } from '../../fs/image.js';
import { bytesSource, type ByteSource } from '../../fs/tar.js';
import type { FileImage } from '../../elf/elf.js';
import type { HostInput, HostOutput } from '../../base/host.js';
import type { PlatformHost } from '../platform.js';
import { bytesInput, envList, mergeEnv, memorySize, parseAddHost, tmpfsRoot, MachineFileSystems, type MountSpec, type RunResult } from '../machine-common.js';
import { WispClient, wispHostNet, type WispTransport } from '../../net/wisp.js';
import type { NetConfig } from '../../net/stack.js';
import { saveMachine, readSnapshot, loadMachine, continuedClock, snapshotRegistry, checkTars, type SavedOptions } from '../snapshot.js';
import { SnapshotError } from '../../kernel/snapshot/codec.js';

export { Tmpfs } from '../../fs/tmpfs.js';
export { GuestFs, GuestFsError } from '../../fs/guest-fs.js';
export { layerTar } from '../../fs/overlay.js';
export { restoreLayer, TrackedFs } from '../../fs/layer-store.js';
export { bytesSource } from '../../fs/tar.js';
export { SnapshotError } from '../../kernel/snapshot/codec.js';
export { openBlobStore, type BlobStore } from './storage.js';
export type { Registers } from '../../kernel/registers.js';
export type { SeedHost, SeedOutcome, SeedRunOptions } from '../seed-host.js';
export { bytesInput, captureOutput, queueInput, parseSize, type QueueInput, type RunResult } from '../machine-common.js';
export type { Host, HostInput, HostOutput } from '../../base/host.js';
export type { DebugSession, DebugSnapshot, DebugRegister, DebugLine } from '../debug-session.js';

// --- the host ----------------------------------------------------------------------------

// Resolve a yield() after pending events: a MessageChannel message is not
// clamped to 4 ms as a nested setTimeout(0) is.
type Port = MessagePort & { ref?: () => void; unref?: () => void };
let channel: { rx: Port; tx: MessagePort } | undefined;
const yielders: (() => void)[] = [];
function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    const mc = new MessageChannel();
    const rx: Port = mc.port1;
    rx.onmessage = () => {
      yielders.shift()?.();
      if (!yielders.length) rx.unref?.();
    };
    channel = { rx, tx: mc.port2 };
  }
  // In Node (tests) the port keeps the process alive only while a yield is pending.
  channel.rx.ref?.();
  const tx = channel.tx;
  return new Promise((resolve) => {
    yielders.push(resolve);
    tx.postMessage(0);
  });
}

export interface BrowserHostOptions {
  stdin?: HostInput; // default: empty
  stdout?: HostOutput; // default: discarded
  stderr?: HostOutput;
  terminalSize?: () => { rows: number; cols: number } | undefined;
}

export function createBrowserHost(opts: BrowserHostOptions = {}): PlatformHost {
  const perfNs = (): bigint => BigInt(Math.round(performance.now() * 1e6));
  const startPerf = perfNs();
  const startReal = BigInt(Date.now()) * 1_000_000n;
  const discard: HostOutput = { isTTY: false, write: () => {} };
  const host: PlatformHost = {
    // Date gives the wall clock once; performance.now() moves it smoothly (and never backwards) from there.
    realtimeNs: () => startReal + (perfNs() - startPerf),
    monotonicNs: perfNs,
    // A page has no CPU time of its own to ask for: the time since the host was made stands in for it.
    cpuTimeNs: () => perfNs() - startPerf,
    random: (into) => { for (let o = 0; o < into.length; o += 65536) crypto.getRandomValues(into.subarray(o, o + 65536)); },
    stdin: opts.stdin ?? bytesInput(new Uint8Array(0)),
    stdout: opts.stdout ?? discard,
    stderr: opts.stderr ?? discard,
    yield: yieldToEventLoop,
    setTimer: (ms, cb) => setTimeout(cb, ms),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    gunzip: gunzipInMemory,
    compress: (data) => throughStream(data, new CompressionStream('deflate')),
    decompress: (data) => throughStream(data, new DecompressionStream('deflate')),
  };
  if (opts.terminalSize) host.terminalSize = opts.terminalSize;
  return host;
}

async function throughStream(data: Uint8Array, t: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(t);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// gzip through DecompressionStream, into memory (a page has no temporary files to spill to).
async function gunzipInMemory(src: ByteSource): Promise<ByteSource> {
  const stream = new Blob([src.read(0, src.size) as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return bytesSource(new Uint8Array(await new Response(stream).arrayBuffer()));
}

// --- the core ------------------------------------------------------------------------------

// build/core.wasm, relative to this module at dist/src/host/browser/index.js.
export const DEFAULT_CORE_URL = new URL('../../../../build/core.wasm', import.meta.url);

// Compile the core: streaming when the server sends application/wasm, else from the bytes.
export async function compileCore(url: string | URL = DEFAULT_CORE_URL): Promise<WebAssembly.Module> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`xos: cannot fetch the core from ${String(url)}: HTTP ${res.status}`);
  const type = res.headers.get('content-type') ?? '';
  if (typeof WebAssembly.compileStreaming === 'function' && type.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

// The image's digest, as Node's Machine computes it for a tar (the snapshot names the image by it).
async function imageDigest(bytes: Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return `sha256:${Array.from(h, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

async function fetchBytes(url: string | URL, what: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`xos: cannot fetch ${what} from ${String(url)}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

// --- the Machine -----------------------------------------------------------------------------

export type FileContents = Uint8Array | string | { data: Uint8Array | string; mode?: number };

export interface MachineOptions {
  coreUrl?: string | URL; // where build/core.wasm is (default: beside dist/, see DEFAULT_CORE_URL)
  core?: WebAssembly.Module | ArrayBuffer | Uint8Array; // the core itself (no fetch)
  memory?: number | string; // guest memory limit: bytes or '512M', '2G' (grown on demand; default as in Node)
  env?: string[] | Record<string, string>; // base environment of every program
  files?: Record<string, FileContents>; // written into the root file system at creation
  root?: FsBackend; // the root file system (default: a new tmpfs with the usual directories)
  // A container image as the root (tar, `docker save` or OCI layout in a tar; gzip or not), writable
  // through an in-memory overlay, with a tmpfs on /tmp: its bytes, or the URL to fetch them from.
  image?: Uint8Array | string | URL;
  // The image's writable layer (default: a new tmpfs): keep one to keep the guest's changes (the page
  // keeps it in OPFS: layer-store.ts, storage.ts).
  upper?: FsBackend;
  mounts?: MountSpec[]; // more file systems: { guest, type: 'tmpfs' } or { guest, backend }
  // A Wisp relay (`xos relay`, or any Wisp server: ws[s]://HOST:PORT/) through which the machine reaches
  // the outside. Without one it has its loopback only: connecting outside fails with ENETUNREACH.
  relay?: string | URL;
  addHosts?: (string | { name: string; address: string })[]; // 'NAME:IP' for /etc/hosts and the machine's DNS
  strace?: boolean;
  debug?: boolean; // report fatal faults on stderr
  // Translate hot code to WebAssembly (default: off). `hot`: runs of a block before it is
  // translated; `cacheBytes`: the bound of the code cache.
  jit?: boolean | { hot?: number; cacheBytes?: number };
  pidsMax?: number; // the most processes and threads at once (default from memory)
}

export interface RunOptions {
  stdin?: Uint8Array | string | HostInput;
  env?: string[] | Record<string, string>; // added to (and overriding) the machine's
  cwd?: string;
  // Written into the root before the program starts. An ELF or #! file gets mode 0755, others 0644,
  // unless a mode is given.
  files?: Record<string, FileContents>;
  timeout?: number; // ms; the guest gets SIGKILL when it runs longer
  onStdout?: (data: Uint8Array) => void; // output as it comes (it is also collected in the result)
  onStderr?: (data: Uint8Array) => void;
}
export interface SpawnOptions {
  env?: string[] | Record<string, string>;
  cwd?: string;
  files?: Record<string, FileContents>;
  // A pseudo-terminal of this size as stdin, stdout and stderr (stderr then comes on stdout).
  tty?: { cols: number; rows: number };
  // Stopped before its first instruction until a debugger (Machine.debugSession) continues it.
  debug?: boolean;
}

const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'];

function isExecutable(b: Uint8Array): boolean {
  return (b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) || (b[0] === 0x23 && b[1] === 0x21);
}

// A process started by Machine.spawn, with web streams for its stdio.
export class MachineProcess {
  readonly stdin: WritableStream<Uint8Array>;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  private readonly g: GuestProcess;

  constructor(start: (onStdout: (d: Uint8Array) => boolean, onStderr: (d: Uint8Array) => boolean) => GuestProcess) {
    let out!: ReadableStreamDefaultController<Uint8Array>, err!: ReadableStreamDefaultController<Uint8Array>;
    const pull = () => this.g.resumeOutput();
    this.stdout = new ReadableStream({ start: (c) => { out = c; }, pull }, { highWaterMark: 65536, size: (c) => c.length });
    this.stderr = new ReadableStream({ start: (c) => { err = c; }, pull }, { highWaterMark: 65536, size: (c) => c.length });
    const push = (c: ReadableStreamDefaultController<Uint8Array>) => (d: Uint8Array) => {
      c.enqueue(d.slice());
      return (c.desiredSize ?? 1) > 0;
    };
    this.g = start(push(out), push(err));
    const g = this.g;
    this.stdin = new WritableStream({ write(chunk) { g.write(chunk); }, close() { g.end(); } });
    void g.exited.then(() => setTimeout(() => { out.close(); err.close(); }, 0));
  }
  get pid(): number { return this.g.pid; }
  // The process in the foreground of its terminal (the job a shell runs, or the shell itself).
  get foreground(): number { return this.g.foreground; }
  kill(signo = 15): void { this.g.kill(signo); }
  async wait(): Promise<{ exitCode: number | null; signal: number | null }> {
    const { exitCode, signal } = await this.g.exited;
    return { exitCode, signal };
  }
  resize(cols: number, rows: number): void { this.g.resize(cols, rows); }
}

// A WebSocket as Wisp's transport (binary messages).
export function webSocketTransport(url: string | URL): Promise<WispTransport> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    const t: WispTransport = { send: (b) => ws.send(b), close: () => ws.close() };
    ws.onmessage = (e: MessageEvent) => { if (e.data instanceof ArrayBuffer) t.onmessage?.(new Uint8Array(e.data)); };
    ws.onopen = () => resolve(t);
    ws.onerror = () => reject(new Error(`xos: cannot reach the relay at ${String(url)}`));
    ws.onclose = () => t.onclose?.();
  });
}

// Where a snapshot taken here or in Node is restored: the image it was built on (bytes or a URL;
// default: the URL this page fetched it from, when it was fetched), the core, the upper layer
// to write its changes into (the page's: to see them), a relay for the outside.
export interface RestoreOptions {
  image?: Uint8Array | string | URL;
  core?: WebAssembly.Module | ArrayBuffer | Uint8Array;
  coreUrl?: string | URL;
  upper?: FsBackend;
  relay?: string | URL;
  tars?: Uint8Array[]; // the archives it had mounted with mountTarBytes (found among them by digest)
}

export class Machine {
  // The processes the machine had when it was saved (a restored machine's), with new streams.
  private restored: MachineProcess[] = [];
  private readonly restoredTty = new WeakSet<MachineProcess>();
  private constructor(private readonly opts: MachineOptions, private readonly core: MachineCore,
    private readonly fsys: MachineFileSystems, private readonly module: WebAssembly.Module,
    private readonly imageDigest?: string, private readonly wisp?: WispClient) {}

  static async create(opts: MachineOptions = {}): Promise<Machine> {
    const m = await Machine.build(opts, createBrowserHost());
    if (opts.files) m.writeFiles(opts.files);
    return m;
  }

  private static async build(opts: MachineOptions, host: PlatformHost, image?: Uint8Array): Promise<Machine> {
    const core = opts.core;
    const module = core instanceof WebAssembly.Module ? core
      : core ? await WebAssembly.compile(core as ArrayBuffer | Uint8Array<ArrayBuffer>) : await compileCore(opts.coreUrl);
    let fsys: MachineFileSystems;
    let digest: string | undefined;
    if (opts.image) {
      const bytes = image ?? (opts.image instanceof Uint8Array ? opts.image : await fetchBytes(opts.image, 'the image'));
      digest = await imageDigest(bytes);
      const loaded = await loadImage(bytesSource(bytes), { gunzip: gunzipInMemory });
      fsys = new MachineFileSystems(host, loaded.fs);
      fsys.useImage(loaded, opts.upper);
    } else {
      fsys = new MachineFileSystems(host, opts.root ?? Machine.newRoot());
    }
    for (const spec of opts.mounts ?? []) fsys.mount(spec.guest, spec.backend ?? fsys.tmpfs());
    const memory = opts.memory !== undefined ? memorySize(opts.memory) : undefined;
    const hosts = (opts.addHosts ?? []).map((h) => {
      const e = typeof h === 'string' ? parseAddHost(h) : h;
      if (!e) throw new TypeError(`xos: bad host entry ${String(h)} (want NAME:IP)`);
      return e;
    });
    const wisp = opts.relay !== undefined ? new WispClient(await webSocketTransport(opts.relay)) : undefined;
    const net: NetConfig = wisp ? { mode: 'bridge', host: wispHostNet(wisp), hosts } : { mode: 'none', hosts };
    const j = typeof opts.jit === 'object' ? opts.jit : {};
    const jit = { jit: !!opts.jit, jitHot: j.hot, jitCacheBytes: j.cacheBytes };
    const mc = await MachineCore.create({ host, coreModule: module, files: fsys, memory, pidsMax: opts.pidsMax, strace: opts.strace, debug: opts.debug, net, jit });
    return new Machine(opts, mc, fsys, module, digest, wisp);
  }

  // --- snapshots ---------------------------------------------------------------------------
  // The whole machine now as bytes (its processes, their memory and open files, the writable file
  // systems), compressed with CompressionStream: Machine.restore continues it, in a page or in Node
  // (xos's Machine.restore). The image is not in it (its digest is). Throws SnapshotError naming
  // what cannot be saved (a root or mount given as an object, a relay).
  async snapshot(): Promise<Uint8Array> {
    const { image, root, upper, mounts, core, coreUrl, files, relay, ...rest } = this.opts;
    if (root || mounts?.some((m) => m.backend)) {
      throw new SnapshotError('cannot save a machine whose file systems were given as objects (only tmpfs mounts and an image)');
    }
    if (this.wisp) throw new SnapshotError('cannot save a machine that reaches the network through a relay');
    const saved: SavedOptions<Record<string, unknown>> = {
      opts: { ...rest, net: 'none', mounts: mounts?.map((m) => ({ guest: m.guest, type: 'tmpfs' as const })) },
      imageDigest: image !== undefined ? this.imageDigest : undefined,
      imageUrl: image !== undefined && !(image instanceof Uint8Array) ? String(image) : undefined,
      rootfs: image === undefined ? 'tmpfs' : undefined,
      tars: this.tars.length ? this.tars.map((t) => ({ at: t.at, digest: t.digest })) : undefined,
    };
    return saveMachine(this.core, snapshotRegistry(), saved);
  }

  // A machine that continues where the snapshot's was (taken in a page or in Node): its processes
  // run on (m.processes: those the embedder had started, with new streams). A snapshot taken on an
  // image needs that image (`image`, checked against the digest the snapshot keeps).
  static async restore(bytes: Uint8Array, o: RestoreOptions = {}): Promise<Machine> {
    const base = createBrowserHost();
    const { meta, data } = await readSnapshot(bytes, base);
    const saved = meta.options as SavedOptions<Record<string, unknown>>;
    if (!saved || typeof saved !== 'object' || typeof saved.opts !== 'object' || saved.opts === null) {
      throw new SnapshotError('corrupt snapshot: no machine options in it');
    }
    const so = saved.opts;
    if (typeof so.root === 'string' || typeof so.upper === 'string' || (saved.imageDigest === undefined && saved.rootfs !== 'tmpfs')) {
      throw new SnapshotError('the snapshot\'s files are in a host directory: it can be restored only where that directory is (in Node)');
    }
    const mounts: MountSpec[] = [];
    for (const mt of Array.isArray(so.mounts) ? so.mounts as unknown[] : []) {
      const spec = mt as MountSpec;
      if (typeof mt === 'string' || !spec || spec.type !== 'tmpfs' || typeof spec.guest !== 'string') {
        throw new SnapshotError(`the snapshot's machine has a host directory mounted (${typeof mt === 'string' ? mt : String(spec?.guest)}): it cannot be restored in a browser`);
      }
      mounts.push({ guest: spec.guest, type: 'tmpfs' });
    }
    let image: Uint8Array | undefined;
    if (saved.imageDigest !== undefined) {
      const from = o.image ?? saved.imageUrl;
      if (from === undefined) throw new SnapshotError('the snapshot was taken on an image: restore it with { image }');
      image = from instanceof Uint8Array ? from : await fetchBytes(from, 'the image');
      const have = await imageDigest(image);
      if (have !== saved.imageDigest) throw new SnapshotError(`the snapshot was taken on image ${saved.imageDigest}, not this one (${have})`);
    } else if (o.image !== undefined) throw new SnapshotError('the snapshot was not taken on an image');
    const given = await Promise.all((o.tars ?? []).map(async (b) => ({ b, d: await imageDigest(b) })));
    const tars = checkTars(saved.tars, given.map((g) => g.b), (b) => given.find((g) => g.b === b)!.d);
    const opts: MachineOptions = {
      memory: so.memory as number | string | undefined, env: so.env as string[] | undefined, strace: so.strace === true, debug: so.debug === true,
      jit: so.jit as MachineOptions['jit'], addHosts: so.addHosts as MachineOptions['addHosts'], pidsMax: so.pidsMax as number | undefined,
      image: image, upper: o.upper, mounts, core: o.core, coreUrl: o.coreUrl, relay: o.relay,
    };
    const m = await Machine.build(opts, continuedClock(base, meta.monotonicNs), image);
    try {
      for (const t of tars) await m.mountTarBytes(t.bytes, t.at);
    } catch (e) {
      m.close();
      throw e;
    }
    loadMachine(m.core, data, snapshotRegistry(), (e) => {
      let g!: GuestProcess;
      const p = new MachineProcess((out, err) => (g = m.core.adopt(e, out, err)));
      m.restored.push(p);
      if (e.master) m.restoredTty.add(p);
      return g;
    });
    return m;
  }
  // An independent copy of the machine as it is now.
  async clone(): Promise<Machine> {
    const image = this.opts.image;
    return Machine.restore(await this.snapshot(), { core: this.module, image: image instanceof Uint8Array ? image : undefined, tars: this.tars.map((t) => t.bytes) });
  }
  // The processes of a restored machine that its embedder had started (running when it was saved).
  get processes(): readonly MachineProcess[] { return this.restored; }
  // Whether a restored process's stdio is a pseudo-terminal (its output then comes on stdout).
  hasTerminal(p: MachineProcess): boolean { return this.restoredTty.has(p); }

  // The guest's file system as programs see it (mounts included), for putting files in and taking results out.
  get fs(): GuestFs { return this.fsys.fs; }
  get imageConfig(): ImageConfig | undefined { return this.fsys.imageConfig; }
  // Mount a tar archive's contents (any image format, gzip or not) at `at`, writable through an
  // in-memory overlay; at '/' it becomes the root (with a tmpfs on /tmp).
  async mountTarBytes(bytes: Uint8Array, at = '/'): Promise<void> {
    const digest = await imageDigest(bytes);
    await this.fsys.mountTarBytes(bytes, at);
    this.tars.push({ at, bytes, digest });
  }
  private readonly tars: { at: string; bytes: Uint8Array; digest: string }[] = []; // mounted by mountTarBytes, for snapshots
  // What programs changed in the image (the overlay's upper) as an OCI layer tar, with whiteouts.
  commitImage(): Uint8Array { return this.fsys.commitImage(); }

  // A tmpfs with the directories programs expect.
  static newRoot(): Tmpfs { return tmpfsRoot(createBrowserHost().realtimeNs); }

  // Write files into the root (parents are created); throws on a path that cannot be written.
  writeFiles(files: Record<string, FileContents>): void {
    for (const [path, c] of Object.entries(files)) {
      const data = typeof c === 'string' || c instanceof Uint8Array ? c : c.data;
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      const mode = typeof c === 'object' && !(c instanceof Uint8Array) && c.mode !== undefined ? c.mode
        : isExecutable(bytes) ? 0o755 : 0o644;
      const dir = path.slice(0, path.lastIndexOf('/'));
      if (dir) this.fs.mkdir(dir, { recursive: true });
      this.fs.writeFile(path, bytes, { mode });
    }
  }

  private env(extra: string[] | Record<string, string> | undefined): string[] {
    return mergeEnv(DEFAULT_ENV, this.fsys.imageConfig?.env ?? [], envList(this.opts.env), envList(extra));
  }

  async run(argv: string[], opts: RunOptions = {}, image?: FileImage): Promise<RunResult> {
    if (argv.length === 0) throw new TypeError('run needs a program');
    if (opts.files) this.writeFiles(opts.files);
    const stdin = typeof opts.stdin === 'string' ? new TextEncoder().encode(opts.stdin) : opts.stdin;
    return this.core.run(argv, {
      env: this.env(opts.env), cwd: opts.cwd ?? this.fsys.imageConfig?.cwd ?? '/', image,
      stdin: stdin ?? new Uint8Array(0), timeout: opts.timeout,
      onStdout: opts.onStdout && ((d) => { opts.onStdout!(d); }), onStderr: opts.onStderr && ((d) => { opts.onStderr!(d); }),
    });
  }

  // Start a program and return at once: its stdio as web streams, kill(), wait(), resize().
  spawn(argv: string[], opts: SpawnOptions = {}): MachineProcess {
    if (opts.files) this.writeFiles(opts.files);
    return new MachineProcess((onStdout, onStderr) => this.core.spawn(argv, {
      env: this.env(opts.env), cwd: opts.cwd ?? this.fsys.imageConfig?.cwd ?? '/', tty: opts.tty, onStdout, onStderr,
      debug: opts.debug,
    }));
  }

  // A debugger on process `pid` (pause, step, continue, its registers and the disassembly around
  // RIP): one spawned with `debug` waits at its first instruction, any other stops where it is.
  debugSession(pid: number): DebugSession { return this.core.debugSession(pid); }

  // Kill every process; nothing of the machine stays scheduled.
  close(): void {
    this.core.close();
    this.wisp?.close();
  }
  // Guest instructions the machine has run so far (all its processes).
  get instructions(): number { return this.core.instructions; }
}

// The seed's API (seed-host.ts) over a browser Machine: createHost({ coreUrl }).
export function createHost(opts: MachineOptions = {}): SeedHost {
  return seedHost(Machine.create(opts), (bytes, tars) => Machine.restore(bytes, { core: opts.core, coreUrl: opts.coreUrl, image: opts.image, tars }));
}
