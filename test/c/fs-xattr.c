/* Extended attributes: user.*, trusted.* and security.* on a tmpfs (natively
 * /dev/shm; under xos its /dev/shm and an image's overlay), with Linux's
 * rules: name and value limits (ERANGE, E2BIG), XATTR_CREATE/REPLACE,
 * ENODATA, ERANGE for a short buffer and size 0 asking for the size, the
 * NUL-separated list, user.* only on regular files and directories and
 * needing permission, trusted.* only for CAP_SYS_ADMIN (hidden from others'
 * lists), unknown namespaces, the l- and f- forms, IN_ATTRIB.
 *
 * fs-xattr DIR seed   makes DIR/seed/{file,dir,link,fifo} (an image's lower layer)
 * fs-xattr DIR test   the checks, on DIR/seed and on files it makes in DIR
 * fs-xattr DIR all    both
 * Runs as root; DIR must be searchable by others (the checks as nobody). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static char dir[512];
static char *at(const char *name) {
  static char buf[4][600];
  static int i;
  char *b = buf[i++ & 3];
  snprintf(b, sizeof buf[0], "%s/%s", dir, name);
  return b;
}
static const char *err(long r) {
  if (r >= 0) return "ok";
  switch (errno) {
  case ENODATA: return "ENODATA";
  case ERANGE: return "ERANGE";
  case E2BIG: return "E2BIG";
  case EEXIST: return "EEXIST";
  case EINVAL: return "EINVAL";
  case EPERM: return "EPERM";
  case EACCES: return "EACCES";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  case ENOENT: return "ENOENT";
  case EBADF: return "EBADF";
  case EROFS: return "EROFS";
  case ENOSPC: return "ENOSPC";
  case EFAULT: return "EFAULT";
  default: { static char o[32]; snprintf(o, sizeof o, "errno %d", errno); return o; }
  }
}
#define SHOW(what, call) do { errno = 0; long r_ = (call); printf("%-44s %ld %s\n", what, r_ < 0 ? -1L : r_, err(r_)); } while (0)

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
/* The list, sorted (the order is the file system's own). */
static void show_list(const char *what, long n, const char *buf) {
  if (n < 0) { printf("%-44s -1 %s\n", what, err(n)); return; }
  const char *names[64];
  int k = 0;
  for (long i = 0; i < n && k < 64; i += strlen(buf + i) + 1) names[k++] = buf + i;
  qsort(names, k, sizeof *names, cmp);
  printf("%-44s %ld [", what, n);
  for (int i = 0; i < k; i++) printf("%s%s", i ? " " : "", names[i]);
  printf("]%s\n", n > 0 && buf[n - 1] != 0 ? " (not NUL-terminated)" : "");
}
static void list(const char *what, const char *path) {
  char buf[4096];
  errno = 0;
  long n = listxattr(path, buf, sizeof buf);
  show_list(what, n, buf);
}
static void get(const char *what, const char *path, const char *name) {
  char buf[256];
  errno = 0;
  long n = getxattr(path, name, buf, sizeof buf - 1);
  if (n < 0) { printf("%-44s -1 %s\n", what, err(n)); return; }
  buf[n] = 0;
  printf("%-44s %ld \"%s\"\n", what, n, buf);
}

static void seed(void) {
  mkdir(at("seed"), 0755);
  int fd = open(at("seed/file"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, "lower data\n", 11) != 11) { perror("seed"); exit(1); }
  close(fd);
  mkdir(at("seed/dir"), 0755);
  symlink("file", at("seed/link"));
  mkfifo(at("seed/fifo"), 0644);
}

static void basics(const char *path) {
  char f[600], big[70000];
  snprintf(f, sizeof f, "%s", path);
  memset(big, 'v', sizeof big);
  get("get user.missing", f, "user.missing");
  SHOW("list size 0 (none)", listxattr(f, NULL, 0));
  SHOW("set user.a", setxattr(f, "user.a", "hello", 5, 0));
  SHOW("get user.a size 0", getxattr(f, "user.a", NULL, 0));
  { char b[3]; SHOW("get user.a into 3 bytes", getxattr(f, "user.a", b, 3)); }
  get("get user.a", f, "user.a");
  SHOW("set user.a XATTR_CREATE", setxattr(f, "user.a", "x", 1, XATTR_CREATE));
  SHOW("set user.b XATTR_REPLACE", setxattr(f, "user.b", "x", 1, XATTR_REPLACE));
  SHOW("set user.a XATTR_REPLACE", setxattr(f, "user.a", "world!", 6, XATTR_REPLACE));
  get("get user.a", f, "user.a");
  SHOW("set user.b XATTR_CREATE", setxattr(f, "user.b", "bee", 3, XATTR_CREATE));
  SHOW("set flags 4", setxattr(f, "user.c", "x", 1, 4));
  SHOW("set CREATE|REPLACE", setxattr(f, "user.c", "x", 1, XATTR_CREATE | XATTR_REPLACE));
  SHOW("set user.empty (size 0)", setxattr(f, "user.empty", "", 0, 0));
  get("get user.empty", f, "user.empty");
  /* names: 255 bytes is the most */
  char name[300];
  memset(name, 'n', sizeof name);
  memcpy(name, "user.", 5);
  name[255] = 0;
  SHOW("set a 255-byte name", setxattr(f, name, "x", 1, 0));
  SHOW("get a 255-byte name", getxattr(f, name, NULL, 0));
  SHOW("remove a 255-byte name", removexattr(f, name));
  name[255] = 'n'; name[256] = 0;
  SHOW("set a 256-byte name", setxattr(f, name, "x", 1, 0));
  SHOW("get a 256-byte name", getxattr(f, name, NULL, 0));
  SHOW("remove a 256-byte name", removexattr(f, name));
  SHOW("set an empty name", setxattr(f, "", "x", 1, 0));
  SHOW("get an empty name", getxattr(f, "", NULL, 0));
  SHOW("set a 256-byte name on a missing file", setxattr(at("nowhere"), name, "x", 1, 0));
  SHOW("set on a missing file", setxattr(at("nowhere"), "user.a", "x", 1, 0));
  SHOW("get on a missing file", getxattr(at("nowhere"), "user.a", NULL, 0));
  SHOW("list a missing file", listxattr(at("nowhere"), NULL, 0));
  /* values: 64 KiB is the most */
  SHOW("set a 65536-byte value", setxattr(f, "user.big", big, 65536, 0));
  SHOW("get it, size 0", getxattr(f, "user.big", NULL, 0));
  SHOW("get it into 70000 bytes", getxattr(f, "user.big", big, sizeof big));
  SHOW("get it into 65535 bytes", getxattr(f, "user.big", big, 65535));
  SHOW("set a 65537-byte value", setxattr(f, "user.big2", big, 65537, 0));
  SHOW("set a 65537-byte value on a missing file", setxattr(at("nowhere"), "user.big2", big, 65537, 0));
  SHOW("remove user.big", removexattr(f, "user.big"));
  /* namespaces */
  SHOW("set foo.bar", setxattr(f, "foo.bar", "x", 1, 0));
  SHOW("get foo.bar", getxattr(f, "foo.bar", NULL, 0));
  SHOW("remove foo.bar", removexattr(f, "foo.bar"));
  SHOW("set nodot", setxattr(f, "nodot", "x", 1, 0));
  SHOW("set user. (empty suffix)", setxattr(f, "user.", "x", 1, 0));
  SHOW("get user. (empty suffix)", getxattr(f, "user.", NULL, 0));
  SHOW("set trusted.t", setxattr(f, "trusted.t", "tee", 3, 0));
  SHOW("set security.s", setxattr(f, "security.s", "ess", 3, 0));
  get("get trusted.t", f, "trusted.t");
  get("get security.s", f, "security.s");
  list("list", f);
  SHOW("list size 0", listxattr(f, NULL, 0));
  { char b[8]; SHOW("list into 8 bytes", listxattr(f, b, sizeof b)); }
  SHOW("remove user.b", removexattr(f, "user.b"));
  SHOW("remove user.b again", removexattr(f, "user.b"));
  SHOW("remove trusted.nothing", removexattr(f, "trusted.nothing"));
  list("list", f);
}

static void kinds(void) {
  /* a directory (of the lower layer, in an image) */
  SHOW("dir: set user.d", setxattr(at("seed/dir"), "user.d", "dee", 3, 0));
  get("dir: get user.d", at("seed/dir"), "user.d");
  list("dir: list", at("seed/dir"));
  /* a symlink: user.* only on regular files and directories */
  SHOW("link: lset user.l", lsetxattr(at("seed/link"), "user.l", "x", 1, 0));
  SHOW("link: lget user.l", lgetxattr(at("seed/link"), "user.l", NULL, 0));
  SHOW("link: lset trusted.l", lsetxattr(at("seed/link"), "trusted.l", "ell", 3, 0));
  { char b[64]; errno = 0; long n = llistxattr(at("seed/link"), b, sizeof b); show_list("link: llist", n, b); }
  SHOW("link: set user.y (follows)", setxattr(at("seed/link"), "user.y", "why", 3, 0));
  SHOW("link: lget user.y", lgetxattr(at("seed/link"), "user.y", NULL, 0));
  get("link: get user.y (follows)", at("seed/link"), "user.y");
  SHOW("link: lremove trusted.l", lremovexattr(at("seed/link"), "trusted.l"));
  SHOW("link: lremove user.y", lremovexattr(at("seed/link"), "user.y"));
  SHOW("link: remove user.y (follows)", removexattr(at("seed/link"), "user.y"));
  /* a named pipe */
  SHOW("fifo: set user.p", setxattr(at("seed/fifo"), "user.p", "x", 1, 0));
  SHOW("fifo: get user.p", getxattr(at("seed/fifo"), "user.p", NULL, 0));
  SHOW("fifo: set trusted.p", setxattr(at("seed/fifo"), "trusted.p", "pee", 3, 0));
  get("fifo: get trusted.p", at("seed/fifo"), "trusted.p");
  /* the lower file's data is still there after its attributes changed (copy-up in an image) */
  char data[32] = {0};
  int fd = open(at("seed/file"), O_RDONLY);
  read(fd, data, sizeof data - 1);
  close(fd);
  printf("file data: %s", data);
}

static void by_fd(void) {
  int fd = open(at("new"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  SHOW("fset user.f", fsetxattr(fd, "user.f", "eff", 3, 0));
  { char b[16] = {0}; SHOW("fget user.f", fgetxattr(fd, "user.f", b, sizeof b)); printf("  = %s\n", b); }
  { char b[64]; errno = 0; long n = flistxattr(fd, b, sizeof b); show_list("flist", n, b); }
  SHOW("fremove user.f", fremovexattr(fd, "user.f"));
  SHOW("fremove user.f again", fremovexattr(fd, "user.f"));
  SHOW("fget on fd -1", fgetxattr(-1, "user.f", NULL, 0));
  SHOW("fset on a read-only fd", ({ int r = open(at("new"), O_RDONLY); long x = fsetxattr(r, "user.ro", "x", 1, 0); close(r); x; }));
  SHOW("fget on an O_PATH fd", ({ int r = open(at("new"), O_PATH); long x = fgetxattr(r, "user.f", NULL, 0); close(r); x; }));
  SHOW("flist on an O_PATH fd", ({ int r = open(at("new"), O_PATH); long x = flistxattr(r, NULL, 0); close(r); x; }));
  SHOW("list /proc/self/status (keeps none)", listxattr("/proc/self/status", NULL, 0));
  SHOW("get user.a of /proc/self/status", getxattr("/proc/self/status", "user.a", NULL, 0));
  int p[2];
  pipe(p);
  SHOW("fset user.x on a pipe", fsetxattr(p[0], "user.x", "x", 1, 0));
  SHOW("fget user.x on a pipe", fgetxattr(p[0], "user.x", NULL, 0));
  close(p[0]);
  close(p[1]);
  /* an unlinked file keeps its attributes */
  SHOW("fset user.g", fsetxattr(fd, "user.g", "gee", 3, 0));
  unlink(at("new"));
  SHOW("fget user.g after unlink", fgetxattr(fd, "user.g", NULL, 0));
  close(fd);
  /* IN_ATTRIB */
  fd = open(at("watched"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  int in = inotify_init1(IN_NONBLOCK);
  inotify_add_watch(in, at("watched"), IN_ATTRIB | IN_MODIFY);
  fsetxattr(fd, "user.w", "x", 1, 0);
  removexattr(at("watched"), "user.w");
  removexattr(at("watched"), "user.w"); /* ENODATA: no event */
  char ev[256];
  long n = read(in, ev, sizeof ev);
  int count = 0, attrib = 0;
  for (long i = 0; i < n;) {
    struct inotify_event *e = (struct inotify_event *)(ev + i);
    count++;
    if (e->mask & IN_ATTRIB) attrib++;
    i += sizeof *e + e->len;
  }
  printf("inotify: %d events, %d IN_ATTRIB\n", count, attrib);
  close(in);
  close(fd);
  unlink(at("watched"));
}

/* As nobody: permission decides user.*, CAP_SYS_ADMIN trusted.* and writing security.*. */
static void as_nobody(void) {
  int fd = open(at("root-644"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  fsetxattr(fd, "user.r", "are", 3, 0);
  fsetxattr(fd, "trusted.r", "x", 1, 0);
  fsetxattr(fd, "security.r", "sec", 3, 0);
  close(fd);
  fd = open(at("root-600"), O_RDWR | O_CREAT | O_TRUNC, 0600);
  fsetxattr(fd, "user.r", "x", 1, 0);
  close(fd);
  mkdir(at("sticky"), 01777);
  chmod(at("sticky"), 01777);
  setxattr(at("sticky"), "user.s", "x", 1, 0);
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    if (setgid(65534) || setuid(65534)) { perror("setuid"); _exit(1); }
    get("nobody: get user.r (0644)", at("root-644"), "user.r");
    SHOW("nobody: set user.r (0644)", setxattr(at("root-644"), "user.r", "x", 1, 0));
    SHOW("nobody: remove user.r (0644)", removexattr(at("root-644"), "user.r"));
    SHOW("nobody: get user.r (0600)", getxattr(at("root-600"), "user.r", NULL, 0));
    SHOW("nobody: get trusted.r", getxattr(at("root-644"), "trusted.r", NULL, 0));
    SHOW("nobody: set trusted.n", setxattr(at("root-644"), "trusted.n", "x", 1, 0));
    SHOW("nobody: remove trusted.r", removexattr(at("root-644"), "trusted.r"));
    get("nobody: get security.r", at("root-644"), "security.r");
    SHOW("nobody: set security.n", setxattr(at("root-644"), "security.n", "x", 1, 0));
    SHOW("nobody: remove security.r", removexattr(at("root-644"), "security.r"));
    list("nobody: list (no trusted.*)", at("root-644"));
    SHOW("nobody: list (0600)", listxattr(at("root-600"), NULL, 0));
    SHOW("nobody: set user.s on a sticky dir", setxattr(at("sticky"), "user.s", "x", 1, 0));
    SHOW("nobody: get user.s on a sticky dir", getxattr(at("sticky"), "user.s", NULL, 0));
    int m = open(at("sticky/mine"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    SHOW("nobody: fset user.m on its own file", fsetxattr(m, "user.m", "x", 1, 0));
    SHOW("nobody: fset trusted.m on its own file", fsetxattr(m, "trusted.m", "x", 1, 0));
    close(m);
    unlink(at("sticky/mine"));
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  printf("nobody's checks: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  list("root: list (0644)", at("root-644"));
  unlink(at("root-644"));
  unlink(at("root-600"));
  rmdir(at("sticky"));
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 3) { fprintf(stderr, "usage: fs-xattr DIR seed|test|all\n"); return 2; }
  snprintf(dir, sizeof dir, "%s", argv[1]);
  if (strcmp(argv[2], "test")) seed();
  if (!strcmp(argv[2], "seed")) return 0;
  struct statfs sf;
  if (statfs(dir, &sf) || (sf.f_type != 0x01021994 /* tmpfs */ && sf.f_type != 0x794c7630 /* overlay */)) {
    printf("%s is neither a tmpfs nor an overlay\n", dir);
    return 1;
  }
  basics(at("seed/file"));
  kinds();
  by_fd();
  as_nobody();
  return 0;
}
