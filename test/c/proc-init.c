/* Linux's rules for init (pid 1): it gets no signal it has no handler for —
 * SIGKILL and SIGTERM sent from inside included, and a blocked one is dropped
 * when unblocked — kill(-1) spares it, and an orphan reparented to it has its
 * exit signal reset to SIGCHLD. Natively the program makes itself pid 1 of a
 * new pid namespace (as root); under xos it is the machine's init already. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int usr2;
static void on_usr2(int s) { (void)s; usr2++; }

static char stack[65536];
static int grandchild(void *arg) { (void)arg; usleep(100000); return 7; }
static int quick(void *arg) { (void)arg; return 3; }

static void report(const char *who, pid_t p) {
  int st;
  pid_t r = waitpid(p, &st, __WALL);
  if (r != p) printf("%s: waitpid errno %d\n", who, errno);
  else if (WIFSIGNALED(st)) printf("%s: killed by %d\n", who, WTERMSIG(st));
  else printf("%s: exit %d\n", who, WEXITSTATUS(st));
}

static int as_init(void) {
  printf("pid %d\n", getpid());
  printf("kill(1, SIGTERM) = %d\n", kill(1, SIGTERM));
  printf("kill(1, SIGKILL) = %d\n", kill(1, SIGKILL));
  printf("raise(SIGUSR1) = %d\n", raise(SIGUSR1));
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, 0);
  kill(1, SIGTERM);
  sigset_t pend;
  sigpending(&pend);
  printf("blocked SIGTERM pending: %d\n", sigismember(&pend, SIGTERM));
  sigprocmask(SIG_UNBLOCK, &set, 0);
  printf("still here after unblocking\n");

  /* a child signals init: nothing happens to it */
  pid_t c = fork();
  if (c == 0) _exit(kill(1, SIGKILL) == 0 && kill(1, SIGSEGV) == 0 ? 0 : 1);
  report("child that sent SIGKILL to init", c);

  /* kill(-1): everyone but init and the caller */
  signal(SIGUSR2, on_usr2);
  pid_t sleeper = fork();
  if (sleeper == 0) { for (;;) pause(); }
  pid_t killer = fork();
  if (killer == 0) _exit(kill(-1, SIGKILL) == 0 ? 0 : 1);
  report("kill(-1) caller", killer);
  report("sleeper", sleeper);
  pid_t k2 = fork();
  if (k2 == 0) _exit(kill(-1, SIGUSR2) < 0 && errno == ESRCH ? 0 : 1);
  report("kill(-1, SIGUSR2) with no one else", k2);
  printf("init got SIGUSR2: %d\n", usr2);

  /* a child whose exit signal is SIGKILL */
  pid_t q = clone(quick, stack + sizeof stack, SIGKILL, 0);
  report("child with exit signal SIGKILL", q);

  /* an orphan whose exit signal was SIGKILL, reparented to init */
  pid_t mid = fork();
  if (mid == 0) {
    pid_t g = clone(grandchild, stack + sizeof stack, SIGKILL, 0);
    _exit(g > 0 ? 0 : 1);
  }
  report("parent of the orphan", mid);
  int st;
  pid_t g = waitpid(-1, &st, __WALL);
  printf("orphan reaped by init: %s, exit %d\n", g > 0 ? "yes" : "no", g > 0 ? WEXITSTATUS(st) : -1);
  printf("init survived\n");
  return 0;
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  if (getpid() == 1) return as_init();
  if (unshare(CLONE_NEWPID) < 0) { perror("unshare(CLONE_NEWPID) (run as root)"); return 1; }
  pid_t p = fork();
  if (p < 0) { perror("fork"); return 1; }
  if (p == 0) return as_init();
  int st;
  waitpid(p, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
