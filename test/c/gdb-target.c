// The program test/gdb.test.ts debugs, natively and under xos, with the same gdb
// commands. Built with -g -O0. Each mode stops at a known place with known state:
//   regs     registers of each kind hold set values at checkpoint(); memory holds a pattern
//   watch    a counter is written twice (a watchpoint on it fires)
//   threads  two threads spin in spin() when main reaches checkpoint()
//   segv     a write through a null pointer (SIGSEGV)
//   usr1     raise(SIGUSR1), caught by a handler
//   fork     a child calls square() (not debugged: it must not stop), then the parent does
//   exec     runs itself again in regs mode (a new program under the debugger)
//   block    main waits in read(2) while another thread reaches checkpoint(), then writes what it reads
// It writes nothing: natively gdb shares its output with the program's.
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

unsigned int pattern[4] = {0x11223344, 0x55667788, 0x99aabbcc, 0xddeeff00};
char message[32] = "hello, debugger";
volatile int counter;
volatile int caught;
double dvalues[4] = {1.5, -2.25, 3.0e10, 0.125};
long double lvalues[2] = {3.25L, -1.0e-300L};
volatile int arrived[2];
volatile int stop;

__attribute__((noinline)) void checkpoint(void) { __asm__ volatile("" ::: "memory"); }

__attribute__((noinline)) int square(int x) { return x * x; }

// Known values in callee-saved registers, xmm0/xmm1, ymm2, st0/st1 and the flags, then checkpoint().
static void regs(void) {
  __asm__ volatile(
      "movabs $0x1122334455667788, %%rbx\n\t"
      "movabs $0x0123456789abcdef, %%r12\n\t"
      "mov $-5, %%r13\n\t"
      "mov $42, %%r14\n\t"
      "movabs $0x7fedcba987654321, %%r15\n\t"
      "movupd (%0), %%xmm0\n\t"
      "movupd 16(%0), %%xmm1\n\t"
      "vmovupd (%0), %%ymm2\n\t"
      "fldt 16(%1)\n\t"
      "fldt (%1)\n\t"
      "mov $3, %%eax\n\t"
      "cmp $5, %%eax\n\t"
      "call checkpoint\n\t"
      "fstp %%st(0)\n\t"
      "fstp %%st(0)\n\t"
      "vzeroupper"
      :
      : "r"(dvalues), "r"(lvalues)
      : "rax", "rbx", "r12", "r13", "r14", "r15", "xmm0", "xmm1", "xmm2", "memory", "cc");
  counter = square(7);
}

static void watch(void) {
  checkpoint();
  counter = 1;
  counter += 41;
  pattern[2] = counter;
}

static void spin(int i) { for (;;) { arrived[i] = 1; if (stop) break; } }
static void *worker(void *arg) { spin((int)(long)arg); return 0; }

static void threads(void) {
  pthread_t t[2];
  for (long i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, (void *)i);
  while (!arrived[0] || !arrived[1]) {}
  checkpoint();
  stop = 1;
  for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
}

static void on_usr1(int sig) { caught = sig; }

static int pipefd[2];
static void *unblock(void *arg) {
  usleep(200 * 1000); // main is in read() by then
  checkpoint();
  write(pipefd[1], "x", 1);
  return arg;
}
// 0 when read() returned the byte (a debugger calling a function meanwhile must not end the call).
static int block(void) {
  pthread_t t;
  char c = 0;
  if (pipe(pipefd)) return 4;
  pthread_create(&t, 0, unblock, 0);
  ssize_t n = read(pipefd[0], &c, 1);
  pthread_join(t, 0);
  return n == 1 && c == 'x' ? 0 : 5;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "regs";
  if (!strcmp(mode, "regs")) regs();
  else if (!strcmp(mode, "watch")) watch();
  else if (!strcmp(mode, "threads")) threads();
  else if (!strcmp(mode, "segv")) { checkpoint(); *(volatile int *)(long)counter = 1; }
  else if (!strcmp(mode, "usr1")) { signal(SIGUSR1, on_usr1); raise(SIGUSR1); checkpoint(); return caught == SIGUSR1 ? 0 : 1; }
  else if (!strcmp(mode, "fork")) {
    pid_t child = fork();
    if (child == 0) _exit(square(3) == 9 ? 0 : 1);
    int status = 0;
    waitpid(child, &status, 0);
    return square(WIFEXITED(status) ? WEXITSTATUS(status) + 2 : 9) == 4 ? 0 : 1;
  } else if (!strcmp(mode, "block")) {
    return block();
  } else if (!strcmp(mode, "exec")) {
    char *again[] = {argv[0], "regs", 0};
    execv(argv[0], again);
    return 3;
  }
  else return 2;
  return 0;
}
