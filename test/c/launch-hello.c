// The smallest program for test/launch.test.ts: an argument in its output and an exit status of its own.
#include <stdio.h>
int main(int argc, char **argv) {
  printf("hello %s\n", argc > 1 ? argv[1] : "nobody");
  return 3;
}
