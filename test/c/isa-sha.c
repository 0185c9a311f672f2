/* SHA extensions through intrinsics: each instruction on edge and pseudo-random
 * inputs, then chained as in a real SHA-1 / SHA-256 block loop; results printed as
 * hex. Build: -O2 -static -msha -msse4.1 */
#include <immintrin.h>
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>

#define OPAQUE(v) __asm__ volatile("" : "+x"(v))
static uint64_t rs = 0x243f6a8885a308d3ull;
static uint64_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
static const uint64_t edge[] = {
    0, ~0ull, 0x8000000080000000ull, 0x7fffffff7fffffffull, 0x0000000100000001ull, 0xffffffff00000000ull,
    0x0123456789abcdefull, 0x5a8279996ed9eba1ull, 0x8f1bbcdcca62c1d6ull,
};
#define NE 9
static __m128i vec(int k) {
    uint64_t lo, hi;
    if (k < NE * NE) { lo = edge[k % NE]; hi = edge[k / NE]; }
    else { lo = rnd(); hi = rnd(); }
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

int main(void) {
    unsigned a, b, c, d;
    __cpuid_count(7, 0, a, b, c, d);
    printf("cpuid.7.ebx.sha=%u\n", (b >> 29) & 1);
    for (int k = 0; k < NE * NE + 120; k++) {
        __m128i x = vec(k), y = vec(k * 7 + 3), z = vec(k * 5 + 1);
        printf("%d", k);
        P("sha1rnds4.0", _mm_sha1rnds4_epu32(x, y, 0)); P("sha1rnds4.1", _mm_sha1rnds4_epu32(x, y, 1));
        P("sha1rnds4.2", _mm_sha1rnds4_epu32(x, y, 2)); P("sha1rnds4.3", _mm_sha1rnds4_epu32(x, y, 3));
        P("sha1nexte", _mm_sha1nexte_epu32(x, y));
        P("sha1msg1", _mm_sha1msg1_epu32(x, y)); P("sha1msg2", _mm_sha1msg2_epu32(x, y));
        P("sha256rnds2", _mm_sha256rnds2_epu32(x, y, z));
        P("sha256msg1", _mm_sha256msg1_epu32(x, y)); P("sha256msg2", _mm_sha256msg2_epu32(x, y));
        printf("\n");
    }
    /* the shape of the block loops: message schedule and rounds feeding each other */
    __m128i s0 = vec(3), s1 = vec(40), m0 = vec(100), m1 = vec(101), m2 = vec(102), m3 = vec(103), e = vec(7);
    for (int i = 0; i < 64; i++) {
        __m128i wk = _mm_add_epi32(m0, _mm_set_epi32(0x14292967, 0x06ca6351, 0xd5a79147, 0xc6e00bf3 + i));
        s1 = _mm_sha256rnds2_epu32(s1, s0, wk);
        s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(wk, 0x0e));
        __m128i t = _mm_sha256msg1_epu32(m0, m1);
        t = _mm_add_epi32(t, _mm_alignr_epi8(m3, m2, 4));
        m0 = m1; m1 = m2; m2 = m3; m3 = _mm_sha256msg2_epu32(t, m2);
        __m128i f = _mm_sha1nexte_epu32(e, m0);
        switch (i & 3) { /* (the function selector is an immediate) */
        case 0: e = _mm_sha1rnds4_epu32(e, f, 0); break;
        case 1: e = _mm_sha1rnds4_epu32(e, f, 1); break;
        case 2: e = _mm_sha1rnds4_epu32(e, f, 2); break;
        default: e = _mm_sha1rnds4_epu32(e, f, 3);
        }
        m0 = _mm_xor_si128(_mm_sha1msg2_epu32(_mm_sha1msg1_epu32(m0, m1), m3), m0);
        OPAQUE(s0); OPAQUE(s1); OPAQUE(e); OPAQUE(m0);
    }
    printf("chain");
    p("s0", s0); p("s1", s1); p("e", e); p("m0", m0); p("m3", m3);
    printf("\n");
    return 0;
}
