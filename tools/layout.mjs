// The machine's fixed memory layout and CPU state layout, declared once.
// gen-layout writes core/generated/layout.ts (AssemblyScript) and
// src/generated/layout.ts (TypeScript) from this file.

// Fixed regions of the wasm memory (byte addresses).
export const regions = {
  STATE: 0x1000, // CPU state, 4 KiB
  TLB_RTAG: 0x10000, // i64[TLB_SIZE]: virtual page number + 1 readable through entry
  TLB_WTAG: 0x18000, // i64[TLB_SIZE]: writable
  TLB_XTAG: 0x20000, // i64[TLB_SIZE]: executable
  TLB_BASE: 0x28000, // u32[TLB_SIZE]: wasm address of the frame
  JIT_REC: 0x2c000, // the decoded record of an instruction a translation hands to its handler
  JIT_QUEUE: 0x2d000, // translation requests: [JIT_QUEUE_SIZE] of (u64 rip, u32 phys, u32 block)
  BC_HASH: 0x40000, // u32 pairs [BC_HASH_SIZE]: block cache (physical rip, block address)
  JIT_HASH: 0x100000, // [JIT_HASH_SIZE] of 32 bytes: translated entry points (see core/jit/cache.ts)
  CODEMAP: 0x200000, // u32 per frame: bit 0 the frame holds decoded code, bits 1.. its generation
  BLOCKS: 0x600000, // decoded instruction records
  BLOCKS_END: 0x1000000,
  SCRATCH: 0x1000000, // 16 MiB scratch for the kernel's bulk copies
  AS_DATA: 0x2000000, // AssemblyScript's own static data and heap
  JIT_OUT: 0x4000000, // the module being generated (JIT_OUT_SIZE bytes)
  JIT_WORK: 0x4800000, // the translator's working memory (regions, blocks, labels)
  FRAMES: 0x5000000, // physical page frames start here
};
export const constants = {
  TLB_SIZE: 4096,
  BC_HASH_SIZE: 65536,
  PAGE_SIZE: 4096,
  INSN_SIZE: 32, // bytes per decoded instruction record
  MAX_BLOCK_INSNS: 64,
  JIT_QUEUE_SIZE: 256,
  JIT_HASH_SIZE: 32768,
  JIT_OUT_SIZE: 0x800000,
};

// CPU state fields: [name, type, count]. Offsets are assigned in order,
// each aligned to its size (vectors to 16).
export const stateFields = [
  // --- per task: saved and restored on a task switch (TASK_STATE_END marks the end)
  ['GPR', 'u64', 16], // rax rcx rdx rbx rsp rbp rsi rdi r8..r15
  ['RIP', 'u64', 1],
  ['RFLAGS', 'u64', 1], // materialised on exit from run()
  ['FS_BASE', 'u64', 1],
  ['GS_BASE', 'u64', 1],
  ['MXCSR', 'u32', 1],
  ['FPU_CW', 'u32', 1],
  ['FPU_SW', 'u32', 1], // without TOP
  ['FPU_TOP', 'u32', 1],
  ['FPU_TAG', 'u32', 1], // 1 bit per physical register: 1 = empty
  ['FPU_ST', 'v128', 8], // physical registers R0..R7: u64 significand, u16 sign/exponent
  ['XMM', 'v128', 32], // ymm0..15: low 128 bits at [2n], high at [2n+1]
  ['TASK_STATE_END', 'u8', 0],
  // --- the machine's: not part of a task's state
  ['ICOUNT', 'u64', 1], // instructions retired, all time
  ['EXIT_ADDR', 'u64', 1], // fault address (page fault: the linear address)
  ['NEXT_RIP', 'u64', 1], // interpreter: address of the instruction after the current one
  ['LF_RES', 'u64', 1], // lazy flags: result, operands, kind<<2|size (kind 0: RFLAGS holds them)
  ['LF_A', 'u64', 1],
  ['LF_B', 'u64', 1],
  ['EXIT_REASON', 'u32', 1],
  ['EXIT_ACCESS', 'u32', 1], // page fault: 1 read, 2 write, 4 exec; bit 8: page was present
  ['EXIT_OP', 'u32', 1], // #UD: instruction table id, 0 if unknown
  ['EXIT_LEN', 'u32', 1], // #UD: bytes decoded
  ['PT_ROOT', 'u32', 1], // wasm address of the current page table root
  ['LF_OP', 'u32', 1],
  ['STOP', 'u32', 1], // interpreter: 1 leave run() (EXIT_REASON set), 2 end the block
  ['BC_NEXT', 'u32', 1], // block cache: next free record address
  ['JIT_HOT', 'u32', 1], // executions of a block that make it a translation request; 0: the JIT is off
  ['JIT_QLEN', 'u32', 1], // translation requests waiting in JIT_QUEUE
  ['JIT_SYNC', 'u32', 1], // 1: a request leaves run() (EXIT_JIT) so that it is translated at once
];

// Exit reasons of run(budget).
export const exits = {
  EXIT_BUDGET: 0, EXIT_SYSCALL: 1, EXIT_PAGEFAULT: 2, EXIT_UD: 3, EXIT_DE: 4,
  EXIT_BREAKPOINT: 5, EXIT_HLT: 6, EXIT_GP: 7, EXIT_FPE: 8,
  EXIT_WATCH: 9, // step() only: the instruction ran and touched a watched range (core/watch.ts)
  EXIT_JIT: 10, // (synchronous translation: a block asks to be translated now; src/core Core.run does it)
};

// Page-table entry bits (u32 entries: frame address | flags).
export const pte = {
  PTE_P: 1, PTE_R: 2, PTE_W: 4, PTE_X: 8, PTE_COW: 16, PTE_DIRTY: 32, PTE_ACCESSED: 64,
  // (the kernel's own) a restored page not loaded yet: R, W and X are kept 7 bits up (PTE_LAZY_SHIFT),
  // so that any access traps to the kernel, which loads the frame and puts them back
  PTE_LAZY: 128, PTE_LAZY_SHIFT: 7,
};

const sizes = { u8: 1, u16: 2, u32: 4, u64: 8, v128: 16 };
export function stateOffsets() {
  let off = 0;
  const out = [];
  for (const [name, type, count] of stateFields) {
    const size = sizes[type];
    off = (off + size - 1) & ~(size - 1);
    out.push({ name, type, count, off, size });
    off += size * count;
  }
  if (off > 0x1000) throw new Error('state too large');
  return out;
}
