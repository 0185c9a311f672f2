/* Integer edge cases: wrap-around, shifts, multiply-high, division at every
 * width, bit-counting builtins, byte swaps, rotates.  Inputs go through
 * volatile so the compiler cannot fold everything at compile time. */
#include <stdint.h>
#include <stdio.h>
#include <limits.h>

static volatile uint64_t vals64[] = {
    0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x7fffffffu, 0x80000000u, 0xffffffffu, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x5555555555555555ull,
    0xaaaaaaaaaaaaaaaaull, 1000000007ull, 0xdeadbeefcafebabeull,
    0xfffffffffffffffeull, 0x8000000000000001ull, 12345678901234567ull,
};
#define NV (sizeof vals64 / sizeof vals64[0])

static uint64_t h = 1469598103934665603ull; /* FNV-1a over everything */
static void mix(uint64_t x) {
    for (int i = 0; i < 8; i++) { h ^= (x >> (8 * i)) & 0xff; h *= 1099511628211ull; }
}

static __attribute__((noinline)) uint64_t rotl64(uint64_t x, unsigned r) { r &= 63; return r ? (x << r) | (x >> (64 - r)) : x; }
static __attribute__((noinline)) uint32_t rotl32(uint32_t x, unsigned r) { r &= 31; return r ? (x << r) | (x >> (32 - r)) : x; }
static __attribute__((noinline)) uint16_t rotr16(uint16_t x, unsigned r) { r &= 15; return r ? (uint16_t)((x >> r) | (x << (16 - r))) : x; }
static __attribute__((noinline)) uint8_t rotr8(uint8_t x, unsigned r) { r &= 7; return r ? (uint8_t)((x >> r) | (x << (8 - r))) : x; }

int main(void) {
    /* unsigned wrap-around */
    volatile uint8_t u8 = 250; volatile uint16_t u16 = 65530; volatile uint32_t u32 = 4294967290u; volatile uint64_t u64 = 18446744073709551610ull;
    printf("wrap8 %u %u\n", (unsigned)(uint8_t)(u8 + 10), (unsigned)(uint8_t)(u8 * 3));
    printf("wrap16 %u %u\n", (unsigned)(uint16_t)(u16 + 10), (unsigned)(uint16_t)(u16 * 3));
    printf("wrap32 %u %u %u\n", u32 + 10, u32 * 3, 0u - u32);
    printf("wrap64 %llu %llu %llu\n", (unsigned long long)(u64 + 10), (unsigned long long)(u64 * 3), (unsigned long long)(0 - u64));

    /* extreme signed values printed */
    volatile int64_t smin = INT64_MIN, smax = INT64_MAX;
    volatile int32_t imin = INT32_MIN, imax = INT32_MAX;
    printf("limits %lld %lld %d %d\n", (long long)smin, (long long)smax, imin, imax);
    printf("neg %lld %d\n", (long long)(smin + 1) * -1, -(imin + 1));

    /* shifts: all counts, logical and arithmetic */
    for (unsigned s = 0; s < 64; s += 7) {
        volatile int64_t sv = (int64_t)0xf23456789abcdef0ull;
        printf("shift%u %016llx %016llx %016llx\n", s,
               (unsigned long long)(vals64[20] << s), (unsigned long long)(vals64[20] >> s),
               (unsigned long long)(sv >> s));
    }
    for (unsigned s = 0; s < 32; s += 5) {
        volatile int32_t sv = (int32_t)0x87654321u;
        printf("shift32_%u %08x %08x %08x\n", s, (uint32_t)vals64[19] << s, (uint32_t)vals64[19] >> s, (uint32_t)(sv >> s));
    }

    /* multiply high and full 128-bit products */
    for (unsigned i = 0; i < NV; i += 3) {
        for (unsigned j = 1; j < NV; j += 4) {
            unsigned __int128 p = (unsigned __int128)vals64[i] * vals64[j];
            __int128 sp = (__int128)(int64_t)vals64[i] * (int64_t)vals64[j];
            mix((uint64_t)(p >> 64)); mix((uint64_t)p);
            mix((uint64_t)((unsigned __int128)sp >> 64)); mix((uint64_t)sp);
        }
    }
    {
        unsigned __int128 p = (unsigned __int128)vals64[18] * vals64[18];
        __int128 sp = (__int128)(int64_t)vals64[17] * (int64_t)vals64[17];
        __int128 sn = (__int128)(int64_t)vals64[17] * (int64_t)vals64[16];
        printf("mulhi %016llx %016llx\n", (unsigned long long)(p >> 64), (unsigned long long)p);
        printf("smulhi %016llx %016llx\n", (unsigned long long)((unsigned __int128)sp >> 64), (unsigned long long)sp);
        printf("smulhi2 %016llx %016llx\n", (unsigned long long)((unsigned __int128)sn >> 64), (unsigned long long)sn);
    }
    /* 128/64 division through __int128 (calls libgcc's __udivti3) */
    {
        unsigned __int128 n = ((unsigned __int128)vals64[20] << 64) | vals64[19];
        unsigned __int128 q = n / vals64[23], r = n % vals64[23];
        printf("div128 %016llx%016llx %016llx\n", (unsigned long long)(q >> 64), (unsigned long long)q, (unsigned long long)r);
    }

    /* division and modulo at each width, signed and unsigned */
    for (unsigned i = 0; i < NV; i++) {
        for (unsigned j = 0; j < NV; j++) {
            uint64_t a = vals64[i], b = vals64[j];
            if (b == 0) continue;
            mix(a / b); mix(a % b);
            int64_t sa = (int64_t)a, sb = (int64_t)b;
            if (!(sa == INT64_MIN && sb == -1)) { mix((uint64_t)(sa / sb)); mix((uint64_t)(sa % sb)); }
            uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
            if (b32) {
                mix(a32 / b32); mix(a32 % b32);
                int32_t sa32 = (int32_t)a32, sb32 = (int32_t)b32;
                if (!(sa32 == INT32_MIN && sb32 == -1)) { mix((uint32_t)(sa32 / sb32)); mix((uint32_t)(sa32 % sb32)); }
            }
            uint16_t a16 = (uint16_t)a, b16 = (uint16_t)b;
            if (b16) {
                mix(a16 / b16); mix(a16 % b16);
                int16_t sa16 = (int16_t)a16, sb16 = (int16_t)b16;
                mix((uint16_t)(int16_t)(sa16 / sb16)); mix((uint16_t)(int16_t)(sa16 % sb16));
            }
            uint8_t a8 = (uint8_t)a, b8 = (uint8_t)b;
            if (b8) {
                mix(a8 / b8); mix(a8 % b8);
                int8_t sa8 = (int8_t)a8, sb8 = (int8_t)b8;
                mix((uint8_t)(int8_t)(sa8 / sb8)); mix((uint8_t)(int8_t)(sa8 % sb8));
            }
        }
    }
    printf("divs -7/2=%d -7%%2=%d 7/-2=%d 7%%-2=%d\n", (int)((int32_t)-7 / (int32_t)(int)vals64[2]),
           (int)((int32_t)-7 % (int32_t)(int)vals64[2]), (int)(7 / -(int32_t)(int)vals64[2]), (int)(7 % -(int32_t)(int)vals64[2]));
    {
        volatile int64_t a = INT64_MIN, b = 7; volatile int8_t c = -128, d = 3;
        printf("divs64 %lld %lld divs8 %d %d\n", (long long)(a / b), (long long)(a % b), c / d, c % d);
    }

    /* bit-counting builtins */
    for (unsigned i = 0; i < NV; i++) {
        uint64_t v = vals64[i];
        int clz = v ? __builtin_clzll(v) : -1, ctz = v ? __builtin_ctzll(v) : -1;
        uint32_t v32 = (uint32_t)v;
        int clz32 = v32 ? __builtin_clz(v32) : -1, ctz32 = v32 ? __builtin_ctz(v32) : -1;
        printf("bits %016llx clz=%d ctz=%d pop=%d par=%d clz32=%d ctz32=%d pop32=%d ffs=%d clrsb=%d\n",
               (unsigned long long)v, clz, ctz, __builtin_popcountll(v), __builtin_parityll(v),
               clz32, ctz32, __builtin_popcount(v32), __builtin_ffsll((long long)v), __builtin_clrsbll((long long)v));
    }

    /* byte swaps */
    for (unsigned i = 15; i < 25; i++) {
        uint64_t v = vals64[i];
        printf("bswap %016llx %08x %04x\n", (unsigned long long)__builtin_bswap64(v),
               __builtin_bswap32((uint32_t)v), (unsigned)__builtin_bswap16((uint16_t)v));
    }

    /* rotates */
    for (unsigned r = 0; r < 70; r += 9) {
        printf("rot%u %016llx %08x %04x %02x\n", r, (unsigned long long)rotl64(vals64[19], r),
               rotl32((uint32_t)vals64[24], r), (unsigned)rotr16((uint16_t)vals64[20], r), (unsigned)rotr8((uint8_t)vals64[24], r));
    }

    /* sign/zero extension and conversions */
    for (unsigned i = 4; i < 12; i++) {
        uint64_t v = vals64[i];
        printf("ext %lld %lld %lld %llu\n", (long long)(int8_t)v, (long long)(int16_t)v, (long long)(int32_t)(v << 24),
               (unsigned long long)(uint32_t)(int32_t)(int8_t)v);
    }
    /* overflow-detecting builtins */
    {
        long long r1; unsigned long long r2; int r3;
        int o1 = __builtin_add_overflow((long long)vals64[16], 1LL, &r1);
        int o2 = __builtin_mul_overflow(vals64[14], vals64[14], &r2);
        int o3 = __builtin_sub_overflow((int)(int64_t)vals64[13] , 1, &r3);
        printf("ovf %d %lld %d %llu %d %d\n", o1, r1, o2, r2, o3, r3);
    }
    printf("hash %016llx\n", (unsigned long long)h);
    return 0;
}
