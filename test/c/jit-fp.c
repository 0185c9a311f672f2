/* Floating point in hot loops, as the JIT translates them (test/jit.test.ts runs
 * this with every block translated): + - * / sqrt and compares in double and
 * float, and 256-bit FMA when built for it, over special values (NaNs with
 * payloads, signalling NaNs, infinities, signed zeros, denormals, the largest and
 * smallest normals, values whose results overflow or underflow), in each
 * rounding mode (fesetround), with the exception flags cleared before each
 * operation and with them left raised, and under DAZ/FTZ. Prints the result bits
 * and the flags: natively and under xos they must be the same. */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __FMA__
#include <immintrin.h>
#endif

static const uint64_t dv[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff4000000000001ull, 0x7ff8123456789abcull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x0010000000000000ull, 0x7fefffffffffffffull, 0x3fd5555555555555ull, 0x400921fb54442d18ull,
    0x4330000000000001ull, 0x3ff0000000000001ull, 0xbfe8000000000001ull, 0x5fe0000000000000ull,
    0x2010000000000000ull, 0x0018000000000000ull, 0x3cb0000000000000ull, 0x4014000000000000ull,
};
#define ND (int)(sizeof dv / sizeof dv[0])
static const uint32_t fv[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
    0x7fa00001, 0x7fc12345, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x3eaaaaab, 0x40490fdb,
    0x4b000001, 0x3f800001, 0xbf400001, 0x5f000000, 0x20000000, 0x00c00000, 0x33800000, 0x40a00000,
};
#define NF (int)(sizeof fv / sizeof fv[0])

static uint64_t hash;
static void mix(uint64_t v) { hash = (hash ^ v) * 0x100000001b3ull; }
static double dbl(uint64_t b) { double x; memcpy(&x, &b, 8); return x; }
static uint64_t dbits(double x) { uint64_t b; memcpy(&b, &x, 8); return b; }
static float flt(uint32_t b) { float x; memcpy(&x, &b, 4); return x; }
static uint32_t fbits(float x) { uint32_t b; memcpy(&b, &x, 4); return b; }

static unsigned get_mxcsr(void) { unsigned m; __asm__ volatile("stmxcsr %0" : "=m"(m)); return m; }
static void set_mxcsr(unsigned m) { __asm__ volatile("ldmxcsr %0" : : "m"(m)); }

/* The operands go through volatile copies: the compiler folds nothing. */
__attribute__((noinline)) static void doubles(int clear) {
  for (int i = 0; i < ND; i++) {
    hash = 0xcbf29ce484222325ull;
    for (int j = 0; j < ND; j++) {
      if (clear) feclearexcept(FE_ALL_EXCEPT);
      volatile double va = dbl(dv[i]), vb = dbl(dv[j]);
      double a = va, b = vb;
      double s = a + b, t = a - b, p = a * b, q = a / b, r = sqrt(b);
      int c = (a < b) | (a <= b) << 1 | (a == b) << 2 | isgreater(a, b) << 3 | isunordered(a, b) << 4;
      mix(dbits(s)); mix(dbits(t)); mix(dbits(p)); mix(dbits(q)); mix(dbits(r)); mix(c);
      mix(get_mxcsr() & 0x3f);
    }
    printf(" %016llx", (unsigned long long)hash);
  }
  printf("\n");
}
__attribute__((noinline)) static void floats(int clear) {
  for (int i = 0; i < NF; i++) {
    hash = 0xcbf29ce484222325ull;
    for (int j = 0; j < NF; j++) {
      if (clear) feclearexcept(FE_ALL_EXCEPT);
      volatile float va = flt(fv[i]), vb = flt(fv[j]);
      float a = va, b = vb;
      float s = a + b, t = a - b, p = a * b, q = a / b, r = sqrtf(b);
      int c = (a < b) | (a <= b) << 1 | (a == b) << 2 | isgreater(a, b) << 3 | isunordered(a, b) << 4;
      mix(fbits(s)); mix(fbits(t)); mix(fbits(p)); mix(fbits(q)); mix(fbits(r)); mix(c);
      mix(get_mxcsr() & 0x3f);
    }
    printf(" %016llx", (unsigned long long)hash);
  }
  printf("\n");
}
#ifdef __FMA__
/* a*b+c (and its negated forms) on 8 lanes: lane k takes values i+k, j+2k, j+i+3k of the list. */
__attribute__((noinline)) static void fmas(int clear) {
  for (int i = 0; i < NF; i++) {
    hash = 0xcbf29ce484222325ull;
    for (int j = 0; j < NF; j++) {
      float x[8], y[8], z[8], o[8];
      for (int k = 0; k < 8; k++) {
        x[k] = flt(fv[(i + k) % NF]);
        y[k] = flt(fv[(j + 2 * k) % NF]);
        z[k] = flt(fv[(i + j + 3 * k) % NF]);
      }
      if (clear) feclearexcept(FE_ALL_EXCEPT);
      __m256 a = _mm256_loadu_ps(x), b = _mm256_loadu_ps(y), c = _mm256_loadu_ps(z);
      __m256 r1 = _mm256_fmadd_ps(a, b, c), r2 = _mm256_fmsub_ps(a, b, c), r3 = _mm256_fnmadd_ps(a, b, c);
      __m256 r4 = _mm256_fnmsub_ps(b, c, a);
      __m128 r5 = _mm_fmadd_ps(_mm256_castps256_ps128(a), _mm256_castps256_ps128(c), _mm256_castps256_ps128(b));
      _mm256_storeu_ps(o, _mm256_add_ps(_mm256_xor_ps(r1, r2), _mm256_xor_ps(r3, r4)));
      for (int k = 0; k < 8; k++) mix(fbits(o[k]));
      _mm_storeu_ps(o, r5);
      for (int k = 0; k < 4; k++) mix(fbits(o[k]));
      mix(get_mxcsr() & 0x3f);
    }
    printf(" %016llx", (unsigned long long)hash);
  }
  printf("\n");
}
#endif

int main(void) {
  static const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
  static const char *names[] = {"nearest", "down", "up", "zero"};
  unsigned mx0 = get_mxcsr();
  {
    for (int m = 0; m < 4; m++) {
      for (int clear = 0; clear < 2; clear++) {
        /* DAZ and FTZ as well, rounding to nearest */
        for (int daz = 0; daz < (m == 0 ? 2 : 1); daz++) {
          set_mxcsr(mx0);
          fesetround(modes[m]);
          if (daz) set_mxcsr(get_mxcsr() | 0x8040);
          feclearexcept(FE_ALL_EXCEPT);
          if (!clear) { volatile double one = 1.0, three = 3.0; volatile double x = one / three; (void)x; } /* PE raised */
          printf("%s%s%s double", names[m], clear ? " cleared" : " raised", daz ? " daz ftz" : "");
          doubles(clear);
          printf("%s%s%s float", names[m], clear ? " cleared" : " raised", daz ? " daz ftz" : "");
          floats(clear);
#ifdef __FMA__
          printf("%s%s%s fma", names[m], clear ? " cleared" : " raised", daz ? " daz ftz" : "");
          fmas(clear);
#endif
        }
      }
    }
  }
  set_mxcsr(mx0);
  return 0;
}
