// POSIX message queues and the mqueue file system that shows them
// (/dev/mqueue): each queue a file whose read gives its status line, unlink
// removes its name (open descriptors keep the queue). The kernel's mq_*
// calls (kernel/sys-mqueue.ts) work on the same queues.
import type { FsBackend, StatFs } from './backend.js';
import { EMPTY_STATFS, KernelTreeFs } from './backend.js';
import { FileDescription, O_ACCMODE, O_NONBLOCK, O_RDONLY, O_WRONLY, S_IFDIR, S_IFREG, type Dirent, type Stat } from './file.js';
import { EACCES, EINVAL, ENOENT, ENOTDIR, EPERM, EISDIR } from '../base/errno.js';
import { WaitQueue, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from './wait-queue.js';

export interface MqMessage { prio: number; data: Uint8Array }
// Who mq_notify registered, and how (sigev_notify, signal, value). SIGEV_THREAD: the 32-byte cookie
// sent to the caller's netlink socket (`sink`), its last byte saying woken up or removed.
export interface MqNotify {
  pid: number; owner: object; notify: number; signo: number; value: bigint;
  cookie?: Uint8Array; sink?: { deliver(d: Uint8Array): void };
}
export const NOTIFY_NONE = 0, NOTIFY_WOKENUP = 1, NOTIFY_REMOVED = 2, NOTIFY_COOKIE_LEN = 32;

export function withStatus(cookie: Uint8Array, status: number): Uint8Array {
  const c = cookie.slice();
  c[NOTIFY_COOKIE_LEN - 1] = status;
  return c;
}

export class MessageQueue {
  readonly msgs: MqMessage[] = []; // highest priority first, in arrival order within one
  bytes = 0;
  readonly queue = new WaitQueue();
  notify?: MqNotify;
  receivers = 0; // tasks waiting in mq_timedreceive (a notification goes only when none does)
  constructor(readonly ino: number, public mode: number, public uid: number, public gid: number, readonly maxmsg: number,
    readonly msgsize: number, public timeNs: bigint) {}

  get full(): boolean { return this.msgs.length >= this.maxmsg; }
  // The registration ends without a message: a SIGEV_THREAD one tells its socket (glibc's helper thread ends).
  dropNotify(): void {
    const n = this.notify;
    this.notify = undefined;
    if (n?.sink && n.cookie) n.sink.deliver(withStatus(n.cookie, NOTIFY_REMOVED));
  }
  put(m: MqMessage): void {
    const i = this.msgs.findIndex((x) => x.prio < m.prio);
    if (i < 0) this.msgs.push(m); else this.msgs.splice(i, 0, m);
    this.bytes += m.data.length;
    this.queue.notify(POLLIN | POLLRDNORM);
  }
  take(): MqMessage | undefined {
    const m = this.msgs.shift();
    if (m) { this.bytes -= m.data.length; this.queue.notify(POLLOUT | POLLWRNORM); }
    return m;
  }
  // The line a read of its file gives.
  status(): string {
    const n = this.notify;
    return `QSIZE:${String(this.bytes).padEnd(10)} NOTIFY:${String(n?.notify ?? 0).padEnd(5)} ` +
      `SIGNO:${String(n && n.notify === 0 ? n.signo : 0).padEnd(5)} NOTIFY_PID:${String(n?.pid ?? 0).padEnd(6)}\n`;
  }
}

// The machine's queues by name (one IPC namespace).
export class MqueueRegistry {
  readonly queues = new Map<string, MessageQueue>();
  private nextIno = 2;
  ino(): number { return this.nextIno++; }
}

// An open queue: what mq_open returns (a descriptor), also what opening its /dev/mqueue file gives.
export class MqueueFile extends FileDescription {
  private pos = 0;
  constructor(readonly q: MessageQueue, flags: number, path: string) { super(flags, path); }
  override read(n: number, pos?: number): Uint8Array | number {
    const at = pos ?? this.pos;
    const line = this.q.status();
    const out = Uint8Array.from(line.slice(at, at + n), (c) => c.charCodeAt(0));
    if (pos === undefined) this.pos += out.length;
    return out;
  }
  override write(): number { return -EINVAL; }
  override poll(): number {
    return (this.q.msgs.length ? POLLIN | POLLRDNORM : 0) | (this.q.full ? 0 : POLLOUT | POLLWRNORM);
  }
  override watch(events: number, cb: () => void): () => void { return this.q.queue.watch(events, cb); }
  override stat(): Stat { return mqStat(this.q); }
  override fdinfo(): string { return this.q.status(); }
  // Any close by the process that registered for notification ends the registration, as on Linux.
  override flush(owner: object): void { if (this.q.notify?.owner === owner) this.q.dropNotify(); }
  get nonblocking(): boolean { return (this.flags & O_NONBLOCK) !== 0; }
  get canSend(): boolean { return (this.flags & O_ACCMODE) !== O_RDONLY; }
  get canReceive(): boolean { return (this.flags & O_ACCMODE) !== O_WRONLY; }
}

function mqStat(q: MessageQueue): Stat {
  return {
    dev: 0x13, ino: q.ino, mode: S_IFREG | q.mode, nlink: 1, uid: q.uid, gid: q.gid, rdev: 0, size: q.status().length,
    blksize: 4096, blocks: 0, atimeNs: q.timeNs, mtimeNs: q.timeNs, ctimeNs: q.timeNs,
  };
}

export class MqueueFs extends KernelTreeFs implements FsBackend {
  readonly type = 'mqueue';
  readonly readOnly = false;
  constructor(private readonly reg: MqueueRegistry, private readonly now: () => bigint) { super(); }

  private queue(path: string): MessageQueue | undefined { return this.reg.queues.get(path.slice(1)); }
  lstat(path: string): Stat | number {
    if (path === '/') {
      const t = this.now();
      return { dev: 0x13, ino: 1, mode: S_IFDIR | 0o1777, nlink: 2, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: t, mtimeNs: t, ctimeNs: t };
    }
    const q = this.queue(path);
    return q ? mqStat(q) : -ENOENT;
  }
  readlink(path: string): string | number { return this.lstat(path) instanceof Object ? -EINVAL : -ENOENT; }
  readdir(path: string): Dirent[] | number {
    if (path !== '/') return this.queue(path) ? -ENOTDIR : -ENOENT;
    return [...this.reg.queues].map(([name, q]) => ({ ino: q.ino, type: 8, name }));
  }
  open(path: string, flags: number, _mode: number, guestPath: string): FileDescription | number {
    if (path === '/') return -EISDIR;
    const q = this.queue(path);
    if (!q) return -EACCES; // a new name: queues are made by mq_open
    return new MqueueFile(q, flags, guestPath);
  }
  override unlink(path: string): number {
    return this.reg.queues.delete(path.slice(1)) ? 0 : -ENOENT;
  }
  override chmod(path: string, mode: number): number {
    const q = this.queue(path);
    if (!q) return -EPERM;
    q.mode = mode & 0o777;
    return 0;
  }
  override chown(path: string, uid: number, gid: number): number {
    const q = this.queue(path);
    if (!q) return -EPERM;
    if (uid !== -1) q.uid = uid;
    if (gid !== -1) q.gid = gid;
    return 0;
  }
  statfs(): StatFs { return { ...EMPTY_STATFS, type: 0x19800202 /* MQUEUE_MAGIC */ }; }
}
