// The machine's DNS server (the nameserver of the guest's /etc/resolv.conf),
// on UDP and TCP port 53 of its own address. Names xos knows (--add-host,
// host.xos.internal, localhost) are answered here; the rest through the host's
// resolver (Node's dns module) or, in the browser, whole by the relay.
import type { DnsResult, HostNet } from '../base/host-net.js';
import { RCODE, buildReply, parseQuery, ptrAddress, type Question } from './dns-message.js';
import { ipText, isLoopback, isMapped, parseIp, ipEqual } from './inet-addr.js';
import { GATEWAY_IP, type NetStack } from './stack.js';
import type { TcpSocket } from './tcp.js';
import { RCV_SHUTDOWN, SHUT_WR } from './socket.js';

export type Resolve = (name: string, type: string) => Promise<DnsResult>;

// The reply to the query message `raw` (undefined: not a query; no reply), names known locally first.
export async function answerQuery(raw: Uint8Array, resolve: Resolve | undefined, local?: (q: Question) => DnsResult | undefined): Promise<Uint8Array | undefined> {
  const q = parseQuery(raw);
  if (!q) return undefined;
  if (!q.question || (q.flags & 0x7800) !== 0) return buildReply(raw, q, q.question ? RCODE.NOTIMP : RCODE.FORMERR);
  const qu = q.question;
  if (qu.cls !== 1) return buildReply(raw, q, RCODE.NOTIMP);
  const known = local?.(qu);
  if (known) return buildReply(raw, q, known);
  if (!resolve || !qu.typeName || qu.typeName === 'ANY' || qu.typeName === 'OPT' || qu.typeName === 'SOA') return buildReply(raw, q, RCODE.NOTIMP);
  let r: DnsResult;
  try {
    r = await resolve(qu.name, qu.typeName);
  } catch {
    r = 'SERVFAIL';
  }
  return buildReply(raw, q, r);
}

// The host's own loopback addresses in an answer, as the machine reaches them: the gateway (the
// machine's loopback is its own).
export function hostLoopbackAsGateway(r: DnsResult): DnsResult {
  if (typeof r === 'string' || (r.type !== 'A' && r.type !== 'AAAA')) return r;
  const mapped = r.addresses.map((a) => parseIp(a)).filter((ip): ip is Uint8Array => !!ip)
    .filter((ip) => isMapped(ip) || !isLoopback(ip)).map((ip) => ipText(isLoopback(ip) ? GATEWAY_IP : ip));
  return mapped.length ? { type: r.type, addresses: [...new Set(mapped)] } : 'NODATA';
}

export class DnsService {
  constructor(private readonly stack: NetStack, private readonly host?: HostNet) {}

  // The reply to a query from a guest.
  async answer(raw: Uint8Array): Promise<Uint8Array | undefined> {
    const q = parseQuery(raw);
    if (q?.question && this.host?.query && !this.known(q.question)) {
      return (await this.host.query(raw)) ?? buildReply(raw, q, RCODE.SERVFAIL);
    }
    const host = this.host;
    const resolve: Resolve | undefined = host?.resolve && (async (name, type) => {
      const r = await host.resolve!(name, type);
      return this.stack.mode === 'bridge' ? hostLoopbackAsGateway(r) : r;
    });
    return answerQuery(raw, resolve, (qu) => this.known(qu));
  }

  // Names and addresses of the machine's /etc/hosts.
  private known(q: Question): DnsResult | undefined {
    if (q.typeName === 'PTR') {
      const addr = ptrAddress(q.name);
      const ip = addr !== undefined ? parseIp(addr) : undefined;
      if (!ip) return undefined;
      const h = this.stack.hosts.find((x) => ipEqual(x.ip, ip));
      if (h) return { type: 'PTR', names: [h.name] };
      if (ipText(ip) === '10.0.2.2' && this.stack.mode === 'bridge') return { type: 'PTR', names: ['host.xos.internal'] };
      return undefined;
    }
    const ips = this.stack.localName(q.name);
    if (!ips.length) return undefined;
    if (q.typeName === 'A') return { type: 'A', addresses: ips.filter(isMapped).map(ipText) };
    if (q.typeName === 'AAAA') {
      const v6 = ips.filter((ip) => !isMapped(ip)).map(ipText);
      return v6.length ? { type: 'AAAA', addresses: v6 } : 'NODATA';
    }
    return 'NODATA';
  }

  // A guest's TCP connection to port 53: queries and replies with a two-byte length before each.
  serveTcp(s: TcpSocket): void {
    let buf = new Uint8Array(0);
    let pending = 0, ended = false;
    const finish = () => { if (ended && pending === 0) { s.shutdown(SHUT_WR); s.release(); } };
    s.onData = () => {
      while (s.rxBytes > 0) {
        const r = s.recv(65536, 0);
        if (typeof r !== 'object' || !('data' in r)) break;
        const joined = new Uint8Array(buf.length + r.data.length);
        joined.set(buf);
        joined.set(r.data, buf.length);
        buf = joined;
      }
      while (buf.length >= 2) {
        const len = (buf[0] << 8) | buf[1];
        if (buf.length < 2 + len) break;
        const msg = buf.slice(2, 2 + len);
        buf = buf.subarray(2 + len);
        pending++;
        void this.answer(msg).then((reply) => {
          pending--;
          if (reply && s.state === 'established') {
            const framed = new Uint8Array(2 + reply.length);
            framed[0] = reply.length >> 8; framed[1] = reply.length & 0xff;
            framed.set(reply, 2);
            s.send(framed, undefined, 0);
          }
          finish();
        });
      }
      if (!ended && s.rxBytes === 0 && (s.shut & RCV_SHUTDOWN || s.state === 'closed')) { ended = true; finish(); }
    };
  }
}
