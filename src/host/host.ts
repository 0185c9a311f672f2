// Everything the machine needs from the platform. Only host/ implements it;
// the layers below get time, entropy, stdio and host files from a Host.
import type { FsBackend } from '../fs/backend.js';
import type { ByteSource } from '../fs/tar.js';

export interface HostOutput {
  write(data: Uint8Array): void; // synchronous, in order
  readonly isTTY: boolean;
}

export interface HostInput {
  // Bytes available now, null when none yet, 'eof' at the end.
  read(max: number): Uint8Array | null | 'eof';
  // Resolves when read() may return something new.
  wait(): Promise<void>;
  readonly isTTY: boolean;
}

export interface Host {
  realtimeNs(): bigint; // CLOCK_REALTIME
  monotonicNs(): bigint; // CLOCK_MONOTONIC
  cpuTimeNs(): bigint; // this process's CPU time, for CLOCK_PROCESS_CPUTIME_ID
  random(into: Uint8Array): void;
  stdin: HostInput;
  stdout: HostOutput;
  stderr: HostOutput;
  // Run fn soon, after pending I/O and timers (yield to the event loop).
  yield(): Promise<void>;
  sleep(ms: number): Promise<void>;
  // A host directory as a file-system backend (Node only).
  hostDirectory?(path: string, opts: { readOnly?: boolean }): FsBackend;
  terminalSize?(): { rows: number; cols: number } | undefined;
  // Decompress a gzip stream (image layers) into something readable at any offset.
  gunzip?(src: ByteSource): Promise<ByteSource>;
}
