// Stack and control transfer: PUSH/POP, PUSHF/POPF, ENTER/LEAVE, CALL/RET, JMP, Jcc, LOOP.
import {
  dOsz, dReg, dImm, dImm2, dIsMem, getReg, setReg, reg64, setReg64, stopped, cond, materialize, setFlags,
  nextRip, setNextRip, RSP, RBP, RCX, F_ASZ32,
} from '../cpu';
import { ea, readE, writeE } from '../operand';
import { rdN, wrN, rd64, wr64, probeW } from '../mem';

// @ts-ignore: decorator
@inline function opBytes(osz: u32): u64 { return <u64>1 << osz; }

export function push(osz: u32, v: u64): bool {
  const sp = reg64(RSP) - opBytes(osz);
  wrN(sp, osz, v);
  if (stopped()) return false;
  setReg64(RSP, sp);
  return true;
}
export function h_push_r(d: usize): void { push(dOsz(d), getReg(dReg(d), dOsz(d))); }
export function h_push_I(d: usize): void { push(dOsz(d), dImm(d)); }
export function h_push_E(d: usize): void {
  const osz = dOsz(d);
  const v = readE(d, osz);
  if (stopped()) return;
  push(osz, v);
}
export function h_pop_r(d: usize): void {
  const osz = dOsz(d);
  const sp = reg64(RSP);
  const v = rdN(sp, osz);
  if (stopped()) return;
  setReg64(RSP, sp + opBytes(osz));
  setReg(dReg(d), osz, v);
}
export function h_pop_E(d: usize): void {
  const osz = dOsz(d);
  const sp = reg64(RSP);
  const v = rdN(sp, osz);
  if (stopped()) return;
  setReg64(RSP, sp + opBytes(osz)); // the destination address uses the incremented RSP
  writeE(d, osz, v);
  if (stopped()) setReg64(RSP, sp);
}
export function h_pushf(d: usize): void { push(dOsz(d), materialize() & 0xfcffff); }
export function h_popf(d: usize): void {
  const osz = dOsz(d);
  const sp = reg64(RSP);
  const v = rdN(sp, osz);
  if (stopped()) return;
  setReg64(RSP, sp + opBytes(osz));
  // user mode may change CF PF AF ZF SF DF OF AC ID; IF stays set
  const mask: u64 = osz == 1 ? 0x0cd5 : 0x240cd5;
  setFlags((materialize() & ~mask) | (v & mask) | 0x200);
}
export function h_enter(d: usize): void {
  const osz = dOsz(d);
  const size = dImm(d);
  const level = dImm2(d) & 31;
  const n = opBytes(osz);
  let sp = reg64(RSP);
  const rbp = reg64(RBP);
  if (!probeW(sp - n * (<u64>level + 1), <u32>(n * (<u64>level + 1)))) return;
  sp -= n;
  wrN(sp, osz, getReg(RBP, osz));
  const frame = sp;
  if (level > 0) {
    let bp = rbp;
    for (let i: u32 = 1; i < level; i++) {
      bp -= n;
      const v = rdN(bp, osz);
      if (stopped()) return;
      sp -= n;
      wrN(sp, osz, v);
    }
    sp -= n;
    wrN(sp, osz, frame);
  }
  setReg(RBP, osz, frame);
  setReg64(RSP, sp - size);
}
export function h_leave(d: usize): void {
  const osz = dOsz(d);
  const bp = reg64(RBP);
  const v = rdN(bp, osz);
  if (stopped()) return;
  setReg64(RSP, bp + opBytes(osz));
  setReg(RBP, osz, v);
}
export function h_call_J(d: usize): void {
  const next = nextRip();
  if (!push(3, next)) return;
  setNextRip(next + dImm(d));
}
export function h_call_E(d: usize): void {
  const target = readE(d, 3);
  if (stopped()) return;
  if (!push(3, nextRip())) return;
  setNextRip(target);
}
export function h_jmp_J(d: usize): void { setNextRip(nextRip() + dImm(d)); }
export function h_jmp_E(d: usize): void {
  const target = readE(d, 3);
  if (stopped()) return;
  setNextRip(target);
}
export function h_ret(d: usize): void {
  const sp = reg64(RSP);
  const v = rd64(sp);
  if (stopped()) return;
  setReg64(RSP, sp + 8 + dImm(d));
  setNextRip(v);
}
export function h_jcc(d: usize, cc: u32): void {
  if (cond(cc)) setNextRip(nextRip() + dImm(d));
}
// k: 0 LOOPNE, 1 LOOPE, 2 LOOP, 3 JRCXZ
export function h_loop(d: usize, k: u32): void {
  const asz = (load<u8>(d, 8) & F_ASZ32) ? 2 : 3;
  let c = getReg(RCX, asz);
  let take: bool;
  if (k == 3) take = c == 0;
  else {
    c = (c - 1) & (asz == 2 ? 0xffffffff : <u64>-1);
    setReg(RCX, asz, c);
    take = c != 0;
    if (k == 0) take = take && !cond(4);
    else if (k == 1) take = take && cond(4);
  }
  if (take) setNextRip(nextRip() + dImm(d));
}
