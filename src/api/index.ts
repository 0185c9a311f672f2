// The Node API: a machine that runs x86-64 Linux programs. It boots once and
// lives until close(); run() and spawn() start processes in it, several at once.
//
//   const m = await Machine.create({ root: '/srv/rootfs', memory: '1G' });
//   const r = await m.run(['/bin/busybox', 'echo', 'hi']);
//   r.exitCode === 0 && r.stdoutText === 'hi\n'
//
//   const p = m.spawn(['/bin/sh'], { tty: { cols: 80, rows: 24 } });  // Node streams, as child_process
//   p.stdout.pipe(process.stdout); p.stdin.write('ls\n'); p.resize(100, 30);
//   const { exitCode, signal } = await p.wait();
//   m.close();
//
//   const m = await Machine.create({ image: 'alpine.tar', mounts: ['/srv/data:/data:ro'] });
//   m.fs.writeFile('/work/in.txt', 'hello');      // the guest's view, as root
//   await m.run(['/bin/sh', '-c', 'tr a-z A-Z < /work/in.txt > /work/out.txt']);
//   m.fs.readFile('/work/out.txt', 'utf8');        // 'HELLO'
//   writeFileSync('layer.tar', m.commitImage());   // what the programs changed, as an OCI layer
import { Readable, Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { saveMachine, captureMachine, readSnapshot, describeSnapshot, loadMachine, continuedClock, snapshotRegistry, checkTars, type SnapshotMeta, type SavedOptions as SavedOptionsOf } from '../host/snapshot.js';
import { SnapshotError, type Registry, type Encoded } from '../kernel/snapshot/codec.js';
import { registerHostFs } from '../host/node/hostfs.js';
import { constants } from 'node:os';
import { createNodeHost, instantiatingCore, loadCoreModule } from '../host/node/index.js';
import { MachineCore, ExecError, type GuestProcess } from '../host/machine.js';
import { serveGdb, type GdbServer } from '../host/node/gdb-server.js';
import type { DebugSession } from '../host/debug-session.js';
import { openHostTerminal, type HostTerminal } from '../host/node/terminal.js';
import { registersOf, type Registers } from '../kernel/registers.js';
import { seedHost, type SeedHost } from '../host/seed-host.js';
import type { HostInput } from '../base/host.js';
import { openHostImage } from '../host/node/image-files.js';
import type { FileImage } from '../elf/elf.js';
import type { FsBackend } from '../fs/backend.js';
import type { GuestFs } from '../fs/guest-fs.js';
import type { ImageConfig } from '../fs/image.js';
import { loadImage } from '../fs/image.js';
import { bytesSource } from '../fs/tar.js';
import {
  envList, makeResult, mergeEnv, parseAddHost, tmpfsRoot, parseMountSpec, parsePublish, parseSize, memorySize, MachineFileSystems, type MountSpec, type RunResult,
} from '../host/machine-common.js';
import { nodeHostNet } from '../host/node/net.js';
import { connectWebSocket } from '../host/node/websocket.js';
import { WispClient, wispHostNet } from '../net/wisp.js';
import type { NetConfig, NetMode, PublishSpec } from '../net/stack.js';
import type { CoreOptions } from '../core/core.js';
import type { RunJitStats } from '../host/machine-common.js';

export { formatStats, type RunJitStats } from '../host/machine-common.js';
export { parseSize, memorySize, parseMountSpec, parsePublish, parseAddHost, type RunResult, type MountSpec, type GuestFs, type ImageConfig, type Registers, type GdbServer };
export type { NetMode, PublishSpec };
export type { DebugSession, DebugSnapshot, DebugRegister, DebugLine } from '../host/debug-session.js';
export { GuestFsError } from '../fs/guest-fs.js';
export { SnapshotError } from '../kernel/snapshot/codec.js';
export { layerTar } from '../fs/overlay.js';

export interface MachineOptions {
  root?: string | FsBackend; // host directory that is the guest's / (default: the host's /)
  // A container image as the guest's /: a tar (rootfs or `docker export`, gzip or not), a `docker save`
  // archive, an OCI layout directory (a host path), or such a tar's bytes. Read-only, with a writable
  // overlay on top (in memory, or the host directory `upper`) and a tmpfs on /tmp.
  image?: string | Uint8Array;
  upper?: string;
  // More file systems: 'HOST:GUEST[:ro]' or { host, guest, readOnly } (a host directory), { guest, type: 'tmpfs' }.
  mounts?: (string | MountSpec)[];
  env?: string[] | Record<string, string>; // base environment of every program
  memory?: number | string; // guest memory limit: bytes or '512M', '2G'
  pidsMax?: number; // the most processes and threads at once (docker's --pids-limit); default from memory, as Linux's threads-max
  strace?: boolean;
  debug?: boolean; // report fatal faults on stderr
  // Testing xos itself: places that throw as a bug would ('uname': that syscall's handler;
  // 'fault:0xADDR': the page-fault handler for that page). The CLI takes them from $XOS_INJECT_BUG.
  injectBugs?: readonly string[];
  // The network, as docker's: 'bridge' (the default: the machine's own loopback and address, the host's
  // network behind it, the host's loopback as host.xos.internal), 'host' (guest sockets are the host's),
  // 'none' (loopback only).
  net?: NetMode;
  publish?: (string | PublishSpec)[]; // '8080:80', '127.0.0.1:8080:80/udp': the host listens, a guest listener answers
  addHosts?: (string | { name: string; address: string })[]; // 'NAME:IP' for /etc/hosts and the machine's DNS
  relay?: string; // reach the outside through this Wisp relay (ws://HOST:PORT/, `xos relay`), not the host's own network
  // Translate hot code to WebAssembly (default: on; XOS_JIT=0 in the environment turns it off,
  // XOS_JIT=1 on). `hot`: runs of a block before it is translated; `cacheBytes`: the bound of
  // the code cache; `sync`: translate a hot block before going on (deterministic, for tests).
  // XOS_JIT_HOT=N and XOS_JIT_SYNC=1 set these too.
  jit?: boolean | JitOptions;
}
export interface JitOptions { hot?: number; cacheBytes?: number; sync?: boolean }

// The JIT's default (the whole suite passes with it on and with it off).
const JIT_DEFAULT = true;
function jitOptions(o: boolean | JitOptions | undefined): CoreOptions {
  const env = process.env;
  const on = o !== undefined ? o !== false : env.XOS_JIT === '1' ? true : env.XOS_JIT === '0' ? false : JIT_DEFAULT;
  const j = typeof o === 'object' ? o : {};
  const hot = j.hot ?? (env.XOS_JIT_HOT ? Number(env.XOS_JIT_HOT) : undefined);
  return { jit: on, jitHot: hot !== undefined && hot >= 1 ? Math.floor(hot) : undefined, jitCacheBytes: j.cacheBytes, jitSync: j.sync ?? env.XOS_JIT_SYNC === '1' };
}
export interface RunOptions {
  stdin?: Uint8Array | string | HostInput; // bytes, or input that arrives as it comes
  env?: string[] | Record<string, string>; // added to (and overriding) the machine's
  cwd?: string;
  timeout?: number; // ms; the guest gets SIGKILL when it runs longer
  stdio?: 'capture' | 'inherit'; // inherit: the host process's own stdio (the CLI)
  // Serve GDB's remote protocol on this port of 127.0.0.1 (0: any free one); the program
  // waits before its first instruction until a debugger connects and continues it.
  gdb?: { port: number; onListening?: (server: GdbServer) => void };
  // With stdio 'inherit': whether the guest gets a pseudo-terminal (xos's own line discipline, its
  // session's controlling terminal) connected to the host's terminal, which is in raw mode meanwhile.
  // Default: when stdin is a terminal; true: even when it is not; false: never.
  tty?: boolean;
}
export interface SpawnOptions {
  env?: string[] | Record<string, string>; // added to (and overriding) the machine's
  cwd?: string;
  // A pseudo-terminal of this size as stdin, stdout and stderr (stderr then comes on stdout).
  tty?: { cols: number; rows: number };
  // Stopped before its first instruction until a debugger (Machine.debug) continues it.
  debug?: boolean;
}
export interface ExitInfo { exitCode: number | null; signal: number | null }

// A process started by Machine.spawn, with Node streams for its stdio.
export class MachineProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  private readonly g: GuestProcess;

  constructor(start: (onStdout: (d: Uint8Array) => boolean, onStderr: (d: Uint8Array) => boolean) => GuestProcess) {
    const readable = () => new Readable({ read: () => this.g.resumeOutput() });
    this.stdout = readable();
    this.stderr = readable();
    this.g = start((d) => this.stdout.push(d), (d) => this.stderr.push(d));
    const g = this.g;
    this.stdin = new Writable({
      write(chunk: Uint8Array, _enc, done) { g.write(chunk); done(); },
      final(done) { g.end(); done(); },
    });
    void g.exited.then(() => {
      // what is still in the pipes is pushed first (their pumps end them), then end-of-stream
      setImmediate(() => { this.stdout.push(null); this.stderr.push(null); });
    });
  }
  get pid(): number { return this.g.pid; }
  // A signal by number or name (default SIGTERM).
  kill(sig: number | NodeJS.Signals = 'SIGTERM'): void {
    this.g.kill(typeof sig === 'number' ? sig : (constants.signals as Record<string, number>)[sig] ?? 15);
  }
  // Resolves when the process has ended: its exit code, or the signal that killed it.
  async wait(): Promise<ExitInfo> {
    const { exitCode, signal } = await this.g.exited;
    return { exitCode, signal };
  }
  // The terminal's new size (with `tty`): the foreground process group gets SIGWINCH.
  resize(cols: number, rows: number): void { this.g.resize(cols, rows); }
}

export class Machine {
  // The processes the machine had when it was saved (a restored machine's), with new streams.
  private restored: MachineProcess[] = [];
  private tmpfsRoot = false; // restored from a page's snapshot whose root was in memory
  private constructor(private readonly opts: MachineOptions, private readonly core: MachineCore,
    private readonly files: MachineFileSystems, private readonly wisp?: WispClient) {}

  static create(opts: MachineOptions = {}): Promise<Machine> {
    return Machine.build(opts, createNodeHost());
  }

  private static async build(opts: MachineOptions, host: ReturnType<typeof createNodeHost>): Promise<Machine> {
    let files: MachineFileSystems;
    if (opts.image !== undefined) {
      const loaded = typeof opts.image === 'string' ? await openHostImage(opts.image)
        : await loadImage(bytesSource(opts.image), { gunzip: host.gunzip });
      files = new MachineFileSystems(host, loaded.fs);
      files.useImage(loaded, opts.upper !== undefined ? host.hostDirectory!(opts.upper, {}) : undefined);
    } else {
      const root = typeof opts.root === 'object' ? opts.root : host.hostDirectory!(opts.root ?? '/', {});
      files = new MachineFileSystems(host, root);
    }
    for (const m of opts.mounts ?? []) {
      const spec = typeof m === 'string' ? parseMountSpec(m) : m;
      if (!spec) throw new TypeError(`xos: bad mount ${String(m)} (want HOST:GUEST[:ro])`);
      if (spec.backend) files.mount(spec.guest, spec.backend);
      else if (spec.type === 'tmpfs' || spec.host === undefined) files.mount(spec.guest, files.tmpfs());
      else files.mount(spec.guest, host.hostDirectory!(spec.host, { readOnly: spec.readOnly }));
    }
    const memory = opts.memory !== undefined ? memorySize(opts.memory) : undefined;
    const net: NetConfig = networkOptions(opts);
    const wisp = opts.relay !== undefined ? new WispClient(await connectWebSocket(opts.relay)) : undefined;
    if (net.mode !== 'none') net.host = wisp ? wispHostNet(wisp) : nodeHostNet();
    let core;
    try {
      core = await instantiatingCore(() => MachineCore.create({
        host, coreModule: loadCoreModule(), files, memory, pidsMax: opts.pidsMax, strace: opts.strace, debug: opts.debug,
        injectBugs: opts.injectBugs, net, jit: jitOptions(opts.jit),
      }));
    } catch (e) {
      wisp?.close();
      throw e;
    }
    return new Machine(opts, core, files, wisp);
  }

  // What the JIT did so far on this machine (undefined when it is off): regions and modules
  // compiled, compile time, invalidations, the code cache's size and peak.
  get jitStats(): RunJitStats | undefined { return this.core.kernel.core.jitStats; }
  // The guest's file system as programs see it (mounts included), for putting files in and taking results out.
  get fs(): GuestFs { return this.files.fs; }
  // --- snapshots ---------------------------------------------------------------------------
  // The whole machine now as bytes (its processes, their memory and open files, the writable file
  // systems): Machine.restore continues it, here or in another process. The image is not in it
  // (its digest is). Throws an Error naming what cannot be saved (a root given as an object).
  async snapshot(): Promise<Uint8Array> {
    return saveMachine(this.core, nodeSnapshotRegistry(), this.savedOptions());
  }
  private savedOptions(): SavedOptions {
    const { image, root, upper, mounts, ...rest } = this.opts;
    if ((typeof root === 'object' && !this.tmpfsRoot) || mounts?.some((m) => typeof m === 'object' && m.backend)) {
      throw new SnapshotError('cannot save a machine whose file systems were given as objects (save one built from paths)');
    }
    return {
      opts: { ...rest, root: this.tmpfsRoot ? undefined : root, upper, mounts }, image: typeof image === 'string' ? image : undefined,
      imageDigest: image !== undefined ? imageDigest(image) : undefined, rootfs: this.tmpfsRoot ? 'tmpfs' : undefined,
      tars: this.tars.length ? this.tars.map((t) => ({ at: t.at, digest: t.digest })) : undefined,
    };
  }
  // A machine that continues where the snapshot's was: its processes run on (m.processes are those
  // the embedder had started, with new streams). `image`: the image it was built on, when that was
  // given as bytes or has moved (checked against the digest the snapshot keeps); `tars`: the archives
  // it had mounted with mountTarBytes (found among them by digest).
  static async restore(bytes: Uint8Array, o: { image?: string | Uint8Array; tars?: Uint8Array[] } = {}): Promise<Machine> {
    const host = createNodeHost();
    const { meta, data } = await readSnapshot(bytes, host);
    return Machine.load(meta, data, o, host);
  }
  private static async load(meta: SnapshotMeta, data: Encoded, o: { image?: string | Uint8Array; tars?: Uint8Array[] }, host: ReturnType<typeof createNodeHost>): Promise<Machine> {
    const saved = meta.options as SavedOptions;
    if (!saved || typeof saved !== 'object' || typeof saved.opts !== 'object') throw new SnapshotError('corrupt snapshot: no machine options in it');
    const image = o.image ?? saved.image;
    if (saved.imageDigest !== undefined) {
      if (image === undefined) throw new SnapshotError('the snapshot was taken on an image: restore it with { image }');
      const have = imageDigest(image);
      if (have !== saved.imageDigest) throw new SnapshotError(`the snapshot was taken on image ${saved.imageDigest}, not this one (${have})`);
    } else if (o.image !== undefined) throw new SnapshotError('the snapshot was not taken on an image');
    const tars = checkTars(saved.tars, o.tars, imageDigest);
    // a page's machine without an image had its root in memory: the snapshot holds all of it
    const tmpfs = saved.rootfs === 'tmpfs' ? tmpfsRoot(host.realtimeNs) : undefined;
    const m = await Machine.build({ ...saved.opts, image, root: tmpfs ?? saved.opts.root }, continuedClock(host, meta.monotonicNs));
    m.tmpfsRoot = tmpfs !== undefined;
    try {
      for (const t of tars) await m.mountTarBytes(t.bytes, t.at);
    } catch (e) {
      m.close();
      throw e;
    }
    m.restored = [];
    loadMachine(m.core, data, nodeSnapshotRegistry(), (e) => {
      let g!: GuestProcess;
      const p = new MachineProcess((out, err) => (g = m.core.adopt(e, out, err)));
      m.restored.push(p);
      if (e.master) m.restoredTty.add(p);
      return g;
    });
    return m;
  }
  // An independent copy of the machine as it is now (not compressed; clones made while the machine
  // has not changed share the memory none of them has written).
  async clone(): Promise<Machine> {
    const image = this.opts.image;
    const { meta, data } = describeSnapshot(captureMachine(this.core, nodeSnapshotRegistry(), this.savedOptions(), true));
    return Machine.load(meta, data, { image, tars: this.tars.map((t) => t.bytes) }, createNodeHost());
  }
  // Whether a restored process's stdio is a pseudo-terminal (its output then comes on stdout).
  hasTerminal(p: MachineProcess): boolean { return this.restoredTty.has(p); }
  private readonly restoredTty = new WeakSet<MachineProcess>();
  // The processes of a restored machine that its embedder had started (running when it was saved).
  get processes(): readonly MachineProcess[] { return this.restored; }

  // The image's config (Env, WorkingDir, Entrypoint, Cmd), when the root is an OCI or `docker save` image.
  get imageConfig(): ImageConfig | undefined { return this.files.imageConfig; }
  // Mount a tar archive's contents (any image format, gzip or not) at `at`, writable through an
  // in-memory overlay; at '/' it becomes the root (with a tmpfs on /tmp).
  async mountTarBytes(bytes: Uint8Array, at = '/'): Promise<void> {
    await this.files.mountTarBytes(bytes, at);
    this.tars.push({ at, bytes, digest: imageDigest(bytes) });
  }
  private readonly tars: { at: string; bytes: Uint8Array; digest: string }[] = []; // mounted by mountTarBytes, for snapshots
  // A host directory at `at`.
  mountHost(hostPath: string, at: string, opts: { readOnly?: boolean } = {}): void {
    this.files.mount(at, createNodeHost().hostDirectory!(hostPath, opts));
  }
  // What programs changed in the image (the overlay's upper) as an OCI layer tar, with whiteouts.
  commitImage(): Uint8Array { return this.files.commitImage(); }

  private env(extra: string[] | Record<string, string> | undefined): string[] {
    return mergeEnv(this.files.imageConfig?.env ?? [], envList(this.opts.env), envList(extra));
  }
  private cwd(cwd: string | undefined): string { return cwd ?? this.files.imageConfig?.cwd ?? '/'; }

  // Run a program to its end. Its stdout and stderr are collected (or, with stdio 'inherit', are
  // the host process's own, and Ctrl-C at the host's terminal goes to the guest's foreground group).
  async run(argv: string[], opts: RunOptions = {}, image?: FileImage): Promise<RunResult> {
    if (argv.length === 0) throw new TypeError('run needs a program');
    const inherit = opts.stdio === 'inherit';
    const stdin = typeof opts.stdin === 'string' ? new TextEncoder().encode(opts.stdin) : opts.stdin;
    const k = this.core.kernel;
    // (a program waiting for gdb keeps the console: a raw terminal would take the ^C that gives up on it)
    const term = inherit && opts.tty !== false && !opts.gdb ? openHostTerminal(opts.tty === true) : undefined;
    if (term) return this.runOnTerminal(argv, opts, term, image);
    let pgid = 0;
    let waitingForGdb = false;
    // what guests wrote to shared mappings of files is written back first: whatever the guest does
    // with the signal, what it wrote is not lost if xos is stopped harder next
    const onInterrupt = () => {
      // a program stopped for a debugger that has not come: ^C gives up on it
      if (waitingForGdb) { const p = k.processes.get(pgid); if (p) k.kill(p); return; }
      this.core.sync();
      if (pgid) k.signalGroup(pgid, 2, true);
    };
    const onQuit = () => { this.core.sync(); if (pgid) k.signalGroup(pgid, 3, true); };
    // SIGTERM and SIGHUP go to the guest's first process, as docker stop sends them
    const onTerm = (sig: NodeJS.Signals) => { this.core.sync(); const p = k.processes.get(pgid); if (p) k.signalProcess(p, { signo: sig === 'SIGHUP' ? 1 : 15, code: 0, force: true }); };
    if (inherit) { process.on('SIGINT', onInterrupt); process.on('SIGQUIT', onQuit); process.on('SIGTERM', onTerm); process.on('SIGHUP', onTerm); }
    try {
      const run = this.core.run(argv, {
        env: this.env(opts.env), cwd: this.cwd(opts.cwd), image, stdio: inherit ? 'console' : 'pipe',
        stdin: inherit ? undefined : stdin ?? new Uint8Array(0), timeout: opts.timeout, debug: opts.gdb !== undefined,
      });
      pgid = this.core.processes.at(-1)?.pid ?? 0;
      let server: GdbServer | undefined;
      if (opts.gdb && pgid) {
        try {
          server = await this.debug(pgid, { port: opts.gdb.port });
        } catch (e) {
          this.core.kernel.kill(this.core.kernel.processes.get(pgid)!);
          await run;
          throw e;
        }
        opts.gdb.onListening?.(server);
        waitingForGdb = true;
        void server.connected.then(() => { waitingForGdb = false; });
      }
      try {
        return await run;
      } finally {
        await server?.close(); // after the exit's reply has gone out
      }
    } finally {
      if (inherit) { process.off('SIGINT', onInterrupt); process.off('SIGQUIT', onQuit); process.off('SIGTERM', onTerm); process.off('SIGHUP', onTerm); }
    }
  }

  // run() with the host's terminal: the guest's pseudo-terminal gets the keys (the host terminal is
  // raw meanwhile) and shows on it; a host stdout or stderr that is not a terminal stays the console.
  private async runOnTerminal(argv: string[], opts: RunOptions, term: HostTerminal, image?: FileImage): Promise<RunResult> {
    const k = this.core.kernel;
    const icount = k.core.icount;
    const console = [...(term.stdoutIsTerminal ? [] : [1]), ...(term.stderrIsTerminal ? [] : [2])];
    let g: GuestProcess;
    try {
      g = this.core.spawn(argv, {
        env: this.env(opts.env), cwd: this.cwd(opts.cwd), image, tty: term.size, console, onStdout: (d) => { term.output(d); },
      });
    } catch (e) {
      if (e instanceof ExecError) return makeResult(0, e.status, null, [], [], e.message);
      throw e;
    }
    term.attach({ write: (d) => g.write(d), resize: (s) => g.resize(s.cols, s.rows), hangup: () => g.hangup() });
    // a signal sent to xos goes to the terminal's foreground process group (from outside the
    // machine: init does not refuse it); what guests wrote to shared mappings is written back first
    const foreground = () => k.vfs.pts.cttyOf(g.proc.sid)?.pgrp || g.pid;
    const onInterrupt = () => { this.core.sync(); k.signalGroup(foreground(), 2, true); };
    const onQuit = () => { this.core.sync(); k.signalGroup(foreground(), 3, true); };
    const onTerm = () => this.core.sync(); // the terminal hangs the session up
    process.on('SIGINT', onInterrupt);
    process.on('SIGQUIT', onQuit);
    process.prependListener('SIGTERM', onTerm);
    process.prependListener('SIGHUP', onTerm);
    let timedOut = false;
    const timer = opts.timeout !== undefined ? k.timers.after(opts.timeout, () => { timedOut = true; g.kill(9); }) : undefined;
    try {
      const st = await g.exited;
      k.timers.cancel(timer);
      await this.core.host.yield(); // the terminal's last output
      const r = makeResult(g.pid, st.exitCode, st.signal, [], []);
      if (timedOut) r.timedOut = true;
      r.instructions = Number(k.core.icount - icount);
      r.jit = k.core.jitStats;
      if (g.proc.finalState) r.registers = registersOf(g.proc.finalState);
      return r;
    } finally {
      term.detach();
      process.off('SIGINT', onInterrupt);
      process.off('SIGQUIT', onQuit);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onTerm);
    }
  }

  // Start a program and return at once: its stdio as Node streams, kill(), wait(), resize().
  // Throws when the program cannot be started (the error's `status` is 127 or 126).
  spawn(argv: string[], opts: SpawnOptions = {}): MachineProcess {
    return new MachineProcess((onStdout, onStderr) => this.core.spawn(argv, {
      env: this.env(opts.env), cwd: this.cwd(opts.cwd), tty: opts.tty, onStdout, onStderr, debug: opts.debug,
    }));
  }

  // Write back what guests wrote to shared mappings of host files (done every few seconds anyway).
  sync(): void { this.core.sync(); }
  // Serve GDB's remote protocol for process `pid` on 127.0.0.1:port (0: any free port; the
  // server tells which): `gdb -ex 'target remote :PORT'`. A process spawned with `debug` waits
  // at its first instruction; any other stops where it is when this is called. One debugger
  // connects; when it leaves (detach, or the connection closes) the process goes on.
  async debug(pid: number, opts: { port: number; host?: string }): Promise<GdbServer> {
    const { tracee, spawned } = this.core.debug(pid);
    try {
      return await serveGdb(this.core.kernel, tracee, { port: opts.port, host: opts.host, spawned });
    } catch (e) {
      tracee.detach();
      throw e;
    }
  }

  // A debugger without gdb on process `pid` (pause, step, continue, registers, the disassembly
  // around RIP), taken as debug() takes it.
  debugSession(pid: number): DebugSession { return this.core.debugSession(pid); }

  // Kill every process; the machine holds nothing on the event loop afterwards.
  close(): void {
    this.core.close();
    this.wisp?.close();
  }
}

type SavedOptions = SavedOptionsOf<MachineOptions>;

function imageDigest(image: string | Uint8Array): string {
  const h = createHash('sha256');
  if (typeof image !== 'string') h.update(image);
  else if (statSync(image).isDirectory()) h.update(readFileSync(join(image, 'index.json')));
  else h.update(readFileSync(image));
  return `sha256:${h.digest('hex')}`;
}

function nodeSnapshotRegistry(): Registry { return snapshotRegistry(registerHostFs); }

// The network options checked and parsed (TypeError on a bad one).
function networkOptions(opts: MachineOptions): NetConfig {
  const mode = opts.net ?? 'bridge';
  if (mode !== 'bridge' && mode !== 'host' && mode !== 'none') throw new TypeError(`xos: bad net mode ${String(mode)} (want bridge, host or none)`);
  const publish = (opts.publish ?? []).map((p) => {
    const spec = typeof p === 'string' ? parsePublish(p) : p;
    if (!spec) throw new TypeError(`xos: bad port to publish ${String(p)} (want [IP:]HOSTPORT:GUESTPORT[/udp])`);
    return spec;
  });
  if (publish.length && mode !== 'bridge') throw new TypeError(`xos: publishing ports needs the bridge network (not --net ${mode})`);
  if (opts.relay !== undefined && mode === 'host') throw new TypeError('xos: --relay and --net host exclude each other');
  if (opts.relay !== undefined && publish.length) throw new TypeError('xos: a relay cannot publish ports (it only connects out)');
  const hosts = (opts.addHosts ?? []).map((h) => {
    const e = typeof h === 'string' ? parseAddHost(h) : h;
    if (!e) throw new TypeError(`xos: bad host entry ${String(h)} (want NAME:IP)`);
    return e;
  });
  return { mode, publish, hosts };
}

// The seed's API: run an ELF image given as bytes.
export function createKernel(opts: MachineOptions = {}) {
  return {
    async runX86_64Bytes(elf: Uint8Array, o: RunOptions & { argv?: string[] } = {}): Promise<RunResult> {
      const m = await Machine.create(opts);
      const argv = o.argv ?? ['program'];
      const image: FileImage = {
        size: elf.length, name: argv[0],
        read: (offset, len) => elf.subarray(offset, Math.min(elf.length, offset + len)),
      };
      try {
        return await m.run(argv, o, image);
      } finally {
        m.close();
      }
    },
  };
}

export { ExecError } from '../host/machine.js';

// The seed's API (src/host/seed-host.ts) over a Machine: mountTarBytes, runElf, runShellScript,
// pushStdin, readRegisters, snapshot, restore.
export function createHost(opts: MachineOptions = {}): SeedHost {
  return seedHost(Machine.create(opts), (bytes, tars) => Machine.restore(bytes, { tars }));
}
export type { SeedHost, SeedOutcome, SeedRunOptions } from '../host/seed-host.js';
