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
import { openHostImage } from '../host/node/image-files.js';
import type { FileImage } from '../elf/elf.js';
import type { FsBackend } from '../fs/backend.js';
import type { GuestFs } from '../fs/guest-fs.js';
import type { ImageConfig } from '../fs/image.js';
import { loadImage } from '../fs/image.js';
import { bytesSource } from '../fs/tar.js';
import {
  bytesInput, captureOutput, concatBytes as concat, envList, mergeEnv, mountNetworkFiles, parseAddHost, parseMountSpec, parsePublish,
  parseSize, MachineFileSystems, type MountSpec, type RunResult,
} from '../host/machine-common.js';
import { nodeHostNet } from '../host/node/net.js';
import { connectWebSocket } from '../host/node/websocket.js';
import { WispClient, wispHostNet } from '../net/wisp.js';
import type { HostNet } from '../base/host-net.js';
import { publishPorts } from '../net/network.js';
import type { NetConfig, NetMode, PublishSpec } from '../net/stack.js';

export { parseSize, parseMountSpec, parsePublish, parseAddHost, type RunResult, type MountSpec, type GuestFs, type ImageConfig };
export type { NetMode, PublishSpec };
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
  // The network, as docker's: 'bridge' (the default: the machine's own loopback and address, the host's
  // network behind it, the host's loopback as host.xos.internal), 'host' (guest sockets are the host's),
  // 'none' (loopback only).
  net?: NetMode;
  publish?: (string | PublishSpec)[]; // '8080:80', '127.0.0.1:8080:80/udp': the host listens, a guest listener answers
  addHosts?: (string | { name: string; address: string })[]; // 'NAME:IP' for /etc/hosts and the machine's DNS
  relay?: string; // reach the outside through this Wisp relay (ws://HOST:PORT/, `xos relay`), not the host's own network
}
export interface RunOptions {
  stdin?: Uint8Array | string;
  env?: string[] | Record<string, string>; // added to (and overriding) the machine's
  cwd?: string;
  timeout?: number; // ms; the guest gets SIGKILL when it runs longer
  stdio?: 'capture' | 'inherit'; // inherit: the host process's own stdio (the CLI)
}

export class Machine {
  private constructor(private readonly opts: MachineOptions, private readonly module: WebAssembly.Module,
    private readonly files: MachineFileSystems, private readonly net: Omit<NetConfig, 'host'>) {}
  private wisp?: Promise<WispClient>;

  // The network outside the machine for one run: the host's, or the relay's.
  private async hostNet(stderr: { write(b: Uint8Array): void }): Promise<HostNet | undefined> {
    if (this.net.mode === 'none') return undefined;
    if (!this.opts.relay) return nodeHostNet();
    this.wisp ??= connectWebSocket(this.opts.relay).then((ws) => new WispClient(ws,
      (msg) => stderr.write(new TextEncoder().encode(`xos: ${msg}\n`))));
    return wispHostNet(await this.wisp);
  }

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
    return new Machine(opts, loadCoreModule(), files, networkOptions(opts));
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
    const stdin = opts.stdin === undefined ? (inherit ? processInput() : bytesInput(new Uint8Array(0)))
      : bytesInput(typeof opts.stdin === 'string' ? new TextEncoder().encode(opts.stdin) : opts.stdin);
    const host = createNodeHost({
      stdin,
      stdout: inherit ? fdOutput(1) : captureOutput(out),
      stderr: inherit ? fdOutput(2) : captureOutput(err),
    });
    const memory = this.opts.memory !== undefined ? parseSize(this.opts.memory) : undefined;
    const kernel = await Kernel.create({
      host, coreModule: this.module, root: this.files.root, memory, strace: this.opts.strace, debug: this.opts.debug,
      net: { ...this.net, host: await this.hostNet(host.stderr) },
    });
    this.files.apply(kernel.vfs);
    mountNetworkFiles(kernel.vfs, kernel.net, this.files, host.realtimeNs());
    const env = mergeEnv(this.files.imageConfig?.env ?? [], envList(this.opts.env), envList(opts.env));
    const result = (pid: number, exitCode: number | null, signal: number | null, error?: string): RunResult => {
      const stdout = concat(out), stderr = concat(err);
      const dec = new TextDecoder();
      return { pid, exitCode, signal, stdout, stderr, stdoutText: dec.decode(stdout), stderrText: dec.decode(stderr), error };
    };
    try {
      await publishPorts(kernel.net);
    } catch (e) {
      kernel.net.close();
      return result(0, 125, null, e instanceof Error ? e.message : String(e));
    }
    let p;
    try {
      p = kernel.spawn(argv[0], argv, env, opts.cwd ?? this.files.imageConfig?.cwd ?? '/', image);
    } catch (e) {
      kernel.net.close();
      if (e instanceof ExecError) return result(0, e.status, null, e.message);
      throw e;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (opts.timeout !== undefined) timer = setTimeout(() => kernel.kill(p), opts.timeout);
    // Ctrl-C at the host's terminal goes to the guest's foreground process group, not to xos
    const onInterrupt = () => kernel.signalGroup(p.pgid, 2);
    const onQuit = () => kernel.signalGroup(p.pgid, 3);
    if (inherit) { process.on('SIGINT', onInterrupt); process.on('SIGQUIT', onQuit); }
    // a guest waiting for a signal holds no host handle: keep the event loop alive until it ends
    const keepAlive = setInterval(() => {}, 2 ** 30);
    const status = await kernel.waitExit(p);
    kernel.net.close();
    clearInterval(keepAlive);
    if (inherit) { process.off('SIGINT', onInterrupt); process.off('SIGQUIT', onQuit); }
    if (timer) clearTimeout(timer);
    const sig = status & 0x7f;
    const r = sig ? result(p.pid, null, sig) : result(p.pid, (status >> 8) & 0xff, null);
    r.instructions = Number(kernel.core.icount);
    r.syscalls = kernel.syscallCount;
    return r;
  }
}

// The network options checked and parsed (TypeError on a bad one).
function networkOptions(opts: MachineOptions): Omit<NetConfig, 'host'> {
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
      return m.run(argv, o, image);
    },
  };
}
