// The registers gdb sees of an x86-64 Linux thread, in the order and with the types
// of gdb's amd64 Linux target description (features org.gnu.gdb.i386.core, .sse,
// .linux, .segments, .avx), read from and written to the state the kernel's debugger
// gives (the core's save area, see tools/layout.mjs), and that description as XML.
import type { ThreadState } from '../kernel/debug.js';
import * as L from '../generated/layout.js';

interface RegDef {
  name: string;
  bits: number;
  type: string;
  group?: string;
  feature: string;
  read(s: ThreadState): Uint8Array;
  write(s: ThreadState, v: Uint8Array): void;
}

const off = (field: number) => field - L.STATE;
const dv = (s: ThreadState) => new DataView(s.regs.buffer, s.regs.byteOffset, s.regs.byteLength);
const slice = (field: number, n: number) => ({
  read: (s: ThreadState) => s.regs.slice(off(field), off(field) + n),
  write: (s: ThreadState, v: Uint8Array) => s.regs.set(v.subarray(0, n), off(field)),
});
const le = (v: bigint, n: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
};
const fromLe = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const constant = (v: number) => ({ read: () => le(BigInt(v), 4), write: () => {} });
const u32field = (field: number) => ({
  read: (s: ThreadState) => le(BigInt(dv(s).getUint32(off(field), true)), 4),
  write: (s: ThreadState, v: Uint8Array) => dv(s).setUint32(off(field), Number(fromLe(v) & 0xffffffffn), true),
});

// gdb's order rax rbx rcx rdx rsi rdi rbp rsp r8..r15, as the core numbers them (encoding order)
const GPR_ORDER = [0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15];
const GPR_NAMES = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

// x87: ST(i) is physical register (TOP + i) & 7; the tag word has 2 bits per physical
// register (0 valid, 1 zero, 2 special, 3 empty), the core keeps only "empty".
const top = (s: ThreadState) => dv(s).getUint32(off(L.S_FPU_TOP), true) & 7;
const stAddr = (s: ThreadState, i: number) => off(L.S_FPU_ST) + ((top(s) + i) & 7) * 16;
function fullTag(s: ThreadState): number {
  const d = dv(s);
  const empty = d.getUint32(off(L.S_FPU_TAG), true);
  let tag = 0;
  for (let r = 0; r < 8; r++) {
    let t: number;
    if ((empty >> r) & 1) t = 3;
    else {
      const a = off(L.S_FPU_ST) + r * 16;
      const mant = d.getBigUint64(a, true);
      const exp = d.getUint16(a + 8, true) & 0x7fff;
      if (exp === 0 && mant === 0n) t = 1;
      else if (exp === 0x7fff || exp === 0 || !(mant >> 63n)) t = 2;
      else t = 0;
    }
    tag |= t << (2 * r);
  }
  return tag;
}

const CORE = 'org.gnu.gdb.i386.core', SSE = 'org.gnu.gdb.i386.sse', LINUX = 'org.gnu.gdb.i386.linux',
  SEGMENTS = 'org.gnu.gdb.i386.segments', AVX = 'org.gnu.gdb.i386.avx';

function defs(): RegDef[] {
  const r: RegDef[] = [];
  GPR_NAMES.forEach((name, i) => r.push({
    name, bits: 64, type: name === 'rbp' || name === 'rsp' ? 'data_ptr' : 'int64', feature: CORE,
    ...slice(L.S_GPR + GPR_ORDER[i] * 8, 8),
  }));
  r.push({ name: 'rip', bits: 64, type: 'code_ptr', feature: CORE, ...slice(L.S_RIP, 8) });
  r.push({ name: 'eflags', bits: 32, type: 'i386_eflags', feature: CORE, ...u32field(L.S_RFLAGS) });
  // the selectors of a Linux x86-64 user thread; not the core's to change
  for (const [name, v] of [['cs', 0x33], ['ss', 0x2b], ['ds', 0], ['es', 0], ['fs', 0], ['gs', 0]] as const) {
    r.push({ name, bits: 32, type: 'int32', feature: CORE, ...constant(v) });
  }
  for (let i = 0; i < 8; i++) {
    r.push({
      name: `st${i}`, bits: 80, type: 'i387_ext', feature: CORE,
      read: (s) => s.regs.slice(stAddr(s, i), stAddr(s, i) + 10),
      write: (s, v) => s.regs.set(v.subarray(0, 10), stAddr(s, i)),
    });
  }
  r.push({ name: 'fctrl', bits: 32, type: 'int', group: 'float', feature: CORE, ...u32field(L.S_FPU_CW) });
  r.push({
    name: 'fstat', bits: 32, type: 'int', group: 'float', feature: CORE,
    read: (s) => le(BigInt((dv(s).getUint32(off(L.S_FPU_SW), true) & ~0x3800) | (top(s) << 11)), 4),
    write: (s, v) => {
      const w = Number(fromLe(v) & 0xffffn);
      dv(s).setUint32(off(L.S_FPU_SW), w & ~0x3800, true);
      dv(s).setUint32(off(L.S_FPU_TOP), (w >> 11) & 7, true);
    },
  });
  r.push({
    name: 'ftag', bits: 32, type: 'int', group: 'float', feature: CORE,
    read: (s) => le(BigInt(fullTag(s)), 4),
    write: (s, v) => {
      const w = Number(fromLe(v) & 0xffffn);
      let empty = 0;
      for (let i = 0; i < 8; i++) if (((w >> (2 * i)) & 3) === 3) empty |= 1 << i;
      dv(s).setUint32(off(L.S_FPU_TAG), empty, true);
    },
  });
  // the last x87 instruction's and operand's addresses and opcode: not kept by the core
  for (const name of ['fiseg', 'fioff', 'foseg', 'fooff', 'fop']) r.push({ name, bits: 32, type: 'int', group: 'float', feature: CORE, ...constant(0) });
  for (let i = 0; i < 16; i++) r.push({ name: `xmm${i}`, bits: 128, type: 'vec128', feature: SSE, ...slice(L.S_XMM + i * 32, 16) });
  r.push({ name: 'mxcsr', bits: 32, type: 'i386_mxcsr', group: 'vector', feature: SSE, ...u32field(L.S_MXCSR) });
  r.push({
    name: 'orig_rax', bits: 64, type: 'int', feature: LINUX,
    read: (s) => le(BigInt.asUintN(64, s.origRax), 8),
    write: (s, v) => { s.origRax = BigInt.asIntN(64, fromLe(v)); },
  });
  r.push({ name: 'fs_base', bits: 64, type: 'int', feature: SEGMENTS, ...slice(L.S_FS_BASE, 8) });
  r.push({ name: 'gs_base', bits: 64, type: 'int', feature: SEGMENTS, ...slice(L.S_GS_BASE, 8) });
  for (let i = 0; i < 16; i++) r.push({ name: `ymm${i}h`, bits: 128, type: 'uint128', feature: AVX, ...slice(L.S_XMM + i * 32 + 16, 16) });
  return r;
}

export const REGS: readonly RegDef[] = defs();
export const REG_PC = REGS.findIndex((r) => r.name === 'rip');

// One register's bytes (target byte order), or null when gdb names none such.
export function readReg(s: ThreadState, n: number): Uint8Array | null {
  const d = Number.isInteger(n) ? REGS[n] : undefined;
  return d ? d.read(s) : null;
}
export function writeReg(s: ThreadState, n: number, v: Uint8Array): boolean {
  const d = Number.isInteger(n) ? REGS[n] : undefined;
  if (!d || v.length !== d.bits / 8) return false;
  d.write(s, v);
  return true;
}
export function regSize(n: number): number { return REGS[n].bits / 8; }

// --- the target description ---------------------------------------------------------------
const EFLAGS = ['CF', '', 'PF', '', 'AF', '', 'ZF', 'SF', 'TF', 'IF', 'DF', 'OF', '', '', 'NT', '', 'RF', 'VM', 'AC', 'VIF', 'VIP', 'ID'];
const MXCSR = ['IE', 'DE', 'ZE', 'OE', 'UE', 'PE', 'DAZ', 'IM', 'DM', 'ZM', 'OM', 'UM', 'PM', '', '', 'FZ'];
const flagFields = (names: string[], keepUnnamed: number[]) => names.map((n, bit) =>
  n || keepUnnamed.includes(bit) ? `<field name="${n}" start="${bit}" end="${bit}" type="bool"/>` : '').filter(Boolean).join('');
const VEC128: [string, string, string, number][] = [
  ['v8_bfloat16', 'v8bf16', 'bfloat16', 8], ['v8_half', 'v8h', 'ieee_half', 8], ['v4_float', 'v4f', 'ieee_single', 4],
  ['v2_double', 'v2d', 'ieee_double', 2], ['v16_int8', 'v16i8', 'int8', 16], ['v8_int16', 'v8i16', 'int16', 8],
  ['v4_int32', 'v4i32', 'int32', 4], ['v2_int64', 'v2i64', 'int64', 2],
];
const TYPES: Record<string, string> = {
  [CORE]: `<flags id="i386_eflags" size="4">${flagFields(EFLAGS, [1])}</flags>`,
  [SSE]: VEC128.map(([, id, t, n]) => `<vector id="${id}" type="${t}" count="${n}"/>`).join('') +
    `<union id="vec128">${VEC128.map(([f, id]) => `<field name="${f}" type="${id}"/>`).join('')}<field name="uint128" type="uint128"/></union>` +
    `<flags id="i386_mxcsr" size="4">${flagFields(MXCSR, [])}</flags>`,
};

export function targetXml(): string {
  const features: string[] = [];
  let cur = '';
  let regs = '';
  const flush = () => { if (cur) features.push(`<feature name="${cur}">${TYPES[cur] ?? ''}${regs}</feature>`); };
  REGS.forEach((d, n) => {
    if (d.feature !== cur) { flush(); cur = d.feature; regs = ''; }
    regs += `<reg name="${d.name}" bitsize="${d.bits}" type="${d.type}" regnum="${n}"${d.group ? ` group="${d.group}"` : ''}/>`;
  });
  flush();
  return '<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target><architecture>i386:x86-64</architecture>' +
    `<osabi>GNU/Linux</osabi>${features.join('')}</target>`;
}
