// The Node.js host: clocks, entropy, stdio and host directories from node:*.
import { readFileSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import { webcrypto } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { HostInput, HostOutput } from '../../base/host.js';
import type { PlatformHost } from '../platform.js';
import { nodeHostDirectory } from './hostfs.js';
import { gunzipSource } from './image-files.js';
import { nodeZlib } from './lazy-builtins.js';

const zlibCall = (f: 'deflate' | 'inflate', data: Uint8Array) => new Promise<Uint8Array>((resolve, reject) =>
  nodeZlib()[f](data, (e, out) => (e ? reject(e) : resolve(new Uint8Array(out)))));
const startHr = process.hrtime.bigint();
const startReal = BigInt(Date.now()) * 1_000_000n;

let coreModule: WebAssembly.Module | undefined;
// The compiled core (build/core.wasm, made by `npm install`).
export function loadCoreModule(): WebAssembly.Module {
  if (!coreModule) {
    // XOS_CORE_WASM: another build of the core (for comparing builds)
    const path = process.env.XOS_CORE_WASM ?? fileURLToPath(new URL('../../../../build/core.wasm', import.meta.url));
    coreModule = new WebAssembly.Module(readFileSync(path));
  }
  return coreModule;
}

// V8 compiles a wasm function with its baseline compiler (Liftoff) when first called, and again with
// TurboFan once it has run a budget of code (--wasm-tiering-budget, 1.8 M by default). The core's
// interpreter functions spend that within a static hello's first 35 k instructions, and optimising
// them costs ~80 ms of CPU that a short run never earns back. The core's instance gets 30 times the
// budget (V8 reads it when a module is instantiated): a long run still tiers up early (python3 -c
// pass and the compute benchmarks take the same CPU time), and modules instantiated afterwards (the
// JIT's) keep the default. Left alone when the user set V8's wasm tiering flags.
const DEFAULT_TIERING_BUDGET = 1_800_000;
export async function instantiatingCore<T>(f: () => Promise<T>): Promise<T> {
  const own = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /liftoff|wasm-tier|wasm-dynamic-tiering/.test(a));
  if (own) return f();
  setFlagsFromString(`--wasm-tiering-budget=${30 * DEFAULT_TIERING_BUDGET}`);
  try {
    return await f();
  } finally {
    setFlagsFromString(`--wasm-tiering-budget=${DEFAULT_TIERING_BUDGET}`);
  }
}

// Output to a host file descriptor, synchronously (retrying while a pipe is full). The host's
// errors become the guest's: what was written, or -errno (ENOSPC, EBADF, EIO, EFBIG…).
export function fdOutput(fd: number): HostOutput {
  return {
    isTTY: isatty(fd),
    write(data: Uint8Array) {
      let off = 0;
      while (off < data.length) {
        try {
          off += writeSync(fd, data, off, data.length - off);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') continue;
          if (code === 'EPIPE') return off > 0 ? off : false;
          if (off > 0) return off;
          return -((constants.errno as Record<string, number>)[code ?? ''] ?? constants.errno.EIO);
        }
      }
      return off;
    },
  };
}

// The process's own stdin, read through the event loop so a guest waiting for input does not stall
// timers. It is read only while a guest watches it: a paused stdin keeps no handle on the event loop.
export function processInput(): HostInput {
  const queue: Uint8Array[] = [];
  let ended = false;
  let started = false;
  const watchers = new Set<() => void>();
  const notify = () => { const w = [...watchers]; watchers.clear(); process.stdin.pause(); for (const f of w) f(); };
  const start = () => {
    if (started) return;
    started = true;
    process.stdin.on('data', (b: Buffer) => { queue.push(new Uint8Array(b)); notify(); });
    process.stdin.on('end', () => { ended = true; notify(); });
    process.stdin.on('error', () => { ended = true; notify(); });
  };
  return {
    isTTY: isatty(0),
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
      start();
      watchers.add(cb);
      process.stdin.resume();
      return () => { if (watchers.delete(cb) && watchers.size === 0) process.stdin.pause(); };
    },
  };
}

export interface NodeHostOptions { stdin?: HostInput; stdout?: HostOutput; stderr?: HostOutput }

export function createNodeHost(opts: NodeHostOptions = {}): PlatformHost {
  return {
    realtimeNs: () => startReal + (process.hrtime.bigint() - startHr),
    monotonicNs: () => process.hrtime.bigint(),
    cpuTimeNs: () => { const u = process.cpuUsage(); return BigInt(u.user + u.system) * 1000n; },
    random: (into) => { for (let o = 0; o < into.length; o += 65536) webcrypto.getRandomValues(into.subarray(o, o + 65536)); },
    stdin: opts.stdin ?? processInput(),
    stdout: opts.stdout ?? fdOutput(1),
    stderr: opts.stderr ?? fdOutput(2),
    yield: () => new Promise((resolve) => setImmediate(resolve)),
    setTimer: (ms, cb) => setTimeout(cb, ms),
    hold: () => { const t = setInterval(() => {}, 2 ** 30); return () => clearInterval(t); },
    compress: (data) => zlibCall('deflate', data),
    decompress: (data) => zlibCall('inflate', data),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    hostDirectory: (path, o) => nodeHostDirectory(path, o),
    gunzip: gunzipSource,
    terminalSize: () => (isatty(1) && process.stdout.columns ? { rows: process.stdout.rows, cols: process.stdout.columns } : undefined),
  };
}
