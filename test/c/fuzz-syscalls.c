/* A syscall fuzzer, for running under xos as the machine's init in a jail:
 *   fuzz-syscalls --fuzz COUNT SEED
 * Batches of random syscalls, each batch in a child process (a call that
 * unmaps its own code only ends that child). Arguments are drawn from what
 * breaks kernels: file descriptors, paths (.., symlinks out of the jail,
 * /proc/self/root, the read-only mount, huge ones), pointers (NULL, unmapped,
 * kernel, non-canonical, read-only, the edge of a mapping), sizes and flags
 * at their limits. Blocking calls are cut short by an interval timer, and a
 * batch that hangs anyway is killed. Left out: exit (ends the batch early),
 * rt_sigreturn and vfork (no sane frame), and setrlimit/prlimit64 (they would
 * lift the file-size limit that keeps the host's disk safe).
 * Prints one summary line; the test checks that the host stayed whole. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCH 100
#define AREA (64 * 1024)

static uint64_t state;
static uint64_t rnd(void) { /* splitmix64 */
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static uint64_t below(uint64_t n) { return rnd() % n; }

static const char *const PATHS[] = {
  "/", ".", "..", "/..", "/../../..", "/ro", "/ro/sentinel", "/ro/dir/inner", "/rw", "/rw/f", "/escape",
  "/escape/..", "/escape/sentinel-outside", "/abs", "/abs/etc/passwd", "/abs/../..", "/proc/self/root",
  "/proc/self/root/..", "/proc/self/cwd/..", "/proc/1/root/../..", "/proc/self/exe", "/proc/self/mem",
  "/proc/self/fd/0", "/proc/self/fd/3", "/dev/null", "/dev/full", "/dev/zero", "/dev/shm/x", "/tmp",
  "/file", "/dir", "/dir/sub", "/dir/../file", "/link", "x", "../x", "", "/sys", "/sys/kernel", "/fuzz",
  "/ro/../../..", "/rw/../ro/sentinel",
};
#define NPATHS (sizeof PATHS / sizeof PATHS[0])

static const uint64_t SIZES[] = {
  0, 1, 2, 7, 8, 16, 64, 4095, 4096, 4097, 65536, 1 << 20, 0x7fffffff, 0x80000000, 0xffffffff, 1ULL << 32,
  1ULL << 47, 1ULL << 53, (1ULL << 53) + 1, 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 4095,
};
#define NSIZES (sizeof SIZES / sizeof SIZES[0])

static char *area;    /* AREA bytes, read-write, filled with noise before each call */
static char *pathbuf; /* paths copied here */
static char *edge;    /* the last byte of a mapping followed by an unmapped page */
static char bigpath[8192];

static uint64_t path_arg(void) {
  if (below(20) == 0) return (uint64_t)bigpath;
  const char *p = PATHS[below(NPATHS)];
  char *dst = pathbuf + 512 * below(8);
  strcpy(dst, p);
  return (uint64_t)dst;
}

static uint64_t pointer_arg(void) {
  switch (below(10)) {
  case 0: return 0;
  case 1: return 0x1000;
  case 2: return 0xffff800000000000ULL + below(1 << 20);
  case 3: return 0x800000000000ULL;
  case 4: return (uint64_t)&rnd; /* read-only code */
  case 5: return (uint64_t)edge - below(64);
  default: return (uint64_t)area + below(AREA);
  }
}

static uint64_t arg(void) {
  switch (below(8)) {
  case 0: return below(24) - 4;            /* small numbers and fds, some negative */
  case 1: return path_arg();
  case 2: case 3: return pointer_arg();
  case 4: return SIZES[below(NSIZES)];
  case 5: return 1ULL << below(64);       /* one flag bit */
  case 6: return rnd() & 0xffffffff;      /* 32-bit flags */
  default: return rnd();
  }
}

static int excluded(long nr) {
  switch (nr) {
  case SYS_exit: case SYS_exit_group: case SYS_rt_sigreturn: case SYS_vfork:
  case SYS_setrlimit: case SYS_prlimit64:
    return 1;
  }
  return 0;
}

static void tick(int s) { (void)s; }

static void batch(int n) {
  pid_t me = getpid();
  struct sigaction sa = { .sa_handler = tick }; /* no SA_RESTART: blocking calls end with EINTR */
  sigaction(SIGALRM, &sa, 0);
  for (int i = 0; i < n; i++) {
    long nr = below(460);
    if (excluded(nr)) continue;
    uint64_t a[6];
    for (int k = 0; k < 6; k++) a[k] = arg();
    for (int k = 0; k < 16; k++) ((uint64_t *)area)[below(AREA / 8)] = rnd();
    struct itimerval t = { { 0, 0 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &t, 0);
    syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (syscall(SYS_getpid) != me) syscall(SYS_exit_group, 0); /* a fork's child */
    if (syscall(SYS_gettid) != me) syscall(SYS_exit, 0);       /* a thread's */
  }
  _exit(0);
}

static volatile int watchdog;
static void on_watchdog(int s) { (void)s; watchdog = 1; }

int main(int argc, char **argv) {
  if (argc != 4 || strcmp(argv[1], "--fuzz")) return 0; /* exec'd by a fuzzed call: nothing to do */
  long count = atol(argv[2]);
  uint64_t seed = strtoull(argv[3], 0, 10);
  setvbuf(stdout, 0, _IONBF, 0);
  area = mmap(0, AREA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  pathbuf = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *two = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(two + 4096, 4096);
  edge = two + 4095;
  memset(bigpath, 'a', sizeof bigpath - 1);
  for (int i = 0; i < (int)sizeof bigpath - 1; i += 100) bigpath[i] = '/';
  /* the host's disk is safe from fallocate and big writes: files stop at 16 MiB */
  struct rlimit fsize = { 16 << 20, 16 << 20 };
  setrlimit(RLIMIT_FSIZE, &fsize);
  signal(SIGXFSZ, SIG_IGN);
  struct sigaction wd = { .sa_handler = on_watchdog };
  sigaction(SIGALRM, &wd, 0);

  long batches = 0, calls = 0, killed = 0, hung = 0, signals[65] = { 0 };
  while (calls < count) {
    state = seed * 1000003 + batches;
    int n = count - calls < BATCH ? (int)(count - calls) : BATCH;
    pid_t c = fork();
    if (c < 0) { perror("fork"); sleep(1); continue; }
    if (c == 0) batch(n);
    watchdog = 0;
    alarm(20);
    int st;
    pid_t r;
    while ((r = waitpid(c, &st, 0)) < 0 && errno == EINTR && !watchdog) {}
    alarm(0);
    if (r != c) { hung++; kill(c, SIGKILL); waitpid(c, &st, 0); }
    else if (WIFSIGNALED(st)) { killed++; signals[WTERMSIG(st) & 63]++; }
    kill(-1, SIGKILL); /* whatever the batch left running (init itself is spared) */
    while (waitpid(-1, 0, __WALL | WNOHANG) > 0) {}
    batches++;
    calls += n;
  }
  while (waitpid(-1, 0, __WALL) > 0) {}
  printf("fuzz-syscalls: seed %llu, %ld calls in %ld batches, %ld batches died of a signal, %ld hung; signals:",
         (unsigned long long)seed, calls, batches, killed, hung);
  for (int s = 1; s < 65; s++) if (signals[s]) printf(" %d:%ld", s, signals[s]);
  printf("\nDONE\n");
  return 0;
}
