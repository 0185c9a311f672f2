// x87 rows of the instruction table (format: see isa-table.mjs), one per instruction.
// Handlers: core/ops/x87.ts. Register forms name their ModRM byte ('D9 FE') or a /digit
// with 'reg' (the ST(i) families, i = ModRM.rm); encodings without a row are #UD.
// Attributes for the differential tester (test/cpu/gen.mjs):
//   x87=K    the memory operand's kind: f m32fp, d m64fp, t m80fp, b m80bcd (a boundary-rich
//            value is written there); without it, random memory (integers, environments)
//   fundef=HEX  FSW bits left undefined: C0 C2 C3 (4500) after most instructions, C0..C3
//            (4700) after control instructions (SDM vol. 2, each instruction's "FPU Flags Affected")
//   approx   a transcendental: its results are compared within a bound (cpu-diff.test.ts)
//   small0   F2XM1, FYL2XP1: ST(0) kept within the instruction's domain
export const x87Rows = [];
const r = (s) => x87Rows.push(s);
const A = 'fundef=4500', CTL = 'fundef=4700';

// D8 DA DC DE memory forms: arithmetic and compares with m32fp, m32int, m64fp, m16int
const ARITH = ['add', 'mul', 'com', 'comp', 'sub', 'subr', 'div', 'divr'];
const MEM = [['D8', 'm32fp', 0, 'x87=f'], ['DA', 'm32int', 2, ''], ['DC', 'm64fp', 4, 'x87=d'], ['DE', 'm16int', 6, '']];
for (const [esc, opnd, k, kind] of MEM) {
  ARITH.forEach((op, reg) => {
    const name = `f${esc === 'DA' || esc === 'DE' ? 'i' : ''}${op}`;
    r(`${esc} /${reg} mem | ${name} ${opnd} | farith_m(${k}) | ${kind} ${reg === 2 || reg === 3 ? '' : A}`);
  });
}
// D8 register forms: ST(0) = ST(0) op ST(i); FCOM/FCOMP ST(i)
ARITH.forEach((op, reg) => {
  if (reg === 2 || reg === 3) r(`D8 /${reg} reg | f${op} ST(i) | fcom_sti(${reg - 2}) |`);
  else r(`D8 /${reg} reg | f${op} ST(0),ST(i) | farith_st0 | ${A}`);
});
// DC register forms: ST(i) = ST(i) op ST(0) (reg 4..7: FSUBR FSUB FDIVR FDIV); /2 /3: FCOM2 FCOMP3 aliases
const REV = ['add', 'mul', 'com2', 'comp3', 'subr', 'sub', 'divr', 'div'];
REV.forEach((op, reg) => {
  if (reg === 2 || reg === 3) r(`DC /${reg} reg | f${op} ST(i) | fcom_sti(${reg - 2}) |`);
  else r(`DC /${reg} reg | f${op} ST(i),ST(0) | farith_sti(0) | ${A}`);
});
// DE register forms: the same, and pop; /2 FCOMP5 alias; DE D9 FCOMPP
REV.forEach((op, reg) => {
  if (reg === 2) r('DE /2 reg | fcomp5 ST(i) | fcom_sti(1) |');
  else if (reg === 3) r('DE D9 | fcompp | fcompp |');
  else r(`DE /${reg} reg | f${op}p ST(i),ST(0) | farith_sti(1) | ${A}`);
});

// D9
r(`D9 /0 mem | fld m32fp | fld_m(0) | x87=f ${A}`);
r(`D9 /2 mem | fst m32fp | fst_m(0) | x87=f ${A}`);
r(`D9 /3 mem | fstp m32fp | fst_m(1) | x87=f ${A}`);
r('D9 /4 mem | fldenv m14/28byte | fldenv |');
r(`D9 /5 mem | fldcw m2byte | fldcw | ${CTL}`);
r(`D9 /6 mem | fnstenv m14/28byte | fnstenv | ${CTL}`);
r(`D9 /7 mem | fnstcw m2byte | fnstcw | ${CTL}`);
r(`D9 /0 reg | fld ST(i) | fld_sti | ${A}`);
r(`D9 /1 reg | fxch ST(i) | fxch | ${A}`);
r(`D9 D0 | fnop | fnop | ${CTL}`);
r(`D9 /3 reg | fstp1 ST(i) | fstp1 | ${A}`);
r(`D9 E0 | fchs | fchs | ${A}`);
r(`D9 E1 | fabs | fabs | ${A}`);
r('D9 E4 | ftst | ftst |');
r('D9 E5 | fxam | fxam |');
['fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz'].forEach((n, i) => r(`D9 ${(0xe8 + i).toString(16).toUpperCase()} | ${n} | fldconst(${i}) | ${A}`));
r(`D9 F0 | f2xm1 | f2xm1 | ${CTL} approx small0`);
r(`D9 F1 | fyl2x | fyl2x | ${CTL} approx`);
r('D9 F2 | fptan | fptan | fundef=4300 approx');
r(`D9 F3 | fpatan | fpatan | ${CTL} approx`);
r(`D9 F4 | fxtract | fxtract | ${A}`);
r('D9 F5 | fprem1 | fprem1 |');
r(`D9 F6 | fdecstp | fdecstp | ${A}`);
r(`D9 F7 | fincstp | fincstp | ${A}`);
r('D9 F8 | fprem | fprem |');
r(`D9 F9 | fyl2xp1 | fyl2xp1 | ${CTL} approx small0`);
r(`D9 FA | fsqrt | fsqrt | ${A}`);
r('D9 FB | fsincos | fsincos | fundef=4300 approx');
r(`D9 FC | frndint | frndint | ${A}`);
r(`D9 FD | fscale | fscale | ${A}`);
r('D9 FE | fsin | fsin | fundef=4300 approx');
r('D9 FF | fcos | fcos | fundef=4300 approx');

// DA: FCMOVcc (B E BE U), FUCOMPP
const FCMOV_FLAGS = ['C', 'Z', 'CZ', 'P'];
['b', 'e', 'be', 'u'].forEach((c, reg) => r(`DA /${reg} reg | fcmov${c} ST(0),ST(i) | fcmov(${reg}) | rf=${FCMOV_FLAGS[reg]} ${A}`));
r('DA E9 | fucompp | fucompp |');

// DB
r(`DB /0 mem | fild m32int | fild_m(4) | ${A}`);
r(`DB /1 mem | fisttp m32int | fist_m(52) | ${A}`);
r(`DB /2 mem | fist m32int | fist_m(4) | ${A}`);
r(`DB /3 mem | fistp m32int | fist_m(20) | ${A}`);
r(`DB /5 mem | fld m80fp | fld80 | x87=t ${A}`);
r(`DB /7 mem | fstp m80fp | fstp80 | x87=t ${A}`);
['nb', 'ne', 'nbe', 'nu'].forEach((c, reg) => r(`DB /${reg} reg | fcmov${c} ST(0),ST(i) | fcmov(${4 + reg}) | rf=${FCMOV_FLAGS[reg]} ${A}`));
r(`DB E0 | fneni (8087, a no-op) | fnop | ${CTL}`);
r(`DB E1 | fndisi (8087, a no-op) | fnop | ${CTL}`);
r(`DB E2 | fnclex | fnclex | ${CTL}`);
r('DB E3 | fninit | fninit |');
r(`DB E4 | fnsetpm (287, a no-op) | fnop | ${CTL}`);
r('DB /5 reg | fucomi ST(0),ST(i) | fcomi(1) | wf=OSZAPC');
r('DB /6 reg | fcomi ST(0),ST(i) | fcomi(0) | wf=OSZAPC');

// DD
r(`DD /0 mem | fld m64fp | fld_m(1) | x87=d ${A}`);
r(`DD /1 mem | fisttp m64int | fist_m(56) | ${A}`);
r(`DD /2 mem | fst m64fp | fst_m(2) | x87=d ${A}`);
r(`DD /3 mem | fstp m64fp | fst_m(3) | x87=d ${A}`);
r('DD /4 mem | frstor m94/108byte | frstor |');
r(`DD /6 mem | fnsave m94/108byte | fnsave | ${CTL}`);
r(`DD /7 mem | fnstsw m2byte | fnstsw_m | ${CTL}`);
r(`DD /0 reg | ffree ST(i) | ffree(0) | ${CTL}`);
r(`DD /1 reg | fxch4 ST(i) | fxch | ${A}`);
r(`DD /2 reg | fst ST(i) | fst_sti(0) | ${A}`);
r(`DD /3 reg | fstp ST(i) | fst_sti(1) | ${A}`);
r('DD /4 reg | fucom ST(i) | fucom(0) |');
r('DD /5 reg | fucomp ST(i) | fucom(1) |');

// DF
r(`DF /0 mem | fild m16int | fild_m(2) | ${A}`);
r(`DF /1 mem | fisttp m16int | fist_m(50) | ${A}`);
r(`DF /2 mem | fist m16int | fist_m(2) | ${A}`);
r(`DF /3 mem | fistp m16int | fist_m(18) | ${A}`);
r(`DF /4 mem | fbld m80bcd | fbld | x87=b ${A}`);
r(`DF /5 mem | fild m64int | fild_m(8) | ${A}`);
r(`DF /6 mem | fbstp m80bcd | fbstp | x87=b ${A}`);
r(`DF /7 mem | fistp m64int | fist_m(24) | ${A}`);
r(`DF /0 reg | ffreep ST(i) | ffree(1) | ${CTL}`);
r(`DF /1 reg | fxch7 ST(i) | fxch | ${A}`);
r(`DF /2 reg | fstp8 ST(i) | fst_sti(1) | ${A}`);
r(`DF /3 reg | fstp9 ST(i) | fst_sti(1) | ${A}`);
r(`DF E0 | fnstsw AX | fnstsw_ax | ${CTL}`);
r('DF /5 reg | fucomip ST(0),ST(i) | fcomi(3) | wf=OSZAPC');
r('DF /6 reg | fcomip ST(0),ST(i) | fcomi(2) | wf=OSZAPC');
