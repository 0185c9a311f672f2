// Pseudo-terminals: less common line-discipline settings. VEOL/VEOL2,
// VREPRINT, erasing a tab, ECHOCTL off, NOFLSH, VSTOP/VSTART flow control
// (a stopped terminal takes no output), TCSAFLUSH, FIONREAD and TIOCOUTQ,
// switching between canonical and raw mode with input pending. Output must
// match natively.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static int m, s;

static void show(const char *what, const char *b, int n) {
  printf("%s [%d] \"", what, n);
  for (int i = 0; i < n; i++) {
    unsigned char c = b[i];
    if (c == '\n') printf("\\n");
    else if (c == '\r') printf("\\r");
    else if (c == '\b') printf("\\b");
    else if (c == '\t') printf("\\t");
    else if (c < 32 || c >= 127) printf("\\x%02x", c);
    else putchar(c);
  }
  printf("\"\n");
}
static void echoed(const char *what) {
  char b[512];
  int n = 0;
  struct pollfd p = {m, POLLIN, 0};
  while (n < (int)sizeof b && poll(&p, 1, 150) == 1 && (p.revents & POLLIN)) {
    int r = read(m, b + n, sizeof b - n);
    if (r <= 0) break;
    n += r;
  }
  show(what, b, n);
}
static void put(const char *str) { write(m, str, strlen(str)); }
static void line(const char *what) {
  char b[256];
  int r = read(s, b, sizeof b);
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else show(what, b, r);
}
static void settle(void) { // input written to the master is processed asynchronously on Linux
  struct pollfd p = {s, POLLIN, 0};
  poll(&p, 1, 1000);
}

// Output written to the slave reaches the master asynchronously on Linux: wait until it holds n bytes.
static void out_settle(int n) {
  for (int i = 0; i < 2000; i++) {
    int k = 0;
    if (ioctl(m, FIONREAD, &k) || k >= n) return;
    usleep(1000);
  }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (openpty(&m, &s, NULL, NULL, NULL)) { perror("openpty"); return 1; }
  struct termios t, orig;
  tcgetattr(s, &orig);

  t = orig;
  t.c_cc[VEOL] = ';';
  t.c_cc[VEOL2] = '|';
  tcsetattr(s, TCSANOW, &t);
  put("a;b|c\n");
  echoed("echo VEOL/VEOL2");
  line("first");
  line("second");
  line("third");
  tcsetattr(s, TCSANOW, &orig);

  put("ab\x12" "c\n");
  echoed("echo VREPRINT");
  line("line");
  put("x\ty\x7f\x7f\x7fz\n");
  echoed("echo tab erase");
  line("line");
  put("ab\t\x7f\n");
  echoed("echo tab erase after text");
  line("line");
  put("\x01\x7f\n");
  echoed("echo erasing a control character");
  line("line");

  t = orig;
  t.c_lflag &= ~ECHOCTL;
  tcsetattr(s, TCSANOW, &t);
  put("q\x01\x7f\n");
  echoed("echo without ECHOCTL");
  line("line");
  t.c_lflag |= NOFLSH;
  tcsetattr(s, TCSANOW, &t);
  put("kept\n");
  settle();
  write(s, "unread", 6);
  put("\x03");
  echoed("output after ^C with NOFLSH");
  line("input after ^C with NOFLSH");
  tcsetattr(s, TCSANOW, &orig);
  put("lost\n");
  settle();
  write(s, "unread", 6);
  out_settle(12); /* "lost\r\n" echoed and "unread" at the master: ^C's flush drops what is still in flight */
  put("\x03");
  echoed("output after ^C");
  int n = -1;
  ioctl(s, FIONREAD, &n);
  printf("input after ^C: %d\n", n);

  // NUL is never special: VEOL is 0 by default, and 0 disables VINTR
  write(m, "a\0b\n", 4);
  echoed("echo NUL");
  line("line with a NUL");
  t = orig;
  t.c_cc[VINTR] = 0;
  tcsetattr(s, TCSANOW, &t);
  write(m, "c\0d\n", 4);
  echoed("echo NUL with VINTR disabled");
  line("line");
  tcsetattr(s, TCSANOW, &orig);

  // flow control
  put("\x13");
  settle();
  usleep(100000);
  int fl = fcntl(s, F_GETFL);
  fcntl(s, F_SETFL, fl | O_NONBLOCK);
  struct pollfd p = {s, POLLOUT, 0};
  printf("stopped: poll %#x", poll(&p, 1, 0) == 1 ? p.revents : 0);
  int r = write(s, "held", 4);
  printf(" write %d %s\n", r, r < 0 ? strerror(errno) : "");
  fcntl(s, F_SETFL, fl);
  put("\x11");
  usleep(100000);
  printf("started: poll %#x\n", poll(&p, 1, 0) == 1 ? p.revents : 0);
  write(s, "go\n", 3);
  echoed("output after VSTART");
  ioctl(s, TIOCOUTQ, &n);
  printf("TIOCOUTQ %d\n", n);
  write(s, "12345", 5);
  usleep(100000);
  ioctl(m, FIONREAD, &n);
  printf("FIONREAD on the master %d\n", n);
  echoed("drained");

  // TCOFLUSH on the slave keeps the output; TCIFLUSH on the master drops it
  write(s, "kept", 4);
  p.fd = m;
  p.events = POLLIN;
  poll(&p, 1, 1000);
  tcflush(s, TCOFLUSH);
  echoed("after TCOFLUSH on the slave");
  write(s, "dropped", 7);
  poll(&p, 1, 1000);
  tcflush(m, TCIFLUSH);
  ioctl(m, FIONREAD, &n);
  printf("after TCIFLUSH on the master: %d\n", n);

  // TCSAFLUSH drops pending input
  put("gone\n");
  settle();
  tcsetattr(s, TCSAFLUSH, &orig);
  echoed("echo");
  ioctl(s, FIONREAD, &n);
  printf("after TCSAFLUSH: %d\n", n);

  // canonical -> raw with an unfinished line, raw -> canonical with bytes pending
  put("half");
  echoed("echo");
  t = orig;
  t.c_lflag &= ~(ICANON | ECHO);
  t.c_cc[VMIN] = 1;
  tcsetattr(s, TCSANOW, &t);
  ioctl(s, FIONREAD, &n);
  printf("raw: FIONREAD %d\n", n);
  line("raw read");
  put("part");
  settle();
  tcsetattr(s, TCSANOW, &orig);
  ioctl(s, FIONREAD, &n);
  printf("canonical again: FIONREAD %d\n", n);
  put("\x7f" "X\n");
  echoed("echo editing the carried-over bytes");
  line("line");
  return 0;
}
