// The host's network in Node: TCP through node:net, UDP through node:dgram,
// names through node:dns (lookup: the host's own resolver, /etc/hosts included).
// Everything one HostNet made is closed by close(), when its machine is done.
import type * as net from 'node:net';
import { networkInterfaces } from 'node:os';
import { readFileSync } from 'node:fs';
import type {
  DnsResult, HostAddr, HostDatagram, HostIncoming, HostListener, HostNet, HostStream, HostStreamEvents, HostInterface,
} from '../../base/host-net.js';
import { ECONNREFUSED, errnoFromCode } from '../../base/errno.js';
import { nodeDgram, nodeDns, nodeNet } from './lazy-builtins.js';

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

// A Node socket as a HostStream, its events going to `ev`.
function stream(sock: net.Socket, ev: HostStreamEvents, opened: Set<{ close(): void }>): HostStream {
  let failed = false;
  const handle = { close: () => sock.destroy() };
  opened.add(handle);
  sock.on('data', (b: Buffer) => ev.data(u8(b)));
  sock.on('end', () => ev.end());
  sock.on('drain', () => ev.drained());
  sock.on('error', (e) => { if (!failed) { failed = true; ev.error(errnoFromCode(code(e))); } });
  sock.on('close', () => opened.delete(handle));
  return {
    write: (b) => { if (!sock.destroyed) sock.write(b); },
    get pending() { return sock.writableLength; },
    end: () => { if (!sock.destroyed) sock.end(); },
    close: (reset) => { if (reset && !sock.destroyed) sock.resetAndDestroy(); else sock.destroy(); },
    pause: () => sock.pause(),
    resume: () => sock.resume(),
  };
}

// A stream that failed before it began (Node refused its arguments): the error comes as an event.
function failed(ev: HostStreamEvents, errno: number): HostStream {
  queueMicrotask(() => ev.error(errno));
  return { write() {}, pending: 0, end() {}, close() {}, pause() {}, resume() {} };
}

export function nodeHostNet(): HostNet {
  const opened = new Set<{ close(): void }>();
  return {
    connect(to, opts, ev) {
      // port 0 is nobody's: refused, as the host's stack answers (Node would throw)
      if (to.port <= 0 || to.port > 65535) return failed(ev, ECONNREFUSED);
      let sock: net.Socket;
      try {
        sock = nodeNet().connect({
        host: to.address, port: to.port, family: opts.family, allowHalfOpen: true, noDelay: true,
        localAddress: opts.local?.address, localPort: opts.local?.port || undefined,
        });
      } catch (e) {
        return failed(ev, errnoFromCode(code(e)));
      }
      sock.once('connect', () => ev.connected(
        { address: sock.localAddress ?? '', port: sock.localPort ?? 0 }, { address: sock.remoteAddress ?? '', port: sock.remotePort ?? 0 }));
      return stream(sock, ev, opened);
    },

    listen(at, { family, backlog, v6only }, onConnection) {
      const server = nodeNet().createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (sock) => {
        const incoming: HostIncoming = {
          local: { address: sock.localAddress ?? '', port: sock.localPort ?? 0 },
          remote: { address: sock.remoteAddress ?? '', port: sock.remotePort ?? 0 },
          accept: (ev) => { const s = stream(sock, ev, opened); sock.resume(); return s; },
          refuse: () => sock.resetAndDestroy(),
        };
        onConnection(incoming);
      });
      return new Promise<HostListener | number>((resolve) => {
        server.once('error', (e) => resolve(-errnoFromCode(code(e))));
        server.listen({ host: at.address, port: at.port, backlog, ipv6Only: family === 6 && !!v6only }, () => {
          const a = server.address() as net.AddressInfo;
          const handle = { close: () => server.close() };
          opened.add(handle);
          resolve({ local: { address: a.address, port: a.port }, close: () => { opened.delete(handle); server.close(); } });
        });
      });
    },

    datagram({ family, reuseAddr }, at, ev) {
      const sock = nodeDgram().createSocket({ type: family === 6 ? 'udp6' : 'udp4', reuseAddr: !!reuseAddr });
      return new Promise<HostDatagram | number>((resolve) => {
        let bound = false;
        sock.on('error', (e) => {
          if (!bound) resolve(-errnoFromCode(code(e)));
          else ev.error?.(errnoFromCode(code(e)));
        });
        sock.on('message', (msg, rinfo) => ev.message(u8(msg), { address: rinfo.address, port: rinfo.port }));
        sock.bind({ port: at?.port ?? 0, address: at?.address, exclusive: !reuseAddr }, () => {
          bound = true;
          const a = sock.address();
          const handle = { close: () => sock.close() };
          opened.add(handle);
          resolve({
            local: { address: a.address, port: a.port },
            send: (b: Uint8Array, to: HostAddr) => {
              if (to.port <= 0 || to.port > 65535) return; // dropped, as a datagram to port 0 is
              try { sock.send(b, to.port, to.address, () => {}); } catch { /* closed meanwhile: dropped */ }
            },
            close: () => { opened.delete(handle); try { sock.close(); } catch { /* closed already */ } },
          });
        });
      });
    },

    resolve: resolveName,

    interfaces(): HostInterface[] {
      return Object.entries(networkInterfaces()).map(([name, list]) => ({
        name, mac: list?.[0]?.mac ?? '00:00:00:00:00:00', internal: list?.[0]?.internal ?? false,
        addresses: (list ?? []).map((a) => ({ address: a.address, cidr: a.cidr ?? `${a.address}/${a.family === 'IPv4' ? 32 : 128}` })),
      }));
    },

    resolvConf(): string | undefined {
      try { return readFileSync('/etc/resolv.conf', 'latin1'); } catch { return undefined; }
    },

    close() {
      for (const h of [...opened]) h.close();
      opened.clear();
    },
  };
}

// A name's records of one type through the host's resolver: getaddrinfo (dns.lookup, which reads
// /etc/hosts as the host's programs do) for addresses, the DNS for the other types.
export async function resolveName(name: string, type: string): Promise<DnsResult> {
  const fail = (e: unknown): DnsResult => {
    const c = code(e);
    return c === 'ENOTFOUND' || c === 'NXDOMAIN' ? 'NXDOMAIN' : c === 'ENODATA' ? 'NODATA' : 'SERVFAIL';
  };
  try {
    switch (type) {
      case 'A': case 'AAAA': {
        const all = await nodeDns().promises.lookup(name, { all: true, verbatim: true });
        const want = type === 'A' ? 4 : 6;
        const addresses = all.filter((a) => a.family === want).map((a) => a.address);
        return addresses.length ? { type, addresses } : 'NODATA';
      }
      case 'PTR': {
        const m = /^(.*)\.(in-addr|ip6)\.arpa\.?$/i.exec(name);
        if (!m) return 'NXDOMAIN';
        const parts = m[1].split('.').reverse();
        const ip = m[2].toLowerCase() === 'in-addr' ? parts.join('.') : parts.join('').match(/.{1,4}/g)!.join(':');
        return { type, names: await nodeDns().promises.reverse(ip) };
      }
      case 'CNAME': return { type, names: await nodeDns().promises.resolveCname(name) };
      case 'NS': return { type, names: await nodeDns().promises.resolveNs(name) };
      case 'MX': return { type, exchanges: await nodeDns().promises.resolveMx(name) };
      case 'TXT': return { type, texts: await nodeDns().promises.resolveTxt(name) };
      case 'SRV': return { type, services: await nodeDns().promises.resolveSrv(name) };
    }
    return 'NOTIMP';
  } catch (e) {
    return fail(e);
  }
}
