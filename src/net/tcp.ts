// TCP sockets. Between two sockets of the machine a connection is a pair of
// byte queues (each end receives into its own, the sender writes into the
// other's as far as there is room); a socket connected outside the machine
// moves its bytes through a host stream instead (tcp-host.ts). States follow
// Linux's as far as a program can see them: SYN_SENT while a connect waits,
// the accept queue and its backlog, FIN (shutdown, close) and RST (close with
// unread data, SO_LINGER 0, closing a listener with unaccepted connections),
// and the errors each shows (ECONNREFUSED, ECONNRESET, EPIPE).
import { Blocked, blockOn } from '../base/wait.js';
import {
  EAGAIN, EALREADY, ECONNABORTED, ECONNREFUSED, ECONNRESET, EINPROGRESS, EINVAL, EISCONN, ENOPROTOOPT, ENOTCONN,
  EOPNOTSUPP, EPIPE,
} from '../base/errno.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRNORM, POLL_ALL } from '../fs/wait-queue.js';
import { AF_INET6, AF_UNSPEC, sockaddrFamily, type SockAddr } from './inet-addr.js';
import { InetSocket, IPPROTO_TCP, UNKNOWN_LEVEL } from './inet-socket.js';
import type { NetStack, PortTable, Route } from './stack.js';
import { receivesFor } from './stack.js';
import {
  MSG_OOB, MSG_PEEK, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, SHUT_RD, SHUT_RDWR, SOMAXCONN, SO_LINGER,
  i32, readI32, type Caller, type NetSocket, type Received,
} from './socket.js';
import type { HostListener } from '../base/host-net.js';
import { HostLink, closeHostListener, connectHostMode, connectOutside, hostBind, hostListenUnbound } from './tcp-host.js';

export const TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_CORK = 3, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6,
  TCP_SYNCNT = 7, TCP_LINGER2 = 8, TCP_DEFER_ACCEPT = 9, TCP_WINDOW_CLAMP = 10, TCP_INFO = 11, TCP_QUICKACK = 12,
  TCP_CONGESTION = 13, TCP_USER_TIMEOUT = 18, TCP_FASTOPEN = 23, TCP_NOTSENT_LOWAT = 25, TCP_FASTOPEN_CONNECT = 30;
// tcp_rmem[1] and tcp_wmem[1]: what a new TCP socket reports for SO_RCVBUF and SO_SNDBUF
export const TCP_RCVBUF = 131072, TCP_SNDBUF = 16384;
const TCP_MSS_DEFAULT = 536;
// Linux grows a loopback connection's window far past the initial buffers; the queue between two
// sockets of the machine may hold this much beyond the receiver's SO_RCVBUF, while all the machine's
// TCP queues together hold less than QUEUE_LIMIT (as tcp_mem bounds Linux's).
const WINDOW_EXTRA = 4 << 20, QUEUE_LIMIT = 256 << 20;

// Options kept as set (with Linux's defaults and the range it accepts).
const INT_MIN = -0x80000000, INT_MAX = 0x7fffffff;
const TCP_INTS: Record<number, { def: number; min: number; max: number }> = {
  [TCP_NODELAY]: { def: 0, min: INT_MIN, max: INT_MAX }, [TCP_CORK]: { def: 0, min: INT_MIN, max: INT_MAX },
  [TCP_KEEPIDLE]: { def: 7200, min: 1, max: 32767 }, [TCP_KEEPINTVL]: { def: 75, min: 1, max: 32767 },
  [TCP_KEEPCNT]: { def: 9, min: 1, max: 127 }, [TCP_SYNCNT]: { def: 6, min: 1, max: 127 },
  [TCP_LINGER2]: { def: 60, min: INT_MIN, max: INT_MAX }, [TCP_DEFER_ACCEPT]: { def: 0, min: INT_MIN, max: INT_MAX },
  [TCP_WINDOW_CLAMP]: { def: 0, min: 0, max: INT_MAX }, [TCP_QUICKACK]: { def: 1, min: INT_MIN, max: INT_MAX },
  [TCP_USER_TIMEOUT]: { def: 0, min: 0, max: INT_MAX }, [TCP_FASTOPEN]: { def: 0, min: 0, max: INT_MAX },
  [TCP_NOTSENT_LOWAT]: { def: 0, min: 0, max: INT_MAX }, [TCP_FASTOPEN_CONNECT]: { def: 0, min: 0, max: 1 },
};
const BOOL_OPTS = new Set([TCP_NODELAY, TCP_CORK, TCP_QUICKACK, TCP_FASTOPEN_CONNECT]);

// Linux's TCP states as TCP_INFO and /proc/net/tcp number them.
export const TCP_ESTABLISHED = 1, TCP_SYN_SENT = 2, TCP_FIN_WAIT1 = 4, TCP_CLOSE = 7, TCP_CLOSE_WAIT = 8,
  TCP_LISTEN = 10;

type State = 'closed' | 'listen' | 'syn-sent' | 'established';

export class TcpSocket extends InetSocket {
  state: State = 'closed';
  // The socket-level connect state: a second connect(2) after EINPROGRESS reports how it went.
  private sockState: 'unconnected' | 'connecting' | 'connected' = 'unconnected';
  shut = 0; // sk_shutdown: RCV_SHUTDOWN, SEND_SHUTDOWN
  private done = false; // the far side's FIN arrived: reads end with 0 once the queue is empty
  peer?: TcpSocket; // the other end inside the machine
  link?: HostLink; // or the host stream carrying the connection
  private rx: Uint8Array[] = [];
  rxBytes = 0;
  private orphan = false; // its descriptor is closed; it only answers with a reset now
  // listening
  private backlog: TcpSocket[] = [];
  private maxBacklog = 0;
  private synWait: TcpSocket[] = []; // connects waiting for room in the accept queue
  private waitingOn?: TcpSocket;
  private tcpInts = new Map<number, number>();
  private congestion = 'cubic';
  // A connection made by the machine itself (the DNS service) reads its data here.
  onData?: () => void;
  // --net host: the host listener that holds this socket's port, and a bind waiting for it.
  hostListener?: HostListener;
  hostBinding?: { result?: HostListener | number };

  constructor(stack: NetStack, domain: number, flags: number, now: () => bigint, readonly clock: () => bigint) {
    super(stack, domain, 1, IPPROTO_TCP, flags, now, { snd: TCP_SNDBUF, rcv: TCP_RCVBUF });
  }
  protected get table(): PortTable { return this.stack.tcp; }
  override get listening(): boolean { return this.state === 'listen'; }
  // The state /proc/net/tcp and TCP_INFO show.
  get linuxState(): number {
    switch (this.state) {
      case 'listen': return TCP_LISTEN;
      case 'syn-sent': return TCP_SYN_SENT;
      case 'established': return this.done ? TCP_CLOSE_WAIT : this.shut & SEND_SHUTDOWN ? TCP_FIN_WAIT1 : TCP_ESTABLISHED;
    }
    return TCP_CLOSE;
  }
  get queued(): number { return this.state === 'listen' ? this.backlog.length : this.rxBytes; }
  // What this socket's receive queue may hold.
  get window(): number { return this.rcvbuf + (this.stack.tcpQueued < QUEUE_LIMIT ? WINDOW_EXTRA : 0); }
  get unsent(): number { return this.link?.stream?.pending ?? 0; }
  protected override get unsentBytes(): number { return this.unsent; }

  // --- bind, listen, accept ---------------------------------------------------------------------
  bind(addr: Uint8Array, who: Caller): number | Blocked {
    const a = this.parse(addr, this.domain !== AF_INET6);
    if (typeof a === 'number') return a;
    if (this.state !== 'closed') return -EINVAL;
    if (this.stack.mode === 'host') return hostBind(this, a, who.uid);
    return this.bindLocal(a, who);
  }

  override listen(backlog: number): number | Blocked {
    if (this.sockState !== 'unconnected' || (this.state !== 'closed' && this.state !== 'listen')) return -EINVAL;
    this.maxBacklog = backlog < 0 || backlog > SOMAXCONN ? SOMAXCONN : backlog;
    if (this.state === 'listen') return 0;
    if (this.stack.mode === 'host') {
      if (!this.hostListener) {
        const r = hostListenUnbound(this, this.uid);
        if (typeof r !== 'number' || r < 0) return r;
      }
    } else {
      if (!this.bound) {
        const r = this.autobind({ pid: 0, uid: this.uid });
        if (r < 0) return r;
      } else if (this.table.conflict(this, this.local.ip, this.local.port, true, true)) return -98; // EADDRINUSE
    }
    this.state = 'listen';
    this.notify(POLL_ALL);
    return 0;
  }

  override accept(): { sock: NetSocket; peer: Uint8Array } | number | Blocked {
    if (this.state !== 'listen') return -EINVAL;
    const s = this.backlog.shift();
    if (!s) {
      if (this.error) return -this.takeError();
      return this.nonblocking ? -EAGAIN : blockOn('socket', this.waiters, POLLIN | POLLERR | POLLHUP);
    }
    this.admitWaiting();
    return { sock: s, peer: this.format(s.remote!) };
  }
  get acceptQueueFull(): boolean { return this.backlog.length > this.maxBacklog; }
  // A connection the machine made for this listener (a guest connect or one from the host).
  enqueue(s: TcpSocket): void {
    this.backlog.push(s);
    this.notify(POLLIN | POLLRDNORM);
  }
  // The server end of a new connection: the listener's options, the listener's port.
  spawn(local: SockAddr, remote: SockAddr): TcpSocket {
    const s = new TcpSocket(this.stack, this.domain, 0, this.clock, this.clock);
    s.local = local;
    s.remote = remote;
    s.v6only = this.v6only;
    s.sndbuf = this.sndbuf;
    s.rcvbuf = this.rcvbuf;
    s.uid = this.uid;
    for (const [k, v] of this.stored) s.stored.set(k, v);
    for (const [k, v] of this.tcpInts) s.tcpInts.set(k, v);
    s.reuseaddr = this.reuseaddr;
    s.reuseport = this.reuseport;
    s.portLocked = true;
    s.bound = true;
    this.table.add(s);
    s.state = 'established';
    s.sockState = 'connected';
    return s;
  }
  private admitWaiting(): void {
    while (this.synWait.length && !this.acceptQueueFull) {
      const c = this.synWait.shift()!;
      c.waitingOn = undefined;
      if (c.state === 'syn-sent') c.establishWith(this);
    }
  }

  // --- connect --------------------------------------------------------------------------------
  connect(addr: Uint8Array, who: Caller, again: boolean): number | Blocked {
    if (addr.length >= 2 && sockaddrFamily(addr) === AF_UNSPEC) return this.disconnect();
    switch (this.sockState) {
      case 'connected': return -EISCONN;
      case 'connecting': {
        if (this.state === 'syn-sent') {
          if (this.nonblocking) return -EALREADY;
          return blockOn('socket', this.waiters, POLLOUT | POLLERR | POLLHUP);
        }
        if (this.state === 'established') { this.sockState = 'connected'; return 0; }
        this.sockState = 'unconnected';
        return -(this.takeError() || ECONNABORTED);
      }
    }
    if (this.state !== 'closed') return -EINVAL;
    const a = this.parse(addr);
    if (typeof a === 'number') return a;
    if (this.wrongFamily(a)) return -101; // ENETUNREACH
    this.error = 0;
    if (this.stack.mode === 'host') return this.started(connectHostMode(this, a));
    const route = this.stack.route(a.ip);
    if (typeof route === 'number') return route;
    if (this.bound && !this.addrLocked && !receivesFor(this, route.src) && !this.stack.isLocal(this.local.ip)) return -22;
    const r = this.autobind(who);
    if (r < 0) return r;
    this.setSource(route.src);
    this.remote = { ip: route.kind === 'local' ? route.dst : a.ip, port: a.port };
    return this.started(this.open(route, a));
  }
  // The first run of connect(2) began connecting: report as a blocking or a non-blocking call does.
  private started(r: number): number | Blocked {
    if (r < 0) return this.failed(-r);
    this.sockState = 'connecting';
    if (this.state === 'established' && !this.nonblocking) { this.sockState = 'connected'; return 0; }
    if (this.nonblocking) return -EINPROGRESS;
    return this.connect(new Uint8Array(0), { pid: 0, uid: this.uid }, true);
  }
  private failed(errno: number): number {
    this.state = 'closed';
    if (!this.portLocked) this.unbind();
    this.remote = undefined;
    return -errno;
  }
  private open(route: Route, a: SockAddr): number {
    if (route.kind === 'host') return connectOutside(this, route, a);
    if (route.kind === 'dns') {
      const dns = this.stack.dns;
      if (!dns || a.port !== 53) return -ECONNREFUSED;
      const svc = new TcpSocket(this.stack, this.domain, 0, this.clock, this.clock);
      svc.local = { ip: a.ip, port: 53 };
      svc.remote = this.local;
      svc.state = 'established';
      svc.sockState = 'connected';
      this.joinPeer(svc);
      dns.serveTcp(svc);
      return 0;
    }
    const l = this.findListener(a, route.dst);
    if (!l) {
      this.notify(POLL_ALL);
      // as on Linux's loopback: a non-blocking connect learns of the refusal after it returned
      if (this.nonblocking) { this.state = 'closed'; this.error = ECONNREFUSED; this.sockState = 'connecting'; return 0; }
      return -ECONNREFUSED;
    }
    this.state = 'syn-sent';
    if (l.acceptQueueFull) {
      l.synWait.push(this);
      this.waitingOn = l;
      return 0;
    }
    this.establishWith(l);
    return 0;
  }
  private findListener(a: SockAddr, dst: Uint8Array): TcpSocket | undefined {
    let best: TcpSocket | undefined;
    for (const u of this.stack.tcp.users(a.port)) {
      const s = u as TcpSocket;
      if (s.state !== 'listen' || !receivesFor(s, dst)) continue;
      if (!best || (isWild(best) && !isWild(s))) best = s;
    }
    return best;
  }
  private establishWith(l: TcpSocket): void {
    const server = l.spawn({ ip: this.remote!.ip, port: l.local.port }, this.local);
    this.joinPeer(server);
    l.enqueue(server);
  }
  private joinPeer(s: TcpSocket): void {
    this.peer = s;
    s.peer = this;
    this.state = 'established';
    this.stack.lo.stats.rxPackets++;
    this.notify(POLL_ALL);
  }
  // The host stream connected (tcp-host.ts).
  hostConnected(): void {
    if (this.state !== 'syn-sent') return;
    this.state = 'established';
    this.notify(POLL_ALL);
  }
  private disconnect(): number {
    if (this.state === 'listen') { this.closeListener(); this.state = 'closed'; }
    else if (this.state !== 'closed') this.abort(ECONNRESET, false);
    this.state = 'closed';
    this.sockState = 'unconnected';
    this.shut = 0;
    this.done = false;
    this.remote = undefined;
    this.peer = undefined;
    this.link = undefined;
    return 0;
  }

  // --- data -------------------------------------------------------------------------------------
  send(data: Uint8Array, _to: Uint8Array | undefined, flags: number): number | Blocked {
    if (flags & MSG_OOB) return -EOPNOTSUPP;
    if (this.state !== 'established') {
      if (this.error) return -this.takeError();
      if (this.state === 'syn-sent') return this.nb(flags) ? -EAGAIN : blockOn('socket', this.waiters, POLLOUT | POLLERR | POLLHUP);
      return -EPIPE;
    }
    if (this.error) return -this.takeError();
    if (this.shut & SEND_SHUTDOWN) return -EPIPE;
    if (this.link) return this.link.send(this, data, this.nb(flags));
    const p = this.peer!;
    if (p.orphan) {
      // the far side is closed: the bytes go, and its reset comes back
      this.abort(this.done ? EPIPE : ECONNRESET, true);
      return data.length;
    }
    const room = p.window - p.rxBytes;
    if (room <= 0) return this.nb(flags) ? -EAGAIN : blockOn('socket', this.waiters, POLLOUT | POLLERR | POLLHUP);
    const n = Math.min(room, data.length);
    if (n) p.deliver(n === data.length ? data : data.slice(0, n));
    return n;
  }
  // Bytes arrive for this socket's reader.
  deliver(data: Uint8Array): void {
    if (!data.length) return;
    this.rx.push(data);
    this.rxBytes += data.length;
    this.stack.tcpQueued += data.length;
    const st = (this.link ? this.stack.eth0 ?? this.stack.lo : this.stack.lo).stats;
    st.rxBytes += data.length; st.rxPackets++; st.txBytes += data.length; st.txPackets++;
    this.notify(POLLIN | POLLRDNORM);
    this.onData?.();
  }

  recv(max: number, flags: number): Received | number | Blocked {
    if (flags & MSG_OOB) return -EINVAL;
    if (this.state === 'listen') return -ENOTCONN;
    if (this.rxBytes > 0 && max > 0) return { data: this.take(max, (flags & MSG_PEEK) !== 0), length: 0, truncated: false };
    if (this.rxBytes > 0 || max === 0) {
      if (max === 0 && this.state === 'closed' && !this.done && this.sockState === 'unconnected') return -ENOTCONN;
      return { data: new Uint8Array(0), length: 0, truncated: false };
    }
    if (this.done) return { data: new Uint8Array(0), length: 0, truncated: false };
    if (this.error) return -this.takeError();
    if (this.shut & RCV_SHUTDOWN) return { data: new Uint8Array(0), length: 0, truncated: false };
    if (this.state === 'closed') return -ENOTCONN;
    if (this.nb(flags)) return -EAGAIN;
    return blockOn('socket', this.waiters, POLLIN | POLLERR | POLLHUP | POLLRDHUP);
  }
  private take(max: number, peek: boolean): Uint8Array {
    const n = Math.min(max, this.rxBytes);
    let out: Uint8Array;
    const head = this.rx[0];
    if (head.length >= n) out = peek ? head.slice(0, n) : head.subarray(0, n);
    else {
      out = new Uint8Array(n);
      let o = 0;
      for (const c of this.rx) {
        const k = Math.min(c.length, n - o);
        out.set(c.subarray(0, k), o);
        o += k;
        if (o === n) break;
      }
    }
    if (peek) return out;
    let left = n;
    while (left > 0) {
      const c = this.rx[0];
      if (c.length <= left) { this.rx.shift(); left -= c.length; }
      else { this.rx[0] = c.subarray(left); left = 0; }
    }
    this.rxBytes -= n;
    this.stack.tcpQueued -= n;
    this.peer?.notify(POLLOUT | POLLWRNORM);
    this.link?.consumed(this);
    return out;
  }
  override available(): number { return this.state === 'listen' ? 0 : this.rxBytes; }

  // --- closing ------------------------------------------------------------------------------------
  shutdown(how: number): number {
    if (how < SHUT_RD || how > SHUT_RDWR) return -EINVAL;
    const mode = how + 1;
    if (this.state === 'listen') {
      if (mode & RCV_SHUTDOWN) { this.closeListener(); this.state = 'closed'; this.unbind(); this.notify(POLL_ALL); }
      return 0;
    }
    if (this.state === 'syn-sent') { this.abort(ECONNRESET, false); this.sockState = 'unconnected'; return 0; }
    this.shut |= mode;
    this.notify(POLL_ALL);
    if (this.state !== 'established') return -ENOTCONN;
    if (mode & SEND_SHUTDOWN) this.sendFin();
    return 0;
  }
  private sendFin(): void {
    if (this.link) { this.link.fin(); return; }
    const p = this.peer;
    if (!p || p.done) return;
    p.finReceived();
  }
  // The far side will send no more.
  finReceived(): void {
    this.done = true;
    this.shut |= RCV_SHUTDOWN;
    this.notify(POLL_ALL);
    this.onData?.();
  }
  // The connection ends with a reset; `errno` is what this side reports (0: nothing).
  abort(errno: number, fromPeer: boolean): void {
    const p = this.peer;
    if (errno) this.error = errno;
    this.state = 'closed';
    this.shut = SHUTDOWN_MASK;
    this.peer = undefined;
    if (!fromPeer) {
      if (this.link) this.link.reset();
      else if (p && p.state !== 'closed' && !p.orphan) p.abort(p.done ? EPIPE : ECONNRESET, true);
    }
    this.link = undefined;
    if (!this.portLocked && !this.orphan) this.unbind();
    this.notify(POLL_ALL);
  }
  // The host stream failed (connect refused, reset, timed out).
  hostError(errno: number): void {
    this.link = undefined;
    this.abort(errno, true);
  }
  private closeListener(): void {
    // connections nobody accepted are reset, and gone
    for (const s of this.backlog) { s.abort(0, false); s.release(); }
    this.backlog = [];
    for (const c of this.synWait) { c.waitingOn = undefined; c.abort(ECONNREFUSED, true); }
    this.synWait = [];
    closeHostListener(this);
  }

  override poll(): number {
    if (this.state === 'listen') return this.backlog.length ? POLLIN | POLLRDNORM : 0;
    let mask = 0;
    if (this.shut === SHUTDOWN_MASK || this.state === 'closed') mask |= POLLHUP;
    if (this.shut & RCV_SHUTDOWN) mask |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (this.state !== 'syn-sent') {
      if (this.rxBytes >= Math.max(1, this.rcvlowat) || (this.rxBytes && this.done)) mask |= POLLIN | POLLRDNORM;
      if (this.shut & SEND_SHUTDOWN || this.hasRoom()) mask |= POLLOUT | POLLWRNORM;
    }
    if (this.error) mask |= POLLERR;
    return mask;
  }
  private hasRoom(): boolean {
    if (this.link) return this.link.writable(this);
    const p = this.peer;
    return !p || p.window - p.rxBytes >= Math.min(this.sndbuf, p.rcvbuf) / 2;
  }

  override release(): void {
    this.orphan = true;
    if (this.waitingOn) {
      this.waitingOn.synWait = this.waitingOn.synWait.filter((c) => c !== this);
      this.waitingOn = undefined;
    }
    if (this.state === 'listen' || this.hostListener) this.closeListener();
    else if (this.state === 'established') {
      const linger = this.stored.get(`1:${SO_LINGER}`);
      const abortive = this.rxBytes > 0 || (linger !== undefined && readI32(linger) !== 0 && readI32(linger.subarray(4)) === 0);
      if (abortive) this.abort(0, false);
      else if (!(this.shut & SEND_SHUTDOWN)) { this.shut |= SEND_SHUTDOWN; this.sendFin(); }
      this.link?.release();
    }
    this.rx = [];
    this.stack.tcpQueued -= this.rxBytes;
    this.rxBytes = 0;
    super.release();
  }

  // --- TCP options ----------------------------------------------------------------------------------
  protected override protocolOption(level: number, opt: number): Uint8Array | number {
    if (level !== IPPROTO_TCP) return UNKNOWN_LEVEL;
    if (opt === TCP_INFO) return this.tcpInfo();
    if (opt === TCP_CONGESTION) return new TextEncoder().encode(this.congestion.padEnd(16, '\0'));
    if (opt === TCP_MAXSEG) return i32(this.state === 'established' ? this.mtu() - 52 : TCP_MSS_DEFAULT);
    const def = TCP_INTS[opt];
    if (!def) return -ENOPROTOOPT;
    return i32(this.tcpInts.get(opt) ?? def.def);
  }
  protected override setProtocolOption(level: number, opt: number, val: Uint8Array): number {
    if (level !== IPPROTO_TCP) return -ENOPROTOOPT;
    if (opt === TCP_CONGESTION) {
      const name = new TextDecoder().decode(val.subarray(0, val.indexOf(0) < 0 ? val.length : val.indexOf(0)));
      if (name !== 'cubic' && name !== 'reno') return -2; // ENOENT: no such algorithm
      this.congestion = name;
      return 0;
    }
    if (opt === TCP_INFO) return -ENOPROTOOPT;
    if (val.length < 4) return -EINVAL;
    const v = readI32(val);
    if (opt === TCP_MAXSEG) return v < 88 || v > 32767 ? -EINVAL : 0;
    const def = TCP_INTS[opt];
    if (!def) return -ENOPROTOOPT;
    if (v < def.min || v > def.max) return -EINVAL;
    this.tcpInts.set(opt, BOOL_OPTS.has(opt) ? (v ? 1 : 0) : v);
    if (opt === TCP_NODELAY || opt === TCP_CORK) this.link?.setNoDelay(this.tcpInts.get(TCP_NODELAY) === 1 && !this.tcpInts.get(TCP_CORK));
    return 0;
  }
  // struct tcp_info: the state, the segment sizes, the queues.
  private tcpInfo(): Uint8Array {
    const b = new Uint8Array(232);
    const dv = new DataView(b.buffer);
    b[0] = this.linuxState;
    dv.setUint32(8, 200000, true); // tcpi_rto (us)
    dv.setUint32(16, this.state === 'established' ? this.mtu() - 52 : TCP_MSS_DEFAULT, true); // snd_mss
    dv.setUint32(20, this.state === 'established' ? this.mtu() - 52 : TCP_MSS_DEFAULT, true); // rcv_mss
    dv.setUint32(24, this.state === 'listen' ? this.backlog.length : 0, true); // unacked (listeners: the queue)
    dv.setUint32(28, this.state === 'listen' ? this.maxBacklog : 0, true); // sacked (listeners: the backlog)
    dv.setUint32(68, this.mtu(), true); // pmtu
    dv.setUint32(72, 0x7fffffff, true); // rcv_ssthresh
    dv.setUint32(80, 10, true); // snd_ssthresh… snd_cwnd
    dv.setUint32(88, 10, true);
    dv.setUint32(92, 1460, true); // advmss
    dv.setUint32(96, 3, true); // reordering
    return b;
  }
}

const isWild = (s: TcpSocket) => s.local.ip.every((x, i) => x === 0 || (i >= 10 && i < 12 && x === 0xff));
