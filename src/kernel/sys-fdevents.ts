// Events as files: timerfd_create/settime/gettime, signalfd/signalfd4, pidfds and inotify.
// A timerfd counts expirations of a timer on a clock; read takes the count.
// A signalfd reads the signals in its mask that are pending for the process
// (which normally blocks them), as signalfd_siginfo records.
import type { SyscallDef, Handler } from './syscall.js';
import type { Kernel } from './kernel.js';
import type { Process, SigInfo, Task } from './task.js';
import { FileDescription, O_CLOEXEC, O_NONBLOCK, O_RDWR, type Stat } from '../fs/file.js';
import { anonStat } from '../fs/eventfd.js';
import { WaitQueue, POLLIN } from '../fs/wait-queue.js';
import { blockOn, type Blocked } from '../base/wait.js';
import type { Timer } from './timers.js';
import { EACCES, EAGAIN, EBADF, EFAULT, EINVAL, EMFILE, ENOENT, ENOTDIR, EPERM, ESRCH } from '../base/errno.js';
import { SIGKILL, SIGSTOP, sigbit } from './signal.js';
import { release } from '../fs/file.js';
import { InotifyFile, IN_ALL_EVENTS, IN_DONT_FOLLOW, IN_MASK_ADD, IN_MASK_CREATE, IN_ONLYDIR } from '../fs/inotify.js';
import { AT_FDCWD, R_OK, pathFromBytes, permits } from '../fs/vfs.js';
import { isDir } from '../fs/file.js';

const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9;
const TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
const NS = 1_000_000_000n;

// --- timerfd --------------------------------------------------------------------------------
export class TimerFd extends FileDescription {
  private readonly queue = new WaitQueue();
  private expirations = 0n;
  private next?: bigint; // absolute expiry on the clock; undefined when disarmed
  private interval = 0n;
  private timer?: Timer;
  constructor(private readonly k: Kernel, readonly realtime: boolean, flags: number) {
    super(O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[timerfd]');
  }
  now(): bigint { return this.realtime ? this.k.host.realtimeNs() : this.k.host.monotonicNs(); }
  override fdinfo(): string {
    const [interval, value] = this.get();
    const ts = (ns: bigint) => `(${ns / 1_000_000_000n}, ${ns % 1_000_000_000n})`;
    return `clockid: ${this.realtime ? 0 : 1}\nticks: ${this.expirations}\nsettime flags: 00\nit_value: ${ts(value)}\nit_interval: ${ts(interval)}\n`;
  }

  // [interval, time left] as timerfd_gettime reports them.
  get(): [bigint, bigint] {
    if (this.next === undefined) return [this.interval, 0n];
    const left = this.next - this.now();
    return [this.interval, left > 0n ? left : 1n];
  }
  set(value: bigint, interval: bigint, absolute: boolean): void {
    this.expirations = 0n;
    this.interval = interval;
    this.next = value === 0n ? undefined : absolute ? value : this.now() + value;
    this.arm();
  }
  // A machine timer for the expiry; it counts what has passed by then.
  private arm(): void {
    this.k.timers.cancel(this.timer);
    this.timer = undefined;
    if (this.next === undefined) return;
    this.timer = this.k.timers.add(this.next - this.now() + this.k.host.monotonicNs(), () => this.expire());
  }
  private expire(): void {
    this.timer = undefined;
    if (this.next === undefined) return;
    const now = this.now();
    if (now < this.next) { this.arm(); return; }
    if (this.interval > 0n) {
      const n = (now - this.next) / this.interval + 1n;
      this.expirations += n;
      this.next += n * this.interval;
      this.arm();
    } else {
      this.expirations += 1n;
      this.next = undefined;
    }
    this.queue.notify(POLLIN);
  }
  override read(n: number): Uint8Array | number | Blocked {
    if (n < 8) return -EINVAL;
    if (this.expirations === 0n) return this.flags & O_NONBLOCK ? -EAGAIN : blockOn('timerfd', this.queue, POLLIN);
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, this.expirations, true);
    this.expirations = 0n;
    return out;
  }
  override write(): number { return -EINVAL; }
  override poll(): number { return this.expirations > 0n ? POLLIN : 0; }
  override watch(events: number, cb: () => void): () => void { return this.queue.watch(events, cb); }
  override stat(): Stat { return anonStat(this.k.host.realtimeNs()); }
  override release(): void { this.next = undefined; this.arm(); }
}

function readItimerspec(t: Task, addr: number): [bigint, bigint] | number {
  const b = t.proc.mm.read(addr, 32);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const is = dv.getBigInt64(0, true), ins = dv.getBigInt64(8, true), vs = dv.getBigInt64(16, true), vns = dv.getBigInt64(24, true);
  if (is < 0n || vs < 0n || ins < 0n || ins >= NS || vns < 0n || vns >= NS) return -EINVAL;
  return [is * NS + ins, vs * NS + vns];
}
function writeItimerspec(t: Task, addr: number, [interval, value]: [bigint, bigint]): boolean {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, interval / NS, true); dv.setBigInt64(8, interval % NS, true);
  dv.setBigInt64(16, value / NS, true); dv.setBigInt64(24, value % NS, true);
  return t.proc.mm.write(addr, b);
}

const sysTimerfdCreate: Handler = (t, a, k) => {
  const clock = a.i(0), flags = a.i(1);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
  const realtime = clock === CLOCK_REALTIME || clock === CLOCK_REALTIME_ALARM;
  if (!realtime && clock !== CLOCK_MONOTONIC && clock !== CLOCK_BOOTTIME && clock !== CLOCK_BOOTTIME_ALARM) return -EINVAL;
  const f = new TimerFd(k, realtime, flags);
  const fd = t.proc.files.install(f, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) release(f);
  return fd;
};
function timerOf(t: Task, fd: number): TimerFd | number {
  const f = t.proc.files.get(fd);
  if (!f) return -EBADF;
  return f instanceof TimerFd ? f : -EINVAL;
}
const sysTimerfdSettime: Handler = (t, a) => {
  const f = timerOf(t, a.i(0));
  if (typeof f === 'number') return f;
  const flags = a.i(1);
  if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) return -EINVAL;
  const spec = readItimerspec(t, a.u(2));
  if (typeof spec === 'number') return spec;
  const old = f.get();
  f.set(spec[1], spec[0], (flags & TFD_TIMER_ABSTIME) !== 0);
  if (a.u(3) && !writeItimerspec(t, a.u(3), old)) return -EFAULT;
  return 0;
};
const sysTimerfdGettime: Handler = (t, a) => {
  const f = timerOf(t, a.i(0));
  if (typeof f === 'number') return f;
  return writeItimerspec(t, a.u(1), f.get()) ? 0 : -EFAULT;
};

// --- signalfd --------------------------------------------------------------------------------

export class SignalFd extends FileDescription {
  constructor(readonly proc: Process, public mask: bigint, flags: number, private readonly now: () => bigint) {
    super(O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[signalfd]');
  }
  private get events(): WaitQueue { return this.proc.signalEvents; }
  override fdinfo(): string { return `sigmask:\t${this.mask.toString(16).padStart(16, '0')}\n`; }
  // A pending signal of the process (any of its threads) in the mask.
  private take(): SigInfo | undefined {
    for (const t of this.proc.threads) {
      const i = t.pending.findIndex((s) => (this.mask & sigbit(s.signo)) !== 0n);
      if (i >= 0) return t.pending.splice(i, 1)[0];
    }
    return undefined;
  }
  override read(n: number): Uint8Array | number | Blocked {
    if (n < 128) return -EINVAL;
    const out: SigInfo[] = [];
    while (out.length < Math.floor(n / 128)) {
      const s = this.take();
      if (!s) break;
      out.push(s);
    }
    if (!out.length) return this.flags & O_NONBLOCK ? -EAGAIN : blockOn('signalfd', this.events, POLLIN);
    const b = new Uint8Array(out.length * 128);
    const dv = new DataView(b.buffer);
    out.forEach((s, i) => {
      const o = i * 128;
      dv.setUint32(o, s.signo, true);
      dv.setInt32(o + 4, s.errno ?? 0, true);
      dv.setInt32(o + 8, s.code, true);
      dv.setUint32(o + 12, s.pid ?? 0, true);
      dv.setUint32(o + 16, s.uid ?? 0, true);
      if (s.timerId !== undefined) { dv.setUint32(o + 24, s.timerId, true); dv.setUint32(o + 32, s.overrun ?? 0, true); }
      if (s.status !== undefined) dv.setInt32(o + 40, s.status, true);
      if (s.value !== undefined) { dv.setInt32(o + 44, Number(BigInt.asIntN(32, s.value)), true); dv.setBigUint64(o + 48, s.value, true); }
      if (s.addr !== undefined) dv.setBigUint64(o + 72, BigInt(s.addr), true);
    });
    return b;
  }
  override write(): number { return -EINVAL; }
  override poll(): number {
    return this.proc.threads.some((t) => t.pending.some((s) => (this.mask & sigbit(s.signo)) !== 0n)) ? POLLIN : 0;
  }
  override watch(events: number, cb: () => void): () => void { return this.events.watch(events, cb); }
  override stat(): Stat { return anonStat(this.now()); }
}

function signalfd(t: Task, k: Kernel, fd: number, maskAddr: number, size: number, flags: number): number {
  if (size !== 8 || flags & ~(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
  const b = t.proc.mm.read(maskAddr, 8);
  if (!b) return -EFAULT;
  const mask = new DataView(b.buffer).getBigUint64(0, true) & ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
  if (fd !== -1) {
    const f = t.proc.files.get(fd);
    if (!f) return -EBADF;
    if (!(f instanceof SignalFd)) return -EINVAL;
    f.mask = mask;
    return fd;
  }
  const f = new SignalFd(t.proc, mask, flags, () => k.host.realtimeNs());
  const nfd = t.proc.files.install(f, (flags & O_CLOEXEC) !== 0);
  if (nfd < 0) release(f);
  return nfd;
}
const sysSignalfd: Handler = (t, a, k) => signalfd(t, k, a.i(0), a.u(1), a.u(2), 0);
const sysSignalfd4: Handler = (t, a, k) => signalfd(t, k, a.i(0), a.u(1), a.u(2), a.i(3));

// --- pidfd ------------------------------------------------------------------------------------
// A process as a file: readable (POLLIN) once it has ended; a target for signals and waitid.
export class PidFd extends FileDescription {
  constructor(readonly target: Process, private readonly k: Kernel, flags: number) {
    super(O_RDWR | (flags & O_NONBLOCK), 'anon_inode:[pidfd]');
  }
  override read(): number { return -EINVAL; }
  override write(): number { return -EINVAL; }
  override poll(): number { return this.target.waitStatus !== undefined ? POLLIN : 0; }
  override watch(events: number, cb: () => void): () => void {
    return this.target.alive ? this.target.exitEvents.watch(events, cb) : (queueMicrotask(cb), () => {});
  }
  override stat(): Stat { return anonStat(this.k.host.realtimeNs()); }
}

const sysPidfdOpen: Handler = (t, a, k) => {
  const pid = a.i(0), flags = a.i(1);
  if (flags & ~O_NONBLOCK || pid <= 0) return -EINVAL;
  const p = k.processes.get(pid);
  if (!p) return k.tasks.some((x) => x.tid === pid) ? -EINVAL : -ESRCH; // a thread that leads no process
  const f = new PidFd(p, k, flags);
  const fd = t.proc.files.install(f, true);
  if (fd < 0) release(f);
  return fd;
};
function pidfdOf(t: Task, fd: number): PidFd | number {
  const f = t.proc.files.get(fd);
  return f instanceof PidFd ? f : -EBADF;
}
const sysPidfdSendSignal: Handler = (t, a, k) => {
  const f = pidfdOf(t, a.i(0));
  if (typeof f === 'number') return f;
  const sig = a.i(1), infoAddr = a.u(2), flags = a.u32(3);
  // PIDFD_SIGNAL_THREAD 1, _THREAD_GROUP 2, _PROCESS_GROUP 4 (Linux 6.9): at most one
  if (flags & ~7 || (flags & (flags - 1)) || sig < 0 || sig > 64) return -EINVAL;
  if (f.target.waitStatus !== undefined) return -ESRCH;
  if (sig === 0) return 0;
  const info: SigInfo = { signo: sig, code: 0, pid: t.proc.pid, uid: t.proc.creds.uid };
  if (infoAddr) {
    const b = t.proc.mm.read(infoAddr, 128);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    if (dv.getInt32(0, true) !== sig) return -EINVAL;
    info.code = dv.getInt32(8, true);
    // only a process itself may claim a kernel-made code (>= 0 other than SI_USER), as kill(2) rules
    if (f.target !== t.proc && (info.code >= 0 || info.code === -6 /* SI_TKILL */)) return -EPERM;
    info.pid = dv.getInt32(16, true);
    info.uid = dv.getInt32(20, true);
    info.value = dv.getBigUint64(24, true);
  }
  if (flags === 4) {
    for (const p of [...k.processes.values()]) if (p.pgid === f.target.pgid && p.waitStatus === undefined) k.signalProcess(p, { ...info });
  } else if (flags === 1 && f.target.threads[0]) k.signalTask(f.target.threads[0], info);
  else k.signalProcess(f.target, info);
  return 0;
};
const sysPidfdGetfd: Handler = (t, a) => {
  const f = pidfdOf(t, a.i(0));
  if (typeof f === 'number') return f;
  if (a.u32(2) !== 0) return -EINVAL;
  if (f.target.waitStatus !== undefined) return -ESRCH;
  const target = f.target.files.get(a.i(1));
  if (!target) return -EBADF;
  target.refs++;
  const fd = t.proc.files.install(target, true);
  if (fd < 0) release(target);
  return fd;
};

// --- inotify ------------------------------------------------------------------------------------
function inotifyInit(t: Task, k: Kernel, flags: number): number {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
  if (k.vfs.notify.instances >= k.vfs.notify.limits.instances) return -EMFILE; // fs.inotify.max_user_instances
  const f = new InotifyFile(k.vfs.notify, flags, () => anonStat(k.host.realtimeNs()));
  const fd = t.proc.files.install(f, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) release(f);
  return fd;
}
const sysInotifyInit: Handler = (t, a, k) => inotifyInit(t, k, 0);
const sysInotifyInit1: Handler = (t, a, k) => inotifyInit(t, k, a.i(0));
const sysInotifyAddWatch: Handler = (t, a, k) => {
  const f = t.proc.files.get(a.i(0));
  if (!f) return -EBADF;
  if (!(f instanceof InotifyFile)) return -EINVAL;
  const mask = a.u32(2);
  if (!(mask & IN_ALL_EVENTS) || (mask & IN_MASK_ADD && mask & IN_MASK_CREATE)) return -EINVAL;
  const b = t.proc.mm.readCString(a.u(1), 4096);
  if (!b) return -EFAULT;
  const loc = k.vfs.resolve(t, AT_FDCWD, pathFromBytes(b), { follow: !(mask & IN_DONT_FOLLOW), allowMissing: false });
  if (typeof loc === 'number') return loc;
  if (!loc.stat) return -ENOENT;
  if (mask & IN_ONLYDIR && !isDir(loc.stat.mode)) return -ENOTDIR;
  if (!permits(loc.stat, t.proc.creds, R_OK)) return -EACCES;
  const key = loc.file ? loc.file.node?.inode ?? loc.file : loc.place?.node;
  return key ? f.addWatch(key, mask, { dev: loc.stat.dev, ino: loc.stat.ino }) : -2 /* ENOENT */;
};
const sysInotifyRmWatch: Handler = (t, a) => {
  const f = t.proc.files.get(a.i(0));
  if (!f) return -EBADF;
  return f instanceof InotifyFile ? f.rmWatch(a.i(1)) : -EINVAL;
};

export const fdEventSyscalls: SyscallDef[] = [
  { nr: 253, name: 'inotify_init', handler: sysInotifyInit, args: [], status: 'partial', note: 'as inotify_init1' },
  { nr: 294, name: 'inotify_init1', handler: sysInotifyInit1, args: ['flags'], status: 'partial', note: 'sees what guest processes do through xos, not changes made on the host; IN_DELETE_SELF comes with the last name, not the last close; no IN_UNMOUNT' },
  { nr: 254, name: 'inotify_add_watch', handler: sysInotifyAddWatch, args: ['fd', 'path', 'hex'], status: 'implemented' },
  { nr: 255, name: 'inotify_rm_watch', handler: sysInotifyRmWatch, args: ['fd', 'int'], status: 'implemented' },
  { nr: 434, name: 'pidfd_open', handler: sysPidfdOpen, args: ['int', 'flags'], status: 'implemented' },
  { nr: 424, name: 'pidfd_send_signal', handler: sysPidfdSendSignal, args: ['fd', 'signal', 'ptr', 'hex'], status: 'implemented' },
  { nr: 438, name: 'pidfd_getfd', handler: sysPidfdGetfd, args: ['fd', 'int', 'hex'], status: 'implemented' },
  { nr: 283, name: 'timerfd_create', handler: sysTimerfdCreate, args: ['int', 'flags'], status: 'partial', note: 'the *_ALARM clocks act as their base clocks; TFD_TIMER_CANCEL_ON_SET is accepted and never cancels' },
  { nr: 286, name: 'timerfd_settime', handler: sysTimerfdSettime, args: ['fd', 'hex', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 287, name: 'timerfd_gettime', handler: sysTimerfdGettime, args: ['fd', 'ptr'], status: 'implemented' },
  { nr: 282, name: 'signalfd', handler: sysSignalfd, args: ['fd', 'ptr', 'size'], status: 'partial', note: 'as signalfd4' },
  { nr: 289, name: 'signalfd4', handler: sysSignalfd4, args: ['fd', 'ptr', 'size', 'flags'], status: 'partial', note: 'reads the pending signals of the process that made it, also after fork' },
];
