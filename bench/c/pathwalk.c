// Path walk: stat(2) of a 12-deep path, many times, under the directory given
// as argv[1] (a tmpfs such as /dev/shm, or a directory of the host's disk).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEPTH 12
#define ROUNDS 20000

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: pathwalk DIR\n"); return 2; }
  char base[256], path[1024];
  snprintf(base, sizeof base, "%s/xos-pathwalk-XXXXXX", argv[1]);
  if (!mkdtemp(base)) { perror("mkdtemp"); return 1; }
  strcpy(path, base);
  for (int i = 0; i < DEPTH; i++) {
    snprintf(path + strlen(path), sizeof path - strlen(path), "/d%02d", i);
    if (mkdir(path, 0755)) { perror("mkdir"); return 1; }
  }
  long ok = 0;
  struct stat st;
  for (int i = 0; i < ROUNDS; i++) ok += stat(path, &st) == 0 && S_ISDIR(st.st_mode);
  for (int i = DEPTH; i >= 0; i--) {
    if (rmdir(path)) { perror("rmdir"); return 1; }
    *strrchr(path, '/') = 0;
  }
  printf("%ld stats of a %d-deep path\n", ok, DEPTH);
  return 0;
}
