// What gdb reads of a debugged process besides registers and memory: the loaded
// libraries (qXfer:libraries-svr4, from the dynamic linker's r_debug list in the
// process's memory), its threads (qXfer:threads), and its files (the Host I/O
// packets, vFile:*, so that gdb on another machine, or with another root, reads the
// program and its libraries as the process sees them).
import type { Tracee } from '../kernel/debug.js';
import type { Task } from '../kernel/task.js';
import type { Vfs } from '../fs/vfs.js';
import { release, type FileDescription } from '../fs/file.js';
import { AT_FDCWD } from '../fs/vfs.js';
import { O_NONBLOCK } from '../fs/file.js';
import { escapeBinary, fromHex, hexNum, latin1 } from './gdb-packets.js';

const AT_PHDR = 3, AT_PHNUM = 5;
const PT_DYNAMIC = 2, PT_PHDR = 6, DT_NULL = 0, DT_DEBUG = 21;

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const hex = (n: number) => `0x${n.toString(16)}`;

function word(tr: Tracee, addr: number): number | null {
  const b = tr.peek(addr, 8);
  if (!b) return null;
  const v = new DataView(b.buffer).getBigUint64(0, true);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(v);
}

function auxvEntry(tr: Tracee, type: number): number | undefined {
  const a = tr.proc.auxv;
  const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
  for (let o = 0; o + 16 <= a.length; o += 16) {
    if (Number(dv.getBigUint64(o, true)) === type) return Number(dv.getBigUint64(o + 8, true));
  }
  return undefined;
}

// The address of the main program's r_debug (its DT_DEBUG entry, which ld.so fills), or 0.
function rDebug(tr: Tracee): number {
  const phdr = auxvEntry(tr, AT_PHDR), phnum = auxvEntry(tr, AT_PHNUM);
  if (phdr === undefined || !phnum || phnum > 256) return 0;
  let bias = 0, dynamic = 0;
  for (let i = 0; i < phnum; i++) {
    const h = tr.peek(phdr + i * 56, 56);
    if (!h) return 0;
    const dv = new DataView(h.buffer);
    const type = dv.getUint32(0, true), vaddr = Number(dv.getBigUint64(16, true));
    if (type === PT_PHDR) bias = phdr - vaddr;
    if (type === PT_DYNAMIC) dynamic = vaddr;
  }
  if (!dynamic) return 0;
  for (let a = dynamic + bias, n = 0; n < 1024; a += 16, n++) {
    const tag = word(tr, a);
    if (tag === null || tag === DT_NULL) return 0;
    if (tag === DT_DEBUG) return word(tr, a + 8) ?? 0;
  }
  return 0;
}

function cString(tr: Tracee, addr: number): string {
  let s = '';
  for (let a = addr; s.length < 4096; a += 64) {
    const chunk = tr.peek(a, 64) ?? tr.peek(a, 1);
    if (!chunk) break;
    const z = chunk.indexOf(0);
    s += latin1(z < 0 ? chunk : chunk.subarray(0, z));
    if (z >= 0) break;
  }
  return s;
}

// The library list of the SVR4 format: every link_map entry after the main program's.
export function librariesSvr4(tr: Tracee): string {
  const r = rDebug(tr);
  let map = r ? word(tr, r + 8) : null; // r_debug.r_map
  if (!map) return '<library-list-svr4 version="1.0"/>';
  const main = map;
  const libs: string[] = [];
  map = word(tr, main + 24); // l_next
  for (let n = 0; map && n < 4096; n++) {
    const addr = word(tr, map), name = word(tr, map + 8), ld = word(tr, map + 16);
    if (addr === null || name === null || ld === null) break;
    // lmid: the namespace's r_debug (gdb 13 wants the attribute; one namespace here)
    libs.push(`<library name="${xmlEscape(name ? cString(tr, name) : '')}" lm="${hex(map)}" l_addr="${hex(addr)}" l_ld="${hex(ld)}" lmid="${hex(r)}"/>`);
    map = word(tr, map + 24);
  }
  return `<library-list-svr4 version="1.0" main-lm="${hex(main)}">${libs.join('')}</library-list-svr4>`;
}

export function threadsXml(tr: Tracee, id: (t: Task) => string): string {
  const name = (t: Task) => xmlEscape(latin1(t.comm.length ? t.comm : new Uint8Array(0)));
  return `<threads>${tr.threads.map((t) => `<thread id="${id(t)}" core="0"${t.comm.length ? ` name="${name(t)}"` : ''}/>`).join('')}</threads>`;
}

// --- Host I/O: gdb reads the process's files ------------------------------------------------
// File-I/O errno values (gdb's remote protocol, "Errno Values"); others are EUNKNOWN.
const FILEIO_ERRNO = new Set([1, 2, 4, 9, 13, 14, 16, 17, 19, 20, 21, 22, 23, 24, 27, 28, 29, 30]);
const fileioErrno = (e: number) => (FILEIO_ERRNO.has(e) ? e : e === 36 ? 91 : 9999);
const MAX_OPEN = 64;
const MAX_PREAD = 0x1800; // escaped, it fits a packet

export class HostFiles {
  private files = new Map<number, FileDescription>();
  private nextFd = 1;

  constructor(private readonly vfs: Vfs, private readonly caller: () => Task | undefined) {}

  // One vFile:OPERATION:ARGS packet (without "vFile:"); '' for an operation not supported.
  handle(op: string, args: string): string {
    const err = (e: number) => `F-1,${fileioErrno(e).toString(16)}`;
    const t = this.caller();
    const a = args.split(',');
    switch (op) {
      case 'setfs': return hexNum(a[0]) === null ? err(22) : 'F0'; // the debugged process's view is the one
      case 'open': {
        const name = fromHex(a[0] ?? ''), flags = hexNum(a[1]);
        if (!name || flags === null || a.length !== 3) return err(22);
        if ((flags & 3) !== 0) return err(13); // read only: gdb reads programs and libraries
        if (!t) return err(2);
        if (this.files.size >= MAX_OPEN) return err(24);
        const f = this.vfs.open(t, AT_FDCWD, latin1(name), O_NONBLOCK, 0);
        if (typeof f === 'number') return err(-f);
        const fd = this.nextFd++;
        this.files.set(fd, f);
        return `F${fd.toString(16)}`;
      }
      case 'close': {
        const f = this.files.get(hexNum(a[0]) ?? -1);
        if (!f) return err(9);
        this.files.delete(hexNum(a[0])!);
        release(f);
        return 'F0';
      }
      case 'pread': {
        const f = this.files.get(hexNum(a[0]) ?? -1);
        const count = hexNum(a[1]), offset = hexNum(a[2]);
        if (!f) return err(9);
        if (count === null || offset === null) return err(22);
        const r = f.read(Math.min(count, MAX_PREAD), offset);
        if (!(r instanceof Uint8Array)) return err(typeof r === 'number' ? -r : 11);
        return `F${r.length.toString(16)};${escapeBinary(r)}`;
      }
      case 'fstat': {
        const f = this.files.get(hexNum(a[0]) ?? -1);
        if (!f) return err(9);
        const st = f.stat();
        if (typeof st === 'number') return err(-st);
        // struct stat of the File-I/O protocol: big-endian, 32-bit fields but size, blksize, blocks
        const b = new Uint8Array(64);
        const dv = new DataView(b.buffer);
        [st.dev, st.ino, st.mode, st.nlink, st.uid, st.gid, st.rdev].forEach((v, i) => dv.setUint32(i * 4, v >>> 0));
        dv.setBigUint64(28, BigInt(st.size));
        dv.setBigUint64(36, BigInt(st.blksize));
        dv.setBigUint64(44, BigInt(st.blocks));
        [st.atimeNs, st.mtimeNs, st.ctimeNs].forEach((ns, i) => dv.setUint32(52 + i * 4, Number(ns / 1_000_000_000n) >>> 0));
        return `F${b.length.toString(16)};${escapeBinary(b)}`;
      }
      case 'readlink': {
        const name = fromHex(a[0] ?? '');
        if (!name) return err(22);
        if (!t) return err(2);
        const r = this.vfs.readlink(t, AT_FDCWD, latin1(name));
        if (typeof r === 'number') return err(-r);
        return `F${r.length.toString(16)};${escapeBinary(Uint8Array.from(r, (c) => c.charCodeAt(0) & 0xff))}`;
      }
      default: return '';
    }
  }

  closeAll(): void {
    for (const f of this.files.values()) release(f);
    this.files.clear();
  }
}
