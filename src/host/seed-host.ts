// The seed's host API, kept for those who built on it: createHost() over a
// Machine, with the seed's names. mountTarBytes() an image, runElf() an ELF
// given as bytes, runShellScript() a script for the image's /bin/sh,
// pushStdin() bytes the next (or the running) program reads before end of
// file, readRegisters() the registers the last program ended with. Snapshots
// are issue 14's (the machine as data): until then snapshot() and restore()
// answer that they are not there yet.
import type { HostInput } from '../base/host.js';
import type { FileImage } from '../elf/elf.js';
import type { Registers } from '../kernel/registers.js';
import type { RunResult } from './machine-common.js';

export interface SeedRunOptions {
  argv?: string[]; // runElf: argv[0] and the arguments (default ['program'])
  env?: string[] | Record<string, string>;
  cwd?: string;
  timeout?: number; // ms; the program gets SIGKILL after it
}
export interface SeedOutcome {
  exitCode: number | null;
  signal: number | null;
  stdout: string;
  stderr: string;
  registers?: Registers;
  error?: string;
}
export type SnapshotAnswer = { ok: false; reason: string };

// What the facade needs of a Machine (the Node one and the browser one both have it).
export interface SeedMachine {
  mountTarBytes(bytes: Uint8Array, at?: string): Promise<void>;
  run(argv: string[], opts: { stdin?: HostInput; env?: string[] | Record<string, string>; cwd?: string; timeout?: number },
    image?: FileImage): Promise<RunResult>;
}

export interface SeedHost {
  mountTarBytes(bytes: Uint8Array, at?: string): Promise<void>;
  runElf(bytes: Uint8Array, opts?: SeedRunOptions): Promise<SeedOutcome>;
  runShellScript(script: string, opts?: SeedRunOptions): Promise<SeedOutcome>;
  pushStdin(data: Uint8Array | string): void;
  readRegisters(): Registers | undefined;
  snapshot(): Promise<SnapshotAnswer>;
  restore(snapshot: unknown): Promise<SnapshotAnswer>;
}

const NOT_YET: SnapshotAnswer = { ok: false, reason: 'not yet: snapshots come with issue 14 (the machine as data)' };

export function seedHost(machine: Promise<SeedMachine>): SeedHost {
  // stdin: what was pushed, then end of file (a program never waits for bytes no one may push)
  const queue: Uint8Array[] = [];
  const stdin: HostInput = {
    isTTY: false,
    read(max) {
      const head = queue[0];
      if (!head) return 'eof';
      if (head.length <= max) { queue.shift(); return head; }
      queue[0] = head.subarray(max);
      return head.subarray(0, max);
    },
    watch: (cb) => { queueMicrotask(cb); return () => {}; }, // never waits: 'eof' when empty
  };
  let registers: Registers | undefined;
  const outcome = (r: RunResult): SeedOutcome => {
    registers = r.registers;
    const o: SeedOutcome = { exitCode: r.exitCode, signal: r.signal, stdout: r.stdoutText, stderr: r.stderrText, registers: r.registers };
    if (r.error !== undefined) o.error = r.error;
    return o;
  };
  const run = async (argv: string[], o: SeedRunOptions, image?: FileImage) =>
    outcome(await (await machine).run(argv, { stdin, env: o.env, cwd: o.cwd, timeout: o.timeout }, image));
  return {
    async mountTarBytes(bytes, at = '/') { await (await machine).mountTarBytes(bytes, at); },
    runElf(bytes, o = {}) {
      const argv = o.argv ?? ['program'];
      const elf = bytes.slice();
      const image: FileImage = { size: elf.length, name: argv[0], read: (off, len) => elf.subarray(off, Math.min(elf.length, off + len)) };
      return run(argv, o, image);
    },
    runShellScript(script, o = {}) { return run(['/bin/sh', '-c', script], o); },
    pushStdin(data) { const b = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice(); if (b.length) queue.push(b); },
    readRegisters: () => registers,
    snapshot: () => Promise.resolve(NOT_YET),
    restore: () => Promise.resolve(NOT_YET),
  };
}
