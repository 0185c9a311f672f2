// Data movement: MOV forms, LEA, MOVSX/MOVZX/MOVSXD, XCHG, CBW/CWD, BSWAP, MOVBE, CMOV, SETcc, LAHF/SAHF, XLAT.
import {
  dOsz, dReg, dRm, dImm, dIsMem, getReg, setReg, sizeMask, sext, stopped, cond, byteRegCode,
  materialize, setFlags, reg64, ARITH_FLAGS, F_ASZ32,
} from '../cpu';
import { ea, readE, writeE, segBase } from '../operand';
import { rdN, wrN, rd8 } from '../mem';
import { S_GPR, S_NEXT_RIP, S_RFLAGS } from '../generated/layout';

export function h_mov_EG(d: usize): void { const osz = dOsz(d); writeE(d, osz, getReg(dReg(d), osz)); }
export function h_mov_GE(d: usize): void {
  const osz = dOsz(d);
  const v = readE(d, osz);
  if (stopped()) return;
  setReg(dReg(d), osz, v);
}
export function h_mov_EI(d: usize): void { const osz = dOsz(d); writeE(d, osz, dImm(d)); }
export function h_mov_r_I(d: usize): void { setReg(dReg(d), dOsz(d), dImm(d)); }
export function h_mov_A_moffs(d: usize): void {
  const osz = dOsz(d);
  const v = rdN(dImm(d) + segBase(d), osz);
  if (stopped()) return;
  setReg(0, osz, v);
}
export function h_mov_moffs_A(d: usize): void { const osz = dOsz(d); wrN(dImm(d) + segBase(d), osz, getReg(0, osz)); }
export function h_mov_E_sreg(d: usize): void {
  // selectors of a 64-bit Linux process: cs 0x33, ss 0x2b, others 0
  const s = dReg(d) & 7;
  if (s > 5) { h_missing_ud(d); return; } // no segment register 6, 7: #UD
  const v: u64 = s == 1 ? 0x33 : s == 2 ? 0x2b : 0;
  writeE(d, dIsMem(d) ? 1 : dOsz(d), v);
}
export function h_lea(d: usize): void {
  if (!dIsMem(d)) { h_missing_ud(d); return; } // LEA with a register operand is #UD
  // LEA takes the offset only: no segment base
  let a: u64 = <u64><i64>load<i32>(d, 12);
  const base = dRm(d);
  if (base != 0xff) a += base == 16 ? load<u64>(S_NEXT_RIP) : load<u64>(S_GPR + (base << 3));
  const idx = <u32>load<u8>(d, 6);
  if (idx != 0xff) a += load<u64>(S_GPR + (idx << 3)) << load<u8>(d, 7);
  if (load<u8>(d, 8) & F_ASZ32) a &= 0xffffffff;
  setReg(dReg(d), dOsz(d), a);
}
export function h_movsxd(d: usize): void {
  const osz = dOsz(d);
  if (osz == 3) {
    const v = readE(d, 2);
    if (stopped()) return;
    setReg(dReg(d), 3, sext(v, 2));
  } else {
    const v = readE(d, osz);
    if (stopped()) return;
    setReg(dReg(d), osz, v);
  }
}
// k: 0 from a byte, 1 from a word
function readSmall(d: usize, k: u32): u64 {
  if (dIsMem(d)) return rdN(ea(d), k);
  return k == 0 ? getReg(byteRegCode(dRm(d), d), 0) : getReg(dRm(d), 1);
}
export function h_movzx(d: usize, k: u32): void {
  const v = readSmall(d, k);
  if (stopped()) return;
  setReg(dReg(d), dOsz(d), v);
}
export function h_movsx(d: usize, k: u32): void {
  const v = readSmall(d, k);
  if (stopped()) return;
  setReg(dReg(d), dOsz(d), sext(v, k));
}
export function h_xchg_EG(d: usize): void {
  const osz = dOsz(d);
  const r = getReg(dReg(d), osz);
  if (dIsMem(d)) {
    const addr = ea(d);
    const v = rdN(addr, osz);
    if (stopped()) return;
    wrN(addr, osz, r);
    if (stopped()) return;
    setReg(dReg(d), osz, v);
  } else {
    const v = getReg(dRm(d), osz);
    setReg(dRm(d), osz, r);
    setReg(dReg(d), osz, v);
  }
}
export function h_xchg_rA(d: usize): void {
  const osz = dOsz(d);
  const r = dReg(d);
  if (r == 0) return; // 90 without REX.B is NOP: unlike 87 C0, it does not zero-extend EAX
  const v = getReg(r, osz);
  setReg(r, osz, getReg(0, osz));
  setReg(0, osz, v);
}
export function h_nop(d: usize): void {}
export function h_cbw(d: usize): void {
  const osz = dOsz(d);
  setReg(0, osz, sext(getReg(0, osz - 1), osz - 1));
}
export function h_cwd(d: usize): void {
  const osz = dOsz(d);
  const neg = (getReg(0, osz) >> ((<u64>8 << osz) - 1)) & 1;
  setReg(2, osz, neg ? <u64>-1 : 0);
}
export function h_bswap(d: usize): void {
  const osz = dOsz(d);
  const r = dReg(d);
  if (osz == 3) setReg(r, 3, bswap<u64>(reg64(r)));
  else if (osz == 2) setReg(r, 2, <u64>bswap<u32>(<u32>reg64(r)));
  else setReg(r, 1, 0); // BSWAP r16 is undefined; real CPUs give 0
}
export function h_movbe(d: usize, k: u32): void {
  const osz = dOsz(d);
  if (!dIsMem(d)) { h_missing_ud(d); return; }
  if (k == 0) {
    const v = rdN(ea(d), osz);
    if (stopped()) return;
    setReg(dReg(d), osz, swapN(v, osz));
  } else {
    wrN(ea(d), osz, swapN(getReg(dReg(d), osz), osz));
  }
}
function swapN(v: u64, osz: u32): u64 {
  if (osz == 3) return bswap<u64>(v);
  if (osz == 2) return <u64>bswap<u32>(<u32>v);
  return <u64>bswap<u16>(<u16>v);
}
import { h_ud2 as h_missing_ud } from './misc';
export function h_cmov(d: usize, cc: u32): void {
  const osz = dOsz(d);
  const v = readE(d, osz);
  if (stopped()) return;
  if (cond(cc)) setReg(dReg(d), osz, v);
  else if (osz == 2) setReg(dReg(d), 2, getReg(dReg(d), 2)); // 32-bit CMOV zero-extends even when false
}
export function h_setcc(d: usize, cc: u32): void { writeE(d, 0, cond(cc) ? 1 : 0); }
export function h_lahf(d: usize): void {
  const f = materialize();
  store<u8>(S_GPR + 1, <u8>((f & 0xd5) | 2));
}
export function h_sahf(d: usize): void {
  const f = materialize();
  const ah = <u64>load<u8>(S_GPR + 1);
  setFlags((f & ~<u64>0xd5) | (ah & 0xd5));
}
export function h_xlat(d: usize): void {
  let a = reg64(3) + (getReg(0, 0));
  if (load<u8>(d, 8) & F_ASZ32) a &= 0xffffffff;
  const v = rd8(a + segBase(d));
  if (stopped()) return;
  setReg(0, 0, v);
}
