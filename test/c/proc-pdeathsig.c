/* prctl(PR_SET_PDEATHSIG): a process asks for a signal when its parent ends.
 * A middle process forks a child that asks for SIGUSR1, then exits: the
 * child gets SIGUSR1 (si_code SI_USER, from the parent) and is reparented.
 * PR_GET_PDEATHSIG reads it back; a fork does not inherit it; a bad signal is
 * EINVAL. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got, code, from;
static void on_usr1(int s, siginfo_t *si, void *u) { (void)s; (void)u; got = 1; code = si->si_code; from = si->si_pid; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sig = -1;
  printf("PR_GET_PDEATHSIG at start: %d ", prctl(PR_GET_PDEATHSIG, &sig));
  printf("%d\n", sig);
  errno = 0;
  int r = prctl(PR_SET_PDEATHSIG, 65);
  printf("PR_SET_PDEATHSIG 65: %d %s\n", r, errno == EINVAL ? "EINVAL" : strerror(errno));
  printf("PR_SET_PDEATHSIG SIGUSR2: %d\n", prctl(PR_SET_PDEATHSIG, SIGUSR2));
  prctl(PR_GET_PDEATHSIG, &sig);
  printf("PR_GET_PDEATHSIG: %d\n", sig == SIGUSR2 ? 1 : 0);
  prctl(PR_SET_PDEATHSIG, 0);

  int out[2], go[2];
  pipe(out);
  pipe(go);
  pid_t middle = fork();
  if (middle == 0) {
    prctl(PR_SET_PDEATHSIG, SIGUSR2); /* not passed on to its child */
    pid_t c = fork();
    if (c == 0) {
      struct sigaction sa = {0};
      sa.sa_sigaction = on_usr1;
      sa.sa_flags = SA_SIGINFO;
      sigaction(SIGUSR1, &sa, NULL);
      int s = -1;
      prctl(PR_GET_PDEATHSIG, &s);
      pid_t parent = getppid();
      prctl(PR_SET_PDEATHSIG, SIGUSR1);
      write(go[1], "x", 1);
      while (!got) pause();
      char msg[160];
      int n = snprintf(msg, sizeof msg, "child: inherited %d; got SIGUSR1, si_code %s, from its parent %s, reparented %s\n", s,
                       code == SI_USER ? "SI_USER" : "other", from == parent ? "yes" : "no", getppid() != parent ? "yes" : "no");
      write(out[1], msg, n);
      _exit(0);
    }
    char x;
    read(go[0], &x, 1); /* the child has asked */
    _exit(0);
  }
  close(out[1]);
  waitpid(middle, NULL, 0);
  char buf[256];
  int n = read(out[0], buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("%s", buf);
  return 0;
}
