// One instruction, for a debugger: single steps, and running while watchpoints
// are set. The instruction is decoded afresh (the block cache is not used, so
// bytes the debugger just wrote are seen) and runs alone; run() is untouched.
import {
  S_RIP, S_NEXT_RIP, S_STOP, S_ICOUNT, S_EXIT_REASON, S_EXIT_OP, S_EXIT_LEN,
  EXIT_BUDGET, EXIT_UD, EXIT_SYSCALL, EXIT_WATCH, INSN_SIZE,
} from './generated/layout';
import { dispatch } from './generated/isa';
import { decode, decFault } from './decode';
import { tlbFlush, tlbInvalidate } from './mem';
import { exitWith, materialize } from './cpu';
import { watchArm, watchCount, watchPages, watchStart, watchEnd, watchHitKind } from './watch';

const rec = memory.data(INSN_SIZE, 16);
const INVALIDATE_MAX: u32 = 16; // pages; beyond, the whole TLB is flushed

// Run the instruction at RIP. Returns the exit reason: EXIT_BUDGET when it ran
// (EXIT_WATCH when it also touched a watched range), else as run() reports.
export function step(): u32 {
  store<u32>(S_STOP, 0);
  store<u32>(S_EXIT_REASON, EXIT_BUDGET);
  armWatches();
  const rip = load<u64>(S_RIP);
  const len = decode(rip, rec);
  let done: u64 = 0;
  if (!decFault) {
    const op = <u32>load<u16>(rec);
    if (op == 0) {
      store<u32>(S_EXIT_OP, 0);
      store<u32>(S_EXIT_LEN, len);
      exitWith(EXIT_UD, false);
    } else {
      store<u64>(S_NEXT_RIP, rip + len);
      dispatch(op, rec);
      if (load<u32>(S_STOP) != 1) {
        // STOP 2 (the block cache was flushed, or a REP goes on later) ends nothing here
        store<u64>(S_RIP, load<u64>(S_NEXT_RIP));
        done = 1;
      } else if (load<u32>(S_EXIT_REASON) == EXIT_SYSCALL) done = 1;
    }
  }
  store<u32>(S_STOP, 0);
  const hit = watchHitKind;
  watchArm(false);
  store<u64>(S_ICOUNT, load<u64>(S_ICOUNT) + done);
  materialize();
  const reason = load<u32>(S_EXIT_REASON);
  return reason == EXIT_BUDGET && hit ? EXIT_WATCH : reason;
}

// Watched pages may be in the TLB (run() fills it): drop them before the instruction.
function armWatches(): void {
  const n = watchCount();
  watchArm(true);
  if (!n) return;
  if (watchPages(INVALIDATE_MAX) > INVALIDATE_MAX) tlbFlush();
  else {
    for (let i: u32 = 0; i < n; i++) {
      const end = watchEnd(i);
      for (let a = watchStart(i) & ~<u64>0xfff; a < end; a += 0x1000) tlbInvalidate(a);
    }
  }
}
