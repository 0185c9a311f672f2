// x87 instructions through inline assembly: FXAM, FPREM/FPREM1, FBSTP/FBLD,
// the constants in every rounding mode, precision control, FCOMI/FUCOMI,
// FCMOVcc, FXTRACT/FSCALE, FISTTP, stack faults, exception flags,
// FNSTENV/FLDENV, FNSAVE/FRSTOR, and the transcendentals (printed to 12
// digits: xos computes them to double precision).
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct { uint64_t m; uint16_t se; } __attribute__((packed)) f80;

static void pbits(const char *tag, long double x) {
  f80 f;
  memcpy(&f, &x, 10);
  printf("%s %04x:%016llx\n", tag, f.se, (unsigned long long)f.m);
}
static long double mk(uint16_t se, uint64_t m) {
  long double x = 0;
  f80 f = {m, se};
  memcpy(&x, &f, 10);
  return x;
}
static uint16_t sw(void) { uint16_t s; __asm__ volatile("fnstsw %0" : "=m"(s)); return s; }
static void setcw(uint16_t c) { __asm__ volatile("fldcw %0" : : "m"(c)); }
static uint16_t getcw(void) { uint16_t c; __asm__ volatile("fnstcw %0" : "=m"(c)); return c; }
static void clex(void) { __asm__ volatile("fnclex"); }

static const char *cls(uint16_t s) {
  switch (((s >> 14) & 1) << 2 | ((s >> 10) & 1) << 1 | ((s >> 8) & 1)) {
    case 0: return "unsupported";
    case 1: return "nan";
    case 2: return "normal";
    case 3: return "infinity";
    case 4: return "zero";
    case 5: return "empty";
    case 6: return "denormal";
  }
  return "?";
}

static void fxam(const char *tag, long double x) {
  uint16_t s;
  __asm__ volatile("fxam\n\tfnstsw %0" : "=m"(s) : "t"(x));
  printf("fxam %-12s %s sign=%d\n", tag, cls(s), (s >> 9) & 1);
}

static long double fprem(long double a, long double b, uint16_t *s) {
  long double r;
  __asm__ volatile("fprem\n\tfnstsw %1" : "=t"(r), "=m"(*s) : "0"(a), "u"(b));
  return r;
}
static long double fprem1(long double a, long double b, uint16_t *s) {
  long double r;
  __asm__ volatile("fprem1\n\tfnstsw %1" : "=t"(r), "=m"(*s) : "0"(a), "u"(b));
  return r;
}

int main(void) {
  // FXAM
  fxam("zero", 0.0L); fxam("-zero", -0.0L); fxam("one", 1.0L); fxam("-inf", -INFINITY); fxam("nan", NAN);
  fxam("denormal", LDBL_TRUE_MIN); fxam("unnormal", mk(0x3fff, 0x4000000000000000ULL));
  fxam("pseudo-den", mk(0x0000, 0x8000000000000001ULL)); fxam("snan", mk(0x7fff, 0x8000000000000001ULL));
  {
    uint16_t s;
    __asm__ volatile("fldz\n\tffree %%st(0)\n\tfxam\n\tfnstsw %0\n\tfincstp" : "=m"(s));
    printf("fxam empty %s\n", cls(s));
  }

  // FPREM / FPREM1 with the quotient bits, and a partial remainder
  static const long double pa[] = {10.0L, -10.0L, 7.5L, 1e30L, 1e4000L, 3.0L, 0.0L, 5.0L};
  static const long double pb[] = {3.0L, 3.0L, 2.0L, 0.7L, 3.0L, 2.0L, 1.0L, INFINITY};
  for (int i = 0; i < 8; i++) {
    uint16_t s1, s2;
    long double r1 = fprem(pa[i], pb[i], &s1), r2 = fprem1(pa[i], pb[i], &s2);
    printf("fprem %d: sw %04x sw1 %04x ", i, s1 & 0x4700, s2 & 0x4700);
    pbits("", r1);
    pbits("  fprem1", r2);
  }

  // FBSTP / FBLD
  static const long double bv[] = {0.0L, -0.0L, 1234567890.4L, -987654321987654321.0L, 2.5L, -3.5L, 1e18L, 1e17L + 0.5L, NAN};
  for (int i = 0; i < 9; i++) {
    unsigned char bcd[10];
    long double back;
    clex();
    __asm__ volatile("fbstp %0" : "=m"(bcd) : "t"(bv[i]) : "st");
    uint16_t s = sw();
    __asm__ volatile("fbld %1" : "=t"(back) : "m"(bcd));
    printf("fbstp %d: ", i);
    for (int k = 9; k >= 0; k--) printf("%02x", bcd[k]);
    printf(" sw %02x ", s & 0x3f);
    pbits("back", back);
  }

  // constants in the four rounding modes, and under precision control
  uint16_t cw0 = getcw();
  for (int rc = 0; rc < 4; rc++) {
    setcw((cw0 & ~0xc00) | rc << 10);
    long double c[7];
    __asm__ volatile("fld1" : "=t"(c[0]));
    __asm__ volatile("fldl2t" : "=t"(c[1]));
    __asm__ volatile("fldl2e" : "=t"(c[2]));
    __asm__ volatile("fldpi" : "=t"(c[3]));
    __asm__ volatile("fldlg2" : "=t"(c[4]));
    __asm__ volatile("fldln2" : "=t"(c[5]));
    __asm__ volatile("fldz" : "=t"(c[6]));
    for (int k = 0; k < 7; k++) { char t[32]; snprintf(t, sizeof t, "rc%d const%d", rc, k); pbits(t, c[k]); }
    volatile long double one = 1, three = 3;
    for (int pc = 0; pc < 4; pc++) {
      setcw((cw0 & ~0xf00) | rc << 10 | pc << 8);
      long double q = one / three, sq = sqrtl(three), sm = one + 0x1p-40L;
      setcw((cw0 & ~0xc00) | rc << 10);
      char t[32];
      snprintf(t, sizeof t, "rc%d pc%d 1/3", rc, pc); pbits(t, q);
      snprintf(t, sizeof t, "rc%d pc%d sqrt3", rc, pc); pbits(t, sq);
      snprintf(t, sizeof t, "rc%d pc%d 1+2^-40", rc, pc); pbits(t, sm);
    }
  }
  setcw(cw0);

  // FCOMI / FUCOMI / FCOMIP flags, FCOM condition codes
  static const long double ca[] = {1.0L, 2.0L, 1.0L, NAN, -0.0L};
  static const long double cb[] = {2.0L, 1.0L, 1.0L, 1.0L, 0.0L};
  for (int i = 0; i < 5; i++) {
    uint64_t f1, f2;
    clex();
    __asm__ volatile("fucomi %%st(1), %%st\n\tpushfq\n\tpopq %0" : "=r"(f1) : "t"(ca[i]), "u"(cb[i]) : "cc");
    uint16_t s1 = sw();
    clex();
    __asm__ volatile("fcomi %%st(1), %%st\n\tpushfq\n\tpopq %0" : "=r"(f2) : "t"(ca[i]), "u"(cb[i]) : "cc");
    uint16_t s2 = sw();
    uint16_t s3;
    clex();
    __asm__ volatile("fcom %%st(1)\n\tfnstsw %0" : "=m"(s3) : "t"(ca[i]), "u"(cb[i]));
    printf("cmp %d: fucomi %03llx ie=%d fcomi %03llx ie=%d fcom %04x\n", i, (unsigned long long)(f1 & 0x8d5), s1 & 1,
           (unsigned long long)(f2 & 0x8d5), s2 & 1, s3 & 0x4701);
  }
  clex();

  // FCMOVcc
  {
    long double r;
    int a = 1, b = 2;
    __asm__ volatile("cmpl %2, %1\n\tfcmovb %%st(1), %%st" : "=t"(r) : "r"(a), "r"(b), "0"(10.0L), "u"(20.0L) : "cc");
    printf("fcmovb %Lg\n", r);
    __asm__ volatile("cmpl %2, %1\n\tfcmove %%st(1), %%st" : "=t"(r) : "r"(a), "r"(b), "0"(10.0L), "u"(20.0L) : "cc");
    printf("fcmove %Lg\n", r);
    __asm__ volatile("cmpl %2, %1\n\tfcmovnbe %%st(1), %%st" : "=t"(r) : "r"(b), "r"(a), "0"(10.0L), "u"(20.0L) : "cc");
    printf("fcmovnbe %Lg\n", r);
  }

  // FXTRACT, FSCALE, FRNDINT, FISTTP
  static const long double xv[] = {1.0L, 12345.678L, -0.001L, LDBL_TRUE_MIN, LDBL_MAX};
  for (int i = 0; i < 5; i++) {
    long double sig, ex;
    __asm__ volatile("fxtract" : "=t"(sig), "=u"(ex) : "0"(xv[i]));
    pbits("fxtract sig", sig);
    pbits("fxtract exp", ex);
    long double sc;
    __asm__ volatile("fscale" : "=t"(sc) : "0"(xv[i]), "u"(-20.7L));
    pbits("fscale", sc);
    long long t;
    __asm__ volatile("fisttpll %0" : "=m"(t) : "t"(xv[i] * 1000) : "st");
    printf("fisttp %lld\n", t);
  }

  // stack faults: nine pushes overflow, then pop ten times
  {
    uint16_t s1, s2, t1;
    clex();
    __asm__ volatile(
        "fld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\t"
        "fnstsw %0\n\tfxam\n\tfnstsw %2\n\t"
        "fstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\t"
        "fnclex\n\tfadd %%st(0), %%st(0)\n\tfnstsw %1\n\tffree %%st(0)\n\tfnclex"
        : "=m"(s1), "=m"(s2), "=m"(t1));
    printf("overflow sw %04x (%s), underflow sw %04x\n", s1 & 0x7fff, cls(t1), s2 & 0x7fff);
  }

  // exception flags
  {
    volatile long double z = 0, one = 1, big = LDBL_MAX, small = LDBL_MIN, inf = INFINITY;
    long double r;
    clex(); r = one / z; printf("1/0: %04x %Lg\n", sw() & 0x3f, r);
    clex(); r = inf - inf; printf("inf-inf: %04x %d\n", sw() & 0x3f, isnan(r));
    clex(); r = one / 3; printf("1/3: %04x\n", sw() & 0x3f);
    clex(); r = big * 2; printf("max*2: %04x %Lg\n", sw() & 0x3f, r);
    clex(); r = small / 3; printf("min/3: %04x %Lg\n", sw() & 0x3f, r);
    clex(); r = sqrtl(-one); printf("sqrt(-1): %04x %d\n", sw() & 0x3f, isnan(r));
    clex(); r = small * small; printf("min*min: %04x %Lg\n", sw() & 0x3f, r);
    clex();
  }

  // FNSTENV / FLDENV, FNSAVE / FRSTOR
  {
    uint32_t env[7];
    unsigned char st[108];
    long double a = 1.5L, b;
    clex();
    setcw(0x272);
    __asm__ volatile("fldt %1\n\tfld %%st(0)\n\tfnstenv %0" : "=m"(env) : "m"(a));
    printf("fnstenv cw %04x sw %04x tw %04x cw after %04x\n", env[0] & 0xffff, env[1] & 0x38ff, env[2] & 0xffff,
           getcw());
    __asm__ volatile("fldenv %0" : : "m"(env));
    printf("fldenv cw %04x\n", getcw());
    __asm__ volatile("fnsave %0" : "=m"(st));
    printf("after fnsave cw %04x sw %04x\n", getcw(), sw());
    printf("saved cw %02x%02x sw %02x%02x tw %02x%02x st0 ", st[1], st[0], st[5] & 0x38, st[4], st[9], st[8]);
    for (int k = 9; k >= 0; k--) printf("%02x", st[28 + k]);
    printf("\n");
    __asm__ volatile("frstor %0" : : "m"(st));
    __asm__ volatile("fstpt %0\n\tfstp %%st(0)" : "=m"(b));
    printf("frstor cw %04x value %Lg\n", getcw(), b);
    setcw(cw0);
  }

  // transcendentals (12 digits)
  static const long double tv[] = {0.5L, 1.0L, -2.0L, 10.0L, 0.001L, 100.25L};
  for (int i = 0; i < 6; i++) {
    long double x = tv[i];
    printf("x=%Lg sin %.12Lg cos %.12Lg tan %.12Lg atan %.12Lg atan2 %.12Lg exp %.12Lg exp2 %.12Lg\n", x, sinl(x), cosl(x),
           tanl(x), atanl(x), atan2l(x, 3), expl(x / 10), exp2l(x / 10));
    long double ax = fabsl(x);
    printf("  log %.12Lg log2 %.12Lg log10 %.12Lg log1p %.12Lg pow %.12Lg expm1 %.12Lg\n", logl(ax), log2l(ax), log10l(ax),
           log1pl(ax / 100), powl(ax, 1.5L), expm1l(x / 100));
    long double s, c;
    __asm__ volatile("fsincos" : "=t"(c), "=u"(s) : "0"(x));
    printf("  fsincos %.12Lg %.12Lg\n", s, c);
    long double t, one;
    __asm__ volatile("fptan" : "=t"(one), "=u"(t) : "0"(x));
    printf("  fptan %.12Lg %Lg\n", t, one);
    long double f;
    __asm__ volatile("f2xm1" : "=t"(f) : "0"(x / 200));
    printf("  f2xm1 %.12Lg\n", f);
    long double l;
    __asm__ volatile("fyl2x" : "=t"(l) : "0"(ax), "u"(3.0L) : "st(1)");
    printf("  fyl2x %.12Lg\n", l);
    __asm__ volatile("fyl2xp1" : "=t"(l) : "0"(x / 1000), "u"(3.0L) : "st(1)");
    printf("  fyl2xp1 %.12Lg\n", l);
    __asm__ volatile("fpatan" : "=t"(l) : "0"(x), "u"(-2.0L) : "st(1)");
    printf("  fpatan %.12Lg\n", l);
  }
  {
    uint16_t s;
    long double big = 0x1p70L, r;
    __asm__ volatile("fsin\n\tfnstsw %1" : "=t"(r), "=m"(s) : "0"(big));
    printf("fsin 2^70: c2=%d unchanged=%d\n", (s >> 10) & 1, r == big);
  }
  return 0;
}
