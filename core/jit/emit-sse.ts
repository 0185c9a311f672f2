// Emitters for the hot SSE/AVX forms: scalar and packed floating point in wasm's
// f32/f64 and v128 instructions, FMA3 single precision, the integer lane operations,
// logic, shuffles and the moves around them. Each one is a fast path for the common
// case that branches to `slow` (the interpreter's handler, called by compile.ts)
// wherever wasm and x86 could differ:
// - floating point only with MXCSR rounding to nearest and PE already set, no operand a
//   NaN or a denormal, every result normal (or an exact zero): then x86 raises nothing
//   more, DAZ/FTZ change nothing, and wasm's IEEE result is x86's (the interpreter's own
//   fast path, op64); NaNs, denormals, overflow, underflow, other rounding modes take the
//   handler, which is exact;
// - memory operands only when the TLB maps all their bytes (and, for the aligned
//   forms, they are aligned): faults, #GP and code pages are the handler's;
// - nothing is written (register, memory, MXCSR, flags) before every check passed.
// XMM/YMM registers stay in the CPU state (S_XMM, 32 bytes each).
import * as W from './wasm';
import { ea, isMem, eaRegs, tlbHit, hostAddr, gl, L_T, L_I, L_FOP, L_D, L_X, flagsNone } from './emit';
import { S_XMM, S_MXCSR, S_RFLAGS, TLB_RTAG, TLB_WTAG } from '../generated/layout';
import {
  H_movups_VW, H_movups_WV, H_movss_VW, H_movss_WV, H_fp_sd, H_fp_ss, H_vsd, H_vss, H_comis, H_plogic, H_vmov, H_fma,
  H_vbroadcast, H_pint, H_sx, H_fp_ps, H_fp_pd, H_movmsk, H_vmovmsk, H_vextract128, H_vzero, FORM_H, FORM_ARG,
} from '../generated/isa';
import {
  K_PADDB, K_PMAXSW, K_PAVGB, K_PAVGW, K_AND, K_ANDN, K_OR, K_XOR, K_UNPCKLBW, K_UNPCKHQDQ, K_SHUFPS, K_PSHUFD, K_PSHUFB,
  K_PCMPEQQ, K_PCMPGTQ, K_PMINSB, K_PMULLD, K_ADDPS, K_DIVPS, K_ADDPD, K_DIVPD,
} from '../generated/lanes';

// opcodes wasm.ts does not name
const F32_SQRT: u32 = 0x91, F32_ADD: u32 = 0x92, F32_SUB: u32 = 0x93, F32_MUL: u32 = 0x94,
  F32_DIV: u32 = 0x95, F64_LT: u32 = 0x63, F64_EQ: u32 = 0x61, I32_REINTERPRET_F32: u32 = 0xbc,
  F32_REINTERPRET_I32: u32 = 0xbe, F64_PROMOTE_F32: u32 = 0xbb;
// SIMD (after 0xfd)
const V_CONST: u32 = 0x0c, V_SHUFFLE: u32 = 0x0d, I32X4_EQ: u32 = 0x37, I32X4_LT_U: u32 = 0x3a, I32X4_GT_U: u32 = 0x3c,
  I32X4_SUB: u32 = 0xb1, F64X2_LE: u32 = 0x4b, V_AND: u32 = 0x4e,
  V_OR: u32 = 0x50, V_XOR: u32 = 0x51, V_ANDNOT: u32 = 0x4f, V_ANY: u32 = 0x53, F32X4_DEMOTE: u32 = 0x5e,
  F64X2_PROMOTE: u32 = 0x5f, I64X2_EQ: u32 = 0xd6, F64X2_ABS: u32 = 0xec, F64X2_NEG: u32 = 0xed,
  F64X2_ADD: u32 = 0xf0, F64X2_MUL: u32 = 0xf2;

const MX_PE: i32 = 0x20, RC_BITS: i32 = 0x6000;
const A = L_T + 4; // i64: the memory operand's guest address
const P = L_I + 2; // i32: its wasm address
const DA = L_D, DB = L_D + 1; // f64
// the operands and result as bits: i64 (f64), i32 (f32)
// (IR, IT are P and the TLB's temporary: free once the operand is loaded)
const QA = L_T, QB = L_T + 1, QR = L_T + 2, QT = L_T + 3, IA = L_I, IB = L_I + 1, IR = L_I + 2, IT = L_I + 3;
// v128 locals of emit.ts (L_X: 8 of them)
const XA = L_X, XB = L_X + 1, XC = L_X + 2, XS0 = L_X + 3, XS1 = L_X + 4, XR0 = L_X + 5, XR1 = L_X + 6, XF = L_X + 7;

// @ts-ignore: decorator
@inline function xr(r: u32): u32 { return S_XMM + ((r & 15) << 5); }
// @ts-ignore: decorator
@inline function vex(d: usize): bool { return (load<u8>(d, 24) & 1) != 0; }
// @ts-ignore: decorator
@inline function vexL(d: usize): u32 { return (<u32>load<u8>(d, 24) >> 1) & 1; }
// @ts-ignore: decorator
@inline function vexW(d: usize): u32 { return (<u32>load<u8>(d, 24) >> 2) & 1; }

// Whether the form at record d has a fast path here.
export function canEmitSse(d: usize): bool {
  const id = <u32>load<u16>(d);
  const h = FORM_H[id], k = <u32>FORM_ARG[id];
  switch (h) {
    case H_movups_VW: case H_movups_WV: case H_movss_VW: case H_movss_WV: case H_plogic: return !vex(d);
    case H_fp_sd: case H_fp_ss: return !vex(d) && (k <= 3 || k == 6); // + - * / sqrt
    case H_vsd: case H_vss: return vex(d) && (k <= 3 || k == 6);
    case H_comis: return true;
    case H_vmov: return vex(d);
    case H_vbroadcast: return vex(d) && k <= 4;
    case H_pint: return !vex(d) && laneKind(k);
    case H_sx: return laneKind(k) || (k >= K_ADDPS && k <= K_DIVPS) || (k >= K_ADDPD && k <= K_DIVPD);
    case H_fp_ps: case H_fp_pd: return !vex(d) && k <= 3;
    case H_movmsk: return !vex(d) && !isMem(d);
    case H_vmovmsk: return vex(d) && !isMem(d);
    case H_vextract128: case H_vzero: return vex(d);
    // FMA3 packed single: madd, msub, nmadd, nmsub in the three operand orders
    case H_fma: return vex(d) && (k & 8) == 0 && (k & 7) <= 3 && vexW(d) == 0;
  }
  return false;
}
// The guest registers its fast path reads (bits 0..15) and writes (bits 16..31).
export function regsOfSse(d: usize): u32 {
  const h = FORM_H[<u32>load<u16>(d)];
  if (h == H_movmsk || h == H_vmovmsk) { const g: u32 = 1 << (load<u8>(d, 4) & 15); return g | (g << 16); }
  return isMem(d) ? eaRegs(d) : 0;
}
// After the form (fast path or handler): what the flag locals are known to hold.
export function afterSse(d: usize): void {
  if (FORM_H[<u32>load<u16>(d)] == H_comis) flagsNone(); // RFLAGS itself (LF_OP = 0) either way
}

// The memory operand's wasm address into P: `bytes` of it mapped by the TLB for `tags`
// and aligned to `align` (0: any), else to `slow`.
function memAddr(d: usize, bytes: u32, tags: u32, align: u32, slow: i32): void {
  ea(d); W.set(A);
  if (align) {
    W.get(A); W.op(W.I32_WRAP_I64); W.i32c(<i32>align - 1); W.op(W.I32_AND); W.brIf(slow);
  }
  tlbHit(A, tags, bytes); W.op(W.I32_EQZ); W.brIf(slow);
  hostAddr(A); W.set(P);
}
// The MXCSR allows the arithmetic fast path: rounding to nearest, PE already set.
function mxFast(slow: i32): void {
  W.i32c(0); W.mem(W.I32_LOAD, 2, S_MXCSR); W.i32c(MX_PE | RC_BITS); W.op(W.I32_AND);
  W.i32c(MX_PE); W.op(W.I32_NE); W.brIf(slow);
}
// Emit the fast path of the form at record d; it branches to `slow` where it cannot.
export function emitSse(d: usize, slow: i32): void {
  const id = <u32>load<u16>(d);
  const h = FORM_H[id], k = <u32>FORM_ARG[id];
  const reg = <u32>load<u8>(d, 4), rm = <u32>load<u8>(d, 5), mem = isMem(d);
  switch (h) {
    case H_movups_VW: { // MOVUPS/MOVAPS/MOVDQA/MOVDQU xmm, xmm/m128 (legacy: bits 128.. kept)
      if (mem) { memAddr(d, 16, TLB_RTAG, k ? 16 : 0, slow); W.i32c(0); W.get(P); W.v128load(0); }
      else { W.i32c(0); W.i32c(0); W.v128load(xr(rm)); }
      W.v128store(xr(reg));
      return;
    }
    case H_movups_WV: {
      if (mem) { memAddr(d, 16, TLB_WTAG, k ? 16 : 0, slow); W.get(P); W.i32c(0); W.v128load(xr(reg)); W.v128store(0); }
      else { W.i32c(0); W.i32c(0); W.v128load(xr(reg)); W.v128store(xr(rm)); }
      return;
    }
    case H_movss_VW: { // MOVSS/MOVSD: from memory zero-extended to 128 bits, from a register the low element
      const sd = k != 0;
      if (mem) {
        memAddr(d, sd ? 8 : 4, TLB_RTAG, 0, slow);
        W.i32c(0); W.get(P);
        if (sd) W.simd(0x5d); else W.simd(0x5c); // v128.load64_zero / load32_zero
        W.uleb(0); W.uleb(0);
        W.v128store(xr(reg));
      } else {
        W.i32c(0); W.i32c(0); W.mem(sd ? W.I64_LOAD : W.I32_LOAD, 0, xr(rm)); W.mem(sd ? W.I64_STORE : W.I32_STORE, 0, xr(reg));
      }
      return;
    }
    case H_movss_WV: {
      const sd = k != 0;
      if (mem) { memAddr(d, sd ? 8 : 4, TLB_WTAG, 0, slow); W.get(P); }
      else W.i32c(0);
      W.i32c(0); W.mem(sd ? W.I64_LOAD : W.I32_LOAD, 0, xr(reg));
      W.mem(sd ? W.I64_STORE : W.I32_STORE, 0, mem ? 0 : xr(rm));
      return;
    }
    case H_plogic: { // PAND PANDN POR PXOR, ANDPS/ANDPD ... (legacy m128: aligned)
      if (mem) memAddr(d, 16, TLB_RTAG, 16, slow);
      W.i32c(0);
      W.i32c(0); W.v128load(xr(reg));
      if (mem) { W.get(P); W.v128load(0); } else { W.i32c(0); W.v128load(xr(rm)); }
      if (k == 1) { W.set(XB); W.set(XA); W.get(XB); W.get(XA); W.simd(V_ANDNOT); } // (andnot(s, a) = s & ~a)
      else W.simd(k == 0 ? V_AND : k == 2 ? V_OR : V_XOR);
      W.v128store(xr(reg));
      return;
    }
    case H_fp_sd: case H_fp_ss: { scalar(d, h == H_fp_sd, k, reg, rm, mem, slow, -1); return; }
    case H_vsd: case H_vss: { scalar(d, h == H_vsd, k, reg, rm, mem, slow, load<u8>(d, 25)); return; }
    case H_comis: { comis(d, (k & 1) != 0, reg, rm, mem, slow); return; }
    case H_vmov: { vmov(d, k, reg, rm, mem, slow); return; }
    case H_vbroadcast: { broadcast(d, k, reg, rm, mem, slow); return; }
    case H_sx: {
      if (k >= K_ADDPS && k <= K_DIVPS) packed(d, false, k - K_ADDPS, reg, rm, mem, slow);
      else if (k >= K_ADDPD && k <= K_DIVPD) packed(d, true, k - K_ADDPD, reg, rm, mem, slow);
      else lanes(d, k, reg, rm, mem, slow);
      return;
    }
    case H_pint: { lanes(d, k, reg, rm, mem, slow); return; }
    case H_fp_ps: case H_fp_pd: { packed(d, h == H_fp_pd, k, reg, rm, mem, slow); return; }
    case H_movmsk: case H_vmovmsk: { // MOVMSKPS/PD, PMOVMSKB (k 0, 1, 2) into a 32-bit register
      const L = h == H_vmovmsk ? vexL(d) : 0;
      const bm: u32 = k == 0 ? 0xa4 : k == 1 ? 0xc4 : 0x64, sh: i32 = k == 0 ? 4 : k == 1 ? 2 : 16;
      W.i32c(0); W.v128load(xr(rm)); W.simd(bm);
      if (L) { W.i32c(0); W.v128load(xr(rm) + 16); W.simd(bm); W.i32c(sh); W.op(W.I32_SHL); W.op(W.I32_OR); }
      W.op(W.I64_EXTEND_I32_U); W.set(gl(reg));
      return;
    }
    case H_vextract128: { // VEXTRACTF128/VEXTRACTI128 xmm/m128, ymm, imm8
      const off: u32 = (<u32>load<u8>(d, 16) & 1) << 4;
      if (mem) { memAddr(d, 16, TLB_WTAG, 0, slow); W.get(P); W.i32c(0); W.v128load(xr(reg) + off); W.v128store(0); return; }
      W.i32c(0); W.v128load(xr(reg) + off); W.set(XR0);
      storeY(rm, 16);
      return;
    }
    case H_vzero: { // VZEROUPPER (VZEROALL with L = 1)
      const all = vexL(d) != 0;
      for (let r: u32 = 0; r < 16; r++) {
        if (all) { W.i32c(0); v128zero(); W.v128store(xr(r)); }
        W.i32c(0); v128zero(); W.v128store(xr(r) + 16);
      }
      return;
    }
    case H_fma: { fma(d, k, reg, rm, mem, slow); return; }
  }
  W.op(W.UNREACHABLE); // (canEmitSse and emitSse disagree)
}

// ADDSD SUBSD MULSD DIVSD SQRTSD and the SS forms (op: F_ADD 0, F_MUL 1, F_SUB 2, F_DIV 3, F_SQRT 6),
// legacy (the low element of `reg` replaced) or VEX (vvvv's low 128 bits with the low element
// replaced, bits 128..255 cleared: `src` is vvvv, else -1). Operands may be zeros and infinities
// (not NaNs or denormals, which raise IE or DE); the result must be normal, or a zero that is
// exact: any zero sum, a product with a zero factor, a quotient of a zero dividend.
function scalar(d: usize, sd: bool, op: u32, reg: u32, rm: u32, mem: bool, slow: i32, src: i32): void {
  mxFast(slow);
  const a: u32 = src >= 0 ? <u32>src : reg;
  if (mem) { memAddr(d, sd ? 8 : 4, TLB_RTAG, 0, slow); W.get(P); W.mem(sd ? W.I64_LOAD : W.I32_LOAD, 0, 0); }
  else { W.i32c(0); W.mem(sd ? W.I64_LOAD : W.I32_LOAD, 0, xr(rm)); }
  W.set(sd ? QB : IB);
  if (op == 6) {
    // a positive normal operand has a normal root
    W.get(sd ? QB : IB);
    if (sd) { W.i64c(52); W.op(W.I64_SHR_U); W.i64c(1); W.op(W.I64_SUB); W.i64c(0x7fe); W.op(W.I64_GE_U); }
    else { W.i32c(23); W.op(W.I32_SHR_U); W.i32c(1); W.op(W.I32_SUB); W.i32c(0xfe); W.op(W.I32_GE_U); }
    W.brIf(slow);
    W.get(sd ? QB : IB);
    if (sd) { W.op(W.F64_REINTERPRET_I64); W.op(W.F64_SQRT); W.op(W.I64_REINTERPRET_F64); }
    else { W.op(F32_REINTERPRET_I32); W.op(F32_SQRT); W.op(I32_REINTERPRET_F32); }
    W.set(sd ? QR : IR);
  } else {
    W.i32c(0); W.mem(sd ? W.I64_LOAD : W.I32_LOAD, 0, xr(a)); W.set(sd ? QA : IA);
    badOperand(QA, IA, sd); W.brIf(slow);
    badOperand(QB, IB, sd); W.brIf(slow);
    W.get(sd ? QA : IA); W.op(sd ? W.F64_REINTERPRET_I64 : F32_REINTERPRET_I32);
    W.get(sd ? QB : IB); W.op(sd ? W.F64_REINTERPRET_I64 : F32_REINTERPRET_I32);
    if (sd) W.op(op == 0 ? W.F64_ADD : op == 1 ? W.F64_MUL : op == 2 ? W.F64_SUB : W.F64_DIV);
    else W.op(op == 0 ? F32_ADD : op == 1 ? F32_MUL : op == 2 ? F32_SUB : F32_DIV);
    W.op(sd ? W.I64_REINTERPRET_F64 : I32_REINTERPRET_F32);
    W.set(sd ? QR : IR);
    // not normal, and not an exact zero
    notNormal(QR, IR, sd);
    if (op != 0 && op != 2) {
      isZero(QR, IR, sd);
      isZero(QA, IA, sd);
      if (op == 1) { isZero(QB, IB, sd); W.op(W.I32_OR); }
      W.op(W.I32_AND);
      W.op(W.I32_EQZ);
      W.op(W.I32_AND);
    } else {
      isZero(QR, IR, sd); W.op(W.I32_EQZ); W.op(W.I32_AND);
    }
    W.brIf(slow);
  }
  if (src >= 0) { W.i32c(0); W.i32c(0); W.v128load(xr(a)); W.v128store(xr(reg)); }
  W.i32c(0); W.get(sd ? QR : IR); W.mem(sd ? W.I64_STORE : W.I32_STORE, 0, xr(reg));
  if (src >= 0) { W.i32c(0); v128zero(); W.v128store(xr(reg) + 16); }
}
// Push i32: the value (f64 bits in i64 local q, or f32 bits in i32 local i) is a NaN or a denormal.
function badOperand(q: u32, i: u32, sd: bool): void {
  if (sd) {
    W.get(q); W.i64c(0x7fffffffffffffff); W.op(W.I64_AND); W.set(QT);
    W.get(QT); W.i64c(1); W.op(W.I64_SUB); W.i64c(0x000fffffffffffff); W.op(W.I64_LT_U);
    W.get(QT); W.i64c(0x7ff0000000000000); W.op(W.I64_GT_U);
  } else {
    W.get(i); W.i32c(0x7fffffff); W.op(W.I32_AND); W.set(IT);
    W.get(IT); W.i32c(1); W.op(W.I32_SUB); W.i32c(0x007fffff); W.op(W.I32_LT_U);
    W.get(IT); W.i32c(0x7f800000); W.op(W.I32_GT_U);
  }
  W.op(W.I32_OR);
}
// ... is not a normal number (zero, denormal, infinite, NaN).
function notNormal(q: u32, i: u32, sd: bool): void {
  if (sd) {
    W.get(q); W.i64c(0x7fffffffffffffff); W.op(W.I64_AND); W.i64c(0x0010000000000000); W.op(W.I64_SUB);
    W.i64c(0x7fe0000000000000); W.op(W.I64_GE_U);
  } else {
    W.get(i); W.i32c(0x7fffffff); W.op(W.I32_AND); W.i32c(0x00800000); W.op(W.I32_SUB);
    W.i32c(0x7f000000); W.op(W.I32_GE_U);
  }
}
// ... is a zero of either sign.
function isZero(q: u32, i: u32, sd: bool): void {
  if (sd) { W.get(q); W.i64c(1); W.op(W.I64_SHL); W.op(W.I64_EQZ); }
  else { W.get(i); W.i32c(1); W.op(W.I32_SHL); W.op(W.I32_EQZ); }
}

// UCOMISD/COMISD/UCOMISS/COMISS (and the VEX forms): ordered operands that are not
// denormal raise nothing; ZF PF CF from the compare, OF SF AF cleared; RFLAGS then holds
// the flags (LF_OP = 0), as after the handler.
function comis(d: usize, sd: bool, reg: u32, rm: u32, mem: bool, slow: i32): void {
  if (mem) { memAddr(d, sd ? 8 : 4, TLB_RTAG, 0, slow); W.get(P); W.mem(sd ? W.F64_LOAD : W.F32_LOAD, 0, 0); }
  else { W.i32c(0); W.mem(sd ? W.F64_LOAD : W.F32_LOAD, 0, xr(rm)); }
  if (!sd) W.op(F64_PROMOTE_F32);
  W.set(DB);
  W.i32c(0); W.mem(sd ? W.F64_LOAD : W.F32_LOAD, 0, xr(reg));
  if (!sd) W.op(F64_PROMOTE_F32);
  W.set(DA);
  // each operand zero or normal or infinite: not NaN (exponent all ones, fraction not zero), not denormal
  for (let i = 0; i < 2; i++) {
    const l = i ? DB : DA;
    // |x| as bits: denormal iff 0 < bits < smallest normal; NaN iff bits > infinity
    W.get(l); W.op(W.I64_REINTERPRET_F64); W.i64c(0x7fffffffffffffff); W.op(W.I64_AND); W.set(L_T + 5);
    W.get(L_T + 5); W.i64c(1); W.op(W.I64_SUB);
    W.i64c(sd ? 0x000fffffffffffff : 0x380fffffffffffff); // (f32 operands promoted: their smallest normal is 2^-126)
    W.op(W.I64_LT_U);
    W.get(L_T + 5); W.i64c(0x7ff0000000000000); W.op(W.I64_GT_U);
    W.op(W.I32_OR); W.brIf(slow);
  }
  // RFLAGS: (RFLAGS & ~0x8d5) | (a < b ? CF : a == b ? ZF : 0)
  W.i32c(0);
  W.i32c(0); W.mem(W.I64_LOAD, 3, S_RFLAGS); W.i64c(~0x8d5); W.op(W.I64_AND);
  W.i64c(1); W.i64c(0x40); W.i64c(0);
  W.get(DA); W.get(DB); W.op(F64_EQ); W.op(W.SELECT);
  W.get(DA); W.get(DB); W.op(F64_LT); W.op(W.SELECT);
  W.op(W.I64_OR);
  W.mem(W.I64_STORE, 3, S_RFLAGS);
  W.i32c(0); W.set(L_FOP);
}

// VMOVUPS/VMOVAPS/VMOVUPD/VMOVAPD/VMOVDQU/VMOVDQA (k: 0 load, 1 aligned load, 2 store, 3 aligned store).
function vmov(d: usize, k: u32, reg: u32, rm: u32, mem: bool, slow: i32): void {
  const n: u32 = 16 << vexL(d);
  if (k < 2) {
    if (mem) {
      memAddr(d, n, TLB_RTAG, k == 1 ? n : 0, slow);
      W.get(P); W.v128load(0); W.set(XR0);
      if (n == 32) { W.get(P); W.v128load(16); W.set(XR1); }
    } else {
      W.i32c(0); W.v128load(xr(rm)); W.set(XR0);
      if (n == 32) { W.i32c(0); W.v128load(xr(rm) + 16); W.set(XR1); }
    }
    storeY(reg, n);
    return;
  }
  W.i32c(0); W.v128load(xr(reg)); W.set(XR0);
  if (n == 32) { W.i32c(0); W.v128load(xr(reg) + 16); W.set(XR1); }
  if (mem) {
    memAddr(d, n, TLB_WTAG, k == 3 ? n : 0, slow);
    W.get(P); W.get(XR0); W.v128store(0);
    if (n == 32) { W.get(P); W.get(XR1); W.v128store(16); }
  } else storeY(rm, n);
}
// XR0 (and XR1 when n is 32; else zeros) to YMM register r.
function storeY(r: u32, n: u32): void {
  W.i32c(0); W.get(XR0); W.v128store(xr(r));
  W.i32c(0);
  if (n == 32) W.get(XR1); else v128zero();
  W.v128store(xr(r) + 16);
}
function v128const(lo: i64, hi: i64): void {
  W.simd(V_CONST);
  for (let i: i64 = 0; i < 64; i += 8) W.byte(<u32>((lo >> i) & 0xff));
  for (let i: i64 = 0; i < 64; i += 8) W.byte(<u32>((hi >> i) & 0xff));
}
function v128zero(): void { v128const(0, 0); }
function shuffle(lanes: StaticArray<u8>): void {
  W.simd(V_SHUFFLE);
  for (let i = 0; i < 16; i++) W.byte(lanes[i]);
}
const HI_TO_LO: StaticArray<u8> = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const LOWS: StaticArray<u8> = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

// XF |= lanes of the f32x4 in local l that are not normal (zero, denormal, infinite, NaN).
function badLanes32(l: u32): void {
  W.get(l); v128const(0x7f8000007f800000, 0x7f8000007f800000); W.simd(V_AND); W.set(XS1);
  W.get(XS1); v128zero(); W.simd(I32X4_EQ);
  W.get(XS1); v128const(0x7f8000007f800000, 0x7f8000007f800000); W.simd(I32X4_EQ);
  W.simd(V_OR); W.get(XF); W.simd(V_OR); W.set(XF);
}
// XF |= lanes of the f32x4 in local l that are NaNs or denormals (they raise IE or DE).
function badOperands32(l: u32): void {
  W.get(l); v128const(0x7fffffff7fffffff, 0x7fffffff7fffffff); W.simd(V_AND); W.set(XS1);
  W.get(XS1); v128const(0x0000000100000001, 0x0000000100000001); W.simd(I32X4_SUB);
  v128const(0x007fffff007fffff, 0x007fffff007fffff); W.simd(I32X4_LT_U);
  W.get(XS1); v128const(0x7f8000007f800000, 0x7f8000007f800000); W.simd(I32X4_GT_U);
  W.simd(V_OR); W.get(XF); W.simd(V_OR); W.set(XF);
}
// The sum in local s (f64x2, to be rounded to f32): XF |= lanes whose magnitude is not above
// f32's smallest normal, or that lie exactly halfway between two f32 (rounding the f64 sum
// again could then differ from rounding the exact value once).
function badSums(s: u32): void {
  W.get(s); W.simd(F64X2_ABS); v128const(0x3810000000000000, 0x3810000000000000); W.simd(F64X2_LE);
  W.get(s); v128const(0x1fffffff, 0x1fffffff); W.simd(V_AND); v128const(0x10000000, 0x10000000); W.simd(I64X2_EQ);
  W.simd(V_OR); W.get(XF); W.simd(V_OR); W.set(XF);
}

// VFMADD/VFMSUB/VFNMADD/VFNMSUB{132,213,231}PS: each lane's product is exact in f64 (24 x 24
// bits) and the f64 sum, not halfway between two f32, rounds to the f32 of the exact value.
// Zero and infinite operands are fine (an invalid inf * 0 gives a NaN, not normal); every
// lane's result must be normal.
function fma(d: usize, k: u32, reg: u32, rm: u32, mem: bool, slow: i32): void {
  const L = vexL(d), n: u32 = 16 << L;
  const form = k >> 4, op = k & 7;
  const negP = op == 2 || op == 3, negC = op == 1 || op == 3;
  const vvvv = <u32>load<u8>(d, 25);
  mxFast(slow);
  if (mem) memAddr(d, n, TLB_RTAG, 0, slow);
  v128zero(); W.set(XF);
  for (let half: u32 = 0; half <= L; half++) {
    const off = half << 4;
    // a * b + c: 132 a = dest, b = W, c = vvvv; 213 a = vvvv, b = dest, c = W; 231 a = vvvv, b = W, c = dest
    for (let i: u32 = 0; i < 3; i++) {
      const src = form == 0 ? (i == 0 ? 0 : i == 1 ? 1 : 2) : form == 1 ? (i == 0 ? 2 : i == 1 ? 0 : 1) : (i == 0 ? 2 : i == 1 ? 1 : 0);
      // src: 0 dest, 1 W, 2 vvvv
      if (src == 1 && mem) { W.get(P); W.v128load(off); }
      else { W.i32c(0); W.v128load(xr(src == 0 ? reg : src == 1 ? rm : vvvv) + off); }
      W.set(XA + i);
      badOperands32(XA + i);
    }
    for (let part: u32 = 0; part < 2; part++) { // lanes 0-1, then 2-3 (into XR1 first: XS1 is badLanes32's)
      for (let i: u32 = 0; i < 2; i++) {
        W.get(XA + i);
        if (part) { W.get(XA + i); shuffle(HI_TO_LO); }
        W.simd(F64X2_PROMOTE);
      }
      W.simd(F64X2_MUL);
      if (negP) W.simd(F64X2_NEG);
      W.get(XC);
      if (part) { W.get(XC); shuffle(HI_TO_LO); }
      W.simd(F64X2_PROMOTE);
      if (negC) W.simd(F64X2_NEG);
      W.simd(F64X2_ADD);
      W.set(part ? XR1 : XS0);
    }
    W.get(XR1); W.set(XS1);
    badSums(XS0);
    badSums(XS1);
    // the two f32 halves together
    W.get(XS0); W.simd(F32X4_DEMOTE); W.get(XS1); W.simd(F32X4_DEMOTE); shuffle(LOWS);
    W.set(half ? XR1 : XR0);
    W.get(half ? XR1 : XR0); W.set(XB); badLanes32(XB);
  }
  W.get(XF); W.simd(V_ANY); W.brIf(slow);
  storeY(reg, n);
}

// VBROADCASTSS/SD/F128, VPBROADCASTB/W/D/Q (k: log2 of the element's bytes).
function broadcast(d: usize, k: u32, reg: u32, rm: u32, mem: bool, slow: i32): void {
  const n: u32 = 1 << k;
  if (mem) { memAddr(d, n, TLB_RTAG, 0, slow); W.get(P); }
  else W.i32c(0);
  const off = mem ? 0 : xr(rm);
  if (k == 4) W.v128load(off);
  else { W.simd(7 + k); W.uleb(k); W.uleb(off); } // v128.load8/16/32/64_splat
  W.set(XR0);
  W.get(XR0); W.set(XR1);
  storeY(reg, 16 << vexL(d));
}

// The lane kinds (core/ops/simd.ts laneOp) that are one wasm SIMD operation or a shuffle.
// SIMD opcodes of the binary ones, by kind from K_PADDB (0: not one).
const LANE_OP: StaticArray<u8> = [
  0x6e, 0x8e, 0xae, 0xce, 0x71, 0x91, 0xb1, 0xd1, // PADD B W D Q, PSUB B W D Q
  0x6f, 0x8f, 0x70, 0x90, 0x72, 0x92, 0x73, 0x93, // PADDS B W, PADDUS B W, PSUBS B W, PSUBUS B W
  0x95, 0, 0, 0, 0, 0, 0x23, 0x2d, 0x37, 0x27, 0x31, 0x3b, // PMULLW, (PMULHW ... PSADBW), PCMPEQ B W D, PCMPGT B W D
  0x77, 0x79, 0x96, 0x98, // PMINUB PMAXUB PMINSW PMAXSW
];
// PCMPEQQ PACKUSDW PCMPGTQ PMINSB PMINSD PMINUW PMINUD PMAXSB PMAXSD PMAXUW PMAXUD PMULLD
const LANE_OP2: StaticArray<u8> = [0xd6, 0, 0xd9, 0x76, 0xb6, 0x97, 0xb7, 0x78, 0xb8, 0x99, 0xb9, 0xb5];
const UNPCK: StaticArray<u8> = [ // UNPCKL BW WD DQ QDQ, UNPCKH BW WD DQ QDQ: byte lanes of (a, b)
  0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
  0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23,
  0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23,
  0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23,
  8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31,
  8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31,
  8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31,
  8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31,
];
function laneKind(k: u32): bool {
  if (k <= K_PMAXSW) return LANE_OP[k] != 0;
  if (k == K_PAVGB || k == K_PAVGW || (k >= K_AND && k <= K_UNPCKHQDQ)) return true;
  if (k == K_SHUFPS || k == K_PSHUFD || k == K_PSHUFB) return true;
  return k >= K_PCMPEQQ && k <= K_PMULLD && LANE_OP2[k - K_PCMPEQQ] != 0;
}
// Integer lane operations, logic, unpacks and shuffles (exact: no MXCSR): legacy (a = the
// destination, an aligned m128, bits 128.. kept) or VEX (a = vvvv, 128 or 256 bits).
function lanes(d: usize, k: u32, reg: u32, rm: u32, mem: bool, slow: i32): void {
  const v = vex(d), L = v ? vexL(d) : 0;
  const a = v ? <u32>load<u8>(d, 25) : reg;
  const imm = <u32>load<u8>(d, 16);
  if (mem) memAddr(d, 16 << L, TLB_RTAG, v ? 0 : 16, slow);
  for (let half: u32 = 0; half <= L; half++) {
    const off = half << 4;
    W.i32c(0); W.v128load(xr(a) + off); W.set(XA);
    if (mem) { W.get(P); W.v128load(off); } else { W.i32c(0); W.v128load(xr(rm) + off); }
    W.set(XB);
    W.get(XA); W.get(XB);
    if (k <= K_PMAXSW) W.simd(LANE_OP[k]);
    else if (k >= K_PCMPEQQ) W.simd(LANE_OP2[k - K_PCMPEQQ]);
    else if (k == K_PAVGB) W.simd(0x7b);
    else if (k == K_PAVGW) W.simd(0x9b);
    else if (k == K_AND) W.simd(V_AND);
    else if (k == K_ANDN) { W.op(W.DROP); W.op(W.DROP); W.get(XB); W.get(XA); W.simd(V_ANDNOT); } // ~a & b
    else if (k == K_OR) W.simd(V_OR);
    else if (k == K_XOR) W.simd(V_XOR);
    else if (k == K_PSHUFB) { // (a's bytes by b's low 4 bits; bit 7: zero)
      v128const(0x8f8f8f8f8f8f8f8f, 0x8f8f8f8f8f8f8f8f); W.simd(V_AND); W.simd(0x0e);
    } else if (k == K_SHUFPS || k == K_PSHUFD) {
      // SHUFPS: two dwords of a, two of b; PSHUFD: four of b
      if (k == K_PSHUFD) { W.op(W.DROP); W.op(W.DROP); W.get(XB); W.get(XB); }
      W.simd(V_SHUFFLE);
      for (let i: u32 = 0; i < 4; i++) {
        const from: u32 = (k == K_SHUFPS && i >= 2 ? 16 : 0) + (((imm >> (i << 1)) & 3) << 2);
        for (let j: u32 = 0; j < 4; j++) W.byte(from + j);
      }
    } else {
      const u = (k - K_UNPCKLBW) << 4;
      W.simd(V_SHUFFLE);
      for (let i: u32 = 0; i < 16; i++) W.byte(UNPCK[u + i]);
    }
    W.set(half ? XR1 : XR0);
  }
  if (v) storeY(reg, 16 << L);
  else { W.i32c(0); W.get(XR0); W.v128store(xr(reg)); }
}

// ADDPS MULPS SUBPS DIVPS and the PD forms (op 0..3 as for the scalar ones), legacy or VEX:
// no lane may have a NaN or denormal operand, every lane's result must be normal (or, for
// sums, zero: exact).
function packed(d: usize, dbl: bool, op: u32, reg: u32, rm: u32, mem: bool, slow: i32): void {
  const v = vex(d), L = v ? vexL(d) : 0;
  const a = v ? <u32>load<u8>(d, 25) : reg;
  mxFast(slow);
  if (mem) memAddr(d, 16 << L, TLB_RTAG, v ? 0 : 16, slow);
  v128zero(); W.set(XF);
  for (let half: u32 = 0; half <= L; half++) {
    const off = half << 4;
    W.i32c(0); W.v128load(xr(a) + off); W.set(XA);
    if (mem) { W.get(P); W.v128load(off); } else { W.i32c(0); W.v128load(xr(rm) + off); }
    W.set(XB);
    badFloats(XA, dbl); badFloats(XB, dbl);
    W.get(XA); W.get(XB);
    W.simd((dbl ? 0xf0 : 0xe4) + (op == 0 ? 0 : op == 1 ? 2 : op == 2 ? 1 : 3)); // add sub mul div
    W.set(half ? XR1 : XR0);
    // not normal (and, for a sum, not zero)
    W.get(half ? XR1 : XR0); W.simd(dbl ? F64X2_ABS : 0xe0); W.set(XC);
    W.get(XC); floatConst(dbl, false); W.simd(dbl ? 0x4c : 0x46); // ge MIN
    W.get(XC); floatConst(dbl, true); W.simd(dbl ? 0x4b : 0x45); // le MAX
    W.simd(V_AND); W.simd(0x4d); // v128.not
    if (op == 0 || op == 2) { W.get(XC); v128zero(); W.simd(dbl ? 0x48 : 0x42); W.simd(V_AND); } // ne 0
    W.get(XF); W.simd(V_OR); W.set(XF);
  }
  W.get(XF); W.simd(V_ANY); W.brIf(slow);
  if (v) storeY(reg, 16 << L);
  else { W.i32c(0); W.get(XR0); W.v128store(xr(reg)); }
}
// XF |= the lanes of local x that are NaNs or denormals.
function badFloats(x: u32, dbl: bool): void {
  W.get(x); W.get(x); W.simd(dbl ? 0x48 : 0x42); // ne: NaN
  W.get(x); W.simd(dbl ? F64X2_ABS : 0xe0); floatConst(dbl, false); W.simd(dbl ? 0x49 : 0x43); // |x| < MIN
  W.get(x); v128zero(); W.simd(dbl ? 0x48 : 0x42); W.simd(V_AND); // ... and not zero
  W.simd(V_OR);
  W.get(XF); W.simd(V_OR); W.set(XF);
}
// The smallest (or largest) normal number in every lane.
function floatConst(dbl: bool, max: bool): void {
  if (dbl) { const c: i64 = max ? 0x7fefffffffffffff : 0x0010000000000000; v128const(c, c); }
  else { const c: i64 = max ? 0x7f7fffff7f7fffff : 0x0080000000800000; v128const(c, c); }
}
