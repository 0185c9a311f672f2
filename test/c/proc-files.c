// /proc files programs read: /proc/self/limits after setrlimit, fdinfo of an
// open file, the task directory and thread-self of a threaded process,
// /proc/sys/kernel values, and a random UUID's format.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

static void print_matching(const char *path, const char *const *prefixes) {
  FILE *f = fopen(path, "r");
  if (!f) { printf("%s: cannot open\n", path); return; }
  char line[512];
  while (fgets(line, sizeof line, f)) {
    for (const char *const *p = prefixes; *p; p++) if (strncmp(line, *p, strlen(*p)) == 0) { fputs(line, stdout); break; }
  }
  fclose(f);
}
static void cat_as(const char *label, const char *path) {
  char buf[256] = {0};
  int fd = open(path, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  printf("%s: %s", label, n > 0 ? buf : "(none)\n");
  if (fd >= 0) close(fd);
}
static void cat(const char *path) { cat_as(path, path); }
static int count_dir(const char *path) {
  DIR *d = opendir(path);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static pthread_barrier_t bar;
static void *worker(void *arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), "xos-worker");
  char path[64];
  snprintf(path, sizeof path, "/proc/thread-self/comm");
  cat(path);
  pthread_barrier_wait(&bar);
  pthread_barrier_wait(&bar);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct rlimit r = {100, 200};
  setrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = 0; r.rlim_max = 0;
  setrlimit(RLIMIT_CORE, &r);
  r.rlim_cur = 8 << 20; r.rlim_max = RLIM_INFINITY;
  setrlimit(RLIMIT_STACK, &r);
  static const char *const rows[] = {"Limit ", "Max open files", "Max core file size", "Max stack size", "Max nice priority", NULL};
  print_matching("/proc/self/limits", rows);

  int fd = open("/proc/self/limits", O_RDONLY | O_CLOEXEC);
  char b[10];
  read(fd, b, sizeof b);
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  static const char *const info[] = {"pos:", "flags:", NULL};
  print_matching(path, info);
  int fd2 = open("/dev/null", O_WRONLY | O_APPEND);
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd2);
  print_matching(path, info);

  pthread_barrier_init(&bar, NULL, 2);
  pthread_t th;
  pthread_create(&th, NULL, worker, NULL);
  pthread_barrier_wait(&bar);
  printf("threads in /proc/self/task: %d\n", count_dir("/proc/self/task"));
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", getpid());
  cat_as("/proc/self/task/PID/comm", path);
  pthread_barrier_wait(&bar);
  pthread_join(th, NULL);

  cat("/proc/sys/kernel/ostype");
  char u[64] = {0};
  int uf = open("/proc/sys/kernel/random/uuid", O_RDONLY);
  read(uf, u, sizeof u - 1);
  printf("uuid: length %zu, dashes at 8 13 18 23: %d, version %c\n", strlen(u), u[8] == '-' && u[13] == '-' && u[18] == '-' && u[23] == '-', u[14]);
  char v[64] = {0};
  int vf = open("/proc/sys/kernel/osrelease", O_RDONLY);
  read(vf, v, sizeof v - 1);
  printf("osrelease starts with a digit: %d\n", v[0] >= '0' && v[0] <= '9');
  return 0;
}
