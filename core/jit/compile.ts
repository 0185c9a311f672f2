// Translation: the queued hot blocks become regions (the blocks of one page
// reachable from the hot one by direct branches, fallthroughs and call return
// points), each region one wasm function, all of them one module written to
// JIT_OUT. src/core/jit.ts compiles the module off the hot path and installs
// its functions in the table; jitInstall then registers their entry points.
//
// A function: (entry index, budget, retired before it) -> instructions retired. Guest registers
// it touches live in locals, loaded on entry and written back on the way out;
// the lazy flags too. Its blocks sit in a loop around a br_table on the entry
// index: a branch to a block of the region is wasm control flow (a backward
// one checks the budget first), a branch elsewhere leaves with RIP set.
import * as W from './wasm';
import * as E from './emit';
import { canEmit, emit, regsOf } from './insn';
import { canEmitSse, emitSse, regsOfSse, afterSse } from './emit-sse';
import { decode, decFault, decEnd, decodeFrame } from '../decode';
import {
  FORM_H, FORM_ARG, FORM_RF, FORM_WF, FORM_GPR, GPR_ALL, GPR_RG, GPR_RE, GPR_WG, GPR_WE, GPR_RB, GPR_WB,
  H_jcc, H_jmp_J, H_call_J, H_ret, H_jmp_E, H_call_E,
} from '../generated/isa';
import { JIT_WORK, JIT_OUT, JIT_QUEUE, S_JIT_QLEN, S_STOP, S_RIP, S_NEXT_RIP, INSN_SIZE, FRAMES } from '../generated/layout';
import { frameGen, markCode, bcSlot } from '../blocks';
import { tlbDropWrites } from '../mem';
import { jitAdd, bumpInstallEpoch, jitHot } from './cache';

const MAXB: u32 = 64; // blocks per region
const MAXI: u32 = 512; // instructions per region
const MAXBI: u32 = 64; // instructions per block
export const FMAX: u32 = 32; // functions per module

// Working memory.
const RECS: usize = JIT_WORK; // [MAXI] decoded records
const RIPS: usize = RECS + MAXI * INSN_SIZE; // [MAXI] u64
const BLKS: usize = RIPS + MAXI * 8; // [MAXB] blocks, B bytes each
const B: usize = 48;
// a block: +0 u64 rip  +8 u32 first instruction  +12 u32 count  +16 u32 end  +20 i32 taken block
// +24 i32 fall block  +28 u32 1: a call returns here  +32 u64 taken rip  +40 u64 fall rip  +44: (rip hi)
const PEND: usize = BLKS + MAXB * B; // the module waiting to be installed: [FMAX] of 16 bytes
const PENDE: usize = PEND + FMAX * 16; // its entry points: [FMAX][MAXB] of (u64 rip, u32 phys, u32 block)

// How a block ends.
const END_FALL: u32 = 0, END_JMP: u32 = 1, END_JCC: u32 = 2, END_CALL: u32 = 3, END_RET: u32 = 4,
  END_JMPE: u32 = 5, END_CALLE: u32 = 6, END_HANDLER: u32 = 7;

let nb: u32 = 0, ni: u32 = 0;
let pendCount: u32 = 0;

// @ts-ignore: decorator
@inline function blk(j: u32): usize { return BLKS + <usize>j * B; }
// @ts-ignore: decorator
@inline function rec(i: u32): usize { return RECS + <usize>i * INSN_SIZE; }
// @ts-ignore: decorator
@inline function ripOf(i: u32): u64 { return load<u64>(RIPS + <usize>i * 8); }

function findBlock(rip: u64): i32 {
  for (let j: u32 = 0; j < nb; j++) if (load<u64>(blk(j)) == rip) return <i32>j;
  return -1;
}

// --- regions -------------------------------------------------------------------------------
// Whether the interpreter ran the block at `phys` (in the current generation of its frame): a
// region takes only code that ran, since compiling costs far more than interpreting cold code.
function ran(phys: u32): bool {
  const slot = bcSlot(phys);
  if (load<u32>(slot) != phys) return false;
  const b = <usize>load<u32>(slot, 4);
  return load<u32>(b, 16) == frameGen(phys & ~0xfff) && (load<u32>(b, 20) & 0x7fffffff) != 0;
}

// Decode the region of the page holding `entry` (its frame at `frame`). Returns the block count.
function discover(entry: u64, frame: usize): u32 {
  nb = 0; ni = 0;
  // (a threshold under 16 asks for eager translation, tests mostly: the rest of the page has had no
  // chance to run yet, and would each ask for a region of its own)
  const hot = jitHot();
  decodeFrame(frame, entry >> 12);
  const queue = changetype<usize>(PENDE + FMAX * MAXB * 16); // [MAXB] u64 addresses to visit
  let qh: u32 = 0, qt: u32 = 0;
  store<u64>(queue, entry); qt = 1;
  while (qh < qt && nb < MAXB && ni < MAXI - MAXBI) {
    const start = load<u64>(queue + (<usize>qh << 3));
    qh++;
    if (findBlock(start) >= 0) continue;
    if (nb > 0 && hot >= 16 && !ran(<u32>frame | (<u32>start & 0xfff))) continue;
    const b = blk(nb++);
    store<u64>(b, start);
    store<u32>(b, ni, 8);
    store<u32>(b, 0, 28);
    let a = start;
    let n: u32 = 0;
    let end = END_FALL;
    while (true) {
      if (n > 0 && findBlock(a) >= 0) break; // runs into a block already there
      const d = rec(ni);
      const len = decode(a, d);
      if (decFault || load<u16>(d) == 0) break; // leaves the page, or #UD: the interpreter takes it
      store<u64>(RIPS + <usize>ni * 8, a);
      ni++; n++;
      a += len;
      if (decEnd) {
        const h = FORM_H[load<u16>(d)];
        if (h == H_jcc) end = END_JCC;
        else if (h == H_jmp_J) end = END_JMP;
        else if (h == H_call_J) end = END_CALL;
        else if (h == H_ret) end = END_RET;
        else if (h == H_jmp_E) end = END_JMPE;
        else if (h == H_call_E) end = END_CALLE;
        else end = END_HANDLER;
        if (end == END_JCC || end == END_JMP || end == END_CALL) {
          const t = a + load<u64>(d, 16);
          store<u64>(b, t, 32);
          if ((t >> 12) == (entry >> 12) && qt < MAXB) { store<u64>(queue + (<usize>qt << 3), t); qt++; }
        }
        break;
      }
      if ((a & 0xfff) == 0 || n >= MAXBI) break;
    }
    store<u32>(b, n, 12);
    store<u32>(b, end, 16);
    store<u64>(b, a, 40); // the address after the block: fallthrough, return point
    // a fallthrough (and a call's return point) in the page is part of the region
    if (end != END_JMP && end != END_RET && end != END_JMPE && (a >> 12) == (entry >> 12) && qt < MAXB) {
      store<u64>(queue + (<usize>qt << 3), a);
      qt++;
    }
  }
  decodeFrame(0, 0);
  // resolve branch targets to blocks; mark call return points
  for (let j: u32 = 0; j < nb; j++) {
    const b = blk(j);
    const end = load<u32>(b, 16);
    store<i32>(b, end == END_JCC || end == END_JMP || end == END_CALL ? findBlock(load<u64>(b, 32)) : -1, 20);
    // (a block with no instruction, its first one not translatable, leaves for the interpreter)
    store<i32>(b, load<u32>(b, 12) ? findBlock(load<u64>(b, 40)) : -1, 24);
    if (end == END_CALL || end == END_CALLE) {
      const f = findBlock(load<u64>(b, 40));
      if (f >= 0) store<u32>(blk(<u32>f), 1, 28);
    }
  }
  return nb;
}

// --- a function ------------------------------------------------------------------------------
let lblDisp: i32 = 0;
let curBlock: u32 = 0;
const lblX = memory.data(MAXB * 4); // per block: the label that leaves its code (its fallthrough)
const lblL = memory.data(MAXB * 4); // per block: the loop label at its start

// Go to `rip` after the block's instructions (all counted in $n).
function goTo(rip: u64, j: i32): void {
  if (j < 0) { E.exitTo(rip, 0); return; }
  const u = <u32>j;
  if (u <= curBlock) { // backward: the budget may be spent
    W.get(E.L_N); W.get(E.L_BUDGET); W.op(W.I32_GE_S);
    W.if_(); E.exitTo(rip, 0); W.end();
  }
  if (u == curBlock) W.br(load<i32>(lblL + (curBlock << 2)));
  else if (u == curBlock + 1) W.br(load<i32>(lblX + (curBlock << 2)));
  else { W.i32c(<i32>u); W.set(E.L_ENTRY); W.br(lblDisp); }
}
// Go to the address in local t (i64): a block of the region among the candidates, else leave.
function goToDynamic(t: u32, retPoints: bool): void {
  for (let j: u32 = 0; j < nb; j++) {
    const b = blk(j);
    if (load<u32>(b, 12) == 0) continue;
    if (retPoints && !load<u32>(b, 28)) continue;
    W.get(t); W.i64c(<i64>load<u64>(b)); W.op(W.I64_EQ);
    W.if_(); goTo(load<u64>(b), <i32>j); W.end();
  }
  W.get(t); E.exitToStack(0);
}

// An instruction through its interpreter handler. `last`: it ends the block (the
// handler chose the next RIP). The handler gets in memory what it reads of the
// registers and flags held in locals, and they take back what it writes
// (FORM_GPR, FORM_RF, FORM_WF: from the table).
function viaHandler(count: u32, last: bool): void {
  const d = E.cur;
  const id = <u32>load<u16>(d);
  const g = <u32>FORM_GPR[id];
  let rd: u32 = 0xffff, wr: u32 = 0xffff, flIn = true, flOut = true;
  if (!(g & GPR_ALL) && !last) {
    const mem = E.isMem(d), reg = <u32>load<u8>(d, 4), rm = <u32>load<u8>(d, 5), vvvv = <u32>load<u8>(d, 25);
    rd = mem ? E.eaRegs(d) : 0;
    wr = 0;
    if (g & GPR_RG) rd |= E.regBit(reg);
    if ((g & GPR_RE) && !mem) rd |= E.regBit(rm);
    if (g & GPR_RB) rd |= 1 << vvvv;
    if (g & GPR_WG) wr |= E.regBit(reg);
    if ((g & GPR_WE) && !mem) wr |= E.regBit(rm);
    if (g & GPR_WB) wr |= 1 << vvvv;
    flIn = (FORM_RF[id] | FORM_WF[id]) != 0;
    flOut = FORM_WF[id] != 0;
  }
  E.storeRegs(rd & E.writtenRegs);
  if (flIn) E.spillFlags();
  E.callHandler();
  E.loadRegs(wr & E.usedRegs);
  if (flOut) E.reloadFlags();
  // STOP = 1: it faulted or left the core (RIP set by it); STOP = 2: leave after it
  W.i32c(S_STOP); W.mem(W.I32_LOAD, 2, 0); W.tee(E.L_I + 1);
  W.if_();
  W.get(E.L_I + 1); W.i32c(1); W.op(W.I32_EQ);
  W.if_();
  W.i32c(0); W.mem(W.I64_LOAD, 3, S_RIP); E.exitToStack(E.curK);
  W.end();
  W.i32c(S_STOP); W.i32c(0); W.mem(W.I32_STORE, 2, 0);
  W.i32c(0); W.mem(W.I64_LOAD, 3, S_NEXT_RIP); E.exitToStack(E.curK + 1);
  W.end();
  if (last) {
    E.addN(count);
    W.i32c(0); W.mem(W.I64_LOAD, 3, S_NEXT_RIP); W.set(E.L_T);
    goToDynamic(E.L_T, false);
  }
}

// An SSE/AVX form through its fast path (emit-sse.ts), the handler where that cannot.
function viaFastPath(count: u32, d: usize): void {
  const done = W.block();
  const slow = W.block();
  emitSse(d, slow);
  W.br(done);
  W.end();
  viaHandler(count, false);
  W.end();
  afterSse(d);
}

// Read the 64-bit E operand of a control transfer into local t.
function readTarget(d: usize, t: u32): void {
  if (E.isMem(d)) { E.ea(d); W.set(E.L_T + 4); E.memLoad(E.L_T + 4, 3); W.set(t); }
  else { W.get(E.gl(load<u8>(d, 5))); W.set(t); }
}
// Push RSP - 8 <- the local v; RSP updated only after the store.
function pushQ(v: u32): void {
  W.get(E.gl(4)); W.i64c(8); W.op(W.I64_SUB); W.set(E.L_T + 4);
  E.memStore(E.L_T + 4, v, 3);
  W.get(E.L_T + 4); W.set(E.gl(4));
}

function emitBlock(j: u32): void {
  curBlock = j;
  const b = blk(j);
  const first = load<u32>(b, 8), count = load<u32>(b, 12), end = load<u32>(b, 16);
  E.flagsUnknown();
  const last = count > 0 && end != END_FALL ? count - 1 : count;
  for (let k: u32 = 0; k < last; k++) {
    const d = rec(first + k);
    E.setCur(d, ripOf(first + k), k);
    if (canEmit(d)) { emit(d); E.endInsn(); }
    else if (canEmitSse(d)) viaFastPath(count, d);
    else viaHandler(count, false);
  }
  if (end == END_FALL) {
    E.addN(count);
    goTo(load<u64>(b, 40), load<i32>(b, 24));
    return;
  }
  const d = rec(first + last);
  E.setCur(d, ripOf(first + last), last);
  const taken = load<u64>(b, 32), fall = load<u64>(b, 40);
  const tj = load<i32>(b, 20), fj = load<i32>(b, 24);
  switch (end) {
    case END_JMP: E.addN(count); goTo(taken, tj); return;
    case END_JCC:
      E.cond(<u32>FORM_ARG[load<u16>(d)]);
      E.addN(count);
      W.if_(); goTo(taken, tj); W.end();
      goTo(fall, fj);
      return;
    case END_CALL:
      W.i64c(<i64>fall); W.set(E.L_T);
      pushQ(E.L_T);
      E.endInsn(taken);
      E.addN(count);
      goTo(taken, tj);
      return;
    case END_RET: {
      W.get(E.gl(4)); W.set(E.L_T + 4);
      E.memLoad(E.L_T + 4, 3); W.set(E.L_T);
      W.get(E.L_T + 4); W.i64c(8 + load<i64>(d, 16)); W.op(W.I64_ADD); W.set(E.gl(4));
      E.endInsn(0, E.L_T);
      E.addN(count);
      goToDynamic(E.L_T, true);
      return;
    }
    case END_JMPE:
      readTarget(d, E.L_T);
      E.endInsn(0, E.L_T);
      E.addN(count);
      goToDynamic(E.L_T, false);
      return;
    case END_CALLE:
      readTarget(d, E.L_T + 1);
      W.i64c(<i64>fall); W.set(E.L_T);
      pushQ(E.L_T);
      E.endInsn(0, E.L_T + 1);
      E.addN(count);
      goToDynamic(E.L_T + 1, false);
      return;
    default:
      viaHandler(count, true);
  }
}

// The registers the region's inline instructions use (low 16 bits) and write (high).
function regionRegs(): u32 {
  let used: u32 = 0, written: u32 = 0;
  for (let j: u32 = 0; j < nb; j++) {
    const b = blk(j);
    const first = load<u32>(b, 8), count = load<u32>(b, 12), end = load<u32>(b, 16);
    for (let k: u32 = 0; k < count; k++) {
      const d = rec(first + k);
      const isEnd = k == count - 1 && end != END_FALL;
      let r: u32 = 0;
      if (isEnd) {
        if (end == END_CALL || end == END_RET) r = 0x10 | 0x100000;
        else if (end == END_JMPE || end == END_CALLE) {
          r = E.isMem(d) ? E.eaRegs(d) : E.regBit(load<u8>(d, 5));
          if (end == END_CALLE) r |= 0x10 | 0x100000;
        }
      } else if (canEmit(d)) r = regsOf(d);
      else if (canEmitSse(d)) r = regsOfSse(d);
      used |= r & 0xffff;
      written |= r >> 16;
    }
  }
  return used | written | (written << 16);
}

// Leaving for RIP, the state in memory: when nothing stops the run (no fault, no request to
// stop, budget left) and RIP has a current translation, go on there (core/jit/cache.ts jitChain)
// instead of returning to run(): it continues the count of retired instructions.
function chain(): void {
  const t = E.L_I;
  W.i32c(S_STOP); W.mem(W.I32_LOAD, 2, 0); W.op(W.I32_EQZ);
  W.get(E.L_N); W.get(E.L_BUDGET); W.op(W.I32_LT_S);
  W.op(W.I32_AND);
  W.if_();
  W.get(E.L_RIP); W.get(E.L_BUDGET); W.get(E.L_N); W.call(E.F_NEXT); W.tee(t);
  W.i32c(0); W.op(W.I32_GE_S);
  W.if_(); W.get(t); W.op(W.RETURN); W.end();
  W.end();
}

function emitFunction(): void {
  const body = W.sizeSlot();
  E.declareLocals();
  const regs = regionRegs();
  E.setRegs(regs & 0xffff, regs >> 16);
  E.loadRegs(regs & 0xffff);
  E.reloadFlags();
  const wb = W.block();
  const nowb = W.block();
  E.setExitLabels(wb, nowb);
  lblDisp = W.loop();
  const outer = W.lvl;
  for (let j: u32 = 0; j < nb; j++) W.block();
  // br_table: entry j goes to the end of block label j (innermost is block 0)
  W.get(E.L_ENTRY);
  W.byte(W.BR_TABLE);
  W.uleb(nb);
  for (let j: u32 = 0; j < nb; j++) W.uleb(j);
  W.uleb(nb - 1);
  for (let j: u32 = 0; j < nb; j++) {
    W.end();
    store<i32>(lblX + (j << 2), W.block());
    store<i32>(lblL + (j << 2), W.loop());
    emitBlock(j);
    W.end();
    W.end();
  }
  if (W.lvl != outer) W.op(W.UNREACHABLE);
  W.op(W.UNREACHABLE);
  W.end(); // the dispatch loop
  W.op(W.UNREACHABLE);
  W.end(); // nowb: the state is in memory already
  W.get(E.L_N); W.op(W.RETURN);
  W.end(); // wb
  E.storeRegs(E.writtenRegs);
  E.spillFlags();
  W.i32c(0); W.get(E.L_RIP); W.mem(W.I64_STORE, 3, S_RIP);
  chain();
  W.get(E.L_N);
  W.op(W.END);
  W.patchSize(body);
}
// A function for a request that gave no region: never installed.
function emitStub(): void {
  const body = W.sizeSlot();
  W.uleb(0);
  W.i32c(0);
  W.op(W.END);
  W.patchSize(body);
}

// --- the module ---------------------------------------------------------------------------------
function typeSection(): void {
  W.byte(1);
  const s = W.sizeSlot();
  W.uleb(7);
  // 0: (i32 i32 i32) -> i32  a translation: (entry index, budget, retired so far) -> retired
  W.byte(0x60); W.uleb(3); W.byte(W.T_I32); W.byte(W.T_I32); W.byte(W.T_I32); W.uleb(1); W.byte(W.T_I32);
  // 1: (i32) -> ()  step(record)
  W.byte(0x60); W.uleb(1); W.byte(W.T_I32); W.uleb(0);
  // 2: (i64 i32) -> i64  rd(address, size)
  W.byte(0x60); W.uleb(2); W.byte(W.T_I64); W.byte(W.T_I32); W.uleb(1); W.byte(W.T_I64);
  // 3: (i64 i64 i32) -> ()  wr(address, value, size)
  W.byte(0x60); W.uleb(3); W.byte(W.T_I64); W.byte(W.T_I64); W.byte(W.T_I32); W.uleb(0);
  // 4: (i32) -> i32  cond(cc)
  W.byte(0x60); W.uleb(1); W.byte(W.T_I32); W.uleb(1); W.byte(W.T_I32);
  // 5: (i64 i32) -> ()  rd128 / wr128 (address, wasm address)
  W.byte(0x60); W.uleb(2); W.byte(W.T_I64); W.byte(W.T_I32); W.uleb(0);
  // 6: (i64 i32 i32) -> i32  next(rip, budget, retired)
  W.byte(0x60); W.uleb(3); W.byte(W.T_I64); W.byte(W.T_I32); W.byte(W.T_I32); W.uleb(1); W.byte(W.T_I32);
  W.patchSize(s);
}
function importFunc(name: string, type: u32): void {
  W.name('c'); W.name(name); W.byte(0); W.uleb(type);
}
function importSection(): void {
  W.byte(2);
  const s = W.sizeSlot();
  W.uleb(1 + E.N_IMPORTS);
  W.name('c'); W.name('m'); W.byte(2); W.byte(0); W.uleb(1); // memory, min 1 page
  importFunc('step', 1);
  importFunc('rd', 2);
  importFunc('wr', 3);
  importFunc('cond', 4);
  importFunc('rd128', 5);
  importFunc('wr128', 5);
  importFunc('next', 6);
  W.patchSize(s);
}

// Whether a region before function i of the module being made has an entry at `rip`.
function covered(i: u32, rip: u64): bool {
  for (let f: u32 = 0; f < i; f++) {
    const ne = load<u32>(PEND + f * 16, 8);
    for (let e: u32 = 0; e < ne; e++) if (load<u64>(PENDE + (<usize>(f * MAXB + e) << 4)) == rip) return true;
  }
  return false;
}

// Translate the queued requests into one module at JIT_OUT. Returns its size in
// bytes (0: nothing to do; JIT_OUT too small); jitFunctions() tells how many functions.
export function jitCompile(): u32 {
  let n = load<u32>(S_JIT_QLEN);
  if (n == 0) return 0;
  if (n > FMAX) n = FMAX;
  W.reset();
  W.byte(0); W.byte(0x61); W.byte(0x73); W.byte(0x6d); W.byte(1); W.byte(0); W.byte(0); W.byte(0);
  typeSection();
  importSection();
  W.byte(3);
  let s = W.sizeSlot();
  W.uleb(n);
  for (let i: u32 = 0; i < n; i++) W.uleb(0);
  W.patchSize(s);
  W.byte(7);
  s = W.sizeSlot();
  W.uleb(n);
  for (let i: u32 = 0; i < n; i++) {
    W.uleb(3); W.byte(0x66); W.byte(0x30 + (i / 10)); W.byte(0x30 + (i % 10)); // "f" and two digits
    W.byte(0); W.uleb(E.N_IMPORTS + i);
  }
  W.patchSize(s);
  W.byte(10);
  s = W.sizeSlot();
  W.uleb(n);
  for (let i: u32 = 0; i < n; i++) {
    const q = JIT_QUEUE + i * 16;
    const rip = load<u64>(q);
    const phys = load<u32>(q, 8);
    const frame = phys & ~0xfff;
    const p = PEND + i * 16;
    // (its code may have been written since it was decoded, the frame then no longer marked as
    // code: marked again, any write from now on moves its generation on, and the translation
    // made from these bytes is not installed, or no longer found)
    if (frame >= FRAMES) { markCode(frame); tlbDropWrites(frame); }
    store<u32>(p, frame);
    store<u32>(p, frameGen(frame), 4);
    store<u32>(p, 0, 8);
    if (frame < FRAMES || covered(i, rip) || discover(rip, frame) == 0 || load<u32>(blk(0), 12) == 0) {
      emitStub();
      continue;
    }
    emitFunction();
    // its entry points: every block with instructions
    let e: u32 = 0;
    for (let j: u32 = 0; j < nb; j++) {
      const b = blk(j);
      if (load<u32>(b, 12) == 0) continue;
      const pe = PENDE + (<usize>(i * MAXB + e) << 4);
      const r = load<u64>(b);
      store<u64>(pe, r);
      store<u32>(pe, frame | (<u32>r & 0xfff), 8);
      store<u32>(pe, j, 12);
      e++;
    }
    store<u32>(p, e, 8);
  }
  W.patchSize(s);
  // the rest of the queue moves up
  const left = load<u32>(S_JIT_QLEN) - n;
  memory.copy(JIT_QUEUE, JIT_QUEUE + n * 16, left * 16);
  store<u32>(S_JIT_QLEN, left);
  pendCount = n;
  if (W.overflow) { pendCount = 0; return 0; }
  return <u32>(W.pos - JIT_OUT);
}
export function jitFunctions(): u32 { return pendCount; }

// The module's function i is table entry base + i (module number `mod`): its entry
// points become current, unless their frame changed since they were translated.
export function jitInstall(base: u32, mod: u32): u32 {
  let installed: u32 = 0;
  for (let i: u32 = 0; i < pendCount; i++) {
    const p = PEND + i * 16;
    const frame = load<u32>(p);
    const ne = load<u32>(p, 8);
    if (!ne || frameGen(frame) != load<u32>(p, 4)) continue;
    for (let e: u32 = 0; e < ne; e++) {
      const pe = PENDE + (<usize>(i * MAXB + e) << 4);
      jitAdd(load<u32>(pe, 8), load<u64>(pe), load<u32>(p, 4), base + i, load<u32>(pe, 12), mod);
    }
    installed++;
  }
  pendCount = 0;
  bumpInstallEpoch();
  return installed;
}
