/* Signal and process fine print: sigwaitinfo and sigtimedwait take a signal
 * that is not blocked (it arrives while they wait, and no handler runs),
 * PR_SET_NAME truncates to 15 bytes, execve with an empty argv gives the
 * program argc 1 and an empty argv[0] (Linux 6.x), syscall(-1) fails with
 * ENOSYS. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t handled;
static void on_usr(int s) { handled = s; }

static void *sender(void *arg) {
  usleep(100000);
  pthread_kill(*(pthread_t *)arg, SIGUSR1);
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc == 0) { printf("argc 0\n"); return 0; }
  if (argc == 1 && argv[0][0] == 0) {
    printf("empty argv: argc %d, argv[0] \"%s\", argv[1] %s\n", argc, argv[0], argv[1] ? "set" : "NULL");
    return 0;
  }
  signal(SIGUSR1, on_usr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  pthread_t self = pthread_self(), th;
  pthread_create(&th, NULL, sender, &self);
  siginfo_t si;
  int r = sigwaitinfo(&set, &si);
  printf("sigwaitinfo of an unblocked signal: %d, si_code SI_TKILL %d, handler ran %d\n", r, si.si_code == SI_TKILL, handled != 0);
  pthread_join(th, NULL);
  pthread_create(&th, NULL, sender, &self);
  struct timespec ts = {5, 0};
  r = sigtimedwait(&set, &si, &ts);
  printf("sigtimedwait of an unblocked signal: %d, handler ran %d\n", r, handled != 0);
  pthread_join(th, NULL);
  ts.tv_sec = 0;
  ts.tv_nsec = 10000000;
  r = sigtimedwait(&set, &si, &ts);
  printf("sigtimedwait with nothing coming: %d %s\n", r, r < 0 && errno == EAGAIN ? "EAGAIN" : "?");

  /* PR_SET_NAME */
  char name[32] = {0};
  printf("PR_SET_NAME long: %d\n", prctl(PR_SET_NAME, "abcdefghijklmnopqrstuvwxyz"));
  prctl(PR_GET_NAME, name);
  printf("PR_GET_NAME: \"%s\" (%zu)\n", name, strlen(name));
  FILE *f = fopen("/proc/self/comm", "r");
  fgets(name, sizeof name, f);
  fclose(f);
  printf("/proc/self/comm: %s", name);
  static char exact[16] = "0123456789abcde";
  prctl(PR_SET_NAME, exact);
  prctl(PR_GET_NAME, name);
  printf("15 bytes: \"%s\"\n", name);

  /* syscall(-1) and other numbers no kernel has */
  errno = 0;
  long s = syscall(-1);
  printf("syscall(-1): %ld %s\n", s, errno == ENOSYS ? "ENOSYS" : "?");
  errno = 0;
  s = syscall(100000);
  printf("syscall(100000): %ld %s\n", s, errno == ENOSYS ? "ENOSYS" : "?");

  /* execve with an empty argv */
  pid_t c = fork();
  if (c == 0) {
    char *none[] = {NULL};
    char *env[] = {NULL};
    syscall(SYS_execve, "/proc/self/exe", none, env);
    printf("execve failed: %s\n", strerror(errno));
    _exit(1);
  }
  int st;
  waitpid(c, &st, 0);
  printf("child status %d\n", WEXITSTATUS(st));
  return 0;
}
