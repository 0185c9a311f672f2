// SSE2 integer SIMD: add/sub (wrapping and saturating), multiplies, compares,
// min/max, averages, packs, shifts.
import { dReg, dRm, dImm, stopped } from '../cpu';
import { xmm, readW128, tmpA, tmpB } from './sse';
import {
  K_PACKSSDW, K_PACKSSWB, K_PACKUSWB, K_PADDB, K_PADDD, K_PADDQ, K_PADDSB, K_PADDSW, K_PADDUSB,
  K_PADDUSW, K_PADDW, K_PAVGB, K_PAVGW, K_PCMPEQB, K_PCMPEQD, K_PCMPEQW, K_PCMPGTB, K_PCMPGTD,
  K_PCMPGTW, K_PMADDWD, K_PMAXSW, K_PMAXUB, K_PMINSW, K_PMINUB, K_PMULHUW, K_PMULHW, K_PMULLW,
  K_PMULUDQ, K_PSADBW, K_PSUBB, K_PSUBD, K_PSUBQ, K_PSUBSB, K_PSUBSW, K_PSUBUSB, K_PSUBUSW, K_PSUBW,
} from '../generated/lanes';

const shbuf = memory.data(48, 16); // byte-shift window: 16 zero, 16 data, 16 zero

// (the kinds: K_PADDB..K_PACKUSWB, core/generated/lanes.ts)

// dest = op(dest, src) for the integer operations above.
export function h_pint(d: usize, k: u32): void {
  const b = readW128(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  v128.store(r, pintV(k, v128.load(r), b));
}
// The operation itself (also used by the VEX forms, core/ops/simd.ts).
export function pintV(k: u32, a: v128, b: v128): v128 {
  let v: v128;
  switch (k) {
    case K_PADDB: v = i8x16.add(a, b); break;
    case K_PADDW: v = i16x8.add(a, b); break;
    case K_PADDD: v = i32x4.add(a, b); break;
    case K_PADDQ: v = i64x2.add(a, b); break;
    case K_PSUBB: v = i8x16.sub(a, b); break;
    case K_PSUBW: v = i16x8.sub(a, b); break;
    case K_PSUBD: v = i32x4.sub(a, b); break;
    case K_PSUBQ: v = i64x2.sub(a, b); break;
    case K_PADDSB: v = i8x16.add_sat_s(a, b); break;
    case K_PADDSW: v = i16x8.add_sat_s(a, b); break;
    case K_PADDUSB: v = i8x16.add_sat_u(a, b); break;
    case K_PADDUSW: v = i16x8.add_sat_u(a, b); break;
    case K_PSUBSB: v = i8x16.sub_sat_s(a, b); break;
    case K_PSUBSW: v = i16x8.sub_sat_s(a, b); break;
    case K_PSUBUSB: v = i8x16.sub_sat_u(a, b); break;
    case K_PSUBUSW: v = i16x8.sub_sat_u(a, b); break;
    case K_PMULLW: v = i16x8.mul(a, b); break;
    case K_PMULHW: {
      const lo = i32x4.extmul_low_i16x8_s(a, b), hi = i32x4.extmul_high_i16x8_s(a, b);
      v = i8x16.shuffle(lo, hi, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
      break;
    }
    case K_PMULHUW: {
      const lo = i32x4.extmul_low_i16x8_u(a, b), hi = i32x4.extmul_high_i16x8_u(a, b);
      v = i8x16.shuffle(lo, hi, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
      break;
    }
    case K_PMULUDQ: {
      // lanes 0 and 2 (the low dwords of each quadword), unsigned 32x32 -> 64
      const a2 = i32x4.shuffle(a, a, 0, 2, 0, 2), b2 = i32x4.shuffle(b, b, 0, 2, 0, 2);
      v = i64x2.extmul_low_i32x4_u(a2, b2);
      break;
    }
    case K_PMADDWD: v = i32x4.dot_i16x8_s(a, b); break;
    case K_PSADBW: {
      v128.store(tmpA, a);
      v128.store(tmpB, b);
      let s0: u32 = 0, s1: u32 = 0;
      for (let i: u32 = 0; i < 8; i++) {
        const x = <i32>load<u8>(tmpA + i) - <i32>load<u8>(tmpB + i);
        s0 += <u32>(x < 0 ? -x : x);
        const y = <i32>load<u8>(tmpA + 8 + i) - <i32>load<u8>(tmpB + 8 + i);
        s1 += <u32>(y < 0 ? -y : y);
      }
      v = i64x2.replace_lane(i64x2.splat(<i64>s0), 1, <i64>s1);
      break;
    }
    case K_PCMPEQB: v = i8x16.eq(a, b); break;
    case K_PCMPEQW: v = i16x8.eq(a, b); break;
    case K_PCMPEQD: v = i32x4.eq(a, b); break;
    case K_PCMPGTB: v = i8x16.gt_s(a, b); break;
    case K_PCMPGTW: v = i16x8.gt_s(a, b); break;
    case K_PCMPGTD: v = i32x4.gt_s(a, b); break;
    case K_PMINUB: v = i8x16.min_u(a, b); break;
    case K_PMAXUB: v = i8x16.max_u(a, b); break;
    case K_PMINSW: v = i16x8.min_s(a, b); break;
    case K_PMAXSW: v = i16x8.max_s(a, b); break;
    case K_PAVGB: v = i8x16.avgr_u(a, b); break;
    case K_PAVGW: v = i16x8.avgr_u(a, b); break;
    case K_PACKSSWB: v = i8x16.narrow_i16x8_s(a, b); break;
    case K_PACKSSDW: v = i16x8.narrow_i32x4_s(a, b); break;
    default: v = i8x16.narrow_i16x8_u(a, b); break; // PACKUSWB
  }
  return v;
}

// PSRLDQ (left = 0) / PSLLDQ (left = 1) by `n` bytes.
function byteShift(v: v128, n: u32, left: u32): v128 {
  if (n > 16) n = 16;
  v128.store(shbuf, i32x4.splat(0));
  v128.store(shbuf + 32, i32x4.splat(0));
  v128.store(shbuf + 16, v);
  return v128.load(left ? shbuf + 16 - n : shbuf + 16 + n);
}

// Shift kinds: 0 PSRLW, 1 PSRLD, 2 PSRLQ, 3 PSRAW, 4 PSRAD, 5 PSLLW, 6 PSLLD, 7 PSLLQ,
// 8 PSRLDQ, 9 PSLLDQ (bytes; immediate form only).
export function shiftV(v: v128, k: u32, n: u64): v128 {
  switch (k) {
    case 0: return n > 15 ? i32x4.splat(0) : i16x8.shr_u(v, <i32>n);
    case 1: return n > 31 ? i32x4.splat(0) : i32x4.shr_u(v, <i32>n);
    case 2: return n > 63 ? i32x4.splat(0) : i64x2.shr_u(v, <i32>n);
    case 3: return i16x8.shr_s(v, n > 15 ? 15 : <i32>n);
    case 4: return i32x4.shr_s(v, n > 31 ? 31 : <i32>n);
    case 5: return n > 15 ? i32x4.splat(0) : i16x8.shl(v, <i32>n);
    case 6: return n > 31 ? i32x4.splat(0) : i32x4.shl(v, <i32>n);
    case 7: return n > 63 ? i32x4.splat(0) : i64x2.shl(v, <i32>n);
    case 8: return byteShift(v, n > 16 ? 16 : <u32>n, 0);
    default: return byteShift(v, n > 16 ? 16 : <u32>n, 1);
  }
}
// PSRLW/D/Q, PSRAW/D, PSLLW/D/Q xmm, xmm/m128: the count is the low quadword of the source.
export function h_pshift_x(d: usize, k: u32): void {
  const b = readW128(d);
  if (stopped()) return;
  const r = xmm(dReg(d));
  v128.store(r, shiftV(v128.load(r), k, <u64>i64x2.extract_lane(b, 0)));
}
// Groups 66 0F 71/72/73: shift xmm (ModRM.rm) by imm8.
export function h_pshift_i(d: usize, k: u32): void {
  const r = xmm(dRm(d));
  v128.store(r, shiftV(v128.load(r), k, dImm(d) & 0xff));
}
