// Shifts and rotates: ROL ROR RCL RCR SHL SHR SAL SAR, SHLD, SHRD.
import {
  dOsz, dReg, dImm, dIsMem, getReg, setReg, sizeMask, signBit, sext, stopped, setLazy, getCF, materialize,
  setFlags, setResultFlags, LF_SHL, LF_SHR, LF_SAR, CF, OF,
} from '../cpu';
import { ea } from '../operand';
import { rdN, wrN } from '../mem';
import { S_GPR } from '../generated/layout';

function shiftOp(d: usize, k: u32, countIn: u64): void {
  const osz = dOsz(d);
  const count = countIn & (osz == 3 ? 63 : 31);
  let addr: u64 = 0;
  let a: u64;
  const mem = dIsMem(d);
  if (mem) { addr = ea(d); a = rdN(addr, osz); if (stopped()) return; }
  else a = getReg(<u32>load<u8>(d, 5), osz);
  if (count == 0) { // flags and operand unchanged (a memory operand is still read)
    if (!mem && osz == 2) setReg(<u32>load<u8>(d, 5), 2, a); // but a 32-bit register is zero-extended
    return;
  }
  const bits = <u64>8 << osz;
  const m = sizeMask(osz);
  let r: u64 = 0;
  switch (k) {
    case 0: case 1: { // ROL, ROR
      const c = count % bits;
      r = k == 0 ? ((a << c) | (a >> ((bits - c) % bits))) & m : ((a >> c) | (a << ((bits - c) % bits))) & m;
      if (c == 0) r = a;
      const f = materialize() & ~(CF | OF);
      let cf: bool, ovf: bool;
      if (k == 0) { cf = (r & 1) != 0; ovf = ((r & signBit(osz)) != 0) != cf; }
      else { cf = (r & signBit(osz)) != 0; ovf = cf != ((r & (signBit(osz) >> 1)) != 0); }
      setFlags(f | (cf ? CF : 0) | (ovf ? OF : 0));
      break;
    }
    case 2: case 3: { // RCL, RCR: rotate through CF, bit by bit
      const c = osz < 2 ? count % (bits + 1) : count;
      let cf: u64 = getCF() ? 1 : 0;
      r = a;
      for (let i: u64 = 0; i < c; i++) {
        if (k == 2) { const out = (r >> (bits - 1)) & 1; r = ((r << 1) | cf) & m; cf = out; }
        else { const out = r & 1; r = (r >> 1) | (cf << (bits - 1)); cf = out; }
      }
      let ovf: bool;
      if (k == 2) ovf = ((r >> (bits - 1)) & 1) != cf;
      else ovf = (((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1) != 0;
      setFlags((materialize() & ~(CF | OF)) | (cf ? CF : 0) | (ovf ? OF : 0));
      break;
    }
    case 4: case 6: r = count < 64 ? (a << count) & m : 0; setLazy(LF_SHL, osz, r, a, count); break;
    case 5: r = count < 64 ? a >> count : 0; setLazy(LF_SHR, osz, r, a, count); break;
    default: r = <u64>(<i64>sext(a, osz) >> (count < 64 ? count : 63)) & m; setLazy(LF_SAR, osz, r, a, count); break;
  }
  if (mem) wrN(addr, osz, r);
  else setReg(<u32>load<u8>(d, 5), osz, r);
}
export function h_shift_I(d: usize, k: u32): void { shiftOp(d, k, dImm(d)); }
export function h_shift_1(d: usize, k: u32): void { shiftOp(d, k, 1); }
export function h_shift_CL(d: usize, k: u32): void { shiftOp(d, k, <u64>load<u8>(S_GPR + 8)); }

// k: 0 count from the immediate, 1 from CL
function dshift(d: usize, k: u32, left: bool): void {
  const osz = dOsz(d);
  const count = (k == 0 ? dImm(d) : <u64>load<u8>(S_GPR + 8)) & (osz == 3 ? 63 : 31);
  let addr: u64 = 0;
  let a: u64;
  const mem = dIsMem(d);
  if (mem) { addr = ea(d); a = rdN(addr, osz); if (stopped()) return; }
  else a = getReg(<u32>load<u8>(d, 5), osz);
  if (count == 0) {
    if (!mem && osz == 2) setReg(<u32>load<u8>(d, 5), 2, a); // a 32-bit register is zero-extended
    return;
  }
  const b = getReg(dReg(d), osz);
  const bits = <u64>8 << osz;
  const m = sizeMask(osz);
  let r: u64, cf: bool;
  if (osz == 1) {
    // 16-bit: shift the 32-bit concatenation; counts over 16 are undefined
    if (left) {
      const cat: u64 = (a << 16) | b;
      r = ((cat << count) >> 16) & m;
      cf = ((cat >> (32 - count)) & 1) != 0;
    } else {
      const cat: u64 = (b << 16) | a;
      r = (cat >> count) & m;
      cf = ((cat >> (count - 1)) & 1) != 0;
    }
  } else if (left) {
    r = ((a << count) | (b >> (bits - count))) & m;
    cf = ((a >> (bits - count)) & 1) != 0;
  } else {
    r = ((a >> count) | (b << (bits - count))) & m;
    cf = ((a >> (count - 1)) & 1) != 0;
  }
  const ovf = ((r ^ a) & signBit(osz)) != 0;
  if (mem) { wrN(addr, osz, r); if (stopped()) return; }
  else setReg(<u32>load<u8>(d, 5), osz, r);
  setResultFlags(osz, r, cf, ovf);
}
export function h_shld(d: usize, k: u32): void { dshift(d, k, true); }
export function h_shrd(d: usize, k: u32): void { dshift(d, k, false); }
