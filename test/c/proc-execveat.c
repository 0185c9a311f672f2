/* execveat relative to a directory fd and with AT_EMPTY_PATH; F_GETPIPE_SZ and F_SETPIPE_SZ. */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1) { printf("child %s\n", argv[1]); return 0; }
  int d = open("/proc/self", O_RDONLY | O_DIRECTORY);
  pid_t p = fork();
  if (p == 0) { char *a[] = { "x", "relative", 0 }; char *e[] = { 0 }; syscall(SYS_execveat, d, "exe", a, e, 0); _exit(9); }
  int st; waitpid(p, &st, 0); printf("st %d\n", WEXITSTATUS(st));
  int fd = open("/proc/self/exe", O_RDONLY);
  p = fork();
  if (p == 0) { char *a[] = { "x", "emptypath", 0 }; char *e[] = { 0 }; syscall(SYS_execveat, fd, "", a, e, AT_EMPTY_PATH); _exit(9); }
  waitpid(p, &st, 0); printf("st %d\n", WEXITSTATUS(st));
  int pp[2]; pipe(pp);
  int before = fcntl(pp[0], F_GETPIPE_SZ);
  int set = fcntl(pp[0], F_SETPIPE_SZ, 100000);
  printf("pipe size %d set %d get %d\n", before, set, fcntl(pp[1], F_GETPIPE_SZ));
  return 0;
}
