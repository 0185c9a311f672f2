// The decoder: x86-64 bytes to instruction records, driven by the generated
// table (core/generated/isa.ts). A record is INSN_SIZE bytes:
//   +0 u16 table id   +2 u8 length   +3 u8 operand size (0..3 = 8..64 bits)
//   +4 u8 reg         +5 u8 rm / base (0xFF none, 16 = RIP)   +6 u8 index (0xFF none)
//   +7 u8 scale       +8 u8 flags (F_MEM, F_REX, F_ASZ32, F_LOCK, seg<<4, rep<<6)
//   +9 u8 modrm       +10 u8 second immediate (enter)          +11 u8 opcode byte
//   +12 i32 displacement                                       +16 u64 immediate
//   +24 u8 VEX bits: V_VEX (VEX-encoded), V_L (VEX.L: 256 bits), V_W (VEX.W)
//   +25 u8 VEX.vvvv (the extra source register, 0..15; 0 without VEX)
//   +26 u8 SIB index register with REX.X/VEX.X, before index 4 means "none" (0xFF: no SIB);
//          VSIB (gathers) uses it as the vector index register
//
// VEX (C4/C5): the map comes from VEX.mmmmm (1 0F, 2 0F 38, 3 0F 3A; others #UD) and
// the mandatory prefix from VEX.pp; VEX.R/X/B/W act as REX.R/X/B/W (operand size, register
// extension). A 66/F2/F3/REX/LOCK prefix before VEX is #UD. VEX forms are looked up in
// their own decoder roots (DECODE_NODES[(4 + map) * 256 + opcode]). EVEX (62) is #UD.
import { DECODE_NODES, ID_UD2 } from './generated/isa';
import { fetchAddr } from './mem';
import { F_MEM, F_REX, F_ASZ32, F_LOCK } from './cpu';

const K_LEAF: u32 = 0, K_REG: u32 = 1, K_PREFIX: u32 = 2, K_MOD: u32 = 3, K_W: u32 = 4, K_L: u32 = 5, K_RM: u32 = 6;
export const V_VEX: u32 = 1, V_L: u32 = 2, V_W: u32 = 4;
const IMM_IB: u32 = 1, IMM_UB: u32 = 2, IMM_IW: u32 = 3, IMM_IZ: u32 = 4, IMM_IV: u32 = 5,
  IMM_IWB: u32 = 6, IMM_JB: u32 = 7, IMM_JZ: u32 = 8, IMM_MOFFS: u32 = 9;

// Decoder results besides the record.
export let decFault: bool = false; // instruction fetch faulted (state set by mem)
export let decEnd: bool = false; // instruction ends a block

let pc: u64 = 0;
let count: u32 = 0;
// Bytes to decode instead of guest memory (a disassembler's), while srcLen > 0.
let srcBuf: usize = 0;
let srcLen: u32 = 0;
export function decodeFrom(buf: usize, len: u32): void { srcBuf = buf; srcLen = len; }
// The translator decodes from a frame directly, not through the TLB (the page
// table may be another process's by then): `fetchFrame` holds the frame of
// virtual page `fetchPage`; an instruction that leaves the page "faults".
let fetchFrame: usize = 0;
let fetchPage: u64 = 0;
export function decodeFrame(frame: usize, page: u64): void { fetchFrame = frame; fetchPage = page; }
function fetch(): u32 {
  if (count >= 15) { count++; return 0; } // too long: decodes as #UD below
  let p: usize;
  if (srcLen) {
    if (count >= srcLen) { decFault = true; return 0; }
    p = srcBuf + count;
  } else if (fetchFrame) {
    p = (pc >> 12) == fetchPage ? fetchFrame + <usize>(<u32>pc & 0xfff) : 0;
  } else {
    p = fetchAddr(pc);
  }
  if (!p) { decFault = true; return 0; }
  pc++;
  count++;
  return load<u8>(p);
}

// Decode the instruction at `addr` into the record at `d`. Returns its length;
// table id 0 in the record means #UD (EXIT_LEN tells how much was read).
export function decode(addr: u64, d: usize): u32 {
  pc = addr;
  count = 0;
  decFault = false;
  decEnd = false;
  memory.fill(d, 0, 32);
  let rex: u32 = 0, opsz16 = false, asz32 = false, rep: u32 = 0, lock = false, seg: u32 = 0;
  let b: u32;
  while (true) {
    b = fetch();
    if (decFault) return 0;
    if (b >= 0x40 && b <= 0x4f) { rex = b; continue; }
    if (b == 0x66) opsz16 = true;
    else if (b == 0x67) asz32 = true;
    else if (b == 0xf3) rep = 1;
    else if (b == 0xf2) rep = 2;
    else if (b == 0xf0) lock = true;
    else if (b == 0x64) seg = 1;
    else if (b == 0x65) seg = 2;
    else if (b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26) {}
    else break;
    rex = 0; // a REX prefix counts only directly before the opcode
  }
  let map: u32 = 0;
  let op = b;
  let vex: u32 = 0, vvvv: u32 = 0, vpp: u32 = 0;
  if (b == 0xc4 || b == 0xc5) {
    if (rex || opsz16 || rep || lock) { store<u16>(d, 0); decEnd = true; return count; }
    const b1 = fetch();
    let b2: u32;
    if (b == 0xc5) {
      b2 = b1;
      map = 1;
      rex = 0x40 | ((~b1 >> 5) & 4); // R
    } else {
      b2 = fetch();
      map = b1 & 31;
      rex = 0x40 | ((~b1 >> 5) & 7) | ((b2 >> 4) & 8); // R X B, W
    }
    if (decFault) return 0;
    vvvv = (~b2 >> 3) & 15;
    vpp = b2 & 3;
    vex = V_VEX | ((b2 & 4) ? V_L : 0) | ((rex & 8) ? V_W : 0);
    op = fetch();
    if (decFault) return 0;
    if (map < 1 || map > 3) { store<u16>(d, 0); decEnd = true; return count; }
    map += 4;
  } else if (b == 0x0f) {
    op = fetch();
    map = 1;
    if (op == 0x38) { map = 2; op = fetch(); }
    else if (op == 0x3a) { map = 3; op = fetch(); }
  }
  if (decFault) return 0;
  let node = DECODE_NODES[map * 256 + op];
  let modrm: i32 = -1;
  let slot: u32 = 0;
  while ((node & 7) != K_LEAF) {
    const base = node >> 3;
    const kind = node & 7;
    if (kind == K_PREFIX) {
      if (vex) {
        slot = vpp == 1 ? 1 : vpp == 2 ? 2 : vpp == 3 ? 3 : 0;
        node = DECODE_NODES[base + slot];
      } else {
        slot = rep == 1 ? 2 : rep == 2 ? 3 : opsz16 ? 1 : 0;
        node = DECODE_NODES[base + slot];
        if (node == 0) { node = DECODE_NODES[base]; slot = 0; }
      }
    } else if (kind == K_W) {
      node = DECODE_NODES[base + ((rex & 8) ? 1 : 0)]; // VEX.W, or REX.W for a legacy form (rex holds both)
    } else if (kind == K_L) {
      node = DECODE_NODES[base + ((vex & V_L) ? 1 : 0)];
    } else {
      if (modrm < 0) { modrm = <i32>fetch(); if (decFault) return 0; }
      if (kind == K_REG) node = DECODE_NODES[base + ((<u32>modrm >> 3) & 7)];
      else if (kind == K_RM) node = DECODE_NODES[base + (<u32>modrm & 7)]; // (x87 register forms: under mod = 3)
      else node = DECODE_NODES[base + ((<u32>modrm >> 6) == 3 ? 1 : 0)];
    }
  }
  const id = (node >> 3) & 0xfff;
  const hasModrm = (node >> 15) & 1;
  const immKind = (node >> 16) & 15;
  const isByte = (node >> 20) & 1;
  const d64 = (node >> 21) & 1;
  const plusR = (node >> 23) & 1;
  const f64 = (node >> 24) & 1;
  const mandatory = (node >> 25) & 1;
  decEnd = ((node >> 22) & 1) != 0;
  if (id == 0 || (((node >> 26) & 1) != 0 && vvvv != 0)) { store<u16>(d, 0); decEnd = true; return count; }
  if (mandatory) {
    if (slot == 1) opsz16 = false;
    if (slot >= 2) rep = 0;
  }
  if (hasModrm && modrm < 0) { modrm = <i32>fetch(); if (decFault) return 0; }
  // LOCK: only on the memory form of a lockable instruction, else #UD
  // (decoded as UD2: a defined #UD, not a gap in xos)
  if (lock && (((node >> 27) & 1) == 0 || (<u32>modrm >> 6) == 3)) { store<u16>(d, ID_UD2); store<u8>(d, <u8>count, 2); decEnd = true; return count; }
  const osz: u32 = isByte ? 0 : f64 ? 3 : (rex & 8) ? 3 : opsz16 ? 1 : d64 ? 3 : 2;
  let flags: u32 = (rex ? F_REX : 0) | (asz32 ? F_ASZ32 : 0) | (lock ? F_LOCK : 0) | (seg << 4) | (rep << 6);
  let reg: u32 = 0, rm: u32 = 0xff, index: u32 = 0xff, scale: u32 = 0, rawIndex: u32 = 0xff;
  let disp: i32 = 0;
  if (hasModrm) {
    const m = <u32>modrm;
    const mod = m >> 6;
    reg = ((m >> 3) & 7) | ((rex & 4) << 1);
    rm = m & 7;
    if (mod == 3) {
      rm |= (rex & 1) << 3;
    } else {
      flags |= F_MEM;
      if (rm == 4) {
        const sib = fetch();
        scale = sib >> 6;
        index = ((sib >> 3) & 7) | ((rex & 2) << 2);
        rawIndex = index;
        if (index == 4) index = 0xff;
        rm = (sib & 7) | ((rex & 1) << 3);
        if ((sib & 7) == 5 && mod == 0) { rm = 0xff; disp = <i32>(fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24)); }
      } else if (rm == 5 && mod == 0) {
        rm = 16;
        disp = <i32>(fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24));
      } else {
        rm |= (rex & 1) << 3;
      }
      if (mod == 1) disp = <i32><i8>fetch();
      else if (mod == 2) disp = <i32>(fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24));
    }
  }
  if (plusR) reg = (op & 7) | ((rex & 1) << 3);
  if (isByte && !rex) {
    if (reg >= 4 && reg < 8) reg += 12;
    if (!(flags & F_MEM) && rm >= 4 && rm < 8) rm += 12;
  }
  let imm: u64 = 0;
  switch (immKind) {
    case IMM_IB: case IMM_JB: imm = <u64><i64><i8>fetch(); break;
    case IMM_UB: imm = <u64>fetch(); break;
    case IMM_IW: imm = <u64>(fetch() | (fetch() << 8)); break;
    case IMM_IZ: case IMM_JZ:
      if (osz == 1 && immKind == IMM_IZ) imm = <u64><i64><i16>(fetch() | (fetch() << 8));
      else imm = <u64><i64><i32>(fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24));
      break;
    case IMM_IV:
      if (osz == 3) { const lo = <u64>(fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24)); const hi = <u64>(fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24)); imm = lo | ((hi & 0xffffffff) << 32); }
      else if (osz == 2) imm = <u64>(fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24)) & 0xffffffff;
      else imm = <u64>(fetch() | (fetch() << 8));
      break;
    case IMM_IWB: imm = <u64>(fetch() | (fetch() << 8)); store<u8>(d, <u8>fetch(), 10); break;
    case IMM_MOFFS: {
      if (asz32) imm = <u64>(fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24)) & 0xffffffff;
      else { const lo = <u64>(fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24)) & 0xffffffff; const hi = <u64>(fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24)) & 0xffffffff; imm = lo | (hi << 32); }
      break;
    }
  }
  if (decFault) return 0;
  if (count > 15) { store<u16>(d, 0); decEnd = true; return 15; }
  store<u16>(d, <u16>id);
  store<u8>(d, <u8>count, 2);
  store<u8>(d, <u8>osz, 3);
  store<u8>(d, <u8>reg, 4);
  store<u8>(d, <u8>rm, 5);
  store<u8>(d, <u8>index, 6);
  store<u8>(d, <u8>scale, 7);
  store<u8>(d, <u8>flags, 8);
  store<u8>(d, <u8>(modrm < 0 ? 0 : modrm), 9);
  store<u8>(d, <u8>op, 11);
  store<i32>(d, disp, 12);
  store<u64>(d, imm, 16);
  store<u8>(d, <u8>vex, 24);
  store<u8>(d, <u8>vvvv, 25);
  store<u8>(d, <u8>rawIndex, 26);
  return count;
}
