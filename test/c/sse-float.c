/* SSE/SSE2 floating point through intrinsics: arithmetic, min/max, sqrt,
 * compares, (U)COMIS, conversions, under all four MXCSR rounding modes, over
 * special values (NaNs with payloads, signalling NaNs, infinities, -0.0,
 * denormals, huge values). Results are printed as hex bits, with the MXCSR
 * exception flags that are defined exactly: IE and ZE after arithmetic, and
 * IE ZE OE UE PE after conversions. */
#include <emmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t fv[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
    0x7fa00001, 0x7fc12345, 0xff812345, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x3eaaaaab,
    0x40490fdb, 0x4b000001, 0x5f000000, 0xdf000000, 0x4f000000, 0xcf000000, 0x4effffff, 0x3f000000,
    0x3fc00000, 0x40200000, 0xc0200000, 0x33d6bf95, 0x7e967699, 0x4e6e6b28, 0xbf400001, 0x00400000,
};
#define NF (int)(sizeof fv / sizeof fv[0])
static uint64_t dv[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff4000000000001ull, 0x7ff8123456789abcull, 0xfff0000000000123ull, 0x0000000000000001ull,
    0x800fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull, 0x3fd5555555555555ull,
    0x400921fb54442d18ull, 0x4330000000000001ull, 0x43e0000000000000ull, 0xc3e0000000000000ull,
    0x41e0000000000000ull, 0xc1e0000000000000ull, 0x41dfffffffffffffull, 0x3fe0000000000000ull,
    0x3ff8000000000000ull, 0x4004000000000000ull, 0xc004000000000000ull, 0x3e7ad7f29abcaf48ull,
    0x7e37e43c8800759cull, 0x41cdcd6500000000ull, 0xc1e0000000200000ull, 0x47efffffe0000000ull,
    0x36a0000000000000ull, 0x380fffffe0000000ull, 0x3810000000000000ull, 0xbfe8000000000001ull,
    0x43dfffffffffffffull, 0xc3e0000000000001ull, 0x41dfffffffc00000ull, 0xc1e00000001fffffull,
};
#define ND (int)(sizeof dv / sizeof dv[0])

static uint32_t fb(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint64_t db(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static float bf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static double bd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
#define OPAQUE(v) __asm__ volatile("" : "+x"(v))

/* modes 0-3: rounding control; 4: nearest with FTZ and DAZ; 5: down with FTZ; 6: up with DAZ */
static unsigned mode;
static const unsigned csr[] = { 0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9fc0, 0xbf80, 0x5fc0 };
static void setmode(unsigned m) { mode = m; _mm_setcsr(csr[m]); }
static unsigned flags(unsigned mask) {
    unsigned f = _mm_getcsr() & mask;
    _mm_setcsr(csr[mode]);
    return f;
}
static __m128 ps4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    __m128i v = _mm_set_epi32((int)d, (int)c, (int)b, (int)a);
    OPAQUE(v);
    return _mm_castsi128_ps(v);
}
static __m128d pd2(uint64_t a, uint64_t b) {
    __m128i v = _mm_set_epi64x((long long)b, (long long)a);
    OPAQUE(v);
    return _mm_castsi128_pd(v);
}
static void pps(__m128 v) {
    uint32_t u[4];
    _mm_storeu_ps((float *)u, v);
    printf(" %08x.%08x.%08x.%08x", u[0], u[1], u[2], u[3]);
}
static void ppd(__m128d v) {
    uint64_t u[2];
    _mm_storeu_pd((double *)u, v);
    printf(" %016llx.%016llx", (unsigned long long)u[0], (unsigned long long)u[1]);
}

/* ---------------------------------------------------------------- single */
#define F2(name, expr)                                                     \
    do {                                                                   \
        __m128 r = expr;                                                   \
        OPAQUE(r);                                                         \
        printf(" " name);                                                  \
        pps(r);                                                            \
        printf("/%x", flags(5));                                           \
    } while (0)

static void single_pairs(void) {
    for (int i = 0; i < NF; i++)
        for (int j = 0; j < NF; j++) {
            uint32_t a = fv[i], b = fv[j], c = fv[(i + 5) % NF], d = fv[(j + 11) % NF];
            __m128 x = ps4(a, c, b, d), y = ps4(b, d, a, c);
            printf("f m%u %d %d", mode, i, j);
            F2("add", _mm_add_ps(x, y));
            F2("sub", _mm_sub_ps(x, y));
            F2("mul", _mm_mul_ps(x, y));
            F2("div", _mm_div_ps(x, y));
            if (mode == 0) {
                F2("min", _mm_min_ps(x, y));
                F2("max", _mm_max_ps(x, y));
                F2("adds", _mm_add_ss(x, y));
                F2("subs", _mm_sub_ss(x, y));
                F2("muls", _mm_mul_ss(x, y));
                F2("divs", _mm_div_ss(x, y));
                F2("mins", _mm_min_ss(x, y));
                F2("maxs", _mm_max_ss(x, y));
                F2("eq", _mm_cmpeq_ps(x, y));
                F2("lt", _mm_cmplt_ps(x, y));
                F2("le", _mm_cmple_ps(x, y));
                F2("un", _mm_cmpunord_ps(x, y));
                F2("ne", _mm_cmpneq_ps(x, y));
                F2("nlt", _mm_cmpnlt_ps(x, y));
                F2("nle", _mm_cmpnle_ps(x, y));
                F2("ord", _mm_cmpord_ps(x, y));
                F2("eqs", _mm_cmpeq_ss(x, y));
                F2("lts", _mm_cmplt_ss(x, y));
                F2("nles", _mm_cmpnle_ss(x, y));
                F2("and", _mm_and_ps(x, y));
                F2("andn", _mm_andnot_ps(x, y));
                F2("or", _mm_or_ps(x, y));
                F2("xor", _mm_xor_ps(x, y));
                unsigned long fl1, fl2;
                __asm__ volatile("comiss %2, %1\n\tpushfq\n\tpopq %0" : "=r"(fl1) : "x"(x), "x"(y) : "cc");
                __asm__ volatile("ucomiss %2, %1\n\tpushfq\n\tpopq %0" : "=r"(fl2) : "x"(x), "x"(y) : "cc");
                printf(" comi %lx ucomi %lx/%x", fl1 & 0x8d5, fl2 & 0x8d5, flags(5));
            } else {
                F2("adds", _mm_add_ss(x, y));
                F2("muls", _mm_mul_ss(x, y));
                F2("divs", _mm_div_ss(x, y));
            }
            printf("\n");
        }
}

/* ---------------------------------------------------------------- double */
#define D2(name, expr)                                                     \
    do {                                                                   \
        __m128d r = expr;                                                  \
        OPAQUE(r);                                                         \
        printf(" " name);                                                  \
        ppd(r);                                                            \
        printf("/%x", flags(5));                                           \
    } while (0)

static void double_pairs(void) {
    for (int i = 0; i < ND; i++)
        for (int j = 0; j < ND; j++) {
            uint64_t a = dv[i], b = dv[j], c = dv[(i + 7) % ND];
            __m128d x = pd2(a, c), y = pd2(b, a);
            printf("d m%u %d %d", mode, i, j);
            D2("add", _mm_add_pd(x, y));
            D2("sub", _mm_sub_pd(x, y));
            D2("mul", _mm_mul_pd(x, y));
            D2("div", _mm_div_pd(x, y));
            if (mode == 0) {
                D2("min", _mm_min_pd(x, y));
                D2("max", _mm_max_pd(x, y));
                D2("adds", _mm_add_sd(x, y));
                D2("subs", _mm_sub_sd(x, y));
                D2("muls", _mm_mul_sd(x, y));
                D2("divs", _mm_div_sd(x, y));
                D2("mins", _mm_min_sd(x, y));
                D2("maxs", _mm_max_sd(x, y));
                D2("eq", _mm_cmpeq_pd(x, y));
                D2("lt", _mm_cmplt_pd(x, y));
                D2("le", _mm_cmple_pd(x, y));
                D2("un", _mm_cmpunord_pd(x, y));
                D2("ne", _mm_cmpneq_pd(x, y));
                D2("nlt", _mm_cmpnlt_pd(x, y));
                D2("nle", _mm_cmpnle_pd(x, y));
                D2("ord", _mm_cmpord_pd(x, y));
                D2("eqs", _mm_cmpeq_sd(x, y));
                D2("les", _mm_cmple_sd(x, y));
                D2("uns", _mm_cmpunord_sd(x, y));
                D2("nlts", _mm_cmpnlt_sd(x, y));
                D2("and", _mm_and_pd(x, y));
                D2("andn", _mm_andnot_pd(x, y));
                D2("or", _mm_or_pd(x, y));
                D2("xor", _mm_xor_pd(x, y));
                unsigned long fl1, fl2;
                __asm__ volatile("comisd %2, %1\n\tpushfq\n\tpopq %0" : "=r"(fl1) : "x"(x), "x"(y) : "cc");
                __asm__ volatile("ucomisd %2, %1\n\tpushfq\n\tpopq %0" : "=r"(fl2) : "x"(x), "x"(y) : "cc");
                printf(" comi %lx ucomi %lx/%x", fl1 & 0x8d5, fl2 & 0x8d5, flags(5));
            } else {
                D2("adds", _mm_add_sd(x, y));
                D2("muls", _mm_mul_sd(x, y));
                D2("divs", _mm_div_sd(x, y));
            }
            printf("\n");
        }
}

/* ---------------------------------------------------------------- unary, conversions */
static void unary(void) {
    for (int i = 0; i < NF; i++) {
        uint32_t a = fv[i], b = fv[(i + 1) % NF], c = fv[(i + 2) % NF], d = fv[(i + 3) % NF];
        __m128 x = ps4(a, b, c, d);
        printf("fu m%u %d", mode, i);
        F2("sqrt", _mm_sqrt_ps(x));
        F2("sqrts", _mm_sqrt_ss(x));
        F2("cvtdq2ps", _mm_cvtepi32_ps(_mm_castps_si128(x)));
        printf(" cvtps2dq");
        { __m128i r = _mm_cvtps_epi32(x); OPAQUE(r); pps(_mm_castsi128_ps(r)); printf("/%x", flags(0x3d)); }
        printf(" cvttps2dq");
        { __m128i r = _mm_cvttps_epi32(x); OPAQUE(r); pps(_mm_castsi128_ps(r)); printf("/%x", flags(0x3d)); }
        printf(" cvtps2pd");
        { __m128d r = _mm_cvtps_pd(x); OPAQUE(r); ppd(r); printf("/%x", flags(0x3d)); }
        printf(" cvtss2sd");
        { __m128d y = pd2(dv[i], dv[i + 1]); __m128d r = _mm_cvtss_sd(y, x); OPAQUE(r); ppd(r); printf("/%x", flags(0x3d)); }
        printf(" ss2si %x/%x", (unsigned)_mm_cvtss_si32(x), flags(0x3d));
        printf(" tss2si %x/%x", (unsigned)_mm_cvttss_si32(x), flags(0x3d));
        printf(" ss2si64 %llx/%x", (unsigned long long)_mm_cvtss_si64(x), flags(0x3d));
        printf(" tss2si64 %llx/%x", (unsigned long long)_mm_cvttss_si64(x), flags(0x3d));
        F2("si2ss", _mm_cvtsi32_ss(x, (int)a));
        F2("si642ss", _mm_cvtsi64_ss(x, (long long)((uint64_t)a << 32 | b)));
        F2("si642ss2", _mm_cvtsi64_ss(x, (long long)((uint64_t)a << 20 | c)));
        printf("\n");
    }
    for (int i = 0; i < ND; i++) {
        uint64_t a = dv[i], b = dv[(i + 1) % ND];
        __m128d x = pd2(a, b);
        printf("du m%u %d", mode, i);
        D2("sqrt", _mm_sqrt_pd(x));
        D2("sqrts", _mm_sqrt_sd(x, x));
        printf(" cvtpd2ps");
        { __m128 r = _mm_cvtpd_ps(x); OPAQUE(r); pps(r); printf("/%x", flags(0x3d)); }
        printf(" cvtsd2ss");
        { __m128 y = ps4(fv[i % NF], 1, 2, 3); __m128 r = _mm_cvtsd_ss(y, x); OPAQUE(r); pps(r); printf("/%x", flags(0x3d)); }
        printf(" cvtpd2dq");
        { __m128i r = _mm_cvtpd_epi32(x); OPAQUE(r); pps(_mm_castsi128_ps(r)); printf("/%x", flags(0x3d)); }
        printf(" cvttpd2dq");
        { __m128i r = _mm_cvttpd_epi32(x); OPAQUE(r); pps(_mm_castsi128_ps(r)); printf("/%x", flags(0x3d)); }
        printf(" cvtdq2pd");
        { __m128d r = _mm_cvtepi32_pd(_mm_castpd_si128(x)); OPAQUE(r); ppd(r); printf("/%x", flags(0x3d)); }
        printf(" sd2si %x/%x", (unsigned)_mm_cvtsd_si32(x), flags(0x3d));
        printf(" tsd2si %x/%x", (unsigned)_mm_cvttsd_si32(x), flags(0x3d));
        printf(" sd2si64 %llx/%x", (unsigned long long)_mm_cvtsd_si64(x), flags(0x3d));
        printf(" tsd2si64 %llx/%x", (unsigned long long)_mm_cvttsd_si64(x), flags(0x3d));
        D2("si2sd", _mm_cvtsi32_sd(x, (int)a));
        D2("si642sd", _mm_cvtsi64_sd(x, (long long)a));
        D2("si642sd2", _mm_cvtsi64_sd(x, (long long)(a >> 7)));
        printf(" si642sdf %x", flags(0x3d));
        printf("\n");
    }
}

/* Random operands: the rounding of ordinary values in every mode. */
static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
static void random_ops(void) {
    uint64_t h = 0;
    for (int k = 0; k < 20000; k++) {
        uint64_t u = rnd(), v = rnd();
        /* mostly nearby exponents so that sums round */
        if (k & 1) v = (v & 0x800fffffffffffffull) | (u & 0x7ff0000000000000ull) ^ ((v >> 52 & 7) << 52);
        if ((k & 7) == 0) { u &= 0x801fffffffffffffull; v &= 0x803fffffffffffffull; } /* denormal range */
        __m128d x = pd2(u, v), y = pd2(v, u ^ 0x8000000000000000ull);
        uint64_t r[2];
        _mm_storeu_pd((double *)r, _mm_add_pd(x, y)); h = h * 31 + r[0] + r[1] * 7;
        _mm_storeu_pd((double *)r, _mm_mul_pd(x, y)); h = h * 31 + r[0] + r[1] * 7;
        _mm_storeu_pd((double *)r, _mm_div_pd(x, y)); h = h * 31 + r[0] + r[1] * 7;
        _mm_storeu_pd((double *)r, _mm_sqrt_pd(x)); h = h * 31 + r[0] + r[1] * 7;
        _mm_storeu_pd((double *)r, _mm_sub_sd(x, y)); h = h * 31 + r[0] + r[1] * 7;
        __m128 fx = _mm_castpd_ps(x), fy = _mm_castpd_ps(y);
        uint32_t q[4];
        _mm_storeu_ps((float *)q, _mm_add_ps(fx, fy)); h = h * 31 + q[0] + q[1] * 3 + q[2] * 5 + q[3] * 7;
        _mm_storeu_ps((float *)q, _mm_mul_ps(fx, fy)); h = h * 31 + q[0] + q[1] * 3 + q[2] * 5 + q[3] * 7;
        _mm_storeu_ps((float *)q, _mm_div_ps(fx, fy)); h = h * 31 + q[0] + q[1] * 3 + q[2] * 5 + q[3] * 7;
        _mm_storeu_ps((float *)q, _mm_sqrt_ps(fx)); h = h * 31 + q[0] + q[1] * 3 + q[2] * 5 + q[3] * 7;
        _mm_storeu_ps((float *)q, _mm_cvtpd_ps(x)); h = h * 31 + q[0] + q[1] * 3;
        h = h * 31 + (uint64_t)_mm_cvtsd_si64(_mm_mul_sd(x, _mm_set_sd(1e-290)));
        h = h * 31 + (uint64_t)_mm_cvtsi64_sd(x, (long long)u)[0];
        h = h * 31 + fb(_mm_cvtsi64_ss(fx, (long long)v)[0]);
        h = h * 31 + fb(_mm_cvtsi32_ss(fx, (int)v)[0]);
        if ((k & 1023) == 0) printf("random m%u %d %016llx\n", mode, k, (unsigned long long)h);
    }
    printf("random m%u %016llx flags %x\n", mode, (unsigned long long)h, flags(5));
}

int main(void) {
    (void)bf; (void)bd; (void)db;
    for (unsigned m = 0; m < 7; m++) {
        setmode(m);
        single_pairs();
        double_pairs();
        unary();
        random_ops();
    }
    setmode(0);
    return 0;
}
