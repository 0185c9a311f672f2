// Pseudo-terminals and job control: forkpty's child is a session leader with
// the slave as its controlling terminal; ^C, ^Z and ^\ written to the master
// signal its foreground process group; TIOCSWINSZ raises SIGWINCH; a
// background reader gets SIGTTIN (EIO when it ignores it); tcsetpgrp hands
// the terminal to another group; closing the master sends SIGHUP to the
// session leader and hangs the slave up. The child reports through a pipe,
// the parent prints; output must match natively.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int report_fd, cmd_fd;

static void report(const char *fmt, ...) {
  char b[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b, sizeof b - 1, fmt, ap);
  va_end(ap);
  b[n++] = '\n';
  write(report_fd, b, n);
}
static void on_signal(int sig) {
  const char *name = sig == SIGINT ? "SIGINT\n" : sig == SIGQUIT ? "SIGQUIT\n" : sig == SIGTSTP ? "SIGTSTP\n"
                   : sig == SIGWINCH ? "SIGWINCH\n" : sig == SIGHUP ? "SIGHUP\n" : "other\n";
  write(report_fd, name, strlen(name));
}

static void background_reader(int ignore_ttin) {
  pid_t g = fork();
  if (g == 0) {
    setpgid(0, 0);
    if (ignore_ttin) signal(SIGTTIN, SIG_IGN);
    char line[64];
    int r = read(0, line, sizeof line - 1);
    if (r < 0) report("grandchild: read: %s", strerror(errno));
    else { line[r] = 0; report("grandchild: read %d \"%.*s\"", r, r > 0 ? r - 1 : 0, line); }
    _exit(0);
  }
  setpgid(g, g);
  int st;
  if (ignore_ttin) {
    waitpid(g, &st, 0);
    return;
  }
  waitpid(g, &st, WUNTRACED);
  report("grandchild stopped: %d by SIGTTIN: %d", WIFSTOPPED(st), WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN);
  if (tcsetpgrp(0, g)) report("tcsetpgrp: %s", strerror(errno));
  report("grandchild in the foreground: %d", tcgetpgrp(0) == g);
  kill(g, SIGCONT);
  waitpid(g, &st, 0);
  report("grandchild exited: %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  int r = tcsetpgrp(0, getpgrp()); // from the background: SIGTTOU is ignored
  report("back in the foreground: %d %d", r, tcgetpgrp(0) == getpgrp());
}

// A background group with no parent outside it in the session: reading gets EIO, not SIGTTIN.
static void orphan_reader(void) {
  int go[2];
  pipe(go);
  pid_t g = fork();
  if (g == 0) {
    if (fork() == 0) {
      setpgid(0, 0);
      char c;
      read(go[0], &c, 1); // its parent has exited: the group is orphaned
      int r = read(0, &c, 1);
      report("orphaned reader: %d %s", r, r < 0 ? strerror(errno) : "");
      _exit(0);
    }
    _exit(0);
  }
  waitpid(g, NULL, 0);
  write(go[1], "g", 1);
  close(go[0]);
  close(go[1]);
}

static void child(void) {
  pid_t sid;
  ioctl(0, TIOCGSID, &sid);
  report("child: session leader %d, foreground %d, TIOCGSID %d, isatty %d", getsid(0) == getpid(),
         tcgetpgrp(0) == getpgrp(), sid == getpid(), isatty(0));
  report("%s", ttyname(0) ? ttyname(0) : "no ttyname");
  int t = open("/dev/tty", O_RDWR);
  struct stat st;
  report("/dev/tty: %d chr %d", t >= 0, t >= 0 && fstat(t, &st) == 0 && S_ISCHR(st.st_mode));
  if (t >= 0) close(t);
  report("TIOCSCTTY again: %d", ioctl(0, TIOCSCTTY, 0));
  {
    // /proc/self/stat: tty_nr is the terminal's device number, tpgid its foreground group
    char sb[512] = "";
    int fd = open("/proc/self/stat", O_RDONLY);
    int n = fd >= 0 ? read(fd, sb, sizeof sb - 1) : -1;
    if (fd >= 0) close(fd);
    long tty_nr = -1, tpgid = -2;
    char *p = n > 0 ? strrchr(sb, ')') : NULL;
    if (p) sscanf(p + 2, "%*c %*d %*d %*d %ld %ld", &tty_nr, &tpgid);
    fstat(0, &st);
    report("/proc/self/stat: tty_nr %d tpgid %d", tty_nr == (long)st.st_rdev, tpgid == tcgetpgrp(0));
  }
  report("errors: tcsetpgrp -1 %d, to the parent's group %d", tcsetpgrp(0, -1) < 0 ? errno : 0,
         tcsetpgrp(0, getpgid(getppid())) < 0 ? errno : 0);
  {
    int fd[2];
    pipe(fd);
    pid_t g = fork();
    if (g == 0) {
      // a member of the session, not its leader
      char st[64];
      snprintf(st, sizeof st, "%d %d", ioctl(0, TIOCSCTTY, 0) < 0 ? errno : 0, setsid() > 0 && ioctl(0, TIOCGPGRP, &g) < 0 ? errno : 0);
      write(fd[1], st, strlen(st) + 1);
      _exit(0);
    }
    char st[64] = "";
    read(fd[0], st, sizeof st);
    waitpid(g, NULL, 0);
    report("errors: TIOCSCTTY by a non-leader, TIOCGPGRP after setsid: %s", st);
    close(fd[0]);
    close(fd[1]);
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGWINCH, SIGHUP};
  for (int i = 0; i < 5; i++) sigaction(sigs[i], &sa, NULL);
  signal(SIGTTOU, SIG_IGN);
  report("ready");
  char c;
  while (read(cmd_fd, &c, 1) == 1) {
    if (c == 'w') {
      struct winsize ws;
      ioctl(0, TIOCGWINSZ, &ws);
      report("winsize %d x %d", ws.ws_row, ws.ws_col);
    } else if (c == 'b') {
      background_reader(0);
      background_reader(1);
      orphan_reader();
    } else if (c == 'h') {
      char b[8];
      int r = read(0, b, sizeof b);
      report("read after hangup: %d", r);
      r = write(1, "x", 1);
      report("write after hangup: %d %s", r, r < 0 ? strerror(errno) : "");
      r = tcgetpgrp(0);
      report("tcgetpgrp after hangup: %d %s", r, r < 0 ? strerror(errno) : "");
      _exit(7);
    }
  }
  _exit(1);
}

// One report line from the child.
static void expect(void) {
  char b[256];
  int n = 0;
  while (n < (int)sizeof b - 1 && read(report_fd, b + n, 1) == 1 && b[n] != '\n') n++;
  b[n] = 0;
  printf("  %s\n", b);
}
static void show_master(int m, const char *what) {
  char b[256];
  int n = 0;
  struct pollfd p = {m, POLLIN, 0};
  while (n < (int)sizeof b && poll(&p, 1, 150) == 1 && (p.revents & POLLIN)) {
    int r = read(m, b + n, sizeof b - n);
    if (r <= 0) break;
    n += r;
  }
  printf("%s: \"", what);
  for (int i = 0; i < n; i++) {
    if (b[i] == '\r') printf("\\r");
    else if (b[i] == '\n') printf("\\n");
    else putchar(b[i]);
  }
  printf("\"\n");
}
static void cmd(int fd, char c) { write(fd, &c, 1); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int rep[2], cmds[2];
  if (pipe(rep) || pipe(cmds)) return 1;
  int m;
  char name[64];
  struct winsize ws = {24, 80, 0, 0};
  pid_t pid = forkpty(&m, name, NULL, &ws);
  if (pid < 0) { perror("forkpty"); return 1; }
  if (pid == 0) {
    report_fd = rep[1];
    cmd_fd = cmds[0];
    close(rep[0]);
    close(cmds[1]);
    child();
  }
  close(rep[1]);
  close(cmds[0]);
  report_fd = rep[0];
  int c = cmds[1];
  expect();
  char b[256];
  int n = 0;
  while (n < (int)sizeof b - 1 && read(report_fd, b + n, 1) == 1 && b[n] != '\n') n++;
  b[n] = 0;
  printf("  child's ttyname is the forkpty name: %d\n", strcmp(b, name) == 0);
  expect();
  expect();
  expect(); // /proc/self/stat
  expect(); // errors
  expect(); // errors
  expect(); // ready
  printf("master: tcgetpgrp is the child: %d\n", tcgetpgrp(m) == pid);
  pid_t sid = 0;
  ioctl(m, TIOCGSID, &sid);
  printf("master: TIOCGSID is the child: %d\n", sid == pid);

  write(m, "\x03", 1);
  expect();
  show_master(m, "echo of ^C");
  write(m, "\x1c", 1);
  expect();
  show_master(m, "echo of ^\\");
  write(m, "\x1a", 1);
  expect();
  show_master(m, "echo of ^Z");

  struct winsize w2 = {50, 132, 0, 0};
  ioctl(m, TIOCSWINSZ, &w2);
  expect();
  cmd(c, 'w');
  expect();
  ioctl(m, TIOCSWINSZ, &w2); // the same size: no SIGWINCH
  cmd(c, 'w');
  expect();

  cmd(c, 'b');
  expect(); // stopped by SIGTTIN
  expect(); // in the foreground
  write(m, "fg line\n", 8);
  expect(); // grandchild read
  expect(); // exited
  expect(); // back
  expect(); // ignored SIGTTIN: EIO
  expect(); // orphaned: EIO
  show_master(m, "echo of the grandchild's line");

  close(m);
  expect(); // SIGHUP
  cmd(c, 'h');
  expect();
  expect();
  expect();
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
