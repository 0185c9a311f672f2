// The page cache of shared mappings: one frame per (file, page) while any
// MAP_SHARED mapping has that page present, so that every shared mapping of a
// file, in any process, sees the same bytes. read(2) and write(2) go through
// the same frames (patchRead/patchWrite) so that a store through a mapping is
// visible to read(2) at once and a write(2) is visible in the mapping, as on
// Linux. Dirty pages reach the file at msync, at munmap and at exit (when the
// last mapping of the page goes away).
//
// A file is keyed by its inode (the file system's node object), so two
// descriptions of one file share pages. MAP_SHARED|MAP_ANONYMOUS memory is a
// SharedMemory object keyed by itself, so that a child that first touches a
// page after fork still shares it with its parent.
import type { Core } from '../core/core.js';
import type { PhysMem } from './phys.js';
import { MemoryBudget } from '../base/budget.js';
import { PAGE_SIZE } from '../generated/layout.js';

export interface PageSource {
  // Read the page at `offset` into `into` (PAGE_SIZE bytes, zero beyond EOF).
  readPage(offset: number, into: Uint8Array): void;
  // Write back a page (clipped to the file's size by the source).
  writePage?(offset: number, data: Uint8Array): void;
}

interface CachedPage { frame: number; dirty: boolean; source: PageSource }

export class PageCache {
  // key -> page index -> page
  private readonly files = new Map<object, Map<number, CachedPage>>();
  private readonly buf = new Uint8Array(PAGE_SIZE);

  constructor(private readonly core: Core, private readonly phys: PhysMem, readonly budget = new MemoryBudget()) {}

  get empty(): boolean { return this.files.size === 0; }
  // Pages held: [all, those of shared memory (MAP_SHARED|MAP_ANONYMOUS, SysV shm)], for /proc/meminfo.
  pages(): [number, number] {
    let all = 0, shared = 0;
    for (const [key, m] of this.files) { all += m.size; if (key instanceof SharedMemory) shared += m.size; }
    return [all, shared];
  }
  has(key: object): boolean { return this.files.has(key); }

  // The frame of page `index` of `key`, read from `source` if not cached, with
  // one more reference for the caller's page-table entry. 0 when memory is out.
  acquire(key: object, index: number, source: PageSource): number {
    let pages = this.files.get(key);
    const hit = pages?.get(index);
    if (hit) {
      this.phys.ref(hit.frame);
      return hit.frame;
    }
    const frame = this.phys.alloc();
    if (!frame) return 0;
    source.readPage(index * PAGE_SIZE, this.buf);
    this.core.bytes.set(this.buf, frame);
    if (!pages) this.files.set(key, (pages = new Map()));
    pages.set(index, { frame, dirty: false, source });
    this.phys.ref(frame); // one for the cache, one for the caller
    return frame;
  }

  // The cached frame of a page, or 0 (for private faults, which copy it).
  peek(key: object, index: number): number {
    return this.files.get(key)?.get(index)?.frame ?? 0;
  }

  // A page-table entry for a cached page goes away; `dirty` if it was written
  // through it. The page is written back and dropped when no mapping is left.
  release(key: object, index: number, frame: number, dirty: boolean): void {
    const pages = this.files.get(key);
    const p = pages?.get(index);
    if (!pages || !p || p.frame !== frame) { this.phys.unref(frame); return; }
    p.dirty ||= dirty;
    this.phys.unref(frame);
    if (this.phys.refcount(frame) > 1) return;
    this.writeBack(index, p);
    pages.delete(index);
    if (!pages.size) this.files.delete(key);
    this.phys.unref(frame);
  }

  // msync: mark a page dirty (from a page-table entry) and write it back.
  sync(key: object, index: number, dirty: boolean): void {
    const p = this.files.get(key)?.get(index);
    if (!p) return;
    p.dirty ||= dirty;
    this.writeBack(index, p);
  }

  private writeBack(index: number, p: CachedPage): void {
    if (!p.dirty) return;
    p.dirty = false;
    p.source.writePage?.(index * PAGE_SIZE, this.core.bytes.slice(p.frame, p.frame + PAGE_SIZE));
  }

  // Bytes just read by read(2) at `pos`: cached pages hold the current contents.
  patchRead(key: object, pos: number, data: Uint8Array): void {
    this.forRange(key, pos, data.length, (frame, fileOff, len, dataOff) => {
      data.set(this.core.bytes.subarray(frame + fileOff, frame + fileOff + len), dataOff);
    });
  }

  // Bytes just written by write(2) at `pos`: mappings see them at once.
  patchWrite(key: object, pos: number, data: Uint8Array): void {
    this.forRange(key, pos, data.length, (frame, fileOff, len, dataOff) => {
      this.core.bytes.set(data.subarray(dataOff, dataOff + len), frame + fileOff);
      this.core.frameChanged(frame);
    });
  }

  // A hole was punched in [pos, pos+len): cached bytes there read back as zero.
  zeroRange(key: object, pos: number, len: number): void {
    this.forRange(key, pos, len, (frame, fileOff, n) => {
      this.core.bytes.fill(0, frame + fileOff, frame + fileOff + n);
      this.core.frameChanged(frame);
    });
  }

  // The file was truncated to `size`: cached bytes beyond it read back as zero.
  truncated(key: object, size: number): void {
    const pages = this.files.get(key);
    if (!pages) return;
    for (const [index, p] of pages) {
      const start = index * PAGE_SIZE;
      if (start + PAGE_SIZE <= size) continue;
      const from = Math.max(0, size - start);
      this.core.bytes.fill(0, p.frame + from, p.frame + PAGE_SIZE);
      this.core.frameChanged(p.frame);
    }
  }

  private forRange(key: object, pos: number, len: number, fn: (frame: number, pageOff: number, len: number, dataOff: number) => void): void {
    const pages = this.files.get(key);
    if (!pages || len <= 0) return;
    const first = Math.floor(pos / PAGE_SIZE), last = Math.floor((pos + len - 1) / PAGE_SIZE);
    if (last - first + 1 > pages.size) {
      for (const [index, p] of pages) if (index >= first && index <= last) this.visit(index, p.frame, pos, len, fn);
    } else {
      for (let index = first; index <= last; index++) {
        const p = pages.get(index);
        if (p) this.visit(index, p.frame, pos, len, fn);
      }
    }
  }
  private visit(index: number, frame: number, pos: number, len: number, fn: (frame: number, pageOff: number, len: number, dataOff: number) => void): void {
    const start = index * PAGE_SIZE;
    const from = Math.max(pos, start), to = Math.min(pos + len, start + PAGE_SIZE);
    if (to > from) fn(frame, from - start, to - from, from - pos);
  }
}

// MAP_SHARED|MAP_ANONYMOUS memory and System V segments: pages live in the
// page cache while mapped and here when no mapping has them present, charged
// to the machine's memory; all of it goes when nothing holds the object (no
// VMA maps it, no segment keeps it).
export class SharedMemory implements PageSource {
  readonly cacheKey: object = this;
  private readonly budget: MemoryBudget;
  private holds = 0;
  constructor(cache: PageCache) { this.budget = cache.budget; }
  readonly name = '/dev/zero (deleted)';
  readonly anonymous = true;
  private pages = new Map<number, Uint8Array>();
  readPage(offset: number, into: Uint8Array): void {
    const p = this.pages.get(offset);
    if (p) into.set(p);
    else into.fill(0);
  }
  writePage(offset: number, data: Uint8Array): void {
    // a write-back cannot fail (the bytes would be lost): charged even past the limit, which the
    // next allocations then find used up
    if (!this.pages.has(offset)) this.budget.force(PAGE_SIZE);
    this.pages.set(offset, data.slice());
  }
  hold(): void { this.holds++; }
  drop(): void {
    if (--this.holds > 0) return;
    this.budget.uncharge(this.pages.size * PAGE_SIZE);
    this.pages = new Map();
  }
}
