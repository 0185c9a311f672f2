// Everything the kernel needs from the platform. Only host/ implements it; the
// layers below get time, entropy and stdio from a Host. (What only the machine's
// set-up needs, host directories and gunzip, is host/platform.ts's PlatformHost.)

export interface HostOutput {
  // Synchronous, in order. false: nobody reads any more (a host pipe's reader is gone: EPIPE).
  write(data: Uint8Array): boolean | void;
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
  terminalSize?(): { rows: number; cols: number } | undefined;
}
