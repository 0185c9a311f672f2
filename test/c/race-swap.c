/* The attacker's half of the confinement race test (test/confine-race.test.ts):
 * in DIR, swap the directory x with a symlink to somewhere outside (TARGET,
 * then TARGET2, alternately) and back, as fast as it can, for MS milliseconds.
 * Run natively (a host process) or under a second xos machine sharing DIR.
 * usage: race-swap DIR TARGET TARGET2 MS */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: race-swap DIR TARGET TARGET2 MS\n"); return 2; }
    if (chdir(argv[1])) { perror("chdir"); return 1; }
    long end = now_ms() + atol(argv[4]);
    long swaps = 0;
    while (now_ms() < end) {
        if (rename("x", "x.real")) continue; // (the other swapper has it)
        if (symlink(argv[2 + (swaps & 1)], "x") == 0) {
            for (volatile int i = 0; i < 2000; i++) {} // leave the link in place for a moment
            unlink("x");
        }
        rename("x.real", "x");
        swaps++;
    }
    printf("swaps %ld\n", swaps);
    return 0;
}
