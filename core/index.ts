// core.wasm: an x86-64 CPU (user mode). Knows x86, not Linux.
export { run } from './run';
export { tlbFlush, tlbInvalidate, ptWalk } from './mem';
export { flushBlocks, frameChanged } from './blocks';
import { decode } from './decode';
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
// The record decodeAt fills (see decode.ts for its fields), for the disassembler.
export function decodeRecord(): usize { return probe; }
