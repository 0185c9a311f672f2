#define _GNU_SOURCE
/* glibc's string functions (static glibc picks the AVX2/EVEX/SSE variants by CPUID) on
 * buffers that end right before an unmapped page and start at every alignment, with the
 * terminator / difference / match at every position. Prints a checksum line per function. */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <sys/mman.h>

#ifndef __GLIBC__
static void *rawmemchr(const void *s, int c) { return memchr(s, c, (size_t)PTRDIFF_MAX); }
#endif
/* glibc's AVX2 / SSE4.2 variants called directly as well (weak: absent with musl) */
#define VARIANTS(X) X(size_t, strlen, __strlen_avx2, (const char *)) X(size_t, strnlen, __strnlen_avx2, (const char *, size_t)) \
    X(char *, strchr, __strchr_avx2, (const char *, int)) X(char *, strrchr, __strrchr_avx2, (const char *, int)) \
    X(char *, strchrnul, __strchrnul_avx2, (const char *, int)) X(void *, memchr, __memchr_avx2, (const void *, int, size_t)) \
    X(void *, memrchr, __memrchr_avx2, (const void *, int, size_t)) X(void *, rawmemchr, __rawmemchr_avx2, (const void *, int)) \
    X(int, strcmp, __strcmp_avx2, (const char *, const char *)) X(int, strncmp, __strncmp_avx2, (const char *, const char *, size_t)) \
    X(int, memcmp, __memcmp_avx2_movbe, (const void *, const void *, size_t)) X(int, strcasecmp, __strcasecmp_avx2, (const char *, const char *)) \
    X(int, bcmp, __memcmp_avx2_movbe, (const void *, const void *, size_t)) \
    X(void *, memcpy, __memcpy_avx_unaligned_erms, (void *, const void *, size_t)) X(void *, memmove, __memmove_avx_unaligned_erms, (void *, const void *, size_t)) \
    X(void *, memset, __memset_avx2_unaligned_erms, (void *, int, size_t)) X(char *, stpcpy, __stpcpy_avx2, (char *, const char *)) \
    X(char *, strcpy, __strcpy_avx2, (char *, const char *)) X(size_t, wcslen, __wcslen_avx2, (const wchar_t *)) \
    X(wchar_t *, wcschr, __wcschr_avx2, (const wchar_t *, wchar_t)) X(int, wcscmp, __wcscmp_avx2, (const wchar_t *, const wchar_t *)) \
    X(int, wmemcmp, __wmemcmp_avx2_movbe, (const wchar_t *, const wchar_t *, size_t)) \
    X(size_t, strspn, __strspn_sse42, (const char *, const char *)) \
    X(size_t, strcspn, __strcspn_sse42, (const char *, const char *)) X(char *, strpbrk, __strpbrk_sse42, (const char *, const char *))
#define DECL(t, name, var, args) extern t var args __attribute__((weak));
VARIANTS(DECL)
static struct {
#define FIELD(t, name, var, args) t (*name) args;
    VARIANTS(FIELD)
} F;
#define strlen F.strlen
#define strnlen F.strnlen
#define strchr F.strchr
#define strrchr F.strrchr
#define strchrnul F.strchrnul
#define memchr F.memchr
#define memrchr F.memrchr
#define rawmemchr F.rawmemchr
#define strcmp F.strcmp
#define strncmp F.strncmp
#define memcmp F.memcmp
#define strcasecmp F.strcasecmp
#define bcmp F.bcmp
#define memcpy F.memcpy
#define memmove F.memmove
#define memset F.memset
#define stpcpy F.stpcpy
#define strcpy F.strcpy
#define wcslen F.wcslen
#define wcschr F.wcschr
#define wcscmp F.wcscmp
#define wmemcmp F.wmemcmp
#define strspn F.strspn
#define strcspn F.strcspn
#define strpbrk F.strpbrk

static unsigned char *page_end; /* first byte of the unmapped page */
static uint64_t h = 1469598103934665603ull;
static void mix(uint64_t v) { h ^= v; h *= 1099511628211ull; }
#define OPQ(p) __asm__ volatile("" : "+r"(p))

static int run(void) {
    unsigned char *m = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return 1;
    munmap(m + 2 * 4096, 4096);
    page_end = m + 2 * 4096;
    unsigned char *other = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(other + 2 * 4096, 4096);
    unsigned char *oend = other + 2 * 4096;
    const int MAXL = 300;
    /* strlen / strchr / strrchr / memchr / rawmemchr / strnlen: string of length n ending at the page end */
    h = 1469598103934665603ull;
    for (int n = 0; n <= MAXL; n++) {
        memset(m, 'a', 2 * 4096);
        char *s = (char *)page_end - n - 1;
        for (int i = 0; i < n; i++) s[i] = (char)('a' + (i * 7 + n) % 26);
        s[n] = 0;
        OPQ(s);
        mix(strlen(s));
        mix(strnlen(s, n / 2)); mix(strnlen(s, n + 5));
        char *p = strchr(s, 'q'); mix(p ? (uint64_t)(p - s) : 999);
        p = strchr(s, 0); mix((uint64_t)(p - s));
        p = strrchr(s, 'e'); mix(p ? (uint64_t)(p - s) : 999);
        p = strchrnul(s, 'z'); mix((uint64_t)(p - s));
        void *q = memchr(s, 'k', n + 1); mix(q ? (uint64_t)((char *)q - s) : 999);
        q = memchr(s, 0, n + 1); mix(q ? (uint64_t)((char *)q - s) : 999);
        q = memrchr(s, 'c', n + 1); mix(q ? (uint64_t)((char *)q - s) : 999);
        q = rawmemchr(s, 0); mix((uint64_t)((char *)q - s));
        /* a buffer without terminator filling up to the page end */
        unsigned char *b = page_end - n;
        q = memchr(b, 'Z', n); mix(q ? 1 : 0);
        if (n) b[n - 1] = 'Z';
        q = memchr(b, 'Z', n); mix(q ? (uint64_t)((unsigned char *)q - b) : 999);
    }
    printf("len/chr %016llx\n", (unsigned long long)h);
    /* strcmp / strncmp / memcmp / strcasecmp: two strings ending at page ends, differing at k */
    h = 1469598103934665603ull;
    for (int n = 0; n <= 200; n++) {
        for (int k = 0; k <= n; k += (n > 40 ? 7 : 1)) {
            char *a = (char *)page_end - n - 1, *b = (char *)oend - n - 1;
            for (int i = 0; i < n; i++) a[i] = b[i] = (char)('A' + (i * 5 + n) % 50);
            a[n] = b[n] = 0;
            if (k < n) b[k] = (char)(b[k] + 1 + (k & 1) * 100);
            OPQ(a); OPQ(b);
            int r = strcmp(a, b); mix((uint64_t)(r > 0) - (r < 0));
            r = strncmp(a, b, (size_t)k); mix((uint64_t)(r > 0) - (r < 0));
            r = strncmp(a, b, (size_t)n + 10); mix((uint64_t)(r > 0) - (r < 0));
            r = memcmp(a, b, (size_t)n); mix((uint64_t)(r > 0) - (r < 0));
            r = memcmp(a + 1, b + 1, n ? (size_t)n - 1 : 0); mix((uint64_t)(r > 0) - (r < 0));
            r = strcasecmp(a, b); mix((uint64_t)(r > 0) - (r < 0));
            r = bcmp(a, b, (size_t)n); mix(r != 0);
            /* different alignments of the two sides */
            char *a2 = (char *)page_end - n - 1, *b2 = (char *)oend - n - 1 - (k & 15);
            memmove(b2, b, (size_t)n + 1);
            r = strcmp(a2, b2); mix((uint64_t)(r > 0) - (r < 0));
            r = memcmp(a2, b2, (size_t)n); mix((uint64_t)(r > 0) - (r < 0));
        }
    }
    printf("cmp %016llx\n", (unsigned long long)h);
    /* memcpy / memmove / memset / strcpy / stpcpy to and from page ends */
    h = 1469598103934665603ull;
    for (int n = 0; n <= 600; n += (n < 80 ? 1 : 13)) {
        for (int sa = 0; sa < 40; sa += 3) {
            unsigned char *src = page_end - n - sa, *dst = oend - n;
            for (int i = 0; i < n; i++) src[i] = (unsigned char)(i * 31 + n);
            OPQ(src); OPQ(dst);
            memcpy(dst, src, (size_t)n);
            uint64_t s = 0; for (int i = 0; i < n; i++) s = s * 33 + dst[i];
            mix(s);
            memset(dst, n & 0xff, (size_t)n);
            s = 0; for (int i = 0; i < n; i++) s = s * 33 + dst[i];
            mix(s);
            memmove(src + 1 - (sa > 0), src, n > 0 ? (size_t)n - 1 : 0);
            memmove(dst - sa, dst, (size_t)n);
            s = 0; for (int i = 0; i < n; i++) s = s * 33 + src[i] + dst[i - sa];
            mix(s);
            if (n > 0) {
                src[n - 1] = 0;
                for (int i = 0; i < n - 1; i++) if (!src[i]) src[i] = 1;
                char *e = stpcpy((char *)oend - n, (char *)src);
                mix((uint64_t)(e - ((char *)oend - n)));
                mix((uint64_t)strlen((char *)oend - n));
                strcpy((char *)dst - 1, (char *)src);
                mix(strcmp((char *)dst - 1, (char *)src) == 0);
            }
        }
    }
    printf("cpy/set %016llx\n", (unsigned long long)h);
    /* wide strings */
    h = 1469598103934665603ull;
    for (int n = 0; n <= 100; n++) {
        wchar_t *w = (wchar_t *)page_end - n - 1;
        for (int i = 0; i < n; i++) w[i] = (wchar_t)(0x41 + i % 20);
        w[n] = 0;
        OPQ(w);
        mix(wcslen(w));
        wchar_t *p = wcschr(w, 0x45); mix(p ? (uint64_t)(p - w) : 999);
        wchar_t *v = (wchar_t *)oend - n - 1;
        wmemcpy(v, w, (size_t)n + 1);
        mix(wcscmp(w, v) == 0);
        if (n) v[n / 2]++;
        int r = wcscmp(w, v); mix((uint64_t)(r > 0) - (r < 0));
        r = wmemcmp(w, v, (size_t)n); mix((uint64_t)(r > 0) - (r < 0));
    }
    printf("wide %016llx\n", (unsigned long long)h);
    /* strstr / strspn / strcspn / strpbrk (SSE4.2 variants) */
    h = 1469598103934665603ull;
    for (int n = 0; n <= 200; n++) {
        char *s = (char *)page_end - n - 1;
        for (int i = 0; i < n; i++) s[i] = (char)('a' + (i * i + n) % 11);
        s[n] = 0;
        OPQ(s);
        char *p = strstr(s, "cde"); mix(p ? (uint64_t)(p - s) : 999);
        p = strstr(s, "ab"); mix(p ? (uint64_t)(p - s) : 999);
        mix(strspn(s, "abcdef")); mix(strcspn(s, "hij")); mix(strspn(s, "a"));
        p = strpbrk(s, "kj"); mix(p ? (uint64_t)(p - s) : 999);
    }
    printf("spn/str %016llx\n", (unsigned long long)h);
    return 0;
}

#undef strlen
#undef strnlen
#undef strchr
#undef strrchr
#undef strchrnul
#undef memchr
#undef memrchr
#undef rawmemchr
#undef strcmp
#undef strncmp
#undef memcmp
#undef strcasecmp
#undef bcmp
#undef memcpy
#undef memmove
#undef memset
#undef stpcpy
#undef strcpy
#undef wcslen
#undef wcschr
#undef wcscmp
#undef wmemcmp
#undef strspn
#undef strcspn
#undef strpbrk
int main(void) {
    /* the functions libc selected (glibc: by CPUID) */
#define DEFAULT(t, name, var, args) F.name = name;
    VARIANTS(DEFAULT)
    printf("selected:\n");
    if (run()) return 1;
    /* the AVX2 / SSE4.2 variants themselves, where this libc has them */
    int have = 0;
#define EXPLICIT(t, name, var, args) if (var) { F.name = var; have++; }
    VARIANTS(EXPLICIT)
    printf("variants (%s):\n", have ? "yes" : "none");
    if (have && run()) return 1;
    return 0;
}
