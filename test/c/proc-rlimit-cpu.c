/* RLIMIT_CPU: past the soft limit SIGXCPU (here caught), at the hard limit
 * SIGKILL. A child spins with a 1 s soft and 2 s hard limit; the parent
 * reports how it ended. */
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int xcpu;
static void on_xcpu(int s) {
  (void)s;
  if (!xcpu++) write(1, "child: SIGXCPU\n", 15);
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  pid_t p = fork();
  if (p == 0) {
    signal(SIGXCPU, on_xcpu);
    struct rlimit rl = { 1, 2 };
    if (setrlimit(RLIMIT_CPU, &rl) < 0) { perror("setrlimit"); _exit(1); }
    for (volatile unsigned long i = 0;; i++) {}
  }
  int st;
  waitpid(p, &st, 0);
  if (WIFSIGNALED(st)) printf("child killed by signal %d\n", WTERMSIG(st));
  else printf("child exited %d\n", WEXITSTATUS(st));
  return 0;
}
