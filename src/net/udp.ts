// UDP sockets. A datagram to one of the machine's addresses goes straight into
// the receive queue of the socket bound there (dropped when that queue is full,
// and ECONNREFUSED for a connected sender when nobody is bound, as the ICMP
// port-unreachable does on Linux); one to the DNS server's address is answered
// by the machine; others go out through a host UDP socket made on first use.
import { Blocked, blockOn } from '../base/wait.js';
import type { HostAddr, HostDatagram } from '../base/host-net.js';
import {
  EAFNOSUPPORT, EAGAIN, ECONNREFUSED, EDESTADDRREQ, EINVAL, EMSGSIZE, ENETUNREACH, ENOPROTOOPT, ENOTCONN, EPIPE,
} from '../base/errno.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM, POLL_ALL } from '../fs/wait-queue.js';
import {
  AF_INET, AF_INET6, AF_UNSPEC, IP_ANY4, IP_ANY6, ipEqual, ipText, isAny, isLoopback, isMapped, parseIp, parseSockaddr,
  sockaddrFamily, v4, type Ip, type SockAddr,
} from './inet-addr.js';
import {
  IPPROTO_IP, IPPROTO_IPV6, IPPROTO_UDP, IP_PKTINFO, IP_RECVTOS, IP_RECVTTL, IP_TOS, IP_TTL, IPV6_PKTINFO,
  IPV6_RECVPKTINFO, InetSocket, UNKNOWN_LEVEL,
} from './inet-socket.js';
import { DNS_IP, GATEWAY_IP, NetStack, receivesFor, type PortTable } from './stack.js';
import {
  MSG_PEEK, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, SHUT_RD, SHUT_RDWR, SOCK_BUF_MAX, SOL_SOCKET, SO_TIMESTAMP,
  i32, type Caller, type Cmsg, type Received,
} from './socket.js';

const UDP_CORK = 1, UDP_ENCAP = 100, UDP_NO_CHECK6_TX = 101, UDP_NO_CHECK6_RX = 102, UDP_SEGMENT = 103, UDP_GRO = 104;
const UDP_OPTS = new Set([UDP_CORK, UDP_ENCAP, UDP_NO_CHECK6_TX, UDP_NO_CHECK6_RX, UDP_SEGMENT, UDP_GRO]);
const MAX_V4 = 65507, MAX_V6 = 65527;
const OVERHEAD = 768; // what Linux charges a queued datagram beyond its bytes (about an skb's truesize)

interface Datagram { data: Uint8Array; from: SockAddr; to: Ip; iface: number }

export class UdpSocket extends InetSocket {
  private queue: Datagram[] = [];
  private queueBytes = 0;
  shut = 0;
  private hostSock?: HostDatagram;
  private hostPending?: { data: Uint8Array; to: HostAddr }[];
  private hostBinding?: { result?: HostDatagram | number };
  private udpOpts = new Map<number, number>();
  private connecting?: Uint8Array; // the address of a connect waiting for its host socket
  drops = 0;

  constructor(stack: NetStack, domain: number, flags: number, now: () => bigint, private readonly clock: () => bigint) {
    super(stack, domain, 2, IPPROTO_UDP, flags, now, { snd: SOCK_BUF_MAX, rcv: SOCK_BUF_MAX });
  }
  protected get table(): PortTable { return this.stack.udp; }
  get queued(): number { return this.queueBytes; }

  bind(addr: Uint8Array, who: Caller): number | Blocked {
    const a = this.parse(addr, this.domain === AF_INET);
    if (typeof a === 'number') return a;
    if (this.stack.mode === 'host') return this.hostBind(a, who);
    return this.bindLocal(a, who);
  }
  // --net host: the host's own UDP socket on that address and port.
  private hostBind(a: SockAddr, who: Caller): number | Blocked {
    const done = this.hostBinding?.result;
    if (done !== undefined) {
      this.hostBinding = undefined;
      if (typeof done === 'number') return done;
      this.hostSock = done;
      const ip = parseIp(done.local.address);
      this.local = { ip: ip ?? a.ip, port: done.local.port };
      this.bound = true;
      return 0;
    }
    if (this.bound || this.hostSock) return -EINVAL;
    const denied = NetStack.portAllowed(a.port, who.uid);
    if (denied < 0) return denied;
    return this.openHost(a.ip, a.port);
  }
  private openHost(ip: Ip, port: number): Blocked | number {
    const host = this.stack.host;
    if (!host?.datagram) return -ENETUNREACH;
    if (!this.hostBinding) {
      const binding: { result?: HostDatagram | number } = {};
      this.hostBinding = binding;
      const at = { address: isAny(ip) ? (this.domain === AF_INET6 && !isMapped(ip) ? '::' : '0.0.0.0') : ipText(ip), port };
      void host.datagram({ family: this.domain === AF_INET ? 4 : 6, reuseAddr: this.reuseaddr }, at, this.hostEvents())
        .then((r) => { binding.result = r; this.notify(POLL_ALL); });
    }
    return blockOn('socket', this.waiters, POLL_ALL);
  }
  // --net host: a socket read from a snapshot had the host's socket on its address and port, which
  // did not travel: the restoring host's is opened there (datagrams meanwhile are lost, as UDP may).
  reopenHost(): void {
    const host = this.stack.host;
    if (this.stack.mode !== 'host' || !this.bound || this.hostSock || !host?.datagram) return;
    const ip = this.local.ip;
    const at = { address: isAny(ip) ? (this.domain === AF_INET6 && !isMapped(ip) ? '::' : '0.0.0.0') : ipText(ip), port: this.local.port };
    void host.datagram({ family: this.domain === AF_INET ? 4 : 6, reuseAddr: this.reuseaddr }, at, this.hostEvents())
      .then((r) => { if (typeof r !== 'number') { if (this.hostSock || !this.bound) r.close(); else this.hostSock = r; } });
  }
  private hostEvents() {
    return {
      message: (bytes: Uint8Array, from: HostAddr) => {
        let ip = parseIp(from.address);
        if (!ip) return;
        // what the host's loopback sends comes from the gateway, as the machine sees it
        if (this.stack.mode === 'bridge' && isLoopback(ip)) ip = GATEWAY_IP;
        const eth = this.stack.eth0 ?? this.stack.lo;
        eth.stats.rxBytes += bytes.length;
        eth.stats.rxPackets++;
        this.receive(bytes, { ip, port: from.port }, this.local.ip, eth.index);
      },
      error: (errno: number) => { if (this.remote) { this.error = errno; this.notify(POLLERR); } },
    };
  }

  connect(addr: Uint8Array, _who: Caller, again: boolean): number | Blocked {
    // a connect that waited for its host socket (--net host) goes on with the address it was given
    if (again && this.connecting) addr = this.connecting;
    this.connecting = undefined;
    if (addr.length >= 2 && sockaddrFamily(addr) === AF_UNSPEC) {
      this.remote = undefined;
      if (!this.addrLocked && this.stack.mode !== 'host') this.local = { ...this.local, ip: this.domain === AF_INET ? IP_ANY4 : IP_ANY6 };
      if (!this.portLocked && this.stack.mode !== 'host') this.unbind();
      return 0;
    }
    const a = this.parse(addr);
    if (typeof a === 'number') return a;
    if (this.wrongFamily(a)) return -ENETUNREACH;
    if (this.stack.mode === 'host') {
      if (!this.hostSock) {
        const r = this.hostBind({ ip: this.domain === AF_INET ? IP_ANY4 : IP_ANY6, port: 0 }, { pid: 0, uid: this.uid });
        if (typeof r !== 'number') this.connecting = addr.slice();
        if (typeof r !== 'number' || r < 0) return r;
      }
      this.remote = { ip: isAny(a.ip) ? (isMapped(a.ip) ? v4(127, 0, 0, 1) : parseIp('::1')!) : a.ip, port: a.port };
      return 0;
    }
    const route = this.stack.route(a.ip);
    if (typeof route === 'number') return route;
    const r = this.autobind({ pid: 0, uid: this.uid });
    if (r < 0) return r;
    this.setSource(route.src);
    this.remote = { ip: route.kind === 'local' ? route.dst : a.ip, port: a.port };
    this.error = 0;
    return 0;
  }

  // --- sending -------------------------------------------------------------------------------------
  send(data: Uint8Array, to: Uint8Array | undefined, _flags: number, who: Caller): number | Blocked {
    let dest = this.remote;
    if (to && to.length) {
      const d = this.destination(to);
      if (typeof d === 'number') return d;
      if (d) dest = d;
    }
    if (!dest) return -EDESTADDRREQ;
    if (dest.port === 0) return -EINVAL; // as Linux's udp_sendmsg: no datagrams to port 0
    if (this.error) return -this.takeError();
    if (this.shut & SEND_SHUTDOWN) return -EPIPE;
    if (data.length > (isMapped(dest.ip) ? MAX_V4 : MAX_V6)) return -EMSGSIZE;
    if (this.stack.mode === 'host') return this.sendHost(data, dest, who);
    const route = this.stack.route(dest.ip);
    if (typeof route === 'number') return route;
    const r = this.autobind(who);
    if (r < 0) return r;
    const src = this.addrLocked || !isAny(this.local.ip) ? this.local.ip : route.src;
    const from = { ip: src, port: this.local.port };
    if (route.kind === 'local') {
      const st = route.iface.stats;
      st.txBytes += data.length; st.txPackets++; st.rxBytes += data.length; st.rxPackets++;
      const ok = deliverLocal(this.stack, route.dst, dest.port, data, from, route.iface.index);
      if (!ok && this.remote) { this.error = ECONNREFUSED; this.notify(POLLERR); }
      return data.length;
    }
    if (route.kind === 'dns') {
      const dns = this.stack.dns;
      if (dest.port !== 53 || !dns) {
        if (this.remote) { this.error = ECONNREFUSED; this.notify(POLLERR); }
        return data.length;
      }
      const query = data.slice();
      void dns.answer(query).then((reply) => {
        if (reply) this.receive(reply, { ip: DNS_IP, port: 53 }, src, route.iface.index);
      });
      return data.length;
    }
    const st = route.iface.stats;
    st.txBytes += data.length; st.txPackets++;
    return this.sendOut(data, { address: route.host, port: dest.port });
  }
  // A sendto address: AF_UNSPEC means none on an IPv6 socket, IPv4 on an IPv4 one (Linux's rules).
  private destination(to: Uint8Array): SockAddr | undefined | number {
    if (to.length < 2) return -EINVAL;
    const fam = sockaddrFamily(to);
    if (this.domain === AF_INET) {
      if (to.length < 16) return -EINVAL;
      if (fam !== AF_INET && fam !== AF_UNSPEC) return -EAFNOSUPPORT;
      const a = parseSockaddr(Uint8Array.of(AF_INET, 0, ...to.subarray(2, 16)), AF_INET);
      return a;
    }
    if (fam === AF_UNSPEC) return undefined;
    if (fam === AF_INET) {
      if (this.v6only) return -ENETUNREACH;
      if (to.length < 16) return -EINVAL;
      return parseSockaddr(to, AF_INET);
    }
    if (fam !== AF_INET6) return -EINVAL;
    const a = parseSockaddr(to, AF_INET6);
    if (typeof a === 'number') return a;
    if (this.v6only && isMapped(a.ip)) return -ENETUNREACH;
    return a;
  }
  private sendHost(data: Uint8Array, dest: SockAddr, who: Caller): number | Blocked {
    if (!this.hostSock) {
      const r = this.hostBind({ ip: this.domain === AF_INET ? IP_ANY4 : IP_ANY6, port: 0 }, who);
      if (typeof r !== 'number' || r < 0) return r;
    }
    const to = isAny(dest.ip) ? (isMapped(dest.ip) ? '127.0.0.1' : '::1') : ipText(dest.ip);
    this.hostSock!.send(data.slice(), { address: to, port: dest.port });
    return data.length;
  }
  // Out through this socket's host UDP socket (made on first use; datagrams wait for it).
  private sendOut(data: Uint8Array, to: HostAddr): number {
    const flow = this.stack.udpFlow(this.local.port, to);
    if (flow) { flow.send(data.slice(), to); return data.length; }
    if (this.hostSock) { this.hostSock.send(data.slice(), to); return data.length; }
    const host = this.stack.host;
    if (!host?.datagram) return -ENETUNREACH;
    if (!this.hostPending) {
      this.hostPending = [];
      void host.datagram({ family: 4 }, undefined, this.hostEvents()).then((r) => {
        const pending = this.hostPending ?? [];
        this.hostPending = undefined;
        if (typeof r === 'number') return;
        if (this.released) { r.close(); return; }
        this.hostSock = r;
        for (const p of pending) r.send(p.data, p.to);
      });
    }
    if (this.hostPending.length < 64) this.hostPending.push({ data: data.slice(), to });
    return data.length;
  }
  private released = false;

  // --- receiving ---------------------------------------------------------------------------------
  // A datagram for this socket; false when its queue is full (dropped).
  receive(data: Uint8Array, from: SockAddr, to: Ip, iface: number): boolean {
    if (this.released || this.shut & RCV_SHUTDOWN) return true;
    if (this.remote && !(ipEqual(this.remote.ip, from.ip) && this.remote.port === from.port)) return true;
    if (this.queueBytes + data.length + OVERHEAD > this.rcvbuf && this.queue.length) { this.drops++; return true; }
    this.queue.push({ data, from, to, iface });
    this.queueBytes += data.length + OVERHEAD;
    this.notify(POLLIN | POLLRDNORM);
    return true;
  }
  recv(max: number, flags: number): Received | number | Blocked {
    const d = this.queue[0];
    if (!d) {
      if (this.error) return -this.takeError();
      if (this.nb(flags)) return -EAGAIN;
      if (this.shut & RCV_SHUTDOWN) return { data: new Uint8Array(0), length: 0, truncated: false };
      return blockOn('socket', this.waiters, POLLIN | POLLERR | POLLHUP | POLLRDHUP);
    }
    if (!(flags & MSG_PEEK)) {
      this.queue.shift();
      this.queueBytes -= d.data.length + OVERHEAD;
    }
    const data = d.data.length > max ? d.data.slice(0, max) : d.data;
    return { data, length: d.data.length, truncated: d.data.length > max, from: this.format(d.from), control: this.control(d) };
  }
  // IP_PKTINFO, IPV6_PKTINFO, IP_TTL, IP_TOS and SO_TIMESTAMP messages, as the socket asked for them.
  private control(d: Datagram): Cmsg[] | undefined {
    const out: Cmsg[] = [];
    if (this.flag(SO_TIMESTAMP)) {
      const b = new Uint8Array(16), dv = new DataView(b.buffer), ns = this.clock();
      dv.setBigInt64(0, ns / 1_000_000_000n, true);
      dv.setBigInt64(8, (ns % 1_000_000_000n) / 1000n, true);
      out.push({ level: SOL_SOCKET, type: SO_TIMESTAMP, data: b });
    }
    const mapped = isMapped(d.from.ip);
    if (mapped && this.intOpt(IPPROTO_IP, IP_PKTINFO)) {
      const b = new Uint8Array(12);
      new DataView(b.buffer).setInt32(0, d.iface, true);
      b.set(d.to.subarray(12), 4);
      b.set(d.to.subarray(12), 8);
      out.push({ level: IPPROTO_IP, type: IP_PKTINFO, data: b });
    }
    if (mapped && this.intOpt(IPPROTO_IP, IP_RECVTTL)) out.push({ level: IPPROTO_IP, type: IP_TTL, data: i32(64) });
    if (mapped && this.intOpt(IPPROTO_IP, IP_RECVTOS)) out.push({ level: IPPROTO_IP, type: IP_TOS, data: Uint8Array.of(0) });
    if (this.domain === AF_INET6 && this.intOpt(IPPROTO_IPV6, IPV6_RECVPKTINFO)) {
      const b = new Uint8Array(20);
      b.set(d.to, 0);
      new DataView(b.buffer).setUint32(16, d.iface, true);
      out.push({ level: IPPROTO_IPV6, type: IPV6_PKTINFO, data: b });
    }
    return out.length ? out : undefined;
  }
  override available(): number { return this.queue[0]?.data.length ?? 0; }

  shutdown(how: number): number {
    if (how < SHUT_RD || how > SHUT_RDWR) return -EINVAL;
    this.shut |= how + 1;
    this.notify(POLL_ALL);
    return this.remote ? 0 : -ENOTCONN;
  }
  override poll(): number {
    let mask = POLLOUT | POLLWRNORM | POLLWRBAND;
    if (this.queue.length) mask |= POLLIN | POLLRDNORM;
    if (this.error) mask |= POLLERR;
    if (this.shut & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (this.shut === SHUTDOWN_MASK) mask |= POLLHUP;
    return mask;
  }
  override get pipeSignals(): boolean { return false; }

  protected override protocolOption(level: number, opt: number): Uint8Array | number {
    if (level !== IPPROTO_UDP) return UNKNOWN_LEVEL;
    if (!UDP_OPTS.has(opt)) return -ENOPROTOOPT;
    return i32(this.udpOpts.get(opt) ?? 0);
  }
  protected override setProtocolOption(level: number, opt: number, val: Uint8Array): number {
    if (level !== IPPROTO_UDP || !UDP_OPTS.has(opt)) return -ENOPROTOOPT;
    if (val.length < 4) return -EINVAL;
    this.udpOpts.set(opt, new DataView(val.buffer, val.byteOffset, 4).getInt32(0, true));
    return 0;
  }

  override release(): void {
    this.released = true;
    this.hostSock?.close();
    this.hostSock = undefined;
    this.queue = [];
    super.release();
  }
}

// A datagram to (dst, port) inside the machine: to the socket bound there that takes it (a
// connected one from this sender first, then one bound to the address, then a wildcard one).
// False when no socket is bound there.
export function deliverLocal(stack: NetStack, dst: Ip, port: number, data: Uint8Array, from: SockAddr, iface: number): boolean {
  let best: UdpSocket | undefined, bestScore = -1;
  for (const u of stack.udp.users(port)) {
    const s = u as UdpSocket;
    if (!receivesFor(s, dst)) continue;
    if (s.remote && !(ipEqual(s.remote.ip, from.ip) && s.remote.port === from.port)) continue;
    const score = (s.remote ? 2 : 0) + (isAny(s.local.ip) ? 0 : 1);
    if (score > bestScore) { best = s; bestScore = score; }
  }
  if (!best) return false;
  best.receive(data.slice(), from, dst, iface);
  return true;
}
