// Process creation: fork + exit + wait, 2000 times.
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void) {
  int sum = 0;
  for (int i = 0; i < 2000; i++) {
    pid_t p = fork();
    if (p == 0) _exit(i & 7);
    int st;
    waitpid(p, &st, 0);
    sum += WEXITSTATUS(st);
  }
  printf("%d\n", sum);
  return 0;
}
