// Guest memory: page-table walk, software TLB, and the load/store primitives.
// A failed access sets EXIT_REASON = EXIT_PAGEFAULT and STOP, and returns 0;
// the caller must not commit anything after it (see stopped()).
import {
  S_PT_ROOT, S_STOP, S_EXIT_REASON, S_EXIT_ADDR, S_EXIT_ACCESS,
  TLB_RTAG, TLB_WTAG, TLB_XTAG, TLB_BASE, TLB_SIZE,
  PTE_P, PTE_R, PTE_W, PTE_X, EXIT_PAGEFAULT, PTE_DIRTY, PTE_ACCESSED,
} from './generated/layout';
import { holdsCode, invalidateFrame } from './blocks';
import { watchArmed, watchPage } from './watch';

// The kernel resolves demand paging, copy-on-write and stack growth
// synchronously; it returns 1 when the access may be retried.
// @ts-ignore: decorator
@external("env", "pageFault")
declare function hostPageFault(addr: u64, access: u32): u32;

export const ACC_R: u32 = 1, ACC_W: u32 = 2, ACC_X: u32 = 4;
const TLB_MASK: u64 = <u64>(TLB_SIZE - 1);

export function tlbFlush(): void {
  memory.fill(TLB_RTAG, 0xff, TLB_SIZE * 8);
  memory.fill(TLB_WTAG, 0xff, TLB_SIZE * 8);
  memory.fill(TLB_XTAG, 0xff, TLB_SIZE * 8);
}

// Forget write permission for every TLB entry that maps `frame`.
export function tlbDropWrites(frame: u32): void {
  for (let i: u32 = 0; i < TLB_SIZE; i++) {
    if (load<u32>(TLB_BASE + (i << 2)) == frame) store<u64>(TLB_WTAG + (i << 3), <u64>-1);
  }
}

// The leaf entry for `addr` in the current page table, 0 if none.
export function ptWalk(addr: u64): u32 {
  if (addr >> 47) return 0; // not a user address
  let t = load<u32>(S_PT_ROOT);
  let e = load<u32>(t + ((<u32>(addr >> 39) & 511) << 2));
  if (!(e & PTE_P)) return 0;
  e = load<u32>((e & ~0xfff) + ((<u32>(addr >> 30) & 511) << 2));
  if (!(e & PTE_P)) return 0;
  e = load<u32>((e & ~0xfff) + ((<u32>(addr >> 21) & 511) << 2));
  if (!(e & PTE_P)) return 0;
  const leafAddr = (e & ~0xfff) + ((<u32>(addr >> 12) & 511) << 2);
  return load<u32>(leafAddr);
}

// Address of the page-table leaf slot for `addr`, 0 if its tables are missing.
function ptLeafSlot(addr: u64): usize {
  if (addr >> 47) return 0;
  let t = load<u32>(S_PT_ROOT);
  let e = load<u32>(t + ((<u32>(addr >> 39) & 511) << 2));
  if (!(e & PTE_P)) return 0;
  e = load<u32>((e & ~0xfff) + ((<u32>(addr >> 30) & 511) << 2));
  if (!(e & PTE_P)) return 0;
  e = load<u32>((e & ~0xfff) + ((<u32>(addr >> 21) & 511) << 2));
  if (!(e & PTE_P)) return 0;
  return (e & ~0xfff) + ((<u32>(addr >> 12) & 511) << 2);
}

function fault(addr: u64, access: u32): u32 {
  store<u64>(S_EXIT_ADDR, addr);
  store<u32>(S_EXIT_ACCESS, access);
  store<u32>(S_EXIT_REASON, EXIT_PAGEFAULT);
  store<u32>(S_STOP, 1);
  return 0;
}

// Translate for `access` of `n` bytes at `addr`, filling the TLB. Returns the frame's wasm
// address, 0 on fault.
export function tlbFill(addr: u64, access: u32, n: u32): u32 {
  for (let tries = 0; tries < 3; tries++) {
    const slot = ptLeafSlot(addr);
    const e: u32 = slot ? load<u32>(slot) : 0;
    const need: u32 = access == ACC_R ? PTE_R : access == ACC_W ? PTE_W : PTE_X;
    if ((e & PTE_P) && (e & need)) {
      const frame = e & ~0xfff;
      store<u32>(slot, e | PTE_ACCESSED | (access == ACC_W ? PTE_DIRTY : 0));
      if (access == ACC_W) {
        // self-modifying or reused code page: its blocks and translations are stale
        if (holdsCode(frame)) invalidateFrame(frame);
        // a write that needed the kernel (copy-on-write) may have given the page a new
        // frame: the running code, decoded from the old one, ends after this instruction
        else if (tries > 0 && load<u32>(S_STOP) == 0) store<u32>(S_STOP, 2);
      }
      // a debugger's watched page stays out of the TLB: its every access comes here
      if (watchArmed && watchPage(addr, n, access)) return frame;
      const vpn = addr >> 12;
      const i = <u32>(vpn & TLB_MASK);
      const base = load<u32>(TLB_BASE + (i << 2));
      if (base != frame) {
        store<u64>(TLB_RTAG + (i << 3), <u64>-1);
        store<u64>(TLB_WTAG + (i << 3), <u64>-1);
        store<u64>(TLB_XTAG + (i << 3), <u64>-1);
        store<u32>(TLB_BASE + (i << 2), frame);
      } else {
        // the same slot may hold another virtual page of this frame
        if (load<u64>(TLB_RTAG + (i << 3)) != vpn) store<u64>(TLB_RTAG + (i << 3), <u64>-1);
        if (load<u64>(TLB_WTAG + (i << 3)) != vpn) store<u64>(TLB_WTAG + (i << 3), <u64>-1);
        if (load<u64>(TLB_XTAG + (i << 3)) != vpn) store<u64>(TLB_XTAG + (i << 3), <u64>-1);
      }
      if (access == ACC_W) {
        store<u64>(TLB_WTAG + (i << 3), vpn);
      } else if (access == ACC_R) {
        store<u64>(TLB_RTAG + (i << 3), vpn);
      } else {
        store<u64>(TLB_XTAG + (i << 3), vpn);
      }
      if (e & PTE_R) store<u64>(TLB_RTAG + (i << 3), vpn);
      return frame;
    }
    if (!hostPageFault(addr, access | (e & PTE_P ? 0x100 : 0))) break;
  }
  return fault(addr, access);
}

// @ts-ignore: decorator
@inline function hostAddr(addr: u64, access: u32, tags: usize, n: u32): usize {
  const vpn = addr >> 12;
  const i = <usize>(vpn & TLB_MASK);
  if (load<u64>(tags + (i << 3)) == vpn) return <usize>load<u32>(TLB_BASE + (i << 2)) + (<usize>(<u32>addr & 0xfff));
  const f = tlbFill(addr, access, n);
  return f ? <usize>f + <usize>(<u32>addr & 0xfff) : <usize>0;
}

// Per-byte slow paths for accesses that cross a page boundary.
function rdSplit(addr: u64, n: u32): u64 {
  let v: u64 = 0;
  // probe both pages first so a fault leaves nothing half done
  if (!hostAddr(addr, ACC_R, TLB_RTAG, 1) || !hostAddr(addr + n - 1, ACC_R, TLB_RTAG, 1)) return 0;
  for (let k: u32 = 0; k < n; k++) {
    const p = hostAddr(addr + k, ACC_R, TLB_RTAG, 1);
    v |= (<u64>load<u8>(p)) << (k << 3);
  }
  return v;
}
function wrSplit(addr: u64, n: u32, v: u64): void {
  if (!hostAddr(addr, ACC_W, TLB_WTAG, 1) || !hostAddr(addr + n - 1, ACC_W, TLB_WTAG, 1)) return;
  for (let k: u32 = 0; k < n; k++) {
    const p = hostAddr(addr + k, ACC_W, TLB_WTAG, 1);
    store<u8>(p, <u8>(v >> (k << 3)));
  }
}

// @ts-ignore: decorator
@inline export function rd8(addr: u64): u64 {
  const p = hostAddr(addr, ACC_R, TLB_RTAG, 1);
  return p ? <u64>load<u8>(p) : 0;
}
// @ts-ignore: decorator
@inline export function rd16(addr: u64): u64 {
  if ((<u32>addr & 0xfff) > 0xffe) return rdSplit(addr, 2);
  const p = hostAddr(addr, ACC_R, TLB_RTAG, 2);
  return p ? <u64>load<u16>(p) : 0;
}
// @ts-ignore: decorator
@inline export function rd32(addr: u64): u64 {
  if ((<u32>addr & 0xfff) > 0xffc) return rdSplit(addr, 4);
  const p = hostAddr(addr, ACC_R, TLB_RTAG, 4);
  return p ? <u64>load<u32>(p) : 0;
}
// @ts-ignore: decorator
@inline export function rd64(addr: u64): u64 {
  if ((<u32>addr & 0xfff) > 0xff8) return rdSplit(addr, 8);
  const p = hostAddr(addr, ACC_R, TLB_RTAG, 8);
  return p ? load<u64>(p) : 0;
}
// @ts-ignore: decorator
@inline export function wr8(addr: u64, v: u64): void {
  const p = hostAddr(addr, ACC_W, TLB_WTAG, 1);
  if (p) store<u8>(p, <u8>v);
}
// @ts-ignore: decorator
@inline export function wr16(addr: u64, v: u64): void {
  if ((<u32>addr & 0xfff) > 0xffe) { wrSplit(addr, 2, v); return; }
  const p = hostAddr(addr, ACC_W, TLB_WTAG, 2);
  if (p) store<u16>(p, <u16>v);
}
// @ts-ignore: decorator
@inline export function wr32(addr: u64, v: u64): void {
  if ((<u32>addr & 0xfff) > 0xffc) { wrSplit(addr, 4, v); return; }
  const p = hostAddr(addr, ACC_W, TLB_WTAG, 4);
  if (p) store<u32>(p, <u32>v);
}
// @ts-ignore: decorator
@inline export function wr64(addr: u64, v: u64): void {
  if ((<u32>addr & 0xfff) > 0xff8) { wrSplit(addr, 8, v); return; }
  const p = hostAddr(addr, ACC_W, TLB_WTAG, 8);
  if (p) store<u64>(p, v);
}
export function rdN(addr: u64, osz: u32): u64 {
  if (osz == 3) return rd64(addr);
  if (osz == 2) return rd32(addr);
  if (osz == 1) return rd16(addr);
  return rd8(addr);
}
export function wrN(addr: u64, osz: u32, v: u64): void {
  if (osz == 3) wr64(addr, v);
  else if (osz == 2) wr32(addr, v);
  else if (osz == 1) wr16(addr, v);
  else wr8(addr, v);
}
// Probe that `n` bytes at addr are writable (for instructions with several stores).
export function probeW(addr: u64, n: u32): bool {
  return hostAddr(addr, ACC_W, TLB_WTAG, n) != 0 && hostAddr(addr + n - 1, ACC_W, TLB_WTAG, 1) != 0;
}
export function probeR(addr: u64, n: u32): bool {
  return hostAddr(addr, ACC_R, TLB_RTAG, n) != 0 && hostAddr(addr + n - 1, ACC_R, TLB_RTAG, 1) != 0;
}
// Instruction fetch translation: wasm address of the byte at `addr`, 0 on fault.
export function fetchAddr(addr: u64): usize {
  return hostAddr(addr, ACC_X, TLB_XTAG, 1);
}
// Wasm addresses for bulk operations of `n` bytes inside one page; 0 on fault.
export function hostR(addr: u64, n: u32): usize { return hostAddr(addr, ACC_R, TLB_RTAG, n); }
export function hostW(addr: u64, n: u32): usize { return hostAddr(addr, ACC_W, TLB_WTAG, n); }
// The kernel changed the mapping of the page holding `addr`.
export function tlbInvalidate(addr: u64): void {
  const vpn = addr >> 12;
  const i = <u32>(vpn & TLB_MASK);
  if (load<u64>(TLB_RTAG + (i << 3)) == vpn || load<u64>(TLB_WTAG + (i << 3)) == vpn || load<u64>(TLB_XTAG + (i << 3)) == vpn) {
    store<u64>(TLB_RTAG + (i << 3), <u64>-1);
    store<u64>(TLB_WTAG + (i << 3), <u64>-1);
    store<u64>(TLB_XTAG + (i << 3), <u64>-1);
  }
}
