// Software x87 80-bit extended precision arithmetic, bit-exact with the FPU
// (Intel SDM vol. 1 ch. 4 and 8). All exceptions are treated as masked: the
// caller decides whether an unmasked flag should fault.
//
// A value is `se` (bit 15 sign, bits 14..0 biased exponent) and `m` (64-bit
// significand with explicit integer bit 63). Results come back in the
// globals below; exception flags are OR'd into f80_status, so the caller
// clears it first.

export let f80_rm: u64 = 0;
export let f80_rse: u32 = 0;
// Second result of FXTRACT (the significand; f80_rse/f80_rm hold the exponent).
export let f80_rm2: u64 = 0;
export let f80_rse2: u32 = 0;
export let f80_status: u32 = 0;

// Status word bits.
export const F80_IE: u32 = 0x0001;
export const F80_DE: u32 = 0x0002;
export const F80_ZE: u32 = 0x0004;
export const F80_OE: u32 = 0x0008;
export const F80_UE: u32 = 0x0010;
export const F80_PE: u32 = 0x0020;
export const F80_C0: u32 = 0x0100;
export const F80_C1: u32 = 0x0200;
export const F80_C2: u32 = 0x0400;
export const F80_C3: u32 = 0x4000;

// f80_cmp results.
export const F80_LT: u32 = 0;
export const F80_EQ: u32 = 1;
export const F80_GT: u32 = 2;
export const F80_UNORDERED: u32 = 3;

const BIAS: i32 = 16383;
const EMIN: i32 = 1 - BIAS;
const EMAX: i32 = 0x7FFE - BIAS;
const INT_BIT: u64 = 0x8000000000000000;
const QUIET_BIT: u64 = 0x4000000000000000;
const INDEFINITE_SE: u32 = 0xFFFF;
const INDEFINITE_M: u64 = 0xC000000000000000;

// Operand classes.
const ZERO: u32 = 0;
const DENORMAL: u32 = 1; // includes pseudo-denormals (exp 0, bit 63 set)
const NORMAL: u32 = 2;
const INF: u32 = 3;
const QNAN: u32 = 4;
const SNAN: u32 = 5;
const UNSUPPORTED: u32 = 6; // unnormal, pseudo-infinity, pseudo-NaN

// Scratch registers for multi-word helpers.
let g_hi: u64 = 0;
let g_lo: u64 = 0;
let n_e: i32 = 0; // normalize(): unbiased exponent of bit 63
let n_m: u64 = 0;
let r_sig: u64 = 0; // roundCore(): rounded significand
let r_exp: i32 = 0; //   unbiased exponent (emin with bit 63 clear: denormal/zero)
let r_inf: bool = false; //   overflowed to infinity

function classify(se: u32, m: u64): u32 {
  const e = se & 0x7FFF;
  if (e == 0x7FFF) {
    if ((m >> 63) == 0) return UNSUPPORTED;
    if ((m << 1) == 0) return INF;
    return (m & QUIET_BIT) != 0 ? QNAN : SNAN;
  }
  if (e == 0) return m == 0 ? ZERO : DENORMAL;
  return (m >> 63) == 0 ? UNSUPPORTED : NORMAL;
}

@inline function isNaN(c: u32): bool {
  return c == QNAN || c == SNAN;
}

// Normalizes a normal or denormal operand (m != 0). Denormals and
// pseudo-denormals have an effective biased exponent of 1.
function normalize(se: u32, m: u64): void {
  let e = i32(se & 0x7FFF);
  if (e == 0) e = 1;
  const s = i32(clz(m));
  n_m = m << u64(s);
  n_e = e - BIAS - s;
}

function setResult(se: u32, m: u64): void {
  f80_rse = se;
  f80_rm = m;
}

function setIndefinite(): void {
  f80_status |= F80_IE;
  f80_rse = INDEFINITE_SE;
  f80_rm = INDEFINITE_M;
}

// One NaN operand: quiet it, IE if it was signaling.
function propagateNaN1(se: u32, m: u64, c: u32): void {
  if (c == SNAN) f80_status |= F80_IE;
  setResult(se, m | QUIET_BIT);
}

// SDM table 4-7 (x87 column): a QNaN beats an SNaN, otherwise the larger
// significand wins.
function propagateNaN2(ase: u32, am: u64, ca: u32, bse: u32, bm: u64, cb: u32): void {
  if (ca == SNAN || cb == SNAN) f80_status |= F80_IE;
  if (!isNaN(cb)) { setResult(ase, am | QUIET_BIT); return; }
  if (!isNaN(ca)) { setResult(bse, bm | QUIET_BIT); return; }
  let pickA: bool;
  if (ca != cb) pickA = ca == QNAN;
  else if (am != bm) pickA = am > bm;
  else pickA = (ase & 0x8000) == 0; // equal significands: the positive one
  if (pickA) setResult(ase, am | QUIET_BIT);
  else setResult(bse, bm | QUIET_BIT);
}

// (g_hi:g_lo) = (hi:lo) >> n, OR-ing every bit shifted out into bit 0.
function shiftRightJam128(hi: u64, lo: u64, n: i32): void {
  if (n <= 0) { g_hi = hi; g_lo = lo; return; }
  if (n < 64) {
    const s = u64(n);
    const out = lo << (64 - s);
    g_lo = (hi << (64 - s)) | (lo >> s) | u64(out != 0);
    g_hi = hi >> s;
    return;
  }
  if (n == 64) { g_lo = hi | u64(lo != 0); g_hi = 0; return; }
  if (n < 128) {
    const s = u64(n - 64);
    g_lo = (hi >> s) | u64(((hi << (64 - s)) | lo) != 0);
    g_hi = 0;
    return;
  }
  g_lo = u64((hi | lo) != 0);
  g_hi = 0;
}

// (g_hi:g_lo) = (hi:lo) << n, 0 <= n < 128.
function shiftLeft128(hi: u64, lo: u64, n: i32): void {
  if (n == 0) { g_hi = hi; g_lo = lo; return; }
  if (n < 64) {
    const s = u64(n);
    g_hi = (hi << s) | (lo >> (64 - s));
    g_lo = lo << s;
    return;
  }
  g_hi = lo << u64(n - 64);
  g_lo = 0;
}

// (g_hi:g_lo) = a * b.
function mul64(a: u64, b: u64): void {
  const a0 = a & 0xFFFFFFFF, a1 = a >> 32;
  const b0 = b & 0xFFFFFFFF, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xFFFFFFFF) + (p10 & 0xFFFFFFFF);
  g_lo = (mid << 32) | (p00 & 0xFFFFFFFF);
  g_hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

function precisionBits(pc: u32): i32 {
  if (pc == 0) return 24;
  if (pc == 2) return 53;
  return 64; // 3, and the reserved 1
}

// Whether rounding the dropped bits (hi's low `drop` bits, then lo) away
// increments the kept part.
function roundsUp(sign: u32, hi: u64, lo: u64, drop: i32, rc: u32): bool {
  let rb: bool, st: bool;
  if (drop == 0) {
    rb = (lo >> 63) != 0;
    st = (lo << 1) != 0;
  } else {
    const half = u64(1) << u64(drop - 1);
    rb = (hi & half) != 0;
    st = ((hi & (half - 1)) | lo) != 0;
  }
  if (!rb && !st) return false;
  if (rc == 0) return rb && (st || ((hi >> u64(drop)) & 1) != 0);
  if (rc == 1) return sign != 0;
  if (rc == 2) return sign == 0;
  return false;
}

// Rounds sign * (hi:lo / 2^63) * 2^E (hi normalized) to `prec` significand
// bits in the exponent range [emin, emax]. Tininess is detected after
// rounding, and underflow is only flagged when the result is also inexact,
// as the x87 does with UE masked.
function roundCore(sign: u32, E: i32, hi: u64, lo: u64, prec: i32, emin: i32, emax: i32, rc: u32): void {
  const drop = 64 - prec;
  r_inf = false;
  let tiny = false;
  if (E < emin) {
    tiny = true;
    if (E == emin - 1 && (hi | ((u64(1) << u64(drop)) - 1)) == u64(-1) && roundsUp(sign, hi, lo, drop, rc)) tiny = false;
    shiftRightJam128(hi, lo, emin - E);
    hi = g_hi;
    lo = g_lo;
    E = emin;
  }
  const mask: u64 = (u64(1) << u64(drop)) - 1;
  const inexact = ((hi & mask) | lo) != 0;
  const inc = roundsUp(sign, hi, lo, drop, rc);
  let sig = hi & ~mask;
  if (inc) {
    sig += mask + 1;
    if (sig == 0) { sig = INT_BIT; E++; }
  }
  if (E > emax) {
    f80_status |= F80_OE | F80_PE;
    if (rc == 0 || (rc == 1 && sign != 0) || (rc == 2 && sign == 0)) {
      r_inf = true;
      f80_status |= F80_C1;
      r_sig = INT_BIT;
      r_exp = emax + 1;
    } else {
      r_sig = ~mask;
      r_exp = emax;
    }
    return;
  }
  if (inexact) {
    f80_status |= F80_PE;
    if (inc) f80_status |= F80_C1;
    if (tiny) f80_status |= F80_UE;
  }
  r_sig = sig;
  r_exp = E;
}

// Rounds to extended format with precision control and packs the result.
function roundPack(sign: u32, E: i32, hi: u64, lo: u64, pc: u32, rc: u32): void {
  roundCore(sign, E, hi, lo, precisionBits(pc), EMIN, EMAX, rc);
  const s = sign << 15;
  if (r_inf) setResult(s | 0x7FFF, INT_BIT);
  else if ((r_sig >> 63) == 0) setResult(s, r_sig);
  else setResult(s | u32(r_exp + BIAS), r_sig);
}

@inline function packInf(sign: u32): void {
  setResult((sign << 15) | 0x7FFF, INT_BIT);
}

@inline function packZero(sign: u32): void {
  setResult(sign << 15, 0);
}

// ---------------------------------------------------------------- add, sub

export function f80_add(ase: u32, am: u64, bse: u32, bm: u64, pc: u32, rc: u32): void {
  addSub(ase, am, bse, bm, pc, rc, 0);
}

// a - b
export function f80_sub(ase: u32, am: u64, bse: u32, bm: u64, pc: u32, rc: u32): void {
  addSub(ase, am, bse, bm, pc, rc, 1);
}

function addSub(ase: u32, am: u64, bse: u32, bm: u64, pc: u32, rc: u32, negB: u32): void {
  const ca = classify(ase, am), cb = classify(bse, bm);
  if (ca == UNSUPPORTED || cb == UNSUPPORTED) { setIndefinite(); return; }
  if (isNaN(ca) || isNaN(cb)) { propagateNaN2(ase, am, ca, bse, bm, cb); return; }
  if (ca == DENORMAL || cb == DENORMAL) f80_status |= F80_DE;
  const sa = (ase >> 15) & 1;
  const sb = ((bse >> 15) & 1) ^ negB;
  if (ca == INF || cb == INF) {
    if (ca == INF && cb == INF && sa != sb) { setIndefinite(); return; }
    packInf(ca == INF ? sa : sb);
    return;
  }
  if (ca == ZERO && cb == ZERO) {
    packZero(sa == sb ? sa : u32(rc == 1));
    return;
  }
  if (ca == ZERO) { normalize(bse, bm); roundPack(sb, n_e, n_m, 0, pc, rc); return; }
  if (cb == ZERO) { normalize(ase, am); roundPack(sa, n_e, n_m, 0, pc, rc); return; }

  normalize(ase, am);
  let ea = n_e, ma = n_m, signA = sa;
  normalize(bse, bm);
  let eb = n_e, mb = n_m, signB = sb;
  if (eb > ea || (eb == ea && mb > ma)) {
    const te = ea; ea = eb; eb = te;
    const tm = ma; ma = mb; mb = tm;
    const ts = signA; signA = signB; signB = ts;
  }
  // Now |a| >= |b|.
  shiftRightJam128(mb, 0, ea - eb);
  const bh = g_hi, bl = g_lo;
  let E = ea;
  let hi: u64, lo: u64;
  if (signA == signB) {
    lo = bl;
    hi = ma + bh;
    if (hi < ma) { // carry out of bit 63
      shiftRightJam128(hi, lo, 1);
      hi = g_hi | INT_BIT;
      lo = g_lo;
      E++;
    }
  } else {
    lo = 0 - bl;
    hi = ma - bh - u64(bl != 0);
    if (hi == 0 && lo == 0) {
      packZero(u32(rc == 1));
      return;
    }
    const s = hi != 0 ? i32(clz(hi)) : 64 + i32(clz(lo));
    shiftLeft128(hi, lo, s);
    hi = g_hi;
    lo = g_lo;
    E -= s;
  }
  roundPack(signA, E, hi, lo, pc, rc);
}

// -------------------------------------------------------------------- mul

export function f80_mul(ase: u32, am: u64, bse: u32, bm: u64, pc: u32, rc: u32): void {
  const ca = classify(ase, am), cb = classify(bse, bm);
  if (ca == UNSUPPORTED || cb == UNSUPPORTED) { setIndefinite(); return; }
  if (isNaN(ca) || isNaN(cb)) { propagateNaN2(ase, am, ca, bse, bm, cb); return; }
  const sign = ((ase ^ bse) >> 15) & 1;
  if ((ca == INF && cb == ZERO) || (ca == ZERO && cb == INF)) { setIndefinite(); return; }
  if (ca == DENORMAL || cb == DENORMAL) f80_status |= F80_DE;
  if (ca == INF || cb == INF) { packInf(sign); return; }
  if (ca == ZERO || cb == ZERO) { packZero(sign); return; }
  normalize(ase, am);
  const ea = n_e, ma = n_m;
  normalize(bse, bm);
  let E = ea + n_e;
  mul64(ma, n_m);
  let hi = g_hi, lo = g_lo;
  if ((hi >> 63) != 0) {
    E++;
  } else {
    hi = (hi << 1) | (lo >> 63);
    lo <<= 1;
  }
  roundPack(sign, E, hi, lo, pc, rc);
}

// -------------------------------------------------------------------- div

// a / b
export function f80_div(ase: u32, am: u64, bse: u32, bm: u64, pc: u32, rc: u32): void {
  const ca = classify(ase, am), cb = classify(bse, bm);
  if (ca == UNSUPPORTED || cb == UNSUPPORTED) { setIndefinite(); return; }
  if (isNaN(ca) || isNaN(cb)) { propagateNaN2(ase, am, ca, bse, bm, cb); return; }
  const sign = ((ase ^ bse) >> 15) & 1;
  if ((ca == INF && cb == INF) || (ca == ZERO && cb == ZERO)) { setIndefinite(); return; }
  // Division by zero outranks the denormal operand exception.
  if (cb == ZERO && ca != INF) { f80_status |= F80_ZE; packInf(sign); return; }
  if (ca == DENORMAL || cb == DENORMAL) f80_status |= F80_DE;
  if (ca == INF) { packInf(sign); return; }
  if (ca == ZERO || cb == INF) { packZero(sign); return; }
  normalize(ase, am);
  const ea = n_e, ma = n_m;
  normalize(bse, bm);
  const mb = n_m;
  let E = ea - n_e;
  // Restoring division; (carry:r) is the partial remainder.
  let r = ma, carry: u64 = 0;
  if (r < mb) {
    E--;
    carry = r >> 63;
    r <<= 1;
  }
  let q: u64 = 0;
  for (let i = 63; i >= 0; i--) {
    if (carry != 0 || r >= mb) {
      r -= mb;
      q |= u64(1) << u64(i);
    }
    carry = r >> 63;
    r <<= 1;
  }
  let lo: u64 = 0;
  if (carry != 0 || r >= mb) {
    r -= mb;
    lo = INT_BIT;
  }
  if (r != 0) lo |= 1; // (carry:r) < mb here, so carry is 0
  roundPack(sign, E, q, lo, pc, rc);
}

// ------------------------------------------------------------------- sqrt

export function f80_sqrt(ase: u32, am: u64, pc: u32, rc: u32): void {
  const c = classify(ase, am);
  const sign = (ase >> 15) & 1;
  if (c == UNSUPPORTED) { setIndefinite(); return; }
  if (isNaN(c)) { propagateNaN1(ase, am, c); return; }
  if (c == ZERO) { setResult(ase, am); return; }
  if (sign != 0) { setIndefinite(); return; }
  if (c == INF) { setResult(ase, am); return; }
  if (c == DENORMAL) f80_status |= F80_DE;
  normalize(ase, am);
  const m = n_m, E = n_e;
  // R = floor(sqrt(N)), N = m * 2^s (130 bits), so that R/2^64 = sqrt(x)
  // with x = m/2^63 (E even) or m/2^62 (E odd), R in [2^64, 2^65).
  const s = (E & 1) != 0 ? 66 : 65;
  let remHi: u64 = 0, remLo: u64 = 0, rootHi: u64 = 0, rootLo: u64 = 0;
  for (let k = 0; k < 65; k++) {
    const j = 129 - 2 * k; // high bit of this pair
    let pair: u64 = 0;
    if (j >= s && j - s < 64) pair |= ((m >> u64(j - s)) & 1) << 1;
    if (j - 1 >= s && j - 1 - s < 64) pair |= (m >> u64(j - 1 - s)) & 1;
    remHi = (remHi << 2) | (remLo >> 62);
    remLo = (remLo << 2) | pair;
    // trial = root*4 + 1
    const tHi = (rootHi << 2) | (rootLo >> 62);
    const tLo = (rootLo << 2) | 1;
    rootHi = (rootHi << 1) | (rootLo >> 63);
    rootLo <<= 1;
    if (remHi > tHi || (remHi == tHi && remLo >= tLo)) {
      remHi = remHi - tHi - u64(remLo < tLo);
      remLo -= tLo;
      rootLo |= 1;
    }
  }
  // root = R, 65 bits: bit 64 in rootHi.
  const hi = (rootHi << 63) | (rootLo >> 1);
  let lo = (rootLo & 1) << 63;
  if ((remHi | remLo) != 0) lo |= 1;
  roundPack(0, E >> 1, hi, lo, pc, rc);
}

// -------------------------------------------------------------- compare

// FCOM (unordered = false: any NaN raises IE) or FUCOM (unordered = true:
// only SNaN raises IE). Returns F80_LT/EQ/GT/UNORDERED for a ? b.
export function f80_cmp(ase: u32, am: u64, bse: u32, bm: u64, unordered: bool): u32 {
  const ca = classify(ase, am), cb = classify(bse, bm);
  if (ca == UNSUPPORTED || cb == UNSUPPORTED) { f80_status |= F80_IE; return F80_UNORDERED; }
  if (isNaN(ca) || isNaN(cb)) {
    if (!unordered || ca == SNAN || cb == SNAN) f80_status |= F80_IE;
    return F80_UNORDERED;
  }
  if (ca == DENORMAL || cb == DENORMAL) f80_status |= F80_DE;
  const sa = ca == ZERO ? 0 : (ase >> 15) & 1;
  const sb = cb == ZERO ? 0 : (bse >> 15) & 1;
  if (ca == ZERO && cb == ZERO) return F80_EQ;
  if (sa != sb) return sa != 0 ? F80_LT : F80_GT;
  // Same sign: compare magnitudes.
  let ea: i32 = -0x10000, ma: u64 = 0, eb: i32 = -0x10000, mb: u64 = 0;
  if (ca == INF) ea = 0x10000;
  else if (ca != ZERO) { normalize(ase, am); ea = n_e; ma = n_m; }
  if (cb == INF) eb = 0x10000;
  else if (cb != ZERO) { normalize(bse, bm); eb = n_e; mb = n_m; }
  let mag: u32;
  if (ea == eb && ma == mb) return F80_EQ;
  if (ea > eb || (ea == eb && ma > mb)) mag = F80_GT;
  else mag = F80_LT;
  if (sa != 0) mag = 2 - mag;
  return mag;
}

// ------------------------------------------------------------ conversions

export function f80_from_f64(bits: u64): void {
  const sign = u32(bits >> 63) << 15;
  const e = i32((bits >> 52) & 0x7FF);
  const frac = bits & 0xFFFFFFFFFFFFF;
  if (e == 0x7FF) {
    if (frac == 0) { setResult(sign | 0x7FFF, INT_BIT); return; }
    if ((frac & 0x8000000000000) == 0) f80_status |= F80_IE;
    setResult(sign | 0x7FFF, INT_BIT | QUIET_BIT | (frac << 11));
    return;
  }
  if (e == 0) {
    if (frac == 0) { setResult(sign, 0); return; }
    f80_status |= F80_DE;
    const s = i32(clz(frac));
    setResult(sign | u32(-1011 - s + BIAS), frac << u64(s));
    return;
  }
  setResult(sign | u32(e - 1023 + BIAS), INT_BIT | (frac << 11));
}

export function f80_from_f32(bits: u32): void {
  const sign = (bits >> 31) << 15;
  const e = i32((bits >> 23) & 0xFF);
  const frac = u64(bits & 0x7FFFFF);
  if (e == 0xFF) {
    if (frac == 0) { setResult(sign | 0x7FFF, INT_BIT); return; }
    if ((frac & 0x400000) == 0) f80_status |= F80_IE;
    setResult(sign | 0x7FFF, INT_BIT | QUIET_BIT | (frac << 40));
    return;
  }
  if (e == 0) {
    if (frac == 0) { setResult(sign, 0); return; }
    f80_status |= F80_DE;
    const s = i32(clz(frac));
    setResult(sign | u32(-86 - s + BIAS), frac << u64(s));
    return;
  }
  setResult(sign | u32(e - 127 + BIAS), INT_BIT | (frac << 40));
}

// Shared by FST m32/m64: returns the binary interchange encoding with
// `fracBits` fraction bits and exponent bias `bias`.
function toBinary(se: u32, m: u64, rc: u32, fracBits: i32, bias: i32): u64 {
  const c = classify(se, m);
  const sign = u64((se >> 15) & 1);
  const expBits = u64(fracBits == 52 ? 11 : 8);
  const expAll: u64 = (u64(1) << expBits) - 1;
  const signBit = sign << (expBits + u64(fracBits));
  const infBits = signBit | (expAll << u64(fracBits));
  if (c == UNSUPPORTED) {
    f80_status |= F80_IE;
    return (u64(1) << (expBits + u64(fracBits))) | (expAll << u64(fracBits)) | (u64(1) << u64(fracBits - 1));
  }
  if (isNaN(c)) {
    if (c == SNAN) f80_status |= F80_IE;
    return infBits | (((m | QUIET_BIT) << 1) >> u64(64 - fracBits));
  }
  if (c == INF) return infBits;
  if (c == ZERO) return signBit;
  // FST does not raise DE for a denormal source.
  normalize(se, m);
  roundCore(u32(sign), n_e, n_m, 0, fracBits + 1, 1 - bias, bias, rc);
  if (r_inf) return infBits;
  const frac = (r_sig >> u64(63 - fracBits)) & ((u64(1) << u64(fracBits)) - 1);
  if ((r_sig >> 63) == 0) return signBit | frac;
  return signBit | (u64(r_exp + bias) << u64(fracBits)) | frac;
}

export function f80_to_f64(se: u32, m: u64, rc: u32): u64 {
  return toBinary(se, m, rc, 52, 1023);
}

export function f80_to_f32(se: u32, m: u64, rc: u32): u32 {
  return u32(toBinary(se, m, rc, 23, 127));
}

export function f80_from_i64(v: i64): void {
  if (v == 0) { setResult(0, 0); return; }
  const sign: u32 = v < 0 ? 0x8000 : 0;
  const mag: u64 = v < 0 ? u64(0) - u64(v) : u64(v);
  const s = i32(clz(mag));
  setResult(sign | u32(63 - s + BIAS), mag << u64(s));
}

let ri_inexact: bool = false;
let ri_inc: bool = false;

// Rounds |value| = m/2^63 * 2^E (m normalized, E < 63) to an integer.
function roundMagToInt(sign: u32, E: i32, m: u64, rc: u32): u64 {
  let ip: u64, rb: bool, st: bool, lsb: bool;
  if (E < -1) { ip = 0; rb = false; st = true; lsb = false; }
  else if (E == -1) { ip = 0; rb = true; st = (m << 1) != 0; lsb = false; }
  else {
    const drop = u64(63 - E);
    ip = drop == 0 ? m : m >> drop;
    if (drop == 0) { rb = false; st = false; }
    else {
      const half = u64(1) << (drop - 1);
      rb = (m & half) != 0;
      st = (m & (half - 1)) != 0;
    }
    lsb = (ip & 1) != 0;
  }
  ri_inexact = rb || st;
  let inc = false;
  if (ri_inexact) {
    if (rc == 0) inc = rb && (st || lsb);
    else if (rc == 1) inc = sign != 0;
    else if (rc == 2) inc = sign == 0;
  }
  ri_inc = inc;
  return inc ? ip + 1 : ip;
}

// FIST/FISTP (bits = 16, 32, 64); FISTTP is rc = 3. The result is
// sign-extended; out of range, NaN or infinity give the integer indefinite
// (the most negative value of the width) and IE.
export function f80_to_int(se: u32, m: u64, rc: u32, bits: u32): i64 {
  const c = classify(se, m);
  const indefinite: i64 = i64(-1) << i64(bits - 1);
  if (c == UNSUPPORTED || isNaN(c) || c == INF) { f80_status |= F80_IE; return indefinite; }
  if (c == ZERO) return 0;
  // FIST does not raise DE for a denormal source.
  const sign = (se >> 15) & 1;
  normalize(se, m);
  let mag: u64;
  if (n_e >= 63) {
    if (n_e > 63) { f80_status |= F80_IE; return indefinite; }
    mag = n_m;
    ri_inexact = false;
    ri_inc = false;
  } else {
    mag = roundMagToInt(sign, n_e, n_m, rc);
  }
  const limit: u64 = u64(1) << u64(bits - 1); // |most negative|
  if (mag > limit || (mag == limit && sign == 0)) { f80_status |= F80_IE; return indefinite; }
  if (ri_inexact) {
    f80_status |= F80_PE;
    if (ri_inc) f80_status |= F80_C1;
  }
  return sign != 0 ? i64(0 - mag) : i64(mag);
}

// FRNDINT
export function f80_round_int(se: u32, m: u64, rc: u32): void {
  const c = classify(se, m);
  if (c == UNSUPPORTED) { setIndefinite(); return; }
  if (isNaN(c)) { propagateNaN1(se, m, c); return; }
  if (c == ZERO || c == INF) { setResult(se, m); return; }
  if (c == DENORMAL) f80_status |= F80_DE;
  const sign = (se >> 15) & 1;
  normalize(se, m);
  if (n_e >= 63) { setResult(se, m); return; }
  const mag = roundMagToInt(sign, n_e, n_m, rc);
  if (ri_inexact) {
    f80_status |= F80_PE;
    if (ri_inc) f80_status |= F80_C1;
  }
  if (mag == 0) { packZero(sign); return; }
  const s = i32(clz(mag));
  setResult((sign << 15) | u32(63 - s + BIAS), mag << u64(s));
}

// ------------------------------------------------------- fscale, fxtract

// FSCALE: a * 2^trunc(b), rounded to 64 bits (precision control does not
// apply).
export function f80_scale(ase: u32, am: u64, bse: u32, bm: u64, rc: u32): void {
  const ca = classify(ase, am), cb = classify(bse, bm);
  if (ca == UNSUPPORTED || cb == UNSUPPORTED) { setIndefinite(); return; }
  if (isNaN(ca) || isNaN(cb)) { propagateNaN2(ase, am, ca, bse, bm, cb); return; }
  const sa = (ase >> 15) & 1, sb = (bse >> 15) & 1;
  if (cb == INF) {
    if (sb != 0 ? ca == INF : ca == ZERO) { setIndefinite(); return; }
    if (ca == DENORMAL) f80_status |= F80_DE;
    if (ca == INF || sb == 0) packInf(sa);
    else packZero(sa);
    return;
  }
  if (ca == DENORMAL || cb == DENORMAL) f80_status |= F80_DE;
  if (ca == ZERO || ca == INF) { setResult(ase, am); return; }
  let n: i32 = 0;
  if (cb != ZERO) {
    normalize(bse, bm);
    // Beyond 2^20 every result over- or underflows the same way.
    if (n_e >= 20) n = 1 << 20;
    else if (n_e >= 0) n = i32(n_m >> u64(63 - n_e));
    if (sb != 0) n = -n;
  }
  normalize(ase, am);
  roundPack(sa, n_e + n, n_m, 0, 3, rc);
}

// FXTRACT: the exponent goes to f80_rse/f80_rm (it ends up in ST(1)), the
// significand, scaled to [1, 2), to f80_rse2/f80_rm2 (ST(0)).
export function f80_xtract(se: u32, m: u64): void {
  const c = classify(se, m);
  if (c == UNSUPPORTED || isNaN(c)) {
    if (c == UNSUPPORTED) setIndefinite();
    else propagateNaN1(se, m, c);
    f80_rse2 = f80_rse;
    f80_rm2 = f80_rm;
    return;
  }
  f80_rse2 = se;
  f80_rm2 = m;
  if (c == ZERO) {
    f80_status |= F80_ZE;
    setResult(0xFFFF, INT_BIT); // exponent -infinity
  } else if (c == INF) {
    setResult(0x7FFF, INT_BIT); // exponent +infinity
  } else {
    if (c == DENORMAL) f80_status |= F80_DE;
    normalize(se, m);
    f80_rse2 = (se & 0x8000) | u32(BIAS);
    f80_rm2 = n_m;
    f80_from_i64(i64(n_e));
  }
}

// ------------------------------------------------------------------ fprem

// Exponent difference beyond which FPREM/FPREM1 only partially reduce.
const PREM_MAX_DIFF: i32 = 64;

// FPREM (ieee = false: quotient truncated) and FPREM1 (ieee = true: quotient
// rounded to nearest): a - b * q, exact. C2 is set when the reduction is
// partial; otherwise C0, C3, C1 get the low three quotient bits.
export function f80_prem(ase: u32, am: u64, bse: u32, bm: u64, ieee: bool): void {
  const ca = classify(ase, am), cb = classify(bse, bm);
  if (ca == UNSUPPORTED || cb == UNSUPPORTED) { setIndefinite(); return; }
  if (isNaN(ca) || isNaN(cb)) { propagateNaN2(ase, am, ca, bse, bm, cb); return; }
  if (ca == INF || cb == ZERO) { setIndefinite(); return; }
  if (ca == DENORMAL || cb == DENORMAL) f80_status |= F80_DE;
  let sign = (ase >> 15) & 1;
  if (ca == ZERO) { setResult(ase, am); return; }
  if (cb == INF) { // a unchanged, but (pseudo-)denormals come back normalized
    normalize(ase, am);
    roundPack(sign, n_e, n_m, 0, 3, 0);
    return;
  }
  normalize(ase, am);
  const ea = n_e, ma = n_m;
  normalize(bse, bm);
  let eb = n_e;
  const mb = n_m;
  let d = ea - eb;
  let partial = false;
  if (d >= PREM_MAX_DIFF) {
    // Reduce by b * 2^(d - n) only, leaving an exponent difference below n.
    const n = premPartialDiff(d);
    eb += d - n;
    d = n;
    partial = true;
  }
  if (d < 0) {
    if (ieee && d == -1 && ma > mb) {
      // |b|/2 < |a| < |b|: q = 1, r = |b| - |a| at a's scale (fits: < mb).
      finishPrem(sign ^ 1, ea, (mb << 1) - ma, 1, false);
    } else {
      finishPrem(sign, ea, ma, 0, false);
    }
    return;
  }
  let q: u64 = 0;
  let r: u64 = ma;
  let carry: u64 = 0;
  for (let i = 0; i <= d; i++) {
    if (i > 0) {
      carry = r >> 63;
      r <<= 1;
      q <<= 1;
    }
    if (carry != 0 || r >= mb) {
      r -= mb;
      q |= 1;
    }
  }
  if (ieee && !partial) {
    // Round the quotient to nearest even: compare 2r with mb.
    const twiceOver = (r >> 63) != 0 || (r << 1) > mb;
    const twiceEq = (r >> 63) == 0 && (r << 1) == mb;
    if (twiceOver || (twiceEq && (q & 1) != 0)) {
      q++;
      r = mb - r;
      sign ^= 1;
    }
  }
  finishPrem(sign, eb, r, q, partial);
}

// Stores r * 2^(e - 63) with the sign, and the quotient bits.
function finishPrem(sign: u32, e: i32, r: u64, q: u64, partial: bool): void {
  if (partial) f80_status |= F80_C2;
  else {
    if ((q & 4) != 0) f80_status |= F80_C0;
    if ((q & 2) != 0) f80_status |= F80_C3;
    if ((q & 1) != 0) f80_status |= F80_C1;
  }
  if (r == 0) { packZero(sign); return; }
  const s = i32(clz(r));
  roundPack(sign, e - s, r << u64(s), 0, 3, 0);
}

// How far a partial FPREM leaves the exponent difference (observed on
// hardware; the SDM only says "between 32 and 63").
function premPartialDiff(d: i32): i32 {
  return 32 + (d & 31);
}
