/* AVX, AVX2 and F16C through intrinsics and inline asm at 128 and 256 bits: arithmetic,
 * compares with all 32 predicates, shuffles, permutes, blends, broadcasts, inserts and
 * extracts, shifts, packs, gathers, masked loads/stores next to an unmapped page, VEX.128
 * upper-half zeroing, VZEROUPPER/VZEROALL, XGETBV/XSAVE/XRSTOR. Results printed as hex.
 * Build: -O2 -static -mavx2 -mf16c -mbmi -mbmi2 (no -mfma: see isa-fma.c) */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <sys/mman.h>

#define OPAQUE(v) __asm__ volatile("" : "+x"(v))
static uint64_t rs = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
static const uint64_t edge[] = { 0, ~0ull, 0x8000800080008000ull, 0x7fff7fff7fff7fffull, 0x8080808080808080ull,
    0x0001000100010001ull, 0xffff0000ffff0000ull, 0x80000000ffffffffull, 0x00ff00ff00ff00ffull, 0x0102030405060708ull,
    0x0000001f00000021ull, 0x8000000000000000ull };
#define NE 12
static __m256i ivec(int k) {
    uint64_t u[4];
    for (int i = 0; i < 4; i++) u[i] = k < NE * NE ? edge[(k / (i + 1) + i * 5) % NE] ^ (i == 3 ? edge[k % NE] : 0) : rnd();
    if (k >= NE * NE && (k & 1)) u[1] &= 0x0f0f0f0f0f0f0f0full, u[3] &= 0x000000ff0000003full;
    __m256i v = _mm256_loadu_si256((__m256i *)u);
    OPAQUE(v);
    return v;
}
static const float fv[] = { 0.0f, -0.0f, 1.0f, -1.5f, 2.5f, 3.5f, -2.5f, 1e30f, -1e-40f, INFINITY, -INFINITY, NAN, 0.49999997f, 8388609.0f, 65504.0f, 3.0f,
    1e-5f, 65520.0f, 6e-8f, -7.0e-6f };
static const double dv[] = { 0.0, -0.0, 1.0, -1.5, 2.5, 3.5, -2.5, 1e300, -5e-324, INFINITY, -INFINITY, NAN, 0.49999999999999994, 4503599627370497.0, 2.2250738585072014e-308, 3.0 };
static __m256 fvec(int k) {
    float f[8];
    for (int i = 0; i < 8; i++) f[i] = k < 80 ? fv[(k * (i + 3) + i) % 20] : (float)((int64_t)rnd() % 100000) / 64.0f;
    __m256 v = _mm256_loadu_ps(f);
    OPAQUE(v);
    return v;
}
static __m256d dvec(int k) {
    double f[4];
    for (int i = 0; i < 4; i++) f[i] = k < 64 ? dv[(k * (i + 5) + i) & 15] : (double)((int64_t)rnd() % 1000000) / 1024.0;
    __m256d v = _mm256_loadu_pd(f);
    OPAQUE(v);
    return v;
}
static void p(const char *name, __m256i v) {
    uint64_t u[4];
    _mm256_storeu_si256((__m256i *)u, v);
    printf(" %s=%llx.%llx.%llx.%llx", name, (unsigned long long)u[3], (unsigned long long)u[2], (unsigned long long)u[1], (unsigned long long)u[0]);
}
#define P(name, expr) do { __m256i r_ = (expr); OPAQUE(r_); p(name, r_); } while (0)
#define PF(name, expr) do { __m256 r_ = (expr); OPAQUE(r_); p(name, _mm256_castps_si256(r_)); } while (0)
#define PD(name, expr) do { __m256d r_ = (expr); OPAQUE(r_); p(name, _mm256_castpd_si256(r_)); } while (0)
#define P1(name, expr) do { __m128i r_ = (expr); OPAQUE(r_); p(name, _mm256_zextsi128_si256(r_)); } while (0)
/* --dp-nan: DPPS lanes that hold a NaN print as "nan" (the test passes it on an AMD host: which NaN
   a dot product propagates, and where, is implementation dependent, SDM vol. 2 DPPS) */
static int dp_nan;
static void pdp(const char *name, __m256 v) {
    uint32_t u[8];
    _mm256_storeu_ps((float *)u, v);
    if (!dp_nan) { p(name, _mm256_castps_si256(v)); return; }
    printf(" %s=", name);
    for (int i = 7; i >= 0; i--) {
        if ((u[i] & 0x7f800000) == 0x7f800000 && (u[i] & 0x7fffff)) printf("nan%s", i ? "." : "");
        else printf("%x%s", u[i], i ? "." : "");
    }
}
#define PDP(name, expr) do { __m256 r_ = (expr); OPAQUE(r_); pdp(name, r_); } while (0)
#define PI(name, expr) do { long long r_ = (long long)(expr); printf(" %s=%llx", name, r_); } while (0)

static void ints(__m256i a, __m256i b) {
    __m128i c = _mm256_castsi256_si128(b);
    P("addb", _mm256_add_epi8(a, b)); P("addw", _mm256_add_epi16(a, b)); P("addd", _mm256_add_epi32(a, b)); P("addq", _mm256_add_epi64(a, b));
    P("subb", _mm256_sub_epi8(a, b)); P("subq", _mm256_sub_epi64(a, b)); P("addsb", _mm256_adds_epi8(a, b)); P("addusw", _mm256_adds_epu16(a, b));
    P("subsw", _mm256_subs_epi16(a, b)); P("subusb", _mm256_subs_epu8(a, b));
    P("mullw", _mm256_mullo_epi16(a, b)); P("mulhw", _mm256_mulhi_epi16(a, b)); P("mulhuw", _mm256_mulhi_epu16(a, b)); P("mulld", _mm256_mullo_epi32(a, b));
    P("muludq", _mm256_mul_epu32(a, b)); P("muldq", _mm256_mul_epi32(a, b)); P("maddwd", _mm256_madd_epi16(a, b)); P("maddubsw", _mm256_maddubs_epi16(a, b));
    P("mulhrsw", _mm256_mulhrs_epi16(a, b)); P("sadbw", _mm256_sad_epu8(a, b)); P("mpsadbw", _mm256_mpsadbw_epu8(a, b, 0x2d));
    P("cmpeqb", _mm256_cmpeq_epi8(a, b)); P("cmpeqq", _mm256_cmpeq_epi64(a, b)); P("cmpgtw", _mm256_cmpgt_epi16(a, b)); P("cmpgtq", _mm256_cmpgt_epi64(a, b));
    P("minub", _mm256_min_epu8(a, b)); P("minsd", _mm256_min_epi32(a, b)); P("maxuw", _mm256_max_epu16(a, b)); P("maxsb", _mm256_max_epi8(a, b));
    P("avgb", _mm256_avg_epu8(a, b)); P("absb", _mm256_abs_epi8(a)); P("absd", _mm256_abs_epi32(a)); P("signw", _mm256_sign_epi16(a, b));
    P("and", _mm256_and_si256(a, b)); P("andn", _mm256_andnot_si256(a, b)); P("or", _mm256_or_si256(a, b)); P("xor", _mm256_xor_si256(a, b));
    P("packsswb", _mm256_packs_epi16(a, b)); P("packusdw", _mm256_packus_epi32(a, b)); P("packuswb", _mm256_packus_epi16(a, b));
    P("unpcklbw", _mm256_unpacklo_epi8(a, b)); P("unpckhwd", _mm256_unpackhi_epi16(a, b)); P("unpcklqdq", _mm256_unpacklo_epi64(a, b));
    P("hadd", _mm256_hadd_epi16(a, b)); P("hsubd", _mm256_hsub_epi32(a, b)); P("hadds", _mm256_hadds_epi16(a, b));
    P("shufb", _mm256_shuffle_epi8(a, b)); P("shufd", _mm256_shuffle_epi32(a, 0x1b)); P("shuflw", _mm256_shufflelo_epi16(a, 0x72)); P("shufhw", _mm256_shufflehi_epi16(a, 0xd8));
    P("alignr", _mm256_alignr_epi8(a, b, 7)); P("alignr20", _mm256_alignr_epi8(a, b, 20));
    P("slli", _mm256_slli_epi16(a, 3)); P("srli", _mm256_srli_epi32(a, 31)); P("srai", _mm256_srai_epi16(a, 9)); P("sllq", _mm256_slli_epi64(a, 40));
    P("bslli", _mm256_bslli_epi128(a, 5)); P("bsrli", _mm256_bsrli_epi128(a, 11));
    P("sll", _mm256_sll_epi32(a, _mm_and_si128(c, _mm_set_epi64x(0, 63)))); P("srl", _mm256_srl_epi64(a, _mm_and_si128(c, _mm_set_epi64x(0, 127))));
    P("sra", _mm256_sra_epi16(a, _mm_and_si128(c, _mm_set_epi64x(0, 31))));
    P("sllv", _mm256_sllv_epi32(a, b)); P("srlv", _mm256_srlv_epi32(a, b)); P("srav", _mm256_srav_epi32(a, b));
    P("sllvq", _mm256_sllv_epi64(a, b)); P("srlvq", _mm256_srlv_epi64(a, b));
    P1("sllv128", _mm_sllv_epi32(_mm256_castsi256_si128(a), c));
    P("blendw", _mm256_blend_epi16(a, b, 0x6c)); P("blendd", _mm256_blend_epi32(a, b, 0xa6)); P("blendvb", _mm256_blendv_epi8(a, b, _mm256_xor_si256(a, b)));
    P("permd", _mm256_permutevar8x32_epi32(a, b)); P("permq", _mm256_permute4x64_epi64(a, 0x9c));
    P("perm2i", _mm256_permute2x128_si256(a, b, 0x21)); P("perm2iz", _mm256_permute2x128_si256(a, b, 0x83));
    P("inserti", _mm256_inserti128_si256(a, c, 1)); P1("extracti", _mm256_extracti128_si256(a, 1));
    P("bcastb", _mm256_broadcastb_epi8(c)); P("bcastw", _mm256_broadcastw_epi16(c)); P("bcastd", _mm256_broadcastd_epi32(c)); P("bcastq", _mm256_broadcastq_epi64(c));
    P("bcasti", _mm256_broadcastsi128_si256(c)); P1("bcastb128", _mm_broadcastb_epi8(c));
    P("sxbw", _mm256_cvtepi8_epi16(c)); P("sxbq", _mm256_cvtepi8_epi64(c)); P("zxwd", _mm256_cvtepu16_epi32(c)); P("zxdq", _mm256_cvtepu32_epi64(c));
    PI("movmskb", _mm256_movemask_epi8(a)); PI("testz", _mm256_testz_si256(a, b)); PI("testc", _mm256_testc_si256(a, b)); PI("testnzc", _mm256_testnzc_si256(a, b));
    PI("extr", _mm256_extract_epi32(a, 5)); PI("extrq", _mm256_extract_epi64(a, 3));
    printf("\n");
}
static void floats(__m256 a, __m256 b, __m256d c, __m256d d) {
    PF("addps", _mm256_add_ps(a, b)); PF("subps", _mm256_sub_ps(a, b)); PF("mulps", _mm256_mul_ps(a, b)); PF("divps", _mm256_div_ps(a, b));
    PF("minps", _mm256_min_ps(a, b)); PF("maxps", _mm256_max_ps(a, b)); PF("sqrtps", _mm256_sqrt_ps(a));
    PD("addpd", _mm256_add_pd(c, d)); PD("mulpd", _mm256_mul_pd(c, d)); PD("divpd", _mm256_div_pd(c, d)); PD("maxpd", _mm256_max_pd(c, d)); PD("sqrtpd", _mm256_sqrt_pd(c));
    PF("andps", _mm256_and_ps(a, b)); PF("xorps", _mm256_xor_ps(a, b)); PD("andnpd", _mm256_andnot_pd(c, d));
    PF("addsubps", _mm256_addsub_ps(a, b)); PD("addsubpd", _mm256_addsub_pd(c, d)); PF("haddps", _mm256_hadd_ps(a, b)); PD("hsubpd", _mm256_hsub_pd(c, d));
    PDP("dpps", _mm256_dp_ps(a, b, 0xf1)); PDP("dpps2", _mm256_dp_ps(a, b, 0x3c));
    PF("unpcklps", _mm256_unpacklo_ps(a, b)); PD("unpckhpd", _mm256_unpackhi_pd(c, d));
    PF("shufps", _mm256_shuffle_ps(a, b, 0x4e)); PD("shufpd", _mm256_shuffle_pd(c, d, 0x9));
    PF("blendps", _mm256_blend_ps(a, b, 0x5a)); PD("blendpd", _mm256_blend_pd(c, d, 0x6));
    PF("blendvps", _mm256_blendv_ps(a, b, _mm256_xor_ps(a, b))); PD("blendvpd", _mm256_blendv_pd(c, d, _mm256_xor_pd(c, d)));
    PF("permilps", _mm256_permute_ps(a, 0x39)); PD("permilpd", _mm256_permute_pd(c, 0x6));
    PF("permilvps", _mm256_permutevar_ps(a, _mm256_castps_si256(b))); PD("permilvpd", _mm256_permutevar_pd(c, _mm256_castpd_si256(d)));
    PF("perm2f", _mm256_permute2f128_ps(a, b, 0x30)); PF("permps", _mm256_permutevar8x32_ps(a, _mm256_castps_si256(b))); PD("permpd", _mm256_permute4x64_pd(c, 0x4b));
    PF("insertf", _mm256_insertf128_ps(a, _mm256_castps256_ps128(b), 1)); PF("extractf", _mm256_zextps128_ps256(_mm256_extractf128_ps(a, 1)));
    PF("bcastss", _mm256_broadcastss_ps(_mm256_castps256_ps128(b))); PD("bcastsd", _mm256_broadcastsd_pd(_mm256_castpd256_pd128(d)));
    PF("dupl", _mm256_moveldup_ps(a)); PF("duph", _mm256_movehdup_ps(a)); PD("dupd", _mm256_movedup_pd(c));
    PF("roundps", _mm256_round_ps(a, 1 | 8)); PD("roundpd", _mm256_round_pd(c, 2 | 8)); PF("roundps0", _mm256_round_ps(a, 0 | 8));
    P("cvtps2dq", _mm256_cvtps_epi32(a)); P("cvttps2dq", _mm256_cvttps_epi32(a)); PF("cvtdq2ps", _mm256_cvtepi32_ps(_mm256_castps_si256(a)));
    PD("cvtps2pd", _mm256_cvtps_pd(_mm256_castps256_ps128(a))); PF("cvtpd2ps", _mm256_zextps128_ps256(_mm256_cvtpd_ps(c)));
    P("cvtpd2dq", _mm256_zextsi128_si256(_mm256_cvtpd_epi32(c))); P("cvttpd2dq", _mm256_zextsi128_si256(_mm256_cvttpd_epi32(c)));
    PD("cvtdq2pd", _mm256_cvtepi32_pd(_mm256_castsi256_si128(_mm256_castps_si256(a))));
    PI("movmskps", _mm256_movemask_ps(a)); PI("movmskpd", _mm256_movemask_pd(c));
    PI("testps", _mm256_testz_ps(a, b)); PI("testcpd", _mm256_testc_pd(c, d));
    P("ph", _mm256_zextsi128_si256(_mm256_cvtps_ph(a, 0))); P("ph1", _mm256_zextsi128_si256(_mm256_cvtps_ph(a, 1)));
    P("ph3", _mm256_zextsi128_si256(_mm256_cvtps_ph(a, 3))); P("ph4", _mm256_zextsi128_si256(_mm256_cvtps_ph(b, 4)));
    PF("ps", _mm256_cvtph_ps(_mm256_castsi256_si128(_mm256_castps_si256(b))));
#define CMP(i) PF("cmpps" #i, _mm256_cmp_ps(a, b, i)); PD("cmppd" #i, _mm256_cmp_pd(c, d, i));
    CMP(0) CMP(1) CMP(2) CMP(3) CMP(4) CMP(5) CMP(6) CMP(7) CMP(8) CMP(9) CMP(10) CMP(11) CMP(12) CMP(13) CMP(14) CMP(15)
    CMP(16) CMP(17) CMP(18) CMP(19) CMP(20) CMP(21) CMP(22) CMP(23) CMP(24) CMP(25) CMP(26) CMP(27) CMP(28) CMP(29) CMP(30) CMP(31)
    __m128 x = _mm256_castps256_ps128(a), y = _mm256_castps256_ps128(b);
    __m128d xd = _mm256_castpd256_pd128(c), yd = _mm256_castpd256_pd128(d);
    PF("addss", _mm256_zextps128_ps256(_mm_add_ss(x, y))); PF("divss", _mm256_zextps128_ps256(_mm_div_ss(x, y)));
    PD("subsd", _mm256_zextpd128_pd256(_mm_sub_sd(xd, yd))); PD("sqrtsd", _mm256_zextpd128_pd256(_mm_sqrt_sd(xd, yd)));
    PF("cmpss", _mm256_zextps128_ps256(_mm_cmp_ss(x, y, 13))); PD("cmpsd", _mm256_zextpd128_pd256(_mm_cmp_sd(xd, yd, 20)));
    PF("roundss", _mm256_zextps128_ps256(_mm_round_ss(x, y, 3))); PF("insertps", _mm256_zextps128_ps256(_mm_insert_ps(x, y, 0x5c)));
    PD("cvtss2sd", _mm256_zextpd128_pd256(_mm_cvtss_sd(xd, y))); PF("cvtsd2ss", _mm256_zextps128_ps256(_mm_cvtsd_ss(x, yd)));
    PI("comiss", _mm_comilt_ss(x, y)); PI("ucomisd", _mm_ucomige_sd(xd, yd));
    PI("mxcsr", _mm_getcsr() & ~0x32);
    _mm_setcsr(0x1f80);
    printf("\n");
}

/* VEX.128 zeroes bits 128..255; legacy SSE keeps them */
static void upper(void) {
    __m256i r;
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\tvmovdqa %%ymm1, %%ymm2\n\tvpaddd %%xmm1, %%xmm1, %%xmm2\n\tvmovdqa %%ymm2, %0" : "=x"(r) :: "xmm1", "xmm2");
    P("vex128", r);
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\tvmovdqa %%ymm1, %%ymm2\n\tpaddd %%xmm1, %%xmm2\n\tvmovdqa %%ymm2, %0" : "=x"(r) :: "xmm1", "xmm2");
    P("legacy", r);
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\tvmovdqa %%ymm1, %%ymm2\n\tvzeroupper\n\tvmovdqa %%ymm2, %0" : "=x"(r) :: "xmm1", "xmm2");
    P("vzeroupper", r);
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\tvmovd %%eax, %%xmm1\n\tvmovdqa %%ymm1, %0" : "=x"(r) : "a"(0x1234) : "xmm1");
    P("vmovd", r);
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\tvmovq %%xmm1, %%xmm1\n\tvmovdqa %%ymm1, %0" : "=x"(r) :: "xmm1");
    P("vmovq", r);
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\tvpinsrd $2, %%eax, %%xmm1, %%xmm1\n\tvmovdqa %%ymm1, %0" : "=x"(r) : "a"(0x1234) : "xmm1");
    P("vpinsrd", r);
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\tvmovaps %%xmm1, %%xmm1\n\tvmovdqa %%ymm1, %0" : "=x"(r) :: "xmm1");
    P("vmovaps", r);
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\tvmovss %%xmm1, %%xmm1, %%xmm1\n\tvmovdqa %%ymm1, %0" : "=x"(r) :: "xmm1");
    P("vmovss", r);
    __asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1\n\tvcvtsi2sd %%rax, %%xmm1, %%xmm1\n\tvmovdqa %%ymm1, %0" : "=x"(r) : "a"(-5ll) : "xmm1");
    P("vcvtsi2sd", r);
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    printf(" xcr0=%x:%x", hi, lo & 7);
    static unsigned char area[1024] __attribute__((aligned(64)));
    memset(area, 0, sizeof area);
    __asm__ volatile("vpcmpeqd %%ymm3, %%ymm3, %%ymm3\n\tvpsrlq $3, %%ymm3, %%ymm3\n\txsave %0" : "+m"(area) : "a"(7), "d"(0) : "xmm3");
    uint64_t *q = (uint64_t *)area;
    printf(" xsave=%llx,%llx,%llx,%llx", (unsigned long long)q[64], (unsigned long long)q[(576 + 48) / 8], (unsigned long long)q[(576 + 56) / 8], (unsigned long long)q[(160 + 48) / 8]);
    q[(576 + 48) / 8] = 0x1122334455667788ull;
    __asm__ volatile("vzeroall\n\txrstor %1\n\tvmovdqa %%ymm3, %0" : "=x"(r) : "m"(area), "a"(7), "d"(0) : "xmm3");
    P("xrstor", r);
    printf("\n");
}

/* masked loads/stores and gathers next to an unmapped page */
static void masked(unsigned char *end) {
    for (int k = 0; k < 40; k++) {
        int32_t *p32 = (int32_t *)(end - 32 + 4 * (k % 8));
        __m256i m = _mm256_set_epi32(k & 128 ? -1 : 0, k & 64 ? -1 : 0, k & 32 ? -1 : 0, k & 16 ? -1 : 0, k & 8 ? -1 : 0, k & 4 ? -1 : 0, k & 2 ? -1 : 0, -1);
        int valid = 8 - k % 8;
        __m256i mm = _mm256_and_si256(m, _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
        for (int i = 0; i < valid; i++) p32[i] = 0x1000 * k + i;
        printf("m%d", k);
        P("maskload", _mm256_maskload_epi32(p32, mm));
        P("maskloadps", _mm256_castps_si256(_mm256_maskload_ps((float *)p32, mm)));
        P1("maskload128", _mm_maskload_epi32(p32, _mm256_castsi256_si128(mm)));
        __m256i q = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(mm));
        int64_t *p64 = (int64_t *)(end - 32 + 8 * (k % 4));
        __m256i qm = _mm256_and_si256(q, _mm256_cmpgt_epi64(_mm256_set1_epi64x(4 - k % 4), _mm256_setr_epi64x(0, 1, 2, 3)));
        P("maskloadq", _mm256_maskload_epi64((long long *)p64, qm));
        _mm256_maskstore_epi32(p32, mm, _mm256_set1_epi32(-k));
        _mm256_maskstore_pd((double *)p64, qm, _mm256_castsi256_pd(_mm256_set1_epi64x(k * 3)));
        uint64_t s = 0;
        for (int i = 0; i < 8; i++) s = s * 31 + (uint64_t)((int32_t *)(end - 32))[i];
        printf(" mem=%llx", (unsigned long long)s);
        /* gathers: indices into the last 256 bytes, some with the mask off pointing past the end */
        int32_t *base = (int32_t *)(end - 256);
        for (int i = 0; i < 64; i++) base[i] = i * 0x01010101;
        __m256i idx = _mm256_setr_epi32(k, 63 - k, (2 * k) & 31, 5, 63, 0, k + 7, 1000 + k);
        __m256i gm = _mm256_setr_epi32(-1, -1, k & 1 ? -1 : 0, -1, 0, -1, -1, 0);
        P("gatherdd", _mm256_mask_i32gather_epi32(_mm256_set1_epi32(-7), base, idx, gm, 4));
        P("gatherdd2", _mm256_mask_i32gather_epi32(_mm256_set1_epi32(-7), base, _mm256_srli_epi32(idx, 1), gm, 2));
        P("gatherdq", _mm256_mask_i32gather_epi64(_mm256_set1_epi64x(-7), (long long *)base, _mm256_castsi256_si128(_mm256_srli_epi32(idx, 1)), _mm256_cvtepi32_epi64(_mm256_castsi256_si128(gm)), 8));
        P1("gatherqd", _mm256_mask_i64gather_epi32(_mm_set1_epi32(-7), base, _mm256_setr_epi64x(k, 3, 60, 9), _mm_setr_epi32(-1, 0, -1, -1), 4));
        P("gatherqq", _mm256_i64gather_epi64((long long *)base, _mm256_setr_epi64x(k % 32, 3, 31, 9), 8));
        PF("gatherps", _mm256_i32gather_ps((float *)base, _mm256_and_si256(idx, _mm256_set1_epi32(63)), 4));
        PD("gatherpd", _mm256_i32gather_pd((double *)base, _mm_and_si128(_mm256_castsi256_si128(idx), _mm_set1_epi32(31)), 8));
        P1("gather128", _mm_i32gather_epi32(base, _mm_and_si128(_mm256_castsi256_si128(idx), _mm_set1_epi32(63)), 4));
        printf("\n");
    }
}

int main(int argc, char **argv) {
    dp_nan = argc > 1 && !strcmp(argv[1], "--dp-nan");
    for (int k = 0; k < NE * NE + 150; k++) { printf("%d", k); ints(ivec(k), ivec(k * 5 + 1)); }
    for (int k = 0; k < 200; k++) { printf("f%d", k); floats(fvec(k), fvec(k + 3), dvec(k), dvec(k * 3 + 2)); }
    upper();
    unsigned char *m = mmap(0, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + 4096, 4096);
    masked(m + 4096);
    return 0;
}
