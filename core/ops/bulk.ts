// Bulk forward copies for REP MOVS: as many whole elements as fit in the
// current page of both source and destination, when they do not overlap.
import { hostR, hostW } from '../mem';

// Copy up to `n` elements of `size` bytes from src to dst; returns how many were copied (0: do one the slow way).
export function hostRange(src: u64, dst: u64, n: u64, size: u64): u64 {
  const roomS = <u64>0x1000 - (src & 0xfff), roomD = <u64>0x1000 - (dst & 0xfff);
  let bytes = roomS < roomD ? roomS : roomD;
  if (bytes > n * size) bytes = n * size;
  const cnt = bytes / size;
  if (cnt < 2) return 0;
  bytes = cnt * size;
  if (!(dst <= src || dst >= src + bytes)) return 0; // overlapping forward copy repeats a pattern
  const ps = hostR(src, <u32>bytes);
  if (!ps) return 0;
  const pd = hostW(dst, <u32>bytes);
  if (!pd) return 0;
  memory.copy(pd, ps, <usize>bytes);
  return cnt;
}
