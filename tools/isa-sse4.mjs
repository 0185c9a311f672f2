// SSE3 (the rest: see isa-sse.mjs), SSSE3, SSE4.1, SSE4.2, AES-NI, PCLMULQDQ and ADX rows
// (format: see isa-table.mjs). Handlers: core/ops/simd.ts (h_sx(K) runs the 128-bit lane
// operation K of laneOp), core/ops/bmi.ts (ADX). The NP (MMX register) forms of SSSE3
// are listed as missing.
export const sse4Rows = [];
const r = (s) => sse4Rows.push(s);
const hex = (n) => n.toString(16).toUpperCase().padStart(2, '0');

// [opcode in 0F 38, mnemonic, lane kind, has an MMX form]
export const SSSE3 = [
  [0x00, 'pshufb', 'PSHUFB'], [0x01, 'phaddw', 'PHADDW'], [0x02, 'phaddd', 'PHADDD'], [0x03, 'phaddsw', 'PHADDSW'],
  [0x04, 'pmaddubsw', 'PMADDUBSW'], [0x05, 'phsubw', 'PHSUBW'], [0x06, 'phsubd', 'PHSUBD'], [0x07, 'phsubsw', 'PHSUBSW'],
  [0x08, 'psignb', 'PSIGNB'], [0x09, 'psignw', 'PSIGNW'], [0x0a, 'psignd', 'PSIGND'], [0x0b, 'pmulhrsw', 'PMULHRSW'],
  [0x1c, 'pabsb', 'PABSB'], [0x1d, 'pabsw', 'PABSW'], [0x1e, 'pabsd', 'PABSD'],
];
for (const [op, name, k] of SSSE3) {
  r(`0F 38 ${hex(op)} NP | ${name} Pq,Qq (MMX) | - | m`);
  r(`0F 38 ${hex(op)} 66 | ${name} Vx,Wx | sx(${k}) | m`);
}
r('0F 3A 0F NP | palignr Pq,Qq,Ib (MMX) | - | m ub');
r('0F 3A 0F 66 | palignr Vx,Wx,Ib | sx(PALIGNR) | m ub');

// SSE4.1 / SSE4.2 two-operand lane operations in 0F 38: [opcode, mnemonic, kind]
export const SSE41 = [
  [0x28, 'pmuldq', 'PMULDQ'], [0x29, 'pcmpeqq', 'PCMPEQQ'], [0x2b, 'packusdw', 'PACKUSDW'], [0x37, 'pcmpgtq', 'PCMPGTQ'],
  [0x38, 'pminsb', 'PMINSB'], [0x39, 'pminsd', 'PMINSD'], [0x3a, 'pminuw', 'PMINUW'], [0x3b, 'pminud', 'PMINUD'],
  [0x3c, 'pmaxsb', 'PMAXSB'], [0x3d, 'pmaxsd', 'PMAXSD'], [0x3e, 'pmaxuw', 'PMAXUW'], [0x3f, 'pmaxud', 'PMAXUD'],
  [0x40, 'pmulld', 'PMULLD'],
];
for (const [op, name, k] of SSE41) r(`0F 38 ${hex(op)} 66 | ${name} Vx,Wx | sx(${k}) | m`);
r('0F 38 10 66 | pblendvb Vx,Wx,<XMM0> | sx(PBLENDVB) | m');
r('0F 38 14 66 | blendvps Vx,Wx,<XMM0> | sx(BLENDVPS) | m');
r('0F 38 15 66 | blendvpd Vx,Wx,<XMM0> | sx(BLENDVPD) | m');
r('0F 38 17 66 | ptest Vx,Wx | ptest(0) | m wf=OSZAPC');
['bw', 'bd', 'bq', 'wd', 'wq', 'dq'].forEach((s, i) => {
  r(`0F 38 ${hex(0x20 + i)} 66 | pmovsx${s} Vx,Wx | pmovx(${i}) | m`);
  r(`0F 38 ${hex(0x30 + i)} 66 | pmovzx${s} Vx,Wx | pmovx(${8 + i}) | m`);
});
r('0F 38 2A 66 mem | movntdqa Vx,Mx | movups_VW(1) | m');
r('0F 38 41 66 | phminposuw Vdq,Wdq | sx(PHMINPOSUW) | m');
// 0F 3A with imm8
r('0F 3A 08 66 | roundps Vx,Wx,Ib | sx(ROUNDPS) | m ub');
r('0F 3A 09 66 | roundpd Vx,Wx,Ib | sx(ROUNDPD) | m ub');
r('0F 3A 0A 66 | roundss Vss,Wss,Ib | roundss(0) | m ub');
r('0F 3A 0B 66 | roundsd Vsd,Wsd,Ib | roundss(1) | m ub');
r('0F 3A 0C 66 | blendps Vx,Wx,Ib | sx(BLENDPS) | m ub');
r('0F 3A 0D 66 | blendpd Vx,Wx,Ib | sx(BLENDPD) | m ub');
r('0F 3A 0E 66 | pblendw Vx,Wx,Ib | sx(PBLENDW) | m ub');
r('0F 3A 14 66 | pextrb Rd/Mb,Vdq,Ib | pextr(0) | m ub');
r('0F 3A 15 66 | pextrw Rd/Mw,Vdq,Ib | pextr(1) | m ub');
r('0F 3A 16 66 | pextrd/q Ey,Vdq,Ib | pextr(2) | m ub');
r('0F 3A 17 66 | extractps Ed,Vdq,Ib | pextr(3) | m ub');
r('0F 3A 20 66 | pinsrb Vdq,Ry/Mb,Ib | pinsr(0) | m ub');
r('0F 3A 21 66 | insertps Vdq,Udq/Md,Ib | insertps | m ub');
r('0F 3A 22 66 | pinsrd/q Vdq,Ey,Ib | pinsr(2) | m ub');
r('0F 3A 40 66 | dpps Vx,Wx,Ib | sx(DPPS) | m ub');
r('0F 3A 41 66 | dppd Vdq,Wdq,Ib | sx(DPPD) | m ub');
r('0F 3A 42 66 | mpsadbw Vx,Wx,Ib | sx(MPSADBW) | m ub');
r('0F 3A 44 66 | pclmulqdq Vdq,Wdq,Ib | sx(PCLMUL) | m ub');
r('0F 3A 60 66 | pcmpestrm Vdq,Wdq,Ib | pcmpstr(0) | m ub wf=OSZAPC | undef=A');
r('0F 3A 61 66 | pcmpestri Vdq,Wdq,Ib | pcmpstr(1) | m ub wf=OSZAPC | undef=A');
r('0F 3A 62 66 | pcmpistrm Vdq,Wdq,Ib | pcmpstr(2) | m ub wf=OSZAPC | undef=A');
r('0F 3A 63 66 | pcmpistri Vdq,Wdq,Ib | pcmpstr(3) | m ub wf=OSZAPC | undef=A');
// AES-NI
r('0F 38 DB 66 | aesimc Vdq,Wdq | sx(AESIMC) | m');
r('0F 38 DC 66 | aesenc Vdq,Wdq | sx(AESENC) | m');
r('0F 38 DD 66 | aesenclast Vdq,Wdq | sx(AESENCLAST) | m');
r('0F 38 DE 66 | aesdec Vdq,Wdq | sx(AESDEC) | m');
r('0F 38 DF 66 | aesdeclast Vdq,Wdq | sx(AESDECLAST) | m');
r('0F 3A DF 66 | aeskeygenassist Vdq,Wdq,Ib | sx(AESKEYGEN) | m ub');
// SHA extensions (SHA256RNDS2: XMM0 implicit)
r('0F 3A CC NP | sha1rnds4 Vdq,Wdq,Ib | sx(SHA1RNDS4) | m ub');
r('0F 38 C8 NP | sha1nexte Vdq,Wdq | sx(SHA1NEXTE) | m');
r('0F 38 C9 NP | sha1msg1 Vdq,Wdq | sx(SHA1MSG1) | m');
r('0F 38 CA NP | sha1msg2 Vdq,Wdq | sx(SHA1MSG2) | m');
r('0F 38 CB NP | sha256rnds2 Vdq,Wdq | sx(SHA256RNDS2) | m');
r('0F 38 CC NP | sha256msg1 Vdq,Wdq | sx(SHA256MSG1) | m');
r('0F 38 CD NP | sha256msg2 Vdq,Wdq | sx(SHA256MSG2) | m');
// ADX
r('0F 38 F6 66 | adcx Gy,Ey | adx(0) | m rf=C wf=C');
r('0F 38 F6 F3 | adox Gy,Ey | adx(1) | m rf=O wf=O');
