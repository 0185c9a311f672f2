// Everything the kernel needs from the platform. Only host/ implements it; the
// layers below get time, entropy and stdio from a Host. (What only the machine's
// set-up needs, host directories and gunzip, is host/platform.ts's PlatformHost.)

export interface HostOutput {
  // Synchronous, in order. false: nobody reads any more (a host pipe's reader is gone: EPIPE). A
  // number: how many bytes the host took before it refused the rest, or -errno when it took none
  // (ENOSPC on a full disk, EBADF on a descriptor not open for writing).
  write(data: Uint8Array): boolean | number | void;
  readonly isTTY: boolean;
}

export interface HostInput {
  // Bytes available now, null when none yet, 'eof' at the end.
  read(max: number): Uint8Array | null | 'eof';
  // Call cb once when read() may return something new; returns a canceller. The
  // input is read from the host only while someone watches it.
  watch(cb: () => void): () => void;
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
  // Resolves soon, after pending I/O and timers (yield to the event loop).
  yield(): Promise<void>;
  // A one-shot timer (at most 2^31 - 1 ms); clearTimer cancels it. The kernel keeps
  // one armed at a time, for the machine's nearest deadline (kernel/timers.ts).
  setTimer(ms: number, cb: () => void): unknown;
  clearTimer(handle: unknown): void;
  terminalSize?(): { rows: number; cols: number } | undefined;
}
