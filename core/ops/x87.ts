// x87 floating point (D8..DF escape opcodes), on top of the bit-exact 80-bit
// soft float in core/f80.ts.
//
// State (tools/layout.mjs): FPU_CW; FPU_SW without TOP; FPU_TOP; FPU_TAG, one
// bit per PHYSICAL register (1 = empty); FPU_ST, 8 physical registers of 16
// bytes (u64 significand at +0, u16 sign/exponent at +8). ST(i) is physical
// register (TOP + i) & 7.
//
// Exceptions: each instruction clears f80_status, accumulates its flags there
// (including SF and C1 for stack faults) and commits them with fin(). Masked
// exceptions give the default results (real/integer/BCD indefinite...).
// Unmasked ones only set the status bits (ES, B): no trap is raised yet; an
// unmasked IE/ZE/DE leaves the destination and the stack untouched, as does
// an unmasked IE/OE/UE for a store to memory.
//
// FIP/FCS/FOP/FDP/FDS are not tracked: FNSTENV/FNSAVE write them as 0.
//
// The transcendentals (F2XM1 FYL2X FYL2XP1 FPTAN FPATAN FSIN FCOS FSINCOS) go
// through f64 Math: they are accurate to double, not extended, precision.
import { dModrm, dIsMem, dOsz, stopped, setReg, setSomeFlags, cond, CF, PF, ZF, OF, SF, AF, exitWith } from '../cpu';
import { ea } from '../operand';
import { rd16, rd32, rd64, wr16, wr32, wr64, probeW, probeR } from '../mem';
import { S_FPU_CW, S_FPU_SW, S_FPU_TOP, S_FPU_TAG, S_FPU_ST, EXIT_FPE } from '../generated/layout';
import {
  f80_add, f80_sub, f80_mul, f80_div, f80_sqrt, f80_cmp, f80_from_f64, f80_from_f32, f80_from_i64,
  f80_to_f64, f80_to_f32, f80_to_int, f80_round_int, f80_scale, f80_xtract, f80_prem,
  f80_rse, f80_rm, f80_rse2, f80_rm2, f80_status,
  F80_IE, F80_DE, F80_ZE, F80_OE, F80_UE, F80_PE, F80_C0, F80_C1, F80_C2, F80_C3,
  F80_LT, F80_EQ, F80_GT,
} from '../f80';

const SW_SF: u32 = 0x40;
const SW_ES: u32 = 0x80;
const SW_B: u32 = 0x8000;
const CC_ALL: u32 = 0x4700; // C0 C1 C2 C3
const CC_023: u32 = 0x4500; // C0 C2 C3
const INT_BIT: u64 = 0x8000000000000000;
const INDEF_SE: u32 = 0xFFFF;
const INDEF_M: u64 = 0xC000000000000000;

// Operand classes (as in f80.ts).
const K_ZERO: u32 = 0, K_DEN: u32 = 1, K_NORM: u32 = 2, K_INF: u32 = 3, K_QNAN: u32 = 4, K_SNAN: u32 = 5, K_UNS: u32 = 6;
function kind(se: u32, m: u64): u32 {
  const e = se & 0x7FFF;
  if (e == 0x7FFF) {
    if ((m >> 63) == 0) return K_UNS;
    if ((m << 1) == 0) return K_INF;
    return (m & 0x4000000000000000) != 0 ? K_QNAN : K_SNAN;
  }
  if (e == 0) return m == 0 ? K_ZERO : K_DEN;
  return (m >> 63) == 0 ? K_UNS : K_NORM;
}

// --- status and control -------------------------------------------------------
// @ts-ignore: decorator
@inline function cw(): u32 { return load<u32>(S_FPU_CW); }
// @ts-ignore: decorator
@inline function pcOf(): u32 { return (load<u32>(S_FPU_CW) >> 8) & 3; }
// @ts-ignore: decorator
@inline function rcOf(): u32 { return (load<u32>(S_FPU_CW) >> 10) & 3; }
// @ts-ignore: decorator
@inline function top(): u32 { return load<u32>(S_FPU_TOP); }
// @ts-ignore: decorator
@inline function setTop(t: u32): void { store<u32>(S_FPU_TOP, t & 7); }

// ES and B follow the unmasked exception flags.
function updateES(): void {
  let sw = load<u32>(S_FPU_SW);
  if (sw & 0x3F & ~cw()) sw |= SW_ES | SW_B;
  else sw &= ~(SW_ES | SW_B);
  store<u32>(S_FPU_SW, sw);
}
// Commit f80_status: sticky exception flags and SF; C1 always; C0 C2 C3 when `cc`.
function fin(cc: bool): void {
  // an unmasked pre-computation exception stops the operation before it rounds
  if (f80_status & ~cw() & (F80_IE | F80_ZE | F80_DE)) {
    f80_status &= ~(F80_PE | F80_UE | F80_OE);
    if ((f80_status & SW_SF) == 0) f80_status &= ~F80_C1;
  }
  let sw = load<u32>(S_FPU_SW);
  const was = sw & SW_ES;
  sw = (sw & ~F80_C1) | (f80_status & (0x7F | F80_C1));
  if (cc) sw = (sw & ~CC_023) | (f80_status & CC_023);
  store<u32>(S_FPU_SW, sw);
  updateES();
  // an operation raised an exception the control word does not mask: #MF, which the CPU takes at
  // the next x87 instruction (SIGFPE there); loading a control word or environment traps nothing
  if (!was && (load<u32>(S_FPU_SW) & SW_ES)) exitWith(EXIT_FPE, true);
}
// fin() for instructions that leave C1 alone unless there is a stack fault.
function finKeepC1(): void {
  if ((f80_status & SW_SF) == 0) f80_status = (f80_status & ~F80_C1) | (load<u32>(S_FPU_SW) & F80_C1);
  fin(false);
}
// Whether the instruction may deliver its result to a register: no unmasked
// pre-computation exception.
// @ts-ignore: decorator
@inline function okReg(): bool { return (f80_status & ~cw() & (F80_IE | F80_ZE | F80_DE)) == 0; }
// For stores to memory.
// @ts-ignore: decorator
@inline function okMem(): bool { return (f80_status & ~cw() & (F80_IE | F80_OE | F80_UE)) == 0; }
// @ts-ignore: decorator
@inline function ieMasked(): bool { return (cw() & F80_IE) != 0; }

// --- register stack -----------------------------------------------------------
// @ts-ignore: decorator
@inline function phys(i: u32): u32 { return (load<u32>(S_FPU_TOP) + i) & 7; }
// @ts-ignore: decorator
@inline function regAddr(i: u32): usize { return <usize>S_FPU_ST + (<usize>phys(i) << 4); }
// @ts-ignore: decorator
@inline function isEmpty(i: u32): bool { return ((load<u32>(S_FPU_TAG) >> phys(i)) & 1) != 0; }
// @ts-ignore: decorator
@inline function stSe(i: u32): u32 { return <u32>load<u16>(regAddr(i), 8); }
// @ts-ignore: decorator
@inline function stM(i: u32): u64 { return load<u64>(regAddr(i)); }
function setSt(i: u32, se: u32, m: u64): void {
  const p = phys(i);
  const a = <usize>S_FPU_ST + (<usize>p << 4);
  store<u64>(a, m);
  store<u16>(a, <u16>se, 8);
  store<u32>(S_FPU_TAG, load<u32>(S_FPU_TAG) & ~(1 << p));
}
function freeReg(i: u32): void {
  store<u32>(S_FPU_TAG, load<u32>(S_FPU_TAG) | (1 << phys(i)));
}
function pop(): void {
  freeReg(0);
  setTop(top() + 1);
}
// Stack underflow (an empty source): IE + SF, C1 = 0.
function underflow(): void { f80_status |= F80_IE | SW_SF; }
// Push a value. On overflow (ST(7) in use): IE + SF + C1; masked, the real
// indefinite is pushed instead.
function push(se: u32, m: u64): void {
  const t = (top() - 1) & 7;
  if (((load<u32>(S_FPU_TAG) >> t) & 1) == 0) {
    f80_status |= F80_IE | SW_SF | F80_C1;
    if (!ieMasked()) return;
    se = INDEF_SE; m = INDEF_M;
  }
  setTop(t);
  setSt(0, se, m);
}
// Whether a push would overflow with IE unmasked: then nothing may change but
// the status (IE + SF + C1).
function pushBlocked(): bool {
  if (!isEmpty(7) && !ieMasked()) { f80_status |= F80_IE | SW_SF | F80_C1; return true; }
  return false;
}

// --- operands -------------------------------------------------------------------
// The second operand, in globals.
let opSe: u32 = 0;
let opM: u64 = 0;
// The m32/m64 operand was a denormal (normalized on loading): DE is raised
// by the operation itself, unless a NaN or a division by zero takes precedence.
let opDen: bool = false;
function opDenormal(ase: u32, am: u64): void {
  if (!opDen) return;
  opDen = false;
  const k = kind(ase, am);
  if (k == K_QNAN || k == K_SNAN || k == K_UNS || (f80_status & F80_ZE) != 0) return;
  f80_status |= F80_DE;
}

// m32/m64 reals for arithmetic and compares: NaNs keep their signaling bit
// (the operation decides), denormals are normalized with DE.
function loadF32(bits: u32): void {
  if ((bits & 0x7F800000) == 0x7F800000 && (bits & 0x7FFFFF) != 0) {
    opSe = ((bits >> 31) << 15) | 0x7FFF;
    opM = INT_BIT | (<u64>(bits & 0x7FFFFF) << 40);
    return;
  }
  f80_from_f32(bits);
  opSe = f80_rse; opM = f80_rm;
  opDen = (f80_status & F80_DE) != 0;
  f80_status &= ~F80_DE;
}
function loadF64(bits: u64): void {
  if ((bits & 0x7FF0000000000000) == 0x7FF0000000000000 && (bits & 0xFFFFFFFFFFFFF) != 0) {
    opSe = (<u32>(bits >> 63) << 15) | 0x7FFF;
    opM = INT_BIT | ((bits & 0xFFFFFFFFFFFFF) << 11);
    return;
  }
  f80_from_f64(bits);
  opSe = f80_rse; opM = f80_rm;
  opDen = (f80_status & F80_DE) != 0;
  f80_status &= ~F80_DE;
}
function loadInt(v: i64): void {
  f80_from_i64(v);
  opSe = f80_rse; opM = f80_rm;
}
// The memory operand of the D8/DA/DC/DE arithmetic forms; false if the read faulted.
function loadArithMem(d: usize, esc: u32): bool {
  const a = ea(d);
  opDen = false;
  if (esc == 0) { const v = <u32>rd32(a); if (stopped()) return false; loadF32(v); }
  else if (esc == 4) { const v = rd64(a); if (stopped()) return false; loadF64(v); }
  else if (esc == 2) { const v = <i64><i32>rd32(a); if (stopped()) return false; loadInt(v); }
  else { const v = <i64><i16>rd16(a); if (stopped()) return false; loadInt(v); }
  return true;
}

// --- arithmetic -------------------------------------------------------------------
// op (the ModRM reg field of D8): 0 add, 1 mul, 4 a-b, 5 b-a, 6 a/b, 7 b/a.
function arith(op: u32, ase: u32, am: u64, bse: u32, bm: u64): void {
  const pc = pcOf(), rc = rcOf();
  switch (op) {
    case 0: f80_add(ase, am, bse, bm, pc, rc); break;
    case 1: f80_mul(ase, am, bse, bm, pc, rc); break;
    case 4: f80_sub(ase, am, bse, bm, pc, rc); break;
    case 5: f80_sub(bse, bm, ase, am, pc, rc); break;
    case 6: f80_div(ase, am, bse, bm, pc, rc); break;
    default: f80_div(bse, bm, ase, am, pc, rc); break;
  }
}
// ST(dst) = ST(dst) op operand; pops after when `p`. `srcEmpty`: the operand was an empty register.
function arithTo(dst: u32, op: u32, bse: u32, bm: u64, srcEmpty: bool, p: bool): void {
  if (srcEmpty || isEmpty(dst)) {
    underflow();
    if (ieMasked()) { setSt(dst, INDEF_SE, INDEF_M); if (p) pop(); }
    fin(false);
    return;
  }
  arith(op, stSe(dst), stM(dst), bse, bm);
  opDenormal(stSe(dst), stM(dst));
  if (okReg()) {
    setSt(dst, f80_rse, f80_rm);
    if (p) pop();
  }
  fin(false);
}

// --- compares ---------------------------------------------------------------------
// Sets C3 C2 C0 (C1 = 0) from a compare of ST(0) with the operand; pops `pops` times.
function fcom(bse: u32, bm: u64, srcEmpty: bool, unordered: bool, pops: u32): void {
  let r: u32;
  if (srcEmpty || isEmpty(0)) { underflow(); r = 3; }
  else { r = f80_cmp(stSe(0), stM(0), bse, bm, unordered); opDenormal(stSe(0), stM(0)); }
  // the condition codes are set even when IE is unmasked; only the pops are not done
  const ok = okReg();
  if (r == F80_LT) f80_status |= F80_C0;
  else if (r == F80_EQ) f80_status |= F80_C3;
  else if (r != F80_GT) f80_status |= F80_C0 | F80_C2 | F80_C3;
  if (ok) for (let k: u32 = 0; k < pops; k++) pop();
  fin(true);
}
// FCOMI/FUCOMI(P): ZF PF CF; OF SF AF cleared; C1 = 0.
function fcomi(i: u32, unordered: bool, p: bool): void {
  let r: u32;
  if (isEmpty(i) || isEmpty(0)) { underflow(); r = 3; }
  else r = f80_cmp(stSe(0), stM(0), stSe(i), stM(i), unordered);
  const f: u64 = r == F80_LT ? CF : r == F80_EQ ? ZF : r == F80_GT ? 0 : (ZF | PF | CF);
  setSomeFlags(CF | PF | ZF | OF | SF | AF, f);
  if (okReg() && p) pop();
  finKeepC1();
}

// --- loads and stores ---------------------------------------------------------------
// FLD of a value already in f80_rse/f80_rm semantics (exceptions in f80_status).
function fldValue(se: u32, m: u64): void {
  if (!isEmpty(7)) f80_status = 0; // a stack fault hides the conversion's exceptions
  // (an unmasked DE still loads the value)
  if (pushBlocked() || (f80_status & ~cw() & F80_IE) != 0) { fin(false); return; }
  push(se, m);
  fin(false);
}
// FST/FSTP to memory of width 4 or 8 (reals), 2/4/8 (integers).
function fstReal(d: usize, wide: bool, p: bool): void {
  const a = ea(d);
  let bits: u64;
  const empty = isEmpty(0);
  if (empty) {
    underflow();
    bits = wide ? 0xFFF8000000000000 : 0xFFC00000;
  } else if (wide) bits = f80_to_f64(stSe(0), stM(0), rcOf());
  else bits = <u64>f80_to_f32(stSe(0), stM(0), rcOf());
  if (okMem()) {
    if (wide) wr64(a, bits); else wr32(a, bits);
    if (stopped()) return;
    if (p) pop();
  } else if ((f80_status & SW_SF) == 0) f80_status &= ~(F80_PE | F80_C1);
  fin(false);
}
// FIST/FISTP/FISTTP: `bytes` 2/4/8; rc 3 for FISTTP.
function fstInt(d: usize, bytes: u32, rc: u32, p: bool): void {
  const a = ea(d);
  const bits = bytes << 3;
  let v: i64;
  if (isEmpty(0)) { underflow(); v = (<i64>-1) << (<i64>bits - 1); }
  else v = f80_to_int(stSe(0), stM(0), rc, bits);
  if (okMem()) {
    if (bytes == 2) wr16(a, <u64>v); else if (bytes == 4) wr32(a, <u64>v); else wr64(a, <u64>v);
    if (stopped()) return;
    if (p) pop();
  }
  fin(false);
}
function fld80(d: usize): void {
  const a = ea(d);
  if (!probeR(a, 10)) return;
  const m = rd64(a), se = <u32>rd16(a + 8);
  if (stopped()) return;
  fldValue(se, m);
}
function fstp80(d: usize): void {
  const a = ea(d);
  if (!probeW(a, 10)) return;
  let se: u32 = INDEF_SE, m: u64 = INDEF_M;
  if (isEmpty(0)) underflow();
  else { se = stSe(0); m = stM(0); }
  if (okMem()) {
    wr64(a, m); wr16(a + 8, se);
    if (stopped()) return;
    pop();
  }
  fin(false);
}
function fbld(d: usize): void {
  const a = ea(d);
  if (!probeR(a, 10)) return;
  const lo = rd64(a), hi = <u32>rd16(a + 8);
  if (stopped()) return;
  let v: i64 = 0;
  for (let k: i32 = 8; k >= 0; k--) {
    const byte = <i64>((k == 8 ? <u64>hi : lo >> (<u64>k << 3)) & 0xFF);
    v = v * 100 + (byte >> 4) * 10 + (byte & 15);
  }
  f80_from_i64(v);
  let se = f80_rse;
  if (hi & 0x8000) se |= 0x8000;
  fldValue(se, f80_rm);
}
function fbstp(d: usize): void {
  const a = ea(d);
  if (!probeW(a, 10)) return;
  let lo: u64 = 0, hi: u32 = 0;
  let bad = false;
  if (isEmpty(0)) { underflow(); bad = true; }
  else {
    const se = stSe(0);
    const saved = f80_status;
    const v = f80_to_int(se, stM(0), rcOf(), 64);
    const mag: u64 = v < 0 ? <u64>(0 - v) : <u64>v;
    if ((f80_status & F80_IE) != 0 || mag > 999999999999999999) {
      f80_status = saved | F80_IE;
      bad = true;
    } else {
      let q = mag;
      for (let k: u32 = 0; k < 9; k++) {
        const two = q % 100;
        q /= 100;
        const byte = ((two / 10) << 4) | (two % 10);
        if (k < 8) lo |= byte << (<u64>k << 3);
        else hi = <u32>byte;
      }
      if (se & 0x8000) hi |= 0x8000;
    }
  }
  if (bad) { lo = 0xC000000000000000; hi = 0xFFFF; }
  if (okMem()) {
    wr64(a, lo); wr16(a + 8, hi);
    if (stopped()) return;
    pop();
  }
  fin(false);
}

// --- constants ------------------------------------------------------------------------
// FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ (D9 E8..EE): the hardware holds
// them with more bits and rounds them per RC. `up`: the round-to-nearest value
// was rounded up (so chop and round-down give one less).
function fldConst(k: u32): void {
  let se: u32 = 0, m: u64 = 0, up = false, exact = false;
  switch (k) {
    case 0: se = 0x3FFF; m = INT_BIT; exact = true; break;
    case 1: se = 0x4000; m = 0xD49A784BCD1B8AFE; break;
    case 2: se = 0x3FFF; m = 0xB8AA3B295C17F0BC; up = true; break;
    case 3: se = 0x4000; m = 0xC90FDAA22168C235; up = true; break;
    case 4: se = 0x3FFD; m = 0x9A209A84FBCFF799; up = true; break;
    case 5: se = 0x3FFE; m = 0xB17217F7D1CF79AC; up = true; break;
    default: exact = true; break; // FLDZ
  }
  if (!exact) {
    const rc = rcOf();
    if (up && (rc == 1 || rc == 3)) m--;
    else if (!up && rc == 2) m++;
  }
  fldValue(se, m);
}

// --- environment --------------------------------------------------------------------
// The full tag word: 2 bits per physical register: 00 valid, 01 zero, 10 special, 11 empty.
function fullTag(): u32 {
  const t = load<u32>(S_FPU_TAG);
  let w: u32 = 0;
  for (let p: u32 = 0; p < 8; p++) {
    let v: u32;
    if ((t >> p) & 1) v = 3;
    else {
      const a = <usize>S_FPU_ST + (<usize>p << 4);
      const k = kind(<u32>load<u16>(a, 8), load<u64>(a));
      v = k == K_ZERO ? 1 : k == K_NORM ? 0 : 2;
    }
    w |= v << (p << 1);
  }
  return w;
}
function swFull(): u32 { return (load<u32>(S_FPU_SW) & ~0x3800) | (top() << 11); }
// FNSTENV layout (64-bit mode): 28 bytes, or 14 with a 16-bit operand size.
function envSize(d: usize): u32 { return dOsz(d) == 1 ? 14 : 28; }
function storeEnv(a: u64, d: usize): void {
  if (dOsz(d) == 1) {
    wr16(a, cw()); wr16(a + 2, swFull()); wr16(a + 4, fullTag());
    wr64(a + 6, 0); wr32(a + 10, 0);
  } else {
    wr32(a, 0xFFFF0000 | cw()); wr32(a + 4, 0xFFFF0000 | swFull()); wr32(a + 8, 0xFFFF0000 | fullTag());
    wr64(a + 12, 0); wr64(a + 20, 0);
  }
}
function loadEnv(a: u64, d: usize): void {
  let c: u32, s: u32, t: u32;
  if (dOsz(d) == 1) { c = <u32>rd16(a); s = <u32>rd16(a + 2); t = <u32>rd16(a + 4); }
  else { c = <u32>rd16(a); s = <u32>rd16(a + 4); t = <u32>rd16(a + 8); }
  store<u32>(S_FPU_CW, c & 0x1F7F | 0x40);
  store<u32>(S_FPU_SW, s & ~0x3800);
  setTop((s >> 11) & 7);
  let tag: u32 = 0;
  for (let p: u32 = 0; p < 8; p++) if (((t >> (p << 1)) & 3) == 3) tag |= 1 << p;
  store<u32>(S_FPU_TAG, tag);
  updateES();
}
function fninit(): void {
  store<u32>(S_FPU_CW, 0x37F);
  store<u32>(S_FPU_SW, 0);
  setTop(0);
  store<u32>(S_FPU_TAG, 0xFF);
}
function fnstenv(d: usize): void {
  const a = ea(d);
  if (!probeW(a, envSize(d))) return;
  storeEnv(a, d);
  store<u32>(S_FPU_CW, cw() | 0x3F); // then mask all exceptions
  updateES();
}
function fldenv(d: usize): void {
  const a = ea(d);
  if (!probeR(a, envSize(d))) return;
  loadEnv(a, d);
}
function fnsave(d: usize): void {
  const a = ea(d);
  const n = envSize(d);
  if (!probeW(a, n + 80)) return;
  storeEnv(a, d);
  for (let i: u32 = 0; i < 8; i++) {
    wr64(a + n + i * 10, stM(i));
    wr16(a + n + i * 10 + 8, stSe(i));
  }
  fninit();
}
function frstor(d: usize): void {
  const a = ea(d);
  const n = envSize(d);
  if (!probeR(a, n + 80)) return;
  loadEnv(a, d);
  for (let i: u32 = 0; i < 8; i++) {
    const ad = regAddr(i);
    store<u64>(ad, rd64(a + n + i * 10));
    store<u16>(ad, <u16>rd16(a + n + i * 10 + 8), 8);
  }
}

// --- transcendentals (double precision) --------------------------------------------------
// NativeMath in f64; see the header: accurate to double, not extended, precision.
function toF64(se: u32, m: u64): f64 {
  const s = f80_status;
  const v = reinterpret<f64>(f80_to_f64(se, m, 0));
  f80_status = s;
  return v;
}
// The unbiased exponent of a finite nonzero value (denormals normalized).
function expOf(se: u32, m: u64): i32 {
  let e = <i32>(se & 0x7FFF);
  if (e == 0) e = 1;
  return e - 16383 - <i32>clz(m);
}
// ST(0) = f64 result, inexact.
function setF64Result(dst: u32, r: f64): void {
  const s = f80_status;
  f80_from_f64(reinterpret<u64>(r));
  f80_status = s | F80_PE;
  setSt(dst, f80_rse, f80_rm);
}
// The common checks of FSIN FCOS FPTAN FSINCOS on ST(0). Returns true when the
// caller goes on with a finite in-range ST(0); otherwise the instruction is done.
function trigPrologue(pushes: bool): bool {
  if (isEmpty(0)) {
    underflow();
    if (ieMasked()) {
      setSt(0, INDEF_SE, INDEF_M);
      if (pushes) push(INDEF_SE, INDEF_M);
    }
    fin(true);
    return false;
  }
  if (pushes && !isEmpty(7)) {
    f80_status |= F80_IE | SW_SF | F80_C1;
    if (ieMasked()) { setSt(0, INDEF_SE, INDEF_M); push(INDEF_SE, INDEF_M); f80_status |= SW_SF | F80_C1; }
    fin(true);
    return false;
  }
  const se = stSe(0), m = stM(0);
  const k = kind(se, m);
  if (k == K_UNS || k == K_INF || k == K_QNAN || k == K_SNAN) {
    if (k == K_QNAN || k == K_SNAN) f80_sqrt(se, m, 0, 0); // propagate, IE for SNaN
    else { f80_status |= F80_IE; f80_rse = INDEF_SE; f80_rm = INDEF_M; }
    if (okReg()) {
      const rse = f80_rse, rm = f80_rm;
      setSt(0, rse, rm);
      if (pushes) push(rse, rm);
    }
    fin(true);
    return false;
  }
  if (k == K_DEN) f80_status |= F80_DE;
  if (k != K_ZERO && expOf(se, m) >= 63) {
    f80_status |= F80_C2; // out of range: operand unchanged
    fin(true);
    return false;
  }
  return true;
}
// Reduces a finite x (|x| < 2^63) modulo pi/2 as the hardware does, with its
// 66-bit pi: r = x - k * pi66/2. pi66/2 = hi + lo, hi the 64-bit truncation;
// FPREM1 by hi is exact, the lo part (3 * 2^-65) is applied in f64.
// Returns r; g_quad = k mod 4.
let g_quad: i32 = 0;
const PIO2_HI: u64 = 0xC90FDAA22168C234; // exponent 0x3FFF
function reduce(se: u32, m: u64): f64 {
  const s = f80_status;
  g_quad = 0;
  if (expOf(se, m) < 0 && (expOf(se, m) < -1 || m < 0xC90FDAA22168C234)) { // |x| < pi/4
    f80_status = s;
    return toF64(se, m);
  }
  f80_prem(se, m, 0x3FFF, PIO2_HI, true);
  const rse = f80_rse, rm = f80_rm;
  f80_sub(se, m, rse, rm, 3, 0);
  f80_div(f80_rse, f80_rm, 0x3FFF, PIO2_HI, 3, 0);
  const k = f80_to_int(f80_rse, f80_rm, 0, 64);
  f80_status = s;
  g_quad = <i32>(k & 3);
  return toF64(rse, rm) - <f64>k * 8.131516293641283e-20; // 3 * 2^-65 per step
}
function ftrig(which: u32): void { // 0 sin, 1 cos, 2 tan, 3 sincos
  const pushes = which >= 2;
  if (!trigPrologue(pushes)) return;
  if (!okReg()) { fin(true); return; }
  const se = stSe(0), m = stM(0);
  const k = kind(se, m);
  const tiny = k == K_ZERO || expOf(se, m) < -40;
  if (tiny) {
    // sin x = tan x = x, cos x = 1 (inexact unless x = 0)
    if (k != K_ZERO) {
      const s = f80_status;
      f80_mul(se, m, 0x3FFF, INT_BIT, 3, 0); // normalizes a pseudo-denormal
      f80_status = s | F80_PE;
      if ((se & 0x7FFF) == 0 && (m & INT_BIT) == 0 && which != 1) f80_status |= F80_UE; // sin x = tan x = x: tiny and inexact
      if (which != 1) setSt(0, f80_rse, f80_rm);
    }
    if (which == 1) setSt(0, 0x3FFF, INT_BIT);
    else if (which >= 2) push(0x3FFF, INT_BIT);
    fin(true);
    return;
  }
  const r = reduce(se, m);
  const q = g_quad;
  const sr = Math.sin(r), cr = Math.cos(r);
  const sinx = q == 0 ? sr : q == 1 ? cr : q == 2 ? -sr : -cr;
  const cosx = q == 0 ? cr : q == 1 ? -sr : q == 2 ? -cr : sr;
  if (which == 0) setF64Result(0, sinx);
  else if (which == 1) setF64Result(0, cosx);
  else if (which == 2) {
    setF64Result(0, (q & 1) ? -cr / sr : sr / cr);
    push(0x3FFF, INT_BIT);
  } else {
    setF64Result(0, sinx);
    const s = f80_status;
    f80_from_f64(reinterpret<u64>(cosx));
    f80_status = s;
    push(f80_rse, f80_rm);
  }
  fin(true); // C2 = 0
}
// F2XM1: 2^x - 1 for -1 <= x <= 1.
function f2xm1(): void {
  if (isEmpty(0)) { underflow(); if (ieMasked()) setSt(0, INDEF_SE, INDEF_M); fin(false); return; }
  const se = stSe(0), m = stM(0);
  const k = kind(se, m);
  if (k == K_ZERO) { fin(false); return; }
  if (k == K_INF) { if (se & 0x8000) setSt(0, 0xBFFF, INT_BIT); fin(false); return; }
  if (k == K_UNS || k == K_QNAN || k == K_SNAN) {
    f80_sqrt(se, m, 0, 0);
    if (okReg()) setSt(0, f80_rse, f80_rm);
    fin(false);
    return;
  }
  if (k == K_DEN) f80_status |= F80_DE;
  if (!okReg()) { fin(false); return; }
  if (expOf(se, m) >= 0 && !(m == INT_BIT && expOf(se, m) == 0)) { // |x| > 1: outside the domain, left as is
    f80_status |= F80_PE;
    fin(false);
    return;
  }
  if (expOf(se, m) < -60) {
    // 2^x - 1 ~ x ln 2
    f80_mul(se, m, 0x3FFE, 0xB17217F7D1CF79AC, 3, rcOf()); // (precision control does not apply to transcendentals)
    setSt(0, f80_rse, f80_rm);
  } else {
    setF64Result(0, Math.expm1(toF64(se, m) * Math.LN2));
  }
  inexact(); // (PE; UE if the result is tiny)
  fin(false);
}
// log2 of a finite positive value, in f64 (over the full f80 exponent range).
function log2Of(se: u32, m: u64): f64 {
  const e = expOf(se, m);
  if (e == 0 || (e == -1 && m >= 0xC000000000000000)) { // 0.75 <= x < 2: log1p of the exact x - 1
    const s = f80_status;
    f80_sub(se, m, 0x3FFF, INT_BIT, 3, 0);
    const t = toF64(f80_rse, f80_rm);
    f80_status = s;
    return Math.log1p(t) * Math.LOG2E;
  }
  if (e > -1000 && e < 1000) return Math.log2(toF64(se, m));
  const mant = toF64(0x3FFF, m << <u64>clz(m));
  return <f64>e + Math.log2(mant);
}
// An approximated (so inexact) result in f80_rse/f80_rm: PE, and UE if it is tiny.
function inexact(): void {
  f80_status |= F80_PE;
  if ((f80_rse & 0x7FFF) == 0 && f80_rm != 0) f80_status |= F80_UE;
}
// FYL2X (p1 = false): ST(1) = ST(1) * log2(ST(0)); FYL2XP1: ST(1) * log2(ST(0) + 1). Pops.
function fyl2x(p1: bool): void {
  if (isEmpty(0) || isEmpty(1)) {
    underflow();
    if (ieMasked()) { setSt(1, INDEF_SE, INDEF_M); pop(); }
    fin(false);
    return;
  }
  const xse = stSe(0), xm = stM(0), yse = stSe(1), ym = stM(1);
  const kx = kind(xse, xm), ky = kind(yse, ym);
  const pc: u32 = 3, rc = rcOf(); // (precision control does not apply to transcendentals)
  const xneg = (xse & 0x8000) != 0;
  if (kx == K_UNS || ky == K_UNS || kx == K_QNAN || kx == K_SNAN || ky == K_QNAN || ky == K_SNAN) {
    f80_add(xse, xm, yse, ym, pc, rc); // NaN propagation, or indefinite
  } else {
    if (kx == K_DEN || ky == K_DEN) f80_status |= F80_DE;
    if (!p1) {
      if (xneg && kx != K_ZERO) { f80_status = (f80_status & ~F80_DE) | F80_IE; f80_rse = INDEF_SE; f80_rm = INDEF_M; } // (invalid: no DE)
      else if (kx == K_ZERO) {
        if (ky == K_ZERO) { f80_status |= F80_IE; f80_rse = INDEF_SE; f80_rm = INDEF_M; }
        else { if (ky != K_INF) f80_status = (f80_status & ~F80_DE) | F80_ZE; f80_rse = ((yse ^ 0x8000) & 0x8000) | 0x7FFF; f80_rm = INT_BIT; } // (ZE: no DE, measured)
      } else if (kx == K_INF) {
        if (ky == K_ZERO) { f80_status |= F80_IE; f80_rse = INDEF_SE; f80_rm = INDEF_M; }
        else { f80_rse = (yse & 0x8000) | 0x7FFF; f80_rm = INT_BIT; }
      } else if (xse == 0x3FFF && xm == INT_BIT) {
        if (ky == K_INF) { f80_status |= F80_IE; f80_rse = INDEF_SE; f80_rm = INDEF_M; }
        else { f80_rse = (yse & 0x8000) ^ 0; f80_rm = 0; }
      } else {
        const l = log2Of(xse, xm);
        const s = f80_status;
        f80_from_f64(reinterpret<u64>(l));
        f80_status = s;
        f80_mul(yse, ym, f80_rse, f80_rm, pc, rc);
        if (ky != K_ZERO && ky != K_INF) inexact(); // (0 or infinity times the logarithm is exact)
      }
    } else {
      // ST(0) in -(1 - sqrt(2)/2) .. (1 - sqrt(2)/2) (larger values are accepted)
      if (kx == K_ZERO) {
        if (ky == K_INF) { f80_status |= F80_IE; f80_rse = INDEF_SE; f80_rm = INDEF_M; }
        else { f80_rse = (xse ^ yse) & 0x8000; f80_rm = 0; }
      } else if (kx == K_INF) {
        if (!xneg && ky != K_ZERO) { f80_rse = (yse & 0x8000) | 0x7FFF; f80_rm = INT_BIT; }
        else { f80_status = (f80_status & ~F80_DE) | F80_IE; f80_rse = INDEF_SE; f80_rm = INDEF_M; } // (invalid: no DE, as FYL2X)
      } else if (expOf(xse, xm) >= 0) {
        // |x| >= 1, outside the domain: the hardware gives x
        f80_rse = xse; f80_rm = xm;
        f80_status |= F80_PE;
      } else {
        let lse: u32, lm: u64;
        if (expOf(xse, xm) < -60 && ky != K_ZERO && ky != K_INF && (yse & 0x7FFF) < 0x7FFD) {
          // log2(1 + x) ~ x / ln 2: y * x / ln 2, with y / ln 2 first (x / ln 2 may be a denormal,
          // with fewer bits) and the flags of the last product
          const s = f80_status;
          f80_mul(yse, ym, 0x3FFF, 0xB8AA3B295C17F0BC, 3, 0);
          f80_status = s;
          f80_mul(f80_rse, f80_rm, xse, xm, pc, rc);
          inexact();
          if (okReg()) { setSt(1, f80_rse, f80_rm); pop(); }
          fin(false);
          return;
        } else if (expOf(xse, xm) < -60) {
          // log2(1 + x) ~ x / ln 2 (y is 0 or infinite here: the product is exact)
          const s = f80_status;
          f80_mul(xse, xm, 0x3FFF, 0xB8AA3B295C17F0BC, 3, 0);
          f80_status = s;
          lse = f80_rse; lm = f80_rm;
        } else {
          const s = f80_status;
          f80_from_f64(reinterpret<u64>(Math.log1p(toF64(xse, xm)) * Math.LOG2E));
          f80_status = s;
          lse = f80_rse; lm = f80_rm;
        }
        if (ky == K_ZERO || ky == K_INF) f80_mul(yse, ym, lse, lm, pc, rc);
        else { f80_mul(yse, ym, lse, lm, pc, rc); inexact(); }
      }
    }
  }
  if (okReg()) {
    setSt(1, f80_rse, f80_rm);
    pop();
  }
  fin(false);
}
// FPATAN: ST(1) = atan2(ST(1), ST(0)); pops.
function fpatan(): void {
  if (isEmpty(0) || isEmpty(1)) {
    underflow();
    if (ieMasked()) { setSt(1, INDEF_SE, INDEF_M); pop(); }
    fin(false);
    return;
  }
  const xse = stSe(0), xm = stM(0), yse = stSe(1), ym = stM(1);
  const kx = kind(xse, xm), ky = kind(yse, ym);
  if (kx == K_UNS || ky == K_UNS || kx == K_QNAN || kx == K_SNAN || ky == K_QNAN || ky == K_SNAN) {
    f80_add(xse, xm, yse, ym, pcOf(), rcOf());
  } else {
    if (kx == K_DEN || ky == K_DEN) f80_status |= F80_DE;
    // scale both by a common power of two so that f64 holds them
    let sh: i32 = 0;
    const ex = kx == K_ZERO || kx == K_INF ? -100000 : expOf(xse, xm);
    const ey = ky == K_ZERO || ky == K_INF ? -100000 : expOf(yse, ym);
    const emax = ex > ey ? ex : ey;
    const pc: u32 = 3, rc = rcOf(); // (precision control does not apply to transcendentals)
    if (kx != K_ZERO && kx != K_INF && ky != K_ZERO && ky != K_INF && ey - ex < -64) {
      // |y/x| tiny: y/x, or +-pi + y/x (then with the flags of the sum only)
      const s = f80_status;
      f80_div(yse, ym, xse, xm, pc, rc);
      if (xse & 0x8000) {
        f80_status = s;
        f80_add((yse & 0x8000) | 0x4000, 0xC90FDAA22168C235, f80_rse, f80_rm, pc, rc);
        f80_status = s | (f80_status & ~(F80_DE | F80_UE)); // (the tiny addend is not an operand)
      }
      f80_status |= F80_PE;
    } else if (kx != K_ZERO && kx != K_INF && ky != K_ZERO && ky != K_INF && ey - ex > 64) {
      // |y/x| huge: +-pi/2 - x/y (with the flags of the difference only)
      const s = f80_status;
      f80_div(xse, xm, yse, ym, pc, rc);
      f80_status = s;
      f80_sub((yse & 0x8000) | 0x3FFF, 0xC90FDAA22168C235, f80_rse, f80_rm, pc, rc);
      f80_status = s | (f80_status & ~(F80_DE | F80_UE));
      f80_status |= F80_PE;
    } else {
      if (emax > 1000 || (emax < -1000 && emax > -100000)) sh = emax;
      const x = scaled(xse, xm, kx, sh), y = scaled(yse, ym, ky, sh);
      const r = Math.atan2(y, x);
      const s = f80_status;
      f80_from_f64(reinterpret<u64>(r));
      f80_status = s;
      // (exact: +-0 for y = 0 or x = +inf with x >= 0 and y finite)
      if (!((xse & 0x8000) == 0 && (ky == K_ZERO || (kx == K_INF && ky != K_INF)))) f80_status |= F80_PE;
    }
  }
  if (okReg()) {
    setSt(1, f80_rse, f80_rm);
    pop();
  }
  fin(false);
}
function scaled(se: u32, m: u64, k: u32, sh: i32): f64 {
  if (k == K_ZERO || k == K_INF || sh == 0) return toF64(se, m);
  const e = expOf(se, m) - sh;
  if (e < -1070) return (se & 0x8000) ? -0.0 : 0.0;
  return toF64((se & 0x8000) | <u32>(e + 16383), m << <u64>clz(m));
}

// --- one-operand ops on ST(0) (D9 E0..FF) ---------------------------------------------
function unaryST0(fn: u32): void {
  if (isEmpty(0)) {
    underflow();
    if (ieMasked()) setSt(0, INDEF_SE, INDEF_M);
    fin(false);
    return;
  }
  const se = stSe(0), m = stM(0);
  switch (fn) {
    case 0: setSt(0, se ^ 0x8000, m); break; // FCHS
    case 1: setSt(0, se & 0x7FFF, m); break; // FABS
    case 2: f80_sqrt(se, m, pcOf(), rcOf()); if (okReg()) setSt(0, f80_rse, f80_rm); break;
    case 3: f80_round_int(se, m, rcOf()); if (okReg()) setSt(0, f80_rse, f80_rm); break;
  }
  fin(false);
}
function fxam(): void {
  const se = stSe(0), m = stM(0);
  let c: u32;
  if (isEmpty(0)) c = F80_C3 | F80_C0;
  else {
    const k = kind(se, m);
    c = k == K_UNS ? 0 : (k == K_QNAN || k == K_SNAN) ? F80_C0 : k == K_NORM ? F80_C2 : k == K_INF ? F80_C2 | F80_C0
      : k == K_ZERO ? F80_C3 : F80_C3 | F80_C2;
  }
  if (se & 0x8000) c |= F80_C1;
  f80_status = c;
  fin(true);
}
// FSCALE, FPREM, FPREM1: ST(0) = f(ST(0), ST(1)).
function binST01(fn: u32): void {
  if (isEmpty(0) || isEmpty(1)) {
    underflow();
    if (ieMasked()) setSt(0, INDEF_SE, INDEF_M);
    if (fn != 0) f80_status |= load<u32>(S_FPU_SW) & (F80_C0 | F80_C3); // C2 = 0, C0 C3 kept
    fin(fn != 0);
    return;
  }
  const ase = stSe(0), am = stM(0), bse = stSe(1), bm = stM(1);
  if (fn == 0) f80_scale(ase, am, bse, bm, rcOf());
  else {
    f80_prem(ase, am, bse, bm, fn == 2);
    const ka = kind(ase, am), kb = kind(bse, bm);
    if (ka == K_QNAN || ka == K_SNAN || ka == K_UNS || ka == K_INF || kb == K_QNAN || kb == K_SNAN || kb == K_UNS || kb == K_ZERO) {
      // NaN or invalid: C1 = C2 = 0, C0 and C3 unchanged
      f80_status = (f80_status & ~CC_ALL) | (load<u32>(S_FPU_SW) & (F80_C0 | F80_C3));
    }
  }
  if (okReg()) setSt(0, f80_rse, f80_rm);
  else if (fn != 0) f80_status = (f80_status & ~CC_ALL) | (load<u32>(S_FPU_SW) & CC_ALL);
  fin(fn != 0);
}
function fxtract(): void {
  if (isEmpty(0)) {
    underflow();
    // (an underflow: C1 = 0, even when the push finds ST(7) in use; measured)
    if (ieMasked()) { setSt(0, INDEF_SE, INDEF_M); push(INDEF_SE, INDEF_M); f80_status &= ~F80_C1; }
    fin(false);
    return;
  }
  if (!isEmpty(7)) {
    f80_status |= F80_IE | SW_SF | F80_C1;
    if (ieMasked()) { setSt(0, INDEF_SE, INDEF_M); push(INDEF_SE, INDEF_M); f80_status |= F80_C1; }
    fin(false);
    return;
  }
  f80_xtract(stSe(0), stM(0));
  if (okReg()) {
    setSt(0, f80_rse, f80_rm);
    push(f80_rse2, f80_rm2);
  }
  fin(false);
}

// --- handlers: one per instruction (or family), named in tools/isa-x87.mjs ----------------
// @ts-ignore: decorator
@inline function begin(): void { f80_status = 0; opDen = false; }
// @ts-ignore: decorator
@inline function sti(d: usize): u32 { return dModrm(d) & 7; }

// FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR (D8 m32fp), FIADD ... FIDIVR (DA m32int),
// the same with m64fp (DC) and m16int (DE): `esc` 0 2 4 6, the operation in ModRM.reg
export function h_farith_m(d: usize, esc: u32): void {
  begin();
  const reg = (dModrm(d) >> 3) & 7;
  if (!loadArithMem(d, esc)) return;
  if (reg == 2 || reg == 3) fcom(opSe, opM, false, false, reg == 3 ? 1 : 0);
  else arithTo(0, reg, opSe, opM, false, false);
}
// FADD FMUL FSUB FSUBR FDIV FDIVR ST(0), ST(i) (D8)
export function h_farith_st0(d: usize): void {
  begin();
  const i = sti(d);
  arithTo(0, (dModrm(d) >> 3) & 7, stSe(i), stM(i), isEmpty(i), false);
}
// FADD FMUL FSUBR FSUB FDIVR FDIV ST(i), ST(0) (DC), and FADDP ... FDIVP (DE, `p` 1)
export function h_farith_sti(d: usize, p: u32): void {
  begin();
  const reg = (dModrm(d) >> 3) & 7;
  arithTo(sti(d), reg >= 4 ? reg ^ 1 : reg, stSe(0), stM(0), isEmpty(0), p != 0);
}
// FCOM FCOMP ST(i) (D8), FCOM2 FCOMP3 (DC) and FCOMP5 (DE) aliases: `pops` 0 or 1
export function h_fcom_sti(d: usize, pops: u32): void {
  begin();
  const i = sti(d);
  fcom(stSe(i), stM(i), isEmpty(i), false, pops);
}
export function h_fcompp(d: usize): void { begin(); fcom(stSe(1), stM(1), isEmpty(1), false, 2); }
export function h_fucompp(d: usize): void { begin(); fcom(stSe(1), stM(1), isEmpty(1), true, 2); }
// FUCOM FUCOMP ST(i)
export function h_fucom(d: usize, pops: u32): void {
  begin();
  const i = sti(d);
  fcom(stSe(i), stM(i), isEmpty(i), true, pops);
}
// FCOMI (0) FUCOMI (1) FCOMIP (2) FUCOMIP (3)
export function h_fcomi(d: usize, k: u32): void { begin(); fcomi(sti(d), (k & 1) != 0, (k & 2) != 0); }
export function h_ftst(d: usize): void { begin(); fcom(0, 0, false, false, 0); }
export function h_fxam(d: usize): void { begin(); fxam(); }

// FLD m32fp (k 0), m64fp (1)
export function h_fld_m(d: usize, k: u32): void {
  begin();
  if (k == 0) { const v = <u32>rd32(ea(d)); if (stopped()) return; f80_from_f32(v); }
  else { const v = rd64(ea(d)); if (stopped()) return; f80_from_f64(v); }
  fldValue(f80_rse, f80_rm);
}
// FST FSTP m32fp (k 0 1), m64fp (2 3)
export function h_fst_m(d: usize, k: u32): void { begin(); fstReal(d, (k & 2) != 0, (k & 1) != 0); }
// FILD m16int m32int m64int (`bytes`)
export function h_fild_m(d: usize, bytes: u32): void {
  begin();
  let v: i64;
  if (bytes == 2) { v = <i64><i16>rd16(ea(d)); }
  else if (bytes == 4) { v = <i64><i32>rd32(ea(d)); }
  else { v = <i64>rd64(ea(d)); }
  if (stopped()) return;
  f80_from_i64(v);
  fldValue(f80_rse, f80_rm);
}
// FIST FISTP FISTTP: k = bytes (2 4 8) + 16 (pops) + 32 (FISTTP: truncates)
export function h_fist_m(d: usize, k: u32): void { begin(); fstInt(d, k & 15, (k & 32) ? 3 : rcOf(), (k & 16) != 0); }
export function h_fld80(d: usize): void { begin(); fld80(d); }
export function h_fstp80(d: usize): void { begin(); fstp80(d); }
export function h_fbld(d: usize): void { begin(); fbld(d); }
export function h_fbstp(d: usize): void { begin(); fbstp(d); }
export function h_fldenv(d: usize): void { begin(); fldenv(d); }
export function h_fnstenv(d: usize): void { begin(); fnstenv(d); }
export function h_frstor(d: usize): void { begin(); frstor(d); }
export function h_fnsave(d: usize): void { begin(); fnsave(d); }
export function h_fldcw(d: usize): void {
  const v = <u32>rd16(ea(d));
  if (stopped()) return;
  store<u32>(S_FPU_CW, (v & 0x1F7F) | 0x40);
  updateES();
}
export function h_fnstcw(d: usize): void { wr16(ea(d), cw()); }
export function h_fnstsw_m(d: usize): void { wr16(ea(d), swFull()); }
export function h_fnstsw_ax(d: usize): void { setReg(0, 1, swFull()); }

// FLD ST(i)
export function h_fld_sti(d: usize): void {
  begin();
  const i = sti(d);
  if (isEmpty(i)) { // underflow wins over overflow: C1 = 0
    underflow();
    if (ieMasked()) push(INDEF_SE, INDEF_M);
    f80_status &= ~F80_C1;
    fin(false);
    return;
  }
  fldValue(stSe(i), stM(i));
}
// FXCH ST(i), and its FXCH4 (DD) and FXCH7 (DF) aliases
export function h_fxch(d: usize): void { begin(); fxchWith(sti(d)); }
// FST FSTP ST(i) (DD), and the FSTP8 FSTP9 (DF) aliases: `p` 1 pops
export function h_fst_sti(d: usize, p: u32): void { begin(); stToReg(sti(d), p != 0); }
// FSTP1 (D9 D8+i), an alias of FSTP ST(i) except that an empty ST(0) is no stack fault: it only pops (measured)
export function h_fstp1(d: usize): void {
  begin();
  if (isEmpty(0)) { pop(); fin(false); return; }
  stToReg(sti(d), true);
}
// FFREE ST(i) (C1 = 0), FFREEP (`p` 1: and pop)
export function h_ffree(d: usize, p: u32): void {
  begin();
  freeReg(sti(d));
  if (p) pop();
  fin(false);
}
// FNOP, and FNENI FNDISI FNSETPM (no-ops)
export function h_fnop(d: usize): void {}
export function h_fchs(d: usize): void { begin(); unaryST0(0); }
export function h_fabs(d: usize): void { begin(); unaryST0(1); }
export function h_fsqrt(d: usize): void { begin(); unaryST0(2); }
export function h_frndint(d: usize): void { begin(); unaryST0(3); }
// FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ (k 0..6)
export function h_fldconst(d: usize, k: u32): void { begin(); fldConst(k); }
export function h_f2xm1(d: usize): void { begin(); f2xm1(); }
export function h_fyl2x(d: usize): void { begin(); fyl2x(false); }
export function h_fyl2xp1(d: usize): void { begin(); fyl2x(true); }
export function h_fptan(d: usize): void { begin(); ftrig(2); }
export function h_fpatan(d: usize): void { begin(); fpatan(); }
export function h_fsin(d: usize): void { begin(); ftrig(0); }
export function h_fcos(d: usize): void { begin(); ftrig(1); }
export function h_fsincos(d: usize): void { begin(); ftrig(3); }
export function h_fxtract(d: usize): void { begin(); fxtract(); }
export function h_fprem(d: usize): void { begin(); binST01(1); }
export function h_fprem1(d: usize): void { begin(); binST01(2); }
export function h_fscale(d: usize): void { begin(); binST01(0); }
export function h_fdecstp(d: usize): void { begin(); setTop(top() - 1); fin(false); }
export function h_fincstp(d: usize): void { begin(); setTop(top() + 1); fin(false); }
export function h_fnclex(d: usize): void { store<u32>(S_FPU_SW, load<u32>(S_FPU_SW) & ~(0x7F | SW_ES | SW_B)); }
export function h_fninit(d: usize): void { fninit(); }
// FCMOVB FCMOVE FCMOVBE FCMOVU (k 0..3), FCMOVNB FCMOVNE FCMOVNBE FCMOVNU (4..7)
export function h_fcmov(d: usize, k: u32): void {
  begin();
  const i = sti(d);
  const r = k & 3;
  const ccs: u32 = r == 0 ? 2 : r == 1 ? 4 : r == 2 ? 6 : 10;
  const c = cond(ccs + (k >> 2));
  if (isEmpty(0) || isEmpty(i)) {
    underflow();
    if (ieMasked()) setSt(0, INDEF_SE, INDEF_M);
  } else if (c) setSt(0, stSe(i), stM(i));
  finKeepC1();
}

function fxchWith(i: u32): void {
  let ase = stSe(0), am = stM(0), bse = stSe(i), bm = stM(i);
  if (isEmpty(0) || isEmpty(i)) {
    underflow();
    if (!ieMasked()) { fin(false); return; }
    if (isEmpty(0)) { ase = INDEF_SE; am = INDEF_M; }
    if (isEmpty(i)) { bse = INDEF_SE; bm = INDEF_M; }
  }
  setSt(0, bse, bm);
  setSt(i, ase, am);
  fin(false);
}
// FST/FSTP ST(i).
function stToReg(i: u32, p: bool): void {
  if (isEmpty(0)) {
    underflow();
    if (ieMasked()) { setSt(i, INDEF_SE, INDEF_M); if (p) pop(); }
    fin(false);
    return;
  }
  setSt(i, stSe(0), stM(0));
  if (p) pop();
  fin(false);
}
