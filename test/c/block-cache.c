// Instructions that run while xos's decoded-block cache is flushed must still
// complete. The cache is flushed (1) when it is full, just before the next new
// block is decoded, and (2) when an instruction writes to a frame holding
// decoded code. A flush used to look like a fault to the instruction running
// (its "stop" check), so it gave up half done: a RET or an indirect JMP did not
// jump (sqlite's PLT calls fell into the lazy-binding stub and jumped to 0), INC
// kept the old flags, PUSH put RSP back, REP MOVS stopped after one element.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef void (*fn)(void);

// (1) Very many distinct one-instruction blocks: 1M slots of "ret; ud2; nop"
// (48 MiB of decoded blocks: the cache fills and is flushed several times).
// Each flush comes while a new RET block is looked up; a RET that does not
// return runs into its UD2.
static int many_blocks(void) {
  const size_t slots = 1 << 20, size = slots * 4;
  uint8_t *code = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) { perror("mmap"); return 1; }
  for (size_t i = 0; i < slots; i++) memcpy(code + 4 * i, "\xc3\x0f\x0b\x90", 4);
  unsigned long calls = 0;
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < slots; i++) { ((fn)(code + 4 * i))(); calls++; }
  printf("many blocks: %lu calls returned\n", calls);
  munmap(code, size);
  return 0;
}

// Indirect JMPs through memory (as in a PLT), each the first instruction of a
// new block: "jmp *disp(%rip)" to a RET, with a UD2 after the JMP.
static int many_jumps(void) {
  const size_t slots = 1 << 19, size = slots * 16;
  uint8_t *code = mmap(NULL, size + 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) { perror("mmap"); return 1; }
  uint8_t *ret = code + size;
  ret[0] = 0xc3;
  for (size_t i = 0; i < slots; i++) {
    uint8_t *s = code + 16 * i;
    // ff 25 rel32: jmp *rel32(%rip), the pointer at s+8
    s[0] = 0xff; s[1] = 0x25;
    int32_t rel = 8 - 6;
    memcpy(s + 2, &rel, 4);
    s[6] = 0x0f; s[7] = 0x0b; // ud2
    uint64_t target = (uint64_t)ret;
    memcpy(s + 8, &target, 8);
  }
  unsigned long calls = 0;
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < slots; i++) { ((fn)(code + 16 * i))(); calls++; }
  printf("many jumps: %lu calls returned\n", calls);
  munmap(code, size + 4096);
  return 0;
}

// (2) Writes to a page whose code has run: the first write flushes the cache.
static uint8_t *code_page(void) {
  uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  p[0] = 0xc3; // ret
  return p;
}

static int writes_to_code(void) {
  uint8_t *p;
  // INC of a dword to zero: ZF must be set
  if (!(p = code_page())) return 1;
  ((fn)p)();
  uint32_t *w = (uint32_t *)(p + 2048);
  *w = 0xffffffff; // (this write flushes; the cache is marked again below)
  ((fn)p)();
  uint8_t z = 0;
  __asm__ volatile("incl %1\n\tsetz %0" : "=q"(z), "+m"(*w) : : "cc");
  printf("inc to zero: zf=%d value=%u\n", z, *w);
  // ADD and SUB with memory destinations, then their flags
  ((fn)p)();
  uint64_t *q = (uint64_t *)(p + 2056);
  *q = 5;
  ((fn)p)();
  uint8_t c = 0;
  __asm__ volatile("subq $7, %1\n\tsetc %0" : "=q"(c), "+m"(*q) : : "cc");
  printf("sub below zero: cf=%d value=%lld\n", c, (long long)*q);
  // PUSH onto a stack in the page
  ((fn)p)();
  uint64_t before, after;
  __asm__ volatile(
      "mov %%rsp, %%r12\n\t"
      "lea 4000(%2), %%rsp\n\t"
      "mov %%rsp, %0\n\t"
      "pushq $0x1234\n\t"
      "mov %%rsp, %1\n\t"
      "mov %%r12, %%rsp"
      : "=&r"(before), "=&r"(after) : "r"(p) : "r12", "memory");
  printf("push: rsp moved by %lld, value %#lx\n", (long long)(before - after), (unsigned long)*(uint64_t *)(p + 3992));
  // REP MOVSB backwards (no bulk path) and forwards into the page
  char src[200];
  for (int i = 0; i < 200; i++) src[i] = (char)(i * 7 + 1);
  for (int dir = 0; dir < 2; dir++) {
    memset(p + 1024, 0, 256);
    ((fn)p)();
    uint64_t n = 200;
    if (dir) {
      char *s = src + 199, *d = (char *)p + 1024 + 199;
      __asm__ volatile("std\n\trep movsb\n\tcld" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
    } else {
      char *s = src, *d = (char *)p + 1024;
      __asm__ volatile("rep movsb" : "+S"(s), "+D"(d), "+c"(n) : : "memory");
    }
    printf("rep movsb %s: rcx left %lu, copy %s\n", dir ? "backwards" : "forwards", (unsigned long)n,
           memcmp(p + 1024, src, 200) == 0 ? "ok" : "wrong");
  }
  // single MOVSQ and STOSQ: RSI/RDI must advance
  ((fn)p)();
  {
    uint64_t v = 42, *s = &v, *d = (uint64_t *)(p + 1536);
    __asm__ volatile("movsq" : "+S"(s), "+D"(d) : : "memory");
    printf("movsq: rdi advanced %ld, value %lu\n", (long)((uint8_t *)d - (p + 1536)), (unsigned long)*(uint64_t *)(p + 1536));
  }
  munmap(p, 4096);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0); // a crash shows how far it got
  // an argument selects one part: blocks, jumps, writes
  const char *only = argc > 1 ? argv[1] : "";
  if ((!*only || !strcmp(only, "blocks")) && many_blocks()) return 1;
  if ((!*only || !strcmp(only, "jumps")) && many_jumps()) return 1;
  if ((!*only || !strcmp(only, "writes")) && writes_to_code()) return 1;
  return 0;
}
