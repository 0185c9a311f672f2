/* fcntl's fine print: EDEADLK when two processes' F_SETLKW would wait for
 * each other, F_SETOWN/F_SETOWN_EX/F_SETSIG read back, O_ASYNC delivering
 * SIGIO (or the F_SETSIG signal, with si_fd and si_band) when a pipe
 * becomes readable, and leases taken and read back. Works in its own
 * mkdtemp directory under /tmp. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char state_of(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return '?';
  int n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  char *p = strrchr(buf, ')');
  return p ? p[2] : '?';
}
static int lock(int fd, int cmd, short type, off_t start) {
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = 1};
  return fcntl(fd, cmd, &fl);
}

static volatile sig_atomic_t got_sig, got_fd, got_band, got_code;
static void on_sig(int s, siginfo_t *si, void *u) {
  (void)u;
  got_sig = s;
  got_fd = si->si_fd;
  got_band = si->si_band;
  got_code = si->si_code;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char dir[] = "/tmp/xos-fcntl-XXXXXX";
  if (!mkdtemp(dir)) return 1;
  char path[64];
  snprintf(path, sizeof path, "%s/f", dir);
  int fd = open(path, O_RDWR | O_CREAT, 0644);
  write(fd, "0123456789", 10);

  /* EDEADLK */
  printf("parent locks byte 0: %d\n", lock(fd, F_SETLK, F_WRLCK, 0));
  int sync[2];
  pipe(sync);
  pid_t c = fork();
  if (c == 0) {
    int cfd = open(path, O_RDWR);
    lock(cfd, F_SETLK, F_WRLCK, 1);
    write(sync[1], "x", 1);
    int r = lock(cfd, F_SETLKW, F_WRLCK, 0); /* waits for the parent */
    printf("child got byte 0 after the parent gave it up: %d\n", r);
    _exit(0);
  }
  char x;
  read(sync[0], &x, 1);
  printf("child waits: %c\n", ({ char s = '?'; for (int i = 0; i < 5000 && (s = state_of(c)) != 'S'; i++) usleep(1000); s; }));
  errno = 0;
  int r = lock(fd, F_SETLKW, F_WRLCK, 1);
  printf("parent waiting for the child's byte: %d %s\n", r, errno == EDEADLK ? "EDEADLK" : strerror(errno));
  lock(fd, F_SETLK, F_UNLCK, 0);
  waitpid(c, NULL, 0);

  /* owners and signals */
  int p[2];
  pipe(p);
  printf("F_GETOWN at first: %d\n", fcntl(p[0], F_GETOWN));
  r = fcntl(p[0], F_SETOWN, getpid());
  printf("F_SETOWN self: %d, F_GETOWN is self: %d\n", r, fcntl(p[0], F_GETOWN) == getpid());
  r = fcntl(p[0], F_SETOWN, -getpgrp());
  printf("F_SETOWN process group: %d, F_GETOWN is -pgid: %d\n", r, fcntl(p[0], F_GETOWN) == -getpgrp());
  errno = 0;
  r = fcntl(p[0], F_SETOWN, 4000000);
  printf("F_SETOWN to no such process: %d %s\n", r, errno == ESRCH ? "ESRCH" : strerror(errno));
  struct f_owner_ex ox = {F_OWNER_TID, gettid()}, oy = {0, 0};
  printf("F_SETOWN_EX tid: %d\n", fcntl(p[0], F_SETOWN_EX, &ox));
  fcntl(p[0], F_GETOWN_EX, &oy);
  printf("F_GETOWN_EX: type %d, is our tid %d\n", oy.type, oy.pid == gettid());
  ox.type = 7;
  errno = 0;
  r = fcntl(p[0], F_SETOWN_EX, &ox);
  printf("F_SETOWN_EX bad type: %d %s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
  r = fcntl(p[0], F_SETSIG, SIGRTMIN + 1);
  printf("F_SETSIG SIGRTMIN+1: %d, F_GETSIG: %d\n", r, fcntl(p[0], F_GETSIG) == SIGRTMIN + 1);
  errno = 0;
  r = fcntl(p[0], F_SETSIG, 99);
  printf("F_SETSIG 99: %d %s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sig;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN + 1, &sa, NULL);
  sigaction(SIGIO, &sa, NULL);
  fcntl(p[0], F_SETOWN, getpid());
  fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_ASYNC | O_NONBLOCK);
  write(p[1], "ready", 5);
  for (int i = 0; i < 1000 && !got_sig; i++) usleep(1000);
  printf("O_ASYNC with F_SETSIG: signal is SIGRTMIN+1 %d, si_fd %d, POLLIN in si_band %d, si_code POLL_IN %d\n",
         got_sig == SIGRTMIN + 1, got_fd == p[0], (got_band & POLLIN) != 0, got_code == POLL_IN);
  char buf[16];
  read(p[0], buf, sizeof buf);
  got_sig = 0;
  fcntl(p[0], F_SETSIG, 0);
  write(p[1], "again", 5);
  for (int i = 0; i < 1000 && !got_sig; i++) usleep(1000);
  printf("O_ASYNC without F_SETSIG: SIGIO %d\n", got_sig == SIGIO);
  read(p[0], buf, sizeof buf);
  got_sig = 0;
  fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) & ~O_ASYNC);
  write(p[1], "quiet", 5);
  usleep(50000);
  printf("no signal once O_ASYNC is off: %d\n", got_sig == 0);

  /* leases */
  close(fd);
  int ro = open(path, O_RDONLY);
  r = fcntl(ro, F_SETLEASE, F_RDLCK);
  printf("read lease: %d, F_GETLEASE is F_RDLCK: %d\n", r, fcntl(ro, F_GETLEASE) == F_RDLCK);
  r = fcntl(ro, F_SETLEASE, F_UNLCK);
  printf("F_UNLCK: %d, F_GETLEASE is F_UNLCK: %d\n", r, fcntl(ro, F_GETLEASE) == F_UNLCK);
  int rw = open(path, O_RDWR);
  errno = 0;
  r = fcntl(ro, F_SETLEASE, F_RDLCK);
  printf("read lease while a writer has it open: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : strerror(errno));
  errno = 0;
  r = fcntl(rw, F_SETLEASE, F_WRLCK);
  printf("write lease with another description open: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : strerror(errno));
  close(ro);
  r = fcntl(rw, F_SETLEASE, F_WRLCK);
  printf("write lease on the only description: %d, F_GETLEASE is F_WRLCK: %d\n", r, fcntl(rw, F_GETLEASE) == F_WRLCK);
  fcntl(rw, F_SETLEASE, F_UNLCK);
  errno = 0;
  r = fcntl(p[0], F_SETLEASE, F_RDLCK);
  printf("lease on a pipe: %d %s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
  close(rw);
  unlink(path);
  rmdir(dir);
  return 0;
}
