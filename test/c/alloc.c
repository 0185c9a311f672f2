/* Allocates 64 MiB blocks, touching every page, until malloc fails.  The
 * address space is capped at 512 MiB with setrlimit so that the native run
 * ends the same way as xos run with --memory 512M. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define BLOCK (64u << 20)
#define LIMIT (512ull << 20)

int main(void) {
    struct rlimit rl = { LIMIT, LIMIT };
    setrlimit(RLIMIT_AS, &rl); /* under xos, --memory 512M is the cap whether or not this is honoured */
    void *blocks[64];
    int n = 0;
    while (n < 64) {
        char *p = malloc(BLOCK);
        if (!p) break;
        for (size_t i = 0; i < BLOCK; i += 4096) p[i] = (char)(i >> 12);
        blocks[n++] = p;
    }
    int ok = 1;
    for (int i = 0; i < n; i++) {
        char *p = blocks[i];
        for (size_t j = 0; j < BLOCK; j += 4096 * 97) if (p[j] != (char)(j >> 12)) ok = 0;
    }
    for (int i = 0; i < n; i++) free(blocks[i]);
    printf("malloc returned NULL: %s\n", n < 64 ? "yes" : "no");
    printf("got at least 4 blocks: %s\n", n >= 4 ? "yes" : "no");
    printf("fewer than 8 blocks: %s\n", n < 8 ? "yes" : "no");
    printf("contents intact: %s\n", ok ? "yes" : "no");
    void *again = malloc(BLOCK);
    printf("malloc after free: %s\n", again ? "ok" : "NULL");
    return 0;
}
