/* Fills one of the machine's resources until the guest is refused, prints
 * how that ended, then "DONE" and waits to be killed (the memory-limit test
 * reads the host's peak RSS of xos then).
 *   fill files DIR        empty files in DIR until creat fails
 *   fill write FILE MIB   write MIB MiB into FILE until write fails
 *   fill pipe MIB         a pipe grown with F_SETPIPE_SZ to MIB MiB, filled without a reader
 *   fill read FILE MIB    one read(2) of MIB MiB from FILE into an untouched buffer
 *   fill socket MIB       a unix stream socket pair with SO_SNDBUFFORCE MIB MiB, filled
 *   fill memory           8 MiB blocks, touched, until malloc fails */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

static void done(void) {
  printf("DONE\n");
  fflush(stdout);
  for (;;) pause();
}

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IONBF, 0);
  if (argc < 2) return 2;
  const char *mode = argv[1];
  long mib = argc > 3 ? atol(argv[3]) : argc > 2 ? atol(argv[2]) : 0;
  if (!strcmp(mode, "files")) {
    char path[4096];
    long n = 0;
    for (;; n++) {
      snprintf(path, sizeof path, "%s/f%ld", argv[2], n);
      int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
      if (fd < 0) { printf("files: %s after %s\n", strerror(errno), n > 1000 ? "more than 1000" : "fewer"); break; }
      close(fd);
    }
  } else if (!strcmp(mode, "write")) {
    int fd = open(argv[2], O_CREAT | O_WRONLY | O_TRUNC, 0644);
    static char block[1 << 20];
    memset(block, 'x', sizeof block);
    long total = 0;
    ssize_t n = 0;
    while (total < mib << 20 && (n = write(fd, block, sizeof block)) > 0) total += n; /* short writes go on */
    printf("write: %s\n", n < 0 ? strerror(errno) : "all written");
  } else if (!strcmp(mode, "pipe")) {
    int p[2];
    pipe2(p, O_NONBLOCK);
    int size = fcntl(p[1], F_SETPIPE_SZ, (int)(mib << 20));
    printf("F_SETPIPE_SZ: %s\n", size < 0 ? strerror(errno) : "ok");
    static char block[65536];
    memset(block, 'p', sizeof block);
    long total = 0;
    for (;;) {
      ssize_t n = write(p[1], block, sizeof block);
      if (n < 0) { printf("pipe: %s\n", errno == EAGAIN ? "full" : strerror(errno)); break; }
      total += n;
    }
  } else if (!strcmp(mode, "socket")) {
    int s[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
    int size = (int)(mib << 20);
    printf("SO_SNDBUFFORCE: %s\n", setsockopt(s[0], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) ? strerror(errno) : "ok");
    setsockopt(s[1], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    static char block[65536];
    memset(block, 's', sizeof block);
    for (;;) {
      ssize_t n = write(s[0], block, sizeof block);
      if (n < 0) { printf("socket: %s\n", errno == EAGAIN ? "full" : strerror(errno)); break; }
    }
  } else if (!strcmp(mode, "read")) {
    int fd = open(argv[2], O_RDONLY);
    char *buf = mmap(0, (size_t)mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (fd < 0 || buf == MAP_FAILED) { printf("read: cannot set up: %s\n", strerror(errno)); return 1; }
    ssize_t n = read(fd, buf, (size_t)mib << 20);
    int e = errno;
    munmap(buf, (size_t)mib << 20); /* the memory it took is free again for what follows */
    printf("read: %s\n", n < 0 ? strerror(e) : n == (ssize_t)mib << 20 ? "all of it" : "short");
  } else if (!strcmp(mode, "memory")) {
    long blocks = 0;
    for (;;) {
      char *p = malloc(8 << 20);
      if (!p) break;
      for (size_t i = 0; i < (8u << 20); i += 4096) p[i] = 1;
      blocks++;
    }
    printf("memory: malloc failed after %s\n", blocks ? "some blocks" : "none");
  } else return 2;
  done();
}
