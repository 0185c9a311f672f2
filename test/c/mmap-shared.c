// MAP_SHARED coherence: two mappings of one file, read(2)/write(2) against a
// mapping, mappings across fork and across processes that open the file
// separately, shared anonymous memory first touched after fork, memfd and
// /dev/shm, write-back at exit without munmap, truncation, and MAP_PRIVATE
// pages taken after a shared store.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>

#define PG 4096
static char dir[64];

static void check(int ok, const char *what) { printf("%-52s %s\n", what, ok ? "ok" : "FAIL"); }

static char path_buf[128];
static const char *path(const char *name) {
  snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
  return path_buf;
}

static int make_file(const char *name, size_t size, char fill) {
  int fd = open(path(name), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { perror("open"); exit(1); }
  char *b = malloc(size);
  memset(b, fill, size);
  if (write(fd, b, size) != (ssize_t)size) { perror("write"); exit(1); }
  free(b);
  return fd;
}

static void wait_child(pid_t p) {
  int st;
  waitpid(p, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st)) printf("child failed: %#x\n", st);
}

static sigjmp_buf jump;
static volatile int bus_code;
static void *volatile bus_addr;
static void on_bus(int sig, siginfo_t *si, void *ctx) {
  (void)sig; (void)ctx;
  bus_code = si->si_code;
  bus_addr = si->si_addr;
  siglongjmp(jump, 1);
}
// Touch *p: 0 if it read, else the signal's si_code.
static int touch(volatile char *p) {
  bus_code = 0;
  if (sigsetjmp(jump, 1) == 0) { (void)*p; return 0; }
  return bus_addr == (void *)p ? bus_code : -1;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  strcpy(dir, "/tmp/xos-mmsh-XXXXXX");
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }

  // Two shared mappings of one file, and read/write(2) against them.
  int fd = make_file("a", 2 * PG, 'a');
  char *m1 = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char *m2 = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  check(m1 != MAP_FAILED && m2 != MAP_FAILED && m1 != m2, "two shared mappings");
  m1[10] = 'X';
  check(m2[10] == 'X', "store through one seen in the other");
  char c = 0;
  pread(fd, &c, 1, 10);
  check(c == 'X', "pread sees a store before msync");
  pwrite(fd, "YZ", 2, PG + 5);
  check(m1[PG + 5] == 'Y' && m2[PG + 6] == 'Z', "pwrite seen in both mappings");
  int fd2 = open(path("a"), O_RDONLY);
  char buf[16] = {0};
  lseek(fd2, 8, SEEK_SET);
  read(fd2, buf, 4);
  check(memcmp(buf, "aaXa", 4) == 0, "another description reads the store");
  close(fd2);

  // A private mapping taken now sees the stored byte; its own stores stay private.
  char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  check(p[10] == 'X', "MAP_PRIVATE page copies the current contents");
  p[11] = 'P';
  check(m1[11] == 'a', "private store not seen by the shared mapping");
  munmap(p, PG);

  // A child's store through the inherited mapping.
  pid_t pid = fork();
  if (pid == 0) { m1[100] = 'C'; _exit(0); }
  wait_child(pid);
  check(m2[100] == 'C', "child's store seen by the parent");

  // A process that opens and maps the file itself, then exits without munmap.
  pid = fork();
  if (pid == 0) {
    int f = open(path("a"), O_RDWR);
    char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
    if (m == MAP_FAILED) _exit(2);
    if (m[10] != 'X') _exit(3);
    m[200] = 'Q';
    _exit(0);
  }
  wait_child(pid);
  check(m1[200] == 'Q', "separate mapping in a child shares the page");
  munmap(m1, 2 * PG);
  munmap(m2, 2 * PG);
  close(fd);
  fd = open(path("a"), O_RDONLY);
  pread(fd, buf, 1, 200);
  check(buf[0] == 'Q', "the file holds the store after the last munmap");
  close(fd);

  // Exit without munmap writes the pages back.
  make_file("b", PG, 'b');
  pid = fork();
  if (pid == 0) {
    int f = open(path("b"), O_RDWR);
    char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
    close(f);
    memcpy(m + 1000, "exit-writeback", 14);
    _exit(0);
  }
  wait_child(pid);
  fd = open(path("b"), O_RDONLY);
  memset(buf, 0, sizeof buf);
  pread(fd, buf, 14, 1000);
  check(memcmp(buf, "exit-writeback", 14) == 0, "stores reach the file when the process exits");
  close(fd);

  // read(2) from a file into a shared mapping of another file marks it dirty.
  fd = make_file("c", PG, 'c');
  int src = open(path("b"), O_RDONLY);
  char *mc = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  pread(src, mc + 50, 14, 1000);
  munmap(mc, PG);
  memset(buf, 0, sizeof buf);
  pread(fd, buf, 14, 50);
  check(memcmp(buf, "exit-writeback", 14) == 0, "a read(2) into a shared mapping is written back");
  close(src);

  // msync then read.
  mc = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  mc[0] = 'M';
  check(msync(mc, PG, MS_SYNC) == 0, "msync");
  pread(fd, &c, 1, 0);
  check(c == 'M', "msync'd byte read back");

  // Truncation: bytes beyond the new end read back as zero after regrowth.
  mc[3000] = 'T';
  ftruncate(fd, 2000);
  ftruncate(fd, PG);
  check(mc[3000] == 0 && mc[1999] == 'c', "truncate zeroes the mapped tail");
  pread(fd, &c, 1, 3000);
  check(c == 0, "pread after truncate and regrowth");
  munmap(mc, PG);
  close(fd);

  // Shared anonymous memory first touched after fork.
  char *anon = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid = fork();
  if (pid == 0) { strcpy(anon + 3 * PG, "from-child"); anon[0] = 1; _exit(0); }
  wait_child(pid);
  check(strcmp(anon + 3 * PG, "from-child") == 0 && anon[0] == 1, "MAP_SHARED|MAP_ANONYMOUS after fork");
  // ... and after the parent dropped a page and the child wrote it again
  madvise(anon, PG, MADV_DONTNEED);
  check(anon[0] == 1, "MADV_DONTNEED keeps shared anonymous contents");
  munmap(anon, 4 * PG);

  // /dev/zero MAP_SHARED behaves as shared anonymous memory.
  int z = open("/dev/zero", O_RDWR);
  char *zm = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
  close(z);
  pid = fork();
  if (pid == 0) { zm[7] = 42; _exit(0); }
  wait_child(pid);
  check(zm != MAP_FAILED && zm[7] == 42, "MAP_SHARED of /dev/zero after fork");

  // memfd: the mapping and read(2) agree.
  int mfd = memfd_create("xos-test", 0);
  ftruncate(mfd, PG);
  char *mm = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
  strcpy(mm + 64, "memfd-bytes");
  memset(buf, 0, sizeof buf);
  pread(mfd, buf, 11, 64);
  check(memcmp(buf, "memfd-bytes", 11) == 0, "memfd store seen by pread");
  char *mm2 = mmap(NULL, PG, PROT_READ, MAP_SHARED, mfd, 0);
  check(strcmp(mm2 + 64, "memfd-bytes") == 0, "second memfd mapping");
  close(mfd);

  // POSIX shared memory between processes.
  shm_unlink("/xos-mmsh");
  int s = shm_open("/xos-mmsh", O_RDWR | O_CREAT | O_EXCL, 0600);
  ftruncate(s, PG);
  int *counter = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
  for (int i = 0; i < 3; i++) {
    pid = fork();
    if (pid == 0) {
      int f = shm_open("/xos-mmsh", O_RDWR, 0);
      int *c2 = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
      __atomic_add_fetch(c2, 10 + i, __ATOMIC_SEQ_CST);
      _exit(0);
    }
    wait_child(pid);
  }
  check(*counter == 33, "shm_open counter from three children");
  shm_unlink("/xos-mmsh");

  // PROT_READ shared mapping of a read-only description; writable one is refused.
  fd = open(path("b"), O_RDONLY);
  check(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES, "EACCES for a writable map of O_RDONLY");
  char *ro = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
  check(ro != MAP_FAILED && memcmp(ro + 1000, "exit-writeback", 14) == 0, "read-only shared mapping");
  close(fd);

  // A page wholly beyond the end of the file: SIGBUS (BUS_ADRERR), until the file grows.
  struct sigaction sa = {0};
  sa.sa_sigaction = on_bus;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGBUS, &sa, NULL);
  fd = make_file("e", 100, 'e');
  char *e = mmap(NULL, 3 * PG, PROT_READ, MAP_SHARED, fd, 0);
  check(touch(e + 99) == 0 && e[99] == 'e' && e[100] == 0 && touch(e + PG - 1) == 0, "the last partial page reads, zero beyond EOF");
  check(touch(e + PG + 8) == BUS_ADRERR, "SIGBUS BUS_ADRERR beyond EOF (shared)");
  char *ep = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  check(touch(ep + PG) == BUS_ADRERR, "SIGBUS beyond EOF (private)");
  ftruncate(fd, 2 * PG + 1);
  check(touch(e + PG + 8) == 0 && touch(e + 2 * PG) == 0 && touch(ep + PG) == 0, "readable after the file grows");
  close(fd);

  unlink(path("e"));
  unlink(path("a"));
  unlink(path("b"));
  unlink(path("c"));
  rmdir(dir);
  return 0;
}
