// SSE/SSE2: XMM register access, data movement, logic, shuffles and unpacks.
// Arithmetic: sse-int.ts (integer) and sse-fp.ts (floating point, conversions).
// Legacy SSE encodings touch only the low 128 bits of a register (+0..+15).
import { dReg, dRm, dIsMem, dOsz, dImm, dFlags, F_ASZ32, stopped, getReg, setReg64, reg64, exitWith } from '../cpu';
import { ea, readE, writeE, segBase } from '../operand';
import { rd16, rd32, rd64, wr32, wr64, wr8, probeW } from '../mem';
import { S_XMM, S_MXCSR, EXIT_GP, EXIT_FPE } from '../generated/layout';

// @ts-ignore: decorator
@inline export function xmm(r: u32): usize { return S_XMM + (r << 5); }

// Scratch vectors (16-byte aligned).
export const tmpA = memory.data(16, 16);
export const tmpB = memory.data(16, 16);

// MXCSR exception flags (same bit positions as the x87 status word).
export const MX_IE: u32 = 1, MX_DE: u32 = 2, MX_ZE: u32 = 4, MX_OE: u32 = 8, MX_UE: u32 = 0x10, MX_PE: u32 = 0x20;
// @ts-ignore: decorator
@inline export function mxcsrRC(): u32 { return (load<u32>(S_MXCSR) >> 13) & 3; }
// @ts-ignore: decorator
@inline export function mxRaise(f: u32): void {
  const mx = load<u32>(S_MXCSR);
  store<u32>(S_MXCSR, mx | f);
  // an exception its mask (bits 7-12) does not mask: #XM at this instruction (SIGFPE)
  if (f & ~(mx >> 7) & 0x3f) exitWith(EXIT_FPE, false);
}

// Legacy SSE m128 operands must be 16-byte aligned (#GP otherwise), except for
// MOVUPS/MOVUPD/MOVDQU and MASKMOVDQU.
// @ts-ignore: decorator
@inline function misaligned(a: u64): bool {
  if (<u32>a & 15) { exitWith(EXIT_GP, false); return true; }
  return false;
}
// Load the 128-bit W operand (register or memory) into `out`; false on fault.
export function loadW128(d: usize, out: usize, align: bool = true): bool {
  if (dIsMem(d)) {
    const a = ea(d);
    if (align && misaligned(a)) return false;
    const lo = rd64(a), hi = rd64(a + 8);
    if (stopped()) return false;
    store<u64>(out, lo);
    store<u64>(out, hi, 8);
  } else {
    v128.store(out, v128.load(xmm(dRm(d))));
  }
  return true;
}
// The (aligned) W operand as a vector; check stopped() after a memory read.
// @ts-ignore: decorator
@inline export function readW128(d: usize): v128 {
  if (dIsMem(d)) {
    const a = ea(d);
    if (misaligned(a)) return i32x4.splat(0);
    const lo = rd64(a), hi = rd64(a + 8);
    return i64x2.replace_lane(i64x2.splat(<i64>lo), 1, <i64>hi);
  }
  return v128.load(xmm(dRm(d)));
}
// Low 64 / 32 bits of the W operand (a memory operand reads only that much).
// @ts-ignore: decorator
@inline export function readW64(d: usize): u64 {
  if (dIsMem(d)) return rd64(ea(d));
  return load<u64>(xmm(dRm(d)));
}
// @ts-ignore: decorator
@inline export function readW32(d: usize): u32 {
  if (dIsMem(d)) return <u32>rd32(ea(d));
  return load<u32>(xmm(dRm(d)));
}
export function storeW128(d: usize, src: usize, align: bool = true): void {
  if (dIsMem(d)) {
    const a = ea(d);
    if (align && misaligned(a)) return;
    if (!probeW(a, 16)) return;
    wr64(a, load<u64>(src));
    wr64(a + 8, load<u64>(src, 8));
  } else {
    v128.store(xmm(dRm(d)), v128.load(src));
  }
}

// --- moves ---------------------------------------------------------------------
// MOVUPS/MOVUPD/MOVDQU (align = 0), MOVAPS/MOVAPD/MOVDQA, MOVNTPS/MOVNTPD/MOVNTDQ (align = 1)
export function h_movups_VW(d: usize, align: u32): void { loadW128(d, xmm(dReg(d)), align != 0); }
export function h_movups_WV(d: usize, align: u32): void { storeW128(d, xmm(dReg(d)), align != 0); }

// MOVSS (sd = 0) / MOVSD (sd = 1) xmm, xmm/m: a register source merges the low
// element, a memory source zero-extends.
export function h_movss_VW(d: usize, sd: u32): void {
  const r = xmm(dReg(d));
  if (dIsMem(d)) {
    const a = ea(d);
    if (sd) {
      const v = rd64(a);
      if (stopped()) return;
      store<u64>(r, v);
      store<u64>(r, 0, 8);
    } else {
      const v = rd32(a);
      if (stopped()) return;
      v128.store(r, i32x4.replace_lane(i32x4.splat(0), 0, <i32>v));
    }
  } else {
    const s = xmm(dRm(d));
    if (sd) store<u64>(r, load<u64>(s));
    else store<u32>(r, load<u32>(s));
  }
}
export function h_movss_WV(d: usize, sd: u32): void {
  const r = xmm(dReg(d));
  if (dIsMem(d)) {
    if (sd) wr64(ea(d), load<u64>(r));
    else wr32(ea(d), load<u32>(r));
  } else {
    const s = xmm(dRm(d));
    if (sd) store<u64>(s, load<u64>(r));
    else store<u32>(s, load<u32>(r));
  }
}
// MOVLPS/MOVLPD (hi = 0), MOVHPS/MOVHPD (hi = 1): xmm half <- m64.
export function h_movlps_VM(d: usize, hi: u32): void {
  const v = rd64(ea(d));
  if (stopped()) return;
  store<u64>(xmm(dReg(d)) + (hi << 3), v);
}
// m64 <- xmm half
export function h_movlps_MV(d: usize, hi: u32): void {
  wr64(ea(d), load<u64>(xmm(dReg(d)) + (hi << 3)));
}
// MOVHLPS: low <- high of the source; MOVLHPS: high <- low of the source.
export function h_movhlps(d: usize): void { store<u64>(xmm(dReg(d)), load<u64>(xmm(dRm(d)), 8)); }
export function h_movlhps(d: usize): void { store<u64>(xmm(dReg(d)), load<u64>(xmm(dRm(d))), 8); }

// MOVD/MOVQ xmm, r/m32/64 (66 0F 6E): zero-extends to 128 bits.
export function h_movd_VE(d: usize): void {
  const osz: u32 = dOsz(d) == 3 ? 3 : 2;
  const v = readE(d, osz);
  if (stopped()) return;
  const r = xmm(dReg(d));
  store<u64>(r, v);
  store<u64>(r, 0, 8);
}
// MOVD/MOVQ r/m32/64, xmm (66 0F 7E)
export function h_movd_EV(d: usize): void {
  const osz: u32 = dOsz(d) == 3 ? 3 : 2;
  writeE(d, osz, load<u64>(xmm(dReg(d))));
}
// MOVQ xmm, xmm/m64 (F3 0F 7E): zero-extends.
export function h_movq_VW(d: usize): void {
  const v = readW64(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  store<u64>(r, v);
  store<u64>(r, 0, 8);
}
// MOVQ xmm/m64, xmm (66 0F D6): a register destination is zero-extended.
export function h_movq_WV(d: usize): void {
  const v = load<u64>(xmm(dReg(d)));
  if (dIsMem(d)) { wr64(ea(d), v); return; }
  const r = xmm(dRm(d));
  store<u64>(r, v);
  store<u64>(r, 0, 8);
}
// MOVNTI m32/64, r32/64
export function h_movnti(d: usize): void {
  const osz: u32 = dOsz(d) == 3 ? 3 : 2;
  writeE(d, osz, getReg(dReg(d), osz));
}
// MOVMSKPS (k = 0), MOVMSKPD (1), PMOVMSKB (2): r32/64 <- sign bits of xmm.
export function h_movmsk(d: usize, k: u32): void {
  const v = v128.load(xmm(dRm(d)));
  let m: i32;
  if (k == 0) m = i32x4.bitmask(v);
  else if (k == 1) m = i64x2.bitmask(v);
  else m = i8x16.bitmask(v);
  setReg64(dReg(d), <u64><u32>m);
}
// MASKMOVDQU xmm1, xmm2: bytes of xmm1 whose mask byte (xmm2) has its top bit set go to DS:[rDI].
export function h_maskmovdqu(d: usize): void {
  const src = xmm(dReg(d)), msk = xmm(dRm(d));
  const bits = <u32>i8x16.bitmask(v128.load(msk));
  if (!bits) return;
  let a = reg64(7);
  if (dFlags(d) & F_ASZ32) a &= 0xffffffff;
  a += segBase(d);
  const first = ctz<u32>(bits), last: u32 = 31 - clz<u32>(bits);
  if (!probeW(a + first, last - first + 1)) return;
  for (let i: u32 = first; i <= last; i++) {
    if ((bits >> i) & 1) wr8(a + i, <u64>load<u8>(src + i));
  }
}

// --- logic -----------------------------------------------------------------------
// AND (k = 0), ANDN (1: ~dest & src), OR (2), XOR (3): PS/PD and PAND/PANDN/POR/PXOR.
export function h_plogic(d: usize, k: u32): void {
  const s = readW128(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  const a = v128.load(r);
  let v: v128;
  if (k == 0) v = v128.and(a, s);
  else if (k == 1) v = v128.andnot(s, a);
  else if (k == 2) v = v128.or(a, s);
  else v = v128.xor(a, s);
  v128.store(r, v);
}

// --- shuffles and unpacks -----------------------------------------------------------
// SHUFPS xmm, xmm/m128, imm8
export function h_shufps(d: usize): void {
  if (!loadW128(d, tmpB)) return;
  const r = xmm(dReg(d));
  const imm = <u32>dImm(d);
  const a0 = load<u32>(r + ((imm & 3) << 2)), a1 = load<u32>(r + (((imm >> 2) & 3) << 2));
  const b0 = load<u32>(tmpB + (((imm >> 4) & 3) << 2)), b1 = load<u32>(tmpB + (((imm >> 6) & 3) << 2));
  store<u32>(r, a0); store<u32>(r, a1, 4); store<u32>(r, b0, 8); store<u32>(r, b1, 12);
}
// SHUFPD xmm, xmm/m128, imm8
export function h_shufpd(d: usize): void {
  if (!loadW128(d, tmpB)) return;
  const r = xmm(dReg(d));
  const imm = <u32>dImm(d);
  const a = load<u64>(r + ((imm & 1) << 3)), b = load<u64>(tmpB + (((imm >> 1) & 1) << 3));
  store<u64>(r, a); store<u64>(r, b, 8);
}
// Interleaves: 0 PUNPCKLBW, 1 PUNPCKLWD, 2 PUNPCKLDQ/UNPCKLPS, 3 PUNPCKLQDQ/UNPCKLPD,
// 4 PUNPCKHBW, 5 PUNPCKHWD, 6 PUNPCKHDQ/UNPCKHPS, 7 PUNPCKHQDQ/UNPCKHPD.
export function h_punpck(d: usize, k: u32): void {
  const b = readW128(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  const a = v128.load(r);
  let v: v128;
  switch (k) {
    case 0: v = i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23); break;
    case 1: v = i8x16.shuffle(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23); break;
    case 2: v = i8x16.shuffle(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23); break;
    case 3: v = i8x16.shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23); break;
    case 4: v = i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31); break;
    case 5: v = i8x16.shuffle(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31); break;
    case 6: v = i8x16.shuffle(a, b, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31); break;
    default: v = i8x16.shuffle(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31); break;
  }
  v128.store(r, v);
}
// PSHUFD (k = 0), PSHUFLW (1), PSHUFHW (2) xmm, xmm/m128, imm8
export function h_pshufd(d: usize, k: u32): void {
  if (!loadW128(d, tmpB)) return;
  const r = xmm(dReg(d));
  const imm = <u32>dImm(d);
  if (k == 0) {
    for (let i: u32 = 0; i < 4; i++) store<u32>(r + (i << 2), load<u32>(tmpB + (((imm >> (i << 1)) & 3) << 2)));
  } else {
    const base: u32 = k == 1 ? 0 : 8; // the shuffled quadword; the other is copied
    store<u64>(r + (8 - base), load<u64>(tmpB + (8 - base)));
    for (let i: u32 = 0; i < 4; i++) store<u16>(r + base + (i << 1), load<u16>(tmpB + base + (((imm >> (i << 1)) & 3) << 1)));
  }
}
// PINSRW xmm, r32/m16, imm8
export function h_pinsrw(d: usize): void {
  let v: u64;
  if (dIsMem(d)) { v = rd16(ea(d)); if (stopped()) return; }
  else v = getReg(dRm(d), 1);
  store<u16>(xmm(dReg(d)) + ((<u32>dImm(d) & 7) << 1), <u16>v);
}
// PEXTRW r32/64, xmm, imm8
export function h_pextrw(d: usize): void {
  setReg64(dReg(d), <u64>load<u16>(xmm(dRm(d)) + ((<u32>dImm(d) & 7) << 1)));
}
