// Branchy workload: Collatz sequence lengths and a small interpreter-like switch.
#include <stdio.h>
#include <stdint.h>
int main(void) {
  uint64_t total = 0, best = 0, arg = 0;
  for (uint64_t n = 1; n < 600000; n++) {
    uint64_t x = n, steps = 0;
    while (x != 1) { x = (x & 1) ? 3 * x + 1 : x >> 1; steps++; }
    total += steps;
    if (steps > best) { best = steps; arg = n; }
  }
  uint32_t acc = 7;
  for (uint32_t i = 0; i < 20000000; i++) {
    switch ((acc ^ i) & 7) {
      case 0: acc += i; break;
      case 1: acc ^= i << 3; break;
      case 2: acc -= i >> 1; break;
      case 3: acc = acc * 33 + 1; break;
      case 4: acc ^= acc >> 7; break;
      case 5: acc += 0x9e3779b9; break;
      case 6: acc = (acc << 5) | (acc >> 27); break;
      default: acc--; break;
    }
  }
  printf("%llu %llu %llu %u\n", (unsigned long long)total, (unsigned long long)best, (unsigned long long)arg, acc);
  return 0;
}
