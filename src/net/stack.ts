// A machine's network: its interfaces, the ports its sockets hold, where a
// destination is reached (the machine itself, its DNS service, or the host's
// network), and what is published to the host. One per machine, as a network
// namespace is one per container.
//
// The address plan is qemu's user-mode network (slirp): the machine is
// 10.0.2.15/24 on eth0, 10.0.2.2 is the host (host.xos.internal, which reaches
// the host's own loopback), 10.0.2.3 the DNS server the machine answers itself.
// Like a docker container by default, eth0 has no IPv6 address; ::1 works.
import type { HostAddr, HostDatagram, HostNet, HostListener } from '../base/host-net.js';
import {
  EACCES, EADDRINUSE, EADDRNOTAVAIL, EHOSTUNREACH, ENETUNREACH,
} from '../base/errno.js';
import {
  IP_ANY4, IP_LOOPBACK4, IP_LOOPBACK6, inPrefix, ipEqual, ipText, isAny, isLoopback, isMapped, isMulticast, parseCidr, parseIp,
  v4, type Ip,
} from './inet-addr.js';
import type { DnsService } from './dns-service.js';

// 'bridge': the machine's own network with the host's behind it (docker's default); 'host': guest
// sockets are host sockets (qemu-user's model); 'none': loopback only.
export type NetMode = 'bridge' | 'host' | 'none';

export interface PublishSpec { hostIp?: string; hostPort: number; guestPort: number; protocol: 'tcp' | 'udp' }

export interface NetConfig {
  mode?: NetMode; // default: bridge when `host` is given, else none
  host?: HostNet;
  publish?: PublishSpec[];
  hosts?: { name: string; address: string }[]; // --add-host, also answered by the DNS service
  hostname?: string;
}

export const GUEST_IP = v4(10, 0, 2, 15), GATEWAY_IP = v4(10, 0, 2, 2), DNS_IP = v4(10, 0, 2, 3);
export const SUBNET_BITS = 96 + 24;
export const HOST_INTERNAL = 'host.xos.internal';
export const GUEST_MAC = Uint8Array.of(0x02, 0x42, 0x0a, 0x00, 0x02, 0x0f);

export const ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;
export const IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_RUNNING = 0x40, IFF_MULTICAST = 0x1000,
  IFF_LOWER_UP = 0x10000;
export const RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254;
export const RT_TABLE_MAIN = 254, RT_TABLE_LOCAL = 255, RTPROT_KERNEL = 2, RTPROT_BOOT = 3;
export const RTN_UNICAST = 1, RTN_LOCAL = 2, RTN_BROADCAST = 3;

// A route, as netlink and /proc/net/route describe it. bits: of the address's own family.
export interface RouteEntry { dst: Ip; bits: number; table: number; proto: number; scope: number; type: number; oif: number; src?: Ip; gateway?: Ip }

export interface IfAddr { ip: Ip; bits: number; scope: number; broadcast?: Ip } // bits: of the IPv6 form (96 + n for IPv4)
export interface IfStats { rxBytes: number; rxPackets: number; txBytes: number; txPackets: number }
export interface NetInterface {
  index: number; name: string; mtu: number; flags: number; type: number; mac: Uint8Array;
  addrs: IfAddr[]; stats: IfStats;
}

// Where a destination is: in the machine (from `src`), the DNS service, or outside through the host.
export type Route =
  | { kind: 'local'; src: Ip; dst: Ip; iface: NetInterface }
  | { kind: 'dns'; src: Ip; iface: NetInterface }
  | { kind: 'host'; src: Ip; host: string; iface: NetInterface };

// A bound socket as the port tables see it.
export interface PortUser {
  local: { ip: Ip; port: number };
  v6only: boolean;
  reuseaddr: boolean;
  reuseport: boolean;
  uid: number;
  readonly listening: boolean;
}

const EPHEMERAL_LOW = 32768, EPHEMERAL_HIGH = 60999; // net.ipv4.ip_local_port_range

export class PortTable {
  readonly byPort = new Map<number, Set<PortUser>>();
  add(s: PortUser): void {
    let set = this.byPort.get(s.local.port);
    if (!set) this.byPort.set(s.local.port, (set = new Set()));
    set.add(s);
  }
  remove(s: PortUser): void {
    const set = this.byPort.get(s.local.port);
    if (!set) return;
    set.delete(s);
    if (!set.size) this.byPort.delete(s.local.port);
  }
  users(port: number): Iterable<PortUser> { return this.byPort.get(port) ?? []; }
  // Whether `s` may hold (ip, port) next to the sockets there (Linux's bind conflict rules,
  // without TIME_WAIT): overlapping addresses conflict unless both share by SO_REUSEPORT (one
  // user) or, where no listener is involved (always for UDP), by SO_REUSEADDR.
  conflict(s: PortUser, ip: Ip, port: number, tcp: boolean, listening: boolean): boolean {
    for (const o of this.users(port)) {
      if (o === s || !overlap(ip, s.v6only, o.local.ip, o.v6only)) continue;
      if (s.reuseport && o.reuseport && s.uid === o.uid) continue;
      if (s.reuseaddr && o.reuseaddr && (!tcp || (!listening && !o.listening))) continue;
      return true;
    }
    return false;
  }
}

// The addresses a bound socket receives for: a specific one, every IPv4 one (0.0.0.0), every
// IPv6 one (:: with IPV6_V6ONLY) or all (::).
function covers(bound: Ip, v6only: boolean, ip: Ip): boolean {
  if (ipEqual(bound, ip)) return true;
  if (ipEqual(bound, IP_ANY4)) return isMapped(ip);
  if (isAny(bound)) return !v6only || !isMapped(ip);
  return false;
}
function overlap(a: Ip, a6only: boolean, b: Ip, b6only: boolean): boolean {
  if (isAny(a) && isAny(b)) {
    const aAll4 = ipEqual(a, IP_ANY4) || !a6only, bAll4 = ipEqual(b, IP_ANY4) || !b6only;
    const aAll6 = !ipEqual(a, IP_ANY4), bAll6 = !ipEqual(b, IP_ANY4);
    return (aAll4 && bAll4) || (aAll6 && bAll6);
  }
  if (isAny(a)) return covers(a, a6only, b);
  if (isAny(b)) return covers(b, b6only, a);
  return ipEqual(a, b);
}
export function receivesFor(s: PortUser, ip: Ip): boolean { return covers(s.local.ip, s.v6only, ip); }

// The broadcast address of ip/bits (IPv4).
function v4bcast(ip: Ip, bits: number): Ip {
  const b = ip.slice();
  for (let n = 12; n < 16; n++) {
    const keep = Math.max(0, Math.min(8, bits - (n - 12) * 8));
    b[n] = (b[n] & ((0xff << (8 - keep)) & 0xff)) | (0xff >> keep);
  }
  return b;
}

// --net host: the host's interfaces as the guest sees them (the loopback first).
function hostInterfaces(host: HostNet, zero: () => IfStats): NetInterface[] {
  const list = host.interfaces?.() ?? [];
  list.sort((a, b) => Number(b.internal) - Number(a.internal));
  return list.map((h, i) => {
    const addrs: IfAddr[] = [];
    for (const a of h.addresses) {
      const c = parseCidr(a.cidr);
      if (!c) continue;
      const scope = isLoopback(c.ip) ? RT_SCOPE_HOST : !isMapped(c.ip) && c.ip[0] === 0xfe && (c.ip[1] & 0xc0) === 0x80 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
      addrs.push({ ip: c.ip, bits: c.bits, scope });
    }
    const mac = Uint8Array.from(h.mac.split(':').map((x) => parseInt(x, 16) || 0));
    return {
      index: i + 1, name: h.name, mtu: h.internal ? 65536 : 1500, type: h.internal ? ARPHRD_LOOPBACK : ARPHRD_ETHER, mac, addrs,
      flags: IFF_UP | IFF_RUNNING | IFF_LOWER_UP | (h.internal ? IFF_LOOPBACK : IFF_BROADCAST | IFF_MULTICAST), stats: zero(),
    };
  });
}

export class NetStack {
  readonly mode: NetMode;
  readonly host?: HostNet;
  readonly interfaces: NetInterface[];
  readonly tcp = new PortTable();
  readonly udp = new PortTable();
  // Every socket of the families, for /proc/net (in creation order).
  readonly sockets = new Set<{ readonly ino: number }>();
  readonly hosts: { name: string; ip: Ip }[] = [];
  tcpQueued = 0; // bytes in all TCP receive queues
  readonly hostname: string;
  readonly publish: PublishSpec[];
  dns?: DnsService;
  // Published UDP ports: the host socket a guest's reply to a host peer goes out through.
  readonly udpFlows = new Map<string, HostDatagram>();
  private netlinkPorts = new Set<number>();
  private netlinkRover = -4096;
  private listeners: HostListener[] = [];
  private nextPort: number;
  // What a restore does once the machine's objects are all read: its sockets' host sides, which do
  // not travel, are reset or opened again (tcp-host.ts, udp.ts).
  readonly afterRestore: (() => void)[] = [];

  // random: entropy for the first ephemeral port; ino: sockfs inode numbers (the machine's).
  constructor(cfg: NetConfig, private readonly random: (into: Uint8Array) => void, private readonly ino: () => number) {
    this.host = cfg.host;
    const mode = cfg.mode ?? (cfg.host ? 'bridge' : 'none');
    this.mode = this.host ? mode : 'none';
    this.hostname = cfg.hostname ?? 'xos';
    this.publish = cfg.publish ?? [];
    const zero = (): IfStats => ({ rxBytes: 0, rxPackets: 0, txBytes: 0, txPackets: 0 });
    this.interfaces = [{
      index: 1, name: 'lo', mtu: 65536, flags: IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP, type: ARPHRD_LOOPBACK,
      mac: new Uint8Array(6), stats: zero(),
      addrs: [{ ip: IP_LOOPBACK4, bits: 96 + 8, scope: RT_SCOPE_HOST }, { ip: IP_LOOPBACK6, bits: 128, scope: RT_SCOPE_HOST }],
    }];
    if (this.mode === 'host') this.interfaces = hostInterfaces(this.host!, zero);
    else if (this.mode === 'bridge') {
      this.interfaces.push({
        index: 2, name: 'eth0', mtu: 1500, flags: IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST | IFF_LOWER_UP,
        type: ARPHRD_ETHER, mac: GUEST_MAC, stats: zero(),
        addrs: [{ ip: GUEST_IP, bits: SUBNET_BITS, scope: RT_SCOPE_UNIVERSE, broadcast: v4(10, 0, 2, 255) }],
      });
    }
    for (const h of cfg.hosts ?? []) {
      const ip = parseIp(h.address);
      if (ip) this.hosts.push({ name: h.name, ip });
    }
    const b = new Uint8Array(2);
    random(b);
    this.nextPort = EPHEMERAL_LOW + (((b[0] << 8) | b[1]) % (EPHEMERAL_HIGH - EPHEMERAL_LOW));
  }

  get lo(): NetInterface { return this.interfaces[0]; }
  get eth0(): NetInterface | undefined { return this.interfaces[1]; }
  newIno(): number { return this.ino(); }

  // Whether `ip` is one of the machine's own addresses (or the wildcard).
  isLocal(ip: Ip): boolean {
    if (isAny(ip) || isLoopback(ip)) return true;
    return this.interfaces.some((i) => i.addrs.some((a) => ipEqual(a.ip, ip)));
  }
  // Whether a socket may bind `ip` (EADDRNOTAVAIL otherwise).
  bindable(ip: Ip): number {
    if (this.mode === 'host') return 0; // the host says
    return this.isLocal(ip) ? 0 : -EADDRNOTAVAIL;
  }

  // The way to `dst` (bridge and none modes; a host-mode socket asks the host directly).
  route(dst: Ip): Route | number {
    const lo = this.lo;
    if (this.mode === 'host') {
      // the host routes it; what `ip route get` shows: the first interface with an address of the family
      if (isLoopback(dst) || isAny(dst)) return { kind: 'local', src: isMapped(dst) ? IP_LOOPBACK4 : IP_LOOPBACK6, dst, iface: lo };
      const i = this.interfaces.find((x) => x !== lo && x.addrs.some((a) => isMapped(a.ip) === isMapped(dst)));
      const a = i?.addrs.find((x) => isMapped(x.ip) === isMapped(dst));
      return i && a ? { kind: 'host', src: a.ip, host: ipText(dst), iface: i } : -ENETUNREACH;
    }
    if (isAny(dst)) return { kind: 'local', src: isMapped(dst) ? IP_LOOPBACK4 : IP_LOOPBACK6, dst: isMapped(dst) ? IP_LOOPBACK4 : IP_LOOPBACK6, iface: lo };
    if (isLoopback(dst)) return { kind: 'local', src: isMapped(dst) ? IP_LOOPBACK4 : IP_LOOPBACK6, dst, iface: lo };
    for (const i of this.interfaces) if (i.addrs.some((a) => ipEqual(a.ip, dst))) return { kind: 'local', src: dst, dst, iface: lo };
    const eth = this.eth0;
    if (!eth || !isMapped(dst) || isMulticast(dst)) return -ENETUNREACH;
    if (ipEqual(dst, DNS_IP)) return { kind: 'dns', src: GUEST_IP, iface: eth };
    if (ipEqual(dst, GATEWAY_IP)) return { kind: 'host', src: GUEST_IP, host: '127.0.0.1', iface: eth };
    if (inPrefix(dst, GUEST_IP, SUBNET_BITS)) return -EHOSTUNREACH; // nobody else on the machine's network
    return { kind: 'host', src: GUEST_IP, host: ipText(dst), iface: eth };
  }

  // A free port from the ephemeral range that `ok` accepts, or -EADDRINUSE.
  ephemeralPort(ok: (port: number) => boolean): number {
    const n = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
    for (let i = 0; i < n; i++) {
      const p = EPHEMERAL_LOW + ((this.nextPort - EPHEMERAL_LOW + i) % n);
      if (ok(p)) { this.nextPort = p + 1; return p; }
    }
    return -EADDRINUSE;
  }
  // Whether `port` may be bound by `uid` (ports below 1024 need root).
  static portAllowed(port: number, uid: number): number { return port !== 0 && port < 1024 && uid !== 0 ? -EACCES : 0; }

  // The addresses a name has in /etc/hosts as xos writes it (--add-host, host.xos.internal).
  localName(name: string): Ip[] {
    const n = name.toLowerCase().replace(/\.$/, '');
    const out = this.hosts.filter((h) => h.name.toLowerCase() === n).map((h) => h.ip);
    if (!out.length && n === HOST_INTERNAL && this.mode === 'bridge') out.push(GATEWAY_IP);
    if (!out.length && n === 'localhost') out.push(IP_LOOPBACK4, IP_LOOPBACK6);
    return out;
  }

  // /etc/hosts and /etc/resolv.conf as the guest gets them (docker's, in this address plan).
  etcHosts(): string {
    const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet',
      'ff00::0\tip6-mcastprefix', 'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters'];
    for (const h of this.hosts) lines.push(`${ipText(h.ip)}\t${h.name}`);
    if (this.mode === 'bridge') {
      lines.push(`${ipText(GATEWAY_IP)}\t${HOST_INTERNAL}`);
      lines.push(`${ipText(GUEST_IP)}\t${this.hostname}`);
    } else lines.push(`127.0.1.1\t${this.hostname}`);
    return lines.join('\n') + '\n';
  }
  etcResolvConf(hostResolvConf?: string): string {
    if (this.mode === 'bridge') return `nameserver ${ipText(DNS_IP)}\n`;
    if (this.mode === 'host' && hostResolvConf !== undefined) return hostResolvConf;
    return '';
  }

  // The routing tables as Linux makes them for the interfaces (main and local), and the default
  // route through the gateway on the bridge (--net host: the host's own is not known here).
  routes(): RouteEntry[] {
    const out: RouteEntry[] = [];
    const k = { table: RT_TABLE_MAIN, proto: RTPROT_KERNEL };
    const eth = this.eth0;
    if (this.mode === 'bridge' && eth) {
      out.push({ dst: IP_ANY4, bits: 0, table: RT_TABLE_MAIN, proto: RTPROT_BOOT, scope: RT_SCOPE_UNIVERSE, type: RTN_UNICAST, oif: eth.index, gateway: GATEWAY_IP });
    }
    for (const i of this.interfaces) {
      for (const a of i.addrs) {
        const v4 = isMapped(a.ip), bits = v4 ? a.bits - 96 : a.bits;
        const net = Uint8Array.from(a.ip, (b, n) => (n * 8 >= a.bits ? 0 : n * 8 + 8 <= a.bits ? b : b & ((0xff << (8 - (a.bits - n * 8))) & 0xff)));
        const loop = isLoopback(a.ip);
        if (v4) {
          if (!loop) out.push({ dst: net, bits, ...k, scope: RT_SCOPE_LINK, type: RTN_UNICAST, oif: i.index, src: a.ip });
          if (loop && bits < 32) out.push({ dst: net, bits, table: RT_TABLE_LOCAL, proto: RTPROT_KERNEL, scope: RT_SCOPE_HOST, type: RTN_LOCAL, oif: i.index, src: a.ip });
          out.push({ dst: a.ip, bits: 32, table: RT_TABLE_LOCAL, proto: RTPROT_KERNEL, scope: RT_SCOPE_HOST, type: RTN_LOCAL, oif: i.index, src: a.ip });
          const bcast = a.broadcast ?? (loop ? v4bcast(a.ip, bits) : undefined);
          if (bcast) out.push({ dst: bcast, bits: 32, table: RT_TABLE_LOCAL, proto: RTPROT_KERNEL, scope: RT_SCOPE_LINK, type: RTN_BROADCAST, oif: i.index, src: a.ip });
        } else {
          out.push({ dst: net, bits, ...k, scope: RT_SCOPE_UNIVERSE, type: RTN_UNICAST, oif: i.index });
          out.push({ dst: a.ip, bits: 128, table: RT_TABLE_LOCAL, proto: RTPROT_KERNEL, scope: RT_SCOPE_UNIVERSE, type: RTN_LOCAL, oif: i.index });
        }
      }
    }
    return out;
  }

  udpFlow(guestPort: number, to: HostAddr): HostDatagram | undefined {
    return this.udpFlows.get(`${guestPort}|${to.address}|${to.port}`);
  }

  // Netlink port ids: a process's first socket gets its pid, the next ones negative numbers.
  netlinkPort(pid: number): number {
    if (this.netlinkPorts.has(pid)) return -EADDRINUSE;
    this.netlinkPorts.add(pid);
    return pid;
  }
  netlinkAutoPort(pid: number): number {
    if (pid > 0 && !this.netlinkPorts.has(pid)) return this.netlinkPort(pid);
    while (this.netlinkPorts.has(this.netlinkRover >>> 0)) this.netlinkRover--;
    return this.netlinkPort(this.netlinkRover-- >>> 0);
  }
  netlinkRelease(port: number): void { this.netlinkPorts.delete(port); }

  resumed(): void {
    for (const f of this.afterRestore.splice(0)) f();
  }
  // Host listeners made for this machine (published ports, --net host binds) end with it.
  keepListener(l: HostListener): void { this.listeners.push(l); }
  dropListener(l: HostListener): void { this.listeners = this.listeners.filter((x) => x !== l); l.close(); }
  close(): void {
    for (const l of this.listeners) l.close();
    this.listeners = [];
    this.host?.close?.();
  }
}
