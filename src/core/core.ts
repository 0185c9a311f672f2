// The TypeScript side of core.wasm: instantiation and typed access to the CPU
// state at the offsets declared in tools/layout.mjs.
import * as L from '../generated/layout.js';
import { Jit, type JitExports, type JitStats } from './jit.js';

export interface CoreImports {
  // Resolve a page fault (demand paging, copy-on-write, stack growth); 1 = retry.
  pageFault(addr: number, access: number): number;
  random32(): number;
  monotonicNs(): number; // the host's monotonic clock, for RDTSC
}

interface CoreExports extends JitExports {
  memory: WebAssembly.Memory;
  run(budget: number): number;
  runOne(): number;
  tlbFlush(): void;
  tlbInvalidate(addr: bigint): void;
  flushBlocks(): void;
  frameChanged(frame: number): void;
  decodeAt(addr: bigint): number;
  decodeRecord(): number;
  decodeBuffer(): number;
  decodeBytes(len: number): number;
  step(): number;
  watchSet(i: number, addr: bigint, len: bigint, kind: number): void;
  watchHit(): number;
  watchHitAt(): bigint;
  invalidations: WebAssembly.Global;
  jitRetired: WebAssembly.Global; // i64: instructions retired in translations
  jitEntries: WebAssembly.Global; // i64: entries into translations
}

export interface CoreOptions {
  // Translate hot code to wasm (default off). `jitHot`: executions of a block before it asks.
  jit?: boolean;
  jitHot?: number;
  jitCacheBytes?: number;
  jitSync?: boolean; // translate a hot block before going on (tests: deterministic)
}

export const enum Exit {
  Budget = 0, Syscall = 1, PageFault = 2, Undefined = 3, DivideError = 4, Breakpoint = 5, Halt = 6,
  GeneralProtection = 7, FloatingPoint = 8, Watch = 9,
  Jit = 10, // (synchronous translation: a block asks to be translated now; Core.run does it)
}

// Data watchpoint kinds (as access bits): what makes a watched range fire.
export const WATCH_READ = 1, WATCH_WRITE = 2, WATCH_MAX = 16;

// Bytes of CPU state saved per task on a switch (the per-task part of the layout).
export const STATE_SAVE_SIZE = L.S_TASK_STATE_END - L.STATE;

export class Core {
  readonly memory: WebAssembly.Memory;
  private readonly x: CoreExports;
  private dv!: DataView;
  private u8!: Uint8Array;
  private buffer!: ArrayBuffer;
  readonly jit?: Jit;
  private readonly jitSync: boolean;
  private readonly jitHot: number;

  private constructor(instance: WebAssembly.Instance, imports: CoreImports, opts: CoreOptions) {
    this.x = instance.exports as unknown as CoreExports;
    this.memory = this.x.memory;
    if (opts.jit) this.jit = new Jit(this.x, () => imports.monotonicNs(), opts.jitCacheBytes);
    this.refresh();
    this.x.tlbFlush();
    this.x.flushBlocks();
    this.setU32(L.S_FPU_CW, 0x37f);
    this.setU32(L.S_FPU_TAG, 0xff);
    this.setU32(L.S_MXCSR, 0x1f80);
    this.setU64(L.S_RFLAGS, 0x202n);
    this.jitHot = this.jit ? opts.jitHot ?? 100 : 0;
    this.setU32(L.S_JIT_HOT, this.jitHot);
    this.jitSync = !!(this.jit && opts.jitSync);
    this.setU32(L.S_JIT_SYNC, this.jitSync ? 1 : 0);
  }

  static async create(module: WebAssembly.Module, imports: CoreImports, opts: CoreOptions = {}): Promise<Core> {
    const instance = await WebAssembly.instantiate(module, {
      env: {
        pageFault: (addr: bigint, access: number) => imports.pageFault(Number(addr), access),
        random32: () => imports.random32(),
        monotonicNs: () => imports.monotonicNs(),
        abort: () => { throw new Error('core aborted'); },
      },
    });
    return new Core(instance, imports, opts);
  }

  // Views must be renewed whenever the memory grows.
  refresh(): void {
    if (this.buffer === this.memory.buffer) return;
    this.buffer = this.memory.buffer;
    this.dv = new DataView(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
  }
  get bytes(): Uint8Array { this.refresh(); return this.u8; }
  get view(): DataView { this.refresh(); return this.dv; }

  // `interpret`: no translated code runs, none is made (a debugger is attached).
  run(budget: number, interpret = false): Exit {
    if (this.jit) this.setU32(L.S_JIT_HOT, interpret ? 0 : this.jitHot);
    let exit = this.x.run(budget) as Exit;
    if (this.jit) {
      while (exit === Exit.Jit) {
        this.jit.compileNow();
        exit = this.x.run(budget) as Exit;
      }
      if (!this.jitSync) this.jit.poll(this.u32(L.S_JIT_QLEN));
    }
    return exit;
  }
  get jitStats(): JitStats & { invalidations: number; retired: number; entries: number } | undefined {
    return this.jit && {
      ...this.jit.stats, invalidations: this.x.invalidations.value as number,
      retired: Number(this.x.jitRetired.value as bigint), entries: Number(this.x.jitEntries.value as bigint),
    };
  }
  // One instruction (a single-step).
  runOne(): Exit { return this.x.runOne() as Exit; }
  // Exactly one instruction, decoded afresh (for a debugger): Exit.Budget when it ran,
  // Exit.Watch when it ran and touched a watched range, else as run().
  step(): Exit { return this.x.step() as Exit; }
  // Watched range i (< WATCH_MAX) of the address space step() runs in; len 0 clears it.
  watchSet(i: number, addr: number, len: number, kind: number): void { this.x.watchSet(i, BigInt(addr), BigInt(len), kind); }
  // The range the last Exit.Watch touched: its kind and start.
  get watchHit(): { kind: number; addr: number } { return { kind: this.x.watchHit(), addr: Number(BigInt.asUintN(64, this.x.watchHitAt())) }; }
  tlbFlush(): void { this.x.tlbFlush(); }
  tlbInvalidate(addr: number): void { this.x.tlbInvalidate(BigInt(addr)); }
  flushBlocks(): void { this.x.flushBlocks(); }
  frameChanged(frame: number): void { this.x.frameChanged(frame); }
  decodeAt(addr: number): { id: number; len: number } {
    const id = this.x.decodeAt(BigInt(addr));
    return { id, len: this.u32(L.S_EXIT_LEN) };
  }
  // Decode an instruction from bytes (not guest memory): its table id (0: not one the table has,
  // or cut short: len 0) and length, and the record.
  decodeBytes(bytes: Uint8Array): { id: number; len: number; record: Uint8Array } {
    const n = Math.min(bytes.length, 16);
    this.bytes.set(bytes.subarray(0, n), this.x.decodeBuffer());
    const id = this.x.decodeBytes(n);
    return { id, len: this.u32(L.S_EXIT_LEN), record: this.decodedRecord() };
  }
  // The instruction record the last decodeAt filled (fields: core/decode.ts).
  decodedRecord(): Uint8Array {
    const p = this.x.decodeRecord();
    return this.bytes.slice(p, p + L.INSN_SIZE);
  }

  u32(off: number): number { return this.view.getUint32(off, true); }
  setU32(off: number, v: number): void { this.view.setUint32(off, v, true); }
  u64(off: number): bigint { return this.view.getBigUint64(off, true); }
  setU64(off: number, v: bigint): void { this.view.setBigUint64(off, BigInt.asUintN(64, v), true); }
  // A 64-bit value as a JS number (exact below 2^53).
  num(off: number): number {
    const dv = this.view;
    return dv.getUint32(off + 4, true) * 0x100000000 + dv.getUint32(off, true);
  }
  setNum(off: number, v: number): void {
    const dv = this.view;
    dv.setUint32(off, v >>> 0, true);
    dv.setUint32(off + 4, Math.floor(v / 0x100000000) >>> 0, true);
  }

  reg(i: number): bigint { return this.u64(L.S_GPR + i * 8); }
  setReg(i: number, v: bigint): void { this.setU64(L.S_GPR + i * 8, v); }
  regNum(i: number): number { return this.num(L.S_GPR + i * 8); }
  setRegNum(i: number, v: number): void { this.setNum(L.S_GPR + i * 8, v); }
  // Low 32 bits of a register, signed.
  regI32(i: number): number { return this.view.getInt32(L.S_GPR + i * 8, true); }
  get rip(): number { return this.num(L.S_RIP); }
  set rip(v: number) { this.setNum(L.S_RIP, v); }
  get exitAddr(): number { return this.num(L.S_EXIT_ADDR); }
  get exitAccess(): number { return this.u32(L.S_EXIT_ACCESS); }
  get exitOp(): number { return this.u32(L.S_EXIT_OP); }
  get icount(): bigint { return this.u64(L.S_ICOUNT); }
  get ptRoot(): number { return this.u32(L.S_PT_ROOT); }
  set ptRoot(v: number) { if (v !== this.u32(L.S_PT_ROOT)) { this.setU32(L.S_PT_ROOT, v); this.x.tlbFlush(); } }
  get fsBase(): number { return this.num(L.S_FS_BASE); }
  set fsBase(v: number) { this.setNum(L.S_FS_BASE, v); }
  get gsBase(): number { return this.num(L.S_GS_BASE); }
  set gsBase(v: number) { this.setNum(L.S_GS_BASE, v); }

  // RFLAGS, with the lazily computed arithmetic flags folded in by the core on exit.
  get rflags(): bigint { return this.u64(L.S_RFLAGS); }
  set rflags(v: bigint) { this.setU64(L.S_RFLAGS, v | 2n); this.setU32(L.S_LF_OP, 0); }

  saveState(to: Uint8Array): void { to.set(this.bytes.subarray(L.STATE, L.STATE + STATE_SAVE_SIZE)); }
  loadState(from: Uint8Array): void { this.bytes.set(from, L.STATE); this.setU32(L.S_LF_OP, 0); }
}
