/* Syscalls with hostile arguments, each printed with its result and errno:
 * huge lengths and offsets that a JavaScript number or allocation cannot
 * take. Natively and under xos the answers must be the same. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <signal.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
  case ENOMEM: return "ENOMEM"; case EFBIG: return "EFBIG"; case EINVAL: return "EINVAL";
  case EFAULT: return "EFAULT"; case EOPNOTSUPP: return "EOPNOTSUPP"; case EIO: return "EIO";
  default: { static char b[16]; snprintf(b, sizeof b, "errno %d", e); return b; }
  }
}

static void show(const char *what, long r) {
  if (r < 0) printf("%s = -1 %s\n", what, errname(errno));
  else printf("%s = %ld\n", what, r);
}

int main(void) {
  unsigned char vec[16];
  char *page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  page[0] = 1;
  show("mincore 2^46", mincore(page, 1UL << 46, vec));
  show("mincore ~0", mincore(page, ~0UL - 8192, vec));
  show("mincore 2^47 beyond", mincore((void *)(1UL << 46), 1UL << 46, vec));
  show("mincore one page", mincore(page, 4096, vec));
  printf("resident %d\n", vec[0] & 1);

  char dir[] = "/tmp/xos-bad-args-XXXXXX";
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
  char path[64];
  snprintf(path, sizeof path, "%s/f", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  const long offs[] = { (1L << 53) + 1, 1L << 60, 0x7ffffffffffffff0L, -1 };
  for (int i = 0; i < 4; i++) {
    char what[64], buf[4];
    snprintf(what, sizeof what, "pwrite at %#lx", offs[i]);
    show(what, pwrite(fd, "abc", 3, offs[i]));
    snprintf(what, sizeof what, "pread at %#lx", offs[i]);
    show(what, pread(fd, buf, 3, offs[i]));
    snprintf(what, sizeof what, "lseek to %#lx", offs[i]);
    show(what, lseek(fd, offs[i], SEEK_SET));
  }
  show("ftruncate 2^62", ftruncate(fd, 1L << 62));
  struct stat st;
  fstat(fd, &st);
  printf("size after all that: %ld\n", (long)st.st_size);
  /* a read far larger than the file, into a buffer far larger than needed (never touched) */
  char *big = mmap(0, 1UL << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  show("write 3", pwrite(fd, "xyz", 3, 0));
  show("read 1 GiB", pread(fd, big, 1UL << 30, 0));
  size_t huge = ~0UL;
  __asm__("" : "+r"(huge)); /* not a constant for the compiler's object-size warning */
  show("read ~0", read(fd, big, huge));
  show("write from unmapped", write(fd, (void *)0x1000, 1 << 20));
  /* vectored I/O larger than xos's 1 MiB pieces, segments straddling the piece boundaries */
  size_t N = (3 << 20) + 123;
  char *b = malloc(N), *c = calloc(1, N);
  for (size_t i = 0; i < N; i++) b[i] = (char)(i * 7 + i / 4099);
  struct iovec w[3] = { { b, 1000 }, { b + 1000, 2 << 20 }, { b + 1000 + (2 << 20), N - 1000 - (2 << 20) } };
  show("pwritev 3 MiB", pwritev(fd, w, 3, 0));
  struct iovec v[4] = { { c, 5 }, { c + 5, (1 << 20) + 7 }, { c + 5 + (1 << 20) + 7, 1 << 21 }, { c + 5 + (1 << 20) + 7 + (1 << 21), N } };
  show("preadv 3 MiB", preadv(fd, v, 4, 0));
  printf("preadv bytes intact: %s\n", memcmp(b, c, N) ? "no" : "yes");
  memset(c, 0, N);
  show("pread 3 MiB", pread(fd, c, N, 0));
  printf("pread bytes intact: %s\n", memcmp(b, c, N) ? "no" : "yes");
  /* RLIMIT_FSIZE: what fits is written, then EFBIG (SIGXFSZ ignored here) */
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit old;
  getrlimit(RLIMIT_FSIZE, &old);
  struct rlimit rl = { 8192, old.rlim_max }; /* the hard limit kept: raising it back needs CAP_SYS_RESOURCE */
  setrlimit(RLIMIT_FSIZE, &rl);
  ftruncate(fd, 0);
  show("write 16K under a limit of 8K", pwrite(fd, b, 16384, 0));
  show("write at the limit", pwrite(fd, b, 10, 8192));
  show("ftruncate past the limit", ftruncate(fd, 100000));
  show("ftruncate within it", ftruncate(fd, 4096));
  show("fallocate past the limit", fallocate(fd, 0, 0, 65536));
  setrlimit(RLIMIT_FSIZE, &old);
  close(fd);
  unlink(path);
  rmdir(dir);

  /* tmpfs (/dev/shm) punches real holes: the space comes back, the bytes read as zeros */
  char shm[] = "/dev/shm/xos-bad-args-XXXXXX";
  int s = mkstemp(shm);
  char block[65536];
  memset(block, 'x', sizeof block);
  for (int i = 0; i < 8; i++) write(s, block, sizeof block);
  fstat(s, &st);
  long before = st.st_blocks;
  show("punch 128K..384K", fallocate(s, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 131072, 262144));
  show("punch mid-page", fallocate(s, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10, 20));
  fstat(s, &st);
  printf("size %ld, blocks given back: %s\n", (long)st.st_size, st.st_blocks < before ? "yes" : "no");
  char k[3];
  pread(s, k, 1, 200000);
  pread(s, k + 1, 1, 15);
  pread(s, k + 2, 1, 9);
  printf("bytes: %d %d %c\n", k[0], k[1], k[2]);
  show("punch without KEEP_SIZE", fallocate(s, FALLOC_FL_PUNCH_HOLE, 0, 10));
  close(s);
  unlink(shm);
  return 0;
}
