// Pseudo-terminals: /dev/ptmx opens a master, /dev/pts (devpts) lists the
// slaves. A pair shares one line discipline (tty-ldisc.ts): the master's
// writes are the terminal's input, the slave's writes (post-processed) and the
// echoes are what the master reads. The slave is a terminal with job control:
// a session's controlling terminal, a foreground process group, SIGTTIN for
// background readers, SIGHUP when the master goes away.
//
// A process's controlling terminal is the pty whose session is the process's
// session (Linux keeps a pointer per process; they differ only for a
// non-leader's TIOCNOTTY, which here leaves the terminal in place).
import type { Host } from '../base/host.js';
import type { FsBackend, StatFs } from './backend.js';
import { EMPTY_STATFS, KernelTreeFs } from './backend.js';
import {
  FileDescription, O_ACCMODE, O_NOCTTY, O_NONBLOCK, O_RDWR, O_WRONLY, S_IFCHR, S_IFDIR, dtFromMode, type Dirent, type GuestMemory,
  type Stat,
} from './file.js';
import { Blocked, blockOn, resumed } from '../base/wait.js';
import { EAGAIN, EFAULT, EINVAL, EIO, ENOENT, ENOSPC, ENOTDIR, ENOTTY, EPERM, ESRCH } from '../base/errno.js';
import { WaitQueue, POLLERR, POLLHUP, POLLIN, POLLOUT, POLL_ALL } from './wait-queue.js';
import { ByteQueue, LineDiscipline, Termios, type LdiscPort, TERMIOS2_SIZE, TERMIOS_SIZE, TOSTOP, VMIN, VTIME } from './tty-ldisc.js';
import { PTS0_INO, PTS0_RDEV, StdioFile } from './stdio.js';

export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409, TCXONC = 0x540a,
  TCFLSH = 0x540b, TIOCEXCL = 0x540c, TIOCNXCL = 0x540d, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410,
  TIOCOUTQ = 0x5411, TIOCSTI = 0x5412, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, TIOCNOTTY = 0x5422, TIOCSETD = 0x5423,
  TIOCGETD = 0x5424, TCSBRKP = 0x5425, TIOCGSID = 0x5429, TCGETS2 = 0x802c542a, TCSETS2 = 0x402c542b,
  TCSETSW2 = 0x402c542c, TCSETSF2 = 0x402c542d, TIOCGPTN = 0x80045430, TIOCSPTLCK = 0x40045431,
  TIOCGPTLCK = 0x80045439, TIOCGPTPEER = 0x5441;
const SIGHUP = 1, SIGCONT = 18, SIGTTIN = 21, SIGTTOU = 22, SIGWINCH = 28;
const PTY_MAJOR = 136, PTMX_RDEV = (5 << 8) | 2, DEVPTS_SUPER_MAGIC = 0x1cd1;
const MAX_PTYS = 4096; // /proc/sys/kernel/pty/max
// What the slave may have written that the master has not read yet.
const OUTPUT_MAX = 65536;

// What the terminal needs of the kernel: the calling task and signals.
export interface TtyCaller {
  readonly pid: number;
  readonly pgid: number;
  readonly sid: number;
  readonly uid: number;
  readonly gid: number;
  ignores(signo: number): boolean; // ignored or blocked
  readonly resumed?: Blocked; // the wait a blocked call was woken from (a VTIME deadline)
}
export interface TtyJobs {
  caller(): TtyCaller | undefined;
  signalGroup(pgid: number, signo: number): void;
  signalProcess(pid: number, signo: number): void;
  // Whether the process group's stop signals would strand it (no parent outside it in its session).
  orphaned(pgid: number): boolean;
  // The session of the process group `pgid`, or undefined when there is no such group.
  sessionOfGroup(pgid: number): number | undefined;
}

const rdevOf = (major: number, minor: number) => (major << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
const u32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); return b; };
const readInt = (mem: GuestMemory, addr: number): number | undefined => {
  const b = mem.read(addr, 4);
  return b ? new DataView(b.buffer, b.byteOffset).getInt32(0, true) : undefined;
};
// A job-control stop: the caller waits for the signal just sent to it.
const stopped = () => new Blocked({ kind: 'stop' });

// One master/slave pair.
export class Pty {
  locked = true; // until unlockpt (TIOCSPTLCK 0)
  masterOpen = true;
  slaves = 0; // open slave descriptions (through /dev/pts/N or /dev/tty)
  otherClosed = false; // a slave was open and all have closed: the master reads EIO
  session = 0; // the session this is the controlling terminal of
  pgrp = 0; // its foreground process group
  winsize = new Uint8Array(8);
  mode = 0o620;
  readonly out = new ByteQueue(); // what the master reads
  readonly ldisc: LineDiscipline;
  readonly masterQueue = new WaitQueue();
  readonly slaveQueue = new WaitQueue();
  readonly ctimeNs: bigint;

  constructor(readonly index: number, readonly pts: DevPts, public uid: number, public gid: number) {
    this.ctimeNs = pts.host.realtimeNs();
    this.ldisc = new LineDiscipline(this.out, new PtyPort(this));
  }
  get hungUp(): boolean { return !this.masterOpen; }

  // A new window size (struct winsize): the foreground group gets SIGWINCH when it changed.
  setWinsize(b: Uint8Array): void {
    if (b.every((v, i) => v === this.winsize[i])) return;
    this.winsize = b.slice(0, 8);
    if (this.pgrp) this.pts.jobs?.signalGroup(this.pgrp, SIGWINCH);
  }
  resize(rows: number, cols: number): void {
    const b = new Uint8Array(8);
    const dv = new DataView(b.buffer);
    dv.setUint16(0, rows, true);
    dv.setUint16(2, cols, true);
    this.setWinsize(b);
  }

  // Whether the calling process may go on with a read (SIGTTIN) or a change (SIGTTOU)
  // of its controlling terminal: 0, -EIO, or a block that a stop signal ends (ERESTARTSYS).
  jobCheck(signo: number): number | Blocked {
    const jobs = this.pts.jobs;
    const c = jobs?.caller();
    if (!jobs || !c || !this.session || c.sid !== this.session || !this.pgrp || c.pgid === this.pgrp) return 0;
    if (c.ignores(signo)) return signo === SIGTTIN ? -EIO : 0;
    if (jobs.orphaned(c.pgid)) return -EIO;
    jobs.signalGroup(c.pgid, signo);
    return stopped();
  }

  // Whether the caller's controlling terminal is this one.
  private isCtty(c: TtyCaller | undefined): boolean { return !!c && !!this.session && c.sid === this.session; }

  // The ioctls both ends answer (a master's act on its slave, as Linux's real_tty).
  ioctl(request: number, arg: number, mem: GuestMemory, master: boolean): number | Blocked {
    const jobs = this.pts.jobs;
    const c = jobs?.caller();
    const ld = this.ldisc;
    switch (request) {
      case TCGETS: return mem.write(arg, ld.termios.encode(TERMIOS_SIZE)) ? 0 : -EFAULT;
      case TCGETS2: return mem.write(arg, ld.termios.encode(TERMIOS2_SIZE)) ? 0 : -EFAULT;
      case TCSETS: case TCSETSW: case TCSETSF: case TCSETS2: case TCSETSW2: case TCSETSF2: {
        const j = this.jobCheck(SIGTTOU);
        if (j !== 0) return j;
        const t2 = request === TCSETS2 || request === TCSETSW2 || request === TCSETSF2;
        const b = mem.read(arg, t2 ? TERMIOS2_SIZE : TERMIOS_SIZE);
        if (!b) return -EFAULT;
        if (request === TCSETSF || request === TCSETSF2) { ld.flushInput(); this.masterQueue.notify(POLLOUT); }
        ld.setTermios(b);
        this.slaveQueue.notify(POLL_ALL);
        return 0;
      }
      case TIOCGWINSZ: return mem.write(arg, this.winsize) ? 0 : -EFAULT;
      case TIOCSWINSZ: {
        const b = mem.read(arg, 8);
        if (!b) return -EFAULT;
        this.setWinsize(b);
        return 0;
      }
      case TIOCGPGRP:
        if (!master && !this.isCtty(c)) return -ENOTTY;
        return mem.write(arg, u32(this.pgrp)) ? 0 : -EFAULT;
      case TIOCSPGRP: {
        const j = this.jobCheck(SIGTTOU);
        if (j === -EIO) return -ENOTTY;
        if (j !== 0) return j;
        if (!c || !this.isCtty(c)) return -ENOTTY;
        const pgrp = readInt(mem, arg);
        if (pgrp === undefined) return -EFAULT;
        if (pgrp < 0) return -EINVAL;
        const sid = jobs!.sessionOfGroup(pgrp);
        if (sid === undefined) return -ESRCH;
        if (sid !== c.sid) return -EPERM;
        this.pgrp = pgrp;
        return 0;
      }
      case TIOCGSID:
        if ((!master && !this.isCtty(c)) || !this.session) return -ENOTTY;
        return mem.write(arg, u32(this.session)) ? 0 : -EFAULT;
      case TIOCSCTTY: {
        if (!c) return -EPERM;
        if (c.pid === c.sid && this.session === c.sid) return 0;
        if (c.pid !== c.sid || this.pts.cttyOf(c.sid)) return -EPERM;
        if (this.session) {
          if (arg !== 1 || c.uid !== 0) return -EPERM;
          this.session = this.pgrp = 0; // stolen (root, arg 1)
        }
        this.session = c.sid;
        this.pgrp = c.pgid;
        return 0;
      }
      case TIOCNOTTY:
        if (master || !this.isCtty(c)) return -ENOTTY;
        if (c!.pid === c!.sid) this.disassociate(false);
        return 0;
      case TCFLSH: {
        if (arg < 0 || arg > 2) return -EINVAL;
        const j = this.jobCheck(SIGTTOU);
        if (j !== 0 && j !== -EIO) return j;
        // TCIFLUSH (0, 2) drops what this end has not read; TCOFLUSH drops nothing
        // (Linux's pty has no output buffer of its own to flush)
        if (arg !== 1) {
          if (master) { this.out.clear(); this.slaveQueue.notify(POLLOUT); }
          else { ld.flushInput(); this.masterQueue.notify(POLLOUT); }
        }
        return 0;
      }
      case TCXONC: {
        if (arg < 0 || arg > 3) return -EINVAL;
        if (arg === 0) ld.stopped = true; // TCOOFF
        else if (arg === 1) { ld.stopped = false; this.slaveQueue.notify(POLLOUT); } // TCOON
        return 0;
      }
      case TCSBRK: case TCSBRKP: case TIOCEXCL: case TIOCNXCL: return 0;
      case TIOCOUTQ: return mem.write(arg, u32(master ? 0 : this.out.length)) ? 0 : -EFAULT;
      case TIOCGETD: return mem.write(arg, u32(0)) ? 0 : -EFAULT;
      case TIOCSETD: {
        const d = readInt(mem, arg);
        return d === undefined ? -EFAULT : d === 0 ? 0 : -EINVAL;
      }
      case TIOCSTI: {
        if (!c || (c.uid !== 0 && !this.isCtty(c))) return -EPERM;
        const b = mem.read(arg, 1);
        if (!b) return -EFAULT;
        ld.receive(b);
        this.slaveQueue.notify(POLLIN);
        return 0;
      }
      default: return -ENOTTY;
    }
  }

  // The session lets go of this terminal (TIOCNOTTY by its leader, or the leader's
  // exit): the foreground group gets SIGHUP (and SIGCONT unless the leader is exiting).
  disassociate(exiting: boolean): void {
    const jobs = this.pts.jobs;
    if (this.pgrp && jobs) {
      jobs.signalGroup(this.pgrp, SIGHUP);
      if (!exiting) jobs.signalGroup(this.pgrp, SIGCONT);
    }
    this.session = this.pgrp = 0;
  }

  // The master closed: the slave is hung up, its session leader gets SIGHUP and SIGCONT.
  hangup(): void {
    this.masterOpen = false;
    const jobs = this.pts.jobs;
    if (this.session && jobs) {
      jobs.signalProcess(this.session, SIGHUP);
      jobs.signalProcess(this.session, SIGCONT);
      if (this.pgrp) this.pts.oldPgrp.set(this.session, this.pgrp);
    }
    this.session = this.pgrp = 0;
    this.slaveQueue.notify(POLL_ALL);
    this.pts.maybeFree(this);
  }
}

// What the line discipline tells its terminal (a class: a snapshot keeps it as data).
export class PtyPort implements LdiscPort {
  constructor(private readonly pty: Pty) {}
  signal(signo: number): void { if (this.pty.pgrp) this.pty.pts.jobs?.signalGroup(this.pty.pgrp, signo); }
  outputChanged(): void { this.pty.masterQueue.notify(POLLIN); this.pty.slaveQueue.notify(POLLOUT); }
}

export class PtyMaster extends FileDescription {
  constructor(readonly pty: Pty, flags: number, path: string) { super(flags, path); }
  override read(n: number): Uint8Array | number | Blocked {
    const p = this.pty;
    if (n === 0) return new Uint8Array(0);
    if (p.out.length > 0) {
      const out = p.out.take(n);
      p.slaveQueue.notify(POLLOUT);
      return out;
    }
    if (p.otherClosed) return -EIO;
    if (this.flags & O_NONBLOCK) return -EAGAIN;
    return blockOn('pty', p.masterQueue, POLLIN | POLLHUP);
  }
  override write(data: Uint8Array): number | Blocked {
    const p = this.pty;
    if (data.length === 0) return 0;
    const n = p.ldisc.receive(data);
    if (n > 0) { p.slaveQueue.notify(POLLIN); return n; }
    if (this.flags & O_NONBLOCK) return -EAGAIN;
    return blockOn('pty', p.masterQueue, POLLOUT);
  }
  override poll(): number {
    const p = this.pty;
    return (p.out.length > 0 ? POLLIN : 0) | (p.ldisc.inputRoom ? POLLOUT : 0) | (p.otherClosed ? POLLHUP : 0);
  }
  override watch(events: number, cb: () => void): () => void { return this.pty.masterQueue.watch(events, cb); }
  override available(): number { return this.pty.out.length; }
  override ioctl(request: number, arg: number, mem: GuestMemory): number | Blocked {
    const p = this.pty;
    switch (request) {
      case TIOCGPTN: return mem.write(arg, u32(p.index)) ? 0 : -EFAULT;
      case TIOCSPTLCK: {
        const v = readInt(mem, arg);
        if (v === undefined) return -EFAULT;
        p.locked = v !== 0;
        return 0;
      }
      case TIOCGPTLCK: return mem.write(arg, u32(p.locked ? 1 : 0)) ? 0 : -EFAULT;
    }
    return p.ioctl(request, arg, mem, true);
  }
  override stat(): Stat | number {
    return this.node ? super.stat() : this.pty.pts.ptmxStat();
  }
  override chmod(): number { return 0; }
  override chown(): number { return 0; }
  override release(): void { this.pty.hangup(); }
  // The path of the slave (TIOCGPTPEER opens it).
  get peerPath(): string { return `/dev/pts/${this.pty.index}`; }
}

export class PtySlave extends FileDescription {
  constructor(readonly pty: Pty, flags: number, path: string) {
    super(flags, path);
    pty.slaves++;
    pty.otherClosed = false;
    pty.masterQueue.notify(POLL_ALL);
  }
  override read(n: number): Uint8Array | number | Blocked {
    const p = this.pty, ld = p.ldisc;
    const st = resumed(p.pts.jobs?.caller(), 'tty-read');
    // a read that was waiting when the master closed fails; later ones see end of file
    if (p.hungUp) return st ? -EIO : new Uint8Array(0);
    const j = p.jobCheck(SIGTTIN);
    if (j !== 0) return j;
    if (n === 0) return new Uint8Array(0);
    const nonblock = (this.flags & O_NONBLOCK) !== 0;
    const wait = (deadlineMs?: number) => {
      if (nonblock) return -EAGAIN;
      const on = { kind: 'tty-read' as const, deadlineMs, have: ld.pending };
      return new Blocked(on, [{ on: p.slaveQueue, events: POLLIN | POLLHUP }],
        deadlineMs === undefined ? undefined : { ns: BigInt(deadlineMs) * 1_000_000n });
    };
    const got = (data: Uint8Array) => { p.masterQueue.notify(POLLOUT); return data; };
    if (ld.canonical) return ld.readable(false) ? got(ld.readLine(n)) : wait();
    const min = ld.termios.cc[VMIN], time = ld.termios.cc[VTIME] * 100;
    const have = ld.pending;
    if (min === 0 && time === 0) return got(ld.readRaw(n));
    const want = Math.min(min || 1, n);
    if (have >= want) return got(ld.readRaw(n));
    if (have > 0 && nonblock) return got(ld.readRaw(n));
    // VTIME: with VMIN 0 a deadline from the start of the read; otherwise an
    // inter-byte timer, restarted when more input arrives
    if (time === 0 || (min > 0 && have === 0)) return wait();
    const now = this.nowMs();
    let deadline = st?.deadlineMs;
    if (deadline === undefined || (min > 0 && st!.have !== have)) deadline = now + time;
    if (now >= deadline) return got(ld.readRaw(n));
    return wait(deadline);
  }
  private nowMs(): number { return Number(this.pty.pts.host.monotonicNs() / 1_000_000n); }
  override write(data: Uint8Array): number | Blocked {
    const p = this.pty, ld = p.ldisc;
    if (p.hungUp) return -EIO;
    if (ld.termios.lflag & TOSTOP) {
      const j = p.jobCheck(SIGTTOU);
      if (j !== 0) return j;
    }
    if (data.length === 0) return 0;
    const n = ld.stopped ? 0 : ld.write(data, OUTPUT_MAX);
    if (n > 0) return n;
    if (this.flags & O_NONBLOCK) return -EAGAIN;
    return blockOn('tty', p.slaveQueue, POLLOUT | POLLHUP);
  }
  override poll(): number {
    const p = this.pty;
    if (p.hungUp) return POLLIN | POLLOUT | POLLERR | POLLHUP;
    return (p.ldisc.readable(true) ? POLLIN : 0) | (!p.ldisc.stopped && p.out.length < OUTPUT_MAX ? POLLOUT : 0);
  }
  override watch(events: number, cb: () => void): () => void { return this.pty.slaveQueue.watch(events, cb); }
  override available(): number { return this.pty.ldisc.available(); }
  override ioctl(request: number, arg: number, mem: GuestMemory): number | Blocked {
    const p = this.pty;
    if (p.hungUp) return request === TIOCSPGRP ? -ENOTTY : -EIO;
    return p.ioctl(request, arg, mem, false);
  }
  override stat(): Stat | number {
    if (this.node && this.node.backend !== this.pty.pts) return super.stat(); // opened as /dev/tty
    return this.pty.pts.ptyStat(this.pty);
  }
  override chmod(mode: number): number { this.pty.mode = mode & 0o7777; return 0; }
  override chown(uid: number, gid: number): number {
    if (uid !== -1) this.pty.uid = uid;
    if (gid !== -1) this.pty.gid = gid;
    return 0;
  }
  override release(): void {
    const p = this.pty;
    if (--p.slaves === 0) {
      p.otherClosed = true;
      p.masterQueue.notify(POLL_ALL);
      p.pts.maybeFree(p);
    }
  }
}

// devpts: ptmx and one node per pty whose master is open. When the machine's
// own terminal is a tty it is /dev/pts/0.
export class DevPts extends KernelTreeFs implements FsBackend {
  readonly type = 'devpts';
  readonly readOnly = false;
  private readonly ptys = new Map<number, Pty>();
  // A session whose terminal hung up: the foreground group then, which gets SIGHUP when the leader exits.
  readonly oldPgrp = new Map<number, number>();
  private readonly hostTerminal: boolean;
  // The modes of the machine's own terminal (/dev/pts/0, the host's), kept for its descriptions.
  readonly hostTermios = new Termios();

  constructor(readonly host: Host, public jobs?: TtyJobs) {
    super();
    this.hostTerminal = host.stdin.isTTY || host.stdout.isTTY;
  }

  // --- ptys --------------------------------------------------------------------------
  openMaster(flags: number, path: string): FileDescription | number {
    let i = this.hostTerminal ? 1 : 0;
    while (this.ptys.has(i)) i++;
    if (i >= MAX_PTYS) return -ENOSPC;
    const c = this.jobs?.caller();
    const pty = new Pty(i, this, c?.uid ?? 0, 5);
    this.ptys.set(i, pty);
    return new PtyMaster(pty, flags, path);
  }
  // A pair for the machine's own use (a process spawned with a terminal): unlocked, the slave
  // named /dev/pts/N; the caller makes it some session's controlling terminal.
  openPair(dev: number): { master: PtyMaster; slave: PtySlave } | number {
    const master = this.openMaster(O_RDWR | O_NONBLOCK, '/dev/ptmx');
    if (typeof master === 'number') return master;
    const pty = (master as PtyMaster).pty;
    pty.locked = false;
    const slave = new PtySlave(pty, O_RDWR, `/dev/pts/${pty.index}`);
    slave.node = { backend: this, inode: this.node(`/${pty.index}`), dev };
    return { master: master as PtyMaster, slave };
  }
  private openSlave(pty: Pty, flags: number, path: string): FileDescription | number {
    if (pty.hungUp || pty.locked) return -EIO;
    const f = new PtySlave(pty, flags, path);
    // a session leader without a terminal opening one gets it, as on Linux
    const c = this.jobs?.caller();
    if (c && !(flags & O_NOCTTY) && (flags & O_ACCMODE) !== O_WRONLY && c.pid === c.sid && !pty.session && !this.cttyOf(c.sid)) {
      pty.session = c.sid;
      pty.pgrp = c.pgid;
    }
    return f;
  }
  // /dev/tty: the caller's controlling pty, undefined when it has none.
  openControlling(flags: number, path: string): FileDescription | number | undefined {
    const c = this.jobs?.caller();
    const pty = c && this.cttyOf(c.sid);
    return pty ? new PtySlave(pty, flags, path) : undefined;
  }
  cttyOf(sid: number): Pty | undefined {
    for (const p of this.ptys.values()) if (p.session === sid) return p;
    return undefined;
  }
  // A session's controlling terminal for /proc/PID/stat: its device number and foreground group.
  terminalOf(sid: number): { rdev: number; pgrp: number } | undefined {
    const p = this.cttyOf(sid);
    return p && { rdev: this.ptyStat(p).rdev, pgrp: p.pgrp };
  }
  // Both ends are closed: the index can be used again.
  maybeFree(p: Pty): void {
    if (!p.masterOpen && p.slaves === 0 && this.ptys.get(p.index) === p) this.ptys.delete(p.index);
  }
  // A session leader exited: its terminal's foreground group gets SIGHUP and the terminal is free.
  leaderExit(sid: number): void {
    const p = this.cttyOf(sid);
    if (p) p.disassociate(true);
    const old = this.oldPgrp.get(sid);
    if (old !== undefined) {
      this.oldPgrp.delete(sid);
      this.jobs?.signalGroup(old, SIGHUP);
      this.jobs?.signalGroup(old, SIGCONT);
    }
  }

  // --- the file system ---------------------------------------------------------------
  private visible(name: string): Pty | 'host' | undefined {
    if (!/^(0|[1-9][0-9]*)$/.test(name)) return undefined;
    const i = Number(name);
    if (i === 0 && this.hostTerminal) return 'host';
    const p = this.ptys.get(i);
    return p && p.masterOpen ? p : undefined;
  }
  ptmxStat(): Stat { return this.chr(2, 0o666, 0, 0, PTMX_RDEV, 0n); }
  ptyStat(p: Pty): Stat { return this.chr(p.index + 3, p.mode, p.uid, p.gid, rdevOf(PTY_MAJOR + (p.index >> 8), p.index & 0xff), p.ctimeNs); }
  private chr(ino: number, mode: number, uid: number, gid: number, rdev: number, t: bigint): Stat {
    return {
      dev: 0, ino, mode: S_IFCHR | mode, nlink: 1, uid, gid, rdev, size: 0, blksize: 1024, blocks: 0,
      atimeNs: t, mtimeNs: t, ctimeNs: t,
    };
  }
  lstat(path: string): Stat | number {
    if (path === '/') {
      return { dev: 0, ino: 1, mode: S_IFDIR | 0o755, nlink: 2, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 1024, blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
    }
    if (path === '/ptmx') return this.chr(2, 0, 0, 0, PTMX_RDEV, 0n);
    const v = this.visible(path.slice(1));
    if (v === 'host') return this.chr(PTS0_INO, 0o620, 0, 5, PTS0_RDEV, 0n);
    return v ? this.ptyStat(v) : -ENOENT;
  }
  readlink(path: string): string | number { return this.lstat(path) === -ENOENT ? -ENOENT : -EINVAL; }
  readdir(path: string): Dirent[] | number {
    if (path !== '/') return this.lstat(path) === -ENOENT ? -ENOENT : -ENOTDIR;
    const out: Dirent[] = [{ ino: 2, type: dtFromMode(S_IFCHR), name: 'ptmx' }];
    if (this.hostTerminal) out.push({ ino: PTS0_INO, type: dtFromMode(S_IFCHR), name: '0' });
    for (const [i, p] of [...this.ptys].sort((a, b) => a[0] - b[0])) {
      if (p.masterOpen) out.push({ ino: i + 3, type: dtFromMode(S_IFCHR), name: String(i) });
    }
    return out;
  }
  open(path: string, flags: number, _mode: number, guestPath: string): FileDescription | number {
    if (path === '/ptmx') return this.openMaster(flags, guestPath);
    const v = this.visible(path.slice(1));
    if (v === 'host') return new StdioFile(this.host, 'tty', this.hostTermios); // the VFS gives it this node
    return v ? this.openSlave(v, flags, guestPath) : -ENOENT;
  }
  override chmod(path: string, mode: number): number {
    const v = this.visible(path.slice(1));
    if (v && v !== 'host') v.mode = mode & 0o7777;
    return path === '/' || path === '/ptmx' || v ? 0 : -ENOENT;
  }
  override chown(path: string, uid: number, gid: number): number {
    const v = this.visible(path.slice(1));
    if (v && v !== 'host') {
      if (uid !== -1) v.uid = uid;
      if (gid !== -1) v.gid = gid;
    }
    return path === '/' || path === '/ptmx' || v ? 0 : -ENOENT;
  }
  override utimes(): number { return 0; }
  override truncate(): number { return 0; }
  statfs(): StatFs { return { ...EMPTY_STATFS, type: DEVPTS_SUPER_MAGIC, bsize: 4096, namelen: 255 }; }
}
