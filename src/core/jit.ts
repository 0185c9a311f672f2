// The JIT's TypeScript side: after a run() slice, when blocks have asked to be
// translated, the core writes one module of translations (core/jit/compile.ts);
// it is compiled asynchronously (the interpreter goes on meanwhile), its
// functions are put in the core's function table and the core registers their
// entry points. The code cache is bounded: past JIT_CACHE_BYTES of modules the
// oldest ones are evicted.

// The core's exports the JIT uses.
export interface JitExports {
  memory: WebAssembly.Memory;
  table: WebAssembly.Table;
  jitCompile(): number;
  jitFunctions(): number;
  jitInstall(base: number, mod: number): number;
  jitDropModule(mod: number): void;
  jitClear(): void;
  jitBlocks: WebAssembly.Global;
  flushBlocks(): void;
  jitStep: Function; jitRd: Function; jitWr: Function; jitCond: Function; jitRd128: Function; jitWr128: Function;
  jitChain: Function;
}

export interface JitStats {
  modules: number; // modules compiled
  functions: number; // regions translated (installed)
  blocks: number; // guest blocks those regions hold (their entry points)
  compileMs: number; // time spent generating and compiling modules
  codegenMs: number; // ... of which generating the wasm
  bytes: number; // wasm bytes generated
  evicted: number; // modules evicted
  cacheBytes: number; // wasm bytes of the modules installed now
  peakCacheBytes: number; // the most wasm bytes of modules installed at once (the code cache's peak)
  refused: number; // modules the engine would not compile or instantiate (a translator bug: their code stays interpreted)
}

import { JIT_OUT } from '../generated/layout.js';

const FUNCS_PER_MODULE = 32; // core/jit/compile.ts FMAX: each module gets that many table slots

interface Module { id: number; base: number; bytes: number }

export class Jit {
  private readonly counts = { modules: 0, functions: 0, compileMs: 0, codegenMs: 0, bytes: 0, evicted: 0, cacheBytes: 0, peakCacheBytes: 0, refused: 0 };
  get stats(): JitStats { return { ...this.counts, blocks: this.x.jitBlocks.value as number }; }
  private busy = false;
  private cleared = 0; // clear() calls: a module generated before one is not installed
  private nextId = 1;
  private readonly live: Module[] = []; // oldest first
  private readonly freeBases: number[] = [];
  private readonly imports: WebAssembly.Imports;
  private pending?: Promise<void>;

  constructor(private readonly x: JitExports, private readonly now: () => number, readonly cacheLimit = 64 << 20) {
    this.imports = {
      c: {
        m: x.memory, step: x.jitStep, rd: x.jitRd, wr: x.jitWr, cond: x.jitCond, rd128: x.jitRd128, wr128: x.jitWr128,
        next: x.jitChain,
      },
    };
  }

  // The queued requests as one module's bytes (null: nothing to translate).
  private generate(): { bytes: Uint8Array; n: number; t0: number } | null {
    const t0 = this.now();
    const size = this.x.jitCompile();
    const n = this.x.jitFunctions();
    this.counts.codegenMs += (this.now() - t0) / 1e6;
    if (size === 0 || n === 0) return null;
    this.counts.bytes += size;
    return { bytes: new Uint8Array(this.x.memory.buffer, JIT_OUT, size).slice(), n, t0 };
  }

  // Translate the queued requests now (synchronous mode: run() left with EXIT_JIT).
  compileNow(): void {
    while (this.busy) return; // (an asynchronous compile is on its way: it will do)
    const g = this.generate();
    if (!g) return;
    try {
      this.install(new WebAssembly.Instance(new WebAssembly.Module(g.bytes), this.imports), g.n, g.bytes.length);
    } catch (e) {
      this.refuse(e);
    }
    this.counts.compileMs += (this.now() - g.t0) / 1e6;
  }

  // After a slice: translate what asked to be, unless a module is being compiled.
  poll(queued: number): void {
    if (this.busy || queued === 0) return;
    this.busy = true;
    const g = this.generate();
    if (!g) { this.busy = false; return; }
    const { bytes, n, t0 } = g;
    const size = bytes.length;
    const cleared = this.cleared;
    this.pending = WebAssembly.compile(bytes).then((module) => {
      if (cleared !== this.cleared) return;
      const instance = new WebAssembly.Instance(module, this.imports);
      this.install(instance, n, size);
      this.counts.compileMs += (this.now() - t0) / 1e6;
    }).catch((e: unknown) => this.refuse(e)).finally(() => { this.busy = false; this.pending = undefined; });
  }
  // A module the engine refuses is a translator bug: the interpreter keeps the code; --stats counts it.
  private refuse(e: unknown): void {
    this.counts.refused++;
    this.failure ??= e instanceof Error ? e.message : String(e);
  }
  failure?: string; // the first refusal's message

  // Wait for the module being compiled (tests, and a clean shutdown).
  async settle(): Promise<void> { while (this.pending) await this.pending; }

  private install(instance: WebAssembly.Instance, n: number, size: number): void {
    const table = this.x.table;
    let base = this.freeBases.pop();
    if (base === undefined) base = table.grow(FUNCS_PER_MODULE);
    for (let i = 0; i < n; i++) table.set(base + i, instance.exports[`f${String(i).padStart(2, '0')}`] as Function);
    const mod: Module = { id: this.nextId++, base, bytes: size };
    this.counts.functions += this.x.jitInstall(base, mod.id);
    this.counts.modules++;
    this.live.push(mod);
    this.counts.cacheBytes += size;
    this.counts.peakCacheBytes = Math.max(this.counts.peakCacheBytes, this.counts.cacheBytes);
    while (this.counts.cacheBytes > this.cacheLimit && this.live.length > 1) this.evict();
  }

  // Forget every translation and drop every module (the machine's memory was replaced: a restored
  // snapshot's frames hold other code at the same addresses).
  clear(): void {
    while (this.live.length) this.evict();
    this.cleared++;
    this.x.jitClear();
    this.x.flushBlocks();
  }

  private evict(): void {
    const mod = this.live.shift()!;
    this.x.jitDropModule(mod.id);
    this.x.flushBlocks(); // decoded blocks may still name its functions
    for (let i = 0; i < FUNCS_PER_MODULE; i++) this.x.table.set(mod.base + i, null);
    this.freeBases.push(mod.base);
    this.counts.cacheBytes -= mod.bytes;
    this.counts.evicted++;
  }
}
