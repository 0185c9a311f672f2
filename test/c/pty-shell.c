// An interactive shell (/bin/sh -i) on a pseudo-terminal, driven like a
// user at a terminal: commands, a background job, a
// foreground cat interrupted with ^C, another stopped with ^Z and resumed with
// fg, ^D. Each step waits for what the shell must print (the prompt, cat's
// echo), so the transcript is the same natively and under xos.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int m;
static char out[65536];
static int len, shown;

static int ends_with(const char *s) {
  int n = strlen(s);
  return len - shown >= n && memcmp(out + len - n, s, n) == 0;
}
static int contains(const char *s) { return memmem(out + shown, len - shown, s, strlen(s)) != NULL; }
// Read the terminal until `done` holds (or 60 s pass), then print what came.
static void until(int (*done)(const char *), const char *arg) {
  struct pollfd p = {m, POLLIN, 0};
  while (!done(arg)) {
    if (poll(&p, 1, 60000) != 1) { printf("timed out\n"); break; }
    int r = read(m, out + len, sizeof out - len - 1);
    if (r <= 0) break;
    len += r;
  }
  for (int i = shown; i < len; i++) {
    char c = out[i];
    if (c == '\r') printf("\\r");
    else if (c >= '0' && c <= '9' && (i == shown || out[i - 1] < '0' || out[i - 1] > '9')) putchar('N'); // pids
    else if (c >= '0' && c <= '9') continue;
    else putchar(c);
  }
  shown = len;
}
static int prompt(const char *unused) { (void)unused; return ends_with("# ") || ends_with("$ "); }
static void type(const char *s) { write(m, s, strlen(s)); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char *env[] = {"PATH=/usr/bin:/bin", "PS1=$ ", "HOME=/tmp", "TERM=dumb", NULL};
  pid_t pid = forkpty(&m, NULL, NULL, NULL);
  if (pid < 0) { perror("forkpty"); return 1; }
  if (pid == 0) {
    execle("/bin/sh", "sh", "-i", (char *)NULL, env);
    _exit(127);
  }
  until(prompt, NULL);
  type("echo hi; tty >/dev/null && echo has a tty\n");
  until(prompt, NULL);
  type("sleep 100 &\n");
  until(prompt, NULL);
  type("jobs\n");
  until(prompt, NULL);
  // (not "kill %1; wait": dash's wait can miss the job's end under load and hang, natively too)
  type("echo $!\n");
  until(prompt, NULL);
  char *nl = memmem(out, len, "echo $!\r\n", 9);
  pid_t bg = nl ? atoi(nl + 9) : 0;
  type("cat\n");
  until(contains, "cat\r\n");
  type("abc\n");
  until(contains, "abc\r\nabc\r\n");
  type("\x03");
  until(prompt, NULL);
  type("cat\n");
  until(contains, "cat\r\n");
  type("x\n");
  until(contains, "x\r\nx\r\n");
  type("\x1a");
  until(prompt, NULL);
  type("fg\n");
  until(contains, "cat\r\n");
  type("y\n");
  until(contains, "y\r\ny\r\n");
  type("\x04");
  until(prompt, NULL);
  type("exit 3\n");
  until(contains, "\n");
  int st;
  waitpid(pid, &st, 0);
  printf("\nshell exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  printf("background job still there: %d\n", bg > 0 && kill(bg, SIGKILL) == 0);
  return 0;
}
