// The six syscall argument registers (rdi, rsi, rdx, r10, r8, r9), typed on read.
import type { Core } from '../core/core.js';

const REGS = [7, 6, 2, 10, 8, 9];

export class Args {
  constructor(private readonly core: Core) {}
  // Unsigned value as a JS number (exact below 2^53: addresses, sizes).
  u(i: number): number { return this.core.regNum(REGS[i]); }
  // Low 32 bits, signed (int arguments: fds, flags, modes).
  i(i: number): number { return this.core.regI32(REGS[i]); }
  // Low 32 bits, unsigned.
  u32(i: number): number { return this.core.regI32(REGS[i]) >>> 0; }
  // Full 64 bits.
  big(i: number): bigint { return this.core.reg(REGS[i]); }
  // Signed 64-bit as a number (offsets).
  s64(i: number): number { return Number(BigInt.asIntN(64, this.core.reg(REGS[i]))); }
}
