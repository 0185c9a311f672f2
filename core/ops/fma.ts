// FMA3: fused multiply-add with one rounding (MXCSR.RC, DAZ, FTZ), computed exactly in
// 128-bit integer arithmetic. NaN operands propagate in the order a, b, c of a*b+c
// (quieted); inf*0 is invalid (the default NaN; with a QNaN addend: that NaN, no IE).
import { dReg, dImm, stopped } from '../cpu';
import { S_MXCSR } from '../generated/layout';
import { xmm, mxRaise, MX_IE, MX_DE, MX_PE, MX_OE, MX_UE } from './sse';
import { isVex, vexL, vexW, dVvvv, loadW, VA, VB, VR } from './simd';

let rHi: u64 = 0, rLo: u64 = 0;
function shr128(hi: u64, lo: u64, n: i32): void {
  if (n <= 0) { rHi = hi; rLo = lo; return; }
  if (n >= 128) { rHi = 0; rLo = (hi | lo) != 0 ? 1 : 0; return; }
  let sticky: u64;
  if (n >= 64) {
    const m = <u64>(n - 64);
    sticky = lo | (m ? hi << (64 - m) : 0);
    rLo = m ? hi >> m : hi;
    rHi = 0;
  } else {
    const m = <u64>n;
    sticky = lo << (64 - m);
    rLo = (lo >> m) | (hi << (64 - m));
    rHi = hi >> m;
  }
  if (sticky) rLo |= 1;
}
function shl128(hi: u64, lo: u64, n: i32): void {
  if (n <= 0) { rHi = hi; rLo = lo; return; }
  if (n >= 64) { rHi = lo << <u64>(n - 64); rLo = 0; return; }
  const m = <u64>n;
  rHi = (hi << m) | (lo >> (64 - m));
  rLo = lo << m;
}
// @ts-ignore: decorator
@inline function msb128(hi: u64, lo: u64): i32 { return hi ? 127 - <i32>clz<u64>(hi) : 63 - <i32>clz<u64>(lo); }
// bit i of (hi, lo); i may be out of range
function bitAt(hi: u64, lo: u64, i: i32): bool {
  if (i < 0 || i > 127) return false;
  return i >= 64 ? ((hi >> <u64>(i - 64)) & 1) != 0 : ((lo >> <u64>i) & 1) != 0;
}
// any bit below i
function anyBelow(hi: u64, lo: u64, i: i32): bool {
  if (i <= 0) return false;
  if (i >= 128) return (hi | lo) != 0;
  if (i >= 64) return lo != 0 || (i > 64 && (hi << <u64>(128 - i)) != 0);
  return (lo << <u64>(64 - i)) != 0;
}
// (hi, lo) >> s as u64 (s >= 0; result fits)
function bitsFrom(hi: u64, lo: u64, s: i32): u64 {
  if (s >= 128) return 0;
  if (s >= 64) return hi >> <u64>(s - 64);
  if (s == 0) return lo;
  return (lo >> <u64>s) | (hi << <u64>(64 - s));
}

// Round sign * (hi, lo) * 2^E to the format (prec significand bits, exponent range,
// bias) and encode it.
function roundPack(neg: bool, hi: u64, lo: u64, E: i32, prec: i32, emin: i32, emax: i32, rc: u32, ftz: bool): u64 {
  const ebits: u64 = prec == 53 ? 11 : 8;
  const bias = emax;
  const k = msb128(hi, lo);
  const exp = E + k;
  let keep = prec;
  if (exp < emin) keep = prec - (emin - exp);
  const s = k + 1 - keep;
  let q: u64;
  let rb = false, st = false;
  if (s <= 0) { q = bitsFrom(hi, lo, 0) << <u64>(-s); }
  else { q = keep > 0 ? bitsFrom(hi, lo, s) : 0; rb = bitAt(hi, lo, s - 1); st = anyBelow(hi, lo, s - 1); }
  const inexact = rb || st;
  let inc = false;
  if (rc == 0) inc = rb && (st || (q & 1) != 0);
  else if (rc == 1) inc = neg && inexact;
  else if (rc == 2) inc = !neg && inexact;
  if (inc) q++;
  let qe = E + s; // exponent of q's LSB
  const signBit: u64 = neg ? <u64>1 << (ebits + <u64>prec - 1) : 0;
  // tininess after rounding (unbounded exponent)
  let tiny = exp < emin;
  if (tiny && exp == emin - 1 && inexact) {
    const s2 = k + 1 - prec;
    let q2 = bitsFrom(hi, lo, s2);
    const rb2 = bitAt(hi, lo, s2 - 1), st2 = anyBelow(hi, lo, s2 - 1);
    let inc2 = false;
    if (rc == 0) inc2 = rb2 && (st2 || (q2 & 1) != 0);
    else if (rc == 1) inc2 = neg && (rb2 || st2);
    else if (rc == 2) inc2 = !neg && (rb2 || st2);
    if (inc2) q2++;
    if (q2 >> <u64>prec) tiny = false;
  }
  if (inexact) mxRaise(MX_PE);
  if (tiny && inexact) mxRaise(MX_UE);
  if (q == 0) return signBit;
  let t = 63 - <i32>clz<u64>(q);
  if (t == prec) { q >>= 1; qe++; t--; }
  const ue = qe + t;
  if (ue < emin) {
    if (ftz) { mxRaise(MX_UE | MX_PE); return signBit; }
    return signBit | q; // denormal: the LSB is at emin - prec + 1
  }
  if (ue > emax) {
    mxRaise(MX_OE | MX_PE);
    const inf: u64 = ((<u64>1 << ebits) - 1) << <u64>(prec - 1);
    if (rc == 3 || (rc == 1 && !neg) || (rc == 2 && neg)) return signBit | (inf - 1);
    return signBit | inf;
  }
  if (ftz && tiny) { mxRaise(MX_UE | MX_PE); return signBit; }
  const frac = (q << <u64>(prec - 1 - t)) & ((<u64>1 << <u64>(prec - 1)) - 1);
  return signBit | (<u64>(ue + bias) << <u64>(prec - 1)) | frac;
}

// a*b + c on raw bits; negP negates the product, negC the addend. dbl: binary64.
export function fmaBits(a: u64, b: u64, c: u64, negP: bool, negC: bool, dbl: bool): u64 {
  const prec: i32 = dbl ? 53 : 24;
  const ebits: u64 = dbl ? 11 : 8;
  const emax: i32 = dbl ? 1023 : 127, emin: i32 = 1 - emax;
  const fmask: u64 = (<u64>1 << <u64>(prec - 1)) - 1;
  const emaskv: u64 = (<u64>1 << ebits) - 1;
  const sh: u64 = ebits + <u64>prec - 1; // sign bit position
  const qbit: u64 = <u64>1 << <u64>(prec - 2);
  const mx = load<u32>(S_MXCSR);
  const rc = (mx >> 13) & 3;
  if (!dbl && rc == 0 && ((a >> 23) & 0xFF) - 1 < 0xFE && ((b >> 23) & 0xFF) - 1 < 0xFE && ((c >> 23) & 0xFF) - 1 < 0xFE) {
    // Single precision, normal operands, to nearest: the product is exact in f64 (24 x 24
    // bits); the sum is taken in f64 rounded to odd (RN plus its TwoSum error), which then
    // rounds to f32 correctly (53 >= 24 + 2 bits). A normal result raises only PE.
    let p = <f64>reinterpret<f32>(<u32>a) * <f64>reinterpret<f32>(<u32>b);
    if (negP) p = -p;
    let cc = <f64>reinterpret<f32>(<u32>c);
    if (negC) cc = -cc;
    const sum = p + cc;
    const bp = sum - p, ap = sum - bp;
    const err = (p - ap) + (cc - bp);
    let odd = sum;
    const sb = reinterpret<u64>(sum);
    if (err != 0 && (sb & 1) == 0) odd = reinterpret<f64>((err > 0) == (sum > 0) ? sb + 1 : sb - 1);
    const r = <f32>odd;
    const ar = abs<f32>(r);
    if (abs<f64>(odd) >= 1.1754943508222875e-38 && ar <= reinterpret<f32>(<u32>0x7F7FFFFF)) {
      if (err != 0 || <f64>r != odd) mxRaise(MX_PE);
      return <u64>reinterpret<u32>(r);
    }
  }
  const daz = (mx & 0x40) != 0, ftz = (mx & 0x8000) != 0;
  const ea_ = (a >> <u64>(prec - 1)) & emaskv, eb_ = (b >> <u64>(prec - 1)) & emaskv, ec_ = (c >> <u64>(prec - 1)) & emaskv;
  const an = ea_ == emaskv && (a & fmask) != 0, bn = eb_ == emaskv && (b & fmask) != 0, cn = ec_ == emaskv && (c & fmask) != 0;
  const defNaN: u64 = (<u64>1 << sh) | (emaskv << <u64>(prec - 1)) | qbit;
  if (an || bn || cn) {
    if ((an && !(a & qbit)) || (bn && !(b & qbit)) || (cn && !(c & qbit))) mxRaise(MX_IE);
    // (inf * 0 + QNaN gives the QNaN without IE, as measured)
    return an ? a | qbit : bn ? b | qbit : c | qbit;
  }
  // DE for a denormal operand (without DAZ), unless the operation is invalid (inf * 0, inf - inf: measured)
  const sgn: u64 = <u64>1 << sh;
  const invalid = (ea_ == emaskv || eb_ == emaskv) && ((a & ~sgn) == 0 || (b & ~sgn) == 0 ||
    (ec_ == emaskv && ((((a ^ b) >> sh) & 1) != 0 ? !negP : negP) != ((((c >> sh) & 1) != 0) ? !negC : negC)));
  if (!daz && !invalid && ((ea_ == 0 && (a & fmask) != 0) || (eb_ == 0 && (b & fmask) != 0) || (ec_ == 0 && (c & fmask) != 0))) mxRaise(MX_DE);
  if (daz) {
    if (ea_ == 0) a &= <u64>1 << sh;
    if (eb_ == 0) b &= <u64>1 << sh;
    if (ec_ == 0) c &= <u64>1 << sh;
  }
  const sp = (((a ^ b) >> sh) & 1) != 0 ? !negP : negP;
  const scn = ((c >> sh) & 1) != 0 ? !negC : negC;
  const ai = ea_ == emaskv, bi = eb_ == emaskv, ci = ec_ == emaskv;
  const az = (a & ~(<u64>1 << sh)) == 0, bz = (b & ~(<u64>1 << sh)) == 0, cz = (c & ~(<u64>1 << sh)) == 0;
  if (ai || bi) {
    if (az || bz) { mxRaise(MX_IE); return defNaN; }
    if (ci && sp != scn) { mxRaise(MX_IE); return defNaN; }
    return (sp ? <u64>1 << sh : 0) | (emaskv << <u64>(prec - 1));
  }
  if (ci) return (scn ? <u64>1 << sh : 0) | (emaskv << <u64>(prec - 1));
  if (az || bz) {
    if (cz) {
      // exact zero: +0 unless both negative, or round down
      const neg = sp && scn ? true : (sp != scn ? rc == 1 : false);
      return neg ? <u64>1 << sh : 0;
    }
    // the result is c itself; a denormal one is flushed under FTZ
    if (ftz && ec_ == 0) { mxRaise(MX_UE | MX_PE); return scn ? <u64>1 << sh : 0; }
    return (scn ? <u64>1 << sh : 0) | (c & ~(<u64>1 << sh));
  }
  // significands (value = m * 2^e)
  let ma = a & fmask, mb = b & fmask, mc = c & fmask;
  let ea: i32 = <i32>ea_, eb: i32 = <i32>eb_, ec: i32 = <i32>ec_;
  if (ea) ma |= fmask + 1; else ea = 1;
  if (eb) mb |= fmask + 1; else eb = 1;
  if (ec) mc |= fmask + 1; else ec = 1;
  ea -= emax + prec - 1; eb -= emax + prec - 1; ec -= emax + prec - 1;
  // product, 128 bits
  const a0 = ma & 0xffffffff, a1 = ma >> 32, b0 = mb & 0xffffffff, b1 = mb >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  let pLo = (p00 & 0xffffffff) | (mid << 32);
  let pHi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  let pE = ea + eb;
  if (cz) return roundPack(sp, pHi, pLo, pE, prec, emin, emax, rc, ftz);
  // put both MSBs at bit 125
  let k = msb128(pHi, pLo);
  shl128(pHi, pLo, 125 - k); pHi = rHi; pLo = rLo; pE -= 125 - k;
  k = 63 - <i32>clz<u64>(mc);
  shl128(0, mc, 125 - k);
  let cHi = rHi, cLo = rLo;
  let cE = ec - (125 - k);
  let E: i32;
  if (pE >= cE) { shr128(cHi, cLo, pE - cE); cHi = rHi; cLo = rLo; E = pE; }
  else { shr128(pHi, pLo, cE - pE); pHi = rHi; pLo = rLo; E = cE; }
  let hi: u64, lo: u64, neg: bool;
  if (sp == scn) {
    lo = pLo + cLo;
    hi = pHi + cHi + (lo < pLo ? 1 : 0);
    neg = sp;
  } else {
    const pBig = pHi > cHi || (pHi == cHi && pLo >= cLo);
    if (pBig) { lo = pLo - cLo; hi = pHi - cHi - (pLo < cLo ? 1 : 0); neg = sp; }
    else { lo = cLo - pLo; hi = cHi - pHi - (cLo < pLo ? 1 : 0); neg = scn; }
    if (hi == 0 && lo == 0) return rc == 1 ? <u64>1 << sh : 0;
  }
  return roundPack(neg, hi, lo, E, prec, emin, emax, rc, ftz);
}

// FMA3 forms. k = form * 16 + op: form 0 = 132 (a = dest, b = W, c = vvvv), 1 = 213
// (a = vvvv, b = dest, c = W), 2 = 231 (a = vvvv, b = W, c = dest); op 0 madd, 1 msub,
// 2 nmadd, 3 nmsub, 4 maddsub (even lanes subtract), 5 msubadd; op | 8: scalar.
// VEX.W selects double precision.
export function h_fma(d: usize, k: u32): void {
  const dbl = vexW(d) != 0;
  const scalar = (k & 8) != 0;
  const L = scalar ? 0 : vexL(d);
  const bytes: u32 = scalar ? (dbl ? 8 : 4) : 16 << L;
  if (!loadW(d, VB, bytes, false)) return;
  const x1 = xmm(dReg(d)), x2 = xmm(dVvvv(d));
  memory.copy(VA, x2, 32);
  memory.copy(VR, x1, 32);
  const form = k >> 4, op = k & 7;
  const pa = form == 0 ? VR : VA, pb = form == 1 ? VR : VB, pc = form == 0 ? VA : form == 1 ? VB : VR;
  const esz: u32 = dbl ? 8 : 4;
  const n: u32 = scalar ? 1 : bytes / esz;
  const out = VR + 32; // VR has 64 bytes
  memory.copy(out, x1, 16);
  for (let i: u32 = 0; i < n; i++) {
    const off = i * esz;
    let negP = op == 2 || op == 3;
    let negC = op == 1 || op == 3;
    if (op == 4) negC = (i & 1) == 0;
    else if (op == 5) negC = (i & 1) != 0;
    if (dbl) store<u64>(out + off, fmaBits(load<u64>(pa + off), load<u64>(pb + off), load<u64>(pc + off), negP, negC, true));
    else store<u32>(out + off, <u32>fmaBits(<u64>load<u32>(pa + off), <u64>load<u32>(pb + off), <u64>load<u32>(pc + off), negP, negC, false));
  }
  if (scalar || L == 0) memory.fill(out + 16, 0, 16);
  memory.copy(x1, out, 32);
}
