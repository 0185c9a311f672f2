// Making a machine's network and its sockets: socket(2)'s checks for the
// families of this layer, the DNS service, and the ports published to the host.
import {
  EACCES, EAFNOSUPPORT, EINVAL, EPERM, EPROTONOSUPPORT,
} from '../base/errno.js';
import type { HostDatagram } from '../base/host-net.js';
import { AF_INET, AF_INET6, isLoopback, parseIp } from './inet-addr.js';
import { IPPROTO_TCP, IPPROTO_UDP } from './inet-socket.js';
import { AF_NETLINK, NETLINK_ROUTE, NetlinkSocket } from './netlink.js';
import { DnsService } from './dns-service.js';
import { GATEWAY_IP, GUEST_IP, NetStack, type NetConfig } from './stack.js';
import { SOCK_DGRAM, SOCK_RAW, SOCK_STREAM, type NetSocket } from './socket.js';
import { TcpSocket } from './tcp.js';
import { publishTcp } from './tcp-host.js';
import { UdpSocket, deliverLocal } from './udp.js';

const ESOCKTNOSUPPORT = 94, SOCK_MAX = 11, IPPROTO_ICMP = 1, IPPROTO_ICMPV6 = 58, IPPROTO_MAX = 256, MAX_LINKS = 32;

export function createNetStack(cfg: NetConfig, random: (into: Uint8Array) => void, ino: () => number): NetStack {
  const stack = new NetStack(cfg, random, ino);
  stack.dns = new DnsService(stack, cfg.host);
  return stack;
}

// Whether this layer makes sockets of `domain`.
export const netFamily = (domain: number): boolean => domain === AF_INET || domain === AF_INET6 || domain === AF_NETLINK;

// socket(2) for AF_INET, AF_INET6 and AF_NETLINK: the socket, or Linux's errno for what it refuses.
export function createSocket(stack: NetStack, domain: number, type: number, protocol: number, flags: number,
  now: () => bigint, uid = 0): NetSocket | number {
  const s = makeSocket(stack, domain, type, protocol, flags, now);
  if (typeof s !== 'number' && 'uid' in s) s.uid = uid;
  return s;
}
function makeSocket(stack: NetStack, domain: number, type: number, protocol: number, flags: number,
  now: () => bigint): NetSocket | number {
  if (type < 0 || type >= SOCK_MAX) return -EINVAL;
  if (domain === AF_NETLINK) {
    if (type !== SOCK_RAW && type !== SOCK_DGRAM) return -ESOCKTNOSUPPORT;
    if (protocol < 0 || protocol >= MAX_LINKS || protocol !== NETLINK_ROUTE) return -EPROTONOSUPPORT;
    return new NetlinkSocket(stack, type, flags, now);
  }
  if (domain !== AF_INET && domain !== AF_INET6) return -EAFNOSUPPORT;
  if (protocol < 0 || protocol >= IPPROTO_MAX) return -EINVAL;
  switch (type) {
    case SOCK_STREAM:
      if (protocol !== 0 && protocol !== IPPROTO_TCP) return -EPROTONOSUPPORT;
      return new TcpSocket(stack, domain, flags, now, now);
    case SOCK_DGRAM:
      // ping sockets: net.ipv4.ping_group_range leaves them to nobody
      if ((protocol === IPPROTO_ICMP && domain === AF_INET) || (protocol === IPPROTO_ICMPV6 && domain === AF_INET6)) return -EACCES;
      if (protocol !== 0 && protocol !== IPPROTO_UDP) return -EPROTONOSUPPORT;
      return new UdpSocket(stack, domain, flags, now, now);
    case SOCK_RAW: return -EPERM; // raw sockets need CAP_NET_RAW, which the machine does not give
  }
  return -ESOCKTNOSUPPORT;
}

// Make the host listen for each published port (-p). Rejects with a message the user can act on.
export async function publishPorts(stack: NetStack): Promise<void> {
  if (stack.mode !== 'bridge') return;
  for (const p of stack.publish) {
    if (p.protocol === 'tcp') {
      await publishTcp(stack, p, (port) => {
        let best: TcpSocket | undefined;
        for (const u of stack.tcp.users(port)) if (u instanceof TcpSocket && u.listening) best = u;
        return best;
      });
      continue;
    }
    const host = stack.host;
    if (!host?.datagram) throw new Error('this host cannot publish UDP ports');
    const address = p.hostIp ?? '0.0.0.0';
    let published: HostDatagram | undefined;
    const sock = await host.datagram({ family: address.includes(':') ? 6 : 4 }, { address, port: p.hostPort }, {
      message: (bytes, from) => {
        const ip = parseIp(from.address);
        if (!ip) return;
        const src = isLoopback(ip) ? GATEWAY_IP : ip;
        if (published) stack.udpFlows.set(`${p.guestPort}|${isLoopback(ip) ? '127.0.0.1' : from.address}|${from.port}`, published);
        deliverLocal(stack, GUEST_IP, p.guestPort, bytes, { ip: src, port: from.port }, stack.eth0?.index ?? 1);
      },
    });
    if (typeof sock === 'number') throw new Error(`cannot publish ${address}:${p.hostPort}/udp on the host (errno ${-sock})`);
    published = sock;
    stack.keepListener({ local: sock.local, close: () => sock.close() });
  }
}
