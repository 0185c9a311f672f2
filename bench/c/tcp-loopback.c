// Loopback TCP throughput: a child process sends 1 GiB to its parent over
// 127.0.0.1 in 64 KiB writes; the parent reads it all and prints the count and
// a checksum of a sample of what it read.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (1L << 30)
#define CHUNK (64 * 1024)

int main(void) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t n = sizeof a;
  if (bind(l, (struct sockaddr *)&a, n) < 0 || listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&a, &n) < 0) { perror("listen"); return 1; }
  pid_t pid = fork();
  if (pid == 0) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, n) < 0) { perror("connect"); _exit(1); }
    static unsigned char buf[CHUNK];
    for (int i = 0; i < CHUNK; i++) buf[i] = (unsigned char)((i * 7919u) >> 5);
    for (long sent = 0; sent < TOTAL;) {
      ssize_t w = write(c, buf, CHUNK);
      if (w <= 0) { perror("write"); _exit(1); }
      sent += w;
    }
    close(c);
    _exit(0);
  }
  int s = accept(l, NULL, NULL);
  static unsigned char buf[CHUNK];
  long got = 0;
  uint32_t sum = 0;
  for (;;) {
    ssize_t r = read(s, buf, sizeof buf);
    if (r <= 0) break;
    // a sample of the stream (every 4093rd byte, wherever the reads split it)
    for (long i = (4093 - got % 4093) % 4093; i < r; i += 4093) sum = sum * 31 + buf[i];
    got += r;
  }
  int st;
  waitpid(pid, &st, 0);
  printf("%ld bytes, checksum %08x, child %d\n", got, sum, WEXITSTATUS(st));
  return 0;
}
