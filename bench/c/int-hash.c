// Integer workload: hashing with multiplies, shifts, xors over an array.
#include <stdio.h>
#include <stdint.h>
int main(void) {
  static uint32_t buf[4096];
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < 4096; i++) buf[i] = i * 2654435761u;
  for (int round = 0; round < 6000; round++) {
    for (int i = 0; i < 4096; i++) {
      h ^= buf[i] + round;
      h *= 1099511628211ull;
      h ^= h >> 29;
    }
  }
  printf("%016llx\n", (unsigned long long)h);
  return 0;
}
