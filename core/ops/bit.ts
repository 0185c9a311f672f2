// Bit operations: BT BTS BTR BTC, BSF BSR, TZCNT LZCNT POPCNT.
import { dOsz, dReg, dImm, dIsMem, getReg, setReg, sizeMask, stopped, setSomeFlags, setFlags, materialize, CF, ZF, ARITH_FLAGS } from '../cpu';
import { ea, readE } from '../operand';
import { rdN, wrN } from '../mem';

// k: 0 BT, 1 BTS, 2 BTR, 3 BTC
function btOp(d: usize, k: u32, off: u64, fromReg: bool): void {
  const osz = dOsz(d);
  const bits = <u64>8 << osz;
  let cf: bool;
  if (dIsMem(d)) {
    let addr = ea(d);
    let bit: u64;
    if (fromReg) {
      // a register bit offset is signed and may reach outside the operand
      const so = <i64>(osz == 3 ? off : osz == 2 ? <u64><i64><i32>off : <u64><i64><i16>off);
      addr += <u64>((so >> (3 + <i64>osz)) << osz);
      bit = <u64>so & (bits - 1);
    } else bit = off & (bits - 1);
    const v = rdN(addr, osz);
    if (stopped()) return;
    cf = ((v >> bit) & 1) != 0;
    if (k != 0) {
      const mb = <u64>1 << bit;
      wrN(addr, osz, k == 1 ? v | mb : k == 2 ? v & ~mb : v ^ mb);
      if (stopped()) return;
    }
  } else {
    const rm = <u32>load<u8>(d, 5);
    const v = getReg(rm, osz);
    const bit = off & (bits - 1);
    cf = ((v >> bit) & 1) != 0;
    const mb = <u64>1 << bit;
    if (k != 0) setReg(rm, osz, k == 1 ? v | mb : k == 2 ? v & ~mb : v ^ mb);
  }
  setSomeFlags(CF, cf ? CF : 0);
}
export function h_bt_EG(d: usize, k: u32): void { btOp(d, k, getReg(dReg(d), dOsz(d)), true); }
export function h_bt_EI(d: usize, k: u32): void { btOp(d, k, dImm(d), false); }

export function h_bsf(d: usize): void {
  const osz = dOsz(d);
  const v = readE(d, osz);
  if (stopped()) return;
  if (v == 0) { setSomeFlags(ZF, ZF); return; }
  setReg(dReg(d), osz, ctz<u64>(v));
  setSomeFlags(ZF, 0);
}
export function h_bsr(d: usize): void {
  const osz = dOsz(d);
  const v = readE(d, osz);
  if (stopped()) return;
  if (v == 0) { setSomeFlags(ZF, ZF); return; }
  setReg(dReg(d), osz, 63 - clz<u64>(v));
  setSomeFlags(ZF, 0);
}
export function h_tzcnt(d: usize): void {
  const osz = dOsz(d);
  const v = readE(d, osz);
  if (stopped()) return;
  const bits = <u64>8 << osz;
  const r: u64 = v == 0 ? bits : ctz<u64>(v);
  setReg(dReg(d), osz, r);
  setSomeFlags(CF | ZF, (v == 0 ? CF : 0) | (r == 0 ? ZF : 0));
}
export function h_lzcnt(d: usize): void {
  const osz = dOsz(d);
  const v = readE(d, osz);
  if (stopped()) return;
  const bits = <u64>8 << osz;
  const r: u64 = v == 0 ? bits : clz<u64>(v) - (64 - bits);
  setReg(dReg(d), osz, r);
  setSomeFlags(CF | ZF, (v == 0 ? CF : 0) | (r == 0 ? ZF : 0));
}
export function h_popcnt(d: usize): void {
  const osz = dOsz(d);
  const v = readE(d, osz);
  if (stopped()) return;
  setReg(dReg(d), osz, popcnt<u64>(v));
  setFlags((materialize() & ~ARITH_FLAGS) | (v == 0 ? ZF : 0));
}
