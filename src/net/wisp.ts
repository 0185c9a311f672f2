// The Wisp protocol (github.com/MercuryWorkshop/wisp-protocol, version 1, with
// version 2's INFO answered): TCP and UDP streams multiplexed over one
// WebSocket, each message `type u8 | stream u32 LE | payload`. The client here
// is a HostNet: the machine's outside connections in the browser (and in Node
// with --relay) go through it. Names are resolved by the relay: a UDP stream to
// DNS_HOST:53 carries DNS queries to the relay's resolver (xos's relay answers
// it; see host/node/relay.ts).
import type {
  HostAddr, HostDatagram, HostDatagramEvents, HostNet, HostStream, HostStreamEvents,
} from '../base/host-net.js';
import { ECONNREFUSED, ECONNRESET, EHOSTUNREACH, ETIMEDOUT } from '../base/errno.js';

export const CONNECT = 1, DATA = 2, CONTINUE = 3, CLOSE = 4, INFO = 5;
export const STREAM_TCP = 1, STREAM_UDP = 2;
export const CLOSE_UNKNOWN = 1, CLOSE_VOLUNTARY = 2, CLOSE_NETWORK = 3, CLOSE_INVALID = 0x41, CLOSE_UNREACHABLE = 0x42,
  CLOSE_TIMEOUT = 0x43, CLOSE_REFUSED = 0x44, CLOSE_TCP_TIMEOUT = 0x47, CLOSE_BLOCKED = 0x48, CLOSE_THROTTLED = 0x49,
  CLOSE_CLIENT_ERROR = 0x81;
// The name whose UDP port 53 is the relay's own resolver.
export const DNS_HOST = 'dns.xos.internal';
const MAX_DATA = 65536; // bytes per DATA message
// Wisp has no flow control towards the client: what a paused stream (a guest that does not read) may
// still receive before it is dropped, so that a page's memory stays bounded.
const PAUSED_LIMIT = 64 << 20;

export function packet(type: number, stream: number, payload: Uint8Array | number[] = []): Uint8Array {
  const b = new Uint8Array(5 + payload.length);
  b[0] = type;
  new DataView(b.buffer).setUint32(1, stream >>> 0, true);
  b.set(payload, 5);
  return b;
}
export interface Packet { type: number; stream: number; payload: Uint8Array }
export function parsePacket(b: Uint8Array): Packet | undefined {
  if (b.length < 5) return undefined;
  return { type: b[0], stream: new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(1, true), payload: b.subarray(5) };
}
export const u32le = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
export function connectPayload(kind: number, port: number, host: string): Uint8Array {
  const name = new TextEncoder().encode(host);
  const b = new Uint8Array(3 + name.length);
  b[0] = kind; b[1] = port & 0xff; b[2] = port >> 8;
  b.set(name, 3);
  return b;
}

// The errno a guest's connect or read sees for a CLOSE reason.
export function closeErrno(reason: number): number {
  switch (reason) {
    case CLOSE_REFUSED: case CLOSE_BLOCKED: case CLOSE_THROTTLED: return ECONNREFUSED;
    case CLOSE_UNREACHABLE: case CLOSE_INVALID: return EHOSTUNREACH;
    case CLOSE_TIMEOUT: case CLOSE_TCP_TIMEOUT: return ETIMEDOUT;
  }
  return ECONNRESET;
}

// What carries the messages: a WebSocket, in whatever form the platform has it.
export interface WispTransport {
  send(data: Uint8Array): void;
  close(): void;
  onmessage?: (data: Uint8Array) => void;
  onclose?: () => void;
}

interface Stream {
  kind: number;
  to: HostAddr;
  onData(b: Uint8Array): void;
  onContinue(): void;
  onClose(reason: number): void;
}

// A Wisp connection: streams by id, each TCP stream's share of the relay's buffer.
export class WispClient {
  private streams = new Map<number, Stream>();
  private nextId = 1;
  private credit = new Map<number, number>(); // DATA messages a TCP stream may still send
  private initialCredit = 0;
  private ready = false;
  private queue: Uint8Array[] = []; // messages before the relay's first CONTINUE
  private dead = false;

  constructor(private readonly transport: WispTransport) {
    transport.onmessage = (m) => this.receive(m);
    transport.onclose = () => this.lost();
  }

  private send(b: Uint8Array): void {
    if (this.dead) return;
    if (this.ready) this.transport.send(b); else this.queue.push(b);
  }
  private receive(m: Uint8Array): void {
    const p = parsePacket(m);
    if (!p) return;
    if (p.stream === 0) {
      if (p.type === CONTINUE && p.payload.length >= 4) {
        this.initialCredit = new DataView(p.payload.buffer, p.payload.byteOffset, 4).getUint32(0, true);
        if (!this.ready) {
          this.ready = true;
          for (const q of this.queue) this.transport.send(q);
          this.queue = [];
        }
      } else if (p.type === INFO) {
        // version 2: answer with ours (UDP, no authentication)
        this.transport.send(packet(INFO, 0, [2, 0, 0x01, 0, 0, 0, 0]));
      }
      return;
    }
    const s = this.streams.get(p.stream);
    if (!s) return;
    switch (p.type) {
      case DATA: s.onData(p.payload); break;
      case CONTINUE:
        if (p.payload.length >= 4) this.credit.set(p.stream, new DataView(p.payload.buffer, p.payload.byteOffset, 4).getUint32(0, true));
        s.onContinue();
        break;
      case CLOSE: {
        const reason = p.payload[0] ?? CLOSE_UNKNOWN;
        this.streams.delete(p.stream);
        this.credit.delete(p.stream);
        s.onClose(reason);
        break;
      }
    }
  }
  private lost(): void {
    this.dead = true;
    const all = [...this.streams.values()];
    this.streams.clear();
    for (const s of all) s.onClose(CLOSE_NETWORK);
  }

  open(kind: number, to: HostAddr, s: Omit<Stream, 'kind' | 'to'>): number {
    const id = this.nextId++;
    this.streams.set(id, { kind, to, ...s });
    if (kind === STREAM_TCP) this.credit.set(id, this.initialCredit || 1);
    this.send(packet(CONNECT, id, connectPayload(kind, to.port, to.address)));
    if (this.dead) queueMicrotask(() => s.onClose(CLOSE_NETWORK));
    return id;
  }
  // Send as much of `queue` as the stream's credit allows; what is left waits for a CONTINUE.
  flush(id: number, queue: Uint8Array[]): void {
    while (queue.length) {
      const c = this.credit.get(id) ?? 0;
      if (c <= 0 && this.streams.get(id)?.kind === STREAM_TCP) return;
      this.credit.set(id, c - 1);
      this.send(packet(DATA, id, queue.shift()!));
    }
  }
  sendData(id: number, b: Uint8Array): void { this.send(packet(DATA, id, b)); }
  closeStream(id: number, reason = CLOSE_VOLUNTARY): void {
    if (!this.streams.delete(id)) return;
    this.credit.delete(id);
    this.send(packet(CLOSE, id, [reason]));
  }
  close(): void {
    for (const id of [...this.streams.keys()]) this.closeStream(id);
    this.dead = true;
    this.transport.close();
  }
  get openStreams(): number { return this.streams.size; }
}

// A HostNet over a Wisp connection (one per machine run; closing it closes its streams only).
export function wispHostNet(client: WispClient): HostNet {
  const mine = new Set<number>();
  return {
    connect(to: HostAddr, _opts, ev: HostStreamEvents): HostStream {
      let queue: Uint8Array[] = [];
      let pending = 0, connected = false, done = false, paused = false, held = 0;
      const id = client.open(STREAM_TCP, to, {
        onData(b) {
          if (done) return;
          if (!connected) { connected = true; ev.connected({ address: '0.0.0.0', port: 0 }, to); }
          if (paused && (held += b.length) > PAUSED_LIMIT) {
            done = true;
            mine.delete(id);
            client.closeStream(id, CLOSE_CLIENT_ERROR);
            ev.error(ECONNRESET);
            return;
          }
          ev.data(b.slice());
        },
        onContinue() {
          if (!connected) { connected = true; ev.connected({ address: '0.0.0.0', port: 0 }, to); }
          const before = pending;
          client.flush(id, queue);
          pending = queue.reduce((n, q) => n + q.length, 0);
          if (pending < before) ev.drained();
        },
        onClose(reason) {
          mine.delete(id);
          if (done) return;
          done = true;
          if (connected && (reason === CLOSE_VOLUNTARY || reason === CLOSE_UNKNOWN)) ev.end();
          else ev.error(connected ? (reason === CLOSE_VOLUNTARY ? ECONNRESET : closeErrno(reason)) : closeErrno(reason),
            reason === CLOSE_BLOCKED ? `the relay refused ${to.address}:${to.port} (not in its allow-list)` : undefined);
        },
      });
      mine.add(id);
      return {
        write(b) {
          for (let o = 0; o < b.length; o += MAX_DATA) queue.push(b.slice(o, o + MAX_DATA));
          client.flush(id, queue);
          pending = queue.reduce((n, q) => n + q.length, 0);
        },
        get pending() { return pending; },
        end() { /* Wisp has no half-close: the stream stays open for the reply */ },
        close() { done = true; queue = []; mine.delete(id); client.closeStream(id); },
        pause() { paused = true; },
        resume() { paused = false; held = 0; },
      };
    },

    datagram(_opts, _at, ev: HostDatagramEvents): Promise<HostDatagram> {
      // one UDP stream per destination
      const byDest = new Map<string, number>();
      return Promise.resolve({
        local: { address: '0.0.0.0', port: 0 },
        send(b: Uint8Array, to: HostAddr) {
          const key = `${to.address}|${to.port}`;
          let id = byDest.get(key);
          if (id === undefined) {
            id = client.open(STREAM_UDP, to, {
              onData: (d) => ev.message(d.slice(), to),
              onContinue() {},
              onClose: () => { byDest.delete(key); },
            });
            byDest.set(key, id);
            mine.add(id);
          }
          client.sendData(id, b);
        },
        close() { for (const id of byDest.values()) { mine.delete(id); client.closeStream(id); } byDest.clear(); },
      });
    },

    // A DNS query answered whole by the relay's resolver.
    query(message: Uint8Array): Promise<Uint8Array | undefined> {
      return new Promise((resolve) => {
        let done = false;
        const id = client.open(STREAM_UDP, { address: DNS_HOST, port: 53 }, {
          onData(d) { if (!done) { done = true; resolve(d.slice()); mine.delete(id); client.closeStream(id); } },
          onContinue() {},
          onClose() { mine.delete(id); if (!done) { done = true; resolve(undefined); } },
        });
        mine.add(id);
        client.sendData(id, message);
      });
    },

    close() {
      for (const id of mine) client.closeStream(id);
      mine.clear();
    },
  };
}
