// The interpreter loop: look up (or decode) the block at RIP, run its records.
import {
  S_RIP, S_NEXT_RIP, S_STOP, S_ICOUNT, S_EXIT_REASON, S_EXIT_OP, S_EXIT_LEN, S_BC_NEXT,
  EXIT_BUDGET, EXIT_UD, INSN_SIZE, MAX_BLOCK_INSNS, FRAMES,
} from './generated/layout';
import { dispatch } from './generated/isa';
import { decode, decFault, decEnd } from './decode';
import { fetchAddr } from './mem';
import { bcSlot, markCode, blocksFull, flushBlocks, flushEpoch } from './blocks';
import { tlbDropWrites } from './mem';
import { exitWith, materialize } from './cpu';

const HDR: u32 = 16; // block header: u32 count, u32 linked block, u64 its rip (see run)
let scratch: usize = 0; // one-instruction block for code that crosses a page

// The block starting at `rip`, decoding it if needed; 0 if the fetch faulted.
function lookup(rip: u64): usize {
  const p = fetchAddr(rip);
  if (!p) return 0;
  const phys = <u32>p;
  const slot = bcSlot(phys);
  if (load<u32>(slot) == phys) return load<u32>(slot, 4);
  if (blocksFull(HDR + MAX_BLOCK_INSNS * INSN_SIZE)) {
    flushBlocks();
    store<u32>(S_STOP, 0); // no instruction is running: no need to end the (new) block early
  }
  const blk = <usize>load<u32>(S_BC_NEXT);
  let d = blk + HDR;
  let n: u32 = 0;
  let a = rip;
  let cacheable = true;
  while (n < MAX_BLOCK_INSNS) {
    const len = decode(a, d);
    if (decFault) {
      if (n == 0) return 0;
      // the faulting instruction starts the next block; its fault is raised only if it runs
      store<u32>(S_STOP, 0);
      store<u32>(S_EXIT_REASON, EXIT_BUDGET);
      break;
    }
    const crosses = ((a ^ (a + len - 1)) >> 12) != 0;
    if (crosses) {
      if (n > 0) break;
      cacheable = false; // its second page may be remapped independently
    }
    n++;
    a += len;
    d += INSN_SIZE;
    if (decEnd || crosses || (a & 0xfff) == 0) break;
  }
  store<u32>(blk, n);
  store<u64>(blk, <u64>-1, 8); // no link yet
  if (!cacheable) {
    // keep it outside the cache; it is run once and decoded again next time
    if (!scratch) scratch = heap.alloc(HDR + INSN_SIZE);
    memory.copy(scratch, blk, HDR + INSN_SIZE);
    return scratch;
  }
  store<u32>(S_BC_NEXT, <u32>d);
  const frame = phys & ~0xfff;
  markCode(frame);
  tlbDropWrites(frame);
  store<u32>(slot, phys);
  store<u32>(slot + 4, <u32>blk);
  return blk;
}

// Run exactly one instruction, the first of the block at RIP (ptrace's single-step: run() stops
// only between blocks). Returns the exit reason: EXIT_BUDGET when it completed normally.
export function runOne(): u32 {
  store<u32>(S_STOP, 0);
  store<u32>(S_EXIT_REASON, EXIT_BUDGET);
  let done: i64 = 0;
  const rip = load<u64>(S_RIP);
  const blk = lookup(rip);
  if (blk) {
    const d = blk + HDR;
    const op = <u32>load<u16>(d);
    if (op == 0) {
      store<u32>(S_EXIT_OP, 0);
      store<u32>(S_EXIT_LEN, load<u8>(d, 2));
      exitWith(EXIT_UD, false);
    } else {
      store<u64>(S_NEXT_RIP, rip + load<u8>(d, 2));
      dispatch(op, d);
      done++;
      if (load<u32>(S_STOP) == 1) done--; // a fault: the instruction did not complete
      else store<u64>(S_RIP, load<u64>(S_NEXT_RIP));
      store<u32>(S_STOP, 0);
    }
  }
  if (load<u32>(S_EXIT_REASON) == 1) done++;
  store<u64>(S_ICOUNT, load<u64>(S_ICOUNT) + <u64>done);
  materialize();
  return load<u32>(S_EXIT_REASON);
}

// Run up to about `budget` instructions. Returns the exit reason.
// Blocks are chained: a block remembers the block that last followed it when
// that one starts in the same virtual page (so in the same frame, and just as
// executable), and the next time goes there without the hash lookup. A link
// stays valid until the cache is flushed, which rewrites all block memory.
export function run(budget: i32): u32 {
  store<u32>(S_STOP, 0);
  store<u32>(S_EXIT_REASON, EXIT_BUDGET);
  let done: i64 = 0;
  let rip = load<u64>(S_RIP);
  let blk = lookup(rip);
  while (blk && done < budget) {
    const start = rip;
    const epoch = flushEpoch;
    const n = load<u32>(blk);
    let d = blk + HDR;
    for (let i: u32 = 0; i < n; i++) {
      const op = <u32>load<u16>(d);
      if (op == 0) {
        store<u32>(S_EXIT_OP, 0);
        store<u32>(S_EXIT_LEN, load<u8>(d, 2));
        exitWith(EXIT_UD, false);
        break;
      }
      const next = rip + load<u8>(d, 2);
      store<u64>(S_NEXT_RIP, next);
      dispatch(op, d);
      done++;
      const s = load<u32>(S_STOP);
      if (s) {
        if (s == 1) { done--; break; }
        store<u32>(S_STOP, 0);
        rip = load<u64>(S_NEXT_RIP);
        store<u64>(S_RIP, rip);
        break;
      }
      rip = load<u64>(S_NEXT_RIP);
      store<u64>(S_RIP, rip);
      d += INSN_SIZE;
    }
    if (load<u32>(S_STOP)) break;
    if (epoch != flushEpoch || blk == scratch || ((rip ^ start) >> 12) != 0) {
      blk = lookup(rip);
      continue;
    }
    if (load<u64>(blk, 8) == rip) {
      blk = <usize>load<u32>(blk, 4);
      continue;
    }
    const nb = lookup(rip);
    if (nb && nb != scratch && epoch == flushEpoch) {
      store<u32>(blk, <u32>nb, 4);
      store<u64>(blk, rip, 8);
    }
    blk = nb;
  }
  // an instruction that leaves run() after completing (syscall) counts as retired
  if (load<u32>(S_EXIT_REASON) == 1) done++;
  store<u64>(S_ICOUNT, load<u64>(S_ICOUNT) + <u64>done);
  materialize(); // the kernel reads RFLAGS directly
  return load<u32>(S_EXIT_REASON);
}
