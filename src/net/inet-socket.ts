// What TCP and UDP sockets share: the local address and port (bind, the port
// tables, ephemeral ports), the peer's address, and the IP and IPv6 options.
import { EFAULT, EINVAL, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP } from '../base/errno.js';
import type { GuestMemory } from '../fs/file.js';
import { interfaceIoctl } from './if-ioctl.js';
import {
  AF_INET, AF_INET6, IP_ANY4, IP_ANY6, formatSockaddr, isAny, isMapped, parseSockaddr, type Ip, type SockAddr,
} from './inet-addr.js';
import { NetStack, type PortTable, type PortUser } from './stack.js';
import { NetSocket, SO_REUSEADDR, SO_REUSEPORT, i32, readI32, type Caller } from './socket.js';

export const IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41;
export const IP_TOS = 1, IP_TTL = 2, IP_HDRINCL = 3, IP_OPTIONS = 4, IP_RECVOPTS = 6, IP_RETOPTS = 7, IP_PKTINFO = 8,
  IP_MTU_DISCOVER = 10, IP_RECVERR = 11, IP_RECVTTL = 12, IP_RECVTOS = 13, IP_MTU = 14, IP_FREEBIND = 15,
  IP_PASSSEC = 18, IP_TRANSPARENT = 19, IP_BIND_ADDRESS_NO_PORT = 24, IP_RECVFRAGSIZE = 25, IP_MULTICAST_IF = 32,
  IP_MULTICAST_TTL = 33, IP_MULTICAST_LOOP = 34, IP_ADD_MEMBERSHIP = 35, IP_DROP_MEMBERSHIP = 36,
  IP_MULTICAST_ALL = 49, IP_LOCAL_PORT_RANGE = 51;
export const IPV6_ADDRFORM = 1, IPV6_UNICAST_HOPS = 16, IPV6_MULTICAST_IF = 17, IPV6_MULTICAST_HOPS = 18,
  IPV6_MULTICAST_LOOP = 19, IPV6_JOIN_GROUP = 20, IPV6_LEAVE_GROUP = 21, IPV6_MTU_DISCOVER = 23, IPV6_MTU = 24,
  IPV6_RECVERR = 25, IPV6_V6ONLY = 26, IPV6_RECVPKTINFO = 49, IPV6_PKTINFO = 50, IPV6_RECVHOPLIMIT = 51,
  IPV6_HOPLIMIT = 52, IPV6_RECVTCLASS = 66, IPV6_TCLASS = 67, IPV6_ADDR_PREFERENCES = 72, IPV6_FREEBIND = 78;

export const UNKNOWN_LEVEL = -0x10000;
const TIOCOUTQ = 0x5411;

// Integer options kept and read back (IP and IPv6 levels), with their defaults.
const IP_INTS: Record<number, number> = {
  [IP_TOS]: 0, [IP_TTL]: 64, [IP_RECVOPTS]: 0, [IP_RETOPTS]: 0, [IP_PKTINFO]: 0, [IP_MTU_DISCOVER]: 1, [IP_RECVERR]: 0,
  [IP_RECVTTL]: 0, [IP_RECVTOS]: 0, [IP_FREEBIND]: 0, [IP_PASSSEC]: 0, [IP_TRANSPARENT]: 0, [IP_BIND_ADDRESS_NO_PORT]: 0,
  [IP_RECVFRAGSIZE]: 0, [IP_MULTICAST_TTL]: 1, [IP_MULTICAST_LOOP]: 1, [IP_MULTICAST_ALL]: 1, [IP_LOCAL_PORT_RANGE]: 0,
};
const IPV6_INTS: Record<number, number> = {
  [IPV6_UNICAST_HOPS]: 64, [IPV6_MULTICAST_HOPS]: 1, [IPV6_MULTICAST_LOOP]: 1, [IPV6_MTU_DISCOVER]: 0, [IPV6_RECVERR]: 0,
  [IPV6_RECVPKTINFO]: 0, [IPV6_RECVHOPLIMIT]: 0, [IPV6_RECVTCLASS]: 0, [IPV6_TCLASS]: 0, [IPV6_ADDR_PREFERENCES]: 0,
  [IPV6_FREEBIND]: 0, [IPV6_MULTICAST_IF]: 0,
};

export abstract class InetSocket extends NetSocket implements PortUser {
  local: SockAddr;
  remote?: SockAddr;
  bound = false; // holds its port in the table
  addrLocked = false; // the address was chosen by bind (not by connect)
  portLocked = false; // the port too (a failed or ended connection keeps it)
  v6only = false;
  reuseaddr = false;
  reuseport = false;
  uid = 0;

  constructor(readonly stack: NetStack, domain: number, type: number, protocol: number, flags: number,
    now: () => bigint, bufs: { snd: number; rcv: number }) {
    super(domain, type, protocol, flags, stack.newIno(), now, bufs);
    this.local = { ip: domain === AF_INET ? IP_ANY4 : IP_ANY6, port: 0 };
    stack.sockets.add(this);
  }
  protected abstract get table(): PortTable;
  get isTcp(): boolean { return this.protocol === IPPROTO_TCP; }

  parse(addr: Uint8Array, unspecAny = false): SockAddr | number { return parseSockaddr(addr, this.domain, unspecAny); }
  format(a: SockAddr): Uint8Array { return formatSockaddr(a, this.domain); }
  sockname(): Uint8Array { return this.format(this.local); }
  peername(): Uint8Array | number { return this.remote ? this.format(this.remote) : -ENOTCONN; }
  // An address a v4 socket may not use (a v6-only socket and IPv4, checked by callers).
  protected wrongFamily(a: SockAddr): boolean { return this.domain === AF_INET6 && this.v6only && isMapped(a.ip); }

  // bind(2) inside the machine: the address must be the machine's, the port free (or shareable).
  protected bindLocal(a: SockAddr, who: Caller): number {
    if (this.bound) return -EINVAL;
    if (this.domain === AF_INET6 && isMapped(a.ip) && this.v6only) return -EINVAL;
    if (!this.intOpt(IPPROTO_IP, IP_FREEBIND) && !this.intOpt(IPPROTO_IP, IP_TRANSPARENT)) {
      const ok = this.stack.bindable(a.ip);
      if (ok < 0) return ok;
    }
    const denied = NetStack.portAllowed(a.port, who.uid);
    if (denied < 0) return denied;
    this.uid = who.uid;
    let port = a.port;
    if (port === 0) {
      port = this.stack.ephemeralPort((p) => !this.table.conflict(this, a.ip, p, this.isTcp, false));
      if (port < 0) return port;
    } else if (this.table.conflict(this, a.ip, port, this.isTcp, this.listening)) return -98; // EADDRINUSE
    this.local = { ip: a.ip, port, flowinfo: 0, scope: a.scope };
    this.addrLocked = !isAny(a.ip);
    this.portLocked = a.port !== 0;
    this.bound = true;
    this.table.add(this);
    return 0;
  }
  // An ephemeral port on the wildcard address (connect, sendto, listen on an unbound socket).
  protected autobind(who: Caller): number {
    if (this.bound) return 0;
    return this.bindLocal({ ip: this.local.ip, port: 0 }, who);
  }
  protected unbind(): void {
    if (this.bound) this.table.remove(this);
    this.bound = false;
  }
  // A connect chose the source address of a socket bound to the wildcard.
  protected setSource(src: Ip): void {
    if (this.addrLocked || !isAny(this.local.ip)) return;
    this.local = { ...this.local, ip: src };
  }

  // --- options ------------------------------------------------------------------------------
  private readonly ints = new Map<string, number>();
  intOpt(level: number, opt: number): number {
    return this.ints.get(`${level}:${opt}`) ?? (level === IPPROTO_IPV6 ? IPV6_INTS[opt] : IP_INTS[opt]) ?? 0;
  }
  protected override flagChanged(opt: number, on: boolean): void {
    if (opt === SO_REUSEADDR) this.reuseaddr = on;
    if (opt === SO_REUSEPORT) this.reuseport = on;
  }
  protected override getOption(level: number, opt: number): Uint8Array | number {
    if (level === IPPROTO_IP) {
      if (opt === IP_MTU) return this.remote ? i32(this.mtu()) : -ENOTCONN;
      if (opt === IP_MULTICAST_IF) return new Uint8Array(4);
      if (opt === IP_OPTIONS) return new Uint8Array(0);
      if (opt in IP_INTS) return i32(this.intOpt(level, opt));
      return -ENOPROTOOPT;
    }
    if (level === IPPROTO_IPV6 && this.domain === AF_INET6) {
      if (opt === IPV6_V6ONLY) return i32(this.v6only ? 1 : 0);
      if (opt === IPV6_MTU) return this.remote ? i32(this.mtu()) : -ENOTCONN;
      if (opt in IPV6_INTS) return i32(this.intOpt(level, opt));
      return -ENOPROTOOPT;
    }
    const r = this.protocolOption(level, opt);
    // a level nobody knows: IPv4's getsockopt says EOPNOTSUPP, IPv6's ENOPROTOOPT (as Linux's do)
    return r === UNKNOWN_LEVEL ? (this.domain === AF_INET ? -EOPNOTSUPP : -ENOPROTOOPT) : r;
  }
  protected override setOption(level: number, opt: number, val: Uint8Array): number {
    if (level === IPPROTO_IP) {
      if (opt === IP_ADD_MEMBERSHIP || opt === IP_DROP_MEMBERSHIP) return val.length < 8 ? -EINVAL : 0;
      if (opt === IP_MULTICAST_IF) return val.length < 4 ? -EINVAL : 0;
      if (opt === IP_OPTIONS) return val.length > 40 ? -EINVAL : 0;
      if (!(opt in IP_INTS) || opt === IP_MTU) return -ENOPROTOOPT;
      // IP options take an int or a single byte
      if (val.length < 1) return -EINVAL;
      const v = val.length >= 4 ? readI32(val) : val[0];
      if (opt === IP_TTL && (v < -1 || v === 0 || v > 255)) return -EINVAL;
      if (opt === IP_MTU_DISCOVER && (v < 0 || v > 5)) return -EINVAL;
      this.ints.set(`${level}:${opt}`, opt === IP_TTL && v === -1 ? 64 : opt === IP_TOS ? v & 0xff : v);
      return 0;
    }
    if (level === IPPROTO_IPV6 && this.domain === AF_INET6) {
      if (opt === IPV6_JOIN_GROUP || opt === IPV6_LEAVE_GROUP) return val.length < 20 ? -EINVAL : 0;
      if (val.length < 4) return -EINVAL;
      const v = readI32(val);
      if (opt === IPV6_V6ONLY) {
        if (this.bound) return -EINVAL;
        this.v6only = v !== 0;
        return 0;
      }
      if (!(opt in IPV6_INTS)) return -ENOPROTOOPT;
      if ((opt === IPV6_UNICAST_HOPS || opt === IPV6_MULTICAST_HOPS) && (v < -1 || v > 255)) return -EINVAL;
      this.ints.set(`${level}:${opt}`, (opt === IPV6_UNICAST_HOPS || opt === IPV6_MULTICAST_HOPS) && v === -1 ? IPV6_INTS[opt] : v);
      return 0;
    }
    return this.setProtocolOption(level, opt, val);
  }
  // UNKNOWN_LEVEL when `level` is not the protocol's.
  protected protocolOption(_level: number, _opt: number): Uint8Array | number { return UNKNOWN_LEVEL; }
  protected setProtocolOption(_level: number, _opt: number, _val: Uint8Array): number { return -ENOPROTOOPT; }
  protected mtu(): number {
    const r = this.remote && this.stack.route(this.remote.ip);
    return r && typeof r !== 'number' ? r.iface.mtu : 1500;
  }

  // Interface ioctls (SIOCGIFCONF, SIOCGIFINDEX…) and TIOCOUTQ (bytes not yet sent).
  override ioctl(request: number, arg: number, mem: GuestMemory): number {
    if (request === TIOCOUTQ) return mem.write(arg, i32(this.unsentBytes)) ? 0 : -EFAULT;
    return interfaceIoctl(this.stack, request, arg, mem);
  }
  protected get unsentBytes(): number { return 0; }

  override release(): void {
    this.unbind();
    this.stack.sockets.delete(this);
  }
}
