// Destinations outside the machine that a guest gets wrong, as xos's address
// plan answers them (not differential: the plan is the machine's): port 0, an
// address on the machine's network that nobody has, IPv6 outside (the bridge
// has none), and the gateway, whose port 0 Node would refuse to try.
// Argument: the gateway's address as the machine sees it.
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void try_connect(const char *what, int family, const char *addr, int port) {
  struct sockaddr_storage ss = {0};
  socklen_t len;
  if (family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET; a->sin_port = htons(port); inet_pton(AF_INET, addr, &a->sin_addr); len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6; a->sin6_port = htons(port); inet_pton(AF_INET6, addr, &a->sin6_addr); len = sizeof *a;
  }
  int s = socket(family, SOCK_STREAM, 0);
  int r = connect(s, (struct sockaddr *)&ss, len);
  printf("%s: %s\n", what, r == 0 ? "connected" : strerror(errno));
  close(s);
  int u = socket(family, SOCK_DGRAM, 0);
  r = sendto(u, "x", 1, 0, (struct sockaddr *)&ss, len);
  printf("%s udp: %s\n", what, r >= 0 ? "sent" : strerror(errno));
  close(u);
}

int main(int argc, char **argv) {
  const char *gw = argc > 1 ? argv[1] : "10.0.2.2";
  try_connect("gateway port 0", AF_INET, gw, 0);
  try_connect("nobody on the machine's network", AF_INET, "10.0.2.99", 80);
  try_connect("IPv6 outside", AF_INET6, "2001:db8::1", 80);
  return 0;
}
