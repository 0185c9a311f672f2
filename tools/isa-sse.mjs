// SSE/SSE2 rows of the instruction table (format: see isa-table.mjs).
// Handlers: core/ops/sse.ts (moves, logic, shuffles), sse-int.ts, sse-fp.ts.
// MMX-register forms (NP rows of the integer opcodes): core/ops/mmx.ts.
// The SSE3 forms that share an opcode with an SSE/SSE2 row are here too (handlers in
// core/ops/simd.ts, kinds K_*), so that no prefix falls back to the wrong instruction.
export const sseRows = [];
const r = (s) => sseRows.push(s);
const hex = (n) => n.toString(16).toUpperCase().padStart(2, '0');

// --- moves -----------------------------------------------------------------------
r('0F 10 NP | movups Vps,Wps | movups_VW(0) | m');
r('0F 10 66 | movupd Vpd,Wpd | movups_VW(0) | m');
r('0F 10 F3 | movss Vss,Wss | movss_VW(0) | m');
r('0F 10 F2 | movsd Vsd,Wsd | movss_VW(1) | m');
r('0F 11 NP | movups Wps,Vps | movups_WV(0) | m');
r('0F 11 66 | movupd Wpd,Vpd | movups_WV(0) | m');
r('0F 11 F3 | movss Wss,Vss | movss_WV(0) | m');
r('0F 11 F2 | movsd Wsd,Vsd | movss_WV(1) | m');
r('0F 12 NP mem | movlps Vq,Mq | movlps_VM(0) | m');
r('0F 12 NP reg | movhlps Vq,Uq | movhlps | m');
r('0F 12 66 mem | movlpd Vq,Mq | movlps_VM(0) | m');
r('0F 12 F3 | movsldup Vx,Wx (SSE3) | sx(MOVSLDUP) | m');
r('0F 12 F2 | movddup Vx,Wx (SSE3) | movddup | m');
r('0F 13 NP mem | movlps Mq,Vq | movlps_MV(0) | m');
r('0F 13 66 mem | movlpd Mq,Vq | movlps_MV(0) | m');
r('0F 14 NP | unpcklps Vx,Wx | punpck(2) | m');
r('0F 14 66 | unpcklpd Vx,Wx | punpck(3) | m');
r('0F 15 NP | unpckhps Vx,Wx | punpck(6) | m');
r('0F 15 66 | unpckhpd Vx,Wx | punpck(7) | m');
r('0F 16 NP mem | movhps Vq,Mq | movlps_VM(1) | m');
r('0F 16 NP reg | movlhps Vq,Uq | movlhps | m');
r('0F 16 66 mem | movhpd Vq,Mq | movlps_VM(1) | m');
r('0F 16 F3 | movshdup Vx,Wx (SSE3) | sx(MOVSHDUP) | m');
r('0F 17 NP mem | movhps Mq,Vq | movlps_MV(1) | m');
r('0F 17 66 mem | movhpd Mq,Vq | movlps_MV(1) | m');
r('0F 28 NP | movaps Vps,Wps | movups_VW(1) | m');
r('0F 28 66 | movapd Vpd,Wpd | movups_VW(1) | m');
r('0F 29 NP | movaps Wps,Vps | movups_WV(1) | m');
r('0F 29 66 | movapd Wpd,Vpd | movups_WV(1) | m');
r('0F 2B NP mem | movntps Mps,Vps | movups_WV(1) | m');
r('0F 2B 66 mem | movntpd Mpd,Vpd | movups_WV(1) | m');
r('0F 50 NP reg | movmskps Gd,Ups | movmsk(0) | m');
r('0F 50 66 reg | movmskpd Gd,Upd | movmsk(1) | m');
r('0F 6E NP | movd Pq,Ey (MMX) | mmx_movd_PE | m');
r('0F 6E 66 | movd/movq Vx,Ey | movd_VE | m');
r('0F 6F NP | movq Pq,Qq (MMX) | mmx_movq_PQ | m');
r('0F 6F 66 | movdqa Vx,Wx | movups_VW(1) | m');
r('0F 6F F3 | movdqu Vx,Wx | movups_VW(0) | m');
r('0F 7E NP | movd Ey,Pq (MMX) | mmx_movd_EP | m');
r('0F 7E 66 | movd/movq Ey,Vx | movd_EV | m');
r('0F 7E F3 | movq Vq,Wq | movq_VW | m');
r('0F 7F NP | movq Qq,Pq (MMX) | mmx_movq_QP | m');
r('0F 7F 66 | movdqa Wx,Vx | movups_WV(1) | m');
r('0F 7F F3 | movdqu Wx,Vx | movups_WV(0) | m');
r('0F C3 NP mem | movnti My,Gy | movnti | m');
r('0F 77 NP | emms (MMX) | emms');
r('0F D6 66 | movq Wq,Vq | movq_WV | m');
r('0F D6 F3 reg | movq2dq Vx,Nq (MMX) | mmx_movq2dq | m');
r('0F D6 F2 reg | movdq2q Pq,Uq (MMX) | mmx_movdq2q | m');
r('0F D7 NP reg | pmovmskb Gd,Nq (MMX) | mmx_pmovmskb | m');
r('0F D7 66 reg | pmovmskb Gd,Ux | movmsk(2) | m');
r('0F E7 NP mem | movntq Mq,Pq (MMX) | mmx_movq_QP | m');
r('0F E7 66 mem | movntdq Mx,Vx | movups_WV(1) | m');
r('0F F7 NP reg | maskmovq Pq,Nq (MMX) | mmx_maskmovq | m');
r('0F F7 66 reg | maskmovdqu Vdq,Udq | maskmovdqu | m');

// --- floating point arithmetic and logic -----------------------------------------------
const FPOPS = [[0x58, 'add', 0], [0x59, 'mul', 1], [0x5c, 'sub', 2], [0x5d, 'min', 4], [0x5e, 'div', 3], [0x5f, 'max', 5]];
for (const [op, name, k] of FPOPS) {
  r(`0F ${hex(op)} NP | ${name}ps Vps,Wps | fp_ps(${k}) | m`);
  r(`0F ${hex(op)} 66 | ${name}pd Vpd,Wpd | fp_pd(${k}) | m`);
  r(`0F ${hex(op)} F3 | ${name}ss Vss,Wss | fp_ss(${k}) | m`);
  r(`0F ${hex(op)} F2 | ${name}sd Vsd,Wsd | fp_sd(${k}) | m`);
}
r('0F 51 NP | sqrtps Vps,Wps | fp_ps(6) | m');
r('0F 51 66 | sqrtpd Vpd,Wpd | fp_pd(6) | m');
r('0F 51 F3 | sqrtss Vss,Wss | fp_ss(6) | m');
r('0F 51 F2 | sqrtsd Vsd,Wsd | fp_sd(6) | m');
r('0F 52 NP | rsqrtps Vps,Wps | fp_ps(8) | m');
r('0F 52 F3 | rsqrtss Vss,Wss | fp_ss(8) | m');
r('0F 53 NP | rcpps Vps,Wps | fp_ps(7) | m');
r('0F 53 F3 | rcpss Vss,Wss | fp_ss(7) | m');
['and', 'andn', 'or', 'xor'].forEach((name, k) => {
  r(`0F ${hex(0x54 + k)} NP | ${name}ps Vps,Wps | plogic(${k}) | m`);
  r(`0F ${hex(0x54 + k)} 66 | ${name}pd Vpd,Wpd | plogic(${k}) | m`);
});
r('0F C2 NP | cmpps Vps,Wps,Ib | cmpp(0) | m ub');
r('0F C2 66 | cmppd Vpd,Wpd,Ib | cmpp(1) | m ub');
r('0F C2 F3 | cmpss Vss,Wss,Ib | cmpp(2) | m ub');
r('0F C2 F2 | cmpsd Vsd,Wsd,Ib | cmpp(3) | m ub');
r('0F 2E NP | ucomiss Vss,Wss | comis(0) | m wf=OSZAPC');
r('0F 2E 66 | ucomisd Vsd,Wsd | comis(1) | m wf=OSZAPC');
r('0F 2F NP | comiss Vss,Wss | comis(2) | m wf=OSZAPC');
r('0F 2F 66 | comisd Vsd,Wsd | comis(3) | m wf=OSZAPC');
r('0F C6 NP | shufps Vps,Wps,Ib | shufps | m ub');
r('0F C6 66 | shufpd Vpd,Wpd,Ib | shufpd | m ub');
r('0F 7C 66 | haddpd Vpd,Wpd (SSE3) | sx(HADDPD) | m');
r('0F 7C F2 | haddps Vps,Wps (SSE3) | sx(HADDPS) | m');
r('0F 7D 66 | hsubpd Vpd,Wpd (SSE3) | sx(HSUBPD) | m');
r('0F 7D F2 | hsubps Vps,Wps (SSE3) | sx(HSUBPS) | m');
r('0F D0 66 | addsubpd Vpd,Wpd (SSE3) | sx(ADDSUBPD) | m');
r('0F D0 F2 | addsubps Vps,Wps (SSE3) | sx(ADDSUBPS) | m');
r('0F F0 F2 mem | lddqu Vx,M (SSE3) | movups_VW(0) | m');

// --- conversions ---------------------------------------------------------------------
r('0F 2A NP | cvtpi2ps Vps,Qpi (MMX) | mmx_cvtpi2ps | m');
r('0F 2A 66 | cvtpi2pd Vpd,Qpi (MMX) | mmx_cvtpi2pd | m');
r('0F 2A F3 | cvtsi2ss Vss,Ey | cvtsi2s(0) | m');
r('0F 2A F2 | cvtsi2sd Vsd,Ey | cvtsi2s(1) | m');
r('0F 2C NP | cvttps2pi Ppi,Wps (MMX) | mmx_cvtps2pi(1) | m');
r('0F 2C 66 | cvttpd2pi Ppi,Wpd (MMX) | mmx_cvtpd2pi(1) | m');
r('0F 2C F3 | cvttss2si Gy,Wss | cvts2si(2) | m');
r('0F 2C F2 | cvttsd2si Gy,Wsd | cvts2si(3) | m');
r('0F 2D NP | cvtps2pi Ppi,Wps (MMX) | mmx_cvtps2pi(0) | m');
r('0F 2D 66 | cvtpd2pi Ppi,Wpd (MMX) | mmx_cvtpd2pi(0) | m');
r('0F 2D F3 | cvtss2si Gy,Wss | cvts2si(0) | m');
r('0F 2D F2 | cvtsd2si Gy,Wsd | cvts2si(1) | m');
r('0F 5A NP | cvtps2pd Vpd,Wps | cvtps2pd | m');
r('0F 5A 66 | cvtpd2ps Vps,Wpd | cvtpd2ps | m');
r('0F 5A F3 | cvtss2sd Vsd,Wss | cvtss2sd | m');
r('0F 5A F2 | cvtsd2ss Vss,Wsd | cvtsd2ss | m');
r('0F 5B NP | cvtdq2ps Vps,Wdq | cvtdq2ps | m');
r('0F 5B 66 | cvtps2dq Vdq,Wps | cvtps2dq(0) | m');
r('0F 5B F3 | cvttps2dq Vdq,Wps | cvtps2dq(1) | m');
r('0F E6 66 | cvttpd2dq Vx,Wpd | cvtpd2dq(1) | m');
r('0F E6 F3 | cvtdq2pd Vx,Wq | cvtdq2pd | m');
r('0F E6 F2 | cvtpd2dq Vx,Wpd | cvtpd2dq(0) | m');

// --- integer SIMD (66 = XMM; NP = MMX, core/ops/mmx.ts) ----------------------------------
// [opcode, mnemonic, handler]
const INT = [
  [0x60, 'punpcklbw', 'punpck(0)'], [0x61, 'punpcklwd', 'punpck(1)'], [0x62, 'punpckldq', 'punpck(2)'],
  [0x63, 'packsswb', 'pint(PACKSSWB)'], [0x64, 'pcmpgtb', 'pint(PCMPGTB)'], [0x65, 'pcmpgtw', 'pint(PCMPGTW)'],
  [0x66, 'pcmpgtd', 'pint(PCMPGTD)'], [0x67, 'packuswb', 'pint(PACKUSWB)'], [0x68, 'punpckhbw', 'punpck(4)'],
  [0x69, 'punpckhwd', 'punpck(5)'], [0x6a, 'punpckhdq', 'punpck(6)'], [0x6b, 'packssdw', 'pint(PACKSSDW)'],
  [0x6c, 'punpcklqdq', 'punpck(3)', true], [0x6d, 'punpckhqdq', 'punpck(7)', true],
  [0x74, 'pcmpeqb', 'pint(PCMPEQB)'], [0x75, 'pcmpeqw', 'pint(PCMPEQW)'], [0x76, 'pcmpeqd', 'pint(PCMPEQD)'],
  [0xd1, 'psrlw', 'pshift_x(0)'], [0xd2, 'psrld', 'pshift_x(1)'], [0xd3, 'psrlq', 'pshift_x(2)'],
  [0xd4, 'paddq', 'pint(PADDQ)'], [0xd5, 'pmullw', 'pint(PMULLW)'],
  [0xd8, 'psubusb', 'pint(PSUBUSB)'], [0xd9, 'psubusw', 'pint(PSUBUSW)'], [0xda, 'pminub', 'pint(PMINUB)'],
  [0xdb, 'pand', 'plogic(0)'], [0xdc, 'paddusb', 'pint(PADDUSB)'], [0xdd, 'paddusw', 'pint(PADDUSW)'],
  [0xde, 'pmaxub', 'pint(PMAXUB)'], [0xdf, 'pandn', 'plogic(1)'],
  [0xe0, 'pavgb', 'pint(PAVGB)'], [0xe1, 'psraw', 'pshift_x(3)'], [0xe2, 'psrad', 'pshift_x(4)'],
  [0xe3, 'pavgw', 'pint(PAVGW)'], [0xe4, 'pmulhuw', 'pint(PMULHUW)'], [0xe5, 'pmulhw', 'pint(PMULHW)'],
  [0xe8, 'psubsb', 'pint(PSUBSB)'], [0xe9, 'psubsw', 'pint(PSUBSW)'], [0xea, 'pminsw', 'pint(PMINSW)'],
  [0xeb, 'por', 'plogic(2)'], [0xec, 'paddsb', 'pint(PADDSB)'], [0xed, 'paddsw', 'pint(PADDSW)'],
  [0xee, 'pmaxsw', 'pint(PMAXSW)'], [0xef, 'pxor', 'plogic(3)'],
  [0xf1, 'psllw', 'pshift_x(5)'], [0xf2, 'pslld', 'pshift_x(6)'], [0xf3, 'psllq', 'pshift_x(7)'],
  [0xf4, 'pmuludq', 'pint(PMULUDQ)'], [0xf5, 'pmaddwd', 'pint(PMADDWD)'], [0xf6, 'psadbw', 'pint(PSADBW)'],
  [0xf8, 'psubb', 'pint(PSUBB)'], [0xf9, 'psubw', 'pint(PSUBW)'], [0xfa, 'psubd', 'pint(PSUBD)'],
  [0xfb, 'psubq', 'pint(PSUBQ)'], [0xfc, 'paddb', 'pint(PADDB)'], [0xfd, 'paddw', 'pint(PADDW)'],
  [0xfe, 'paddd', 'pint(PADDD)'],
];
for (const [op, name, h, sse2only] of INT) {
  if (!sse2only) r(`0F ${hex(op)} NP | ${name} Pq,Qq (MMX) | mmx_${h} | m`);
  r(`0F ${hex(op)} 66 | ${name} Vx,Wx | ${h} | m`);
}
r('0F 70 NP | pshufw Pq,Qq,Ib (MMX) | mmx_pshufw | m ub');
r('0F 70 66 | pshufd Vx,Wx,Ib | pshufd(0) | m ub');
r('0F 70 F2 | pshuflw Vx,Wx,Ib | pshufd(1) | m ub');
r('0F 70 F3 | pshufhw Vx,Wx,Ib | pshufd(2) | m ub');
r('0F C4 NP | pinsrw Pq,Ry/Mw,Ib (MMX) | mmx_pinsrw | m ub');
r('0F C4 66 | pinsrw Vdq,Ry/Mw,Ib | pinsrw | m ub');
r('0F C5 NP reg | pextrw Gd,Nq,Ib (MMX) | mmx_pextrw | m ub');
r('0F C5 66 reg | pextrw Gd,Udq,Ib | pextrw | m ub');
// shift groups by imm8: [opcode, /digit, mnemonic, kind]
const SHI = [
  [0x71, 2, 'psrlw', 0], [0x71, 4, 'psraw', 3], [0x71, 6, 'psllw', 5],
  [0x72, 2, 'psrld', 1], [0x72, 4, 'psrad', 4], [0x72, 6, 'pslld', 6],
  [0x73, 2, 'psrlq', 2], [0x73, 3, 'psrldq', 8], [0x73, 6, 'psllq', 7], [0x73, 7, 'pslldq', 9],
];
for (const [op, g, name, k] of SHI) {
  if (k < 8) r(`0F ${hex(op)} /${g} NP reg | ${name} Nq,Ib (MMX) | mmx_pshift_i(${k}) | ub`);
  r(`0F ${hex(op)} /${g} 66 reg | ${name} Ux,Ib | pshift_i(${k}) | ub`);
}
