// Pseudo-terminals: the master/slave pair and the line discipline.
// posix_openpt/grantpt/unlockpt/ptsname, openpty, canonical editing (erase,
// kill, word erase, EOF), echo as the master sees it, ONLCR, input CR/NL
// mapping, raw mode with VMIN/VTIME, FIONREAD, TCFLSH, poll on both ends,
// EIO on the master after the slave closes, a hung-up slave after the master
// closes. Output must match natively (run as root).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, const char *b, int n) {
  printf("%s [%d] \"", what, n);
  for (int i = 0; i < n; i++) {
    unsigned char c = b[i];
    if (c == '\n') printf("\\n");
    else if (c == '\r') printf("\\r");
    else if (c == '\b') printf("\\b");
    else if (c < 32 || c >= 127) printf("\\x%02x", c);
    else putchar(c);
  }
  printf("\"\n");
}

// Everything the fd has to read, until nothing more comes for a while (a pty
// delivers asynchronously on Linux).
static int drain(int fd, char *buf, int max) {
  int n = 0;
  struct pollfd p = {fd, POLLIN, 0};
  while (n < max && poll(&p, 1, 150) == 1 && (p.revents & POLLIN)) {
    int r = read(fd, buf + n, max - n);
    if (r <= 0) break;
    n += r;
  }
  return n;
}
static void echoed(int m, const char *what) {
  char b[512];
  show(what, b, drain(m, b, sizeof b));
}
static void put(int m, const char *s) {
  if (write(m, s, strlen(s)) != (ssize_t)strlen(s)) printf("short write\n");
}
static void slave_read(int s, const char *what, int max) {
  char b[512];
  int r = read(s, b, max);
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else show(what, b, r);
}
static int pollmask(int fd, int ms) {
  struct pollfd p = {fd, POLLIN | POLLOUT, 0};
  int r = poll(&p, 1, ms);
  return r < 0 ? -errno : p.revents;
}
static void setlflag(int s, tcflag_t on, tcflag_t off) {
  struct termios t;
  tcgetattr(s, &t);
  t.c_lflag = (t.c_lflag | on) & ~off;
  tcsetattr(s, TCSANOW, &t);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  // --- posix_openpt and friends ---
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0) { perror("posix_openpt"); return 1; }
  printf("isatty(master) %d\n", isatty(m));
  printf("grantpt %d unlockpt %d\n", grantpt(m), unlockpt(m));
  char name[64];
  if (ptsname_r(m, name, sizeof name)) { perror("ptsname_r"); return 1; }
  printf("ptsname under /dev/pts/: %d\n", strncmp(name, "/dev/pts/", 9) == 0);
  unsigned ptn = 99;
  ioctl(m, TIOCGPTN, &ptn);
  printf("TIOCGPTN matches: %d\n", atoi(name + 9) == (int)ptn);
  struct stat st;
  if (stat(name, &st)) { perror("stat"); return 1; }
  printf("slave: chr %d major in 136..143 %d minor ok %d uid %d\n", S_ISCHR(st.st_mode),
         major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143, minor(st.st_rdev) == ptn % 256, (int)st.st_uid);
  int s = open(name, O_RDWR | O_NOCTTY);
  if (s < 0) { perror("open slave"); return 1; }
  DIR *d = opendir("/dev/pts");
  int seen_ptmx = 0, seen_slave = 0;
  for (struct dirent *de; d && (de = readdir(d));) {
    if (strcmp(de->d_name, "ptmx") == 0) seen_ptmx = de->d_type == DT_CHR;
    if (strcmp(de->d_name, name + 9) == 0) seen_slave = de->d_type == DT_CHR;
  }
  if (d) closedir(d);
  printf("/dev/pts lists ptmx %d and the slave %d\n", seen_ptmx, seen_slave);
  // in a child: not a session leader (under xos the first process is one)
  pid_t kid = fork();
  if (kid == 0) {
    printf("errors: TCGETS to a bad address %d, TIOCGPTN on the slave %d, TIOCSCTTY on a non-leader %d\n",
           ioctl(s, TCGETS, (void *)8) < 0 ? errno : 0, ioctl(s, TIOCGPTN, &ptn) < 0 ? errno : 0,
           ioctl(s, TIOCSCTTY, 0) < 0 ? errno : 0);
    printf("errors: tcsetpgrp without a session %d, TIOCNOTTY %d, TCFLSH 7 %d\n",
           tcsetpgrp(s, getpgrp()) < 0 ? errno : 0, ioctl(s, TIOCNOTTY) < 0 ? errno : 0, ioctl(s, TCFLSH, 7) < 0 ? errno : 0);
    _exit(0);
  }
  waitpid(kid, NULL, 0);
  kid = fork();
  if (kid == 0) {
    // the slave belongs to the user who opened the master
    if (setgid(1000) || setuid(1000)) _exit(1);
    int um = posix_openpt(O_RDWR | O_NOCTTY);
    char un[64];
    struct stat ust;
    if (um < 0 || ptsname_r(um, un, sizeof un) || stat(un, &ust)) _exit(2);
    int other = open(name, O_RDWR | O_NOCTTY);
    int oerr = errno;
    int ul = unlockpt(um);
    int own = open(un, O_RDWR | O_NOCTTY);
    printf("as uid 1000: slave uid %d, unlockpt %d, open %d; root's slave: %d %d\n", (int)ust.st_uid, ul, own >= 0,
           other, other < 0 ? oerr : 0);
    _exit(0);
  }
  int kst;
  waitpid(kid, &kst, 0);
  if (!WIFEXITED(kst) || WEXITSTATUS(kst)) printf("uid 1000 child failed: %#x\n", kst);
  {
    int locked_m = posix_openpt(O_RDWR | O_NOCTTY);
    char n2[64];
    ptsname_r(locked_m, n2, sizeof n2);
    int r = open(n2, O_RDWR | O_NOCTTY);
    printf("opening a locked slave: %d %d\n", r, r < 0 ? errno : 0);
    close(locked_m);
  }
  struct stat fs1, fs2;
  fstat(s, &fs1);
  stat(name, &fs2);
  printf("fstat(slave) is the node: %d\n", fs1.st_ino == fs2.st_ino && fs1.st_dev == fs2.st_dev && fs1.st_rdev == fs2.st_rdev);
  char *tn = ttyname(s);
  printf("ttyname(slave) = ptsname: %d\n", tn && strcmp(tn, name) == 0);
  struct winsize ws;
  ioctl(s, TIOCGWINSZ, &ws);
  printf("winsize %d x %d\n", ws.ws_row, ws.ws_col);
  struct termios t;
  tcgetattr(s, &t);
  printf("termios iflag %#x oflag %#x cflag %#x lflag %#x VINTR %d VERASE %d VKILL %d VEOF %d VMIN %d\n", t.c_iflag,
         t.c_oflag, t.c_cflag, t.c_lflag, t.c_cc[VINTR], t.c_cc[VERASE], t.c_cc[VKILL], t.c_cc[VEOF], t.c_cc[VMIN]);
  struct termios tm;
  tcgetattr(m, &tm);
  printf("master's tcgetattr is the slave's: %d\n", memcmp(&t, &tm, sizeof t) == 0);
  errno = 0;
  int pg = tcgetpgrp(s);
  printf("tcgetpgrp(slave) without a session: %d %s\n", pg, strerror(errno));
  printf("poll before input: master %#x slave %#x\n", pollmask(m, 0), pollmask(s, 0));

  // --- canonical mode: editing and echo ---
  put(m, "helo\x7fl wrld\x17world\n");
  echoed(m, "echo erase/werase");
  printf("poll slave with a line: %#x\n", pollmask(s, 1000));
  int avail = -1;
  ioctl(s, FIONREAD, &avail);
  printf("FIONREAD %d\n", avail);
  slave_read(s, "line", 100);
  put(m, "junk\x15good\r");
  echoed(m, "echo kill, CR");
  slave_read(s, "line", 100);
  put(m, "a\x03");
  echoed(m, "echo ^C without a foreground group");
  put(m, "\x01\x1b[A\n");
  echoed(m, "echo ECHOCTL");
  slave_read(s, "line", 100);
  put(m, "abcdef\n");
  echoed(m, "echo");
  slave_read(s, "short read", 3);
  slave_read(s, "rest", 100);
  put(m, "tail\x04");
  echoed(m, "echo EOF");
  slave_read(s, "EOF-terminated", 100);
  put(m, "\x04");
  slave_read(s, "EOF alone", 100);
  put(m, "x\x16\x7f\n"); // ^V: literal next
  echoed(m, "echo LNEXT");
  slave_read(s, "literal", 100);

  // ECHOE off, ECHOK/ECHOKE variations
  setlflag(s, 0, ECHOE);
  put(m, "ab\x7f\n");
  echoed(m, "echo erase without ECHOE");
  slave_read(s, "line", 100);
  setlflag(s, ECHOE, ECHOKE);
  put(m, "abc\x15xy\n");
  echoed(m, "echo kill without ECHOKE");
  slave_read(s, "line", 100);
  setlflag(s, ECHOKE, ECHO);
  put(m, "secret\n");
  echoed(m, "echo off");
  slave_read(s, "line", 100);
  setlflag(s, ECHONL, 0);
  put(m, "nl\n");
  echoed(m, "echo off, ECHONL");
  slave_read(s, "line", 100);
  setlflag(s, ECHO, ECHONL);

  // input mapping
  tcgetattr(s, &t);
  t.c_iflag = (t.c_iflag & ~ICRNL) | IGNCR;
  tcsetattr(s, TCSANOW, &t);
  put(m, "ig\rnored\n");
  echoed(m, "echo IGNCR");
  slave_read(s, "line", 100);
  t.c_iflag = (t.c_iflag & ~IGNCR) | INLCR;
  tcsetattr(s, TCSANOW, &t);
  put(m, "x\n\r");
  echoed(m, "echo INLCR");
  t.c_iflag = (t.c_iflag & ~INLCR) | ICRNL;
  tcsetattr(s, TCSANOW, &t);

  // --- output processing ---
  tcflush(s, TCIOFLUSH);
  write(s, "one\ntwo\n", 8);
  echoed(m, "slave output ONLCR");
  tcgetattr(s, &t);
  t.c_oflag &= ~ONLCR;
  tcsetattr(s, TCSANOW, &t);
  write(s, "one\ntwo\n", 8);
  echoed(m, "slave output without ONLCR");
  t.c_oflag |= ONLCR | OCRNL;
  tcsetattr(s, TCSANOW, &t);
  write(s, "a\rb\n", 4);
  echoed(m, "slave output OCRNL");
  t.c_oflag &= ~OPOST;
  tcsetattr(s, TCSANOW, &t);
  write(s, "raw\n", 4);
  echoed(m, "slave output without OPOST");
  t.c_oflag |= OPOST;
  t.c_oflag &= ~OCRNL;
  tcsetattr(s, TCSANOW, &t);

  // --- raw mode: VMIN/VTIME ---
  put(m, "pending");
  echoed(m, "echo pending");
  cfmakeraw(&t);
  t.c_cc[VMIN] = 3;
  t.c_cc[VTIME] = 0;
  tcsetattr(s, TCSANOW, &t);
  echoed(m, "no echo in raw mode");
  slave_read(s, "raw: the unfinished line is readable", 100);
  put(m, "\x03\x7f" "12");
  echoed(m, "raw echo");
  slave_read(s, "VMIN 3", 100);
  put(m, "xy");
  usleep(100000);
  printf("poll slave with 2 of VMIN 3: %#x\n", pollmask(s, 0));
  t.c_cc[VMIN] = 0;
  t.c_cc[VTIME] = 0;
  tcsetattr(s, TCSANOW, &t);
  slave_read(s, "VMIN 0 VTIME 0", 100);
  slave_read(s, "VMIN 0 VTIME 0, empty", 100);
  t.c_cc[VTIME] = 2;
  tcsetattr(s, TCSANOW, &t);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  slave_read(s, "VMIN 0 VTIME 2 (times out)", 100);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
  printf("waited about 200ms: %d\n", ms >= 150 && ms < 2000);
  t.c_cc[VMIN] = 5;
  t.c_cc[VTIME] = 2;
  tcsetattr(s, TCSANOW, &t);
  put(m, "abc");
  clock_gettime(CLOCK_MONOTONIC, &a);
  slave_read(s, "VMIN 5 VTIME 2 (inter-byte timer)", 100);
  clock_gettime(CLOCK_MONOTONIC, &b);
  ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
  printf("waited about 200ms: %d\n", ms >= 150 && ms < 2000);
  int fl = fcntl(s, F_GETFL);
  fcntl(s, F_SETFL, fl | O_NONBLOCK);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  tcsetattr(s, TCSANOW, &t);
  slave_read(s, "nonblocking, empty", 100);
  fcntl(s, F_SETFL, fl);
  put(m, "flushed");
  pollmask(s, 1000);
  tcflush(s, TCIFLUSH);
  printf("poll slave after TCIFLUSH: %#x\n", pollmask(s, 0));
  t.c_lflag |= ICANON | ECHO;
  tcsetattr(s, TCSAFLUSH, &t);

  // --- hangups ---
  close(s);
  printf("poll master after the slave closed: %#x\n", pollmask(m, 0));
  char buf[16];
  int r = read(m, buf, sizeof buf);
  printf("master read: %d %s\n", r, r < 0 ? strerror(errno) : "");
  s = open(name, O_RDWR | O_NOCTTY);
  printf("slave reopened: %d\n", s >= 0);
  printf("poll master: %#x\n", pollmask(m, 0));
  close(m);
  printf("poll slave after the master closed: %#x\n", pollmask(s, 0));
  r = read(s, buf, sizeof buf);
  printf("slave read: %d %s\n", r, r < 0 ? strerror(errno) : "");
  r = write(s, "x", 1);
  printf("slave write: %d %s\n", r, r < 0 ? strerror(errno) : "");
  r = tcgetattr(s, &t);
  printf("slave tcgetattr: %d %s\n", r, r < 0 ? strerror(errno) : "");
  printf("slave node gone: %d\n", access(name, F_OK) < 0 && errno == ENOENT);
  close(s);

  // --- openpty with termios and winsize ---
  struct winsize w2 = {30, 100, 0, 0};
  int m2, s2;
  if (openpty(&m2, &s2, NULL, NULL, &w2)) { perror("openpty"); return 1; }
  ioctl(m2, TIOCGWINSZ, &ws);
  printf("openpty winsize via master: %d x %d\n", ws.ws_row, ws.ws_col);
  write(s2, "hi\n", 3);
  echoed(m2, "openpty slave output");
  close(s2);
  close(m2);
  return 0;
}
