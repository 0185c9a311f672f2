/* Ancillary data over AF_UNIX socketpairs within one process: SCM_RIGHTS
 * (a pipe passed to ourselves, several descriptors, truncation, close-on-exec)
 * and SCM_CREDENTIALS, plus scatter/gather, MSG_WAITALL, sendmmsg/recvmmsg. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define CHECK(x) do { if (!(x)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #x, errno); exit(1); } } while (0)
#define SHOW(label, call) do { errno = 0; long r_ = (long)(call); printf("%s: %ld errno=%d\n", label, r_, r_ < 0 ? errno : 0); } while (0)

static int send_fds(int s, const char *data, int *fds, int nfds) {
  char ctl[CMSG_SPACE(sizeof(int) * 8)];
  memset(ctl, 0, sizeof ctl);
  struct iovec iov = { (void *)data, strlen(data) };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = CMSG_SPACE(sizeof(int) * nfds) };
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
  memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
  return sendmsg(s, &mh, 0);
}

/* Receive; returns the byte count and stores up to 8 descriptors. */
static int recv_fds(int s, char *buf, int len, int *fds, int *nfds, int ctlspace, int flags, int *mflags) {
  char ctl[256];
  struct iovec iov = { buf, len };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = ctlspace };
  int n = recvmsg(s, &mh, flags);
  *nfds = 0;
  if (mflags) *mflags = mh.msg_flags;
  if (n < 0) return n;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      memcpy(fds + *nfds, CMSG_DATA(c), k * sizeof(int));
      *nfds += k;
    }
  }
  return n;
}

static void test_pass_pipe(void) {
  int sv[2], p[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(pipe(p) == 0);
  CHECK(send_fds(sv[0], "pipe", &p[1], 1) == 4);
  close(p[1]); /* the message holds the write end now */
  char buf[16];
  int fds[8], nfds, mflags;
  int n = recv_fds(sv[1], buf, sizeof buf, fds, &nfds, sizeof(char[256]), 0, &mflags);
  printf("got %d bytes %.*s, %d fd, flags=%#x, new fd differs=%d\n", n, n, buf, nfds, mflags, nfds == 1 && fds[0] != p[1]);
  CHECK(nfds == 1);
  CHECK(write(fds[0], "through the passed fd", 21) == 21);
  close(fds[0]);
  n = read(p[0], buf, sizeof buf);
  printf("pipe read: %.*s\n", n, buf);
  n = read(p[0], buf, sizeof buf);
  printf("then more and EOF: %d\n", n > 0 && read(p[0], buf, sizeof buf) == 0);
  close(p[0]);
  close(sv[0]); close(sv[1]);
}

static void test_many_and_truncation(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
  int fds[3];
  for (int i = 0; i < 3; i++) fds[i] = open("/dev/null", O_RDONLY);
  CHECK(send_fds(sv[0], "three", fds, 3) == 5);
  char buf[16];
  int got[8], nfds, mflags;
  int n = recv_fds(sv[1], buf, sizeof buf, got, &nfds, CMSG_SPACE(sizeof(int) * 3), MSG_CMSG_CLOEXEC, &mflags);
  printf("three: n=%d nfds=%d flags=%#x cloexec=%d\n", n, nfds, mflags, nfds ? (fcntl(got[0], F_GETFD) & FD_CLOEXEC) != 0 : -1);
  struct stat a, b;
  fstat(fds[0], &a);
  fstat(got[0], &b);
  printf("same file: %d\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
  for (int i = 0; i < nfds; i++) close(got[i]);
  /* a control buffer with room for one descriptor */
  CHECK(send_fds(sv[0], "trunc", fds, 3) == 5);
  n = recv_fds(sv[1], buf, sizeof buf, got, &nfds, CMSG_SPACE(sizeof(int)), 0, &mflags);
  printf("truncated: n=%d nfds=%d ctrunc=%d\n", n, nfds, (mflags & MSG_CTRUNC) != 0);
  for (int i = 0; i < nfds; i++) close(got[i]);
  /* no control buffer at all: descriptors dropped */
  CHECK(send_fds(sv[0], "none", fds, 2) == 4);
  n = recv_fds(sv[1], buf, sizeof buf, got, &nfds, 0, 0, &mflags);
  printf("no control: n=%d nfds=%d ctrunc=%d\n", n, nfds, (mflags & MSG_CTRUNC) != 0);
  /* a bad descriptor in SCM_RIGHTS */
  int bad = 999;
  SHOW("bad fd in SCM_RIGHTS", send_fds(sv[0], "bad", &bad, 1));
  /* peek duplicates, the real receive still gets them */
  CHECK(send_fds(sv[0], "peek", fds, 1) == 4);
  n = recv_fds(sv[1], buf, sizeof buf, got, &nfds, sizeof(char[256]), MSG_PEEK, &mflags);
  printf("peek: n=%d nfds=%d\n", n, nfds);
  for (int i = 0; i < nfds; i++) close(got[i]);
  n = recv_fds(sv[1], buf, sizeof buf, got, &nfds, sizeof(char[256]), 0, &mflags);
  printf("after peek: n=%d nfds=%d\n", n, nfds);
  for (int i = 0; i < nfds; i++) close(got[i]);
  for (int i = 0; i < 3; i++) close(fds[i]);
  /* a socket passed over itself, then closed while in flight */
  CHECK(send_fds(sv[0], "self", &sv[0], 1) == 4);
  close(sv[1]);
  close(sv[0]);
  printf("closed with a socket in flight\n");
}

static void test_stream_boundary(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  int fd = open("/dev/null", O_RDONLY);
  CHECK(write(sv[0], "plain-", 6) == 6);
  CHECK(send_fds(sv[0], "withfd", &fd, 1) == 6);
  CHECK(write(sv[0], "-after", 6) == 6);
  char buf[64];
  int got[8], nfds, mflags;
  int n = recv_fds(sv[1], buf, sizeof buf, got, &nfds, sizeof(char[256]), 0, &mflags);
  printf("stream read 1: %.*s nfds=%d\n", n, buf, nfds);
  for (int i = 0; i < nfds; i++) close(got[i]);
  n = recv_fds(sv[1], buf, sizeof buf, got, &nfds, sizeof(char[256]), 0, &mflags);
  printf("stream read 2: %.*s nfds=%d\n", n, buf, nfds);
  close(fd);
  close(sv[0]); close(sv[1]);
}

static void test_credentials(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
  int on = 1;
  CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0);
  CHECK(send(sv[0], "c1", 2, 0) == 2);
  char buf[16], ctl[256];
  struct iovec iov = { buf, sizeof buf };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
  int n = recvmsg(sv[1], &mh, 0);
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  struct ucred uc;
  if (c) memcpy(&uc, CMSG_DATA(c), sizeof uc);
  printf("implicit creds: n=%d cmsg=%d type=%d len=%zu pid ok=%d uid ok=%d gid ok=%d\n", n, c != NULL, c ? c->cmsg_type : -1,
         c ? (size_t)c->cmsg_len : 0, c && uc.pid == getpid(), c && uc.uid == getuid(), c && uc.gid == getgid());
  /* explicit SCM_CREDENTIALS with our own ids */
  char sctl[CMSG_SPACE(sizeof(struct ucred))];
  struct iovec siov = { "c2", 2 };
  struct msghdr smh = { .msg_iov = &siov, .msg_iovlen = 1, .msg_control = sctl, .msg_controllen = sizeof sctl };
  struct cmsghdr *sc = CMSG_FIRSTHDR(&smh);
  sc->cmsg_level = SOL_SOCKET;
  sc->cmsg_type = SCM_CREDENTIALS;
  sc->cmsg_len = CMSG_LEN(sizeof(struct ucred));
  struct ucred mine = { getpid(), getuid(), getgid() };
  memcpy(CMSG_DATA(sc), &mine, sizeof mine);
  SHOW("sendmsg creds", sendmsg(sv[0], &smh, 0));
  mh.msg_controllen = sizeof ctl;
  n = recvmsg(sv[1], &mh, 0);
  c = CMSG_FIRSTHDR(&mh);
  if (c) memcpy(&uc, CMSG_DATA(c), sizeof uc);
  printf("explicit creds: n=%d pid ok=%d\n", n, c && uc.pid == getpid());
  /* without SO_PASSCRED on the receiver: no credentials */
  on = 0;
  CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0);
  CHECK(send(sv[0], "c3", 2, 0) == 2);
  mh.msg_controllen = sizeof ctl;
  n = recvmsg(sv[1], &mh, 0);
  printf("no passcred: n=%d controllen=%zu\n", n, (size_t)mh.msg_controllen);
  close(sv[0]); close(sv[1]);
}

static void test_iov_waitall_mmsg(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  struct iovec out[3] = { { "ab", 2 }, { "", 0 }, { "cdef", 4 } };
  struct msghdr mh = { .msg_iov = out, .msg_iovlen = 3 };
  SHOW("gather", sendmsg(sv[0], &mh, 0));
  char x[3], y[3];
  struct iovec in[2] = { { x, 3 }, { y, 3 } };
  struct msghdr rh = { .msg_iov = in, .msg_iovlen = 2 };
  int n = recvmsg(sv[1], &rh, MSG_WAITALL);
  printf("scatter: n=%d %.3s|%.3s\n", n, x, y);
  CHECK(write(sv[0], "12345678", 8) == 8);
  char buf[8];
  n = recv(sv[1], buf, 8, MSG_WAITALL);
  printf("waitall with everything there: %d\n", n);
  close(sv[0]); close(sv[1]);
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
  struct mmsghdr m[3];
  struct iovec mi[3] = { { "m1", 2 }, { "mm2", 3 }, { "mmm3", 4 } };
  memset(m, 0, sizeof m);
  for (int i = 0; i < 3; i++) { m[i].msg_hdr.msg_iov = &mi[i]; m[i].msg_hdr.msg_iovlen = 1; }
  SHOW("sendmmsg", sendmmsg(sv[0], m, 3, 0));
  printf("sent lens: %u %u %u\n", m[0].msg_len, m[1].msg_len, m[2].msg_len);
  char rb[3][8];
  struct iovec ri[3] = { { rb[0], 8 }, { rb[1], 8 }, { rb[2], 8 } };
  memset(m, 0, sizeof m);
  for (int i = 0; i < 3; i++) { m[i].msg_hdr.msg_iov = &ri[i]; m[i].msg_hdr.msg_iovlen = 1; }
  SHOW("recvmmsg", recvmmsg(sv[1], m, 3, MSG_DONTWAIT, NULL));
  printf("got: %.*s %.*s %.*s\n", m[0].msg_len, rb[0], m[1].msg_len, rb[1], m[2].msg_len, rb[2]);
  close(sv[0]); close(sv[1]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  test_pass_pipe();
  test_many_and_truncation();
  test_stream_boundary();
  test_credentials();
  test_iov_waitall_mmsg();
  printf("done\n");
  return 0;
}
