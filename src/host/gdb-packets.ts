// GDB's remote serial protocol, the framing: `$payload#cs` packets (cs: the sum of the
// payload's bytes mod 256, two hex digits), acknowledged with `+` (or `-`: send it again)
// until QStartNoAckMode; a lone 0x03 byte is an interrupt; binary data escapes `#$}*`
// as `}` and the byte xor 0x20. Payloads are handled as latin1 strings (a char a byte).

// Longest payload accepted (escaped); what qSupported announces as PacketSize is less.
export const MAX_PACKET = 0x4000;
const MAX_RAW = MAX_PACKET * 2 + 16;

export type PacketEvent =
  | { kind: 'packet'; payload: string }
  | { kind: 'interrupt' }
  | { kind: 'ack' }
  | { kind: 'nack' }
  | { kind: 'bad'; why: string }; // a damaged packet: the sender is asked for it again

const enum St { Idle, Body, Sum1, Sum2 }

export class PacketReader {
  private st = St.Idle;
  private body: number[] = [];
  private sum = 0;
  private sum1 = 0;
  private tooLong = false;

  // Bytes from the debugger, as they come: the events they complete.
  *feed(data: Uint8Array): Generator<PacketEvent> {
    for (const b of data) {
      switch (this.st) {
        case St.Idle:
          if (b === 0x24 /* $ */) { this.st = St.Body; this.body = []; this.sum = 0; this.tooLong = false; }
          else if (b === 0x03) yield { kind: 'interrupt' };
          else if (b === 0x2b /* + */) yield { kind: 'ack' };
          else if (b === 0x2d /* - */) yield { kind: 'nack' };
          break; // anything else between packets is noise
        case St.Body:
          if (b === 0x23 /* # */) { this.st = St.Sum1; break; }
          if (b === 0x24) { this.body = []; this.sum = 0; this.tooLong = false; break; } // a new start: the old one was cut
          this.sum = (this.sum + b) & 0xff;
          if (this.body.length < MAX_RAW) this.body.push(b); else this.tooLong = true;
          break;
        case St.Sum1:
          this.sum1 = b;
          this.st = St.Sum2;
          break;
        case St.Sum2: {
          this.st = St.Idle;
          const want = parseInt(String.fromCharCode(this.sum1, b), 16);
          if (!/^[0-9a-fA-F]{2}$/.test(String.fromCharCode(this.sum1, b))) yield { kind: 'bad', why: 'checksum is not hex' };
          else if (want !== this.sum) yield { kind: 'bad', why: `checksum ${want.toString(16)} != ${this.sum.toString(16)}` };
          else if (this.tooLong) yield { kind: 'bad', why: 'packet too long' };
          else yield { kind: 'packet', payload: latin1(this.body) };
          this.body = [];
          break;
        }
      }
    }
  }
}

export function latin1(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...Array.prototype.slice.call(bytes, i, i + 8192) as number[]);
  return s;
}
export function fromLatin1(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

// `$payload#cs` (payload already escaped where it holds binary data).
export function frame(payload: string): Uint8Array {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum = (sum + payload.charCodeAt(i)) & 0xff;
  return fromLatin1(`$${payload}#${sum.toString(16).padStart(2, '0')}`);
}

// Binary data for a reply: # $ } * escaped.
export function escapeBinary(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c === 0x23 || c === 0x24 || c === 0x7d || c === 0x2a ? String.fromCharCode(0x7d, c ^ 0x20) : String.fromCharCode(c);
  return s;
}
// Binary data in a packet from the debugger (X, vFile:pwrite); null when an escape is cut.
export function unescapeBinary(s: string): Uint8Array | null {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x7d) {
      if (++i >= s.length) return null;
      out.push(s.charCodeAt(i) ^ 0x20);
    } else out.push(c);
  }
  return Uint8Array.from(out);
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c.toString(16).padStart(2, '0');
  return s;
}
// Hex digits to bytes; null unless the string is whole bytes of hex.
export function fromHex(s: string): Uint8Array | null {
  if (s.length % 2 || !/^[0-9a-fA-F]*$/.test(s)) return null;
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return b;
}
// A hex number (addresses, lengths; at most 64 bits); null unless it is one.
export function hexNum(s: string | undefined): number | null {
  if (s === undefined || !/^[0-9a-fA-F]{1,16}$/.test(s)) return null;
  const v = BigInt(`0x${s}`);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(v);
}
