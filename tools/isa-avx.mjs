// VEX-encoded rows (format: see isa-table.mjs): BMI1, BMI2, AVX, AVX2, FMA3, F16C.
// Handlers: core/ops/bmi.ts (general-purpose), core/ops/simd.ts (h_sx: lane operations,
// shared with the legacy forms), core/ops/avx.ts (AVX-only forms).
export const avxRows = [];
const r = (s) => avxRows.push(s);
import { FP_OPS } from './isa-lanes.mjs';
const hex = (n) => n.toString(16).toUpperCase().padStart(2, '0');

// --- BMI1, BMI2 (VEX.LZ: L must be 0) -----------------------------------------------
r('VEX 0F 38 F2 NP L0 | andn Gy,By,Ey | andn | m wf=OSZAPC | undef=AP');
r('VEX 0F 38 F3 /1 NP L0 | blsr By,Ey | bls(1) | m wf=OSZAPC | undef=AP');
r('VEX 0F 38 F3 /2 NP L0 | blsmsk By,Ey | bls(2) | m wf=OSZAPC | undef=AP');
r('VEX 0F 38 F3 /3 NP L0 | blsi By,Ey | bls(3) | m wf=OSZAPC | undef=AP');
r('VEX 0F 38 F5 NP L0 | bzhi Gy,Ey,By | bzhi | m wf=OSZAPC | undef=AP');
r('VEX 0F 38 F5 F3 L0 | pext Gy,By,Ey | pdep(1) | m');
r('VEX 0F 38 F5 F2 L0 | pdep Gy,By,Ey | pdep(0) | m');
r('VEX 0F 38 F6 F2 L0 | mulx By,Gy,rDX,Ey | mulx | m');
r('VEX 0F 38 F7 NP L0 | bextr Gy,Ey,By | bextr | m wf=OSZAPC | undef=ASP');
r('VEX 0F 38 F7 66 L0 | shlx Gy,Ey,By | shx(0) | m');
r('VEX 0F 38 F7 F2 L0 | shrx Gy,Ey,By | shx(1) | m');
r('VEX 0F 38 F7 F3 L0 | sarx Gy,Ey,By | shx(2) | m');
r('VEX 0F 3A F0 F2 L0 | rorx Gy,Ey,Ib | rorx | m ub');

// --- AVX / AVX2 --------------------------------------------------------------------
// Lane operations (h_sx, kinds of core/ops/simd.ts laneOp) at 128 and 256 bits.
const V = (map, op, pfx, name, h, attrs = 'm', extra = '') =>
  r(`VEX ${map} ${hex(op)} ${pfx}${extra ? ' ' + extra : ''} | ${name} | ${h} | ${attrs}`);

// floating point
const FPOPS = [[0x58, 'add', 0], [0x59, 'mul', 1], [0x5c, 'sub', 2], [0x5d, 'min', 4], [0x5e, 'div', 3], [0x5f, 'max', 5]];
for (const [op, name, k] of FPOPS) {
  V('0F', op, 'NP', `v${name}ps Vx,Hx,Wx`, `sx(${FP_OPS[k]}PS)`);
  V('0F', op, '66', `v${name}pd Vx,Hx,Wx`, `sx(${FP_OPS[k]}PD)`);
  V('0F', op, 'F3', `v${name}ss Vss,Hss,Wss`, `vss(${k})`);
  V('0F', op, 'F2', `v${name}sd Vsd,Hsd,Wsd`, `vsd(${k})`);
}
V('0F', 0x51, 'NP', 'vsqrtps Vx,Wx', 'sx(SQRTPS)');
V('0F', 0x51, '66', 'vsqrtpd Vx,Wx', 'sx(SQRTPD)');
V('0F', 0x51, 'F3', 'vsqrtss Vss,Hss,Wss', 'vss(6)');
V('0F', 0x51, 'F2', 'vsqrtsd Vsd,Hsd,Wsd', 'vsd(6)');
V('0F', 0x52, 'NP', 'vrsqrtps Vx,Wx', 'sx(RSQRTPS)');
V('0F', 0x52, 'F3', 'vrsqrtss Vss,Hss,Wss', 'vss(8)');
V('0F', 0x53, 'NP', 'vrcpps Vx,Wx', 'sx(RCPPS)');
V('0F', 0x53, 'F3', 'vrcpss Vss,Hss,Wss', 'vss(7)');
['and', 'andn', 'or', 'xor'].forEach((n, i) => {
  V('0F', 0x54 + i, 'NP', `v${n}ps Vx,Hx,Wx`, `sx(${n.toUpperCase()})`);
  V('0F', 0x54 + i, '66', `v${n}pd Vx,Hx,Wx`, `sx(${n.toUpperCase()})`);
});
V('0F', 0x14, 'NP', 'vunpcklps Vx,Hx,Wx', 'sx(UNPCKLDQ)');
V('0F', 0x14, '66', 'vunpcklpd Vx,Hx,Wx', 'sx(UNPCKLQDQ)');
V('0F', 0x15, 'NP', 'vunpckhps Vx,Hx,Wx', 'sx(UNPCKHDQ)');
V('0F', 0x15, '66', 'vunpckhpd Vx,Hx,Wx', 'sx(UNPCKHQDQ)');
V('0F', 0xc2, 'NP', 'vcmpps Vx,Hx,Wx,Ib', 'sx(CMPPS)', 'm ub');
V('0F', 0xc2, '66', 'vcmppd Vx,Hx,Wx,Ib', 'sx(CMPPD)', 'm ub');
V('0F', 0xc2, 'F3', 'vcmpss Vss,Hss,Wss,Ib', 'vcmps(0)', 'm ub');
V('0F', 0xc2, 'F2', 'vcmpsd Vsd,Hsd,Wsd,Ib', 'vcmps(1)', 'm ub');
V('0F', 0xc6, 'NP', 'vshufps Vx,Hx,Wx,Ib', 'sx(SHUFPS)', 'm ub');
V('0F', 0xc6, '66', 'vshufpd Vx,Hx,Wx,Ib', 'sx(SHUFPD)', 'm ub');
V('0F', 0x2e, 'NP', 'vucomiss Vss,Wss', 'comis(0)', 'm wf=OSZAPC');
V('0F', 0x2e, '66', 'vucomisd Vsd,Wsd', 'comis(1)', 'm wf=OSZAPC');
V('0F', 0x2f, 'NP', 'vcomiss Vss,Wss', 'comis(2)', 'm wf=OSZAPC');
V('0F', 0x2f, '66', 'vcomisd Vsd,Wsd', 'comis(3)', 'm wf=OSZAPC');
V('0F', 0x7c, '66', 'vhaddpd Vx,Hx,Wx', 'sx(HADDPD)');
V('0F', 0x7c, 'F2', 'vhaddps Vx,Hx,Wx', 'sx(HADDPS)');
V('0F', 0x7d, '66', 'vhsubpd Vx,Hx,Wx', 'sx(HSUBPD)');
V('0F', 0x7d, 'F2', 'vhsubps Vx,Hx,Wx', 'sx(HSUBPS)');
V('0F', 0xd0, '66', 'vaddsubpd Vx,Hx,Wx', 'sx(ADDSUBPD)');
V('0F', 0xd0, 'F2', 'vaddsubps Vx,Hx,Wx', 'sx(ADDSUBPS)');
// conversions
V('0F', 0x2a, 'F3', 'vcvtsi2ss Vss,Hss,Ey', 'vcvts(2)', 'm');
V('0F', 0x2a, 'F2', 'vcvtsi2sd Vsd,Hsd,Ey', 'vcvts(3)', 'm');
V('0F', 0x2c, 'F3', 'vcvttss2si Gy,Wss', 'cvts2si(2)', 'm');
V('0F', 0x2c, 'F2', 'vcvttsd2si Gy,Wsd', 'cvts2si(3)', 'm');
V('0F', 0x2d, 'F3', 'vcvtss2si Gy,Wss', 'cvts2si(0)', 'm');
V('0F', 0x2d, 'F2', 'vcvtsd2si Gy,Wsd', 'cvts2si(1)', 'm');
V('0F', 0x5a, 'F3', 'vcvtss2sd Vsd,Hx,Wss', 'vcvts(0)');
V('0F', 0x5a, 'F2', 'vcvtsd2ss Vss,Hx,Wsd', 'vcvts(1)');
V('0F', 0x5b, 'NP', 'vcvtdq2ps Vx,Wx', 'vcvtp(0)');
V('0F', 0x5b, '66', 'vcvtps2dq Vx,Wx', 'vcvtp(1)');
V('0F', 0x5b, 'F3', 'vcvttps2dq Vx,Wx', 'vcvtp(2)');
V('0F', 0x5a, 'NP', 'vcvtps2pd Vx,Wx/2', 'vcvtp(3)');
V('0F', 0x5a, '66', 'vcvtpd2ps Vx,Wx', 'vcvtp(4)');
V('0F', 0xe6, 'F3', 'vcvtdq2pd Vx,Wx/2', 'vcvtp(5)');
V('0F', 0xe6, 'F2', 'vcvtpd2dq Vx,Wx', 'vcvtp(6)');
V('0F', 0xe6, '66', 'vcvttpd2dq Vx,Wx', 'vcvtp(7)');
// moves
V('0F', 0x10, 'NP', 'vmovups Vx,Wx', 'vmov(0)');
V('0F', 0x10, '66', 'vmovupd Vx,Wx', 'vmov(0)');
V('0F', 0x11, 'NP', 'vmovups Wx,Vx', 'vmov(2)');
V('0F', 0x11, '66', 'vmovupd Wx,Vx', 'vmov(2)');
V('0F', 0x28, 'NP', 'vmovaps Vx,Wx', 'vmov(1)');
V('0F', 0x28, '66', 'vmovapd Vx,Wx', 'vmov(1)');
V('0F', 0x29, 'NP', 'vmovaps Wx,Vx', 'vmov(3)');
V('0F', 0x29, '66', 'vmovapd Wx,Vx', 'vmov(3)');
V('0F', 0x2b, 'NP', 'vmovntps Mx,Vx', 'vmov(3)', 'm', 'mem');
V('0F', 0x2b, '66', 'vmovntpd Mx,Vx', 'vmov(3)', 'm', 'mem');
V('0F', 0x6f, '66', 'vmovdqa Vx,Wx', 'vmov(1)');
V('0F', 0x6f, 'F3', 'vmovdqu Vx,Wx', 'vmov(0)');
V('0F', 0x7f, '66', 'vmovdqa Wx,Vx', 'vmov(3)');
V('0F', 0x7f, 'F3', 'vmovdqu Wx,Vx', 'vmov(2)');
V('0F', 0xe7, '66', 'vmovntdq Mx,Vx', 'vmov(3)', 'm', 'mem');
V('0F', 0xf0, 'F2', 'vlddqu Vx,Mx', 'vmov(0)', 'm', 'mem');
V('0F 38', 0x2a, '66', 'vmovntdqa Vx,Mx', 'vmov(1)', 'm', 'mem');
V('0F', 0x10, 'F3', 'vmovss Vx,Hx,Wss', 'vmovss(0)');
V('0F', 0x10, 'F2', 'vmovsd Vx,Hx,Wsd', 'vmovss(1)');
V('0F', 0x11, 'F3', 'vmovss Wss,Hx,Vss', 'vmovss(2)');
V('0F', 0x11, 'F2', 'vmovsd Wsd,Hx,Vsd', 'vmovss(3)');
V('0F', 0x12, 'NP', 'vmovlps Vdq,Hdq,Mq', 'vmovlh(0)', 'm', 'L0 mem');
V('0F', 0x12, 'NP', 'vmovhlps Vdq,Hdq,Udq', 'vmovlh(2)', 'm', 'L0 reg');
V('0F', 0x12, '66', 'vmovlpd Vdq,Hdq,Mq', 'vmovlh(0)', 'm', 'L0 mem');
V('0F', 0x16, 'NP', 'vmovhps Vdq,Hdq,Mq', 'vmovlh(1)', 'm', 'L0 mem');
V('0F', 0x16, 'NP', 'vmovlhps Vdq,Hdq,Udq', 'vmovlh(3)', 'm', 'L0 reg');
V('0F', 0x16, '66', 'vmovhpd Vdq,Hdq,Mq', 'vmovlh(1)', 'm', 'L0 mem');
V('0F', 0x13, 'NP', 'vmovlps Mq,Vq', 'movlps_MV(0)', 'm', 'L0 mem');
V('0F', 0x13, '66', 'vmovlpd Mq,Vq', 'movlps_MV(0)', 'm', 'L0 mem');
V('0F', 0x17, 'NP', 'vmovhps Mq,Vq', 'movlps_MV(1)', 'm', 'L0 mem');
V('0F', 0x17, '66', 'vmovhpd Mq,Vq', 'movlps_MV(1)', 'm', 'L0 mem');
V('0F', 0x12, 'F3', 'vmovsldup Vx,Wx', 'sx(MOVSLDUP)');
V('0F', 0x16, 'F3', 'vmovshdup Vx,Wx', 'sx(MOVSHDUP)');
V('0F', 0x12, 'F2', 'vmovddup Vx,Wx', 'movddup');
V('0F', 0x6e, '66', 'vmovd/q Vx,Ey', 'vmovd(0)', 'm', 'L0');
V('0F', 0x7e, '66', 'vmovd/q Ey,Vx', 'movd_EV', 'm', 'L0');
V('0F', 0x7e, 'F3', 'vmovq Vx,Wq', 'vmovd(1)', 'm', 'L0');
V('0F', 0xd6, '66', 'vmovq Wq,Vx', 'vmovd(2)', 'm', 'L0');
V('0F', 0x50, 'NP', 'vmovmskps Gd,Ux', 'vmovmsk(0)', 'm', 'reg');
V('0F', 0x50, '66', 'vmovmskpd Gd,Ux', 'vmovmsk(1)', 'm', 'reg');
V('0F', 0xd7, '66', 'vpmovmskb Gd,Ux', 'vmovmsk(2)', 'm', 'reg');
V('0F', 0xf7, '66', 'vmaskmovdqu Vdq,Udq', 'maskmovdqu', 'm', 'L0 reg');
V('0F', 0x77, 'NP', 'vzeroupper', 'vzero', '', 'L0');
V('0F', 0x77, 'NP', 'vzeroall', 'vzero', '', 'L1');

// integer (AVX2 at 256 bits): [opcode, mnemonic, lane kind]
const INT = [
  [0x60, 'punpcklbw', 'UNPCKLBW'], [0x61, 'punpcklwd', 'UNPCKLWD'], [0x62, 'punpckldq', 'UNPCKLDQ'], [0x63, 'packsswb', 'PACKSSWB'],
  [0x64, 'pcmpgtb', 'PCMPGTB'], [0x65, 'pcmpgtw', 'PCMPGTW'], [0x66, 'pcmpgtd', 'PCMPGTD'], [0x67, 'packuswb', 'PACKUSWB'],
  [0x68, 'punpckhbw', 'UNPCKHBW'], [0x69, 'punpckhwd', 'UNPCKHWD'], [0x6a, 'punpckhdq', 'UNPCKHDQ'], [0x6b, 'packssdw', 'PACKSSDW'],
  [0x6c, 'punpcklqdq', 'UNPCKLQDQ'], [0x6d, 'punpckhqdq', 'UNPCKHQDQ'], [0x74, 'pcmpeqb', 'PCMPEQB'], [0x75, 'pcmpeqw', 'PCMPEQW'],
  [0x76, 'pcmpeqd', 'PCMPEQD'], [0xd4, 'paddq', 'PADDQ'], [0xd5, 'pmullw', 'PMULLW'], [0xd8, 'psubusb', 'PSUBUSB'],
  [0xd9, 'psubusw', 'PSUBUSW'], [0xda, 'pminub', 'PMINUB'], [0xdb, 'pand', 'AND'], [0xdc, 'paddusb', 'PADDUSB'],
  [0xdd, 'paddusw', 'PADDUSW'], [0xde, 'pmaxub', 'PMAXUB'], [0xdf, 'pandn', 'ANDN'], [0xe0, 'pavgb', 'PAVGB'],
  [0xe3, 'pavgw', 'PAVGW'], [0xe4, 'pmulhuw', 'PMULHUW'], [0xe5, 'pmulhw', 'PMULHW'], [0xe8, 'psubsb', 'PSUBSB'],
  [0xe9, 'psubsw', 'PSUBSW'], [0xea, 'pminsw', 'PMINSW'], [0xeb, 'por', 'OR'], [0xec, 'paddsb', 'PADDSB'],
  [0xed, 'paddsw', 'PADDSW'], [0xee, 'pmaxsw', 'PMAXSW'], [0xef, 'pxor', 'XOR'], [0xf4, 'pmuludq', 'PMULUDQ'],
  [0xf5, 'pmaddwd', 'PMADDWD'], [0xf6, 'psadbw', 'PSADBW'], [0xf8, 'psubb', 'PSUBB'], [0xf9, 'psubw', 'PSUBW'],
  [0xfa, 'psubd', 'PSUBD'], [0xfb, 'psubq', 'PSUBQ'], [0xfc, 'paddb', 'PADDB'], [0xfd, 'paddw', 'PADDW'], [0xfe, 'paddd', 'PADDD'],
];
for (const [op, name, k] of INT) V('0F', op, '66', `v${name} Vx,Hx,Wx`, `sx(${k})`);
V('0F', 0x70, '66', 'vpshufd Vx,Wx,Ib', 'sx(PSHUFD)', 'm ub');
V('0F', 0x70, 'F2', 'vpshuflw Vx,Wx,Ib', 'sx(PSHUFLW)', 'm ub');
V('0F', 0x70, 'F3', 'vpshufhw Vx,Wx,Ib', 'sx(PSHUFHW)', 'm ub');
V('0F', 0xc4, '66', 'vpinsrw Vdq,Hdq,Ry/Mw,Ib', 'pinsr(1)', 'm ub', 'L0');
V('0F', 0xc5, '66', 'vpextrw Gd,Udq,Ib', 'vpextrw', 'm ub', 'L0 reg');
[[0xd1, 'psrlw', 'PADDB'], [0xd2, 'psrld', 'PADDW'], [0xd3, 'psrlq', 'PADDD'], [0xe1, 'psraw', 'PADDQ'], [0xe2, 'psrad', 'PSUBB'],
  [0xf1, 'psllw', 'PSUBW'], [0xf2, 'pslld', 'PSUBD'], [0xf3, 'psllq', 'PSUBQ']].forEach(([op, name, k]) =>
  V('0F', op, '66', `v${name} Vx,Hx,Wdq`, `vshift(${k})`));
[[0x71, 2, 'psrlw', 0], [0x71, 4, 'psraw', 3], [0x71, 6, 'psllw', 5], [0x72, 2, 'psrld', 1], [0x72, 4, 'psrad', 4],
  [0x72, 6, 'pslld', 6], [0x73, 2, 'psrlq', 2], [0x73, 3, 'psrldq', 8], [0x73, 6, 'psllq', 7], [0x73, 7, 'pslldq', 9]]
  .forEach(([op, g, name, k]) => r(`VEX 0F ${hex(op)} /${g} 66 reg | v${name} Hx,Ux,Ib | vshifti(${k}) | ub`));

// SSSE3 / SSE4.1 / SSE4.2 / AES / PCLMUL forms
const SSSE3 = [[0x00, 'pshufb', 'PSHUFB'], [0x01, 'phaddw', 'PHADDW'], [0x02, 'phaddd', 'PHADDD'], [0x03, 'phaddsw', 'PHADDSW'],
  [0x04, 'pmaddubsw', 'PMADDUBSW'], [0x05, 'phsubw', 'PHSUBW'], [0x06, 'phsubd', 'PHSUBD'], [0x07, 'phsubsw', 'PHSUBSW'],
  [0x08, 'psignb', 'PSIGNB'], [0x09, 'psignw', 'PSIGNW'], [0x0a, 'psignd', 'PSIGND'], [0x0b, 'pmulhrsw', 'PMULHRSW'],
  [0x1c, 'pabsb', 'PABSB'], [0x1d, 'pabsw', 'PABSW'], [0x1e, 'pabsd', 'PABSD'],
  [0x28, 'pmuldq', 'PMULDQ'], [0x29, 'pcmpeqq', 'PCMPEQQ'], [0x2b, 'packusdw', 'PACKUSDW'], [0x37, 'pcmpgtq', 'PCMPGTQ'],
  [0x38, 'pminsb', 'PMINSB'], [0x39, 'pminsd', 'PMINSD'], [0x3a, 'pminuw', 'PMINUW'], [0x3b, 'pminud', 'PMINUD'],
  [0x3c, 'pmaxsb', 'PMAXSB'], [0x3d, 'pmaxsd', 'PMAXSD'], [0x3e, 'pmaxuw', 'PMAXUW'], [0x3f, 'pmaxud', 'PMAXUD'], [0x40, 'pmulld', 'PMULLD']];
for (const [op, name, k] of SSSE3) V('0F 38', op, '66', `v${name} ${name.startsWith('pabs') ? 'Vx,Wx' : 'Vx,Hx,Wx'}`, `sx(${k})`);
V('0F 38', 0x41, '66', 'vphminposuw Vdq,Wdq', 'sx(PHMINPOSUW)', 'm', 'L0');
V('0F 38', 0x17, '66', 'vptest Vx,Wx', 'ptest(0)', 'm wf=OSZAPC');
V('0F 38', 0x0e, '66', 'vtestps Vx,Wx', 'ptest(1)', 'm wf=OSZAPC', 'W0');
V('0F 38', 0x0f, '66', 'vtestpd Vx,Wx', 'ptest(2)', 'm wf=OSZAPC', 'W0');
['bw', 'bd', 'bq', 'wd', 'wq', 'dq'].forEach((s, i) => {
  V('0F 38', 0x20 + i, '66', `vpmovsx${s} Vx,Wx`, `pmovx(${i})`);
  V('0F 38', 0x30 + i, '66', `vpmovzx${s} Vx,Wx`, `pmovx(${8 + i})`);
});
V('0F 3A', 0x0f, '66', 'vpalignr Vx,Hx,Wx,Ib', 'sx(PALIGNR)', 'm ub');
V('0F 3A', 0x08, '66', 'vroundps Vx,Wx,Ib', 'sx(ROUNDPS)', 'm ub');
V('0F 3A', 0x09, '66', 'vroundpd Vx,Wx,Ib', 'sx(ROUNDPD)', 'm ub');
V('0F 3A', 0x0a, '66', 'vroundss Vss,Hss,Wss,Ib', 'roundss(0)', 'm ub');
V('0F 3A', 0x0b, '66', 'vroundsd Vsd,Hsd,Wsd,Ib', 'roundss(1)', 'm ub');
V('0F 3A', 0x0c, '66', 'vblendps Vx,Hx,Wx,Ib', 'sx(BLENDPS)', 'm ub');
V('0F 3A', 0x0d, '66', 'vblendpd Vx,Hx,Wx,Ib', 'sx(BLENDPD)', 'm ub');
V('0F 3A', 0x0e, '66', 'vpblendw Vx,Hx,Wx,Ib', 'sx(PBLENDW)', 'm ub');
V('0F 3A', 0x02, '66', 'vpblendd Vx,Hx,Wx,Ib', 'sx(PBLENDD)', 'm ub', 'W0');
V('0F 3A', 0x4a, '66', 'vblendvps Vx,Hx,Wx,Lx', 'sx(BLENDVPS)', 'm ub', 'W0');
V('0F 3A', 0x4b, '66', 'vblendvpd Vx,Hx,Wx,Lx', 'sx(BLENDVPD)', 'm ub', 'W0');
V('0F 3A', 0x4c, '66', 'vpblendvb Vx,Hx,Wx,Lx', 'sx(PBLENDVB)', 'm ub', 'W0');
V('0F 3A', 0x40, '66', 'vdpps Vx,Hx,Wx,Ib', 'sx(DPPS)', 'm ub');
V('0F 3A', 0x41, '66', 'vdppd Vdq,Hdq,Wdq,Ib', 'sx(DPPD)', 'm ub', 'L0');
V('0F 3A', 0x42, '66', 'vmpsadbw Vx,Hx,Wx,Ib', 'sx(MPSADBW)', 'm ub');
V('0F 3A', 0x44, '66', 'vpclmulqdq Vdq,Hdq,Wdq,Ib', 'sx(PCLMUL)', 'm ub', 'L0');
V('0F 3A', 0x14, '66', 'vpextrb Rd/Mb,Vdq,Ib', 'pextr(0)', 'm ub', 'L0');
V('0F 3A', 0x15, '66', 'vpextrw Rd/Mw,Vdq,Ib', 'pextr(1)', 'm ub', 'L0');
V('0F 3A', 0x16, '66', 'vpextrd/q Ey,Vdq,Ib', 'pextr(2)', 'm ub', 'L0');
V('0F 3A', 0x17, '66', 'vextractps Ed,Vdq,Ib', 'pextr(3)', 'm ub', 'L0');
V('0F 3A', 0x20, '66', 'vpinsrb Vdq,Hdq,Ry/Mb,Ib', 'pinsr(0)', 'm ub', 'L0');
V('0F 3A', 0x21, '66', 'vinsertps Vdq,Hdq,Udq/Md,Ib', 'insertps', 'm ub', 'L0');
V('0F 3A', 0x22, '66', 'vpinsrd/q Vdq,Hdq,Ey,Ib', 'pinsr(2)', 'm ub', 'L0');
V('0F 3A', 0x60, '66', 'vpcmpestrm Vdq,Wdq,Ib', 'pcmpstr(0)', 'm ub wf=OSZAPC | undef=A', 'L0');
V('0F 3A', 0x61, '66', 'vpcmpestri Vdq,Wdq,Ib', 'pcmpstr(1)', 'm ub wf=OSZAPC | undef=A', 'L0');
V('0F 3A', 0x62, '66', 'vpcmpistrm Vdq,Wdq,Ib', 'pcmpstr(2)', 'm ub wf=OSZAPC | undef=A', 'L0');
V('0F 3A', 0x63, '66', 'vpcmpistri Vdq,Wdq,Ib', 'pcmpstr(3)', 'm ub wf=OSZAPC | undef=A', 'L0');
V('0F 38', 0xdb, '66', 'vaesimc Vdq,Wdq', 'sx(AESIMC)', 'm', 'L0');
V('0F 38', 0xdc, '66', 'vaesenc Vdq,Hdq,Wdq', 'sx(AESENC)', 'm', 'L0');
V('0F 38', 0xdd, '66', 'vaesenclast Vdq,Hdq,Wdq', 'sx(AESENCLAST)', 'm', 'L0');
V('0F 38', 0xde, '66', 'vaesdec Vdq,Hdq,Wdq', 'sx(AESDEC)', 'm', 'L0');
V('0F 38', 0xdf, '66', 'vaesdeclast Vdq,Hdq,Wdq', 'sx(AESDECLAST)', 'm', 'L0');
V('0F 3A', 0xdf, '66', 'vaeskeygenassist Vdq,Wdq,Ib', 'sx(AESKEYGEN)', 'm ub', 'L0');

// AVX / AVX2 only
V('0F 38', 0x0c, '66', 'vpermilps Vx,Hx,Wx', 'sx(VPERMILPS)', 'm', 'W0');
V('0F 38', 0x0d, '66', 'vpermilpd Vx,Hx,Wx', 'sx(VPERMILPD)', 'm', 'W0');
V('0F 3A', 0x04, '66', 'vpermilps Vx,Wx,Ib', 'sx(VPERMILPSI)', 'm ub', 'W0');
V('0F 3A', 0x05, '66', 'vpermilpd Vx,Wx,Ib', 'sx(VPERMILPDI)', 'm ub', 'W0');
V('0F 38', 0x45, '66', 'vpsrlvd Vx,Hx,Wx', 'sx(PSRLVD)', 'm', 'W0');
V('0F 38', 0x45, '66', 'vpsrlvq Vx,Hx,Wx', 'sx(PSRLVQ)', 'm', 'W1');
V('0F 38', 0x46, '66', 'vpsravd Vx,Hx,Wx', 'sx(PSRAVD)', 'm', 'W0');
V('0F 38', 0x47, '66', 'vpsllvd Vx,Hx,Wx', 'sx(PSLLVD)', 'm', 'W0');
V('0F 38', 0x47, '66', 'vpsllvq Vx,Hx,Wx', 'sx(PSLLVQ)', 'm', 'W1');
V('0F 38', 0x18, '66', 'vbroadcastss Vx,Wd', 'vbroadcast(2)', 'm', 'W0');
V('0F 38', 0x19, '66', 'vbroadcastsd Vqq,Wq', 'vbroadcast(3)', 'm', 'W0 L1');
V('0F 38', 0x1a, '66', 'vbroadcastf128 Vqq,Mdq', 'vbroadcast(4)', 'm', 'W0 L1 mem');
V('0F 38', 0x5a, '66', 'vbroadcasti128 Vqq,Mdq', 'vbroadcast(4)', 'm', 'W0 L1 mem');
V('0F 38', 0x78, '66', 'vpbroadcastb Vx,Wb', 'vbroadcast(0)', 'm', 'W0');
V('0F 38', 0x79, '66', 'vpbroadcastw Vx,Ww', 'vbroadcast(1)', 'm', 'W0');
V('0F 38', 0x58, '66', 'vpbroadcastd Vx,Wd', 'vbroadcast(2)', 'm', 'W0');
V('0F 38', 0x59, '66', 'vpbroadcastq Vx,Wq', 'vbroadcast(3)', 'm', 'W0');
V('0F 3A', 0x18, '66', 'vinsertf128 Vqq,Hqq,Wdq,Ib', 'vinsert128', 'm ub', 'W0 L1');
V('0F 3A', 0x38, '66', 'vinserti128 Vqq,Hqq,Wdq,Ib', 'vinsert128', 'm ub', 'W0 L1');
V('0F 3A', 0x19, '66', 'vextractf128 Wdq,Vqq,Ib', 'vextract128', 'm ub', 'W0 L1');
V('0F 3A', 0x39, '66', 'vextracti128 Wdq,Vqq,Ib', 'vextract128', 'm ub', 'W0 L1');
V('0F 3A', 0x06, '66', 'vperm2f128 Vqq,Hqq,Wqq,Ib', 'vperm2x128', 'm ub', 'W0 L1');
V('0F 3A', 0x46, '66', 'vperm2i128 Vqq,Hqq,Wqq,Ib', 'vperm2x128', 'm ub', 'W0 L1');
V('0F 38', 0x36, '66', 'vpermd Vqq,Hqq,Wqq', 'vperm(0)', 'm', 'W0 L1');
V('0F 38', 0x16, '66', 'vpermps Vqq,Hqq,Wqq', 'vperm(0)', 'm', 'W0 L1');
V('0F 3A', 0x00, '66', 'vpermq Vqq,Wqq,Ib', 'vperm(1)', 'm ub', 'W1 L1');
V('0F 3A', 0x01, '66', 'vpermpd Vqq,Wqq,Ib', 'vperm(1)', 'm ub', 'W1 L1');
V('0F 38', 0x2c, '66', 'vmaskmovps Vx,Hx,Mx', 'vmaskmov(0)', 'm', 'W0 mem');
V('0F 38', 0x2d, '66', 'vmaskmovpd Vx,Hx,Mx', 'vmaskmov(1)', 'm', 'W0 mem');
V('0F 38', 0x2e, '66', 'vmaskmovps Mx,Hx,Vx', 'vmaskmov(2)', 'm', 'W0 mem');
V('0F 38', 0x2f, '66', 'vmaskmovpd Mx,Hx,Vx', 'vmaskmov(3)', 'm', 'W0 mem');
V('0F 38', 0x8c, '66', 'vpmaskmovd Vx,Hx,Mx', 'vmaskmov(0)', 'm', 'W0 mem');
V('0F 38', 0x8c, '66', 'vpmaskmovq Vx,Hx,Mx', 'vmaskmov(1)', 'm', 'W1 mem');
V('0F 38', 0x8e, '66', 'vpmaskmovd Mx,Hx,Vx', 'vmaskmov(2)', 'm', 'W0 mem');
V('0F 38', 0x8e, '66', 'vpmaskmovq Mx,Hx,Vx', 'vmaskmov(3)', 'm', 'W1 mem');
V('0F 38', 0x90, '66', 'vpgatherdd Vx,VSIB,Hx', 'vgather(0)', 'm', 'W0 mem');
V('0F 38', 0x90, '66', 'vpgatherdq Vx,VSIB,Hx', 'vgather(2)', 'm', 'W1 mem');
V('0F 38', 0x91, '66', 'vpgatherqd Vx,VSIB,Hx', 'vgather(1)', 'm', 'W0 mem');
V('0F 38', 0x91, '66', 'vpgatherqq Vx,VSIB,Hx', 'vgather(3)', 'm', 'W1 mem');
V('0F 38', 0x92, '66', 'vgatherdps Vx,VSIB,Hx', 'vgather(0)', 'm', 'W0 mem');
V('0F 38', 0x92, '66', 'vgatherdpd Vx,VSIB,Hx', 'vgather(2)', 'm', 'W1 mem');
V('0F 38', 0x93, '66', 'vgatherqps Vx,VSIB,Hx', 'vgather(1)', 'm', 'W0 mem');
V('0F 38', 0x93, '66', 'vgatherqpd Vx,VSIB,Hx', 'vgather(3)', 'm', 'W1 mem');

// F16C
V('0F 38', 0x13, '66', 'vcvtph2ps Vx,Wx/2', 'vcvtph2ps', 'm', 'W0');
V('0F 3A', 0x1d, '66', 'vcvtps2ph Wx/2,Vx,Ib', 'vcvtps2ph', 'm ub', 'W0');
r('VEX 0F AE /2 NP L0 mem | vldmxcsr Md | ldmxcsr | m');
r('VEX 0F AE /3 NP L0 mem | vstmxcsr Md | stmxcsr | m');

// FMA3: 9x = 132, Ax = 213, Bx = 231; W0 single, W1 double (handler reads VEX.W)
const FMA = [[0x6, 'fmaddsub', 4, 'p'], [0x7, 'fmsubadd', 5, 'p'], [0x8, 'fmadd', 0, 'p'], [0x9, 'fmadd', 0, 's'],
  [0xa, 'fmsub', 1, 'p'], [0xb, 'fmsub', 1, 's'], [0xc, 'fnmadd', 2, 'p'], [0xd, 'fnmadd', 2, 's'],
  [0xe, 'fnmsub', 3, 'p'], [0xf, 'fnmsub', 3, 's']];
['132', '213', '231'].forEach((form, f) => {
  for (const [lo, name, op, kind] of FMA) {
    const k = f * 16 + op + (kind === 's' ? 8 : 0);
    const sfx = kind === 's' ? ['ss', 'sd'] : ['ps', 'pd'];
    V('0F 38', 0x90 + f * 16 + lo, '66', `v${name}${form}${sfx[0]} Vx,Hx,Wx`, `fma(${k})`, 'm', 'W0');
    V('0F 38', 0x90 + f * 16 + lo, '66', `v${name}${form}${sfx[1]} Vx,Hx,Wx`, `fma(${k})`, 'm', 'W1');
  }
});
