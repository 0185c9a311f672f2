/* Never ends: used by the API timeout test (the guest must be killed). */
#include <stdio.h>
int main(void) {
    puts("looping");
    fflush(stdout);
    volatile unsigned long n = 0;
    for (;;) n++;
}
