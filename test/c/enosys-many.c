/* The syscall numbers given as arguments (ones xos lists as missing: `xos syscalls`), each called
 * once with zero arguments: each must fail with ENOSYS, as Linux answers a call it does not have.
 * xos reports each missing call once, and caps its reports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int enosys = 0, other = 0;
  for (int i = 1; i < argc; i++) {
    errno = 0;
    long r = syscall(atol(argv[i]), 0, 0, 0, 0, 0, 0);
    if (r == -1 && errno == ENOSYS) enosys++;
    else { other++; printf("%s: %ld (errno %d)\n", argv[i], r, errno); }
  }
  printf("ENOSYS %d, other %d\n", enosys, other);
  return 0;
}
