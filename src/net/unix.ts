// AF_UNIX sockets: stream, datagram and seqpacket, connected in pairs or
// through names (filesystem paths, whose socket inodes live in the VFS, and
// abstract names). A socket's receive queue holds packets: a datagram, a
// seqpacket record, or one send of a stream (so that SCM_RIGHTS descriptors
// and credentials stay attached to the bytes they were sent with).
import { FileDescription, O_NONBLOCK, O_RDWR, S_IFSOCK, type GuestMemory, type Stat } from '../fs/file.js';
import { interfaceIoctl } from './if-ioctl.js';
import type { NetStack } from './stack.js';
import { WaitQueue, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM, POLL_ALL } from '../fs/wait-queue.js';
import { Blocked, blockOn } from '../base/wait.js';
import {
  EAGAIN, ECONNREFUSED, ECONNRESET, EINVAL, EISCONN, EMSGSIZE, ENOBUFS, ENOTCONN, ENOTTY, EOPNOTSUPP, EPERM, EPIPE, EPROTOTYPE,
} from '../base/errno.js';
import type { MemoryBudget } from '../base/budget.js';
import { release } from '../fs/file.js';

export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5;
export const MSG_OOB = 1, MSG_PEEK = 2, MSG_CTRUNC = 8, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80,
  MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
export const SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;
// Linux's defaults: net.core.wmem_default, net.unix.max_dgram_qlen, net.core.somaxconn
export const SOCK_BUF_DEFAULT = 212992, SOCK_BUF_MAX = 212992, SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;
const MAX_DGRAM_QLEN = 10;
export const SOMAXCONN = 4096;

export interface Ucred { pid: number; uid: number; gid: number }
export const NO_CRED: Ucred = { pid: 0, uid: -1, gid: -1 };

interface Packet {
  data: Uint8Array;
  files?: FileDescription[];
  cred: Ucred;
  from: UnixSocket;
}

// What a receive hands back.
export interface Received {
  data: Uint8Array;
  length: number; // the packet's full length (larger than data when truncated)
  files: FileDescription[]; // references the caller now owns
  cred?: Ucred;
  from?: Uint8Array; // the sender's address
  truncated: boolean;
}

// The names sockets are bound to, per machine.
export class UnixNames {
  readonly abstract = new Map<string, UnixSocket>(); // the name bytes after the NUL, latin1
  readonly inodes = new Map<object, UnixSocket>(); // by the socket inode's node
  private autobind = 1;
  nextAutobind(): string {
    for (;;) {
      const name = '\0' + (this.autobind++ & 0xfffff).toString(16).padStart(5, '0');
      if (!this.abstract.has(name.slice(1))) return name;
    }
  }
}

// What a socket needs of its machine: the time (for stat), inode numbers (sockfs's), its memory,
// which the bytes in flight are charged to, and the network's interfaces (the interface ioctls
// every socket answers: glibc asks an AF_UNIX one).
export interface SockContext { now(): bigint; nextIno(): number; budget?: MemoryBudget; net?: NetStack }

export class UnixSocket extends FileDescription {
  state: 'unconnected' | 'listening' | 'connected' = 'unconnected';
  addr?: Uint8Array; // sockaddr_un as bound (family + name), for getsockname
  private binding?: { map: Map<unknown, UnixSocket>; key: unknown };
  peer?: UnixSocket;
  peerCred?: Ucred;
  private queue: Packet[] = [];
  private backlog: UnixSocket[] = [];
  private maxBacklog = 0;
  shutdownBits = 0;
  error = 0;
  sndbuf = SOCK_BUF_DEFAULT;
  rcvbuf = SOCK_BUF_DEFAULT;
  passcred = false;
  options = new Map<number, Uint8Array>(); // stored-only options (SO_REUSEADDR, SO_KEEPALIVE, …)
  private inflight = 0; // bytes this socket sent that the receiver has not read yet
  private dead = false;
  readonly waiters = new WaitQueue();
  readonly ino: number;

  constructor(readonly type: number, flags: number, public cred: Ucred, private readonly ctx: SockContext, ino = ctx.nextIno()) {
    super(O_RDWR | (flags & O_NONBLOCK), `socket:[${ino}]`);
    this.ino = ino;
  }

  get connectionOriented(): boolean { return this.type !== SOCK_DGRAM; }
  get nonblocking(): boolean { return (this.flags & O_NONBLOCK) !== 0; }
  private notify(events: number): void { this.waiters.notify(events); }

  // A socketpair.
  static pair(type: number, flags: number, cred: Ucred, ctx: SockContext): [UnixSocket, UnixSocket] {
    const a = new UnixSocket(type, flags, cred, ctx), b = new UnixSocket(type, flags, cred, ctx);
    a.peer = b; b.peer = a;
    a.state = b.state = 'connected';
    a.peerCred = b.peerCred = cred;
    return [a, b];
  }

  // --- names ----------------------------------------------------------------------------
  setName<K>(addr: Uint8Array, map: Map<K, UnixSocket>, key: K): void {
    this.addr = addr;
    this.binding = { map: map as Map<unknown, UnixSocket>, key };
    map.set(key, this);
  }
  // The address getsockname reports: family only when unbound.
  name(): Uint8Array { return this.addr ?? Uint8Array.of(AF_UNIX, 0); }

  // --- connecting --------------------------------------------------------------------------
  listen(backlog: number): number {
    if (this.type === SOCK_DGRAM) return -EOPNOTSUPP;
    if (this.state === 'connected' || !this.addr) return -EINVAL;
    this.maxBacklog = Math.min(Math.max(backlog, 0), SOMAXCONN);
    if (this.state !== 'listening') {
      this.state = 'listening';
      this.peerCred = this.cred;
    }
    this.notify(POLL_ALL);
    return 0;
  }
  // Connect a stream or seqpacket socket to a listener: the server's end
  // waits in the listener's backlog until accepted; data may flow already.
  connectTo(l: UnixSocket, cred: Ucred): number | Blocked {
    if (this.state === 'connected') return -EISCONN;
    if (this.state === 'listening') return -EINVAL;
    if (l.type !== this.type) return -EPROTOTYPE;
    if (l.state !== 'listening' || l.dead) return -ECONNREFUSED;
    if (l.backlog.length > l.maxBacklog) return this.nonblocking ? -EAGAIN : blockOn('socket', l.waiters, POLLOUT | POLLHUP);
    const s = new UnixSocket(this.type, 0, l.cred, l.ctx);
    s.addr = l.addr;
    s.state = this.state = 'connected';
    s.peer = this; this.peer = s;
    s.peerCred = cred;
    this.peerCred = l.peerCred;
    this.cred = cred;
    l.backlog.push(s);
    l.notify(POLLIN);
    this.notify(POLLOUT);
    return 0;
  }
  accept(): UnixSocket | number | Blocked {
    if (this.state !== 'listening') return -EINVAL;
    const s = this.backlog.shift();
    if (!s) return this.nonblocking ? -EAGAIN : blockOn('socket', this.waiters, POLLIN | POLLHUP);
    this.notify(POLLOUT); // room in the backlog for a blocked connect
    return s;
  }
  // A datagram socket's default destination (undefined: disconnect).
  connectDgram(target: UnixSocket | undefined): number {
    if (target && target.type !== this.type) return -EPROTOTYPE;
    this.peer = target;
    if (target) this.peerCred = target.cred;
    return 0;
  }

  // --- data --------------------------------------------------------------------------------
  // Send `data` with descriptors (one reference each, which the message takes
  // over, or which are released when nothing is sent). `to` is a datagram's explicit destination.
  send(data: Uint8Array, files: FileDescription[] | undefined, cred: Ucred, nonblock: boolean, to?: UnixSocket): number | Blocked {
    const r = this.sendPacket(data, files, cred, nonblock || this.nonblocking, to);
    // the references go with the message, or are dropped (a re-run brings them again)
    if (files && !(typeof r === 'number' && (r > 0 || (r === 0 && this.type !== SOCK_STREAM)))) files.forEach(release);
    return r;
  }
  private sendPacket(data: Uint8Array, files: FileDescription[] | undefined, cred: Ucred, nonblock: boolean, to?: UnixSocket): number | Blocked {
    if (this.connectionOriented) {
      if (to) return this.state === 'connected' ? -EISCONN : -EOPNOTSUPP;
      if (this.state !== 'connected' || !this.peer) return -ENOTCONN;
    }
    if (this.shutdownBits & SEND_SHUTDOWN) return -EPIPE;
    const other = to ?? this.peer;
    if (!other) return -ENOTCONN;
    if (other.dead) {
      if (this.connectionOriented) return -EPIPE;
      if (other === this.peer) this.peer = undefined;
      return -ECONNREFUSED;
    }
    if (this.connectionOriented && other.shutdownBits & RCV_SHUTDOWN) return -EPIPE;
    if (!this.connectionOriented) {
      if (other.peer && other.peer !== this) return -EPERM;
      if (other.shutdownBits & RCV_SHUTDOWN) return -EPIPE;
    }
    if (this.type !== SOCK_STREAM && data.length > this.sndbuf - 32) return -EMSGSIZE;
    // room: this socket's bytes in flight, and (for an unconnected datagram) the receiver's queue length
    const queueFull = this.type === SOCK_DGRAM && other.peer !== this && other.queue.length > MAX_DGRAM_QLEN;
    const room = this.sndbuf - this.inflight;
    if (queueFull || room <= 0 || (this.type !== SOCK_STREAM && room < data.length)) {
      if (nonblock) return -EAGAIN;
      return blockOn('socket', queueFull ? other.waiters : this.waiters, POLLOUT | POLLHUP | POLLERR);
    }
    const n = this.type === SOCK_STREAM ? Math.min(data.length, room) : data.length;
    if (n === 0 && this.type === SOCK_STREAM) return 0;
    if (this.ctx.budget && !this.ctx.budget.charge(n)) return -ENOBUFS;
    other.queue.push({ data: data.slice(0, n), files: files?.length ? files : undefined, cred, from: this });
    this.inflight += n;
    other.notify(POLLIN);
    return n;
  }

  // Receive up to `max` bytes. peek leaves the data queued (descriptors are duplicated).
  recv(max: number, peek: boolean, nonblock: boolean, waitAll: boolean): Received | number | Blocked {
    nonblock ||= this.nonblocking;
    if (this.type === SOCK_STREAM && this.state !== 'connected') return -EINVAL;
    if (this.type === SOCK_SEQPACKET && this.state !== 'connected') return -ENOTCONN;
    if (this.queue.length === 0) {
      if (this.error) { const e = this.error; this.error = 0; return -e; }
      if (this.shutdownBits & RCV_SHUTDOWN) return { data: new Uint8Array(0), length: 0, files: [], truncated: false };
      if (nonblock) return -EAGAIN;
      return blockOn('socket', this.waiters, POLLIN | POLLHUP | POLLRDHUP | POLLERR);
    }
    if (this.type !== SOCK_STREAM) return this.takePacket(max, peek);
    if (waitAll && !nonblock && !peek && this.queuedBytes() < max && !(this.shutdownBits & RCV_SHUTDOWN) && !this.queue.some((p) => p.files)) {
      return blockOn('socket', this.waiters, POLLIN | POLLHUP | POLLRDHUP | POLLERR);
    }
    return this.takeStream(max, peek);
  }
  private queuedBytes(): number { return this.queue.reduce((s, p) => s + p.data.length, 0); }

  private consumed(p: Packet, n: number): void {
    p.from.inflight -= n;
    p.from.ctx.budget?.uncharge(n);
    p.from.notify(POLLOUT);
  }
  private takePacket(max: number, peek: boolean): Received {
    const p = this.queue[0];
    const data = p.data.slice(0, max);
    let files = p.files ?? [];
    if (peek) files.forEach((f) => f.refs++);
    else {
      this.queue.shift();
      this.consumed(p, p.data.length);
      this.notify(POLLOUT); // a slot in the datagram queue
    }
    return { data, length: p.data.length, files, cred: p.cred, from: p.from.addr, truncated: data.length < p.data.length };
  }
  // Bytes across stream packets; a packet carrying descriptors ends the read
  // after its bytes, and with SO_PASSCRED packets from different senders are not merged.
  private takeStream(max: number, peek: boolean): Received {
    const parts: Uint8Array[] = [];
    let got = 0;
    let files: FileDescription[] = [];
    let cred: Ucred | undefined;
    let from: Uint8Array | undefined;
    let i = 0;
    while (got < max && i < this.queue.length) {
      const p = this.queue[i];
      if (cred && this.passcred && (p.cred.pid !== cred.pid || p.cred.uid !== cred.uid || p.cred.gid !== cred.gid)) break;
      if (!cred) { cred = p.cred; from = p.from.addr; }
      const n = Math.min(max - got, p.data.length);
      parts.push(p.data.subarray(0, n));
      got += n;
      const hadFiles = p.files;
      if (p.files) {
        files = p.files;
        if (peek) files.forEach((f) => f.refs++);
        else p.files = undefined;
      }
      if (!peek) {
        if (n === p.data.length) this.queue.splice(i, 1);
        else { p.data = p.data.subarray(n); i++; }
        this.consumed(p, n);
      } else i++;
      if (hadFiles) break;
    }
    const data = new Uint8Array(got);
    let o = 0;
    for (const part of parts) { data.set(part, o); o += part.length; }
    return { data, length: got, files, cred, from, truncated: false };
  }

  shutdown(how: number): number {
    if (how < SHUT_RD || how > SHUT_RDWR) return -EINVAL;
    const mode = (how + 1) & SHUTDOWN_MASK;
    this.shutdownBits |= mode;
    this.notify(POLL_ALL);
    const other = this.peer;
    if (other && this.connectionOriented) {
      other.shutdownBits |= (mode & RCV_SHUTDOWN ? SEND_SHUTDOWN : 0) | (mode & SEND_SHUTDOWN ? RCV_SHUTDOWN : 0);
      other.notify(POLL_ALL);
    }
    return 0;
  }

  // --- the description ---------------------------------------------------------------------
  override read(n: number): Uint8Array | number | Blocked {
    const r = this.recv(n, false, false, false);
    if (typeof r === 'number' || r instanceof Blocked) return r;
    for (const f of r.files) release(f); // read(2) drops passed descriptors, as Linux does
    return r.data;
  }
  override write(data: Uint8Array): number | Blocked {
    return this.send(data, undefined, this.cred, false);
  }
  override available(): number {
    if (this.type !== SOCK_STREAM) return this.queue[0]?.data.length ?? 0;
    return this.queuedBytes();
  }
  override poll(): number {
    let mask = 0;
    if (this.error) mask |= POLLERR;
    if (this.shutdownBits & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (this.shutdownBits === SHUTDOWN_MASK) mask |= POLLHUP;
    if (this.queue.length || this.backlog.length) mask |= POLLIN | POLLRDNORM;
    if (this.connectionOriented && this.state === 'unconnected') mask |= POLLHUP;
    let writable = this.state !== 'listening' && this.inflight * 4 <= this.sndbuf;
    if (writable && this.type !== SOCK_STREAM) {
      const other = this.peer;
      if (other && other.peer !== this && other.queue.length > MAX_DGRAM_QLEN) writable = false;
    }
    if (writable) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
  }
  override watch(events: number, cb: () => void): () => void {
    // an unconnected datagram socket's writability follows its peer's queue
    if (this.type === SOCK_DGRAM && this.peer && this.peer.peer !== this && events & POLLOUT) {
      const a = this.waiters.watch(events, () => { b(); cb(); });
      const b = this.peer.waiters.watch(POLLOUT, () => { a(); cb(); });
      return () => { a(); b(); };
    }
    return this.waiters.watch(events, cb);
  }
  override ioctl(request: number, arg: number, mem: GuestMemory): number {
    return this.ctx.net ? interfaceIoctl(this.ctx.net, request, arg, mem) : -ENOTTY;
  }
  override stat(): Stat {
    const t = this.ctx.now();
    return {
      dev: 0x8, ino: this.ino, mode: S_IFSOCK | 0o777, nlink: 1, uid: this.cred.uid, gid: this.cred.gid, rdev: 0,
      size: 0, blksize: 4096, blocks: 0, atimeNs: t, mtimeNs: t, ctimeNs: t,
    };
  }
  override release(): void {
    this.dead = true;
    if (this.binding && this.binding.map.get(this.binding.key) === this) this.binding.map.delete(this.binding.key);
    const unread = this.queue.length > 0;
    for (const p of this.queue) {
      p.files?.forEach(release);
      p.from.inflight -= p.data.length;
      p.from.ctx.budget?.uncharge(p.data.length);
      p.from.notify(POLLOUT);
    }
    this.queue = [];
    // connections nobody accepted are reset
    for (const s of this.backlog) s.releaseEmbryo();
    this.backlog = [];
    const other = this.peer;
    if (other && this.connectionOriented) {
      other.shutdownBits = SHUTDOWN_MASK;
      if (unread) other.error = ECONNRESET;
    }
    other?.notify(POLL_ALL);
    this.peer = undefined;
    this.notify(POLL_ALL);
  }
  private releaseEmbryo(): void {
    const client = this.peer;
    this.release();
    if (client) client.error = ECONNRESET;
  }
}
