// Physical memory: 4 KiB frames in the core's wasm memory, with reference
// counts for copy-on-write. Memory grows on demand up to the machine's limit;
// each frame is charged to the machine's memory budget when first used (the
// wasm memory never shrinks: a freed frame stays the host's, kept for reuse).
import type { Core } from '../core/core.js';
import { MemoryBudget } from '../base/budget.js';
import { FRAMES, PAGE_SIZE } from '../generated/layout.js';

const GROW_PAGES = 256; // wasm pages (64 KiB) per grow: 16 MiB

export class PhysMem {
  private free: number[] = [];
  private top = FRAMES; // next never-used frame
  private refs: Uint32Array;
  readonly maxFrames: number;
  used = 0;

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
      this.core.frameChanged(frame);
      this.free.push(frame);
      this.used--;
    }
  }

  // --- snapshots -------------------------------------------------------------------
  // The contents of the frames in use, zero pages left out: [frame indexes, their pages].
  dumpFrames(): { frames: Uint32Array; pages: Uint8Array } {
    const mem = this.core.bytes;
    const n = this.index(this.top);
    const keep: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!this.refs[i]) continue;
      const at = FRAMES + i * PAGE_SIZE;
      const words = new Uint32Array(mem.buffer, at, PAGE_SIZE / 4);
      if (words.some((w) => w !== 0)) keep.push(i);
    }
    const pages = new Uint8Array(keep.length * PAGE_SIZE);
    keep.forEach((i, j) => pages.set(mem.subarray(FRAMES + i * PAGE_SIZE, FRAMES + (i + 1) * PAGE_SIZE), j * PAGE_SIZE));
    return { frames: Uint32Array.from(keep), pages };
  }
  // Put a dump back: memory grows to hold every frame this allocator has handed out. False when
  // the host will not give that much memory, or the dump does not fit this machine.
  loadFrames(d: { frames: Uint32Array; pages: Uint8Array }): boolean {
    const mem = this.core.memory;
    if (d.pages.length !== d.frames.length * PAGE_SIZE || this.index(this.top) > this.maxFrames) return false;
    if (this.top > mem.buffer.byteLength) {
      try { mem.grow(Math.ceil((this.top - mem.buffer.byteLength) / 65536)); } catch { return false; }
      this.core.refresh();
    }
    const bytes = this.core.bytes;
    bytes.fill(0, FRAMES, this.top);
    for (let j = 0; j < d.frames.length; j++) {
      const i = d.frames[j];
      if (i >= this.index(this.top)) return false;
      bytes.set(d.pages.subarray(j * PAGE_SIZE, (j + 1) * PAGE_SIZE), FRAMES + i * PAGE_SIZE);
    }
    return true;
  }
}
