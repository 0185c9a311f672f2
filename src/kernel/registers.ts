// A task's registers, by name, from its saved CPU state (the seed's readRegisters).
import * as L from '../generated/layout.js';

export const GPR_NAMES = ['RAX', 'RCX', 'RDX', 'RBX', 'RSP', 'RBP', 'RSI', 'RDI', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15'] as const;
export type RegisterName = (typeof GPR_NAMES)[number] | 'RIP' | 'RFLAGS';
// Each as a hex string ("0x401000"), as the seed's witness reported them.
export type Registers = Record<RegisterName, string>;

export function registersOf(state: Uint8Array): Registers {
  const dv = new DataView(state.buffer, state.byteOffset, state.length);
  const hex = (off: number) => `0x${dv.getBigUint64(off - L.STATE, true).toString(16)}`;
  const out = {} as Registers;
  GPR_NAMES.forEach((n, i) => { out[n] = hex(L.S_GPR + i * 8); });
  out.RIP = hex(L.S_RIP);
  out.RFLAGS = hex(L.S_RFLAGS);
  return out;
}
