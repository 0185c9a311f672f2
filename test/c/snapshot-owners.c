// What an open description carries across a snapshot: its O_ASYNC owner and signal (F_SETOWN,
// F_SETSIG: the signal still comes, with si_fd) and the name it follows through renames and
// unlinks (/proc/self/fd). Prints "ready" and waits; a snapshot taken then must not change what
// it prints afterwards.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got, got_fd, got_code;

static void on_io(int sig, siginfo_t *si, void *ctx) {
  (void)sig; (void)ctx;
  got = 1;
  got_fd = si->si_fd;
  got_code = si->si_code;
}

static void show(int fd) {
  char link[64], buf[256];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, buf, sizeof buf - 1);
  buf[n < 0 ? 0 : n] = 0;
  const char *base = strrchr(buf, '-');
  printf("fd %d: %s\n", fd, base ? base + 1 : buf);
}

int main(void) {
  char a[64], b[64];
  snprintf(a, sizeof a, "/dev/shm/xos-owners-%d-a", getpid());
  snprintf(b, sizeof b, "/dev/shm/xos-owners-%d-b", getpid());
  int f = open(a, O_CREAT | O_RDWR | O_TRUNC, 0600);
  if (f < 0) { perror("open"); return 1; }
  int p[2];
  if (pipe(p)) { perror("pipe"); return 1; }
  struct sigaction sa = { 0 };
  sa.sa_sigaction = on_io;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, 0);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  if (fcntl(p[0], F_SETOWN, getpid()) || fcntl(p[0], F_SETSIG, SIGUSR1) ||
      fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_ASYNC | O_NONBLOCK)) { perror("fcntl"); return 1; }
  pid_t c = fork();
  if (c == 0) {
    struct timespec ts = { 2, 0 };
    nanosleep(&ts, 0);
    if (write(p[1], "x", 1) != 1) _exit(1);
    _exit(0);
  }
  printf("ready\n");
  fflush(stdout);
  while (!got) sigsuspend(&old);
  printf("signal with si_fd %s, code %d\n", got_fd == p[0] ? "the pipe's" : "another", (int)got_code);
  printf("owner is me: %s, signal %d\n", fcntl(p[0], F_GETOWN) == getpid() ? "yes" : "no", fcntl(p[0], F_GETSIG));
  show(f);
  if (rename(a, b)) { perror("rename"); return 1; }
  show(f);
  unlink(b);
  show(f);
  int st;
  waitpid(c, &st, 0);
  printf("child %d\n", WEXITSTATUS(st));
  return 0;
}
