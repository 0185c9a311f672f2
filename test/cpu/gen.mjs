// Generates the test list for the differential CPU tester (test/cpu/harness.c)
// from the instruction table: every implemented form, in each operand size it
// has, in register and memory forms, with random registers, addressing modes
// and immediates, and the table's undefined flags as the ignore mask.
//
//   node test/cpu/gen.mjs [--seed N] [--per N] [--states N] [--filter REGEX] > list
//   --per     lines per (form, operand size, register/memory) variant (default 2)
//   --states  random machine states per line (default 4)
//   --filter  only forms whose table row matches REGEX
//   --no-mxcsr-flags  ignore the MXCSR exception flags (compared by default)
// The coverage summary goes to stderr.
import { buildIsa } from '../../tools/gen-isa.mjs';
import { untested } from '../../tools/isa-status.mjs';

// Fixed addresses of the harness's machine (see harness.c).
export const CODE = 0x10000000;
export const DATA = CODE + 0x1000;
export const STACK = CODE + 0x2000;
export const RSP_INIT = STACK + 0x800;

// Approximations (RCP, RSQRT: implementation-specific results within a documented
// bound): compared within the bound (cpu-diff.test.ts)
const APPROX_NAME = /^v?(rcp|rsqrt)/;

// x87: the rows (tools/isa-x87.mjs) give the memory operand's kind (x87=K: f m32fp, d m64fp,
// t m80fp, b m80bcd, where the harness writes a boundary-rich value; else random memory) and the
// FSW bits left undefined (fundef=HEX); register forms run per ModRM byte on per * states
// states; the encodings no row covers run too (#UD on both sides).
const isX87 = (f) => f.map === 0 && f.opcode >= 0xd8 && f.opcode <= 0xdf;

// Forms that need a CPU feature beyond x86-64-v3: [name pattern, /proc/cpuinfo flag]
const NEEDS = [[/^sha/, 'sha_ni']];

// xos is an Intel CPU (CPUID: GenuineIntel) and follows Intel's SDM. On an AMD host the
// forms below behave as AMD's APM (or AMD's hardware) has them; they are compared only where
// the two vendors agree. On an Intel host (or an unknown one) everything is compared.
export const AMD_DIFFERENCES = [
  ['jcc 66', 'a 66-prefixed Jcc: Intel ignores the operand-size prefix of near branches in 64-bit mode ' +
    '(SDM vol. 2, Jcc: "operand size is fixed at 64 bits"), AMD honours it (APM vol. 1, 3.7.9 Table 3-9: ' +
    '16-bit override, RIP truncated to 16 bits; rel16 for 0F 8x): not tested'],
  ['prefetch reg', '0F 0D with a register operand: a NOP on Intel, #UD on AMD (3DNow! Technology Manual, ' +
    'PREFETCH/PREFETCHW: "use of the register form results in an invalid opcode exception"): memory forms only'],
  ['mxcsr_mask', 'FXSAVE/XSAVE: MXCSR_MASK includes bit 17 (MM, misaligned SSE mode, AMD only: APM vol. 1, ' +
    'MXCSR; CPUID misalignsse) where Intel has 0000FFFFh: that bit is cleared on both sides'],
  ['xstate_bv x87', 'XSAVE: XSTATE_BV[0] for an x87 in its initial configuration (after FNINIT) is 0 on Intel, ' +
    '1 on AMD; the SDM (vol. 1, 13.6) lets XINUSE[i] be 1 for a component in its initial configuration: ' +
    'that bit is cleared on both sides'],
  ['sha misaligned', 'SHA1*/SHA256* with a misaligned m128: #GP on Intel (SDM: Exceptions Type 4), no fault on ' +
    'AMD: memory operands 16-byte aligned'],
  ['dpps nan', '(V)DPPS/(V)DPPD: "horizontal propagation of NaNs to the destination and the positioning of those ' +
    'NaNs ... is implementation dependent" (SDM vol. 2, DPPS): NaN lanes of the destination compared as NaN, ' +
    'not by payload'],
  ['x87 transcendental UE', 'F2XM1 FYL2X FYL2XP1 FPTAN FPATAN FSIN FCOS FSINCOS: the last bit of the result is ' +
    'implementation specific (SDM vol. 1, 8.3.10: within 1 ulp); next to the smallest normal that decides ' +
    'whether the result is denormal, and so UE: UE ignored on these lines (the values are compared within the bound)'],
];
let amd = false;

const FLAGBITS = { O: 0x800, S: 0x80, Z: 0x40, A: 0x10, P: 0x4, C: 0x1 };

function prng(seed) {
  let s = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 0x1234567n);
  const next = () => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  const int = (n) => Number(next() % BigInt(n));
  return { next, int, pick: (a) => a[int(a.length)], chance: (p) => int(1000000) < p * 1000000 };
}

const hex2 = (n) => (n & 0xff).toString(16).padStart(2, '0');
const le = (v, n) => {
  let b = BigInt.asUintN(n * 8, BigInt(v));
  let s = '';
  for (let i = 0; i < n; i++) { s += hex2(Number(b & 0xffn)); b >>= 8n; }
  return s;
};
const hx = (v) => BigInt.asUintN(64, BigInt(v)).toString(16);

// An immediate of n bytes: boundary values mixed with random ones.
function imm(R, n) {
  const bits = BigInt(n * 8);
  const top = 1n << (bits - 1n);
  const choices = [0n, 1n, 2n, top - 1n, top, (1n << bits) - 1n, (1n << bits) - 2n, top + 1n];
  if (R.chance(0.4)) return R.pick(choices);
  if (R.chance(0.3)) return BigInt(R.int(72));
  return BigInt.asUintN(Number(bits), R.next());
}

const operands = (f) => f.name.replace(/\(.*\)/, '').split(' ').slice(1).join(' ');
const isSse = (f) => f.map > 0 && /\b[VWU][a-z]*\b/.test(operands(f));

// Operand-size variants of a form: [label, use66, rexW]
function sizes(f, forms) {
  if (f.vex) { // [label, 66, W, L]
    const out = [];
    for (const w of f.vexW >= 0 ? [f.vexW] : [0, 1])
      for (const l of f.vexL >= 0 ? [f.vexL] : [0, 1]) out.push([`W${w}L${l}`, false, !!w, l]);
    return out;
  }
  if (f.byte) return [['b', false, false]];
  if (f.f64) return [['q', false, false]];
  if (f.handler === 'bswap') return [['d', false, false], ['q', false, true]];
  if (f.pfx >= 0 && !/\b[EGR]v\b/.test(operands(f))) return [['x', false, false], ['xW', false, true]];
  const out = [['d', false, false], ['q', false, true]];
  // 66 selects a 16-bit operand unless it selects another row of the same opcode
  const shadow = f.pfx === 0 && forms.some((g) => g.map === f.map && g.opcode === f.opcode && g.pfx === 1);
  // (map-1+ forms without v-sized operands, e.g. the 0F AE group, are other instructions or #UD with 66)
  if (f.pfx !== 1 && !shadow && (f.map === 0 || /\b[EGR]v\b|\bI[zv]\b/.test(operands(f)))) out.push(['w', true, false]);
  return out;
}

const UNDEF = (u) => [...u].reduce((m, c) => m | (FLAGBITS[c] || 0), 0);

// Registers usable as memory base/index (not rax, rcx, rdx: implicit operands; not rsp).
const ADDR_REGS = [3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/** Builds the test lines of one variant. Returns null if the form is not testable. */
// ModRM (+ SIB for an r12 base) of [base] with mod 0..2
const enc = (mod, reg, base) =>
  hex2((mod << 6) | ((reg & 7) << 3) | ((base & 7) === 4 ? 4 : base & 7)) + ((base & 7) === 4 ? '24' : '');

let mxcsrFlags = false;
// Handlers of register forms that still touch memory (the stack, [rdi], a save area)
const IMPLICIT_MEM = /push|pop|call|ret|enter|leave|maskmov|save|rstor/;

function line(R, f, size, memForm, states, lock = false, aligned = false) {
  // (an AMD host: SHA memory operands aligned, see AMD_DIFFERENCES)
  const align16 = amd && /^sha/.test(f.name);
  const [, use66, rexW] = size;
  const fix = new Map(); // register -> value token
  const toks = [];
  let rex = rexW ? 8 : 0;
  let wantRex = rexW || R.chance(0.5);
  const pre = lock ? ['f0'] : [];
  const pfxByte = f.vex ? null : [null, '66', 'f3', 'f2'][f.pfx] ?? null;
  if (f.vex) wantRex = true; // VEX reaches all 16 registers
  if (use66) pre.push('66');
  // string instructions and jumps: prefixes of their own
  const stringOp = ['movs', 'cmps', 'stos', 'lods', 'scas'].includes(f.handler);
  let addr32 = false;
  if (stringOp) {
    const rep = R.int(3); // none, f3, f2
    if (rep === 1 || (rep === 2 && ['cmps', 'scas'].includes(f.handler))) pre.push(rep === 1 ? 'f3' : 'f2');
    if (R.chance(0.15)) { pre.push('67'); addr32 = true; }
  }
  if (pfxByte) pre.push(pfxByte);
  let opBytes = f.vex ? [] : f.map === 0 ? [] : f.map === 1 ? ['0f'] : f.map === 2 ? ['0f', '38'] : ['0f', '3a'];
  let opcode = f.opcode;
  let modrm = '';
  let tail = '';
  let win = -1; // the memory operand's offset in DATA
  const highBits = (r) => (r >> 3) & 1;
  if (f.plusR) {
    const reg = R.int(wantRex ? 16 : 8);
    if (reg >= 8) { rex |= 1; wantRex = true; }
    opcode += reg & 7;
  }
  if (f.modrm) {
    let reg = f.reg >= 0 ? f.reg : f.handler === 'bt_EG' && memForm ? R.int(3) : R.int(wantRex ? 16 : 8);
    if (reg >= 8) rex |= 4;
    if (!memForm) {
      const rm = R.int(wantRex ? 16 : 8);
      if (rm >= 8) rex |= 1;
      modrm = hex2(0xc0 | ((reg & 7) << 3) | (rm & 7));
    } else {
      // target address: in DATA, 16-aligned most of the time
      // (the first line of a variant 64-aligned: aligned SSE/AVX forms and save areas do not #GP)
      let off = 256 + R.int(1792);
      if (aligned) off &= ~63;
      else if (R.chance(0.75) || align16) off &= ~15;
      const T = BigInt(DATA + off);
      win = off;
      const mode = R.int(8);
      const pickBase = () => R.pick(ADDR_REGS);
      if (mode === 0 || mode === 6) { // [base], or [base+disp8] with addr32 and garbage in the high half
        let base = pickBase();
        if ((base & 7) === 5 || mode === 6) { // rbp/r13 need a displacement
          const d = R.int(256) - 128;
          modrm = enc(1, reg, base) + hex2(d);
          let v = T - BigInt(d);
          if (mode === 6) { pre.push('67'); v |= BigInt.asUintN(32, R.next()) << 32n; }
          fix.set(base, v);
        } else {
          modrm = enc(0, reg, base);
          fix.set(base, T);
        }
        if (base >= 8) rex |= 1;
      } else if (mode === 1 || mode === 2) { // [base+disp8/32]
        const base = pickBase();
        const d = mode === 1 ? R.int(256) - 128 : R.int(200000) - 100000;
        modrm = enc(mode, reg, base) + (mode === 1 ? hex2(d) : le(d, 4));
        fix.set(base, T - BigInt(d));
        if (base >= 8) rex |= 1;
      } else if (mode === 3 || mode === 4) { // SIB [base+index*s+disp8], or [index*s+disp32]
        const base = pickBase();
        let index = pickBase();
        while (index === base) index = pickBase();
        const scale = R.int(4);
        const iv = BigInt(R.int(32));
        if (index >= 8) rex |= 2;
        fix.set(index, iv);
        if (mode === 3) {
          const d = R.int(256) - 128;
          modrm = hex2(0x44 | ((reg & 7) << 3)) + hex2((scale << 6) | ((index & 7) << 3) | (base & 7)) + hex2(d);
          fix.set(base, T - BigInt(d) - (iv << BigInt(scale)));
          if (base >= 8) rex |= 1;
        } else {
          const d = T - (iv << BigInt(scale));
          modrm = hex2(0x04 | ((reg & 7) << 3)) + hex2((scale << 6) | ((index & 7) << 3) | 5) + le(d, 4);
        }
      } else if (mode === 5) { // [rsp+disp8]: into the stack area
        const d = aligned ? R.pick([-64, 0]) : align16 ? R.pick([-64, -48, -32, -16, 0, 16, 32, 48]) : R.int(128) - 64;
        win = RSP_INIT + d - DATA;
        modrm = hex2(0x44 | ((reg & 7) << 3)) + '24' + hex2(d);
      } else { // RIP-relative; disp fixed up once the length is known
        modrm = hex2(0x05 | ((reg & 7) << 3)) + 'RIPREL';
        tail = T;
      }
    }
    // implicit operands
    if (['bt_EG'].includes(f.handler) && memForm) fix.set(reg, BigInt(R.int(4096)) - 2048n);
    if (f.handler === 'maskmovdqu' || f.handler === 'mmx_maskmovq') fix.set(7, BigInt(DATA + 512 + R.int(1024)));
  }
  if (['div', 'idiv'].includes(f.handler) && R.chance(0.8)) {
    const w = f.byte ? 0 : use66 ? 1 : rexW ? 3 : 2;
    fix.set(w === 0 ? 0 : 2, `${f.handler === 'div' ? 'zx' : 'sx'}${w}`);
  }
  if (stringOp) {
    let si = BigInt(DATA + 1024 + R.int(2048)), di = BigInt(DATA + 1024 + R.int(2048));
    if (addr32) { si |= BigInt.asUintN(32, R.next()) << 32n; di |= BigInt.asUintN(32, R.next()) << 32n; }
    fix.set(6, si); fix.set(7, di);
    if (pre.includes('f3') || pre.includes('f2')) fix.set(1, BigInt(R.int(9)) | (addr32 ? BigInt.asUintN(32, R.next()) << 32n : 0n));
  }
  // XSAVE/XRSTOR: components within xos's XCR0 (x87, SSE, AVX); the host has more (its areas are bigger)
  if (['xsave', 'xrstor'].includes(f.handler)) { fix.set(0, BigInt(R.int(8))); fix.set(2, 0n); }
  if (f.handler === 'xlat') fix.set(3, BigInt(DATA + 1024 + R.int(1024)));
  if (['leave', 'enter'].includes(f.handler)) fix.set(5, BigInt(RSP_INIT - 256 + 8 * R.int(64)));
  if (f.handler === 'popf') toks.push('popf');
  if (f.handler === 'ret') toks.push('retaddr');
  if (['call_E', 'jmp_E'].includes(f.handler)) {
    if (memForm) toks.push(`brm=${win.toString(16)}`);
    else toks.push(`br=${parseInt(modrm.slice(0, 2), 16) & 7 | (rex & 1) << 3}`);
  }
  // a register form: the harness keeps memory across the line's states and checks it once at the end
  if (f.modrm && !memForm && !IMPLICIT_MEM.test(f.handler)) toks.push('nomem');
  // a memory form: the harness varies the bytes around the operand per state, and checks
  // the rest of memory once at the end
  else if (win >= 0 && !IMPLICIT_MEM.test(f.handler) && !stringOp) toks.push(`win=${win.toString(16)}`);
  const regField = () => parseInt(modrm.slice(0, 2), 16) >> 3 & 7 | (rex & 4) << 1;
  if (APPROX_NAME.test(f.name)) toks.push(`approxx=${regField()}`);
  if (amd && /^v?dpp[sd] /.test(f.name)) toks.push(`nanx=${regField()},${f.name.includes('dppd') ? 8 : 4}`);
  if (amd && memForm && win >= 0 && ['fxsave', 'xsave'].includes(f.handler)) {
    toks.push(`clr=${(win + 30).toString(16)},2`); // MXCSR_MASK bit 17
    if (f.handler === 'xsave') toks.push(`clr=${(win + 512).toString(16)},1`); // XSTATE_BV[0]
  }
  if (isX87(f)) {
    const kind = f.kv.x87 ?? '', mask = parseInt(f.kv.fundef ?? '0', 16);
    toks.push('x87', `fswmask=${mask.toString(16)}`);
    if (kind) toks.push(`xm=${win.toString(16)},${kind}`);
  }
  // 16-bit shld/shrd with a count above 16: result and flags undefined
  if (['shld', 'shrd'].includes(f.handler) && use66 && f.arg === '1') fix.set(1, BigInt(R.int(17)));
  if (isSse(f) || /cvt|mxcsr|fxrstor|fxsave/.test(f.name)) {
    toks.push('mx');
    if (!mxcsrFlags) toks.push('xmask=3f');
  }
  if (f.vex) { // 3-byte VEX: C4 [~R ~X ~B mmmmm] [W ~vvvv L pp]
    // (vmovss/vmovsd from memory have no vvvv operand; xos does not #UD on a nonzero one)
    const vvvv = /\b[BH][a-z]*\b/.test(operands(f)) && !(memForm && f.map === 5 && (f.opcode === 0x10 || f.opcode === 0x11) && f.pfx >= 2) ? R.int(16) : 0;
    const b1 = ((~rex & 7) << 5) | (f.map - 4);
    const b2 = (size[2] ? 0x80 : 0) | ((~vvvv & 15) << 3) | (size[3] << 2) | f.pfx;
    pre.push('c4' + hex2(b1) + hex2(b2));
  } else if (rex || wantRex) pre.push(hex2(0x40 | rex));
  // immediate
  let immHex = '';
  const osz = f.byte ? 1 : f.f64 ? 8 : use66 ? 2 : rexW ? 8 : 4;
  switch (f.imm) {
    case 1: case 2: // ib ub
      immHex = le(['shld', 'shrd'].includes(f.handler) && use66 ? R.int(17) : imm(R, 1), 1);
      if (f.handler === 'int_I' && immHex === '80') immHex = '81'; // (INT 80h: the 32-bit system call)
      break;
    case 3: immHex = le(imm(R, 2), 2); break; // iw
    case 4: immHex = le(imm(R, Math.min(osz, 4)), Math.min(osz, 4)); break; // iz
    case 5: immHex = le(imm(R, osz), osz); break; // iv
    case 6: immHex = le(R.int(64), 2) + hex2(R.pick([0, 0, 1, 2, 3])); break; // iwb (enter)
    case 7: immHex = '0e'; break; // jb: taken target = next + 14
    case 8: immHex = le(14, 4); break; // jz
    case 9: { // moffs
      const T = DATA + 256 + R.int(1792);
      if (R.chance(0.2)) { pre.push('67'); immHex = le(T, 4); } else immHex = le(T, 8);
      break;
    }
  }
  if (f.imm === 9 && pre.includes('67')) { // 67 must come before REX
    const i = pre.indexOf('67'); pre.splice(i, 1); pre.unshift('67');
  }
  // legacy prefixes before REX, REX last
  const rexByte = pre.find((p, i) => i === pre.length - 1 && /^(4[0-9a-f]|c4[0-9a-f]{4})$/.test(p));
  const legacy = pre.filter((p) => p !== rexByte);
  const ordered = [...legacy, ...(rexByte ? [rexByte] : [])];
  let bytes = ordered.join('') + opBytes.join('') + hex2(opcode) + modrm + immHex;
  const nb = jitMode ? neighbours(R, f, fix) : { pre: '', post: false };
  if (bytes.includes('RIPREL')) {
    const len = (bytes.length - 6) / 2 + 4;
    const disp = BigInt(tail) - BigInt(CODE + nb.pre.length / 2 + len);
    bytes = bytes.replace('RIPREL', le(disp, 4));
  }
  bytes = nb.pre + bytes;
  // (a writer's undefined flags that the form leaves as they are are undefined at the end too)
  const undef = UNDEF(f.undef) | (nb.undef & ~f.wf);
  if (nb.post) { bytes += setccChain(bytes.length / 2); toks.push(postToken(undef)); }
  for (const [r, v] of fix) toks.push(`r${r}=${typeof v === 'string' ? v : hx(v)}`);
  return `${bytes} ${undef.toString(16)} ${states} ${toks.join(' ')}`.trim();
}

// --jit: each form runs translated, inside a block with neighbours that touch the flags:
// before it (on some lines) an instruction that writes them, so that a flag it reads comes
// from an instruction translated with it (the other lines read the flags of the popf
// before the block); after it (when it does not end the block) SETcc of all 16 conditions
// into DATA + SETCC_AREA, which the harness compares (its "post" token).
let jitMode = false;
export const SETCC_AREA = 0xf00;
// flag writers: [encoding of op ra, rb (64-bit), writes ra, the flags it leaves undefined (SDM)]:
// CMP, TEST (no write; AF undefined), ADD, IMUL (SF ZF AF PF undefined), SHL ra,1 (AF), INC ra
const WRITERS = [
  (a, b) => [`${hex2(0x48 | (b >> 3) << 2 | a >> 3)}39${hex2(0xc0 | (b & 7) << 3 | (a & 7))}`, false, 0],
  (a, b) => [`${hex2(0x48 | (b >> 3) << 2 | a >> 3)}85${hex2(0xc0 | (b & 7) << 3 | (a & 7))}`, false, 0x10],
  (a, b) => [`${hex2(0x48 | (b >> 3) << 2 | a >> 3)}01${hex2(0xc0 | (b & 7) << 3 | (a & 7))}`, true, 0],
  (a, b) => [`${hex2(0x48 | (a >> 3) << 2 | b >> 3)}0faf${hex2(0xc0 | (a & 7) << 3 | (b & 7))}`, true, 0xd4],
  (a) => [`${hex2(0x48 | a >> 3)}d1${hex2(0xe0 | (a & 7))}`, true, 0x10],
  (a) => [`${hex2(0x48 | a >> 3)}ff${hex2(0xc0 | (a & 7))}`, true, 0],
];
// The conditions (SETcc 0..15) that read each flag: those reading an undefined one are not compared.
const COND_READS = { 0x800: 0xf003, 0x1: 0x00cc, 0x40: 0xc0f0, 0x80: 0xf300, 0x4: 0x0c00 };
function postToken(undef) {
  let mask = 0xffff;
  for (const [bit, conds] of Object.entries(COND_READS)) if (undef & Number(bit)) mask &= ~conds;
  return mask === 0xffff ? 'post' : `post=${mask.toString(16)}`;
}
function neighbours(R, f, fix) {
  let pre = '';
  if (R.chance(f.rf ? 0.5 : 0.2)) {
    // (a writer leaving a flag undefined that the form reads would make its result undefined)
    const w = R.pick(WRITERS.filter((wr) => (wr(0, 1)[2] & f.rf) === 0));
    const free = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    let a = R.pick(free), b = R.pick(free);
    const [enc, writes, undef] = w(a, b);
    // (a writer must not move a register the line fixes: a memory operand's base, a count)
    if (!writes || !fix.has(a)) return { pre: enc, post: !f.end, undef };
  }
  return { pre, post: !f.end, undef: 0 };
}
function setccChain(start) {
  let out = '';
  for (let i = 0; i < 16; i++) {
    const at = CODE + start + out.length / 2;
    out += `0f${hex2(0x90 + i)}05${le(BigInt(DATA + SETCC_AREA + i) - BigInt(at + 7), 4)}`;
  }
  return out;
}

// A gather (VSIB): [base + index vector * scale + disp8], the index register's lanes
// small (the harness's xidx token), the destination, index and mask registers distinct
// (mostly: otherwise #UD).
function gatherLine(R, f, size, states) {
  const [, , w, l] = size;
  const qi = f.handler === 'vgather' && (+f.arg & 1) === 1; // qword indices
  const pickDistinct = (n) => { const out = []; while (out.length < n) { const r = R.int(16); if (!out.includes(r)) out.push(r); } return out; };
  let [dst, idx, msk] = pickDistinct(3);
  if (R.chance(0.05)) idx = dst; // #UD
  const base = R.pick(ADDR_REGS);
  const scale = R.int(4);
  const d = R.int(256) - 128;
  const off = 256 + (R.int(1024) & ~7);
  const T = BigInt(DATA + off);
  const b1 = ((~((dst >> 3) << 2 | (idx >> 3) << 1 | (base >> 3)) & 7) << 5) | (f.map - 4);
  const b2 = (w ? 0x80 : 0) | ((~msk & 15) << 3) | (l << 2) | f.pfx;
  const modrm = hex2(0x44 | ((dst & 7) << 3)) + hex2((scale << 6) | ((idx & 7) << 3) | (base & 7)) + hex2(d);
  const bytes = 'c4' + hex2(b1) + hex2(b2) + hex2(f.opcode) + modrm;
  const post = jitMode ? setccChain(bytes.length / 2) : '';
  return `${bytes}${post} 0 ${states} win=${off.toString(16)} mx r${base}=${hx(T - BigInt(d))} xidx=${idx},${qi ? 8 : 4}${post ? ' post' : ''}`;
}

/** Generates the list. Returns { lines, stats: { implemented, tested, skipped: [{name, why}] } } */
// hostFlags: the host's /proc/cpuinfo flags, if known; forms the host cannot run are left out
// vendor: the host's /proc/cpuinfo vendor_id, if known (AuthenticAMD: see AMD_DIFFERENCES)
export function generate({ seed = 1, per = 2, states = 4, filter = null, mxcsrFlagsToo = true, hostFlags = null, vendor = null, jit = false } = {}) {
  mxcsrFlags = mxcsrFlagsToo;
  jitMode = jit;
  amd = vendor === 'AuthenticAMD';
  const R = prng(seed);
  const { forms } = buildIsa();
  const impl = forms.filter((f) => f.handler !== '-');
  const lines = [];
  const skipped = [];
  let tested = 0;
  for (const f of impl) {
    if (filter && !filter.test(f.text)) continue;
    const need = NEEDS.find(([re]) => re.test(f.name));
    const why = untested(f) || (need && hostFlags && !hostFlags.has(need[1]) ? `the host CPU lacks ${need[1]}` : null);
    if (why) { skipped.push({ name: f.name, opcode: f.text.split('|')[0].trim(), why }); continue; }
    tested++;
    if (isX87(f) && f.mod === 1) {
      // (one line of per * states per ModRM byte: its bytes are fixed, and a line's states come from its text)
      for (let i = 0; i < 8; i++) {
        if (f.rm >= 0 && i !== f.rm) continue;
        const m = 0xc0 | (f.reg << 3) | i;
        const fsw = parseInt(f.kv.fundef ?? '0', 16) | (f.attrs.has('approx') && amd ? 0x10 : 0);
        const nb = jitMode ? neighbours(R, f, new Map()) : { pre: '', post: false, undef: 0 };
        const code = nb.pre + hex2(f.opcode) + hex2(m);
        const undef = nb.undef & ~f.wf;
        lines.push(`${code}${nb.post ? setccChain(code.length / 2) : ''} ${undef.toString(16)} ${states * per} nomem x87 fswmask=${fsw.toString(16)}${nb.post ? ' ' + postToken(undef) : ''}` +
          `${f.attrs.has('approx') ? ' approx' : ''}${f.attrs.has('small0') ? ' small0' : ''}`);
      }
      continue;
    }
    if (f.handler === 'vgather') {
      for (const size of sizes(f, forms)) for (let i = 0; i < per; i++) lines.push(gatherLine(R, f, size, states));
      continue;
    }
    let memForms = !f.modrm ? [false] : f.mod === 0 ? [true] : f.mod === 1 ? [false] : [false, true];
    if (amd && f.map === 1 && f.opcode === 0x0d) memForms = [true];
    let variants = sizes(f, forms);
    if (amd && f.handler === 'jcc') variants = variants.filter((v) => !v[1]);
    if (isX87(f)) { // (the operand size matters only to FLDENV/FNSTENV/FRSTOR/FNSAVE)
      for (let i = 0; i < per; i++) lines.push(line(R, f, ['d', false, false], true, states, false, i === 0));
      continue;
    }
    for (const size of variants) {
      for (const mem of memForms) {
        for (let i = 0; i < per; i++) lines.push(line(R, f, size, mem, states, false, i === 0));
      }
    }
    // LOCK: on the memory form of a lockable instruction (the table's 'lock' rows) it locks;
    // anywhere else (register forms, other instructions) it is #UD, checked on a few states
    if (f.lock && f.mod !== 1) lines.push(line(R, f, sizes(f, forms)[0], true, states, true));
    if (!f.vex) {
      const mem = f.modrm && !f.lock && f.mod !== 1 && R.chance(0.5);
      lines.push(line(R, f, sizes(f, forms)[0], f.modrm && f.mod !== 0 ? mem : f.modrm, Math.min(states, 4), true));
    }
  }
  // x87 encodings no row covers: #UD on both sides
  if (!filter || filter.test('x87 reserved')) {
    const covered = new Set();
    for (const f of forms.filter(isX87)) {
      for (let m = 0; m < 256; m++) {
        const mod = (m >> 6) === 3 ? 1 : 0;
        if ((f.reg < 0 || ((m >> 3) & 7) === f.reg) && (f.mod < 0 || f.mod === mod) && (f.rm < 0 || (m & 7) === f.rm)) covered.add(f.opcode * 256 + m);
      }
    }
    for (let e = 0xd8; e <= 0xdf; e++) {
      for (let reg = 0; reg < 8; reg++) if (!covered.has(e * 256 + (reg << 3))) lines.push(`${hex2(e)}${hex2(reg << 3 | 0x04)}25${le(DATA + 256, 4)} 0 ${states} x87`);
      for (let m = 0xc0; m < 0x100; m++) if (!covered.has(e * 256 + m)) lines.push(`${hex2(e)}${hex2(m)} 0 ${states} nomem x87`);
    }
  }
  return { lines, stats: { implemented: impl.length, tested, skipped } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
  const filter = opt('--filter', null);
  const { lines, stats } = generate({
    seed: +opt('--seed', 1), per: +opt('--per', 2), states: +opt('--states', 4), filter: filter ? new RegExp(filter) : null,
    mxcsrFlagsToo: !args.includes('--no-mxcsr-flags'),
  });
  process.stdout.write(lines.join('\n') + '\n');
  process.stderr.write(`forms: ${stats.tested} tested of ${stats.implemented} implemented; ${lines.length} lines; skipped: ` +
    stats.skipped.map((s) => `${s.name} (${s.why})`).join(', ') + '\n');
}
