// SSE3, SSSE3, SSE4.1, SSE4.2, AES-NI, PCLMULQDQ and the shared machinery of the VEX
// (AVX/AVX2) forms. Most vector instructions work on independent 128-bit lanes:
// laneOp(k, a, b, imm) computes one lane, and h_sx runs it for the legacy form
// (dest = op(dest, src), aligned m128) and for the VEX form (dest = op(vvvv, src),
// unaligned, one lane for VEX.128 with bits 128..255 of the destination zeroed,
// two lanes for VEX.256).
import {
  dReg, dRm, dIsMem, dImm, dOsz, stopped, exitWith, getReg, setReg64, reg64, materialize, setFlags,
  ARITH_FLAGS, CF, ZF, SF, OF,
} from '../cpu';
import { ea } from '../operand';
import { rd8, rd16, rd32, rd64, wr8, wr16, wr32, wr64, probeR, probeW } from '../mem';
import { S_MXCSR, EXIT_GP } from '../generated/layout';
import { xmm, mxRaise, mxcsrRC, MX_IE, MX_PE, MX_DE } from './sse';
import { pintV } from './sse-int';
import {
  K_ADDPD, K_ADDPS, K_ADDSUBPD, K_ADDSUBPS, K_AESDEC, K_AESDECLAST, K_AESENC, K_AESENCLAST, K_AESIMC,
  K_AESKEYGEN, K_AND, K_ANDN, K_BLENDPD, K_BLENDPS, K_BLENDVPD, K_BLENDVPS, K_CMPPD, K_CMPPS, K_DPPD,
  K_DPPS, K_HADDPD, K_HADDPS, K_HSUBPD, K_HSUBPS, K_MOV, K_MOVSHDUP, K_MOVSLDUP, K_MPSADBW, K_OR,
  K_PABSB, K_PABSD, K_PABSW, K_PACKUSDW, K_PACKUSWB, K_PALIGNR, K_PBLENDD, K_PBLENDVB, K_PBLENDW,
  K_PCLMUL, K_PCMPEQQ, K_PCMPGTQ, K_PHADDD, K_PHADDSW, K_PHADDW, K_PHMINPOSUW, K_PHSUBD, K_PHSUBSW,
  K_PHSUBW, K_PMADDUBSW, K_PMAXSB, K_PMAXSD, K_PMAXUD, K_PMAXUW, K_PMINSB, K_PMINSD, K_PMINUD,
  K_PMINUW, K_PMULDQ, K_PMULHRSW, K_PMULLD, K_PSHUFB, K_PSHUFD, K_PSHUFHW, K_PSHUFLW, K_PSIGNB,
  K_PSIGND, K_PSIGNW, K_PSLLVD, K_PSLLVQ, K_PSRAVD, K_PSRLVD, K_PSRLVQ, K_ROUNDPD, K_ROUNDPS,
  K_RSQRTPS, K_SHA1MSG1, K_SHA1MSG2, K_SHA1NEXTE, K_SHA1RNDS4, K_SHA256MSG1, K_SHA256MSG2,
  K_SHA256RNDS2, K_SHUFPD, K_SHUFPS, K_SQRTPD, K_UNPCKHBW, K_UNPCKHDQ, K_UNPCKHQDQ, K_UNPCKHWD,
  K_UNPCKLBW, K_UNPCKLDQ, K_UNPCKLQDQ, K_UNPCKLWD, K_VPERMILPD, K_VPERMILPDI, K_VPERMILPS,
  K_VPERMILPSI, K_XOR,
} from '../generated/lanes';
import { op32, op64, fpsV, fpdV, F_ADD, F_MUL, F_SUB, F_DIV, F_MIN, F_MAX, F_SQRT, F_RCP } from './sse-fp';

// --- record fields of VEX forms (decode.ts) ---------------------------------------
// @ts-ignore: decorator
@inline export function isVex(d: usize): bool { return (load<u8>(d, 24) & 1) != 0; }
// @ts-ignore: decorator
@inline export function vexL(d: usize): u32 { return (<u32>load<u8>(d, 24) >> 1) & 1; }
// @ts-ignore: decorator
@inline export function vexW(d: usize): u32 { return (<u32>load<u8>(d, 24) >> 2) & 1; }
// @ts-ignore: decorator
@inline export function dVvvv(d: usize): u32 { return load<u8>(d, 25); }

// Scratch (32-byte operands, plus room to read past them).
export const VA = memory.data(64, 16);
export const VB = memory.data(64, 16);
export const VR = memory.data(64, 16);
const LA = memory.data(16, 16), LB = memory.data(16, 16), LR = memory.data(16, 16);
const PALBUF = memory.data(80, 16);
const ZERO = i32x4.splat(0);

// Load `bytes` (2, 4, 8, 16 or 32) of the W operand into `out`; a register source
// gives its low bytes. `align`: legacy SSE m128 alignment check (#GP).
export function loadW(d: usize, out: usize, bytes: u32, align: bool): bool {
  if (dIsMem(d)) {
    const a = ea(d);
    if (align && (<u32>a & 15) != 0) { exitWith(EXIT_GP, false); return false; }
    if (bytes >= 8) {
      if (!probeR(a, bytes)) return false;
      for (let i: u32 = 0; i < bytes; i += 8) store<u64>(out + i, rd64(a + i));
    } else if (bytes == 4) {
      const v = rd32(a);
      if (stopped()) return false;
      store<u32>(out, <u32>v);
    } else {
      const v = rd16(a);
      if (stopped()) return false;
      store<u16>(out, <u16>v);
    }
    return true;
  }
  memory.copy(out, xmm(dRm(d)), bytes);
  return true;
}
// Store `bytes` (8, 16 or 32) from `src` to the W operand. A register destination of
// a VEX form gets bits above `bytes` zeroed (VEX.128); legacy keeps them.
export function storeW(d: usize, src: usize, bytes: u32, align: bool): void {
  if (dIsMem(d)) {
    const a = ea(d);
    if (align && (<u32>a & ((bytes == 32) ? 31 : 15)) != 0) { exitWith(EXIT_GP, false); return; }
    if (!probeW(a, bytes)) return;
    for (let i: u32 = 0; i < bytes; i += 8) wr64(a + i, load<u64>(src + i));
    return;
  }
  const r = xmm(dRm(d));
  memory.copy(r, src, bytes);
  if (isVex(d) && bytes < 32) memory.fill(r + bytes, 0, 32 - bytes);
}
// VEX.128 destinations: zero bits 128..255.
// @ts-ignore: decorator
@inline export function vzu(d: usize, r: u32): void {
  if (isVex(d) && !vexL(d)) v128.store(xmm(r) + 16, ZERO);
}

// --- lane operation kinds: K_* (core/generated/lanes.ts, from tools/isa-lanes.mjs) ---------
let gLane: u32 = 0; // lane being computed (0 low, 1 high): some immediates differ per lane
let gMask: usize = 0; // BLENDV mask register (XMM0 or VEX is4)



// --- compares with the 32 AVX predicates (0..7 are the SSE ones) ---------------------
// @ts-ignore: decorator
@inline function nan64(x: u64): bool { return (x & 0x7FFFFFFFFFFFFFFF) > 0x7FF0000000000000; }
// @ts-ignore: decorator
@inline function nan32(x: u32): bool { return (x & 0x7FFFFFFF) > 0x7F800000; }
// @ts-ignore: decorator
@inline function daz64(x: u64): u64 { return (x & 0x7FF0000000000000) == 0 ? x & 0x8000000000000000 : x; }
// @ts-ignore: decorator
@inline function daz32(x: u32): u32 { return (x & 0x7F800000) == 0 ? x & 0x80000000 : x; }
// @ts-ignore: decorator
@inline function dazOn(): bool { return (load<u32>(S_MXCSR) & 0x40) != 0; }

export function cmpPred(p: u32, lt: bool, eq: bool, gt: bool, un: bool, snan: bool): bool {
  const sig = (0x6666 >> (p & 15)) & 1; // LT LE NLT NLE NGE NGT GE GT signal on QNaN (flipped for 16..31)
  if (un && (snan || (sig ^ (p >> 4)) != 0)) mxRaise(MX_IE);
  switch (p & 15) {
    case 0: return eq;
    case 1: return lt;
    case 2: return lt || eq;
    case 3: return un;
    case 4: return !eq;
    case 5: return !lt;
    case 6: return !(lt || eq);
    case 7: return !un;
    case 8: return eq || un;
    case 9: return lt || un;
    case 10: return lt || eq || un;
    case 11: return false;
    case 12: return !eq && !un;
    case 13: return gt || eq;
    case 14: return gt;
    default: return true;
  }
}
export function cmp64p(p: u32, ab: u64, bb: u64): u64 {
  if (dazOn()) { ab = daz64(ab); bb = daz64(bb); }
  const a = reinterpret<f64>(ab), b = reinterpret<f64>(bb);
  const un = nan64(ab) || nan64(bb);
  const sn = (nan64(ab) && (ab & 0x0008000000000000) == 0) || (nan64(bb) && (bb & 0x0008000000000000) == 0);
  if (!un && (((ab & 0x7FF0000000000000) == 0 && (ab << 1) != 0) || ((bb & 0x7FF0000000000000) == 0 && (bb << 1) != 0))) mxRaise(MX_DE);
  return cmpPred(p, a < b, a == b, a > b, un, sn) ? <u64>-1 : 0;
}
export function cmp32p(p: u32, ab: u32, bb: u32): u32 {
  if (dazOn()) { ab = daz32(ab); bb = daz32(bb); }
  const a = reinterpret<f32>(ab), b = reinterpret<f32>(bb);
  const un = nan32(ab) || nan32(bb);
  const sn = (nan32(ab) && (ab & 0x00400000) == 0) || (nan32(bb) && (bb & 0x00400000) == 0);
  if (!un && (((ab & 0x7F800000) == 0 && (ab << 1) != 0) || ((bb & 0x7F800000) == 0 && (bb << 1) != 0))) mxRaise(MX_DE);
  return cmpPred(p, a < b, a == b, a > b, un, sn) ? <u32>-1 : 0;
}

// --- rounding (ROUNDPS/PD/SS/SD, imm8: bits 1:0 mode, bit 2 use MXCSR.RC, bit 3 no PE) ---
export function round32(x: u32, imm: u32): u32 {
  if (nan32(x)) { if ((x & 0x00400000) == 0) mxRaise(MX_IE); return x | 0x00400000; }
  if (dazOn()) x = daz32(x);
  const rc = (imm & 4) ? mxcsrRC() : imm & 3;
  const f = reinterpret<f32>(x);
  let r: f32;
  if (rc == 0) r = nearest<f32>(f);
  else if (rc == 1) r = floor<f32>(f);
  else if (rc == 2) r = ceil<f32>(f);
  else r = trunc<f32>(f);
  if (r != f && !(imm & 8)) mxRaise(MX_PE);
  return reinterpret<u32>(r);
}
export function round64(x: u64, imm: u32): u64 {
  if (nan64(x)) { if ((x & 0x0008000000000000) == 0) mxRaise(MX_IE); return x | 0x0008000000000000; }
  if (dazOn()) x = daz64(x);
  const rc = (imm & 4) ? mxcsrRC() : imm & 3;
  const f = reinterpret<f64>(x);
  let r: f64;
  if (rc == 0) r = nearest<f64>(f);
  else if (rc == 1) r = floor<f64>(f);
  else if (rc == 2) r = ceil<f64>(f);
  else r = trunc<f64>(f);
  if (r != f && !(imm & 8)) mxRaise(MX_PE);
  return reinterpret<u64>(r);
}

// --- AES -------------------------------------------------------------------------------
const SBOX: StaticArray<u8> = [99,124,119,123,242,107,111,197,48,1,103,43,254,215,171,118,202,130,201,125,250,89,71,240,173,212,162,175,156,164,114,192,183,253,147,38,54,63,247,204,52,165,229,241,113,216,49,21,4,199,35,195,24,150,5,154,7,18,128,226,235,39,178,117,9,131,44,26,27,110,90,160,82,59,214,179,41,227,47,132,83,209,0,237,32,252,177,91,106,203,190,57,74,76,88,207,208,239,170,251,67,77,51,133,69,249,2,127,80,60,159,168,81,163,64,143,146,157,56,245,188,182,218,33,16,255,243,210,205,12,19,236,95,151,68,23,196,167,126,61,100,93,25,115,96,129,79,220,34,42,144,136,70,238,184,20,222,94,11,219,224,50,58,10,73,6,36,92,194,211,172,98,145,149,228,121,231,200,55,109,141,213,78,169,108,86,244,234,101,122,174,8,186,120,37,46,28,166,180,198,232,221,116,31,75,189,139,138,112,62,181,102,72,3,246,14,97,53,87,185,134,193,29,158,225,248,152,17,105,217,142,148,155,30,135,233,206,85,40,223,140,161,137,13,191,230,66,104,65,153,45,15,176,84,187,22];
const ISBOX: StaticArray<u8> = [82,9,106,213,48,54,165,56,191,64,163,158,129,243,215,251,124,227,57,130,155,47,255,135,52,142,67,68,196,222,233,203,84,123,148,50,166,194,35,61,238,76,149,11,66,250,195,78,8,46,161,102,40,217,36,178,118,91,162,73,109,139,209,37,114,248,246,100,134,104,152,22,212,164,92,204,93,101,182,146,108,112,72,80,253,237,185,218,94,21,70,87,167,141,157,132,144,216,171,0,140,188,211,10,247,228,88,5,184,179,69,6,208,44,30,143,202,63,15,2,193,175,189,3,1,19,138,107,58,145,17,65,79,103,220,234,151,242,207,206,240,180,230,115,150,172,116,34,231,173,53,133,226,249,55,232,28,117,223,110,71,241,26,113,29,41,197,137,111,183,98,14,170,24,190,27,252,86,62,75,198,210,121,32,154,219,192,254,120,205,90,244,31,221,168,51,136,7,199,49,177,18,16,89,39,128,236,95,96,81,127,169,25,181,74,13,45,229,122,159,147,201,156,239,160,224,59,77,174,42,245,176,200,235,187,60,131,83,153,97,23,43,4,126,186,119,214,38,225,105,20,99,85,33,12,125];
// @ts-ignore: decorator
@inline function xt(x: u32): u32 { return ((x << 1) ^ ((x & 0x80) ? 0x1b : 0)) & 0xff; }
function gm(x: u32, y: u32): u32 {
  let p: u32 = 0;
  for (let i = 0; i < 4; i++) { if (y & 1) p ^= x; x = xt(x); y >>= 1; }
  return p;
}
// state bytes in LA; result in LR
function mixColumns(src: usize, dst: usize, inv: bool): void {
  for (let c: u32 = 0; c < 16; c += 4) {
    const a0 = <u32>load<u8>(src + c), a1 = <u32>load<u8>(src + c + 1), a2 = <u32>load<u8>(src + c + 2), a3 = <u32>load<u8>(src + c + 3);
    if (!inv) {
      store<u8>(dst + c, <u8>(xt(a0) ^ xt(a1) ^ a1 ^ a2 ^ a3));
      store<u8>(dst + c + 1, <u8>(a0 ^ xt(a1) ^ xt(a2) ^ a2 ^ a3));
      store<u8>(dst + c + 2, <u8>(a0 ^ a1 ^ xt(a2) ^ xt(a3) ^ a3));
      store<u8>(dst + c + 3, <u8>(xt(a0) ^ a0 ^ a1 ^ a2 ^ xt(a3)));
    } else {
      store<u8>(dst + c, <u8>(gm(a0, 14) ^ gm(a1, 11) ^ gm(a2, 13) ^ gm(a3, 9)));
      store<u8>(dst + c + 1, <u8>(gm(a0, 9) ^ gm(a1, 14) ^ gm(a2, 11) ^ gm(a3, 13)));
      store<u8>(dst + c + 2, <u8>(gm(a0, 13) ^ gm(a1, 9) ^ gm(a2, 14) ^ gm(a3, 11)));
      store<u8>(dst + c + 3, <u8>(gm(a0, 11) ^ gm(a1, 13) ^ gm(a2, 9) ^ gm(a3, 14)));
    }
  }
}
function aesRound(a: v128, key: v128, dec: bool, last: bool): v128 {
  v128.store(LA, a);
  // (Inv)ShiftRows + (Inv)SubBytes into LB
  for (let c: u32 = 0; c < 4; c++) {
    for (let r: u32 = 0; r < 4; r++) {
      const from = dec ? r + (((c - r) & 3) << 2) : r + (((c + r) & 3) << 2);
      const x = <u32>load<u8>(LA + from);
      store<u8>(LB + r + (c << 2), dec ? ISBOX[x] : SBOX[x]);
    }
  }
  if (last) return v128.xor(v128.load(LB), key);
  mixColumns(LB, LR, dec);
  return v128.xor(v128.load(LR), key);
}
function subWord(w: u32): u32 {
  return <u32>SBOX[w & 0xff] | (<u32>SBOX[(w >> 8) & 0xff] << 8) | (<u32>SBOX[(w >> 16) & 0xff] << 16) | (<u32>SBOX[w >> 24] << 24);
}
function aesKeygen(b: v128, rcon: u32): v128 {
  const x1 = subWord(<u32>i32x4.extract_lane(b, 1)), x3 = subWord(<u32>i32x4.extract_lane(b, 3));
  let v = i32x4.splat(<i32>x1);
  v = i32x4.replace_lane(v, 1, <i32>(rotr<u32>(x1, 8) ^ rcon));
  v = i32x4.replace_lane(v, 2, <i32>x3);
  v = i32x4.replace_lane(v, 3, <i32>(rotr<u32>(x3, 8) ^ rcon));
  return v;
}
// carry-less 64 x 64 -> 128
function clmul(x: u64, y: u64): v128 {
  let lo: u64 = 0, hi: u64 = 0;
  for (let i: u64 = 0; i < 64; i++) {
    if ((y >> i) & 1) {
      lo ^= x << i;
      if (i) hi ^= x >> (64 - i);
    }
  }
  return i64x2.replace_lane(i64x2.splat(<i64>lo), 1, <i64>hi);
}

function phminposuw(b: v128): v128 {
  v128.store(LB, b);
  let m: u32 = 0xffff, idx: u32 = 0;
  for (let i: u32 = 0; i < 8; i++) {
    const x = <u32>load<u16>(LB + (i << 1));
    if (x < m) { m = x; idx = i; }
  }
  if (m == 0xffff && load<u16>(LB) == 0xffff) idx = 0;
  return i32x4.replace_lane(ZERO, 0, <i32>(m | (idx << 16)));
}
function mpsadbw(a: v128, b: v128, imm: u32): v128 {
  v128.store(LA, a);
  v128.store(LB, b);
  const ao: u32 = (imm & 4) ? 4 : 0, bo: u32 = (imm & 3) << 2;
  for (let i: u32 = 0; i < 8; i++) {
    let s: i32 = 0;
    for (let j: u32 = 0; j < 4; j++) {
      const x = <i32>load<u8>(LA + ao + i + j) - <i32>load<u8>(LB + bo + j);
      s += x < 0 ? -x : x;
    }
    store<u16>(LR + (i << 1), <u16>s);
  }
  return v128.load(LR);
}
function dpps(a: v128, b: v128, imm: u32): v128 {
  v128.store(LA, a);
  v128.store(LB, b);
  // per destination lane i: (t[i^1] + t[i]) + (t[i^3] + t[i^2]) — the order hardware
  // uses (measured: it decides which NaN propagates)
  for (let i: u32 = 0; i < 4; i++) store<u32>(VR + (i << 2), ((imm >> (4 + i)) & 1) ? op32(F_MUL, load<u32>(LA + (i << 2)), load<u32>(LB + (i << 2))) : 0);
  for (let i: u32 = 0; i < 4; i++) store<u32>(VR + 16 + (i << 2), op32(F_ADD, load<u32>(VR + ((i ^ 1) << 2)), load<u32>(VR + (i << 2))));
  // (every sum is computed, for its flags, whatever the output mask)
  for (let i: u32 = 0; i < 4; i++) {
    const s = op32(F_ADD, load<u32>(VR + 16 + (i << 2)), load<u32>(VR + 16 + ((i ^ 2) << 2)));
    store<u32>(LR + (i << 2), ((imm >> i) & 1) ? s : 0);
  }
  return v128.load(LR);
}
function dppd(a: v128, b: v128, imm: u32): v128 {
  v128.store(LA, a);
  v128.store(LB, b);
  const p0 = (imm & 0x10) ? op64(F_MUL, load<u64>(LA), load<u64>(LB)) : 0;
  const p1 = (imm & 0x20) ? op64(F_MUL, load<u64>(LA, 8), load<u64>(LB, 8)) : 0;
  // each destination lane adds its own product first (measured: it decides which NaN propagates)
  // (both sums are computed, for their flags, whatever the output mask)
  const s0 = op64(F_ADD, p0, p1), s1 = op64(F_ADD, p1, p0);
  store<u64>(LR, (imm & 1) ? s0 : 0);
  store<u64>(LR, (imm & 2) ? s1 : 0, 8);
  return v128.load(LR);
}
// --- SHA extensions (SDM vol. 2, SHA1RNDS4 ... SHA256MSG2). Dwords: 0 = bits 31:0 ... 3 = bits 127:96.
// @ts-ignore: decorator
@inline function rol(x: u32, n: u32): u32 { return rotl<u32>(x, n); }
// @ts-ignore: decorator
@inline function ror(x: u32, n: u32): u32 { return rotr<u32>(x, n); }
// @ts-ignore: decorator
@inline function dw(p: usize, i: u32): u32 { return load<u32>(p + (i << 2)); }
function sha(k: u32, a: v128, b: v128, imm: u32): v128 {
  v128.store(LA, a);
  v128.store(LB, b);
  if (k == K_SHA1RNDS4) {
    let A = dw(LA, 3), B = dw(LA, 2), C = dw(LA, 1), D = dw(LA, 0), E: u32 = 0;
    const f = imm & 3;
    const K: u32 = f == 0 ? 0x5A827999 : f == 1 ? 0x6ED9EBA1 : f == 2 ? 0x8F1BBCDC : 0xCA62C1D6;
    for (let i: u32 = 0; i < 4; i++) {
      const fv = f == 0 ? (B & C) ^ (~B & D) : f == 2 ? (B & C) ^ (B & D) ^ (C & D) : B ^ C ^ D;
      // (the first round's W already holds E: SHA1NEXTE)
      const t = fv + rol(A, 5) + dw(LB, 3 - i) + E + K;
      E = D; D = C; C = rol(B, 30); B = A; A = t;
    }
    store<u32>(LR, D); store<u32>(LR, C, 4); store<u32>(LR, B, 8); store<u32>(LR, A, 12);
  } else if (k == K_SHA1NEXTE) {
    v128.store(LR, b);
    store<u32>(LR, dw(LB, 3) + rol(dw(LA, 3), 30), 12);
  } else if (k == K_SHA1MSG1) {
    // W0..W3 = dwords 3..0 of the first source, W4 W5 = dwords 3, 2 of the second
    store<u32>(LR, dw(LB, 2) ^ dw(LA, 0), 0); // W5 ^ W3
    store<u32>(LR, dw(LB, 3) ^ dw(LA, 1), 4); // W4 ^ W2
    store<u32>(LR, dw(LA, 0) ^ dw(LA, 2), 8); // W3 ^ W1
    store<u32>(LR, dw(LA, 1) ^ dw(LA, 3), 12); // W2 ^ W0
  } else if (k == K_SHA1MSG2) {
    const w16 = rol(dw(LA, 3) ^ dw(LB, 2), 1);
    const w17 = rol(dw(LA, 2) ^ dw(LB, 1), 1);
    const w18 = rol(dw(LA, 1) ^ dw(LB, 0), 1);
    const w19 = rol(dw(LA, 0) ^ w16, 1);
    store<u32>(LR, w19); store<u32>(LR, w18, 4); store<u32>(LR, w17, 8); store<u32>(LR, w16, 12);
  } else if (k == K_SHA256RNDS2) {
    let A = dw(LB, 3), B = dw(LB, 2), C = dw(LA, 3), D = dw(LA, 2);
    let E = dw(LB, 1), F = dw(LB, 0), G = dw(LA, 1), H = dw(LA, 0);
    for (let i: u32 = 0; i < 2; i++) {
      const ch = (E & F) ^ (~E & G), maj = (A & B) ^ (A & C) ^ (B & C);
      const s0 = ror(A, 2) ^ ror(A, 13) ^ ror(A, 22), s1 = ror(E, 6) ^ ror(E, 11) ^ ror(E, 25);
      const t = ch + s1 + dw(gMask, i) + H;
      H = G; G = F; F = E; E = t + D;
      D = C; C = B; B = A; A = t + maj + s0;
    }
    store<u32>(LR, F); store<u32>(LR, E, 4); store<u32>(LR, B, 8); store<u32>(LR, A, 12);
  } else if (k == K_SHA256MSG1) {
    for (let i: u32 = 0; i < 4; i++) {
      const w = i < 3 ? dw(LA, i + 1) : dw(LB, 0);
      store<u32>(LR + (i << 2), dw(LA, i) + (ror(w, 7) ^ ror(w, 18) ^ (w >> 3)));
    }
  } else { // SHA256MSG2
    let w14 = dw(LB, 2), w15 = dw(LB, 3);
    const w16 = dw(LA, 0) + (ror(w14, 17) ^ ror(w14, 19) ^ (w14 >> 10));
    const w17 = dw(LA, 1) + (ror(w15, 17) ^ ror(w15, 19) ^ (w15 >> 10));
    const w18 = dw(LA, 2) + (ror(w16, 17) ^ ror(w16, 19) ^ (w16 >> 10));
    const w19 = dw(LA, 3) + (ror(w17, 17) ^ ror(w17, 19) ^ (w17 >> 10));
    store<u32>(LR, w16); store<u32>(LR, w17, 4); store<u32>(LR, w18, 8); store<u32>(LR, w19, 12);
  }
  return v128.load(LR);
}
// ADDSUB / HADD / HSUB in scalar steps (exact rounding and flags through op32/op64)
function fp2s(k: u32, a: v128, b: v128): v128 {
  v128.store(LA, a);
  v128.store(LB, b);
  if (k == K_ADDSUBPS) {
    for (let i: u32 = 0; i < 16; i += 4) store<u32>(LR + i, op32((i & 4) ? F_ADD : F_SUB, load<u32>(LA + i), load<u32>(LB + i)));
  } else if (k == K_ADDSUBPD) {
    store<u64>(LR, op64(F_SUB, load<u64>(LA), load<u64>(LB)));
    store<u64>(LR + 8, op64(F_ADD, load<u64>(LA + 8), load<u64>(LB + 8)));
  } else if (k == K_HADDPS || k == K_HSUBPS) {
    const op = k == K_HADDPS ? F_ADD : F_SUB;
    const r0 = op32(op, load<u32>(LA), load<u32>(LA, 4)), r1 = op32(op, load<u32>(LA, 8), load<u32>(LA, 12));
    const r2 = op32(op, load<u32>(LB), load<u32>(LB, 4)), r3 = op32(op, load<u32>(LB, 8), load<u32>(LB, 12));
    store<u32>(LR, r0); store<u32>(LR, r1, 4); store<u32>(LR, r2, 8); store<u32>(LR, r3, 12);
  } else {
    const op = k == K_HADDPD ? F_ADD : F_SUB;
    const r0 = op64(op, load<u64>(LA), load<u64>(LA, 8)), r1 = op64(op, load<u64>(LB), load<u64>(LB, 8));
    store<u64>(LR, r0); store<u64>(LR, r1, 8);
  }
  return v128.load(LR);
}

// One 128-bit lane of a vector operation: a = first source (legacy: the destination),
// b = second source, imm = the immediate byte.
export function laneOp(k: u32, a: v128, b: v128, imm: u32): v128 {
  if (k <= K_PACKUSWB) return pintV(k, a, b);
  switch (k) {
    case K_AND: return v128.and(a, b);
    case K_ANDN: return v128.andnot(b, a);
    case K_OR: return v128.or(a, b);
    case K_XOR: return v128.xor(a, b);
    case K_UNPCKLBW: return i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    case K_UNPCKLWD: return i8x16.shuffle(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
    case K_UNPCKLDQ: return i8x16.shuffle(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
    case K_UNPCKLQDQ: return i8x16.shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    case K_UNPCKHBW: return i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    case K_UNPCKHWD: return i8x16.shuffle(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
    case K_UNPCKHDQ: return i8x16.shuffle(a, b, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
    case K_UNPCKHQDQ: return i8x16.shuffle(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    case K_CMPPS: {
      v128.store(LA, a); v128.store(LB, b);
      for (let i: u32 = 0; i < 16; i += 4) store<u32>(LR + i, cmp32p(imm & 31, load<u32>(LA + i), load<u32>(LB + i)));
      return v128.load(LR);
    }
    case K_CMPPD: {
      v128.store(LA, a); v128.store(LB, b);
      for (let i: u32 = 0; i < 16; i += 8) store<u64>(LR + i, cmp64p(imm & 31, load<u64>(LA + i), load<u64>(LB + i)));
      return v128.load(LR);
    }
    case K_SHUFPS: {
      v128.store(LA, a); v128.store(LB, b);
      store<u32>(LR, load<u32>(LA + ((imm & 3) << 2)));
      store<u32>(LR + 4, load<u32>(LA + (((imm >> 2) & 3) << 2)));
      store<u32>(LR + 8, load<u32>(LB + (((imm >> 4) & 3) << 2)));
      store<u32>(LR + 12, load<u32>(LB + (((imm >> 6) & 3) << 2)));
      return v128.load(LR);
    }
    case K_SHUFPD: {
      const s = imm >> (gLane << 1);
      v128.store(LA, a); v128.store(LB, b);
      store<u64>(LR, load<u64>(LA + ((s & 1) << 3)));
      store<u64>(LR + 8, load<u64>(LB + (((s >> 1) & 1) << 3)));
      return v128.load(LR);
    }
    case K_PSHUFD: case K_VPERMILPSI: {
      v128.store(LB, b);
      for (let i: u32 = 0; i < 4; i++) store<u32>(LR + (i << 2), load<u32>(LB + (((imm >> (i << 1)) & 3) << 2)));
      return v128.load(LR);
    }
    case K_PSHUFLW: case K_PSHUFHW: {
      v128.store(LB, b);
      v128.store(LR, b);
      const base: u32 = k == K_PSHUFLW ? 0 : 8;
      for (let i: u32 = 0; i < 4; i++) store<u16>(LR + base + (i << 1), load<u16>(LB + base + (((imm >> (i << 1)) & 3) << 1)));
      return v128.load(LR);
    }
    case K_ADDSUBPS: case K_ADDSUBPD: case K_HADDPS: case K_HADDPD: case K_HSUBPS: case K_HSUBPD:
      return fp2s(k, a, b);
    case K_MOVSLDUP: return i32x4.shuffle(b, b, 0, 0, 2, 2);
    case K_MOVSHDUP: return i32x4.shuffle(b, b, 1, 1, 3, 3);
    case K_MOV: return b;
    case K_PSHUFB: return i8x16.swizzle(a, v128.and(b, i8x16.splat(<i8>0x8f)));
    case K_PHADDW: case K_PHADDSW: case K_PHSUBW: case K_PHSUBSW: {
      const ev = i8x16.shuffle(a, b, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29);
      const od = i8x16.shuffle(a, b, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
      if (k == K_PHADDW) return i16x8.add(ev, od);
      if (k == K_PHADDSW) return i16x8.add_sat_s(ev, od);
      if (k == K_PHSUBW) return i16x8.sub(ev, od);
      return i16x8.sub_sat_s(ev, od);
    }
    case K_PHADDD: return i32x4.add(i32x4.shuffle(a, b, 0, 2, 4, 6), i32x4.shuffle(a, b, 1, 3, 5, 7));
    case K_PHSUBD: return i32x4.sub(i32x4.shuffle(a, b, 0, 2, 4, 6), i32x4.shuffle(a, b, 1, 3, 5, 7));
    case K_PMADDUBSW: {
      const ae = v128.and(a, i16x8.splat(0xff)), ao = i16x8.shr_u(a, 8);
      const be = i16x8.shr_s(i16x8.shl(b, 8), 8), bo = i16x8.shr_s(b, 8);
      return i16x8.add_sat_s(i16x8.mul(ae, be), i16x8.mul(ao, bo));
    }
    case K_PSIGNB: return v128.andnot(v128.bitselect(i8x16.neg(a), a, i8x16.lt_s(b, ZERO)), i8x16.eq(b, ZERO));
    case K_PSIGNW: return v128.andnot(v128.bitselect(i16x8.neg(a), a, i16x8.lt_s(b, ZERO)), i16x8.eq(b, ZERO));
    case K_PSIGND: return v128.andnot(v128.bitselect(i32x4.neg(a), a, i32x4.lt_s(b, ZERO)), i32x4.eq(b, ZERO));
    case K_PMULHRSW: {
      const m = i16x8.splat(<i16>0x8000);
      return v128.bitselect(m, i16x8.q15mulr_sat_s(a, b), v128.and(i16x8.eq(a, m), i16x8.eq(b, m)));
    }
    case K_PABSB: return i8x16.abs(b);
    case K_PABSW: return i16x8.abs(b);
    case K_PABSD: return i32x4.abs(b);
    case K_PALIGNR: {
      v128.store(PALBUF, b);
      v128.store(PALBUF + 16, a);
      v128.store(PALBUF + 32, ZERO);
      v128.store(PALBUF + 48, ZERO);
      return v128.load(PALBUF + (imm > 32 ? 32 : imm));
    }
    case K_PBLENDVB: return v128.bitselect(b, a, i8x16.lt_s(v128.load(gMask + (gLane << 4)), ZERO));
    case K_BLENDVPS: return v128.bitselect(b, a, i32x4.lt_s(v128.load(gMask + (gLane << 4)), ZERO));
    case K_BLENDVPD: return v128.bitselect(b, a, i64x2.lt_s(v128.load(gMask + (gLane << 4)), i64x2.splat(0)));
    case K_PMULDQ: return i64x2.extmul_low_i32x4_s(i32x4.shuffle(a, a, 0, 2, 0, 2), i32x4.shuffle(b, b, 0, 2, 0, 2));
    case K_PCMPEQQ: return i64x2.eq(a, b);
    case K_PACKUSDW: return i16x8.narrow_i32x4_u(a, b);
    case K_PCMPGTQ: return i64x2.gt_s(a, b);
    case K_PMINSB: return i8x16.min_s(a, b);
    case K_PMINSD: return i32x4.min_s(a, b);
    case K_PMINUW: return i16x8.min_u(a, b);
    case K_PMINUD: return i32x4.min_u(a, b);
    case K_PMAXSB: return i8x16.max_s(a, b);
    case K_PMAXSD: return i32x4.max_s(a, b);
    case K_PMAXUW: return i16x8.max_u(a, b);
    case K_PMAXUD: return i32x4.max_u(a, b);
    case K_PMULLD: return i32x4.mul(a, b);
    case K_PHMINPOSUW: return phminposuw(b);
    case K_ROUNDPS: {
      v128.store(LB, b);
      for (let i: u32 = 0; i < 16; i += 4) store<u32>(LR + i, round32(load<u32>(LB + i), imm));
      return v128.load(LR);
    }
    case K_ROUNDPD: {
      v128.store(LB, b);
      for (let i: u32 = 0; i < 16; i += 8) store<u64>(LR + i, round64(load<u64>(LB + i), imm));
      return v128.load(LR);
    }
    case K_BLENDPS: {
      const s = imm >> (gLane << 2);
      const m = i32x4.ne(v128.and(i32x4.splat(<i32>s), i32x4(1, 2, 4, 8)), ZERO);
      return v128.bitselect(b, a, m);
    }
    case K_PBLENDD: {
      const s = imm >> (gLane << 2);
      const m = i32x4.ne(v128.and(i32x4.splat(<i32>s), i32x4(1, 2, 4, 8)), ZERO);
      return v128.bitselect(b, a, m);
    }
    case K_BLENDPD: {
      const s = imm >> (gLane << 1);
      const m = i64x2.ne(v128.and(i64x2.splat(<i64>s), i64x2(1, 2)), ZERO);
      return v128.bitselect(b, a, m);
    }
    case K_PBLENDW: {
      const m = i16x8.ne(v128.and(i16x8.splat(<i16>imm), i16x8(1, 2, 4, 8, 16, 32, 64, 128)), ZERO);
      return v128.bitselect(b, a, m);
    }
    case K_DPPS: return dpps(a, b, imm);
    case K_DPPD: return dppd(a, b, imm);
    case K_MPSADBW: return mpsadbw(a, b, imm >> (gLane * 3));
    case K_PCLMUL: return clmul(((imm & 1) ? <u64>i64x2.extract_lane(a, 1) : <u64>i64x2.extract_lane(a, 0)),
      (imm & 0x10) ? <u64>i64x2.extract_lane(b, 1) : <u64>i64x2.extract_lane(b, 0));
    case K_AESENC: return aesRound(a, b, false, false);
    case K_AESENCLAST: return aesRound(a, b, false, true);
    case K_AESDEC: return aesRound(a, b, true, false);
    case K_AESDECLAST: return aesRound(a, b, true, true);
    case K_AESIMC: { v128.store(LB, b); mixColumns(LB, LR, true); return v128.load(LR); }
    case K_AESKEYGEN: return aesKeygen(b, imm);
    case K_VPERMILPS: {
      v128.store(LA, a); v128.store(LB, b);
      for (let i: u32 = 0; i < 16; i += 4) store<u32>(LR + i, load<u32>(LA + ((load<u32>(LB + i) & 3) << 2)));
      return v128.load(LR);
    }
    case K_VPERMILPD: {
      v128.store(LA, a); v128.store(LB, b);
      for (let i: u32 = 0; i < 16; i += 8) store<u64>(LR + i, load<u64>(LA + (((load<u32>(LB + i) >> 1) & 1) << 3)));
      return v128.load(LR);
    }
    case K_VPERMILPDI: {
      const s = imm >> (gLane << 1);
      v128.store(LB, b);
      store<u64>(LR, load<u64>(LB + ((s & 1) << 3)));
      store<u64>(LR + 8, load<u64>(LB + (((s >> 1) & 1) << 3)));
      return v128.load(LR);
    }
    case K_PSLLVD: case K_PSRLVD: case K_PSRAVD: {
      v128.store(LA, a); v128.store(LB, b);
      for (let i: u32 = 0; i < 16; i += 4) {
        const x = load<u32>(LA + i), n = load<u32>(LB + i);
        let r: u32;
        if (k == K_PSLLVD) r = n > 31 ? 0 : x << n;
        else if (k == K_PSRLVD) r = n > 31 ? 0 : x >> n;
        else r = <u32>(<i32>x >> (n > 31 ? 31 : n));
        store<u32>(LR + i, r);
      }
      return v128.load(LR);
    }
    case K_PSLLVQ: case K_PSRLVQ: {
      v128.store(LA, a); v128.store(LB, b);
      for (let i: u32 = 0; i < 16; i += 8) {
        const x = load<u64>(LA + i), n = load<u64>(LB + i);
        store<u64>(LR + i, n > 63 ? 0 : k == K_PSLLVQ ? x << n : x >> n);
      }
      return v128.load(LR);
    }
  }
  if (k >= K_SHA1RNDS4 && k <= K_SHA256MSG2) return sha(k, a, b, imm);
  if (k >= K_ADDPS && k <= K_RSQRTPS) return fpsV(k - K_ADDPS, a, b);
  if (k >= K_ADDPD && k <= K_SQRTPD) return fpdV(k - K_ADDPD, a, b);
  return b;
}

// Generic handler: legacy dest = op(dest, W); VEX dest = op(vvvv, W) per lane.
export function h_sx(d: usize, k: u32): void {
  const vex = isVex(d);
  const L = vex ? vexL(d) : 0;
  if (!loadW(d, VB, 16 << L, !vex)) return;
  const s1 = xmm(vex ? dVvvv(d) : dReg(d));
  const imm = <u32>dImm(d) & 0xff;
  gMask = xmm(vex ? imm >> 4 : 0);
  gLane = 0;
  const r0 = laneOp(k, v128.load(s1), v128.load(VB), imm);
  let r1 = ZERO;
  if (L) { gLane = 1; r1 = laneOp(k, v128.load(s1 + 16), v128.load(VB + 16), imm); }
  const dst = xmm(dReg(d));
  v128.store(dst, r0);
  if (vex) v128.store(dst + 16, r1);
}

// --- dedicated handlers --------------------------------------------------------------
// PTEST (k = 0), VTESTPS (1), VTESTPD (2): ZF = (a AND b) == 0, CF = (NOT a AND b) == 0.
export function h_ptest(d: usize, k: u32): void {
  const vex = isVex(d);
  const L = vex ? vexL(d) : 0;
  if (!loadW(d, VB, 16 << L, !vex)) return;
  const pa = xmm(dReg(d));
  let z = true, c = true;
  const m = k == 0 ? i32x4.splat(-1) : k == 1 ? i32x4.splat(0x80000000) : i64x2.splat(0x8000000000000000);
  for (let l: u32 = 0; l <= L; l++) {
    const a = v128.and(v128.load(pa + (l << 4)), m), b = v128.and(v128.load(VB + (l << 4)), m);
    if (v128.any_true(v128.and(a, b))) z = false;
    if (v128.any_true(v128.andnot(b, a))) c = false;
  }
  setFlags((materialize() & ~ARITH_FLAGS) | (z ? ZF : 0) | (c ? CF : 0));
}

// PMOVSX (k = 0..5: BW BD BQ WD WQ DQ) and PMOVZX (k = 8..13).
const PMOV_SRC: StaticArray<u8> = [8, 4, 2, 8, 4, 8];
function pmovLane(k: u32, s: v128): v128 {
  switch (k) {
    case 0: return i16x8.extend_low_i8x16_s(s);
    case 1: return i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(s));
    case 2: return i64x2.extend_low_i32x4_s(i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(s)));
    case 3: return i32x4.extend_low_i16x8_s(s);
    case 4: return i64x2.extend_low_i32x4_s(i32x4.extend_low_i16x8_s(s));
    case 5: return i64x2.extend_low_i32x4_s(s);
    case 8: return i16x8.extend_low_i8x16_u(s);
    case 9: return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(s));
    case 10: return i64x2.extend_low_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(s)));
    case 11: return i32x4.extend_low_i16x8_u(s);
    case 12: return i64x2.extend_low_i32x4_u(i32x4.extend_low_i16x8_u(s));
    default: return i64x2.extend_low_i32x4_u(s);
  }
}
export function h_pmovx(d: usize, k: u32): void {
  const vex = isVex(d);
  const L = vex ? vexL(d) : 0;
  const n = <u32>PMOV_SRC[k & 7];
  v128.store(VB, ZERO);
  v128.store(VB + 16, ZERO);
  if (!loadW(d, VB, n << L, false)) return;
  const r0 = pmovLane(k, v128.load(VB));
  const r1 = pmovLane(k, v128.load(VB + n));
  const dst = xmm(dReg(d));
  v128.store(dst, r0);
  if (vex) v128.store(dst + 16, L ? r1 : ZERO);
}

// PEXTRB (k = 0), PEXTRW (1), PEXTRD/Q (2), EXTRACTPS (3): r/m <- element of xmm (ModRM.reg).
export function h_pextr(d: usize, k: u32): void {
  const s = xmm(dReg(d));
  const imm = <u32>dImm(d);
  let v: u64, sz: u32;
  if (k == 0) { v = load<u8>(s + (imm & 15)); sz = 0; }
  else if (k == 1) { v = load<u16>(s + ((imm & 7) << 1)); sz = 1; }
  else if (k == 2 && dOsz(d) == 3) { v = load<u64>(s + ((imm & 1) << 3)); sz = 3; }
  else { v = load<u32>(s + ((imm & 3) << 2)); sz = 2; }
  if (dIsMem(d)) {
    const a = ea(d);
    if (sz == 0) wr8(a, v); else if (sz == 1) wr16(a, v); else if (sz == 2) wr32(a, v); else wr64(a, v);
  } else setReg64(dRm(d), v);
}
// PEXTRW r, xmm, imm8 with VEX (C5): register operands swapped relative to 0F 3A 15.
export function h_vpextrw(d: usize): void {
  setReg64(dReg(d), <u64>load<u16>(xmm(dRm(d)) + ((<u32>dImm(d) & 7) << 1)));
}
// PINSRB (k = 0), PINSRW (1), PINSRD/Q (2): element of xmm <- r/m.
export function h_pinsr(d: usize, k: u32): void {
  const q = k == 2 && dOsz(d) == 3;
  let v: u64;
  if (dIsMem(d)) {
    const a = ea(d);
    v = k == 0 ? rd8(a) : k == 1 ? rd16(a) : q ? rd64(a) : rd32(a);
    if (stopped()) return;
  } else v = getReg(dRm(d), 3);
  const dst = xmm(dReg(d));
  if (isVex(d)) { v128.store(dst, v128.load(xmm(dVvvv(d)))); v128.store(dst + 16, ZERO); }
  const imm = <u32>dImm(d);
  if (k == 0) store<u8>(dst + (imm & 15), <u8>v);
  else if (k == 1) store<u16>(dst + ((imm & 7) << 1), <u16>v);
  else if (q) store<u64>(dst + ((imm & 1) << 3), v);
  else store<u32>(dst + ((imm & 3) << 2), <u32>v);
}
// INSERTPS xmm, xmm/m32, imm8
export function h_insertps(d: usize): void {
  const imm = <u32>dImm(d);
  let v: u32;
  if (dIsMem(d)) { v = <u32>rd32(ea(d)); if (stopped()) return; }
  else v = load<u32>(xmm(dRm(d)) + (((imm >> 6) & 3) << 2));
  const dst = xmm(dReg(d));
  v128.store(LR, v128.load(xmm(isVex(d) ? dVvvv(d) : dReg(d))));
  store<u32>(LR + (((imm >> 4) & 3) << 2), v);
  for (let i: u32 = 0; i < 4; i++) if ((imm >> i) & 1) store<u32>(LR + (i << 2), 0);
  v128.store(dst, v128.load(LR));
  if (isVex(d)) v128.store(dst + 16, ZERO);
}
// ROUNDSS (sd = 0) / ROUNDSD (1)
export function h_roundss(d: usize, sd: u32): void {
  if (!loadW(d, VB, sd ? 8 : 4, false)) return;
  const dst = xmm(dReg(d));
  const imm = <u32>dImm(d);
  if (isVex(d)) { v128.store(LR, v128.load(xmm(dVvvv(d)))); v128.store(dst + 16, ZERO); }
  else v128.store(LR, v128.load(dst));
  if (sd) store<u64>(LR, round64(load<u64>(VB), imm));
  else store<u32>(LR, round32(load<u32>(VB), imm));
  v128.store(dst, v128.load(LR));
}
// MOVDDUP: legacy and VEX.128 read 64 bits; VEX.256 duplicates the even quadwords.
export function h_movddup(d: usize): void {
  const L = isVex(d) ? vexL(d) : 0;
  if (!loadW(d, VB, L ? 32 : 8, false)) return;
  const dst = xmm(dReg(d));
  const q0 = load<u64>(VB), q2 = load<u64>(VB, 16);
  store<u64>(dst, q0); store<u64>(dst, q0, 8);
  if (L) { store<u64>(dst, q2, 16); store<u64>(dst, q2, 24); }
  else vzu(d, dReg(d));
}

// --- SSE4.2 string compares: PCMPESTRM (k = 0), PCMPESTRI (1), PCMPISTRM (2), PCMPISTRI (3)
// @ts-ignore: decorator
@inline function strEl(p: usize, i: u32, imm: u32): i32 {
  if (imm & 1) return (imm & 2) ? <i32>load<i16>(p + (i << 1)) : <i32>load<u16>(p + (i << 1));
  return (imm & 2) ? <i32>load<i8>(p + i) : <i32>load<u8>(p + i);
}
function implicitLen(p: usize, imm: u32, n: u32): u32 {
  for (let i: u32 = 0; i < n; i++) if (strEl(p, i, imm) == 0) return i;
  return n;
}
function explicitLen(r: u32, q: bool, n: u32): u32 {
  let v = q ? <i64>reg64(r) : <i64><i32>reg64(r);
  if (v < 0) v = -v;
  return (v < 0 || v > <i64>n) ? n : <u32>v;
}
export function h_pcmpstr(d: usize, k: u32): void {
  if (!loadW(d, VB, 16, false)) return;
  const imm = <u32>dImm(d);
  const n: u32 = (imm & 1) ? 8 : 16;
  const pa = xmm(dReg(d));
  let la: u32, lb: u32;
  if (k & 2) { la = implicitLen(pa, imm, n); lb = implicitLen(VB, imm, n); }
  else { const q = dOsz(d) == 3; la = explicitLen(0, q, n); lb = explicitLen(2, q, n); }
  const agg = (imm >> 2) & 3;
  let res: u32 = 0;
  for (let j: u32 = 0; j < n; j++) {
    let bit = false;
    if (agg == 0) {
      if (j < lb) { const y = strEl(VB, j, imm); for (let i: u32 = 0; i < la; i++) if (strEl(pa, i, imm) == y) { bit = true; break; } }
    } else if (agg == 1) {
      if (j < lb) {
        const y = strEl(VB, j, imm);
        for (let i: u32 = 0; i + 1 < la; i += 2) if (strEl(pa, i, imm) <= y && y <= strEl(pa, i + 1, imm)) { bit = true; break; }
      }
    } else if (agg == 2) {
      if (j >= la && j >= lb) bit = true;
      else if (j < la && j < lb) bit = strEl(pa, j, imm) == strEl(VB, j, imm);
    } else {
      bit = true;
      for (let t: u32 = 0; t < n - j; t++) {
        if (t >= la) break;
        if (j + t >= lb || strEl(pa, t, imm) != strEl(VB, j + t, imm)) { bit = false; break; }
      }
    }
    if (bit) res |= 1 << j;
  }
  const pol = (imm >> 4) & 3;
  if (pol == 1) res ^= (1 << n) - 1;
  else if (pol == 3) res ^= (1 << lb) - 1;
  let f = materialize() & ~ARITH_FLAGS;
  if (res) f |= CF;
  if (lb < n) f |= ZF;
  if (la < n) f |= SF;
  if (res & 1) f |= OF;
  if (k & 1) {
    const idx: u32 = res == 0 ? n : (imm & 0x40) ? 31 - clz<u32>(res) : ctz<u32>(res);
    setReg64(1, idx);
  } else {
    const x0 = xmm(0);
    if (imm & 0x40) {
      for (let i: u32 = 0; i < n; i++) {
        const m: u32 = ((res >> i) & 1) ? 0xffff : 0;
        if (n == 8) store<u16>(x0 + (i << 1), <u16>m); else store<u8>(x0 + i, <u8>m);
      }
    } else {
      v128.store(x0, i32x4.replace_lane(ZERO, 0, <i32>res));
    }
    if (isVex(d)) v128.store(x0 + 16, ZERO);
  }
  setFlags(f);
}
