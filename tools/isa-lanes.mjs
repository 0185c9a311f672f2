// Lane operation kinds: the argument of the lane-operation handlers (h_sx, h_pint,
// h_mmx_pint; core/ops/simd.ts laneOp, core/ops/sse-int.ts pintV). Table rows name them
// (sx(PSHUFB)); tools/gen-isa.mjs numbers them in this order and writes the K_ constants
// (core/generated/lanes.ts). Groups the code indexes into stay contiguous and in order:
// the SSE2 integer operations first (PADDB..PACKUSWB), UNPCKLBW..UNPCKHQDQ, ADDPS..RSQRTPS
// and ADDPD..SQRTPD in the order of the F_ operations (core/ops/sse-fp.ts).
export const LANES = [
  'PADDB', 'PADDW', 'PADDD', 'PADDQ', 'PSUBB', 'PSUBW', 'PSUBD', 'PSUBQ', 'PADDSB', 'PADDSW', 'PADDUSB',
  'PADDUSW', 'PSUBSB', 'PSUBSW', 'PSUBUSB', 'PSUBUSW', 'PMULLW', 'PMULHW', 'PMULHUW', 'PMULUDQ',
  'PMADDWD', 'PSADBW', 'PCMPEQB', 'PCMPEQW', 'PCMPEQD', 'PCMPGTB', 'PCMPGTW', 'PCMPGTD', 'PMINUB',
  'PMAXUB', 'PMINSW', 'PMAXSW', 'PAVGB', 'PAVGW', 'PACKSSWB', 'PACKSSDW', 'PACKUSWB', 'AND', 'ANDN',
  'OR', 'XOR', 'UNPCKLBW', 'UNPCKLWD', 'UNPCKLDQ', 'UNPCKLQDQ', 'UNPCKHBW', 'UNPCKHWD', 'UNPCKHDQ',
  'UNPCKHQDQ', 'ADDPS', 'MULPS', 'SUBPS', 'DIVPS', 'MINPS', 'MAXPS', 'SQRTPS', 'RCPPS', 'RSQRTPS',
  'ADDPD', 'MULPD', 'SUBPD', 'DIVPD', 'MINPD', 'MAXPD', 'SQRTPD', 'CMPPS', 'CMPPD', 'SHUFPS', 'SHUFPD',
  'PSHUFD', 'PSHUFLW', 'PSHUFHW', 'ADDSUBPS', 'ADDSUBPD', 'HADDPS', 'HADDPD', 'HSUBPS', 'HSUBPD',
  'MOVSLDUP', 'MOVSHDUP', 'MOV', 'PSHUFB', 'PHADDW', 'PHADDD', 'PHADDSW', 'PMADDUBSW', 'PHSUBW',
  'PHSUBD', 'PHSUBSW', 'PSIGNB', 'PSIGNW', 'PSIGND', 'PMULHRSW', 'PABSB', 'PABSW', 'PABSD', 'PALIGNR',
  'PBLENDVB', 'BLENDVPS', 'BLENDVPD', 'PMULDQ', 'PCMPEQQ', 'PACKUSDW', 'PCMPGTQ', 'PMINSB', 'PMINSD',
  'PMINUW', 'PMINUD', 'PMAXSB', 'PMAXSD', 'PMAXUW', 'PMAXUD', 'PMULLD', 'PHMINPOSUW', 'ROUNDPS',
  'ROUNDPD', 'BLENDPS', 'BLENDPD', 'PBLENDW', 'DPPS', 'DPPD', 'MPSADBW', 'PCLMUL', 'AESENC', 'AESENCLAST',
  'AESDEC', 'AESDECLAST', 'AESIMC', 'AESKEYGEN', 'VPERMILPS', 'VPERMILPD', 'VPERMILPSI', 'VPERMILPDI',
  'PSLLVD', 'PSLLVQ', 'PSRLVD', 'PSRLVQ', 'PSRAVD', 'PBLENDD', 'SHA1RNDS4', 'SHA1NEXTE', 'SHA1MSG1',
  'SHA1MSG2', 'SHA256RNDS2', 'SHA256MSG1', 'SHA256MSG2',
];
// the F_ operations in order (ADDPS = K_ADDPS + F_ADD ...)
export const FP_OPS = ['ADD', 'MUL', 'SUB', 'DIV', 'MIN', 'MAX', 'SQRT', 'RCP', 'RSQRT'];
