// An address space: the VMAs of a process and its page table in the core's
// memory (4 levels of 512 u32 entries: frame address | PTE bits). Demand paging,
// copy-on-write and stack growth are resolved in fault(), which the core calls
// synchronously from its TLB miss path.
import type { Core } from '../core/core.js';
import type { PhysMem } from './phys.js';
import type { PageCache, PageSource } from './page-cache.js';
import { PTE_P, PTE_R, PTE_W, PTE_X, PTE_COW, PTE_DIRTY, PTE_LAZY, PTE_LAZY_SHIFT, PAGE_SIZE } from '../generated/layout.js';

export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
export const PAGE = PAGE_SIZE;
export const TASK_SIZE = 0x8000_0000_0000; // user addresses are below 2^47
export const STACK_TOP = 0x7fff_ffff_f000;
export const MMAP_BASE = 0x7fff_f7ff_f000;
export const STACK_MAX = 8 * 1024 * 1024;

// A mapped file: its pages (readPage, and writePage for MAP_SHARED write-back: see PageSource).
export interface MappedFile extends PageSource {
  // Whether `offset` is at or beyond the end of the file: such a page faults with SIGBUS, as on Linux.
  beyondEnd?(offset: number): boolean;
  readonly name: string;
  readonly dev?: number;
  readonly ino?: number;
  // Key in the page cache (the file's inode): shared mappings of one file
  // share frames and private faults copy cached pages.
  readonly cacheKey?: object;
  // MAP_SHARED|MAP_ANONYMOUS memory (charged to the commit limit like private memory).
  readonly anonymous?: boolean;
  // A VMA of it is made (hold) or goes away (drop): a file's data outlives its last name while
  // mapped, and shared memory lives while mapped.
  hold?(): void;
  drop?(): void;
}

// `m` seen with another inode number or page-cache key (the page operations are m's).
export function mappedAs(m: MappedFile, over: { ino?: number; cacheKey?: object }): MappedFile {
  return new MappedAs(m, over.ino ?? m.ino, over.cacheKey ?? m.cacheKey);
}
// (a class, not closures: a snapshot keeps it as data; the optional operations are m's when it has them)
export class MappedAs implements MappedFile {
  constructor(private readonly m: MappedFile, readonly ino: number | undefined, readonly cacheKey: object | undefined) {}
  get name(): string { return this.m.name; }
  get dev(): number | undefined { return this.m.dev; }
  readPage(o: number, into: Uint8Array): void { this.m.readPage(o, into); }
  get writePage(): MappedFile['writePage'] { const m = this.m; return m.writePage && ((o, d) => m.writePage!(o, d)); }
  get beyondEnd(): MappedFile['beyondEnd'] { const m = this.m; return m.beyondEnd && ((o) => m.beyondEnd!(o)); }
  get hold(): MappedFile['hold'] { const m = this.m; return m.hold && (() => m.hold!()); }
  get drop(): MappedFile['drop'] { const m = this.m; return m.drop && (() => m.drop!()); }
}

export interface Vma {
  start: number;
  end: number;
  prot: number;
  shared: boolean;
  file?: MappedFile;
  offset: number; // file offset of `start`
  growsDown: boolean;
  noreserve?: boolean; // MAP_NORESERVE: not charged to the commit limit (as Linux's heuristic overcommit)
  name?: string; // [heap], [stack], …
  // madvise(MADV_WIPEONFORK): a fork's child gets zero pages here; MADV_DONTFORK: no mapping at all.
  wipeOnFork?: boolean;
  dontFork?: boolean;
  // mseal(2): no unmap, remap or protection change.
  sealed?: boolean;
  // A shared mapping of a file opened read-only: PROT_WRITE can never be added (mprotect: EACCES).
  noWrite?: boolean;
}

// Shared between all address spaces of a machine: committed private memory.
export class CommitAccount {
  used = 0;
  nextSpaceId = 1; // address spaces' ids (they key private futexes)
  maxMapCount = 65530; // vm.max_map_count: mappings one address space may have
  overcommit = 0; // vm.overcommit_memory (recorded)
  constructor(readonly limit: number) {}
}

const floor = (a: number) => a - (a % PAGE);
// A restored page's entry until its frame is loaded (PhysMem): present, with no access (it traps).
const RWX = PTE_R | PTE_W | PTE_X;
const lazyEntry = (e: number) => ((e & ~RWX) | PTE_LAZY | ((e & RWX) << PTE_LAZY_SHIFT)) >>> 0;
const loadedEntry = (e: number) => ((e & ~(PTE_LAZY | (RWX << PTE_LAZY_SHIFT))) | ((e >>> PTE_LAZY_SHIFT) & RWX)) >>> 0;
const ceil = (a: number) => floor(a + PAGE - 1);

// Why a page fault could not be resolved: no mapping (SEGV_MAPERR), not allowed (SEGV_ACCERR), a
// file page wholly past the end of its file (SIGBUS), or no memory left in the machine.
export type FaultOutcome = 'ok' | 'maperr' | 'accerr' | 'bus' | 'nomem';

export class AddressSpace {
  vmas: Vma[] = []; // sorted, non-overlapping
  readonly root: number;
  brkStart = 0;
  brk = 0;
  asLimit = Infinity; // RLIMIT_AS
  users = 1; // processes sharing this address space (CLONE_VM)
  readonly id: number; // keys private futexes
  private tables: number[] = [];
  private committed = 0;
  private readonly page = new Uint8Array(PAGE);

  constructor(private readonly core: Core, private readonly phys: PhysMem, private readonly account: CommitAccount,
    readonly cache: PageCache) {
    this.id = account.nextSpaceId++;
    const r = phys.alloc();
    if (!r) throw new Error('out of memory');
    this.root = r;
    this.tables.push(r);
  }

  // --- page table -------------------------------------------------------------
  // (Page tables are in the core's memory, which grows when frames are allocated: every access
  // takes this.core.view afresh, never a view kept across an allocation.)
  private slot(addr: number, create: boolean): number {
    let t = this.root;
    for (const shift of [39, 30, 21]) {
      const idx = Math.floor(addr / 2 ** shift) & 511;
      let e = this.core.view.getUint32(t + idx * 4, true);
      if (!(e & PTE_P)) {
        if (!create) return 0;
        const f = this.phys.alloc();
        if (!f) return 0;
        this.tables.push(f);
        e = f | PTE_P;
        this.core.view.setUint32(t + idx * 4, e, true);
      }
      t = (e & ~0xfff) >>> 0;
    }
    return t + (Math.floor(addr / PAGE) & 511) * 4;
  }
  pte(addr: number): number {
    const s = this.slot(addr, false);
    return s ? this.core.view.getUint32(s, true) : 0;
  }
  // Visit the present leaf entries of [start, end).
  private forEachPte(start: number, end: number, fn: (slot: number, e: number, addr: number) => void): void {
    const walk = (t: number, level: number, base: number) => {
      const span = 2 ** (12 + 9 * level);
      const first = Math.max(0, Math.floor((start - base) / span));
      const last = Math.min(511, Math.floor((end - 1 - base) / span));
      for (let i = first; i <= last; i++) {
        // fn may allocate (memory grows, the old view is detached): a fresh view for each entry
        const e = this.core.view.getUint32(t + i * 4, true);
        if (!(e & PTE_P)) continue;
        const a = base + i * span;
        if (level === 0) fn(t + i * 4, e, a);
        else walk((e & ~0xfff) >>> 0, level - 1, a);
      }
    };
    if (end > start) walk(this.root, 3, 0);
  }

  // Set a per-mapping attribute on every mapping of [start, end) (split at the edges); false when a
  // page of it is not mapped.
  setAttr(start: number, end: number, attr: (v: Vma) => void): boolean {
    if (!this.covered(start, end)) return false;
    this.splitAt(start);
    this.splitAt(end);
    for (const v of this.vmas) if (v.start >= start && v.end <= end) attr(v);
    this.merge();
    return true;
  }
  // Is every page of [start, end) mapped?
  covered(start: number, end: number): boolean {
    let a = start;
    for (const v of this.vmas) {
      if (v.end <= a || v.start >= end) continue;
      if (v.start > a) return false;
      a = v.end;
    }
    return a >= end;
  }
  // Does a sealed mapping (mseal) meet [start, end)?
  sealedIn(start: number, end: number): boolean {
    return this.vmas.some((v) => v.sealed && v.start < end && v.end > start);
  }

  // Pages of [start, end) present in memory (RSS, /proc/PID/smaps).
  resident(start = 0, end = TASK_SIZE): number {
    let n = 0;
    this.forEachPte(start, end, () => { n++; });
    return n;
  }
  // mincore: 1 in out[i] for each page of [start, start + out.length pages) present in memory.
  residentInto(start: number, out: Uint8Array): void {
    out.fill(0);
    this.forEachPte(start, start + out.length * PAGE, (_slot, _e, addr) => { out[(addr - start) / PAGE] = 1; });
  }

  find(addr: number): Vma | undefined {
    let lo = 0, hi = this.vmas.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.vmas[mid];
      if (addr < v.start) hi = mid - 1;
      else if (addr >= v.end) lo = mid + 1;
      else return v;
    }
    return undefined;
  }

  private pteBits(v: Vma, writableNow: boolean): number {
    let b = PTE_P;
    if (v.prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) b |= PTE_R;
    if (v.prot & PROT_WRITE) b |= writableNow ? PTE_W : PTE_COW;
    if (v.prot & PROT_EXEC) b |= PTE_X;
    return b;
  }

  // --- faults -------------------------------------------------------------------
  // access: 1 read, 2 write, 4 execute. 'ok' when resolved, else why not.
  fault(addr: number, access: number): FaultOutcome {
    let v = this.find(addr);
    if (!v) v = this.growStack(addr);
    if (!v) return 'maperr';
    const need = access & 2 ? PROT_WRITE : access & 4 ? PROT_EXEC : PROT_READ | PROT_WRITE | PROT_EXEC;
    if (!(v.prot & need)) return 'accerr';
    const slot = this.slot(addr, true);
    if (!slot) return 'nomem';
    let e = this.core.view.getUint32(slot, true);
    const page = floor(addr);
    const lazy = (e & PTE_LAZY) !== 0;
    if (lazy) {
      this.phys.load((e & ~0xfff) >>> 0);
      e = loadedEntry(e);
      this.core.view.setUint32(slot, e, true);
    }
    if (!(e & PTE_P)) {
      const file = v.file, off = v.offset + (page - v.start);
      if (file?.beyondEnd?.(off)) return 'bus';
      let f: number;
      if (file?.cacheKey && v.shared) {
        f = this.cache.acquire(file.cacheKey, off / PAGE, file);
        if (!f) return 'nomem';
      } else {
        f = this.phys.alloc();
        if (!f) return 'nomem';
        if (file) {
          const cached = file.cacheKey ? this.cache.peek(file.cacheKey, off / PAGE) : 0;
          if (cached) this.core.bytes.copyWithin(f, cached, cached + PAGE);
          else {
            file.readPage(off, this.page);
            this.core.bytes.set(this.page, f);
          }
        }
      }
      this.core.view.setUint32(slot, (f | this.pteBits(v, true)) >>> 0, true);
      return 'ok';
    }
    // the page changes frame: a TLB entry may still name the old one
    this.core.tlbInvalidate(page);
    if (access & 2 && e & PTE_COW) {
      const frame = (e & ~0xfff) >>> 0;
      let f = frame;
      if (this.phys.refcount(frame) > 1) {
        f = this.phys.alloc();
        if (!f) return 'nomem';
        const mem = this.core.bytes;
        mem.copyWithin(f, frame, frame + PAGE);
        this.phys.unref(frame);
      }
      this.core.view.setUint32(slot, (f | (e & 0xfff & ~PTE_COW) | PTE_W) >>> 0, true);
      return 'ok';
    }
    if (lazy && e & (access & 2 ? PTE_W : access & 4 ? PTE_X : PTE_R)) return 'ok';
    return 'accerr';
  }

  private growStack(addr: number): Vma | undefined {
    const i = this.vmas.findIndex((v) => v.start > addr);
    if (i < 0) return undefined;
    const v = this.vmas[i];
    if (!v.growsDown || addr < v.end - STACK_MAX) return undefined;
    const prev = this.vmas[i - 1];
    const start = floor(addr);
    if (prev && prev.end > start - 256 * PAGE) return undefined; // the stack guard gap
    if (!this.charge(v.start - start, v)) return undefined;
    v.start = start;
    return v;
  }

  // --- guest memory access for the kernel ---------------------------------------
  // Wasm address of guest `addr`, resolving faults; -1 when inaccessible.
  translate(addr: number, write: boolean): number {
    if (addr < 0 || addr >= TASK_SIZE) return -1;
    for (let tries = 0; tries < 2; tries++) {
      const slot = this.slot(addr, false);
      const e = slot ? this.core.view.getUint32(slot, true) : 0;
      if (e & PTE_P && (write ? e & PTE_W : e & PTE_R)) {
        if (write && !(e & PTE_DIRTY)) this.core.view.setUint32(slot, (e | PTE_DIRTY) >>> 0, true);
        return ((e & ~0xfff) >>> 0) + (addr % PAGE);
      }
      if (this.fault(addr, write ? 2 : 1) !== 'ok') return -1;
    }
    return -1;
  }
  read(addr: number, len: number): Uint8Array | null {
    // every page first: a bad range fails before anything its length asks for is allocated
    for (let a = addr - (addr % PAGE); a < addr + len; a += PAGE) if (this.translate(Math.max(a, addr), false) < 0) return null;
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const p = this.translate(addr + done, false);
      if (p < 0) return null;
      const n = Math.min(len - done, PAGE - ((addr + done) % PAGE));
      out.set(this.core.bytes.subarray(p, p + n), done);
      done += n;
    }
    return out;
  }
  write(addr: number, data: Uint8Array): boolean {
    let done = 0;
    while (done < data.length) {
      const p = this.translate(addr + done, true);
      if (p < 0) return false;
      const n = Math.min(data.length - done, PAGE - ((addr + done) % PAGE));
      this.core.frameChanged(p - (p % PAGE));
      this.core.bytes.set(data.subarray(done, done + n), p);
      done += n;
    }
    return true;
  }
  // A debugger's write (ptrace's POKEDATA): into read-only private pages too (code, for
  // breakpoints), which first get a frame of their own so that no other process sharing the
  // frame after a fork sees the change. False when a page is unmapped, inaccessible, or
  // shared and not writable (the file would change).
  poke(addr: number, data: Uint8Array): boolean {
    let done = 0;
    while (done < data.length) {
      const a = addr + done;
      const v = this.find(a);
      if (!v) return false;
      let p: number;
      if (v.prot & PROT_WRITE) p = this.translate(a, true);
      else if (v.shared) return false;
      else p = this.ownFrame(a);
      if (p < 0) return false;
      const n = Math.min(data.length - done, PAGE - (a % PAGE));
      this.core.frameChanged(p - (p % PAGE));
      this.core.bytes.set(data.subarray(done, done + n), p);
      done += n;
    }
    return true;
  }
  // Wasm address of `addr` in a present page whose frame no one else holds; -1 if inaccessible.
  private ownFrame(addr: number): number {
    if (this.translate(addr, false) < 0) return -1;
    const slot = this.slot(addr, false);
    const e = this.core.view.getUint32(slot, true);
    let frame = (e & ~0xfff) >>> 0;
    if (this.phys.refcount(frame) > 1) {
      const f = this.phys.alloc();
      if (!f) return -1;
      this.core.bytes.copyWithin(f, frame, frame + PAGE);
      this.phys.unref(frame);
      this.core.view.setUint32(slot, (f | (e & 0xfff)) >>> 0, true);
      this.core.tlbInvalidate(floor(addr));
      frame = f;
    }
    return frame + (addr % PAGE);
  }
  readCString(addr: number, max = 4096): Uint8Array | null {
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total < max) {
      const p = this.translate(addr + total, false);
      if (p < 0) return null;
      const n = Math.min(max - total, PAGE - ((addr + total) % PAGE));
      const mem = this.core.bytes;
      const z = mem.subarray(p, p + n).indexOf(0);
      if (z >= 0) {
        chunks.push(mem.slice(p, p + z));
        total += z;
        const out = new Uint8Array(total);
        let o = 0;
        for (const c of chunks) { out.set(c, o); o += c.length; }
        return out;
      }
      chunks.push(mem.slice(p, p + n));
      total += n;
    }
    return null;
  }

  // --- mappings -------------------------------------------------------------------
  private charge(bytes: number, v: Pick<Vma, 'prot' | 'shared' | 'file' | 'noreserve'>): boolean {
    if (!(v.prot & PROT_WRITE) || v.noreserve || (v.shared && v.file && !v.file.anonymous)) return true;
    if (this.account.used + bytes > this.account.limit) return false;
    this.account.used += bytes;
    this.committed += bytes;
    return true;
  }
  private uncharge(bytes: number, v: Vma): void {
    if (!(v.prot & PROT_WRITE) || v.noreserve || (v.shared && v.file && !v.file.anonymous)) return;
    this.account.used -= bytes;
    this.committed -= bytes;
  }
  mappedBytes(): number { return this.vmas.reduce((s, v) => s + v.end - v.start, 0); }

  // Split VMAs so that `addr` is a boundary.
  private splitAt(addr: number): void {
    const v = this.find(addr);
    if (!v || v.start === addr) return;
    const tail: Vma = { ...v, start: addr, offset: v.offset + (addr - v.start) };
    v.end = addr;
    tail.file?.hold?.();
    this.vmas.splice(this.vmas.indexOf(v) + 1, 0, tail);
  }
  isFree(start: number, end: number): boolean {
    return !this.vmas.some((v) => v.start < end && v.end > start);
  }
  // Highest free range of `len` bytes below `below`.
  findFree(len: number, below = MMAP_BASE): number {
    let top = below;
    for (let i = this.vmas.length - 1; i >= 0; i--) {
      const v = this.vmas[i];
      if (v.start >= top) continue;
      if (v.end <= top - len) return top - len;
      top = Math.min(top, v.start);
    }
    return top - len >= 0x10000 ? top - len : -1;
  }

  // Map [start, start+len) (page-aligned), replacing what was there. Returns false if over the commit limit.
  map(start: number, len: number, prot: number, opts: { shared?: boolean; file?: MappedFile; offset?: number; growsDown?: boolean; noreserve?: boolean; name?: string } = {}): boolean {
    const v: Vma = {
      start, end: start + len, prot, shared: !!opts.shared, file: opts.file, offset: opts.offset ?? 0,
      growsDown: !!opts.growsDown, name: opts.name,
    };
    if (opts.noreserve) v.noreserve = true;
    if (this.mappedBytes() + len > this.asLimit) return false;
    if (this.vmas.length >= this.account.maxMapCount && !this.vmas.some((x) => x.start <= start && x.end >= start + len)) return false;
    if (!this.charge(len, v)) return false;
    v.file?.hold?.(); // before the unmap: it may drop the last other hold of the same file
    this.unmap(start, len);
    let i = this.vmas.findIndex((x) => x.start > start);
    if (i < 0) i = this.vmas.length;
    this.vmas.splice(i, 0, v);
    this.merge();
    return true;
  }
  // Join neighbouring VMAs that differ only in where they start, as Linux does.
  private merge(): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      const p = out[out.length - 1];
      if (p && p.end === v.start && p.prot === v.prot && p.shared === v.shared && p.growsDown === v.growsDown &&
          p.name === v.name && p.file === v.file && (!v.file || p.offset + (p.end - p.start) === v.offset) &&
          !p.wipeOnFork === !v.wipeOnFork && !p.dontFork === !v.dontFork && !p.sealed === !v.sealed && !p.noWrite === !v.noWrite && p.noreserve === v.noreserve) {
        p.end = v.end;
        v.file?.drop?.();
      } else out.push(v);
    }
    this.vmas = out;
  }
  // Write dirty pages of shared file mappings in [start, end) back to their files (msync).
  sync(start: number, len: number): void {
    let wrote = false;
    this.forEachPte(start, start + len, (slot, e, addr) => {
      const v = this.find(addr);
      if (!v?.shared || !v.file?.writePage) return;
      const off = v.offset + (addr - v.start);
      if (v.file.cacheKey) this.cache.sync(v.file.cacheKey, off / PAGE, (e & PTE_DIRTY) !== 0);
      else if (e & PTE_DIRTY) {
        const frame = (e & ~0xfff) >>> 0;
        v.file.writePage(off, this.core.bytes.slice(frame, frame + PAGE));
      }
      if (e & PTE_DIRTY) {
        this.core.view.setUint32(slot, (e & ~PTE_DIRTY) >>> 0, true);
        wrote = true;
      }
    });
    if (wrote) this.core.tlbFlush(); // the next write marks the page dirty again
  }
  // Whether it maps a file shared and writable (whose dirty pages the kernel writes back).
  get writesFiles(): boolean {
    return this.vmas.some((v) => v.shared && v.prot & PROT_WRITE && v.file?.writePage && !v.file.anonymous);
  }
  // Write back the dirty pages of every shared file mapping (the periodic write-back, sync(2)).
  syncFiles(): void {
    for (const v of [...this.vmas]) if (v.shared && v.file?.writePage && !v.file.anonymous) this.sync(v.start, v.end - v.start);
  }
  unmap(start: number, len: number): void {
    const end = start + len;
    this.splitAt(start);
    this.splitAt(end);
    this.forEachPte(start, end, (slot, e, addr) => {
      this.dropPage(this.find(addr), e, addr);
      this.core.view.setUint32(slot, 0, true);
    });
    const keep: Vma[] = [];
    const gone: Vma[] = [];
    for (const v of this.vmas) {
      if (v.start >= start && v.end <= end) { this.uncharge(v.end - v.start, v); gone.push(v); } else keep.push(v);
    }
    this.vmas = keep;
    this.core.tlbFlush();
    for (const v of gone) v.file?.drop?.();
  }
  protect(start: number, len: number, prot: number): boolean {
    const end = start + len;
    // every page must be mapped
    let a = start;
    for (const v of this.vmas) {
      if (v.end <= a || v.start >= end) continue;
      if (v.start > a) return false;
      a = v.end;
    }
    if (a < end) return false;
    this.splitAt(start);
    this.splitAt(end);
    for (const v of this.vmas) {
      if (v.start < start || v.end > end) continue;
      const was = { ...v };
      if (!(was.prot & PROT_WRITE) && prot & PROT_WRITE) {
        if (!this.charge(v.end - v.start, { ...v, prot })) return false;
      } else if (was.prot & PROT_WRITE && !(prot & PROT_WRITE)) this.uncharge(v.end - v.start, v);
      v.prot = prot;
    }
    this.merge();
    this.forEachPte(start, end, (slot, e, addr) => {
      const v = this.find(addr)!;
      const frame = (e & ~0xfff) >>> 0;
      if (e & PTE_LAZY) this.phys.load(frame); // (its new entry does not trap)
      const alone = v.shared || this.phys.refcount(frame) === 1;
      this.core.view.setUint32(slot, (frame | (e & 0x60) | this.pteBits(v, alone)) >>> 0, true);
    });
    this.core.tlbFlush();
    return true;
  }
  // Drop pages (MADV_DONTNEED): private pages read back as zero or file contents.
  discard(start: number, len: number): void {
    this.forEachPte(start, start + len, (slot, e, addr) => {
      const v = this.find(addr);
      if (v?.shared) return;
      this.phys.unref((e & ~0xfff) >>> 0);
      this.core.view.setUint32(slot, 0, true);
    });
    this.core.tlbFlush();
  }
  // Move the pages of [from, from+len) to `to` (mremap); the VMA is moved by the caller.
  movePages(from: number, to: number, len: number): boolean {
    const moves: [number, number][] = [];
    this.forEachPte(from, from + len, (slot, e, addr) => moves.push([addr, e]));
    for (const [addr] of moves) this.core.view.setUint32(this.slot(addr, false), 0, true);
    for (const [addr, e] of moves) {
      const s = this.slot(to + (addr - from), true);
      if (!s) return false;
      this.core.view.setUint32(s, e, true);
    }
    this.core.tlbFlush();
    return true;
  }
  remap(oldStart: number, oldLen: number, newLen: number, newStart: number): boolean {
    const v = this.find(oldStart);
    if (!v) return false;
    const copy: Vma = { ...v, start: newStart, end: newStart + newLen };
    if (newStart === oldStart) {
      if (newLen > oldLen && !this.charge(newLen - oldLen, v)) return false;
      v.end = oldStart + newLen;
      return true;
    }
    if (!this.charge(newLen, v)) return false;
    this.unmap(newStart, newLen);
    this.movePages(oldStart, newStart, Math.min(oldLen, newLen));
    // the old range's pages have moved; drop its VMA
    copy.file?.hold?.();
    this.unmap(oldStart, oldLen);
    let i = this.vmas.findIndex((x) => x.start > newStart);
    if (i < 0) i = this.vmas.length;
    this.vmas.splice(i, 0, copy);
    return true;
  }

  // --- restore ------------------------------------------------------------------------
  // After a restore (PhysMem.loadFrames): its page tables are loaded now; the frames of its
  // private pages are left for their first touch, their entries made to trap (`lazy` gets them).
  // `eager` gets the pending frames that shared mappings have: those the page cache reads too.
  deferPages(lazy: Set<number>, eager: Set<number>): void {
    for (const t of this.tables) this.phys.load(t);
    this.forEachPte(0, TASK_SIZE, (slot, e, addr) => {
      const frame = (e & ~0xfff) >>> 0;
      if (!this.phys.deferred(frame)) return;
      if (this.find(addr)?.shared !== false) { eager.add(frame); return; }
      lazy.add(frame);
      if (!(e & PTE_LAZY)) this.core.view.setUint32(slot, lazyEntry(e), true);
    });
  }

  // --- fork ---------------------------------------------------------------------------
  // A copy-on-write copy; undefined when the machine's memory cannot hold it (ENOMEM).
  fork(): AddressSpace | undefined {
    const child = new AddressSpace(this.core, this.phys, this.account, this.cache);
    child.brkStart = this.brkStart;
    child.brk = this.brk;
    child.asLimit = this.asLimit;
    for (const v of this.vmas) {
      if (v.dontFork) continue;
      if (!child.charge(v.end - v.start, v)) { child.destroy(); return undefined; }
      v.file?.hold?.();
      child.vmas.push({ ...v });
    }
    let ok = true;
    this.forEachPte(0, TASK_SIZE, (slot, e, addr) => {
      if (!ok) return;
      const v = this.find(addr);
      if (v?.dontFork || v?.wipeOnFork) return; // the child faults in zero pages
      const frame = (e & ~0xfff) >>> 0;
      let ne = e;
      if (v && !v.shared && v.prot & PROT_WRITE) {
        const lazy = (e & PTE_LAZY) !== 0;
        ne = (((lazy ? loadedEntry(e) : e) & ~PTE_W) | PTE_COW) >>> 0;
        if (lazy) ne = lazyEntry(ne);
        this.core.view.setUint32(slot, ne, true);
      }
      const cs = child.slot(addr, true);
      if (!cs) { ok = false; return; }
      this.phys.ref(frame);
      this.core.view.setUint32(cs, ne, true);
    });
    this.core.tlbFlush();
    if (!ok) { child.destroy(); return undefined; }
    return child;
  }

  // A process stops using this address space.
  release(): void {
    if (--this.users === 0) this.destroy();
  }

  // A present page leaves the page table: shared file pages go back to the
  // page cache (written back when no mapping has them), others are unreferenced.
  private dropPage(v: Vma | undefined, e: number, addr: number): void {
    const frame = (e & ~0xfff) >>> 0;
    if (v?.shared && v.file) {
      const off = v.offset + (addr - v.start);
      if (v.file.cacheKey) { this.cache.release(v.file.cacheKey, off / PAGE, frame, (e & PTE_DIRTY) !== 0); return; }
      if (v.file.writePage && e & PTE_DIRTY) v.file.writePage(off, this.core.bytes.slice(frame, frame + PAGE));
    }
    this.phys.unref(frame);
  }

  destroy(): void {
    this.forEachPte(0, TASK_SIZE, (slot, e, addr) => this.dropPage(this.find(addr), e, addr));
    for (const v of this.vmas) this.uncharge(v.end - v.start, v);
    const gone = this.vmas;
    this.vmas = [];
    for (const t of this.tables) this.phys.unref(t);
    this.tables = [];
    for (const v of gone) v.file?.drop?.();
  }
}
export { floor as pageFloor, ceil as pageCeil };
