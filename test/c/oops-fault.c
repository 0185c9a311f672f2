/* A child touches a page at a fixed address and exits; the parent reports how
 * the child ended and goes on. The oops test runs it under xos with a bug
 * injected into the page-fault handler for that page: only the child dies. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_AT ((void *)0x7e0000000000UL)

int main(void) {
  pid_t p = fork();
  if (p < 0) { perror("fork"); return 1; }
  if (p == 0) {
    char *m = mmap(PAGE_AT, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (m == MAP_FAILED) _exit(2);
    m[0] = 1;
    _exit(m[0] == 1 ? 0 : 3);
  }
  int st;
  if (waitpid(p, &st, 0) != p) { perror("waitpid"); return 1; }
  if (WIFSIGNALED(st)) printf("child: signal %d\n", WTERMSIG(st));
  else printf("child: exit %d\n", WEXITSTATUS(st));
  printf("parent goes on\n");
  return 0;
}
