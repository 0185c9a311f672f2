/* mmap/munmap/mprotect/mremap on anonymous memory; faults are caught with a
 * SIGSEGV handler that recovers with siglongjmp and prints si_addr relative
 * to the mapping (never an absolute address). */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile uintptr_t fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    siglongjmp(env, 1);
}

/* returns 1 if writing p faulted */
static int try_write(volatile char *p, char v) {
    if (sigsetjmp(env, 1) == 0) { *p = v; return 0; }
    return 1;
}
static int try_read(volatile char *p) {
    if (sigsetjmp(env, 1) == 0) { (void)*p; return 0; }
    return 1;
}

int main(void) {
    long pg = sysconf(_SC_PAGESIZE);
    printf("pagesize %ld\n", pg);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    /* anonymous memory is zeroed and writable */
    size_t len = 16 * (size_t)pg;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { puts("mmap failed"); return 1; }
    printf("aligned %d\n", ((uintptr_t)m & (pg - 1)) == 0);
    int zero = 1;
    for (size_t i = 0; i < len; i++) if (m[i]) zero = 0;
    printf("zeroed %d\n", zero);
    for (size_t i = 0; i < len; i++) m[i] = (char)(i * 31 + 7);
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++) sum = sum * 33 + (unsigned char)m[i];
    printf("sum %08x\n", sum);

    /* mprotect a page read-only: reads work, a write faults with SEGV_ACCERR */
    printf("mprotect ro %d\n", mprotect(m + 4 * pg, pg, PROT_READ));
    printf("read ro faulted %d value %d\n", try_read(m + 4 * pg + 10), m[4 * pg + 10]);
    int f = try_write(m + 4 * pg + 123, 1);
    printf("write ro faulted %d at +%ld code %d (SEGV_ACCERR=%d)\n", f, (long)(fault_addr - (uintptr_t)m), fault_code, SEGV_ACCERR);
    printf("neighbours writable %d %d\n", !try_write(m + 4 * pg - 1, 2), !try_write(m + 5 * pg, 3));
    int pr = mprotect(m + 4 * pg, pg, PROT_READ | PROT_WRITE);
    printf("mprotect rw %d, write now %d\n", pr, !try_write(m + 4 * pg + 123, 4));

    /* PROT_NONE: even reads fault */
    mprotect(m + 8 * pg, 2 * pg, PROT_NONE);
    f = try_read(m + 9 * pg + 5);
    printf("read none faulted %d at +%ld code %d\n", f, (long)(fault_addr - (uintptr_t)m), fault_code);
    mprotect(m + 8 * pg, 2 * pg, PROT_READ | PROT_WRITE);
    printf("after restore value ok %d\n", m[9 * pg + 5] == (char)((9 * pg + 5) * 31 + 7));

    /* munmap a hole in the middle: the hole faults with SEGV_MAPERR, the rest stays */
    printf("munmap hole %d\n", munmap(m + 2 * pg, 2 * pg));
    f = try_read(m + 3 * pg + 77);
    printf("read hole faulted %d at +%ld code %d (SEGV_MAPERR=%d)\n", f, (long)(fault_addr - (uintptr_t)m), fault_code, SEGV_MAPERR);
    printf("around hole intact %d %d\n", m[2 * pg - 1] == (char)((2 * pg - 1) * 31 + 7), m[4 * pg] == (char)((4 * pg) * 31 + 7));

    /* MAP_FIXED into the hole gives fresh zero pages at exactly that address */
    char *fx = mmap(m + 2 * pg, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed at hole %d zero %d\n", fx == m + 2 * pg, fx[0] == 0 && fx[2 * pg - 1] == 0);
    /* MAP_FIXED over existing data replaces it */
    char *fx2 = mmap(m + 6 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed over data %d zero %d next page kept %d\n", fx2 == m + 6 * pg, fx2[100] == 0, m[7 * pg] == (char)((7 * pg) * 31 + 7));

    /* mremap: grow (may move) keeps contents */
    char *g = mremap(m, len, 64 * pg, MREMAP_MAYMOVE);
    if (g == MAP_FAILED) { printf("mremap failed %d\n", errno); return 1; }
    printf("mremap contents kept %d tail zero %d\n", g[pg + 3] == (char)((pg + 3) * 31 + 7), g[63 * pg] == 0);
    g[63 * pg + 1] = 9;
    /* shrink */
    char *s = mremap(g, 64 * pg, 8 * pg, 0);
    printf("shrink in place %d\n", s == g);
    f = try_read(g + 20 * pg);
    printf("beyond shrink faulted %d at +%ld\n", f, (long)(fault_addr - (uintptr_t)g));
    printf("munmap all %d\n", munmap(g, 8 * pg));

    /* error cases */
    errno = 0;
    void *bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("len 0 -> failed %d errno EINVAL %d\n", bad == MAP_FAILED, errno == EINVAL);
    errno = 0;
    int r = munmap((char *)m + 1, pg);
    printf("unaligned munmap %d EINVAL %d\n", r, errno == EINVAL);

    /* many small maps and unmaps */
    int okc = 0;
    for (int i = 0; i < 200; i++) {
        char *p = mmap(NULL, (size_t)(i % 7 + 1) * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) break;
        p[0] = (char)i; p[(i % 7 + 1) * pg - 1] = (char)i;
        if (p[0] == (char)i && munmap(p, (size_t)(i % 7 + 1) * pg) == 0) okc++;
    }
    printf("small maps ok %d\n", okc);

    /* a large lazily-touched mapping */
    size_t big = 256u << 20;
    char *bg = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (bg != MAP_FAILED) {
        for (size_t i = 0; i < big; i += 1 << 20) bg[i] = 1;
        unsigned c = 0;
        for (size_t i = 0; i < big; i += 1 << 20) c += bg[i];
        printf("big map touched %u\n", c);
        munmap(bg, big);
    } else puts("big map failed");
    return 0;
}
