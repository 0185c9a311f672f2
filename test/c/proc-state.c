/* Process state and CPU time as /proc, times(), getrusage, the CPU-time
 * clocks and the CPU-time interval timers report them: a child blocked in
 * read shows S (with a wchan), a stopped one T, an ended one Z; CPU time
 * burnt in a loop shows up everywhere it should. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int readfile(const char *path, char *buf, size_t n) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  int r = read(fd, buf, n - 1);
  close(fd);
  if (r < 0) return -1;
  buf[r] = 0;
  return r;
}

/* The state letter of /proc/PID/stat (after the comm's closing parenthesis). */
static char state_of(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  if (readfile(path, buf, sizeof buf) < 0) return '?';
  char *p = strrchr(buf, ')');
  return p ? p[2] : '?';
}

/* Wait (up to 10 s) until pid shows `want`. */
static char wait_state(pid_t pid, char want) {
  char s = '?';
  for (int i = 0; i < 10000; i++) {
    s = state_of(pid);
    if (s == want) break;
    usleep(1000);
  }
  return s;
}

/* The field after "name:\t" in /proc/PID/status. */
static void status_field(pid_t pid, const char *name, char *out, size_t n) {
  char path[64], buf[8192];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  out[0] = 0;
  if (readfile(path, buf, sizeof buf) < 0) return;
  size_t len = strlen(name);
  for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (!strncmp(l, name, len) && l[len] == ':') {
      char *v = l + len + 1;
      while (*v == '\t' || *v == ' ') v++;
      size_t k = strcspn(v, "\n");
      if (k >= n) k = n - 1;
      memcpy(out, v, k);
      out[k] = 0;
      return;
    }
  }
}

static double cpu_clock(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts)) return -1;
  return ts.tv_sec + ts.tv_nsec / 1e9;
}
static volatile unsigned long sink;
static void burn(double secs) {
  double end = cpu_clock(CLOCK_PROCESS_CPUTIME_ID) + secs;
  while (cpu_clock(CLOCK_PROCESS_CPUTIME_ID) < end)
    for (int i = 0; i < 10000; i++) sink += i;
}

static volatile sig_atomic_t got;
static void on_signal(int sig) { got = sig; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int fds[2];
  if (pipe(fds)) return 1;
  pid_t child = fork();
  if (child == 0) {
    signal(SIGUSR1, on_signal);
    signal(SIGUSR2, SIG_IGN);
    char c;
    close(fds[1]);
    while (read(fds[0], &c, 1) < 0 && errno == EINTR) {}
    _exit(7);
  }
  close(fds[0]);
  printf("blocked in read: %c\n", wait_state(child, 'S'));
  char buf[256], path[64];
  status_field(child, "State", buf, sizeof buf);
  printf("status State: %s\n", buf);
  snprintf(path, sizeof path, "/proc/%d/wchan", child);
  /* Linux shows 0 while the task, in state S already, is still on its CPU going to sleep: ask again */
  int named = 0;
  for (int i = 0; i < 200 && !named; i++) {
    named = readfile(path, buf, sizeof buf) > 0 && strcmp(buf, "0") != 0;
    if (!named) usleep(10000);
  }
  printf("wchan names a function: %d\n", named);
  status_field(child, "SigCgt", buf, sizeof buf);
  printf("SigCgt has SIGUSR1: %d\n", (int)((strtoull(buf, NULL, 16) >> (SIGUSR1 - 1)) & 1));
  status_field(child, "SigIgn", buf, sizeof buf);
  printf("SigIgn has SIGUSR2: %d\n", (int)((strtoull(buf, NULL, 16) >> (SIGUSR2 - 1)) & 1));
  status_field(child, "TracerPid", buf, sizeof buf);
  printf("TracerPid: %s\n", buf);
  status_field(child, "VmLck", buf, sizeof buf);
  printf("VmLck: %s\n", buf);
  status_field(child, "VmSwap", buf, sizeof buf);
  printf("VmSwap: %s\n", buf);

  kill(child, SIGSTOP);
  int st;
  waitpid(child, &st, WUNTRACED);
  printf("stopped: %d, state %c\n", WIFSTOPPED(st), wait_state(child, 'T'));
  status_field(child, "State", buf, sizeof buf);
  printf("status State: %s\n", buf);
  kill(child, SIGCONT);
  printf("continued: %c\n", wait_state(child, 'S'));
  close(fds[1]);
  printf("ended, not collected: %c\n", wait_state(child, 'Z'));
  status_field(child, "State", buf, sizeof buf);
  printf("status State: %s\n", buf);
  status_field(child, "VmSize", buf, sizeof buf);
  printf("zombie VmSize line: %d\n", buf[0] != 0);
  printf("kill of a zombie: %d\n", kill(child, 0));
  waitpid(child, &st, 0);
  printf("exit status %d\n", WEXITSTATUS(st));

  /* a sleeping child */
  child = fork();
  if (child == 0) { sleep(30); _exit(0); }
  printf("in nanosleep: %c\n", wait_state(child, 'S'));
  kill(child, SIGKILL);
  waitpid(child, &st, 0);

  /* CPU time */
  double t0 = cpu_clock(CLOCK_PROCESS_CPUTIME_ID), th0 = cpu_clock(CLOCK_THREAD_CPUTIME_ID);
  burn(0.3);
  double t1 = cpu_clock(CLOCK_PROCESS_CPUTIME_ID), th1 = cpu_clock(CLOCK_THREAD_CPUTIME_ID);
  printf("process clock advanced: %d, thread clock advanced: %d\n", t1 - t0 >= 0.3, th1 - th0 >= 0.25);
  clockid_t cid;
  printf("clock_getcpuclockid: %d\n", clock_getcpuclockid(0, &cid) == 0 && cpu_clock(cid) >= t1);
  struct tms tm;
  times(&tm);
  long hz = sysconf(_SC_CLK_TCK);
  printf("times utime+stime >= 0.25 s: %d\n", (tm.tms_utime + tm.tms_stime) >= hz / 4);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("getrusage self >= 0.25 s: %d, maxrss > 0: %d\n",
         ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6 >= 0.25, ru.ru_maxrss > 0);
  getrusage(RUSAGE_THREAD, &ru);
  printf("getrusage thread >= 0.25 s: %d\n", ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6 >= 0.25);
  int r = getrusage(5, &ru);
  printf("getrusage bad who: %d %d\n", r, errno == EINVAL);
  snprintf(path, sizeof path, "/proc/%d/stat", getpid());
  readfile(path, buf, sizeof buf);
  unsigned long ut = 0, stt = 0;
  char *p = strrchr(buf, ')');
  sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &stt);
  printf("/proc/self/stat utime+stime >= 0.25 s: %d\n", ut + stt >= (unsigned long)hz / 4);

  /* CPU time of children, once collected */
  child = fork();
  if (child == 0) { burn(0.2); _exit(0); }
  wait4(child, &st, 0, &ru);
  printf("wait4 rusage >= 0.15 s: %d\n", ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6 >= 0.15);
  times(&tm);
  printf("times cutime+cstime >= 0.15 s: %d\n", (tm.tms_cutime + tm.tms_cstime) >= hz * 15 / 100);
  getrusage(RUSAGE_CHILDREN, &ru);
  printf("getrusage children >= 0.15 s: %d\n", ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6 >= 0.15);

  /* CPU-time interval timers */
  int which[2] = {ITIMER_VIRTUAL, ITIMER_PROF}, sigs[2] = {SIGVTALRM, SIGPROF};
  for (int i = 0; i < 2; i++) {
    signal(sigs[i], on_signal);
    got = 0;
    struct itimerval it = {{0, 0}, {0, 50000}}, cur;
    setitimer(which[i], &it, NULL);
    getitimer(which[i], &cur);
    /* (Linux rounds the value up to its tick) */
    printf("itimer %d armed: %d\n", which[i], cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 60000);
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    do {
      for (int k = 0; k < 10000; k++) sink += k;
      clock_gettime(CLOCK_MONOTONIC, &w1);
    } while (!got && w1.tv_sec - w0.tv_sec < 20);
    printf("itimer %d fired: %s\n", which[i], got == sigs[i] ? "yes" : "no");
    getitimer(which[i], &cur);
    printf("itimer %d disarmed after: %d\n", which[i], cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
  }

  /* the memory files */
  printf("smaps has Rss: %d\n", readfile("/proc/self/smaps", buf, sizeof buf) > 0 && strstr(buf, "\nRss:") != NULL);
  static char roll[4096];
  readfile("/proc/self/smaps_rollup", roll, sizeof roll);
  printf("smaps_rollup: %d %d\n", strstr(roll, "[rollup]") != NULL, strstr(roll, "\nPss_Anon:") != NULL);
  unsigned long sz = 0, rss = 0;
  readfile("/proc/self/statm", buf, sizeof buf);
  r = sscanf(buf, "%lu %lu", &sz, &rss);
  printf("statm fields: %d, rss <= size: %d\n", r, rss <= sz && sz > 0);
  char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  m[0] = 1;
  int pm = open("/proc/self/pagemap", O_RDONLY);
  uint64_t e[2] = {0, 0};
  pread(pm, e, 16, (uintptr_t)m / 4096 * 8);
  printf("pagemap: touched page present %d, untouched page present %d\n", (int)(e[0] >> 63), (int)(e[1] >> 63));
  close(pm);
  return 0;
}
