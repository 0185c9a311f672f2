/* MMX: every MMX integer instruction through <mmintrin.h>/<xmmintrin.h> intrinsics
 * (compiled with SSE2 off in those functions, so that GCC emits real MMX code rather
 * than its SSE emulation) and through inline asm in register-register and
 * register-memory forms; shifts by register and immediate; PSHUFW, PINSRW/PEXTRW,
 * PMOVMSKB, MASKMOVQ, MOVNTQ, MOVD/MOVQ (GPR, memory, REX forms), MOVQ2DQ/MOVDQ2Q,
 * the MMX<->SSE conversions with the MXCSR rounding modes and flags; the x87 state
 * (TOP, tag word, MMn = physical Rn, exponent field all ones) seen through FNSTENV and
 * FXSAVE; a forgotten EMMS; x87 arithmetic after EMMS. Results are printed as hex. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#pragma GCC push_options
#pragma GCC target("no-sse2")
#include <mmintrin.h>
#include <xmmintrin.h>
#pragma GCC pop_options
#include <emmintrin.h>

#define NOINLINE __attribute__((noinline))
typedef uint64_t (*fn2)(uint64_t, uint64_t);

static uint64_t rs = 0x0123456789abcdefull;
static uint64_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
static const uint64_t edge[] = {
    0, ~0ull, 0x8000800080008000ull, 0x7fff7fff7fff7fffull, 0x8080808080808080ull, 0x7f7f7f7f7f7f7f7full,
    0x0001000100010001ull, 0xffff0000ffff0000ull, 0x80000000ffffffffull, 0x7fffffff80000000ull, 0x00ff00ff00ff00ffull,
};
#define NPAIRS (11 * 11 + 40)
static uint64_t pa[NPAIRS], pb[NPAIRS];
static void make_pairs(void) {
    for (int k = 0; k < NPAIRS; k++) {
        if (k < 121) { pa[k] = edge[k % 11]; pb[k] = edge[k / 11]; }
        else { pa[k] = rnd(); pb[k] = rnd(); if (k & 1) pb[k] &= 0x00ff00ff00ff00ffull * (rnd() & 0xff); }
    }
}
static uint64_t fnv(uint64_t h, uint64_t v) {
    for (int i = 0; i < 8; i++) { h ^= (v >> (i * 8)) & 0xff; h *= 0x100000001b3ull; }
    return h;
}
/* One line per operation: a hash over all pairs, and the first results. */
static void run2(const char *name, fn2 f) {
    uint64_t h = 0xcbf29ce484222325ull;
    printf("%-14s", name);
    for (int k = 0; k < NPAIRS; k++) {
        uint64_t r = f(pa[k], pb[k]);
        h = fnv(h, r);
        if (k % 23 == 5) printf(" %016llx", (unsigned long long)r);
    }
    printf(" #%016llx\n", (unsigned long long)h);
}

/* --- intrinsics (real MMX code: SSE2 off) ------------------------------------------------ */
#pragma GCC push_options
#pragma GCC target("no-sse2")
#define M(x) _mm_cvtsi64_m64((long long)(x))
#define U(x) ((uint64_t)_mm_cvtm64_si64(x))
#define I2(name, intr) \
    static NOINLINE uint64_t i_##name(uint64_t a, uint64_t b) { uint64_t r = U(intr(M(a), M(b))); _mm_empty(); return r; }
I2(addb, _mm_add_pi8) I2(addw, _mm_add_pi16) I2(addd, _mm_add_pi32)
I2(subb, _mm_sub_pi8) I2(subw, _mm_sub_pi16) I2(subd, _mm_sub_pi32)
I2(addsb, _mm_adds_pi8) I2(addsw, _mm_adds_pi16) I2(addusb, _mm_adds_pu8) I2(addusw, _mm_adds_pu16)
I2(subsb, _mm_subs_pi8) I2(subsw, _mm_subs_pi16) I2(subusb, _mm_subs_pu8) I2(subusw, _mm_subs_pu16)
I2(mullw, _mm_mullo_pi16) I2(mulhw, _mm_mulhi_pi16) I2(mulhuw, _mm_mulhi_pu16) I2(maddwd, _mm_madd_pi16)
I2(sadbw, _mm_sad_pu8)
I2(eqb, _mm_cmpeq_pi8) I2(eqw, _mm_cmpeq_pi16) I2(eqd, _mm_cmpeq_pi32)
I2(gtb, _mm_cmpgt_pi8) I2(gtw, _mm_cmpgt_pi16) I2(gtd, _mm_cmpgt_pi32)
I2(minub, _mm_min_pu8) I2(maxub, _mm_max_pu8) I2(minsw, _mm_min_pi16) I2(maxsw, _mm_max_pi16)
I2(avgb, _mm_avg_pu8) I2(avgw, _mm_avg_pu16)
I2(and, _mm_and_si64) I2(andn, _mm_andnot_si64) I2(or, _mm_or_si64) I2(xor, _mm_xor_si64)
I2(packsswb, _mm_packs_pi16) I2(packssdw, _mm_packs_pi32) I2(packuswb, _mm_packs_pu16)
I2(unpcklbw, _mm_unpacklo_pi8) I2(unpcklwd, _mm_unpacklo_pi16) I2(unpckldq, _mm_unpacklo_pi32)
I2(unpckhbw, _mm_unpackhi_pi8) I2(unpckhwd, _mm_unpackhi_pi16) I2(unpckhdq, _mm_unpackhi_pi32)
I2(sllw, _mm_sll_pi16) I2(slld, _mm_sll_pi32) I2(sllq, _mm_sll_si64)
I2(srlw, _mm_srl_pi16) I2(srld, _mm_srl_pi32) I2(srlq, _mm_srl_si64)
I2(sraw, _mm_sra_pi16) I2(srad, _mm_sra_pi32)
#define IIMM(n) \
    static NOINLINE void imm_##n(uint64_t a, uint64_t *o) { \
        __m64 v = M(a); \
        o[0] = U(_mm_slli_pi16(v, n)); o[1] = U(_mm_slli_pi32(v, n)); o[2] = U(_mm_slli_si64(v, n)); \
        o[3] = U(_mm_srli_pi16(v, n)); o[4] = U(_mm_srli_pi32(v, n)); o[5] = U(_mm_srli_si64(v, n)); \
        o[6] = U(_mm_srai_pi16(v, n)); o[7] = U(_mm_srai_pi32(v, n)); \
        o[8] = U(_mm_shuffle_pi16(v, (n) & 0xff)); \
        o[9] = U(_mm_insert_pi16(v, (int)(n) * 0x1111, (n) & 3)); \
        o[10] = (uint64_t)_mm_extract_pi16(v, (n) & 3); \
        _mm_empty(); \
    }
IIMM(0) IIMM(1) IIMM(7) IIMM(15) IIMM(16) IIMM(27) IIMM(31) IIMM(32) IIMM(63) IIMM(64) IIMM(0x9c) IIMM(0xe4) IIMM(0xff)
static NOINLINE void i_misc(uint64_t a, uint64_t b, uint64_t *o) {
    o[0] = (uint64_t)_mm_movemask_pi8(M(a));
    o[1] = (uint64_t)(uint32_t)_mm_cvtsi64_si32(M(a));
    o[2] = U(_mm_cvtsi32_si64((int)(b >> 16)));
    o[3] = U(_mm_set_pi16(1, 2, 3, (short)a));
    o[4] = U(_mm_setzero_si64());
    __m64 t;
    _mm_stream_pi(&t, M(b));
    o[5] = U(t);
    _mm_empty();
}
#pragma GCC pop_options

/* --- inline asm: register-register (mm3 <- mm3 op mm6) and register-memory forms ----------- */
#define A2(name, insn) \
    static NOINLINE uint64_t rr_##name(uint64_t a, uint64_t b) { \
        uint64_t r; \
        __asm__ volatile("movq %1, %%mm3\n\tmovq %2, %%mm6\n\t" insn " %%mm6, %%mm3\n\tmovq %%mm3, %0\n\temms" \
                         : "=r"(r) : "r"(a), "r"(b) : "mm3", "mm6"); \
        return r; \
    } \
    static NOINLINE uint64_t rm_##name(uint64_t a, uint64_t b) { \
        uint64_t r; \
        __asm__ volatile("movq %1, %%mm7\n\t" insn " %2, %%mm7\n\tmovq %%mm7, %0\n\temms" \
                         : "=r"(r) : "r"(a), "m"(b) : "mm7"); \
        return r; \
    }
#define OPS(X) \
    X(paddb, "paddb") X(paddw, "paddw") X(paddd, "paddd") X(paddq, "paddq") \
    X(psubb, "psubb") X(psubw, "psubw") X(psubd, "psubd") X(psubq, "psubq") \
    X(paddsb, "paddsb") X(paddsw, "paddsw") X(paddusb, "paddusb") X(paddusw, "paddusw") \
    X(psubsb, "psubsb") X(psubsw, "psubsw") X(psubusb, "psubusb") X(psubusw, "psubusw") \
    X(pmullw, "pmullw") X(pmulhw, "pmulhw") X(pmulhuw, "pmulhuw") X(pmuludq, "pmuludq") \
    X(pmaddwd, "pmaddwd") X(psadbw, "psadbw") \
    X(pcmpeqb, "pcmpeqb") X(pcmpeqw, "pcmpeqw") X(pcmpeqd, "pcmpeqd") \
    X(pcmpgtb, "pcmpgtb") X(pcmpgtw, "pcmpgtw") X(pcmpgtd, "pcmpgtd") \
    X(pminub, "pminub") X(pmaxub, "pmaxub") X(pminsw, "pminsw") X(pmaxsw, "pmaxsw") \
    X(pavgb, "pavgb") X(pavgw, "pavgw") \
    X(pand, "pand") X(pandn, "pandn") X(por, "por") X(pxor, "pxor") \
    X(packsswb, "packsswb") X(packssdw, "packssdw") X(packuswb, "packuswb") \
    X(punpckhbw, "punpckhbw") X(punpckhwd, "punpckhwd") X(punpckhdq, "punpckhdq") \
    X(punpcklbw, "punpcklbw") X(punpcklwd, "punpcklwd") X(punpckldq, "punpckldq") \
    X(psllw, "psllw") X(pslld, "pslld") X(psllq, "psllq") \
    X(psrlw, "psrlw") X(psrld, "psrld") X(psrlq, "psrlq") X(psraw, "psraw") X(psrad, "psrad") \
    X(movq, "movq") X(pshufw1b, "pshufw $0x1b,") X(pshufw72, "pshufw $0x72,")
OPS(A2)
#define ROW(name, insn) { #name, rr_##name, rm_##name },
static const struct { const char *name; fn2 rr, rm; } asm_ops[] = { OPS(ROW) };

static const struct { const char *name; fn2 f; } intr_ops[] = {
#define R(n) { #n, i_##n },
    R(addb) R(addw) R(addd) R(subb) R(subw) R(subd) R(addsb) R(addsw) R(addusb) R(addusw)
    R(subsb) R(subsw) R(subusb) R(subusw) R(mullw) R(mulhw) R(mulhuw) R(maddwd) R(sadbw)
    R(eqb) R(eqw) R(eqd) R(gtb) R(gtw) R(gtd) R(minub) R(maxub) R(minsw) R(maxsw) R(avgb) R(avgw)
    R(and) R(andn) R(or) R(xor) R(packsswb) R(packssdw) R(packuswb)
    R(unpcklbw) R(unpcklwd) R(unpckldq) R(unpckhbw) R(unpckhwd) R(unpckhdq)
    R(sllw) R(slld) R(sllq) R(srlw) R(srld) R(srlq) R(sraw) R(srad)
#undef R
};

static void shifts(void) {
    static const uint64_t counts[] = { 0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 0x100000000ull, 0x8000000000000004ull, ~0ull };
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < 18; i++) {
        for (int k = 0; k < NPAIRS; k += 7) {
            for (unsigned j = 0; j < sizeof asm_ops / sizeof asm_ops[0]; j++) {
                if (asm_ops[j].name[0] != 'p' || asm_ops[j].name[1] != 's' || asm_ops[j].name[2] == 'u') continue;
                h = fnv(h, asm_ops[j].rr(pa[k], counts[i]));
                h = fnv(h, asm_ops[j].rm(pa[k], counts[i]));
            }
        }
        printf("shift count %llx: psllw %016llx psraw %016llx psrlq %016llx #%016llx\n", (unsigned long long)counts[i],
               (unsigned long long)rr_psllw(0x8001400220041008ull, counts[i]), (unsigned long long)rm_psraw(0x8001400220041008ull, counts[i]),
               (unsigned long long)rr_psrlq(0x8001400220041008ull, counts[i]), (unsigned long long)h);
    }
    for (int k = 0; k < NPAIRS; k += 13) {
        uint64_t o[11];
        printf("imm %016llx:", (unsigned long long)pa[k]);
#define IMMP(n) imm_##n(pa[k], o); h = 0xcbf29ce484222325ull; for (int q = 0; q < 11; q++) h = fnv(h, o[q]); \
        printf(" %llx/%016llx", (unsigned long long)(n), (unsigned long long)h);
        IMMP(0) IMMP(1) IMMP(7) IMMP(15) IMMP(16) IMMP(27) IMMP(31) IMMP(32) IMMP(63) IMMP(64) IMMP(0x9c) IMMP(0xe4) IMMP(0xff)
        printf("\n");
    }
    uint64_t z[8];
    /* immediate counts beyond the element width (GCC folds these in intrinsics) */
    __asm__ volatile(
        "movq %8, %%mm4\n\t"
        "movq %%mm4, %%mm2\n\tpsllw $17, %%mm2\n\tmovq %%mm2, %0\n\t"
        "movq %%mm4, %%mm2\n\tpsrlw $16, %%mm2\n\tmovq %%mm2, %1\n\t"
        "movq %%mm4, %%mm2\n\tpslld $32, %%mm2\n\tmovq %%mm2, %2\n\t"
        "movq %%mm4, %%mm2\n\tpsrld $200, %%mm2\n\tmovq %%mm2, %3\n\t"
        "movq %%mm4, %%mm2\n\tpsllq $64, %%mm2\n\tmovq %%mm2, %4\n\t"
        "movq %%mm4, %%mm2\n\tpsrlq $255, %%mm2\n\tmovq %%mm2, %5\n\t"
        "movq %%mm4, %%mm2\n\tpsraw $99, %%mm2\n\tmovq %%mm2, %6\n\t"
        "movq %%mm4, %%mm2\n\tpsrad $33, %%mm2\n\tmovq %%mm2, %7\n\t"
        "emms"
        : "=m"(z[0]), "=m"(z[1]), "=m"(z[2]), "=m"(z[3]), "=m"(z[4]), "=m"(z[5]), "=m"(z[6]), "=m"(z[7])
        : "r"(0x8001400220041008ull)
        : "mm2", "mm4");
    printf("imm big:");
    for (int q = 0; q < 8; q++) printf(" %016llx", (unsigned long long)z[q]);
    printf("\n");
    uint64_t o[11];
    imm_27(0x8123456789abcdefull, o);
    printf("imm27:");
    for (int q = 0; q < 11; q++) printf(" %016llx", (unsigned long long)o[q]);
    printf("\n");
}

/* --- specific forms -------------------------------------------------------------------------- */
static void moves(void) {
    uint64_t r1, r2, r3, r4, r5;
    uint32_t m32 = 0;
    uint64_t m64 = 0;
    /* MOVD mm, r32 zero-extends; MOVD r32, mm zero-extends the GPR; MOVQ with REX.W;
       r8..r15 with REX.B; memory forms */
    __asm__ volatile(
        "mov $-1, %%r9\n\t"
        "movq %%r9, %%mm2\n\t"
        "mov $0x89abcdef, %%r10d\n\t"
        "movd %%r10d, %%mm2\n\t"        /* mm2 = 0x0000000089abcdef */
        "movq %%mm2, %0\n\t"
        "mov $-1, %%r11\n\t"
        "movq %5, %%mm4\n\t"
        "movd %%mm4, %%r11d\n\t"        /* zero-extends r11 */
        "mov %%r11, %1\n\t"
        "movd %%mm4, %3\n\t"
        "movq %%mm4, %4\n\t"
        "movd %3, %%mm5\n\t"
        "movq %%mm5, %2\n\t"
        "emms"
        : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=m"(m32), "=m"(m64)
        : "r"(0xfedcba9876543210ull)
        : "r9", "r10", "r11", "mm2", "mm4", "mm5");
    printf("movd: %016llx %016llx %016llx %08x %016llx\n", (unsigned long long)r1, (unsigned long long)r2,
           (unsigned long long)r3, m32, (unsigned long long)m64);
    /* REX.B / REX.R do not extend MMX register numbers */
    __asm__ volatile(
        "movq %2, %%mm0\n\t"
        "movq %3, %%mm1\n\t"
        ".byte 0x41, 0x0f, 0xfc, 0xc1\n\t" /* paddb %mm1, %mm0 with REX.B */
        "movq %%mm0, %0\n\t"
        ".byte 0x44, 0x0f, 0x6f, 0xc1\n\t" /* movq %mm1, %mm0 with REX.R */
        "movq %%mm0, %1\n\t"
        "emms"
        : "=&r"(r1), "=&r"(r2)
        : "r"(0x0102030405060708ull), "r"(0x1010101010101010ull)
        : "mm0", "mm1");
    printf("rex: %016llx %016llx\n", (unsigned long long)r1, (unsigned long long)r2);
    /* PINSRW (r32 and m16), PEXTRW (zero-extends), PMOVMSKB */
    uint16_t w = 0xbeef;
    __asm__ volatile(
        "movq %5, %%mm1\n\t"
        "mov $0x12345678, %%eax\n\t"
        "pinsrw $2, %%eax, %%mm1\n\t"
        "pinsrw $5, %6, %%mm1\n\t"       /* index 5 & 3 = 1 */
        "movq %%mm1, %0\n\t"
        "mov $-1, %%rdx\n\t"
        "pextrw $6, %%mm1, %%edx\n\t"   /* index 2 */
        "mov %%rdx, %1\n\t"
        "mov $-1, %%rcx\n\t"
        "pextrw $3, %%mm1, %%rcx\n\t"
        "mov %%rcx, %2\n\t"
        "mov $-1, %%r8\n\t"
        "pmovmskb %%mm1, %%r8d\n\t"
        "mov %%r8, %3\n\t"
        "pmovmskb %%mm1, %%r9\n\t"
        "mov %%r9, %4\n\t"
        "emms"
        : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4), "=&r"(r5)
        : "r"(0x80ff7f0001807e81ull), "m"(w)
        : "rax", "rcx", "rdx", "r8", "r9", "mm1");
    printf("pinsrw/pextrw/pmovmskb: %016llx %016llx %016llx %016llx %016llx\n", (unsigned long long)r1,
           (unsigned long long)r2, (unsigned long long)r3, (unsigned long long)r4, (unsigned long long)r5);
    /* MASKMOVQ, MOVNTQ */
    unsigned char buf[24];
    memset(buf, 0xaa, sizeof buf);
    __asm__ volatile(
        "movq %1, %%mm0\n\t"
        "movq %2, %%mm7\n\t"
        "maskmovq %%mm7, %%mm0\n\t"
        "movntq %%mm7, 16(%0)\n\t"
        "sfence\n\t"
        "emms"
        :
        : "D"(buf + 3), "r"(0x1122334455667788ull), "r"(0x80007f81ff00fe01ull)
        : "mm0", "mm7", "memory");
    printf("maskmovq/movntq:");
    for (int i = 0; i < 24; i++) printf(" %02x", buf[i]);
    printf("\n");
    /* MOVQ2DQ, MOVDQ2Q */
    uint64_t x[2];
    __asm__ volatile(
        "pcmpeqd %%xmm9, %%xmm9\n\t"
        "movq %2, %%mm5\n\t"
        "movq2dq %%mm5, %%xmm9\n\t"
        "movdqu %%xmm9, %0\n\t"
        "movq %3, %%xmm12\n\t"
        "movdq2q %%xmm12, %%mm6\n\t"
        "movq %%mm6, %1\n\t"
        "emms"
        : "=m"(x), "=&r"(r1)
        : "r"(0x0123456789abcdefull), "r"(0xfedcba9876543210ull)
        : "xmm9", "xmm12", "mm5", "mm6");
    printf("movq2dq/movdq2q: %016llx%016llx %016llx\n", (unsigned long long)x[1], (unsigned long long)x[0],
           (unsigned long long)r1);
}

/* PUNPCKL* read only 32 bits from memory, PINSRW 16: operands at the very end of a page. */
static void page_edge(void) {
    unsigned char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { printf("mmap failed\n"); return; }
    munmap(p + 4096, 4096);
    uint32_t *e32 = (uint32_t *)(p + 4092);
    *e32 = 0xa1b2c3d4;
    uint64_t r1, r2, r3, r4;
    __asm__ volatile(
        "movq %4, %%mm0\n\tpunpcklbw (%5), %%mm0\n\tmovq %%mm0, %0\n\t"
        "movq %4, %%mm0\n\tpunpcklwd (%5), %%mm0\n\tmovq %%mm0, %1\n\t"
        "movq %4, %%mm0\n\tpunpckldq (%5), %%mm0\n\tmovq %%mm0, %2\n\t"
        "movq %4, %%mm0\n\tpinsrw $3, 2(%5), %%mm0\n\tmovq %%mm0, %3\n\t"
        "emms"
        : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4)
        : "r"(0x0011223344556677ull), "r"(e32)
        : "mm0");
    printf("page edge: %016llx %016llx %016llx %016llx\n", (unsigned long long)r1, (unsigned long long)r2,
           (unsigned long long)r3, (unsigned long long)r4);
    munmap(p, 4096);
}

/* --- conversions ---------------------------------------------------------------------------- */
static void conversions(void) {
    static const float fs[][2] = {
        { 1.5f, -2.5f }, { 2.5f, -0.5f }, { 0.49999997f, -1.5f }, { 2147483520.0f, -2147483648.0f },
        { 2147483648.0f, -2147483904.0f }, { __builtin_nanf(""), __builtin_inff() }, { -0.0f, 1e-40f }, { 123456.789f, -7.75f },
    };
    static const double ds[][2] = {
        { 1.5, -2.5 }, { 2.5, -0.5 }, { 2147483647.4, -2147483648.6 }, { 2147483647.5, -2147483649.0 },
        { __builtin_nan(""), -__builtin_inf() }, { 1e-310, -0.0 }, { 1234567.890625, -7.75 },
    };
    static const uint64_t is[] = { 0, 0x7fffffff80000000ull, 0x00000001ffffffffull, 0x0100000101000003ull, 0x12345677edcba987ull };
    unsigned mx0 = _mm_getcsr();
    for (unsigned rc = 0; rc < 4; rc++) {
        printf("rc %u:", rc);
        for (unsigned i = 0; i < sizeof fs / sizeof fs[0]; i++) {
            uint64_t r, t;
            unsigned mx;
            _mm_setcsr((mx0 & ~0x603fu) | (rc << 13));
            __asm__ volatile("movsd %2, %%xmm3\n\tcvtps2pi %%xmm3, %%mm2\n\tcvttps2pi %3, %%mm5\n\t"
                             "movq %%mm2, %0\n\tmovq %%mm5, %1\n\temms"
                             : "=&r"(r), "=&r"(t) : "m"(fs[i]), "m"(fs[i]) : "xmm3", "mm2", "mm5");
            mx = _mm_getcsr() & 0x3f;
            printf(" %016llx/%016llx/%02x", (unsigned long long)r, (unsigned long long)t, mx);
        }
        printf("\n      ");
        for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++) {
            uint64_t r, t;
            unsigned mx;
            _mm_setcsr((mx0 & ~0x603fu) | (rc << 13));
            __asm__ volatile("movupd %2, %%xmm3\n\tcvtpd2pi %%xmm3, %%mm2\n\tcvttpd2pi %3, %%mm5\n\t"
                             "movq %%mm2, %0\n\tmovq %%mm5, %1\n\temms"
                             : "=&r"(r), "=&r"(t) : "m"(ds[i]), "m"(ds[i]) : "xmm3", "mm2", "mm5");
            mx = _mm_getcsr() & 0x3f;
            printf(" %016llx/%016llx/%02x", (unsigned long long)r, (unsigned long long)t, mx);
        }
        printf("\n      ");
        for (unsigned i = 0; i < sizeof is / sizeof is[0]; i++) {
            uint64_t ps[2], pd[2], pm[2];
            unsigned mx;
            _mm_setcsr((mx0 & ~0x603fu) | (rc << 13));
            __asm__ volatile("pcmpeqd %%xmm4, %%xmm4\n\tmovq %3, %%mm1\n\tcvtpi2ps %%mm1, %%xmm4\n\tmovups %%xmm4, %0\n\t"
                             "cvtpi2pd %%mm1, %%xmm5\n\tmovupd %%xmm5, %1\n\t"
                             "pcmpeqd %%xmm6, %%xmm6\n\tcvtpi2ps %4, %%xmm6\n\tmovups %%xmm6, %2\n\temms"
                             : "=m"(ps), "=m"(pd), "=m"(pm) : "r"(is[i]), "m"(is[i]) : "xmm4", "xmm5", "xmm6", "mm1");
            mx = _mm_getcsr() & 0x3f;
            printf(" %016llx%016llx/%016llx%016llx/%016llx%016llx/%02x", (unsigned long long)ps[1],
                   (unsigned long long)ps[0], (unsigned long long)pd[1], (unsigned long long)pd[0],
                   (unsigned long long)pm[1], (unsigned long long)pm[0], mx);
        }
        printf("\n");
    }
    _mm_setcsr(mx0);
}

/* --- the x87 state ------------------------------------------------------------------------ */
struct env { uint32_t cw, sw, tw, rest[4]; };
static void show_env(const char *what) {
    struct env e;
    __asm__ volatile("fnstenv %0\n\tfldcw %0" : "=m"(e)); /* fnstenv masks exceptions: restore the CW */
    printf("%s: sw %04x tw %04x\n", what, e.sw & 0xffff, e.tw & 0xffff);
}
static void fpu_state(void) {
    uint64_t r1, r2, r3;
    /* MMn is physical register Rn: after fninit; fld1; fldpi, ST0 = R6 = pi, ST1 = R7 = 1 */
    __asm__ volatile("fninit\n\tfld1\n\tfldpi\n\t" ::: "st", "st(1)");
    show_env("x87 two pushed");
    __asm__ volatile("movq %%mm7, %0\n\tmovq %%mm6, %1\n\tmovq %%mm0, %2" : "=r"(r1), "=r"(r2), "=r"(r3));
    printf("mm7 %016llx mm6 %016llx\n", (unsigned long long)r1, (unsigned long long)r2);
    (void)r3;
    show_env("after movq from mm");
    __asm__ volatile("movq %0, %%mm3" :: "r"(0x0123456789abcdefull) : "mm3");
    static unsigned char fx[512] __attribute__((aligned(16)));
    __asm__ volatile("fxsave %0" : "=m"(fx));
    printf("fxsave: fsw %02x%02x ftw %02x st:", fx[3], fx[2], fx[4]);
    for (int i = 0; i < 8; i++) {
        printf(" ");
        for (int j = 9; j >= 0; j--) printf("%02x", fx[32 + 16 * i + j]);
    }
    printf("\n");
    show_env("after movq to mm3");
    __asm__ volatile("emms");
    show_env("after emms");
    __asm__ volatile("fxsave %0" : "=m"(fx));
    printf("fxsave after emms: ftw %02x\n", fx[4]);
    /* the memory form of CVTPI2PS/CVTPI2PD and a register one */
    static const uint64_t two = 0x0000000200000001ull;
    __asm__ volatile("cvtpi2ps %0, %%xmm0" :: "m"(two) : "xmm0");
    show_env("after cvtpi2ps m64");
    __asm__ volatile("emms\n\tcvtpi2pd %0, %%xmm0" :: "m"(two) : "xmm0");
    show_env("after cvtpi2pd m64");
    __asm__ volatile("emms\n\tcvtpi2ps %%mm2, %%xmm0" ::: "xmm0");
    show_env("after cvtpi2ps mm");
    __asm__ volatile("emms\n\tcvtps2pi %%xmm0, %%mm2" ::: "mm2");
    show_env("after cvtps2pi");
    /* forgetting EMMS: the next push overflows the stack */
    uint16_t sw;
    long double v;
    __asm__ volatile("fninit\n\tmovq %%mm1, %%mm1\n\tfld1\n\tfnstsw %0\n\tfstpt %1" : "=m"(sw), "=m"(v) :: "mm1");
    unsigned char vb[10];
    memcpy(vb, &v, 10);
    printf("no emms: sw %04x st0 ", sw);
    for (int j = 9; j >= 0; j--) printf("%02x", vb[j]);
    printf("\n");
    __asm__ volatile("fninit");
    /* x87 arithmetic after EMMS */
    __asm__ volatile("movq %%mm0, %%mm1\n\tpxor %%mm0, %%mm0\n\temms" ::: "mm0", "mm1");
    volatile long double s = 0, q = 2;
    for (int k = 1; k <= 100; k++) s += 1.0L / k;
    long double sq;
    __asm__ volatile("fldt %1\n\tfsqrt\n\tfstpt %0" : "=m"(sq) : "m"(q));
    long double sv = s;
    memcpy(vb, (void *)&sv, 10);
    printf("x87 after emms: H100 ");
    for (int j = 9; j >= 0; j--) printf("%02x", vb[j]);
    memcpy(vb, &sq, 10);
    printf(" sqrt2 ");
    for (int j = 9; j >= 0; j--) printf("%02x", vb[j]);
    printf("\n");
    show_env("end");
}

int main(void) {
    make_pairs();
    for (unsigned j = 0; j < sizeof intr_ops / sizeof intr_ops[0]; j++) run2(intr_ops[j].name, intr_ops[j].f);
    for (unsigned j = 0; j < sizeof asm_ops / sizeof asm_ops[0]; j++) {
        char n[32];
        snprintf(n, sizeof n, "%s/rr", asm_ops[j].name);
        run2(n, asm_ops[j].rr);
        snprintf(n, sizeof n, "%s/rm", asm_ops[j].name);
        run2(n, asm_ops[j].rm);
    }
    for (int k = 0; k < NPAIRS; k += 17) {
        uint64_t o[6];
        i_misc(pa[k], pb[k], o);
        printf("misc:");
        for (int q = 0; q < 6; q++) printf(" %016llx", (unsigned long long)o[q]);
        printf("\n");
    }
    shifts();
    moves();
    page_edge();
    conversions();
    fpu_state();
    return 0;
}
