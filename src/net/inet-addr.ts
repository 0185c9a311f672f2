// IP addresses and the sockaddr_in / sockaddr_in6 structures. An address is
// kept as 16 bytes, an IPv4 address in its IPv4-mapped IPv6 form
// (::ffff:a.b.c.d), so that dual-stack sockets compare addresses in one way.
import { EAFNOSUPPORT, EINVAL } from '../base/errno.js';

export const AF_UNSPEC = 0, AF_INET = 2, AF_INET6 = 10;
export const SOCKADDR_IN_SIZE = 16, SOCKADDR_IN6_SIZE = 28, SIN6_LEN_RFC2133 = 24;

export type Ip = Uint8Array; // 16 bytes

export interface SockAddr { ip: Ip; port: number; flowinfo?: number; scope?: number }

const MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

export function v4(a: number, b: number, c: number, d: number): Ip {
  return Uint8Array.of(...MAPPED, a, b, c, d);
}
export const IP_ANY4 = v4(0, 0, 0, 0);
export const IP_ANY6 = new Uint8Array(16);
export const IP_LOOPBACK4 = v4(127, 0, 0, 1);
export const IP_LOOPBACK6 = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

export function isMapped(ip: Ip): boolean {
  for (let i = 0; i < 12; i++) if (ip[i] !== MAPPED[i]) return false;
  return true;
}
export function ipEqual(a: Ip, b: Ip): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}
export const isAny = (ip: Ip): boolean => ipEqual(ip, IP_ANY6) || ipEqual(ip, IP_ANY4);
export const isLoopback = (ip: Ip): boolean => (isMapped(ip) ? ip[12] === 127 : ipEqual(ip, IP_LOOPBACK6));
export const isMulticast = (ip: Ip): boolean => (isMapped(ip) ? ip[12] >= 224 && ip[12] < 240 : ip[0] === 0xff);
export const isBroadcast = (ip: Ip): boolean => isMapped(ip) && ip[12] === 255 && ip[13] === 255 && ip[14] === 255 && ip[15] === 255;
export const ipKey = (ip: Ip): string => String.fromCharCode(...ip);

// Whether `ip` lies in prefix/bits.
export function inPrefix(ip: Ip, prefix: Ip, bits: number): boolean {
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[i] & mask) !== (prefix[i] & mask)) return false;
  }
  return true;
}

// --- text -------------------------------------------------------------------------------------
export function ipText(ip: Ip): string {
  if (isMapped(ip)) return `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((ip[i] << 8) | ip[i + 1]);
  // RFC 5952: the longest run of two or more zero words becomes '::'
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}
// v4: the address as an AF_INET socket shows it (no '::ffff:' prefix).
export function parseIp(s: string): Ip | undefined {
  const m4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (m4) {
    const b = m4.slice(1).map(Number);
    return b.every((x) => x <= 255) ? v4(b[0], b[1], b[2], b[3]) : undefined;
  }
  if (!s.includes(':')) return undefined;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const last = s.lastIndexOf(':');
  if (s.slice(last + 1).includes('.')) { // a trailing dotted IPv4 part becomes two words
    const t = parseIp(s.slice(last + 1));
    if (!t || !isMapped(t)) return undefined;
    s = `${s.slice(0, last + 1)}${((t[12] << 8) | t[13]).toString(16)}:${((t[14] << 8) | t[15]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const words = (h: string) => (h === '' ? [] : h.split(':').map((w) => (/^[0-9a-fA-F]{1,4}$/.test(w) ? parseInt(w, 16) : NaN)));
  const head = words(halves[0]);
  const rest = halves.length === 2 ? words(halves[1]) : [];
  const all = [...head, ...rest];
  if (all.some((w) => Number.isNaN(w))) return undefined;
  const fill = 8 - all.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const ws = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest];
  const out = new Uint8Array(16);
  ws.forEach((w, i) => { out[i * 2] = w >> 8; out[i * 2 + 1] = w & 0xff; });
  return out;
}
export const addrText = (a: SockAddr): string => (isMapped(a.ip) ? `${ipText(a.ip)}:${a.port}` : `[${ipText(a.ip)}]:${a.port}`);

// --- sockaddr ------------------------------------------------------------------------------------
const family = (b: Uint8Array) => b[0] | (b[1] << 8);
export const sockaddrFamily = (b: Uint8Array): number => (b.length >= 2 ? family(b) : -1);

// A sockaddr given to a socket of `domain`, as Linux checks it: too short is
// EINVAL, another family EAFNOSUPPORT. AF_UNSPEC with INADDR_ANY is taken as
// AF_INET by an AF_INET socket's bind (an old compatibility rule) when `unspecAny`.
export function parseSockaddr(b: Uint8Array, domain: number, unspecAny = false): SockAddr | number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (domain === AF_INET) {
    if (b.length < SOCKADDR_IN_SIZE) return -EINVAL;
    const fam = family(b);
    const ip = v4(b[4], b[5], b[6], b[7]);
    if (fam !== AF_INET) {
      if (!(unspecAny && fam === AF_UNSPEC && isAny(ip))) return -EAFNOSUPPORT;
    }
    return { ip, port: dv.getUint16(2) };
  }
  if (b.length < SIN6_LEN_RFC2133) return -EINVAL;
  if (family(b) !== AF_INET6) return -EAFNOSUPPORT;
  return {
    ip: b.slice(8, 24), port: dv.getUint16(2), flowinfo: dv.getUint32(4),
    scope: b.length >= SOCKADDR_IN6_SIZE ? dv.getUint32(24, true) : 0,
  };
}

// The sockaddr a socket of `domain` reports for `a`.
export function formatSockaddr(a: SockAddr, domain: number): Uint8Array {
  if (domain === AF_INET) {
    const b = new Uint8Array(SOCKADDR_IN_SIZE);
    const dv = new DataView(b.buffer);
    dv.setUint16(0, AF_INET, true);
    dv.setUint16(2, a.port);
    b.set(a.ip.subarray(12), 4);
    return b;
  }
  const b = new Uint8Array(SOCKADDR_IN6_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, AF_INET6, true);
  dv.setUint16(2, a.port);
  dv.setUint32(4, a.flowinfo ?? 0);
  b.set(a.ip, 8);
  dv.setUint32(24, a.scope ?? 0, true);
  return b;
}

// 'a.b.c.d/n' or 'x::y/n' or a bare address → prefix and length; undefined when unreadable.
export function parseCidr(s: string): { ip: Ip; bits: number } | undefined {
  const slash = s.indexOf('/');
  const ip = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!ip) return undefined;
  const max = isMapped(ip) ? 32 : 128;
  const n = slash < 0 ? max : Number(s.slice(slash + 1));
  if (!Number.isInteger(n) || n < 0 || n > max) return undefined;
  return { ip, bits: isMapped(ip) ? 96 + n : n };
}
