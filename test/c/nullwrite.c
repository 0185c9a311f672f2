/* Writes through a null pointer: the process dies of SIGSEGV (shell status 139). */
#include <stdio.h>
int main(void) {
    puts("before");
    fflush(stdout);
    volatile int *p = (volatile int *)0;
    *p = 42;
    puts("after");
    return 0;
}
