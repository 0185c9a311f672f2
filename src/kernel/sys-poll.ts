// Waiting for descriptors: poll(2), ppoll(2), select(2), pselect6(2), the
// epoll family and eventfd(2). A wait that must block parks the task on the
// watched descriptions and a timer (waitForAny); its deadline and temporary
// signal mask survive the syscall's re-runs in the wait.
import type { SyscallDef, Handler } from './syscall.js';
import type { Task } from './task.js';
import type { Kernel } from './kernel.js';
import { Blocked, POLL_ALL, resumed, type Waitable } from '../base/wait.js';
import { EBADF, EEXIST, EFAULT, EINTR, EINVAL, ELOOP, ENOENT, EPERM } from '../base/errno.js';
import { sigbit, SIGKILL, SIGSTOP } from './signal.js';
import type { FileDescription } from '../fs/file.js';
import { O_CLOEXEC, O_NONBLOCK } from '../fs/file.js';
import { pollMask, pollable, watchAll, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDBAND,
  POLLRDNORM, POLLWRBAND, POLLWRNORM } from '../fs/wait-queue.js';
import { Epoll, EPOLLEXCLUSIVE, EPOLLONESHOT, EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD } from '../fs/epoll.js';
import { EventFd, EFD_SEMAPHORE } from '../fs/eventfd.js';

const NS = 1_000_000_000n;

// Block until one of `files` may have become ready for its events, or the
// monotonic clock reaches `deadline` (none: no timeout).
export function waitForAny(files: [FileDescription, number][], st: WaitState): Blocked {
  const any: Waitable = { watch: (_events, cb) => watchAll(files, cb) };
  return new Blocked({ kind: 'poll', masked: st.masked }, [{ on: any, events: POLL_ALL }],
    st.deadline === undefined ? undefined : { ns: st.deadline });
}

// What a waiting call keeps across its re-runs.
interface WaitState { deadline?: bigint; masked: boolean }

// The deadline of a wait, set on its first run: undefined waits forever, 'now' not at all.
type Timeout = bigint | undefined;

function readTimespec(t: Task, addr: number, usec: boolean): bigint | number {
  const b = t.proc.mm.read(addr, 16);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset);
  const s = dv.getBigInt64(0, true), f = dv.getBigInt64(8, true);
  if (s < 0n || f < 0n || f >= (usec ? 1_000_000n : NS)) return -EINVAL;
  return s * NS + (usec ? f * 1000n : f);
}
function writeTimespec(t: Task, addr: number, ns: bigint, usec: boolean): boolean {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, ns / NS, true);
  dv.setBigInt64(8, usec ? (ns % NS) / 1000n : ns % NS, true);
  return t.proc.mm.write(addr, b);
}

// First run of a waiting call: apply the temporary signal mask (ppoll, pselect6,
// epoll_pwait) and fix the deadline. Returns the state, or -errno.
function begin(t: Task, k: Kernel, relative: bigint | undefined, maskAddr: number, maskSize: number): WaitState | number {
  const prev = resumed(t, 'poll');
  if (prev) return { deadline: t.resumed!.deadline?.ns, masked: prev.masked };
  let masked = false;
  if (maskAddr) {
    if (maskSize !== 8) return -EINVAL;
    const b = t.proc.mm.read(maskAddr, 8);
    if (!b) return -EFAULT;
    t.savedMask = t.sigmask;
    t.sigmask = new DataView(b.buffer, b.byteOffset).getBigUint64(0, true) & ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
    masked = true;
  }
  return { deadline: relative === undefined ? undefined : k.host.monotonicNs() + relative, masked };
}
// The call returns: undo the temporary mask, unless a signal it let through is
// pending (its handler runs with that mask and restores the old one on return).
function finish(t: Task, st: WaitState, r: number): number {
  if (st.masked && t.savedMask !== undefined) {
    if (r === -EINTR) return r;
    t.sigmask = t.savedMask;
    t.savedMask = undefined;
  }
  return r;
}
// Nothing ready: block, time out (0), or stop for a signal the temporary mask lets through.
function wait(t: Task, k: Kernel, st: WaitState, files: [FileDescription, number][], onTimeout: () => number): number | Blocked {
  if (st.deadline !== undefined && k.host.monotonicNs() >= st.deadline) return finish(t, st, onTimeout());
  if (st.masked && t.pending.some((p) => (t.sigmask & sigbit(p.signo)) === 0n)) return finish(t, st, -EINTR);
  return waitForAny(files, st);
}
const remaining = (k: Kernel, st: WaitState): bigint => {
  const left = st.deadline === undefined ? 0n : st.deadline - k.host.monotonicNs();
  return left > 0n ? left : 0n;
};

// --- poll ----------------------------------------------------------------------------
function doPoll(t: Task, k: Kernel, addr: number, nfds: number, st: WaitState | number, tsAddr: number): number | Blocked {
  if (typeof st === 'number') return st;
  const done = (r: number): number => {
    if (tsAddr && r >= 0 && st.deadline !== undefined && !writeTimespec(t, tsAddr, remaining(k, st), false)) return finish(t, st, -EFAULT);
    return finish(t, st, r);
  };
  const b = nfds ? t.proc.mm.read(addr, nfds * 8) : new Uint8Array(0);
  if (!b) return finish(t, st, -EFAULT);
  const dv = new DataView(b.buffer, b.byteOffset);
  let count = 0;
  const watch: [FileDescription, number][] = [];
  for (let i = 0; i < nfds; i++) {
    const fd = dv.getInt32(i * 8, true);
    const events = dv.getUint16(i * 8 + 4, true);
    let rev = 0;
    if (fd >= 0) {
      const f = t.proc.files.get(fd);
      if (!f) rev = POLLNVAL;
      else {
        rev = pollMask(f) & (events | POLLERR | POLLHUP);
        if (!rev) watch.push([f, events]);
      }
    }
    dv.setUint16(i * 8 + 6, rev, true);
    if (rev) count++;
  }
  if (count === 0) {
    const r = wait(t, k, st, watch, () => 0);
    if (r instanceof Blocked || r < 0) return r;
  }
  return t.proc.mm.write(addr, b) ? done(count) : finish(t, st, -EFAULT);
}

const sysPoll: Handler = (t, a, k) => {
  const nfds = a.u(1), ms = a.i(2);
  if (nfds > t.proc.files.limit) return -EINVAL;
  return doPoll(t, k, a.u(0), nfds, begin(t, k, ms < 0 ? undefined : BigInt(ms) * 1_000_000n, 0, 0), 0);
};
const sysPpoll: Handler = (t, a, k) => {
  const nfds = a.u(1);
  if (nfds > t.proc.files.limit) return -EINVAL;
  let rel: Timeout;
  if (t.resumed === undefined && a.u(2)) {
    const r = readTimespec(t, a.u(2), false);
    if (typeof r === 'number') return r;
    rel = r;
  }
  return doPoll(t, k, a.u(0), nfds, begin(t, k, rel, a.u(3), a.u(4)), a.u(2));
};

// --- select ----------------------------------------------------------------------------
const POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const POLLEX_SET = POLLPRI;

function doSelect(t: Task, k: Kernel, nfds: number, addrs: number[], st: WaitState | number, tvAddr: number, usec: boolean): number | Blocked {
  if (typeof st === 'number') return st;
  if (nfds < 0) return finish(t, st, -EINVAL);
  nfds = Math.min(nfds, t.proc.files.limit);
  const bytes = Math.ceil(nfds / 64) * 8;
  const ins: (Uint8Array | null)[] = [];
  for (const addr of addrs) {
    if (!addr || !bytes) { ins.push(null); continue; }
    const b = t.proc.mm.read(addr, bytes);
    if (!b) return finish(t, st, -EFAULT);
    ins.push(b);
  }
  const outs = ins.map((b) => (b ? new Uint8Array(b.length) : null));
  const sets = [POLLIN_SET, POLLOUT_SET, POLLEX_SET];
  const wants = [POLLIN, POLLOUT, POLLPRI];
  let count = 0;
  const watch: [FileDescription, number][] = [];
  for (let fd = 0; fd < nfds; fd++) {
    const byte = fd >> 3, bit = 1 << (fd & 7);
    let want = 0;
    for (let s = 0; s < 3; s++) if (ins[s] && ins[s]![byte] & bit) want |= 1 << s;
    if (!want) continue;
    const f = t.proc.files.get(fd);
    if (!f) return finish(t, st, -EBADF);
    const mask = pollMask(f);
    let events = 0;
    for (let s = 0; s < 3; s++) {
      if (!(want & (1 << s))) continue;
      events |= wants[s];
      if (mask & sets[s]) { outs[s]![byte] |= bit; count++; }
    }
    watch.push([f, events]);
  }
  if (count === 0) {
    const r = wait(t, k, st, watch, () => 0);
    if (r instanceof Blocked || r < 0) return r;
  }
  for (let s = 0; s < 3; s++) if (outs[s] && !t.proc.mm.write(addrs[s], outs[s]!)) return finish(t, st, -EFAULT);
  // Linux writes back the time left (select's timeval; pselect6's timespec too)
  if (tvAddr && st.deadline !== undefined) writeTimespec(t, tvAddr, remaining(k, st), usec);
  return finish(t, st, count);
}

const sysSelect: Handler = (t, a, k) => {
  let rel: Timeout;
  if (t.resumed === undefined && a.u(4)) {
    const r = readTimespec(t, a.u(4), true);
    if (typeof r === 'number') return r;
    rel = r;
  }
  return doSelect(t, k, a.i(0), [a.u(1), a.u(2), a.u(3)], begin(t, k, rel, 0, 0), a.u(4), true);
};
const sysPselect6: Handler = (t, a, k) => {
  let rel: Timeout;
  let maskAddr = 0, maskSize = 0;
  if (t.resumed === undefined) {
    if (a.u(4)) {
      const r = readTimespec(t, a.u(4), false);
      if (typeof r === 'number') return r;
      rel = r;
    }
    if (a.u(5)) { // struct { const sigset_t *ss; size_t ss_len; }
      const b = t.proc.mm.read(a.u(5), 16);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer, b.byteOffset);
      maskAddr = Number(dv.getBigUint64(0, true));
      maskSize = Number(dv.getBigUint64(8, true));
    }
  }
  return doSelect(t, k, a.i(0), [a.u(1), a.u(2), a.u(3)], begin(t, k, rel, maskAddr, maskSize), a.u(4), false);
};

// --- epoll ------------------------------------------------------------------------------
function epollCreate(t: Task, k: Kernel, flags: number): number {
  if (flags & ~O_CLOEXEC) return -EINVAL;
  const ep = new Epoll(() => k.host.realtimeNs());
  const fd = t.proc.files.install(ep, !!(flags & O_CLOEXEC));
  if (fd < 0) ep.release();
  return fd;
}
const sysEpollCreate: Handler = (t, a, k) => (a.i(0) <= 0 ? -EINVAL : epollCreate(t, k, 0));
const sysEpollCreate1: Handler = (t, a, k) => epollCreate(t, k, a.i(0));

const sysEpollCtl: Handler = (t, a) => {
  const epfd = a.i(0), op = a.i(1), fd = a.i(2), evAddr = a.u(3);
  let events = 0, data = 0n;
  if (op !== EPOLL_CTL_DEL) {
    const b = t.proc.mm.read(evAddr, 12);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer, b.byteOffset);
    events = dv.getUint32(0, true);
    data = dv.getBigUint64(4, true);
  }
  const ep = t.proc.files.get(epfd), f = t.proc.files.get(fd);
  if (!ep || !f) return -EBADF;
  if (!pollable(f)) return -EPERM;
  if (ep === f || !(ep instanceof Epoll)) return -EINVAL;
  if (op !== EPOLL_CTL_DEL && events & EPOLLEXCLUSIVE && (op === EPOLL_CTL_MOD || f instanceof Epoll || events & EPOLLONESHOT)) return -EINVAL;
  events |= POLLERR | POLLHUP;
  switch (op) {
    case EPOLL_CTL_ADD:
      if (ep.has(fd, f)) return -EEXIST;
      if (f instanceof Epoll && f.reaches(ep)) return -ELOOP;
      ep.add(fd, f, events, data);
      return 0;
    case EPOLL_CTL_DEL: return ep.remove(fd, f) ? 0 : -ENOENT;
    case EPOLL_CTL_MOD: {
      const e = ep.has(fd, f);
      if (!e) return -ENOENT;
      if (e.events & EPOLLEXCLUSIVE) return -EINVAL;
      ep.modify(fd, f, events, data);
      return 0;
    }
  }
  return -EINVAL;
};

function doEpollWait(t: Task, k: Kernel, epfd: number, addr: number, max: number, st: WaitState | number): number | Blocked {
  if (typeof st === 'number') return st;
  if (max <= 0 || max > 0x7fffffff / 12) return finish(t, st, -EINVAL);
  const ep = t.proc.files.get(epfd);
  if (!ep) return finish(t, st, -EBADF);
  if (!(ep instanceof Epoll)) return finish(t, st, -EINVAL);
  if (!t.proc.mm.read(addr, 12)) return finish(t, st, -EFAULT);
  const evs = ep.collect(max);
  if (evs.length === 0) return wait(t, k, st, [[ep, POLLIN]], () => 0);
  const b = new Uint8Array(evs.length * 12);
  const dv = new DataView(b.buffer);
  evs.forEach((e, i) => { dv.setUint32(i * 12, e.events, true); dv.setBigUint64(i * 12 + 4, e.data, true); });
  return finish(t, st, t.proc.mm.write(addr, b) ? evs.length : -EFAULT);
}
const msTimeout = (ms: number): Timeout => (ms < 0 ? undefined : BigInt(ms) * 1_000_000n);
const sysEpollWait: Handler = (t, a, k) => doEpollWait(t, k, a.i(0), a.u(1), a.i(2), begin(t, k, msTimeout(a.i(3)), 0, 0));
const sysEpollPwait: Handler = (t, a, k) => doEpollWait(t, k, a.i(0), a.u(1), a.i(2), begin(t, k, msTimeout(a.i(3)), a.u(4), a.u(5)));
const sysEpollPwait2: Handler = (t, a, k) => {
  let rel: Timeout;
  if (t.resumed === undefined && a.u(3)) {
    const r = readTimespec(t, a.u(3), false);
    if (typeof r === 'number') return r;
    rel = r;
  }
  return doEpollWait(t, k, a.i(0), a.u(1), a.i(2), begin(t, k, rel, a.u(4), a.u(5)));
};

// --- eventfd -----------------------------------------------------------------------------
function eventfd(t: Task, k: Kernel, initval: number, flags: number): number {
  if (flags & ~(EFD_SEMAPHORE | O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
  const f = new EventFd(BigInt(initval), flags, !!(flags & EFD_SEMAPHORE), () => k.host.realtimeNs());
  const fd = t.proc.files.install(f, !!(flags & O_CLOEXEC));
  if (fd < 0) f.release();
  return fd;
}
const sysEventfd: Handler = (t, a, k) => eventfd(t, k, a.u32(0), 0);
const sysEventfd2: Handler = (t, a, k) => eventfd(t, k, a.u32(0), a.i(1));

export const pollSyscalls: SyscallDef[] = [
  { nr: 7, name: 'poll', handler: sysPoll, args: ['ptr', 'uint', 'int'], status: 'implemented', restart: 'never' },
  { nr: 271, name: 'ppoll', handler: sysPpoll, args: ['ptr', 'uint', 'ptr', 'ptr', 'size'], status: 'implemented', restart: 'never' },
  { nr: 23, name: 'select', handler: sysSelect, args: ['int', 'ptr', 'ptr', 'ptr', 'ptr'], status: 'implemented', restart: 'never' },
  { nr: 270, name: 'pselect6', handler: sysPselect6, args: ['int', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr'], status: 'implemented', restart: 'never' },
  { nr: 213, name: 'epoll_create', handler: sysEpollCreate, args: ['int'], status: 'implemented' },
  { nr: 291, name: 'epoll_create1', handler: sysEpollCreate1, args: ['flags'], status: 'implemented' },
  { nr: 233, name: 'epoll_ctl', handler: sysEpollCtl, args: ['fd', 'int', 'fd', 'ptr'], status: 'partial', note: 'EPOLLEXCLUSIVE and EPOLLWAKEUP accepted and ignored' },
  { nr: 232, name: 'epoll_wait', handler: sysEpollWait, args: ['fd', 'ptr', 'int', 'int'], status: 'partial', note: 'several ready entries are reported in interest-list order, not in the order they became ready', restart: 'never' },
  { nr: 281, name: 'epoll_pwait', handler: sysEpollPwait, args: ['fd', 'ptr', 'int', 'int', 'ptr', 'size'], status: 'partial', note: 'as epoll_wait', restart: 'never' },
  { nr: 441, name: 'epoll_pwait2', handler: sysEpollPwait2, args: ['fd', 'ptr', 'int', 'ptr', 'ptr', 'size'], status: 'partial', note: 'as epoll_wait', restart: 'never' },
  { nr: 284, name: 'eventfd', handler: sysEventfd, args: ['uint'], status: 'implemented' },
  { nr: 290, name: 'eventfd2', handler: sysEventfd2, args: ['uint', 'flags'], status: 'implemented' },
];
