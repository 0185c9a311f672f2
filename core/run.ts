// The run loop: look up (or decode) the block at RIP; run its translation when
// it has one (core/jit), else interpret its records, counting how often it
// runs so that a hot block asks to be translated.
import {
  S_RIP, S_NEXT_RIP, S_GPR, S_STOP, S_ICOUNT, S_EXIT_REASON, S_EXIT_OP, S_EXIT_LEN, S_BC_NEXT,
  EXIT_BUDGET, EXIT_UD, EXIT_JIT, INSN_SIZE, MAX_BLOCK_INSNS, S_JIT_SYNC,
} from './generated/layout';
import { dispatch } from './generated/isa';
import { decode, decFault, decEnd } from './decode';
import { fetchAddr } from './mem';
import { bcSlot, markCode, blocksFull, flushBlocks, flushEpoch, frameGen } from './blocks';
import { tlbDropWrites } from './mem';
import { exitWith, materialize } from './cpu';
import { jitFind, jitRequest, jitHot, installEpoch, jitCounted } from './jit/cache';

// Block header, then its records:
//   +0 u32 count  +4 u32 linked block  +8 u64 its rip (see run)  +16 u32 frame generation
//   +20 u32 executions (at S_JIT_HOT it asks to be translated; see run)  +24 u32 translation (table index, 0 none)
//   +28 u16 its entry index  +30 u16 installEpoch when last looked up  +32 u64 the rip it was looked up for
export const HDR: u32 = 48;
let scratch: usize = 0; // one-instruction block for code that crosses a page

// Fill in the block's translation, if one is installed for (phys, rip).
function jitProbe(blk: usize, phys: u32, rip: u64): void {
  store<u16>(blk, <u16>installEpoch, 30);
  store<u64>(blk, rip, 32);
  const e = jitFind(phys, rip);
  if (e) {
    store<u32>(blk, load<u32>(e, 8), 24);
    store<u16>(blk, <u16>load<u32>(e, 12), 28);
  } else store<u32>(blk, 0, 24);
}

// The block starting at `rip`, decoding it if needed; 0 if the fetch faulted.
function lookup(rip: u64): usize {
  const p = fetchAddr(rip);
  if (!p) return 0;
  const phys = <u32>p;
  const slot = bcSlot(phys);
  if (load<u32>(slot) == phys) {
    const blk = <usize>load<u32>(slot, 4);
    if (load<u32>(blk, 16) == frameGen(phys & ~0xfff)) {
      if (load<u64>(blk, 32) != rip || load<u16>(blk, 30) != <u16>installEpoch) jitProbe(blk, phys, rip);
      return blk;
    }
  }
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
  const frame = phys & ~0xfff;
  store<u32>(blk, n);
  store<u64>(blk, <u64>-1, 8); // no link yet
  store<u32>(blk, frameGen(frame), 16);
  store<u32>(blk, 0, 20);
  store<u32>(blk, 0, 24);
  if (!cacheable) {
    // keep it outside the cache; it is run once and decoded again next time
    if (!scratch) scratch = heap.alloc(HDR + INSN_SIZE);
    memory.copy(scratch, blk, HDR + INSN_SIZE);
    store<u64>(scratch, rip, 32);
    store<u32>(scratch, 0x80000000, 20); // (never hot: it cannot be translated)
    return scratch;
  }
  jitProbe(blk, phys, rip);
  store<u32>(S_BC_NEXT, <u32>d);
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
// stays valid while the frame keeps its generation and the cache is not flushed.
export function run(budget: i32): u32 {
  store<u32>(S_STOP, 0);
  store<u32>(S_EXIT_REASON, EXIT_BUDGET);
  let done: i64 = 0;
  let rip = load<u64>(S_RIP);
  let blk = lookup(rip);
  const hot = jitHot();
  while (blk && done < budget) {
    const fn = load<u32>(blk, 24);
    // (JIT_HOT = 0: the JIT is off, or suspended while a debugger is attached)
    if (fn && hot && load<u64>(blk, 32) == rip) {
      // translated: it runs until it leaves its region, exits or spends the budget
      const r = call_indirect<i32>(fn, <i32>load<u16>(blk, 28), <i32>(<i64>budget - done), 0);
      done += <i64>r;
      jitCounted(r);
      const s = load<u32>(S_STOP);
      if (s == 1) break;
      store<u32>(S_STOP, 0);
      rip = load<u64>(S_RIP);
      blk = lookup(rip);
      continue;
    }
    const start = rip;
    const epoch = flushEpoch;
    let early = false;
    const n = load<u32>(blk);
    if (hot) {
      const h = load<u32>(blk, 20) + 1;
      store<u32>(blk, h, 20);
      if (h == hot) {
        // It asks again if it is still interpreted after as many runs (the queue was full), or
        // after 8 times as many (its translation was not installed, or was lost: its frame changed
        // meanwhile, its entry's slot in the table was taken); the count wraps through 0. (Under
        // a threshold of 16, eager translation for tests, it asks once.)
        if (!jitRequest(rip, <u32>fetchAddr(rip))) store<u32>(blk, 0, 20);
        else if (hot >= 16) store<u32>(blk, 0 - 7 * hot, 20);
        // (synchronous translation, for tests: leave before the block, to be translated now)
        if (load<u32>(S_JIT_SYNC)) { store<u32>(S_EXIT_REASON, EXIT_JIT); break; }
      }
    }
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
        early = true;
        rip = load<u64>(S_NEXT_RIP);
        store<u64>(S_RIP, rip);
        break;
      }
      rip = load<u64>(S_NEXT_RIP);
      store<u64>(S_RIP, rip);
      d += INSN_SIZE;
    }
    if (load<u32>(S_STOP)) break;
    // (a block that ended early, STOP = 2, may have changed its own frame: look up again)
    if (early || epoch != flushEpoch || blk == scratch || ((rip ^ start) >> 12) != 0) {
      blk = lookup(rip);
      continue;
    }
    if (load<u64>(blk, 8) == rip) {
      const nb = <usize>load<u32>(blk, 4);
      if (load<u32>(nb, 16) == load<u32>(blk, 16)) {
        if (load<u16>(nb, 30) != <u16>installEpoch || load<u64>(nb, 32) != rip) jitProbe(nb, <u32>fetchAddr(rip), rip);
        blk = nb;
        continue;
      }
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
