// A tiny ELF64 writer: builds in memory a minimal static x86-64 executable
// from machine code bytes (ELF header, program headers, the code; one
// PT_LOAD mapping the whole file read+execute at `base`, entry at the first
// code byte).  Also makes deliberately bad inputs for the loader.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachePath } from './root.js';

export const EM_386 = 3;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const ET_EXEC = 2;
export const PT_LOAD = 1;
export const PT_INTERP = 3;

const EHDR64 = 64;
const PHDR64 = 56;
const EHDR32 = 52;
const PHDR32 = 32;

export interface ElfOptions {
  /** Machine code; execution starts at its first byte. */
  code: Uint8Array;
  /** Virtual address the file is loaded at (page aligned). Default 0x400000. */
  base?: bigint;
  /** e_machine. Default EM_X86_64. */
  machine?: number;
  /** If set, a PT_INTERP naming this interpreter is added (makes a "dynamic" program). */
  interp?: string;
  /** Zero-filled bytes mapped after the file (p_memsz beyond p_filesz); the mapping is then also writable. */
  bss?: number;
}

/** Builds a static ELF64 little-endian executable. */
export function buildElf64(opts: ElfOptions): Uint8Array {
  const base = opts.base ?? 0x400000n;
  const phnum = opts.interp !== undefined ? 2 : 1;
  const interpBytes = opts.interp !== undefined ? new TextEncoder().encode(opts.interp + '\0') : new Uint8Array(0);
  const codeOff = EHDR64 + phnum * PHDR64;
  const interpOff = codeOff + opts.code.length;
  const size = interpOff + interpBytes.length;
  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);

  // e_ident
  buf.set([0x7f, 0x45, 0x4c, 0x46], 0); // "\x7fELF"
  buf[4] = 2; // EI_CLASS = ELFCLASS64
  buf[5] = 1; // EI_DATA = ELFDATA2LSB
  buf[6] = 1; // EI_VERSION = EV_CURRENT
  buf[7] = 0; // EI_OSABI = System V
  v.setUint16(16, ET_EXEC, true); // e_type
  v.setUint16(18, opts.machine ?? EM_X86_64, true); // e_machine
  v.setUint32(20, 1, true); // e_version
  v.setBigUint64(24, base + BigInt(codeOff), true); // e_entry
  v.setBigUint64(32, BigInt(EHDR64), true); // e_phoff
  v.setBigUint64(40, 0n, true); // e_shoff: no sections
  v.setUint32(48, 0, true); // e_flags
  v.setUint16(52, EHDR64, true); // e_ehsize
  v.setUint16(54, PHDR64, true); // e_phentsize
  v.setUint16(56, phnum, true); // e_phnum
  v.setUint16(58, 64, true); // e_shentsize
  v.setUint16(60, 0, true); // e_shnum
  v.setUint16(62, 0, true); // e_shstrndx

  let ph = EHDR64;
  if (opts.interp !== undefined) {
    // PT_INTERP must come before any PT_LOAD
    v.setUint32(ph + 0, PT_INTERP, true);
    v.setUint32(ph + 4, 4, true); // PF_R
    v.setBigUint64(ph + 8, BigInt(interpOff), true); // p_offset
    v.setBigUint64(ph + 16, base + BigInt(interpOff), true); // p_vaddr
    v.setBigUint64(ph + 24, base + BigInt(interpOff), true); // p_paddr
    v.setBigUint64(ph + 32, BigInt(interpBytes.length), true); // p_filesz
    v.setBigUint64(ph + 40, BigInt(interpBytes.length), true); // p_memsz
    v.setBigUint64(ph + 48, 1n, true); // p_align
    ph += PHDR64;
  }
  v.setUint32(ph + 0, PT_LOAD, true); // p_type
  v.setUint32(ph + 4, opts.bss ? 7 : 5, true); // p_flags = PF_R | PF_X (| PF_W with a bss)
  v.setBigUint64(ph + 8, 0n, true); // p_offset: the whole file, headers included
  v.setBigUint64(ph + 16, base, true); // p_vaddr
  v.setBigUint64(ph + 24, base, true); // p_paddr
  v.setBigUint64(ph + 32, BigInt(size), true); // p_filesz
  v.setBigUint64(ph + 40, BigInt(size + (opts.bss ?? 0)), true); // p_memsz
  v.setBigUint64(ph + 48, 0x1000n, true); // p_align

  buf.set(opts.code, codeOff);
  buf.set(interpBytes, interpOff);
  return buf;
}

/**
 * Machine code that writes "hi\n" to stdout with write(2) and exits with
 * status 42 through exit_group(2).  Position independent (the message is
 * addressed RIP-relative).
 */
export function hiExit42Code(): Uint8Array {
  // prettier-ignore
  const code = [
    0xb8, 0x01, 0x00, 0x00, 0x00,             //  0: mov  eax, 1          ; SYS_write
    0xbf, 0x01, 0x00, 0x00, 0x00,             //  5: mov  edi, 1          ; fd = stdout
    0x48, 0x8d, 0x35, 0x13, 0x00, 0x00, 0x00, // 10: lea  rsi, [rip+0x13] ; buf = msg (17 + 0x13 = 36)
    0xba, 0x03, 0x00, 0x00, 0x00,             // 17: mov  edx, 3          ; count = 3
    0x0f, 0x05,                               // 22: syscall
    0xb8, 0xe7, 0x00, 0x00, 0x00,             // 24: mov  eax, 231        ; SYS_exit_group
    0xbf, 0x2a, 0x00, 0x00, 0x00,             // 29: mov  edi, 42         ; status
    0x0f, 0x05,                               // 34: syscall
    0x68, 0x69, 0x0a,                         // 36: msg: "hi\n"
  ];
  return Uint8Array.from(code);
}

/** The complete hand-made program: prints "hi\n", exits 42. */
export function hiExit42Elf(): Uint8Array {
  return buildElf64({ code: hiExit42Code() });
}

/** A valid ELF cut off inside its ELF header. */
export function truncatedElf(): Uint8Array {
  return hiExit42Elf().slice(0, 40);
}

/** A valid ELF header whose program headers are cut off by the end of the file. */
export function truncatedPhdrsElf(): Uint8Array {
  return hiExit42Elf().slice(0, EHDR64 + 20);
}

/** An ELFCLASS32 / EM_386 executable (a real-looking i386 header and PT_LOAD). */
export function i386Elf(): Uint8Array {
  // i386: mov eax,1 (exit); mov ebx,42; int 0x80
  const code = Uint8Array.from([0xb8, 0x01, 0x00, 0x00, 0x00, 0xbb, 0x2a, 0x00, 0x00, 0x00, 0xcd, 0x80]);
  const base = 0x08048000;
  const codeOff = EHDR32 + PHDR32;
  const size = codeOff + code.length;
  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* LSB */, 1 /* EV_CURRENT */, 0], 0);
  v.setUint16(16, ET_EXEC, true);
  v.setUint16(18, EM_386, true);
  v.setUint32(20, 1, true); // e_version
  v.setUint32(24, base + codeOff, true); // e_entry
  v.setUint32(28, EHDR32, true); // e_phoff
  v.setUint32(32, 0, true); // e_shoff
  v.setUint32(36, 0, true); // e_flags
  v.setUint16(40, EHDR32, true); // e_ehsize
  v.setUint16(42, PHDR32, true); // e_phentsize
  v.setUint16(44, 1, true); // e_phnum
  v.setUint16(46, 40, true); // e_shentsize
  const ph = EHDR32;
  v.setUint32(ph + 0, PT_LOAD, true);
  v.setUint32(ph + 4, 0, true); // p_offset
  v.setUint32(ph + 8, base, true); // p_vaddr
  v.setUint32(ph + 12, base, true); // p_paddr
  v.setUint32(ph + 16, size, true); // p_filesz
  v.setUint32(ph + 20, size, true); // p_memsz
  v.setUint32(ph + 24, 5, true); // p_flags R+X
  v.setUint32(ph + 28, 0x1000, true); // p_align
  buf.set(code, codeOff);
  return buf;
}

/** An ELF64 executable for EM_AARCH64 (mov x0,#42; mov x8,#94; svc #0 = exit_group(42)). */
export function aarch64Elf(): Uint8Array {
  const code = new Uint8Array(12);
  const v = new DataView(code.buffer);
  v.setUint32(0, 0xd2800540, true); // mov x0, #42
  v.setUint32(4, 0xd2800bc8, true); // mov x8, #94 (exit_group)
  v.setUint32(8, 0xd4000001, true); // svc #0
  return buildElf64({ code, machine: EM_AARCH64 });
}

/** The hi/42 program with a PT_INTERP: a dynamically linked program as far as the loader can tell. */
export function dynamicElf(interp = '/lib64/ld-linux-x86-64.so.2'): Uint8Array {
  return buildElf64({ code: hiExit42Code(), interp });
}

/** Writes bytes to path as an executable file (mode 0755). */
export function writeExecutable(path: string, bytes: Uint8Array): string {
  writeFileSync(path, bytes);
  chmodSync(path, 0o755);
  return path;
}

/**
 * Writes bytes as an executable into the cache directory under a name made
 * from `name` and a hash of the bytes (so reruns and parallel test processes
 * share one file) and returns its path.
 */
export function cachedExecutable(name: string, bytes: Uint8Array): string {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const path = join(cachePath('elf'), `${name.replace(/[^a-z0-9]+/gi, '-')}-${hash}`);
  if (existsSync(path)) return path;
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeExecutable(tmp, bytes);
  renameSync(tmp, path);
  return path;
}
