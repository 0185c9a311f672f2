/* Leases broken as Linux breaks them: an open that conflicts with a lease
 * signals the holder (SIGIO, or the F_SETSIG signal with si_fd), then fails
 * with EWOULDBLOCK (O_NONBLOCK) or waits until the holder downgrades or
 * removes the lease, or /proc/sys/fs/lease-break-time passes (then the
 * kernel does it). F_GETLEASE shows the target type while the break is
 * pending. Runs as root (it sets lease-break-time to 1 s and puts it back);
 * in its own mkdtemp directory under /tmp. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t sigs, last_sig, last_fd, last_code, last_band, unlock_fd = -1;
static void on_sig(int s, siginfo_t *si, void *u) {
  (void)u;
  sigs++;
  last_sig = s;
  last_fd = si->si_fd;
  last_code = si->si_code;
  last_band = si->si_band;
  if (unlock_fd >= 0) fcntl(unlock_fd, F_SETLEASE, F_UNLCK);
}
static const char *lease(int type) { return type == F_RDLCK ? "F_RDLCK" : type == F_WRLCK ? "F_WRLCK" : type == F_UNLCK ? "F_UNLCK" : "?"; }
static const char *res(int r) {
  if (r >= 0) return "ok";
  switch (errno) {
  case EWOULDBLOCK: return "EWOULDBLOCK";
  case EINVAL: return "EINVAL";
  case EBADF: return "EBADF";
  case EINTR: return "EINTR";
  case EACCES: return "EACCES";
  default: { static char b[32]; snprintf(b, sizeof b, "errno %d", errno); return b; }
  }
}
static char path[128];
static int try_open(const char *what, int flags) {
  errno = 0;
  int fd = open(path, flags);
  printf("%-46s %s\n", what, res(fd));
  return fd;
}
static void signals(const char *what) {
  printf("  %s: %d signal(s)", what, (int)sigs);
  if (sigs) printf(", last %s, si_code %d", last_sig == SIGIO ? "SIGIO" : last_sig == SIGRTMIN + 1 ? "SIGRTMIN+1" : "other", (int)last_code);
  printf("\n");
  sigs = 0;
}

static int set_break_time(const char *v) {
  int fd = open("/proc/sys/fs/lease-break-time", O_WRONLY);
  if (fd < 0) return -1;
  int r = write(fd, v, strlen(v));
  close(fd);
  return r;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char dir[] = "/tmp/xos-lease-XXXXXX";
  if (!mkdtemp(dir)) return 1;
  snprintf(path, sizeof path, "%s/f", dir);
  int fd = open(path, O_RDWR | O_CREAT, 0644);
  write(fd, "0123456789", 10);
  close(fd);

  struct sigaction sa = {0};
  sa.sa_sigaction = on_sig;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGIO, &sa, NULL);
  sigaction(SIGRTMIN + 1, &sa, NULL);

  printf("F_UNLCK with no lease: %s\n", res(fcntl((fd = open(path, O_RDONLY)), F_SETLEASE, F_UNLCK)));

  /* a write lease on a read-only descriptor, broken by this process's own opens */
  printf("write lease: %s\n", res(fcntl(fd, F_SETLEASE, F_WRLCK)));
  printf("F_GETLEASE: %s\n", lease(fcntl(fd, F_GETLEASE)));
  try_open("open O_RDONLY|O_NONBLOCK (breaks to read)", O_RDONLY | O_NONBLOCK);
  signals("holder");
  printf("F_GETLEASE during the break: %s\n", lease(fcntl(fd, F_GETLEASE)));
  try_open("again (the break is under way: no signal)", O_RDONLY | O_NONBLOCK);
  signals("holder");
  printf("downgrade to F_RDLCK: %s\n", res(fcntl(fd, F_SETLEASE, F_RDLCK)));
  printf("F_GETLEASE: %s\n", lease(fcntl(fd, F_GETLEASE)));
  int r = try_open("open O_RDONLY (no conflict with a read lease)", O_RDONLY);
  close(r);
  signals("holder");
  try_open("open O_WRONLY|O_NONBLOCK (breaks to none)", O_WRONLY | O_NONBLOCK);
  signals("holder");
  printf("F_GETLEASE during the break: %s\n", lease(fcntl(fd, F_GETLEASE)));
  printf("F_SETLEASE F_UNLCK: %s\n", res(fcntl(fd, F_SETLEASE, F_UNLCK)));
  printf("F_GETLEASE: %s\n", lease(fcntl(fd, F_GETLEASE)));
  r = try_open("open O_WRONLY", O_WRONLY);
  close(r);

  /* F_SETSIG: the chosen signal, with si_fd and POLL_MSG */
  printf("F_SETSIG SIGRTMIN+1: %s\n", res(fcntl(fd, F_SETSIG, SIGRTMIN + 1)));
  printf("write lease: %s\n", res(fcntl(fd, F_SETLEASE, F_WRLCK)));
  try_open("open O_RDWR|O_NONBLOCK", O_RDWR | O_NONBLOCK);
  printf("  si_fd is the lease's descriptor: %s, si_band %#lx\n", last_fd == fd ? "yes" : "no", (long)last_band);
  signals("holder");
  printf("F_GETLEASE during the break: %s\n", lease(fcntl(fd, F_GETLEASE)));
  fcntl(fd, F_SETLEASE, F_UNLCK);

  /* another process's open waits until the holder lets go (the holder's handler removes the lease) */
  printf("write lease: %s\n", res(fcntl(fd, F_SETLEASE, F_WRLCK)));
  unlock_fd = fd;
  pid_t c = fork();
  if (c == 0) {
    int x = open(path, O_RDWR);
    printf("child: blocking open O_RDWR: %s\n", res(x));
    _exit(0);
  }
  int st;
  while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
  unlock_fd = -1;
  signals("holder");
  printf("F_GETLEASE after the handler: %s\n", lease(fcntl(fd, F_GETLEASE)));

  /* a holder that does nothing: lease-break-time (1 s here) passes, the kernel downgrades or removes it */
  char old[32] = {0};
  int bt = open("/proc/sys/fs/lease-break-time", O_RDONLY);
  if (bt < 0 || read(bt, old, sizeof old - 1) <= 0) { printf("no lease-break-time\n"); return 1; }
  close(bt);
  printf("lease-break-time 1: %s\n", set_break_time("1") > 0 ? "ok" : "failed");
  printf("write lease: %s\n", res(fcntl(fd, F_SETLEASE, F_WRLCK)));
  c = fork();
  if (c == 0) {
    int x = open(path, O_RDONLY);
    printf("child: blocking open O_RDONLY: %s\n", res(x));
    _exit(0);
  }
  while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
  signals("holder");
  printf("F_GETLEASE after the break time: %s\n", lease(fcntl(fd, F_GETLEASE)));
  c = fork();
  if (c == 0) {
    printf("child: truncate: %s\n", res(truncate(path, 5)));
    _exit(0);
  }
  while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
  signals("holder");
  printf("F_GETLEASE after the break time: %s\n", lease(fcntl(fd, F_GETLEASE)));
  set_break_time(old);

  /* a read lease is not broken by a reader */
  printf("read lease: %s\n", res(fcntl(fd, F_SETLEASE, F_RDLCK)));
  c = fork();
  if (c == 0) {
    int x = open(path, O_RDONLY | O_NONBLOCK);
    printf("child: open O_RDONLY|O_NONBLOCK: %s\n", res(x));
    _exit(0);
  }
  while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
  signals("holder");
  /* closing the last descriptor removes the lease */
  close(fd);
  try_open("after the holder closed: open O_WRONLY|O_NONBLOCK", O_WRONLY | O_NONBLOCK);
  signals("holder");
  printf("lease on a directory: %s\n", res(fcntl((fd = open(dir, O_RDONLY)), F_SETLEASE, F_RDLCK)));
  close(fd);
  unlink(path);
  rmdir(dir);
  return 0;
}
