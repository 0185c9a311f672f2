// Control passing between translations of different pages, run often enough for
// xos's JIT to translate every piece and chain them (a translation leaving for
// another translated page goes on there without returning to the run loop):
// functions a page apart calling each other directly, through function pointers
// and returning across pages, in a hot loop; and code on another page patched
// while the translations that enter it are chained to it (the patch must be seen
// at once, by the next call).
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE_ALIGNED __attribute__((noinline, aligned(4096)))

typedef long (*op)(long, long);
PAGE_ALIGNED static long op_add(long a, long b) { return a + b; }
PAGE_ALIGNED static long op_xor(long a, long b) { return (a ^ b) * 3; }
PAGE_ALIGNED static long op_mix(long a, long b) { return op_add(a, b) - op_xor(b, a & 7); }
PAGE_ALIGNED static long op_sel(long a, long b) { return (a & 1) ? op_mix(a, b) : op_add(b, 11); }

static const op table[] = { op_add, op_xor, op_mix, op_sel };

PAGE_ALIGNED static long pointers(long n) {
  long s = 1;
  for (long i = 0; i < n; i++) {
    s = table[(i ^ (s >> 3)) & 3](s & 0xffffff, i);
    if (i % 7 == 0) s += op_sel(i, s & 0xff);
  }
  return s;
}

// Two pages of an RWX mapping: g (second page) = lea eax, [rdi + K]; ret
// f (first page) = call g; add eax, J; ret
enum { G_OFF = 4096, G_K = G_OFF + 2, F_J = 7 };
static void put_code(uint8_t *p) {
  memcpy(p + G_OFF, "\x8d\x87\x00\x00\x00\x00\xc3", 7);
  int32_t rel = G_OFF - 5; // call at offset 0, next instruction at 5
  p[0] = 0xe8;
  memcpy(p + 1, &rel, 4);
  memcpy(p + 5, "\x83\xc0\x01\xc3", 4); // add eax, J (imm8 at offset 7); ret
}

static long patched(void) {
  uint8_t *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); return -1; }
  put_code(p);
  int (*f)(int) = (int (*)(int))p;
  long s = 0;
  for (int i = 0; i < 30000; i++) {
    if (i == 10000) { int32_t k = 1000; memcpy(p + G_K, &k, 4); } // the callee's page
    if (i == 20000) p[F_J] = 0x40; // the caller's own page
    if (i == 25000) { int32_t k = -7; memcpy(p + G_K, &k, 4); }
    s = s * 31 + f(i);
  }
  munmap(p, 8192);
  return s;
}

int main(void) {
  printf("pointers %ld\n", pointers(200000));
  printf("patched %ld\n", patched());
  return 0;
}
