// Writing a WebAssembly module: bytes, LEB128 numbers, opcodes, and the
// nesting of structured control flow (labels are absolute nesting levels, so
// a branch's depth is computed where it is emitted).
import { JIT_OUT, JIT_OUT_SIZE } from '../generated/layout';

export let pos: usize = JIT_OUT;
export let overflow = false; // the module outgrew JIT_OUT: it is discarded
export let lvl: i32 = 0; // current nesting level of blocks, loops and ifs

export function reset(): void { pos = JIT_OUT; overflow = false; lvl = 0; }

// @ts-ignore: decorator
@inline export function byte(x: u32): void {
  if (pos >= JIT_OUT + JIT_OUT_SIZE - 16) { overflow = true; return; }
  store<u8>(pos, <u8>x);
  pos++;
}
export function uleb(x: u32): void {
  do {
    let b = x & 0x7f;
    x >>= 7;
    if (x) b |= 0x80;
    byte(b);
  } while (x);
}
export function sleb32(x: i32): void {
  while (true) {
    const b = x & 0x7f;
    x >>= 7;
    if ((x == 0 && (b & 0x40) == 0) || (x == -1 && (b & 0x40) != 0)) { byte(b); return; }
    byte(b | 0x80);
  }
}
export function sleb64(x: i64): void {
  while (true) {
    const b = <u32>(x & 0x7f);
    x >>= 7;
    if ((x == 0 && (b & 0x40) == 0) || (x == -1 && (b & 0x40) != 0)) { byte(b); return; }
    byte(b | 0x80);
  }
}
// A 5-byte LEB128 placeholder for a size known later (section and body sizes).
export function sizeSlot(): usize {
  const p = pos;
  for (let i = 0; i < 5; i++) byte(0);
  return p;
}
export function patchSize(p: usize): void {
  let x = <u32>(pos - p - 5);
  for (let i: usize = 0; i < 5; i++) {
    store<u8>(p + i, <u8>((x & 0x7f) | (i < 4 ? 0x80 : 0)));
    x >>= 7;
  }
}
export function name(s: string): void {
  uleb(<u32>s.length);
  for (let i = 0; i < s.length; i++) byte(<u32>s.charCodeAt(i));
}

// --- opcodes ----------------------------------------------------------------------------
export const T_I32: u32 = 0x7f, T_I64: u32 = 0x7e, T_F32: u32 = 0x7d, T_F64: u32 = 0x7c, T_V128: u32 = 0x7b, T_VOID: u32 = 0x40;
export const UNREACHABLE: u32 = 0x00, BLOCK: u32 = 0x02, LOOP: u32 = 0x03, IF: u32 = 0x04, ELSE: u32 = 0x05,
  END: u32 = 0x0b, BR: u32 = 0x0c, BR_IF: u32 = 0x0d, BR_TABLE: u32 = 0x0e, RETURN: u32 = 0x0f, CALL: u32 = 0x10,
  DROP: u32 = 0x1a, SELECT: u32 = 0x1b,
  LOCAL_GET: u32 = 0x20, LOCAL_SET: u32 = 0x21, LOCAL_TEE: u32 = 0x22,
  I32_LOAD: u32 = 0x28, I64_LOAD: u32 = 0x29, F32_LOAD: u32 = 0x2a, F64_LOAD: u32 = 0x2b,
  I32_LOAD8_U: u32 = 0x2d, I32_LOAD16_U: u32 = 0x2f,
  I64_LOAD8_U: u32 = 0x31, I64_LOAD16_U: u32 = 0x33, I64_LOAD32_U: u32 = 0x35,
  I32_STORE: u32 = 0x36, I64_STORE: u32 = 0x37, F32_STORE: u32 = 0x38, F64_STORE: u32 = 0x39,
  I32_STORE8: u32 = 0x3a, I32_STORE16: u32 = 0x3b, I64_STORE8: u32 = 0x3c, I64_STORE16: u32 = 0x3d, I64_STORE32: u32 = 0x3e,
  I32_CONST: u32 = 0x41, I64_CONST: u32 = 0x42,
  I32_EQZ: u32 = 0x45, I32_EQ: u32 = 0x46, I32_NE: u32 = 0x47, I32_LT_S: u32 = 0x48, I32_LT_U: u32 = 0x49,
  I32_GT_S: u32 = 0x4a, I32_GT_U: u32 = 0x4b, I32_LE_S: u32 = 0x4c, I32_LE_U: u32 = 0x4d, I32_GE_S: u32 = 0x4e, I32_GE_U: u32 = 0x4f,
  I64_EQZ: u32 = 0x50, I64_EQ: u32 = 0x51, I64_NE: u32 = 0x52, I64_LT_S: u32 = 0x53, I64_LT_U: u32 = 0x54,
  I64_GT_S: u32 = 0x55, I64_GT_U: u32 = 0x56, I64_LE_S: u32 = 0x57, I64_LE_U: u32 = 0x58, I64_GE_S: u32 = 0x59, I64_GE_U: u32 = 0x5a,
  I32_ADD: u32 = 0x6a, I32_SUB: u32 = 0x6b, I32_MUL: u32 = 0x6c, I32_AND: u32 = 0x71, I32_OR: u32 = 0x72, I32_XOR: u32 = 0x73,
  I32_SHL: u32 = 0x74, I32_SHR_S: u32 = 0x75, I32_SHR_U: u32 = 0x76,
  I64_CLZ: u32 = 0x79, I64_CTZ: u32 = 0x7a, I64_POPCNT: u32 = 0x7b,
  I64_ADD: u32 = 0x7c, I64_SUB: u32 = 0x7d, I64_MUL: u32 = 0x7e, I64_DIV_S: u32 = 0x7f, I64_DIV_U: u32 = 0x80,
  I64_AND: u32 = 0x83, I64_OR: u32 = 0x84, I64_XOR: u32 = 0x85, I64_SHL: u32 = 0x86, I64_SHR_S: u32 = 0x87, I64_SHR_U: u32 = 0x88,
  I64_ROTL: u32 = 0x89, I64_ROTR: u32 = 0x8a,
  F64_ABS: u32 = 0x99, F64_NEG: u32 = 0x9a, F64_SQRT: u32 = 0x9f,
  F64_ADD: u32 = 0xa0, F64_SUB: u32 = 0xa1, F64_MUL: u32 = 0xa2, F64_DIV: u32 = 0xa3,
  I32_WRAP_I64: u32 = 0xa7, I64_EXTEND_I32_S: u32 = 0xac, I64_EXTEND_I32_U: u32 = 0xad,
  F64_CONVERT_I64_S: u32 = 0xb9,
  I64_REINTERPRET_F64: u32 = 0xbd, F64_REINTERPRET_I64: u32 = 0xbf,
  I64_EXTEND8_S: u32 = 0xc2, I64_EXTEND16_S: u32 = 0xc3, I64_EXTEND32_S: u32 = 0xc4;

export function op(o: u32): void { byte(o); }
// Control: each block/loop/if opens a level, end closes one.
export function block(t: u32 = T_VOID): i32 { byte(BLOCK); byte(t); return ++lvl; }
export function loop(t: u32 = T_VOID): i32 { byte(LOOP); byte(t); return ++lvl; }
export function if_(t: u32 = T_VOID): i32 { byte(IF); byte(t); return ++lvl; }
export function else_(): void { byte(ELSE); }
export function end(): void { byte(END); lvl--; }
export function br(label: i32): void { byte(BR); uleb(<u32>(lvl - label)); }
export function brIf(label: i32): void { byte(BR_IF); uleb(<u32>(lvl - label)); }
export function get(l: u32): void { byte(LOCAL_GET); uleb(l); }
export function set(l: u32): void { byte(LOCAL_SET); uleb(l); }
export function tee(l: u32): void { byte(LOCAL_TEE); uleb(l); }
export function i32c(v: i32): void { byte(I32_CONST); sleb32(v); }
export function i64c(v: i64): void { byte(I64_CONST); sleb64(v); }
export function call(f: u32): void { byte(CALL); uleb(f); }
// Memory access at a constant address or with an offset: align hint, offset.
export function mem(o: u32, align: u32, offset: u32): void { byte(o); uleb(align); uleb(offset); }
// SIMD (0xfd prefix)
export function simd(o: u32): void { byte(0xfd); uleb(o); }
export function v128load(offset: u32): void { byte(0xfd); uleb(0); uleb(4); uleb(offset); }
export function v128store(offset: u32): void { byte(0xfd); uleb(11); uleb(4); uleb(offset); }
