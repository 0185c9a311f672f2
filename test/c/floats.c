/* printf and strtod of doubles in many formats, plus correctly-rounded
 * arithmetic (no transcendental libm functions: glibc and musl may differ
 * in the last bit there).  NaN signs and subnormal %a spellings differ
 * between libcs, so those are not printed. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile double vals[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, -2.5, 3.14159265358979323846, 2.718281828459045, 1e-5, 123456.789,
    1e15, 1e16, 1e17, 1e21, 1e22, 1e23, 9007199254740993.0, 4503599627370496.5, 0.3, 2.0 / 3.0, 1.0 / 3.0,
    DBL_MAX, DBL_MIN, DBL_EPSILON, 5e-324, 2.2250738585072009e-308, 1e300, 6.02214076e23, 0.000123456789,
    999.9995, 0.125, 1e-300, 4.35, 100.0, 65536.0,
};
#define NV (sizeof vals / sizeof vals[0])

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

int main(void) {
    for (unsigned i = 0; i < NV; i++) {
        double d = vals[i];
        printf("%u: %g|%.0g|%.3g|%.17g|%e|%.0e|%.10e|%f|%.2f|%.0f|%12.4f|%-12.3e|%+g|% g\n", i, d, d, d, d, d, d, d,
               fabs(d) < 1e30 ? d : 0.0, d, d, d, d, d, d);
        if (fabs(d) >= DBL_MIN || d == 0) printf("%u: %a|%.3a|%.0a|%A\n", i, d, d, d, d);
    }
    /* %f of huge values: exact decimal expansion */
    printf("big %f\n", 1e300);
    printf("max %.0f\n", DBL_MAX);
    printf("tiny %.30f %.1075g\n", 1e-20, 0.1);
    printf("round %.1f %.1f %.1f %.2f %.2f %.0f %.0f %.0f\n", 0.25, 0.35, 0.05, 1.005, 2.675, 0.5, 1.5, 2.5);
    printf("inf %f %e %g %F %E %G\n", (double)INFINITY, -(double)INFINITY, (double)INFINITY, (double)INFINITY, (double)INFINITY, -(double)INFINITY);
    printf("float %g %.9g %f\n", (double)1.1f, (double)1.1f, (double)FLT_MAX);
    printf("width [%10.3f] [%-10.3f] [%010.3f] [%+.3e] [%#.0f] [%#g] [%#x]\n", 3.14159, 3.14159, -3.14159, 12345.6789, 3.0, 1.0, 255);

    /* round trips: shortest %.17g, then strtod back must give the same bits */
    int bad = 0;
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 20000; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        uint64_t u = s & 0x7fefffffffffffffull; /* finite */
        double d; memcpy(&d, &u, 8);
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", d);
        if (bits(strtod(buf, NULL)) != u) bad++;
        snprintf(buf, sizeof buf, "%a", d);
        if (bits(strtod(buf, NULL)) != u) bad++;
    }
    printf("roundtrip bad=%d\n", bad);

    const char *inputs[] = {
        "0", "-0", "1", "0.1", "1e23", "8.98846567431158e307", "2.2250738585072011e-308", "2.2250738585072012e-308",
        "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
        "1.7976931348623158e308", "1.7976931348623159e308", "9007199254740993", "9007199254740992.9999999999",
        "0x1.8p1", "0X1P-1074", "0x1.fffffffffffffp1023", "  +12.5e-1xyz", "-.5", "5.", "1e", "inf", "-Infinity", "nan",
        "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "0.000000000000000000000000000001",
        "3.1415926535897932384626433832795028841971", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126",
    };
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char *end; errno = 0;
        double d = strtod(inputs[i], &end);
        int erange = errno == ERANGE;
        if (isnan(d)) printf("strtod \"%s\" -> nan used=%ld\n", inputs[i], (long)(end - inputs[i]));
        else printf("strtod \"%s\" -> %016llx %.17g used=%ld erange=%d\n", inputs[i], (unsigned long long)bits(d), d,
                    (long)(end - inputs[i]), (isinf(d) || d == 0) ? erange : -1); /* ERANGE for subnormal results differs by libc */
    }
    printf("strtof %.9g %.9g atof %.17g\n", (double)strtof("0.1", NULL), (double)strtof("3.4028235e38", NULL), atof("2.5e-3"));

    /* correctly rounded arithmetic and conversions */
    volatile double x = 2.0, y = 3.0, z = 1e308, w = -7.5;
    printf("sqrt %.17g %.17g\n", sqrt(x), sqrt(y * 1e10));
    printf("ops %.17g %.17g %.17g %.17g\n", x / y, z * 10.0, -z * 10.0, 1.0 / (z * 10.0));
    printf("fma %.17g\n", fma(0.1, 10.0, -1.0));
    printf("rnd %g %g %g %g %g %g %g %g\n", floor(w), ceil(w), trunc(w), round(w), rint(w), nearbyint(2.5), round(2.5), rint(3.5));
    printf("fmod %g %g %g\n", fmod(7.5, 2.0), fmod(-7.5, 2.0), remainder(7.5, 2.0));
    int e; double m = frexp(1234.5, &e); double ip; double fp = modf(-3.75, &ip);
    printf("frexp %g %d ldexp %g modf %g %g\n", m, e, ldexp(0.75, 10), ip, fp);
    printf("cvt %lld %lld %llu %d %u\n", (long long)w, (long long)(double)(1ll << 62), (unsigned long long)(double)1.8e19,
           (int)-2.9, (unsigned)3e9);
    printf("i2f %.17g %.17g %.17g %.9g\n", (double)(int64_t)-9007199254740993ll, (double)(uint64_t)18446744073709551615ull,
           (double)(uint64_t)9223372036854777856ull, (double)(float)(uint32_t)4294967295u);
    printf("cmp %d %d %d %d\n", 0.0 == -0.0, signbit(-0.0) != 0, isinf(z * 10.0) != 0, isnan(z * 10.0 - z * 10.0) != 0);
    float f = 16777217.0f; volatile float fa = 0.1f, fb = 0.2f;
    printf("flt %.9g %.9g %.9g\n", (double)f, (double)(fa + fb), (double)sqrtf(2.0f));
    return 0;
}
