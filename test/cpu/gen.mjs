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

// x87 (the table has one form per escape byte D8..DF; the tester makes every ModRM
// reg field in memory form and every register-form byte). Per escape and reg
// field of a memory form: [operand kind, FSW bits to ignore] (null: reserved, #UD;
// 'skip': not tested). Operand kinds: f m32fp, d m64fp, t m80fp, b m80bcd (the
// harness writes a boundary-rich value there), '' integers and environments
// (random memory). C0 C2 C3 (0x4500) are undefined after most instructions,
// C0..C3 (0x4700) after control instructions (SDM vol. 2, each instruction's
// "FPU Flags Affected").
const A = 0x4500, CTL = 0x4700;
const ARITH_MEM = (k) => [[k, A], [k, A], [k, 0], [k, 0], [k, A], [k, A], [k, A], [k, A]];
const X87_MEM = [
  ARITH_MEM('f'),
  [['f', A], null, ['f', A], ['f', A], ['', 0], ['', CTL], 'skip', ['', CTL]], // FNSTENV: FIP/FDP/FOP are not tracked
  ARITH_MEM(''),
  [['', A], ['', A], ['', A], ['', A], null, ['t', A], null, ['t', A]],
  ARITH_MEM('d'),
  [['d', A], ['', A], ['d', A], ['d', A], ['', 0], null, 'skip', ['', CTL]], // FNSAVE: as FNSTENV
  ARITH_MEM(''),
  [['', A], ['', A], ['', A], ['', A], ['b', A], ['', A], ['b', A], ['', A]],
];
// A register-form byte (ModRM C0..FF) of escape e: [FSW bits to ignore, approximate?]
// (the transcendentals: results compared within a bound, see cpu-diff.test.ts, and C1,
// which tells whether the result was rounded up, ignored)
function x87Reg(e, m) {
  const reg = (m >> 3) & 7;
  const cmp = [0, 0];
  switch (e) {
    case 0: case 4: return reg === 2 || reg === 3 ? cmp : [A, false];
    case 1:
      if (reg <= 1 || reg === 3) return [A, false];
      if (reg === 2) return [m === 0xd0 ? CTL : 0, false];
      if (reg === 4) return [m <= 0xe1 ? A : 0, false];
      if (reg === 5) return [A, false];
      return {
        0xf0: [CTL, true], 0xf1: [CTL, true], 0xf2: [0x4300, true], 0xf3: [CTL, true], 0xf4: [A, false], 0xf5: cmp,
        0xf6: [A, false], 0xf7: [A, false], 0xf8: cmp, 0xf9: [CTL, true], 0xfa: [A, false], 0xfb: [0x4300, true],
        0xfc: [A, false], 0xfd: [A, false], 0xfe: [0x4300, true], 0xff: [0x4300, true],
      }[m];
    case 2: return reg <= 3 ? [A, false] : cmp;
    case 3: return reg <= 3 ? [A, false] : reg === 4 ? [m === 0xe3 ? 0 : CTL, false] : cmp;
    case 5: return reg === 0 ? [CTL, false] : reg <= 3 ? [A, false] : cmp;
    case 6: return reg === 2 || reg === 3 ? cmp : [A, false];
    default: return reg === 0 || (reg === 4 && m === 0xe0) ? [CTL, false] : reg <= 3 ? [A, false] : cmp;
  }
}

// Forms that need a CPU feature beyond x86-64-v3: [name pattern, /proc/cpuinfo flag]
const NEEDS = [[/^sha/, 'sha_ni']];


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
      else if (R.chance(0.75)) off &= ~15;
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
        const d = aligned ? R.pick([-64, 0]) : R.int(128) - 64;
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
  if (APPROX_NAME.test(f.name)) toks.push(`approxx=${parseInt(modrm.slice(0, 2), 16) >> 3 & 7 | (rex & 4) << 1}`);
  if (f.handler === 'x87') {
    const [kind, mask] = X87_MEM[+f.arg][f.reg] ?? ['', 0];
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
  if (bytes.includes('RIPREL')) {
    const len = (bytes.length - 6) / 2 + 4;
    const disp = BigInt(tail) - BigInt(CODE + len);
    bytes = bytes.replace('RIPREL', le(disp, 4));
  }
  const undef = UNDEF(f.undef);
  for (const [r, v] of fix) toks.push(`r${r}=${typeof v === 'string' ? v : hx(v)}`);
  return `${bytes} ${undef.toString(16)} ${states} ${toks.join(' ')}`.trim();
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
  return `${bytes} 0 ${states} win=${off.toString(16)} mx r${base}=${hx(T - BigInt(d))} xidx=${idx},${qi ? 8 : 4}`;
}

/** Generates the list. Returns { lines, stats: { implemented, tested, skipped: [{name, why}] } } */
// hostFlags: the host's /proc/cpuinfo flags, if known; forms the host cannot run are left out
export function generate({ seed = 1, per = 2, states = 4, filter = null, mxcsrFlagsToo = true, hostFlags = null } = {}) {
  mxcsrFlags = mxcsrFlagsToo;
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
    if (f.handler === 'x87') {
      const e = +f.arg;
      for (let reg = 0; reg < 8; reg++) {
        if (X87_MEM[e][reg] === 'skip') continue;
        for (let i = 0; i < per; i++) lines.push(line(R, { ...f, reg, mod: 0 }, ['d', false, false], true, states, false, i === 0));
      }
      for (let m = 0xc0; m <= 0xff; m++) {
        const [mask, approx] = x87Reg(e, m);
        // (F2XM1 and FYL2XP1 are undefined for ST(0) outside their domain: small0 keeps it inside)
        const small = e === 1 && (m === 0xf0 || m === 0xf9) ? ' small0' : '';
        // (one line of per * states: its bytes are fixed, and a line's states come from its text)
        lines.push(`${hex2(0xd8 + e)}${hex2(m)} 0 ${states * per} nomem x87 fswmask=${mask.toString(16)}${approx ? ' approx' : ''}${small}`);
      }
      continue;
    }
    if (f.handler === 'vgather') {
      for (const size of sizes(f, forms)) for (let i = 0; i < per; i++) lines.push(gatherLine(R, f, size, states));
      continue;
    }
    const memForms = !f.modrm ? [false] : f.mod === 0 ? [true] : f.mod === 1 ? [false] : [false, true];
    for (const size of sizes(f, forms)) {
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
