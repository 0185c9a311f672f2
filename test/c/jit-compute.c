// A compute workload for the JIT in the browser test: integer hashing, a sieve,
// an insertion sort and a small matrix product (doubles), each a hot loop run
// long enough for its translation to be made and used.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t fnv(uint64_t rounds) {
  uint64_t h = 1469598103934665603ull;
  for (uint64_t i = 0; i < rounds; i++) {
    h ^= i & 0xff;
    h *= 1099511628211ull;
    h = (h << 7 | h >> 57) + (h & 1 ? i : ~i);
  }
  return h;
}

static unsigned sieve(unsigned n) {
  static uint8_t composite[1 << 22];
  memset(composite, 0, n);
  unsigned count = 0;
  for (unsigned i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (unsigned j = i + i; j < n; j += i) composite[j] = 1;
  }
  return count;
}

static uint32_t sorted_hash(unsigned n) {
  static int32_t a[8192];
  uint32_t x = 12345;
  for (unsigned i = 0; i < n; i++) { x = x * 1103515245 + 12345; a[i] = (int32_t)(x >> 1) - (1 << 30); }
  for (unsigned i = 1; i < n; i++) {
    int32_t v = a[i];
    unsigned j = i;
    while (j > 0 && a[j - 1] > v) { a[j] = a[j - 1]; j--; }
    a[j] = v;
  }
  uint32_t h = 0;
  for (unsigned i = 0; i < n; i++) h = h * 31 + (uint32_t)a[i];
  return h;
}

static double matmul(int n) {
  static double a[96][96], b[96][96], c[96][96];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) { a[i][j] = (i * 7 + j) % 13 - 6; b[i][j] = (i + j * 3) % 11 - 5; }
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
  double t = 0;
  for (int i = 0; i < n; i++) t += c[i][(i * 5) % n] * (i + 1);
  return t;
}

int main(void) {
  printf("fnv %016llx\n", (unsigned long long)fnv(5000000));
  printf("primes below 1M: %u\n", sieve(1000000));
  printf("sorted 3000: %08x\n", sorted_hash(3000));
  printf("matmul 64: %.1f\n", matmul(64));
  return 0;
}
