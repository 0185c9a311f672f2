/* SSE2 integer SIMD and data movement through intrinsics: add/sub (wrapping,
 * saturating), multiplies, PMADDWD, PSADBW, compares, min/max, averages,
 * logic, shifts by register and immediate (counts beyond the element width),
 * byte shifts, packs, unpacks, shuffles, PINSRW/PEXTRW, MOVD/MOVQ, MOVSS/MOVSD,
 * MOVLPS/MOVHPS/MOVHLPS/MOVLHPS, MOVMSK*, MASKMOVDQU, non-temporal stores.
 * Results are printed as hex. */
#include <emmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OPAQUE(v) __asm__ volatile("" : "+x"(v))
static uint64_t rs = 0x0123456789abcdefull;
static uint64_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
static const uint64_t edge[] = {
    0, ~0ull, 0x8000800080008000ull, 0x7fff7fff7fff7fffull, 0x8080808080808080ull, 0x7f7f7f7f7f7f7f7full,
    0x0001000100010001ull, 0xffff0000ffff0000ull, 0x80000000ffffffffull, 0x7fffffff80000000ull, 0x00ff00ff00ff00ffull,
};
static __m128i vec(int k) {
    uint64_t lo, hi;
    if (k < 11 * 11) { lo = edge[k % 11]; hi = edge[k / 11]; }
    else { lo = rnd(); hi = rnd(); if (k & 1) { lo &= 0x00ff00ff00ff00ffull * (rnd() & 0xff); } }
    __m128i v = _mm_set_epi64x((long long)hi, (long long)lo);
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

static void binary(__m128i a, __m128i b) {
    P("addb", _mm_add_epi8(a, b)); P("addw", _mm_add_epi16(a, b)); P("addd", _mm_add_epi32(a, b)); P("addq", _mm_add_epi64(a, b));
    P("subb", _mm_sub_epi8(a, b)); P("subw", _mm_sub_epi16(a, b)); P("subd", _mm_sub_epi32(a, b)); P("subq", _mm_sub_epi64(a, b));
    P("addsb", _mm_adds_epi8(a, b)); P("addsw", _mm_adds_epi16(a, b)); P("addusb", _mm_adds_epu8(a, b)); P("addusw", _mm_adds_epu16(a, b));
    P("subsb", _mm_subs_epi8(a, b)); P("subsw", _mm_subs_epi16(a, b)); P("subusb", _mm_subs_epu8(a, b)); P("subusw", _mm_subs_epu16(a, b));
    P("mullw", _mm_mullo_epi16(a, b)); P("mulhw", _mm_mulhi_epi16(a, b)); P("mulhuw", _mm_mulhi_epu16(a, b));
    P("muludq", _mm_mul_epu32(a, b)); P("maddwd", _mm_madd_epi16(a, b)); P("sadbw", _mm_sad_epu8(a, b));
    P("eqb", _mm_cmpeq_epi8(a, b)); P("eqw", _mm_cmpeq_epi16(a, b)); P("eqd", _mm_cmpeq_epi32(a, b));
    P("gtb", _mm_cmpgt_epi8(a, b)); P("gtw", _mm_cmpgt_epi16(a, b)); P("gtd", _mm_cmpgt_epi32(a, b));
    P("ltb", _mm_cmplt_epi8(a, b));
    P("minub", _mm_min_epu8(a, b)); P("maxub", _mm_max_epu8(a, b)); P("minsw", _mm_min_epi16(a, b)); P("maxsw", _mm_max_epi16(a, b));
    P("avgb", _mm_avg_epu8(a, b)); P("avgw", _mm_avg_epu16(a, b));
    P("and", _mm_and_si128(a, b)); P("andn", _mm_andnot_si128(a, b)); P("or", _mm_or_si128(a, b)); P("xor", _mm_xor_si128(a, b));
    P("packsswb", _mm_packs_epi16(a, b)); P("packssdw", _mm_packs_epi32(a, b)); P("packuswb", _mm_packus_epi16(a, b));
    P("unpcklbw", _mm_unpacklo_epi8(a, b)); P("unpcklwd", _mm_unpacklo_epi16(a, b)); P("unpckldq", _mm_unpacklo_epi32(a, b));
    P("unpcklqdq", _mm_unpacklo_epi64(a, b)); P("unpckhbw", _mm_unpackhi_epi8(a, b)); P("unpckhwd", _mm_unpackhi_epi16(a, b));
    P("unpckhdq", _mm_unpackhi_epi32(a, b)); P("unpckhqdq", _mm_unpackhi_epi64(a, b));
    __m128 fa = _mm_castsi128_ps(a), fb = _mm_castsi128_ps(b);
    __m128d da = _mm_castsi128_pd(a), db = _mm_castsi128_pd(b);
    PF("unpcklps", _mm_unpacklo_ps(fa, fb)); PF("unpckhps", _mm_unpackhi_ps(fa, fb));
    PD("unpcklpd", _mm_unpacklo_pd(da, db)); PD("unpckhpd", _mm_unpackhi_pd(da, db));
    PF("shufps1b", _mm_shuffle_ps(fa, fb, 0x1b)); PF("shufpse4", _mm_shuffle_ps(fa, fb, 0xe4)); PF("shufps73", _mm_shuffle_ps(fa, fb, 0x73));
    PD("shufpd1", _mm_shuffle_pd(da, db, 1)); PD("shufpd2", _mm_shuffle_pd(da, db, 2));
    PF("movss", _mm_move_ss(fa, fb)); PD("movsd", _mm_move_sd(da, db));
    PF("movhlps", _mm_movehl_ps(fa, fb)); PF("movlhps", _mm_movelh_ps(fa, fb));
    PF("andps", _mm_and_ps(fa, fb)); PD("xorpd", _mm_xor_pd(da, db));
    /* shifts by register: counts from b's low quadword, taken small and large */
    __m128i c1 = _mm_cvtsi32_si128((int)(_mm_cvtsi128_si32(b) & 31)), c2 = _mm_cvtsi32_si128((int)(_mm_cvtsi128_si32(b) & 127));
    __m128i c3 = _mm_set_epi64x(0, (long long)(1ull << 40 | 3)); /* huge count: all shifted out */
    OPAQUE(c1); OPAQUE(c2); OPAQUE(c3);
    P("srlw", _mm_srl_epi16(a, c1)); P("srld", _mm_srl_epi32(a, c2)); P("srlq", _mm_srl_epi64(a, c2));
    P("sraw", _mm_sra_epi16(a, c1)); P("srad", _mm_sra_epi32(a, c2)); P("sllw", _mm_sll_epi16(a, c1));
    P("slld", _mm_sll_epi32(a, c1)); P("sllq", _mm_sll_epi64(a, c2));
    P("srlw3", _mm_srl_epi16(a, c3)); P("sraw3", _mm_sra_epi16(a, c3)); P("srad3", _mm_sra_epi32(a, c3)); P("sllq3", _mm_sll_epi64(a, c3));
    int m1 = _mm_movemask_epi8(a), m2 = _mm_movemask_ps(fa), m3 = _mm_movemask_pd(da);
    printf(" msk=%x,%x,%x", m1, m2, m3);
}

static void unary(__m128i a, int k) {
    P("srlwi", _mm_srli_epi16(a, 3)); P("srldi", _mm_srli_epi32(a, 17)); P("srlqi", _mm_srli_epi64(a, 33));
    P("srawi", _mm_srai_epi16(a, 9)); P("sradi", _mm_srai_epi32(a, 31)); P("sllwi", _mm_slli_epi16(a, 15));
    P("slldi", _mm_slli_epi32(a, 1)); P("sllqi", _mm_slli_epi64(a, 63));
    P("sraw16", _mm_srai_epi16(a, 16)); P("srad40", _mm_srai_epi32(a, 40)); P("srlw16", _mm_srli_epi16(a, 16));
    P("sllq64", _mm_slli_epi64(a, 64)); P("srld32", _mm_srli_epi32(a, 200));
    P("srldq1", _mm_srli_si128(a, 1)); P("srldq7", _mm_srli_si128(a, 7)); P("srldq15", _mm_srli_si128(a, 15));
    P("slldq3", _mm_slli_si128(a, 3)); P("slldq8", _mm_slli_si128(a, 8)); P("slldq16", _mm_slli_si128(a, 16));
    P("shufd1b", _mm_shuffle_epi32(a, 0x1b)); P("shufd5a", _mm_shuffle_epi32(a, 0x5a));
    P("shuflw", _mm_shufflelo_epi16(a, 0x93)); P("shufhw", _mm_shufflehi_epi16(a, 0x39));
    P("insrw", _mm_insert_epi16(a, k * 77, 5)); P("insrw0", _mm_insert_epi16(a, -1, 0));
    printf(" extrw=%x,%x", _mm_extract_epi16(a, 7), _mm_extract_epi16(a, 2));
    printf(" movd=%x movq=%llx", (unsigned)_mm_cvtsi128_si32(a), (unsigned long long)_mm_cvtsi128_si64(a));
    P("movqz", _mm_move_epi64(a));
    P("movdx", _mm_cvtsi32_si128(_mm_cvtsi128_si32(a) ^ k));
    P("movqx", _mm_cvtsi64_si128(_mm_cvtsi128_si64(a) + k));
}

static unsigned char buf[64] __attribute__((aligned(16)));
static void memory_forms(__m128i a, __m128i b) {
    memset(buf, 0xcc, sizeof buf);
    _mm_storel_epi64((__m128i *)(buf + 1), a);               /* movq m64, xmm */
    _mm_storeh_pd((double *)(buf + 9), _mm_castsi128_pd(b)); /* movhpd */
    _mm_storel_pd((double *)(buf + 17), _mm_castsi128_pd(b)); /* movlpd */
    _mm_store_ss((float *)(buf + 25), _mm_castsi128_ps(a));  /* movss m32 */
    _mm_store_sd((double *)(buf + 29), _mm_castsi128_pd(b)); /* movsd m64 */
    _mm_stream_si128((__m128i *)(buf + 48), a);               /* movntdq */
    _mm_stream_si32((int *)(buf + 40), 0x12345678);           /* movnti */
    _mm_stream_si64((long long *)(buf + 37), 0x1122334455667788ll);
    _mm_maskmoveu_si128(b, a, (char *)buf + 3);               /* maskmovdqu */
    for (int i = 0; i < 64; i++) printf("%s%02x", i ? "" : " mem=", buf[i]);
    __m128 f = _mm_castsi128_ps(b);
    PF("loadl", _mm_loadl_pi(f, (const __m64 *)(buf + 5)));   /* movlps */
    PF("loadh", _mm_loadh_pi(f, (const __m64 *)(buf + 11)));  /* movhps */
    PD("loadlpd", _mm_loadl_pd(_mm_castsi128_pd(a), (const double *)(buf + 2)));
    PD("loadhpd", _mm_loadh_pd(_mm_castsi128_pd(a), (const double *)(buf + 3)));
    PF("loadss", _mm_load_ss((const float *)(buf + 7)));
    PD("loadsd", _mm_load_sd((const double *)(buf + 13)));
    P("loadq", _mm_loadl_epi64((const __m128i *)(buf + 21)));
    P("loadu", _mm_loadu_si128((const __m128i *)(buf + 33)));
    /* memory source operands of arithmetic */
    P("paddbm", _mm_add_epi8(a, *(const __m128i *)(buf + 16)));
    P("psadbwm", _mm_sad_epu8(a, *(const __m128i *)(buf + 32)));
}

int main(void) {
    for (int k = 0; k < 11 * 11 + 600; k++) {
        __m128i a = vec(k), b = vec((k * 7 + 3) % (11 * 11 + 600));
        printf("%d", k);
        binary(a, b);
        unary(a, k);
        memory_forms(a, b);
        printf("\n");
    }
    return 0;
}
