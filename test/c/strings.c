/* string.h functions over many lengths and alignments.  Results are folded
 * into a hash (positions are printed as offsets, never as addresses); a few
 * summary lines are printed per function so a failure points somewhere. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BUF 1024
static unsigned char a[BUF + 128], b[BUF + 128], c[BUF + 128];
static uint64_t h = 1469598103934665603ull;
static void mix(uint64_t x) { for (int i = 0; i < 8; i++) { h ^= (x >> (8 * i)) & 0xff; h *= 1099511628211ull; } }
static void mixbuf(const unsigned char *p, size_t n) { for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 1099511628211ull; } }
static int sgn(int x) { return (x > 0) - (x < 0); }
static uint32_t rng = 12345;
static uint32_t rnd(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

static const size_t lens[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 511, 700, 1000};
#define NL (sizeof lens / sizeof lens[0])

static void fill(unsigned char *p, size_t n, unsigned seed) { for (size_t i = 0; i < n; i++) p[i] = (unsigned char)('a' + (i * 7 + seed) % 26); }

#define SECTION(name) do { printf("%s %016llx\n", name, (unsigned long long)h); } while (0)

int main(void) {
    /* memcpy: every length x source alignment x destination alignment */
    for (size_t li = 0; li < NL; li++) for (size_t sa = 0; sa < 16; sa += 3) for (size_t da = 0; da < 16; da += 5) {
        size_t n = lens[li];
        fill(a, sizeof a, (unsigned)(li + sa));
        memset(b, 0xEE, sizeof b);
        unsigned char *r = memcpy(b + da, a + sa, n);
        mix((uint64_t)(r - b)); mixbuf(b, n + 40 < sizeof b ? n + 40 : sizeof b);
    }
    SECTION("memcpy");

    /* memmove: overlapping both directions */
    for (size_t li = 0; li < NL; li++) for (size_t off = 0; off < 40; off += 3) {
        size_t n = lens[li];
        if (n + off + 16 > sizeof a) continue;
        fill(a, sizeof a, (unsigned)li);
        memmove(a + off, a + 7, n); mixbuf(a, n + off + 8);
        fill(a, sizeof a, (unsigned)li + 1);
        memmove(a + 7, a + off, n); mixbuf(a, n + off + 8);
    }
    SECTION("memmove");

    /* memset with various bytes and alignments */
    for (size_t li = 0; li < NL; li++) for (size_t al = 0; al < 16; al++) {
        memset(a, 0, sizeof a);
        unsigned char *r = memset(a + al, (int)(0x80 + li + al), lens[li]);
        mix((uint64_t)(r - a)); mixbuf(a, lens[li] + al + 20);
    }
    SECTION("memset");

    /* memcmp: equal, differ at each position class, sign of result */
    for (size_t li = 0; li < NL; li++) for (size_t al = 0; al < 8; al++) {
        size_t n = lens[li];
        fill(a + al, n, 3); fill(b + (7 - al), n, 3);
        mix((uint64_t)sgn(memcmp(a + al, b + (7 - al), n)));
        if (n) {
            size_t pos = rnd() % n;
            unsigned char save = b[7 - al + pos];
            b[7 - al + pos] = (unsigned char)(save + 0x80); /* differs in the high bit: unsigned compare */
            mix((uint64_t)sgn(memcmp(a + al, b + (7 - al), n)));
            mix((uint64_t)sgn(memcmp(b + (7 - al), a + al, n)));
            b[7 - al + pos] = save;
        }
    }
    printf("memcmp-sign %d %d\n", sgn(memcmp("\x80", "\x01", 1)), sgn(memcmp("abc", "abd", 3)));
    SECTION("memcmp");

    /* strlen, strchr, strrchr, memchr at all alignments */
    for (size_t li = 0; li < NL; li++) for (size_t al = 0; al < 16; al++) {
        size_t n = lens[li];
        memset(c, 'q', sizeof c);
        fill(c + al, n, 5); c[al + n] = 0;
        mix(strlen((char *)c + al));
        char *p = strchr((char *)c + al, 'c'); mix(p ? (uint64_t)(p - (char *)c) : 9999);
        p = strrchr((char *)c + al, 'c'); mix(p ? (uint64_t)(p - (char *)c) : 9999);
        p = strchr((char *)c + al, 0); mix(p ? (uint64_t)(p - (char *)c) : 9999);
        p = strchr((char *)c + al, 'Z'); mix(p ? (uint64_t)(p - (char *)c) : 9999);
        void *m = memchr(c + al, 'z', n); mix(m ? (uint64_t)((unsigned char *)m - c) : 9999);
        m = memchr(c + al, 0, n + 1); mix(m ? (uint64_t)((unsigned char *)m - c) : 9999);
    }
    printf("strlen %zu %zu\n", strlen(""), strlen("hello, world"));
    SECTION("strfind");

    /* strcmp / strncmp */
    for (size_t li = 0; li < NL; li++) for (size_t al = 0; al < 8; al++) {
        size_t n = lens[li];
        fill(a + al, n, 9); a[al + n] = 0;
        fill(b + 3, n, 9); b[3 + n] = 0;
        mix((uint64_t)sgn(strcmp((char *)a + al, (char *)b + 3)));
        if (n) {
            size_t pos = rnd() % n;
            b[3 + pos] = 0xC3;
            mix((uint64_t)sgn(strcmp((char *)a + al, (char *)b + 3)));
            mix((uint64_t)sgn(strncmp((char *)a + al, (char *)b + 3, pos)));
            mix((uint64_t)sgn(strncmp((char *)a + al, (char *)b + 3, pos + 1)));
            b[3 + pos] = 0;
            mix((uint64_t)sgn(strcmp((char *)a + al, (char *)b + 3)));
        }
    }
    printf("strcmp %d %d %d %d\n", sgn(strcmp("abc", "abd")), sgn(strcmp("abc", "ab")), sgn(strcmp("", "")), sgn(strncmp("abcX", "abcY", 3)));
    SECTION("strcmp");

    /* strstr */
    {
        static char hay[4096];
        for (int i = 0; i < 4095; i++) hay[i] = "ab"[(rnd() >> 13) & 1];
        hay[4095] = 0;
        const char *needles[] = {"", "a", "ab", "aab", "abba", "aaaaaaaaa", "bbbbbbbbbbbb", "abababababab", "abbabbbaabababbbabaabba", "c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
        for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
            char *p = strstr(hay, needles[i]);
            printf("strstr %s %ld\n", needles[i], p ? (long)(p - hay) : -1L);
            mix(p ? (uint64_t)(p - hay) : 9999);
        }
        printf("strstr2 %ld %ld\n", (long)(strstr("hello world", "o w") - (char *)"hello world" + 0),
               strstr("hello", "world") ? 1L : 0L);
    }
    /* a few typed results */
    {
        char buf[64];
        strcpy(buf, "foo"); strcat(buf, "bar"); volatile size_t three = 3; strncat(buf, "bazqux", three);
        printf("cat %s %zu %zu %zu\n", buf, strspn(buf, "fo"), strcspn(buf, "z"), strnlen(buf, 4));
        char *tok, *save = NULL, s[] = "a,b,,c;d";
        for (tok = strtok_r(s, ",;", &save); tok; tok = strtok_r(NULL, ",;", &save)) printf("tok %s\n", tok);
        printf("pbrk %s\n", strpbrk("hello world", "wo"));
    }
    printf("hash %016llx\n", (unsigned long long)h);
    return 0;
}
