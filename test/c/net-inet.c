// TCP and UDP over loopback, IPv4 and IPv6: every socket call and the options
// programs set, blocking and non-blocking, poll/select/epoll readiness,
// half-close, resets, refused connects, EADDRINUSE, and the errnos of bad
// input. Prints results, never ports or addresses that vary between runs.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

// errno names (musl has no strerrorname_np)
static const char *ename(int e) {
  switch (e) {
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(EINTR) E(EBADF) E(EAGAIN) E(EACCES) E(EFAULT) E(EINVAL) E(EPIPE) E(ENOTSOCK)
    E(EDESTADDRREQ) E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT) E(EPROTONOSUPPORT) E(ESOCKTNOSUPPORT) E(EOPNOTSUPP)
    E(EAFNOSUPPORT) E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETUNREACH) E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS)
    E(EISCONN) E(ENOTCONN) E(ETIMEDOUT) E(ECONNREFUSED) E(EHOSTUNREACH) E(EALREADY) E(EINPROGRESS)
#undef E
  }
  static char buf[16];
  snprintf(buf, sizeof buf, "E%d", e);
  return buf;
}
#define strerrorname_np ename

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else printf("%s: %ld\n", what, r);
}
#define T(what, expr) do { errno = 0; long r_ = (long)(expr); show(what, r_); } while (0)
#define OK(what, expr) do { errno = 0; long r_ = (long)(expr); show(what, r_ < 0 ? r_ : 0); } while (0)
static void die(const char *what) { perror(what); exit(1); }

typedef union { struct sockaddr sa; struct sockaddr_in in; struct sockaddr_in6 in6; struct sockaddr_storage ss; } addr_t;

static socklen_t loopback(addr_t *a, int family, int port) {
  memset(a, 0, sizeof *a);
  if (family == AF_INET) {
    a->in.sin_family = AF_INET; a->in.sin_port = htons(port); a->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sizeof a->in;
  }
  a->in6.sin6_family = AF_INET6; a->in6.sin6_port = htons(port); a->in6.sin6_addr = in6addr_loopback;
  return sizeof a->in6;
}
static int port_of(int fd) {
  addr_t a; socklen_t n = sizeof a;
  if (getsockname(fd, &a.sa, &n) < 0) die("getsockname");
  return ntohs(a.sa.sa_family == AF_INET ? a.in.sin_port : a.in6.sin6_port);
}
static const char *addr_text(addr_t *a) {
  static char buf[64];
  if (a->sa.sa_family == AF_INET) inet_ntop(AF_INET, &a->in.sin_addr, buf, sizeof buf);
  else inet_ntop(AF_INET6, &a->in6.sin6_addr, buf, sizeof buf);
  return buf;
}
static int listener(int family, int backlog) {
  int s = socket(family, SOCK_STREAM, 0);
  if (s < 0) die("socket");
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  addr_t a; socklen_t n = loopback(&a, family, 0);
  if (bind(s, &a.sa, n) < 0) die("bind");
  if (listen(s, backlog) < 0) die("listen");
  return s;
}
static int connect_to(int family, int port) {
  int c = socket(family, SOCK_STREAM, 0);
  addr_t a; socklen_t n = loopback(&a, family, port);
  if (connect(c, &a.sa, n) < 0) die("connect");
  return c;
}
static int pollev(int fd, short events, int ms) {
  struct pollfd p = { fd, events, 0 };
  int r = poll(&p, 1, ms);
  return r < 0 ? -1 : p.revents;
}
static void sleep_ms(int ms) { usleep(ms * 1000); }

// --- TCP ------------------------------------------------------------------------------------------
static void tcp_basic(int family) {
  printf("== tcp basic %s\n", family == AF_INET ? "v4" : "v6");
  int l = listener(family, 4);
  int port = port_of(l);
  printf("port assigned: %d\n", port >= 1024);
  int one = 0; socklen_t n = sizeof one;
  getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &one, &n); printf("SO_ACCEPTCONN listening: %d\n", one);
  int c = connect_to(family, port);
  addr_t peer; socklen_t pn = sizeof peer;
  int s = accept(l, &peer.sa, &pn);
  show("accept", s >= 0 ? 0 : -1);
  printf("peer family ok: %d, peer addr %s\n", peer.sa.sa_family == family, addr_text(&peer));
  addr_t cl; socklen_t cn = sizeof cl; getsockname(c, &cl.sa, &cn);
  printf("peer port = client port: %d\n", port_of(c) == ntohs(family == AF_INET ? peer.in.sin_port : peer.in6.sin6_port));
  addr_t sp; socklen_t spn = sizeof sp; getpeername(c, &sp.sa, &spn);
  printf("client peer is server port: %d, len %d\n", ntohs(family == AF_INET ? sp.in.sin_port : sp.in6.sin6_port) == port, (int)spn);
  getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &one, &n); printf("SO_ACCEPTCONN accepted: %d\n", one);

  T("send hello", send(c, "hello world", 11, 0));
  char buf[64] = {0};
  T("recv peek 5", recv(s, buf, 5, MSG_PEEK));
  printf("peeked: %.5s\n", buf);
  int avail = 0; ioctl(s, FIONREAD, &avail); printf("FIONREAD: %d\n", avail);
  T("recv 64", recv(s, buf, sizeof buf, 0));
  printf("got: %.11s\n", buf);
  T("recv nonblock empty", recv(s, buf, sizeof buf, MSG_DONTWAIT));
  // writev / readv
  struct iovec iv[2] = { { "ab", 2 }, { "cdef", 4 } };
  T("writev", writev(c, iv, 2));
  char x[3] = {0}, y[8] = {0};
  struct iovec ov[2] = { { x, 3 }, { y, 8 } };
  T("readv", readv(s, ov, 2));
  printf("readv: %.3s %s\n", x, y);
  // half close: the client's FIN, the server still sends
  T("shutdown client WR", shutdown(c, SHUT_WR));
  printf("server poll after FIN: %#x\n", pollev(s, POLLIN | POLLOUT | POLLRDHUP, 1000));
  T("server recv eof", recv(s, buf, sizeof buf, 0));
  T("server send after FIN", send(s, "back", 4, 0));
  memset(buf, 0, sizeof buf);
  T("client recv after own SHUT_WR", recv(c, buf, sizeof buf, 0));
  printf("client got: %s\n", buf);
  T("client send after SHUT_WR", send(c, "x", 1, MSG_NOSIGNAL));
  T("close server end", close(s));
  sleep_ms(50);
  printf("client poll after close: %#x\n", pollev(c, POLLIN | POLLOUT | POLLRDHUP, 1000));
  T("client recv eof", recv(c, buf, sizeof buf, 0));
  close(c);
  close(l);
}

static void tcp_errors(void) {
  printf("== tcp errors\n");
  int l = listener(AF_INET, 4);
  int port = port_of(l);
  // a second bind to the port: without and with SO_REUSEADDR (the first is listening)
  int b = socket(AF_INET, SOCK_STREAM, 0);
  addr_t a; socklen_t n = loopback(&a, AF_INET, port);
  T("bind in use", bind(b, &a.sa, n));
  int one = 1;
  setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  T("bind in use, both SO_REUSEADDR, one listening", bind(b, &a.sa, n));
  close(b);
  // SO_REUSEPORT on both lets two listeners share
  int r1 = socket(AF_INET, SOCK_STREAM, 0), r2 = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(r1, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  setsockopt(r2, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  loopback(&a, AF_INET, 0);
  OK("bind reuseport 1", bind(r1, &a.sa, n));
  loopback(&a, AF_INET, port_of(r1));
  OK("bind reuseport 2", bind(r2, &a.sa, n));
  OK("listen reuseport 1", listen(r1, 1));
  OK("listen reuseport 2", listen(r2, 1));
  close(r1); close(r2);
  // refused: a port nobody listens on
  int gone = socket(AF_INET, SOCK_STREAM, 0);
  loopback(&a, AF_INET, 0);
  bind(gone, &a.sa, n);
  int free_port = port_of(gone);
  close(gone);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  loopback(&a, AF_INET, free_port);
  T("connect refused", connect(c, &a.sa, n));
  int err = -1; socklen_t en = sizeof err;
  getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &en); printf("SO_ERROR after refused: %d\n", err);
  close(c);
  // non-blocking connect to the refused port: in progress, then SO_ERROR says why
  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int rc = connect(c, &a.sa, n);
  int e = rc < 0 ? errno : 0;
  if (rc < 0 && e == EINPROGRESS) {
    int ev = pollev(c, POLLOUT, 2000);
    printf("nb refused poll: out %d err %d\n", !!(ev & POLLOUT), !!(ev & POLLERR));
    getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &en);
    printf("nb refused: %s\n", strerrorname_np(err));
  } else printf("nb refused: %s\n", strerrorname_np(e));
  close(c);
  // non-blocking connect that works
  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  loopback(&a, AF_INET, port);
  rc = connect(c, &a.sa, n);
  printf("nb connect: %s\n", rc == 0 || errno == EINPROGRESS ? "ok or in progress" : strerrorname_np(errno));
  printf("nb connect writable: %d\n", !!(pollev(c, POLLOUT, 2000) & POLLOUT));
  getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &en); printf("nb connect SO_ERROR: %d\n", err);
  T("connect again", connect(c, &a.sa, n));
  int s = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  printf("accept4 flags: nonblock %d cloexec %d\n", !!(fcntl(s, F_GETFL) & O_NONBLOCK), !!(fcntl(s, F_GETFD) & FD_CLOEXEC));
  T("accept nothing pending (blocking listener, MSG none)", (fcntl(l, F_SETFL, O_NONBLOCK), accept(l, NULL, NULL)));
  fcntl(l, F_SETFL, 0);
  // a reset: the server closes with unread data
  T("client send", send(c, "unread", 6, 0));
  sleep_ms(50);
  close(s);
  sleep_ms(50);
  printf("poll after reset: %#x\n", pollev(c, POLLIN | POLLOUT | POLLRDHUP, 1000));
  char buf[16];
  T("recv after reset", recv(c, buf, sizeof buf, 0));
  T("recv after reset again", recv(c, buf, sizeof buf, 0));
  T("send after reset", send(c, "x", 1, MSG_NOSIGNAL));
  close(c);
  // EPIPE: the server closed cleanly; the first send goes, the reset makes the next fail
  c = connect_to(AF_INET, port);
  s = accept(l, NULL, NULL);
  close(s);
  sleep_ms(50);
  T("send to closed peer", send(c, "a", 1, MSG_NOSIGNAL));
  sleep_ms(50);
  T("send again", send(c, "b", 1, MSG_NOSIGNAL));
  T("send once more", send(c, "c", 1, MSG_NOSIGNAL));
  close(c);
  // SIGPIPE when not suppressed
  signal(SIGPIPE, SIG_IGN);
  sigset_t set; sigemptyset(&set); sigaddset(&set, SIGPIPE); sigprocmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_DFL);
  c = connect_to(AF_INET, port);
  s = accept(l, NULL, NULL);
  shutdown(c, SHUT_WR);
  T("send after own SHUT_WR", send(c, "z", 1, 0));
  sigset_t pend; sigpending(&pend); printf("SIGPIPE pending: %d\n", sigismember(&pend, SIGPIPE));
  struct timespec zero = { 0, 0 };
  sigtimedwait(&set, NULL, &zero);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  close(s); close(c);
  // a listener closed with a connection nobody accepted: that connection is reset
  {
    int l2 = listener(AF_INET, 4);
    int pending = connect_to(AF_INET, port_of(l2));
    send(pending, "early", 5, 0);
    close(l2);
    sleep_ms(50);
    T("recv on a connection its listener dropped", recv(pending, buf, sizeof buf, 0));
    close(pending);
  }
  // unconnected sockets
  c = socket(AF_INET, SOCK_STREAM, 0);
  T("recv unconnected", recv(c, buf, sizeof buf, 0));
  T("send unconnected", send(c, "x", 1, MSG_NOSIGNAL));
  addr_t p; socklen_t pn = sizeof p;
  T("getpeername unconnected", getpeername(c, &p.sa, &pn));
  T("shutdown unconnected", shutdown(c, SHUT_RDWR));
  T("accept not listening", accept(c, NULL, NULL));
  T("shutdown bad how", shutdown(c, 7));
  loopback(&a, AF_INET, 0);
  OK("bind", bind(c, &a.sa, n));
  T("bind twice", bind(c, &a.sa, n));
  close(c);
  close(l);
}

static void tcp_waitall_and_fork(void) {
  printf("== tcp fork, MSG_WAITALL, big transfer\n");
  int l = listener(AF_INET6, 1);
  int port = port_of(l);
  pid_t pid = fork();
  if (pid == 0) {
    int c = connect_to(AF_INET6, port);
    for (int i = 0; i < 3; i++) { send(c, "0123456789", 10, 0); sleep_ms(20); }
    // a large transfer: more than any socket buffer
    static char big[1 << 20];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
    size_t off = 0;
    while (off < sizeof big) {
      ssize_t w = write(c, big + off, sizeof big - off);
      if (w <= 0) _exit(2);
      off += w;
    }
    close(c);
    _exit(0);
  }
  int s = accept(l, NULL, NULL);
  char buf[30];
  T("recv MSG_WAITALL 30", recv(s, buf, 30, MSG_WAITALL));
  printf("waitall data: %.30s\n", buf);
  static char big[1 << 20];
  size_t got = 0;
  for (;;) {
    ssize_t r = read(s, big + got, sizeof big - got + (got == sizeof big));
    if (r <= 0) break;
    got += r;
    if (got == sizeof big) { char extra; r = read(s, &extra, 1); printf("read at end: %zd\n", r); break; }
  }
  int same = 1;
  for (size_t i = 0; i < sizeof big; i++) if (big[i] != (char)(i * 7)) { same = 0; break; }
  printf("big transfer: %zu bytes, intact %d\n", got, same);
  int st; waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  close(s); close(l);
}

static void dual_stack(void) {
  printf("== dual stack\n");
  int l = socket(AF_INET6, SOCK_STREAM, 0);
  int v = -1; socklen_t n = sizeof v;
  getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v, &n); printf("IPV6_V6ONLY default: %d\n", v);
  addr_t a; memset(&a, 0, sizeof a);
  a.in6.sin6_family = AF_INET6; a.in6.sin6_addr = in6addr_any;
  OK("bind ::", bind(l, &a.sa, sizeof a.in6));
  int port = port_of(l);
  listen(l, 4);
  int c = connect_to(AF_INET, port);
  addr_t peer; socklen_t pn = sizeof peer;
  int s = accept(l, &peer.sa, &pn);
  printf("v4 client seen as %s (family v6 %d)\n", addr_text(&peer), peer.sa.sa_family == AF_INET6);
  addr_t me; socklen_t mn = sizeof me; getsockname(s, &me.sa, &mn);
  printf("accepted socket name %s\n", addr_text(&me));
  close(s); close(c); close(l);
  // IPV6_V6ONLY: IPv4 clients are refused
  l = socket(AF_INET6, SOCK_STREAM, 0);
  int one = 1;
  OK("set V6ONLY", setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
  bind(l, &a.sa, sizeof a.in6);
  port = port_of(l);
  listen(l, 4);
  T("set V6ONLY after bind", setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
  c = socket(AF_INET, SOCK_STREAM, 0);
  addr_t a4; socklen_t n4 = loopback(&a4, AF_INET, port);
  T("v4 connect to v6only", connect(c, &a4.sa, n4));
  close(c);
  // and a v4 socket may then take the same port
  c = socket(AF_INET, SOCK_STREAM, 0);
  memset(&a4, 0, sizeof a4); a4.in.sin_family = AF_INET; a4.in.sin_port = htons(port);
  OK("v4 bind next to v6only", bind(c, &a4.sa, sizeof a4.in));
  close(c); close(l);
  // a v4-mapped address on a v6 socket
  c = socket(AF_INET6, SOCK_STREAM, 0);
  l = listener(AF_INET, 4);
  memset(&a, 0, sizeof a); a.in6.sin6_family = AF_INET6; a.in6.sin6_port = htons(port_of(l));
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &a.in6.sin6_addr);
  OK("v6 connect to mapped v4", connect(c, &a.sa, sizeof a.in6));
  mn = sizeof me; getsockname(c, &me.sa, &mn);
  printf("mapped client name %s\n", addr_text(&me));
  close(c); close(l);
}

static void tcp_epoll_select(void) {
  printf("== epoll, select\n");
  int l = listener(AF_INET, 8);
  int port = port_of(l);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 1 };
  epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
  struct epoll_event out[4];
  T("epoll nothing yet", epoll_wait(ep, out, 4, 0));
  int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  addr_t a; socklen_t n = loopback(&a, AF_INET, port);
  connect(c, &a.sa, n);
  int k = epoll_wait(ep, out, 4, 2000);
  printf("epoll listener: %d events %#x data %u\n", k, k > 0 ? out[0].events : 0, k > 0 ? out[0].data.u32 : 0);
  int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET; ev.data.u32 = 2;
  epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
  ev.events = EPOLLOUT; ev.data.u32 = 3;
  epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
  k = epoll_wait(ep, out, 4, 2000);
  printf("epoll writable client: %d data %u\n", k, k > 0 ? out[0].data.u32 : 0);
  epoll_ctl(ep, EPOLL_CTL_DEL, c, NULL);
  send(c, "ping", 4, 0);
  k = epoll_wait(ep, out, 4, 2000);
  printf("epoll data: %d events %#x data %u\n", k, k > 0 ? out[0].events : 0, k > 0 ? out[0].data.u32 : 0);
  T("edge-triggered: no new edge", epoll_wait(ep, out, 4, 0));
  char buf[16];
  T("read", read(s, buf, sizeof buf));
  T("read drained", read(s, buf, sizeof buf));
  shutdown(c, SHUT_WR);
  k = epoll_wait(ep, out, 4, 2000);
  printf("epoll after FIN: %d events %#x\n", k, k > 0 ? out[0].events : 0);
  // select: readable and writable sets
  fd_set r, w;
  FD_ZERO(&r); FD_ZERO(&w); FD_SET(s, &r); FD_SET(c, &w);
  struct timeval tv = { 1, 0 };
  k = select((s > c ? s : c) + 1, &r, &w, NULL, &tv);
  printf("select: %d r %d w %d\n", k, FD_ISSET(s, &r), FD_ISSET(c, &w));
  close(ep); close(s); close(c); close(l);
}

static void tcp_options(void) {
  printf("== tcp options\n");
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int v; socklen_t n = sizeof v;
#define GET(level, opt) do { v = -99; n = sizeof v; errno = 0; int r_ = getsockopt(s, level, opt, &v, &n); \
    if (r_ < 0) printf("get " #opt ": %s\n", strerrorname_np(errno)); else printf("get " #opt ": %d (len %d)\n", v, (int)n); } while (0)
#define SET(level, opt, val) do { int x_ = (val); errno = 0; int r_ = setsockopt(s, level, opt, &x_, sizeof x_); \
    printf("set " #opt " %d: %s\n", x_, r_ < 0 ? strerrorname_np(errno) : "ok"); } while (0)
  GET(SOL_SOCKET, SO_TYPE);
  GET(SOL_SOCKET, SO_DOMAIN);
  GET(SOL_SOCKET, SO_PROTOCOL);
  GET(SOL_SOCKET, SO_ERROR);
  GET(SOL_SOCKET, SO_REUSEADDR); SET(SOL_SOCKET, SO_REUSEADDR, 5); GET(SOL_SOCKET, SO_REUSEADDR);
  GET(SOL_SOCKET, SO_REUSEPORT); SET(SOL_SOCKET, SO_REUSEPORT, 1); GET(SOL_SOCKET, SO_REUSEPORT);
  GET(SOL_SOCKET, SO_KEEPALIVE); SET(SOL_SOCKET, SO_KEEPALIVE, 1); GET(SOL_SOCKET, SO_KEEPALIVE);
  SET(SOL_SOCKET, SO_RCVBUF, 65536); GET(SOL_SOCKET, SO_RCVBUF);
  SET(SOL_SOCKET, SO_SNDBUF, 32768); GET(SOL_SOCKET, SO_SNDBUF);
  SET(SOL_SOCKET, SO_RCVLOWAT, 3); GET(SOL_SOCKET, SO_RCVLOWAT);
  GET(SOL_SOCKET, SO_ACCEPTCONN);
  SET(SOL_SOCKET, 9999, 1);
  GET(SOL_SOCKET, 9999);
  struct linger lg = { 1, 5 }, lg2; socklen_t ln = sizeof lg2;
  printf("set SO_LINGER: %d\n", setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  getsockopt(s, SOL_SOCKET, SO_LINGER, &lg2, &ln); printf("get SO_LINGER: %d %d (len %d)\n", lg2.l_onoff, lg2.l_linger, (int)ln);
  printf("set SO_LINGER short: %s\n", setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, 4) < 0 ? strerrorname_np(errno) : "ok");
  struct timeval tv = { 0, 250000 }, tv2; socklen_t tn = sizeof tv2;
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv2, &tn); printf("get SO_RCVTIMEO: %ld.%06ld\n", (long)tv2.tv_sec, (long)tv2.tv_usec);
  GET(IPPROTO_TCP, TCP_NODELAY); SET(IPPROTO_TCP, TCP_NODELAY, 1); GET(IPPROTO_TCP, TCP_NODELAY);
  GET(IPPROTO_TCP, TCP_KEEPIDLE); SET(IPPROTO_TCP, TCP_KEEPIDLE, 30); GET(IPPROTO_TCP, TCP_KEEPIDLE);
  SET(IPPROTO_TCP, TCP_KEEPIDLE, 0);
  GET(IPPROTO_TCP, TCP_KEEPINTVL); GET(IPPROTO_TCP, TCP_KEEPCNT);
  SET(IPPROTO_TCP, TCP_KEEPCNT, 5); GET(IPPROTO_TCP, TCP_KEEPCNT);
  GET(IPPROTO_TCP, TCP_CORK); SET(IPPROTO_TCP, TCP_CORK, 1); GET(IPPROTO_TCP, TCP_CORK);
  GET(IPPROTO_TCP, TCP_MAXSEG);
  SET(IPPROTO_TCP, 9999, 1);
  GET(IPPROTO_TCP, 9999);
  SET(9999, 1, 1);
  GET(IPPROTO_IP, IP_TTL); SET(IPPROTO_IP, IP_TTL, 32); GET(IPPROTO_IP, IP_TTL); SET(IPPROTO_IP, IP_TTL, 0);
  GET(IPPROTO_IP, IP_TOS); SET(IPPROTO_IP, IP_TOS, 0x10); GET(IPPROTO_IP, IP_TOS);
  GET(IPPROTO_IPV6, IPV6_V6ONLY);
  char cc[16] = {0}; socklen_t cn = sizeof cc;
  printf("TCP_CONGESTION: %d\n", getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, &cn));
  struct tcp_info ti; socklen_t tin = sizeof ti;
  getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &tin); printf("TCP_INFO state unconnected: %d\n", ti.tcpi_state);
  n = (socklen_t)-1;
  printf("getsockopt negative len: %s\n", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &n) < 0 ? strerrorname_np(errno) : "ok");
  n = 2; v = 0;
  printf("getsockopt short len: %d len %d\n", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &n), (int)n);
  printf("setsockopt short int: %s\n", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, 2) < 0 ? strerrorname_np(errno) : "ok");
  close(s);
  // SO_RCVTIMEO: a blocking recv gives up with EAGAIN
  int l = listener(AF_INET, 1);
  int c = connect_to(AF_INET, port_of(l));
  s = accept(l, NULL, NULL);
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[4];
  T("recv with SO_RCVTIMEO", recv(s, buf, sizeof buf, 0));
  struct tcp_info ti2; tin = sizeof ti2;
  getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti2, &tin); printf("TCP_INFO state connected: %d\n", ti2.tcpi_state);
  // SO_LINGER 0: close resets the connection
  struct linger abort_lg = { 1, 0 };
  setsockopt(s, SOL_SOCKET, SO_LINGER, &abort_lg, sizeof abort_lg);
  close(s);
  sleep_ms(50);
  T("recv after linger-0 close", recv(c, buf, sizeof buf, 0));
  close(c); close(l);
}

// --- UDP ------------------------------------------------------------------------------------------
static void udp(int family) {
  printf("== udp %s\n", family == AF_INET ? "v4" : "v6");
  int a = socket(family, SOCK_DGRAM, 0), b = socket(family, SOCK_DGRAM, 0);
  addr_t x; socklen_t n = loopback(&x, family, 0);
  OK("bind a", bind(a, &x.sa, n));
  int pa = port_of(a);
  addr_t to; loopback(&to, family, pa);
  T("sendto a", sendto(b, "datagram one", 12, 0, &to.sa, n));
  T("sendto a empty", sendto(b, "", 0, 0, &to.sa, n));
  T("sendto a three", sendto(b, "three", 5, 0, &to.sa, n));
  char buf[64] = {0};
  addr_t from; socklen_t fn = sizeof from;
  T("recvfrom peek", recvfrom(a, buf, 4, MSG_PEEK, &from.sa, &fn));
  T("recvfrom trunc", recvfrom(a, buf, 4, MSG_TRUNC, &from.sa, &fn));
  printf("data %.4s from %s, sender port matches %d, len %d\n", buf, addr_text(&from), ntohs(family == AF_INET ? from.in.sin_port : from.in6.sin6_port) == port_of(b), (int)fn);
  T("recv empty datagram", recv(a, buf, sizeof buf, 0));
  struct msghdr m = {0};
  char part1[2], part2[8] = {0};
  struct iovec iv[2] = { { part1, 2 }, { part2, 8 } };
  char ctl[64];
  m.msg_name = &from; m.msg_namelen = sizeof from; m.msg_iov = iv; m.msg_iovlen = 2; m.msg_control = ctl; m.msg_controllen = sizeof ctl;
  T("recvmsg", recvmsg(a, &m, 0));
  printf("recvmsg: %.2s|%s flags %#x controllen %d namelen ok %d\n", part1, part2, m.msg_flags, (int)m.msg_controllen, m.msg_namelen == n);
  T("recv nothing", recv(a, buf, sizeof buf, MSG_DONTWAIT));
  // IP_PKTINFO / IPV6_RECVPKTINFO
  int one = 1;
  if (family == AF_INET) setsockopt(a, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
  else setsockopt(a, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
  sendto(b, "pkt", 3, 0, &to.sa, n);
  m.msg_controllen = sizeof ctl; m.msg_namelen = sizeof from;
  T("recvmsg pktinfo", recvmsg(a, &m, 0));
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      struct in_pktinfo *pi = (struct in_pktinfo *)CMSG_DATA(c);
      char t[32]; inet_ntop(AF_INET, &pi->ipi_addr, t, sizeof t);
      printf("IP_PKTINFO dst %s ifindex>0 %d\n", t, pi->ipi_ifindex > 0);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      struct in6_pktinfo *pi = (struct in6_pktinfo *)CMSG_DATA(c);
      char t[64]; inet_ntop(AF_INET6, &pi->ipi6_addr, t, sizeof t);
      printf("IPV6_PKTINFO dst %s ifindex>0 %d\n", t, pi->ipi6_ifindex > 0);
    } else printf("cmsg %d %d\n", c->cmsg_level, c->cmsg_type);
  }
  // connected: send/recv; a datagram from elsewhere is not received
  OK("connect b to a", connect(b, &to.sa, n));
  addr_t bn; socklen_t bl = sizeof bn; getsockname(b, &bn.sa, &bl);
  printf("connected socket name %s\n", addr_text(&bn));
  T("send connected", send(b, "conn", 4, 0));
  T("recv", recv(a, buf, sizeof buf, 0));
  addr_t bp; socklen_t bpl = sizeof bp; getpeername(b, &bp.sa, &bpl);
  printf("getpeername port ok %d\n", ntohs(family == AF_INET ? bp.in.sin_port : bp.in6.sin6_port) == pa);
  int c = socket(family, SOCK_DGRAM, 0);
  addr_t bt; loopback(&bt, family, port_of(b));
  sendto(c, "stranger", 8, 0, &bt.sa, n);
  sendto(a, "friend", 6, 0, &bt.sa, n);
  sleep_ms(20);
  memset(buf, 0, sizeof buf);
  T("connected recv only from peer", recv(b, buf, sizeof buf, MSG_DONTWAIT));
  printf("got %s\n", buf);
  T("nothing else", recv(b, buf, sizeof buf, MSG_DONTWAIT));
  printf("poll udp: %#x\n", pollev(b, POLLIN | POLLOUT, 0));
  // disconnect with AF_UNSPEC
  struct sockaddr unspec = { .sa_family = AF_UNSPEC };
  OK("disconnect", connect(b, &unspec, sizeof unspec));
  T("getpeername after disconnect", getpeername(b, &bp.sa, &bpl));
  T("send unconnected", send(b, "x", 1, 0));
  // ECONNREFUSED: a connected socket sends to a closed port
  int gone = socket(family, SOCK_DGRAM, 0);
  addr_t g; loopback(&g, family, 0); bind(gone, &g.sa, n);
  int gp = port_of(gone); close(gone);
  loopback(&g, family, gp);
  connect(c, &g.sa, n);
  T("send to closed port", send(c, "x", 1, 0));
  sleep_ms(50);
  T("recv after port unreachable", recv(c, buf, sizeof buf, MSG_DONTWAIT));
  T("recv again", recv(c, buf, sizeof buf, MSG_DONTWAIT));
  // a datagram too big
  static char huge[70000];
  T("sendto too big", sendto(a, huge, sizeof huge, 0, &to.sa, n));
  T("shutdown unconnected udp", shutdown(a, SHUT_RD));
  T("recv after SHUT_RD", recv(a, buf, sizeof buf, MSG_DONTWAIT));
  T("listen udp", listen(a, 1));
  T("accept udp", accept(a, NULL, NULL));
  close(a); close(b); close(c);
  // EADDRINUSE, and SO_REUSEADDR on both
  a = socket(family, SOCK_DGRAM, 0); b = socket(family, SOCK_DGRAM, 0);
  loopback(&x, family, 0); bind(a, &x.sa, n);
  loopback(&x, family, port_of(a));
  T("udp bind in use", bind(b, &x.sa, n));
  close(a); close(b);
  a = socket(family, SOCK_DGRAM, 0); b = socket(family, SOCK_DGRAM, 0);
  setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  loopback(&x, family, 0); bind(a, &x.sa, n);
  loopback(&x, family, port_of(a));
  OK("udp bind shared with SO_REUSEADDR", bind(b, &x.sa, n));
  close(a); close(b);
}

// --- bad input ------------------------------------------------------------------------------------
static void bad_input(void) {
  printf("== bad input\n");
  T("socket unknown family", socket(12345, SOCK_STREAM, 0));
  T("socket family 200", socket(200, SOCK_STREAM, 0));
  T("socket bad type", socket(AF_INET, 77, 0));
  T("socket bad type flags", socket(AF_INET, SOCK_STREAM | 0x100, 0));
  T("socket stream udp", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
  T("socket dgram tcp", socket(AF_INET6, SOCK_DGRAM, IPPROTO_TCP));
  T("socket protocol 300", socket(AF_INET, SOCK_STREAM, 300));
  T("socket seqpacket", socket(AF_INET, SOCK_SEQPACKET, 0));
  int sv[2];
  T("socketpair inet", socketpair(AF_INET, SOCK_STREAM, 0, sv));
  int s = socket(AF_INET, SOCK_STREAM, 0);
  addr_t a; loopback(&a, AF_INET, 0);
  T("bind len 3", bind(s, &a.sa, 3));
  T("bind len 15", bind(s, &a.sa, 15));
  T("bind len 200", bind(s, &a.sa, 200));
  T("bind len -1", bind(s, &a.sa, (socklen_t)-1));
  T("bind bad pointer", bind(s, (struct sockaddr *)8, 16));
  addr_t six; loopback(&six, AF_INET6, 0);
  T("bind v6 address on v4 socket", bind(s, &six.sa, sizeof six.in6));
  addr_t far; loopback(&far, AF_INET, 0); far.in.sin_addr.s_addr = inet_addr("192.0.2.200");
  T("bind non-local address", bind(s, &far.sa, sizeof far.in));
  a.sa.sa_family = AF_UNSPEC;
  OK("bind AF_UNSPEC any", (a.in.sin_addr.s_addr = 0, bind(s, &a.sa, sizeof a.in)));
  close(s);
  s = socket(AF_INET, SOCK_STREAM, 0);
  loopback(&a, AF_INET, 1);
  a.sa.sa_family = 12345;
  T("connect unknown family", connect(s, &a.sa, sizeof a.in));
  T("connect len 0", connect(s, &a.sa, 0));
  T("connect len 4", connect(s, &a.sa, 4));
  T("connect bad pointer", connect(s, (struct sockaddr *)8, 16));
  int v6 = socket(AF_INET6, SOCK_STREAM, 0);
  T("v6 connect len 20", connect(v6, &six.sa, 20));
  T("v6 bind v4 address", bind(v6, &a.sa, sizeof a.in));
  close(v6);
  socklen_t n = 16;
  T("getsockname bad len pointer", getsockname(s, &a.sa, (socklen_t *)8));
  n = (socklen_t)-1;
  T("getsockname negative len", getsockname(s, &a.sa, &n));
  T("recvfrom bad fd", recvfrom(9999, NULL, 0, 0, NULL, NULL));
  int file = open("/dev/null", O_RDWR);
  T("send on a file", send(file, "x", 1, 0));
  close(file);
  T("setsockopt bad pointer", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (void *)8, 4));
  close(s);
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  loopback(&a, AF_INET, 9);
  T("udp sendto len 8", sendto(u, "x", 1, 0, &a.sa, 8));
  a.sa.sa_family = AF_INET6;
  T("udp sendto v6 family on v4", sendto(u, "x", 1, 0, &a.sa, sizeof a.in));
  T("udp sendto no address", send(u, "x", 1, 0));
  loopback(&a, AF_INET, 0);
  T("udp sendto port 0", sendto(u, "x", 1, 0, &a.sa, sizeof a.in));
  close(u);
  s = socket(AF_INET, SOCK_STREAM, 0);
  T("connect port 0", connect(s, &a.sa, sizeof a.in));
  close(s);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  tcp_basic(AF_INET);
  tcp_basic(AF_INET6);
  tcp_errors();
  tcp_waitall_and_fork();
  dual_stack();
  tcp_epoll_select();
  tcp_options();
  udp(AF_INET);
  udp(AF_INET6);
  bad_input();
  return 0;
}
