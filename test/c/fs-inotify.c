// inotify: the events a directory watch and a file watch get for create,
// open, write, close, rename, chmod, read, unlink, mkdir/rmdir, truncation and
// a hard link; cookies pairing MOVED_FROM with MOVED_TO; IN_ONESHOT,
// IN_MASK_ADD, IN_IGNORED on removal; poll readiness, a read woken by a
// child's write, FIONREAD, and the errnos.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int in;
static int wds[8];
static const char *wname[8];
static int nw;
static char dir[64];

static void check(int ok, const char *what) { printf("%-52s %s\n", what, ok ? "ok" : "FAIL"); }

static const char *who(int wd) {
  for (int i = 0; i < nw; i++) if (wds[i] == wd) return wname[i];
  return "?";
}
static void addw(int wd, const char *name) { wds[nw] = wd; wname[nw++] = name; }

// Print every queued event, one per line, with the masks by name.
static void drain(const char *after) {
  static const struct { unsigned bit; const char *name; } names[] = {
    {IN_ACCESS, "ACCESS"}, {IN_MODIFY, "MODIFY"}, {IN_ATTRIB, "ATTRIB"}, {IN_CLOSE_WRITE, "CLOSE_WRITE"},
    {IN_CLOSE_NOWRITE, "CLOSE_NOWRITE"}, {IN_OPEN, "OPEN"}, {IN_MOVED_FROM, "MOVED_FROM"}, {IN_MOVED_TO, "MOVED_TO"},
    {IN_CREATE, "CREATE"}, {IN_DELETE, "DELETE"}, {IN_DELETE_SELF, "DELETE_SELF"}, {IN_MOVE_SELF, "MOVE_SELF"},
    {IN_IGNORED, "IGNORED"}, {IN_ISDIR, "ISDIR"}, {IN_Q_OVERFLOW, "OVERFLOW"},
  };
  static unsigned last_cookie;
  char buf[4096] __attribute__((aligned(8)));
  printf("%s:\n", after);
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n <= 0) break;
    for (char *p = buf; p < buf + n;) {
      struct inotify_event *e = (struct inotify_event *)p;
      printf("  %-5s", who(e->wd));
      for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) if (e->mask & names[i].bit) printf(" %s", names[i].name);
      if (e->len) printf(" '%s'", e->name);
      if (e->cookie) { printf(" cookie%s", e->cookie == last_cookie ? "=prev" : ""); last_cookie = e->cookie; }
      printf("\n");
      p += sizeof *e + e->len;
    }
  }
}

// Paths in the scratch directory (two buffers: link and rename take two).
static char pbuf[2][128];
static int pnext;
static const char *P(const char *name) {
  char *b = pbuf[pnext ^= 1];
  snprintf(b, sizeof pbuf[0], "%s/%s", dir, name);
  return b;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  strcpy(dir, "/tmp/xos-inotify-XXXXXX");
  if (!mkdtemp(dir)) return 1;
  in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  check(in >= 0, "inotify_init1");
  addw(inotify_add_watch(in, dir, IN_ALL_EVENTS), "dir");
  check(wds[0] > 0, "watch the directory");

  int fd = open(P("a"), O_CREAT | O_WRONLY, 0644);
  write(fd, "hello", 5);
  close(fd);
  drain("create, write, close a");

  mkdir(P("sub"), 0755);
  drain("mkdir sub");

  char to[128];
  snprintf(to, sizeof to, "%s/b", dir);
  rename(P("a"), to);
  drain("rename a b");

  chmod(P("b"), 0600);
  drain("chmod b");

  fd = open(P("b"), O_RDONLY);
  char c[8];
  read(fd, c, sizeof c);
  close(fd);
  drain("open, read, close b");

  truncate(P("b"), 2);
  drain("truncate b");

  link(P("b"), P("b2"));
  drain("link b b2");

  // a watch on the file itself
  addw(inotify_add_watch(in, P("b"), IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_CLOSE_WRITE), "b");
  int again = inotify_add_watch(in, P("b2"), IN_MOVE_SELF | IN_MASK_ADD);
  check(again == wds[1], "the same inode: the same watch descriptor");
  fd = open(P("b"), O_WRONLY | O_APPEND);
  write(fd, "xy", 2);
  close(fd);
  drain("append to b");
  unlink(P("b"));
  drain("unlink b (b2 remains)");
  rename(P("b2"), P("c"));
  drain("rename b2 c");
  unlink(P("c"));
  drain("unlink c");

  rmdir(P("sub"));
  drain("rmdir sub");

  // IN_ONESHOT
  fd = open(P("d"), O_CREAT | O_WRONLY, 0644);
  close(fd);
  drain("create d");
  addw(inotify_add_watch(in, P("d"), IN_ATTRIB | IN_ONESHOT), "d");
  chmod(P("d"), 0600);
  chmod(P("d"), 0644);
  drain("chmod d twice (oneshot)");

  // poll, FIONREAD, a read woken by a child
  struct pollfd pf = {.fd = in, .events = POLLIN};
  check(poll(&pf, 1, 0) == 0, "nothing queued: not readable");
  pid_t ch = fork();
  if (ch == 0) { usleep(30000); int f = open(P("d"), O_WRONLY); write(f, "z", 1); close(f); _exit(0); }
  check(poll(&pf, 1, 5000) == 1 && (pf.revents & POLLIN), "poll woken by a child's open");
  waitpid(ch, NULL, 0);
  int avail = 0;
  check(ioctl(in, FIONREAD, &avail) == 0 && avail >= (int)sizeof(struct inotify_event), "FIONREAD counts the queued bytes");
  char tiny[8];
  check(read(in, tiny, sizeof tiny) < 0 && errno == EINVAL, "a buffer too small for one event: EINVAL");
  drain("the child wrote d");
  unlink(P("d"));
  drain("unlink d");

  // errnos
  check(inotify_add_watch(in, P("none"), IN_MODIFY) < 0 && errno == ENOENT, "add_watch of a missing path: ENOENT");
  fd = open(P("e"), O_CREAT | O_WRONLY, 0644);
  close(fd);
  check(inotify_add_watch(in, P("e"), IN_MODIFY | IN_ONLYDIR) < 0 && errno == ENOTDIR, "IN_ONLYDIR on a file: ENOTDIR");
  check(inotify_add_watch(in, P("e"), 0) < 0 && errno == EINVAL, "no events in the mask: EINVAL");
  check(inotify_add_watch(1, P("e"), IN_MODIFY) < 0 && errno == EINVAL, "not an inotify fd: EINVAL");
  check(inotify_rm_watch(in, 9999) < 0 && errno == EINVAL, "rm_watch of an unknown wd: EINVAL");
  unlink(P("e"));
  drain("create and unlink e");
  check(inotify_rm_watch(in, wds[0]) == 0, "rm_watch of the directory");
  drain("rm_watch dir");
  rmdir(dir);
  return 0;
}
