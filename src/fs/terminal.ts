// The machine's terminal: a pseudo-terminal whose master end is held by the
// embedder (the host's terminal in Node, xterm.js in a page) rather than by a
// guest program. The guest sees an ordinary /dev/pts/N with xos's own line
// discipline: echo, line editing, ^C ^Z ^\ to the foreground process group,
// ^D as end of file, SIGWINCH on resize. The embedder gives keystrokes to
// write(), gets what the terminal shows through the output callback, and
// hangs up with hangup() (the session leader gets SIGHUP, as when a terminal
// emulator's window closes).
import { EAGAIN } from '../base/errno.js';
import { O_NONBLOCK, O_RDWR, type FileDescription } from './file.js';
import type { DevPts, Pty, PtyMaster } from './pty.js';
import { POLLHUP, POLLIN, POLLOUT } from './wait-queue.js';

export interface TerminalSize { rows: number; cols: number }

// What an embedder drives: keystrokes in, resizes, hang-up. (The output goes to the
// callback given when the terminal is made.)
export interface TerminalInput {
  write(data: Uint8Array | string): void;
  resize(size: TerminalSize): void;
  hangup(): void;
}

const winsize = (s: TerminalSize): Uint8Array => {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, Math.max(0, Math.min(0xffff, Math.floor(s.rows))), true);
  dv.setUint16(2, Math.max(0, Math.min(0xffff, Math.floor(s.cols))), true);
  return b;
};

export class AttachedTerminal implements TerminalInput {
  readonly pty: Pty;
  private readonly master: PtyMaster;
  private pending: Uint8Array[] = []; // keystrokes the line discipline had no room for yet
  private waitingForRoom = false;
  private drainQueued = false;
  private closed = false;

  constructor(pts: DevPts, size: TerminalSize, private readonly output: (data: Uint8Array) => void) {
    const m = pts.openMaster(O_RDWR | O_NONBLOCK, '/dev/ptmx');
    if (typeof m === 'number') throw new Error(`xos: no pseudo-terminal for the machine's terminal (errno ${-m})`);
    this.master = m as PtyMaster;
    this.pty = this.master.pty;
    this.pty.locked = false;
    this.pty.winsize = winsize(size);
    this.watchOutput();
  }

  // The path the guest knows the terminal by (/dev/pts/N).
  get path(): string { return this.master.peerPath; }

  // A new description of the slave (for a process's stdin, stdout and stderr).
  openSlave(): FileDescription {
    const f = this.master.pty.pts.openSlave(this.pty, O_RDWR, this.path);
    if (typeof f === 'number') throw new Error(`xos: cannot open ${this.path} (errno ${-f})`);
    return f;
  }

  // Make the terminal the controlling terminal of session `sid`, with `pgid` in the foreground.
  control(sid: number, pgid: number): void {
    this.pty.session = sid;
    this.pty.pgrp = pgid;
  }

  write(data: Uint8Array | string): void {
    if (this.closed) return;
    const b = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice();
    if (b.length) this.pending.push(b);
    this.feed();
  }

  resize(size: TerminalSize): void {
    if (!this.closed) this.pty.setWinsize(winsize(size));
  }

  hangup(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.master.release();
  }

  // Keystrokes into the line discipline, as far as it takes them; the rest when a reader made room.
  private feed(): void {
    while (this.pending.length && !this.closed) {
      const head = this.pending[0];
      const r = this.master.write(head) as number;
      if (r === -EAGAIN) {
        if (!this.waitingForRoom) {
          this.waitingForRoom = true;
          this.pty.masterQueue.watch(POLLOUT | POLLHUP, () => { this.waitingForRoom = false; this.feed(); });
        }
        return;
      }
      if (r < 0) { this.pending = []; return; }
      if (r < head.length) this.pending[0] = head.subarray(r);
      else this.pending.shift();
    }
  }

  // What the terminal shows goes out a microtask after it was queued: echoes of one batch of
  // keystrokes stay together (an ISIG character may still take back the ones not yet out).
  private watchOutput(): void {
    if (this.closed) return;
    this.pty.masterQueue.watch(POLLIN | POLLHUP, () => {
      if (this.drainQueued) return;
      this.drainQueued = true;
      queueMicrotask(() => {
        this.drainQueued = false;
        if (this.closed) return;
        this.drain();
        this.watchOutput();
      });
    });
  }
  private drain(): void {
    for (;;) {
      const r = this.master.read(65536);
      if (!(r instanceof Uint8Array) || r.length === 0) return;
      this.output(r);
    }
  }
}
