// timerfd and signalfd: expirations counted by read, periodic timers, absolute
// times, gettime, disarming, nonblocking reads, epoll readiness; signalfd
// reading blocked signals (kill, sigqueue with a value, SIGCHLD from a child),
// changing the mask, and a blocked read woken by a signal from a child.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void check(int ok, const char *what) { printf("%-56s %s\n", what, ok ? "ok" : "FAIL"); }

static uint64_t now_ns(int clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);

  // --- timerfd ---
  check(timerfd_create(12345, 0) < 0 && errno == EINVAL, "timerfd_create bad clock: EINVAL");
  check(timerfd_create(CLOCK_MONOTONIC, 0x40) < 0 && errno == EINVAL, "timerfd_create bad flags: EINVAL");
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  uint64_t n = 0;
  struct itimerspec its = {0}, old;
  timerfd_gettime(tfd, &old);
  check(old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0, "disarmed timer reads zero");
  its.it_value.tv_nsec = 30 * 1000000;
  uint64_t t0 = now_ns(CLOCK_MONOTONIC);
  check(timerfd_settime(tfd, 0, &its, NULL) == 0, "one-shot 30 ms");
  timerfd_gettime(tfd, &old);
  uint64_t asked = now_ns(CLOCK_MONOTONIC) - t0; // a loaded machine may take the whole 30 ms to ask
  check(old.it_value.tv_sec == 0 && old.it_value.tv_nsec <= 30000000 &&
        (old.it_value.tv_nsec > 0 || asked >= 30000000ull), "gettime shows the time left");
  check(read(tfd, &n, 8) == 8 && n == 1, "blocking read: one expiration");
  check(now_ns(CLOCK_MONOTONIC) - t0 >= 30000000ull, "not before it was due");
  check(read(tfd, &n, 4) < 0 && errno == EINVAL, "short buffer: EINVAL");

  // periodic: 10 ms interval, about 55 ms later read the count; it must match the time that
  // passed, measured around the calls (a loaded machine may sleep longer than asked)
  int p = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  check(read(p, &n, 8) < 0 && errno == EAGAIN, "nonblocking read of an unarmed timer: EAGAIN");
  its.it_value.tv_nsec = 10 * 1000000;
  its.it_interval.tv_nsec = 10 * 1000000;
  uint64_t set0 = now_ns(CLOCK_MONOTONIC);
  timerfd_settime(p, 0, &its, NULL);
  uint64_t set1 = now_ns(CLOCK_MONOTONIC);
  struct timespec w = {0, 55 * 1000000};
  nanosleep(&w, NULL);
  n = 0;
  uint64_t read0 = now_ns(CLOCK_MONOTONIC);
  read(p, &n, 8);
  uint64_t read1 = now_ns(CLOCK_MONOTONIC);
  uint64_t least = (read0 - set1) / 10000000, most = (read1 - set0) / 10000000;
  check(n >= 5 && n + 1 >= least && n <= most + 1, "periodic timer counted the expirations");
  timerfd_gettime(p, &old);
  check(old.it_interval.tv_nsec == 10000000, "gettime keeps the interval");

  // epoll readiness, then disarm
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
  epoll_ctl(ep, EPOLL_CTL_ADD, p, &ev);
  struct epoll_event got;
  check(epoll_wait(ep, &got, 1, 1000) == 1 && got.data.u32 == 7, "epoll sees the periodic timer");
  memset(&its, 0, sizeof its);
  timerfd_settime(p, 0, &its, &old);
  check(old.it_interval.tv_nsec == 10000000, "settime returns the old setting");
  read(p, &n, 8);
  check(epoll_wait(ep, &got, 1, 40) == 0, "disarmed: no more events");

  // absolute time on CLOCK_REALTIME
  int r = timerfd_create(CLOCK_REALTIME, 0);
  uint64_t at = now_ns(CLOCK_REALTIME) + 20000000ull;
  its.it_value.tv_sec = at / 1000000000ull;
  its.it_value.tv_nsec = at % 1000000000ull;
  check(timerfd_settime(r, TFD_TIMER_ABSTIME, &its, NULL) == 0 && read(r, &n, 8) == 8 && n == 1, "absolute CLOCK_REALTIME expiry");
  check(now_ns(CLOCK_REALTIME) >= at, "fired at or after the absolute time");
  its.it_value.tv_nsec = 1000000000;
  check(timerfd_settime(r, 0, &its, NULL) < 0 && errno == EINVAL, "tv_nsec out of range: EINVAL");
  check(timerfd_settime(ep, 0, &its, NULL) < 0 && errno == EINVAL, "settime on a non-timerfd: EINVAL");

  // --- signalfd ---
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_NONBLOCK);
  struct signalfd_siginfo si;
  check(read(sfd, &si, sizeof si) < 0 && errno == EAGAIN, "nothing pending: EAGAIN");
  kill(getpid(), SIGUSR1);
  check(read(sfd, &si, sizeof si) == sizeof si && si.ssi_signo == SIGUSR1 && si.ssi_code == SI_USER && si.ssi_pid == (uint32_t)getpid(), "SIGUSR1 from kill");
  union sigval v = {.sival_int = 4242};
  sigqueue(getpid(), SIGRTMIN, v);
  sigqueue(getpid(), SIGRTMIN, v);
  struct signalfd_siginfo two[2];
  check(read(sfd, two, sizeof two) == 2 * sizeof si && two[0].ssi_int == 4242 && two[1].ssi_code == SI_QUEUE, "two queued realtime signals in one read");

  pid_t c = fork();
  if (c == 0) _exit(9);
  struct pollfd pf = {.fd = sfd, .events = POLLIN};
  check(poll(&pf, 1, 2000) == 1 && (pf.revents & POLLIN), "poll: SIGCHLD pending");
  check(read(sfd, &si, sizeof si) == sizeof si && si.ssi_signo == SIGCHLD && si.ssi_pid == (uint32_t)c && si.ssi_status == 9 && si.ssi_code == CLD_EXITED, "SIGCHLD with the child's pid and status");
  waitpid(c, NULL, 0);

  // a blocking signalfd woken by a child's kill
  int bfd = signalfd(-1, &mask, 0);
  c = fork();
  if (c == 0) {
    struct timespec d = {0, 20 * 1000000};
    nanosleep(&d, NULL);
    kill(getppid(), SIGUSR1);
    _exit(0);
  }
  check(read(bfd, &si, sizeof si) == sizeof si && si.ssi_signo == SIGUSR1 && si.ssi_pid == (uint32_t)c, "blocking read woken by a child's SIGUSR1");
  waitpid(c, NULL, 0);
  while (read(sfd, &si, sizeof si) > 0) {} // the child's SIGCHLD

  // changing the mask of an existing signalfd
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, SIGCHLD);
  check(signalfd(sfd, &only, 0) == sfd, "signalfd(fd, ...) changes the mask");
  kill(getpid(), SIGUSR1);
  check(read(sfd, &si, sizeof si) < 0 && errno == EAGAIN, "SIGUSR1 no longer read");
  sigset_t pend;
  sigpending(&pend);
  check(sigismember(&pend, SIGUSR1), "it stays pending");
  check(signalfd(tfd, &only, 0) < 0 && errno == EINVAL, "signalfd on a timerfd: EINVAL");
  check(signalfd(-1, &only, 0x1234) < 0 && errno == EINVAL, "bad flags: EINVAL");
  return 0;
}
