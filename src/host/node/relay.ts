// `xos relay`: the server side of Wisp (net/wisp.ts) for machines in browsers.
// Each WebSocket carries the TCP and UDP streams of one machine; the relay makes
// the real connections with node:net and node:dgram, resolves names with the
// host's resolver (and answers DNS queries sent to dns.xos.internal:53), and
// refuses destinations outside its allow-list (HOST names or CIDR blocks) when
// one is given. It listens on 127.0.0.1 unless told otherwise.
import type { Server } from 'node:http';
import type * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { acceptUpgrade, type WebSocketLike } from './websocket.js';
import {
  CLOSE, CLOSE_BLOCKED, CLOSE_INVALID, CLOSE_NETWORK, CLOSE_REFUSED, CLOSE_THROTTLED, CLOSE_TIMEOUT, CLOSE_UNREACHABLE,
  CLOSE_VOLUNTARY,
  CONNECT, CONTINUE, DATA, DNS_HOST, STREAM_TCP, STREAM_UDP, packet, parsePacket, u32le,
} from '../../net/wisp.js';
import { answerQuery, hostLoopbackAsGateway } from '../../net/dns-service.js';
import { inPrefix, isMapped, parseCidr, parseIp, type Ip } from '../../net/inet-addr.js';
import { resolveName } from './net.js';
import { nodeDgram, nodeDns, nodeHttp, nodeNet } from './lazy-builtins.js';

export interface RelayOptions {
  host?: string; // where to listen (default 127.0.0.1)
  port?: number; // default 8080; 0: any free port
  allow?: string[]; // HOST or CIDR; none: every destination
  log?: (line: string) => void;
}
export interface Relay { url: string; port: number; close(): Promise<void> }

const BUFFER = 128; // DATA messages a TCP stream may have in flight (the CONTINUE credit)
const WS_HIGH = 4 << 20; // pause the TCP sockets while the WebSocket has this much unsent
const MAX_DATA = 65536;
const MAX_STREAMS = 4096; // streams one client may have open
const MAX_DNS_PENDING = 64; // unanswered queries on one DNS stream

type Rule = { cidr: { ip: Ip; bits: number } } | { name: string };
function parseRules(allow: string[]): Rule[] {
  return allow.map((a) => {
    const c = parseCidr(a.trim());
    if (c) return { cidr: c };
    if (!/^[A-Za-z0-9.-]+$/.test(a)) throw new Error(`xos relay: bad --allow ${a} (want a host name, an address or a CIDR block)`);
    return { name: a.toLowerCase().replace(/\.$/, '') };
  });
}

// The addresses of `host` the rules allow (all of them without rules); an empty list: refused.
async function allowedAddresses(host: string, rules: Rule[]): Promise<string[] | 'unresolved'> {
  let addrs: string[];
  const literal = parseIp(host);
  if (literal) addrs = [host];
  else {
    try {
      addrs = (await nodeDns().promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      return 'unresolved';
    }
  }
  if (!rules.length) return addrs;
  const name = host.toLowerCase().replace(/\.$/, '');
  if (rules.some((r) => 'name' in r && r.name === name)) return addrs;
  const allowedNames: string[] = [];
  for (const r of rules) {
    if (!('name' in r)) continue;
    try { allowedNames.push(...(await nodeDns().promises.lookup(r.name, { all: true })).map((a) => a.address)); } catch { /* unresolvable rule */ }
  }
  return addrs.filter((a) => {
    const ip = parseIp(a);
    if (!ip) return false;
    return allowedNames.includes(a) || rules.some((r) => 'cidr' in r && inPrefix(ip, r.cidr.ip, r.cidr.bits));
  });
}

function closeReason(code: string | undefined): number {
  switch (code) {
    case 'ECONNREFUSED': return CLOSE_REFUSED;
    case 'ETIMEDOUT': return CLOSE_TIMEOUT;
    case 'ENOTFOUND': case 'EHOSTUNREACH': case 'ENETUNREACH': case 'EADDRNOTAVAIL': return CLOSE_UNREACHABLE;
  }
  return CLOSE_NETWORK;
}

interface RelayStream { write(b: Uint8Array): void; close(): void; pause?(): void; resume?(): void }

// One client's WebSocket: its streams until it closes.
function serve(ws: WebSocketLike, rules: Rule[], log: (s: string) => void): void {
  const streams = new Map<number, RelayStream>();
  const send = (b: Uint8Array) => ws.send(b);
  const closeStream = (id: number, reason: number) => {
    if (!streams.has(id)) return;
    streams.delete(id);
    send(packet(CLOSE, id, [reason]));
  };
  let paused = false;
  const pressure = () => {
    if (!paused && ws.buffered > WS_HIGH) { paused = true; for (const s of streams.values()) s.pause?.(); }
  };
  ws.ondrain = () => { if (paused && ws.buffered < WS_HIGH / 2) { paused = false; for (const s of streams.values()) s.resume?.(); } };
  const sendData = (id: number, b: Buffer) => {
    for (let o = 0; o < b.length; o += MAX_DATA) send(packet(DATA, id, b.subarray(o, o + MAX_DATA)));
    pressure();
  };

  const open = (id: number, kind: number, port: number, host: string) => {
    // DNS queries to the relay's own resolver
    if (kind === STREAM_UDP && host === DNS_HOST && port === 53) {
      let unanswered = 0;
      streams.set(id, {
        write: (q) => {
          if (unanswered >= MAX_DNS_PENDING) return; // dropped, as a busy resolver drops UDP
          unanswered++;
          void answerQuery(q.slice(), async (name, type) => hostLoopbackAsGateway(await resolveName(name, type))).then((reply) => {
            unanswered--;
            if (reply && streams.has(id)) send(packet(DATA, id, reply));
          });
        },
        close() {},
      });
      return;
    }
    const early: Uint8Array[] = [];
    let target: RelayStream | undefined;
    let closed = false;
    streams.set(id, {
      write: (b) => { if (target) target.write(b); else early.push(b.slice()); },
      close: () => { closed = true; target?.close(); },
      pause: () => target?.pause?.(),
      resume: () => target?.resume?.(),
    });
    void allowedAddresses(host, rules).then((addrs) => {
      if (closed || !streams.has(id)) return;
      if (addrs === 'unresolved') { closeStream(id, CLOSE_UNREACHABLE); return; }
      if (!addrs.length) {
        log(`refused ${host}:${port} (not in the allow-list)`);
        closeStream(id, CLOSE_BLOCKED);
        return;
      }
      const address = addrs[0];
      if (kind === STREAM_TCP) {
        const sock = nodeNet().connect({ host: address, port, noDelay: true });
        let received = 0, unacknowledged = 0;
        target = {
          write: (b) => {
            // a client that sends past its credit (what it had left when a CONTINUE went, and the
            // CONTINUE's) is not playing by the protocol: its stream ends
            if (++unacknowledged > 2 * BUFFER) { sock.destroy(); closeStream(id, CLOSE_THROTTLED); return; }
            const flushed = sock.write(b);
            // a CONTINUE per half buffer of messages, once the socket takes them
            if (++received >= BUFFER / 2) {
              received = 0;
              const credit = () => { unacknowledged = 0; if (streams.has(id)) send(packet(CONTINUE, id, u32le(BUFFER))); };
              if (flushed) credit(); else sock.once('drain', credit);
            }
          },
          close: () => sock.destroy(),
          pause: () => sock.pause(),
          resume: () => sock.resume(),
        };
        sock.on('connect', () => {
          send(packet(CONTINUE, id, u32le(BUFFER)));
          for (const b of early) target!.write(b);
          early.length = 0;
          if (paused) sock.pause();
        });
        sock.on('data', (b: Buffer) => sendData(id, b));
        sock.on('end', () => closeStream(id, CLOSE_VOLUNTARY));
        sock.on('error', (e: NodeJS.ErrnoException) => closeStream(id, closeReason(e.code)));
        sock.on('close', () => closeStream(id, CLOSE_VOLUNTARY));
      } else {
        const ip = parseIp(address);
        const sock = nodeDgram().createSocket(ip && !isMapped(ip) ? 'udp6' : 'udp4');
        sock.on('error', (e: NodeJS.ErrnoException) => closeStream(id, closeReason(e.code)));
        sock.on('message', (m) => { if (streams.has(id)) send(packet(DATA, id, m)); });
        // datagrams wait in `early` until the socket is connected (sending before that throws)
        sock.connect(port, address, () => {
          if (!streams.has(id)) { sock.close(); return; }
          target = { write: (b) => { try { sock.send(b); } catch { /* closed: dropped */ } }, close: () => { try { sock.close(); } catch { /* closed */ } } };
          for (const b of early) target.write(b);
          early.length = 0;
        });
      }
    });
  };

  ws.onmessage = (m) => {
    const p = parsePacket(m);
    if (!p) return;
    if (p.type === CONNECT) {
      if (p.stream === 0 || streams.has(p.stream)) return;
      if (streams.size >= MAX_STREAMS) { send(packet(CLOSE, p.stream, [CLOSE_THROTTLED])); return; }
      const kind = p.payload[0], port = p.payload.length >= 3 ? p.payload[1] | (p.payload[2] << 8) : 0;
      const host = new TextDecoder().decode(p.payload.subarray(3));
      if ((kind !== STREAM_TCP && kind !== STREAM_UDP) || port === 0 || !host || host.length > 253) {
        send(packet(CLOSE, p.stream, [CLOSE_INVALID]));
        return;
      }
      open(p.stream, kind, port, host);
    } else if (p.type === DATA) {
      streams.get(p.stream)?.write(p.payload);
    } else if (p.type === CLOSE) {
      const s = streams.get(p.stream);
      streams.delete(p.stream);
      s?.close();
    }
  };
  ws.onclose = () => {
    for (const s of streams.values()) s.close();
    streams.clear();
  };
  send(packet(CONTINUE, 0, u32le(BUFFER)));
}

export function startRelay(opts: RelayOptions = {}): Promise<Relay> {
  const rules = parseRules(opts.allow ?? []);
  const log = opts.log ?? (() => {});
  const server: Server = nodeHttp().createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('xos relay: a Wisp endpoint; connect with a WebSocket\n');
  });
  const sockets = new Set<net.Socket>();
  server.on('upgrade', (req, sock: net.Socket, head: Buffer) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    const ws = acceptUpgrade(req, sock, head);
    if (ws) serve(ws, rules, log);
  });
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}/`, port,
        close: () => new Promise((ok) => { for (const s of sockets) s.destroy(); server.close(() => ok()); }),
      });
    });
  });
}
