// The Node API: a machine that runs x86-64 Linux programs.
//
//   const m = await Machine.create({ root: '/srv/rootfs', memory: '1G' });
//   const r = await m.run(['/bin/busybox', 'echo', 'hi']);
//   r.exitCode === 0 && r.stdoutText === 'hi\n'
import { Kernel, ExecError } from '../kernel/kernel.js';
import { createNodeHost, loadCoreModule, captureOutput, bytesInput, fdOutput, processInput } from '../host/node/index.js';
import type { FileImage } from '../elf/elf.js';
import { concatBytes as concat, envList, mergeEnv, parseSize, type RunResult } from '../host/machine-common.js';

export { parseSize, type RunResult };

export interface MachineOptions {
  root?: string; // host directory that is the guest's / (default: the host's /)
  env?: string[] | Record<string, string>; // base environment of every program
  memory?: number | string; // guest memory limit: bytes or '512M', '2G'
  strace?: boolean;
  debug?: boolean; // report fatal faults on stderr
}
export interface RunOptions {
  stdin?: Uint8Array | string;
  env?: string[] | Record<string, string>; // added to (and overriding) the machine's
  cwd?: string;
  timeout?: number; // ms; the guest gets SIGKILL when it runs longer
  stdio?: 'capture' | 'inherit'; // inherit: the host process's own stdio (the CLI)
}

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
    const kernel = await Kernel.create({ host, coreModule: this.module, root, memory, strace: this.opts.strace, debug: this.opts.debug });
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
