/* Legacy SSE alignment rules: MOVUPS/MOVDQU/MOVUPD and scalar or 64-bit memory
 * operands may be misaligned; MOVAPS/MOVDQA/MOVNTDQ and 128-bit memory operands
 * of arithmetic instructions fault (#GP, delivered as SIGSEGV). */
#include <emmintrin.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf jb;
static void on_segv(int sig) { (void)sig; siglongjmp(jb, 1); }
static unsigned char buf[96] __attribute__((aligned(16)));

#define TRY(name, stmt)                                             \
    do {                                                            \
        if (sigsetjmp(jb, 1) == 0) {                                \
            stmt;                                                   \
            printf("%s: ok\n", name);                              \
        } else {                                                    \
            printf("%s: SIGSEGV\n", name);                         \
        }                                                           \
    } while (0)

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    for (int i = 0; i < 96; i++) buf[i] = (unsigned char)(i * 37 + 1);
    unsigned char *p = buf + 17; /* misaligned */
    __m128i v = _mm_set1_epi32(0x01020304), r;
    unsigned long long out[2];
    TRY("movdqu load", { __asm__ volatile("movdqu %1, %0" : "=x"(r) : "m"(*(__m128i *)p)); _mm_storeu_si128((__m128i *)out, r); });
    printf("  %016llx %016llx\n", out[0], out[1]);
    TRY("movups store", __asm__ volatile("movups %1, %0" : "=m"(*(__m128i *)(p + 16)) : "x"(v)));
    TRY("movsd load", { __m128d x; __asm__ volatile("movsd %1, %0" : "=x"(x) : "m"(*(double *)(p + 1))); });
    TRY("addsd m64", { __m128d x = _mm_set1_pd(1.0); __asm__ volatile("addsd %1, %0" : "+x"(x) : "m"(*(double *)(p + 3))); });
    TRY("movq m64", { __asm__ volatile("movq %1, %0" : "=x"(r) : "m"(*(long long *)(p + 5))); });
    TRY("movaps load", { __m128 x; __asm__ volatile("movaps %1, %0" : "=x"(x) : "m"(*(__m128 *)p)); });
    TRY("movdqa store", __asm__ volatile("movdqa %1, %0" : "=m"(*(__m128i *)p) : "x"(v)));
    TRY("movntdq store", __asm__ volatile("movntdq %1, %0" : "=m"(*(__m128i *)p) : "x"(v)));
    TRY("paddb m128", { r = v; __asm__ volatile("paddb %1, %0" : "+x"(r) : "m"(*(__m128i *)p)); });
    TRY("addps m128", { __m128 x = _mm_set1_ps(1.0f); __asm__ volatile("addps %1, %0" : "+x"(x) : "m"(*(__m128 *)p)); });
    TRY("pshufd m128", { __asm__ volatile("pshufd $0x1b, %1, %0" : "=x"(r) : "m"(*(__m128i *)p)); });
    TRY("paddb aligned", { r = v; __asm__ volatile("paddb %1, %0" : "+x"(r) : "m"(*(__m128i *)(buf + 32))); });
    for (int i = 0; i < 96; i++) printf("%02x", buf[i]);
    printf("\n");
    return 0;
}
