// Faults inside hot loops (translated by xos's JIT after their first runs):
// the signal, its siginfo and the registers at the faulting instruction must
// be what the CPU gives natively, whichever run of the loop faults.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

// walk(p, n): sums the quadwords at p until a fault; each step also updates the
// flags (the last INC's are live at the faulting load). walk_store: the same with
// a store (the fault comes after a register write in the same instruction group).
// divloop(a, b): divides until the divisor, counting down, reaches zero (#DE).
__asm__(
    ".text\n"
    ".globl walk\n"
    "walk:\n"
    "  xor %eax, %eax\n"
    "  xor %ecx, %ecx\n"
    "1:\n"
    "  mov (%rdi), %rdx\n"
    "  add %rdx, %rax\n"
    "  lea 8(%rdi), %rdi\n"
    "  inc %rcx\n"
    "  jmp 1b\n"
    ".globl walk_store\n"
    "walk_store:\n"
    "  mov %rsi, %rax\n"
    "  xor %ecx, %ecx\n"
    "2:\n"
    "  imul $3, %rax, %rax\n"
    "  add $0x55, %al\n"
    "  mov %rax, (%rdi,%rcx,8)\n"
    "  sub $-1, %rcx\n"
    "  jmp 2b\n"
    ".globl divloop\n"
    "divloop:\n"
    "  mov %rsi, %rcx\n"
    "  xor %r8d, %r8d\n"
    "3:\n"
    "  mov %rdi, %rax\n"
    "  xor %edx, %edx\n"
    "  div %rcx\n"
    "  add %rax, %r8\n"
    "  dec %rcx\n"
    "  jmp 3b\n"
    // deep(n): n nested calls, each CALL's push the first touch of a new stack page (the
    // page is mapped by the fault, and the call must still go to its target)
    ".globl deep\n"
    "deep:\n"
    "  xor %eax, %eax\n"
    "  test %rdi, %rdi\n"
    "  jz 4f\n"
    "  sub $4096, %rsp\n"
    "  dec %rdi\n"
    "  call deep\n"
    "  add $4096, %rsp\n"
    "  lea 3(%rax,%rax,2), %rax\n"
    "4:\n"
    "  ret\n"
    // deep_on(n, top): deep(n) on a stack of its own whose pages nothing touched yet
    ".globl deep_on\n"
    "deep_on:\n"
    "  push %rbx\n"
    "  mov %rsp, %rbx\n"
    "  mov %rsi, %rsp\n"
    "  call deep\n"
    "  mov %rbx, %rsp\n"
    "  pop %rbx\n"
    "  ret\n");
void walk(uint64_t *p);
void walk_store(uint64_t *p, uint64_t seed);
void divloop(uint64_t a, uint64_t b);
uint64_t deep(uint64_t n);
uint64_t deep_on(uint64_t n, void *top);

static sigjmp_buf jb;
static volatile siginfo_t info;
static volatile greg_t regs[NGREG];

static void handler(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  info = *si;
  memcpy((void *)regs, ((ucontext_t *)uc)->uc_mcontext.gregs, sizeof regs);
  siglongjmp(jb, 1);
}

// Only the registers the loop itself sets are printed (the others hold what the C code left).
enum { RAX = 1, RCX = 2, RDX = 4, RDI = 8, R8 = 16 };
static void report(const char *what, void (*fn)(void), uintptr_t base, int which) {
  printf("%s: signo=%d code=%d addr=%s%lx rip=+%lx", what, info.si_signo, info.si_code, base ? "base+" : "",
         (unsigned long)((uintptr_t)info.si_addr - base), (unsigned long)((uintptr_t)regs[REG_RIP] - (uintptr_t)fn));
  if (which & RAX) printf(" rax=%llx", (unsigned long long)regs[REG_RAX]);
  if (which & RCX) printf(" rcx=%llx", (unsigned long long)regs[REG_RCX]);
  if (which & RDX) printf(" rdx=%llx", (unsigned long long)regs[REG_RDX]);
  if (which & RDI) printf(" rdi=%s%llx", base ? "base+" : "", (unsigned long long)(regs[REG_RDI] - base));
  if (which & R8) printf(" r8=%llx", (unsigned long long)regs[REG_R8]);
  printf(" flags=%llx\n", (unsigned long long)(regs[REG_EFL] & 0x8d5));
}

int main(void) {
  struct sigaction sa = { 0 };
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGFPE, &sa, 0);
  const size_t n = 64 * 4096;
  uint8_t *mem = mmap(NULL, n + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) { perror("mmap"); return 1; }
  mprotect(mem + n, 4096, PROT_NONE);
  for (size_t i = 0; i < n / 8; i++) ((uint64_t *)mem)[i] = i * 0x9e3779b97f4a7c15ull;
  uintptr_t base = (uintptr_t)mem;
  // the loads: starting nearer the guard page each round
  for (int r = 0; r < 6; r++) {
    if (!sigsetjmp(jb, 0)) walk((uint64_t *)(mem + r * 4096 * 10));
    report("walk", (void (*)(void))walk, base, RAX | RCX | RDX | RDI);
  }
  // the stores: into the read-only page after a writable run
  for (int r = 0; r < 4; r++) {
    mprotect(mem + n - 4096 * (r + 1), 4096 * (r + 1), PROT_READ);
    if (!sigsetjmp(jb, 0)) walk_store((uint64_t *)(mem + 4096 * r), 12345 + r);
    report("store", (void (*)(void))walk_store, base, RAX | RCX | RDI);
    mprotect(mem, n, PROT_READ | PROT_WRITE);
  }
  // division by zero after many divisions
  for (int r = 0; r < 4; r++) {
    if (!sigsetjmp(jb, 0)) divloop(1000003ull * (r + 1), 5000 + 1000 * r);
    report("div", (void (*)(void))divloop, 0, RAX | RCX | RDX | RDI | R8);
  }
  // calls into untouched stack pages (twice: then they are there)
  const size_t ssize = 310 * 4096;
  uint8_t *stack = mmap(NULL, ssize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (stack == MAP_FAILED) { perror("mmap stack"); return 1; }
  uint64_t a = deep_on(300, stack + ssize), b = deep_on(300, stack + ssize);
  printf("deep: %llx %llx\n", (unsigned long long)a, (unsigned long long)b);
  return 0;
}
