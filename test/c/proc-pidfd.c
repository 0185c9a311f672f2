// pidfds: pidfd_open, poll until the process ends, pidfd_send_signal,
// waitid(P_PIDFD), pidfd_getfd, clone3 with CLONE_PIDFD, and the errnos.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif

static void check(int ok, const char *what) { printf("%-52s %s\n", what, ok ? "ok" : "FAIL"); }
static int pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags) { return syscall(SYS_pidfd_send_signal, fd, sig, info, flags); }
static int pidfd_getfd(int fd, int target, unsigned flags) { return syscall(SYS_pidfd_getfd, fd, target, flags); }

struct clone_args_v0 { uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls; };

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int ready[2];
  pipe(ready);
  pid_t c = fork();
  if (c == 0) { char b; read(ready[0], &b, 1); pause(); _exit(1); }
  int fd = pidfd_open(c, 0);
  check(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "pidfd_open gives a close-on-exec fd");
  struct pollfd p = {.fd = fd, .events = POLLIN};
  check(poll(&p, 1, 50) == 0, "not readable while the child runs");
  check(pidfd_send_signal(fd, 0, NULL, 0) == 0, "signal 0 checks it is alive");
  check(pidfd_send_signal(fd, SIGTERM, NULL, 0x100) < 0 && errno == EINVAL, "unknown flags: EINVAL");
  write(ready[1], "x", 1);
  check(pidfd_send_signal(fd, SIGTERM, NULL, 0) == 0, "pidfd_send_signal SIGTERM");
  check(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "readable when it has ended");
  siginfo_t si;
  memset(&si, 0, sizeof si);
  check(waitid(P_PIDFD, fd, &si, WEXITED) == 0 && si.si_pid == c && si.si_code == CLD_KILLED && si.si_status == SIGTERM, "waitid(P_PIDFD) reports SIGTERM");
  check(pidfd_send_signal(fd, SIGTERM, NULL, 0) < 0 && errno == ESRCH, "after the end: ESRCH");
  close(fd);
  check(pidfd_open(0x3fffffff, 0) < 0 && errno == ESRCH, "no such process: ESRCH");
  check(pidfd_open(getpid(), 0x1234) < 0 && errno == EINVAL, "bad flags: EINVAL");
  check(pidfd_send_signal(0, SIGTERM, NULL, 0) < 0 && errno == EBADF, "not a pidfd: EBADF");

  // pidfd_getfd: take a copy of the child's pipe end
  int pp[2];
  pipe(pp);
  c = fork();
  if (c == 0) { close(pp[1]); char b; read(pp[0], &b, 1); _exit(b == 'q' ? 3 : 4); }
  fd = pidfd_open(c, 0);
  int mine = pidfd_getfd(fd, pp[0], 0);
  check(mine >= 0 && mine != pp[0], "pidfd_getfd copies the child's fd");
  check(pidfd_getfd(fd, 999, 0) < 0 && errno == EBADF, "pidfd_getfd of a closed fd: EBADF");
  write(pp[1], "q", 1);
  int st;
  waitpid(c, &st, 0);
  check(WIFEXITED(st) && WEXITSTATUS(st) == 3, "the child read what the parent wrote");

  // clone3 with CLONE_PIDFD
  int cfd = -1;
  struct clone_args_v0 ca = {0};
  ca.flags = CLONE_PIDFD;
  ca.pidfd = (uintptr_t)&cfd;
  ca.exit_signal = SIGCHLD;
  long r = syscall(SYS_clone3, &ca, sizeof ca);
  if (r == 0) _exit(7);
  check(r > 0 && cfd >= 0, "clone3 CLONE_PIDFD stores a pidfd");
  memset(&si, 0, sizeof si);
  check(waitid(P_PIDFD, cfd, &si, WEXITED) == 0 && si.si_pid == r && si.si_status == 7, "waitid on the clone3 pidfd");
  return 0;
}
