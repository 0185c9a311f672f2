/* Writes a pattern into a shared mapping of FILE (never msync'ed, never
 * unmapped), says "written", then waits: what it wrote must reach FILE
 * within seconds, and when xos is stopped with SIGTERM, SIGINT or SIGHUP. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIZE (1 << 20)

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || ftruncate(fd, SIZE) < 0) { perror(argv[1]); return 1; }
  unsigned char *m = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) { perror("mmap"); return 1; }
  close(fd);
  for (int i = 0; i < SIZE; i++) m[i] = (unsigned char)(i * 31 + i / 4096);
  write(1, "written\n", 8);
  for (;;) pause();
}
