// Emitters for the instruction forms the translator writes inline (chosen by
// what the benchmarks spend their time on); every other form calls its
// interpreter handler (compile.ts). An emitter reads its operands, computes
// into temporaries, does its memory accesses, and only then writes registers
// and flags: a fault leaves the state as before the instruction.
import * as W from './wasm';
import {
  L_T, L_I, L_FOP, L_FRES, L_FA, L_FB, getR, setR, gl, ea, isMem, memLoad, memStore, setFlags, setFlagsDyn,
  cond, carry, sizeMask, regBit, eaRegs, cur, curNext, fk, flagsUnknown,
} from './emit';
import {
  H_mov_EG, H_mov_GE, H_mov_EI, H_mov_r_I, H_lea, H_movzx, H_movsx, H_movsxd, H_alu_EG, H_alu_GE, H_alu_AI,
  H_alu_EI, H_test_EG, H_test_AI, H_test_EI, H_incdec, H_not, H_neg, H_shift_I, H_shift_1, H_imul_GE,
  H_imul_GEI, H_push_r, H_pop_r, H_push_I, H_cmov, H_setcc, H_xchg_rA, H_nop, H_cbw, H_cwd, H_xchg_EG,
  H_bswap, FORM_H, FORM_ARG,
} from '../generated/isa';
import {
  LF_ADD, LF_SUB, LF_LOGIC, LF_INC1, LF_INC0, LF_DEC1, LF_DEC0, LF_SHL, LF_SHR, LF_SAR, LF_ADC, LF_SBB, LF_IMUL,
  F_REX,
} from '../cpu';

const T0 = L_T, T1 = L_T + 1, T2 = L_T + 2, T3 = L_T + 3, T4 = L_T + 4;
const RSP: u32 = 4;

// @ts-ignore: decorator
@inline function osz(d: usize): u32 { return load<u8>(d, 3); }
// @ts-ignore: decorator
@inline function dreg(d: usize): u32 { return load<u8>(d, 4); }
// @ts-ignore: decorator
@inline function drm(d: usize): u32 { return load<u8>(d, 5); }
// @ts-ignore: decorator
@inline function imm(d: usize): i64 { return load<i64>(d, 16); }
function byteRegCode(r: u32, d: usize): u32 {
  return (r >= 4 && r < 8 && (load<u8>(d, 8) & F_REX) == 0) ? r + 12 : r;
}

// Whether the form at record d has an inline emitter here (given its operands).
export function canEmit(d: usize): bool {
  const id = <u32>load<u16>(d);
  const h = FORM_H[id], k = <u32>FORM_ARG[id];
  if (load<u8>(d, 8) & 8) return false; // LOCK: the handler (#UD or the locked form)
  switch (h) {
    case H_mov_EG: case H_mov_GE: case H_mov_EI: case H_mov_r_I: case H_movzx: case H_movsx: case H_movsxd:
    case H_alu_EG: case H_alu_GE: case H_alu_AI: case H_alu_EI: case H_test_EG: case H_test_AI: case H_test_EI:
    case H_incdec: case H_not: case H_neg: case H_imul_GE: case H_imul_GEI: case H_push_r: case H_pop_r:
    case H_push_I: case H_cmov: case H_setcc: case H_nop: case H_cbw: case H_cwd:
      return true;
    case H_lea: return isMem(d);
    case H_xchg_rA: return true;
    case H_xchg_EG: return !isMem(d);
    case H_bswap: return osz(d) >= 2;
    case H_shift_I: case H_shift_1: return k >= 4; // SHL SHR SAL SAR (rotates: the handler)
  }
  return false;
}

// The registers the inline form reads or writes (bits 0..15), and those it writes (bits 16..31).
export function regsOf(d: usize): u32 {
  const id = <u32>load<u16>(d);
  const h = FORM_H[id];
  const mem = isMem(d);
  const rm = (h == H_movzx || h == H_movsx) && FORM_ARG[id] == 0 ? byteRegCode(drm(d), d) : drm(d);
  const e = mem ? eaRegs(d) : regBit(rm);
  const g = regBit(dreg(d));
  switch (h) {
    case H_mov_EG: return e | g | (mem ? 0 : e << 16);
    case H_mov_GE: case H_movzx: case H_movsx: case H_movsxd: case H_lea:
      return e | g | (g << 16);
    case H_mov_EI: return e | (mem ? 0 : e << 16);
    case H_mov_r_I: return g | (g << 16);
    case H_alu_EG: case H_alu_EI: case H_incdec: case H_not: case H_neg: case H_setcc:
      return e | g | (mem ? 0 : e << 16);
    case H_alu_GE: case H_imul_GE: case H_imul_GEI: case H_cmov: return e | g | (g << 16);
    case H_alu_AI: return 1 | (1 << 16);
    case H_test_EG: case H_test_EI: return e | g;
    case H_test_AI: return 1;
    case H_push_r: return g | (1 << RSP) | (1 << (RSP + 16));
    case H_push_I: return (1 << RSP) | (1 << (RSP + 16));
    case H_pop_r: return g | (g << 16) | (1 << RSP) | (1 << (RSP + 16));
    case H_xchg_rA: case H_cwd: case H_cbw: return 1 | 4 | g | ((1 | 4 | g) << 16);
    case H_xchg_EG: return e | g | ((e | g) << 16);
    case H_bswap: return g | (g << 16);
    case H_shift_I: case H_shift_1: return e | (mem ? 0 : e << 16);
  }
  return 0;
}

// Read the E operand (register or memory) of size sz into local t; its address stays in T4.
function readE(d: usize, sz: u32, t: u32): void {
  if (isMem(d)) { ea(d); W.set(T4); memLoad(T4, sz); W.set(t); }
  else { getR(drm(d), sz); W.set(t); }
}
// Write local t to the E operand (a memory operand's address already in T4).
function writeE(d: usize, sz: u32, t: u32): void {
  if (isMem(d)) memStore(T4, t, sz);
  else { W.get(t); setR(drm(d), sz); }
}

// a op b -> r (locals), and the flags. k: 0 ADD 1 OR 2 ADC 3 SBB 4 AND 5 SUB 6 XOR 7 CMP
function alu(k: u32, sz: u32, a: u32, b: u32, r: u32): void {
  const m = <i64>sizeMask(sz);
  switch (k) {
    case 0: case 5: case 7:
      W.get(a); W.get(b); W.op(k == 0 ? W.I64_ADD : W.I64_SUB);
      if (sz < 3) { W.i64c(m); W.op(W.I64_AND); }
      W.set(r);
      return;
    case 1: case 4: case 6:
      W.get(a); W.get(b); W.op(k == 1 ? W.I64_OR : k == 4 ? W.I64_AND : W.I64_XOR); W.set(r);
      return;
    default: // ADC SBB: the carry in, then the flags' kind follows it
      carry(); W.set(T3);
      W.get(a); W.get(b); W.op(k == 2 ? W.I64_ADD : W.I64_SUB); W.get(T3); W.op(k == 2 ? W.I64_ADD : W.I64_SUB);
      if (sz < 3) { W.i64c(m); W.op(W.I64_AND); }
      W.set(r);
      return;
  }
}
function aluFlags(k: u32, sz: u32, a: u32, b: u32, r: u32): void {
  if (k == 0) setFlags(LF_ADD, sz, r, a, b);
  else if (k == 5 || k == 7) setFlags(LF_SUB, sz, r, a, b);
  else if (k == 2 || k == 3) {
    W.i32c(<i32>((k == 2 ? LF_ADC : LF_SBB) << 2 | sz)); W.i32c(<i32>((k == 2 ? LF_ADD : LF_SUB) << 2 | sz));
    W.get(T3); W.op(W.I32_WRAP_I64); W.op(W.SELECT);
    setFlagsDyn(r, a, b);
  } else setFlags(LF_LOGIC, sz, r, 0, 0);
}

// Emit the instruction at record d (canEmit(d) said yes).
export function emit(d: usize): void {
  const id = <u32>load<u16>(d);
  const h = FORM_H[id], k = <u32>FORM_ARG[id];
  const sz = osz(d);
  const m = <i64>sizeMask(sz);
  switch (h) {
    case H_nop: return;
    case H_mov_EG: getR(dreg(d), sz); W.set(T0); if (isMem(d)) { ea(d); W.set(T4); } writeE(d, sz, T0); return;
    case H_mov_GE: readE(d, sz, T0); W.get(T0); setR(dreg(d), sz); return;
    case H_mov_EI: W.i64c(imm(d)); W.set(T0); if (isMem(d)) { ea(d); W.set(T4); } writeE(d, sz, T0); return;
    case H_mov_r_I: W.i64c(imm(d)); setR(dreg(d), sz); return;
    case H_lea: ea(d, false); setR(dreg(d), sz); return;
    case H_movzx: case H_movsx: {
      if (isMem(d)) { ea(d); W.set(T4); memLoad(T4, k); }
      else getR(k == 0 ? byteRegCode(drm(d), d) : drm(d), k);
      if (h == H_movsx) W.op(k == 0 ? W.I64_EXTEND8_S : W.I64_EXTEND16_S);
      setR(dreg(d), sz);
      return;
    }
    case H_movsxd: {
      readE(d, sz == 3 ? 2 : sz, T0);
      W.get(T0);
      if (sz == 3) W.op(W.I64_EXTEND32_S);
      setR(dreg(d), sz);
      return;
    }
    case H_alu_EG: case H_alu_EI: {
      readE(d, sz, T0);
      if (h == H_alu_EG) getR(dreg(d), sz); else { W.i64c(imm(d) & m); }
      W.set(T1);
      alu(k, sz, T0, T1, T2);
      if (k != 7) writeE(d, sz, T2);
      aluFlags(k, sz, T0, T1, T2);
      return;
    }
    case H_alu_GE: {
      readE(d, sz, T1);
      getR(dreg(d), sz); W.set(T0);
      alu(k, sz, T0, T1, T2);
      if (k != 7) { W.get(T2); setR(dreg(d), sz); }
      aluFlags(k, sz, T0, T1, T2);
      return;
    }
    case H_alu_AI: {
      getR(0, sz); W.set(T0);
      W.i64c(imm(d) & m); W.set(T1);
      alu(k, sz, T0, T1, T2);
      if (k != 7) { W.get(T2); setR(0, sz); }
      aluFlags(k, sz, T0, T1, T2);
      return;
    }
    case H_test_EG: case H_test_EI: case H_test_AI: {
      if (h == H_test_AI) getR(0, sz); else { readE(d, sz, T0); W.get(T0); }
      if (h == H_test_EG) getR(dreg(d), sz); else W.i64c(imm(d) & m);
      W.op(W.I64_AND); W.set(T2);
      setFlags(LF_LOGIC, sz, T2, 0, 0);
      return;
    }
    case H_incdec: {
      readE(d, sz, T0);
      W.get(T0); W.i64c(1); W.op(k == 0 ? W.I64_ADD : W.I64_SUB);
      if (sz < 3) { W.i64c(m); W.op(W.I64_AND); }
      W.set(T2);
      // the carry before it, kept in the kind (INC1 INC0 ...)
      W.i32c(<i32>((k == 0 ? LF_INC1 : LF_DEC1) << 2 | sz)); W.i32c(<i32>((k == 0 ? LF_INC0 : LF_DEC0) << 2 | sz));
      cond(2); W.op(W.SELECT); W.set(L_I);
      writeE(d, sz, T2);
      W.i64c(1); W.set(T1);
      W.get(L_I); setFlagsDyn(T2, T0, T1);
      return;
    }
    case H_not: {
      readE(d, sz, T0);
      W.get(T0); W.i64c(-1); W.op(W.I64_XOR); W.set(T2);
      writeE(d, sz, T2);
      return;
    }
    case H_neg: {
      readE(d, sz, T1);
      W.i64c(0); W.get(T1); W.op(W.I64_SUB);
      if (sz < 3) { W.i64c(m); W.op(W.I64_AND); }
      W.set(T2);
      writeE(d, sz, T2);
      W.i64c(0); W.set(T0);
      setFlags(LF_SUB, sz, T2, T0, T1);
      return;
    }
    case H_shift_I: case H_shift_1: {
      const count = (h == H_shift_1 ? 1 : <u32>imm(d)) & (sz == 3 ? 63 : 31);
      readE(d, sz, T0);
      if (count == 0) { // flags and operand unchanged; a 32-bit register is zero-extended
        if (!isMem(d) && sz == 2) { W.get(T0); setR(drm(d), 2); }
        return;
      }
      W.get(T0);
      if (k == 7) { // SAR
        if (sz < 3) sextOf(sz);
        W.i64c(count); W.op(W.I64_SHR_S);
        if (sz < 3) { W.i64c(m); W.op(W.I64_AND); }
      } else if (k == 5) { W.i64c(count); W.op(W.I64_SHR_U); }
      else { W.i64c(count); W.op(W.I64_SHL); if (sz < 3) { W.i64c(m); W.op(W.I64_AND); } }
      W.set(T2);
      writeE(d, sz, T2);
      W.i64c(count); W.set(T1);
      setFlags(k == 7 ? LF_SAR : k == 5 ? LF_SHR : LF_SHL, sz, T2, T0, T1);
      return;
    }
    case H_imul_GE: case H_imul_GEI: {
      readE(d, sz, T1);
      if (h == H_imul_GE) getR(dreg(d), sz); else W.i64c(imm(d) & m);
      W.set(T0);
      W.get(T0); if (sz < 3) sextOf(sz);
      W.get(T1); if (sz < 3) sextOf(sz);
      W.op(W.I64_MUL);
      if (sz < 3) { W.i64c(m); W.op(W.I64_AND); }
      W.set(T2);
      W.get(T2); setR(dreg(d), sz);
      setFlags(LF_IMUL, sz, T2, T0, T1);
      return;
    }
    case H_push_r: case H_push_I: {
      if (h == H_push_r) getR(dreg(d), sz); else W.i64c(imm(d));
      W.set(T0);
      W.get(gl(RSP)); W.i64c(<i64>1 << sz); W.op(W.I64_SUB); W.set(T4);
      memStore(T4, T0, sz);
      W.get(T4); W.set(gl(RSP));
      return;
    }
    case H_pop_r: {
      W.get(gl(RSP)); W.set(T4);
      memLoad(T4, sz); W.set(T0);
      W.get(T4); W.i64c(<i64>1 << sz); W.op(W.I64_ADD); W.set(gl(RSP));
      W.get(T0); setR(dreg(d), sz);
      return;
    }
    case H_cmov: {
      readE(d, sz, T0);
      cond(k);
      W.if_();
      W.get(T0); setR(dreg(d), sz);
      if (sz == 2) { W.else_(); getR(dreg(d), 2); setR(dreg(d), 2); } // 32-bit CMOV zero-extends even when false
      W.end();
      return;
    }
    case H_setcc: {
      cond(k); W.op(W.I64_EXTEND_I32_U); W.set(T0);
      if (isMem(d)) { ea(d); W.set(T4); }
      writeE(d, 0, T0);
      return;
    }
    case H_xchg_rA: {
      const r = dreg(d);
      if (r == 0) return; // 90: NOP
      getR(r, sz); W.set(T0); getR(0, sz); setR(r, sz); W.get(T0); setR(0, sz);
      return;
    }
    case H_xchg_EG: {
      getR(dreg(d), sz); W.set(T0); getR(drm(d), sz); W.set(T1);
      W.get(T0); setR(drm(d), sz); W.get(T1); setR(dreg(d), sz);
      return;
    }
    case H_cbw: { getR(0, sz - 1); sextTo(sz - 1); setR(0, sz); return; }
    case H_cwd: {
      getR(0, sz); W.i64c((<i64>8 << sz) - 1); W.op(W.I64_SHR_U); W.i64c(1); W.op(W.I64_AND);
      W.i64c(0); W.op(W.I64_NE);
      W.if_(W.T_I64); W.i64c(-1); W.else_(); W.i64c(0); W.end();
      setR(2, sz);
      return;
    }
    case H_bswap: {
      getR(dreg(d), sz); W.set(T0);
      bswap(sz);
      setR(dreg(d), sz);
      return;
    }
  }
  W.op(W.UNREACHABLE); // (canEmit and emit disagree)
}
function sextOf(sz: u32): void {
  if (sz == 2) W.op(W.I64_EXTEND32_S); else if (sz == 1) W.op(W.I64_EXTEND16_S); else W.op(W.I64_EXTEND8_S);
}
function sextTo(sz: u32): void { sextOf(sz); }
// Byte-reverse local T0 (32 or 64 bits) onto the stack.
function bswap(sz: u32): void {
  const n: u32 = sz == 3 ? 8 : 4;
  W.i64c(0);
  for (let i: u32 = 0; i < n; i++) {
    W.get(T0); W.i64c(i * 8); W.op(W.I64_SHR_U); W.i64c(0xff); W.op(W.I64_AND);
    W.i64c((n - 1 - i) * 8); W.op(W.I64_SHL); W.op(W.I64_OR);
  }
}
// The instruction's use of flags in the inline form is the table's (FORM_RF/FORM_WF).
export function flagsKnownAfter(d: usize): bool { return fk >= 0; }
export { flagsUnknown };
