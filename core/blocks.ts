// The decoded-block cache, keyed by the physical (wasm) address of a block's
// first instruction, and the code map: per frame, whether it holds decoded code
// (bit 0) and its generation (bits 1..). A write to a frame that holds code
// (through the TLB, or by the kernel: frameChanged) invalidates that frame only:
// its generation moves on, and the blocks and translations made from the old
// generation are no longer found (they carry the generation they were made in).
import { BC_HASH, BC_HASH_SIZE, BLOCKS, BLOCKS_END, CODEMAP, FRAMES, S_BC_NEXT, S_STOP } from './generated/layout';

// Counts flushes: block memory seen before a change of epoch has been reused.
export let flushEpoch: u32 = 0;
// Counts frame invalidations (for the statistics).
export let invalidations: u32 = 0;

// Drop every decoded block (the block memory is full). Translations stay.
export function flushBlocks(): void {
  flushEpoch++;
  memory.fill(BC_HASH, 0, BC_HASH_SIZE * 8);
  store<u32>(S_BC_NEXT, BLOCKS);
  // a running block may have just been overwritten: finish the instruction, then look up again
  if (load<u32>(S_STOP) == 0) store<u32>(S_STOP, 2);
}

// @ts-ignore: decorator
@inline export function bcSlot(phys: u32): usize {
  return BC_HASH + ((((phys * 0x9E3779B1) >> 16) & (BC_HASH_SIZE - 1)) << 3);
}

// @ts-ignore: decorator
@inline export function codeMap(frame: u32): usize { return CODEMAP + ((frame - FRAMES) >> 10); }
// The frame's current generation (for blocks and translations made from it).
// @ts-ignore: decorator
@inline export function frameGen(frame: u32): u32 { return load<u32>(codeMap(frame)) >> 1; }
// @ts-ignore: decorator
@inline export function holdsCode(frame: u32): bool { return (load<u32>(codeMap(frame)) & 1) != 0; }

export function markCode(frame: u32): void {
  const p = codeMap(frame);
  store<u32>(p, load<u32>(p) | 1);
}

export function blocksFull(need: u32): bool {
  return load<u32>(S_BC_NEXT) + need > BLOCKS_END;
}

// The frame's code changed: its blocks and translations are stale. A running
// block or translation ends after the current instruction (STOP = 2).
export function invalidateFrame(frame: u32): void {
  const p = codeMap(frame);
  const v = load<u32>(p);
  if (!(v & 1)) return;
  store<u32>(p, (v + 2) & ~1);
  invalidations++;
  if (load<u32>(S_STOP) == 0) store<u32>(S_STOP, 2);
}

// A frame is being written, freed or remapped by the kernel.
export function frameChanged(frame: u32): void {
  if (load<u32>(codeMap(frame)) & 1) invalidateFrame(frame);
}
