// Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP, TEST, INC/DEC, NOT, NEG, flag ops.
import {
  dOsz, dReg, dImm, dIsMem, getReg, setReg, sizeMask, signBit, setLazy, getCF, stopped, materialize,
  LF_ADD, LF_SUB, LF_LOGIC, LF_INC, LF_DEC, CF, PF, AF, ZF, SF, OF, DF, setFlags,
} from '../cpu';
import { ea, readE, writeE } from '../operand';
import { rdN, wrN } from '../mem';
import { S_RFLAGS } from '../generated/layout';

// Flags of ADC/SBB, computed eagerly.
function setArith(osz: u32, r: u64, cf: bool, ovf: bool, af: bool): void {
  let f = load<u64>(S_RFLAGS) & ~(CF | PF | AF | ZF | SF | OF);
  if (cf) f |= CF;
  if (ovf) f |= OF;
  if (af) f |= AF;
  if (r == 0) f |= ZF;
  if (r & signBit(osz)) f |= SF;
  if ((popcnt<u32>(<u32>r & 0xff) & 1) == 0) f |= PF;
  setFlags(f);
}

// One ALU operation on operands already masked to the operand size.
export function alu(k: u32, osz: u32, a: u64, b: u64): u64 {
  const m = sizeMask(osz);
  let r: u64;
  switch (k) {
    case 0: r = (a + b) & m; setLazy(LF_ADD, osz, r, a, b); return r;
    case 1: r = a | b; setLazy(LF_LOGIC, osz, r, 0, 0); return r;
    case 2: {
      const c: u64 = getCF() ? 1 : 0;
      r = (a + b + c) & m;
      setArith(osz, r, c ? r <= a : r < a, ((a ^ r) & (b ^ r) & signBit(osz)) != 0, ((a ^ b ^ r) & 0x10) != 0);
      return r;
    }
    case 3: {
      const c: u64 = getCF() ? 1 : 0;
      r = (a - b - c) & m;
      setArith(osz, r, c ? a <= b : a < b, ((a ^ b) & (a ^ r) & signBit(osz)) != 0, ((a ^ b ^ r) & 0x10) != 0);
      return r;
    }
    case 4: r = a & b; setLazy(LF_LOGIC, osz, r, 0, 0); return r;
    case 6: r = a ^ b; setLazy(LF_LOGIC, osz, r, 0, 0); return r;
    default: r = (a - b) & m; setLazy(LF_SUB, osz, r, a, b); return r; // SUB, CMP
  }
}

// op E, b: a read-modify-write of the ModRM operand (CMP only reads).
// @ts-ignore: decorator
@inline function aluE(d: usize, k: u32, osz: u32, b: u64): void {
  if (dIsMem(d)) {
    const addr = ea(d);
    const a = rdN(addr, osz);
    if (stopped()) return;
    const r = alu(k, osz, a, b);
    if (k != 7) wrN(addr, osz, r);
  } else {
    const rm = <u32>load<u8>(d, 5);
    const r = alu(k, osz, getReg(rm, osz), b);
    if (k != 7) setReg(rm, osz, r);
  }
}
export function h_alu_EG(d: usize, k: u32): void {
  const osz = dOsz(d);
  aluE(d, k, osz, getReg(dReg(d), osz));
}
export function h_alu_GE(d: usize, k: u32): void {
  const osz = dOsz(d);
  const b = readE(d, osz);
  if (stopped()) return;
  const r = alu(k, osz, getReg(dReg(d), osz), b);
  if (k != 7) setReg(dReg(d), osz, r);
}
export function h_alu_AI(d: usize, k: u32): void {
  const osz = dOsz(d);
  const r = alu(k, osz, getReg(0, osz), dImm(d) & sizeMask(osz));
  if (k != 7) setReg(0, osz, r);
}
export function h_alu_EI(d: usize, k: u32): void {
  const osz = dOsz(d);
  aluE(d, k, osz, dImm(d) & sizeMask(osz));
}
export function h_test_EG(d: usize): void {
  const osz = dOsz(d);
  const a = readE(d, osz);
  if (stopped()) return;
  setLazy(LF_LOGIC, osz, a & getReg(dReg(d), osz), 0, 0);
}
export function h_test_AI(d: usize): void {
  const osz = dOsz(d);
  setLazy(LF_LOGIC, osz, getReg(0, osz) & dImm(d) & sizeMask(osz), 0, 0);
}
export function h_test_EI(d: usize): void {
  const osz = dOsz(d);
  const a = readE(d, osz);
  if (stopped()) return;
  setLazy(LF_LOGIC, osz, a & dImm(d) & sizeMask(osz), 0, 0);
}
export function h_incdec(d: usize, k: u32): void {
  const osz = dOsz(d);
  const cf = getCF();
  let addr: u64 = 0;
  let a: u64;
  if (dIsMem(d)) { addr = ea(d); a = rdN(addr, osz); if (stopped()) return; }
  else a = getReg(<u32>load<u8>(d, 5), osz);
  const r = (k == 0 ? a + 1 : a - 1) & sizeMask(osz);
  if (dIsMem(d)) { wrN(addr, osz, r); if (stopped()) return; }
  else setReg(<u32>load<u8>(d, 5), osz, r);
  // INC/DEC keep CF: park it in RFLAGS, where the lazy INC/DEC kinds read it
  store<u64>(S_RFLAGS, (load<u64>(S_RFLAGS) & ~CF) | (cf ? CF : 0));
  setLazy(k == 0 ? LF_INC : LF_DEC, osz, r, a, 1);
}
export function h_not(d: usize): void {
  const osz = dOsz(d);
  if (dIsMem(d)) {
    const addr = ea(d);
    const a = rdN(addr, osz);
    if (stopped()) return;
    wrN(addr, osz, ~a);
  } else {
    const rm = <u32>load<u8>(d, 5);
    setReg(rm, osz, ~getReg(rm, osz));
  }
}
export function h_neg(d: usize): void {
  const osz = dOsz(d);
  let addr: u64 = 0;
  let a: u64;
  if (dIsMem(d)) { addr = ea(d); a = rdN(addr, osz); if (stopped()) return; }
  else a = getReg(<u32>load<u8>(d, 5), osz);
  const r = (0 - a) & sizeMask(osz);
  if (dIsMem(d)) { wrN(addr, osz, r); if (stopped()) return; }
  else setReg(<u32>load<u8>(d, 5), osz, r);
  setLazy(LF_SUB, osz, r, 0, a);
}
export function h_clc(d: usize): void { setFlags(materialize() & ~CF); }
export function h_stc(d: usize): void { setFlags(materialize() | CF); }
export function h_cmc(d: usize): void { setFlags(materialize() ^ CF); }
export function h_cld(d: usize): void { store<u64>(S_RFLAGS, load<u64>(S_RFLAGS) & ~DF); }
export function h_std(d: usize): void { store<u64>(S_RFLAGS, load<u64>(S_RFLAGS) | DF); }
