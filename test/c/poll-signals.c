/* Signals and waiting: poll, select and epoll_wait interrupted by a handler
 * (EINTR even with SA_RESTART), and ppoll/pselect/epoll_pwait whose temporary
 * mask lets a blocked, pending signal through and is undone afterwards. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>

#define CHECK(x) do { if (!(x)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #x, errno); exit(1); } } while (0)

static volatile sig_atomic_t hits;
static void on_signal(int sig) { (void)sig; hits++; }

static void arm(void) {
  struct itimerval it = { { 0, 0 }, { 0, 20000 } };
  CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

static int usr1_blocked(void) {
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  return sigismember(&cur, SIGUSR1);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  int p[2];
  CHECK(pipe(p) == 0);

  struct pollfd pf = { p[0], POLLIN, 0 };
  arm();
  errno = 0;
  int n = poll(&pf, 1, -1);
  printf("poll: n=%d errno=%d hits=%d\n", n, errno, hits);

  fd_set r;
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  arm();
  errno = 0;
  n = select(p[0] + 1, &r, NULL, NULL, NULL);
  printf("select: n=%d errno=%d hits=%d\n", n, errno, hits);

  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN };
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
  arm();
  errno = 0;
  n = epoll_wait(ep, &ev, 1, -1);
  printf("epoll_wait: n=%d errno=%d hits=%d\n", n, errno, hits);

  /* a blocked SIGUSR1 made pending, then let through by the call's mask */
  sigset_t block, open;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
  sigemptyset(&open);
  raise(SIGUSR1);
  errno = 0;
  n = ppoll(&pf, 1, NULL, &open);
  printf("ppoll: n=%d errno=%d hits=%d usr1 blocked again=%d\n", n, errno, hits, usr1_blocked());
  raise(SIGUSR1);
  errno = 0;
  n = pselect(p[0] + 1, &r, NULL, NULL, NULL, &open);
  printf("pselect: n=%d errno=%d hits=%d usr1 blocked again=%d\n", n, errno, hits, usr1_blocked());
  raise(SIGUSR1);
  errno = 0;
  n = epoll_pwait(ep, &ev, 1, -1, &open);
  printf("epoll_pwait: n=%d errno=%d hits=%d usr1 blocked again=%d\n", n, errno, hits, usr1_blocked());
  /* ready at once: the mask is undone and the signal stays pending */
  CHECK(write(p[1], "x", 1) == 1);
  raise(SIGUSR1);
  struct timespec ts = { 0, 0 };
  sigset_t keep;
  sigemptyset(&keep);
  sigaddset(&keep, SIGUSR1);
  n = ppoll(&pf, 1, &ts, &keep);
  printf("ppoll ready: n=%d hits=%d\n", n, hits);
  CHECK(sigprocmask(SIG_UNBLOCK, &block, NULL) == 0);
  printf("after unblock: hits=%d\n", hits);
  printf("done\n");
  return 0;
}
