/* Plain C float/double code as gcc -O2 compiles it to SSE/SSE2 (scalar
 * arithmetic, conversions by cast, vectorized loops), plus inline asm for the
 * forms compilers rarely emit (MOVUPD, UNPCKLPD/UNPCKHPD, MOVLHPS, MOVNTPD,
 * CMPxx with every immediate, RCPPS/RSQRTPS on exact special values and
 * within their error bound, REX-extended registers xmm8-xmm15).
 * Results are printed as hex bits. */
#include <emmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t db(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fb(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static double bd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static float bf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

static double dvals[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, -0.7, 0.5, 1.5, 2.5, -2.5, 3.5, 1e10, -1e10, 1e19, -1e19, 9.3e18, -9.3e18,
    2147483647.0, 2147483647.5, 2147483648.0, -2147483648.0, -2147483648.9, -2147483649.0, 4294967295.0, 4294967296.0,
    1e300, -1e300, 4.9e-324, 2.2250738585072014e-308, 3.4028235e38, 3.4028236e38, 1e-45, 1.4e-45, 1e39, 123456789.123,
    9007199254740993.0, 18446744073709551615.0, 9223372036854775807.0, -9223372036854775808.0,
};
#define NDV (int)(sizeof dvals / sizeof dvals[0])
static volatile uint64_t special[] = { 0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff4000000000000ull };

static float fa[1024], fbv[1024], fc[1024];
static double da[512], dbv[512], dc[512];
static int ia[1024], ib[1024];
static short sa[1024];
static unsigned char ua[1024], ub[1024];
static long long la[512];

__attribute__((noinline)) static void vec_loops(int n) {
    for (int i = 0; i < n; i++) fc[i] = fa[i] * fbv[i] + fa[i] / (fbv[i] + 1.0f);
    for (int i = 0; i < n / 2; i++) dc[i] = da[i] * dbv[i] - da[i] / (dbv[i] + 3.0);
    for (int i = 0; i < n; i++) ia[i] = ia[i] * 3 + ib[i] - (ib[i] >> 3);
    for (int i = 0; i < n; i++) sa[i] = (short)(sa[i] + ia[i]);
    for (int i = 0; i < n; i++) ua[i] = (unsigned char)((ua[i] + ub[i] + 1) >> 1);
    for (int i = 0; i < n; i++) ua[i] = ua[i] > ub[i] ? ua[i] : ub[i];
    for (int i = 0; i < n; i++) fa[i] = (float)ia[i];
    for (int i = 0; i < n; i++) ib[i] = (int)fc[i];
    for (int i = 0; i < n / 2; i++) la[i] = la[i] + (long long)ia[i] * ib[i];
    for (int i = 0; i < n; i++) fbv[i] = fc[i] < fa[i] ? fc[i] : fa[i];
}

int main(void) {
    volatile double vz = 0.0;
    for (int i = 0; i < NDV; i++) {
        volatile double x = dvals[i];
        double y = dvals[(i * 7 + 3) % NDV];
        float f = (float)x;
        printf("%d %016llx f=%08x", i, (unsigned long long)db(x), fb(f));
        printf(" d2f2d=%016llx", (unsigned long long)db((double)f));
        printf(" i=%x", (unsigned)(int)x);
        printf(" l=%llx", (unsigned long long)(long long)x);
        printf(" ul=%llx", (unsigned long long)(x >= 0 && x < 1.8446744073709552e19 ? (unsigned long long)x : 0));
        printf(" fi=%x fl=%llx", (unsigned)(int)f, (unsigned long long)(long long)f);
        printf(" add=%016llx mul=%016llx div=%016llx sub=%016llx", (unsigned long long)db(x + y),
               (unsigned long long)db(x * y), (unsigned long long)db(x / y), (unsigned long long)db(x - y));
        printf(" fadd=%08x fmul=%08x fdiv=%08x", fb(f + (float)y), fb(f * (float)y), fb(f / (float)y));
        printf(" lt=%d le=%d eq=%d", x < y, x <= y, x == y);
        printf(" l2d=%016llx l2f=%08x u2d=%016llx", (unsigned long long)db((double)(long long)(i * 0x123456789abcdll)),
               fb((float)(long long)(i * 0x123456789abcdll)), (unsigned long long)db((double)(unsigned long long)(~0ull / (i + 1))));
        printf(" i2f=%08x", fb((float)(i * 0x1234567 + 1)));
        printf(" min=%016llx max=%016llx", (unsigned long long)db(x < y ? x : y), (unsigned long long)db(x > y ? x : y));
        printf(" dz=%016llx", (unsigned long long)db(x / vz));
        printf("\n");
    }
    for (int i = 0; i < 5; i++) {
        volatile double s = bd(special[i]);
        double t = s + 1.0;
        printf("special %d %016llx %08x %d %d\n", i, (unsigned long long)db(t), fb((float)s), s == s, s < 1.0);
    }

    uint64_t r = 12345;
    for (int i = 0; i < 1024; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        fa[i] = (float)(int)(r >> 40) / 1024.0f; fbv[i] = (float)(int)(r >> 45) / 77.0f;
        ia[i] = (int)(r >> 20); ib[i] = (int)(r >> 33); sa[i] = (short)(r >> 17); ua[i] = (unsigned char)(r >> 50); ub[i] = (unsigned char)(r >> 9);
        if (i < 512) { da[i] = (double)(r >> 11) / 3.0; dbv[i] = (double)(int)(r >> 30); la[i] = (long long)r; }
    }
    vec_loops(1000);
    vec_loops(1019);
    uint64_t h = 0;
    for (int i = 0; i < 1024; i++) h = h * 31 + fb(fc[i]) + fb(fa[i]) * 3 + fb(fbv[i]) * 5 + (uint32_t)ia[i] * 7 + (uint32_t)ib[i] * 11 + (uint16_t)sa[i] + ua[i] * 13;
    for (int i = 0; i < 512; i++) h = h * 31 + db(dc[i]) + (uint64_t)la[i];
    printf("loops %016llx\n", (unsigned long long)h);

    /* forms compilers rarely emit */
    __m128d a = _mm_set_pd(-2.5, 1.25), b = _mm_set_pd(3.0, bd(0x7ff8000000000123ull));
    double out[4] __attribute__((aligned(16)));
    uint64_t u[2];
    __asm__ volatile("movupd %1, %%xmm9\n\tunpcklpd %2, %%xmm9\n\tmovupd %%xmm9, %0" : "=m"(u) : "m"(a), "x"(b) : "xmm9");
    printf("unpcklpd %016llx %016llx\n", (unsigned long long)u[0], (unsigned long long)u[1]);
    __asm__ volatile("movapd %1, %%xmm10\n\tunpckhpd %2, %%xmm10\n\tmovntpd %%xmm10, %0" : "=m"(out) : "x"(a), "m"(b) : "xmm10");
    printf("unpckhpd/movntpd %016llx %016llx\n", (unsigned long long)db(out[0]), (unsigned long long)db(out[1]));
    __asm__ volatile("movaps %1, %%xmm11\n\tmovlhps %2, %%xmm11\n\tmovups %%xmm11, %0" : "=m"(u) : "x"(a), "x"(b) : "xmm11");
    printf("movlhps %016llx %016llx\n", (unsigned long long)u[0], (unsigned long long)u[1]);
    __m128 x = _mm_set_ps(bf(0x7fc00001), -0.0f, 1.0f, 2.0f), y = _mm_set_ps(1.0f, 0.0f, bf(0x7f800000), 2.0f);
#define CMP(imm)                                                                                        \
    do {                                                                                                \
        __m128 t = x; __m128d td = _mm_castps_pd(x);                                                    \
        __asm__ volatile("cmpps $" #imm ", %1, %0" : "+x"(t) : "x"(y));                               \
        __asm__ volatile("cmppd $" #imm ", %1, %0" : "+x"(td) : "x"(_mm_castps_pd(y)));               \
        _mm_storeu_ps((float *)u, t);                                                                   \
        printf("cmp%d %016llx %016llx", imm, (unsigned long long)u[0], (unsigned long long)u[1]);       \
        _mm_storeu_pd((double *)u, td);                                                                 \
        printf(" %016llx %016llx\n", (unsigned long long)u[0], (unsigned long long)u[1]);                \
    } while (0)
    CMP(0); CMP(1); CMP(2); CMP(3); CMP(4); CMP(5); CMP(6); CMP(7);
    /* RCP/RSQRT: exact on special values, approximations elsewhere (checked against the bound) */
    __m128 sp = _mm_set_ps(bf(0x7f800000), -0.0f, 0.0f, bf(0x00000001)), rr;
    __asm__ volatile("rcpps %1, %0" : "=x"(rr) : "x"(sp));
    _mm_storeu_ps((float *)out, rr);
    printf("rcpps special %016llx %016llx\n", (unsigned long long)db(out[0]), (unsigned long long)db(out[1]));
    __asm__ volatile("rsqrtps %1, %0" : "=x"(rr) : "x"(sp));
    _mm_storeu_ps((float *)out, rr);
    printf("rsqrtps special %016llx %016llx\n", (unsigned long long)db(out[0]), (unsigned long long)db(out[1]));
    int bad = 0;
    for (int i = 1; i < 2000; i++) {
        float v = (float)i * 0.37f + 1e-3f;
        __m128 vv = _mm_set1_ps(v), rc, rs;
        __asm__ volatile("rcpps %1, %0" : "=x"(rc) : "x"(vv));
        __asm__ volatile("rsqrtss %1, %0" : "=x"(rs) : "x"(vv));
        double e1 = (double)_mm_cvtss_f32(rc) * v - 1.0;
        double e2 = (double)_mm_cvtss_f32(rs) * _mm_cvtss_f32(rs) * v - 1.0;
        if (e1 > 1.5 / 4096 || e1 < -1.5 / 4096 || e2 > 3.0 / 4096 || e2 < -3.0 / 4096) bad++;
    }
    printf("rcp/rsqrt bound violations %d\n", bad);
    return 0;
}
