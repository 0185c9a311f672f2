// Physical memory: 4 KiB frames in the core's wasm memory, with reference
// counts for copy-on-write. Memory grows on demand up to the machine's limit;
// each frame is charged to the machine's memory budget when first used (the
// wasm memory never shrinks: a freed frame stays the host's, kept for reuse).
//
// A restored machine does not copy its memory in at once: a frame that only
// private pages map stays in the snapshot's pages (which every machine
// restored from one snapshot shares, read-only) until its first touch, when
// the page table's trap (address-space.ts) loads it. The host's memory then
// holds one copy of what the machines have not touched, and each machine's
// own copy of what it has.
import type { Core } from '../core/core.js';
import { MemoryBudget } from '../base/budget.js';
import { FRAMES, PAGE_SIZE } from '../generated/layout.js';

const GROW_PAGES = 256; // wasm pages (64 KiB) per grow: 16 MiB

// Frame contents as a snapshot keeps them: the indexes of the frames that are not zero, their pages.
export interface FrameDump { frames: Uint32Array; pages: Uint8Array }

export class PhysMem {
  private free: number[] = [];
  private top = FRAMES; // next never-used frame
  private refs: Uint32Array;
  readonly maxFrames: number;
  used = 0;
  // (host-side, not state) frames still in `store`: frame index → its page there, -1 once loaded
  private pending: Int32Array | null = null;
  private store: Uint8Array | null = null;
  private pendingCount = 0;
  // (host-side) the end of what this wasm memory has had written: what a restore must clear
  private written = FRAMES;
  // (host-side) the dump the last clone was made from, or the one this machine was restored from
  lastDump: FrameDump | undefined;

  constructor(private readonly core: Core, limitBytes: number, private readonly budget = new MemoryBudget()) {
    const cap = 0x1_0000_0000 - FRAMES; // 4 GiB of wasm memory
    this.maxFrames = Math.floor(Math.min(limitBytes, cap) / PAGE_SIZE);
    this.refs = new Uint32Array(this.maxFrames);
  }

  // Frames ever used (the wasm memory they take stays the host's).
  get touched(): number { return this.index(this.top); }
  private index(frame: number): number { return (frame - FRAMES) / PAGE_SIZE; }

  // A zeroed frame, or 0 when the machine's memory is exhausted.
  alloc(): number {
    let f = this.free.pop();
    if (f === undefined) {
      if (this.index(this.top) >= this.maxFrames) return 0;
      if (!this.budget.charge(PAGE_SIZE, false)) return 0;
      const needEnd = this.top + PAGE_SIZE;
      const mem = this.core.memory;
      if (needEnd > mem.buffer.byteLength) {
        const want = Math.ceil((needEnd - mem.buffer.byteLength) / 65536);
        const max = 65536 - mem.buffer.byteLength / 65536;
        try {
          mem.grow(Math.min(Math.max(want, GROW_PAGES), max));
        } catch {
          this.budget.uncharge(PAGE_SIZE);
          return 0; // the host refused: behave as out of memory
        }
        this.core.refresh();
      }
      f = this.top;
      this.top += PAGE_SIZE;
      this.written = Math.max(this.written, this.top);
    } else {
      // (a translation may have been made from it since it was freed: its new contents make that stale)
      this.core.frameChanged(f);
      this.core.bytes.fill(0, f, f + PAGE_SIZE);
    }
    this.refs[this.index(f)] = 1;
    this.used++;
    return f;
  }
  ref(frame: number): void { this.refs[this.index(frame)]++; }
  refcount(frame: number): number { return this.refs[this.index(frame)]; }
  unref(frame: number): void {
    const i = this.index(frame);
    if (--this.refs[i] === 0) {
      if (this.pending && this.pending[i] >= 0) { this.pending[i] = -1; this.pendingCount--; }
      this.core.frameChanged(frame);
      this.free.push(frame);
      this.used--;
    }
  }

  // --- snapshots -------------------------------------------------------------------
  // The contents of the frames in use, zero pages left out (frames not loaded yet come from the
  // store). Given the last dump, and nothing has changed since, that dump itself: clones made one
  // after another share their pages.
  dumpFrames(last?: FrameDump): FrameDump {
    const n = this.index(this.top);
    const keep: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!this.refs[i]) continue;
      if (!zero(this.page(i))) keep.push(i);
    }
    if (last && last.frames.length === keep.length && keep.every((f, j) => last.frames[j] === f && same(this.page(f), last.pages, j))) return last;
    const pages = new Uint8Array(keep.length * PAGE_SIZE);
    keep.forEach((i, j) => pages.set(this.page(i), j * PAGE_SIZE));
    return { frames: Uint32Array.from(keep), pages };
  }
  // Frame `i`'s contents, wherever they are now.
  private page(i: number): Uint8Array {
    const slot = this.pending ? this.pending[i] : -1;
    if (slot >= 0) return this.store!.subarray(slot * PAGE_SIZE, (slot + 1) * PAGE_SIZE);
    return this.core.bytes.subarray(FRAMES + i * PAGE_SIZE, FRAMES + (i + 1) * PAGE_SIZE);
  }
  // Take a dump back: memory grows to hold every frame this allocator has handed out, and every
  // frame is pending (load, loadRest) with `d.pages` as its store, which is never written. False when
  // the host will not give that much memory, or the dump does not fit this machine.
  loadFrames(d: FrameDump): boolean {
    const mem = this.core.memory;
    const n = this.index(this.top);
    if (d.pages.length !== d.frames.length * PAGE_SIZE || n > this.maxFrames) return false;
    if (this.top > mem.buffer.byteLength) {
      try { mem.grow(Math.ceil((this.top - mem.buffer.byteLength) / 65536)); } catch { return false; }
      this.core.refresh();
    }
    // (what this machine used before: the rest of the memory is new, and zero)
    this.core.bytes.fill(0, FRAMES, this.written);
    this.written = Math.max(this.written, this.top);
    const pending = new Int32Array(n).fill(-1);
    let count = 0;
    for (let j = 0; j < d.frames.length; j++) {
      const i = d.frames[j];
      if (i >= n || pending[i] >= 0) return false;
      if (!this.refs[i]) continue;
      pending[i] = j;
      count++;
    }
    this.pending = pending;
    this.store = d.pages;
    this.pendingCount = count;
    this.lastDump = d;
    return true;
  }
  // Whether `frame` is still in the store.
  deferred(frame: number): boolean {
    return this.pending !== null && this.pending[this.index(frame)] >= 0;
  }
  // Copy `frame` in from the store, if it is still there.
  load(frame: number): void {
    const i = this.index(frame);
    const slot = this.pending ? this.pending[i] : -1;
    if (slot < 0) return;
    this.core.bytes.set(this.store!.subarray(slot * PAGE_SIZE, (slot + 1) * PAGE_SIZE), frame);
    this.pending![i] = -1;
    if (--this.pendingCount === 0) { this.pending = null; this.store = null; }
  }
  // Load every pending frame but those `lazy` keeps for their first touch.
  loadRest(lazy: (frame: number) => boolean): void {
    if (!this.pending) return;
    for (let i = 0; this.pending && i < this.pending.length; i++) {
      const f = FRAMES + i * PAGE_SIZE;
      if (this.pending[i] >= 0 && !lazy(f)) this.load(f);
    }
    if (this.pendingCount === 0) { this.pending = null; this.store = null; }
  }
  // Frames still in the store (not loaded yet).
  get deferredFrames(): number { return this.pendingCount; }
}

// Whether a page is all zero (a snapshot leaves such pages out).
function zero(a: Uint8Array): boolean {
  if (a.byteOffset % 4 === 0) return !new Int32Array(a.buffer, a.byteOffset, PAGE_SIZE / 4).some((w) => w !== 0);
  return !a.some((b) => b !== 0);
}
// Whether `a` is page `j` of `pages`.
function same(a: Uint8Array, pages: Uint8Array, j: number): boolean {
  const b = pages.subarray(j * PAGE_SIZE, (j + 1) * PAGE_SIZE);
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const x = new Int32Array(a.buffer, a.byteOffset, PAGE_SIZE / 4), y = new Int32Array(b.buffer, b.byteOffset, PAGE_SIZE / 4);
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
    return true;
  }
  for (let k = 0; k < PAGE_SIZE; k++) if (a[k] !== b[k]) return false;
  return true;
}
