// core.wasm: an x86-64 CPU (user mode). Knows x86, not Linux.
export { run, runOne } from './run';
export { tlbFlush, tlbInvalidate, ptWalk } from './mem';
export { flushBlocks, frameChanged, invalidations } from './blocks';
export { jitCompile, jitFunctions, jitInstall } from './jit/compile';
export { jitDropModule, jitClear, jitRetired, jitEntries, jitChain } from './jit/cache';
import { decode, decodeFrom, decFault } from './decode';
import { dispatch } from './generated/isa';
import { cond } from './cpu';
import { rdN, wrN, rd64, wr64, probeR, probeW } from './mem';
import { S_EXIT_LEN } from './generated/layout';

// Decode one instruction at `addr` for diagnostics; returns its table id (0 unknown), EXIT_LEN its length.
const probe = memory.data(32, 16);
export function decodeAt(addr: u64): u32 {
  const n = decode(addr, probe);
  store<u32>(S_EXIT_LEN, n);
  return load<u16>(probe);
}
export { step } from './step';
export { watchSet } from './watch';
import { watchHitAddr, watchHitKind } from './watch';
// What the last step() that returned EXIT_WATCH touched: the range's kind and start.
export function watchHit(): u32 { return watchHitKind; }
export function watchHitAt(): u64 { return watchHitAddr; }
// The record decodeAt and decodeBytes fill (see decode.ts for its fields), for the disassembler.
export function decodeRecord(): usize { return probe; }
// Decode the `len` (<= 16) bytes put at decodeBuffer(): the table id, 0 when unknown (EXIT_LEN
// its length) or when the bytes end inside the instruction (EXIT_LEN 0).
const insnBytes = memory.data(16, 16);
export function decodeBuffer(): usize { return insnBytes; }
export function decodeBytes(len: u32): u32 {
  decodeFrom(insnBytes, len < 16 ? len : 16);
  const n = decode(0, probe);
  const cut = decFault;
  decodeFrom(0, 0);
  store<u32>(S_EXIT_LEN, cut ? 0 : n);
  return cut ? 0 : load<u16>(probe);
}

// What translated code calls (core/jit/emit.ts imports them): an instruction's
// handler, the memory slow paths, a condition from the lazy flags in memory.
export function jitStep(d: usize): void { dispatch(<u32>load<u16>(d), d); }
export function jitRd(addr: u64, osz: u32): u64 { return rdN(addr, osz); }
export function jitWr(addr: u64, v: u64, osz: u32): void { wrN(addr, osz, v); }
export function jitCond(cc: u32): u32 { return cond(cc) ? 1 : 0; }
export function jitRd128(addr: u64, dst: usize): void {
  if (!probeR(addr, 16)) return;
  store<u64>(dst, rd64(addr));
  store<u64>(dst, rd64(addr + 8), 8);
}
export function jitWr128(addr: u64, src: usize): void {
  if (!probeW(addr, 16)) return;
  wr64(addr, load<u64>(src));
  wr64(addr + 8, load<u64>(src, 8));
}
