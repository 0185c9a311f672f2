// Memory workload: a pointer chase through 16 MiB and a memcpy/memset stream.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#define N (2 * 1024 * 1024)
int main(void) {
  uint64_t *next = malloc(N * sizeof *next);
  uint64_t s = 88172645463325252ull;
  for (uint64_t i = 0; i < N; i++) next[i] = i;
  for (uint64_t i = N - 1; i > 0; i--) {  // Sattolo: one big cycle
    s ^= s << 13; s ^= s >> 7; s ^= s << 17;
    uint64_t j = s % i, t = next[i]; next[i] = next[j]; next[j] = t;
  }
  uint64_t p = 0, sum = 0;
  for (int i = 0; i < 8000000; i++) { p = next[p]; sum += p; }
  char *a = malloc(1 << 22), *b = malloc(1 << 22);
  for (int r = 0; r < 40; r++) { memset(a, r, 1 << 22); memcpy(b, a, 1 << 22); sum += b[r * 1000]; }
  printf("%llu\n", (unsigned long long)sum);
  return 0;
}
