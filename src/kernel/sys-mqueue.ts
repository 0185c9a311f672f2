// POSIX message queues: mq_open, mq_unlink, mq_timedsend, mq_timedreceive,
// mq_notify, mq_getsetattr. The queues live in the VFS's registry, so the
// mqueue file system (/dev/mqueue) lists them (fs/mqueue.ts).
import type { SyscallDef, Handler } from './syscall.js';
import type { Task } from './task.js';
import type { Kernel } from './kernel.js';
import { Blocked, POLLIN, POLLOUT, resumed, type Deadline, type Waitable } from '../base/wait.js';
import {
  EACCES, EAGAIN, EBADF, EBUSY, EEXIST, EFAULT, EINVAL, EMSGSIZE, ENAMETOOLONG, ENOENT, ENOSPC, ENOTSOCK, ETIMEDOUT,
} from '../base/errno.js';
import { O_ACCMODE, O_CLOEXEC, O_CREAT, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, release } from '../fs/file.js';
import { MessageQueue, MqueueFile, NOTIFY_COOKIE_LEN, NOTIFY_WOKENUP, withStatus, type MqNotify } from '../fs/mqueue.js';
import { NetSocket } from '../net/socket.js';
import { NetlinkSocket } from '../net/netlink.js';

const PATH_MAX = 4096, MQ_PRIO_MAX = 32768, HARD_MSGMAX = 65536, HARD_MSGSIZEMAX = 16 * 1024 * 1024, NAME_MAX = 255;
const SI_MESGQ = -3;
const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2;

function queueFile(t: Task, fd: number): MqueueFile | number {
  const f = t.proc.files.get(fd);
  return f instanceof MqueueFile ? f : -EBADF;
}
// An absolute CLOCK_REALTIME timeout, or undefined for none.
function readTimeout(t: Task, addr: number): Deadline | undefined | number {
  if (!addr) return undefined;
  const b = t.proc.mm.read(addr, 16);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const s = dv.getBigInt64(0, true), ns = dv.getBigInt64(8, true);
  if (s < 0n || ns < 0n || ns >= 1_000_000_000n) return -EINVAL;
  return { ns: s * 1_000_000_000n + ns, realtime: true };
}
// Open-for-read/write permission on a queue from its mode bits.
function permits(t: Task, q: MessageQueue, acc: number): boolean {
  const c = t.proc.creds;
  if (c.euid === 0) return true;
  const bits = c.euid === q.uid ? q.mode >> 6 : c.egid === q.gid || c.groups.includes(q.gid) ? q.mode >> 3 : q.mode;
  const want = acc === O_RDONLY ? 4 : acc === O_WRONLY ? 2 : 6;
  return (bits & want) === want;
}

// mq_open(2): the name without glibc's leading slash.
const sysMqOpen: Handler = (t, a, k) => {
  const raw = t.proc.mm.readCString(a.u(0), PATH_MAX);
  if (!raw) return -EFAULT;
  if (raw.length > NAME_MAX) return -ENAMETOOLONG;
  const name = String.fromCharCode(...raw);
  const flags = a.i(1), mode = a.u32(2) & 0o777, attrAddr = a.u(3);
  if (name === '' || name.includes('/')) return name === '' ? -ENOENT : -EACCES;
  const reg = k.vfs.mqueues;
  let q = reg.queues.get(name);
  const acc = flags & O_ACCMODE;
  if (acc !== O_RDONLY && acc !== O_WRONLY && acc !== O_RDWR) return -EINVAL;
  if (q) {
    if (flags & O_CREAT && flags & O_EXCL) return -EEXIST;
    if (!permits(t, q, acc)) return -EACCES;
  } else {
    if (!(flags & O_CREAT)) return -ENOENT;
    const v = k.sysctl.values;
    const root = t.proc.creds.euid === 0;
    let maxmsg = v.mqMsgDefault, msgsize = v.mqMsgsizeDefault;
    if (attrAddr) {
      const b = t.proc.mm.read(attrAddr, 64);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer);
      const m = dv.getBigInt64(8, true), s = dv.getBigInt64(16, true);
      if (m <= 0n || s <= 0n) return -EINVAL;
      if (root ? m > HARD_MSGMAX || s > HARD_MSGSIZEMAX : m > v.mqMsgMax || s > v.mqMsgsizeMax) return -EINVAL;
      maxmsg = Number(m); msgsize = Number(s);
    }
    if (!root && reg.queues.size >= v.mqQueuesMax) return -ENOSPC;
    const c = t.proc.creds;
    q = new MessageQueue(reg.ino(), mode & ~t.proc.fs.umask, c.euid, c.egid, maxmsg, msgsize, k.host.realtimeNs());
    reg.queues.set(name, q);
  }
  const f = new MqueueFile(q, acc | (flags & O_NONBLOCK), `/${name}`);
  const fd = t.proc.files.install(f, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) release(f);
  return fd;
};

// mq_unlink(2): the name goes; the queue lives on while descriptors hold it.
const sysMqUnlink: Handler = (t, a, k) => {
  const raw = t.proc.mm.readCString(a.u(0), PATH_MAX);
  if (!raw) return -EFAULT;
  if (raw.length > NAME_MAX) return -ENAMETOOLONG;
  const name = String.fromCharCode(...raw);
  const q = k.vfs.mqueues.queues.get(name);
  if (!q) return -ENOENT;
  const c = t.proc.creds;
  if (c.euid !== 0 && c.euid !== q.uid) return -EACCES; // the directory is sticky (1777)
  k.vfs.mqueues.queues.delete(name);
  return 0;
};

// A message came to an empty queue that no receiver waits on: the registered process hears of it.
function notifyArrival(k: Kernel, t: Task, q: MessageQueue): void {
  const n = q.notify;
  if (!n || q.msgs.length !== 1 || q.receivers > 0) return;
  q.notify = undefined;
  if (n.notify === SIGEV_THREAD) { n.sink?.deliver(withStatus(n.cookie!, NOTIFY_WOKENUP)); return; }
  const p = k.processes.get(n.pid);
  if (!p || n.notify !== SIGEV_SIGNAL) return;
  k.signalProcess(p, { signo: n.signo, code: SI_MESGQ, pid: t.proc.pid, uid: t.proc.creds.uid, value: n.value });
}

// The deadline of a wait being re-run: passed (ETIMEDOUT) or still ahead.
function expired(k: Kernel, d: Deadline | undefined): boolean {
  return !!d && (d.realtime ? k.host.realtimeNs() : k.host.monotonicNs()) >= d.ns;
}

// mq_timedsend(2)
const sysMqTimedsend: Handler = (t, a, k) => {
  const f = queueFile(t, a.i(0));
  if (typeof f === 'number') return f;
  if (!f.canSend) return -EBADF;
  const len = a.u(2), prio = a.u32(3);
  if (prio >= MQ_PRIO_MAX) return -EINVAL;
  const again = resumed(t, 'io') ? t.resumed!.deadline : undefined;
  const timeout = again ?? readTimeout(t, a.u(4));
  if (typeof timeout === 'number') return timeout;
  const q = f.q;
  if (len > q.msgsize) return -EMSGSIZE;
  const data = t.proc.mm.read(a.u(1), len);
  if (!data) return -EFAULT;
  if (q.full) {
    if (f.nonblocking) return -EAGAIN;
    if (expired(k, timeout)) return -ETIMEDOUT;
    return new Blocked({ kind: 'io', object: 'mqueue' }, [{ on: q.queue, events: POLLOUT }], timeout);
  }
  q.put({ prio, data: data.slice() });
  q.timeNs = k.host.realtimeNs();
  notifyArrival(k, t, q);
  return 0;
};

// mq_timedreceive(2): the oldest message of the highest priority.
const sysMqTimedreceive: Handler = (t, a, k) => {
  const f = queueFile(t, a.i(0));
  if (typeof f === 'number') return f;
  if (!f.canReceive) return -EBADF;
  const q = f.q;
  const timeout = resumed(t, 'io') ? t.resumed!.deadline : readTimeout(t, a.u(4));
  if (typeof timeout === 'number') return timeout;
  if (a.u(2) < q.msgsize) return -EMSGSIZE;
  if (!q.msgs.length) {
    if (f.nonblocking) return -EAGAIN;
    if (expired(k, timeout)) return -ETIMEDOUT;
    // counted as a receiver while the wait is armed (a notification goes only when none waits)
    const receiver: Waitable = {
      watch(events, cb) {
        q.receivers++;
        const cancel = q.queue.watch(events, cb);
        return () => { q.receivers--; cancel(); };
      },
    };
    return new Blocked({ kind: 'io', object: 'mqueue' }, [{ on: receiver, events: POLLIN }], timeout);
  }
  const m = q.msgs[0];
  if (!t.proc.mm.write(a.u(1), m.data)) return -EFAULT;
  if (a.u(3)) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, m.prio, true);
    if (!t.proc.mm.write(a.u(3), b)) return -EFAULT;
  }
  q.take();
  q.timeNs = k.host.realtimeNs();
  return m.data.length;
};

// mq_notify(2): struct sigevent { sigval value; int signo; int notify; … }.
const sysMqNotify: Handler = (t, a) => {
  const f = queueFile(t, a.i(0));
  if (typeof f === 'number') return f;
  const q = f.q;
  if (!a.u(1)) {
    if (q.notify?.owner === t.proc) q.dropNotify();
    return 0;
  }
  const b = t.proc.mm.read(a.u(1), 64);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const value = dv.getBigUint64(0, true), signo = dv.getInt32(8, true), notify = dv.getInt32(12, true);
  if (notify !== SIGEV_NONE && notify !== SIGEV_SIGNAL && notify !== SIGEV_THREAD) return -EINVAL;
  if (notify === SIGEV_SIGNAL && (signo < 1 || signo > 64)) return -EINVAL;
  let thread: Pick<MqNotify, 'cookie' | 'sink'> = {};
  if (notify === SIGEV_THREAD) {
    // glibc's helper thread waits on a netlink socket (sigev_signo) for the cookie sigev_value points to
    const cookie = t.proc.mm.read(Number(value), NOTIFY_COOKIE_LEN);
    if (!cookie) return -EFAULT;
    const s = t.proc.files.get(signo);
    if (!s) return -EBADF;
    if (!(s instanceof NetSocket)) return -ENOTSOCK;
    if (!(s instanceof NetlinkSocket)) return -EINVAL;
    thread = { cookie, sink: s };
  }
  if (q.notify) return -EBUSY;
  q.notify = { pid: t.proc.pid, owner: t.proc, notify, signo, value, ...thread };
  return 0;
};

// mq_getsetattr(2): struct mq_attr { long mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs; long reserved[4] }.
const sysMqGetsetattr: Handler = (t, a) => {
  const f = queueFile(t, a.i(0));
  if (typeof f === 'number') return f;
  let next: number | undefined;
  if (a.u(1)) {
    const b = t.proc.mm.read(a.u(1), 64);
    if (!b) return -EFAULT;
    const flags = Number(new DataView(b.buffer).getBigInt64(0, true));
    if (flags & ~O_NONBLOCK) return -EINVAL;
    next = flags;
  }
  if (a.u(2)) {
    const out = new Uint8Array(64);
    const dv = new DataView(out.buffer);
    dv.setBigInt64(0, BigInt(f.flags & O_NONBLOCK), true);
    dv.setBigInt64(8, BigInt(f.q.maxmsg), true);
    dv.setBigInt64(16, BigInt(f.q.msgsize), true);
    dv.setBigInt64(24, BigInt(f.q.msgs.length), true);
    if (!t.proc.mm.write(a.u(2), out)) return -EFAULT;
  }
  if (next !== undefined) f.flags = (f.flags & ~O_NONBLOCK) | next;
  return 0;
};

export const mqueueSyscalls: SyscallDef[] = [
  { nr: 240, name: 'mq_open', handler: sysMqOpen, args: ['str', 'hex', 'mode', 'ptr'], status: 'implemented' },
  { nr: 241, name: 'mq_unlink', handler: sysMqUnlink, args: ['str'], status: 'implemented' },
  { nr: 242, name: 'mq_timedsend', handler: sysMqTimedsend, args: ['fd', 'ibuf', 'size', 'uint', 'ptr'], status: 'implemented' },
  { nr: 243, name: 'mq_timedreceive', handler: sysMqTimedreceive, args: ['fd', 'ptr', 'size', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 244, name: 'mq_notify', handler: sysMqNotify, args: ['fd', 'ptr'], status: 'implemented' },
  { nr: 245, name: 'mq_getsetattr', handler: sysMqGetsetattr, args: ['fd', 'ptr', 'ptr'], status: 'implemented' },
];
