// Syscall-heavy workload: small writes to /dev/null and getppid.
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
int main(void) {
  int fd = open("/dev/null", O_WRONLY);
  long s = 0;
  for (int i = 0; i < 200000; i++) { s += write(fd, "x", 1); s += getppid() >= 0; }
  printf("%ld\n", s);
  return 0;
}
