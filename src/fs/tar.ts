// Tar archives: an index of the entries of an archive (ustar, GNU and PAX:
// long names, base-256 numbers, GNU old-style and PAX 0.1/1.0 sparse files),
// read from a ByteSource by offset so that file contents stay where they are
// until read; and a writer (ustar with PAX records where ustar falls short).
//
// Names are byte strings (one char per byte), as the VFS spells paths: a PAX
// record's UTF-8 bytes stay bytes.

// Bytes that can be read at any offset: a host file, a Uint8Array, a slice of either.
export interface ByteSource {
  readonly size: number;
  read(offset: number, len: number): Uint8Array; // fewer bytes only at the end
}

export function bytesSource(b: Uint8Array): ByteSource {
  return { size: b.length, read: (o, n) => b.subarray(o, Math.min(b.length, o + n)) };
}

export function sliceSource(src: ByteSource, offset: number, size: number): ByteSource {
  return { size, read: (o, n) => src.read(offset + o, Math.max(0, Math.min(n, size - o))) };
}

export function readAll(src: ByteSource): Uint8Array {
  const b = src.read(0, src.size);
  return b.length === src.size ? b : new Uint8Array(0);
}

export class TarError extends Error {}

export type TarType = 'file' | 'hardlink' | 'symlink' | 'chr' | 'blk' | 'dir' | 'fifo';

// A run of data in a sparse file: `size` bytes at `offset` in the file, stored one after another in the archive.
export interface Segment { offset: number; size: number }

export interface TarEntry {
  path: string; // normalized: no leading '/' or './', no '.' components; '' is the root
  type: TarType;
  mode: number; // permission bits (07777)
  uid: number; gid: number;
  uname: string; gname: string;
  size: number; // the file's size (a sparse file's real size)
  mtimeNs: bigint; atimeNs?: bigint; ctimeNs?: bigint;
  linkname: string; // symlink target; hard link: the normalized path linked to
  devmajor: number; devminor: number;
  offset: number; // where the stored data starts in the archive
  stored: number; // bytes stored there
  sparse?: Segment[];
  xattrs?: Map<string, Uint8Array>; // extended attributes (PAX SCHILY.xattr.NAME records, as GNU tar and Docker write them)
}
const XATTR_KEY = 'SCHILY.xattr.';

const BLOCK = 512;
const latin1 = (b: Uint8Array, start = 0, end = b.length): string => {
  let s = '';
  for (let i = start; i < end; i += 8192) s += String.fromCharCode(...b.subarray(i, Math.min(end, i + 8192)));
  return s;
};
const cstr = (b: Uint8Array, off: number, len: number): string => {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return latin1(b, off, end);
};

// An octal field, or a base-256 one (GNU: first byte 0x80 or 0xff).
function num(b: Uint8Array, off: number, len: number): number {
  if (b[off] & 0x80) {
    let v = b[off] & 0x3f;
    const neg = (b[off] & 0x40) !== 0;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i];
    return neg ? v - 2 ** (8 * len - 2) : v;
  }
  let v = 0;
  let i = off;
  while (i < off + len && (b[i] === 0x20 || b[i] === 0)) i++;
  for (; i < off + len; i++) {
    const c = b[i];
    if (c < 0x30 || c > 0x37) break;
    v = v * 8 + (c - 0x30);
  }
  return v;
}

function checksumOk(h: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return num(h, 148, 8) === sum;
}

// "path/to/./x/" → "path/to/x"; undefined for a name that climbs out with '..'.
export function normalizeName(name: string): string | undefined {
  const out: string[] = [];
  for (const c of name.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') return undefined;
    out.push(c);
  }
  return out.join('/');
}

// PAX times: "1700000000.123456789" (possibly negative) → ns.
function paxTime(v: string): bigint | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (!m) return undefined;
  const ns = BigInt(m[2]) * 1_000_000_000n + BigInt((m[3] ?? '').slice(0, 9).padEnd(9, '0'));
  return m[1] ? -ns : ns;
}

function parsePax(b: Uint8Array, into: Map<string, string>): void {
  let i = 0;
  while (i < b.length) {
    let sp = i;
    while (sp < b.length && b[sp] !== 0x20) sp++;
    const len = parseInt(latin1(b, i, sp), 10);
    if (!(len > 0) || i + len > b.length) break;
    const rec = latin1(b, sp + 1, i + len - 1); // without the trailing newline
    const eq = rec.indexOf('=');
    if (eq > 0) {
      const k = rec.slice(0, eq), v = rec.slice(eq + 1);
      if (v === '' && !k.startsWith(XATTR_KEY)) into.delete(k); else into.set(k, v); // an attribute may be empty
    }
    i += len;
  }
}

const TYPES: Record<string, TarType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '3': 'chr', '4': 'blk', '5': 'dir', '6': 'fifo',
  S: 'file',
};

// Every entry of the archive, in order. Throws TarError when `src` is not a tar archive.
export function listTar(src: ByteSource): TarEntry[] {
  const out: TarEntry[] = [];
  const global = new Map<string, string>();
  let pax = new Map<string, string>();
  let longName: string | undefined, longLink: string | undefined;
  let pos = 0;
  let headers = 0;
  const readData = (at: number, len: number): Uint8Array => {
    const d = src.read(at, len);
    if (d.length < len) throw new TarError('truncated archive');
    return d;
  };
  while (pos + BLOCK <= src.size) {
    const h = src.read(pos, BLOCK);
    if (h.length < BLOCK) break;
    if (h.every((c) => c === 0)) break; // end of archive
    if (!checksumOk(h)) throw new TarError(headers === 0 ? 'not a tar archive' : `bad header checksum at offset ${pos}`);
    headers++;
    const flag = String.fromCharCode(h[156]);
    let size = num(h, 124, 12);
    const dataAt = pos + BLOCK;
    const next = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'X') {
      parsePax(readData(dataAt, size), flag === 'g' ? global : pax);
      pos = next;
      continue;
    }
    if (flag === 'L' || flag === 'K') {
      const d = readData(dataAt, size);
      let end = d.indexOf(0);
      if (end < 0) end = d.length;
      if (flag === 'L') longName = latin1(d, 0, end); else longLink = latin1(d, 0, end);
      pos = next;
      continue;
    }
    const attrs = new Map([...global, ...pax]);
    const magic = latin1(h, 257, 263);
    const isUstar = magic.startsWith('ustar');
    let name = cstr(h, 0, 100);
    if (isUstar && magic === 'ustar\0') { // POSIX ustar: prefix field (GNU uses those bytes for times)
      const prefix = cstr(h, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    name = attrs.get('path') ?? longName ?? name;
    let linkname = attrs.get('linkpath') ?? longLink ?? cstr(h, 157, 100);
    const type = TYPES[flag] ?? (name.endsWith('/') ? 'dir' : 'file');
    let fileSize = size;
    if (attrs.has('size')) { size = Number(attrs.get('size')); fileSize = size; }
    const dataNext = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    let offset = dataAt;
    let stored = type === 'file' ? size : 0;
    let sparse: Segment[] | undefined;
    if (flag === 'S') { // GNU old sparse: map in the header and extension blocks, real size at 483
      sparse = [];
      const add = (b: Uint8Array, at: number) => {
        const o = num(b, at, 12), n = num(b, at + 12, 12);
        if (o || n) sparse!.push({ offset: o, size: n });
      };
      for (let i = 0; i < 4; i++) add(h, 386 + i * 24);
      let ext = h[482] !== 0;
      let extAt = dataAt;
      while (ext) {
        const e = readData(extAt, BLOCK);
        for (let i = 0; i < 21; i++) add(e, i * 24);
        ext = e[504] !== 0;
        extAt += BLOCK;
      }
      offset = extAt;
      fileSize = num(h, 483, 12);
      pos = extAt + Math.ceil(size / BLOCK) * BLOCK;
    } else {
      pos = dataNext;
    }
    if (attrs.has('GNU.sparse.map')) { // PAX 0.1
      const v = attrs.get('GNU.sparse.map')!.split(',').map(Number);
      sparse = [];
      for (let i = 0; i + 1 < v.length; i += 2) sparse.push({ offset: v[i], size: v[i + 1] });
      fileSize = Number(attrs.get('GNU.sparse.size') ?? attrs.get('GNU.sparse.realsize') ?? fileSize);
      name = attrs.get('GNU.sparse.name') ?? name;
    } else if (attrs.get('GNU.sparse.major') === '1') { // PAX 1.0: the map leads the data
      const lines: number[] = [];
      let at = dataAt, text = '';
      const need = () => (lines.length === 0 ? 1 : 1 + 2 * lines[0]);
      while (lines.length < need()) {
        text += latin1(readData(at, BLOCK));
        at += BLOCK;
        const parts = text.split('\n');
        lines.length = 0;
        for (const p of parts.slice(0, -1)) lines.push(Number(p));
      }
      sparse = [];
      for (let i = 0; i < lines[0]; i++) sparse.push({ offset: lines[1 + 2 * i], size: lines[2 + 2 * i] });
      offset = at;
      stored = size - (at - dataAt);
      fileSize = Number(attrs.get('GNU.sparse.realsize') ?? fileSize);
      name = attrs.get('GNU.sparse.name') ?? name;
    }
    if (sparse) stored = sparse.reduce((n, s) => n + s.size, 0);
    // an archive cut off inside a file's data: refused now, rather than the file read short later
    if (type === 'file' && offset + stored > src.size) throw new TarError(`truncated archive: ${name} ends beyond its end`);
    if (!Number.isSafeInteger(fileSize) || fileSize < 0 || sparse?.some((g) => !(g.offset >= 0 && g.size >= 0 && g.offset + g.size <= fileSize))) {
      throw new TarError(`corrupt archive: bad size or sparse map for ${name}`);
    }
    pax = new Map();
    longName = longLink = undefined;
    const path = normalizeName(name);
    if (path === undefined) continue; // climbs out with '..': never extracted
    if (type === 'hardlink') {
      const l = normalizeName(linkname);
      if (l === undefined) continue;
      linkname = l;
    }
    const mtime = attrs.has('mtime') ? paxTime(attrs.get('mtime')!) : undefined;
    const atime = attrs.has('atime') ? paxTime(attrs.get('atime')!) : undefined;
    const ctime = attrs.has('ctime') ? paxTime(attrs.get('ctime')!) : undefined;
    let xattrs: Map<string, Uint8Array> | undefined;
    for (const [k, v] of attrs) {
      if (k.startsWith(XATTR_KEY)) (xattrs ??= new Map()).set(k.slice(XATTR_KEY.length), Uint8Array.from(v, (c) => c.charCodeAt(0)));
    }
    out.push({
      path, type, mode: num(h, 100, 8) & 0o7777,
      uid: attrs.has('uid') ? Number(attrs.get('uid')) : num(h, 108, 8),
      gid: attrs.has('gid') ? Number(attrs.get('gid')) : num(h, 116, 8),
      uname: attrs.get('uname') ?? cstr(h, 265, 32), gname: attrs.get('gname') ?? cstr(h, 297, 32),
      size: type === 'file' ? fileSize : type === 'symlink' ? linkname.length : 0,
      mtimeNs: mtime ?? BigInt(num(h, 136, 12)) * 1_000_000_000n, atimeNs: atime, ctimeNs: ctime,
      linkname, devmajor: num(h, 329, 8), devminor: num(h, 337, 8),
      offset, stored, sparse, xattrs,
    });
  }
  if (headers === 0 && src.size > 0 && !(src.size >= BLOCK && src.read(0, BLOCK).every((c) => c === 0))) {
    throw new TarError('not a tar archive');
  }
  return out;
}

// --- writing -------------------------------------------------------------------------------

export interface TarWriteEntry {
  path: string; // byte string, relative (a trailing '/' is added for directories)
  type: TarType;
  mode: number; uid: number; gid: number;
  mtimeNs: bigint;
  linkname?: string;
  devmajor?: number; devminor?: number;
  data?: Uint8Array; // regular files
  xattrs?: [string, Uint8Array][]; // extended attributes (written as PAX SCHILY.xattr.NAME records)
}

const FLAG: Record<TarType, string> = { file: '0', hardlink: '1', symlink: '2', chr: '3', blk: '4', dir: '5', fifo: '6' };

export class TarWriter {
  private chunks: Uint8Array[] = [];

  add(e: TarWriteEntry): void {
    const name = e.type === 'dir' && !e.path.endsWith('/') ? `${e.path}/` : e.path;
    const data = e.type === 'file' ? e.data ?? new Uint8Array(0) : new Uint8Array(0);
    const link = e.linkname ?? '';
    const mtime = e.mtimeNs / 1_000_000_000n;
    const pax: [string, string][] = [];
    if (name.length > 100) pax.push(['path', name]);
    if (link.length > 100) pax.push(['linkpath', link]);
    if (data.length > 0o77777777777) pax.push(['size', String(data.length)]);
    if (e.uid > 0o7777777) pax.push(['uid', String(e.uid)]);
    if (e.gid > 0o7777777) pax.push(['gid', String(e.gid)]);
    if (e.mtimeNs % 1_000_000_000n !== 0n || mtime < 0n) {
      const ns = e.mtimeNs < 0n ? -e.mtimeNs : e.mtimeNs;
      pax.push(['mtime', `${e.mtimeNs < 0n ? '-' : ''}${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`]);
    }
    for (const [k, v] of e.xattrs ?? []) pax.push([XATTR_KEY + k, latin1(v)]);
    if (pax.length) {
      let body = '';
      for (const [k, v] of pax) {
        const rec = ` ${k}=${v}\n`;
        let len = rec.length + 1;
        while (String(len).length + rec.length !== len) len = String(len).length + rec.length;
        body += `${len}${rec}`;
      }
      const b = Uint8Array.from(body, (c) => c.charCodeAt(0) & 0xff);
      this.header(`PaxHeaders/${name.slice(-80)}`, 'x', 0o644, 0, 0, 0n, b.length, '', 0, 0);
      this.data(b);
    }
    this.header(name, FLAG[e.type], e.mode, e.uid, e.gid, mtime < 0n ? 0n : mtime, data.length, link, e.devmajor ?? 0,
      e.devminor ?? 0);
    this.data(data);
  }

  private header(name: string, flag: string, mode: number, uid: number, gid: number, mtime: bigint, size: number,
    link: string, major: number, minor: number): void {
    const h = new Uint8Array(BLOCK);
    const put = (s: string, off: number, len: number) => { for (let i = 0; i < Math.min(len, s.length); i++) h[off + i] = s.charCodeAt(i) & 0xff; };
    const oct = (v: number | bigint, off: number, len: number) => {
      const s = v.toString(8);
      put(s.length < len ? s.padStart(len - 1, '0') : '7'.repeat(len - 1), off, len - 1);
    };
    let prefix = '', rest = name;
    if (name.length > 100) { // ustar prefix split, for readers without PAX; PAX's path wins where it exists
      const cut = name.lastIndexOf('/', 155);
      if (cut > 0 && name.length - cut - 1 <= 100) { prefix = name.slice(0, cut); rest = name.slice(cut + 1); }
    }
    put(rest, 0, 100);
    oct(mode & 0o7777, 100, 8);
    oct(Math.min(uid, 0o7777777), 108, 8);
    oct(Math.min(gid, 0o7777777), 116, 8);
    oct(Math.min(size, 0o77777777777), 124, 12);
    oct(mtime > 0o77777777777n ? 0o77777777777n : mtime, 136, 12);
    put(flag, 156, 1);
    put(link, 157, 100);
    put('ustar\0', 257, 6);
    put('00', 263, 2);
    oct(major, 329, 8);
    oct(minor, 337, 8);
    put(prefix, 345, 155);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
    this.chunks.push(h);
  }

  private data(d: Uint8Array): void {
    if (!d.length) return;
    this.chunks.push(d);
    const pad = (BLOCK - (d.length % BLOCK)) % BLOCK;
    if (pad) this.chunks.push(new Uint8Array(pad));
  }

  // The archive, with its two zero blocks of end.
  finish(): Uint8Array {
    this.chunks.push(new Uint8Array(2 * BLOCK));
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of this.chunks) { out.set(c, o); o += c.length; }
    return out;
  }
}
