// Named pipes: mkfifo on a host directory (/tmp) and on tmpfs (/dev/shm);
// a blocking reader and writer find each other, EOF when the writer closes,
// O_NONBLOCK opens (a reader at once, a writer ENXIO without a reader),
// O_RDWR, data dropped once no one has the FIFO open, fstat, and mknod.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(int ok, const char *what) { printf("  %-54s %s\n", what, ok ? "ok" : "FAIL"); }

static void run(const char *dir) {
  char path[128];
  snprintf(path, sizeof path, "%s/xos-fifo-%d", dir, getpid());
  printf("%s:\n", strncmp(dir, "/tmp", 4) == 0 ? "host directory" : "tmpfs");
  unlink(path);
  check(mkfifo(path, 0640) == 0, "mkfifo");
  struct stat st;
  check(stat(path, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == (0640 & ~umask(022)), "a FIFO with its mode");
  umask(022);
  check(mkfifo(path, 0600) < 0 && errno == EEXIST, "mkfifo again: EEXIST");

  // writer first: it waits in open until the reader comes
  pid_t c = fork();
  if (c == 0) {
    int w = open(path, O_WRONLY);
    write(w, "hello ", 6);
    usleep(20000);
    write(w, "fifo", 4);
    close(w);
    _exit(0);
  }
  int r = open(path, O_RDONLY);
  char buf[64] = {0};
  int n = 0, k;
  while ((k = read(r, buf + n, sizeof buf - 1 - n)) > 0) n += k;
  check(n == 10 && strcmp(buf, "hello fifo") == 0 && k == 0, "reader gets it all, then EOF when the writer closes");
  struct stat fst;
  check(fstat(r, &fst) == 0 && S_ISFIFO(fst.st_mode) && fst.st_ino == st.st_ino, "fstat is the FIFO inode");
  close(r);
  waitpid(c, NULL, 0);

  // reader first
  c = fork();
  if (c == 0) {
    int rr = open(path, O_RDONLY);
    char b[8] = {0};
    int got = read(rr, b, sizeof b);
    _exit(got == 3 && memcmp(b, "abc", 3) == 0 ? 0 : 1);
  }
  usleep(20000);
  int w = open(path, O_WRONLY);
  write(w, "abc", 3);
  close(w);
  int status;
  waitpid(c, &status, 0);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader waiting first gets the writer's bytes");

  int nr = open(path, O_RDONLY | O_NONBLOCK);
  check(nr >= 0, "O_RDONLY|O_NONBLOCK opens at once");
  check(read(nr, buf, 1) == 0, "and reads EOF: no writer");
  close(nr);
  check(open(path, O_WRONLY | O_NONBLOCK) < 0 && errno == ENXIO, "O_WRONLY|O_NONBLOCK without a reader: ENXIO");
  nr = open(path, O_RDONLY | O_NONBLOCK);
  int nw = open(path, O_WRONLY | O_NONBLOCK);
  check(nw >= 0, "O_WRONLY|O_NONBLOCK with a reader");
  struct pollfd pf = {.fd = nr, .events = POLLIN};
  write(nw, "x", 1);
  check(poll(&pf, 1, 1000) == 1 && (pf.revents & POLLIN), "poll sees the byte");
  close(nw);
  close(nr);

  int rw = open(path, O_RDWR);
  check(rw >= 0 && write(rw, "loop", 4) == 4 && read(rw, buf, 4) == 4 && memcmp(buf, "loop", 4) == 0, "O_RDWR: never waits, reads its own bytes");
  write(rw, "left", 4);
  close(rw);
  rw = open(path, O_RDWR | O_NONBLOCK);
  check(read(rw, buf, 4) < 0 && errno == EAGAIN, "bytes left when all closed are gone");
  close(rw);
  check(unlink(path) == 0, "unlink");
  check(mknod(path, S_IFIFO | 0600, 0) == 0 && stat(path, &st) == 0 && S_ISFIFO(st.st_mode), "mknod S_IFIFO");
  unlink(path);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  umask(022);
  run("/tmp");
  run("/dev/shm");
  return 0;
}
