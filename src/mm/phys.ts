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
      if (!this.budget.charge(PAGE_SIZE)) return 0;
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
}
