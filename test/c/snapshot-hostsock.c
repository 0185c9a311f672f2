// A TCP client connected to a server outside (argv[1]'s port on argv[3]'s
// address, 127.0.0.1 when not given) and a listener of its own (argv[2]'s port;
// none when 0), for a snapshot: after "ready" it waits for a line on stdin, then
// reads from its connection (the server has reset it meanwhile), reads again,
// sends, and accepts one connection on its listener and prints what comes.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *result(ssize_t n) {
  static char buf[64];
  if (n >= 0) snprintf(buf, sizeof buf, "%zd", n);
  else snprintf(buf, sizeof buf, "%s", errno == ECONNRESET ? "ECONNRESET" : errno == EPIPE ? "EPIPE" : strerror(errno));
  return buf;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  int l = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  a.sin_port = htons(atoi(argv[2]));
  if (atoi(argv[2]) && (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 4))) { perror("listen"); return 1; }
  int c = socket(AF_INET, SOCK_STREAM, 0);
  a.sin_port = htons(atoi(argv[1]));
  if (argc > 3 && inet_pton(AF_INET, argv[3], &a.sin_addr) != 1) return 2;
  if (connect(c, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
  char buf[64];
  ssize_t n = recv(c, buf, sizeof buf - 1, 0);
  if (n <= 0) { perror("recv"); return 1; }
  buf[n] = 0;
  long counter = 0;
  for (int i = 0; i < 1000; i++) counter += i;
  printf("got %s\nready\n", buf);
  fflush(stdout);
  char line[16];
  if (!fgets(line, sizeof line, stdin)) return 1;
  printf("recv: %s\n", result(recv(c, buf, sizeof buf, 0)));
  printf("recv again: %s\n", result(recv(c, buf, sizeof buf, 0)));
  printf("send: %s\n", result(send(c, "x", 1, MSG_NOSIGNAL)));
  printf("counter %ld\n", counter);
  fflush(stdout);
  if (!atoi(argv[2])) return 0;
  int s = accept(l, 0, 0);
  if (s < 0) { perror("accept"); return 1; }
  n = recv(s, buf, sizeof buf - 1, 0);
  buf[n > 0 ? n : 0] = 0;
  printf("accepted: %s\n", buf);
  return 0;
}
