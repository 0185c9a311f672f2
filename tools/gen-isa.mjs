// Turns the instruction table (isa-table.mjs) into the decoder tables and the
// dispatch switch of the core (core/generated/isa.ts), and the names and status
// of every form for TypeScript (src/generated/isa.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { writeGenerated } from './write-generated.mjs';
import { untested } from './isa-status.mjs';
import { rows } from './isa-table.mjs';
import { LANES } from './isa-lanes.mjs';

const IMM = { ib: 1, ub: 2, iw: 3, iz: 4, iv: 5, iwb: 6, jb: 7, jz: 8, moffs: 9 };
const PFX = { NP: 0, '66': 1, F3: 2, F2: 3 };
export const KIND = { LEAF: 0, REG: 1, PREFIX: 2, MOD: 3, W: 4, L: 5, RM: 6 };
// arithmetic flags as RFLAGS bits, for the rf= wf= undef= attributes
export const FLAGBITS = { O: 0x800, S: 0x80, Z: 0x40, A: 0x10, P: 0x4, C: 0x1 };
export const flagBits = (letters) => [...letters].reduce((m, c) => {
  if (!(c in FLAGBITS)) throw new Error(`bad flag letter ${c} in ${letters}`);
  return m | FLAGBITS[c];
}, 0);

export function parseRow(text) {
  const [opPart, name, handlerPart, ...rest] = text.split('|').map((s) => s.trim());
  let toks = opPart.split(/\s+/);
  // 'VEX 0F 38 17 66 L0 W1 ...': a VEX-encoded form (map from VEX.mmmmm, prefix = VEX.pp)
  const vex = toks[0] === 'VEX';
  if (vex) toks = toks.slice(1);
  let map = 0, n = 1;
  if (toks[0] === '0F') {
    if (toks[1] === '38') { map = 2; n = 3; } else if (toks[1] === '3A') { map = 3; n = 3; } else { map = 1; n = 2; }
  }
  let last = toks[n - 1];
  let plusR = false;
  if (last.endsWith('+r')) { plusR = true; last = last.slice(0, -2); }
  const opcode = parseInt(last, 16);
  let reg = -1, pfx = -1, mod = -1, vexL = -1, vexW = -1, rm = -1;
  for (const t of toks.slice(n)) {
    if (t.startsWith('/')) reg = +t.slice(1);
    else if (vex && /^L[01]$/.test(t)) vexL = +t[1];
    else if (/^W[01]$/.test(t)) vexW = +t[1]; // (a legacy row: REX.W)
    else if (map === 0 && opcode >= 0xd8 && opcode <= 0xdf && /^[C-F][0-9A-F]$/.test(t)) {
      // an x87 register form named by its whole ModRM byte
      const b = parseInt(t, 16);
      reg = (b >> 3) & 7; mod = 1; rm = b & 7;
    }
    else if (t in PFX) pfx = PFX[t];
    else if (t === 'mem') mod = 0;
    else if (t === 'reg') mod = 1;
    else throw new Error(`bad token ${t} in: ${text}`);
  }
  const attrs = rest.join(' ').split(/\s+/).filter(Boolean);
  const a = new Set(attrs.filter((x) => !x.includes('=')));
  const kv = Object.fromEntries(attrs.filter((x) => x.includes('=')).map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
  const undef = kv.undef ?? '';
  const m = /^([-\w]+)(?:\((\w+)\))?$/.exec(handlerPart);
  if (!m) throw new Error(`bad handler in: ${text}`);
  // a named argument is a lane kind (tools/isa-lanes.mjs)
  let arg = m[2], lane;
  if (arg !== undefined && !/^\d+$/.test(arg)) {
    const k = LANES.indexOf(arg);
    if (k < 0) throw new Error(`unknown lane kind ${arg} in: ${text}`);
    lane = arg;
    arg = String(k);
  }
  if (vex && (map === 0 || pfx < 0)) throw new Error(`VEX row needs a 0F map and a prefix (NP/66/F3/F2): ${text}`);
  let imm = 0;
  for (const k of Object.keys(IMM)) if (a.has(k)) imm = IMM[k];
  return {
    text, map: vex ? map + 4 : map, vex, vexL, vexW, opcode, plusR, reg, pfx, mod, rm, name, handler: m[1], arg, lane, imm,
    modrm: a.has('m') || reg >= 0 || mod >= 0, byte: a.has('b'), d64: a.has('d64'), f64: a.has('f64'),
    end: a.has('end'), lock: a.has('lock'), undef, kv, attrs: a,
    rf: flagBits(kv.rf ?? ''), wf: flagBits(kv.wf ?? ''),
    // a VEX form with no H/B operand: VEX.vvvv must be 1111b, else #UD
    noVvvv: vex && !/(^|[ ,])[HB][a-z]*(,|$)/.test(name.slice(name.indexOf(' ') + 1)),
  };
}

export function buildIsa() {
  const forms = rows.map(parseRow);
  forms.forEach((f, i) => { f.id = i + 1; });
  if (forms.length >= 4096) throw new Error('too many forms for the 12-bit table id');
  // group by (map, opcode)
  const slots = new Map();
  for (const f of forms) {
    const ops = f.plusR ? [0, 1, 2, 3, 4, 5, 6, 7].map((i) => f.opcode + i) : [f.opcode];
    for (const op of ops) {
      const key = f.map * 256 + op;
      if (!slots.has(key)) slots.set(key, []);
      slots.get(key).push(f);
    }
  }
  // roots: legacy maps 0..3 (primary, 0F, 0F 38, 0F 3A), then VEX maps 4+1..4+3
  const nodes = new Array(8 * 256).fill(0);
  const leaf = (f) =>
    (KIND.LEAF | (f.id << 3) | (+f.modrm << 15) | (f.imm << 16) | (+f.byte << 20) | (+f.d64 << 21) |
      (+f.end << 22) | (+f.plusR << 23) | (+f.f64 << 24) | (+(f.pfx > 0) << 25) | (+f.noVvvv << 26) | (+f.lock << 27)) >>> 0;
  const build = (fs, level) => {
    // level 0: prefix, 1: VEX.W (REX.W), 2: VEX.L, 3: reg, 4: mod, 5: rm (x87 register forms)
    if (fs.length === 0) return 0;
    if (level === 0 && fs.some((f) => f.pfx >= 0)) {
      const base = nodes.length;
      nodes.push(0, 0, 0, 0);
      for (let p = 0; p < 4; p++) nodes[base + p] = build(fs.filter((f) => f.pfx === p || (p === 0 && f.pfx < 0)), 1);
      return (KIND.PREFIX | (base << 3)) >>> 0;
    }
    if (level <= 1 && fs.some((f) => f.vexW >= 0)) {
      const base = nodes.length;
      nodes.push(0, 0);
      for (let w = 0; w < 2; w++) nodes[base + w] = build(fs.filter((f) => f.vexW === w || f.vexW < 0), 2);
      return (KIND.W | (base << 3)) >>> 0;
    }
    if (level <= 2 && fs.some((f) => f.vexL >= 0)) {
      const base = nodes.length;
      nodes.push(0, 0);
      for (let l = 0; l < 2; l++) nodes[base + l] = build(fs.filter((f) => f.vexL === l || f.vexL < 0), 3);
      return (KIND.L | (base << 3)) >>> 0;
    }
    if (level <= 3 && fs.some((f) => f.reg >= 0)) {
      const base = nodes.length;
      for (let i = 0; i < 8; i++) nodes.push(0);
      for (let g = 0; g < 8; g++) nodes[base + g] = build(fs.filter((f) => f.reg === g || f.reg < 0), 4);
      return (KIND.REG | (base << 3)) >>> 0;
    }
    if (level <= 4 && fs.some((f) => f.mod >= 0)) {
      const base = nodes.length;
      nodes.push(0, 0);
      for (let md = 0; md < 2; md++) nodes[base + md] = build(fs.filter((f) => f.mod === md || f.mod < 0), 5);
      return (KIND.MOD | (base << 3)) >>> 0;
    }
    if (level <= 5 && fs.some((f) => f.rm >= 0)) {
      const base = nodes.length;
      for (let i = 0; i < 8; i++) nodes.push(0);
      for (let k = 0; k < 8; k++) nodes[base + k] = build(fs.filter((f) => f.rm === k || f.rm < 0), 6);
      return (KIND.RM | (base << 3)) >>> 0;
    }
    if (fs.length > 1) throw new Error(`ambiguous rows:\n  ${fs.map((f) => f.text).join('\n  ')}`);
    return leaf(fs[0]);
  };
  for (const [key, fs] of slots) nodes[key] = build(fs, 0);
  return { forms, nodes };
}

export function genIsa(root) {
  const { forms, nodes } = buildIsa();
  const head = '// GENERATED by tools/gen-isa.mjs from tools/isa-table.mjs. Do not edit.\n';
  const handlers = [...new Set(forms.filter((f) => f.handler !== '-').map((f) => 'h_' + f.handler))].sort();
  let as = head;
  as += `import { ${handlers.join(', ')} } from '../ops/index';\nimport { h_missing } from '../ops/index';\n\n`;
  as += `export const DECODE_NODES: StaticArray<u32> = [${nodes.join(',')}];\n\n`;
  // the form the decoder gives an instruction that is #UD by definition (LOCK misused): UD2's
  as += `export const ID_UD2: u16 = ${forms.find((f) => f.name === 'ud2').id};\n\n`;
  // The dispatch is split in chunks of CHUNK ids: one function with every handler
  // inlined grows past what V8 optimises, and the interpreter then runs at a
  // third of its speed. The table lists the general-purpose forms first, so the
  // hot ones share the first chunk.
  const CHUNK = 256;
  const chunks = Math.ceil((forms.length + 1) / CHUNK);
  for (let c = 0; c < chunks; c++) {
    as += `function dispatch${c}(op: u32, d: usize): void {\n  switch (op) {\n`;
    for (const f of forms) {
      if (f.handler === '-' || Math.floor(f.id / CHUNK) !== c) continue;
      as += `    case ${f.id}: h_${f.handler}(d${f.arg !== undefined ? ', ' + f.arg + (f.lane ? ` /* K_${f.lane} */` : '') : ''}); return;\n`;
    }
    as += '    default: h_missing(d); return;\n  }\n}\n';
  }
  as += '// @ts-ignore: decorator\n@inline\nexport function dispatch(op: u32, d: usize): void {\n';
  as += `  if (op < ${CHUNK}) { dispatch0(op, d); return; }\n  switch (op / ${CHUNK}) {\n`;
  for (let c = 1; c < chunks; c++) as += `    case ${c}: dispatch${c}(op, d); return;\n`;
  as += '    default: h_missing(d); return;\n  }\n}\n';
  // per form id (0: unknown): the arithmetic flags it reads (rf) and always writes (wf), as RFLAGS bits
  as += `export const FORM_RF: StaticArray<u16> = [0,${forms.map((f) => f.rf).join(',')}];\n`;
  as += `export const FORM_WF: StaticArray<u16> = [0,${forms.map((f) => f.wf).join(',')}];\n`;
  writeGenerated(`${root}/core/generated/isa.ts`, as);
  writeGenerated(`${root}/core/generated/lanes.ts`, head.replace('isa-table', 'isa-lanes') +
    LANES.map((n, i) => `export const K_${n}: u32 = ${i};`).join('\n') + '\n');
  // where each handler is defined, for `xos isa`
  const where = new Map();
  for (const file of readdirSync(`${root}/core/ops`).filter((n) => n.endsWith('.ts')).sort()) {
    for (const m of readFileSync(`${root}/core/ops/${file}`, 'utf8').matchAll(/^export function (h_\w+)\(/gm)) where.set(m[1], `core/ops/${file}`);
  }
  const letters = (bits) => Object.entries(FLAGBITS).filter(([, b]) => bits & b).map(([c]) => c).join('');
  const ts = head +
    '// status: missing (no handler), implemented, or tested (implemented and in the list of the\n' +
    '// differential CPU tester, test/cpu/gen.mjs, which runs it natively and under xos);\n' +
    '// handler: the core function that runs it, in file; rf/wf/undef: arithmetic flags read, written, left undefined\n' +
    `export interface IsaForm { id: number; opcode: string; name: string; status: 'tested' | 'implemented' | 'missing'; handler: string; file: string; rf: string; wf: string; undef: string }\n` +
    `export const ISA_FORMS: IsaForm[] = ${JSON.stringify(forms.map((f) => {
      if (f.handler !== '-' && !where.has('h_' + f.handler)) throw new Error(`no h_${f.handler} in core/ops for: ${f.text}`);
      return {
        id: f.id, opcode: f.text.split('|')[0].trim(), name: f.name,
        status: f.handler === '-' ? 'missing' : untested(f) ? 'implemented' : 'tested',
        handler: f.handler === '-' ? '' : `h_${f.handler}${f.arg !== undefined ? `(${f.lane ? 'K_' + f.lane : f.arg})` : ''}`,
        file: where.get('h_' + f.handler) ?? '', rf: letters(f.rf), wf: letters(f.wf), undef: f.undef,
      };
    }), null, 0)};\n`;
  writeGenerated(`${root}/src/generated/isa.ts`, ts);
}
