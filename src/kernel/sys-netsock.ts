// The socket calls on sockets of the net layer (AF_INET, AF_INET6, AF_NETLINK):
// guest memory in and out, the blocking rules (a blocking stream send goes on
// until every byte is queued, MSG_WAITALL until the buffer is full), the
// SO_RCVTIMEO/SO_SNDTIMEO deadlines, and SIGPIPE. A blocked call's progress
// (bytes already moved) and deadline are its wait record's, found again in
// t.resumed when it runs again.
import type { Task } from './task.js';
import type { Kernel } from './kernel.js';
import { Blocked, blockOn, resumed } from '../base/wait.js';
import { EAGAIN, EFAULT, EINPROGRESS, EINVAL, ENOBUFS, EOPNOTSUPP, EPIPE } from '../base/errno.js';
import { O_CLOEXEC, O_NONBLOCK, release } from '../fs/file.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP } from '../fs/wait-queue.js';
import {
  MSG_CMSG_CLOEXEC, MSG_CTRUNC, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_PEEK, MSG_TRUNC, MSG_WAITALL, SOCK_STREAM, SOL_SOCKET, SO_ERROR,
  type Caller, type NetSocket, type Received,
} from '../net/socket.js';
import { queueSignal, SIGPIPE, SI_USER } from './signal.js';
import { readIovecs, type Iov } from './sys-file.js';
import { gather, i32, layoutCmsgs, readAddr, readMsghdr, scatter, writeAddr } from './socket-mem.js';

const who = (t: Task): Caller => ({ pid: t.proc.pid, uid: t.proc.creds.euid });
// Bytes this call moved before it last blocked.
const progress = (t: Task): number => resumed(t, 'io')?.progress ?? 0;
// Wait on what `w` waits on, recording `done` bytes of progress and the socket's timeout (when it has
// one: the deadline is set on the first wait and kept; once passed, `onTimeout`).
function block(t: Task, k: Kernel, w: Blocked, done: number, timeoutNs: bigint, onTimeout: () => number): number | Blocked {
  let deadline = t.resumed?.deadline?.ns;
  if (timeoutNs > 0n) {
    const now = k.host.monotonicNs();
    deadline ??= now + timeoutNs;
    if (now >= deadline) return onTimeout();
  } else deadline = undefined;
  return new Blocked(done ? { kind: 'io', object: 'socket', progress: done } : { kind: 'io', object: 'socket' }, w.sources,
    deadline === undefined ? undefined : { ns: deadline });
}

export function netBind(t: Task, s: NetSocket, addr: number, len: number): number | Blocked {
  const b = readAddr(t, addr, len);
  if (typeof b === 'number') return b;
  return s.bind(b, who(t));
}
export function netListen(t: Task, s: NetSocket, backlog: number): number | Blocked {
  return s.listen(backlog);
}

export function netConnect(t: Task, k: Kernel, s: NetSocket, addr: number, len: number): number | Blocked {
  const again = resumed(t, 'io') !== undefined;
  let b: Uint8Array = new Uint8Array(0);
  if (!again) {
    const r = readAddr(t, addr, len);
    if (typeof r === 'number') return r;
    if (r.length < 2) return -EINVAL;
    b = r;
  }
  const r = s.connect(b, who(t), again);
  if (!(r instanceof Blocked)) return noticed(t, s, r);
  return block(t, k, r, 0, s.sndtimeoNs, () => -EINPROGRESS);
}

export function netAccept(t: Task, k: Kernel, s: NetSocket, addr: number, lenAddr: number, flags: number): number | Blocked {
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
  if (s.type !== SOCK_STREAM) return -EOPNOTSUPP;
  const r = s.accept();
  if (r instanceof Blocked) return block(t, k, r, 0, s.rcvtimeoNs, () => -EAGAIN);
  if (typeof r === 'number') return r;
  if (flags & O_NONBLOCK) r.sock.flags |= O_NONBLOCK;
  const fd = t.proc.files.install(r.sock, !!(flags & O_CLOEXEC));
  if (fd < 0) { release(r.sock); return fd; }
  const w = writeAddr(t, addr, lenAddr, r.peer);
  if (w < 0) { t.proc.files.close(fd); return w; }
  return fd;
}

// A message from outside the machine about why a socket failed (a relay refused the destination):
// onto the calling process's stderr when the failure reaches it, so that the user sees why.
function noticed(t: Task, s: NetSocket, r: number): number {
  if (r < 0 && s.notice) {
    t.proc.files.get(2)?.write(new TextEncoder().encode(`xos: ${s.notice}\n`));
    s.notice = undefined;
  }
  return r;
}

// --- sending -------------------------------------------------------------------------------------
// Send `data`: a blocking stream send waits until all of it is queued.
export function netSend(t: Task, k: Kernel, s: NetSocket, data: Uint8Array, to: Uint8Array | undefined, flags: number): number | Blocked {
  const sent = progress(t);
  const nonblock = (flags & MSG_DONTWAIT) !== 0 || s.nonblocking;
  const r = s.send(sent ? data.subarray(sent) : data, to, flags | (nonblock ? MSG_DONTWAIT : 0), who(t));
  if (r instanceof Blocked) return block(t, k, r, sent, s.sndtimeoNs, () => sent || -EAGAIN);
  if (r < 0) {
    if (sent) return sent;
    if (r === -EPIPE && s.pipeSignals && !(flags & MSG_NOSIGNAL)) queueSignal(t, { signo: SIGPIPE, code: SI_USER, pid: t.proc.pid });
    return noticed(t, s, r);
  }
  const total = sent + r;
  if (s.type === SOCK_STREAM && total < data.length && !nonblock) {
    return block(t, k, blockOn('socket', s.waiters, POLLOUT | POLLERR | POLLHUP), total, s.sndtimeoNs, () => total);
  }
  return total;
}

// Control messages of an inet sendmsg: the IP and IPv6 ones are accepted (and not acted on),
// SOL_SOCKET ones other than SO_MARK, SO_TIMESTAMPING and SCM_TXTIME are EINVAL.
function checkControl(t: Task, addr: number, len: number): number {
  if (!len) return 0;
  if (len > 1 << 20) return -ENOBUFS;
  const b = t.proc.mm.read(addr, len);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let off = 0; off + 16 <= len;) {
    const clen = Number(dv.getBigUint64(off, true));
    if (clen < 16 || off + clen > len) return -EINVAL;
    const level = dv.getInt32(off + 8, true), type = dv.getInt32(off + 12, true);
    if (level === SOL_SOCKET && type !== 36 && type !== 37 && type !== 61) return -EINVAL;
    off += (clen + 7) & ~7;
  }
  return 0;
}

export function netSendto(t: Task, k: Kernel, s: NetSocket, buf: number, len: number, flags: number, addr: number, alen: number): number | Blocked {
  const data = len ? t.proc.mm.read(buf, Math.min(len, 0x7ffff000)) : new Uint8Array(0);
  if (!data) return -EFAULT;
  let to: Uint8Array | undefined;
  if (addr) {
    const b = readAddr(t, addr, alen);
    if (typeof b === 'number') return b;
    to = b;
  }
  return netSend(t, k, s, data, to, flags);
}
export function netSendmsg(t: Task, k: Kernel, s: NetSocket, msgAddr: number, flags: number): number | Blocked {
  const h = readMsghdr(t, msgAddr);
  if (typeof h === 'number') return h;
  const iovs = readIovecs(t, h.iov, h.iovlen);
  if (typeof iovs === 'number') return iovs;
  const data = gather(t, iovs);
  if (typeof data === 'number') return data;
  const c = checkControl(t, h.control, h.controllen);
  if (c < 0) return c;
  let to: Uint8Array | undefined;
  if (h.name && h.namelen) {
    const b = readAddr(t, h.name, h.namelen);
    if (typeof b === 'number') return b;
    to = b;
  }
  return netSend(t, k, s, data, to, flags);
}

// --- receiving -----------------------------------------------------------------------------------
// Receive up to `max` bytes, each piece handed to `put` at its offset; MSG_WAITALL on a blocking
// stream waits until `max` bytes came (or the end, an error, a signal).
function netReceive(t: Task, k: Kernel, s: NetSocket, max: number, flags: number,
  put: (data: Uint8Array, at: number) => boolean): { r: Received; total: number } | number | Blocked {
  const got = progress(t);
  const nonblock = (flags & MSG_DONTWAIT) !== 0 || s.nonblocking;
  const waitAll = (flags & MSG_WAITALL) !== 0 && s.type === SOCK_STREAM && !(flags & MSG_PEEK) && !nonblock;
  const r = s.recv(max - got, flags | (nonblock ? MSG_DONTWAIT : 0));
  if (r instanceof Blocked) return block(t, k, r, got, s.rcvtimeoNs, () => got || -EAGAIN);
  if (typeof r === 'number') {
    if (!got) return noticed(t, s, r);
    if (r !== -EAGAIN) s.error ||= -r; // bytes already moved go first; the error is for the next call
    return { r: { data: new Uint8Array(0), length: got, truncated: false }, total: got };
  }
  if (r.data.length && !put(r.data, got)) return got || -EFAULT;
  const total = got + r.data.length;
  if (waitAll && total < max && r.data.length > 0) {
    return block(t, k, blockOn('socket', s.waiters, POLLIN | POLLERR | POLLHUP | POLLRDHUP), total, s.rcvtimeoNs, () => total);
  }
  return { r, total };
}
// What recv returns: the bytes, or with MSG_TRUNC a datagram's whole length.
const resultLength = (s: NetSocket, r: Received, total: number, flags: number) => (flags & MSG_TRUNC && s.type !== SOCK_STREAM ? r.length : total);

export function netRecvfrom(t: Task, k: Kernel, s: NetSocket, buf: number, len: number, flags: number, addr: number, lenAddr: number): number | Blocked {
  const max = Math.min(len, 0x7ffff000);
  const got = netReceive(t, k, s, max, flags, (d, at) => t.proc.mm.write(buf + at, d));
  if (typeof got === 'number' || got instanceof Blocked) return got;
  if (got.r.from) {
    const w = writeAddr(t, addr, lenAddr, got.r.from);
    if (w < 0) return w;
  }
  return resultLength(s, got.r, got.total, flags);
}

export function netRecvmsg(t: Task, k: Kernel, s: NetSocket, msgAddr: number, flags: number): number | Blocked {
  const h = readMsghdr(t, msgAddr);
  if (typeof h === 'number') return h;
  const iovs: Iov[] | number = readIovecs(t, h.iov, h.iovlen);
  if (typeof iovs === 'number') return iovs;
  if (h.namelen < 0) return -EINVAL;
  const max = Math.min(iovs.reduce((n, v) => n + v.len, 0), 0x7ffff000);
  const got = netReceive(t, k, s, max, flags, (d, at) => scatter(t, iovs, d, at));
  if (typeof got === 'number' || got instanceof Blocked) return got;
  const { r, total } = got;
  let msgFlags = (r.truncated ? MSG_TRUNC : 0) | (flags & MSG_CMSG_CLOEXEC);
  let namelen = 0;
  if (h.name && r.from) {
    namelen = r.from.length;
    if (h.namelen && !t.proc.mm.write(h.name, r.from.subarray(0, Math.min(h.namelen, namelen)))) return -EFAULT;
  }
  let controllen = 0;
  if (r.control?.length) {
    if (!h.control || !h.controllen) msgFlags |= MSG_CTRUNC;
    else {
      const c = layoutCmsgs(r.control, h.controllen);
      if (c.ctrunc) msgFlags |= MSG_CTRUNC;
      if (c.bytes.length && !t.proc.mm.write(h.control, c.bytes)) return -EFAULT;
      controllen = c.bytes.length;
    }
  }
  const out = t.proc.mm.read(msgAddr, 56);
  if (!out) return -EFAULT;
  const dv = new DataView(out.buffer, out.byteOffset);
  dv.setInt32(8, namelen, true);
  dv.setBigUint64(40, BigInt(controllen), true);
  dv.setInt32(48, msgFlags, true);
  if (!t.proc.mm.write(msgAddr, out)) return -EFAULT;
  return resultLength(s, r, total, flags);
}

// --- names and options ---------------------------------------------------------------------------
export function netSockname(t: Task, s: NetSocket, addr: number, lenAddr: number, peer: boolean): number {
  const name = peer ? s.peername() : s.sockname();
  if (typeof name === 'number') return name;
  return writeAddr(t, addr, lenAddr, name);
}

export function netSetsockopt(t: Task, s: NetSocket, level: number, opt: number, valAddr: number, len: number): number {
  if (len < 0) return -EINVAL;
  const n = Math.min(len, 512);
  const val = n ? t.proc.mm.read(valAddr, n) : new Uint8Array(0);
  if (!val) return -EFAULT;
  return s.setsockopt(level, opt, val);
}
export function netGetsockopt(t: Task, s: NetSocket, level: number, opt: number, valAddr: number, lenAddr: number): number {
  const lb = t.proc.mm.read(lenAddr, 4);
  if (!lb) return -EFAULT;
  const room = new DataView(lb.buffer, lb.byteOffset).getInt32(0, true);
  if (room < 0) return -EINVAL;
  const v = s.getsockopt(level, opt);
  if (typeof v === 'number') return v;
  if (level === SOL_SOCKET && opt === SO_ERROR && v[0]) noticed(t, s, -1);
  const n = Math.min(room, v.length);
  if (n && !t.proc.mm.write(valAddr, v.subarray(0, n))) return -EFAULT;
  return t.proc.mm.write(lenAddr, i32(n)) ? 0 : -EFAULT;
}
