/* setjmp/longjmp: values, nested buffers, jumping out of deep recursion,
 * local variables preserved when volatile, sigsetjmp without signal mask. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf outer, inner;
static int depth_reached;

static void recurse(int n) { /* bounded: longjmps out at depth 500 */
    volatile char pad[64];
    pad[0] = (char)n;
    if (n > 100000) return;
    if (n == 500) { depth_reached = n + pad[0] - (char)n; longjmp(outer, 7); }
    recurse(n + 1);
    pad[1] = 0; /* keep the frame from being a tail call */
}

static int thrower(int v) { longjmp(inner, v); return -1; }

int main(void) {
    volatile int counter = 0;
    int r = setjmp(outer);
    if (r == 0) { counter = 1; recurse(0); puts("not reached"); }
    printf("recurse r=%d depth=%d counter=%d\n", r, depth_reached, counter);

    volatile int sum = 0;
    for (volatile int i = 0; i < 10; i++) {
        int v = setjmp(inner);
        if (v == 0) thrower(i); /* longjmp with 0 must deliver 1 */
        sum += v;
    }
    printf("loop sum=%d\n", sum);

    jmp_buf a, b;
    volatile int stage = 0;
    if (setjmp(a) == 0) {
        stage = 1;
        if (setjmp(b) == 0) { stage = 2; longjmp(b, 3); }
        stage = 3;
        longjmp(a, 9);
    }
    printf("nested stage=%d\n", stage);

    sigjmp_buf s;
    volatile int n = 0;
    int sv = sigsetjmp(s, 0);
    if (n < 5) { n++; siglongjmp(s, n * 10); }
    printf("sigsetjmp last=%d n=%d\n", sv, n);

    volatile double d = 1.5;
    volatile long l = 0x123456789abcdefL;
    if (setjmp(outer) == 0) { d *= 2; l ^= 0xff; longjmp(outer, 1); }
    printf("preserved %g %lx\n", d, l);
    return 0;
}
