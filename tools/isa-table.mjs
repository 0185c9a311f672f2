// The x86-64 instruction table, described once. tools/gen-isa.mjs turns it
// into the decoder's tables and the interpreter's dispatch (core/generated/isa.ts)
// and the names/status list for TypeScript (src/generated/isa.ts).
//
// A row: '[VEX] OPCODE [/digit] [NP|66|F3|F2] [L0|L1] [W0|W1] [mem|reg] | mnemonic | handler(arg) | attributes'
//    or, for an x87 register form: 'D8..DF MODRM | mnemonic | ...' (the whole ModRM byte, C0..FF)
//   VEX      a VEX-encoded form (C4/C5 prefix): OPCODE names the map ('0F', '0F 38', '0F 3A' = VEX.mmmmm)
//            and the prefix token is VEX.pp (required; NP = none); VEX forms have their own decoder
//            roots, so they never collide with legacy rows.
//   L0|L1 W0|W1  the form exists only for that VEX.L (128/256 bits) / VEX.W (REX.W for a legacy
//            row); other values decode as #UD (or as the row of the other value). Without them,
//            the handler reads L and W from the record.
//   OPCODE   hex bytes: 'C3', '0F AF', '0F 38 F0'; '+r' adds the register to the low 3 bits.
//   /digit   selects by ModRM.reg; mem/reg selects by ModRM.mod.
//   NP|66|F3|F2  a mandatory prefix (SSE); a prefix-split opcode falls back to its NP row.
//   handler  the core function h_HANDLER(d[, arg]) in core/ops/*.ts; '-' = not implemented yet.
// Attributes:
//   m      has a ModRM byte (implied by /digit, mem, reg)
//   b      byte operands          d64  default operand size 64   f64  operand size always 64
//   ib ub iw iz iv iwb jb jz moffs  immediate: imm8 sign-extended, imm8 zero-extended, imm16,
//          imm16/32 sign-extended, imm16/32/64, imm16+imm8, rel8, rel32, 64-bit address
//   end    ends a decoded block (control transfer, syscall, anything that exits the core)
//   lock   LOCK may prefix the memory form (SDM vol. 2, LOCK); on any other form, or on the
//          register form, it is #UD
//   rf=FLAGS  arithmetic flags (O S Z A P C) the instruction reads, or may leave unchanged (a
//          shift by a count that can be 0): their value before it matters
//   wf=FLAGS  arithmetic flags it always writes (after it, their old value is dead); the JIT's
//          flag liveness reads rf and wf (core/jit), the tester reads undef
//   undef=FLAGS  flags the instruction leaves undefined (a subset of wf)

import { sseRows } from './isa-sse.mjs';
import { sse4Rows } from './isa-sse4.mjs';
import { avxRows } from './isa-avx.mjs';
import { x87Rows } from './isa-x87.mjs';

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const SHIFT = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const hex = (n) => n.toString(16).toUpperCase().padStart(2, '0');
// the flags a condition code reads (Jcc, SETcc, CMOVcc)
export const CC_FLAGS = ['O', 'O', 'C', 'C', 'Z', 'Z', 'CZ', 'CZ', 'S', 'S', 'P', 'P', 'SO', 'SO', 'ZSO', 'ZSO'];
const ALL = 'OSZAPC';

export const rows = [];
const r = (s) => rows.push(s);

// --- primary map: arithmetic -------------------------------------------------
ALU.forEach((op, k) => {
  const base = k * 8;
  const lk = op === 'cmp' ? '' : ' lock';
  const fl = ` ${op === 'adc' || op === 'sbb' ? 'rf=C ' : ''}wf=${ALL}`;
  r(`${hex(base)} | ${op} Eb,Gb | alu_EG(${k}) | m b${lk}${fl}`);
  r(`${hex(base + 1)} | ${op} Ev,Gv | alu_EG(${k}) | m${lk}${fl}`);
  r(`${hex(base + 2)} | ${op} Gb,Eb | alu_GE(${k}) | m b${fl}`);
  r(`${hex(base + 3)} | ${op} Gv,Ev | alu_GE(${k}) | m${fl}`);
  r(`${hex(base + 4)} | ${op} AL,Ib | alu_AI(${k}) | b ib${fl}`);
  r(`${hex(base + 5)} | ${op} rAX,Iz | alu_AI(${k}) | iz${fl}`);
  r(`80 /${k} | ${op} Eb,Ib | alu_EI(${k}) | b ib${lk}${fl}`);
  r(`81 /${k} | ${op} Ev,Iz | alu_EI(${k}) | iz${lk}${fl}`);
  r(`83 /${k} | ${op} Ev,Ib | alu_EI(${k}) | ib${lk}${fl}`);
});
r('50+r | push r64 | push_r | d64');
r('58+r | pop r64 | pop_r | d64');
r('63 | movsxd Gv,Ed | movsxd | m');
r('68 | push Iz | push_I | d64 iz');
r('69 | imul Gv,Ev,Iz | imul_GEI | m iz | wf=OSZAPC undef=SZAP');
r('6A | push Ib | push_I | d64 ib');
r('6B | imul Gv,Ev,Ib | imul_GEI | m ib | wf=OSZAPC undef=SZAP');
CC.forEach((c, i) => r(`${hex(0x70 + i)} | j${c} Jb | jcc(${i}) | jb end rf=${CC_FLAGS[i]}`));
r('84 | test Eb,Gb | test_EG | m b | wf=OSZAPC undef=A');
r('85 | test Ev,Gv | test_EG | m | wf=OSZAPC undef=A');
r('86 | xchg Eb,Gb | xchg_EG | m b lock');
r('87 | xchg Ev,Gv | xchg_EG | m lock');
r('88 | mov Eb,Gb | mov_EG | m b');
r('89 | mov Ev,Gv | mov_EG | m');
r('8A | mov Gb,Eb | mov_GE | m b');
r('8B | mov Gv,Ev | mov_GE | m');
r('8C | mov Ev,Sreg | mov_E_sreg | m');
r('8D | lea Gv,M | lea | m');
r('8F /0 | pop Ev | pop_E | d64');
r('90+r | xchg r,rAX | xchg_rA');
r('98 | cbw/cwde/cdqe | cbw');
r('99 | cwd/cdq/cqo | cwd');
r('9B | fwait | nop');
r('9C | pushf | pushf | d64 rf=OSZAPC');
r('9D | popf | popf | d64 wf=OSZAPC');
r('9E | sahf | sahf | wf=SZAPC');
r('9F | lahf | lahf | rf=SZAPC');
r('A0 | mov AL,moffs | mov_A_moffs | b moffs');
r('A1 | mov rAX,moffs | mov_A_moffs | moffs');
r('A2 | mov moffs,AL | mov_moffs_A | b moffs');
r('A3 | mov moffs,rAX | mov_moffs_A | moffs');
r('A4 | movsb | movs | b');
r('A5 | movs | movs');
r('A6 | cmpsb | cmps | b rf=OSZAPC');
r('A7 | cmps | cmps | rf=OSZAPC');
r('A8 | test AL,Ib | test_AI | b ib | wf=OSZAPC undef=A');
r('A9 | test rAX,Iz | test_AI | iz | wf=OSZAPC undef=A');
r('AA | stosb | stos | b');
r('AB | stos | stos');
r('AC | lodsb | lods | b');
r('AD | lods | lods');
r('AE | scasb | scas | b rf=OSZAPC');
r('AF | scas | scas | rf=OSZAPC');
r('B0+r | mov r8,Ib | mov_r_I | b ub');
r('B8+r | mov r,Iv | mov_r_I | iv');
SHIFT.forEach((op, k) => {
  const undef = k < 4 ? 'undef=O' : 'undef=OA';
  // (a count that can be 0 leaves every flag as it was; rotates write only C and O)
  const fl = 'rf=OSZAPC';
  const fl1 = k < 2 ? 'wf=OC' : k < 4 ? 'rf=C wf=OC' : 'wf=OSZAPC undef=A';
  r(`C0 /${k} | ${op} Eb,Ib | shift_I(${k}) | b ub ${fl} | ${undef}`);
  r(`C1 /${k} | ${op} Ev,Ib | shift_I(${k}) | ub ${fl} | ${undef}`);
  r(`D0 /${k} | ${op} Eb,1 | shift_1(${k}) | b ${fl1}`);
  r(`D1 /${k} | ${op} Ev,1 | shift_1(${k}) | ${fl1}`);
  r(`D2 /${k} | ${op} Eb,CL | shift_CL(${k}) | b ${fl} | ${undef}`);
  r(`D3 /${k} | ${op} Ev,CL | shift_CL(${k}) | ${fl} | ${undef}`);
});
r('C2 | ret Iw | ret | iw f64 end');
r('C3 | ret | ret | f64 end');
r('C6 /0 | mov Eb,Ib | mov_EI | b ib');
r('C7 /0 | mov Ev,Iz | mov_EI | iz');
r('C8 | enter Iw,Ib | enter | iwb d64');
r('C9 | leave | leave | d64');
r('CC | int3 | int3 | end rf=OSZAPC');
r('CD | int Ib | int_I | ub end rf=OSZAPC');
r('F1 | int1 | int1 | end rf=OSZAPC');
r('D7 | xlat | xlat');
r('E0 | loopne Jb | loop(0) | jb f64 end rf=Z');
r('E1 | loope Jb | loop(1) | jb f64 end rf=Z');
r('E2 | loop Jb | loop(2) | jb f64 end');
r('E3 | jrcxz Jb | loop(3) | jb f64 end');
r('E8 | call Jz | call_J | jz f64 end');
r('E9 | jmp Jz | jmp_J | jz f64 end');
r('EB | jmp Jb | jmp_J | jb f64 end');
for (const o of ['E4', 'E5', 'E6', 'E7', 'EC', 'ED', 'EE', 'EF', 'FA', 'FB', '6C', '6D', '6E', '6F'])
  r(`${o} | privileged ${o} | privileged | ${o[0] === 'E' && o[1] < '8' ? 'ub ' : ''}end rf=OSZAPC`);
r('F4 | hlt | hlt | end rf=OSZAPC');
r('F5 | cmc | cmc | rf=C wf=C');
r('F6 /0 | test Eb,Ib | test_EI | b ib | wf=OSZAPC undef=A');
r('F6 /1 | test Eb,Ib | test_EI | b ib | wf=OSZAPC undef=A');
r('F6 /2 | not Eb | not | b lock');
r('F6 /3 | neg Eb | neg | b lock wf=OSZAPC');
r('F6 /4 | mul Eb | mul | b | wf=OSZAPC undef=SZAP');
r('F6 /5 | imul Eb | imul1 | b | wf=OSZAPC undef=SZAP');
r('F6 /6 | div Eb | div | b | wf=OSZAPC undef=OSZAPC');
r('F6 /7 | idiv Eb | idiv | b | wf=OSZAPC undef=OSZAPC');
r('F7 /0 | test Ev,Iz | test_EI | iz | wf=OSZAPC undef=A');
r('F7 /1 | test Ev,Iz | test_EI | iz | wf=OSZAPC undef=A');
r('F7 /2 | not Ev | not | lock');
r('F7 /3 | neg Ev | neg | lock wf=OSZAPC');
r('F7 /4 | mul Ev | mul | | wf=OSZAPC undef=SZAP');
r('F7 /5 | imul Ev | imul1 | | wf=OSZAPC undef=SZAP');
r('F7 /6 | div Ev | div | | wf=OSZAPC undef=OSZAPC');
r('F7 /7 | idiv Ev | idiv | | wf=OSZAPC undef=OSZAPC');
r('F8 | clc | clc | wf=C');
r('F9 | stc | stc | wf=C');
r('FC | cld | cld');
r('FD | std | std');
r('FE /0 | inc Eb | incdec(0) | b lock wf=OSZAP');
r('FE /1 | dec Eb | incdec(1) | b lock wf=OSZAP');
r('FF /0 | inc Ev | incdec(0) | lock wf=OSZAP');
r('FF /1 | dec Ev | incdec(1) | lock wf=OSZAP');
r('FF /2 | call Ev | call_E | f64 end');
r('FF /4 | jmp Ev | jmp_E | f64 end');
r('FF /6 | push Ev | push_E | d64');

// --- 0F map: general purpose -------------------------------------------------
r('0F 05 | syscall | syscall | end rf=OSZAPC');
r('0F 0B | ud2 | ud2 | end rf=OSZAPC');
r('0F 0D | prefetch Ev | nop | m');
for (let o = 0x18; o <= 0x1f; o++) r(`0F ${hex(o)} | nop Ev (hint) | nop | m`);
r('0F 31 | rdtsc | rdtsc');
CC.forEach((c, i) => r(`0F ${hex(0x40 + i)} | cmov${c} Gv,Ev | cmov(${i}) | m rf=${CC_FLAGS[i]}`));
CC.forEach((c, i) => r(`0F ${hex(0x80 + i)} | j${c} Jz | jcc(${i}) | jz end rf=${CC_FLAGS[i]}`));
CC.forEach((c, i) => r(`0F ${hex(0x90 + i)} | set${c} Eb | setcc(${i}) | m b rf=${CC_FLAGS[i]}`));
r('0F A2 | cpuid | cpuid');
r('0F A3 | bt Ev,Gv | bt_EG(0) | m wf=OSAPC | undef=OSAP');
r('0F A4 | shld Ev,Gv,Ib | shld(0) | m ub rf=OSZAPC | undef=OA');
r('0F A5 | shld Ev,Gv,CL | shld(1) | m rf=OSZAPC | undef=OA');
r('0F AB | bts Ev,Gv | bt_EG(1) | m lock wf=OSAPC | undef=OSAP');
r('0F AC | shrd Ev,Gv,Ib | shrd(0) | m ub rf=OSZAPC | undef=OA');
r('0F AD | shrd Ev,Gv,CL | shrd(1) | m rf=OSZAPC | undef=OA');
r('0F AE /0 mem | fxsave M | fxsave | m');
r('0F AE /1 mem | fxrstor M | fxrstor | m');
r('0F AE /2 mem | ldmxcsr Md | ldmxcsr | m');
r('0F AE /3 mem | stmxcsr Md | stmxcsr | m');
r('0F AE /4 mem | xsave M | xsave | m');
r('0F AE /5 mem | xrstor M | xrstor | m');
r('0F 01 /2 reg | xgetbv | xgetbv | m');
r('0F AE /5 reg | lfence | nop | m');
r('0F AE /6 reg | mfence | nop | m');
r('0F AE /7 reg | sfence | nop | m');
r('0F AE /7 mem | clflush M | nop | m');
r('0F AF | imul Gv,Ev | imul_GE | m | wf=OSZAPC undef=SZAP');
r('0F B0 | cmpxchg Eb,Gb | cmpxchg | m b lock wf=OSZAPC');
r('0F B1 | cmpxchg Ev,Gv | cmpxchg | m lock wf=OSZAPC');
r('0F B3 | btr Ev,Gv | bt_EG(2) | m lock wf=OSAPC | undef=OSAP');
r('0F B6 | movzx Gv,Eb | movzx(0) | m');
r('0F B7 | movzx Gv,Ew | movzx(1) | m');
r('0F B8 F3 | popcnt Gv,Ev | popcnt | m wf=OSZAPC');
r('0F BA /4 | bt Ev,Ib | bt_EI(0) | ub wf=OSAPC | undef=OSAP');
r('0F BA /5 | bts Ev,Ib | bt_EI(1) | ub lock wf=OSAPC | undef=OSAP');
r('0F BA /6 | btr Ev,Ib | bt_EI(2) | ub lock wf=OSAPC | undef=OSAP');
r('0F BA /7 | btc Ev,Ib | bt_EI(3) | ub lock wf=OSAPC | undef=OSAP');
r('0F BB | btc Ev,Gv | bt_EG(3) | m lock wf=OSAPC | undef=OSAP');
r('0F BC NP | bsf Gv,Ev | bsf | m wf=OSZAPC | undef=OSAPC');
r('0F BC F3 | tzcnt Gv,Ev | tzcnt | m wf=OSZAPC | undef=OSAP');
r('0F BD NP | bsr Gv,Ev | bsr | m wf=OSZAPC | undef=OSAPC');
r('0F BD F3 | lzcnt Gv,Ev | lzcnt | m wf=OSZAPC | undef=OSAP');
r('0F BE | movsx Gv,Eb | movsx(0) | m');
r('0F BF | movsx Gv,Ew | movsx(1) | m');
r('0F C0 | xadd Eb,Gb | xadd | m b lock wf=OSZAPC');
r('0F C1 | xadd Ev,Gv | xadd | m lock wf=OSZAPC');
r('0F C7 /1 mem W0 | cmpxchg8b Mq | cmpxchg8b | m lock wf=Z');
r('0F C7 /1 mem W1 | cmpxchg16b Mdq | cmpxchg16b | m lock wf=Z');
r('0F C7 /6 reg | rdrand Rv | rdrand | m wf=OSZAPC');
r('0F C7 /7 reg | rdseed Rv | rdrand | m wf=OSZAPC');
r('0F C8+r | bswap r | bswap');
r('0F 38 F0 NP | movbe Gv,M | movbe(0) | m');
r('0F 38 F1 NP | movbe M,Gv | movbe(1) | m');
r('0F 38 F0 F2 | crc32 Gd,Eb | crc32 | m b');
r('0F 38 F1 F2 | crc32 Gd,Ev | crc32 | m');

// --- SSE and later: tools/isa-sse.mjs ----------------------------------------
rows.push(...sseRows);
// --- SSE3, SSSE3, SSE4.1, SSE4.2, AES-NI, PCLMULQDQ, ADX: tools/isa-sse4.mjs ---
rows.push(...sse4Rows);
// --- VEX: AVX, AVX2, FMA3, F16C, BMI1, BMI2: tools/isa-avx.mjs ----------------
rows.push(...avxRows);
// --- x87 (D8..DF): tools/isa-x87.mjs -------------------------------------------
rows.push(...x87Rows);
