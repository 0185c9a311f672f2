/* Job control: SIGSTOP stops a child, SIGCONT resumes it; the parent
 * sees both through waitpid (WUNTRACED, WCONTINUED), waitid and SIGCHLD. */
#define _GNU_SOURCE
#include <stdio.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <sys/wait.h>

static volatile sig_atomic_t chld_codes[16], nchld;
static void on_chld(int sig, siginfo_t *si, void *uc) { if (nchld < 16) chld_codes[nchld++] = si->si_code; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  int p2c[2];
  pipe(p2c);
  pid_t c = fork();
  if (c == 0) {
    char b;
    int n = 0;
    close(p2c[1]);
    while (read(p2c[0], &b, 1) == 1) n++;
    _exit(n);
  }
  int st;
  kill(c, SIGSTOP);
  pid_t w = waitpid(c, &st, WUNTRACED);
  printf("stopped: %d sig %d\n", w == c && WIFSTOPPED(st), WSTOPSIG(st));
  write(p2c[1], "x", 1); /* the stopped child does not read it yet */
  printf("nohang while stopped: %d\n", waitpid(c, &st, WNOHANG | WUNTRACED));
  kill(c, SIGCONT);
  w = waitpid(c, &st, WCONTINUED);
  printf("continued: %d\n", w == c && WIFCONTINUED(st));
  usleep(100000);
  kill(c, SIGSTOP); /* (SIGTSTP would be discarded if the runner leaves our group orphaned) */
  siginfo_t si;
  memset(&si, 0, sizeof si);
  waitid(P_PID, c, &si, WSTOPPED);
  printf("waitid stopped: code %d (CLD_STOPPED %d) status %d\n", si.si_code, CLD_STOPPED, si.si_status);
  kill(c, SIGCONT);
  memset(&si, 0, sizeof si);
  waitid(P_PID, c, &si, WCONTINUED);
  printf("waitid continued: code %d (CLD_CONTINUED %d)\n", si.si_code, CLD_CONTINUED);
  usleep(200000); /* the last SIGCHLD may come a little after waitid */
  printf("SIGCHLD codes:");
  for (int i = 0; i < nchld; i++) printf(" %d", chld_codes[i]);
  printf("\n");
  close(p2c[1]);
  waitpid(c, &st, 0);
  printf("exited %d, read %d byte(s) (the one sent while it was stopped)\n", WIFEXITED(st), WEXITSTATUS(st));
  return 0;
}
