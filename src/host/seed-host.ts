// The seed's host API, kept for those who built on it: createHost() over a
// Machine, with the seed's names. mountTarBytes() an image, runElf() an ELF
// given as bytes, runShellScript() a script for the image's /bin/sh,
// pushStdin() bytes the next (or the running) program reads before end of
// file, readRegisters() the registers the last program ended with, snapshot()
// the whole machine as bytes ({ ok: true, bytes }) and restore(bytes) the
// machine of such a snapshot in place of this one (its files, its processes
// still running, the tars mounted: they are given again from what was mounted
// here). A failure is { ok: false, reason }.
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
export type SnapshotAnswer = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };
export type RestoreAnswer = { ok: true } | { ok: false; reason: string };

// What the facade needs of a Machine (the Node one and the browser one both have it).
export interface SeedMachine {
  mountTarBytes(bytes: Uint8Array, at?: string): Promise<void>;
  snapshot(): Promise<Uint8Array>;
  close(): void;
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
  // A snapshot's bytes (a Uint8Array, an ArrayBuffer, an array of byte values, or snapshot()'s answer).
  restore(snapshot: unknown): Promise<RestoreAnswer>;
}

// How the platform's Machine restores a snapshot, given the tars that were mounted (in order).
export type SeedRestore = (bytes: Uint8Array, tars: Uint8Array[]) => Promise<SeedMachine>;

const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
function snapshotBytes(s: unknown): Uint8Array | undefined {
  if (s instanceof Uint8Array) return s;
  if (s instanceof ArrayBuffer) return new Uint8Array(s);
  if (Array.isArray(s) && s.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) return Uint8Array.from(s as number[]);
  if (s && typeof s === 'object' && 'bytes' in s) return snapshotBytes((s as { bytes: unknown }).bytes);
  return undefined;
}

export function seedHost(first: Promise<SeedMachine>, restoreMachine: SeedRestore): SeedHost {
  let machine = first;
  const tars: Uint8Array[] = []; // every archive mounted here, for a restore (it takes those its snapshot had)
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
    async mountTarBytes(bytes, at = '/') {
      const b = bytes.slice();
      await (await machine).mountTarBytes(b, at);
      tars.push(b);
    },
    runElf(bytes, o = {}) {
      const argv = o.argv ?? ['program'];
      const elf = bytes.slice();
      const image: FileImage = { size: elf.length, name: argv[0], read: (off, len) => elf.subarray(off, Math.min(elf.length, off + len)) };
      return run(argv, o, image);
    },
    runShellScript(script, o = {}) { return run(['/bin/sh', '-c', script], o); },
    pushStdin(data) { const b = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice(); if (b.length) queue.push(b); },
    readRegisters: () => registers,
    async snapshot() {
      try {
        return { ok: true, bytes: await (await machine).snapshot() };
      } catch (e) {
        return { ok: false, reason: reasonOf(e) };
      }
    },
    async restore(s) {
      const bytes = snapshotBytes(s);
      if (!bytes) return { ok: false, reason: 'restore wants a snapshot\'s bytes (a Uint8Array, an ArrayBuffer or an array of byte values)' };
      try {
        const next = await restoreMachine(bytes, tars.slice());
        const old = machine;
        machine = Promise.resolve(next);
        (await old.catch(() => undefined))?.close();
        return { ok: true };
      } catch (e) {
        return { ok: false, reason: reasonOf(e) };
      }
    },
  };
}
