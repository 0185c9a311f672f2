// TCP connections that leave the machine: a guest socket whose far end is a
// host stream (HostNet.connect, or a connection a host listener accepted for a
// published port or a --net host listener). The stream's events drive the
// socket's state; the socket's buffers give the stream its flow control (the
// host stream pauses while the guest's receive queue is full, and a send waits
// while the host has more than SO_SNDBUF bytes still to send).
import { Blocked, blockOn } from '../base/wait.js';
import type { HostAddr, HostIncoming, HostListener, HostStream, HostStreamEvents } from '../base/host-net.js';
import { EADDRINUSE, EAGAIN, ECONNREFUSED, ECONNRESET, EINVAL, ENETUNREACH } from '../base/errno.js';
import { POLLERR, POLLHUP, POLLOUT, POLL_ALL } from '../fs/wait-queue.js';
import { AF_INET6, IP_ANY4, IP_ANY6, ipText, isAny, isMapped, parseIp, type SockAddr } from './inet-addr.js';
import { GATEWAY_IP, GUEST_IP, NetStack, receivesFor, type PublishSpec, type Route } from './stack.js';
import type { TcpSocket } from './tcp.js';

// What the guest's receive queue may hold before the host stream pauses.
const window = (s: TcpSocket) => s.window;

export class HostLink implements HostStreamEvents {
  stream?: HostStream;
  private paused = false;
  private closedHere = false; // the guest closed its socket: the link only finishes
  constructor(private readonly sock: TcpSocket) {}

  // --- the stream's events -------------------------------------------------------------------
  connected(local: HostAddr): void {
    const s = this.sock;
    if (s.stack.mode === 'host') {
      const ip = parseIp(local.address);
      if (ip) s.local = { ip, port: local.port };
    }
    s.hostConnected();
  }
  data(bytes: Uint8Array): void {
    if (this.closedHere) { this.stream?.close(true); return; } // data for a closed socket: reset
    const s = this.sock;
    s.deliver(bytes);
    if (!this.paused && s.rxBytes >= window(s)) { this.paused = true; this.stream?.pause(); }
  }
  end(): void {
    if (this.closedHere) { this.stream?.close(false); return; }
    this.sock.finReceived();
  }
  error(errno: number, why?: string): void {
    if (this.closedHere) return;
    if (why) this.sock.notice = why;
    this.sock.hostError(errno);
  }
  drained(): void { this.sock.wake(POLLOUT); }

  // --- the socket's side -----------------------------------------------------------------------
  send(s: TcpSocket, data: Uint8Array, nonblock: boolean): number | Blocked {
    const st = this.stream;
    if (!st) return -EAGAIN;
    if (st.pending >= s.sndbuf) return nonblock ? -EAGAIN : blockOn('socket', s.waiters, POLLOUT | POLLERR | POLLHUP);
    st.write(data);
    const stats = (s.stack.eth0 ?? s.stack.lo).stats;
    stats.txBytes += data.length;
    stats.txPackets++;
    return data.length;
  }
  writable(s: TcpSocket): boolean { return !this.stream || this.stream.pending < s.sndbuf; }
  consumed(s: TcpSocket): void {
    if (this.paused && s.rxBytes < window(s) / 2) { this.paused = false; this.stream?.resume(); }
  }
  setNoDelay(_on: boolean): void {}
  fin(): void { this.stream?.end(); }
  reset(): void { this.closedHere = true; this.stream?.close(true); }
  // Read from a snapshot: the host connection did not travel, and reads as reset (a connect in
  // progress as refused), as Linux's socket after an RST: queued bytes first, then the error, then
  // end of file.
  lost(): void {
    const s = this.sock;
    if (s.link !== this) return;
    if (this.closedHere) { s.link = undefined; return; }
    s.hostError(s.state === 'syn-sent' ? ECONNREFUSED : ECONNRESET);
  }
  // The guest's socket is closed (after its FIN went out).
  release(): void {
    this.closedHere = true;
    if (this.paused) this.stream?.resume();
  }
}

// --- connecting out -----------------------------------------------------------------------------

const family = (ip: Uint8Array): 4 | 6 => (isMapped(ip) ? 4 : 6);

// A connection through the host's network to the destination of `route` (bridge mode).
export function connectOutside(s: TcpSocket, route: Extract<Route, { kind: 'host' }>, a: SockAddr): number {
  const host = s.stack.host;
  if (!host) return -ENETUNREACH;
  const link = new HostLink(s);
  s.link = link;
  s.state = 'syn-sent';
  link.stream = host.connect({ address: route.host, port: a.port }, { family: 4 }, link);
  return 0;
}

// --net host: a connect is the host's own, from the address the guest bound (if any).
export function connectHostMode(s: TcpSocket, a: SockAddr): number {
  const host = s.stack.host!;
  const reserved = s.hostListener;
  let local: HostAddr | undefined;
  if (reserved) {
    local = { address: ipText(s.local.ip), port: s.local.port };
    s.hostListener = undefined;
    s.stack.dropListener(reserved);
  }
  const link = new HostLink(s);
  s.link = link;
  s.state = 'syn-sent';
  s.remote = a;
  const to = isAny(a.ip) ? (isMapped(a.ip) ? '127.0.0.1' : '::1') : ipText(a.ip);
  link.stream = host.connect({ address: to, port: a.port }, { family: family(a.ip), local }, link);
  return 0;
}

// --- listening on the host (--net host) ------------------------------------------------------------

// bind(2) with --net host: a host listener on that address and port, made at once (so that the
// port is the guest's, and EADDRINUSE is the host's answer); it accepts once listen(2) is called.
export function hostBind(s: TcpSocket, a: SockAddr, uid: number): number | Blocked {
  const done = s.hostBinding?.result;
  if (done !== undefined) {
    s.hostBinding = undefined;
    if (typeof done === 'number') return done;
    const ip = parseIp(done.local.address);
    s.local = { ip: ip && !(s.domain === AF_INET6 && isMapped(ip) && isAny(a.ip)) ? ip : a.ip, port: done.local.port };
    s.bound = true;
    s.uid = uid;
    s.addrLocked = !isAny(a.ip);
    s.hostListener = done;
    s.stack.keepListener(done);
    return 0;
  }
  if (s.bound) return -EINVAL;
  const denied = NetStack.portAllowed(a.port, uid);
  if (denied < 0) return denied;
  if (!s.hostBinding) {
    const host = s.stack.host!;
    if (!host.listen) return -EADDRINUSE;
    const at = { address: isAny(a.ip) ? (s.domain === AF_INET6 && !s.v6only ? '::' : isMapped(a.ip) ? '0.0.0.0' : '::') : ipText(a.ip), port: a.port };
    const binding: { result?: HostListener | number } = {};
    void host.listen(at, { family: family(a.ip), backlog: 511, v6only: s.v6only }, (c) => incoming(s, c))
      .then((r) => { binding.result = r; s.wake(POLL_ALL); });
    s.hostBinding = binding;
  }
  return blockOn('socket', s.waiters, POLL_ALL);
}
// A --net host socket read from a snapshot held its port with a host listener: the restoring host
// listens there again (a listening socket accepts from the host again). When it refuses (the port
// is taken), the socket keeps its port inside the machine only.
export function relisten(s: TcpSocket): void {
  const host = s.stack.host;
  if (!host?.listen || !s.bound || s.link) return;
  const ip = s.local.ip;
  const at = { address: isAny(ip) ? (s.domain === AF_INET6 && !isMapped(ip) ? '::' : '0.0.0.0') : ipText(ip), port: s.local.port };
  void host.listen(at, { family: family(ip), backlog: 511, v6only: s.v6only }, (c) => incoming(s, c)).then((r) => {
    if (typeof r === 'number') return;
    if (s.hostListener || !s.bound) { r.close(); return; }
    s.hostListener = r;
    s.stack.keepListener(r);
  });
}
// listen(2) with --net host on a socket not bound yet: bind it to any port first.
export function hostListenUnbound(s: TcpSocket, uid: number): number | Blocked {
  return hostBind(s, { ip: s.domain === AF_INET6 ? IP_ANY6 : IP_ANY4, port: 0 }, uid);
}
function incoming(s: TcpSocket, c: HostIncoming): void {
  if (s.state !== 'listen' || s.acceptQueueFull) { c.refuse(); return; }
  const remote = parseIp(c.remote.address), local = parseIp(c.local.address);
  if (!remote || !local) { c.refuse(); return; }
  accepted(s, c, { ip: local, port: c.local.port }, { ip: remote, port: c.remote.port });
}
function accepted(l: TcpSocket, c: HostIncoming, local: SockAddr, remote: SockAddr): void {
  const server = l.spawn(local, remote);
  const link = new HostLink(server);
  server.link = link;
  link.stream = c.accept(link);
  l.enqueue(server);
}
export function closeHostListener(s: TcpSocket): void {
  const l = s.hostListener;
  if (!l) return;
  s.hostListener = undefined;
  s.stack.dropListener(l);
}

// --- published ports (-p HOSTPORT:GUESTPORT) ------------------------------------------------------

// Listen on the host for each published TCP port; a connection goes to the guest socket listening
// on the machine's address and that port, from the gateway (as docker's proxy shows it). Rejects
// with a message when the host refuses the port.
export async function publishTcp(stack: NetStack, p: PublishSpec, find: (port: number) => TcpSocket | undefined): Promise<void> {
  const host = stack.host;
  if (!host?.listen) throw new Error('this host cannot publish ports');
  const address = p.hostIp ?? '0.0.0.0';
  const r = await host.listen({ address, port: p.hostPort }, { family: address.includes(':') ? 6 : 4, backlog: 511 }, (c) => {
    const l = find(p.guestPort);
    if (!l || l.acceptQueueFull || !receivesFor(l, GUEST_IP)) { c.refuse(); return; }
    accepted(l, c, { ip: GUEST_IP, port: p.guestPort },
      { ip: GATEWAY_IP, port: c.remote.port });
  });
  if (typeof r === 'number') throw new Error(`cannot publish ${address}:${p.hostPort} on the host (${r === -EADDRINUSE ? 'the port is in use' : `errno ${-r}`})`);
  stack.keepListener(r);
}
