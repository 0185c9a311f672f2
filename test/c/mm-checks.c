/* Memory-management checks as Linux makes them: madvise's advice (EINVAL for
 * unknown advice, WIPEONFORK/KEEPONFORK/DONTFORK seen by a forked child),
 * MAP_SHARED_VALIDATE, mprotect(PROT_WRITE) of a shared read-only mapping,
 * MREMAP_FIXED and MREMAP_DONTUNMAP, mmap's check order, mincore's bounds,
 * mseal, remap_file_pages and the protection-key calls. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 3
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static const char *en(void) {
  switch (errno) {
  case EINVAL: return "EINVAL";
  case ENOMEM: return "ENOMEM";
  case EACCES: return "EACCES";
  case EBADF: return "EBADF";
  case EPERM: return "EPERM";
  case EFAULT: return "EFAULT";
  case ENOSPC: return "ENOSPC";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  case EEXIST: return "EEXIST";
  default: return strerror(errno);
  }
}
#define SHOW(label, call) do { errno = 0; long r_ = (long)(call); printf("%s: %s\n", label, r_ == -1 ? en() : "ok"); } while (0)
#define SHOWP(label, call) do { errno = 0; void *p_ = (call); printf("%s: %s\n", label, p_ == MAP_FAILED ? en() : "ok"); } while (0)

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  long pg = sysconf(_SC_PAGESIZE);
  /* four pages, then a hole of four */
  char *a = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(a + 4 * pg, 4 * pg);

  /* madvise */
  SHOW("madvise advice 99", madvise(a, pg, 99));
  SHOW("madvise advice 26", madvise(a, pg, 26));
  SHOW("madvise unaligned", madvise(a + 1, pg, MADV_NORMAL));
  SHOW("madvise length 0", madvise(a, 0, MADV_NORMAL));
  SHOW("madvise WILLNEED", madvise(a, pg, MADV_WILLNEED));
  SHOW("madvise past the mapping", madvise(a, 8 * pg, MADV_NORMAL));
  a[0] = 'w'; a[pg] = 'k'; a[2 * pg] = 'd';
  SHOW("WIPEONFORK", madvise(a, pg, MADV_WIPEONFORK));
  SHOW("WIPEONFORK then KEEPONFORK on the second page", madvise(a + pg, pg, MADV_WIPEONFORK) | madvise(a + pg, pg, MADV_KEEPONFORK));
  SHOW("DONTFORK on the fourth page", madvise(a + 3 * pg, pg, MADV_DONTFORK));
  pid_t c = fork();
  if (c == 0) {
    printf("child sees: wiped %d, kept %c, untouched %c\n", a[0], a[pg], a[2 * pg]);
    unsigned char v;
    printf("child: the DONTFORK page is gone: %d\n", mincore(a + 3 * pg, pg, &v) == -1 && errno == ENOMEM);
    _exit(0);
  }
  waitpid(c, NULL, 0);
  printf("parent keeps: %c %c %c\n", a[0], a[pg], a[2 * pg]);
  char tmpl[] = "/tmp/xos-mm-XXXXXX";
  int fd = mkstemp(tmpl);
  ftruncate(fd, 4 * pg);
  char *fm = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
  SHOW("WIPEONFORK on a file mapping", madvise(fm, pg, MADV_WIPEONFORK));
  SHOW("REMOVE on private memory", madvise(a, pg, MADV_REMOVE));
  munmap(fm, pg);

  /* MAP_SHARED_VALIDATE */
  SHOWP("SHARED_VALIDATE known flags", mmap(NULL, pg, PROT_READ, MAP_SHARED_VALIDATE, fd, 0));
  SHOWP("SHARED_VALIDATE unknown flag", mmap(NULL, pg, PROT_READ, MAP_SHARED_VALIDATE | 0x400000, fd, 0));
  SHOWP("SHARED unknown flag (ignored)", mmap(NULL, pg, PROT_READ, MAP_SHARED | 0x400000, fd, 0));
  SHOWP("SHARED_VALIDATE MAP_SYNC", mmap(NULL, pg, PROT_READ, MAP_SHARED_VALIDATE | 0x80000, fd, 0));

  /* a shared mapping of a read-only descriptor */
  int ro = open(tmpl, O_RDONLY);
  char *m = mmap(NULL, pg, PROT_READ, MAP_SHARED, ro, 0);
  SHOW("mprotect WRITE of shared read-only", mprotect(m, pg, PROT_READ | PROT_WRITE));
  SHOW("mprotect EXEC of shared read-only", mprotect(m, pg, PROT_READ | PROT_EXEC));
  char *pm = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, ro, 0);
  SHOW("mprotect WRITE of private read-only", mprotect(pm, pg, PROT_READ | PROT_WRITE));
  SHOWP("mmap shared WRITE of read-only fd", mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
  int wo = open(tmpl, O_WRONLY);
  SHOWP("mmap of a write-only fd", mmap(NULL, pg, PROT_READ, MAP_PRIVATE, wo, 0));
  SHOW("mprotect unmapped", mprotect(a + 8 * pg, pg, PROT_READ));
  SHOW("mprotect bad prot", mprotect(a, pg, 0x100));

  /* mmap's order of checks */
  SHOWP("bad fd and length 0", mmap(NULL, 0, PROT_READ, MAP_SHARED, 99, 0));
  SHOWP("bad fd and bad offset", mmap(NULL, pg, PROT_READ, MAP_SHARED, 99, 1));
  SHOWP("length 0, anonymous", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  SHOWP("bad type, file", mmap(NULL, pg, PROT_READ, 0, fd, 0));
  SHOWP("bad type and bad fd", mmap(NULL, pg, PROT_READ, 0, 99, 0));
  SHOWP("fixed unaligned", mmap(a + 1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
  SHOWP("fixed_noreplace over a mapping", mmap(a, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));

  /* mremap */
  char *b = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(b + 4 * pg, 4 * pg);
  b[0] = 'm';
  SHOWP("MREMAP_FIXED without MAYMOVE", mremap(b, pg, pg, MREMAP_FIXED, b + 5 * pg));
  SHOWP("MREMAP_FIXED overlapping", mremap(b, 2 * pg, 2 * pg, MREMAP_FIXED | MREMAP_MAYMOVE, b + pg));
  SHOWP("MREMAP_FIXED unaligned", mremap(b, pg, pg, MREMAP_FIXED | MREMAP_MAYMOVE, b + 5 * pg + 1));
  char *moved = mremap(b, pg, pg, MREMAP_FIXED | MREMAP_MAYMOVE, b + 5 * pg);
  printf("MREMAP_FIXED moved: %d, content %c\n", moved == b + 5 * pg, moved[0]);
  unsigned char v;
  printf("old place unmapped: %d\n", mincore(b, pg, &v) == -1 && errno == ENOMEM);
  SHOWP("DONTUNMAP with a size change", mremap(b + pg, pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_DONTUNMAP));
  SHOWP("DONTUNMAP without MAYMOVE", mremap(b + pg, pg, pg, MREMAP_DONTUNMAP));
  /* (a DONTUNMAP move itself: Linux 5.7 and later, not every kernel configuration) */
  SHOWP("mremap of unmapped", mremap(b + 7 * pg, pg, 2 * pg, MREMAP_MAYMOVE));
  SHOWP("mremap new size 0", mremap(b + 2 * pg, pg, 0, MREMAP_MAYMOVE));

  /* mincore bounds */
  unsigned char vec[8];
  SHOW("mincore unaligned", mincore(a + 1, pg, vec));
  SHOW("mincore past the end of user space", mincore((void *)0x7ffffffff000, 1L << 40, vec));
  SHOW("mincore huge length", mincore(a, -4096L, vec));
  SHOW("mincore unmapped", mincore(b + 7 * pg, pg, vec));
  SHOW("mincore bad vector", mincore(a, pg, (void *)8));
  SHOW("mincore length 0", mincore(a, 0, vec));

  /* mseal */
  char *s = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  SHOW("mseal flags", syscall(462, s, pg, 1));
  SHOW("mseal unaligned", syscall(462, s + 1, pg, 0));
  SHOW("mseal unmapped", syscall(462, b + 7 * pg, pg, 0));
  SHOW("mseal", syscall(462, s, pg, 0));
  SHOW("munmap sealed", munmap(s, pg));
  SHOW("mprotect sealed", mprotect(s, pg, PROT_READ));
  SHOWP("mremap sealed", mremap(s, pg, 2 * pg, MREMAP_MAYMOVE));
  SHOWP("mmap over sealed", mmap(s, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
  SHOW("unsealed neighbour unmaps", munmap(s + pg, pg));
  s[0] = 'x';
  printf("sealed memory still writable: %c\n", s[0]);

  /* remap_file_pages */
  char *fp = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  pwrite(fd, "P0", 2, 0);
  pwrite(fd, "P3", 2, 3 * pg);
  SHOW("remap_file_pages", remap_file_pages(fp, pg, 0, 3, 0));
  printf("first page now shows file page 3: %.2s, second page unchanged: %d\n", fp, fp[pg] == 0);
  SHOW("remap_file_pages prot", remap_file_pages(fp, pg, PROT_READ, 0, 0));
  SHOW("remap_file_pages private", remap_file_pages(a, pg, 0, 0, 0));

  /* protection keys: this CPU has none */
  SHOW("pkey_alloc", syscall(SYS_pkey_alloc, 0, 0));
  SHOW("pkey_alloc bad rights", syscall(SYS_pkey_alloc, 0, 8));
  SHOW("pkey_alloc flags", syscall(SYS_pkey_alloc, 1, 0));
  SHOW("pkey_free 1", syscall(SYS_pkey_free, 1));
  SHOW("pkey_mprotect key -1", syscall(SYS_pkey_mprotect, a, pg, PROT_READ, -1));
  SHOW("pkey_mprotect key 0 (not allocated without PKU)", syscall(SYS_pkey_mprotect, a, pg, PROT_READ | PROT_WRITE, 0));
  SHOW("pkey_mprotect key 5", syscall(SYS_pkey_mprotect, a, pg, PROT_READ, 5));
  unlink(tmpl);
  return 0;
}
