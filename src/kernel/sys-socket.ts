// Sockets: socket(2), socketpair(2), bind, listen, accept4, connect, the send
// and receive calls with SCM_RIGHTS and SCM_CREDENTIALS, shutdown,
// getsockname/getpeername, getsockopt/setsockopt. AF_UNIX here (src/net/unix.ts);
// the families of the net layer (AF_INET, AF_INET6, AF_NETLINK) in sys-netsock.ts.
import type { SyscallDef, Handler } from './syscall.js';
import type { Task } from './task.js';
import type { Kernel } from './kernel.js';
import { Blocked, blockOn, resumed } from '../base/wait.js';
import {
  EADDRINUSE, EAFNOSUPPORT, EBADF, ECONNREFUSED, EFAULT, EINVAL, EISCONN, EMSGSIZE, ENOBUFS, ENOPROTOOPT, ENOTCONN,
  ENOTSOCK, EOPNOTSUPP, EPERM, EPIPE, EPROTONOSUPPORT, EPROTOTYPE,
} from '../base/errno.js';
import { queueSignal, SIGPIPE, SI_USER } from './signal.js';
import { readIovecs } from './sys-file.js';
import { gather, i32, readAddr, readMsghdr, scatter, writeAddr } from './socket-mem.js';
import { NetSocket } from '../net/socket.js';
import { createSocket, netFamily } from '../net/network.js';
import {
  netAccept, netBind, netConnect, netGetsockopt, netListen, netRecvfrom, netRecvmsg, netSendmsg, netSendto, netSetsockopt,
  netSockname,
} from './sys-netsock.js';
import { release } from '../fs/file.js';
import { O_CLOEXEC, O_NONBLOCK, type FileDescription } from '../fs/file.js';
import { AT_FDCWD } from '../fs/vfs.js';
import { POLLERR, POLLHUP, POLLOUT } from '../fs/wait-queue.js';
import {
  UnixNames, UnixSocket, type SockContext, AF_UNIX, AF_UNSPEC, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_STREAM, MSG_CMSG_CLOEXEC,
  MSG_CTRUNC, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_WAITALL, NO_CRED, SOCK_BUF_MAX,
  SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF, type Received, type Ucred,
} from '../net/unix.js';

const SOCK_TYPE_MASK = 0xf, ESOCKTNOSUPPORT = 94;
const SOL_SOCKET = 1, SCM_RIGHTS = 1, SCM_CREDENTIALS = 2, SCM_MAX_FD = 253;
const SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6, SO_SNDBUF = 7,
  SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_PRIORITY = 12, SO_LINGER = 13, SO_REUSEPORT = 15,
  SO_PASSCRED = 16, SO_PEERCRED = 17, SO_RCVLOWAT = 18, SO_SNDLOWAT = 19, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21,
  SO_ACCEPTCONN = 30, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_PROTOCOL = 38, SO_DOMAIN = 39;
const SOCKADDR_UN_SIZE = 110;

const namesOf = (k: Kernel): UnixNames => k.unixNames;
const ctx = (k: Kernel): SockContext => k.sockContext;
const now = (k: Kernel) => k.realtime;
// Credentials a message carries (real ids) and SO_PEERCRED reports (effective ids).
const scmCred = (t: Task): Ucred => ({ pid: t.proc.pid, uid: t.proc.creds.uid, gid: t.proc.creds.gid });
const peerCred = (t: Task): Ucred => ({ pid: t.proc.pid, uid: t.proc.creds.euid, gid: t.proc.creds.egid });

// The net layer's socket at `fd`, if that is what it is.
function netOf(t: Task, fd: number): NetSocket | undefined {
  const f = t.proc.files.get(fd);
  return f instanceof NetSocket ? f : undefined;
}
function sockOf(t: Task, fd: number): UnixSocket | number {
  const f = t.proc.files.get(fd);
  if (!f) return -EBADF;
  return f instanceof UnixSocket ? f : -ENOTSOCK;
}
function install(t: Task, f: FileDescription, cloexec: boolean): number {
  const fd = t.proc.files.install(f, cloexec);
  if (fd < 0) release(f);
  return fd;
}
// --- addresses ------------------------------------------------------------------------------
type Name = { abstract: string } | { path: string };
// A sockaddr_un: an abstract name (leading NUL) or a path.
function parseName(b: Uint8Array): Name | number {
  if (b.length <= 2 || b.length > SOCKADDR_UN_SIZE) return -EINVAL;
  if ((b[0] | (b[1] << 8)) !== AF_UNIX) return -EINVAL;
  if (b[2] === 0) return { abstract: String.fromCharCode(...b.subarray(3)) };
  let end = 2;
  while (end < b.length && b[end]) end++;
  return { path: String.fromCharCode(...b.subarray(2, end)) };
}
// The socket bound to an address.
// A socket of another type is not found under an abstract name, and is EPROTOTYPE under a path.
function lookup(t: Task, k: Kernel, b: Uint8Array, type: number): UnixSocket | number {
  const n = parseName(b);
  if (typeof n === 'number') return n;
  if ('abstract' in n) {
    const s = namesOf(k).abstract.get(n.abstract);
    return s && s.type === type ? s : -ECONNREFUSED;
  }
  const node = k.vfs.socketAt(t, n.path);
  if (typeof node === 'number') return node;
  const s = namesOf(k).inodes.get(node);
  return !s ? -ECONNREFUSED : s.type === type ? s : -EPROTOTYPE;
}

// --- socket, socketpair, bind, listen, accept, connect -----------------------------------------
function checkType(domain: number, type: number, protocol: number): number {
  if (domain !== AF_UNIX) return -EAFNOSUPPORT;
  if (type & ~(SOCK_TYPE_MASK | O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
  if (protocol !== 0 && protocol !== AF_UNIX) return -EPROTONOSUPPORT;
  const base = type & SOCK_TYPE_MASK;
  if (base === SOCK_RAW) return SOCK_DGRAM; // as Linux does for AF_UNIX
  if (base !== SOCK_STREAM && base !== SOCK_DGRAM && base !== SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
  return base;
}
const sysSocket: Handler = (t, a, k) => {
  const type = a.i(1);
  if (netFamily(a.i(0))) {
    if (type & ~(SOCK_TYPE_MASK | O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
    const s = createSocket(k.net, a.i(0), type & SOCK_TYPE_MASK, a.i(2), type, now(k), t.proc.creds.euid);
    return typeof s === 'number' ? s : install(t, s, !!(type & O_CLOEXEC));
  }
  const base = checkType(a.i(0), type, a.i(2));
  if (base < 0) return base;
  return install(t, new UnixSocket(base, type, peerCred(t), ctx(k)), !!(type & O_CLOEXEC));
};
const sysSocketpair: Handler = (t, a, k) => {
  const type = a.i(1);
  if (netFamily(a.i(0))) return type & ~(SOCK_TYPE_MASK | O_NONBLOCK | O_CLOEXEC) ? -EINVAL : -EOPNOTSUPP;
  const base = checkType(a.i(0), type, a.i(2));
  if (base < 0) return base;
  const [x, y] = UnixSocket.pair(base, type, peerCred(t), ctx(k));
  const fx = install(t, x, !!(type & O_CLOEXEC));
  if (fx < 0) { release(y); return fx; }
  const fy = install(t, y, !!(type & O_CLOEXEC));
  if (fy < 0) { t.proc.files.close(fx); return fy; }
  const b = new Uint8Array(8);
  b.set(i32(fx), 0); b.set(i32(fy), 4);
  if (!t.proc.mm.write(a.u(3), b)) { t.proc.files.close(fx); t.proc.files.close(fy); return -EFAULT; }
  return 0;
};

const sysBind: Handler = (t, a, k) => {
  const net = netOf(t, a.i(0));
  if (net) return netBind(t, net, a.u(1), a.i(2));
  const s = sockOf(t, a.i(0));
  if (typeof s === 'number') return s;
  const b = readAddr(t, a.u(1), a.i(2));
  if (typeof b === 'number') return b;
  if (b.length < 2 || (b[0] | (b[1] << 8)) !== AF_UNIX) return -EINVAL;
  const ns = namesOf(k);
  if (s.addr) { // Linux makes the inode first: an existing path wins over "already bound"
    const n = parseName(b);
    const exists = typeof n !== 'number' && 'path' in n && typeof k.vfs.stat(t, AT_FDCWD, n.path, 0x100) !== 'number';
    return exists ? -EADDRINUSE : -EINVAL;
  }
  if (b.length === 2) { // autobind: an abstract name of five hex digits
    const name = ns.nextAutobind();
    s.setName(Uint8Array.from([AF_UNIX, 0, ...[...name].map((c) => c.charCodeAt(0))]), ns.abstract, name.slice(1));
    return 0;
  }
  const n = parseName(b);
  if (typeof n === 'number') return n;
  if ('abstract' in n) {
    if (ns.abstract.has(n.abstract)) return -EADDRINUSE;
    s.setName(b.slice(), ns.abstract, n.abstract);
    return 0;
  }
  const node = k.vfs.bindSocket(t, AT_FDCWD, n.path, 0o777);
  if (typeof node === 'number') return node;
  const addr = new Uint8Array(2 + n.path.length + 1);
  addr[0] = AF_UNIX;
  for (let i = 0; i < n.path.length; i++) addr[2 + i] = n.path.charCodeAt(i);
  s.setName(addr, ns.inodes, node);
  return 0;
};
const sysListen: Handler = (t, a) => {
  const ns = netOf(t, a.i(0));
  if (ns) return netListen(t, ns, a.i(1));
  const s = sockOf(t, a.i(0));
  return typeof s === 'number' ? s : s.listen(a.i(1));
};
function accept(t: Task, a: Parameters<Handler>[1], k: Kernel, flags: number): number | Blocked {
  const ns = netOf(t, a.i(0));
  if (ns) return netAccept(t, k, ns, a.u(1), a.u(2), flags);
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
  const s = sockOf(t, a.i(0));
  if (typeof s === 'number') return s;
  if (s.type === SOCK_DGRAM) return -EOPNOTSUPP;
  const c = s.accept();
  if (typeof c === 'number' || c instanceof Blocked) return c;
  if (flags & O_NONBLOCK) c.flags |= O_NONBLOCK;
  const fd = install(t, c, !!(flags & O_CLOEXEC));
  if (fd < 0) return fd;
  const w = writeAddr(t, a.u(1), a.u(2), c.peer ? c.peer.name() : Uint8Array.of(AF_UNIX, 0));
  if (w < 0) { t.proc.files.close(fd); return w; }
  return fd;
}
const sysAccept: Handler = (t, a, k) => accept(t, a, k, 0);
const sysAccept4: Handler = (t, a, k) => accept(t, a, k, a.i(3));

const sysConnect: Handler = (t, a, k) => {
  const ns = netOf(t, a.i(0));
  if (ns) return netConnect(t, k, ns, a.u(1), a.i(2));
  const s = sockOf(t, a.i(0));
  if (typeof s === 'number') return s;
  const b = readAddr(t, a.u(1), a.i(2));
  if (typeof b === 'number') return b;
  if (s.type === SOCK_DGRAM && b.length >= 2 && (b[0] | (b[1] << 8)) === AF_UNSPEC) return s.connectDgram(undefined);
  const target = lookup(t, k, b, s.type);
  if (typeof target === 'number') return target;
  if (s.type === SOCK_DGRAM) return s.connectDgram(target);
  return s.connectTo(target, peerCred(t));
};

// --- sending ---------------------------------------------------------------------------------
interface Outgoing { data: Uint8Array; files?: FileDescription[]; cred?: Ucred }

// Control messages of sendmsg: SCM_RIGHTS (descriptors, each referenced once
// more) and SCM_CREDENTIALS (checked against the sender's own ids).
function parseControl(t: Task, addr: number, len: number, out: Outgoing): number {
  if (!len) return 0;
  if (len > 1 << 20) return -ENOBUFS;
  const b = t.proc.mm.read(addr, len);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset);
  const files: FileDescription[] = [];
  for (let off = 0; off + 16 <= len;) {
    const clen = Number(dv.getBigUint64(off, true));
    if (clen < 16 || off + clen > len) return -EINVAL;
    const level = dv.getInt32(off + 8, true), type = dv.getInt32(off + 12, true);
    if (level === SOL_SOCKET) {
      if (type === SCM_RIGHTS) {
        const n = Math.floor((clen - 16) / 4);
        if (files.length + n > SCM_MAX_FD) return -EINVAL;
        for (let i = 0; i < n; i++) {
          const f = t.proc.files.get(dv.getInt32(off + 16 + i * 4, true));
          if (!f) return -EBADF;
          files.push(f);
        }
      } else if (type === SCM_CREDENTIALS) {
        if (clen !== 28) return -EINVAL;
        const cred = { pid: dv.getInt32(off + 16, true), uid: dv.getInt32(off + 20, true), gid: dv.getInt32(off + 24, true) };
        const c = t.proc.creds;
        const root = c.euid === 0;
        if (!root && (cred.pid !== t.proc.pid || ![c.uid, c.euid, c.suid].includes(cred.uid) || ![c.gid, c.egid, c.sgid].includes(cred.gid))) return -EPERM;
        out.cred = cred;
      } else return -EINVAL;
    }
    off += (clen + 7) & ~7;
  }
  if (files.length) {
    files.forEach((f) => f.refs++);
    out.files = files;
  }
  return 0;
}

// Send one message; a blocking stream send waits until every byte is queued
// (the count so far is the wait's progress, across re-runs).
function send(t: Task, k: Kernel, fd: number, msg: Outgoing, flags: number, dest?: Uint8Array): number | Blocked {
  const s = sockOf(t, fd);
  if (typeof s === 'number') { msg.files?.forEach(release); return s; }
  const fail = (r: number) => { msg.files?.forEach(release); return r; };
  if (flags & MSG_OOB) return fail(-EOPNOTSUPP);
  let to: UnixSocket | undefined;
  if (dest && dest.length && s.type === SOCK_DGRAM) {
    const r = lookup(t, k, dest, s.type);
    if (typeof r === 'number') return fail(r);
    to = r;
  } else if (dest && dest.length && s.type === SOCK_STREAM) {
    return fail(s.state === 'connected' ? -EISCONN : -EOPNOTSUPP);
  }
  const sent = resumed(t, 'io')?.progress ?? 0;
  const data = sent ? msg.data.subarray(sent) : msg.data;
  const r = s.send(data, msg.files, msg.cred ?? scmCred(t), (flags & MSG_DONTWAIT) !== 0, to);
  if (r instanceof Blocked) return sent ? new Blocked({ kind: 'io', object: 'socket', progress: sent }, r.sources) : r;
  if (r < 0) {
    if (sent) return sent;
    if (r === -EPIPE && !(flags & MSG_NOSIGNAL)) queueSignal(t, { signo: SIGPIPE, code: SI_USER, pid: t.proc.pid });
    return r;
  }
  const total = sent + r;
  if (s.type === SOCK_STREAM && total < msg.data.length && !(flags & MSG_DONTWAIT) && !s.nonblocking) {
    msg.files = undefined;
    return blockOn('socket', s.waiters, POLLOUT | POLLERR | POLLHUP, total);
  }
  return total;
}

const sysSendto: Handler = (t, a, k) => {
  const ns = netOf(t, a.i(0));
  if (ns) return netSendto(t, k, ns, a.u(1), a.u(2), a.i(3), a.u(4), a.i(5));
  const len = a.u(2);
  const data = len ? t.proc.mm.read(a.u(1), Math.min(len, 0x7ffff000)) : new Uint8Array(0);
  if (!data) return -EFAULT;
  let dest: Uint8Array | undefined;
  if (a.u(4)) {
    const b = readAddr(t, a.u(4), a.i(5));
    if (typeof b === 'number') return b;
    dest = b;
  }
  return send(t, k, a.i(0), { data }, a.i(3), dest);
};

function sendmsg(t: Task, k: Kernel, fd: number, addr: number, flags: number): number | Blocked {
  const ns = netOf(t, fd);
  if (ns) return netSendmsg(t, k, ns, addr, flags);
  const h = readMsghdr(t, addr);
  if (typeof h === 'number') return h;
  const iovs = readIovecs(t, h.iov, h.iovlen);
  if (typeof iovs === 'number') return iovs;
  const data = gather(t, iovs);
  if (typeof data === 'number') return data;
  const msg: Outgoing = { data };
  if (!resumed(t, 'io')?.progress) { // descriptors go with the first part only
    const c = parseControl(t, h.control, h.controllen, msg);
    if (c < 0) return c;
  }
  let dest: Uint8Array | undefined;
  if (h.name && h.namelen) {
    const b = readAddr(t, h.name, h.namelen);
    if (typeof b === 'number') { msg.files?.forEach(release); return b; }
    dest = b;
  }
  return send(t, k, fd, msg, flags, dest);
}
const sysSendmsg: Handler = (t, a, k) => sendmsg(t, k, a.i(0), a.u(1), a.i(2));
const sysSendmmsg: Handler = (t, a, k) => {
  const vec = a.u(1), n = Math.min(a.u32(2), 1024), flags = a.i(3);
  let done = 0;
  for (; done < n; done++) {
    const r = sendmsg(t, k, a.i(0), vec + done * 64, flags);
    if (r instanceof Blocked) return done || r;
    if (r < 0) return done || r;
    if (!t.proc.mm.write(vec + done * 64 + 56, i32(r))) return done || -EFAULT;
  }
  return done;
};

// --- receiving -------------------------------------------------------------------------------
function recv(t: Task, fd: number, max: number, flags: number): { s: UnixSocket; r: Received } | number | Blocked {
  const s = sockOf(t, fd);
  if (typeof s === 'number') return s;
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  const r = s.recv(max, (flags & MSG_PEEK) !== 0, (flags & MSG_DONTWAIT) !== 0, (flags & MSG_WAITALL) !== 0);
  if (typeof r === 'number' || r instanceof Blocked) return r;
  return { s, r };
}
const resultLength = (s: UnixSocket, r: Received, flags: number) => (flags & MSG_TRUNC && s.type !== SOCK_STREAM ? r.length : r.data.length);

const sysRecvfrom: Handler = (t, a, k) => {
  const ns = netOf(t, a.i(0));
  if (ns) return netRecvfrom(t, k, ns, a.u(1), a.u(2), a.i(3), a.u(4), a.u(5));
  const flags = a.i(3);
  const got = recv(t, a.i(0), Math.min(a.u(2), 0x7ffff000), flags);
  if (typeof got === 'number' || got instanceof Blocked) return got;
  const { s, r } = got;
  r.files.forEach(release);
  if (r.data.length && !t.proc.mm.write(a.u(1), r.data)) return -EFAULT;
  const w = writeAddr(t, a.u(4), a.u(5), r.from);
  return w < 0 ? w : resultLength(s, r, flags);
};

// Control messages for recvmsg: credentials (with SO_PASSCRED) then descriptors,
// as many as fit; what does not fit sets MSG_CTRUNC.
function buildControl(t: Task, s: UnixSocket, r: Received, room: number, cloexec: boolean): { bytes: Uint8Array; ctrunc: boolean } | number {
  const parts: Uint8Array[] = [];
  let used = 0, ctrunc = false;
  const cmsg = (type: number, payload: Uint8Array) => {
    const len = 16 + payload.length, space = (len + 7) & ~7;
    const b = new Uint8Array(Math.min(space, room - used));
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(len), true);
    dv.setInt32(8, SOL_SOCKET, true);
    dv.setInt32(12, type, true);
    b.set(payload.subarray(0, b.length - 16), 16);
    parts.push(b);
    used += b.length;
  };
  if (s.passcred) {
    if (room - used >= 32) {
      const c = r.cred ?? { pid: 0, uid: 65534, gid: 65534 };
      const p = new Uint8Array(12);
      const dv = new DataView(p.buffer);
      dv.setInt32(0, c.pid, true); dv.setInt32(4, c.uid, true); dv.setInt32(8, c.gid, true);
      cmsg(SCM_CREDENTIALS, p);
    } else ctrunc = true;
  }
  if (r.files.length) {
    const fit = Math.max(0, Math.floor((room - used - 16) / 4));
    const fds: number[] = [];
    for (const [i, f] of r.files.entries()) {
      if (i >= fit) { release(f); ctrunc = true; continue; }
      const fd = t.proc.files.install(f, cloexec);
      if (fd < 0) { release(f); ctrunc = true; continue; }
      fds.push(fd);
    }
    if (fds.length) {
      const p = new Uint8Array(fds.length * 4);
      fds.forEach((fd, i) => new DataView(p.buffer).setInt32(i * 4, fd, true));
      cmsg(SCM_RIGHTS, p);
    }
  }
  const bytes = new Uint8Array(used);
  let o = 0;
  for (const p of parts) { bytes.set(p, o); o += p.length; }
  return { bytes, ctrunc };
}

function recvmsg(t: Task, k: Kernel, fd: number, addr: number, flags: number): number | Blocked {
  const ns = netOf(t, fd);
  if (ns) return netRecvmsg(t, k, ns, addr, flags);
  const h = readMsghdr(t, addr);
  if (typeof h === 'number') return h;
  const iovs = readIovecs(t, h.iov, h.iovlen);
  if (typeof iovs === 'number') return iovs;
  if (h.namelen < 0) return -EINVAL;
  const max = Math.min(iovs.reduce((s, v) => s + v.len, 0), 0x7ffff000);
  const got = recv(t, fd, max, flags);
  if (typeof got === 'number' || got instanceof Blocked) return got;
  const { s, r } = got;
  if (!scatter(t, iovs, r.data)) { r.files.forEach(release); return -EFAULT; }
  let msgFlags = (r.truncated ? MSG_TRUNC : 0) | (flags & MSG_CMSG_CLOEXEC); // Linux echoes MSG_CMSG_CLOEXEC
  let namelen = 0;
  if (h.name && r.from) {
    namelen = r.from.length;
    if (!t.proc.mm.write(h.name, r.from.subarray(0, Math.min(h.namelen, namelen)))) { r.files.forEach(release); return -EFAULT; }
  }
  let controllen = 0;
  if (h.control && h.controllen) {
    const c = buildControl(t, s, r, h.controllen, (flags & MSG_CMSG_CLOEXEC) !== 0);
    if (typeof c === 'number') return c;
    if (c.ctrunc) msgFlags |= MSG_CTRUNC;
    if (c.bytes.length && !t.proc.mm.write(h.control, c.bytes)) return -EFAULT;
    controllen = c.bytes.length;
  } else if (r.files.length || s.passcred) {
    if (r.files.length) msgFlags |= MSG_CTRUNC;
    r.files.forEach(release);
  }
  const out = new Uint8Array(56);
  const dv = new DataView(out.buffer);
  const hb = t.proc.mm.read(addr, 56)!;
  out.set(hb);
  dv.setInt32(8, namelen, true);
  dv.setBigUint64(40, BigInt(controllen), true);
  dv.setInt32(48, msgFlags, true);
  if (!t.proc.mm.write(addr, out)) return -EFAULT;
  return resultLength(s, r, flags);
}
const sysRecvmsg: Handler = (t, a, k) => recvmsg(t, k, a.i(0), a.u(1), a.i(2));
const sysRecvmmsg: Handler = (t, a, k) => {
  const vec = a.u(1), n = Math.min(a.u32(2), 1024);
  let flags = a.i(3);
  const MSG_WAITFORONE = 0x10000;
  let done = 0;
  for (; done < n; done++) {
    const r = recvmsg(t, k, a.i(0), vec + done * 64, flags & ~MSG_WAITFORONE);
    if (r instanceof Blocked) return done || r;
    if (r < 0) return done || r;
    if (!t.proc.mm.write(vec + done * 64 + 56, i32(r))) return done || -EFAULT;
    if (flags & MSG_WAITFORONE) flags |= MSG_DONTWAIT;
  }
  return done;
};

// --- shutdown, names ------------------------------------------------------------------------
const sysShutdown: Handler = (t, a) => {
  const ns = netOf(t, a.i(0));
  if (ns) return ns.shutdown(a.i(1));
  const s = sockOf(t, a.i(0));
  return typeof s === 'number' ? s : s.shutdown(a.i(1));
};
const sysGetsockname: Handler = (t, a) => {
  const ns = netOf(t, a.i(0));
  if (ns) return netSockname(t, ns, a.u(1), a.u(2), false);
  const s = sockOf(t, a.i(0));
  if (typeof s === 'number') return s;
  return writeAddr(t, a.u(1), a.u(2), s.name());
};
const sysGetpeername: Handler = (t, a) => {
  const ns = netOf(t, a.i(0));
  if (ns) return netSockname(t, ns, a.u(1), a.u(2), true);
  const s = sockOf(t, a.i(0));
  if (typeof s === 'number') return s;
  if (!s.peer || (s.connectionOriented && s.state !== 'connected')) return -ENOTCONN;
  return writeAddr(t, a.u(1), a.u(2), s.peer.name());
};

// --- options ----------------------------------------------------------------------------------
const STORED: ReadonlySet<number> = new Set([SO_DEBUG, SO_REUSEADDR, SO_DONTROUTE, SO_BROADCAST, SO_KEEPALIVE, SO_OOBINLINE, SO_PRIORITY,
  SO_LINGER, SO_REUSEPORT, SO_RCVLOWAT, SO_SNDLOWAT, SO_RCVTIMEO, SO_SNDTIMEO]);
const STRUCT_SIZE: Record<number, number> = { [SO_LINGER]: 8, [SO_RCVTIMEO]: 16, [SO_SNDTIMEO]: 16 };

const sysSetsockopt: Handler = (t, a) => {
  const ns = netOf(t, a.i(0));
  if (ns) return netSetsockopt(t, ns, a.i(1), a.i(2), a.u(3), a.i(4));
  const s = sockOf(t, a.i(0));
  if (typeof s === 'number') return s;
  const level = a.i(1), opt = a.i(2), len = a.i(4);
  if (level !== SOL_SOCKET) return -EOPNOTSUPP;
  const size = STRUCT_SIZE[opt] ?? 4;
  if (len < size) return -EINVAL;
  const b = t.proc.mm.read(a.u(3), size);
  if (!b) return -EFAULT;
  const v = new DataView(b.buffer, b.byteOffset).getInt32(0, true);
  switch (opt) {
    case SO_SNDBUF: case SO_SNDBUFFORCE:
      s.sndbuf = Math.max(Math.min(v >>> 0, opt === SO_SNDBUF ? SOCK_BUF_MAX : 0x3fffffff) * 2, SOCK_MIN_SNDBUF);
      return 0;
    case SO_RCVBUF: case SO_RCVBUFFORCE:
      s.rcvbuf = Math.max(Math.min(v >>> 0, opt === SO_RCVBUF ? SOCK_BUF_MAX : 0x3fffffff) * 2, SOCK_MIN_RCVBUF);
      return 0;
    case SO_PASSCRED: s.passcred = v !== 0; return 0;
    case SO_RCVLOWAT: s.options.set(opt, i32(v <= 0 ? 1 : v)); return 0;
  }
  if (!STORED.has(opt)) return -ENOPROTOOPT;
  s.options.set(opt, size === 4 ? i32(v ? 1 : 0) : b.slice());
  if (opt === SO_PRIORITY) s.options.set(opt, i32(v));
  return 0;
};
const sysGetsockopt: Handler = (t, a) => {
  const ns = netOf(t, a.i(0));
  if (ns) return netGetsockopt(t, ns, a.i(1), a.i(2), a.u(3), a.u(4));
  const s = sockOf(t, a.i(0));
  if (typeof s === 'number') return s;
  const level = a.i(1), opt = a.i(2), valAddr = a.u(3), lenAddr = a.u(4);
  if (level !== SOL_SOCKET) return -EOPNOTSUPP;
  const lb = t.proc.mm.read(lenAddr, 4);
  if (!lb) return -EFAULT;
  const room = new DataView(lb.buffer, lb.byteOffset).getInt32(0, true);
  if (room < 0) return -EINVAL;
  let v: Uint8Array;
  switch (opt) {
    case SO_TYPE: v = i32(s.type); break;
    case SO_ERROR: v = i32(s.error); s.error = 0; break;
    case SO_SNDBUF: v = i32(s.sndbuf); break;
    case SO_RCVBUF: v = i32(s.rcvbuf); break;
    case SO_PASSCRED: v = i32(s.passcred ? 1 : 0); break;
    case SO_ACCEPTCONN: v = i32(s.state === 'listening' ? 1 : 0); break;
    case SO_DOMAIN: v = i32(AF_UNIX); break;
    case SO_PROTOCOL: v = i32(0); break;
    case SO_PEERCRED: {
      const c = s.peerCred ?? NO_CRED;
      v = new Uint8Array(12);
      const dv = new DataView(v.buffer);
      dv.setInt32(0, c.pid, true); dv.setInt32(4, c.uid, true); dv.setInt32(8, c.gid, true);
      break;
    }
    case SO_RCVLOWAT: case SO_SNDLOWAT: v = s.options.get(opt) ?? i32(1); break;
    default:
      if (!STORED.has(opt)) return -ENOPROTOOPT;
      v = s.options.get(opt) ?? new Uint8Array(STRUCT_SIZE[opt] ?? 4);
  }
  const n = Math.min(room, v.length);
  if (n && !t.proc.mm.write(valAddr, v.subarray(0, n))) return -EFAULT;
  return t.proc.mm.write(lenAddr, i32(n)) ? 0 : -EFAULT;
};

const FAMILIES = 'AF_UNIX (stream, datagram, seqpacket), AF_INET and AF_INET6 (TCP, UDP), AF_NETLINK (NETLINK_ROUTE); SOCK_RAW: EPERM; other families: EAFNOSUPPORT';
const OOB = 'MSG_OOB: EOPNOTSUPP (TCP urgent data is not kept)';
export const socketSyscalls: SyscallDef[] = [
  { nr: 41, name: 'socket', handler: sysSocket, args: ['int', 'hex', 'int'], status: 'partial', note: FAMILIES },
  { nr: 53, name: 'socketpair', handler: sysSocketpair, args: ['int', 'hex', 'int', 'ptr'], status: 'implemented', note: 'AF_UNIX (AF_INET: EOPNOTSUPP, as on Linux)' },
  { nr: 49, name: 'bind', handler: sysBind, args: ['fd', 'ptr', 'int'], status: 'implemented' },
  { nr: 50, name: 'listen', handler: sysListen, args: ['fd', 'int'], status: 'implemented' },
  { nr: 43, name: 'accept', handler: sysAccept, args: ['fd', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 288, name: 'accept4', handler: sysAccept4, args: ['fd', 'ptr', 'ptr', 'flags'], status: 'implemented' },
  { nr: 42, name: 'connect', handler: sysConnect, args: ['fd', 'ptr', 'int'], status: 'implemented' },
  { nr: 44, name: 'sendto', handler: sysSendto, args: ['fd', 'ibuf', 'size', 'flags', 'ptr', 'int'], status: 'partial', note: OOB },
  { nr: 45, name: 'recvfrom', handler: sysRecvfrom, args: ['fd', 'ptr', 'size', 'flags', 'ptr', 'ptr'], status: 'partial', note: OOB },
  { nr: 46, name: 'sendmsg', handler: sysSendmsg, args: ['fd', 'ptr', 'flags'], status: 'partial', note: 'SCM_RIGHTS and SCM_CREDENTIALS on AF_UNIX; IP control messages accepted and ignored; no SCM_PIDFD/SCM_SECURITY' },
  { nr: 47, name: 'recvmsg', handler: sysRecvmsg, args: ['fd', 'ptr', 'flags'], status: 'partial', note: 'SCM_RIGHTS, SCM_CREDENTIALS; IP_PKTINFO, IPV6_PKTINFO, IP_TTL, IP_TOS, SO_TIMESTAMP; no MSG_ERRQUEUE' },
  { nr: 307, name: 'sendmmsg', handler: sysSendmmsg, args: ['fd', 'ptr', 'uint', 'flags'], status: 'implemented' },
  { nr: 299, name: 'recvmmsg', handler: sysRecvmmsg, args: ['fd', 'ptr', 'uint', 'flags', 'ptr'], status: 'partial', note: 'the timeout is ignored' },
  { nr: 48, name: 'shutdown', handler: sysShutdown, args: ['fd', 'int'], status: 'implemented' },
  { nr: 51, name: 'getsockname', handler: sysGetsockname, args: ['fd', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 52, name: 'getpeername', handler: sysGetpeername, args: ['fd', 'ptr', 'ptr'], status: 'implemented' },
  { nr: 54, name: 'setsockopt', handler: sysSetsockopt, args: ['fd', 'int', 'int', 'ptr', 'int'], status: 'partial', note: 'SOL_SOCKET, IPPROTO_IP/IPV6/TCP/UDP, SOL_NETLINK; SO_RCVTIMEO/SO_SNDTIMEO, buffers, SO_REUSEADDR/PORT, SO_LINGER 0, IPV6_V6ONLY act; keepalive, TOS, TTL, multicast and the like are kept without effect' },
  { nr: 55, name: 'getsockopt', handler: sysGetsockopt, args: ['fd', 'int', 'int', 'ptr', 'ptr'], status: 'partial', note: 'as setsockopt; TCP_INFO gives the state and sizes, not live counters' },
];
