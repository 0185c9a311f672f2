// The interfaces as getifaddrs(3) (netlink underneath, in glibc and musl),
// if_nameindex(3) and if_nametoindex(3) (an ioctl in glibc) report them: one
// line each, sorted by the caller. Not differential (the interfaces are the
// machine's): net.test.ts checks the lines against xos's address plan.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  struct ifaddrs *list;
  if (getifaddrs(&list) < 0) { perror("getifaddrs"); return 1; }
  for (struct ifaddrs *i = list; i; i = i->ifa_next) {
    char addr[64] = "-", mask[64] = "-";
    int fam = i->ifa_addr ? i->ifa_addr->sa_family : -1;
    if (fam == AF_INET) {
      inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, addr, sizeof addr);
      if (i->ifa_netmask) inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr, mask, sizeof mask);
    } else if (fam == AF_INET6) {
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, addr, sizeof addr);
    } else if (fam == AF_PACKET) {
      struct sockaddr_ll *ll = (struct sockaddr_ll *)i->ifa_addr;
      snprintf(addr, sizeof addr, "%02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0], ll->sll_addr[1], ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4], ll->sll_addr[5]);
    }
    printf("ifaddr %s %s %s %s up=%d loopback=%d\n", i->ifa_name, fam == AF_INET ? "inet" : fam == AF_INET6 ? "inet6" : fam == AF_PACKET ? "packet" : "?",
      addr, mask, !!(i->ifa_flags & IFF_UP), !!(i->ifa_flags & IFF_LOOPBACK));
  }
  freeifaddrs(list);
  struct if_nameindex *ni = if_nameindex();
  for (struct if_nameindex *p = ni; p && p->if_index; p++) printf("index %u %s\n", p->if_index, p->if_name);
  if_freenameindex(ni);
  printf("nametoindex eth0 %u lo %u nope %u\n", if_nametoindex("eth0"), if_nametoindex("lo"), if_nametoindex("nope"));
  char name[IF_NAMESIZE];
  printf("indextoname 2 %s\n", if_indextoname(2, name) ? name : "-");
  return 0;
}
