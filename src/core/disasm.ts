// A disassembler on the core's own decoder: the core decodes an instruction's bytes
// (its table id, length and record, see core/decode.ts), and the instruction table's
// name for the form ("add Ev,Gv": the SDM's operand notation) says how to print the
// operands. Intel syntax, as `objdump -d -M intel` writes it, closely enough to read.
import type { Core } from './core.js';
import { ISA_FORMS } from '../generated/isa.js';

export interface Instruction {
  addr: number;
  len: number; // bytes (1 for bytes the table does not know)
  bytes: Uint8Array;
  mnemonic: string; // with its prefixes ("rep stos", "lock cmpxchg"); "(bad)" when unknown
  operands: string;
  text: string; // mnemonic and operands
  target?: number; // a branch's or a RIP-relative operand's address
}

const F_MEM = 1, F_REX = 2, F_ASZ32 = 4, F_LOCK = 8, V_L = 2, V_W = 4;
const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const GPR32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const GPR16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const GPR8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b', 'ah', 'ch', 'dh', 'bh'];
const SREG = ['es', 'cs', 'ss', 'ds', 'fs', 'gs', '?', '?'];
const PTR: Record<number, string> = { 1: 'BYTE', 2: 'WORD', 4: 'DWORD', 8: 'QWORD', 10: 'TBYTE', 16: 'XMMWORD', 32: 'YMMWORD' };

const hex = (v: bigint | number) => `0x${v.toString(16)}`;
const gpr = (r: number, bytes: number) => (bytes === 8 ? GPR64 : bytes === 4 ? GPR32 : bytes === 2 ? GPR16 : GPR8)[r] ?? `r?${r}`;
// cmpps/cmppd/cmpss/cmpsd and their VEX forms name the predicate of their immediate
const CMP_PREDICATES = ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord', 'eq_uq', 'nge', 'ngt', 'false', 'neq_oq', 'ge', 'gt',
  'true', 'eq_os', 'lt_oq', 'le_oq', 'unord_s', 'neq_us', 'nlt_uq', 'nle_uq', 'ord_s', 'eq_us', 'nge_uq', 'ngt_uq', 'false_os',
  'neq_os', 'ge_oq', 'gt_oq', 'true_us'];

interface Rec {
  id: number; len: number; osz: number; reg: number; rm: number; index: number; scale: number; flags: number;
  modrm: number; imm2: number; disp: number; imm: bigint; vex: number; vvvv: number; rawIndex: number;
}
function record(r: Uint8Array): Rec {
  const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
  return {
    id: dv.getUint16(0, true), len: r[2], osz: r[3], reg: r[4], rm: r[5], index: r[6], scale: r[7], flags: r[8], modrm: r[9],
    imm2: r[10], disp: dv.getInt32(12, true), imm: dv.getBigUint64(16, true), vex: r[24], vvvv: r[25], rawIndex: r[26],
  };
}

// The size in bytes an operand type letter(s) of the SDM notation names.
function typeSize(t: string, d: Rec): number {
  const L = (d.vex & V_L) !== 0;
  const w64 = d.osz === 3;
  switch (t) {
    case 'b': return 1;
    case 'w': return 2;
    case 'd': case 'ss': return 4;
    case 'q': case 'sd': case 'pi': return 8;
    case 'v': return 1 << d.osz;
    case 'y': return w64 ? 8 : 4;
    case 'z': return d.osz === 1 ? 2 : 4;
    case 'dq': return 16;
    case 'qq': return 32;
    case 'x': case 'ps': case 'pd': return L ? 32 : 16;
    case 'x/2': return L ? 16 : 8;
    case '': return 0;
    default: return 0;
  }
}

class Formatter {
  target?: number;
  constructor(private readonly d: Rec, private readonly addr: number) {}
  get isMem(): boolean { return (this.d.flags & F_MEM) !== 0; }

  mem(size: number, vsib = false): string {
    const d = this.d;
    const seg = (d.flags >> 4) & 3;
    const segText = seg === 1 ? 'fs:' : seg === 2 ? 'gs:' : '';
    const ptr = size && PTR[size] ? `${PTR[size]} PTR ` : '';
    const a32 = (d.flags & F_ASZ32) !== 0;
    const reg = (r: number) => (a32 ? GPR32 : GPR64)[r];
    const mod = d.modrm >> 6;
    const u64 = (v: number) => hex(BigInt.asUintN(a32 ? 32 : 64, BigInt(v)));
    if (d.rm === 16) { // RIP-relative (the displacement as an unsigned number, as objdump and gdb print it)
      this.target = this.addr + d.len + d.disp;
      return `${ptr}${segText}[rip+${u64(d.disp)}]`;
    }
    const index = vsib ? `${(d.vex & V_L) ? 'ymm' : 'xmm'}${d.rawIndex}` : d.index !== 0xff ? reg(d.index) : '';
    if (d.rm === 0xff && !index) return `${ptr}${segText || 'ds:'}${u64(d.disp)}`;
    const parts: string[] = [];
    if (d.rm !== 0xff) parts.push(reg(d.rm));
    if (index) parts.push(`${index}*${1 << d.scale}`);
    let s = parts.join('+');
    const showDisp = d.rm === 0xff || mod === 1 || mod === 2;
    if (showDisp) s += d.disp < 0 ? `-${hex(-d.disp)}` : `+${hex(d.disp)}`;
    return `${ptr}${segText}[${s}]`;
  }

  vreg(n: number, size: number): string { return `${size === 32 ? 'ymm' : 'xmm'}${n}`; }

  // One operand of the notation ("Ev", "Vx", "Ib", "AL", …).
  operand(spec: string): string {
    const d = this.d;
    const m = /^([A-Z])([a-z/0-9]*)$/.exec(spec);
    if (!m) {
      switch (spec) {
        case 'AL': return 'al';
        case 'CL': return 'cl';
        case 'rAX': return gpr(0, 1 << d.osz);
        case 'rDX': return gpr(2, 1 << d.osz);
        case '1': return '1';
        case '<XMM0>': return 'xmm0';
        case 'r': return gpr(d.reg, 1 << d.osz);
        case 'r64': return GPR64[d.reg];
        case 'r8': return GPR8[d.reg];
        case 'Sreg': return SREG[d.reg & 7];
        case 'moffs': return `${d.flags >> 4 & 3 ? '' : 'ds:'}${hex(d.imm)}`;
        case 'VSIB': return this.mem(0, true);
        default: return spec.toLowerCase();
      }
    }
    const [, a, t] = m;
    const size = typeSize(t, d);
    const memOr = (reg: () => string) => (this.isMem ? this.mem(size) : reg());
    // a byte register without REX: 4..7 are AH, CH, DH, BH (the decoder renumbers them only for byte forms)
    const b8 = (r: number) => (size === 1 && !(d.flags & F_REX) && r >= 4 && r < 8 ? r + 12 : r);
    switch (a) {
      case 'E': return memOr(() => gpr(b8(d.rm), size));
      case 'G': return gpr(b8(d.reg), size);
      case 'R': return gpr(d.rm, size || 1 << d.osz);
      case 'B': return gpr(d.vvvv, size);
      case 'M': return this.mem(t === '' ? 0 : size);
      case 'V': return this.vreg(d.reg, size === 32 ? 32 : 16);
      case 'H': return this.vreg(d.vvvv, size === 32 ? 32 : 16);
      case 'U': return this.vreg(d.rm, size === 32 ? 32 : 16);
      case 'W': return memOr(() => this.vreg(d.rm, size === 32 ? 32 : 16));
      case 'L': return this.vreg(Number(d.imm >> 4n) & 15, (d.vex & V_L) ? 32 : 16);
      case 'P': return `mm${d.reg & 7}`;
      case 'N': return `mm${d.rm & 7}`;
      case 'Q': return memOr(() => `mm${d.rm & 7}`);
      case 'I': {
        // as wide as the operand when the immediate was sign-extended to it
        const bits = t === 'w' ? 16 : t === 'b' && !isSignExtendedIb(d) ? 8 : 8 << d.osz;
        return hex(BigInt.asUintN(bits, d.imm));
      }
      case 'J': {
        const rel = BigInt.asIntN(64, d.imm);
        this.target = Number(BigInt(this.addr + d.len) + rel);
        return hex(this.target);
      }
      default: return spec;
    }
  }
}

// Whether an Ib is sign-extended to the operand size (ALU forms 83 /n, imul 6B, push 6A).
function isSignExtendedIb(d: Rec): boolean {
  const form = ISA_FORMS[d.id - 1];
  return /^(83|6B|6A)\b/.test(form.opcode);
}

const STRING_OPS = new Set(['movs', 'cmps', 'stos', 'lods', 'scas']);
const X87_MEM: Record<number, string[]> = {
  0xd8: ['fadd DWORD', 'fmul DWORD', 'fcom DWORD', 'fcomp DWORD', 'fsub DWORD', 'fsubr DWORD', 'fdiv DWORD', 'fdivr DWORD'],
  0xd9: ['fld DWORD', '(bad)', 'fst DWORD', 'fstp DWORD', 'fldenv', 'fldcw WORD', 'fnstenv', 'fnstcw WORD'],
  0xda: ['fiadd DWORD', 'fimul DWORD', 'ficom DWORD', 'ficomp DWORD', 'fisub DWORD', 'fisubr DWORD', 'fidiv DWORD', 'fidivr DWORD'],
  0xdb: ['fild DWORD', 'fisttp DWORD', 'fist DWORD', 'fistp DWORD', '(bad)', 'fld TBYTE', '(bad)', 'fstp TBYTE'],
  0xdc: ['fadd QWORD', 'fmul QWORD', 'fcom QWORD', 'fcomp QWORD', 'fsub QWORD', 'fsubr QWORD', 'fdiv QWORD', 'fdivr QWORD'],
  0xdd: ['fld QWORD', 'fisttp QWORD', 'fst QWORD', 'fstp QWORD', 'frstor', '(bad)', 'fnsave', 'fnstsw WORD'],
  0xde: ['fiadd WORD', 'fimul WORD', 'ficom WORD', 'ficomp WORD', 'fisub WORD', 'fisubr WORD', 'fidiv WORD', 'fidivr WORD'],
  0xdf: ['fild WORD', 'fisttp WORD', 'fist WORD', 'fistp WORD', 'fbld TBYTE', 'fild QWORD', 'fbstp TBYTE', 'fistp QWORD'],
};
const X87_REG: Record<number, (string | string[])[]> = {
  0xd8: ['fadd st,st', 'fmul st,st', 'fcom st', 'fcomp st', 'fsub st,st', 'fsubr st,st', 'fdiv st,st', 'fdivr st,st'],
  0xd9: ['fld st', 'fxch st', ['fnop'], '(bad)', ['fchs', 'fabs', '(bad)', '(bad)', 'ftst', 'fxam'],
    ['fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz'], ['f2xm1', 'fyl2x', 'fptan', 'fpatan', 'fxtract', 'fprem1', 'fdecstp', 'fincstp'],
    ['fprem', 'fyl2xp1', 'fsqrt', 'fsincos', 'frndint', 'fscale', 'fsin', 'fcos']],
  0xda: ['fcmovb st,st', 'fcmove st,st', 'fcmovbe st,st', 'fcmovu st,st', '(bad)', ['(bad)', 'fucompp'], '(bad)', '(bad)'],
  0xdb: ['fcmovnb st,st', 'fcmovne st,st', 'fcmovnbe st,st', 'fcmovnu st,st', ['(bad)', '(bad)', 'fnclex', 'fninit'], 'fucomi st,st', 'fcomi st,st', '(bad)'],
  // DC and DE register forms: /4 and /6 are the reversed ones (SDM: DC E0+i is FSUBR ST(i),ST(0))
  0xdc: ['fadd st*,st0', 'fmul st*,st0', 'fcom st', 'fcomp st', 'fsubr st*,st0', 'fsub st*,st0', 'fdivr st*,st0', 'fdiv st*,st0'],
  0xdd: ['ffree st', '(bad)', 'fst st', 'fstp st', 'fucom st', 'fucomp st', '(bad)', '(bad)'],
  0xde: ['faddp st*,st0', 'fmulp st*,st0', '(bad)', ['(bad)', 'fcompp'], 'fsubrp st*,st0', 'fsubp st*,st0', 'fdivrp st*,st0', 'fdivp st*,st0'],
  0xdf: ['(bad)', '(bad)', '(bad)', '(bad)', ['fnstsw ax'], 'fucomip st,st', 'fcomip st,st', '(bad)'],
};

function x87(d: Rec, f: Formatter, op: number): [string, string] {
  const sub = (d.modrm >> 3) & 7, rm = d.modrm & 7;
  if (f.isMem) {
    const [mn, size] = X87_MEM[op][sub].split(' ');
    return [mn, f.mem(size ? ({ WORD: 2, DWORD: 4, QWORD: 8, TBYTE: 10 } as Record<string, number>)[size] : 0)];
  }
  const e = X87_REG[op][sub];
  const s = Array.isArray(e) ? e[rm] ?? '(bad)' : e;
  const [mn, ops] = s.split(' ');
  if (!ops) return [mn, ''];
  // st,st: st(0),st(i); st*,st0: st(i),st(0); st: st(i)
  const text = ops === 'st,st' ? `st,st(${rm})` : ops === 'st*,st0' ? `st(${rm}),st` : ops === 'st' ? `st(${rm})` : ops;
  return [mn, text];
}

// Prefixes the instruction has no use for, named as objdump names them: repeated 66 (data16),
// the segment overrides 64-bit mode ignores, 3E on an indirect branch (notrack), a lone 67.
function ignoredPrefixes(raw: Uint8Array, d: Rec, mnemonic: string, mem: boolean): string[] {
  const out: string[] = [];
  let opsz = 0;
  for (const b of raw) {
    if (b === 0x66) { if (opsz++ > 0 || d.osz !== 1) out.push('data16'); }
    else if (b === 0x2e) out.push('cs');
    else if (b === 0x3e) out.push((mnemonic === 'jmp' || mnemonic === 'call') && !/^0x/.test(mnemonic) ? 'notrack' : 'ds');
    else if (b === 0x26) out.push('es');
    else if (b === 0x36) out.push('ss');
    else if (b === 0x67) { if (!mem) out.push('addr32'); }
    else if (b === 0xf0 || b === 0xf2 || b === 0xf3 || b === 0x64 || b === 0x65 || (b >= 0x40 && b <= 0x4f)) continue;
    else break;
  }
  // an operand-size prefix that is the form's mandatory prefix (SSE) is no data16
  if (d.osz !== 1 && opsz === 1 && ISA_FORMS[d.id - 1].opcode.includes(' 66')) out.splice(out.indexOf('data16'), 1);
  return out;
}

// The instruction at `addr` whose bytes are `bytes` (at least its length; 15 is always enough).
export function disassemble(core: Core, bytes: Uint8Array, addr: number): Instruction {
  const raw = bytes.subarray(0, 15);
  const { id, len, record: r } = core.decodeBytes(raw);
  const bad = (n: number): Instruction => {
    const b = raw.slice(0, Math.max(1, n));
    return { addr, len: b.length, bytes: b, mnemonic: '(bad)', operands: '', text: '(bad)' };
  };
  if (!id) return bad(len ? Math.min(len, raw.length) : 1);
  const d = record(r);
  const form = ISA_FORMS[id - 1];
  const f = new Formatter(d, addr);
  const name = form.name.replace(/\s*\((hint|MMX|SSE3)\)/g, '');
  const sp = name.indexOf(' ');
  let mnemonic = sp < 0 ? name : name.slice(0, sp);
  const specs = sp < 0 ? [] : name.slice(sp + 1).split(',');
  let operands: string;
  const wide = d.osz === 3 || (d.vex & V_W) !== 0;
  // the x87 forms (escape opcodes D8-DF): named from the opcode and ModRM as objdump names them
  if (/^D[89A-F]\b/.test(form.opcode)) {
    [mnemonic, operands] = x87(d, f, raw.find((b, i) => i < len && b >= 0xd8 && b <= 0xdf) ?? 0xd8);
  } else {
    if (mnemonic.includes('/')) {
      const alts = mnemonic.split('/');
      if (alts.length === 3) mnemonic = alts[Math.max(0, d.osz - 1)];
      else if (mnemonic === 'cmpxchg8b/16b') mnemonic = wide ? 'cmpxchg16b' : 'cmpxchg8b';
      else if (!wide) mnemonic = alts[0];
      else mnemonic = alts[1].length > 1 ? alts[1] : alts[0].slice(0, -1) + alts[1]; // movd/movq, pextrd/q
    }
    const opcode = form.opcode;
    if (opcode === '90+r' && d.reg === 0 && d.osz !== 1) { mnemonic = (d.flags >> 6) === 1 ? 'pause' : 'nop'; specs.length = 0; }
    if (/^B8\+r/.test(opcode) && d.osz === 3) mnemonic = 'movabs';
    if (/^A[0-3]\b/.test(opcode)) mnemonic = 'movabs';
    if (opcode.startsWith('0F 18')) {
      const hint = ['prefetchnta', 'prefetcht0', 'prefetcht1', 'prefetcht2'][d.reg & 7];
      if (hint && f.isMem) { mnemonic = hint; specs[0] = 'Mb'; }
    }
    if (mnemonic === 'movbe') specs.forEach((s, i) => { if (s === 'M') specs[i] = d.osz === 3 ? 'Mq' : d.osz === 1 ? 'Mw' : 'Md'; });
    const ops = specs.map((s) => {
      // register-or-memory pairs (Ry/Mw, Udq/Md): the register when ModRM names one
      const alt = /^([A-Z][a-z0-9]*)\/(M[a-z0-9]*)$/.exec(s);
      return f.operand(alt ? (f.isMem ? alt[2] : alt[1]) : s);
    });
    // string instructions print their memory operands (objdump's form)
    const base = mnemonic.replace(/b$/, '');
    if (STRING_OPS.has(base) && specs.length === 0) {
      const size = mnemonic.endsWith('b') ? 1 : 1 << d.osz;
      const si = `${PTR[size]} PTR ds:[rsi]`, di = `${PTR[size]} PTR es:[rdi]`, acc = gpr(0, size);
      mnemonic = base;
      ops.push(...(base === 'movs' ? [di, si] : base === 'cmps' ? [si, di] : base === 'stos' ? [di, acc] : base === 'lods' ? [acc, si] : [acc, di]));
    }
    const cmp = /^(v?)cmp(ps|pd|ss|sd)$/.exec(mnemonic);
    const pred = cmp ? Number(d.imm & 0xffn) : -1;
    if (cmp && pred < (cmp[1] ? 32 : 8)) {
      mnemonic = `${cmp[1]}cmp${CMP_PREDICATES[pred]}${cmp[2]}`;
      ops.pop();
    }
    operands = ops.join(',');
  }
  const prefix = ignoredPrefixes(raw, d, mnemonic, f.isMem);
  if (d.flags & F_LOCK) prefix.push('lock');
  const rep = d.flags >> 6;
  if (rep && STRING_OPS.has(mnemonic)) prefix.push(rep === 2 ? 'repnz' : mnemonic === 'cmps' || mnemonic === 'scas' ? 'repz' : 'rep');
  else if (rep === 1 && mnemonic === 'ret') prefix.push('repz');
  else if (rep === 2 && /^(ret|call|jmp|j[a-z]+)$/.test(mnemonic)) prefix.push('bnd');
  if (rep === 1 && raw[0] === 0xf3 && raw[1] === 0x0f && raw[2] === 0x1e && raw[3] === 0xfa) { mnemonic = 'endbr64'; operands = ''; }
  const full = [...prefix, mnemonic].join(' ');
  return {
    addr, len, bytes: raw.slice(0, len), mnemonic: full, operands, text: operands ? `${full} ${operands}` : full, target: f.target,
  };
}
