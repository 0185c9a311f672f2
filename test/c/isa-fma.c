/* FMA3 (all forms: 132/213/231, ps/pd/ss/sd, 128/256, madd/msub/nmadd/nmsub/maddsub/msubadd)
 * on edge values (zeros, infinities, NaNs, denormals, cancellation, overflow) and random
 * values, in all four MXCSR rounding modes and with FTZ/DAZ; results and MXCSR flags as hex.
 * Build: -O2 -static -mavx2 -mfma */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <float.h>

#define OPAQUE(v) __asm__ volatile("" : "+x"(v))
static uint64_t rs = 0x853c49e6748fea9bull;
static uint64_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
static const double dv[] = { 0.0, -0.0, 1.0, -1.0, 1.5, 3.0, 1.0 / 3, -2.0 / 3, DBL_MAX, -DBL_MAX, DBL_MIN, 4.9e-324, -1e-310,
    INFINITY, -INFINITY, NAN, 1 + DBL_EPSILON, 1 - DBL_EPSILON / 2, 1e308, 1e-308, 0.1, -0.7, 6.02e23, 1.4e-45 };
static const float fv[] = { 0.0f, -0.0f, 1.0f, -1.0f, 1.5f, 3.0f, 1.0f / 3, -2.0f / 3, FLT_MAX, -FLT_MAX, FLT_MIN, 1.4e-45f, -1e-39f,
    INFINITY, -INFINITY, NAN, 1 + FLT_EPSILON, 1 - FLT_EPSILON / 2, 1e38f, 1e-38f, 0.1f, -0.7f, 6.02e23f, 3.4e-20f };
#define NV 24
static double dval(int k) {
    if (k < 0) { union { uint64_t u; double d; } x; x.u = rnd(); if ((x.u & 0x7ff0000000000000ull) == 0x7ff0000000000000ull) x.u ^= 1ull << 62; return x.d; }
    return dv[k % NV];
}
static float fval(int k) {
    if (k < 0) { union { uint32_t u; float f; } x; x.u = (uint32_t)rnd(); if ((x.u & 0x7f800000) == 0x7f800000) x.u ^= 1u << 30; return x.f; }
    return fv[k % NV];
}
static void p(const char *name, __m256i v) {
    uint64_t u[4];
    _mm256_storeu_si256((__m256i *)u, v);
    printf(" %s=%llx.%llx.%llx.%llx", name, (unsigned long long)u[3], (unsigned long long)u[2], (unsigned long long)u[1], (unsigned long long)u[0]);
}
#define PF(name, expr) do { __m256 r_ = (expr); OPAQUE(r_); p(name, _mm256_castps_si256(r_)); } while (0)
#define PD(name, expr) do { __m256d r_ = (expr); OPAQUE(r_); p(name, _mm256_castpd_si256(r_)); } while (0)
#define PF1(name, expr) do { __m128 r_ = (expr); OPAQUE(r_); p(name, _mm256_zextsi128_si256(_mm_castps_si128(r_))); } while (0)
#define PD1(name, expr) do { __m128d r_ = (expr); OPAQUE(r_); p(name, _mm256_zextsi128_si256(_mm_castpd_si128(r_))); } while (0)

/* each form through inline asm so that the 132/213/231 encodings are all used */
#define FORM3(insn, T, R, a, b, c) ({ T r_ = a; __asm__(insn " %2, %1, %0" : "+x"(r_) : "x"(b), "x"(c)); r_; })

static void one(__m256 a, __m256 b, __m256 c, __m256d x, __m256d y, __m256d z) {
    PF("fmaddps", _mm256_fmadd_ps(a, b, c)); PF("fmsubps", _mm256_fmsub_ps(a, b, c));
    PF("fnmaddps", _mm256_fnmadd_ps(a, b, c)); PF("fnmsubps", _mm256_fnmsub_ps(a, b, c));
    PF("fmaddsubps", _mm256_fmaddsub_ps(a, b, c)); PF("fmsubaddps", _mm256_fmsubadd_ps(a, b, c));
    PD("fmaddpd", _mm256_fmadd_pd(x, y, z)); PD("fmsubpd", _mm256_fmsub_pd(x, y, z));
    PD("fnmaddpd", _mm256_fnmadd_pd(x, y, z)); PD("fnmsubpd", _mm256_fnmsub_pd(x, y, z));
    PD("fmaddsubpd", _mm256_fmaddsub_pd(x, y, z)); PD("fmsubaddpd", _mm256_fmsubadd_pd(x, y, z));
    __m128 a1 = _mm256_castps256_ps128(a), b1 = _mm256_castps256_ps128(b), c1 = _mm256_castps256_ps128(c);
    __m128d x1 = _mm256_castpd256_pd128(x), y1 = _mm256_castpd256_pd128(y), z1 = _mm256_castpd256_pd128(z);
    PF1("fmaddss", _mm_fmadd_ss(a1, b1, c1)); PD1("fnmsubsd", _mm_fnmsub_sd(x1, y1, z1));
    PF1("fmsubps128", _mm_fmsub_ps(a1, b1, c1)); PD1("fnmaddpd128", _mm_fnmadd_pd(x1, y1, z1));
    PF("132ps", FORM3("vfmadd132ps", __m256, , a, b, c)); PF("213ps", FORM3("vfmadd213ps", __m256, , a, b, c));
    PF("231ps", FORM3("vfmadd231ps", __m256, , a, b, c)); PD("132pd", FORM3("vfmsub132pd", __m256d, , x, y, z));
    PD("213pd", FORM3("vfnmadd213pd", __m256d, , x, y, z)); PD("231pd", FORM3("vfnmsub231pd", __m256d, , x, y, z));
    PF1("132ss", FORM3("vfmadd132ss", __m128, , a1, b1, c1)); PD1("231sd", FORM3("vfmsub231sd", __m128d, , x1, y1, z1));
    PF("231addsub", FORM3("vfmaddsub231ps", __m256, , a, b, c)); PD("132subadd", FORM3("vfmsubadd132pd", __m256d, , x, y, z));
    printf(" mx=%x", _mm_getcsr());
}

int main(void) {
    static const unsigned modes[] = { 0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9fc0 };
    for (int m = 0; m < 5; m++) {
        for (int k = 0; k < NV * NV + 400; k++) {
            float fa[8], fb[8], fc[8];
            double da[4], db[4], dc[4];
            int rk = k >= NV * NV;
            for (int i = 0; i < 8; i++) {
                fa[i] = fval(rk ? -1 : k % NV + i); fb[i] = fval(rk ? -1 : k / NV + 3 * i); fc[i] = fval(rk ? -1 : (k + i * 7) % NV);
                if (rk && (k & 1)) fc[i] = -fa[i] * fb[i] * (1.0f + (float)(i - 4) * FLT_EPSILON);
            }
            for (int i = 0; i < 4; i++) {
                da[i] = dval(rk ? -1 : k % NV + i); db[i] = dval(rk ? -1 : k / NV + 5 * i); dc[i] = dval(rk ? -1 : (k * 3 + i) % NV);
                if (rk && (k & 1)) dc[i] = -da[i] * db[i] * (1.0 + (double)(i - 2) * DBL_EPSILON);
            }
            __m256 a = _mm256_loadu_ps(fa), b = _mm256_loadu_ps(fb), c = _mm256_loadu_ps(fc);
            __m256d x = _mm256_loadu_pd(da), y = _mm256_loadu_pd(db), z = _mm256_loadu_pd(dc);
            OPAQUE(a); OPAQUE(b); OPAQUE(c); OPAQUE(x); OPAQUE(y); OPAQUE(z);
            _mm_setcsr(modes[m]);
            printf("%d,%d", m, k);
            one(a, b, c, x, y, z);
            _mm_setcsr(0x1f80);
            printf("\n");
        }
    }
    return 0;
}
