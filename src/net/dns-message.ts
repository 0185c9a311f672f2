// DNS messages (RFC 1035): reading a query's question and writing the reply
// from records a resolver found. Used by the machine's DNS service and by the
// relay's, which answer queries through the host's resolver.
import type { DnsResult } from '../base/host-net.js';
import { parseIp } from './inet-addr.js';

export const TYPE: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 };
const TYPE_NAME: Readonly<Record<number, string>> = Object.freeze(Object.fromEntries(Object.entries(TYPE).map(([k, v]) => [v, k])));
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const CLASS_IN = 1;
const TTL = 60;

export interface Question { name: string; type: number; typeName?: string; cls: number; end: number }
export interface Query { id: number; flags: number; question?: Question }

// A name at `off` (following compression pointers), and where the name ends in the message.
function readName(b: Uint8Array, off: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let end = -1, jumps = 0;
  for (;;) {
    if (off >= b.length) return undefined;
    const len = b[off];
    if (len === 0) { if (end < 0) end = off + 1; break; }
    if ((len & 0xc0) === 0xc0) {
      if (off + 1 >= b.length || ++jumps > 16) return undefined;
      if (end < 0) end = off + 2;
      off = ((len & 0x3f) << 8) | b[off + 1];
      continue;
    }
    if (len > 63 || off + 1 + len > b.length) return undefined;
    labels.push(String.fromCharCode(...b.subarray(off + 1, off + 1 + len)));
    off += 1 + len;
  }
  return { name: labels.join('.'), end };
}

export function parseQuery(b: Uint8Array): Query | undefined {
  if (b.length < 12) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const id = dv.getUint16(0), flags = dv.getUint16(2), qd = dv.getUint16(4);
  if (flags & 0x8000) return undefined; // a response, not a query
  if (qd !== 1) return { id, flags };
  const n = readName(b, 12);
  if (!n || n.end + 4 > b.length) return { id, flags };
  const type = dv.getUint16(n.end), cls = dv.getUint16(n.end + 2);
  return { id, flags, question: { name: n.name, type, typeName: TYPE_NAME[type], cls, end: n.end + 4 } };
}

function encodeName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.replace(/\.$/, '').split('.')) {
    if (!label) continue;
    const bytes = [...new TextEncoder().encode(label)].slice(0, 63);
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return out;
}
const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v: number) => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];

// The records' RDATA for the question's type, each as bytes.
function rdata(r: DnsResult): { type: number; data: number[] }[] {
  if (typeof r === 'string') return [];
  switch (r.type) {
    case 'A': case 'AAAA': {
      const out: { type: number; data: number[] }[] = [];
      for (const a of r.addresses) {
        const ip = parseIp(a);
        if (!ip) continue;
        const v4 = ip[10] === 0xff && ip[11] === 0xff && ip.subarray(0, 10).every((x) => x === 0);
        if (r.type === 'A' && v4) out.push({ type: TYPE.A, data: [...ip.subarray(12)] });
        if (r.type === 'AAAA' && !v4) out.push({ type: TYPE.AAAA, data: [...ip] });
      }
      return out;
    }
    case 'CNAME': case 'PTR': case 'NS': return r.names.map((n) => ({ type: TYPE[r.type], data: encodeName(n) }));
    case 'MX': return r.exchanges.map((m) => ({ type: TYPE.MX, data: [...u16(m.priority), ...encodeName(m.exchange)] }));
    case 'TXT': return r.texts.map((chunks) => ({
      type: TYPE.TXT,
      data: chunks.flatMap((c) => { const b = [...new TextEncoder().encode(c)].slice(0, 255); return [b.length, ...b]; }),
    }));
    case 'SRV': return r.services.map((s) => ({ type: TYPE.SRV, data: [...u16(s.priority), ...u16(s.weight), ...u16(s.port), ...encodeName(s.name)] }));
  }
}

// The reply to `query` (the message `raw`) with `result`, or an error reply with `rcode`.
export function buildReply(raw: Uint8Array, query: Query, result: DnsResult | number): Uint8Array {
  const q = query.question;
  const rcode = typeof result === 'number' ? result
    : result === 'NXDOMAIN' ? RCODE.NXDOMAIN : result === 'SERVFAIL' ? RCODE.SERVFAIL : result === 'NOTIMP' ? RCODE.NOTIMP : RCODE.NOERROR;
  const answers = typeof result === 'number' ? [] : rdata(result);
  // QR, the query's opcode and RD, RA; and the rcode
  const flags = 0x8000 | (query.flags & 0x7900) | 0x0080 | rcode;
  const out: number[] = [...u16(query.id), ...u16(flags), ...u16(q ? 1 : 0), ...u16(answers.length), 0, 0, 0, 0];
  if (q) out.push(...raw.subarray(12, q.end));
  for (const a of answers) out.push(0xc0, 12, ...u16(a.type), ...u16(CLASS_IN), ...u32(TTL), ...u16(a.data.length), ...a.data);
  return Uint8Array.from(out);
}

// The name a PTR question asks about as an address ('4.3.2.1.in-addr.arpa' → '1.2.3.4'), if it is one.
export function ptrAddress(name: string): string | undefined {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa\.?$/i.exec(name);
  if (v4) return `${v4[4]}.${v4[3]}.${v4[2]}.${v4[1]}`;
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa\.?$/i.exec(name);
  if (!v6) return undefined;
  const nibbles = v6[1].split('.').filter(Boolean).reverse().join('');
  return nibbles.match(/.{4}/g)!.join(':');
}
