// The host's terminal as the machine's terminal. While a guest runs, the host
// terminal is in raw mode (no echo, no line editing, no signals from keys, no
// output processing): every key goes to the guest's pseudo-terminal, whose line
// discipline does what the host's would have done, for the guest's own termios.
// The host terminal is put back as it was on every way out: exit, an uncaught
// error (both end in process.exit), SIGTERM, SIGHUP. (After SIGKILL nothing runs:
// `reset` or `stty sane` repairs the terminal.)
import { closeSync, openSync, readFileSync } from 'node:fs';
import { isatty, WriteStream } from 'node:tty';
import { fdOutput } from './index.js';
import { nodeChildProcess } from './lazy-builtins.js';

export interface TerminalSize { rows: number; cols: number }
// What the host terminal drives: the guest's terminal (keystrokes, resizes, hang-up).
export interface TerminalInput {
  write(data: Uint8Array): void;
  resize(size: TerminalSize): void;
  hangup(): void;
}

export interface HostTerminal {
  readonly size: TerminalSize;
  // Whether the guest's fd 1 and 2 should be the terminal (the host's are terminals).
  readonly stdoutIsTerminal: boolean;
  readonly stderrIsTerminal: boolean;
  output(data: Uint8Array): void; // what the guest's terminal shows
  attach(term: TerminalInput): void; // keystrokes and resizes go to `term` from now on
  detach(): void; // the host terminal back as it was; no more input
}

// The process group in the foreground of our terminal, and ours (from /proc/self/stat).
function foreground(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return f[2] === f[5]; // pgrp === tpgid
  } catch {
    return true; // not Linux: assume so
  }
}

// The host terminal, when stdin is one, or undefined. `force` (-t): a terminal for the guest
// even when the host has none (keystrokes then come from stdin as it is, output to stdout).
export function openHostTerminal(force = false): HostTerminal | undefined {
  const inTTY = isatty(0);
  if (!inTTY && !force) return undefined;
  const outTTY = isatty(1), errTTY = isatty(2);
  // Where the terminal's output goes: stdout when it is the terminal, else the terminal itself.
  let outFd = 1, ownFd: number | undefined;
  if (inTTY && !outTTY) {
    if (errTTY) outFd = 2;
    else {
      try { outFd = ownFd = openSync('/dev/tty', 'w'); } catch { outFd = 1; }
    }
  }
  const sizeStream = outFd === 1 && outTTY ? process.stdout : outFd === 2 ? process.stderr : undefined;
  const sizeOf = (): TerminalSize => {
    const s = sizeStream instanceof WriteStream ? sizeStream : undefined;
    return { rows: s?.rows || 24, cols: s?.columns || 80 };
  };
  let term: TerminalInput | undefined;
  let raw = false;
  let reading = false;
  const onData = (b: Buffer) => term?.write(new Uint8Array(b.buffer, b.byteOffset, b.length));
  const onResize = () => term?.resize(sizeOf());

  const makeRaw = () => {
    if (!inTTY || raw || !foreground()) return;
    process.stdin.setRawMode(true);
    raw = true;
    // Node's raw mode keeps output processing (\n → \r\n): the guest's line discipline does it
    try { nodeChildProcess().execFileSync('stty', ['-opost'], { stdio: [0, 'ignore', 'ignore'] }); } catch { /* no stty: \r\n twice is harmless */ }
  };
  const restore = () => {
    // libuv puts back the whole termios it saved before raw mode, -opost included
    if (raw) { raw = false; try { process.stdin.setRawMode(false); } catch { /* the terminal is gone */ } }
  };
  const startReading = () => {
    if (reading || !term || (inTTY && !foreground())) return;
    reading = true;
    process.stdin.on('data', onData);
    process.stdin.resume();
  };
  const stopReading = () => {
    if (!reading) return;
    reading = false;
    process.stdin.off('data', onData);
    process.stdin.pause();
  };
  // Brought back to the foreground after a stop from outside (kill -STOP, then fg): raw again.
  const onCont = () => { makeRaw(); startReading(); };
  const onExit = () => restore();
  // SIGTERM and SIGHUP: the terminal first, then the guest's session is hung up (its leader gets
  // SIGHUP, as when a terminal window closes); if it does not end, xos ends anyway.
  const onTerm = (sig: NodeJS.Signals) => {
    restore();
    stopReading();
    term?.hangup();
    setTimeout(() => process.exit(128 + (sig === 'SIGHUP' ? 1 : 15)), 2000).unref();
  };

  return {
    get size() { return sizeOf(); },
    stdoutIsTerminal: force ? true : outTTY,
    stderrIsTerminal: force ? true : errTTY,
    // errors are dropped: a terminal gone (EIO after a hang-up) has nothing to show them on
    output: (data) => { fdOutput(outFd).write(data); },
    attach(t) {
      term = t;
      makeRaw();
      startReading();
      sizeStream?.on('resize', onResize);
      process.on('SIGCONT', onCont);
      process.on('exit', onExit);
      process.on('SIGTERM', onTerm);
      process.on('SIGHUP', onTerm);
    },
    detach() {
      restore();
      stopReading();
      term = undefined;
      sizeStream?.off('resize', onResize);
      process.off('SIGCONT', onCont);
      process.off('exit', onExit);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onTerm);
      if (ownFd !== undefined) { closeSync(ownFd); ownFd = undefined; }
    },
  };
}
