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

export interface VdsoImage { bytes: Uint8Array; size: number }

// The vDSO image; [vvar] is the page just below it.
export function buildVdso(): VdsoImage {
  const funcs = [clockGettime(), gettimeofday(), time(), getcpu()];
  const names = ['', ...funcs.map((f) => f.name), 'linux-vdso.so.1'];
  const strtab: number[] = [0];
  const nameOff: number[] = [0];
  for (const n of names.slice(1)) { nameOff.push(strtab.length); for (const c of n) strtab.push(c.charCodeAt(0)); strtab.push(0); }
  const nsym = funcs.length + 1;
  // layout: ehdr 64, 3 phdrs, hash, dynsym, dynstr, dynamic, eh_frame_hdr + eh_frame, text
  const PH = 64, NPH = 3, HASH = PH + NPH * 56;
  const hashWords = 2 + 1 + nsym;
  const DYNSYM = (HASH + hashWords * 4 + 7) & ~7;
  const DYNSTR = DYNSYM + nsym * 24;
  const DYNAMIC = (DYNSTR + strtab.length + 7) & ~7;
  const dynEntries = 7;
  const EH = (DYNAMIC + dynEntries * 16 + 7) & ~7; // .eh_frame_hdr (12 bytes) then an empty .eh_frame
  const TEXT = (EH + 16 + 15) & ~15;
  const offsets: number[] = [];
  let o = TEXT;
  for (const f of funcs) { offsets.push(o); o += (f.code.length + 15) & ~15; }
  const size = o;
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  // ELF header
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  dv.setUint16(16, 3, true); // ET_DYN
  dv.setUint16(18, 62, true); // EM_X86_64
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, 0n, true);
  dv.setBigUint64(32, BigInt(PH), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, NPH, true);
  dv.setUint16(58, 64, true);
  // PT_LOAD (R X) over the whole image; PT_DYNAMIC
  const ph = (i: number, type: number, flags: number, off: number, len: number) => {
    const p = PH + i * 56;
    dv.setUint32(p, type, true); dv.setUint32(p + 4, flags, true);
    dv.setBigUint64(p + 8, BigInt(off), true); dv.setBigUint64(p + 16, BigInt(off), true); dv.setBigUint64(p + 24, BigInt(off), true);
    dv.setBigUint64(p + 32, BigInt(len), true); dv.setBigUint64(p + 40, BigInt(len), true);
    dv.setBigUint64(p + 48, BigInt(type === 1 ? 4096 : 8), true);
  };
  ph(0, 1, 5, 0, size);
  ph(1, 2, 4, DYNAMIC, dynEntries * 16);
  ph(2, 0x6474e550, 4, EH, 12); // PT_GNU_EH_FRAME
  // .eh_frame_hdr: version 1, eh_frame_ptr pcrel sdata4, fde_count udata4, table datarel sdata4; no FDEs
  b.set([1, 0x1b, 0x03, 0x3b], EH);
  dv.setInt32(EH + 4, (EH + 12) - (EH + 4), true);
  dv.setUint32(EH + 8, 0, true);
  // .eh_frame: just the zero terminator (already zero)
  // DT_HASH: one bucket, symbols chained 1 → 2 → …
  dv.setUint32(HASH, 1, true);
  dv.setUint32(HASH + 4, nsym, true);
  dv.setUint32(HASH + 8, 1, true);
  for (let i = 1; i < nsym; i++) dv.setUint32(HASH + 12 + i * 4, i + 1 < nsym ? i + 1 : 0, true);
  // symbols: global functions
  funcs.forEach((f, i) => {
    const s = DYNSYM + (i + 1) * 24;
    dv.setUint32(s, nameOff[i + 1], true);
    b[s + 4] = (1 << 4) | 2; // STB_GLOBAL, STT_FUNC
    dv.setUint16(s + 6, 1, true); // a defined section
    dv.setBigUint64(s + 8, BigInt(offsets[i]), true);
    dv.setBigUint64(s + 16, BigInt(f.code.length), true);
  });
  b.set(strtab, DYNSTR);
  const soname = nameOff[names.length - 1];
  const dyn = [[14, soname], [4, HASH], [5, DYNSTR], [6, DYNSYM], [10, strtab.length], [11, 24], [0, 0]];
  dyn.forEach(([tag, val], i) => { dv.setBigUint64(DYNAMIC + i * 16, BigInt(tag), true); dv.setBigUint64(DYNAMIC + i * 16 + 8, BigInt(val), true); });
  // code, with [vvar] displacements: vvar is at image offset -4096
  funcs.forEach((f, i) => {
    b.set(f.code, offsets[i]);
    if (f.vvarDisp >= 0) {
      const next = offsets[i] + f.vvarDisp + 4;
      dv.setInt32(offsets[i] + f.vvarDisp, -4096 + VVAR_REALTIME_OFFSET - next, true);
    }
  });
  return { bytes: b, size };
}

// The [vvar] page: the real-time clock's offset from the monotonic one.
export function vvarPage(realtimeOffsetNs: bigint): Uint8Array {
  const p = new Uint8Array(4096);
  new DataView(p.buffer).setBigInt64(VVAR_REALTIME_OFFSET, realtimeOffsetNs, true);
  return p;
}
