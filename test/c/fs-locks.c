// Advisory locks between processes: fcntl record locks (F_GETLK reports the
// holder and its range, F_SETLK refuses with EAGAIN, F_SETLKW waits for the
// unlock, ranges split and merge, any close of the file drops the process's
// locks), OFD locks (per description, even within one process) and flock
// (shared and exclusive, LOCK_NB, released with the last descriptor).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[64];
static void check(int ok, const char *what) { printf("%-56s %s\n", what, ok ? "ok" : "FAIL"); }
static int setlk(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  return fcntl(fd, cmd, &l);
}
// What F_GETLK says about [start, start+len) for a write lock: "unlocked" or "TYPE start len by parent/other".
static void getlk(int fd, off_t start, off_t len, pid_t parent, const char *label) {
  struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  if (fcntl(fd, F_GETLK, &l) < 0) { printf("%s: F_GETLK failed %d\n", label, errno); return; }
  if (l.l_type == F_UNLCK) printf("%s: unlocked\n", label);
  else printf("%s: %s %ld %ld by %s\n", label, l.l_type == F_WRLCK ? "WR" : "RD", (long)l.l_start, (long)l.l_len, l.l_pid == parent ? "parent" : "other");
}
static int status_of(pid_t p) { int st; waitpid(p, &st, 0); return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  snprintf(path, sizeof path, "/tmp/xos-locks-%d", getpid());
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "0123456789", 10);
  pid_t me = getpid();

  check(setlk(fd, F_SETLK, F_WRLCK, 0, 100) == 0, "write-lock [0,100)");
  check(setlk(fd, F_SETLK, F_UNLCK, 40, 20) == 0, "unlock [40,60): the lock splits");
  check(setlk(fd, F_SETLK, F_RDLCK, 200, 0) == 0, "read-lock [200, end)");
  pid_t c = fork();
  if (c == 0) {
    int f = open(path, O_RDWR);
    getlk(f, 10, 1, me, "child asks at 10");
    getlk(f, 50, 1, me, "child asks at 50");
    getlk(f, 90, 20, me, "child asks at [90,110)");
    getlk(f, 300, 5, me, "child asks at 300");
    struct flock rd = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 300, .l_len = 5};
    fcntl(f, F_GETLK, &rd);
    printf("a read lock at 300 would be: %s\n", rd.l_type == F_UNLCK ? "fine" : "blocked");
    int r = setlk(f, F_SETLK, F_WRLCK, 0, 1);
    printf("child F_SETLK at 0: %s\n", r == 0 ? "got it" : errno == EAGAIN || errno == EACCES ? "EAGAIN" : strerror(errno));
    printf("child F_SETLK at 45: %s\n", setlk(f, F_SETLK, F_WRLCK, 45, 5) == 0 ? "got it" : "refused");
    _exit(0);
  }
  check(status_of(c) == 0, "child done");

  // F_SETLKW waits until the parent unlocks
  int p2c[2], c2p[2];
  pipe(p2c); pipe(c2p);
  c = fork();
  if (c == 0) {
    int f = open(path, O_RDWR);
    write(c2p[1], "w", 1);
    int r = setlk(f, F_SETLKW, F_WRLCK, 0, 10);
    char b = 0;
    int gone = read(p2c[0], &b, 1) == 1 && b == 'u'; // the parent said it unlocked before we got the lock
    _exit(r == 0 && gone ? 0 : 1);
  }
  char b;
  read(c2p[0], &b, 1);
  usleep(50000);
  write(p2c[1], "u", 1);
  // closing another descriptor of the file drops all of this process's record locks
  int other = open(path, O_RDONLY);
  close(other);
  check(status_of(c) == 0, "F_SETLKW waited for the close of another fd");

  // OFD locks: two descriptions in one process conflict
  int a1 = open(path, O_RDWR), a2 = open(path, O_RDWR);
  struct flock o = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
  check(fcntl(a1, F_OFD_SETLK, &o) == 0, "OFD write lock on the first description");
  check(fcntl(a2, F_OFD_SETLK, &o) < 0 && errno == EAGAIN, "the second description: EAGAIN");
  struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
  fcntl(a2, F_OFD_GETLK, &q);
  check(q.l_type == F_WRLCK && q.l_pid == -1 && q.l_start == 0 && q.l_len == 10, "F_OFD_GETLK: the holder, pid -1");
  struct flock bad = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_pid = 5};
  check(fcntl(a2, F_OFD_SETLK, &bad) < 0 && errno == EINVAL, "OFD lock with l_pid set: EINVAL");
  close(a1);
  check(fcntl(a2, F_OFD_SETLK, &o) == 0, "free once the first description is closed");
  close(a2);

  // flock
  int f1 = open(path, O_RDONLY), f2 = open(path, O_RDONLY);
  check(flock(f1, LOCK_SH) == 0 && flock(f2, LOCK_SH | LOCK_NB) == 0, "two shared flocks");
  check(flock(f2, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK, "exclusive beside a shared one: EWOULDBLOCK");
  flock(f2, LOCK_UN);
  int f3 = dup(f1);
  check(flock(f1, LOCK_EX) == 0, "upgrade to exclusive");
  c = fork();
  if (c == 0) {
    close(f1); close(f3); close(f2); // the inherited descriptors share the parent's lock: drop them
    int g = open(path, O_RDONLY);
    int nb = flock(g, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    write(c2p[1], "x", 1);
    int r = flock(g, LOCK_SH); // waits for the parent's last descriptor of it
    _exit(nb && r == 0 ? 0 : 1);
  }
  read(c2p[0], &b, 1);
  close(f1);
  usleep(30000);
  close(f3);
  check(status_of(c) == 0, "a waiting flock gets it when the last dup is closed");
  check(flock(f2, LOCK_SH | LOCK_EX) < 0 && errno == EINVAL, "flock with a bad operation: EINVAL");
  close(f2);

  struct flock neg = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = -5, .l_len = 1};
  check(fcntl(fd, F_SETLK, &neg) < 0 && errno == EINVAL, "negative start: EINVAL");
  int ro = open(path, O_RDONLY);
  check(setlk(ro, F_SETLK, F_WRLCK, 0, 1) < 0 && errno == EBADF, "write lock on a read-only fd: EBADF");
  close(ro);
  unlink(path);
  return 0;
}
