// Translated code: where the entry points are (JIT_HASH), and which blocks ask
// to be translated (JIT_QUEUE).
//
// A translation is one wasm function per region (blocks of one page reachable
// from a hot block), every block of it an entry point: (entry index, budget)
// -> instructions retired. JIT_HASH maps the physical address and virtual RIP
// of an entry to (function table index, entry index), tagged with the frame's
// generation when it was translated: a write to the frame since then makes it
// stale (core/blocks.ts). Direct-mapped: a collision forgets an entry (the
// block is interpreted, and asks again).
import {
  JIT_HASH, JIT_HASH_SIZE, JIT_QUEUE, JIT_QUEUE_SIZE, S_JIT_QLEN, S_JIT_HOT, TLB_XTAG, TLB_BASE, TLB_SIZE,
} from '../generated/layout';
import { frameGen } from '../blocks';

// +0 u32 phys (0: empty)  +4 u32 generation  +8 u32 function (table index)
// +12 u32 entry index  +16 u64 rip  +24 u32 module
const E: u32 = 32;

// Moves on with every installed module: a decoded block that found no
// translation looks again once it has.
export let installEpoch: u32 = 1;
// For the statistics: instructions retired in translations, and entries into them from run().
export let jitRetired: u64 = 0;
export let jitEntries: u64 = 0;
// @ts-ignore: decorator
@inline export function jitCounted(n: i32): void { jitRetired += <u64>n; jitEntries++; }
export function bumpInstallEpoch(): void { installEpoch++; }

// @ts-ignore: decorator
@inline function slot(phys: u32): usize {
  return JIT_HASH + ((((phys * 0x9E3779B1) >> 14) & (JIT_HASH_SIZE - 1)) * E);
}

// The entry for code at `phys` seen at `rip`, still current; 0 if none.
export function jitFind(phys: u32, rip: u64): usize {
  const e = slot(phys);
  if (load<u32>(e) != phys || load<u64>(e, 16) != rip) return 0;
  if (load<u32>(e, 4) != frameGen(phys & ~0xfff)) return 0;
  return e;
}

// A translation leaving for `rip` goes on in the translation there, when one is current and the
// page is in the fetch TLB, without returning to run() (translated code imports this): returns the
// instructions retired in all (`n` before), or -1 when it did not (run() then looks `rip` up,
// filling the TLB or raising the fault). Not a tail call (the translation modules would have to
// import the function table, and V8 updates every importing instance on each table change): the
// depth is bounded instead.
let chainDepth: u32 = 0;
const CHAIN_MAX: u32 = 32;
export function jitChain(rip: u64, budget: i32, n: i32): i32 {
  if (chainDepth >= CHAIN_MAX) return -1;
  const vpn = rip >> 12;
  const i = <usize>(vpn & <u64>(TLB_SIZE - 1));
  if (load<u64>(TLB_XTAG + (i << 3)) != vpn) return -1;
  const phys = load<u32>(TLB_BASE + (i << 2)) + (<u32>rip & 0xfff);
  const e = jitFind(phys, rip);
  if (!e) return -1;
  jitEntries++;
  chainDepth++;
  const r = call_indirect<i32>(load<u32>(e, 8), <i32>load<u32>(e, 12), budget, n);
  chainDepth--;
  return r;
}

export function jitAdd(phys: u32, rip: u64, gen: u32, fn: u32, entry: u32, mod: u32): void {
  const e = slot(phys);
  store<u32>(e, phys);
  store<u32>(e, gen, 4);
  store<u32>(e, fn, 8);
  store<u32>(e, entry, 12);
  store<u64>(e, rip, 16);
  store<u32>(e, mod, 24);
}

// A module is evicted: forget its entry points.
export function jitDropModule(mod: u32): void {
  for (let e: usize = JIT_HASH; e < JIT_HASH + JIT_HASH_SIZE * E; e += E) {
    if (load<u32>(e) != 0 && load<u32>(e, 24) == mod) store<u32>(e, 0);
  }
}

// Forget every translation (the JIT was turned off, or a test wants a clean state).
export function jitClear(): void {
  memory.fill(JIT_HASH, 0, JIT_HASH_SIZE * E);
  store<u32>(S_JIT_QLEN, 0);
  installEpoch++;
}

// A block at `rip` (physical `phys`) became hot: ask for its translation. False: the queue
// is full (the block asks again later).
export function jitRequest(rip: u64, phys: u32): bool {
  const n = load<u32>(S_JIT_QLEN);
  if (n >= JIT_QUEUE_SIZE) return false;
  const q = JIT_QUEUE + n * 16;
  store<u64>(q, rip);
  store<u32>(q, phys, 8);
  store<u32>(S_JIT_QLEN, n + 1);
  return true;
}

// @ts-ignore: decorator
@inline export function jitHot(): u32 { return load<u32>(S_JIT_HOT); }
