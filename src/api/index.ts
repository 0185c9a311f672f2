// The Node API: a machine that runs x86-64 Linux programs.
//
//   const m = await Machine.create({ root: '/srv/rootfs', memory: '1G' });
//   const r = await m.run(['/bin/busybox', 'echo', 'hi']);
//   r.exitCode === 0 && r.stdoutText === 'hi\n'
import { Kernel, ExecError } from '../kernel/kernel.js';
import { createNodeHost, loadCoreModule, captureOutput, bytesInput, fdOutput, processInput } from '../host/node/index.js';
import type { FileImage } from '../elf/elf.js';

export interface MachineOptions {
  root?: string; // host directory that is the guest's / (default: the host's /)
  env?: string[] | Record<string, string>; // base environment of every program
  memory?: number | string; // guest memory limit: bytes or '512M', '2G'
  strace?: boolean;
}
export interface RunOptions {
  stdin?: Uint8Array | string;
  env?: string[] | Record<string, string>; // added to (and overriding) the machine's
  cwd?: string;
  timeout?: number; // ms; the guest gets SIGKILL when it runs longer
  stdio?: 'capture' | 'inherit'; // inherit: the host process's own stdio (the CLI)
}
export interface RunResult {
  pid: number;
  exitCode: number | null; // null when killed by a signal
  signal: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  stdoutText: string;
  stderrText: string;
  error?: string; // the program could not be started
  instructions?: number; // guest instructions the core retired
}

export function parseSize(s: string | number): number {
  if (typeof s === 'number') return s;
  const m = /^(\d+(?:\.\d+)?)([kmgt]?)i?b?$/i.exec(s.trim());
  if (!m) return 0;
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(parseFloat(m[1]) * mult);
}

function envList(e: string[] | Record<string, string> | undefined): string[] {
  if (!e) return [];
  return Array.isArray(e) ? e : Object.entries(e).map(([k, v]) => `${k}=${v}`);
}
// Later entries override earlier ones with the same name; order of first appearance is kept.
function mergeEnv(...lists: string[][]): string[] {
  const m = new Map<string, string>();
  for (const l of lists) for (const kv of l) m.set(kv.slice(0, kv.indexOf('=') >>> 0), kv);
  return [...m.values()];
}

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
};

export class Machine {
  private constructor(private readonly opts: MachineOptions, private readonly module: WebAssembly.Module) {}

  static async create(opts: MachineOptions = {}): Promise<Machine> {
    return new Machine(opts, loadCoreModule());
  }

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
    const root = host.hostDirectory!(this.opts.root ?? '/', {});
    const kernel = await Kernel.create({ host, coreModule: this.module, root, memory, strace: this.opts.strace });
    const env = mergeEnv(envList(this.opts.env), envList(opts.env));
    const result = (pid: number, exitCode: number | null, signal: number | null, error?: string): RunResult => {
      const stdout = concat(out), stderr = concat(err);
      const dec = new TextDecoder();
      return { pid, exitCode, signal, stdout, stderr, stdoutText: dec.decode(stdout), stderrText: dec.decode(stderr), error };
    };
    let p;
    try {
      p = kernel.spawn(argv[0], argv, env, opts.cwd ?? '/', image);
    } catch (e) {
      if (e instanceof ExecError) return result(0, e.status, null, e.message);
      throw e;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (opts.timeout !== undefined) timer = setTimeout(() => kernel.kill(p), opts.timeout);
    const status = await kernel.waitExit(p);
    if (timer) clearTimeout(timer);
    const sig = status & 0x7f;
    const r = sig ? result(p.pid, null, sig) : result(p.pid, (status >> 8) & 0xff, null);
    r.instructions = Number(kernel.core.icount);
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
