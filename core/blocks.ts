// The decoded-block cache, keyed by the physical (wasm) address of a block's
// first instruction. Frames that hold decoded code are marked in CODEMAP; the
// first write to such a frame through the TLB flushes the cache.
import { BC_HASH, BC_HASH_SIZE, BLOCKS, BLOCKS_END, CODEMAP, FRAMES, S_BC_NEXT, S_STOP } from './generated/layout';

// Counts flushes: block memory seen before a change of epoch has been reused.
export let flushEpoch: u32 = 0;

export function flushBlocks(): void {
  flushEpoch++;
  memory.fill(BC_HASH, 0, BC_HASH_SIZE * 8);
  memory.fill(CODEMAP, 0, BLOCKS - CODEMAP);
  store<u32>(S_BC_NEXT, BLOCKS);
  // a running block may have just been overwritten: finish the instruction, then look up again
  if (load<u32>(S_STOP) == 0) store<u32>(S_STOP, 2);
}

// @ts-ignore: decorator
@inline export function bcSlot(phys: u32): usize {
  return BC_HASH + ((((phys * 0x9E3779B1) >> 16) & (BC_HASH_SIZE - 1)) << 3);
}

export function markCode(frame: u32): void {
  store<u8>(CODEMAP + ((frame - FRAMES) >> 12), 1);
}

export function blocksFull(need: u32): bool {
  return load<u32>(S_BC_NEXT) + need > BLOCKS_END;
}

// A frame is being freed or remapped by the kernel.
export function frameChanged(frame: u32): void {
  if (load<u8>(CODEMAP + ((frame - FRAMES) >> 12))) flushBlocks();
}
