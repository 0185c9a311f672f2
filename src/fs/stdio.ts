// The machine's stdin, stdout and stderr as open file descriptions over the
// Host's streams, and /dev/tty. A terminal answers the termios ioctls from a
// stored termios (the host terminal's modes are not changed).
import type { Host, HostInput, HostOutput } from '../base/host.js';
import { blockOn, type Blocked } from '../base/wait.js';
import { EAGAIN, EBADF, EINVAL, EFAULT, ENOTTY, EPIPE } from '../base/errno.js';
import { Termios, TERMIOS_SIZE } from './tty-ldisc.js';
import { POLLIN } from './wait-queue.js';
import { FileDescription, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, S_IFCHR, S_IFIFO, type GuestMemory, type Stat } from './file.js';

export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TIOCSCTTY = 0x540e,
  TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b,
  TIOCNOTTY = 0x5422, FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451, TIOCGPTN = 0x80045430;

export const DEVFS_DEV = 5;
// /dev/pts/0 (devpts numbers its inodes index + 3)
export const PTS0_INO = 3, PTS0_RDEV = (136 << 8) | 0;

export class StdioFile extends FileDescription {
  private readonly input?: HostInput;
  private readonly output?: HostOutput;
  private buffered?: Uint8Array; // read from the host for poll, not yet by the guest
  private eof = false;
  readonly isTTY: boolean;

  // which: 0 stdin, 1 stdout, 2 stderr, 'tty' the controlling terminal (/dev/tty).
  // termios: the machine terminal's modes, shared by every description of it (DevPts.hostTermios).
  constructor(private readonly host: Host, which: 0 | 1 | 2 | 'tty', private readonly termios: Termios) {
    const tty = which === 'tty' ? true : (which === 0 ? host.stdin : which === 1 ? host.stdout : host.stderr).isTTY;
    super(which === 'tty' || tty ? O_RDWR : which === 0 ? O_RDONLY : O_WRONLY,
      tty ? '/dev/pts/0' : `pipe:[${which === 'tty' ? 0 : 4000 + which}]`);
    this.isTTY = tty;
    if (which === 0 || which === 'tty' || tty) this.input = host.stdin;
    if (which === 1 || which === 'tty' || (tty && which === 0)) this.output = host.stdout;
    if (which === 2) this.output = host.stderr;
  }

  override read(n: number): Uint8Array | number | Blocked {
    if (!this.input) return -EBADF;
    if (n === 0) return new Uint8Array(0);
    if (this.buffered) {
      const out = this.buffered.subarray(0, n);
      this.buffered = out.length < this.buffered.length ? this.buffered.subarray(n) : undefined;
      return out;
    }
    if (this.eof) { this.eof = false; return new Uint8Array(0); }
    const r = this.input.read(n);
    if (r === 'eof') return new Uint8Array(0);
    if (r === null) return this.flags & O_NONBLOCK ? -EAGAIN : blockOn('stdin', this, POLLIN);
    return r;
  }
  override write(data: Uint8Array): number {
    if (!this.output) return -EBADF;
    const r = this.output.write(data);
    if (r === false) return -EPIPE;
    return typeof r === 'number' ? r : data.length;
  }
  override stat(): Stat {
    const t = 0n;
    return this.isTTY
      ? { dev: DEVFS_DEV, ino: PTS0_INO, mode: S_IFCHR | 0o620, nlink: 1, uid: 0, gid: 5, rdev: PTS0_RDEV, size: 0, blksize: 1024, blocks: 0, atimeNs: t, mtimeNs: t, ctimeNs: t }
      : { dev: 12, ino: 4000 + (this.output === this.host.stderr ? 2 : this.output ? 1 : 0), mode: S_IFIFO | 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: t, mtimeNs: t, ctimeNs: t };
  }
  override ioctl(request: number, arg: number, mem: GuestMemory): number {
    if (!this.isTTY) return -ENOTTY;
    const termios = this.termios;
    switch (request) {
      case TCGETS: return mem.write(arg, termios.encode(TERMIOS_SIZE)) ? 0 : -EFAULT;
      case TCSETS: case TCSETSW: case TCSETSF: {
        const t = mem.read(arg, TERMIOS_SIZE);
        if (!t) return -EFAULT;
        termios.decode(t);
        return 0;
      }
      case TIOCGWINSZ: {
        const size = this.host.terminalSize?.() ?? { rows: 24, cols: 80 };
        const w = new Uint8Array(8);
        const dv = new DataView(w.buffer);
        dv.setUint16(0, size.rows, true);
        dv.setUint16(2, size.cols, true);
        return mem.write(arg, w) ? 0 : -EFAULT;
      }
      case TIOCSWINSZ: return mem.read(arg, 8) ? 0 : -EFAULT;
      case TIOCSCTTY: case TIOCNOTTY: return 0;
      default: return -EINVAL;
    }
  }
  override available(): number {
    this.fill();
    return this.buffered?.length ?? 0;
  }
  private fill(): void {
    if (!this.input || this.buffered || this.eof) return;
    const r = this.input.read(65536);
    if (r === 'eof') this.eof = true;
    else if (r) this.buffered = r;
  }
  override poll(): number {
    let ev = this.output ? 4 : 0;
    if (this.input) {
      this.fill();
      if (this.buffered || this.eof) ev |= 1;
    }
    return ev;
  }
  override watch(events: number, cb: () => void): () => void {
    // output is always ready; input when the host has something
    return this.input && events & POLLIN ? this.input.watch(cb) : () => {};
  }
}
