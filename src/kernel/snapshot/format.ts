// A snapshot's bytes: a fixed header, then the document and its blobs,
// compressed (zlib's format: Node's zlib and the browser's CompressionStream
// both read and write it) and covered by a CRC-32. Anything that is not such
// a blob, or not this version of it, is refused with one line that says why.
import { crc32 } from '../../base/crc32.js';
import { SnapshotError, type Encoded } from './codec.js';

export const SNAPSHOT_MAGIC = 'XOSSNAP\n';
export const SNAPSHOT_VERSION = 1;
const HEADER = 32; // magic 8, version 4, flags 4, crc 4, reserved 4, payload length 8

export interface Compression {
  compress(data: Uint8Array): Promise<Uint8Array>;
  decompress(data: Uint8Array): Promise<Uint8Array>;
}

export async function packSnapshot(e: Encoded, z: Compression): Promise<Uint8Array> {
  const doc = new TextEncoder().encode(JSON.stringify(e.doc));
  let size = 4 + doc.length + 4;
  for (const b of e.blobs) size += 8 + b.length;
  const raw = new Uint8Array(size);
  const dv = new DataView(raw.buffer);
  let o = 0;
  dv.setUint32(o, doc.length, true); o += 4;
  raw.set(doc, o); o += doc.length;
  dv.setUint32(o, e.blobs.length, true); o += 4;
  for (const b of e.blobs) {
    dv.setBigUint64(o, BigInt(b.length), true); o += 8;
    raw.set(b, o); o += b.length;
  }
  const payload = await z.compress(raw);
  const out = new Uint8Array(HEADER + payload.length);
  const hv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = SNAPSHOT_MAGIC.charCodeAt(i);
  hv.setUint32(8, SNAPSHOT_VERSION, true);
  hv.setUint32(12, 0, true);
  hv.setUint32(16, crc32(payload), true);
  hv.setBigUint64(24, BigInt(payload.length), true);
  out.set(payload, HEADER);
  return out;
}

export async function unpackSnapshot(bytes: Uint8Array, z: Compression): Promise<Encoded> {
  const bad = (why: string): never => { throw new SnapshotError(why); };
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 8)) !== SNAPSHOT_MAGIC) bad('not an xos snapshot');
  if (bytes.length < HEADER) bad(`truncated snapshot: ${bytes.length} bytes, the header alone is ${HEADER}`);
  const hv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = hv.getUint32(8, true);
  if (version !== SNAPSHOT_VERSION) bad(`snapshot version ${version}: this xos reads version ${SNAPSHOT_VERSION}`);
  const len = Number(hv.getBigUint64(24, true));
  if (bytes.length - HEADER < len) bad(`truncated snapshot: ${bytes.length - HEADER} of ${len} bytes of data`);
  if (bytes.length - HEADER > len) bad(`corrupt snapshot: ${bytes.length - HEADER - len} bytes after its end`);
  const payload = bytes.subarray(HEADER, HEADER + len);
  if (crc32(payload) !== hv.getUint32(16, true)) bad('corrupt snapshot: its checksum does not match');
  let raw: Uint8Array;
  try {
    raw = await z.decompress(payload);
  } catch {
    return bad('corrupt snapshot: its data does not decompress');
  }
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let o = 0;
  const need = (n: number) => { if (o + n > raw.length) bad('corrupt snapshot: its data ends early'); };
  need(4);
  const docLen = dv.getUint32(o, true); o += 4;
  need(docLen);
  let doc: Encoded['doc'];
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(o, o + docLen))) as Encoded['doc'];
  } catch {
    return bad('corrupt snapshot: its document does not parse');
  }
  o += docLen;
  need(4);
  const n = dv.getUint32(o, true); o += 4;
  const blobs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    need(8);
    const bl = Number(dv.getBigUint64(o, true)); o += 8;
    need(bl);
    blobs.push(raw.subarray(o, o + bl));
    o += bl;
  }
  if (o !== raw.length) bad('corrupt snapshot: data after its last blob');
  return { doc, blobs };
}
