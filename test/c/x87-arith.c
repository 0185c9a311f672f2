// x87 arithmetic through long double: the four operations, sqrtl, remainders,
// rounding to integers in every rounding mode, frexpl/ldexpl, nextafterl,
// comparisons and conversions. Results are printed as raw bits (sign/exponent
// and significand) and in decimal, so glibc and musl print the same thing.
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void bits(const char *tag, long double x) {
  unsigned char b[16] = {0};
  memcpy(b, &x, 10);
  uint64_t m;
  uint16_t se;
  memcpy(&m, b, 8);
  memcpy(&se, b + 8, 2);
  printf("%s %04x:%016llx", tag, se, (unsigned long long)m);
  if (isnan(x)) printf(" nan\n");
  else printf(" %.25Lg\n", x);
}

static volatile long double vals[] = {
  0.0L, -0.0L, 1.0L, -1.0L, 3.0L, 0.1L, -7.25L, 1e10L, 123456789.123456789L,
  1.0L / 3.0L, 2.0L / 3.0L, 3.14159265358979323846264338327950288L, 1e-300L, 1e300L,
  1e4000L, -1e-4000L, LDBL_MAX, -LDBL_MAX, LDBL_MIN, LDBL_TRUE_MIN, LDBL_EPSILON,
  18446744073709551615.0L, 9223372036854775807.0L, -9223372036854775808.0L, 0.5L, 2.5L, -3.5L,
  4503599627370497.5L, 1.0000000000000000001L,
};
#define NV (sizeof vals / sizeof vals[0])

static const char *modeName(int m) {
  return m == FE_TONEAREST ? "near" : m == FE_DOWNWARD ? "down" : m == FE_UPWARD ? "up" : "zero";
}
static const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};

int main(void) {
  char tag[64];
  // the four operations on every pair of a subset
  for (unsigned i = 0; i < NV; i += 2) {
    for (unsigned j = 1; j < NV; j += 3) {
      long double a = vals[i], b = vals[j];
      snprintf(tag, sizeof tag, "%u+%u", i, j); bits(tag, a + b);
      snprintf(tag, sizeof tag, "%u-%u", i, j); bits(tag, a - b);
      snprintf(tag, sizeof tag, "%u*%u", i, j); bits(tag, a * b);
      snprintf(tag, sizeof tag, "%u/%u", i, j); bits(tag, a / b);
    }
  }
  // the same operations in every rounding mode
  for (int k = 0; k < 4; k++) {
    fesetround(modes[k]);
    volatile long double one = 1, three = 3, ten = 10, big = LDBL_MAX, tiny = LDBL_MIN;
    snprintf(tag, sizeof tag, "%s 1/3", modeName(modes[k])); bits(tag, one / three);
    snprintf(tag, sizeof tag, "%s -1/3", modeName(modes[k])); bits(tag, -one / three);
    snprintf(tag, sizeof tag, "%s 1/10", modeName(modes[k])); bits(tag, one / ten);
    snprintf(tag, sizeof tag, "%s max*3", modeName(modes[k])); bits(tag, big * three);
    snprintf(tag, sizeof tag, "%s min/3", modeName(modes[k])); bits(tag, tiny / three);
    snprintf(tag, sizeof tag, "%s 1+eps/3", modeName(modes[k])); bits(tag, one + LDBL_EPSILON / three);
    snprintf(tag, sizeof tag, "%s sqrt3", modeName(modes[k])); bits(tag, sqrtl(three));
    snprintf(tag, sizeof tag, "%s sqrt10", modeName(modes[k])); bits(tag, sqrtl(ten));
    for (int v = 0; v < 8; v++) {
      volatile long double x = (long double)(v - 4) * 0.75L + 0.25L; // -2.75 .. 2.5
      printf("%s rint(%Lg)=%Lg nearbyint=%Lg lrint=%ld llrint=%lld\n", modeName(modes[k]), x, rintl(x), nearbyintl(x),
             lrintl(x), llrintl(x));
    }
    volatile double d = 1.0 / 3.0;
    volatile long double third = one / three;
    printf("%s (double)1/3=%a (float)=%a\n", modeName(modes[k]), (double)third, (float)third);
    printf("%s d=%a\n", modeName(modes[k]), d);
  }
  fesetround(FE_TONEAREST);
  // sqrt, remainders, frexp/ldexp, nextafter
  for (unsigned i = 0; i < NV; i++) {
    long double a = vals[i];
    int e;
    snprintf(tag, sizeof tag, "sqrt %u", i); bits(tag, sqrtl(fabsl(a)));
    snprintf(tag, sizeof tag, "fmod %u", i); bits(tag, fmodl(a, 0.7L));
    snprintf(tag, sizeof tag, "rem %u", i); bits(tag, remainderl(a, 0.7L));
    snprintf(tag, sizeof tag, "fmodbig %u", i); bits(tag, fmodl(1e4000L, a == 0 ? 1 : a));
    snprintf(tag, sizeof tag, "frexp %u", i); bits(tag, frexpl(a, &e)); printf("  e=%d\n", e);
    snprintf(tag, sizeof tag, "ldexp %u", i); bits(tag, ldexpl(a, 100));
    snprintf(tag, sizeof tag, "ldexp- %u", i); bits(tag, ldexpl(a, -16000));
    snprintf(tag, sizeof tag, "next %u", i); bits(tag, nextafterl(a, 0));
    snprintf(tag, sizeof tag, "next+ %u", i); bits(tag, nextafterl(a, INFINITY));
    snprintf(tag, sizeof tag, "floor %u", i); bits(tag, floorl(a));
    snprintf(tag, sizeof tag, "ceil %u", i); bits(tag, ceill(a));
    snprintf(tag, sizeof tag, "trunc %u", i); bits(tag, truncl(a));
    snprintf(tag, sizeof tag, "round %u", i); bits(tag, roundl(a));
  }
  // comparisons, NaN included
  volatile long double nan = NAN, inf = INFINITY;
  for (unsigned i = 0; i < NV; i += 3) {
    long double a = vals[i], b = vals[(i * 7 + 1) % NV];
    printf("cmp %u: %d%d%d%d%d%d nan:%d%d%d%d inf:%d%d\n", i, a < b, a <= b, a == b, a != b, a > b, a >= b,
           a < nan, a == nan, a != nan, isunordered(a, nan), a < inf, a > -inf);
  }
  // conversions
  for (unsigned i = 0; i < NV; i++) {
    long double a = vals[i];
    if (fabsl(a) < 2e9L) printf("int %u: %d\n", i, (int)a);
    if (fabsl(a) < 9e18L) printf("ll %u: %lld\n", i, (long long)a);
    if (a >= 0 && a < 1.8e19L) printf("ull %u: %llu\n", i, (unsigned long long)a);
    printf("double %u: %a float %a\n", i, (double)a, (float)a);
  }
  static volatile long long ll[] = {0, 1, -1, 9223372036854775807LL, -9223372036854775807LL - 1, 123456789012345678LL};
  static volatile unsigned long long ull[] = {0, 18446744073709551615ULL, 9223372036854775808ULL, 12345678901234567890ULL};
  static volatile int ii[] = {0, -2147483647 - 1, 2147483647, 42};
  static volatile double dd[] = {0.1, -1e-310, 1e308, 5e-324};
  static volatile float ff[] = {0.1f, -1e-40f, 3e38f};
  for (unsigned i = 0; i < 6; i++) { snprintf(tag, sizeof tag, "from ll %u", i); bits(tag, (long double)ll[i]); }
  for (unsigned i = 0; i < 4; i++) { snprintf(tag, sizeof tag, "from ull %u", i); bits(tag, (long double)ull[i]); }
  for (unsigned i = 0; i < 4; i++) { snprintf(tag, sizeof tag, "from int %u", i); bits(tag, (long double)ii[i]); }
  for (unsigned i = 0; i < 4; i++) { snprintf(tag, sizeof tag, "from double %u", i); bits(tag, (long double)dd[i]); }
  for (unsigned i = 0; i < 3; i++) { snprintf(tag, sizeof tag, "from float %u", i); bits(tag, (long double)ff[i]); }
  // a running sum and product
  long double s = 0, p = 1;
  for (int k = 1; k <= 1000; k++) { s += 1.0L / k; p *= 1.0L + 1.0L / (k * (long double)k); }
  bits("harmonic", s);
  bits("product", p);
  printf("%.30Le %.30Le\n", s, p);
  printf("%Lf %Lg %Le\n", LDBL_MAX / 1e4900L, (long double)1 / 7, LDBL_MAX);
  return 0;
}
