// Pseudo-terminals: readiness and blocking. epoll, select and poll on both
// ends; blocking reads woken by another process's write, by the other end
// closing (EIO on the master, 0 on the slave), interrupted by a signal (EINTR,
// or restarted under SA_RESTART); bulk transfers both ways in raw mode that
// need flow control. Synchronised with pipes; output must match natively.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int m, s, sync_w;

static void drain(int fd) {
  char b[256];
  struct pollfd p = {fd, POLLIN, 0};
  while (poll(&p, 1, 150) == 1 && (p.revents & POLLIN) && read(fd, b, sizeof b) > 0) {}
}
static void show_read(const char *what, int fd) {
  char b[64];
  int r = read(fd, b, sizeof b);
  if (r < 0) printf("%s: -1 %s\n", what, strerror(errno));
  else printf("%s: %d \"%.*s\"\n", what, r, r > 0 && b[r - 1] == '\n' ? r - 1 : r, b);
}
static void epoll_show(int ep, const char *what, int ms) {
  struct epoll_event ev[4];
  int n = epoll_wait(ep, ev, 4, ms);
  int seen_m = 0, seen_s = 0;
  for (int i = 0; i < n; i++) {
    if (ev[i].data.fd == m) seen_m = ev[i].events;
    else seen_s = ev[i].events;
  }
  printf("%s: %d events, master %#x slave %#x\n", what, n, seen_m, seen_s);
}
static void on_alarm(int sig) { (void)sig; write(sync_w, "a", 1); }
static void child_wait(int fd) { char c; read(fd, &c, 1); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (openpty(&m, &s, NULL, NULL, NULL)) { perror("openpty"); return 1; }

  // --- epoll and select ---
  int ep = epoll_create1(0);
  struct epoll_event e = {EPOLLIN, {.fd = m}};
  epoll_ctl(ep, EPOLL_CTL_ADD, m, &e);
  e.data.fd = s;
  epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
  epoll_show(ep, "idle", 0);
  write(m, "abc", 3);
  epoll_show(ep, "a partial line (echo)", 1000);
  drain(m);
  epoll_show(ep, "echo read", 0);
  write(m, "\n", 1);
  drain(m);
  epoll_show(ep, "a whole line", 1000);
  fd_set rd, wr;
  FD_ZERO(&rd); FD_ZERO(&wr);
  FD_SET(m, &rd); FD_SET(s, &rd); FD_SET(m, &wr); FD_SET(s, &wr);
  struct timeval tv = {0, 0};
  int n = select((m > s ? m : s) + 1, &rd, &wr, NULL, &tv);
  printf("select: %d master r%d w%d slave r%d w%d\n", n, FD_ISSET(m, &rd), FD_ISSET(m, &wr), FD_ISSET(s, &rd), FD_ISSET(s, &wr));
  show_read("slave", s);
  epoll_show(ep, "line read", 0);
  write(s, "out\n", 4);
  epoll_show(ep, "slave output", 1000);
  drain(m);
  struct epoll_event et = {EPOLLIN | EPOLLET, {.fd = m}};
  epoll_ctl(ep, EPOLL_CTL_MOD, m, &et);
  write(s, "x", 1);
  epoll_show(ep, "edge-triggered", 1000);
  drain(m);
  close(ep);

  // --- blocking reads woken by another process ---
  int to_child[2], from_child[2];
  pipe(to_child);
  pipe(from_child);
  sync_w = from_child[1];
  pid_t pid = fork();
  if (pid == 0) {
    child_wait(to_child[0]);
    write(m, "wake\n", 5);
    child_wait(to_child[0]);
    write(s, "from slave", 10);
    child_wait(to_child[0]);
    child_wait(from_child[0]); // the parent's SIGALRM handler ran
    write(m, "after\n", 6);
    child_wait(to_child[0]);
    close(m);
    close(s); // the last slave: the parent's master read gets EIO
    _exit(0);
  }
  write(to_child[1], "1", 1);
  show_read("blocking slave read", s);
  drain(m);
  write(to_child[1], "2", 1);
  show_read("blocking master read", m);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 0}, {0, 200000}};
  setitimer(ITIMER_REAL, &it, NULL);
  show_read("slave read, SIGALRM without SA_RESTART", s);
  char c;
  read(from_child[0], &c, 1);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  write(to_child[1], "3", 1);
  setitimer(ITIMER_REAL, &it, NULL);
  show_read("slave read, SIGALRM with SA_RESTART", s);
  drain(m);
  close(s);
  write(to_child[1], "4", 1);
  show_read("master read, the last slave closes", m);
  waitpid(pid, NULL, 0);
  close(m);

  // the master closes while the slave reads
  openpty(&m, &s, NULL, NULL, NULL);
  pid = fork();
  if (pid == 0) {
    child_wait(to_child[0]);
    close(m);
    _exit(0);
  }
  close(m);
  write(to_child[1], "5", 1);
  show_read("slave read, the master closes", s);
  waitpid(pid, NULL, 0);
  close(s);

  // --- bulk transfers in raw mode ---
  openpty(&m, &s, NULL, NULL, NULL);
  struct termios t;
  tcgetattr(s, &t);
  cfmakeraw(&t);
  tcsetattr(s, TCSANOW, &t);
  enum { BULK = 200000 };
  pid = fork();
  if (pid == 0) {
    close(m);
    long got = 0, sum = 0;
    unsigned char b[1000];
    while (got < BULK) {
      int r = read(s, b, sizeof b);
      if (r <= 0) break;
      for (int i = 0; i < r; i++) sum += b[i] * ((got + i) % 7 + 1);
      got += r;
    }
    char msg[64];
    int len = snprintf(msg, sizeof msg, "%ld %ld\n", got, sum);
    write(from_child[1], msg, len);
    // and back: the same bytes from the slave
    unsigned char *big = malloc(BULK);
    for (int i = 0; i < BULK; i++) big[i] = (i * 31 + 7) & 0xff;
    for (int off = 0; off < BULK;) {
      int w = write(s, big + off, BULK - off);
      if (w <= 0) break;
      off += w;
    }
    _exit(0);
  }
  close(s);
  unsigned char *big = malloc(BULK);
  long sum = 0;
  for (int i = 0; i < BULK; i++) { big[i] = (i * 31 + 7) & 0xff; sum += big[i] * (i % 7 + 1); }
  for (int off = 0; off < BULK;) {
    int w = write(m, big + off, BULK - off);
    if (w <= 0) { perror("write"); break; }
    off += w;
  }
  char msg[64];
  int len = 0;
  while (len < 63 && read(from_child[0], msg + len, 1) == 1 && msg[len] != '\n') len++;
  msg[len] = 0;
  long cg, cs;
  sscanf(msg, "%ld %ld", &cg, &cs);
  printf("master to slave: %d bytes, sum ok %d\n", cg == BULK, cs == sum);
  long got = 0, sum2 = 0, bad = 0;
  unsigned char b[4096];
  while (got < BULK) {
    int r = read(m, b, sizeof b);
    if (r <= 0) break;
    for (int i = 0; i < r; i++) if (b[i] != big[got + i]) bad++;
    got += r;
  }
  (void)sum2;
  printf("slave to master: %ld bytes, %ld wrong\n", got, bad);
  waitpid(pid, NULL, 0);
  show_read("master read after the child exited", m);
  return 0;
}
