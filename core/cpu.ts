// CPU state access: registers, lazy flags, instruction records.
import {
  S_GPR, S_RFLAGS, S_LF_OP, S_LF_RES, S_LF_A, S_LF_B, S_STOP, S_EXIT_REASON, S_NEXT_RIP, S_RIP,
} from './generated/layout';

// Decoded instruction record fields (see decode.ts).
// @ts-ignore: decorator
@inline export function dOp(d: usize): u32 { return load<u16>(d); }
// @ts-ignore: decorator
@inline export function dLen(d: usize): u32 { return load<u8>(d, 2); }
// @ts-ignore: decorator
@inline export function dOsz(d: usize): u32 { return load<u8>(d, 3); }
// @ts-ignore: decorator
@inline export function dReg(d: usize): u32 { return load<u8>(d, 4); }
// @ts-ignore: decorator
@inline export function dRm(d: usize): u32 { return load<u8>(d, 5); }
// @ts-ignore: decorator
@inline export function dFlags(d: usize): u32 { return load<u8>(d, 8); }
// @ts-ignore: decorator
@inline export function dModrm(d: usize): u32 { return load<u8>(d, 9); }
// @ts-ignore: decorator
@inline export function dImm2(d: usize): u32 { return load<u8>(d, 10); }
// @ts-ignore: decorator
@inline export function dImm(d: usize): u64 { return load<u64>(d, 16); }
// @ts-ignore: decorator
@inline export function dIsMem(d: usize): bool { return (load<u8>(d, 8) & F_MEM) != 0; }
// @ts-ignore: decorator
@inline export function dRep(d: usize): u32 { return (load<u8>(d, 8) >> 6) & 3; }

export const F_MEM: u32 = 1;
export const F_REX: u32 = 2;
export const F_ASZ32: u32 = 4;
export const F_LOCK: u32 = 8;
export const REP_F3: u32 = 1;
export const REP_F2: u32 = 2;

export const RAX: u32 = 0, RCX: u32 = 1, RDX: u32 = 2, RBX: u32 = 3, RSP: u32 = 4, RBP: u32 = 5, RSI: u32 = 6, RDI: u32 = 7;

// @ts-ignore: decorator
@inline export function sizeMask(osz: u32): u64 { return osz == 3 ? <u64>-1 : ((<u64>1 << (<u64>8 << osz)) - 1); }
// @ts-ignore: decorator
@inline export function signBit(osz: u32): u64 { return <u64>1 << ((<u64>8 << osz) - 1); }
// @ts-ignore: decorator
@inline export function sext(v: u64, osz: u32): u64 {
  const sh = 64 - (<u64>8 << osz);
  return <u64>((<i64>(v << sh)) >> sh);
}

// --- registers ---------------------------------------------------------------
// @ts-ignore: decorator
@inline export function reg64(r: u32): u64 { return load<u64>(S_GPR + (r << 3)); }
// @ts-ignore: decorator
@inline export function setReg64(r: u32, v: u64): void { store<u64>(S_GPR + (r << 3), v); }

// Byte register codes: 0..15 are the low bytes; 16..19 are AH, CH, DH, BH.
// @ts-ignore: decorator
@inline export function byteRegAddr(r: u32): usize {
  return r < 16 ? S_GPR + (r << 3) : S_GPR + ((r - 16) << 3) + 1;
}
// The byte register named by a ModRM field when the instruction has no byte attribute.
// @ts-ignore: decorator
@inline export function byteRegCode(r: u32, d: usize): u32 {
  return (r >= 4 && r < 8 && (dFlags(d) & F_REX) == 0) ? r + 12 : r;
}

export function getReg(r: u32, osz: u32): u64 {
  if (osz == 3) return load<u64>(S_GPR + (r << 3));
  if (osz == 2) return <u64>load<u32>(S_GPR + (r << 3));
  if (osz == 1) return <u64>load<u16>(S_GPR + (r << 3));
  return <u64>load<u8>(byteRegAddr(r));
}
export function setReg(r: u32, osz: u32, v: u64): void {
  if (osz == 3) store<u64>(S_GPR + (r << 3), v);
  else if (osz == 2) store<u64>(S_GPR + (r << 3), v & 0xffffffff);
  else if (osz == 1) store<u16>(S_GPR + (r << 3), <u16>v);
  else store<u8>(byteRegAddr(r), <u8>v);
}

// --- control -------------------------------------------------------------------
// @ts-ignore: decorator
@inline export function nextRip(): u64 { return load<u64>(S_NEXT_RIP); }
// @ts-ignore: decorator
@inline export function setNextRip(v: u64): void { store<u64>(S_NEXT_RIP, v); }
// The current instruction faulted or exited (STOP = 1): it must not commit anything more.
// STOP = 2 (end the block after this instruction: the block cache was flushed, by a
// write to a code frame, a frame freed during a page fault, or a full cache) is no
// reason to abandon the instruction.
// @ts-ignore: decorator
@inline export function stopped(): bool { return load<u32>(S_STOP) == 1; }
// Leave run() with an exit reason. `after`: resume after the instruction (syscall,
// int3) rather than at it (faults).
export function exitWith(reason: u32, after: bool): void {
  store<u32>(S_EXIT_REASON, reason);
  store<u32>(S_STOP, 1);
  if (after) store<u64>(S_RIP, load<u64>(S_NEXT_RIP));
}

// --- flags -----------------------------------------------------------------------
export const CF: u64 = 1, PF: u64 = 4, AF: u64 = 0x10, ZF: u64 = 0x40, SF: u64 = 0x80;
export const TF: u64 = 0x100, DF: u64 = 0x400, OF: u64 = 0x800, ID: u64 = 0x200000, AC: u64 = 0x40000;
export const ARITH_FLAGS: u64 = CF | PF | AF | ZF | SF | OF;

// Lazy flag kinds (LF_OP = kind << 2 | operand size). INC and DEC keep CF in RFLAGS;
// the kinds the translator also uses carry CF in the kind instead (INC1 = INC with CF
// set ...), and keep an operation's operands so that no flag is computed before it
// is read: ADC and SBB with a carry in of 1 (0: ADD, SUB), IMUL (CF = OF = overflow).
export const LF_NONE: u32 = 0, LF_ADD: u32 = 1, LF_SUB: u32 = 2, LF_LOGIC: u32 = 3, LF_INC: u32 = 4,
  LF_DEC: u32 = 5, LF_SHL: u32 = 6, LF_SHR: u32 = 7, LF_SAR: u32 = 8, LF_ADC: u32 = 9, LF_SBB: u32 = 10,
  LF_INC1: u32 = 11, LF_DEC1: u32 = 12, LF_INC0: u32 = 13, LF_DEC0: u32 = 14, LF_IMUL: u32 = 15;

// IMUL's overflow: the signed product of a and b (operands of size osz) does not fit.
export function imulOverflow(osz: u32, a: u64, b: u64, res: u64): bool {
  if (osz == 3) return imulhi(a, b) != <u64>(<i64>res >> 63);
  const p = <u64>(<i64>sext(a, osz) * <i64>sext(b, osz));
  return sext(p & sizeMask(osz), osz) != p;
}
// High 64 bits of the signed 128-bit product.
export function imulhi(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  let h = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  if (<i64>a < 0) h -= b;
  if (<i64>b < 0) h -= a;
  return h;
}

// @ts-ignore: decorator
@inline export function setLazy(kind: u32, osz: u32, res: u64, a: u64, b: u64): void {
  store<u32>(S_LF_OP, (kind << 2) | osz);
  store<u64>(S_LF_RES, res);
  store<u64>(S_LF_A, a);
  store<u64>(S_LF_B, b);
}

export function getCF(): bool {
  const op = load<u32>(S_LF_OP);
  const kind = op >> 2, osz = op & 3;
  const a = load<u64>(S_LF_A), b = load<u64>(S_LF_B), res = load<u64>(S_LF_RES);
  switch (kind) {
    case LF_NONE: case LF_INC: case LF_DEC: return (load<u64>(S_RFLAGS) & CF) != 0;
    case LF_ADD: return (res & sizeMask(osz)) < (a & sizeMask(osz));
    case LF_SUB: return (a & sizeMask(osz)) < (b & sizeMask(osz));
    case LF_ADC: return (res & sizeMask(osz)) <= (a & sizeMask(osz));
    case LF_SBB: return (a & sizeMask(osz)) <= (b & sizeMask(osz));
    case LF_INC1: case LF_DEC1: return true;
    case LF_INC0: case LF_DEC0: return false;
    case LF_IMUL: return imulOverflow(osz, a, b, res);
    case LF_LOGIC: return false;
    case LF_SHL: {
      const bits = <u64>8 << osz;
      return b <= bits ? ((a >> (bits - b)) & 1) != 0 : false;
    }
    case LF_SHR: return b <= 64 ? ((a >> (b - 1)) & 1) != 0 : false;
    case LF_SAR: return b <= 64 ? (((<i64>sext(a, osz)) >> (b - 1)) & 1) != 0 : ((<i64>sext(a, osz)) < 0);
  }
  return false;
}
export function getZF(): bool {
  const op = load<u32>(S_LF_OP);
  if (op == 0) return (load<u64>(S_RFLAGS) & ZF) != 0;
  return (load<u64>(S_LF_RES) & sizeMask(op & 3)) == 0;
}
export function getSF(): bool {
  const op = load<u32>(S_LF_OP);
  if (op == 0) return (load<u64>(S_RFLAGS) & SF) != 0;
  return (load<u64>(S_LF_RES) & signBit(op & 3)) != 0;
}
export function getPF(): bool {
  const op = load<u32>(S_LF_OP);
  if (op == 0) return (load<u64>(S_RFLAGS) & PF) != 0;
  return (popcnt<u32>(<u32>load<u64>(S_LF_RES) & 0xff) & 1) == 0;
}
export function getAF(): bool {
  const op = load<u32>(S_LF_OP);
  const kind = op >> 2;
  const a = load<u64>(S_LF_A), b = load<u64>(S_LF_B), res = load<u64>(S_LF_RES);
  switch (kind) {
    case LF_NONE: return (load<u64>(S_RFLAGS) & AF) != 0;
    case LF_ADD: case LF_SUB: case LF_ADC: case LF_SBB: return ((a ^ b ^ res) & 0x10) != 0;
    case LF_INC: case LF_INC1: case LF_INC0: return (res & 0xf) == 0;
    case LF_DEC: case LF_DEC1: case LF_DEC0: return (res & 0xf) == 0xf;
  }
  return false;
}
export function getOF(): bool {
  const op = load<u32>(S_LF_OP);
  const kind = op >> 2, osz = op & 3;
  const a = load<u64>(S_LF_A), b = load<u64>(S_LF_B), res = load<u64>(S_LF_RES);
  const sb = signBit(osz);
  switch (kind) {
    case LF_NONE: return (load<u64>(S_RFLAGS) & OF) != 0;
    case LF_ADD: case LF_ADC: return ((a ^ res) & (b ^ res) & sb) != 0;
    case LF_SUB: case LF_SBB: return ((a ^ b) & (a ^ res) & sb) != 0;
    case LF_LOGIC: return false;
    case LF_INC: case LF_INC1: case LF_INC0: return (res & sizeMask(osz)) == sb;
    case LF_DEC: case LF_DEC1: case LF_DEC0: return (res & sizeMask(osz)) == sb - 1;
    case LF_IMUL: return imulOverflow(osz, a, b, res);
    case LF_SHL: return (((res & sb) != 0) != getCF());
    case LF_SHR: return (a & sb) != 0;
    case LF_SAR: return false;
  }
  return false;
}

// Compute all arithmetic flags into RFLAGS and drop the lazy state.
export function materialize(): u64 {
  let f = load<u64>(S_RFLAGS);
  if (load<u32>(S_LF_OP) != 0) {
    f &= ~ARITH_FLAGS;
    if (getCF()) f |= CF;
    if (getPF()) f |= PF;
    if (getAF()) f |= AF;
    if (getZF()) f |= ZF;
    if (getSF()) f |= SF;
    if (getOF()) f |= OF;
    store<u64>(S_RFLAGS, f);
    store<u32>(S_LF_OP, 0);
  }
  return f;
}
// Set RFLAGS wholesale (arith flags included); lazy state dropped.
// @ts-ignore: decorator
@inline export function setFlags(f: u64): void {
  store<u64>(S_RFLAGS, f | 2);
  store<u32>(S_LF_OP, 0);
}
// Replace just the flags in `mask` with those in `bits`.
export function setSomeFlags(mask: u64, bits: u64): void {
  const f = materialize();
  store<u64>(S_RFLAGS, (f & ~mask) | (bits & mask));
}
// Flags of a result computed eagerly: SF, ZF, PF from res; CF and OF given; AF cleared.
export function setResultFlags(osz: u32, res: u64, cf: bool, ovf: bool): void {
  let f = load<u64>(S_RFLAGS) & ~ARITH_FLAGS;
  const m = res & sizeMask(osz);
  if (cf) f |= CF;
  if (ovf) f |= OF;
  if (m == 0) f |= ZF;
  if (m & signBit(osz)) f |= SF;
  if ((popcnt<u32>(<u32>m & 0xff) & 1) == 0) f |= PF;
  store<u64>(S_RFLAGS, f);
  store<u32>(S_LF_OP, 0);
}

export function cond(cc: u32): bool {
  let r: bool;
  switch (cc >> 1) {
    case 0: r = getOF(); break;
    case 1: r = getCF(); break;
    case 2: r = getZF(); break;
    case 3: r = getCF() || getZF(); break;
    case 4: r = getSF(); break;
    case 5: r = getPF(); break;
    case 6: r = getSF() != getOF(); break;
    default: r = getZF() || (getSF() != getOF()); break;
  }
  return (cc & 1) ? !r : r;
}
