// AF_NETLINK sockets of the NETLINK_ROUTE protocol: the dumps of links,
// addresses and routes that glibc (getifaddrs, getaddrinfo's AI_ADDRCONFIG),
// iproute2 (`ip addr`, `ip route`) and language runtimes ask for, answered from
// the machine's interfaces. Changes (RTM_NEWADDR…) are refused with EPERM, as
// in a container without CAP_NET_ADMIN. Each reply is a datagram of several
// messages, as the kernel's dump skbs are.
import { Blocked, blockOn } from '../base/wait.js';
import {
  EAGAIN, ECONNREFUSED, EINVAL, ENOBUFS, ENODEV, ENOPROTOOPT, EOPNOTSUPP, EPERM,
} from '../base/errno.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from '../fs/wait-queue.js';
import { ipEqual, isMapped, parseIp, v4, type Ip } from './inet-addr.js';
import {
  ARPHRD_LOOPBACK, GATEWAY_IP, RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RT_TABLE_MAIN, RTN_LOCAL, RTN_UNICAST, RTPROT_BOOT, type NetInterface,
  type NetStack, type RouteEntry,
} from './stack.js';
import { MSG_PEEK, NetSocket, SOCK_BUF_MAX, i32, readI32, type Caller, type Received } from './socket.js';

export const AF_NETLINK = 16, NETLINK_ROUTE = 0, SOL_NETLINK = 270;
const NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_MIN_TYPE = 0x10;
const NLM_F_REQUEST = 1, NLM_F_MULTI = 2, NLM_F_ACK = 4, NLM_F_DUMP = 0x300, NLM_F_CAPPED = 0x100;
const RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_GETADDR = 22, RTM_NEWROUTE = 24, RTM_GETROUTE = 26,
  RTM_GETNEIGH = 30, RTM_GETRULE = 34, RTM_GETQDISC = 38, RTM_GETNETCONF = 82, RTM_GETNSID = 90, RTM_MAX = 127;
const IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_QDISC = 6, IFLA_STATS = 7,
  IFLA_TXQLEN = 13, IFLA_OPERSTATE = 16, IFLA_LINKMODE = 17, IFLA_STATS64 = 23, IFLA_GROUP = 27,
  IFLA_PROMISCUITY = 30, IFLA_NUM_TX_QUEUES = 31, IFLA_NUM_RX_QUEUES = 32, IFLA_CARRIER = 33, IFLA_MIN_MTU = 50,
  IFLA_MAX_MTU = 51;
const IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4, IFA_CACHEINFO = 6, IFA_FLAGS = 8;
const IFA_F_PERMANENT = 0x80;
const RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6, RTA_PREFSRC = 7, RTA_TABLE = 15, RTA_UID = 25;
const RTM_F_CLONED = 0x200;
const AF_INET = 2, AF_INET6 = 10;
const DUMP_CHUNK = 3800; // bytes of messages per reply datagram (under a page, as glibc's buffer is)
const NETLINK_OPTS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // ADD_MEMBERSHIP … GET_STRICT_CHK

// --- message building ------------------------------------------------------------------------------
class Writer {
  private parts: number[] = [];
  u8(v: number): this { this.parts.push(v & 0xff); return this; }
  u16(v: number): this { this.parts.push(v & 0xff, (v >> 8) & 0xff); return this; }
  u32(v: number): this { this.parts.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff); return this; }
  bytes(b: ArrayLike<number>): this { for (let i = 0; i < b.length; i++) this.parts.push(b[i]); return this; }
  pad(): this { while (this.parts.length % 4) this.parts.push(0); return this; }
  attr(type: number, payload: ArrayLike<number>): this {
    this.u16(4 + payload.length).u16(type).bytes(payload);
    return this.pad();
  }
  attrU32(type: number, v: number): this { return this.attr(type, new Writer().u32(v).done()); }
  attrU8(type: number, v: number): this { return this.attr(type, [v]); }
  attrStr(type: number, s: string): this { return this.attr(type, [...new TextEncoder().encode(s), 0]); }
  done(): Uint8Array { return Uint8Array.from(this.parts); }
  get length(): number { return this.parts.length; }
}
// One message: the header, then the body.
function message(type: number, flags: number, seq: number, pid: number, body: Uint8Array): Uint8Array {
  return new Writer().u32(16 + body.length).u16(type).u16(flags).u32(seq).u32(pid).bytes(body).pad().done();
}
const ipBytes = (ip: Ip): Uint8Array => (isMapped(ip) ? ip.subarray(12) : ip);

interface Request { type: number; flags: number; seq: number; body: Uint8Array; raw: Uint8Array }

export class NetlinkSocket extends NetSocket {
  portid = 0;
  private groups = 0;
  private queue: Uint8Array[] = [];
  private queueBytes = 0;
  private opts = new Map<number, number>();

  constructor(private readonly stack: NetStack, type: number, flags: number, now: () => bigint) {
    super(AF_NETLINK, type, NETLINK_ROUTE, flags, stack.newIno(), now, { snd: SOCK_BUF_MAX, rcv: SOCK_BUF_MAX });
  }

  // sockaddr_nl: family, pad, nl_pid, nl_groups.
  private static addr(pid: number, groups: number): Uint8Array {
    return new Writer().u16(AF_NETLINK).u16(0).u32(pid).u32(groups).done();
  }
  bind(addr: Uint8Array, who: Caller): number {
    if (addr.length < 12) return -EINVAL;
    const dv = new DataView(addr.buffer, addr.byteOffset, 12);
    if (dv.getUint16(0, true) !== AF_NETLINK) return -EINVAL;
    const pid = dv.getUint32(4, true), groups = dv.getUint32(8, true);
    if (this.portid) {
      if (pid && pid !== this.portid) return -EINVAL;
    } else {
      const r = pid ? this.stack.netlinkPort(pid) : this.stack.netlinkAutoPort(who.pid);
      if (r < 0) return r;
      this.portid = r;
    }
    this.groups = groups;
    return 0;
  }
  connect(addr: Uint8Array, who: Caller): number {
    if (addr.length < 12) return -EINVAL;
    if (new DataView(addr.buffer, addr.byteOffset, 2).getUint16(0, true) !== AF_NETLINK) return -EINVAL;
    if (!this.portid) this.portid = this.stack.netlinkAutoPort(who.pid);
    return 0;
  }
  sockname(): Uint8Array { return NetlinkSocket.addr(this.portid, this.groups); }
  peername(): Uint8Array { return NetlinkSocket.addr(0, 0); }
  shutdown(): number { return 0; }

  send(data: Uint8Array, to: Uint8Array | undefined, _flags: number, who: Caller): number | Blocked {
    if (to && to.length) {
      if (to.length < 12 || new DataView(to.buffer, to.byteOffset, 2).getUint16(0, true) !== AF_NETLINK) return -EINVAL;
      if (new DataView(to.buffer, to.byteOffset, 12).getUint32(4, true) !== 0) return -ECONNREFUSED; // not the kernel
    }
    if (!this.portid) this.portid = this.stack.netlinkAutoPort(who.pid);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let off = 0; off + 16 <= data.length;) {
      const len = dv.getUint32(off, true);
      if (len < 16 || off + len > data.length) break;
      this.handle({
        type: dv.getUint16(off + 4, true), flags: dv.getUint16(off + 6, true), seq: dv.getUint32(off + 8, true),
        body: data.slice(off + 16, off + len), raw: data.slice(off, off + len),
      });
      off += (len + 3) & ~3;
    }
    if (this.queue.length) this.notify(POLLIN | POLLRDNORM);
    return data.length;
  }

  recv(max: number, flags: number): Received | number | Blocked {
    const d = this.queue[0];
    if (!d) {
      if (this.error) return -this.takeError();
      return this.nb(flags) ? -EAGAIN : blockOn('socket', this.waiters, POLLIN | POLLERR | POLLHUP);
    }
    if (!(flags & MSG_PEEK)) { this.queue.shift(); this.queueBytes -= d.length; }
    return { data: d.length > max ? d.slice(0, max) : d, length: d.length, truncated: d.length > max, from: NetlinkSocket.addr(0, 0) };
  }
  // A message from elsewhere in the kernel (mq_notify's SIGEV_THREAD cookie), as it is.
  deliver(d: Uint8Array): void {
    this.enqueue(d);
    this.notify(POLLIN | POLLRDNORM);
  }
  // A reply datagram; past SO_RCVBUF it is dropped and the next recv says ENOBUFS, as on Linux.
  private enqueue(d: Uint8Array): void {
    if (this.queueBytes + d.length > this.rcvbuf) { this.error = ENOBUFS; return; }
    this.queue.push(d);
    this.queueBytes += d.length;
  }
  override poll(): number { return POLLOUT | POLLWRNORM | (this.queue.length ? POLLIN | POLLRDNORM : 0) | (this.error ? POLLERR : 0); }
  override available(): number { return this.queue[0]?.length ?? 0; }
  override get pipeSignals(): boolean { return false; }
  override release(): void { this.stack.netlinkRelease(this.portid); this.queue = []; this.queueBytes = 0; }

  protected override getOption(level: number, opt: number): Uint8Array | number {
    if (level !== SOL_NETLINK || !NETLINK_OPTS.has(opt)) return -ENOPROTOOPT;
    return i32(this.opts.get(opt) ?? 0);
  }
  protected override setOption(level: number, opt: number, val: Uint8Array): number {
    if (level !== SOL_NETLINK || !NETLINK_OPTS.has(opt)) return -ENOPROTOOPT;
    if (val.length < 4) return -EINVAL;
    this.opts.set(opt, readI32(val));
    return 0;
  }

  // --- requests ----------------------------------------------------------------------------------
  private handle(r: Request): void {
    if (!(r.flags & NLM_F_REQUEST) || r.type < NLMSG_MIN_TYPE) { if (r.flags & NLM_F_ACK) this.ack(r, 0); return; }
    if (r.type > RTM_MAX) { this.ack(r, -EINVAL); return; }
    const kind = r.type & 3; // NEW, DEL, GET, SET
    if (kind !== 2) { this.ack(r, -EPERM); return; }
    const dump = (r.flags & NLM_F_DUMP) === NLM_F_DUMP;
    let msgs: Uint8Array[] | number;
    switch (r.type) {
      case RTM_GETLINK: msgs = dump ? this.links(r) : this.oneLink(r); break;
      case RTM_GETADDR: msgs = dump ? this.addrs(r) : -EOPNOTSUPP; break;
      case RTM_GETROUTE: msgs = dump ? this.routes(r) : this.routeGet(r); break;
      case RTM_GETNEIGH: case RTM_GETRULE: case RTM_GETQDISC: case RTM_GETNETCONF: case RTM_GETNSID:
        msgs = dump ? [] : -EOPNOTSUPP; break;
      default: msgs = -EOPNOTSUPP;
    }
    if (typeof msgs === 'number') { this.ack(r, msgs); return; }
    if (!dump) {
      for (const m of msgs) this.enqueue(m);
      if (r.flags & NLM_F_ACK) this.ack(r, 0);
      return;
    }
    // a dump: datagrams of several messages, NLMSG_DONE after the last
    msgs.push(message(NLMSG_DONE, NLM_F_MULTI, r.seq, this.portid, i32(0)));
    let chunk: Uint8Array[] = [], size = 0;
    const flush = () => {
      if (!chunk.length) return;
      const out = new Uint8Array(size);
      let o = 0;
      for (const c of chunk) { out.set(c, o); o += c.length; }
      this.enqueue(out);
      chunk = []; size = 0;
    };
    for (const m of msgs) {
      if (size + m.length > DUMP_CHUNK) flush();
      chunk.push(m);
      size += m.length;
    }
    flush();
  }
  // NLMSG_ERROR: the errno (0 for an acknowledgement) and the request (its header only, for an ack).
  private ack(r: Request, err: number): void {
    const body = new Writer().u32(err >>> 0).bytes(err ? r.raw : r.raw.subarray(0, 16)).done();
    new DataView(body.buffer).setUint32(4, err ? r.raw.length : 16, true);
    this.enqueue(message(NLMSG_ERROR, err ? 0 : NLM_F_CAPPED, r.seq, this.portid, body));
  }

  private linkMsg(i: NetInterface, r: Request, flags: number): Uint8Array {
    const w = new Writer().u8(0).u8(0).u16(i.type).u32(i.index).u32(i.flags).u32(0);
    const loop = i.type === ARPHRD_LOOPBACK;
    w.attrStr(IFLA_IFNAME, i.name).attrU32(IFLA_TXQLEN, 1000).attrU8(IFLA_OPERSTATE, loop ? 0 : 6).attrU8(IFLA_LINKMODE, 0)
      .attrU32(IFLA_MTU, i.mtu).attrU32(IFLA_MIN_MTU, loop ? 0 : 68).attrU32(IFLA_MAX_MTU, loop ? 0 : 65535)
      .attrU32(IFLA_GROUP, 0).attrU32(IFLA_PROMISCUITY, 0).attrU32(IFLA_NUM_TX_QUEUES, 1).attrU32(IFLA_NUM_RX_QUEUES, 1)
      .attrU8(IFLA_CARRIER, 1).attrStr(IFLA_QDISC, 'noqueue').attr(IFLA_ADDRESS, i.mac)
      .attr(IFLA_BROADCAST, loop ? new Uint8Array(6) : [255, 255, 255, 255, 255, 255]);
    const s = i.stats;
    const counts = [s.rxPackets, s.txPackets, s.rxBytes, s.txBytes];
    const stats32 = new Writer();
    for (let k = 0; k < 24; k++) stats32.u32(counts[k] ?? 0);
    const stats64 = new Writer();
    for (let k = 0; k < 24; k++) stats64.u32((counts[k] ?? 0) >>> 0).u32(Math.floor((counts[k] ?? 0) / 2 ** 32));
    w.attr(IFLA_STATS64, stats64.done()).attr(IFLA_STATS, stats32.done());
    return message(RTM_NEWLINK, flags, r.seq, this.portid, w.done());
  }
  private links(r: Request): Uint8Array[] { return this.stack.interfaces.map((i) => this.linkMsg(i, r, NLM_F_MULTI)); }
  private oneLink(r: Request): Uint8Array[] | number {
    if (r.body.length < 16) return -EINVAL;
    const index = new DataView(r.body.buffer, r.body.byteOffset, 16).getInt32(4, true);
    let i = index > 0 ? this.stack.interfaces.find((x) => x.index === index) : undefined;
    if (index <= 0) {
      const name = attrs(r.body, 16).get(IFLA_IFNAME);
      if (!name) return -EINVAL;
      const n = new TextDecoder().decode(name.subarray(0, name.indexOf(0) < 0 ? name.length : name.indexOf(0)));
      i = this.stack.interfaces.find((x) => x.name === n);
    }
    return i ? [this.linkMsg(i, r, 0)] : -ENODEV;
  }

  private addrs(r: Request): Uint8Array[] {
    const want = r.body.length ? r.body[0] : 0;
    const out: Uint8Array[] = [];
    for (const fam of [AF_INET, AF_INET6]) {
      if (want && want !== fam) continue;
      for (const i of this.stack.interfaces) {
        for (const a of i.addrs) {
          if (isMapped(a.ip) !== (fam === AF_INET)) continue;
          const bits = fam === AF_INET ? a.bits - 96 : a.bits;
          const w = new Writer().u8(fam).u8(bits).u8(IFA_F_PERMANENT).u8(a.scope).u32(i.index);
          w.attr(IFA_ADDRESS, ipBytes(a.ip));
          if (fam === AF_INET) {
            w.attr(IFA_LOCAL, ipBytes(a.ip));
            if (a.broadcast) w.attr(IFA_BROADCAST, ipBytes(a.broadcast));
            w.attrStr(IFA_LABEL, i.name);
          }
          w.attrU32(IFA_FLAGS, IFA_F_PERMANENT);
          w.attr(IFA_CACHEINFO, new Writer().u32(0xffffffff).u32(0xffffffff).u32(100).u32(100).done());
          out.push(message(RTM_NEWADDR, NLM_F_MULTI, r.seq, this.portid, w.done()));
        }
      }
    }
    return out;
  }

  // cloned: the answer to a lookup (`ip route get`), a route cache entry with the asker's uid.
  private routeMsg(r: Request, flags: number, rt: RouteEntry, cloned = false): Uint8Array {
    const fam = isMapped(rt.dst) ? AF_INET : AF_INET6;
    const w = new Writer().u8(fam).u8(rt.bits).u8(0).u8(0).u8(rt.table).u8(rt.proto).u8(rt.scope).u8(rt.type).u32(cloned ? RTM_F_CLONED : 0);
    w.attrU32(RTA_TABLE, rt.table);
    if (rt.bits) w.attr(RTA_DST, ipBytes(rt.dst));
    if (fam === AF_INET6) w.attrU32(RTA_PRIORITY, rt.table === RT_TABLE_LOCAL ? 0 : 256);
    if (rt.src) w.attr(RTA_PREFSRC, ipBytes(rt.src));
    if (rt.gateway) w.attr(RTA_GATEWAY, ipBytes(rt.gateway));
    w.attrU32(RTA_OIF, rt.oif);
    if (cloned) w.attrU32(RTA_UID, 0);
    return message(RTM_NEWROUTE, flags, r.seq, this.portid, w.done());
  }
  private routes(r: Request): Uint8Array[] {
    const want = r.body.length ? r.body[0] : 0;
    return this.stack.routes().filter((rt) => !want || want === (isMapped(rt.dst) ? AF_INET : AF_INET6))
      .map((rt) => this.routeMsg(r, NLM_F_MULTI, rt));
  }
  // `ip route get ADDR`: the route a packet to ADDR takes.
  private routeGet(r: Request): Uint8Array[] | number {
    if (r.body.length < 12) return -EINVAL;
    const fam = r.body[0];
    const dst = attrs(r.body, 12).get(RTA_DST);
    if (!dst) return -EINVAL;
    const ip = fam === AF_INET && dst.length === 4 ? v4(dst[0], dst[1], dst[2], dst[3]) : fam === AF_INET6 && dst.length === 16 ? dst : undefined;
    if (!ip) return -EINVAL;
    const route = this.stack.route(ip);
    if (typeof route === 'number') return route;
    const local = route.kind === 'local';
    return [this.routeMsg(r, 0, {
      dst: ip, bits: isMapped(ip) ? 32 : 128, table: local ? RT_TABLE_LOCAL : RT_TABLE_MAIN, proto: RTPROT_BOOT,
      scope: RT_SCOPE_UNIVERSE, type: local ? RTN_LOCAL : RTN_UNICAST, oif: route.iface.index,
      src: route.src,
      gateway: this.stack.mode === 'bridge' && route.kind !== 'local' && !ipEqual(ip, GATEWAY_IP) ? GATEWAY_IP : undefined,
    }, true)];
  }
}

// The attributes after `off` in a request body, by type.
function attrs(body: Uint8Array, off: number): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  while (off + 4 <= body.length) {
    const len = dv.getUint16(off, true), type = dv.getUint16(off + 2, true) & 0x3fff;
    if (len < 4 || off + len > body.length) break;
    out.set(type, body.subarray(off + 4, off + len));
    off += (len + 3) & ~3;
  }
  return out;
}
