// Effective addresses and the E (ModRM r/m) operand.
import { S_GPR, S_NEXT_RIP, S_FS_BASE, S_GS_BASE } from './generated/layout';
import { F_MEM, F_ASZ32, getReg, setReg } from './cpu';
import { rdN, wrN } from './mem';

// @ts-ignore: decorator
@inline export function ea(d: usize): u64 {
  let a: u64 = <u64><i64>load<i32>(d, 12);
  const base = <u32>load<u8>(d, 5);
  if (base != 0xff) a += base == 16 ? load<u64>(S_NEXT_RIP) : load<u64>(S_GPR + (base << 3));
  const idx = <u32>load<u8>(d, 6);
  if (idx != 0xff) a += load<u64>(S_GPR + (idx << 3)) << load<u8>(d, 7);
  const f = <u32>load<u8>(d, 8);
  if (f & F_ASZ32) a &= 0xffffffff;
  if (f & 0x30) a += (f & 0x10) ? load<u64>(S_FS_BASE) : load<u64>(S_GS_BASE);
  return a;
}

// @ts-ignore: decorator
@inline export function readE(d: usize, osz: u32): u64 {
  if (load<u8>(d, 8) & F_MEM) return rdN(ea(d), osz);
  return getReg(load<u8>(d, 5), osz);
}
// @ts-ignore: decorator
@inline export function writeE(d: usize, osz: u32, v: u64): void {
  if (load<u8>(d, 8) & F_MEM) wrN(ea(d), osz, v);
  else setReg(load<u8>(d, 5), osz, v);
}
// Segment base for string instructions and moffs (FS/GS overrides).
// @ts-ignore: decorator
@inline export function segBase(d: usize): u64 {
  const f = <u32>load<u8>(d, 8);
  if (f & 0x30) return (f & 0x10) ? load<u64>(S_FS_BASE) : load<u64>(S_GS_BASE);
  return 0;
}
