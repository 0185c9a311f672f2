// The sockets of the net layer (AF_INET, AF_INET6, AF_NETLINK) as the kernel's
// socket syscalls see them: each call takes and returns plain bytes (sockaddrs,
// option values), so the syscall layer only moves them to and from guest
// memory. SOL_SOCKET options common to every family are answered here.
import { FileDescription, O_NONBLOCK, O_RDWR, S_IFSOCK, type Stat } from '../fs/file.js';
import { WaitQueue, POLL_ALL } from '../fs/wait-queue.js';
import type { Blocked } from '../base/wait.js';
import { EINVAL, ENOPROTOOPT, EOPNOTSUPP, EPERM } from '../base/errno.js';

export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5;
export const MSG_OOB = 1, MSG_PEEK = 2, MSG_DONTROUTE = 4, MSG_CTRUNC = 8, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40,
  MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_CONFIRM = 0x800, MSG_ERRQUEUE = 0x2000, MSG_NOSIGNAL = 0x4000,
  MSG_MORE = 0x8000, MSG_CMSG_CLOEXEC = 0x40000000;
export const SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
export const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;

export const SOL_SOCKET = 1;
export const SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5, SO_BROADCAST = 6,
  SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_NO_CHECK = 11, SO_PRIORITY = 12,
  SO_LINGER = 13, SO_BSDCOMPAT = 14, SO_REUSEPORT = 15, SO_PASSCRED = 16, SO_PEERCRED = 17, SO_RCVLOWAT = 18,
  SO_SNDLOWAT = 19, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21, SO_BINDTODEVICE = 25, SO_TIMESTAMP = 29,
  SO_ACCEPTCONN = 30, SO_PEERSEC = 31, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_PASSSEC = 34,
  SO_TIMESTAMPNS = 35, SO_MARK = 36, SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_RXQ_OVFL = 40, SO_PEEK_OFF = 42,
  SO_BUSY_POLL = 46, SO_INCOMING_CPU = 49, SO_COOKIE = 57, SO_ZEROCOPY = 60;

// Linux's limits: net.core.rmem_max/wmem_max, and the smallest buffers a socket keeps.
export const SOCK_BUF_MAX = 212992, SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;
export const SOMAXCONN = 4096;

// A control message of recvmsg (the syscall layer adds the cmsghdr).
export interface Cmsg { level: number; type: number; data: Uint8Array }

export interface Received {
  data: Uint8Array;
  length: number; // the message's full length (MSG_TRUNC)
  from?: Uint8Array; // the sender's sockaddr
  truncated: boolean;
  control?: Cmsg[];
}

// Who makes a call (SO_REUSEPORT is shared only by one user; netlink ports are pids).
export interface Caller { pid: number; uid: number }

export const i32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
};
export const readI32 = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(0, true);

export abstract class NetSocket extends FileDescription {
  readonly waiters = new WaitQueue();
  error = 0; // sk_err: reported once by SO_ERROR or the next call
  notice?: string; // why, when the outside says (a relay's refusal): shown with the error
  sndbuf: number;
  rcvbuf: number;
  rcvtimeoNs = 0n; // SO_RCVTIMEO, SO_SNDTIMEO (0: none)
  sndtimeoNs = 0n;
  rcvlowat = 1;
  // options kept as set and read back, without an effect here (SO_KEEPALIVE, SO_PRIORITY…)
  protected readonly stored = new Map<string, Uint8Array>();

  constructor(readonly domain: number, readonly type: number, readonly protocol: number, flags: number,
    readonly ino: number, private readonly now: () => bigint, bufs: { snd: number; rcv: number }) {
    super(O_RDWR | (flags & O_NONBLOCK), `socket:[${ino}]`);
    this.sndbuf = bufs.snd;
    this.rcvbuf = bufs.rcv;
  }
  get nonblocking(): boolean { return (this.flags & O_NONBLOCK) !== 0; }
  // Whether a call with these MSG_* flags must not wait.
  protected nb(flags: number): boolean { return (flags & MSG_DONTWAIT) !== 0 || this.nonblocking; }
  protected notify(events = POLL_ALL): void { this.waiters.notify(events); }
  // Something outside the socket changed its readiness (a host stream's events).
  wake(events = POLL_ALL): void { this.waiters.notify(events); }
  takeError(): number { const e = this.error; this.error = 0; return e; }

  // --- the calls (each returns 0 or a result, -errno, or Blocked) -------------------------------
  abstract bind(addr: Uint8Array, who: Caller): number | Blocked;
  // `again`: this is the same connect(2) run again after it blocked.
  abstract connect(addr: Uint8Array, who: Caller, again: boolean): number | Blocked;
  listen(_backlog: number): number | Blocked { return -EOPNOTSUPP; }
  accept(): { sock: NetSocket; peer: Uint8Array } | number | Blocked { return -EOPNOTSUPP; }
  // Send `data` (to `to` for a datagram). A stream may take part of it.
  abstract send(data: Uint8Array, to: Uint8Array | undefined, flags: number, who: Caller): number | Blocked;
  abstract recv(max: number, flags: number): Received | number | Blocked;
  abstract shutdown(how: number): number;
  abstract sockname(): Uint8Array;
  abstract peername(): Uint8Array | number;
  // Whether a failed send on this socket raises SIGPIPE (stream sockets).
  get pipeSignals(): boolean { return this.type === SOCK_STREAM; }
  get listening(): boolean { return false; }

  // --- options ----------------------------------------------------------------------------------
  getsockopt(level: number, opt: number): Uint8Array | number {
    if (level !== SOL_SOCKET) return this.getOption(level, opt);
    switch (opt) {
      case SO_TYPE: return i32(this.type);
      case SO_PROTOCOL: return i32(this.protocol);
      case SO_DOMAIN: return i32(this.domain);
      case SO_ERROR: return i32(this.takeError());
      case SO_SNDBUF: return i32(this.sndbuf);
      case SO_RCVBUF: return i32(this.rcvbuf);
      case SO_ACCEPTCONN: return i32(this.listening ? 1 : 0);
      case SO_RCVLOWAT: return i32(this.rcvlowat);
      case SO_SNDLOWAT: return i32(1);
      case SO_RCVTIMEO: return timeval(this.rcvtimeoNs);
      case SO_SNDTIMEO: return timeval(this.sndtimeoNs);
      case SO_PEERCRED: { // not a Unix socket: no peer credentials (the overflow ids)
        const b = new Uint8Array(12);
        const dv = new DataView(b.buffer);
        dv.setInt32(4, 65534, true); dv.setInt32(8, 65534, true);
        return b;
      }
      case SO_LINGER: return this.stored.get(`1:${opt}`) ?? new Uint8Array(8);
      case SO_BINDTODEVICE: return this.stored.get(`1:${opt}`) ?? new Uint8Array(0);
      case SO_COOKIE: { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(this.ino), true); return b; }
      case SO_PEEK_OFF: return this.stored.get(`1:${opt}`) ?? i32(-1);
      case SO_INCOMING_CPU: return i32(0);
    }
    if (!SOCKET_FLAGS.has(opt)) return -ENOPROTOOPT;
    return this.stored.get(`1:${opt}`) ?? i32(0);
  }
  setsockopt(level: number, opt: number, val: Uint8Array): number {
    if (level !== SOL_SOCKET) return this.setOption(level, opt, val);
    if (opt === SO_BINDTODEVICE) { this.stored.set(`1:${opt}`, val.slice(0, val.indexOf(0) < 0 ? val.length : val.indexOf(0))); return 0; }
    if (opt === SO_RCVTIMEO || opt === SO_SNDTIMEO) {
      if (val.length < 16) return -EINVAL;
      const dv = new DataView(val.buffer, val.byteOffset, 16);
      const s = dv.getBigInt64(0, true), us = dv.getBigInt64(8, true);
      if (us < 0n || us >= 1_000_000n) return -33; // EDOM
      // kept in jiffies (HZ=250), as Linux keeps it: a timeout reads back rounded up to 4 ms
      const ns = s < 0n ? 0n : (s * 250n + (us + 3999n) / 4000n) * 4_000_000n;
      if (opt === SO_RCVTIMEO) this.rcvtimeoNs = ns; else this.sndtimeoNs = ns;
      return 0;
    }
    if (opt === SO_LINGER) {
      if (val.length < 8) return -EINVAL;
      const b = val.slice(0, 8);
      if (readI32(b)) b.set(i32(1), 0);
      this.stored.set(`1:${opt}`, b);
      return 0;
    }
    if (val.length < 4) return -EINVAL;
    const v = readI32(val);
    switch (opt) {
      case SO_SNDBUFFORCE: case SO_RCVBUFFORCE: return -EPERM; // CAP_NET_ADMIN, which a container's root lacks
      case SO_SNDBUF:
        this.sndbuf = Math.max(Math.min(v >>> 0, SOCK_BUF_MAX) * 2, SOCK_MIN_SNDBUF);
        this.buffersChanged();
        return 0;
      case SO_RCVBUF:
        this.rcvbuf = Math.max(Math.min(v >>> 0, SOCK_BUF_MAX) * 2, SOCK_MIN_RCVBUF);
        this.buffersChanged();
        return 0;
      case SO_RCVLOWAT: this.rcvlowat = v <= 0 ? 1 : v; return 0;
      case SO_PRIORITY: case SO_MARK: case SO_PEEK_OFF: case SO_BUSY_POLL: this.stored.set(`1:${opt}`, i32(v)); return 0;
      case SO_TYPE: case SO_PROTOCOL: case SO_DOMAIN: case SO_ERROR: case SO_ACCEPTCONN: case SO_PEERCRED: case SO_COOKIE:
        return -ENOPROTOOPT;
    }
    if (!SOCKET_FLAGS.has(opt)) return -ENOPROTOOPT;
    this.stored.set(`1:${opt}`, i32(v ? 1 : 0));
    this.flagChanged(opt, v !== 0);
    return 0;
  }
  // Options of the protocol levels (IP, IPv6, TCP, UDP, netlink).
  protected getOption(_level: number, _opt: number): Uint8Array | number { return -EOPNOTSUPP; }
  protected setOption(_level: number, _opt: number, _val: Uint8Array): number { return -EOPNOTSUPP; }
  protected flagChanged(_opt: number, _on: boolean): void {}
  protected buffersChanged(): void { this.notify(); }
  protected flag(opt: number): boolean { const b = this.stored.get(`1:${opt}`); return !!b && readI32(b) !== 0; }

  // --- the description ----------------------------------------------------------------------------
  override read(n: number): Uint8Array | number | Blocked {
    const r = this.recv(n, 0);
    return typeof r === 'object' && 'data' in r ? r.data : r;
  }
  override write(data: Uint8Array): number | Blocked { return this.send(data, undefined, 0, { pid: 0, uid: 0 }); }
  override watch(events: number, cb: () => void): () => void { return this.waiters.watch(events, cb); }
  override stat(): Stat {
    const t = this.now();
    return {
      dev: 0x8, ino: this.ino, mode: S_IFSOCK | 0o777, nlink: 1, uid: 0, gid: 0, rdev: 0,
      size: 0, blksize: 4096, blocks: 0, atimeNs: t, mtimeNs: t, ctimeNs: t,
    };
  }
}

// Boolean SOL_SOCKET options that are kept and read back.
const SOCKET_FLAGS = new Set([SO_DEBUG, SO_REUSEADDR, SO_DONTROUTE, SO_BROADCAST, SO_KEEPALIVE, SO_OOBINLINE,
  SO_NO_CHECK, SO_BSDCOMPAT, SO_REUSEPORT, SO_PASSCRED, SO_TIMESTAMP, SO_TIMESTAMPNS, SO_PASSSEC, SO_RXQ_OVFL,
  SO_ZEROCOPY]);

function timeval(ns: bigint): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, ns / 1_000_000_000n, true);
  dv.setBigInt64(8, (ns % 1_000_000_000n) / 1000n, true);
  return b;
}
