// A pipeline of 5 processes moving 100 MB: the parent writes, four children
// copy stdin to stdout, the last one counts.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#define TOTAL (100 * 1024 * 1024)
static char buf[65536];
int main(void) {
  int in[2];
  pipe(in);
  int first_write = in[1], prev_read = in[0];
  for (int stage = 0; stage < 4; stage++) {
    int out[2];
    pipe(out);
    if (fork() == 0) {
      close(first_write); close(out[0]);
      ssize_t n;
      long long total = 0;
      while ((n = read(prev_read, buf, sizeof buf)) > 0) {
        total += n;
        if (stage < 3) { for (ssize_t o = 0; o < n;) { ssize_t w = write(out[1], buf + o, n - o); if (w <= 0) _exit(1); o += w; } }
      }
      if (stage == 3) { printf("%lld\n", total); fflush(stdout); }
      _exit(0);
    }
    close(prev_read); close(out[1]);
    prev_read = out[0];
  }
  close(prev_read);
  memset(buf, 'x', sizeof buf);
  for (long long done = 0; done < TOTAL; done += sizeof buf) write(first_write, buf, sizeof buf);
  close(first_write);
  while (wait(NULL) > 0) {}
  return 0;
}
