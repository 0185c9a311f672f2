// BMI1, BMI2 (VEX-encoded general-purpose instructions) and ADX.
// Operand size: 32 bits, or 64 with VEX.W / REX.W (dOsz 2 or 3).
import {
  dReg, dRm, dOsz, dImm, stopped, getReg, setReg, sizeMask, getCF, getOF, setSomeFlags, setResultFlags, CF, OF,
} from '../cpu';
import { readE } from '../operand';
import { dVvvv } from './simd';

const SZCO: u64 = 0x8d5; // all arithmetic flags

// ANDN Gy, By, Ey
export function h_andn(d: usize): void {
  const osz = dOsz(d);
  const b = readE(d, osz);
  if (stopped()) return;
  const r = ~getReg(dVvvv(d), osz) & b & sizeMask(osz);
  setReg(dReg(d), osz, r);
  setResultFlags(osz, r, false, false);
}
// BLSR (k = 1), BLSMSK (2), BLSI (3) By, Ey
export function h_bls(d: usize, k: u32): void {
  const osz = dOsz(d);
  const s = readE(d, osz);
  if (stopped()) return;
  const m = sizeMask(osz);
  let r: u64;
  let cf: bool;
  if (k == 1) { r = (s - 1) & s & m; cf = s == 0; }
  else if (k == 2) { r = ((s - 1) ^ s) & m; cf = s == 0; }
  else { r = (0 - s) & s & m; cf = s != 0; }
  setReg(dVvvv(d), osz, r);
  setResultFlags(osz, r, cf, false);
}
// BZHI Gy, Ey, By
export function h_bzhi(d: usize): void {
  const osz = dOsz(d);
  const s = readE(d, osz);
  if (stopped()) return;
  const bits: u64 = osz == 3 ? 64 : 32;
  const n = getReg(dVvvv(d), osz) & 0xff;
  const r = n >= bits ? s : s & ((<u64>1 << n) - 1);
  setReg(dReg(d), osz, r);
  setResultFlags(osz, r, n > bits - 1, false);
}
// BEXTR Gy, Ey, By
export function h_bextr(d: usize): void {
  const osz = dOsz(d);
  const s = readE(d, osz);
  if (stopped()) return;
  const bits: u64 = osz == 3 ? 64 : 32;
  const c = getReg(dVvvv(d), osz);
  const start = c & 0xff, len = (c >> 8) & 0xff;
  let r: u64 = start >= bits ? 0 : s >> start;
  if (len < 64) r &= (<u64>1 << len) - 1;
  setReg(dReg(d), osz, r);
  setResultFlags(osz, r, false, false);
}
// PDEP (k = 0) / PEXT (1) Gy, By, Ey
export function h_pdep(d: usize, k: u32): void {
  const osz = dOsz(d);
  let m = readE(d, osz);
  if (stopped()) return;
  const s = getReg(dVvvv(d), osz);
  let r: u64 = 0;
  if (k == 0) {
    for (let bb: u64 = 1; m != 0; bb <<= 1) {
      const low = m & (0 - m);
      if (s & bb) r |= low;
      m ^= low;
    }
  } else {
    for (let bb: u64 = 1; m != 0; bb <<= 1) {
      const low = m & (0 - m);
      if (s & low) r |= bb;
      m ^= low;
    }
  }
  setReg(dReg(d), osz, r);
}
// MULX Gy (high), By (low), Ey: rDX * Ey, no flags
export function h_mulx(d: usize): void {
  const osz = dOsz(d);
  const s = readE(d, osz);
  if (stopped()) return;
  const a = getReg(2, osz);
  let lo: u64, hi: u64;
  if (osz == 3) {
    const a0 = a & 0xffffffff, a1 = a >> 32, b0 = s & 0xffffffff, b1 = s >> 32;
    const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
    lo = (p00 & 0xffffffff) | (mid << 32);
    hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  } else {
    const p = a * s;
    lo = p & 0xffffffff; hi = p >> 32;
  }
  setReg(dVvvv(d), osz, lo);
  setReg(dReg(d), osz, hi);
}
// RORX Gy, Ey, Ib
export function h_rorx(d: usize): void {
  const osz = dOsz(d);
  const s = readE(d, osz);
  if (stopped()) return;
  let r: u64;
  if (osz == 3) r = rotr<u64>(s, dImm(d) & 63);
  else r = <u64>rotr<u32>(<u32>s, <u32>dImm(d) & 31);
  setReg(dReg(d), osz, r);
}
// SHLX (k = 0), SHRX (1), SARX (2) Gy, Ey, By
export function h_shx(d: usize, k: u32): void {
  const osz = dOsz(d);
  const s = readE(d, osz);
  if (stopped()) return;
  const n = getReg(dVvvv(d), osz) & (osz == 3 ? 63 : 31);
  let r: u64;
  if (k == 0) r = s << n;
  else if (k == 1) r = s >> n;
  else r = osz == 3 ? <u64>(<i64>s >> <i64>n) : <u64><u32>(<i32><u32>s >> <i32>n);
  setReg(dReg(d), osz, r & sizeMask(osz));
}
// ADCX (k = 0: carry in CF) / ADOX (1: carry in OF) Gy, Ey; only that flag is written.
export function h_adx(d: usize, k: u32): void {
  const osz = dOsz(d);
  const s = readE(d, osz);
  if (stopped()) return;
  const a = getReg(dReg(d), osz);
  const c: u64 = (k == 0 ? getCF() : getOF()) ? 1 : 0;
  let r: u64, co: bool;
  if (osz == 3) {
    const t = a + s;
    r = t + c;
    co = t < a || r < t;
  } else {
    const t = (a & 0xffffffff) + (s & 0xffffffff) + c;
    r = t & 0xffffffff;
    co = (t >> 32) != 0;
  }
  setReg(dReg(d), osz, r);
  if (k == 0) setSomeFlags(CF, co ? CF : 0);
  else setSomeFlags(OF, co ? OF : 0);
}
