// WebSocket (RFC 6455) over a Node socket, both ends: the server side of an
// HTTP upgrade (the relay) and a client (a Node machine using a relay). Binary
// messages only; text messages are taken as bytes. Pings are answered, a close
// is echoed, fragmented messages are joined, and a message larger than
// MAX_MESSAGE ends the connection (1009), so a peer cannot make us buffer
// without bound.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { nodeHttp } from './lazy-builtins.js';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const MAX_MESSAGE = 16 << 20;
const OP_CONT = 0, OP_TEXT = 1, OP_BINARY = 2, OP_CLOSE = 8, OP_PING = 9, OP_PONG = 10;

export interface WebSocketLike {
  send(data: Uint8Array): void;
  close(code?: number): void;
  readonly buffered: number; // bytes handed to send() not yet written to the socket
  onmessage?: (data: Uint8Array) => void;
  onclose?: () => void;
  ondrain?: () => void;
}

export const acceptKey = (key: string): string => createHash('sha1').update(key + GUID).digest('base64');

// One frame: FIN set, masked when the client sends it.
function frame(op: number, payload: Uint8Array, mask: boolean): Buffer {
  const n = payload.length;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + ext + (mask ? 4 : 0));
  head[0] = 0x80 | op;
  head[1] = (mask ? 0x80 : 0) | (ext === 0 ? n : ext === 2 ? 126 : 127);
  if (ext === 2) head.writeUInt16BE(n, 2);
  else if (ext === 8) head.writeBigUInt64BE(BigInt(n), 2);
  if (!mask) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  key.copy(head, 2 + ext);
  const body = Buffer.from(payload);
  for (let i = 0; i < n; i++) body[i] ^= key[i & 3];
  return Buffer.concat([head, body]);
}

// The connection after the handshake. `client`: this end masks what it sends.
export function wrap(sock: Duplex, client: boolean, head?: Buffer): WebSocketLike {
  let buf: Buffer = head && head.length ? Buffer.from(head) : Buffer.alloc(0);
  let parts: Buffer[] = [], partLen = 0;
  let closed = false;
  const ws: WebSocketLike = {
    send(data) { if (!closed) sock.write(frame(OP_BINARY, data, client)); },
    close(code = 1000) {
      if (closed) return;
      closed = true;
      const p = Buffer.alloc(2);
      p.writeUInt16BE(code);
      sock.end(frame(OP_CLOSE, p, client));
      ws.onclose?.();
    },
    get buffered() { return sock.writableLength; },
  };
  const fail = (code: number) => { ws.close(code); sock.destroy(); };
  sock.on('drain', () => ws.ondrain?.());
  sock.on('close', () => { if (!closed) { closed = true; ws.onclose?.(); } });
  sock.on('error', () => sock.destroy());
  const feed = (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      if (buf.length < 2) return;
      const fin = (buf[0] & 0x80) !== 0, op = buf[0] & 0x0f, masked = (buf[1] & 0x80) !== 0;
      let len = buf[1] & 0x7f, off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) {
        if (buf.length < 10) return;
        const big = buf.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE)) { fail(1009); return; }
        len = Number(big); off = 10;
      }
      if (masked !== !client) { fail(1002); return; } // a client masks, a server does not
      if (len > MAX_MESSAGE || partLen + len > MAX_MESSAGE) { fail(1009); return; }
      const need = off + (masked ? 4 : 0) + len;
      if (buf.length < need) return;
      const payload = Buffer.from(buf.subarray(off + (masked ? 4 : 0), need));
      if (masked) { const k = buf.subarray(off, off + 4); for (let i = 0; i < len; i++) payload[i] ^= k[i & 3]; }
      buf = buf.subarray(need);
      if (op === OP_PING) { if (!closed) sock.write(frame(OP_PONG, payload, client)); continue; }
      if (op === OP_PONG) continue;
      if (op === OP_CLOSE) { ws.close(payload.length >= 2 ? payload.readUInt16BE(0) : 1000); return; }
      if (op !== OP_CONT && op !== OP_TEXT && op !== OP_BINARY) { fail(1002); return; }
      parts.push(payload);
      partLen += len;
      if (!fin) continue;
      const msg = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      parts = []; partLen = 0;
      ws.onmessage?.(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    }
  };
  sock.on('data', feed);
  // frames that came with the handshake: once the caller has set onmessage
  if (buf.length) setImmediate(() => feed(Buffer.alloc(0)));
  return ws;
}

// The server side of an HTTP upgrade request; false when it is not a WebSocket handshake (answered 400).
export function acceptUpgrade(req: IncomingMessage, sock: Duplex, head: Buffer): WebSocketLike | undefined {
  const key = req.headers['sec-websocket-key'];
  if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string' || req.headers['sec-websocket-version'] !== '13') {
    sock.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return undefined;
  }
  sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
  return wrap(sock, false, head);
}

// A client connection to ws://HOST:PORT/PATH.
export function connectWebSocket(url: string): Promise<WebSocketLike> {
  const u = new URL(url);
  if (u.protocol !== 'ws:') return Promise.reject(new Error(`xos: only ws:// relays are supported from Node, not ${u.protocol}`));
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = nodeHttp().request({
      host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || 80, path: u.pathname + u.search,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
    });
    req.on('upgrade', (res, sock, head) => {
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) { sock.destroy(); reject(new Error('xos: the relay answered a bad WebSocket handshake')); return; }
      // the machine's runs keep the process alive while they last; the relay's connection alone does not
      (sock as import('node:net').Socket).unref?.();
      resolve(wrap(sock, true, head));
    });
    req.on('response', (res) => reject(new Error(`xos: the relay at ${url} answered HTTP ${res.statusCode}, not a WebSocket`)));
    req.on('error', (e) => reject(new Error(`xos: cannot reach the relay at ${url}: ${e.message}`)));
    req.end();
  });
}
