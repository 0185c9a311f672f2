// SSE/SSE2 floating point: arithmetic (PS/PD/SS/SD), compares, COMIS/UCOMIS and
// conversions, bit-exact with the SDM:
// - a NaN operand propagates quieted (the first source when both are NaN);
//   invalid operations give the default NaN (0xFFC00000 / 0xFFF8000000000000);
// - MIN/MAX return the second operand when either is NaN or both are zero;
// - MXCSR.RC is honoured: wasm rounds to nearest, so directed rounding of finite
//   operands goes through the exact x87 software arithmetic (f80.ts) — rounding
//   first to 64 then to 53/24 bits in the same direction equals one rounding;
// - MXCSR flags: IE, ZE, DE (a denormal operand, without DAZ), and PE, OE, UE of the
//   result: exactness is checked in f64 (TwoSum for sums, products of f32 are exact
//   in f64) or, for f64 products, quotients and roots, through the f80 arithmetic;
//   skipped while PE is already set and the result is a normal number (nothing else
//   can then be raised). All exceptions are treated as masked.
import { dReg, dRm, dOsz, dIsMem, dImm, stopped, getReg, setReg, setSomeFlags } from '../cpu';
import { ea } from '../operand';
import { rd32, rd64 } from '../mem';
import { S_MXCSR } from '../generated/layout';
import { xmm, readW128, readW64, readW32, tmpA, tmpB, mxcsrRC, mxRaise, MX_IE, MX_ZE, MX_OE, MX_UE, MX_PE, MX_DE } from './sse';
import {
  f80_rse, f80_rm, f80_status, f80_add, f80_sub, f80_mul, f80_div, f80_sqrt,
  f80_from_f64, f80_from_f32, f80_from_i64, f80_to_f64, f80_to_f32,
} from '../f80';

export const F_ADD: u32 = 0, F_MUL: u32 = 1, F_SUB: u32 = 2, F_DIV: u32 = 3, F_MIN: u32 = 4, F_MAX: u32 = 5,
  F_SQRT: u32 = 6, F_RCP: u32 = 7, F_RSQRT: u32 = 8;

const QNAN64: u64 = 0xFFF8000000000000, QB64: u64 = 0x0008000000000000;
const QNAN32: u32 = 0xFFC00000, QB32: u32 = 0x00400000;
const MX_F80: u32 = 0x3D; // IE ZE OE UE PE taken over from the f80 status

// @ts-ignore: decorator
@inline function nan64(x: u64): bool { return (x & 0x7FFFFFFFFFFFFFFF) > 0x7FF0000000000000; }
// @ts-ignore: decorator
@inline function snan64(x: u64): bool { return nan64(x) && (x & QB64) == 0; }
// @ts-ignore: decorator
@inline function finite64(x: u64): bool { return (x & 0x7FF0000000000000) != 0x7FF0000000000000; }
// @ts-ignore: decorator
@inline function nan32(x: u32): bool { return (x & 0x7FFFFFFF) > 0x7F800000; }
// @ts-ignore: decorator
@inline function snan32(x: u32): bool { return nan32(x) && (x & QB32) == 0; }
// @ts-ignore: decorator
@inline function finite32(x: u32): bool { return (x & 0x7F800000) != 0x7F800000; }

// --- directed rounding through the x87 software arithmetic -----------------------------
let s_ase: u32 = 0;
let s_am: u64 = 0;
function f80op(op: u32, bse: u32, bm: u64, rc: u32): void {
  switch (op) {
    case F_ADD: f80_add(s_ase, s_am, bse, bm, 3, rc); break;
    case F_MUL: f80_mul(s_ase, s_am, bse, bm, 3, rc); break;
    case F_SUB: f80_sub(s_ase, s_am, bse, bm, 3, rc); break;
    case F_DIV: f80_div(s_ase, s_am, bse, bm, 3, rc); break;
    default: f80_sqrt(bse, bm, 3, rc); break;
  }
}
function slow64(op: u32, ab: u64, bb: u64, rc: u32): u64 {
  f80_status = 0;
  f80_from_f64(ab);
  s_ase = f80_rse; s_am = f80_rm;
  f80_from_f64(bb);
  f80op(op, f80_rse, f80_rm, rc);
  const r = f80_to_f64(f80_rse, f80_rm, rc);
  mxRaise(underflow64(r, f80_status) & MX_F80);
  return r;
}
function slow32(op: u32, ab: u32, bb: u32, rc: u32): u32 {
  f80_status = 0;
  f80_from_f32(ab);
  s_ase = f80_rse; s_am = f80_rm;
  f80_from_f32(bb);
  f80op(op, f80_rse, f80_rm, rc);
  const r = f80_to_f32(f80_rse, f80_rm, rc);
  mxRaise(underflow32(r, f80_status) & MX_F80);
  return r;
}
// A denormal (or zero) result inexact at either rounding, first to the f80's 64 bits then to
// the format's, is an underflow: the first rounding may leave nothing for the second to round.
function underflow64(r: u64, st: u32): u32 { return (st & MX_PE) && (r & 0x7FF0000000000000) == 0 ? st | MX_UE : st; }
function underflow32(r: u32, st: u32): u32 { return (st & MX_PE) && (r & 0x7F800000) == 0 ? st | MX_UE : st; }

// The flags (PE, UE, OE) of a finite-operand a op b rounded to nearest, through the f80
// arithmetic (the value is not used: it may round twice).
function flagsSlow(op: u32, ab: u64, bb: u64, is64: bool): void {
  f80_status = 0;
  if (is64) f80_from_f64(ab); else f80_from_f32(<u32>ab);
  s_ase = f80_rse; s_am = f80_rm;
  if (is64) f80_from_f64(bb); else f80_from_f32(<u32>bb);
  f80op(op, f80_rse, f80_rm, 0);
  const st = is64 ? underflow64(f80_to_f64(f80_rse, f80_rm, 0), f80_status) : underflow32(f80_to_f32(f80_rse, f80_rm, 0), f80_status);
  mxRaise(st & (MX_PE | MX_UE | MX_OE));
}
// @ts-ignore: decorator
@inline function den64(x: u64): bool { return (x & 0x7FF0000000000000) == 0 && (x << 1) != 0; }
// @ts-ignore: decorator
@inline function den32(x: u32): bool { return (x & 0x7F800000) == 0 && (x << 1) != 0; }
// PE/UE/OE of a finite result r of finite operands (rounding to nearest).
function resultFlags64(op: u32, ab: u64, bb: u64, r: f64): void {
  const ar = abs<f64>(r);
  const normal = ar >= 2.2250738585072014e-308 && ar <= 1.7976931348623157e308;
  if (normal && (load<u32>(S_MXCSR) & MX_PE)) return;
  if (normal && (op == F_ADD || op == F_SUB)) {
    // TwoSum: the rounding error of a + b, exactly
    const a = reinterpret<f64>(ab), b = op == F_ADD ? reinterpret<f64>(bb) : -reinterpret<f64>(bb);
    const bp = r - a, ap = r - bp;
    if ((a - ap) + (b - bp) != 0) mxRaise(MX_PE);
    return;
  }
  flagsSlow(op, ab, bb, true);
}
function resultFlags32(op: u32, ab: u32, bb: u32, r: f32): void {
  const ar = abs<f32>(r);
  const normal = ar >= reinterpret<f32>(<u32>0x00800000) && ar <= reinterpret<f32>(<u32>0x7F7FFFFF);
  if (normal && (load<u32>(S_MXCSR) & MX_PE)) return;
  if (!normal) { flagsSlow(op, ab, bb, false); return; }
  const a = <f64>reinterpret<f32>(ab), b = <f64>reinterpret<f32>(bb), x = <f64>r;
  let exact: bool;
  if (op == F_MUL) exact = x == a * b; // (24 x 24 bits: exact in f64)
  else if (op == F_DIV) exact = x * b == a;
  else if (op == F_SQRT) exact = x * x == b;
  else {
    const bb2 = op == F_ADD ? b : -b;
    const s = a + bb2, bp = s - a, ap = s - bp;
    exact = (a - ap) + (bb2 - bp) == 0 && x == s;
  }
  if (!exact) mxRaise(MX_PE);
}

// --- scalar operations on bit patterns -----------------------------------------------
// a op b (b alone for the unary SQRT/RCP/RSQRT).
function op64c(op: u32, ab: u64, bb: u64): u64 {
  const a = reinterpret<f64>(ab), b = reinterpret<f64>(bb);
  // DE: a denormal operand (DAZ off: op64 flushes them first otherwise), unless invalid
  // or a division by zero (measured: ZE takes precedence)
  if ((op >= F_SQRT || !nan64(ab)) && !nan64(bb) && (den64(bb) || (op < F_SQRT && den64(ab))) && !(op == F_DIV && (bb << 1) == 0)) {
    if (!(op == F_SQRT && (bb >> 63) != 0)) mxRaise(MX_DE);
  }
  if (op == F_MIN || op == F_MAX) {
    if (nan64(ab) || nan64(bb)) { mxRaise(MX_IE); return bb; }
    if (op == F_MIN) return a < b ? ab : bb;
    return a > b ? ab : bb;
  }
  if (op >= F_SQRT) {
    if (nan64(bb)) { if (snan64(bb)) mxRaise(MX_IE); return bb | QB64; }
    if ((bb >> 63) != 0 && (bb << 1) != 0) { mxRaise(MX_IE); return QNAN64; }
    const rc = mxcsrRC();
    if (rc != 0 && finite64(bb)) return slow64(F_SQRT, 0, bb, rc);
    const r = sqrt<f64>(b);
    if (finite64(bb)) resultFlags64(F_SQRT, 0, bb, r);
    return reinterpret<u64>(r);
  }
  if (nan64(ab) || nan64(bb)) {
    if (snan64(ab) || snan64(bb)) mxRaise(MX_IE);
    return nan64(ab) ? ab | QB64 : bb | QB64;
  }
  let r: f64;
  if (op == F_ADD) r = a + b;
  else if (op == F_MUL) r = a * b;
  else if (op == F_SUB) r = a - b;
  else {
    r = a / b;
    if (b == 0) { if (a == a && a != 0 && finite64(ab)) mxRaise(MX_ZE); }
  }
  if (isNaN<f64>(r)) { mxRaise(MX_IE); return QNAN64; }
  const rc = mxcsrRC();
  if (rc != 0 && finite64(ab) && finite64(bb) && !(op == F_DIV && b == 0)) return slow64(op, ab, bb, rc);
  if (finite64(ab) && finite64(bb) && !(op == F_DIV && b == 0)) resultFlags64(op, ab, bb, r);
  return reinterpret<u64>(r);
}
function op32c(op: u32, ab: u32, bb: u32): u32 {
  const a = reinterpret<f32>(ab), b = reinterpret<f32>(bb);
  // DE: a denormal operand (DAZ off), unless invalid; RCP and RSQRT raise nothing
  if (op < F_RCP && (op == F_SQRT || !nan32(ab)) && !nan32(bb) && (den32(bb) || (op < F_SQRT && den32(ab))) && !(op == F_DIV && (bb << 1) == 0)) {
    if (!(op == F_SQRT && (bb >> 31) != 0)) mxRaise(MX_DE);
  }
  if (op == F_MIN || op == F_MAX) {
    if (nan32(ab) || nan32(bb)) { mxRaise(MX_IE); return bb; }
    if (op == F_MIN) return a < b ? ab : bb;
    return a > b ? ab : bb;
  }
  if (op >= F_SQRT) {
    // (RCP and RSQRT raise no exceptions: SDM vol. 2)
    if (nan32(bb)) { if (snan32(bb) && op == F_SQRT) mxRaise(MX_IE); return bb | QB32; }
    const neg = (bb >> 31) != 0;
    const mag = bb & 0x7FFFFFFF;
    if (op == F_RCP) {
      // approximation (SDM: |rel. error| <= 1.5 * 2^-12); here exact. Denormal inputs
      // count as zero and tiny results are flushed to zero, as on hardware.
      if (mag < 0x00800000) return (bb & 0x80000000) | 0x7F800000;
      if (mag > 0x7E800000) return bb & 0x80000000; // |1/b| < 2^-126: flushed (before any rounding up)
      const r = reinterpret<u32>(<f32>1.0 / b);
      if ((r & 0x7FFFFFFF) < 0x00800000) return r & 0x80000000;
      return r;
    }
    if (mag < 0x00800000 && op == F_RSQRT) return (bb & 0x80000000) | 0x7F800000; // ±0, denormals: ±inf
    if (neg && mag != 0) { if (op == F_SQRT) mxRaise(MX_IE); return QNAN32; }
    if (op == F_RSQRT) return reinterpret<u32>(<f32>(1.0 / sqrt<f64>(<f64>b)));
    const rc = mxcsrRC();
    if (rc != 0 && finite32(bb)) return slow32(F_SQRT, 0, bb, rc);
    const r = sqrt<f32>(b);
    if (finite32(bb)) resultFlags32(F_SQRT, 0, bb, r);
    return reinterpret<u32>(r);
  }
  if (nan32(ab) || nan32(bb)) {
    if (snan32(ab) || snan32(bb)) mxRaise(MX_IE);
    return nan32(ab) ? ab | QB32 : bb | QB32;
  }
  let r: f32;
  if (op == F_ADD) r = a + b;
  else if (op == F_MUL) r = a * b;
  else if (op == F_SUB) r = a - b;
  else {
    r = a / b;
    if (b == 0) { if (a != 0 && finite32(ab)) mxRaise(MX_ZE); }
  }
  if (isNaN<f32>(r)) { mxRaise(MX_IE); return QNAN32; }
  const rc = mxcsrRC();
  if (rc != 0 && finite32(ab) && finite32(bb) && !(op == F_DIV && b == 0)) return slow32(op, ab, bb, rc);
  if (finite32(ab) && finite32(bb) && !(op == F_DIV && b == 0)) resultFlags32(op, ab, bb, r);
  return reinterpret<u32>(r);
}

// DAZ: denormal operands count as signed zeros. FTZ: tiny results become signed
// zeros (with UE and PE), as with the underflow exception masked.
const MX_DAZ: u32 = 0x40, MX_FTZ: u32 = 0x8000;
// @ts-ignore: decorator
@inline function mxPlain(): bool { return (load<u32>(S_MXCSR) & 0xE040) == 0; } // RN, no DAZ/FTZ
// @ts-ignore: decorator
@inline function daz64(x: u64): u64 { return (x & 0x7FF0000000000000) == 0 ? x & 0x8000000000000000 : x; }
// @ts-ignore: decorator
@inline function daz32(x: u32): u32 { return (x & 0x7F800000) == 0 ? x & 0x80000000 : x; }
function ftz64(x: u64): u64 {
  if ((x & 0x7FF0000000000000) == 0 && (x << 1) != 0) { mxRaise(MX_UE | MX_PE); return x & 0x8000000000000000; }
  return x;
}
function ftz32(x: u32): u32 {
  if ((x & 0x7F800000) == 0 && (x << 1) != 0) { mxRaise(MX_UE | MX_PE); return x & 0x80000000; }
  return x;
}
// @ts-ignore: decorator
@inline function dazOn(): bool { return (load<u32>(S_MXCSR) & MX_DAZ) != 0; }

// The common case first: +, -, *, / of normal numbers, rounding to nearest, with PE
// already raised. A normal result then raises nothing more (no DE or IE from normal
// operands, no ZE, OE or UE), and DAZ/FTZ change neither operands nor result.
const RC_BITS: u32 = 0x6000;
// @ts-ignore: decorator
@inline function normal64(x: u64): bool { return ((x >> 52) & 0x7FF) - 1 < 0x7FE; }
// @ts-ignore: decorator
@inline function normal32(x: u32): bool { return ((x >> 23) & 0xFF) - 1 < 0xFE; }

export function op64(op: u32, ab: u64, bb: u64): u64 {
  const mx = load<u32>(S_MXCSR);
  if (op <= F_DIV && (mx & (MX_PE | RC_BITS)) == MX_PE && normal64(ab) && normal64(bb)) {
    const a = reinterpret<f64>(ab), b = reinterpret<f64>(bb);
    const r = op == F_ADD ? a + b : op == F_MUL ? a * b : op == F_SUB ? a - b : a / b;
    const ar = abs<f64>(r);
    if (ar >= 2.2250738585072014e-308 && ar <= 1.7976931348623157e308) return reinterpret<u64>(r);
  }
  if ((mx & (MX_DAZ | MX_FTZ)) == 0) return op64c(op, ab, bb);
  if (mx & MX_DAZ) { ab = daz64(ab); bb = daz64(bb); }
  const r = op64c(op, ab, bb);
  return (mx & MX_FTZ) && op != F_MIN && op != F_MAX ? ftz64(r) : r;
}
export function op32(op: u32, ab: u32, bb: u32): u32 {
  const mx = load<u32>(S_MXCSR);
  if (op <= F_DIV && (mx & (MX_PE | RC_BITS)) == MX_PE && normal32(ab) && normal32(bb)) {
    const a = reinterpret<f32>(ab), b = reinterpret<f32>(bb);
    const r: f32 = op == F_ADD ? a + b : op == F_MUL ? a * b : op == F_SUB ? a - b : a / b;
    const ar = abs<f32>(r);
    if (ar >= reinterpret<f32>(<u32>0x00800000) && ar <= reinterpret<f32>(<u32>0x7F7FFFFF)) return reinterpret<u32>(r);
  }
  if ((mx & (MX_DAZ | MX_FTZ)) == 0) return op32c(op, ab, bb);
  if (mx & MX_DAZ) { ab = daz32(ab); bb = daz32(bb); }
  const r = op32c(op, ab, bb);
  return (mx & MX_FTZ) && op != F_MIN && op != F_MAX ? ftz32(r) : r;
}

// --- arithmetic handlers ---------------------------------------------------------------
// ADDPS MULPS SUBPS DIVPS MINPS MAXPS SQRTPS RCPPS RSQRTPS
export function h_fp_ps(d: usize, op: u32): void {
  const b = readW128(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  v128.store(r, fpsV(op, v128.load(r), b));
}
// ADDPD MULPD SUBPD DIVPD MINPD MAXPD SQRTPD
export function h_fp_pd(d: usize, op: u32): void {
  const b = readW128(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  v128.store(r, fpdV(op, v128.load(r), b));
}
// ADDSS ... on the low element; the rest of the destination is kept.
export function h_fp_ss(d: usize, op: u32): void {
  const b = readW32(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  store<u32>(r, op32(op, load<u32>(r), b));
}
export function h_fp_sd(d: usize, op: u32): void {
  const b = readW64(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  store<u64>(r, op64(op, load<u64>(r), b));
}

// --- compares --------------------------------------------------------------------
// Predicates 0..7: EQ LT LE UNORD NEQ NLT NLE ORD. LT LE NLT NLE signal on QNaN too.
function cmpResult(p: u32, lt: bool, eq: bool, un: bool, snan: bool): bool {
  if (un && (snan || p == 1 || p == 2 || p == 5 || p == 6)) mxRaise(MX_IE);
  switch (p) {
    case 0: return eq;
    case 1: return lt;
    case 2: return lt || eq;
    case 3: return un;
    case 4: return !eq;
    case 5: return !lt;
    case 6: return !(lt || eq);
    default: return !un;
  }
}
function cmp64(p: u32, ab: u64, bb: u64): u64 {
  if (dazOn()) { ab = daz64(ab); bb = daz64(bb); }
  const a = reinterpret<f64>(ab), b = reinterpret<f64>(bb);
  if (!nan64(ab) && !nan64(bb) && (den64(ab) || den64(bb))) mxRaise(MX_DE);
  return cmpResult(p, a < b, a == b, nan64(ab) || nan64(bb), snan64(ab) || snan64(bb)) ? <u64>-1 : 0;
}
function cmp32(p: u32, ab: u32, bb: u32): u32 {
  if (dazOn()) { ab = daz32(ab); bb = daz32(bb); }
  const a = reinterpret<f32>(ab), b = reinterpret<f32>(bb);
  if (!nan32(ab) && !nan32(bb) && (den32(ab) || den32(bb))) mxRaise(MX_DE);
  return cmpResult(p, a < b, a == b, nan32(ab) || nan32(bb), snan32(ab) || snan32(bb)) ? <u32>-1 : 0;
}
// CMPPS (k = 0), CMPPD (1), CMPSS (2), CMPSD (3) xmm, xmm/m, imm8
export function h_cmpp(d: usize, k: u32): void {
  const p = <u32>dImm(d) & 7;
  const r = xmm(dReg(d));
  if (k == 2) {
    const b = readW32(d);
    if (stopped()) return;
    store<u32>(r, cmp32(p, load<u32>(r), b));
    return;
  }
  if (k == 3) {
    const b = readW64(d);
    if (stopped()) return;
    store<u64>(r, cmp64(p, load<u64>(r), b));
    return;
  }
  const b = readW128(d);
  if (stopped()) return;
  const a = v128.load(r);
  v128.store(tmpA, a);
  v128.store(tmpB, b);
  if (k == 0) {
    for (let i: u32 = 0; i < 16; i += 4) store<u32>(r + i, cmp32(p, load<u32>(tmpA + i), load<u32>(tmpB + i)));
  } else {
    for (let i: u32 = 0; i < 16; i += 8) store<u64>(r + i, cmp64(p, load<u64>(tmpA + i), load<u64>(tmpB + i)));
  }
}
// UCOMISS (k = 0), UCOMISD (1), COMISS (2), COMISD (3): ZF PF CF; OF SF AF cleared.
export function h_comis(d: usize, k: u32): void {
  let lt: bool, eq: bool, un: bool, sn: bool;
  if (k & 1) {
    let bb = readW64(d);
    if (stopped()) return;
    let ab = load<u64>(xmm(dReg(d)));
    if (dazOn()) { ab = daz64(ab); bb = daz64(bb); }
    const a = reinterpret<f64>(ab), b = reinterpret<f64>(bb);
    lt = a < b; eq = a == b; un = nan64(ab) || nan64(bb); sn = snan64(ab) || snan64(bb);
    if (!un && (den64(ab) || den64(bb))) mxRaise(MX_DE);
  } else {
    let bb = readW32(d);
    if (stopped()) return;
    let ab = load<u32>(xmm(dReg(d)));
    if (dazOn()) { ab = daz32(ab); bb = daz32(bb); }
    const a = reinterpret<f32>(ab), b = reinterpret<f32>(bb);
    lt = a < b; eq = a == b; un = nan32(ab) || nan32(bb); sn = snan32(ab) || snan32(bb);
    if (!un && (den32(ab) || den32(bb))) mxRaise(MX_DE);
  }
  if (un && (sn || (k & 2))) mxRaise(MX_IE);
  const f: u64 = un ? 0x45 : lt ? 0x01 : eq ? 0x40 : 0; // ZF PF CF
  setSomeFlags(0x8D5, f);
}

// --- conversions -----------------------------------------------------------------
// f64 value -> integer with rounding `rc` (3 = truncate); out of range or NaN gives the
// integer indefinite. q: 64-bit result.
export function toInt(x: f64, rc: u32, q: bool): u64 {
  let r: f64;
  if (rc == 0) r = nearest<f64>(x);
  else if (rc == 1) r = floor<f64>(x);
  else if (rc == 2) r = ceil<f64>(x);
  else r = trunc<f64>(x);
  if (q) {
    if (r >= -9223372036854775808.0 && r < 9223372036854775808.0) {
      if (r != x) mxRaise(MX_PE);
      return <u64><i64>r;
    }
    mxRaise(MX_IE);
    return 0x8000000000000000;
  }
  if (r >= -2147483648.0 && r <= 2147483647.0) {
    if (r != x) mxRaise(MX_PE);
    return <u64><u32><i32>r;
  }
  mxRaise(MX_IE);
  return 0x80000000;
}
// Whether a 64-bit integer magnitude fits in `bits` significand bits.
// @ts-ignore: decorator
@inline function fitsSig(v: i64, bits: u64): bool {
  const m: u64 = v < 0 ? <u64>0 - <u64>v : <u64>v;
  return m == 0 || 64 - clz<u64>(m) - ctz<u64>(m) <= bits;
}
export function i64ToF64(v: i64): u64 {
  if (fitsSig(v, 53)) return reinterpret<u64>(<f64>v);
  mxRaise(MX_PE);
  const rc = mxcsrRC();
  if (rc == 0) return reinterpret<u64>(<f64>v);
  f80_from_i64(v);
  return f80_to_f64(f80_rse, f80_rm, rc);
}
export function i64ToF32(v: i64): u32 {
  if (fitsSig(v, 24)) return reinterpret<u32>(<f32>v);
  mxRaise(MX_PE);
  const rc = mxcsrRC();
  if (rc == 0) return reinterpret<u32>(<f32>v);
  f80_from_i64(v);
  return f80_to_f32(f80_rse, f80_rm, rc);
}
export function f32ToF64(xb: u32): u64 {
  if (dazOn()) xb = daz32(xb);
  if (nan32(xb)) {
    if (snan32(xb)) mxRaise(MX_IE);
    return (<u64>(xb >> 31) << 63) | 0x7FF8000000000000 | (<u64>(xb & 0x3FFFFF) << 29);
  }
  if (den32(xb)) mxRaise(MX_DE);
  return reinterpret<u64>(<f64>reinterpret<f32>(xb));
}
export function f64ToF32(xb: u64): u32 {
  const mx = load<u32>(S_MXCSR);
  if (mx & MX_DAZ) xb = daz64(xb);
  cvtTiny = false;
  const r = f64ToF32c(xb);
  if ((mx & MX_FTZ) && cvtTiny && (r & 0x7FFFFFFF) == 0x00800000) { mxRaise(MX_UE | MX_PE); return r & 0x80000000; }
  return (mx & MX_FTZ) ? ftz32(r) : r;
}
// Set when the exact path found the result tiny (it rounded up to FLT_MIN only in denormal precision).
let cvtTiny = false;
function f64ToF32c(xb: u64): u32 {
  if (nan64(xb)) {
    if (snan64(xb)) mxRaise(MX_IE);
    return (<u32>(xb >> 63) << 31) | 0x7FC00000 | (<u32>(xb >> 29) & 0x3FFFFF);
  }
  if (den64(xb)) mxRaise(MX_DE);
  const x = reinterpret<f64>(xb);
  const rc = mxcsrRC();
  if (rc != 0 && finite64(xb)) {
    f80_status = 0;
    f80_from_f64(xb);
    const r = f80_to_f32(f80_rse, f80_rm, rc);
    mxRaise(f80_status & MX_F80);
    cvtTiny = (f80_status & MX_UE) != 0;
    return r;
  }
  const r = <f32>x;
  if (<f64>r != x && finite64(xb)) {
    const m = reinterpret<u32>(r) & 0x7FFFFFFF;
    if (m <= 0x00800000) {
      // tininess (after rounding to 24 bits, unbounded exponent) near FLT_MIN: the exact path
      f80_status = 0;
      f80_from_f64(xb);
      f80_to_f32(f80_rse, f80_rm, 0);
      mxRaise(f80_status & MX_F80);
      cvtTiny = (f80_status & MX_UE) != 0;
    } else {
      mxRaise(m == 0x7F800000 ? MX_PE | MX_OE : MX_PE);
    }
  }
  return reinterpret<u32>(r);
}

// CVTSI2SS (sd = 0) / CVTSI2SD (sd = 1) xmm, r/m32/64
export function h_cvtsi2s(d: usize, sd: u32): void {
  const q = dOsz(d) == 3;
  let v: i64;
  if (dIsMem(d)) {
    const a = ea(d);
    v = q ? <i64>rd64(a) : <i64><i32>rd32(a);
    if (stopped()) return;
  } else {
    v = q ? <i64>getReg(dRm(d), 3) : <i64><i32>getReg(dRm(d), 2);
  }
  const r = xmm(dReg(d));
  if (sd) store<u64>(r, i64ToF64(v));
  else store<u32>(r, i64ToF32(v));
}
// CVT(T)SS2SI / CVT(T)SD2SI r32/64, xmm/m: k bit 0 = source double, bit 1 = truncate.
export function h_cvts2si(d: usize, k: u32): void {
  let x: f64;
  if (k & 1) {
    const b = readW64(d);
    if (stopped()) return;
    x = reinterpret<f64>(dazOn() ? daz64(b) : b);
  } else {
    const b = readW32(d);
    if (stopped()) return;
    x = <f64>reinterpret<f32>(dazOn() ? daz32(b) : b);
  }
  const q = dOsz(d) == 3;
  const v = toInt(x, (k & 2) ? 3 : mxcsrRC(), q);
  setReg(dReg(d), q ? 3 : 2, v);
}
// CVTSS2SD xmm, xmm/m32
export function h_cvtss2sd(d: usize): void {
  const b = readW32(d);
  if (stopped()) return;
  store<u64>(xmm(dReg(d)), f32ToF64(b));
}
// CVTSD2SS xmm, xmm/m64
export function h_cvtsd2ss(d: usize): void {
  const b = readW64(d);
  if (stopped()) return;
  store<u32>(xmm(dReg(d)), f64ToF32(b));
}
// CVTPS2PD xmm, xmm/m64
export function h_cvtps2pd(d: usize): void {
  const b = readW64(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  const lo = f32ToF64(<u32>b), hi = f32ToF64(<u32>(b >> 32));
  store<u64>(r, lo);
  store<u64>(r, hi, 8);
}
// CVTPD2PS xmm, xmm/m128: the upper half is zeroed.
export function h_cvtpd2ps(d: usize): void {
  const b = readW128(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  const lo = f64ToF32(<u64>i64x2.extract_lane(b, 0)), hi = f64ToF32(<u64>i64x2.extract_lane(b, 1));
  store<u32>(r, lo);
  store<u32>(r, hi, 4);
  store<u64>(r, 0, 8);
}
// CVTDQ2PS xmm, xmm/m128
export function h_cvtdq2ps(d: usize): void {
  const b = readW128(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  v128.store(tmpB, b);
  for (let i: u32 = 0; i < 16; i += 4) store<u32>(r + i, i64ToF32(<i64>load<i32>(tmpB + i)));
}
// CVTPS2DQ (trunc = 0) / CVTTPS2DQ (1) xmm, xmm/m128
export function h_cvtps2dq(d: usize, trunc: u32): void {
  const b = readW128(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  const rc = trunc ? 3 : mxcsrRC();
  v128.store(tmpB, b);
  const daz = dazOn();
  for (let i: u32 = 0; i < 16; i += 4) {
    const v = load<u32>(tmpB + i);
    store<u32>(r + i, <u32>toInt(<f64>reinterpret<f32>(daz ? daz32(v) : v), rc, false));
  }
}
// CVTDQ2PD xmm, xmm/m64 (exact)
export function h_cvtdq2pd(d: usize): void {
  const b = readW64(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  store<f64>(r, <f64><i32>b);
  store<f64>(r, <f64><i32>(b >> 32), 8);
}
// CVTPD2DQ (trunc = 0) / CVTTPD2DQ (1) xmm, xmm/m128: the upper half is zeroed.
export function h_cvtpd2dq(d: usize, trunc: u32): void {
  const b = readW128(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  const rc = trunc ? 3 : mxcsrRC();
  let lb = <u64>i64x2.extract_lane(b, 0), hb = <u64>i64x2.extract_lane(b, 1);
  if (dazOn()) { lb = daz64(lb); hb = daz64(hb); }
  const lo = <u32>toInt(reinterpret<f64>(lb), rc, false);
  const hi = <u32>toInt(reinterpret<f64>(hb), rc, false);
  store<u32>(r, lo);
  store<u32>(r, hi, 4);
  store<u64>(r, 0, 8);
}

// Packed single/double arithmetic: wasm SIMD when MXCSR is plain and no lane is NaN, else lane by lane.
const vTmpA = memory.data(16, 16), vTmpB = memory.data(16, 16), vTmpR = memory.data(16, 16);
// The SIMD fast paths hold when no flag can be raised: no denormal operand (DE) and,
// but for MIN/MAX, PE already set and every result a normal number (no OE, UE).
function quiet32(op: u32, a: v128, b: v128, v: v128): bool {
  const E = i32x4.splat(0x7F800000), Z = i32x4.splat(0);
  const M = i32x4.splat(0x7FFFFFFF);
  const denA = v128.and(i32x4.eq(v128.and(a, E), Z), i32x4.ne(v128.and(a, M), Z));
  const denB = v128.and(i32x4.eq(v128.and(b, E), Z), i32x4.ne(v128.and(b, M), Z));
  if (v128.any_true(v128.or(op == F_SQRT ? Z : denA, denB))) return false;
  if (op == F_MIN || op == F_MAX) return true;
  if (!(load<u32>(S_MXCSR) & MX_PE)) return false;
  const e = v128.and(v, E);
  return !v128.any_true(v128.or(i32x4.eq(e, Z), i32x4.eq(e, E)));
}
function quiet64(op: u32, a: v128, b: v128, v: v128): bool {
  const E = i64x2.splat(0x7FF0000000000000), Z = i64x2.splat(0);
  const M = i64x2.splat(0x7FFFFFFFFFFFFFFF);
  const denA = v128.and(i64x2.eq(v128.and(a, E), Z), i64x2.ne(v128.and(a, M), Z));
  const denB = v128.and(i64x2.eq(v128.and(b, E), Z), i64x2.ne(v128.and(b, M), Z));
  if (v128.any_true(v128.or(op == F_SQRT ? Z : denA, denB))) return false;
  if (op == F_MIN || op == F_MAX) return true;
  if (!(load<u32>(S_MXCSR) & MX_PE)) return false;
  const e = v128.and(v, E);
  return !v128.any_true(v128.or(i64x2.eq(e, Z), i64x2.eq(e, E)));
}
export function fpsV(op: u32, a: v128, b: v128): v128 {
  if (mxPlain() && op < F_RCP) {
    let v: v128;
    let ok = true;
    switch (op) {
      case F_ADD: v = f32x4.add(a, b); break;
      case F_MUL: v = f32x4.mul(a, b); break;
      case F_SUB: v = f32x4.sub(a, b); break;
      case F_DIV: v = f32x4.div(a, b); ok = !v128.any_true(f32x4.eq(b, f32x4.splat(0))); break;
      case F_MIN:
        v = v128.bitselect(a, b, f32x4.lt(a, b));
        ok = !v128.any_true(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)));
        break;
      case F_MAX:
        v = v128.bitselect(a, b, f32x4.gt(a, b));
        ok = !v128.any_true(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)));
        break;
      default: v = f32x4.sqrt(b); break;
    }
    if (ok && !v128.any_true(f32x4.ne(v, v)) && quiet32(op, a, b, v)) return v;
  }
  v128.store(vTmpA, a);
  v128.store(vTmpB, b);
  for (let i: u32 = 0; i < 16; i += 4) store<u32>(vTmpR + i, op32(op, load<u32>(vTmpA + i), load<u32>(vTmpB + i)));
  return v128.load(vTmpR);
}
export function fpdV(op: u32, a: v128, b: v128): v128 {
  if (mxPlain()) {
    let v: v128;
    let ok = true;
    switch (op) {
      case F_ADD: v = f64x2.add(a, b); break;
      case F_MUL: v = f64x2.mul(a, b); break;
      case F_SUB: v = f64x2.sub(a, b); break;
      case F_DIV: v = f64x2.div(a, b); ok = !v128.any_true(f64x2.eq(b, f64x2.splat(0))); break;
      case F_MIN:
        v = v128.bitselect(a, b, f64x2.lt(a, b));
        ok = !v128.any_true(v128.or(f64x2.ne(a, a), f64x2.ne(b, b)));
        break;
      case F_MAX:
        v = v128.bitselect(a, b, f64x2.gt(a, b));
        ok = !v128.any_true(v128.or(f64x2.ne(a, a), f64x2.ne(b, b)));
        break;
      default: v = f64x2.sqrt(b); break;
    }
    if (ok && !v128.any_true(f64x2.ne(v, v)) && quiet64(op, a, b, v)) return v;
  }
  v128.store(vTmpA, a);
  v128.store(vTmpB, b);
  store<u64>(vTmpR, op64(op, load<u64>(vTmpA), load<u64>(vTmpB)));
  store<u64>(vTmpR + 8, op64(op, load<u64>(vTmpA + 8), load<u64>(vTmpB + 8)));
  return v128.load(vTmpR);
}
