// /proc/net (tcp, tcp6, udp, udp6, dev, route, if_inet6) and /sys/class/net,
// in Linux's formats, from the machine's sockets and interfaces: what netstat,
// ss's fallback, ifconfig and language runtimes read.
import type { NetView } from '../fs/net-view.js';
import { AF_INET, isMapped, type Ip } from './inet-addr.js';
import { InetSocket } from './inet-socket.js';
import { IFF_RUNNING, IFF_LOWER_UP, RT_TABLE_MAIN, type NetInterface, type NetStack } from './stack.js';
import { TcpSocket, TCP_CLOSE, TCP_ESTABLISHED } from './tcp.js';
import { UdpSocket } from './udp.js';

const hex = (n: number, w: number) => (n >>> 0).toString(16).toUpperCase().padStart(w, '0');
// An IPv4 address as the kernel prints its __be32: the bytes in memory order, read as a little-endian word.
const be32 = (b: Uint8Array, o: number) => hex(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24), 8);
const addr4 = (ip: Ip, port: number) => `${be32(ip, 12)}:${hex(port, 4)}`;
const addr6 = (ip: Ip, port: number) => `${be32(ip, 0)}${be32(ip, 4)}${be32(ip, 8)}${be32(ip, 12)}:${hex(port, 4)}`;
const ZERO = new Uint8Array(16);

function inetSockets(stack: NetStack): InetSocket[] {
  return [...stack.sockets].filter((s): s is InetSocket => s instanceof InetSocket);
}

function tcpTable(stack: NetStack, v6: boolean): string {
  const head = v6
    ? '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
    : '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'.padEnd(149) + '\n';
  const rows = inetSockets(stack).filter((s): s is TcpSocket => s instanceof TcpSocket && (s.domain !== AF_INET) === v6 && s.bound);
  return head + rows.map((s, i) => {
    const st = s.linuxState;
    const remote = s.remote && st !== 10 ? s.remote : { ip: ZERO, port: 0 };
    const fmt = v6 ? addr6 : addr4;
    const tx = st === 10 ? 0 : s.unsent, rx = s.queued;
    const line = `${String(i).padStart(4)}: ${fmt(s.local.ip, s.local.port)} ${fmt(remote.ip, remote.port)} ${hex(st, 2)} ` +
      `${hex(tx, 8)}:${hex(rx, 8)} 00:00000000 00000000 ${String(s.uid).padStart(5)} ${String(0).padStart(8)} ${s.ino} 1 0000000000000000 20 4 30 10 -1`;
    return v6 ? line + '\n' : line.padEnd(149) + '\n';
  }).join('');
}

function udpTable(stack: NetStack, v6: boolean): string {
  const head = v6
    ? '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n'
    : '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops'.padEnd(127) + '\n';
  const rows = inetSockets(stack).filter((s): s is UdpSocket => s instanceof UdpSocket && (s.domain !== AF_INET) === v6 && s.bound);
  return head + rows.map((s) => {
    const fmt = v6 ? addr6 : addr4;
    const remote = s.remote ?? { ip: ZERO, port: 0 };
    const st = s.remote ? TCP_ESTABLISHED : TCP_CLOSE;
    const line = `${String(s.local.port & 127).padStart(v6 ? 4 : 5)}: ${fmt(s.local.ip, s.local.port)} ${fmt(remote.ip, remote.port)} ${hex(st, 2)} ` +
      `${hex(0, 8)}:${hex(s.queued, 8)} 00:00000000 00000000 ${String(s.uid).padStart(5)} ${String(0).padStart(8)} ${s.ino} 2 0000000000000000 ${s.drops}`;
    return v6 ? line + '\n' : line.padEnd(127) + '\n';
  }).join('');
}

function devTable(stack: NetStack): string {
  const head = 'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
  return head + stack.interfaces.map((i) => {
    const s = i.stats;
    return `${i.name.padStart(6)}:${String(s.rxBytes).padStart(8)} ${String(s.rxPackets).padStart(7)}    0    0    0     0          0         0 ` +
      `${String(s.txBytes).padStart(8)} ${String(s.txPackets).padStart(7)}    0    0    0     0       0          0\n`;
  }).join('');
}

function routeTable(stack: NetStack): string {
  const row = (cols: string[]) => cols.join('\t').padEnd(127) + '\n';
  let out = row(['Iface', 'Destination', 'Gateway ', 'Flags', 'RefCnt', 'Use', 'Metric', 'Mask\t', 'MTU', 'Window', 'IRTT']);
  // the main table's IPv4 routes, but the loopback's
  for (const r of stack.routes()) {
    if (r.table !== RT_TABLE_MAIN || !isMapped(r.dst)) continue;
    const iface = stack.interfaces.find((i) => i.index === r.oif);
    if (!iface || iface.name === 'lo') continue;
    const mask = Uint8Array.from({ length: 16 }, (_, n) => (n < 12 ? 0 : (0xff << (8 - Math.max(0, Math.min(8, r.bits - (n - 12) * 8)))) & 0xff));
    out += row([iface.name, be32(r.dst, 12), be32(r.gateway ?? ZERO, 12), r.gateway ? '0003' : '0001', '0', '0', '0', be32(mask, 12), '0', '0', '0']);
  }
  return out;
}

function ifInet6(stack: NetStack): string {
  let out = '';
  for (const i of stack.interfaces) {
    for (const a of i.addrs) {
      if (isMapped(a.ip)) continue;
      const h = [...a.ip].map((b) => b.toString(16).padStart(2, '0')).join('');
      out += `${h} ${i.index.toString(16).padStart(2, '0')} ${a.bits.toString(16).padStart(2, '0')} ${(a.scope === 254 ? 0x10 : a.scope === 253 ? 0x20 : 0).toString(16).padStart(2, '0')} 80 ${i.name.padStart(8)}\n`;
    }
  }
  return out;
}

const mac = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

function sysAttrs(i: NetInterface): Record<string, () => string> {
  const loop = i.name === 'lo';
  const s = i.stats;
  const attrs: Record<string, () => string> = {
    address: () => mac(i.mac), addr_len: () => '6', broadcast: () => (loop ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff'),
    carrier: () => '1', dev_id: () => '0x0', dormant: () => '0', duplex: () => 'full',
    flags: () => '0x' + (i.flags & ~(IFF_RUNNING | IFF_LOWER_UP)).toString(16), ifalias: () => '', ifindex: () => String(i.index),
    iflink: () => String(i.index), link_mode: () => '0', mtu: () => String(i.mtu), operstate: () => (loop ? 'unknown' : 'up'),
    tx_queue_len: () => '1000', type: () => String(i.type), speed: () => (loop ? '' : '10000'),
  };
  const stats: Record<string, () => number> = {
    rx_bytes: () => s.rxBytes, rx_packets: () => s.rxPackets, tx_bytes: () => s.txBytes, tx_packets: () => s.txPackets,
    rx_errors: () => 0, tx_errors: () => 0, rx_dropped: () => 0, tx_dropped: () => 0, multicast: () => 0, collisions: () => 0,
  };
  for (const [k, f] of Object.entries(stats)) attrs[`statistics/${k}`] = () => String(f());
  return attrs;
}

export function netView(stack: NetStack): NetView {
  const files: Record<string, () => string> = {
    tcp: () => tcpTable(stack, false), tcp6: () => tcpTable(stack, true), udp: () => udpTable(stack, false),
    udp6: () => udpTable(stack, true), dev: () => devTable(stack), route: () => routeTable(stack), if_inet6: () => ifInet6(stack),
  };
  return {
    procNetNames: Object.keys(files),
    procNet: (name) => files[name]?.(),
    interfaces: () => stack.interfaces.map((i) => ({ name: i.name, attrs: sysAttrs(i) })),
  };
}
