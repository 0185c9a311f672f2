// Emitters for the hot SSE/AVX forms: scalar and packed floating point in wasm's
// f32/f64 and v128 instructions, and the moves around them. Each one is a fast path
// for the common case that branches to `slow` (the interpreter's handler, called by
// compile.ts) wherever wasm and x86 could differ:
// - arithmetic only with MXCSR rounding to nearest and PE already set, on normal
//   operands giving normal results: then x86 raises nothing more and DAZ/FTZ change
//   nothing, and wasm's IEEE result is x86's (the interpreter's own fast path, op64);
//   NaNs, infinities, zeros, denormals, other rounding modes take the handler;
// - memory operands only when the TLB maps all their bytes (and, for the aligned
//   forms, they are aligned): faults, #GP and code pages are the handler's;
// - nothing is written (register, memory, MXCSR, flags) before every check passed.
// XMM/YMM registers stay in the CPU state (S_XMM, 32 bytes each).
import * as W from './wasm';
import { ea, isMem, eaRegs, tlbHit, hostAddr, L_T, L_I, L_FOP, L_D, L_X, flagsNone } from './emit';
import { S_XMM, S_MXCSR, S_RFLAGS, TLB_RTAG, TLB_WTAG } from '../generated/layout';
import {
  H_movups_VW, H_movups_WV, H_movss_VW, H_movss_WV, H_fp_sd, H_fp_ss, H_comis, H_plogic, H_vmov, H_fma,
  FORM_H, FORM_ARG,
} from '../generated/isa';

// opcodes wasm.ts does not name
const F32_ABS: u32 = 0x8b, F32_SQRT: u32 = 0x91, F32_ADD: u32 = 0x92, F32_SUB: u32 = 0x93, F32_MUL: u32 = 0x94,
  F32_DIV: u32 = 0x95, F64_LT: u32 = 0x63, F64_EQ: u32 = 0x61, I32_REINTERPRET_F32: u32 = 0xbc,
  F32_REINTERPRET_I32: u32 = 0xbe, F64_PROMOTE_F32: u32 = 0xbb;
// SIMD (after 0xfd)
const V_CONST: u32 = 0x0c, V_SHUFFLE: u32 = 0x0d, I32X4_EQ: u32 = 0x37, F64X2_LE: u32 = 0x4b, V_AND: u32 = 0x4e,
  V_OR: u32 = 0x50, V_XOR: u32 = 0x51, V_ANDNOT: u32 = 0x4f, V_ANY: u32 = 0x53, F32X4_DEMOTE: u32 = 0x5e,
  F64X2_PROMOTE: u32 = 0x5f, I64X2_EQ: u32 = 0xd6, F64X2_ABS: u32 = 0xec, F64X2_NEG: u32 = 0xed,
  F64X2_ADD: u32 = 0xf0, F64X2_MUL: u32 = 0xf2;

const MX_PE: i32 = 0x20, RC_BITS: i32 = 0x6000;
const A = L_T + 4; // i64: the memory operand's guest address
const P = L_I + 2; // i32: its wasm address
const DA = L_D, DB = L_D + 1, DR = L_D + 2; // f64
const IA = L_I, IB = L_I + 1; // i32 (f32 bits)
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
    case H_comis: return true;
    case H_vmov: return vex(d);
    // FMA3 packed single: madd, msub, nmadd, nmsub in the three operand orders
    case H_fma: return vex(d) && (k & 8) == 0 && (k & 7) <= 3 && vexW(d) == 0;
  }
  return false;
}
// The guest registers its fast path reads (bits 0..15; it writes none).
export function regsOfSse(d: usize): u32 { return isMem(d) ? eaRegs(d) : 0; }
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
// To `slow` unless the f64 in local l (the f32 bits in i32 local l) is normal (exponent field 1..0x7fe), or positive normal.
function normal64(l: u32, positive: bool, slow: i32): void {
  W.get(l); W.op(W.I64_REINTERPRET_F64); W.i64c(52); W.op(W.I64_SHR_U);
  if (!positive) { W.i64c(0x7ff); W.op(W.I64_AND); }
  W.i64c(1); W.op(W.I64_SUB); W.i64c(0x7fe); W.op(W.I64_GE_U); W.brIf(slow);
}
function normal32(l: u32, positive: bool, slow: i32): void {
  W.get(l); W.i32c(23); W.op(W.I32_SHR_U);
  if (!positive) { W.i32c(0xff); W.op(W.I32_AND); }
  W.i32c(1); W.op(W.I32_SUB); W.i32c(0xfe); W.op(W.I32_GE_U); W.brIf(slow);
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
    case H_fp_sd: case H_fp_ss: { scalar(d, h == H_fp_sd, k, reg, rm, mem, slow); return; }
    case H_comis: { comis(d, (k & 1) != 0, reg, rm, mem, slow); return; }
    case H_vmov: { vmov(d, k, reg, rm, mem, slow); return; }
    case H_fma: { fma(d, k, reg, rm, mem, slow); return; }
  }
  W.op(W.UNREACHABLE); // (canEmitSse and emitSse disagree)
}

// ADDSD SUBSD MULSD DIVSD SQRTSD and the SS forms (op: F_ADD 0, F_MUL 1, F_SUB 2, F_DIV 3, F_SQRT 6).
function scalar(d: usize, sd: bool, op: u32, reg: u32, rm: u32, mem: bool, slow: i32): void {
  mxFast(slow);
  if (!sd) { scalar32(d, op, reg, rm, mem, slow); return; }
  if (mem) { memAddr(d, 8, TLB_RTAG, 0, slow); W.get(P); W.mem(W.F64_LOAD, 0, 0); }
  else { W.i32c(0); W.mem(W.F64_LOAD, 0, xr(rm)); }
  W.set(DB);
  if (op == 6) { // a positive normal operand has a normal root
    normal64(DB, true, slow);
    W.i32c(0); W.get(DB); W.op(W.F64_SQRT); W.mem(W.F64_STORE, 0, xr(reg));
    return;
  }
  W.i32c(0); W.mem(W.F64_LOAD, 0, xr(reg)); W.set(DA);
  normal64(DA, false, slow); normal64(DB, false, slow);
  W.get(DA); W.get(DB);
  W.op(op == 0 ? W.F64_ADD : op == 1 ? W.F64_MUL : op == 2 ? W.F64_SUB : W.F64_DIV);
  W.set(DR);
  normal64(DR, false, slow);
  W.i32c(0); W.get(DR); W.mem(W.F64_STORE, 0, xr(reg));
}
// ... single precision, the values as their bits in i32 locals
function scalar32(d: usize, op: u32, reg: u32, rm: u32, mem: bool, slow: i32): void {
  if (mem) { memAddr(d, 4, TLB_RTAG, 0, slow); W.get(P); W.mem(W.I32_LOAD, 0, 0); }
  else { W.i32c(0); W.mem(W.I32_LOAD, 0, xr(rm)); }
  W.set(IB);
  if (op == 6) {
    normal32(IB, true, slow);
    W.i32c(0); W.get(IB); W.op(F32_REINTERPRET_I32); W.op(F32_SQRT); W.mem(W.F32_STORE, 0, xr(reg));
    return;
  }
  W.i32c(0); W.mem(W.I32_LOAD, 0, xr(reg)); W.set(IA);
  normal32(IA, false, slow); normal32(IB, false, slow);
  W.get(IA); W.op(F32_REINTERPRET_I32); W.get(IB); W.op(F32_REINTERPRET_I32);
  W.op(op == 0 ? F32_ADD : op == 1 ? F32_MUL : op == 2 ? F32_SUB : F32_DIV);
  W.op(I32_REINTERPRET_F32); W.set(IA);
  normal32(IA, false, slow);
  W.i32c(0); W.get(IA); W.mem(W.I32_STORE, 0, xr(reg));
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
      badLanes32(XA + i);
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
