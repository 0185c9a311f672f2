/* AF_UNIX sockets within one process: socketpairs (stream, datagram,
 * seqpacket), non-blocking echo, a listening socket with a non-blocking
 * connect and accept (abstract name and filesystem path), datagrams by name,
 * shutdown, names, options, and errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CHECK(x) do { if (!(x)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #x, errno); exit(1); } } while (0)
#define SHOW(label, call) do { errno = 0; long r_ = (long)(call); printf("%s: %ld errno=%d\n", label, r_, r_ < 0 ? errno : 0); } while (0)

static void print_addr(const char *label, struct sockaddr_un *a, socklen_t len) {
  printf("%s: len=%u", label, (unsigned)len);
  if (len > offsetof(struct sockaddr_un, sun_path)) {
    if (a->sun_path[0]) printf(" path=%s", a->sun_path);
    else printf(" abstract=%.*s", (int)(len - offsetof(struct sockaddr_un, sun_path) - 1), a->sun_path + 1);
  }
  printf("\n");
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  strcpy(a->sun_path + 1, name);
  return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}

static void test_pair_stream(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
  char buf[64];
  SHOW("empty read", read(sv[0], buf, sizeof buf));
  /* echo: each message goes across and comes back */
  const char *msgs[] = { "hello", "world", "a longer line of text" };
  for (int i = 0; i < 3; i++) {
    CHECK(write(sv[0], msgs[i], strlen(msgs[i])) == (ssize_t)strlen(msgs[i]));
    ssize_t n = read(sv[1], buf, sizeof buf);
    CHECK(n > 0);
    CHECK(write(sv[1], buf, n) == n);
    n = read(sv[0], buf, sizeof buf);
    printf("echo %d: %.*s\n", i, (int)n, buf);
  }
  /* a stream merges writes */
  CHECK(send(sv[0], "ab", 2, 0) == 2);
  CHECK(send(sv[0], "cd", 2, 0) == 2);
  ssize_t n = recv(sv[1], buf, sizeof buf, MSG_PEEK);
  printf("peek: %.*s\n", (int)n, buf);
  n = recv(sv[1], buf, 3, 0);
  printf("recv 3: %.*s\n", (int)n, buf);
  n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
  printf("rest: %.*s\n", (int)n, buf);
  /* fill until EAGAIN, then drain */
  static char big[65536];
  long total = 0;
  for (;;) {
    n = write(sv[0], big, sizeof big);
    if (n < 0) { printf("full: errno=%d\n", errno); break; }
    total += n;
  }
  struct pollfd pf = { sv[0], POLLOUT, 0 };
  int pr = poll(&pf, 1, 0);
  printf("poll full: %d\n", pr);
  long drained = 0;
  while ((n = read(sv[1], big, sizeof big)) > 0) drained += n;
  printf("drained all: %d\n", drained == total);
  pr = poll(&pf, 1, 0);
  printf("poll drained: %d rev=%#x\n", pr, pf.revents);
  /* FIONREAD-free check of readiness */
  struct pollfd both[2] = { { sv[0], POLLIN | POLLOUT, 0 }, { sv[1], POLLIN | POLLOUT | POLLRDHUP, 0 } };
  poll(both, 2, 0);
  printf("idle: %#x %#x\n", both[0].revents, both[1].revents);
  /* shutdown */
  CHECK(shutdown(sv[0], SHUT_WR) == 0);
  poll(both, 2, 0);
  printf("after SHUT_WR: %#x %#x\n", both[0].revents, both[1].revents);
  SHOW("read at eof", read(sv[1], buf, sizeof buf));
  signal(SIGPIPE, SIG_IGN);
  SHOW("write after SHUT_WR", write(sv[0], "x", 1));
  SHOW("send MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL));
  CHECK(write(sv[1], "back", 4) == 4);
  n = read(sv[0], buf, sizeof buf);
  printf("other direction still open: %.*s\n", (int)n, buf);
  SHOW("shutdown bad how", shutdown(sv[0], 7));
  close(sv[1]);
  poll(both, 1, 0);
  printf("peer closed: %#x\n", both[0].revents);
  SHOW("read after peer closed", read(sv[0], buf, sizeof buf));
  close(sv[0]);
  /* unread data when the peer closes: ECONNRESET once, then EOF */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(write(sv[0], "unread", 6) == 6);
  close(sv[1]);
  SHOW("write to closed peer", write(sv[0], "x", 1));
  close(sv[0]);
  signal(SIGPIPE, SIG_DFL);
}

static void test_pair_dgram(int type, const char *name) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, type, 0, sv) == 0);
  CHECK(send(sv[0], "one", 3, 0) == 3);
  CHECK(send(sv[0], "two!", 4, 0) == 4);
  CHECK(send(sv[0], "", 0, 0) == 0);
  char buf[16];
  SHOW(name, recv(sv[1], buf, sizeof buf, 0));
  SHOW("  peek", recv(sv[1], buf, 2, MSG_PEEK | MSG_TRUNC));
  struct iovec iov = { buf, 2 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  ssize_t n = recvmsg(sv[1], &mh, 0);
  printf("  truncated: n=%zd flags=%#x data=%.2s\n", n, mh.msg_flags, buf);
  SHOW("  empty message", recv(sv[1], buf, sizeof buf, 0));
  SHOW("  nothing left", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
  struct pollfd pf = { sv[1], POLLIN | POLLOUT, 0 };
  poll(&pf, 1, 0);
  printf("  poll: %#x\n", pf.revents);
  close(sv[0]);
  poll(&pf, 1, 0);
  printf("  poll after peer close: %#x\n", pf.revents);
  if (type == SOCK_SEQPACKET) SHOW("  read at eof", recv(sv[1], buf, sizeof buf, 0));
  close(sv[1]);
}

static void test_listen(int abstract) {
  char dir[] = "/tmp/xos-unix-XXXXXX";
  struct sockaddr_un sa;
  socklen_t salen;
  if (abstract) {
    char name[64];
    snprintf(name, sizeof name, "xos-test-%d", (int)getpid());
    salen = abstract_addr(&sa, name);
  } else {
    CHECK(mkdtemp(dir) != NULL);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/sock", dir);
    salen = sizeof sa;
  }
  int l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  CHECK(l >= 0);
  SHOW("listen unbound", listen(l, 5));
  CHECK(bind(l, (struct sockaddr *)&sa, salen) == 0);
  SHOW("bind twice", bind(l, (struct sockaddr *)&sa, salen));
  if (!abstract) {
    struct stat st;
    CHECK(stat(sa.sun_path, &st) == 0);
    printf("socket inode: issock=%d\n", S_ISSOCK(st.st_mode));
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    SHOW("bind existing path", bind(other, (struct sockaddr *)&sa, salen));
    close(other);
  }
  struct sockaddr_un got;
  socklen_t glen = sizeof got;
  CHECK(getsockname(l, (struct sockaddr *)&got, &glen) == 0);
  if (abstract) printf("listener name: len ok=%d\n", glen == salen); else printf("listener name: len=%u same path=%d\n", (unsigned)glen, strcmp(got.sun_path, sa.sun_path) == 0);
  int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  SHOW("connect before listen", connect(c, (struct sockaddr *)&sa, salen));
  CHECK(listen(l, 4) == 0);
  int v; socklen_t vl = sizeof v;
  CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0);
  printf("acceptconn=%d\n", v);
  struct pollfd pf = { l, POLLIN | POLLOUT, 0 };
  int pr = poll(&pf, 1, 0);
  printf("listener idle poll: %d rev=%#x\n", pr, pf.revents);
  SHOW("accept nothing", accept(l, NULL, NULL));
  SHOW("connect", connect(c, (struct sockaddr *)&sa, salen));
  SHOW("connect again", connect(c, (struct sockaddr *)&sa, salen));
  pr = poll(&pf, 1, 0);
  printf("listener ready poll: %d rev=%#x\n", pr, pf.revents);
  /* data sent before accept waits in the new connection */
  CHECK(write(c, "early", 5) == 5);
  struct sockaddr_un peer;
  socklen_t plen = sizeof peer;
  int s = accept4(l, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
  CHECK(s >= 0);
  print_addr("accepted peer (unbound client)", &peer, plen);
  printf("accepted cloexec=%d nonblock=%d\n", (fcntl(s, F_GETFD) & FD_CLOEXEC) != 0, (fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
  char buf[32];
  ssize_t n = read(s, buf, sizeof buf);
  printf("server got: %.*s\n", (int)n, buf);
  CHECK(write(s, "reply", 5) == 5);
  n = read(c, buf, sizeof buf);
  printf("client got: %.*s\n", (int)n, buf);
  glen = sizeof got;
  CHECK(getpeername(c, (struct sockaddr *)&got, &glen) == 0);
  if (abstract) printf("client's peer is the listener's name: %d\n", glen == salen && memcmp(&got, &sa, salen) == 0);
  else printf("client's peer: len=%u same path=%d\n", (unsigned)glen, strcmp(got.sun_path, sa.sun_path) == 0);
  glen = sizeof got;
  CHECK(getsockname(s, (struct sockaddr *)&got, &glen) == 0);
  printf("accepted socket's name is the listener's: %d\n", abstract ? glen == salen : strcmp(got.sun_path, sa.sun_path) == 0);
  struct ucred cr;
  socklen_t crl = sizeof cr;
  CHECK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &crl) == 0);
  printf("peercred: pid ok=%d uid ok=%d gid ok=%d len=%u\n", cr.pid == getpid(), cr.uid == geteuid(), cr.gid == getegid(), (unsigned)crl);
  crl = sizeof cr;
  CHECK(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &crl) == 0);
  printf("client peercred pid ok=%d\n", cr.pid == getpid());
  /* a second client, refused once the listener is closed */
  int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(connect(c2, (struct sockaddr *)&sa, salen) == 0);
  close(l);
  pf.fd = c2; pf.events = POLLIN;
  poll(&pf, 1, 0);
  printf("pending client after listener closed: rev=%#x\n", pf.revents);
  SHOW("read reset", read(c2, buf, sizeof buf));
  close(c2);
  int c3 = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW("connect after close", connect(c3, (struct sockaddr *)&sa, salen));
  close(c3);
  close(s);
  close(c);
  if (!abstract) {
    CHECK(unlink(sa.sun_path) == 0);
    CHECK(rmdir(dir) == 0);
  }
}

static void test_dgram_names(void) {
  struct sockaddr_un a, b;
  char an[64], bn[64];
  snprintf(an, sizeof an, "xos-dg-a-%d", (int)getpid());
  snprintf(bn, sizeof bn, "xos-dg-b-%d", (int)getpid());
  socklen_t al = abstract_addr(&a, an), bl = abstract_addr(&b, bn);
  int x = socket(AF_UNIX, SOCK_DGRAM, 0), y = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  CHECK(bind(x, (struct sockaddr *)&a, al) == 0);
  CHECK(bind(y, (struct sockaddr *)&b, bl) == 0);
  SHOW("sendto", sendto(x, "to-b", 4, 0, (struct sockaddr *)&b, bl));
  char buf[16];
  struct sockaddr_un from;
  socklen_t fl = sizeof from;
  ssize_t n = recvfrom(y, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("recvfrom: %.*s from a: %d\n", (int)n, buf, fl == al && memcmp(&from, &a, al) == 0);
  SHOW("send unconnected", send(x, "x", 1, 0));
  CHECK(connect(x, (struct sockaddr *)&b, bl) == 0);
  SHOW("send connected", send(x, "y", 1, 0));
  /* an unbound sender has no name */
  int z = socket(AF_UNIX, SOCK_DGRAM, 0);
  CHECK(sendto(z, "anon", 4, 0, (struct sockaddr *)&b, bl) == 4);
  fl = sizeof from;
  n = recvfrom(y, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("first: %.*s\n", (int)n, buf);
  fl = sizeof from;
  n = recvfrom(y, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("second: %.*s fromlen=%u\n", (int)n, buf, (unsigned)fl);
  /* y connected to x: others may not send to it */
  CHECK(connect(y, (struct sockaddr *)&a, al) == 0);
  SHOW("send to a socket connected elsewhere", sendto(z, "no", 2, 0, (struct sockaddr *)&b, bl));
  struct sockaddr_un missing;
  socklen_t ml = abstract_addr(&missing, "xos-no-such-name");
  SHOW("sendto missing", sendto(z, "no", 2, 0, (struct sockaddr *)&missing, ml));
  SHOW("connect missing", connect(z, (struct sockaddr *)&missing, ml));
  SHOW("stream to dgram", ({ int s = socket(AF_UNIX, SOCK_STREAM, 0); int r = connect(s, (struct sockaddr *)&b, bl); int e = errno; close(s); errno = e; r; }));
  /* autobind: a bare family */
  int w = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un fam = { .sun_family = AF_UNIX };
  CHECK(bind(w, (struct sockaddr *)&fam, sizeof(sa_family_t)) == 0);
  fl = sizeof from;
  CHECK(getsockname(w, (struct sockaddr *)&from, &fl) == 0);
  printf("autobind: len=%u abstract=%d\n", (unsigned)fl, from.sun_path[0] == 0);
  fl = sizeof from;
  CHECK(getsockname(z, (struct sockaddr *)&from, &fl) == 0);
  printf("unbound name len=%u\n", (unsigned)fl);
  SHOW("getpeername unconnected", getpeername(z, (struct sockaddr *)&from, &fl));
  SHOW("listen on dgram", listen(z, 1));
  close(w); close(x); close(y); close(z);
}

static void test_options_errors(void) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  int v; socklen_t vl = sizeof v;
  CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl) == 0);
  printf("SO_TYPE=%d len=%u\n", v, (unsigned)vl);
  vl = sizeof v;
  CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &vl) == 0);
  printf("SO_ERROR=%d\n", v);
  v = 4096;
  CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v) == 0);
  vl = sizeof v;
  CHECK(getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &vl) == 0);
  printf("SO_SNDBUF after 4096: %d\n", v);
  v = 10000;
  CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v) == 0);
  vl = sizeof v;
  CHECK(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &vl) == 0);
  printf("SO_RCVBUF after 10000: %d\n", v);
  v = 1;
  SHOW("SO_REUSEADDR", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v));
  vl = sizeof v;
  CHECK(getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, &vl) == 0);
  printf("SO_REUSEADDR=%d\n", v);
  SHOW("SO_PASSCRED", setsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, sizeof v));
  vl = sizeof v;
  CHECK(getsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, &vl) == 0);
  printf("SO_PASSCRED=%d\n", v);
  SHOW("short optlen", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2));
  SHOW("unknown option", setsockopt(s, SOL_SOCKET, 9999, &v, sizeof v));
  vl = sizeof v;
  SHOW("unknown getsockopt", getsockopt(s, SOL_SOCKET, 9999, &v, &vl));
  vl = sizeof v;
  SHOW("tcp level", getsockopt(s, 6, 1, &v, &vl));
  char c;
  SHOW("read unconnected", read(s, &c, 1));
  SHOW("write unconnected", write(s, &c, 1));
  SHOW("accept unlistened", accept(s, NULL, NULL));
  struct pollfd pf = { s, POLLIN | POLLOUT, 0 };
  poll(&pf, 1, 0);
  printf("fresh stream socket poll: %#x\n", pf.revents);
  struct stat st;
  CHECK(fstat(s, &st) == 0);
  printf("fstat issock=%d\n", S_ISSOCK(st.st_mode));
  close(s);
  SHOW("AF_INET", socket(AF_INET6 + 1000, SOCK_STREAM, 0));
  SHOW("bad type", socket(AF_UNIX, 77, 0));
  SHOW("bad protocol", socket(AF_UNIX, SOCK_STREAM, 5));
  int np[2];
  pipe(np); /* fd 0 may be a socket (a test runner's stdio), a pipe never is */
  SHOW("not a socket", getsockname(np[0], NULL, NULL));
  close(np[0]); close(np[1]);
  SHOW("bad fd", shutdown(999, SHUT_RD));
  int sv[2];
  SHOW("socketpair", socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
  printf("pair cloexec=%d\n", (fcntl(sv[1], F_GETFD) & FD_CLOEXEC) != 0);
  close(sv[0]); close(sv[1]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  test_pair_stream();
  test_pair_dgram(SOCK_DGRAM, "dgram");
  test_pair_dgram(SOCK_SEQPACKET, "seqpacket");
  test_listen(1);
  test_listen(0);
  test_dgram_names();
  test_options_errors();
  printf("done\n");
  return 0;
}
