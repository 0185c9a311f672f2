/* splice, tee and vmsplice between pipes, files and user memory, with their
 * errors (EINVAL without a pipe or on the same pipe, ESPIPE for an offset on
 * a pipe, EAGAIN under SPLICE_F_NONBLOCK, EBADF), and sync_file_range. Works
 * in its own mkdtemp directory under /tmp. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *en(void) {
  switch (errno) {
  case EINVAL: return "EINVAL";
  case ESPIPE: return "ESPIPE";
  case EAGAIN: return "EAGAIN";
  case EBADF: return "EBADF";
  case EPIPE: return "EPIPE";
  default: return strerror(errno);
  }
}
#define SHOW(label, call) do { errno = 0; long r_ = (call); printf("%s: %ld%s%s\n", label, r_, r_ < 0 ? " " : "", r_ < 0 ? en() : ""); } while (0)

static void drain(const char *label, int fd) {
  char buf[256];
  int n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("%s: %d \"%s\"\n", label, n, buf);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char dir[] = "/tmp/xos-splice-XXXXXX";
  if (!mkdtemp(dir)) return 1;
  char path[64];
  snprintf(path, sizeof path, "%s/f", dir);
  int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  write(f, "0123456789abcdefghij", 20);

  int p[2], q[2];
  pipe(p);
  pipe(q);
  /* file -> pipe at an offset; the file position does not move */
  loff_t off = 5;
  SHOW("splice file@5 -> pipe", splice(f, &off, p[1], NULL, 8, 0));
  printf("offset now %lld, file position %ld\n", (long long)off, (long)lseek(f, 0, SEEK_CUR));
  /* tee: a copy into q, the bytes stay in p */
  SHOW("tee p -> q", tee(p[0], q[1], 100, 0));
  drain("q holds", q[0]);
  /* pipe -> file at its position */
  lseek(f, 0, SEEK_SET);
  SHOW("splice pipe -> file", splice(p[0], NULL, f, NULL, 3, 0));
  printf("file position %ld\n", (long)lseek(f, 0, SEEK_CUR));
  drain("p keeps the rest", p[0]);
  lseek(f, 0, SEEK_SET);
  char buf[32] = {0};
  read(f, buf, 20);
  printf("file: %s\n", buf);
  /* pipe -> pipe */
  write(p[1], "hello", 5);
  SHOW("splice pipe -> pipe", splice(p[0], NULL, q[1], NULL, 64, 0));
  drain("q", q[0]);

  /* errors */
  int g = open(path, O_RDONLY);
  SHOW("no pipe", splice(f, NULL, g, NULL, 4, 0));
  SHOW("same pipe", splice(p[0], NULL, p[1], NULL, 4, 0));
  off = 0;
  SHOW("offset on a pipe", splice(p[0], &off, f, NULL, 4, 0));
  SHOW("bad fd", splice(99, NULL, p[1], NULL, 4, 0));
  SHOW("unknown flag", splice(f, NULL, p[1], NULL, 4, 0x100));
  SHOW("read end as output", splice(f, NULL, p[0], NULL, 4, 0));
  SHOW("empty pipe, nonblocking", splice(p[0], NULL, f, NULL, 4, SPLICE_F_NONBLOCK));
  SHOW("tee from an empty pipe, nonblocking", tee(p[0], q[1], 4, SPLICE_F_NONBLOCK));
  SHOW("tee not pipes", tee(f, q[1], 4, 0));
  SHOW("length 0", splice(f, NULL, p[1], NULL, 0, 0));
  int r[2];
  pipe(r);
  close(r[0]);
  signal(SIGPIPE, SIG_IGN);
  SHOW("into a pipe with no reader", splice(f, NULL, r[1], NULL, 4, 0));
  close(r[1]);
  /* a writer gone: end of file */
  pipe(r);
  close(r[1]);
  SHOW("from a pipe with no writer", splice(r[0], NULL, f, NULL, 4, 0));
  close(r[0]);

  /* blocking: a child fills the pipe later */
  pipe(r);
  pid_t c = fork();
  if (c == 0) { usleep(100000); write(r[1], "late", 4); _exit(0); }
  close(r[1]);
  lseek(f, 0, SEEK_END);
  SHOW("splice waits for data", splice(r[0], NULL, f, NULL, 64, 0));
  waitpid(c, NULL, 0);
  close(r[0]);

  /* vmsplice */
  struct iovec iov[2] = {{"vm", 2}, {"splice", 6}};
  SHOW("vmsplice into a pipe", vmsplice(p[1], iov, 2, 0));
  drain("p", p[0]);
  write(p[1], "back out", 8);
  char o1[4] = {0}, o2[8] = {0};
  struct iovec out[2] = {{o1, 3}, {o2, 5}};
  SHOW("vmsplice out of a pipe", vmsplice(p[0], out, 2, 0));
  printf("got \"%s\" \"%s\"\n", o1, o2);
  SHOW("vmsplice on a file", vmsplice(f, iov, 2, 0));

  /* sync_file_range */
  SHOW("sync_file_range", sync_file_range(f, 0, 0, SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER));
  SHOW("sync_file_range bad flags", sync_file_range(f, 0, 0, 8));
  SHOW("sync_file_range negative offset", sync_file_range(f, -1, 0, 0));
  SHOW("sync_file_range on a pipe", sync_file_range(p[0], 0, 0, 0));
  SHOW("sync_file_range bad fd", sync_file_range(99, 0, 0, 0));

  unlink(path);
  rmdir(dir);
  return 0;
}
