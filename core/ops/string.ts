// String instructions with REP/REPE/REPNE: MOVS CMPS STOS LODS SCAS.
import { setNextRip, dOsz, dRep, getReg, setReg, reg64, setReg64, stopped, setLazy, LF_SUB, F_ASZ32, DF, REP_F2, REP_F3, sizeMask } from '../cpu';
import { segBase } from '../operand';
import { rdN, wrN, hostW } from '../mem';
import { S_RFLAGS, S_STOP, S_RIP } from '../generated/layout';
import { hostRange } from './bulk';

const RCX: u32 = 1, RSI: u32 = 6, RDI: u32 = 7, RAX: u32 = 0;

// @ts-ignore: decorator
@inline function asz(d: usize): u32 { return (load<u8>(d, 8) & F_ASZ32) ? 2 : 3; }
// @ts-ignore: decorator
@inline function step(osz: u32): u64 { return (load<u64>(S_RFLAGS) & DF) ? <u64>0 - (<u64>1 << osz) : <u64>1 << osz; }
// @ts-ignore: decorator
@inline function amask(a: u32): u64 { return a == 2 ? 0xffffffff : <u64>-1; }

// Iterations between checks, so a huge REP yields to the scheduler's budget.
const CHUNK: u64 = 1 << 20;

export function h_movs(d: usize): void {
  const osz = dOsz(d), a = asz(d), am = amask(a), st = step(osz), seg = segBase(d);
  const rep = dRep(d) != 0;
  let n: u64 = rep ? getReg(RCX, a) : 1;
  let si = getReg(RSI, a), di = getReg(RDI, a);
  let done: u64 = 0;
  const size = <u64>1 << osz;
  while (n > 0 && done < CHUNK) {
    // forward bulk copy within one page of each side
    if (rep && (load<u64>(S_RFLAGS) & DF) == 0 && a == 3) {
      const run = hostRange(seg + si, di, n, size);
      if (run > 0) {
        n -= run; done += run;
        si = (si + run * size) & am; di = (di + run * size) & am;
        continue;
      }
    }
    const v = rdN((seg + si) & am, osz);
    if (stopped()) break;
    wrN(di, osz, v);
    if (stopped()) break;
    si = (si + st) & am; di = (di + st) & am;
    n--; done++;
  }
  if (done == 0) return; // a zero count (or a fault at once) changes no register, not even a 32-bit one's upper half
  setReg(RSI, a, si); setReg(RDI, a, di);
  if (rep) {
    setReg(RCX, a, n);
    if (n > 0 && !stopped()) repeatLater();
  }
}
// Run this instruction again (with the registers as left) after the block ends,
// so a huge REP is cut into budgeted pieces.
function repeatLater(): void {
  setNextRip(load<u64>(S_RIP));
  store<u32>(S_STOP, 2);
}

export function h_stos(d: usize): void {
  const osz = dOsz(d), a = asz(d), am = amask(a), st = step(osz);
  const rep = dRep(d) != 0;
  let n: u64 = rep ? getReg(RCX, a) : 1;
  let di = getReg(RDI, a);
  const v = getReg(RAX, osz);
  let done: u64 = 0;
  while (n > 0 && done < CHUNK) {
    if (rep && osz == 0 && (load<u64>(S_RFLAGS) & DF) == 0 && a == 3) {
      // bulk fill within a page
      const room = (<u64>0x1000 - (di & 0xfff));
      const cnt = room < n ? room : n;
      wrN(di, 0, v);
      if (stopped()) break;
      memory.fill(hostW(di, <u32>cnt), <u8>v, <usize>cnt);
      n -= cnt; done += cnt; di += cnt;
      continue;
    }
    wrN(di, osz, v);
    if (stopped()) break;
    di = (di + st) & am;
    n--; done++;
  }
  if (done == 0) return;
  setReg(RDI, a, di);
  if (rep) {
    setReg(RCX, a, n);
    if (n > 0 && !stopped()) repeatLater();
  }
}

export function h_lods(d: usize): void {
  const osz = dOsz(d), a = asz(d), am = amask(a), st = step(osz), seg = segBase(d);
  const rep = dRep(d) != 0;
  let n: u64 = rep ? getReg(RCX, a) : 1;
  let si = getReg(RSI, a);
  const n0 = n;
  while (n > 0) {
    const v = rdN((seg + si) & am, osz);
    if (stopped()) break;
    setReg(RAX, osz, v);
    si = (si + st) & am;
    n--;
  }
  if (n == n0) return;
  setReg(RSI, a, si);
  if (rep) setReg(RCX, a, n);
}

export function h_cmps(d: usize): void {
  const osz = dOsz(d), a = asz(d), am = amask(a), st = step(osz), seg = segBase(d);
  const rep = dRep(d);
  let n: u64 = rep ? getReg(RCX, a) : 1;
  let si = getReg(RSI, a), di = getReg(RDI, a);
  let done: u64 = 0;
  while (n > 0 && done < CHUNK) {
    const x = rdN((seg + si) & am, osz);
    if (stopped()) break;
    const y = rdN(di, osz);
    if (stopped()) break;
    setLazy(LF_SUB, osz, (x - y) & sizeMask(osz), x, y);
    si = (si + st) & am; di = (di + st) & am;
    n--; done++;
    if (rep == REP_F3 && x != y) break;
    if (rep == REP_F2 && x == y) break;
  }
  if (done == 0) return;
  setReg(RSI, a, si); setReg(RDI, a, di);
  if (rep) {
    setReg(RCX, a, n);
    if (n > 0 && done >= CHUNK && !stopped()) repeatLater();
  }
}

export function h_scas(d: usize): void {
  const osz = dOsz(d), a = asz(d), am = amask(a), st = step(osz);
  const rep = dRep(d);
  let n: u64 = rep ? getReg(RCX, a) : 1;
  let di = getReg(RDI, a);
  const x = getReg(RAX, osz);
  let done: u64 = 0;
  while (n > 0 && done < CHUNK) {
    const y = rdN(di, osz);
    if (stopped()) break;
    setLazy(LF_SUB, osz, (x - y) & sizeMask(osz), x, y);
    di = (di + st) & am;
    n--; done++;
    if (rep == REP_F3 && x != y) break;
    if (rep == REP_F2 && x == y) break;
  }
  if (done == 0) return;
  setReg(RDI, a, di);
  if (rep) {
    setReg(RCX, a, n);
    if (n > 0 && done >= CHUNK && !stopped()) repeatLater();
  }
}
