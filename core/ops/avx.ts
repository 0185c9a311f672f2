// AVX / AVX2 forms that are not plain lane operations (those go through h_sx in
// simd.ts): moves, scalar arithmetic, conversions, shifts, broadcasts, 128-bit
// inserts/extracts, cross-lane permutes, masked moves, gathers, VZEROUPPER/VZEROALL,
// F16C, XGETBV/XSAVE/XRSTOR.
// A VEX.128 form zeroes bits 128..255 of its destination register; VEX.256 writes them.
import {
  dReg, dRm, dIsMem, dImm, dOsz, dFlags, stopped, exitWith, getReg, setReg, reg64, F_ASZ32,
} from '../cpu';
import { ea, segBase } from '../operand';
import { rd32, rd64, wr16, wr32, wr64, wr8, rd16, rd8, probeR, probeW } from '../mem';
import { S_XMM, S_GPR, S_NEXT_RIP, S_MXCSR, S_FPU_CW, S_FPU_SW, S_FPU_TOP, S_FPU_TAG, S_FPU_ST, EXIT_GP, EXIT_UD } from '../generated/layout';
import { xmm, mxRaise, mxcsrRC, MX_IE, MX_PE, MX_OE, MX_UE, MX_DE } from './sse';
import { shiftV } from './sse-int';
import { op32, op64, f32ToF64, f64ToF32, i64ToF32, i64ToF64, toInt } from './sse-fp';
import { isVex, vexL, vexW, dVvvv, loadW, storeW, vzu, VA, VB, VR, cmp32p, cmp64p, laneOp } from './simd';
import { h_movd_VE, h_movq_VW, h_movq_WV } from './sse';
import { saveX87, saveMxcsr, saveXmm, loadX87, loadXmm } from './misc';

const ZERO = i32x4.splat(0);

// VMOVUPS/VMOVAPS/VMOVDQU/VMOVDQA...: k 0 load, 1 aligned load, 2 store, 3 aligned store.
export function h_vmov(d: usize, k: u32): void {
  const n: u32 = 16 << vexL(d);
  if (k < 2) {
    const r = xmm(dReg(d));
    if (dIsMem(d)) {
      const a = ea(d);
      if (k == 1 && (<u32>a & (n - 1)) != 0) { exitWith(EXIT_GP, false); return; }
      if (!probeR(a, n)) return;
      for (let i: u32 = 0; i < n; i += 8) store<u64>(r + i, rd64(a + i));
    } else {
      memory.copy(VB, xmm(dRm(d)), n);
      memory.copy(r, VB, n);
    }
    if (n == 16) v128.store(r + 16, ZERO);
  } else {
    if (dIsMem(d)) {
      const a = ea(d);
      if (k == 3 && (<u32>a & (n - 1)) != 0) { exitWith(EXIT_GP, false); return; }
      memory.copy(VB, xmm(dReg(d)), n);
      storeW(d, VB, n, false);
    } else {
      memory.copy(VB, xmm(dReg(d)), n);
      storeW(d, VB, n, false);
    }
  }
}
// VMOVSS (sd = bit 0) / VMOVSD: bit 1 = store form (11).
export function h_vmovss(d: usize, k: u32): void {
  const sd = k & 1;
  if (dIsMem(d)) {
    const a = ea(d);
    if (k & 2) {
      if (sd) wr64(a, load<u64>(xmm(dReg(d)))); else wr32(a, load<u32>(xmm(dReg(d))));
      return;
    }
    const v = sd ? rd64(a) : rd32(a);
    if (stopped()) return;
    const r = xmm(dReg(d));
    v128.store(r, ZERO);
    v128.store(r + 16, ZERO);
    if (sd) store<u64>(r, v); else store<u32>(r, <u32>v);
    return;
  }
  // register form: dest = [src low element, vvvv rest]
  const dst = (k & 2) ? dRm(d) : dReg(d), src = (k & 2) ? dReg(d) : dRm(d);
  v128.store(VR, v128.load(xmm(dVvvv(d))));
  if (sd) store<u64>(VR, load<u64>(xmm(src))); else store<u32>(VR, load<u32>(xmm(src)));
  v128.store(xmm(dst), v128.load(VR));
  v128.store(xmm(dst) + 16, ZERO);
}
// VMOVLPS/VMOVLPD (k = 0), VMOVHPS/VMOVHPD (1) xmm, xmm(vvvv), m64; VMOVHLPS (2), VMOVLHPS (3).
export function h_vmovlh(d: usize, k: u32): void {
  const v = xmm(dVvvv(d));
  let lo: u64, hi: u64;
  if (k < 2) {
    const m = rd64(ea(d));
    if (stopped()) return;
    if (k == 0) { lo = m; hi = load<u64>(v, 8); } else { lo = load<u64>(v); hi = m; }
  } else if (k == 2) { lo = load<u64>(xmm(dRm(d)), 8); hi = load<u64>(v, 8); }
  else { lo = load<u64>(v); hi = load<u64>(xmm(dRm(d))); }
  const r = xmm(dReg(d));
  store<u64>(r, lo); store<u64>(r, hi, 8);
  v128.store(r + 16, ZERO);
}
// VEX.128 forms of legacy moves that zero-extend into the full register.
export function h_vmovd(d: usize, k: u32): void {
  if (k == 0) { h_movd_VE(d); if (!stopped()) vzu(d, dReg(d)); }
  else if (k == 1) { h_movq_VW(d); if (!stopped()) vzu(d, dReg(d)); }
  else { h_movq_WV(d); if (!dIsMem(d)) vzu(d, dRm(d)); }
}
// VMOVMSKPS (k = 0), VMOVMSKPD (1), VPMOVMSKB (2)
export function h_vmovmsk(d: usize, k: u32): void {
  const s = xmm(dRm(d));
  const lo = v128.load(s), hi = v128.load(s + 16);
  let m: u32;
  if (k == 0) m = <u32>i32x4.bitmask(lo) | (<u32>i32x4.bitmask(hi) << 4);
  else if (k == 1) m = <u32>i64x2.bitmask(lo) | (<u32>i64x2.bitmask(hi) << 2);
  else m = <u32>i8x16.bitmask(lo) | (<u32>i8x16.bitmask(hi) << 16);
  if (!vexL(d)) m &= k == 0 ? 0xf : k == 1 ? 3 : 0xffff;
  store<u64>(S_GPR + (dReg(d) << 3), <u64>m);
}

// --- scalar arithmetic: dest = [op(vvvv[0], W[0]), vvvv[1..]] ------------------------
// VADDSS... (k = op, sd = 0) / VADDSD (sd = 1)
export function h_vss(d: usize, op: u32): void {
  if (!loadW(d, VB, 4, false)) return;
  v128.store(VR, v128.load(xmm(dVvvv(d))));
  store<u32>(VR, op32(op, load<u32>(VR), load<u32>(VB)));
  const r = xmm(dReg(d));
  v128.store(r, v128.load(VR));
  v128.store(r + 16, ZERO);
}
export function h_vsd(d: usize, op: u32): void {
  if (!loadW(d, VB, 8, false)) return;
  v128.store(VR, v128.load(xmm(dVvvv(d))));
  store<u64>(VR, op64(op, load<u64>(VR), load<u64>(VB)));
  const r = xmm(dReg(d));
  v128.store(r, v128.load(VR));
  v128.store(r + 16, ZERO);
}
// VCMPSS (sd = 0) / VCMPSD (1) with the 32 predicates
export function h_vcmps(d: usize, sd: u32): void {
  if (!loadW(d, VB, sd ? 8 : 4, false)) return;
  const p = <u32>dImm(d) & 31;
  v128.store(VR, v128.load(xmm(dVvvv(d))));
  if (sd) store<u64>(VR, cmp64p(p, load<u64>(VR), load<u64>(VB)));
  else store<u32>(VR, cmp32p(p, load<u32>(VR), load<u32>(VB)));
  const r = xmm(dReg(d));
  v128.store(r, v128.load(VR));
  v128.store(r + 16, ZERO);
}
// Scalar conversions: 0 VCVTSS2SD, 1 VCVTSD2SS, 2 VCVTSI2SS, 3 VCVTSI2SD
export function h_vcvts(d: usize, k: u32): void {
  let res: u64;
  if (k < 2) {
    if (!loadW(d, VB, k == 0 ? 4 : 8, false)) return;
    res = k == 0 ? f32ToF64(load<u32>(VB)) : <u64>f64ToF32(load<u64>(VB));
  } else {
    const q = dOsz(d) == 3;
    let v: i64;
    if (dIsMem(d)) {
      const a = ea(d);
      v = q ? <i64>rd64(a) : <i64><i32>rd32(a);
      if (stopped()) return;
    } else v = q ? <i64>getReg(dRm(d), 3) : <i64><i32>getReg(dRm(d), 2);
    res = k == 2 ? <u64>i64ToF32(v) : i64ToF64(v);
  }
  v128.store(VR, v128.load(xmm(dVvvv(d))));
  if (k == 0 || k == 3) store<u64>(VR, res); else store<u32>(VR, <u32>res);
  const r = xmm(dReg(d));
  v128.store(r, v128.load(VR));
  v128.store(r + 16, ZERO);
}
// Packed conversions: 0 VCVTDQ2PS, 1 VCVTPS2DQ, 2 VCVTTPS2DQ, 3 VCVTPS2PD, 4 VCVTPD2PS,
// 5 VCVTDQ2PD, 6 VCVTPD2DQ, 7 VCVTTPD2DQ
export function h_vcvtp(d: usize, k: u32): void {
  const L = vexL(d);
  const widen = k == 3 || k == 5;
  if (!loadW(d, VB, widen ? 8 << L : 16 << L, false)) return;
  const r = xmm(dReg(d));
  memory.fill(VR, 0, 32);
  const rc = mxcsrRC();
  const daz = (load<u32>(S_MXCSR) & 0x40) != 0;
  if (k <= 2) {
    const n: u32 = 4 << L;
    for (let i: u32 = 0; i < n; i++) {
      let x = load<u32>(VB + (i << 2));
      if (k != 0 && daz && (x & 0x7F800000) == 0) x &= 0x80000000;
      const y = k == 0 ? i64ToF32(<i64><i32>x) : <u32>toInt(<f64>reinterpret<f32>(x), k == 2 ? 3 : rc, false);
      store<u32>(VR + (i << 2), y);
    }
  } else if (widen) {
    const n: u32 = 2 << L;
    for (let i: u32 = 0; i < n; i++) {
      const x = load<u32>(VB + (i << 2));
      store<u64>(VR + (i << 3), k == 3 ? f32ToF64(x) : reinterpret<u64>(<f64><i32>x));
    }
  } else {
    const n: u32 = 2 << L;
    for (let i: u32 = 0; i < n; i++) {
      let x = load<u64>(VB + (i << 3));
      if (k != 4 && daz && (x & 0x7FF0000000000000) == 0) x &= 0x8000000000000000;
      store<u32>(VR + (i << 2), k == 4 ? f64ToF32(x) : <u32>toInt(reinterpret<f64>(x), k == 7 ? 3 : rc, false));
    }
  }
  memory.copy(r, VR, 32);
}

// --- shifts ------------------------------------------------------------------------
// VPSRLW.. dest = shift(vvvv, count = low 64 bits of xmm/m128) (kinds of sse-int shiftV)
export function h_vshift(d: usize, k: u32): void {
  if (!loadW(d, VB, 16, false)) return;
  const n = load<u64>(VB);
  const s = xmm(dVvvv(d)), r = xmm(dReg(d));
  const r0 = shiftV(v128.load(s), k, n);
  const r1 = vexL(d) ? shiftV(v128.load(s + 16), k, n) : ZERO;
  v128.store(r, r0);
  v128.store(r + 16, r1);
}
// Groups 71/72/73: dest (vvvv) = shift(rm, imm8)
export function h_vshifti(d: usize, k: u32): void {
  const s = xmm(dRm(d)), r = xmm(dVvvv(d));
  const n = dImm(d) & 0xff;
  const r0 = shiftV(v128.load(s), k, n);
  const r1 = vexL(d) ? shiftV(v128.load(s + 16), k, n) : ZERO;
  v128.store(r, r0);
  v128.store(r + 16, r1);
}

// --- broadcasts, 128-bit inserts/extracts, permutes ----------------------------------
// VBROADCASTSS/VPBROADCASTD (k = 2), VBROADCASTSD/VPBROADCASTQ (3), VPBROADCASTB (0), W (1),
// VBROADCASTF128/I128 (4)
export function h_vbroadcast(d: usize, k: u32): void {
  const n: u32 = 1 << k;
  if (dIsMem(d)) {
    const a = ea(d);
    if (!probeR(a, n)) return;
    for (let i: u32 = 0; i < n; i += (n >= 8 ? 8 : n)) {
      if (n >= 8) store<u64>(VB + i, rd64(a + i));
      else if (n == 4) store<u32>(VB, <u32>rd32(a));
      else if (n == 2) store<u16>(VB, <u16>rd16(a));
      else store<u8>(VB, <u8>rd8(a));
    }
  } else v128.store(VB, v128.load(xmm(dRm(d))));
  let v: v128;
  if (k == 0) v = i8x16.splat(load<i8>(VB));
  else if (k == 1) v = i16x8.splat(load<i16>(VB));
  else if (k == 2) v = i32x4.splat(load<i32>(VB));
  else if (k == 3) v = i64x2.splat(load<i64>(VB));
  else v = v128.load(VB);
  const r = xmm(dReg(d));
  v128.store(r, v);
  v128.store(r + 16, vexL(d) ? v : ZERO);
}
// VINSERTF128/VINSERTI128 ymm, ymm(vvvv), xmm/m128, imm8
export function h_vinsert128(d: usize): void {
  if (!loadW(d, VB, 16, false)) return;
  memory.copy(VR, xmm(dVvvv(d)), 32);
  v128.store(VR + ((<u32>dImm(d) & 1) << 4), v128.load(VB));
  memory.copy(xmm(dReg(d)), VR, 32);
}
// VEXTRACTF128/VEXTRACTI128 xmm/m128, ymm, imm8
export function h_vextract128(d: usize): void {
  v128.store(VB, v128.load(xmm(dReg(d)) + ((<u32>dImm(d) & 1) << 4)));
  storeW(d, VB, 16, false);
}
// VPERM2F128/VPERM2I128 ymm, ymm(vvvv), ymm/m256, imm8
export function h_vperm2x128(d: usize): void {
  if (!loadW(d, VB, 32, false)) return;
  memory.copy(VA, xmm(dVvvv(d)), 32);
  const imm = <u32>dImm(d);
  for (let h: u32 = 0; h < 2; h++) {
    const c = (imm >> (h << 2)) & 15;
    const src = (c & 2) ? VB : VA;
    v128.store(VR + (h << 4), (c & 8) ? ZERO : v128.load(src + ((c & 1) << 4)));
  }
  memory.copy(xmm(dReg(d)), VR, 32);
}
// VPERMD/VPERMPS (k = 0) ymm, ymm(vvvv: indices), ymm/m256; VPERMQ/VPERMPD (1) ymm, ymm/m256, imm8
export function h_vperm(d: usize, k: u32): void {
  if (!loadW(d, VB, 32, false)) return;
  if (k == 0) {
    const idx = xmm(dVvvv(d));
    for (let i: u32 = 0; i < 8; i++) store<u32>(VR + (i << 2), load<u32>(VB + ((load<u32>(idx + (i << 2)) & 7) << 2)));
  } else {
    const imm = <u32>dImm(d);
    for (let i: u32 = 0; i < 4; i++) store<u64>(VR + (i << 3), load<u64>(VB + (((imm >> (i << 1)) & 3) << 3)));
  }
  memory.copy(xmm(dReg(d)), VR, 32);
}

// --- masked moves and gathers --------------------------------------------------------
// VMASKMOVPS/VPMASKMOVD (k bit 0 = 0), VMASKMOVPD/VPMASKMOVQ (bit 0 = 1); bit 1: store.
// Masked-off elements are not accessed (no fault); loads zero them.
export function h_vmaskmov(d: usize, k: u32): void {
  const q = k & 1;
  const n: u32 = (q ? 2 : 4) << vexL(d);
  const m = xmm(dVvvv(d));
  const a = ea(d);
  if (k & 2) {
    const s = xmm(dReg(d));
    // check every enabled element first so that a fault leaves memory untouched
    for (let i: u32 = 0; i < n; i++) {
      const on = q ? load<i64>(m + (i << 3)) < 0 : load<i32>(m + (i << 2)) < 0;
      if (on && !probeW(a + (i << (q ? 3 : 2)), q ? 8 : 4)) return;
    }
    for (let i: u32 = 0; i < n; i++) {
      if (q) { if (load<i64>(m + (i << 3)) < 0) wr64(a + (i << 3), load<u64>(s + (i << 3))); }
      else if (load<i32>(m + (i << 2)) < 0) wr32(a + (i << 2), load<u32>(s + (i << 2)));
    }
    return;
  }
  memory.fill(VR, 0, 32);
  for (let i: u32 = 0; i < n; i++) {
    if (q) {
      if (load<i64>(m + (i << 3)) < 0) { const v = rd64(a + (i << 3)); if (stopped()) return; store<u64>(VR + (i << 3), v); }
    } else if (load<i32>(m + (i << 2)) < 0) { const v = rd32(a + (i << 2)); if (stopped()) return; store<u32>(VR + (i << 2), <u32>v); }
  }
  memory.copy(xmm(dReg(d)), VR, 32);
}
// Gathers: k bit 0 = 64-bit indices, bit 1 = 64-bit elements. Mask = vvvv (sign bits);
// each element's mask is cleared once loaded, so a faulting gather can be restarted.
export function h_vgather(d: usize, k: u32): void {
  const qi = k & 1, qe = (k >> 1) & 1;
  const L = vexL(d);
  const idxReg = <u32>load<u8>(d, 26);
  const dReg_ = dReg(d), mReg = dVvvv(d);
  if (idxReg == 0xff || idxReg == dReg_ || idxReg == mReg || dReg_ == mReg) { exitWith(EXIT_UD, false); return; }
  // base address without the index
  let base: u64 = <u64><i64>load<i32>(d, 12);
  const b = <u32>load<u8>(d, 5);
  if (b != 0xff) base += b == 16 ? load<u64>(S_NEXT_RIP) : load<u64>(S_GPR + (b << 3));
  if (dFlags(d) & F_ASZ32) base &= 0xffffffff;
  base += segBase(d);
  const scale = <u64>load<u8>(d, 7);
  const n: u32 = qi ? (2 << L) : qe ? (2 << L) : (4 << L);
  const ix = xmm(idxReg), dst = xmm(dReg_), msk = xmm(mReg);
  for (let i: u32 = 0; i < n; i++) {
    const on = qe ? load<i64>(msk + (i << 3)) < 0 : load<i32>(msk + (i << 2)) < 0;
    if (!on) continue;
    const off: i64 = qi ? load<i64>(ix + (i << 3)) : <i64>load<i32>(ix + (i << 2));
    let a = base + (<u64>off << scale);
    if (dFlags(d) & F_ASZ32) a &= 0xffffffff;
    if (qe) {
      const v = rd64(a);
      if (stopped()) return;
      store<u64>(dst + (i << 3), v);
      store<u64>(msk + (i << 3), 0);
    } else {
      const v = rd32(a);
      if (stopped()) return;
      store<u32>(dst + (i << 2), <u32>v);
      store<u32>(msk + (i << 2), 0);
    }
  }
  // the whole mask is cleared; elements past n (and the upper half for 128-bit results) are zeroed
  const bytes: u32 = qe ? n << 3 : n << 2;
  memory.fill(dst + bytes, 0, 32 - bytes);
  memory.fill(msk, 0, 32);
}
// VZEROUPPER (L = 0), VZEROALL (L = 1)
export function h_vzero(d: usize): void {
  for (let i: u32 = 0; i < 16; i++) {
    const r = S_XMM + (i << 5);
    if (vexL(d)) v128.store(r, ZERO);
    v128.store(r + 16, ZERO);
  }
}

// --- F16C ----------------------------------------------------------------------------
function h2f(h: u32): u32 {
  const s = (h & 0x8000) << 16;
  const e = (h >> 10) & 31;
  let m = h & 0x3ff;
  if (e == 31) {
    if (m && !(m & 0x200)) mxRaise(MX_IE); // a signalling NaN
    return s | 0x7f800000 | (m << 13) | (m ? 0x400000 : 0); // quiet NaNs
  }
  if (e == 0) {
    if (m == 0) return s;
    let ee: u32 = 113;
    while (!(m & 0x400)) { m <<= 1; ee--; }
    return s | (ee << 23) | ((m & 0x3ff) << 13);
  }
  return s | ((e + 112) << 23) | (m << 13);
}
function f2h(x: u32, rc: u32): u32 {
  const s = (x >> 16) & 0x8000;
  const e = <i32>((x >> 23) & 0xff);
  const m = x & 0x7fffff;
  if (e == 255) {
    if (m) { if (!(m & 0x400000)) mxRaise(MX_IE); return s | 0x7e00 | (m >> 13); }
    return s | 0x7c00;
  }
  if (e == 0 && (m == 0 || (load<u32>(S_MXCSR) & 0x40))) return s; // zero, or a denormal with MXCSR.DAZ
  if (e == 0) mxRaise(MX_DE);
  // value = sig * 2^(ex) with sig 24 bits (denormals of f32 are tiny for f16: flushed through rounding)
  let sig: u64 = e == 0 ? <u64>m : <u64>(m | 0x800000);
  const ex: i32 = (e == 0 ? 1 : e) - 127 - 23;
  // target: half with exponent >= -14, 10 fraction bits: quantum 2^(max(E,-14)-10)
  const E: i32 = e == 0 ? -126 : e - 127;
  let q: i32 = (E < -14 ? -14 : E) - 10; // exponent of the last kept bit
  const sh: i32 = q - ex; // bits to drop
  let kept: u64, rem: u64 = 0, half: u64 = 0;
  if (sh <= 0) kept = sig << <u64>(-sh);
  else if (sh >= 40) { kept = 0; rem = sig; half = <u64>1 << 39; if (sh > 40) { rem = 1; half = 2; } }
  else { kept = sig >> <u64>sh; rem = sig & ((<u64>1 << <u64>sh) - 1); half = <u64>1 << <u64>(sh - 1); }
  let up = false;
  if (rem) {
    mxRaise(E < -14 ? MX_PE | MX_UE : MX_PE); // (tiny: below 2^-14 before rounding)
    if (rc == 0) up = rem > half || (rem == half && (kept & 1) != 0);
    else if (rc == 1) up = s != 0;
    else if (rc == 2) up = s == 0;
  }
  if (up) kept++;
  // kept = significand in units of 2^q
  if (kept == 0) { return s; }
  if (q == -24 && kept < 0x400) return s | <u32>kept;
  if (kept >= 0x800) { kept >>= 1; q++; }
  if (kept < 0x400) return s | <u32>kept; // became... (subnormal range handled above)
  const he = q + 10 + 15;
  if (he >= 31) {
    mxRaise(MX_OE | MX_PE);
    if (rc == 3 || (rc == 1 && s == 0) || (rc == 2 && s != 0)) return s | 0x7bff;
    return s | 0x7c00;
  }
  return s | (<u32>he << 10) | (<u32>kept & 0x3ff);
}
// VCVTPH2PS xmm/ymm, xmm/m64/m128
export function h_vcvtph2ps(d: usize): void {
  const L = vexL(d);
  if (!loadW(d, VB, 8 << L, false)) return;
  const n: u32 = 4 << L;
  memory.fill(VR, 0, 32);
  for (let i: u32 = 0; i < n; i++) store<u32>(VR + (i << 2), h2f(load<u16>(VB + (i << 1))));
  memory.copy(xmm(dReg(d)), VR, 32);
}
// VCVTPS2PH xmm/m64/m128, xmm/ymm, imm8
export function h_vcvtps2ph(d: usize): void {
  const L = vexL(d);
  const n: u32 = 4 << L;
  const imm = <u32>dImm(d);
  const rc = (imm & 4) ? mxcsrRC() : imm & 3;
  const s = xmm(dReg(d));
  memory.fill(VR, 0, 32);
  for (let i: u32 = 0; i < n; i++) store<u16>(VR + (i << 1), <u16>f2h(load<u32>(s + (i << 2)), rc));
  storeW(d, VR, 8 << L, false);
}

// --- XGETBV, XSAVE, XRSTOR (x87, SSE and AVX state components; XCR0 = 7) -------------
export const XCR0: u64 = 7;
export function h_xgetbv(d: usize): void {
  if ((dRm(d) & 7) != 0) { exitWith(EXIT_UD, false); return; } // 0F 01 D1..D7: not implemented
  if (<u32>reg64(1) != 0) { exitWith(EXIT_GP, false); return; }
  store<u64>(S_GPR, XCR0 & 0xffffffff);
  store<u64>(S_GPR + 16, XCR0 >> 32);
}
// Standard format: legacy area (FXSAVE layout) at 0, header at 512 (XSTATE_BV), AVX at 576.
// (SDM vol. 1 13.7, 13.8: the standard form; MXCSR goes with SSE or AVX)
export function h_xsave(d: usize): void {
  const a = ea(d);
  if (a & 63) { exitWith(EXIT_GP, false); return; }
  if (!probeW(a, 832)) return;
  const rfbm = ((reg64(2) << 32) | (reg64(0) & 0xffffffff)) & XCR0;
  const bv0 = rd64(a + 512);
  if (rfbm & 1) saveX87(a);
  if (rfbm & 6) saveMxcsr(a);
  if (rfbm & 2) saveXmm(a);
  if (rfbm & 4) for (let i: u32 = 0; i < 16; i++) {
    wr64(a + 576 + (i << 4), load<u64>(S_XMM + (i << 5) + 16));
    wr64(a + 584 + (i << 4), load<u64>(S_XMM + (i << 5) + 24));
  }
  // XSTATE_BV: components not in their initial state (as hardware's XINUSE tracking);
  // the rest of the header is not written
  let inuse: u64 = 0;
  if (load<u32>(S_FPU_CW) != 0x37f || load<u32>(S_FPU_SW) != 0 || load<u32>(S_FPU_TOP) != 0 || (load<u32>(S_FPU_TAG) & 0xff) != 0xff) inuse |= 1;
  let lo = load<u32>(S_MXCSR) != 0x1f80, hi = false;
  for (let i: u32 = 0; i < 16; i++) {
    if (v128.any_true(v128.load(S_XMM + (i << 5)))) lo = true;
    if (v128.any_true(v128.load(S_XMM + (i << 5) + 16))) hi = true;
  }
  if (lo) inuse |= 2;
  if (hi) inuse |= 4;
  wr64(a + 512, (bv0 & ~rfbm) | (inuse & rfbm));
}
export function h_xrstor(d: usize): void {
  const a = ea(d);
  if (a & 63) { exitWith(EXIT_GP, false); return; }
  if (!probeR(a, 832)) return;
  const rfbm = ((reg64(2) << 32) | (reg64(0) & 0xffffffff)) & XCR0;
  const bv = rd64(a + 512);
  if (bv & ~XCR0) { exitWith(EXIT_GP, false); return; }
  // header bytes 8..23 (XCOMP_BV and a reserved qword) must be zero: the compacted form is not supported
  if (rd64(a + 520) != 0 || rd64(a + 528) != 0) { exitWith(EXIT_GP, false); return; }
  let mx = load<u32>(S_MXCSR);
  if (rfbm & 6) {
    mx = <u32>rd32(a + 24);
    if (rd32(a + 24) & 0xffff0000) { exitWith(EXIT_GP, false); return; }
  }
  if (rfbm & 1) {
    if (bv & 1) loadX87(a);
    else { store<u32>(S_FPU_CW, 0x37f); store<u32>(S_FPU_SW, 0); store<u32>(S_FPU_TOP, 0); store<u32>(S_FPU_TAG, 0xff);
      for (let i: u32 = 0; i < 8; i++) v128.store(S_FPU_ST + (i << 4), ZERO); }
  }
  store<u32>(S_MXCSR, mx);
  if (rfbm & 2) {
    if (bv & 2) loadXmm(a);
    else for (let i: u32 = 0; i < 16; i++) v128.store(S_XMM + (i << 5), ZERO);
  }
  if (rfbm & 4) for (let i: u32 = 0; i < 16; i++) {
    const r = S_XMM + (i << 5) + 16;
    if (bv & 4) { store<u64>(r, rd64(a + 576 + (i << 4))); store<u64>(r + 8, rd64(a + 584 + (i << 4))); }
    else v128.store(r, ZERO);
  }
}
