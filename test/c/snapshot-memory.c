// Memory that a snapshot carries and restored machines load at first touch:
// MB megabytes of distinct pages (argv[1]), then commands from stdin, one a
// line: "sum" (a checksum of every page), "fork" (a child writes half of the
// pages and sums, the parent's sum is unchanged), "protect" (read-only, then
// a sum), "write" (every page changed, then a sum).
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static uint32_t *mem;
static size_t words;

static uint64_t sum(void) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < words; i++) h = (h ^ mem[i]) * 1099511628211ull;
  return h;
}

int main(int argc, char **argv) {
  size_t mb = argc > 1 ? strtoul(argv[1], 0, 10) : 16;
  size_t len = mb << 20;
  words = len / 4;
  mem = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) { perror("mmap"); return 1; }
  for (size_t i = 0; i < words; i++) mem[i] = (uint32_t)(i / 1024 * 2654435761u + i * 40503u) | 1;
  printf("ready\n");
  fflush(stdout);
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    if (!strcmp(line, "sum\n")) {
      printf("sum %016llx\n", (unsigned long long)sum());
    } else if (!strcmp(line, "fork\n")) {
      fflush(stdout);
      pid_t p = fork();
      if (p == 0) {
        for (size_t i = 0; i < words; i += 2048) mem[i] ^= 0x5a5a5a5a;
        printf("child %016llx\n", (unsigned long long)sum());
        fflush(stdout);
        _exit(0);
      }
      int st;
      waitpid(p, &st, 0);
      printf("parent %016llx\n", (unsigned long long)sum());
    } else if (!strcmp(line, "protect\n")) {
      if (mprotect(mem, len, PROT_READ)) { perror("mprotect"); return 1; }
      printf("protected %016llx\n", (unsigned long long)sum());
      mprotect(mem, len, PROT_READ | PROT_WRITE);
    } else if (!strcmp(line, "write\n")) {
      for (size_t i = 0; i < words; i += 1024) mem[i] += 7;
      printf("written %016llx\n", (unsigned long long)sum());
    } else {
      printf("? %s", line);
    }
    fflush(stdout);
  }
  return 0;
}
