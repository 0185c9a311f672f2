// A guest fetching a file from an HTTP server on the host: ROUNDS times, a new
// connection each time (HTTP/1.0 GET), reading the whole body. Prints the bytes
// and a checksum. Arguments: ADDRESS PORT PATH.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ROUNDS 8

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: host-fetch ADDRESS PORT PATH\n"); return 2; }
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
  if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 2; }
  static char buf[65536];
  long total = 0;
  uint32_t sum = 0;
  for (int round = 0; round < ROUNDS; round++) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
    int len = snprintf(buf, sizeof buf, "GET %s HTTP/1.0\r\nHost: bench\r\n\r\n", argv[3]);
    if (write(s, buf, len) != len) { perror("write"); return 1; }
    int in_body = 0;
    long body = 0;
    char tail[4] = {0};
    for (;;) {
      ssize_t r = read(s, buf, sizeof buf);
      if (r <= 0) break;
      ssize_t i = 0;
      // skip the header: up to the first blank line
      for (; !in_body && i < r; i++) {
        memmove(tail, tail + 1, 3);
        tail[3] = buf[i];
        if (memcmp(tail, "\r\n\r\n", 4) == 0) in_body = 1;
      }
      // a sample of the body (every 4093rd byte, wherever the reads split it)
      for (long j = i + (4093 - body % 4093) % 4093; j < r; j += 4093) sum = sum * 31 + (unsigned char)buf[j] + (uint32_t)(body + j - i);
      body += r - i;
      total += r - i;
    }
    close(s);
  }
  printf("%ld body bytes, checksum %08x\n", total, sum);
  return 0;
}
