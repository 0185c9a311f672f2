// The vDSO: a small ELF shared object mapped into every process
// (AT_SYSINFO_EHDR) whose clock_gettime, gettimeofday, time and getcpu answer
// without leaving the CPU: RDTSC reads the host's monotonic clock in
// nanoseconds, and the [vvar] page beside the code holds the offset from it
// to the real-time clock. Other clocks fall back to the syscall.
//
// The machine code is assembled by hand below (each instruction commented).

const VVAR_REALTIME_OFFSET = 0; // i64 at the start of [vvar]

// Bytes with `disp` placeholders resolved later: [bytes, index of a rip-relative
// disp32 to [vvar] (or -1)].
interface Func { name: string; code: number[]; vvarDisp: number }

const rdtscNs = [
  0x0f, 0x31, //             rdtsc              ; edx:eax = host monotonic ns
  0x48, 0xc1, 0xe2, 0x20, // shl rdx, 32
  0x48, 0x09, 0xd0, //       or rax, rdx
];
const addRealtime = [0x48, 0x03, 0x05, 0, 0, 0, 0]; // add rax, [rip + vvar]
const divBy = (n: number) => [
  0x48, 0xc7, 0xc1, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff, // mov rcx, n
  0x31, 0xd2, //             xor edx, edx
  0x48, 0xf7, 0xf1, //       div rcx            ; rax = quotient, rdx = remainder
];

function clockGettime(): Func {
  const code = [
    0x83, 0xff, 0x00, 0x74, 0x2c, //  cmp edi, CLOCK_REALTIME; je real
    0x83, 0xff, 0x05, 0x74, 0x27, //  cmp edi, CLOCK_REALTIME_COARSE; je real
    0x83, 0xff, 0x01, 0x74, 0x17, //  cmp edi, CLOCK_MONOTONIC; je mono
    0x83, 0xff, 0x04, 0x74, 0x12, //  cmp edi, CLOCK_MONOTONIC_RAW; je mono
    0x83, 0xff, 0x06, 0x74, 0x0d, //  cmp edi, CLOCK_MONOTONIC_COARSE; je mono
    0x83, 0xff, 0x07, 0x74, 0x08, //  cmp edi, CLOCK_BOOTTIME; je mono
    0xb8, 0xe4, 0x00, 0x00, 0x00, //  mov eax, 228 (clock_gettime)
    0x0f, 0x05, //                    syscall
    0xc3, //                          ret
    ...rdtscNs, //                    mono: (offset 38)
    0xeb, 0x10, //                    jmp split
    ...rdtscNs, //                    real: (offset 49)
    ...addRealtime, //                (offset 58)
    ...divBy(1_000_000_000), //       split: (offset 65) rax = s, rdx = ns
    0x48, 0x89, 0x06, //              mov [rsi], rax
    0x48, 0x89, 0x56, 0x08, //        mov [rsi + 8], rdx
    0x31, 0xc0, //                    xor eax, eax
    0xc3, //                          ret
  ];
  return { name: '__vdso_clock_gettime', code, vvarDisp: 58 + 3 };
}

function gettimeofday(): Func {
  const code = [
    0x48, 0x85, 0xf6, //                          test rsi, rsi       ; timezone?
    0x74, 0x07, //                                je notz
    0x48, 0xc7, 0x06, 0x00, 0x00, 0x00, 0x00, //  mov qword [rsi], 0
    0x48, 0x85, 0xff, //                          notz: test rdi, rdi
    0x74, 0x2f, //                                je done
    ...rdtscNs,
    ...addRealtime, //                            (offset 26)
    ...divBy(1000), //                            rax = microseconds
    0x31, 0xd2, //                                xor edx, edx
    0x48, 0xc7, 0xc1, 0x40, 0x42, 0x0f, 0x00, //  mov rcx, 1000000
    0x48, 0xf7, 0xf1, //                          div rcx             ; rax = s, rdx = us
    0x48, 0x89, 0x07, //                          mov [rdi], rax
    0x48, 0x89, 0x57, 0x08, //                    mov [rdi + 8], rdx
    0x31, 0xc0, //                                done: xor eax, eax
    0xc3, //                                      ret
  ];
  return { name: '__vdso_gettimeofday', code, vvarDisp: 26 + 3 };
}

function time(): Func {
  const code = [
    ...rdtscNs,
    ...addRealtime, //              (offset 9)
    ...divBy(1_000_000_000), //     rax = seconds
    0x48, 0x85, 0xff, //            test rdi, rdi
    0x74, 0x03, //                  je out
    0x48, 0x89, 0x07, //            mov [rdi], rax
    0xc3, //                        out: ret
  ];
  return { name: '__vdso_time', code, vvarDisp: 9 + 3 };
}

function getcpu(): Func {
  const code = [
    0x48, 0x85, 0xff, 0x74, 0x06, //              test rdi, rdi; je +6
    0xc7, 0x07, 0x00, 0x00, 0x00, 0x00, //        mov dword [rdi], 0   ; cpu 0
    0x48, 0x85, 0xf6, 0x74, 0x06, //              test rsi, rsi; je +6
    0xc7, 0x06, 0x00, 0x00, 0x00, 0x00, //        mov dword [rsi], 0   ; node 0
    0x31, 0xc0, //                                xor eax, eax
    0xc3, //                                      ret
  ];
  return { name: '__vdso_getcpu', code, vvarDisp: -1 };
}

function clockGetres(): Func {
  const code = [
    0x83, 0xff, 0x07, 0x77, 0x21, //                cmp edi, 7; ja sys       ; only the clocks served above (and 2, 3)
    0x83, 0xff, 0x05, 0x74, 0x24, //                cmp edi, CLOCK_REALTIME_COARSE; je coarse
    0x83, 0xff, 0x06, 0x74, 0x1f, //                cmp edi, CLOCK_MONOTONIC_COARSE; je coarse
    0x48, 0x85, 0xf6, 0x74, 0x0f, //                test rsi, rsi; je ok
    0x48, 0xc7, 0x06, 0x00, 0x00, 0x00, 0x00, //    mov qword [rsi], 0
    0x48, 0xc7, 0x46, 0x08, 0x01, 0x00, 0x00, 0x00, // mov qword [rsi + 8], 1  ; 1 ns
    0x31, 0xc0, //                                  ok: xor eax, eax
    0xc3, //                                        ret
    0xb8, 0xe5, 0x00, 0x00, 0x00, //                sys: mov eax, 229 (clock_getres)
    0x0f, 0x05, //                                  syscall
    0xc3, //                                        ret
    0x48, 0x85, 0xf6, 0x74, 0xf0, //                coarse: test rsi, rsi; je ok
    0x48, 0xc7, 0x06, 0x00, 0x00, 0x00, 0x00, //    mov qword [rsi], 0
    0x48, 0xc7, 0x46, 0x08, 0x00, 0x09, 0x3d, 0x00, // mov qword [rsi + 8], 4000000  ; 4 ms
    0xeb, 0xdf, //                                  jmp ok
  ];
  return { name: '__vdso_clock_getres', code, vvarDisp: -1 };
}

export interface VdsoImage { bytes: Uint8Array; size: number }

// The ELF hash (DT_HASH, and the version hashes of .gnu.version_d).
export function elfHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) {
    h = ((h << 4) + name.charCodeAt(i)) >>> 0;
    const g = h & 0xf0000000;
    if (g) h ^= g >>> 24;
    h &= ~g >>> 0;
  }
  return h >>> 0;
}

const SONAME = 'linux-vdso.so.1', VERSION = 'LINUX_2.6';
const LINUX_VERSION_CODE = (6 << 16) | (1 << 8); // 6.1.0, as uname reports

// The vDSO image, laid out as Linux's: .hash, .dynsym, .dynstr, .gnu.version, .gnu.version_d,
// .dynamic, .note, .eh_frame_hdr, .eh_frame, .text, then the section headers. Every function is
// exported twice, as __vdso_NAME (global) and NAME (weak), both at version LINUX_2.6 (Go's runtime
// looks them up by version; glibc and musl by name). [vvar] is the page just below the image.
export function buildVdso(): VdsoImage {
  const funcs = [clockGettime(), gettimeofday(), time(), getcpu(), clockGetres()];
  // strings: the dynamic string table
  const strtab: number[] = [0];
  const str = new Map<string, number>();
  const intern = (n: string) => {
    let o = str.get(n);
    if (o === undefined) { o = strtab.length; str.set(n, o); for (const c of n) strtab.push(c.charCodeAt(0)); strtab.push(0); }
    return o;
  };
  intern(SONAME);
  // symbols: 0 undefined; each function global and weak; the version's own ABS symbol
  interface Sym { name: string; bind: number; type: number; shndx: number; func?: number }
  const TEXT_SHNDX = 10, SHN_ABS = 0xfff1;
  const syms: Sym[] = [{ name: '', bind: 0, type: 0, shndx: 0 }];
  funcs.forEach((f, i) => {
    syms.push({ name: f.name, bind: 1, type: 2, shndx: TEXT_SHNDX, func: i });
    syms.push({ name: f.name.replace('__vdso_', ''), bind: 2, type: 2, shndx: TEXT_SHNDX, func: i });
  });
  syms.push({ name: VERSION, bind: 1, type: 1, shndx: SHN_ABS });
  for (const sym of syms) if (sym.name) intern(sym.name);
  const nsym = syms.length;

  const sections: { name: string; type: number; flags: number; off: number; size: number; link?: number; info?: number; align: number; entsize?: number }[] = [];
  let o = 64 + 4 * 56; // ELF header, 4 program headers
  const place = (name: string, type: number, size: number, align: number, extra: { flags?: number; link?: number; info?: number; entsize?: number } = {}) => {
    o = (o + align - 1) & ~(align - 1);
    const sec = { name, type, flags: extra.flags ?? 2 /* SHF_ALLOC */, off: o, size, link: extra.link, info: extra.info, align, entsize: extra.entsize };
    sections.push(sec);
    o += size;
    return sec;
  };
  const hash = place('.hash', 5, (2 + 1 + nsym) * 4, 8, { link: 2, entsize: 4 });
  const dynsym = place('.dynsym', 11, nsym * 24, 8, { link: 3, info: 1, entsize: 24 });
  const dynstr = place('.dynstr', 3, strtab.length, 1);
  const versym = place('.gnu.version', 0x6fffffff, nsym * 2, 2, { link: 2, entsize: 2 });
  const verdef = place('.gnu.version_d', 0x6ffffffd, 2 * 28, 8, { link: 3, info: 2 });
  const dynEntries = 10;
  const dynamic = place('.dynamic', 6, dynEntries * 16, 8, { flags: 3, link: 3, entsize: 16 });
  const note = place('.note', 7, 12 + 8 + 4, 4); // "Linux" note: the kernel version code
  const ehHdr = place('.eh_frame_hdr', 1, 12, 4);
  const ehFrame = place('.eh_frame', 1, 4, 8);
  const offsets: number[] = [];
  o = (o + 31) & ~31;
  const textStart = o;
  for (const f of funcs) { offsets.push(o); o += (f.code.length + 15) & ~15; }
  const text = { name: '.text', type: 1, flags: 6 /* ALLOC | EXECINSTR */, off: textStart, size: o - textStart, align: 32 };
  sections.push(text);
  const loadEnd = o;
  const shstrNames = ['', ...sections.map((x) => x.name), '.shstrtab'];
  const shstr: number[] = [0];
  const shName = new Map<string, number>();
  for (const n of shstrNames.slice(1)) { shName.set(n, shstr.length); for (const c of n) shstr.push(c.charCodeAt(0)); shstr.push(0); }
  const shstrtab = { name: '.shstrtab', type: 3, flags: 0, off: loadEnd, size: shstr.length, align: 1 };
  sections.push(shstrtab);
  const SHOFF = (loadEnd + shstr.length + 7) & ~7;
  const nsec = sections.length + 1;
  const size = SHOFF + nsec * 64;

  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  // ELF header
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  dv.setUint16(16, 3, true); // ET_DYN
  dv.setUint16(18, 62, true); // EM_X86_64
  dv.setUint32(20, 1, true);
  dv.setBigUint64(32, 64n, true); // e_phoff
  dv.setBigUint64(40, BigInt(SHOFF), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, 4, true);
  dv.setUint16(58, 64, true);
  dv.setUint16(60, nsec, true);
  dv.setUint16(62, nsec - 1, true); // .shstrtab is last
  const ph = (i: number, type: number, flags: number, off: number, len: number, align: number) => {
    const p = 64 + i * 56;
    dv.setUint32(p, type, true); dv.setUint32(p + 4, flags, true);
    dv.setBigUint64(p + 8, BigInt(off), true); dv.setBigUint64(p + 16, BigInt(off), true); dv.setBigUint64(p + 24, BigInt(off), true);
    dv.setBigUint64(p + 32, BigInt(len), true); dv.setBigUint64(p + 40, BigInt(len), true);
    dv.setBigUint64(p + 48, BigInt(align), true);
  };
  ph(0, 1, 5, 0, loadEnd, 4096); // PT_LOAD, R X
  ph(1, 2, 4, dynamic.off, dynamic.size, 8); // PT_DYNAMIC
  ph(2, 4, 4, note.off, note.size, 4); // PT_NOTE
  ph(3, 0x6474e550, 4, ehHdr.off, ehHdr.size, 4); // PT_GNU_EH_FRAME
  // .hash: one bucket, symbols chained 1 → 2 → …
  dv.setUint32(hash.off, 1, true);
  dv.setUint32(hash.off + 4, nsym, true);
  dv.setUint32(hash.off + 8, 1, true);
  for (let i = 1; i < nsym; i++) dv.setUint32(hash.off + 12 + i * 4, i + 1 < nsym ? i + 1 : 0, true);
  // .dynsym and .gnu.version (every defined symbol at version index 2, LINUX_2.6)
  syms.forEach((sym, i) => {
    const e = dynsym.off + i * 24;
    dv.setUint32(e, sym.name ? str.get(sym.name)! : 0, true);
    b[e + 4] = (sym.bind << 4) | sym.type;
    dv.setUint16(e + 6, sym.shndx, true);
    if (sym.func !== undefined) {
      dv.setBigUint64(e + 8, BigInt(offsets[sym.func]), true);
      dv.setBigUint64(e + 16, BigInt(funcs[sym.func].code.length), true);
    }
    dv.setUint16(versym.off + i * 2, i === 0 ? 0 : 2, true);
  });
  b.set(strtab, dynstr.off);
  // .gnu.version_d: the base (the soname, index 1) and LINUX_2.6 (index 2), each with one name
  const vd = (at: number, flags: number, ndx: number, name: string, next: number) => {
    dv.setUint16(at, 1, true); // vd_version
    dv.setUint16(at + 2, flags, true);
    dv.setUint16(at + 4, ndx, true);
    dv.setUint16(at + 6, 1, true); // vd_cnt
    dv.setUint32(at + 8, elfHash(name), true);
    dv.setUint32(at + 12, 20, true); // vd_aux: the Verdaux right after
    dv.setUint32(at + 16, next, true);
    dv.setUint32(at + 20, str.get(name)!, true); // vda_name
    dv.setUint32(at + 24, 0, true); // vda_next
  };
  vd(verdef.off, 1 /* VER_FLG_BASE */, 1, SONAME, 28);
  vd(verdef.off + 28, 0, 2, VERSION, 0);
  // .dynamic
  const dyn = [[14, str.get(SONAME)!], [4, hash.off], [5, dynstr.off], [6, dynsym.off], [10, strtab.length], [11, 24],
    [0x6ffffffc, verdef.off], [0x6ffffffd, 2], [0x6ffffff0, versym.off], [0, 0]];
  dyn.forEach(([tag, val], i) => { dv.setBigUint64(dynamic.off + i * 16, BigInt(tag), true); dv.setBigUint64(dynamic.off + i * 16 + 8, BigInt(val), true); });
  // .note: owner "Linux", type 0, the version code
  dv.setUint32(note.off, 6, true); dv.setUint32(note.off + 4, 4, true); dv.setUint32(note.off + 8, 0, true);
  b.set([0x4c, 0x69, 0x6e, 0x75, 0x78, 0], note.off + 12);
  dv.setUint32(note.off + 20, LINUX_VERSION_CODE, true);
  // .eh_frame_hdr: version 1, eh_frame_ptr pcrel sdata4, fde_count udata4, table datarel sdata4; no FDEs
  b.set([1, 0x1b, 0x03, 0x3b], ehHdr.off);
  dv.setInt32(ehHdr.off + 4, ehFrame.off - (ehHdr.off + 4), true);
  // .eh_frame: just the zero terminator (already zero)
  // .text, with the [vvar] displacements: vvar is at image offset -4096
  funcs.forEach((f, i) => {
    b.set(f.code, offsets[i]);
    if (f.vvarDisp >= 0) {
      const next = offsets[i] + f.vvarDisp + 4;
      dv.setInt32(offsets[i] + f.vvarDisp, -4096 + VVAR_REALTIME_OFFSET - next, true);
    }
  });
  b.set(shstr, shstrtab.off);
  // section headers (index 0 empty)
  sections.forEach((sec, i) => {
    const h = SHOFF + (i + 1) * 64;
    dv.setUint32(h, shName.get(sec.name)!, true);
    dv.setUint32(h + 4, sec.type, true);
    dv.setBigUint64(h + 8, BigInt(sec.flags), true);
    dv.setBigUint64(h + 16, BigInt(sec.flags & 2 ? sec.off : 0), true); // sh_addr
    dv.setBigUint64(h + 24, BigInt(sec.off), true);
    dv.setBigUint64(h + 32, BigInt(sec.size), true);
    dv.setUint32(h + 40, 'link' in sec && sec.link !== undefined ? sec.link : 0, true);
    dv.setUint32(h + 44, 'info' in sec && sec.info !== undefined ? sec.info : 0, true);
    dv.setBigUint64(h + 48, BigInt(sec.align), true);
    dv.setBigUint64(h + 56, BigInt('entsize' in sec && sec.entsize !== undefined ? sec.entsize : 0), true);
  });
  return { bytes: b, size };
}

// The [vvar] page: the real-time clock's offset from the monotonic one.
export function vvarPage(realtimeOffsetNs: bigint): Uint8Array {
  const p = new Uint8Array(4096);
  new DataView(p.buffer).setBigInt64(VVAR_REALTIME_OFFSET, realtimeOffsetNs, true);
  return p;
}
