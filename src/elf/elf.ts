// ELF64 executables: validation, program headers, and loading PT_LOAD segments
// into an address space as private file mappings.
import { AddressSpace, MappedFile, PAGE, PROT_EXEC, PROT_READ, PROT_WRITE, pageCeil, pageFloor } from '../mm/address-space.js';

export class ElfError extends Error {}

// The bytes of an executable, read on demand.
export interface FileImage {
  readonly size: number;
  read(offset: number, len: number): Uint8Array; // short at EOF
  // The same into `into` (as many bytes as it holds, short at EOF), without a buffer of its own.
  readInto?(offset: number, into: Uint8Array): number;
  readonly name: string;
}

export const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7, PT_GNU_STACK = 0x6474e551;
export const ET_EXEC = 2, ET_DYN = 3, EM_X86_64 = 62;

export interface Phdr { type: number; flags: number; offset: number; vaddr: number; filesz: number; memsz: number; align: number }
export interface ElfInfo { type: number; entry: number; phoff: number; phentsize: number; phnum: number; phdrs: Phdr[]; interp?: string }

const MACHINES: Record<number, string> = { 3: 'i386', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 40: 'ARM', 183: 'AArch64', 243: 'RISC-V', 22: 's390' };

export function parseElf(file: FileImage): ElfInfo {
  const h = file.read(0, 64);
  if (h.length < 4 || h[0] !== 0x7f || h[1] !== 0x45 || h[2] !== 0x4c || h[3] !== 0x46) {
    throw new ElfError('not an ELF executable');
  }
  if (h.length < 20) throw new ElfError('truncated ELF file');
  const dv = new DataView(h.buffer, h.byteOffset, h.length);
  const machine = dv.getUint16(18, true);
  if (h[4] === 1) {
    const m = MACHINES[machine] ?? `machine ${machine}`;
    throw new ElfError(`32-bit ELF (${m}) executables are not supported: xos runs x86-64 programs`);
  }
  if (h[4] !== 2) throw new ElfError('corrupt ELF header (bad class)');
  if (h[5] !== 1) throw new ElfError('big-endian ELF executables are not supported');
  if (machine !== EM_X86_64) {
    throw new ElfError(`ELF executable for ${MACHINES[machine] ?? `machine ${machine}`}, not x86-64`);
  }
  if (h.length < 64) throw new ElfError('truncated ELF file (header)');
  const type = dv.getUint16(16, true);
  if (type !== ET_EXEC && type !== ET_DYN) throw new ElfError(`ELF file of type ${type} is not an executable`);
  const entry = Number(dv.getBigUint64(24, true));
  const phoff = Number(dv.getBigUint64(32, true));
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phentsize !== 56 || phnum === 0 || phnum > 1024) throw new ElfError('corrupt ELF header (program headers)');
  if (phoff + phnum * 56 > file.size) throw new ElfError('truncated ELF file (program headers)');
  const ph = file.read(phoff, phnum * 56);
  const pv = new DataView(ph.buffer, ph.byteOffset, ph.length);
  const phdrs: Phdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = i * 56;
    phdrs.push({
      type: pv.getUint32(o, true), flags: pv.getUint32(o + 4, true), offset: Number(pv.getBigUint64(o + 8, true)),
      vaddr: Number(pv.getBigUint64(o + 16, true)), filesz: Number(pv.getBigUint64(o + 32, true)),
      memsz: Number(pv.getBigUint64(o + 40, true)), align: Number(pv.getBigUint64(o + 48, true)),
    });
  }
  const info: ElfInfo = { type, entry, phoff, phentsize, phnum, phdrs };
  for (const p of phdrs) {
    if (p.type === PT_LOAD) {
      if (p.filesz > p.memsz || p.offset + p.filesz > file.size) throw new ElfError('truncated ELF file (segment beyond end of file)');
      if (p.vaddr % PAGE !== p.offset % PAGE) throw new ElfError('corrupt ELF file (misaligned segment)');
      if (p.vaddr + p.memsz >= 0x7fff_0000_0000) throw new ElfError('corrupt ELF file (segment address)');
    }
    if (p.type === PT_INTERP) {
      const s = file.read(p.offset, p.filesz);
      info.interp = new TextDecoder().decode(s.subarray(0, s.indexOf(0) >= 0 ? s.indexOf(0) : s.length));
    }
  }
  if (!phdrs.some((p) => p.type === PT_LOAD)) throw new ElfError('corrupt ELF file (nothing to load)');
  return info;
}

// A segment's file bytes: pages past the segment's file size read as zero (bss).
export class SegmentFile implements MappedFile {
  constructor(private readonly file: FileImage, private readonly limit: number) {}
  get name() { return this.file.name; }
  readPage(offset: number, into: Uint8Array): void {
    const n = Math.max(0, Math.min(PAGE, this.limit - offset));
    let got = 0;
    if (n > 0 && this.file.readInto) got = this.file.readInto(offset, into.subarray(0, n));
    else if (n > 0) { const b = this.file.read(offset, n); into.set(b); got = b.length; }
    into.fill(0, got);
  }
}

// Bytes of address space the PT_LOAD segments cover.
export function elfSpan(info: ElfInfo): number {
  const loads = info.phdrs.filter((p) => p.type === PT_LOAD);
  const lo = Math.min(...loads.map((p) => pageFloor(p.vaddr)));
  const hi = Math.max(...loads.map((p) => pageCeil(p.vaddr + p.memsz)));
  return hi - lo;
}

export interface Loaded { entry: number; base: number; phdr: number; end: number }

// Map the PT_LOAD segments; an ET_DYN image is placed at `dynBase`.
export function loadElf(mm: AddressSpace, file: FileImage, info: ElfInfo, dynBase: number): Loaded {
  const loads = info.phdrs.filter((p) => p.type === PT_LOAD);
  const lo = Math.min(...loads.map((p) => pageFloor(p.vaddr)));
  const bias = info.type === ET_DYN ? dynBase - lo : 0;
  let end = 0;
  for (const p of loads) {
    const prot = (p.flags & 4 ? PROT_READ : 0) | (p.flags & 2 ? PROT_WRITE : 0) | (p.flags & 1 ? PROT_EXEC : 0);
    const start = pageFloor(p.vaddr + bias);
    const fileEnd = p.vaddr + bias + p.filesz;
    const memEnd = pageCeil(p.vaddr + bias + p.memsz);
    const fileMapEnd = pageCeil(fileEnd);
    if (fileMapEnd > start) {
      const seg = new SegmentFile(file, p.offset + p.filesz);
      if (!mm.map(start, fileMapEnd - start, prot, { file: seg, offset: pageFloor(p.offset) })) throw new ElfError('out of memory loading the executable');
    }
    if (memEnd > fileMapEnd) {
      if (!mm.map(fileMapEnd, memEnd - fileMapEnd, prot)) throw new ElfError('out of memory loading the executable');
    }
    end = Math.max(end, memEnd);
  }
  let phdr = 0;
  const pp = info.phdrs.find((p) => p.type === PT_PHDR);
  if (pp) phdr = pp.vaddr + bias;
  else {
    const seg = loads.find((p) => p.offset <= info.phoff && info.phoff < p.offset + p.filesz);
    if (seg) phdr = seg.vaddr + (info.phoff - seg.offset) + bias;
  }
  return { entry: info.entry + bias, base: bias, phdr, end };
}
