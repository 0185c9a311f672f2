// What the Node and the browser Machine APIs share: option parsing and the shape
// of a run's result. Platform-neutral (the browser entry imports it).
import type { HostInput, HostOutput } from './host.js';

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

// '512M', '2G', '1.5g', 4096 → bytes (0 when unreadable).
export function parseSize(s: string | number): number {
  if (typeof s === 'number') return s;
  const m = /^(\d+(?:\.\d+)?)([kmgt]?)i?b?$/i.exec(s.trim());
  if (!m) return 0;
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(parseFloat(m[1]) * mult);
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
    wait: () => Promise.resolve(),
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
  let waiters: (() => void)[] = [];
  const notify = () => { const w = waiters; waiters = []; for (const f of w) f(); };
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
    wait() {
      if (queue.length || ended) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    push(data) {
      const b = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice();
      if (b.length) queue.push(b);
      notify();
    },
    end() { ended = true; notify(); },
  };
}
