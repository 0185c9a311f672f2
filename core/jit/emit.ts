// Emitting the pieces a translation is made of: guest registers in locals,
// effective addresses, memory accesses with the TLB's fast path inlined and the
// interpreter's functions as slow path, lazy flags in locals, condition codes,
// and the ways out of a translation.
import * as W from './wasm';
import {
  S_GPR, S_RFLAGS, S_LF_OP, S_LF_RES, S_LF_A, S_LF_B, S_STOP, S_RIP, S_NEXT_RIP, S_FS_BASE, S_GS_BASE,
  TLB_RTAG, TLB_WTAG, TLB_BASE, TLB_SIZE, JIT_REC,
} from '../generated/layout';
import {
  LF_NONE, LF_ADD, LF_SUB, LF_LOGIC, LF_INC, LF_DEC, LF_ADC, LF_SBB, LF_INC1, LF_DEC1, LF_INC0, LF_DEC0,
  F_MEM, F_ASZ32,
} from '../cpu';

// --- locals (params: 0 entry index, 1 budget, 2 n: retired so far) -------------------------
export const L_ENTRY: u32 = 0, L_BUDGET: u32 = 1, L_N: u32 = 2, L_G: u32 = 3, L_FOP: u32 = 19, L_FRES: u32 = 20,
  L_FA: u32 = 21, L_FB: u32 = 22, L_RIP: u32 = 23, L_SF: u32 = 24, L_T: u32 = 25, L_I: u32 = 33, L_V: u32 = 37, L_D: u32 = 41,
  L_X: u32 = 45;
// (groups, in order: i64 x16 registers; i32 fop; i64 fres fa fb rip; i32 sf; i64 x8; i32 x4; v128 x4; f64 x4;
// v128 x8 for emit-sse.ts)
export function declareLocals(): void {
  W.uleb(9);
  W.uleb(16); W.byte(W.T_I64);
  W.uleb(1); W.byte(W.T_I32);
  W.uleb(4); W.byte(W.T_I64);
  W.uleb(1); W.byte(W.T_I32);
  W.uleb(8); W.byte(W.T_I64);
  W.uleb(4); W.byte(W.T_I32);
  W.uleb(4); W.byte(W.T_V128);
  W.uleb(4); W.byte(W.T_F64);
  W.uleb(8); W.byte(W.T_V128);
}

// --- imported functions (the core's exports; see src/core/jit.ts) -----------------------
export const F_STEP: u32 = 0, F_RD: u32 = 1, F_WR: u32 = 2, F_COND: u32 = 3, F_RD128: u32 = 4, F_WR128: u32 = 5,
  F_NEXT: u32 = 6;
export const N_IMPORTS: u32 = 7;

// --- the translation being emitted ---------------------------------------------------------
export let lblWb: i32 = 0; // leave, writing the registers and flags back
export let lblNowb: i32 = 0; // leave, the CPU state already being in memory
export function setExitLabels(wb: i32, nowb: i32): void { lblWb = wb; lblNowb = nowb; }
export let usedRegs: u32 = 0; // registers held in locals
export let writtenRegs: u32 = 0; // ... and written by translated instructions
export function setRegs(used: u32, written: u32): void { usedRegs = used; writtenRegs = written; }

// The instruction being translated.
export let cur: usize = 0; // its record
export let curRip: u64 = 0;
export let curNext: u64 = 0; // the address after it
export let curK: u32 = 0; // its index in the block (instructions of the block retired before it)
export let curMem = false; // it accessed memory through a slow path that may have set STOP = 2
export function setCur(d: usize, rip: u64, k: u32): void {
  cur = d; curRip = rip; curNext = rip + load<u8>(d, 2); curK = k; curMem = false;
}

// --- exits ---------------------------------------------------------------------------------
// Leave with RIP = rip, `k` more instructions retired than counted in $n.
export function exitTo(rip: u64, k: u32): void {
  addN(k);
  W.i64c(<i64>rip); W.set(L_RIP);
  W.br(lblWb);
}
// ... with RIP from the stack (i64).
export function exitToStack(k: u32): void {
  W.set(L_RIP);
  addN(k);
  W.br(lblWb);
}
export function addN(k: u32): void {
  if (!k) return;
  W.get(L_N); W.i32c(<i32>k); W.op(W.I32_ADD); W.set(L_N);
}
// After a slow memory access: a fault (STOP = 1) leaves at once, before the
// instruction changed anything; STOP = 2 (its code frame changed, or a page moved)
// ends the translation after the instruction (see endInsn).
function checkSlow(): void {
  W.i32c(S_STOP); W.mem(W.I32_LOAD, 2, 0); W.tee(L_SF);
  W.i32c(1); W.op(W.I32_EQ);
  W.if_(); exitTo(curRip, curK); W.end();
  curMem = true;
}
// The end of an instruction that went through a slow path: STOP = 2 leaves after it, at
// `next` (a control transfer's target), or at the address in local `nextLocal` (>= 0).
export function endInsn(next: u64 = curNext, nextLocal: i32 = -1): void {
  if (!curMem) return;
  W.get(L_SF);
  W.if_();
  W.i32c(S_STOP); W.i32c(0); W.mem(W.I32_STORE, 2, 0);
  W.i32c(0); W.set(L_SF);
  if (nextLocal >= 0) { W.get(<u32>nextLocal); exitToStack(curK + 1); }
  else exitTo(next, curK + 1);
  W.end();
}

// --- registers -----------------------------------------------------------------------------
// @ts-ignore: decorator
@inline export function gl(r: u32): u32 { return L_G + (r & 15); }
export function loadRegs(mask: u32): void {
  for (let r: u32 = 0; r < 16; r++) if (mask & (1 << r)) {
    W.i32c(0); W.mem(W.I64_LOAD, 3, S_GPR + (r << 3)); W.set(gl(r));
  }
}
export function storeRegs(mask: u32): void {
  for (let r: u32 = 0; r < 16; r++) if (mask & (1 << r)) {
    W.i32c(0); W.get(gl(r)); W.mem(W.I64_STORE, 3, S_GPR + (r << 3));
  }
}
export function sizeMask(osz: u32): u64 { return osz == 3 ? <u64>-1 : ((<u64>1 << (<u64>8 << osz)) - 1); }
// Push register r (codes 16..19: AH CH DH BH) of size osz, zero-extended to i64.
export function getR(r: u32, osz: u32): void {
  if (osz == 0 && r >= 16) {
    W.get(gl(r - 16)); W.i64c(8); W.op(W.I64_SHR_U); W.i64c(0xff); W.op(W.I64_AND);
    return;
  }
  W.get(gl(r));
  if (osz < 3) { W.i64c(<i64>sizeMask(osz)); W.op(W.I64_AND); }
}
// Pop an i64 into register r of size osz (32 bits zero-extend, 8 and 16 merge).
export function setR(r: u32, osz: u32): void {
  if (osz == 3) { W.set(gl(r)); return; }
  if (osz == 2) { W.i64c(0xffffffff); W.op(W.I64_AND); W.set(gl(r)); return; }
  const t = L_T + 7;
  W.set(t);
  if (osz == 0 && r >= 16) {
    const g = gl(r - 16);
    W.get(g); W.i64c(~<i64>0xff00); W.op(W.I64_AND);
    W.get(t); W.i64c(0xff); W.op(W.I64_AND); W.i64c(8); W.op(W.I64_SHL);
    W.op(W.I64_OR); W.set(g);
    return;
  }
  const m = <i64>sizeMask(osz);
  W.get(gl(r)); W.i64c(~m); W.op(W.I64_AND);
  W.get(t); W.i64c(m); W.op(W.I64_AND);
  W.op(W.I64_OR); W.set(gl(r));
}
// The registers an operand's record names: bit r for register r (byte codes 16..19 are r - 16).
export function regBit(r: u32): u32 { return r >= 16 && r < 20 ? 1 << (r - 16) : r < 16 ? 1 << r : 0; }
export function eaRegs(d: usize): u32 {
  let m: u32 = 0;
  const base = <u32>load<u8>(d, 5), idx = <u32>load<u8>(d, 6);
  if (base < 16) m |= 1 << base;
  if (idx < 16) m |= 1 << idx;
  return m;
}

// --- effective address -------------------------------------------------------------------
// Push the effective address of the record's memory operand (i64); `seg`: add an
// FS/GS base (LEA takes the offset only).
export function ea(d: usize, seg: bool = true): void {
  const disp = <i64>load<i32>(d, 12);
  const base = <u32>load<u8>(d, 5), idx = <u32>load<u8>(d, 6), scale = <u32>load<u8>(d, 7);
  const f = <u32>load<u8>(d, 8);
  let have = false;
  if (base == 16) { W.i64c(<i64>curNext + disp); have = true; }
  else if (base != 0xff) {
    W.get(gl(base)); have = true;
    if (disp) { W.i64c(disp); W.op(W.I64_ADD); }
  }
  if (idx != 0xff) {
    W.get(gl(idx));
    if (scale) { W.i64c(scale); W.op(W.I64_SHL); }
    if (have) W.op(W.I64_ADD);
    have = true;
    if (base == 0xff && disp) { W.i64c(disp); W.op(W.I64_ADD); }
  }
  if (!have) W.i64c(disp);
  if (f & F_ASZ32) { W.i64c(0xffffffff); W.op(W.I64_AND); }
  if (seg && (f & 0x30)) { W.i32c(0); W.mem(W.I64_LOAD, 3, (f & 0x10) ? S_FS_BASE : S_GS_BASE); W.op(W.I64_ADD); }
}
// @ts-ignore: decorator
@inline export function isMem(d: usize): bool { return (load<u8>(d, 8) & F_MEM) != 0; }

// --- memory ---------------------------------------------------------------------------------
const L_VPN: u32 = L_T + 6; // (i64 temp of the TLB check)
const L_TI: u32 = L_I + 3; // (i32 temp: TLB index * 8)
// Push the i32 condition "the TLB maps the address in local `a` for `tags`, and
// `bytes` from it stay in the page"; leaves index * 8 in L_TI.
export function tlbHit(a: u32, tags: u32, bytes: u32): void {
  W.get(a); W.i64c(12); W.op(W.I64_SHR_U); W.tee(L_VPN);
  W.op(W.I32_WRAP_I64); W.i32c(TLB_SIZE - 1); W.op(W.I32_AND); W.i32c(3); W.op(W.I32_SHL); W.tee(L_TI);
  W.mem(W.I64_LOAD, 3, tags); W.get(L_VPN); W.op(W.I64_EQ);
  if (bytes > 1) {
    W.get(a); W.op(W.I32_WRAP_I64); W.i32c(0xfff); W.op(W.I32_AND); W.i32c(<i32>(0x1000 - bytes)); W.op(W.I32_LE_U);
    W.op(W.I32_AND);
  }
}
// Push the wasm address of the guest address in `a` (after a TLB hit).
export function hostAddr(a: u32): void {
  W.get(L_TI); W.i32c(1); W.op(W.I32_SHR_U); W.mem(W.I32_LOAD, 2, TLB_BASE);
  W.get(a); W.op(W.I32_WRAP_I64); W.i32c(0xfff); W.op(W.I32_AND); W.op(W.I32_ADD);
}
// Push the value (zero-extended i64) of size osz at the guest address in local `a`.
export function memLoad(a: u32, osz: u32): void {
  tlbHit(a, TLB_RTAG, 1 << osz);
  W.if_(W.T_I64);
  hostAddr(a);
  if (osz == 3) W.mem(W.I64_LOAD, 0, 0);
  else if (osz == 2) W.mem(W.I64_LOAD32_U, 0, 0);
  else if (osz == 1) W.mem(W.I64_LOAD16_U, 0, 0);
  else W.mem(W.I64_LOAD8_U, 0, 0);
  W.else_();
  W.get(a); W.i32c(<i32>osz); W.call(F_RD);
  checkSlow();
  W.end();
}
// Store the i64 in local `v` (size osz) at the guest address in local `a`.
export function memStore(a: u32, v: u32, osz: u32): void {
  tlbHit(a, TLB_WTAG, 1 << osz);
  W.if_();
  hostAddr(a);
  W.get(v);
  if (osz == 3) W.mem(W.I64_STORE, 0, 0);
  else if (osz == 2) W.mem(W.I64_STORE32, 0, 0);
  else if (osz == 1) W.mem(W.I64_STORE16, 0, 0);
  else W.mem(W.I64_STORE8, 0, 0);
  W.else_();
  W.get(a); W.get(v); W.i32c(<i32>osz); W.call(F_WR);
  checkSlow();
  W.end();
}
// 16 or 32 bytes at the guest address in `a` to/from the wasm address `p` (through JIT_REC + 32 on a slow path).
export function memLoad128(a: u32): void {
  tlbHit(a, TLB_RTAG, 16);
  W.if_(W.T_V128);
  hostAddr(a); W.v128load(0);
  W.else_();
  W.get(a); W.i32c(JIT_REC + 32); W.call(F_RD128);
  checkSlow();
  W.i32c(JIT_REC + 32); W.v128load(0);
  W.end();
}
// Store the v128 in local `v` at the guest address in `a`.
export function memStore128(a: u32, v: u32): void {
  tlbHit(a, TLB_WTAG, 16);
  W.if_();
  hostAddr(a); W.get(v); W.v128store(0);
  W.else_();
  W.i32c(JIT_REC + 32); W.get(v); W.v128store(0);
  W.get(a); W.i32c(JIT_REC + 32); W.call(F_WR128);
  checkSlow();
  W.end();
}

// --- lazy flags ------------------------------------------------------------------------------
// What the flag locals hold at this point of the translation: kind << 2 | size, known
// when translating (the instruction that set them is in this block), or -1: only at run time.
export let fk: i32 = -1;
export function flagsUnknown(): void { fk = -1; }
// The flags are RFLAGS itself (LF_OP = 0), as after COMISD.
export function flagsNone(): void { fk = 0; }
// The flag locals take the lazy state of kind/osz: result in local `res`, operands in `a`, `b` (0: none).
export function setFlags(kind: u32, osz: u32, res: u32, a: u32, b: u32): void {
  W.i32c(<i32>(kind << 2 | osz)); W.set(L_FOP);
  W.get(res); W.set(L_FRES);
  if (a) { W.get(a); W.set(L_FA); }
  if (b) { W.get(b); W.set(L_FB); }
  fk = <i32>(kind << 2 | osz);
}
// ... with a kind known only at run time (i32 on the stack).
export function setFlagsDyn(res: u32, a: u32, b: u32): void {
  W.set(L_FOP);
  W.get(res); W.set(L_FRES);
  W.get(a); W.set(L_FA);
  W.get(b); W.set(L_FB);
  fk = -1;
}
export function spillFlags(): void {
  W.i32c(0); W.get(L_FOP); W.mem(W.I32_STORE, 2, S_LF_OP);
  W.i32c(0); W.get(L_FRES); W.mem(W.I64_STORE, 3, S_LF_RES);
  W.i32c(0); W.get(L_FA); W.mem(W.I64_STORE, 3, S_LF_A);
  W.i32c(0); W.get(L_FB); W.mem(W.I64_STORE, 3, S_LF_B);
}
export function reloadFlags(): void {
  W.i32c(0); W.mem(W.I32_LOAD, 2, S_LF_OP); W.set(L_FOP);
  W.i32c(0); W.mem(W.I64_LOAD, 3, S_LF_RES); W.set(L_FRES);
  W.i32c(0); W.mem(W.I64_LOAD, 3, S_LF_A); W.set(L_FA);
  W.i32c(0); W.mem(W.I64_LOAD, 3, S_LF_B); W.set(L_FB);
  fk = -1;
}

// A flag of a static kind as i32 0/1; false if this kind needs the interpreter's evaluation.
function rflagsBit(bit: u32): void {
  W.i32c(0); W.mem(W.I64_LOAD, 3, S_RFLAGS); W.i64c(bit); W.op(W.I64_AND); W.i64c(0); W.op(W.I64_NE);
}
function signOf(l: u32, osz: u32): void {
  W.get(l); W.i64c((<i64>8 << osz) - 1); W.op(W.I64_SHR_U); W.op(W.I32_WRAP_I64); W.i32c(1); W.op(W.I32_AND);
}
function flagCF(kind: u32, osz: u32): bool {
  switch (kind) {
    case LF_NONE: case LF_INC: case LF_DEC: rflagsBit(1); return true;
    case LF_ADD: W.get(L_FRES); W.get(L_FA); W.op(W.I64_LT_U); return true;
    case LF_SUB: W.get(L_FA); W.get(L_FB); W.op(W.I64_LT_U); return true;
    case LF_ADC: W.get(L_FRES); W.get(L_FA); W.op(W.I64_LE_U); return true;
    case LF_SBB: W.get(L_FA); W.get(L_FB); W.op(W.I64_LE_U); return true;
    case LF_LOGIC: case LF_INC0: case LF_DEC0: W.i32c(0); return true;
    case LF_INC1: case LF_DEC1: W.i32c(1); return true;
  }
  return false;
}
function flagZF(kind: u32, osz: u32): bool {
  if (kind == LF_NONE) { rflagsBit(0x40); return true; }
  W.get(L_FRES); W.op(W.I64_EQZ); return true;
}
function flagSF(kind: u32, osz: u32): bool {
  if (kind == LF_NONE) { rflagsBit(0x80); return true; }
  signOf(L_FRES, osz); return true;
}
function flagPF(kind: u32, osz: u32): bool {
  if (kind == LF_NONE) { rflagsBit(4); return true; }
  W.get(L_FRES); W.i64c(0xff); W.op(W.I64_AND); W.op(W.I64_POPCNT); W.op(W.I32_WRAP_I64);
  W.i32c(1); W.op(W.I32_AND); W.op(W.I32_EQZ);
  return true;
}
function flagOF(kind: u32, osz: u32): bool {
  switch (kind) {
    case LF_NONE: rflagsBit(0x800); return true;
    case LF_ADD: case LF_ADC:
      W.get(L_FA); W.get(L_FRES); W.op(W.I64_XOR); W.get(L_FB); W.get(L_FRES); W.op(W.I64_XOR); W.op(W.I64_AND);
      W.set(L_T + 5); signOf(L_T + 5, osz); return true;
    case LF_SUB: case LF_SBB:
      W.get(L_FA); W.get(L_FB); W.op(W.I64_XOR); W.get(L_FA); W.get(L_FRES); W.op(W.I64_XOR); W.op(W.I64_AND);
      W.set(L_T + 5); signOf(L_T + 5, osz); return true;
    case LF_LOGIC: W.i32c(0); return true;
    case LF_INC: case LF_INC1: case LF_INC0:
      W.get(L_FRES); W.i64c(<i64>1 << ((<i64>8 << osz) - 1)); W.op(W.I64_EQ); return true;
    case LF_DEC: case LF_DEC1: case LF_DEC0:
      W.get(L_FRES); W.i64c((<i64>1 << ((<i64>8 << osz) - 1)) - 1); W.op(W.I64_EQ); return true;
  }
  return false;
}
function knownKind(kind: u32): bool {
  return kind <= LF_LOGIC || kind == LF_INC || kind == LF_DEC || (kind >= LF_ADC && kind <= LF_DEC0);
}
function sext(osz: u32): void {
  if (osz == 2) W.op(W.I64_EXTEND32_S);
  else if (osz == 1) W.op(W.I64_EXTEND16_S);
  else if (osz == 0) W.op(W.I64_EXTEND8_S);
}
// Push condition code cc (0..15) as i32 0/1.
export function cond(cc: u32): void {
  const c = cc >> 1;
  if (fk < 0 || !knownKind(<u32>fk >> 2)) {
    spillFlags();
    W.i32c(<i32>cc); W.call(F_COND);
    return;
  }
  const kind = <u32>fk >> 2, osz = <u32>fk & 3;
  // compares: the usual jcc after cmp
  if (kind == LF_SUB && (c == 1 || c == 3 || c == 6 || c == 7)) {
    W.get(L_FA);
    if (c >= 6) sext(osz);
    W.get(L_FB);
    if (c >= 6) sext(osz);
    W.op(c == 1 ? W.I64_LT_U : c == 3 ? W.I64_LE_U : c == 6 ? W.I64_LT_S : W.I64_LE_S);
  } else {
    switch (c) {
      case 0: flagOF(kind, osz); break;
      case 1: flagCF(kind, osz); break;
      case 2: flagZF(kind, osz); break;
      case 3: flagCF(kind, osz); flagZF(kind, osz); W.op(W.I32_OR); break;
      case 4: flagSF(kind, osz); break;
      case 5: flagPF(kind, osz); break;
      case 6: flagSF(kind, osz); flagOF(kind, osz); W.op(W.I32_XOR); break;
      default: flagZF(kind, osz); flagSF(kind, osz); flagOF(kind, osz); W.op(W.I32_XOR); W.op(W.I32_OR); break;
    }
  }
  if (cc & 1) W.op(W.I32_EQZ);
}
// Push CF as i64 0/1.
export function carry(): void { cond(2); W.op(W.I64_EXTEND_I32_U); }

// --- handing an instruction to its interpreter handler -------------------------------------
// The record to JIT_REC, RIP and NEXT_RIP set, and the handler called.
export function callHandler(): void {
  W.i32c(0); W.i64c(<i64>curRip); W.mem(W.I64_STORE, 3, S_RIP);
  W.i32c(0); W.i64c(<i64>curNext); W.mem(W.I64_STORE, 3, S_NEXT_RIP);
  for (let i: u32 = 0; i < 32; i += 8) { W.i32c(0); W.i64c(load<i64>(cur + i)); W.mem(W.I64_STORE, 3, JIT_REC + i); }
  W.i32c(JIT_REC); W.call(F_STEP);
}
