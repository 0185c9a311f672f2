/* dnotify (fcntl F_NOTIFY): a directory's changes signal its watcher: each
 * DN_ACCESS, DN_MODIFY, DN_CREATE, DN_DELETE, DN_RENAME and DN_ATTRIB event,
 * one-shot unless DN_MULTISHOT, cumulative across calls, SIGIO by default
 * (SI_KERNEL) or the F_SETSIG signal with si_fd and POLL_MSG. Counts the
 * signals each change brings (a real-time signal queues one per event). In
 * its own mkdtemp directory under /tmp. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t sigs, last_sig, last_fd, last_code, last_band;
static void on_sig(int s, siginfo_t *si, void *u) {
  (void)u;
  sigs++;
  last_sig = s;
  last_fd = si->si_fd;
  last_code = si->si_code;
  last_band = si->si_band;
}
static char dir[] = "/tmp/xos-dnotify-XXXXXX";
static char *at(const char *name) {
  static char buf[4][128];
  static int i;
  char *b = buf[i++ & 3];
  snprintf(b, sizeof buf[0], "%s/%s", dir, name);
  return b;
}
static int dfd;
static void seen(const char *what) {
  printf("%-40s %d signal(s)", what, (int)sigs);
  if (sigs) printf(", %s si_code %d%s", last_sig == SIGIO ? "SIGIO" : last_sig == SIGRTMIN ? "SIGRTMIN" : "other", (int)last_code,
                   last_sig == SIGRTMIN ? (last_fd == dfd ? " si_fd=dirfd" : " si_fd=other") : "");
  printf("\n");
  sigs = 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (!mkdtemp(dir)) return 1;
  struct sigaction sa = {0};
  sa.sa_sigaction = on_sig;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGIO, &sa, NULL);
  sigaction(SIGRTMIN, &sa, NULL);
  dfd = open(dir, O_RDONLY | O_DIRECTORY);

  int f = open(at("plain"), O_RDWR | O_CREAT, 0644);
  errno = 0;
  int nr = fcntl(f, F_NOTIFY, DN_CREATE);
  printf("F_NOTIFY on a file: %d %s\n", nr, errno == ENOTDIR ? "ENOTDIR" : strerror(errno));
  close(f);
  int op = open(dir, O_PATH);
  errno = 0;
  nr = fcntl(op, F_NOTIFY, DN_CREATE);
  printf("F_NOTIFY on an O_PATH descriptor: %d %s\n", nr, errno == EBADF ? "EBADF" : strerror(errno));
  close(op);

  /* one-shot, SIGIO */
  printf("F_NOTIFY DN_CREATE: %d\n", fcntl(dfd, F_NOTIFY, DN_CREATE));
  close(open(at("a"), O_WRONLY | O_CREAT, 0644));
  seen("create a (one-shot)");
  close(open(at("b"), O_WRONLY | O_CREAT, 0644));
  seen("create b (the watch is gone)");

  /* everything, many times, with a real-time signal */
  printf("F_SETSIG SIGRTMIN: %d\n", fcntl(dfd, F_SETSIG, SIGRTMIN));
  printf("F_NOTIFY DN_MODIFY|DN_MULTISHOT: %d\n", fcntl(dfd, F_NOTIFY, DN_MODIFY | DN_MULTISHOT));
  printf("F_NOTIFY DN_ACCESS|DN_CREATE|DN_DELETE|DN_RENAME|DN_ATTRIB (added): %d\n",
         fcntl(dfd, F_NOTIFY, DN_ACCESS | DN_CREATE | DN_DELETE | DN_RENAME | DN_ATTRIB | DN_MULTISHOT));
  f = open(at("c"), O_RDWR | O_CREAT, 0644);
  seen("create c");
  write(f, "hello", 5);
  seen("write c");
  char buf[8];
  pread(f, buf, sizeof buf, 0);
  seen("read c");
  ftruncate(f, 2);
  seen("ftruncate c");
  close(f);
  seen("close c");
  chmod(at("c"), 0600);
  seen("chmod c");
  rename(at("c"), at("d"));
  seen("rename c d");
  link(at("d"), at("e"));
  seen("link d e");
  symlink("d", at("s"));
  seen("symlink s");
  unlink(at("e"));
  seen("unlink e");
  mkdir(at("sub"), 0755);
  seen("mkdir sub");
  close(open(at("sub/deep"), O_WRONLY | O_CREAT, 0644));
  seen("create sub/deep (not a child)");
  rename(at("d"), at("sub/d"));
  seen("rename d sub/d (out of the dir)");
  rename(at("sub/d"), at("d"));
  seen("rename sub/d d (into the dir)");
  chmod(dir, 0700);
  seen("chmod the directory itself");

  /* only some events */
  printf("F_NOTIFY 0 (off): %d\n", fcntl(dfd, F_NOTIFY, 0));
  close(open(at("f"), O_WRONLY | O_CREAT, 0644));
  seen("create f (off)");
  printf("F_NOTIFY DN_DELETE|DN_MULTISHOT: %d\n", fcntl(dfd, F_NOTIFY, DN_DELETE | DN_MULTISHOT));
  close(open(at("g"), O_WRONLY | O_CREAT, 0644));
  seen("create g (not watched)");
  unlink(at("g"));
  seen("unlink g");
  unlink(at("f"));
  seen("unlink f");

  /* a child closing its copy leaves the registration; any close of a descriptor of it by this
     process ends it, even while another stays open */
  pid_t c = fork();
  if (c == 0) { close(dfd); _exit(0); }
  waitpid(c, NULL, 0);
  close(open(at("h"), O_WRONLY | O_CREAT, 0644));
  unlink(at("h"));
  seen("after a child closed its copy");
  int d2 = dup(dfd);
  close(d2);
  close(open(at("h"), O_WRONLY | O_CREAT, 0644));
  unlink(at("h"));
  seen("after closing a dup");
  close(dfd);

  unlink(at("sub/deep"));
  rmdir(at("sub"));
  unlink(at("s"));
  unlink(at("d"));
  unlink(at("a"));
  unlink(at("b"));
  unlink(at("plain"));
  rmdir(dir);
  return 0;
}
