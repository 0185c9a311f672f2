// MUL, IMUL (all forms), DIV, IDIV. Division faults (#DE) leave the core.
import { dOsz, dReg, dImm, getReg, setReg, sizeMask, sext, stopped, setResultFlags, exitWith, RAX, RDX, imulhi } from '../cpu';
export { imulhi } from '../cpu';
import { readE } from '../operand';
import { EXIT_DE } from '../generated/layout';

// High 64 bits of the unsigned 128-bit product.
export function mulhi(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}
export function h_mul(d: usize): void {
  const osz = dOsz(d);
  const b = readE(d, osz);
  if (stopped()) return;
  const a = getReg(RAX, osz);
  if (osz == 3) {
    const lo = a * b, hi = mulhi(a, b);
    setReg(RAX, 3, lo); setReg(RDX, 3, hi);
    setResultFlags(3, lo, hi != 0, hi != 0);
  } else {
    const p = a * b;
    const bits = <u64>8 << osz;
    const hi = p >> bits;
    if (osz == 0) setReg(RAX, 1, p);
    else { setReg(RAX, osz, p); setReg(RDX, osz, hi); }
    setResultFlags(osz, p, hi != 0, hi != 0);
  }
}
export function h_imul1(d: usize): void {
  const osz = dOsz(d);
  const b = readE(d, osz);
  if (stopped()) return;
  const a = getReg(RAX, osz);
  if (osz == 3) {
    const lo = a * b, hi = imulhi(a, b);
    setReg(RAX, 3, lo); setReg(RDX, 3, hi);
    const ovf = hi != (<u64>((<i64>lo) >> 63));
    setResultFlags(3, lo, ovf, ovf);
  } else {
    const p = <u64>(<i64>sext(a, osz) * <i64>sext(b, osz));
    const bits = <u64>8 << osz;
    const ovf = sext(p & sizeMask(osz), osz) != p;
    if (osz == 0) setReg(RAX, 1, p);
    else { setReg(RAX, osz, p); setReg(RDX, osz, p >> bits); }
    setResultFlags(osz, p, ovf, ovf);
  }
}
function imul2(d: usize, a: u64, b: u64): void {
  const osz = dOsz(d);
  let r: u64;
  let ovf: bool;
  if (osz == 3) {
    r = a * b;
    ovf = imulhi(a, b) != (<u64>((<i64>r) >> 63));
  } else {
    const p = <u64>(<i64>sext(a, osz) * <i64>sext(b, osz));
    r = p & sizeMask(osz);
    ovf = sext(r, osz) != p;
  }
  setReg(dReg(d), osz, r);
  setResultFlags(osz, r, ovf, ovf);
}
export function h_imul_GE(d: usize): void {
  const osz = dOsz(d);
  const b = readE(d, osz);
  if (stopped()) return;
  imul2(d, getReg(dReg(d), osz), b);
}
export function h_imul_GEI(d: usize): void {
  const osz = dOsz(d);
  const a = readE(d, osz);
  if (stopped()) return;
  imul2(d, a, dImm(d) & sizeMask(osz));
}

// Unsigned 128/64 division; quotient in divQ, remainder in divR. Caller ensures hi < b.
let divQ: u64 = 0, divR: u64 = 0;
function udiv128(hi: u64, lo: u64, b: u64): void {
  if (hi == 0) { divQ = lo / b; divR = lo % b; return; }
  let q: u64 = 0;
  let r = hi;
  for (let i = 63; i >= 0; i--) {
    const top = r >> 63;
    r = (r << 1) | ((lo >> <u64>i) & 1);
    q <<= 1;
    if (top || r >= b) { r -= b; q |= 1; }
  }
  divQ = q; divR = r;
}

export function h_div(d: usize): void {
  const osz = dOsz(d);
  const b = readE(d, osz);
  if (stopped()) return;
  if (b == 0) { exitWith(EXIT_DE, false); return; }
  if (osz == 3) {
    const hi = getReg(RDX, 3), lo = getReg(RAX, 3);
    if (hi >= b) { exitWith(EXIT_DE, false); return; }
    udiv128(hi, lo, b);
    setReg(RAX, 3, divQ); setReg(RDX, 3, divR);
    return;
  }
  const bits = <u64>8 << osz;
  const n: u64 = osz == 0 ? getReg(RAX, 1) : (getReg(RDX, osz) << bits) | getReg(RAX, osz);
  const q = n / b, r = n % b;
  if (q > sizeMask(osz)) { exitWith(EXIT_DE, false); return; }
  if (osz == 0) setReg(RAX, 1, (r << 8) | q);
  else { setReg(RAX, osz, q); setReg(RDX, osz, r); }
}
export function h_idiv(d: usize): void {
  const osz = dOsz(d);
  const b = readE(d, osz);
  if (stopped()) return;
  if (b == 0) { exitWith(EXIT_DE, false); return; }
  if (osz == 3) {
    let hi = getReg(RDX, 3), lo = getReg(RAX, 3);
    const nneg = <i64>hi < 0;
    if (nneg) { lo = ~lo + 1; hi = ~hi + (lo == 0 ? 1 : 0); }
    const dneg = <i64>b < 0;
    const bm = dneg ? 0 - b : b;
    if (hi >= bm) { exitWith(EXIT_DE, false); return; }
    udiv128(hi, lo, bm);
    let q = divQ, r = divR;
    const qneg = nneg != dneg;
    if (qneg ? q > 0x8000000000000000 : q > 0x7fffffffffffffff) { exitWith(EXIT_DE, false); return; }
    if (qneg) q = 0 - q;
    if (nneg) r = 0 - r;
    setReg(RAX, 3, q); setReg(RDX, 3, r);
    return;
  }
  const bits = <u64>8 << osz;
  const n: i64 = osz == 0 ? <i64>sext(getReg(RAX, 1), 1) : <i64>sext((getReg(RDX, osz) << bits) | getReg(RAX, osz), osz + 1);
  const dv = <i64>sext(b, osz);
  if (osz == 2 && n == i64.MIN_VALUE && dv == -1) { exitWith(EXIT_DE, false); return; }
  const q = n / dv, r = n % dv;
  const lim: i64 = <i64>1 << (bits - 1);
  if (q >= lim || q < -lim) { exitWith(EXIT_DE, false); return; }
  if (osz == 0) setReg(RAX, 1, ((<u64>r & 0xff) << 8) | (<u64>q & 0xff));
  else { setReg(RAX, osz, <u64>q); setReg(RDX, osz, <u64>r); }
}
