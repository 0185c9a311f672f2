// MMX: the 64-bit integer SIMD instructions on MM0..MM7 (NP forms of the SSE2 integer
// opcodes, plus the SSE-era MMX extensions), EMMS, and the MMX<->XMM moves and conversions.
//
// MMn is the significand (low 64 bits) of PHYSICAL x87 register Rn (not ST(n)).
// Every MMX instruction except EMMS switches the FPU to MMX mode: TOP = 0 and all
// tags valid (FPU_TAG = 0). Writing MMn also sets Rn's sign/exponent to all ones.
// EMMS marks all registers empty. The mode switch is done once the instruction can no
// longer fault, so a faulting instruction leaves the x87 state untouched.
// REX.R/REX.B do not extend MMX register numbers (only XMM/GPR operands).
//
// The lane operations reuse the 128-bit ones of sse-int.ts on vectors whose low
// quadword is the MMX operand.
import { dReg, dRm, dIsMem, dOsz, dImm, dFlags, F_ASZ32, stopped, getReg, setReg64, reg64 } from '../cpu';
import { ea, readE, writeE, segBase } from '../operand';
import { rd16, rd32, rd64, wr64, wr8, probeW } from '../mem';
import { S_FPU_TOP, S_FPU_TAG, S_FPU_ST, S_MXCSR } from '../generated/layout';
import { xmm, readW128, readW64 } from './sse';
import { pintV, shiftV } from './sse-int';
import { K_PACKSSWB } from '../generated/lanes';
import { toInt, i64ToF32 } from './sse-fp';

// @ts-ignore: decorator
@inline function mm(r: u32): usize { return S_FPU_ST + ((r & 7) << 4); }
// Enter MMX mode: TOP = 0, all tags valid.
// @ts-ignore: decorator
@inline function enter(): void {
  store<u32>(S_FPU_TOP, 0);
  store<u32>(S_FPU_TAG, 0);
}
// @ts-ignore: decorator
@inline function getMM(r: u32): u64 { return load<u64>(mm(r)); }
// @ts-ignore: decorator
@inline function setMM(r: u32, v: u64): void {
  const p = mm(r);
  store<u64>(p, v);
  store<u16>(p, 0xFFFF, 8);
}
// The Q operand (mm/m64); check stopped() after it.
// @ts-ignore: decorator
@inline function readQ(d: usize): u64 {
  if (dIsMem(d)) return rd64(ea(d));
  return getMM(dRm(d));
}
// @ts-ignore: decorator
@inline function lo64(v: v128): u64 { return <u64>i64x2.extract_lane(v, 0); }
// @ts-ignore: decorator
@inline function vec(a: u64): v128 { return i64x2.splat(<i64>a); }

// @ts-ignore: decorator
@inline function dazOn(): bool { return (load<u32>(S_MXCSR) & 0x40) != 0; }
// @ts-ignore: decorator
@inline function daz64(x: u64): u64 { return (x & 0x7FF0000000000000) == 0 ? x & 0x8000000000000000 : x; }
// @ts-ignore: decorator
@inline function daz32(x: u32): u32 { return (x & 0x7F800000) == 0 ? x & 0x80000000 : x; }

// EMMS: all x87 registers empty.
export function h_emms(d: usize): void {
  store<u32>(S_FPU_TAG, 0xFF);
}

// --- arithmetic, compares, packs (kinds P_* of sse-int.ts) -----------------------------
export function h_mmx_pint(d: usize, k: u32): void {
  const b = readQ(d);
  if (stopped()) return;
  enter();
  const r = dReg(d);
  const a = getMM(r);
  let v: v128;
  if (k >= K_PACKSSWB) {
    // packs: saturate dest's elements into the low half, the source's into the high half
    const c = i64x2.replace_lane(vec(a), 1, <i64>b);
    v = pintV(k, c, c);
  } else {
    v = pintV(k, vec(a), vec(b));
  }
  setMM(r, lo64(v));
}
// PAND (0), PANDN (1: ~dest & src), POR (2), PXOR (3)
export function h_mmx_plogic(d: usize, k: u32): void {
  const b = readQ(d);
  if (stopped()) return;
  enter();
  const r = dReg(d);
  const a = getMM(r);
  let v: u64;
  if (k == 0) v = a & b;
  else if (k == 1) v = ~a & b;
  else if (k == 2) v = a | b;
  else v = a ^ b;
  setMM(r, v);
}
// Interleaves: 0 PUNPCKLBW, 1 PUNPCKLWD, 2 PUNPCKLDQ (source mm/m32),
// 4 PUNPCKHBW, 5 PUNPCKHWD, 6 PUNPCKHDQ (source mm/m64).
export function h_mmx_punpck(d: usize, k: u32): void {
  let b: u64;
  if (dIsMem(d)) b = k < 4 ? rd32(ea(d)) : rd64(ea(d));
  else b = getMM(dRm(d));
  if (stopped()) return;
  enter();
  const r = dReg(d);
  const av = vec(getMM(r)), bv = vec(b);
  // the 128-bit low interleave of the low quadwords: its low half is the MMX low
  // interleave, its high half the MMX high interleave
  let v: v128;
  switch (k & 3) {
    case 0: v = i8x16.shuffle(av, bv, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23); break;
    case 1: v = i8x16.shuffle(av, bv, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23); break;
    default: v = i8x16.shuffle(av, bv, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23); break;
  }
  setMM(r, <u64>(k < 4 ? i64x2.extract_lane(v, 0) : i64x2.extract_lane(v, 1)));
}

// --- shifts (kinds of shiftV: 0 PSRLW 1 PSRLD 2 PSRLQ 3 PSRAW 4 PSRAD 5 PSLLW 6 PSLLD 7 PSLLQ) ---
// mm, mm/m64: the count is the whole source quadword.
export function h_mmx_pshift_x(d: usize, k: u32): void {
  const n = readQ(d);
  if (stopped()) return;
  enter();
  const r = dReg(d);
  setMM(r, lo64(shiftV(vec(getMM(r)), k, n)));
}
// Groups 0F 71/72/73 (NP, register): shift mm (ModRM.rm) by imm8.
export function h_mmx_pshift_i(d: usize, k: u32): void {
  enter();
  const r = dRm(d);
  setMM(r, lo64(shiftV(vec(getMM(r)), k, dImm(d) & 0xff)));
}

// --- shuffles, inserts, extracts, masks ----------------------------------------------------
// PSHUFW mm, mm/m64, imm8
export function h_mmx_pshufw(d: usize): void {
  const b = readQ(d);
  if (stopped()) return;
  enter();
  const imm = <u32>dImm(d);
  let v: u64 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    const sel = <u64>((imm >> (i << 1)) & 3);
    v |= ((b >> (sel << 4)) & 0xffff) << (<u64>i << 4);
  }
  setMM(dReg(d), v);
}
// PINSRW mm, r32/m16, imm8
export function h_mmx_pinsrw(d: usize): void {
  let w: u64;
  if (dIsMem(d)) { w = rd16(ea(d)); if (stopped()) return; }
  else w = getReg(dRm(d), 1);
  enter();
  const r = dReg(d);
  const sh = <u64>((<u32>dImm(d) & 3) << 4);
  setMM(r, (getMM(r) & ~(<u64>0xffff << sh)) | ((w & 0xffff) << sh));
}
// PEXTRW r32/64, mm, imm8 (zero-extended)
export function h_mmx_pextrw(d: usize): void {
  enter();
  const sh = <u64>((<u32>dImm(d) & 3) << 4);
  setReg64(dReg(d), (getMM(dRm(d)) >> sh) & 0xffff);
}
// PMOVMSKB r32/64, mm
export function h_mmx_pmovmskb(d: usize): void {
  enter();
  setReg64(dReg(d), <u64>(<u32>i8x16.bitmask(vec(getMM(dRm(d)))) & 0xff));
}
// MASKMOVQ mm1, mm2: bytes of mm1 whose mask byte (mm2) has its top bit set go to DS:[rDI].
export function h_mmx_maskmovq(d: usize): void {
  const src = getMM(dReg(d));
  const bits = <u32>i8x16.bitmask(vec(getMM(dRm(d)))) & 0xff;
  if (bits) {
    let a = reg64(7);
    if (dFlags(d) & F_ASZ32) a &= 0xffffffff;
    a += segBase(d);
    const first = ctz<u32>(bits), last: u32 = 31 - clz<u32>(bits);
    if (!probeW(a + first, last - first + 1)) return;
    for (let i: u32 = first; i <= last; i++) {
      if ((bits >> i) & 1) wr8(a + i, (src >> (<u64>i << 3)) & 0xff);
    }
  }
  enter();
}

// --- moves -------------------------------------------------------------------------------
// MOVD mm, r/m32 (zero-extended) / MOVQ mm, r/m64 (REX.W)
export function h_mmx_movd_PE(d: usize): void {
  const v = readE(d, dOsz(d) == 3 ? 3 : 2);
  if (stopped()) return;
  enter();
  setMM(dReg(d), v);
}
// MOVD r/m32, mm / MOVQ r/m64, mm (REX.W)
export function h_mmx_movd_EP(d: usize): void {
  writeE(d, dOsz(d) == 3 ? 3 : 2, getMM(dReg(d)));
  if (stopped()) return;
  enter();
}
// MOVQ mm, mm/m64
export function h_mmx_movq_PQ(d: usize): void {
  const v = readQ(d);
  if (stopped()) return;
  enter();
  setMM(dReg(d), v);
}
// MOVQ mm/m64, mm; MOVNTQ m64, mm
export function h_mmx_movq_QP(d: usize): void {
  const v = getMM(dReg(d));
  if (dIsMem(d)) {
    wr64(ea(d), v);
    if (stopped()) return;
  } else {
    setMM(dRm(d), v);
  }
  enter();
}
// MOVQ2DQ xmm, mm: zero-extended to 128 bits.
export function h_mmx_movq2dq(d: usize): void {
  enter();
  const x = xmm(dReg(d));
  store<u64>(x, getMM(dRm(d)));
  store<u64>(x, 0, 8);
}
// MOVDQ2Q mm, xmm
export function h_mmx_movdq2q(d: usize): void {
  enter();
  setMM(dReg(d), load<u64>(xmm(dRm(d))));
}

// --- conversions (MXCSR rounding and flags) --------------------------------------------------
// CVTPI2PS xmm, mm/m64: the upper quadword of xmm is kept. A memory source does not
// switch to MMX mode (as Bochs does; only an MMX register operand does).
export function h_mmx_cvtpi2ps(d: usize): void {
  let b: u64;
  if (dIsMem(d)) {
    b = rd64(ea(d));
    if (stopped()) return;
  } else {
    enter();
    b = getMM(dRm(d));
  }
  const x = xmm(dReg(d));
  const lo = i64ToF32(<i64><i32>b), hi = i64ToF32(<i64><i32>(b >> 32));
  store<u32>(x, lo);
  store<u32>(x, hi, 4);
}
// CVTPI2PD xmm, mm/m64 (exact)
export function h_mmx_cvtpi2pd(d: usize): void {
  let b: u64;
  if (dIsMem(d)) {
    b = rd64(ea(d));
    if (stopped()) return;
  } else {
    enter();
    b = getMM(dRm(d));
  }
  const x = xmm(dReg(d));
  store<f64>(x, <f64><i32>b);
  store<f64>(x, <f64><i32>(b >> 32), 8);
}
// CVTPS2PI (trunc = 0) / CVTTPS2PI (1) mm, xmm/m64
export function h_mmx_cvtps2pi(d: usize, trunc: u32): void {
  let b = readW64(d);
  if (stopped()) return;
  enter();
  const rc = trunc ? 3 : (load<u32>(S_MXCSR) >> 13) & 3;
  let l = <u32>b, h = <u32>(b >> 32);
  if (dazOn()) { l = daz32(l); h = daz32(h); }
  const lo = toInt(<f64>reinterpret<f32>(l), rc, false);
  const hi = toInt(<f64>reinterpret<f32>(h), rc, false);
  setMM(dReg(d), (lo & 0xffffffff) | (hi << 32));
}
// CVTPD2PI (trunc = 0) / CVTTPD2PI (1) mm, xmm/m128 (aligned)
export function h_mmx_cvtpd2pi(d: usize, trunc: u32): void {
  const b = readW128(d);
  if (stopped()) return;
  enter();
  const rc = trunc ? 3 : (load<u32>(S_MXCSR) >> 13) & 3;
  let l = <u64>i64x2.extract_lane(b, 0), h = <u64>i64x2.extract_lane(b, 1);
  if (dazOn()) { l = daz64(l); h = daz64(h); }
  const lo = toInt(reinterpret<f64>(l), rc, false);
  const hi = toInt(reinterpret<f64>(h), rc, false);
  setMM(dReg(d), (lo & 0xffffffff) | (hi << 32));
}
