/* AF_UNIX sockets and waiting across processes: a socketpair echo between
 * parent and child with blocking I/O, a path-named server accepting several
 * forked clients (epoll), a descriptor passed to a child, and poll/select
 * woken by another process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(x) do { if (!(x)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #x, errno); exit(1); } } while (0)

static int reap(pid_t pid) {
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void echo_pair(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(sv[0]);
    char buf[256];
    ssize_t n;
    while ((n = read(sv[1], buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < n; i++) if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] -= 32;
      CHECK(write(sv[1], buf, n) == n);
    }
    _exit(n == 0 ? 0 : 1);
  }
  close(sv[1]);
  const char *lines[] = { "first line", "second", "the third and last" };
  for (int i = 0; i < 3; i++) {
    size_t len = strlen(lines[i]);
    CHECK(write(sv[0], lines[i], len) == (ssize_t)len);
    char buf[256];
    size_t got = 0;
    while (got < len) {
      ssize_t n = read(sv[0], buf + got, sizeof buf - got);
      CHECK(n > 0);
      got += n;
    }
    printf("echo: %.*s\n", (int)got, buf);
  }
  /* a large transfer that cannot fit in the socket buffer at once */
  static char big[1 << 20], back[1 << 20];
  for (size_t i = 0; i < sizeof big; i++) big[i] = 'a' + i % 26;
  pid_t w = fork();
  if (w == 0) {
    size_t off = 0;
    while (off < sizeof big) {
      ssize_t n = write(sv[0], big + off, sizeof big - off);
      if (n <= 0) _exit(2);
      off += n;
    }
    _exit(0);
  }
  size_t got = 0;
  while (got < sizeof back) {
    ssize_t n = read(sv[0], back + got, sizeof back - got);
    CHECK(n > 0);
    got += n;
  }
  int same = 1;
  for (size_t i = 0; i < sizeof big; i++) if (back[i] != (big[i] - 32)) { same = 0; break; }
  printf("1 MiB round trip through the child: %d, writer status %d\n", same, reap(w));
  shutdown(sv[0], SHUT_WR);
  printf("echo child status %d\n", reap(pid));
  close(sv[0]);
}

static void server_clients(void) {
  char dir[] = "/tmp/xos-unix-fork-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s/server", dir);
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(bind(l, (struct sockaddr *)&sa, sizeof sa) == 0);
  CHECK(listen(l, 8) == 0);
  enum { N = 4 };
  pid_t kids[N];
  for (int i = 0; i < N; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      close(l);
      int c = socket(AF_UNIX, SOCK_STREAM, 0);
      CHECK(connect(c, (struct sockaddr *)&sa, sizeof sa) == 0);
      char msg[32];
      int len = snprintf(msg, sizeof msg, "client %d", i);
      CHECK(write(c, msg, len) == len);
      char buf[32];
      ssize_t n = read(c, buf, sizeof buf);
      _exit(n == 2 && buf[0] == 'o' && buf[1] == 'k' ? 10 + i : 1);
    }
  }
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = l };
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) == 0);
  int served = 0, mask = 0;
  while (served < N) {
    struct epoll_event out[8];
    int n = epoll_wait(ep, out, 8, 5000);
    CHECK(n > 0);
    for (int i = 0; i < n; i++) {
      if (out[i].data.fd == l) {
        int s = accept(l, NULL, NULL);
        CHECK(s >= 0);
        ev.events = EPOLLIN;
        ev.data.fd = s;
        CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
      } else {
        char buf[32];
        ssize_t r = read(out[i].data.fd, buf, sizeof buf);
        if (r > 0) {
          int k = buf[r - 1] - '0';
          mask |= 1 << k;
          CHECK(write(out[i].data.fd, "ok", 2) == 2);
          served++;
        }
        epoll_ctl(ep, EPOLL_CTL_DEL, out[i].data.fd, NULL);
        close(out[i].data.fd);
      }
    }
  }
  printf("served %d clients, mask %#x\n", served, mask);
  for (int i = 0; i < N; i++) printf("client %d status %d\n", i, reap(kids[i]));
  close(ep);
  close(l);
  unlink(sa.sun_path);
  rmdir(dir);
}

static void pass_to_child(void) {
  int sv[2], p[2];
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
  CHECK(pipe(p) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    close(p[0]); close(p[1]);
    char buf[8], ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { buf, sizeof buf };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
    CHECK(recvmsg(sv[1], &mh, 0) >= 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    CHECK(c && c->cmsg_type == SCM_RIGHTS);
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    const char *msg = "written by the child through a passed fd";
    CHECK(write(fd, msg, strlen(msg)) == (ssize_t)strlen(msg));
    _exit(0);
  }
  close(sv[1]);
  char ctl[CMSG_SPACE(sizeof(int))];
  struct iovec iov = { "fd", 2 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &p[1], sizeof(int));
  CHECK(sendmsg(sv[0], &mh, 0) == 2);
  close(p[1]);
  char buf[64];
  ssize_t n, got = 0;
  while ((n = read(p[0], buf + got, sizeof buf - got)) > 0) got += n;
  printf("parent read: %.*s\n", (int)got, buf);
  printf("child status %d\n", reap(pid));
  close(p[0]); close(sv[0]);
}

static void woken_by_child(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  int efd = eventfd(0, 0);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(20000);
    CHECK(write(p[1], "x", 1) == 1);
    usleep(20000);
    eventfd_write(efd, 5);
    _exit(0);
  }
  struct pollfd pf = { p[0], POLLIN, 0 };
  int n = poll(&pf, 1, 5000);
  printf("poll woken: n=%d rev=%#x\n", n, pf.revents);
  fd_set r;
  FD_ZERO(&r);
  FD_SET(efd, &r);
  n = select(efd + 1, &r, NULL, NULL, NULL);
  eventfd_t v = 0;
  eventfd_read(efd, &v);
  printf("select woken: n=%d value=%llu\n", n, (unsigned long long)v);
  printf("child status %d\n", reap(pid));
  close(p[0]); close(p[1]); close(efd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  echo_pair();
  server_clients();
  pass_to_child();
  woken_by_child();
  printf("done\n");
  return 0;
}
