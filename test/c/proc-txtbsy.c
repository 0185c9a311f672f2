/* ETXTBSY: the file a process runs cannot be opened for writing or truncated
 * while it runs (by itself or by another process); reading it, and writing it
 * once the process is gone, are fine. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void try_open(const char *what, const char *path, int flags) {
  errno = 0;
  int fd = open(path, flags);
  printf("%s: %s\n", what, fd >= 0 ? "ok" : strerror(errno));
  if (fd >= 0) close(fd);
}

int main(int argc, char **argv) {
  if (argc > 1) { write(3, "r", 1); pause(); return 0; } /* the copy that runs while the parent pokes at it */
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n < 0) { perror("readlink"); return 1; }
  self[n] = 0;
  try_open("self O_WRONLY", "/proc/self/exe", O_WRONLY);
  try_open("self O_RDWR", self, O_RDWR);
  try_open("self O_RDONLY", self, O_RDONLY);
  errno = 0;
  printf("truncate self: %s\n", truncate(self, 0) == 0 ? "ok" : strerror(errno));

  /* a copy of the program, run by a child */
  char dir[] = "/tmp/xos-txtbsy-XXXXXX";
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
  char copy[4200];
  snprintf(copy, sizeof copy, "%s/copy", dir);
  int in = open(self, O_RDONLY), out = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  char buf[65536];
  while ((n = read(in, buf, sizeof buf)) > 0) write(out, buf, n);
  close(in);
  close(out);
  int ready[2];
  pipe(ready);
  pid_t c = fork();
  if (c == 0) { dup2(ready[1], 3); execl(copy, copy, "wait", (char *)0); _exit(127); }
  close(ready[1]);
  char r;
  if (read(ready[0], &r, 1) != 1) { printf("the copy did not start\n"); return 1; }
  try_open("running copy O_WRONLY|O_TRUNC", copy, O_WRONLY | O_TRUNC);
  try_open("running copy O_RDONLY", copy, O_RDONLY);
  kill(c, SIGTERM);
  waitpid(c, 0, 0);
  try_open("copy after its process ended", copy, O_WRONLY);
  unlink(copy);
  rmdir(dir);
  return 0;
}
