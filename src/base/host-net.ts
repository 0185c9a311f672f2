// The network outside the machine, as the machine's sockets use it. Only
// host/ implements it: in Node through net, dgram and dns (host/node/net.ts),
// in the browser through a Wisp relay (net/wisp-client.ts over a WebSocket).
// Addresses are numeric text ('127.0.0.1', '::1'); errors are Linux errnos.

export interface HostAddr { address: string; port: number }

// What a host stream tells its socket. After error() nothing more comes.
export interface HostStreamEvents {
  connected(local: HostAddr, remote: HostAddr): void;
  data(bytes: Uint8Array): void;
  end(): void; // the far side sends no more (FIN)
  error(errno: number, why?: string): void; // ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH…: the stream is gone
  drained(): void; // the bytes written have gone out: pending is small again
}

export interface HostStream {
  write(bytes: Uint8Array): void; // queued; see pending
  readonly pending: number; // bytes written and not yet sent
  end(): void; // half-close: the far side reads end of file
  close(reset: boolean): void; // gone; reset: abortively (RST)
  pause(): void; // stop data() until resume(): the guest is not reading
  resume(): void;
}

// A connection a host listener accepted: it becomes a stream once its events are attached.
export interface HostIncoming {
  readonly local: HostAddr;
  readonly remote: HostAddr;
  accept(ev: HostStreamEvents): HostStream;
  refuse(): void; // reset it: nobody listens in the machine
}

export interface HostListener {
  readonly local: HostAddr;
  close(): void;
}

export interface HostDatagramEvents {
  message(bytes: Uint8Array, from: HostAddr): void;
  error?(errno: number): void; // an ICMP error for a datagram sent (ECONNREFUSED…)
}
export interface HostDatagram {
  readonly local: HostAddr;
  send(bytes: Uint8Array, to: HostAddr): void;
  close(): void;
}

// A name's records as DNS answers them (the machine's resolver turns them into replies).
export type DnsRecords =
  | { type: 'A' | 'AAAA'; addresses: string[] }
  | { type: 'CNAME' | 'PTR' | 'NS'; names: string[] }
  | { type: 'MX'; exchanges: { priority: number; exchange: string }[] }
  | { type: 'TXT'; texts: string[][] }
  | { type: 'SRV'; services: { priority: number; weight: number; port: number; name: string }[] };
// NXDOMAIN: the name does not exist; NODATA: it does, without records of the type; SERVFAIL: no answer.
export type DnsResult = DnsRecords | 'NXDOMAIN' | 'NODATA' | 'SERVFAIL' | 'NOTIMP';

// One of the host's network interfaces (what --net host shows the guest).
export interface HostInterface { name: string; mac: string; internal: boolean; addresses: { address: string; cidr: string }[] }

export interface HostNet {
  // A TCP connection (family 4 or 6), from `local` when given (a guest bind with --net host).
  connect(to: HostAddr, opts: { family: 4 | 6; local?: HostAddr }, ev: HostStreamEvents): HostStream;
  // Listen for TCP connections on the host (-p, --net host): the listener, or -errno (EADDRINUSE, EACCES…).
  // v6only: an IPv6 wildcard listener takes no IPv4 connections.
  listen?(at: HostAddr, opts: { family: 4 | 6; backlog: number; v6only?: boolean }, onConnection: (c: HostIncoming) => void): Promise<HostListener | number>;
  // A UDP socket, bound to `at` (port 0: any) or to any address and port.
  // reuseAddr: the port may be shared with other sockets that ask for it too (SO_REUSEADDR).
  datagram?(opts: { family: 4 | 6; reuseAddr?: boolean }, at: HostAddr | undefined, ev: HostDatagramEvents): Promise<HostDatagram | number>;
  // Resolve a name through the host's resolver (records of one DNS type: 'A', 'AAAA', 'MX', …).
  resolve?(name: string, type: string): Promise<DnsResult>;
  // Or: a DNS query message answered whole (a relay's resolver). undefined: no answer.
  query?(message: Uint8Array): Promise<Uint8Array | undefined>;
  // The host's interfaces, and its /etc/resolv.conf (for --net host).
  interfaces?(): HostInterface[];
  resolvConf?(): string | undefined;
  // Stop everything this host network made (the machine is done).
  close?(): void;
}
