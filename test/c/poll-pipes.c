/* poll, ppoll, select, pselect over pipes, eventfds and regular files, in one process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* the call, then errno: printf's arguments have no order of evaluation */
#define SHOW(label, call) do { errno = 0; long r_ = (long)(call); printf("%s: %ld errno=%d\n", label, r_, r_ < 0 ? errno : 0); } while (0)
#define CHECK(x) do { if (!(x)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #x, errno); exit(1); } } while (0)

static long ms_since(struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_poll_pipe(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  struct pollfd fds[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { -1, POLLIN, 0 } };
  int n = poll(fds, 3, 0);
  printf("empty pipe: n=%d r=%#x w=%#x neg=%#x\n", n, fds[0].revents, fds[1].revents, fds[2].revents);
  CHECK(write(p[1], "hi", 2) == 2);
  n = poll(fds, 2, -1);
  printf("after write: n=%d r=%#x w=%#x\n", n, fds[0].revents, fds[1].revents);
  /* POLLRDNORM alone */
  struct pollfd rn = { p[0], POLLRDNORM, 0 };
  n = poll(&rn, 1, 0);
  printf("rdnorm: n=%d rev=%#x\n", n, rn.revents);
  char buf[8];
  CHECK(read(p[0], buf, sizeof buf) == 2);
  /* timeout */
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  n = poll(fds, 1, 30);
  long el = ms_since(&t0);
  printf("timeout: n=%d rev=%#x waited>=25ms:%d\n", n, fds[0].revents, el >= 25);
  /* writer closed: POLLHUP on the reader */
  close(p[1]);
  n = poll(fds, 1, -1);
  printf("writer closed: n=%d rev=%#x\n", n, fds[0].revents);
  /* invalid fd */
  struct pollfd bad = { 999, POLLIN, 0 };
  n = poll(&bad, 1, 0);
  printf("bad fd: n=%d rev=%#x\n", n, bad.revents);
  close(p[0]);
  /* reader closed: POLLERR on the writer */
  CHECK(pipe(p) == 0);
  close(p[0]);
  struct pollfd w = { p[1], POLLOUT, 0 };
  n = poll(&w, 1, 0);
  printf("reader closed: n=%d rev=%#x\n", n, w.revents);
  close(p[1]);
  /* regular file: always ready */
  int f = open("/proc/self/exe", O_RDONLY);
  CHECK(f >= 0);
  struct pollfd rf = { f, POLLIN | POLLOUT, 0 };
  n = poll(&rf, 1, -1);
  printf("regular file: n=%d rev=%#x\n", n, rf.revents);
  close(f);
  /* no fds, timeout only */
  clock_gettime(CLOCK_MONOTONIC, &t0);
  n = poll(NULL, 0, 20);
  printf("sleep poll: n=%d waited>=15ms:%d\n", n, ms_since(&t0) >= 15);
  errno = 0;
  volatile nfds_t huge = 1 << 30;
  n = poll(fds, huge, 0);
  printf("too many fds: n=%d errno=%d\n", n, errno);
}

static void test_ppoll(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  struct pollfd fds[1] = { { p[0], POLLIN, 0 } };
  struct timespec ts = { 0, 20 * 1000 * 1000 };
  sigset_t mask;
  sigemptyset(&mask);
  int n = ppoll(fds, 1, &ts, &mask);
  printf("ppoll timeout: n=%d\n", n);
  CHECK(write(p[1], "x", 1) == 1);
  ts.tv_sec = 5;
  n = ppoll(fds, 1, &ts, NULL);
  printf("ppoll ready: n=%d rev=%#x\n", n, fds[0].revents);
  n = ppoll(fds, 1, NULL, NULL);
  printf("ppoll no timeout: n=%d\n", n);
  ts.tv_sec = -1;
  errno = 0;
  n = ppoll(fds, 1, &ts, NULL);
  printf("ppoll bad timeout: n=%d errno=%d\n", n, errno);
  close(p[0]);
  close(p[1]);
}

static void test_select(void) {
  int p[2], q[2];
  CHECK(pipe(p) == 0);
  CHECK(pipe(q) == 0);
  fd_set r, w;
  FD_ZERO(&r); FD_ZERO(&w);
  FD_SET(p[0], &r); FD_SET(q[0], &r); FD_SET(p[1], &w);
  int maxfd = p[0] > q[0] ? p[0] : q[0];
  if (p[1] > maxfd) maxfd = p[1];
  struct timeval tv = { 0, 0 };
  int n = select(maxfd + 1, &r, &w, NULL, &tv);
  printf("select empty: n=%d r_p=%d r_q=%d w_p=%d\n", n, FD_ISSET(p[0], &r), FD_ISSET(q[0], &r), FD_ISSET(p[1], &w));
  CHECK(write(q[1], "abc", 3) == 3);
  FD_ZERO(&r); FD_ZERO(&w);
  FD_SET(p[0], &r); FD_SET(q[0], &r);
  n = select(maxfd + 1, &r, NULL, NULL, NULL);
  printf("select q ready: n=%d r_p=%d r_q=%d\n", n, FD_ISSET(p[0], &r), FD_ISSET(q[0], &r));
  /* timeout: the remaining time is written back (0 after a full timeout) */
  char buf[8];
  CHECK(read(q[0], buf, 8) == 3);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  tv.tv_sec = 0; tv.tv_usec = 20000;
  /* the raw syscall: libcs differ in whether select's wrapper passes the time left back */
  n = syscall(SYS_select, p[0] + 1, &r, NULL, NULL, &tv);
  printf("select timeout: n=%d r_p=%d tv=%ld.%06ld\n", n, FD_ISSET(p[0], &r), (long)tv.tv_sec, (long)tv.tv_usec);
  /* ready at once: time left is close to all of it */
  FD_ZERO(&w);
  FD_SET(p[1], &w);
  tv.tv_sec = 10; tv.tv_usec = 0;
  n = syscall(SYS_select, p[1] + 1, NULL, &w, NULL, &tv);
  printf("select ready: n=%d tv_sec>=9:%d\n", n, tv.tv_sec >= 9);
  /* a closed fd in a set: EBADF */
  int c = dup(p[0]);
  close(c);
  FD_ZERO(&r);
  FD_SET(c, &r);
  tv.tv_sec = 0; tv.tv_usec = 0;
  errno = 0;
  n = select(c + 1, &r, NULL, NULL, &tv);
  printf("select closed fd: n=%d errno=%d\n", n, errno);
  errno = 0;
  n = select(-1, NULL, NULL, NULL, &tv);
  printf("select negative nfds: n=%d errno=%d\n", n, errno);
  /* writer closed: readable (EOF) */
  close(q[1]);
  FD_ZERO(&r);
  FD_SET(q[0], &r);
  n = select(q[0] + 1, &r, NULL, NULL, NULL);
  printf("select eof: n=%d r=%d\n", n, FD_ISSET(q[0], &r));
  /* pselect with a mask and a timespec */
  sigset_t mask;
  sigemptyset(&mask);
  struct timespec ts = { 0, 10 * 1000 * 1000 };
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  n = pselect(p[0] + 1, &r, NULL, NULL, &ts, &mask);
  printf("pselect timeout: n=%d ts=%ld.%09ld\n", n, (long)ts.tv_sec, (long)ts.tv_nsec);
  close(p[0]); close(p[1]); close(q[0]);
}

static void test_eventfd(void) {
  int e = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
  CHECK(e >= 0);
  printf("eventfd cloexec=%d nonblock=%d\n", (fcntl(e, F_GETFD) & FD_CLOEXEC) != 0, (fcntl(e, F_GETFL) & O_NONBLOCK) != 0);
  uint64_t v = 0;
  struct pollfd pf = { e, POLLIN | POLLOUT, 0 };
  int n = poll(&pf, 1, 0);
  printf("eventfd poll: n=%d rev=%#x\n", n, pf.revents);
  CHECK(read(e, &v, 8) == 8);
  printf("read %llu\n", (unsigned long long)v);
  SHOW("read empty", read(e, &v, 8));
  n = poll(&pf, 1, 0);
  printf("eventfd poll empty: n=%d rev=%#x\n", n, pf.revents);
  v = 5;
  CHECK(write(e, &v, 8) == 8);
  v = 7;
  CHECK(write(e, &v, 8) == 8);
  CHECK(read(e, &v, 8) == 8);
  printf("read sum %llu\n", (unsigned long long)v);
  SHOW("short read", read(e, &v, 4));
  v = 0xffffffffffffffffULL;
  SHOW("write max", write(e, &v, 8));
  v = 0xfffffffffffffffeULL;
  SHOW("write max-1", write(e, &v, 8));
  v = 1;
  SHOW("write overflow", write(e, &v, 8));
  n = poll(&pf, 1, 0);
  printf("full poll: n=%d rev=%#x\n", n, pf.revents);
  close(e);
  /* semaphore mode */
  e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
  CHECK(e >= 0);
  for (int i = 0; i < 3; i++) {
    errno = 0;
    ssize_t r = read(e, &v, 8);
    printf("sem read %d: %zd v=%llu errno=%d\n", i, r, r > 0 ? (unsigned long long)v : 0ULL, errno);
  }
  close(e);
  /* eventfd_read/eventfd_write, blocking mode with the value there */
  e = eventfd(0, 0);
  eventfd_write(e, 42);
  eventfd_t got;
  eventfd_read(e, &got);
  printf("eventfd_read %llu\n", (unsigned long long)got);
  close(e);
  SHOW("bad flags", eventfd(0, 0x10));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  test_poll_pipe();
  test_ppoll();
  test_select();
  test_eventfd();
  printf("done\n");
  return 0;
}
