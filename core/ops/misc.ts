// System and miscellaneous: SYSCALL, UD2, INT3, HLT, privileged instructions, CPUID, RDTSC,
// RDRAND, CMPXCHG, CMPXCHG8B/16B, XADD, CRC32, MXCSR and FXSAVE state.
import {
  dOp, dOsz, dReg, dRm, dIsMem, getReg, setReg, reg64, setReg64, stopped, exitWith, nextRip, materialize,
  setLazy, setSomeFlags, LF_SUB, LF_ADD, ZF, sizeMask, dImm,
} from '../cpu';
import { ea, readE } from '../operand';
import { rdN, wrN, rd64, wr64, rd32, wr32, rd16, wr16, rd8, wr8, probeW, probeR } from '../mem';
import {
  S_EXIT_OP, S_ICOUNT, S_MXCSR, S_FPU_CW, S_FPU_SW, S_FPU_TOP, S_FPU_TAG, S_FPU_ST, S_XMM,
  EXIT_SYSCALL, EXIT_UD, EXIT_BREAKPOINT, EXIT_HLT, EXIT_GP,
} from '../generated/layout';

// @ts-ignore: decorator
@external("env", "random32")
declare function hostRandom32(): u32;

export function h_missing(d: usize): void {
  store<u32>(S_EXIT_OP, dOp(d));
  exitWith(EXIT_UD, false);
}
export function h_ud2(d: usize): void { h_missing(d); }
export function h_syscall(d: usize): void {
  setReg64(1, nextRip()); // the kernel's SYSCALL entry: RCX = return address, R11 = RFLAGS
  setReg64(11, materialize());
  exitWith(EXIT_SYSCALL, true);
}
export function h_int3(d: usize): void { exitWith(EXIT_BREAKPOINT, true); }
// INT n: #GP but for INT 3 (the two-byte form of INT3: a breakpoint trap, SIGTRAP)
export function h_int_I(d: usize): void {
  if (<u32>dImm(d) == 3) exitWith(EXIT_BREAKPOINT, true);
  else exitWith(EXIT_GP, false);
}
// INT1 (ICEBP, F1): a debug trap, SIGTRAP
export function h_int1(d: usize): void { exitWith(EXIT_BREAKPOINT, true); }
export function h_hlt(d: usize): void { exitWith(EXIT_HLT, false); }
export function h_privileged(d: usize): void { exitWith(EXIT_GP, false); }

// CPUID reports what the core implements, no more (the feature words: tools/cpuid.mjs).
export { CPUID1_ECX, CPUID1_EDX, CPUID7_EBX, CPUIDX1_ECX, CPUIDX1_EDX } from '../generated/cpuid';
import { CPUID1_ECX, CPUID1_EDX, CPUID7_EBX, CPUIDX1_ECX, CPUIDX1_EDX } from '../generated/cpuid';
const BRAND = 'xos virtual x86-64 processor';

function brandWord(leaf: u32, i: u32): u32 {
  const base = (leaf - 0x80000002) * 16 + i * 4;
  let w: u32 = 0;
  for (let k: u32 = 0; k < 4; k++) {
    const idx = <i32>(base + k);
    const c: u32 = idx < BRAND.length ? <u32>BRAND.charCodeAt(idx) : 0;
    w |= c << (k * 8);
  }
  return w;
}
export function h_cpuid(d: usize): void {
  const leaf = <u32>reg64(0), sub = <u32>reg64(1);
  let a: u32 = 0, b: u32 = 0, c: u32 = 0, dd: u32 = 0;
  if (leaf == 0) { a = 0xd; b = 0x756e6547; dd = 0x49656e69; c = 0x6c65746e; }
  else if (leaf == 1) { a = 0x000906ea; b = 0x00010800; c = CPUID1_ECX; dd = CPUID1_EDX; }
  else if (leaf == 7 && sub == 0) { b = CPUID7_EBX; }
  else if (leaf == 0xd) {
    // XSAVE state components: x87, SSE, AVX (XCR0 = 7), standard (non-compacted) format only
    if (sub == 0) { a = 7; b = 832; c = 832; }
    else if (sub == 2) { a = 256; b = 576; }
  }
  else if (leaf == 0x80000000) { a = 0x80000008; }
  else if (leaf == 0x80000001) { c = CPUIDX1_ECX; dd = CPUIDX1_EDX; }
  else if (leaf >= 0x80000002 && leaf <= 0x80000004) {
    a = brandWord(leaf, 0); b = brandWord(leaf, 1); c = brandWord(leaf, 2); dd = brandWord(leaf, 3);
  } else if (leaf == 0x80000008) { a = 0x3030; }
  setReg64(0, a); setReg64(3, b); setReg64(1, c); setReg64(2, dd);
}
// @ts-ignore: decorator
@external("env", "monotonicNs")
declare function hostMonotonicNs(): f64;
// The time-stamp counter ticks at 1 GHz: the host's monotonic clock in
// nanoseconds (the vDSO's clocks read it without a syscall).
export function h_rdtsc(d: usize): void {
  const t = <u64>hostMonotonicNs();
  setReg64(0, t & 0xffffffff);
  setReg64(2, t >> 32);
}
export function h_rdrand(d: usize): void {
  const osz = dOsz(d);
  const v = (<u64>hostRandom32() << 32) | <u64>hostRandom32();
  setReg(dRm(d), osz, v & sizeMask(osz));
  setSomeFlags(0x8d5, 1); // CF=1: a value was available; OF SF ZF AF PF cleared
}

export function h_cmpxchg(d: usize): void {
  const osz = dOsz(d);
  const acc = getReg(0, osz);
  const src = getReg(dReg(d), osz);
  if (dIsMem(d)) {
    const addr = ea(d);
    const v = rdN(addr, osz);
    if (stopped()) return;
    const eq = v == acc;
    wrN(addr, osz, eq ? src : v); // the destination is always written
    if (stopped()) return;
    setLazy(LF_SUB, osz, (acc - v) & sizeMask(osz), acc, v);
    if (!eq) setReg(0, osz, v);
  } else {
    const rm = dRm(d);
    const v = getReg(rm, osz);
    setLazy(LF_SUB, osz, (acc - v) & sizeMask(osz), acc, v);
    if (v == acc) setReg(rm, osz, src);
    else setReg(0, osz, v);
  }
}
// CMPXCHG16B m128 (REX.W): compare RDX:RAX with m128 (16-byte aligned, else #GP); equal: store RCX:RBX
export function h_cmpxchg16b(d: usize): void {
  const addr = ea(d);
  if (addr & 15) { exitWith(EXIT_GP, false); return; }
  if (!probeW(addr, 16)) return;
  const lo = rd64(addr), hi = rd64(addr + 8);
  if (lo == reg64(0) && hi == reg64(2)) {
    wr64(addr, reg64(3)); wr64(addr + 8, reg64(1));
    setSomeFlags(ZF, ZF);
  } else {
    wr64(addr, lo); wr64(addr + 8, hi); // the destination is always written
    setReg64(0, lo); setReg64(2, hi);
    setSomeFlags(ZF, 0);
  }
}
// CMPXCHG8B m64: compare EDX:EAX with m64; equal: store ECX:EBX
export function h_cmpxchg8b(d: usize): void {
  const addr = ea(d);
  if (!probeW(addr, 8)) return;
  const v = rd64(addr);
  const cmp = (reg64(2) << 32) | (reg64(0) & 0xffffffff);
  if (v == cmp) {
    wr64(addr, (reg64(1) << 32) | (reg64(3) & 0xffffffff));
    setSomeFlags(ZF, ZF);
  } else {
    wr64(addr, v);
    setReg(0, 2, v & 0xffffffff); setReg(2, 2, v >> 32);
    setSomeFlags(ZF, 0);
  }
}
export function h_xadd(d: usize): void {
  const osz = dOsz(d);
  const src = getReg(dReg(d), osz);
  if (dIsMem(d)) {
    const addr = ea(d);
    const v = rdN(addr, osz);
    if (stopped()) return;
    const r = (v + src) & sizeMask(osz);
    wrN(addr, osz, r);
    if (stopped()) return;
    setReg(dReg(d), osz, v);
    setLazy(LF_ADD, osz, r, v, src);
  } else {
    const rm = dRm(d);
    const v = getReg(rm, osz);
    const r = (v + src) & sizeMask(osz);
    setReg(dReg(d), osz, v);
    setReg(rm, osz, r);
    setLazy(LF_ADD, osz, r, v, src);
  }
}
// CRC32 (Castagnoli, reflected) over the source's bytes.
export function h_crc32(d: usize): void {
  const osz = dOsz(d); // 0 for the Eb form; else 1..3
  let src: u64;
  if (dIsMem(d)) { src = rdN(ea(d), osz); if (stopped()) return; }
  else src = osz == 0 ? getReg(dRm(d), 0) : getReg(dRm(d), osz);
  // the decoder maps reg 4..7 of a byte form without REX to AH..BH (16..19); here reg is a 32-bit GPR
  let g = dReg(d);
  if (g >= 16) g -= 12;
  let crc = <u32>reg64(g);
  const n: u32 = 1 << osz;
  for (let i: u32 = 0; i < n; i++) {
    crc ^= <u32>((src >> (i * 8)) & 0xff);
    for (let k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82f63b78 & (0 - (crc & 1)));
  }
  setReg64(g, <u64>crc);
}

export function h_ldmxcsr(d: usize): void {
  const v = rd32(ea(d));
  if (stopped()) return;
  if (v & 0xffff0000) { exitWith(EXIT_GP, false); return; }
  store<u32>(S_MXCSR, <u32>v);
}
export function h_stmxcsr(d: usize): void { wr32(ea(d), load<u32>(S_MXCSR)); }

// FXSAVE/FXRSTOR 512-byte area: x87 environment, ST0..7, MXCSR, XMM0..15.
// The legacy area (FXSAVE layout): x87 state in bytes 0..23 and 32..159, MXCSR at
// 24, XMM0..15 at 160; XSAVE/XRSTOR use the same pieces per state component.
export function saveX87(a: u64): void {
  const top = load<u32>(S_FPU_TOP);
  wr16(a, load<u32>(S_FPU_CW));
  wr16(a + 2, (load<u32>(S_FPU_SW) & ~0x3800) | (top << 11));
  // abridged tag: 1 = valid
  let tag: u32 = 0;
  const full = load<u32>(S_FPU_TAG);
  for (let i: u32 = 0; i < 8; i++) if (!((full >> i) & 1)) tag |= 1 << i;
  wr8(a + 4, tag);
  // reserved byte, FOP, FIP, FDP: not tracked, stored as zeros (as after FNINIT) rather than left unwritten
  wr8(a + 5, 0);
  wr16(a + 6, 0);
  wr64(a + 8, 0);
  wr64(a + 16, 0);
  for (let i: u32 = 0; i < 8; i++) {
    const p = S_FPU_ST + (((top + i) & 7) << 4);
    wr64(a + 32 + i * 16, load<u64>(p));
    wr64(a + 40 + i * 16, <u64>load<u16>(p, 8));
  }
}
export function saveMxcsr(a: u64): void {
  wr32(a + 24, load<u32>(S_MXCSR));
  wr32(a + 28, 0xffff);
}
export function saveXmm(a: u64): void {
  for (let i: u32 = 0; i < 16; i++) {
    wr64(a + 160 + i * 16, load<u64>(S_XMM + i * 32));
    wr64(a + 168 + i * 16, load<u64>(S_XMM + i * 32 + 8));
  }
}
export function loadX87(a: u64): void {
  store<u32>(S_FPU_CW, <u32>rd16(a));
  const sw = <u32>rd16(a + 2);
  const top = (sw >> 11) & 7;
  store<u32>(S_FPU_SW, sw & ~0x3800);
  store<u32>(S_FPU_TOP, top);
  const tag = <u32>rd8(a + 4);
  let full: u32 = 0;
  for (let i: u32 = 0; i < 8; i++) if (!((tag >> i) & 1)) full |= 1 << i;
  store<u32>(S_FPU_TAG, full);
  for (let i: u32 = 0; i < 8; i++) {
    const p = S_FPU_ST + (((top + i) & 7) << 4);
    store<u64>(p, rd64(a + 32 + i * 16));
    store<u16>(p, <u16>rd16(a + 40 + i * 16), 8);
  }
}
export function loadXmm(a: u64): void {
  for (let i: u32 = 0; i < 16; i++) {
    store<u64>(S_XMM + i * 32, rd64(a + 160 + i * 16));
    store<u64>(S_XMM + i * 32 + 8, rd64(a + 168 + i * 16));
  }
}
export function h_fxsave(d: usize): void {
  const a = ea(d);
  if (a & 15) { exitWith(EXIT_GP, false); return; }
  if (!probeW(a, 512)) return;
  saveX87(a);
  saveMxcsr(a);
  saveXmm(a);
}
export function h_fxrstor(d: usize): void {
  const a = ea(d);
  if (a & 15) { exitWith(EXIT_GP, false); return; }
  if (!probeR(a, 512)) return;
  const mx = <u32>rd32(a + 24);
  if (mx & 0xffff0000) { exitWith(EXIT_GP, false); return; }
  loadX87(a);
  store<u32>(S_MXCSR, mx);
  loadXmm(a);
}
