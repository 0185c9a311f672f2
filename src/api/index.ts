// The Node API: a machine that runs x86-64 Linux programs.
//
//   const m = await Machine.create({ root: '/srv/rootfs', memory: '1G' });
//   const r = await m.run(['/bin/busybox', 'echo', 'hi']);
//   r.exitCode === 0 && r.stdoutText === 'hi\n'
//
//   const m = await Machine.create({ image: 'alpine.tar', mounts: ['/srv/data:/data:ro'] });
//   m.fs.writeFile('/work/in.txt', 'hello');      // the guest's view, as root
//   await m.run(['/bin/sh', '-c', 'tr a-z A-Z < /work/in.txt > /work/out.txt']);
//   m.fs.readFile('/work/out.txt', 'utf8');        // 'HELLO'
//   writeFileSync('layer.tar', m.commitImage());   // what the programs changed, as an OCI layer
import { Kernel, ExecError } from '../kernel/kernel.js';
import { createNodeHost, loadCoreModule, fdOutput, processInput } from '../host/node/index.js';
import { openHostTerminal } from '../host/node/terminal.js';
import { AttachedTerminal, type TerminalInput, type TerminalSize } from '../fs/terminal.js';
import type { Running } from '../host/machine-common.js';
import type { HostInput, HostOutput } from '../base/host.js';
import { seedHost, type SeedHost } from '../host/seed-host.js';
import type { SpawnOptions } from '../kernel/kernel.js';
import { registersOf, type Registers } from '../kernel/registers.js';
import { openHostImage } from '../host/node/image-files.js';
import type { FileImage } from '../elf/elf.js';
import type { FsBackend } from '../fs/backend.js';
import type { GuestFs } from '../fs/guest-fs.js';
import type { ImageConfig } from '../fs/image.js';
import { loadImage } from '../fs/image.js';
import { bytesSource } from '../fs/tar.js';
import {
  bytesInput, captureOutput, concatBytes as concat, envList, mergeEnv, parseMountSpec, parseSize, MachineFileSystems, type MountSpec, type RunResult,
} from '../host/machine-common.js';

export { parseSize, parseMountSpec, type RunResult, type MountSpec, type GuestFs, type ImageConfig, type TerminalInput, type TerminalSize, type Running, type Registers };
export { GuestFsError } from '../fs/guest-fs.js';
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
  strace?: boolean;
  debug?: boolean; // report fatal faults on stderr
}
export interface RunOptions {
  stdin?: Uint8Array | string | HostInput; // bytes, or input that arrives as it comes
  env?: string[] | Record<string, string>; // added to (and overriding) the machine's
  cwd?: string;
  timeout?: number; // ms; the guest gets SIGKILL when it runs longer
  stdio?: 'capture' | 'inherit'; // inherit: the host process's own stdio (the CLI)
  // A pseudo-terminal for the guest (its session's controlling terminal; xos's own line discipline).
  // With stdio 'inherit' the host's terminal is used, in raw mode, whenever stdin is a terminal
  // (false: never; true: even when it is not). With 'capture', `stdin` is typed into it and what it
  // shows (the guest's stdout and stderr, echoes) is collected as stdout; a size or 24x80.
  tty?: boolean | TerminalSize;
  onStart?: (p: Running) => void; // once the process runs: its terminal (keystrokes, resizes), its instructions
}

export class Machine {
  private constructor(private readonly opts: MachineOptions, private readonly module: WebAssembly.Module,
    private readonly files: MachineFileSystems) {}

  static async create(opts: MachineOptions = {}): Promise<Machine> {
    const host = createNodeHost({ stdin: bytesInput(new Uint8Array(0)) });
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
    return new Machine(opts, loadCoreModule(), files);
  }

  // The guest's file system as programs see it (mounts included), for putting files in and taking results out.
  get fs(): GuestFs { return this.files.fs; }
  // The image's config (Env, WorkingDir, Entrypoint, Cmd), when the root is an OCI or `docker save` image.
  get imageConfig(): ImageConfig | undefined { return this.files.imageConfig; }
  // Mount a tar archive's contents (any image format, gzip or not) at `at`, writable through an
  // in-memory overlay; at '/' it becomes the root (with a tmpfs on /tmp).
  mountTarBytes(bytes: Uint8Array, at = '/'): Promise<void> { return this.files.mountTarBytes(bytes, at); }
  // A host directory at `at`.
  mountHost(hostPath: string, at: string, opts: { readOnly?: boolean } = {}): void {
    this.files.mount(at, createNodeHost().hostDirectory!(hostPath, opts));
  }
  // What programs changed in the image (the overlay's upper) as an OCI layer tar, with whiteouts.
  commitImage(): Uint8Array { return this.files.commitImage(); }

  async run(argv: string[], opts: RunOptions = {}, image?: FileImage): Promise<RunResult> {
    if (argv.length === 0) throw new TypeError('run needs a program');
    const out: Uint8Array[] = [], err: Uint8Array[] = [];
    const inherit = opts.stdio === 'inherit';
    const stdinBytes = opts.stdin === undefined ? undefined
      : typeof opts.stdin === 'string' ? new TextEncoder().encode(opts.stdin) : opts.stdin instanceof Uint8Array ? opts.stdin : undefined;
    const stdinInput = typeof opts.stdin === 'object' && !(opts.stdin instanceof Uint8Array) ? opts.stdin : undefined;
    // A terminal: the host's (inherit), or one whose output is collected (capture).
    const hostTerm = inherit && opts.tty !== false ? openHostTerminal(opts.tty !== undefined) : undefined;
    const ttySize = typeof opts.tty === 'object' ? opts.tty : undefined;
    const withTty = inherit ? hostTerm !== undefined : opts.tty !== undefined && opts.tty !== false;
    const stdin = stdinInput && !withTty ? stdinInput
      : withTty || stdinBytes === undefined ? (inherit && !withTty ? processInput() : bytesInput(new Uint8Array(0)))
        : bytesInput(stdinBytes);
    // With a terminal, the host's stdout and stderr are its way out, not terminals of their own (devpts's 0 is the machine's terminal)
    const plain = (o: HostOutput): HostOutput => ({ isTTY: false, write: (d) => o.write(d) });
    const host = createNodeHost({
      stdin,
      stdout: inherit ? (withTty ? plain(fdOutput(1)) : fdOutput(1)) : captureOutput(out),
      stderr: inherit ? (withTty ? plain(fdOutput(2)) : fdOutput(2)) : captureOutput(err),
    });
    const memory = this.opts.memory !== undefined ? parseSize(this.opts.memory) : undefined;
    const kernel = await Kernel.create({
      host, coreModule: this.module, root: this.files.root, memory, strace: this.opts.strace, debug: this.opts.debug,
    });
    this.files.apply(kernel.vfs);
    let terminal: AttachedTerminal | undefined;
    const spawnOpts: SpawnOptions = {};
    if (withTty) {
      const show = hostTerm ? hostTerm.output : (d: Uint8Array) => { out.push(d.slice()); };
      terminal = new AttachedTerminal(kernel.vfs.pts, hostTerm?.size ?? ttySize ?? { rows: 24, cols: 80 }, show);
      spawnOpts.terminal = terminal;
      // a host stdout or stderr that is not a terminal stays what it is (a pipe, a file), as on Linux
      if (hostTerm && !hostTerm.stdoutIsTerminal) spawnOpts.stdio = [undefined, kernel.vfs.stdoutFile(), undefined];
      if (hostTerm && !hostTerm.stderrIsTerminal) (spawnOpts.stdio ??= [])[2] = kernel.vfs.stderrFile();
    }
    const env = mergeEnv(this.files.imageConfig?.env ?? [], envList(this.opts.env), envList(opts.env));
    const result = (pid: number, exitCode: number | null, signal: number | null, error?: string): RunResult => {
      const stdout = concat(out), stderr = concat(err);
      const dec = new TextDecoder();
      return { pid, exitCode, signal, stdout, stderr, stdoutText: dec.decode(stdout), stderrText: dec.decode(stderr), error };
    };
    let p;
    try {
      p = kernel.spawn(argv[0], argv, env, opts.cwd ?? this.files.imageConfig?.cwd ?? '/', image, spawnOpts);
    } catch (e) {
      terminal?.hangup();
      if (e instanceof ExecError) return result(0, e.status, null, e.message);
      throw e;
    }
    if (terminal) {
      if (hostTerm) hostTerm.attach(terminal);
      else if (stdinBytes) terminal.write(stdinBytes);
    }
    opts.onStart?.({ pid: p.pid, terminal, instructions: () => Number(kernel.core.icount) });
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (opts.timeout !== undefined) timer = setTimeout(() => kernel.kill(p), opts.timeout);
    // A signal sent to xos goes to the guest's foreground process group (the terminal's, when it has one)
    const foreground = () => (terminal?.pty.pgrp || p.pgid);
    const onInterrupt = () => kernel.signalGroup(foreground(), 2);
    const onQuit = () => kernel.signalGroup(foreground(), 3);
    if (inherit) { process.on('SIGINT', onInterrupt); process.on('SIGQUIT', onQuit); }
    // a guest waiting for a signal holds no host handle: keep the event loop alive until it ends
    const keepAlive = setInterval(() => {}, 2 ** 30);
    const status = await kernel.waitExit(p);
    clearInterval(keepAlive);
    if (inherit) { process.off('SIGINT', onInterrupt); process.off('SIGQUIT', onQuit); }
    if (timer) clearTimeout(timer);
    if (terminal) {
      await Promise.resolve(); // the terminal's last output (it goes out a microtask later)
      hostTerm?.detach();
      terminal.hangup();
    }
    const sig = status & 0x7f;
    const r = sig ? result(p.pid, null, sig) : result(p.pid, (status >> 8) & 0xff, null);
    r.instructions = Number(kernel.core.icount);
    if (p.finalState) r.registers = registersOf(p.finalState);
    r.syscalls = kernel.syscallCount;
    return r;
  }
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
      return m.run(argv, o, image);
    },
  };
}

// The seed's API (src/host/seed-host.ts) over a Machine: mountTarBytes, runElf, runShellScript,
// pushStdin, readRegisters, snapshot, restore.
export function createHost(opts: MachineOptions = {}): SeedHost {
  return seedHost(Machine.create(opts));
}
export type { SeedHost, SeedOutcome, SeedRunOptions } from '../host/seed-host.js';
