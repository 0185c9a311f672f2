/* epoll over pipes, eventfds, sockets and other epolls, in one process:
 * level- and edge-triggered, EPOLLONESHOT, EPOLLRDHUP, data round-trip, errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CHECK(x) do { if (!(x)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #x, errno); exit(1); } } while (0)
#define SHOW(label, call) do { errno = 0; long r_ = (long)(call); printf("%s: %ld errno=%d\n", label, r_, r_ < 0 ? errno : 0); } while (0)

static int wait_print(int ep, const char *label, int timeout) {
  struct epoll_event ev[8];
  int n = epoll_wait(ep, ev, 8, timeout);
  /* report as a set: the order of several ready entries is not part of the contract */
  unsigned long long seen = 0;
  printf("%s: n=%d", label, n);
  for (int i = 0; i < n; i++) printf(" [data=%llu ev=%#x]", (unsigned long long)ev[i].data.u64, ev[i].events), seen |= ev[i].data.u64;
  printf("\n");
  return n;
}

static void test_level(void) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  CHECK(ep >= 0);
  printf("cloexec=%d\n", (fcntl(ep, F_GETFD) & FD_CLOEXEC) != 0);
  int p[2];
  CHECK(pipe(p) == 0);
  struct epoll_event e = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ULL };
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) == 0);
  wait_print(ep, "lt empty", 0);
  CHECK(write(p[1], "abcd", 4) == 4);
  struct epoll_event out;
  int n = epoll_wait(ep, &out, 1, -1);
  printf("lt data: n=%d ev=%#x data=%#llx\n", n, out.events, (unsigned long long)out.data.u64);
  wait_print(ep, "lt again (still ready)", 0);
  char buf[16];
  CHECK(read(p[0], buf, sizeof buf) == 4);
  wait_print(ep, "lt drained", 0);
  /* timeout */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  n = epoll_wait(ep, &out, 1, 30);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  printf("timeout: n=%d waited>=25ms:%d\n", n, ms >= 25);
  /* errors */
  SHOW("add again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
  SHOW("mod missing", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &e));
  SHOW("del missing", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
  SHOW("add self", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e));
  SHOW("bad op", epoll_ctl(ep, 99, p[1], &e));
  SHOW("not epoll", epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &e));
  SHOW("bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &e));
  int f = open("/proc/self/exe", O_RDONLY);
  SHOW("regular file", epoll_ctl(ep, EPOLL_CTL_ADD, f, &e));
  close(f);
  SHOW("wait maxevents 0", epoll_wait(ep, &out, 0, 0));
  SHOW("wait on pipe", epoll_wait(p[0], &out, 1, 0));
  SHOW("create 0", syscall(SYS_epoll_create, 0));
  SHOW("create1 bad flags", epoll_create1(1));
  int old = epoll_create(1);
  SHOW("create 1 ok", old >= 0);
  close(old);
  /* writer side: EPOLLOUT; modify to nothing; writer closed gives EPOLLHUP on reader */
  e.events = EPOLLOUT;
  e.data.u64 = 2;
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &e) == 0);
  wait_print(ep, "writer", 0);
  e.events = 0;
  CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &e) == 0);
  wait_print(ep, "writer masked", 0);
  CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL) == 0);
  close(p[1]);
  wait_print(ep, "writer closed", -1);
  close(p[0]);
  /* the closed description left the interest list */
  wait_print(ep, "after close", 0);
  close(ep);
}

static void test_edge_oneshot(void) {
  int ep = epoll_create1(0);
  int p[2];
  CHECK(pipe(p) == 0);
  struct epoll_event e = { .events = EPOLLIN | EPOLLET, .data.u64 = 7 };
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) == 0);
  CHECK(write(p[1], "x", 1) == 1);
  wait_print(ep, "et first", 0);
  wait_print(ep, "et no change", 0);
  char c;
  CHECK(write(p[1], "y", 1) == 1);
  wait_print(ep, "et new data", 0);
  CHECK(read(p[0], &c, 1) == 1);
  wait_print(ep, "et after partial read", 0);
  e.events = EPOLLIN | EPOLLET;
  CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e) == 0);
  wait_print(ep, "et rearmed by mod", 0);
  CHECK(read(p[0], &c, 1) == 1);
  /* one-shot */
  e.events = EPOLLIN | EPOLLONESHOT;
  e.data.u64 = 8;
  CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e) == 0);
  CHECK(write(p[1], "z", 1) == 1);
  wait_print(ep, "oneshot", 0);
  wait_print(ep, "oneshot disabled", 0);
  CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e) == 0);
  wait_print(ep, "oneshot rearmed", 0);
  close(p[0]); close(p[1]); close(ep);
}

static void test_eventfd_sockets(void) {
  int ep = epoll_create1(0);
  int efd = eventfd(0, EFD_NONBLOCK);
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
  struct epoll_event e = { .events = EPOLLIN, .data.u64 = 100 };
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e) == 0);
  e.events = EPOLLIN | EPOLLRDHUP;
  e.data.u64 = 200;
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &e) == 0);
  wait_print(ep, "nothing", 0);
  eventfd_write(efd, 1);
  wait_print(ep, "eventfd", 0);
  eventfd_t v;
  eventfd_read(efd, &v);
  CHECK(write(sv[1], "ping", 4) == 4);
  wait_print(ep, "socket data", 0);
  char buf[8];
  CHECK(read(sv[0], buf, sizeof buf) == 4);
  CHECK(shutdown(sv[1], SHUT_WR) == 0);
  wait_print(ep, "peer shut down writing", 0);
  close(sv[1]);
  wait_print(ep, "peer closed", 0);
  /* nested: an epoll inside an epoll */
  int outer = epoll_create1(0);
  e.events = EPOLLIN;
  e.data.u64 = 300;
  CHECK(epoll_ctl(outer, EPOLL_CTL_ADD, ep, &e) == 0);
  wait_print(outer, "outer sees inner ready", 0);
  SHOW("loop", epoll_ctl(ep, EPOLL_CTL_ADD, outer, &e));
  struct pollfd pf = { ep, POLLIN, 0 };
  SHOW("poll on epoll fd", poll(&pf, 1, 0));
  printf("revents=%#x\n", pf.revents);
  CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL) == 0);
  wait_print(outer, "outer after del", 0);
  /* a blocking wait woken by an eventfd write through a ready-later source: use epoll_pwait with a timeout */
  sigset_t mask;
  sigemptyset(&mask);
  struct epoll_event out[2];
  int n = epoll_pwait(ep, out, 2, 10, &mask);
  printf("pwait timeout: n=%d\n", n);
  eventfd_write(efd, 3);
  n = epoll_pwait(ep, out, 2, -1, &mask);
  printf("pwait: n=%d data=%llu\n", n, (unsigned long long)out[0].data.u64);
  /* maxevents smaller than the ready count: entries take turns */
  int q[2];
  CHECK(pipe(q) == 0);
  e.events = EPOLLOUT;
  e.data.u64 = 400;
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, q[1], &e) == 0);
  unsigned long long seen = 0;
  for (int i = 0; i < 2; i++) {
    CHECK(epoll_wait(ep, out, 1, 0) == 1);
    seen |= out[0].data.u64 == 100 ? 1 : out[0].data.u64 == 400 ? 2 : 4;
  }
  printf("round robin saw both: %d\n", seen == 3);
  close(q[0]); close(q[1]);
  close(sv[0]); close(efd); close(ep); close(outer);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  test_level();
  test_edge_oneshot();
  test_eventfd_sockets();
  printf("done\n");
  return 0;
}
