// SSE2 integer SIMD: add/sub (wrapping and saturating), multiplies, compares,
// min/max, averages, packs, shifts.
import { dReg, dRm, dImm, stopped } from '../cpu';
import { xmm, readW128, tmpA, tmpB } from './sse';

const shbuf = memory.data(48, 16); // byte-shift window: 16 zero, 16 data, 16 zero

export const P_ADDB: u32 = 0, P_ADDW: u32 = 1, P_ADDD: u32 = 2, P_ADDQ: u32 = 3,
  P_SUBB: u32 = 4, P_SUBW: u32 = 5, P_SUBD: u32 = 6, P_SUBQ: u32 = 7,
  P_ADDSB: u32 = 8, P_ADDSW: u32 = 9, P_ADDUSB: u32 = 10, P_ADDUSW: u32 = 11,
  P_SUBSB: u32 = 12, P_SUBSW: u32 = 13, P_SUBUSB: u32 = 14, P_SUBUSW: u32 = 15,
  P_MULLW: u32 = 16, P_MULHW: u32 = 17, P_MULHUW: u32 = 18, P_MULUDQ: u32 = 19,
  P_MADDWD: u32 = 20, P_SADBW: u32 = 21,
  P_CMPEQB: u32 = 22, P_CMPEQW: u32 = 23, P_CMPEQD: u32 = 24,
  P_CMPGTB: u32 = 25, P_CMPGTW: u32 = 26, P_CMPGTD: u32 = 27,
  P_MINUB: u32 = 28, P_MAXUB: u32 = 29, P_MINSW: u32 = 30, P_MAXSW: u32 = 31,
  P_AVGB: u32 = 32, P_AVGW: u32 = 33,
  P_PACKSSWB: u32 = 34, P_PACKSSDW: u32 = 35, P_PACKUSWB: u32 = 36;

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
    case P_ADDB: v = i8x16.add(a, b); break;
    case P_ADDW: v = i16x8.add(a, b); break;
    case P_ADDD: v = i32x4.add(a, b); break;
    case P_ADDQ: v = i64x2.add(a, b); break;
    case P_SUBB: v = i8x16.sub(a, b); break;
    case P_SUBW: v = i16x8.sub(a, b); break;
    case P_SUBD: v = i32x4.sub(a, b); break;
    case P_SUBQ: v = i64x2.sub(a, b); break;
    case P_ADDSB: v = i8x16.add_sat_s(a, b); break;
    case P_ADDSW: v = i16x8.add_sat_s(a, b); break;
    case P_ADDUSB: v = i8x16.add_sat_u(a, b); break;
    case P_ADDUSW: v = i16x8.add_sat_u(a, b); break;
    case P_SUBSB: v = i8x16.sub_sat_s(a, b); break;
    case P_SUBSW: v = i16x8.sub_sat_s(a, b); break;
    case P_SUBUSB: v = i8x16.sub_sat_u(a, b); break;
    case P_SUBUSW: v = i16x8.sub_sat_u(a, b); break;
    case P_MULLW: v = i16x8.mul(a, b); break;
    case P_MULHW: {
      const lo = i32x4.extmul_low_i16x8_s(a, b), hi = i32x4.extmul_high_i16x8_s(a, b);
      v = i8x16.shuffle(lo, hi, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
      break;
    }
    case P_MULHUW: {
      const lo = i32x4.extmul_low_i16x8_u(a, b), hi = i32x4.extmul_high_i16x8_u(a, b);
      v = i8x16.shuffle(lo, hi, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
      break;
    }
    case P_MULUDQ: {
      // lanes 0 and 2 (the low dwords of each quadword), unsigned 32x32 -> 64
      const a2 = i32x4.shuffle(a, a, 0, 2, 0, 2), b2 = i32x4.shuffle(b, b, 0, 2, 0, 2);
      v = i64x2.extmul_low_i32x4_u(a2, b2);
      break;
    }
    case P_MADDWD: v = i32x4.dot_i16x8_s(a, b); break;
    case P_SADBW: {
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
    case P_CMPEQB: v = i8x16.eq(a, b); break;
    case P_CMPEQW: v = i16x8.eq(a, b); break;
    case P_CMPEQD: v = i32x4.eq(a, b); break;
    case P_CMPGTB: v = i8x16.gt_s(a, b); break;
    case P_CMPGTW: v = i16x8.gt_s(a, b); break;
    case P_CMPGTD: v = i32x4.gt_s(a, b); break;
    case P_MINUB: v = i8x16.min_u(a, b); break;
    case P_MAXUB: v = i8x16.max_u(a, b); break;
    case P_MINSW: v = i16x8.min_s(a, b); break;
    case P_MAXSW: v = i16x8.max_s(a, b); break;
    case P_AVGB: v = i8x16.avgr_u(a, b); break;
    case P_AVGW: v = i16x8.avgr_u(a, b); break;
    case P_PACKSSWB: v = i8x16.narrow_i16x8_s(a, b); break;
    case P_PACKSSDW: v = i16x8.narrow_i32x4_s(a, b); break;
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
