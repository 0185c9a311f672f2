/* ARG_MAX as Linux computes it: execve with 10,000 and 100,000 small
 * arguments works (the limit is a quarter of the 8 MiB stack rlimit), 3 MiB of
 * arguments is E2BIG, and so is one string longer than MAX_ARG_STRLEN
 * (32 pages). The program execs itself; the copy reports what it got. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void try(const char *what, int n, size_t each) {
  char **argv = malloc((n + 3) * sizeof *argv);
  char *arg = malloc(each + 1);
  memset(arg, 'a', each);
  arg[each] = 0;
  argv[0] = "/proc/self/exe";
  argv[1] = "--count";
  for (int i = 0; i < n; i++) argv[2 + i] = arg;
  argv[n + 2] = 0;
  pid_t p = fork();
  if (p == 0) {
    execv("/proc/self/exe", argv);
    printf("%s: execv: %s\n", what, strerror(errno));
    _exit(0);
  }
  int st;
  waitpid(p, &st, 0);
  free(argv);
  free(arg);
}

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "--count")) {
    size_t total = 0;
    for (int i = 2; i < argc; i++) total += strlen(argv[i]) + 1;
    printf("got %d arguments, %zu bytes\n", argc - 2, total);
    return 0;
  }
  try("10,000 arguments", 10000, 8);
  try("100,000 arguments", 100000, 8);
  try("3 MiB of arguments", 3 * 1024, 1024);
  try("one argument of 128 KiB + 1", 1, 128 * 1024);
  try("one argument just under 128 KiB", 1, 128 * 1024 - 1);
  return 0;
}
