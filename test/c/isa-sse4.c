/* SSE3, SSSE3, SSE4.1, SSE4.2, AES-NI and PCLMULQDQ through intrinsics, on edge and
 * pseudo-random inputs; results printed as hex. Build: -O2 -static -msse4.2 -maes -mpclmul */
#include <immintrin.h>
#include <wmmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>

#define OPAQUE(v) __asm__ volatile("" : "+x"(v))
#define OPAQUEI(v) __asm__ volatile("" : "+r"(v))
static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
static const uint64_t edge[] = {
    0, ~0ull, 0x8000800080008000ull, 0x7fff7fff7fff7fffull, 0x8080808080808080ull, 0x7f7f7f7f7f7f7f7full,
    0x0001000100010001ull, 0xffff0000ffff0000ull, 0x80000000ffffffffull, 0x7fffffff80000000ull, 0x00ff00ff00ff00ffull,
    0x8000000000000000ull, 0x0102030405060708ull,
};
#define NE 13
static __m128i vec(int k) {
    uint64_t lo, hi;
    if (k < NE * NE) { lo = edge[k % NE]; hi = edge[k / NE]; }
    else { lo = rnd(); hi = rnd(); if (k & 1) lo &= 0x0f0f0f0f8f0f0f0full; }
    __m128i v = _mm_set_epi64x((long long)hi, (long long)lo);
    OPAQUE(v);
    return v;
}
static const float fvals[] = { 0.0f, -0.0f, 1.0f, -1.5f, 2.5f, 3.5f, -2.5f, 1e30f, -1e-40f, INFINITY, -INFINITY, NAN, 0.49999997f, 8388609.0f, 1.1754944e-38f, 3.0f };
static const double dvals[] = { 0.0, -0.0, 1.0, -1.5, 2.5, 3.5, -2.5, 1e300, -5e-324, INFINITY, -INFINITY, NAN, 0.49999999999999994, 4503599627370497.0, 2.2250738585072014e-308, 3.0 };
static __m128 fvec(int k) {
    __m128 v;
    if (k < 64) v = _mm_set_ps(fvals[k & 15], fvals[(k >> 2) & 15], fvals[(k * 7) & 15], fvals[(k * 3 + 1) & 15]);
    else { union { uint32_t u[4]; __m128 v; } x; for (int i = 0; i < 4; i++) x.u[i] = (uint32_t)rnd() & 0xc0ffffff; v = x.v; }
    OPAQUE(v);
    return v;
}
static __m128d dvec(int k) {
    __m128d v;
    if (k < 64) v = _mm_set_pd(dvals[k & 15], dvals[(k * 5 + 3) & 15]);
    else { union { uint64_t u[2]; __m128d v; } x; for (int i = 0; i < 2; i++) x.u[i] = rnd() & 0xc00fffffffffffffull; v = x.v; }
    OPAQUE(v);
    return v;
}
static void p(const char *name, __m128i v) {
    uint64_t u[2];
    _mm_storeu_si128((__m128i *)u, v);
    printf(" %s=%016llx%016llx", name, (unsigned long long)u[1], (unsigned long long)u[0]);
}
#define P(name, expr) do { __m128i r_ = (expr); OPAQUE(r_); p(name, r_); } while (0)
#define PF(name, expr) do { __m128 r_ = (expr); OPAQUE(r_); p(name, _mm_castps_si128(r_)); } while (0)
#define PD(name, expr) do { __m128d r_ = (expr); OPAQUE(r_); p(name, _mm_castpd_si128(r_)); } while (0)
#define PI(name, expr) do { long long r_ = (long long)(expr); OPAQUEI(r_); printf(" %s=%llx", name, r_); } while (0)

static void ints(__m128i a, __m128i b) {
    P("pshufb", _mm_shuffle_epi8(a, b));
    P("phaddw", _mm_hadd_epi16(a, b)); P("phaddd", _mm_hadd_epi32(a, b)); P("phaddsw", _mm_hadds_epi16(a, b));
    P("phsubw", _mm_hsub_epi16(a, b)); P("phsubd", _mm_hsub_epi32(a, b)); P("phsubsw", _mm_hsubs_epi16(a, b));
    P("pmaddubsw", _mm_maddubs_epi16(a, b));
    P("psignb", _mm_sign_epi8(a, b)); P("psignw", _mm_sign_epi16(a, b)); P("psignd", _mm_sign_epi32(a, b));
    P("pmulhrsw", _mm_mulhrs_epi16(a, b));
    P("pabsb", _mm_abs_epi8(a)); P("pabsw", _mm_abs_epi16(a)); P("pabsd", _mm_abs_epi32(a));
    P("palignr0", _mm_alignr_epi8(a, b, 0)); P("palignr5", _mm_alignr_epi8(a, b, 5));
    P("palignr16", _mm_alignr_epi8(a, b, 16)); P("palignr19", _mm_alignr_epi8(a, b, 19)); P("palignr40", _mm_alignr_epi8(a, b, 40));
    P("pblendvb", _mm_blendv_epi8(a, b, _mm_xor_si128(a, b)));
    P("pmuldq", _mm_mul_epi32(a, b)); P("pcmpeqq", _mm_cmpeq_epi64(a, b)); P("packusdw", _mm_packus_epi32(a, b));
    P("pcmpgtq", _mm_cmpgt_epi64(a, b));
    P("pminsb", _mm_min_epi8(a, b)); P("pminsd", _mm_min_epi32(a, b)); P("pminuw", _mm_min_epu16(a, b)); P("pminud", _mm_min_epu32(a, b));
    P("pmaxsb", _mm_max_epi8(a, b)); P("pmaxsd", _mm_max_epi32(a, b)); P("pmaxuw", _mm_max_epu16(a, b)); P("pmaxud", _mm_max_epu32(a, b));
    P("pmulld", _mm_mullo_epi32(a, b)); P("phminposuw", _mm_minpos_epu16(a));
    P("pblendw", _mm_blend_epi16(a, b, 0xa5));
    P("mpsadbw0", _mm_mpsadbw_epu8(a, b, 0)); P("mpsadbw7", _mm_mpsadbw_epu8(a, b, 7)); P("mpsadbw6", _mm_mpsadbw_epu8(a, b, 6));
    P("pmovsxbw", _mm_cvtepi8_epi16(a)); P("pmovsxbd", _mm_cvtepi8_epi32(a)); P("pmovsxbq", _mm_cvtepi8_epi64(a));
    P("pmovsxwd", _mm_cvtepi16_epi32(a)); P("pmovsxwq", _mm_cvtepi16_epi64(a)); P("pmovsxdq", _mm_cvtepi32_epi64(a));
    P("pmovzxbw", _mm_cvtepu8_epi16(a)); P("pmovzxbd", _mm_cvtepu8_epi32(a)); P("pmovzxbq", _mm_cvtepu8_epi64(a));
    P("pmovzxwd", _mm_cvtepu16_epi32(a)); P("pmovzxwq", _mm_cvtepu16_epi64(a)); P("pmovzxdq", _mm_cvtepu32_epi64(a));
    PI("ptestz", _mm_testz_si128(a, b)); PI("ptestc", _mm_testc_si128(a, b)); PI("ptestnzc", _mm_testnzc_si128(a, b));
    PI("pextrb", _mm_extract_epi8(a, 13)); PI("pextrw", _mm_extract_epi16(a, 5)); PI("pextrd", _mm_extract_epi32(a, 3));
    PI("pextrq", _mm_extract_epi64(a, 1));
    P("pinsrb", _mm_insert_epi8(a, (int)_mm_cvtsi128_si32(b), 9)); P("pinsrd", _mm_insert_epi32(a, (int)_mm_cvtsi128_si32(b), 2));
    P("pinsrq", _mm_insert_epi64(a, _mm_cvtsi128_si64(b), 1));
    P("clmul00", _mm_clmulepi64_si128(a, b, 0x00)); P("clmul01", _mm_clmulepi64_si128(a, b, 0x01));
    P("clmul10", _mm_clmulepi64_si128(a, b, 0x10)); P("clmul11", _mm_clmulepi64_si128(a, b, 0x11));
    P("aesenc", _mm_aesenc_si128(a, b)); P("aesenclast", _mm_aesenclast_si128(a, b));
    P("aesdec", _mm_aesdec_si128(a, b)); P("aesdeclast", _mm_aesdeclast_si128(a, b)); P("aesimc", _mm_aesimc_si128(a));
    P("keygen1", _mm_aeskeygenassist_si128(a, 0x01)); P("keygen36", _mm_aeskeygenassist_si128(a, 0x36));
    PI("crc32b", _mm_crc32_u8((uint32_t)_mm_cvtsi128_si32(a), (uint8_t)_mm_cvtsi128_si32(b)));
    PI("crc32q", _mm_crc32_u64((uint64_t)_mm_cvtsi128_si64(a), (uint64_t)_mm_cvtsi128_si64(b)));
    printf("\n");
}

/* string compares: every mode on strings with embedded zeros */
#define STRMODES(X) X(0x00) X(0x01) X(0x02) X(0x03) X(0x04) X(0x05) X(0x08) X(0x09) X(0x0c) X(0x0d) \
    X(0x14) X(0x18) X(0x1a) X(0x34) X(0x38) X(0x3c) X(0x40) X(0x44) X(0x48) X(0x4c) X(0x4d) X(0x70) X(0x7e)
static void strcmps(__m128i a, __m128i b, int la, int lb) {
#define X(m) \
    PI("ei" #m, _mm_cmpestri(a, la, b, lb, m)); PI("ec" #m, _mm_cmpestrc(a, la, b, lb, m)); \
    PI("ez" #m, _mm_cmpestrz(a, la, b, lb, m)); PI("es" #m, _mm_cmpestrs(a, la, b, lb, m)); PI("eo" #m, _mm_cmpestro(a, la, b, lb, m)); \
    P("em" #m, _mm_cmpestrm(a, la, b, lb, m)); \
    PI("ii" #m, _mm_cmpistri(a, b, m)); PI("ic" #m, _mm_cmpistrc(a, b, m)); PI("iz" #m, _mm_cmpistrz(a, b, m)); \
    PI("is" #m, _mm_cmpistrs(a, b, m)); PI("io" #m, _mm_cmpistro(a, b, m)); P("im" #m, _mm_cmpistrm(a, b, m));
    STRMODES(X)
#undef X
    printf("\n");
}

static void floats(__m128 a, __m128 b, __m128d c, __m128d e) {
    PF("addsubps", _mm_addsub_ps(a, b)); PF("haddps", _mm_hadd_ps(a, b)); PF("hsubps", _mm_hsub_ps(a, b));
    PD("addsubpd", _mm_addsub_pd(c, e)); PD("haddpd", _mm_hadd_pd(c, e)); PD("hsubpd", _mm_hsub_pd(c, e));
    PF("movsldup", _mm_moveldup_ps(a)); PF("movshdup", _mm_movehdup_ps(a)); PD("movddup", _mm_movedup_pd(c));
    PF("blendps", _mm_blend_ps(a, b, 5)); PD("blendpd", _mm_blend_pd(c, e, 2));
    PF("blendvps", _mm_blendv_ps(a, b, _mm_castsi128_ps(_mm_castps_si128(_mm_xor_ps(a, b)))));
    PD("blendvpd", _mm_blendv_pd(c, e, _mm_xor_pd(c, e)));
    PF("roundps0", _mm_round_ps(a, 0 | 8)); PF("roundps1", _mm_round_ps(a, 1 | 8)); PF("roundps2", _mm_round_ps(a, 2 | 8));
    PF("roundps3", _mm_round_ps(a, 3 | 8)); PF("roundps4", _mm_round_ps(a, 4));
    PD("roundpd0", _mm_round_pd(c, 0)); PD("roundpd1", _mm_round_pd(c, 1)); PD("roundpd2", _mm_round_pd(c, 2)); PD("roundpd3", _mm_round_pd(c, 3));
    PF("roundss", _mm_round_ss(a, b, 1)); PD("roundsd", _mm_round_sd(c, e, 2));
    PF("dpps", _mm_dp_ps(a, b, 0xff)); PF("dpps2", _mm_dp_ps(a, b, 0x35)); PF("dpps3", _mm_dp_ps(a, b, 0xa2));
    PD("dppd", _mm_dp_pd(c, e, 0x33)); PD("dppd2", _mm_dp_pd(c, e, 0x12));
    PF("insertps", _mm_insert_ps(a, b, 0x9a)); PF("insertps2", _mm_insert_ps(a, b, 0x30)); PF("insertps3", _mm_insert_ps(a, b, 0x4f));
    PI("extractps", _mm_extract_ps(a, 2));
    PI("mxcsr", _mm_getcsr() & ~0x32); /* DE UE PE: not exact in the SSE arithmetic yet */
    _mm_setcsr(0x1f80);
    printf("\n");
}

int main(void) {
    for (int k = 0; k < NE * NE + 200; k++) {
        printf("%d", k);
        ints(vec(k), vec(k * 7 + 3));
    }
    static const char *strs[] = { "hello world", "lo", "az", "AZaz09", "", "hello", "xyzhello wor", "ll", "\x80\xff\x7f", "abcdefghijklmnop", "abcdefghijklmnoq" };
    int ns = sizeof strs / sizeof strs[0];
    for (int i = 0; i < ns; i++)
        for (int j = 0; j < ns; j++) {
            char ba[16] = { 0 }, bb[16] = { 0 };
            memcpy(ba, strs[i], strlen(strs[i]) > 16 ? 16 : strlen(strs[i]));
            memcpy(bb, strs[j], strlen(strs[j]) > 16 ? 16 : strlen(strs[j]));
            __m128i a = _mm_loadu_si128((__m128i *)ba), b = _mm_loadu_si128((__m128i *)bb);
            OPAQUE(a); OPAQUE(b);
            printf("s%d,%d", i, j);
            strcmps(a, b, (int)strlen(strs[i]), (int)strlen(strs[j]) - 1);
        }
    for (int k = 0; k < 300; k++) {
        __m128i a = vec(k), b = vec(k + 11);
        int la = (int)(rnd() % 40) - 20, lb = (int)(rnd() % 40) - 20;
        printf("r%d", k);
        strcmps(a, b, la, lb);
    }
    for (int k = 0; k < 200; k++) {
        printf("f%d", k);
        floats(fvec(k), fvec(k + 5), dvec(k), dvec(k * 3 + 1));
    }
    return 0;
}
