// Self-modifying and reloaded code, each piece run often enough to be
// translated by xos's JIT before it changes: code written into an RWX mapping,
// run, one instruction patched and run again; code patched by the instruction
// just before it in the same block; code written through a second mapping of
// the same memfd; mprotect toggling between W and X; new code mapped over old
// code (MAP_FIXED, and munmap then mmap at the same address).
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef long (*fn1)(long);
enum { RUNS = 300 };

// mov rax, imm32 (sign-extended); add rax, rdi; ret
static void put_addk(uint8_t *p, int32_t k) {
  memcpy(p, "\x48\xc7\xc0", 3);
  memcpy(p + 3, &k, 4);
  memcpy(p + 7, "\x48\x01\xf8\xc3", 4);
}

static long sum_runs(fn1 f) {
  long s = 0;
  for (long i = 0; i < RUNS; i++) s += f(i);
  return s;
}

// A loop in the mapping: rax = sum of (i OP k) for i < rdi, OP the patched byte.
//   xor eax,eax; xor ecx,ecx; 1: mov rdx,rcx; add rdx,K (48 83 c2 K); add rax,rdx;
//   inc rcx; cmp rcx,rdi; jb 1b; ret
static const uint8_t loop_code[] = {
  0x31, 0xc0, 0x31, 0xc9, 0x48, 0x89, 0xca, 0x48, 0x83, 0xc2, 0x05, 0x48, 0x01, 0xd0,
  0x48, 0xff, 0xc1, 0x48, 0x39, 0xf9, 0x72, 0xee, 0xc3,
};
enum { LOOP_OP = 9, LOOP_K = 10 }; // c2: add edx; ea: sub edx

static int rwx(void) {
  uint8_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) { perror("mmap"); return 1; }
  put_addk(code, 7);
  printf("rwx first: %ld\n", sum_runs((fn1)code));
  put_addk(code, -1000); // patch one instruction's immediate
  printf("rwx patched: %ld\n", sum_runs((fn1)code));
  // a hot loop, then its ADD turned into a SUB, then its immediate changed
  memcpy(code + 256, loop_code, sizeof loop_code);
  fn1 loop = (fn1)(code + 256);
  long a = 0;
  for (int r = 0; r < 50; r++) a += loop(1000);
  code[256 + LOOP_OP] = 0xea;
  long b = 0;
  for (int r = 0; r < 50; r++) b += loop(1000);
  code[256 + LOOP_K] = 0x7f;
  long c = 0;
  for (int r = 0; r < 50; r++) c += loop(1000);
  printf("rwx loop: %ld %ld %ld\n", a, b, c);
  munmap(code, 4096);
  return 0;
}

// A store that patches the next instruction of its own block:
//   mov byte [rip + 1], dil (40 88 3d 01 00 00 00); mov al, IMM (b0 IMM); ret
// (the store's displacement reaches the IMM byte: rip after it + 1). Each call
// runs the MOV AL with the byte it was just given.
static int patch_next(void) {
  uint8_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) { perror("mmap"); return 1; }
  static const uint8_t c[] = { 0x48, 0x31, 0xc0, 0x40, 0x88, 0x3d, 0x01, 0x00, 0x00, 0x00, 0xb0, 0x00, 0xc3 };
  memcpy(code, c, sizeof c);
  long s = 0;
  for (long i = 0; i < RUNS; i++) s += ((fn1)code)(i & 0xff) * (i + 1);
  printf("patch next: %ld\n", s);
  munmap(code, 4096);
  return 0;
}

// Two mappings of one memfd: written through one, run through the other.
static int memfd_alias(void) {
  int fd = memfd_create("jit-smc", 0);
  if (fd < 0 || ftruncate(fd, 4096)) { perror("memfd"); return 1; }
  uint8_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  uint8_t *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  if (w == MAP_FAILED || x == MAP_FAILED) { perror("mmap memfd"); return 1; }
  long s = 0;
  for (int k = 0; k < 4; k++) {
    put_addk(w, k * 11 + 3);
    s = s * 31 + sum_runs((fn1)x);
  }
  printf("memfd alias: %ld\n", s);
  memcpy(w + 512, loop_code, sizeof loop_code);
  long a = 0, b = 0;
  for (int r = 0; r < 50; r++) a += ((fn1)(x + 512))(777);
  w[512 + LOOP_K] = 0x40;
  for (int r = 0; r < 50; r++) b += ((fn1)(x + 512))(777);
  printf("memfd loop: %ld %ld\n", a, b);
  munmap(w, 4096);
  munmap(x, 4096);
  close(fd);
  return 0;
}

// W^X: write with PROT_WRITE, run with PROT_EXEC, and back.
static int wx_toggle(void) {
  uint8_t *code = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) { perror("mmap"); return 1; }
  long s = 0;
  for (int k = 0; k < 5; k++) {
    if (mprotect(code, 8192, PROT_READ | PROT_WRITE)) { perror("mprotect w"); return 1; }
    put_addk(code + 4096 - 5, 100 * k - 7); // across the page boundary
    memcpy(code + 4096 + 64, loop_code, sizeof loop_code);
    code[4096 + 64 + LOOP_K] = (uint8_t)(k * 3);
    if (mprotect(code, 8192, PROT_READ | PROT_EXEC)) { perror("mprotect x"); return 1; }
    s = s * 7 + sum_runs((fn1)(code + 4096 - 5));
    for (int r = 0; r < 30; r++) s += ((fn1)(code + 4096 + 64))(500 + k);
  }
  printf("w^x toggle: %ld\n", s);
  munmap(code, 8192);
  return 0;
}

// New code mapped over old: MAP_FIXED over a live mapping, then munmap and mmap again.
static int remap(void) {
  uint8_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) { perror("mmap"); return 1; }
  long s = 0;
  for (int k = 0; k < 3; k++) {
    uint8_t *p = mmap(code, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p != code) { perror("mmap fixed"); return 1; }
    put_addk(p, 1000 * k + 1);
    s = s * 13 + sum_runs((fn1)p);
  }
  for (int k = 0; k < 3; k++) {
    munmap(code, 4096);
    uint8_t *p = mmap(code, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != code) { perror("mmap again"); return 1; }
    memcpy(p, loop_code, sizeof loop_code);
    p[LOOP_K] = (uint8_t)(20 + k);
    for (int r = 0; r < 30; r++) s += ((fn1)p)(300);
  }
  printf("remap: %ld\n", s);
  munmap(code, 4096);
  return 0;
}

int main(void) {
  if (rwx() || patch_next() || memfd_alias() || wx_toggle() || remap()) return 1;
  return 0;
}
