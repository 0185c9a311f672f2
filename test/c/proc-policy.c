/* Scheduling policies and priorities as root sets them and reads them back:
 * sched_setscheduler/getscheduler/setparam/getparam, sched_setattr and
 * getattr (with SCHED_DEADLINE), SCHED_RESET_ON_FORK, Linux's EINVAL, ESRCH,
 * EPERM and E2BIG, nice values a child inherits and another user may not
 * change, and the affinity mask's size checks. Runs as root. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct attr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};
static int setattr(pid_t pid, struct attr *a, unsigned flags) { return syscall(SYS_sched_setattr, pid, a, flags); }
static int getattr(pid_t pid, struct attr *a, unsigned size) { return syscall(SYS_sched_getattr, pid, a, size, 0); }

static const char *err(int r) {
  if (r >= 0) return "ok";
  switch (errno) {
  case EINVAL: return "EINVAL";
  case ESRCH: return "ESRCH";
  case EPERM: return "EPERM";
  case E2BIG: return "E2BIG";
  case EACCES: return "EACCES";
  case EFAULT: return "EFAULT";
  default: return strerror(errno);
  }
}
#define SHOW(label, call) do { errno = 0; int r_ = (call); printf("%s: %d %s\n", label, r_, err(r_)); } while (0)

static void show_policy(const char *label, pid_t pid) {
  struct sched_param p = {0};
  int pol = syscall(SYS_sched_getscheduler, pid);
  syscall(SYS_sched_getparam, pid, &p);
  printf("%s: policy %d priority %d\n", label, pol, p.sched_priority);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sched_param p = {50};
  SHOW("FIFO 50", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &p));
  show_policy("now", 0);
  p.sched_priority = 10;
  SHOW("setparam 10", syscall(SYS_sched_setparam, 0, &p));
  show_policy("now", 0);
  p.sched_priority = 0;
  SHOW("FIFO 0", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &p));
  p.sched_priority = 100;
  SHOW("RR 100", syscall(SYS_sched_setscheduler, 0, SCHED_RR, &p));
  p.sched_priority = 5;
  SHOW("OTHER 5", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &p));
  SHOW("policy 42", syscall(SYS_sched_setscheduler, 0, 42, &p));
  SHOW("DEADLINE by setscheduler", syscall(SYS_sched_setscheduler, 0, 6, &p));
  SHOW("NULL param", syscall(SYS_sched_setscheduler, 0, SCHED_RR, NULL));
  SHOW("pid -1", syscall(SYS_sched_setscheduler, -1, SCHED_RR, &p));
  SHOW("no such pid", syscall(SYS_sched_setscheduler, 4000000, SCHED_OTHER, &p));
  SHOW("getscheduler of no such pid", syscall(SYS_sched_getscheduler, 4000000));
  SHOW("getparam of no such pid", syscall(SYS_sched_getparam, 4000000, &p));
  p.sched_priority = 20;
  SHOW("RR 20 | RESET_ON_FORK", syscall(SYS_sched_setscheduler, 0, SCHED_RR | SCHED_RESET_ON_FORK, &p));
  show_policy("now", 0);
  pid_t c = fork();
  if (c == 0) { show_policy("child after reset-on-fork", 0); _exit(0); }
  waitpid(c, NULL, 0);
  p.sched_priority = 0;
  SHOW("BATCH", syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &p));
  show_policy("now", 0);
  SHOW("IDLE", syscall(SYS_sched_setscheduler, 0, SCHED_IDLE, &p));
  struct timespec ts;
  SHOW("rr_get_interval of IDLE", syscall(SYS_sched_rr_get_interval, 0, &ts));
  p.sched_priority = 1;
  syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &p);
  syscall(SYS_sched_rr_get_interval, 0, &ts);
  printf("FIFO interval %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
  syscall(SYS_sched_setscheduler, 0, SCHED_RR, &p);
  syscall(SYS_sched_rr_get_interval, 0, &ts);
  printf("RR interval > 0: %d\n", ts.tv_sec > 0 || ts.tv_nsec > 0);

  /* sched_setattr / getattr */
  struct attr a = {.size = sizeof a, .policy = SCHED_OTHER, .nice = 7};
  SHOW("setattr OTHER nice 7", setattr(0, &a, 0));
  printf("getpriority gives nice %d\n", getpriority(PRIO_PROCESS, 0));
  memset(&a, 0, sizeof a);
  SHOW("getattr", getattr(0, &a, sizeof a));
  printf("attr: size %u policy %u nice %d priority %u\n", a.size, a.policy, a.nice, a.priority);
  a = (struct attr){.size = sizeof a, .policy = 6, .runtime = 10000000, .deadline = 30000000, .period = 100000000};
  SHOW("setattr DEADLINE", setattr(0, &a, 0));
  memset(&a, 0, sizeof a);
  getattr(0, &a, sizeof a);
  printf("attr: policy %u runtime %llu deadline %llu period %llu\n", a.policy, (unsigned long long)a.runtime,
         (unsigned long long)a.deadline, (unsigned long long)a.period);
  show_policy("getscheduler", 0);
  a = (struct attr){.size = sizeof a, .policy = 6, .runtime = 50000000, .deadline = 30000000, .period = 100000000};
  SHOW("DEADLINE runtime > deadline", setattr(0, &a, 0));
  a = (struct attr){.size = sizeof a, .policy = SCHED_OTHER, .nice = 25};
  SHOW("nice 25", setattr(0, &a, 0));
  a = (struct attr){.size = sizeof a, .policy = SCHED_OTHER};
  SHOW("flags argument 1", setattr(0, &a, 1));
  a = (struct attr){.size = sizeof a, .policy = SCHED_OTHER, .flags = 0x1000};
  SHOW("unknown sched_flags", setattr(0, &a, 0));
  a = (struct attr){.size = 40, .policy = SCHED_OTHER};
  SHOW("size 40", setattr(0, &a, 0));
  printf("size written back: %u\n", a.size);
  struct { struct attr a; uint64_t extra; } big = {{.size = sizeof big, .policy = SCHED_OTHER}, 1};
  SHOW("bigger struct, nonzero tail", setattr(0, &big.a, 0));
  big.extra = 0;
  big.a.size = sizeof big;
  SHOW("bigger struct, zero tail", setattr(0, &big.a, 0));
  SHOW("getattr size 40", getattr(0, &a, 40));
  SHOW("getattr of no such pid", getattr(4000000, &a, sizeof a));

  /* nice: inherited, and another user's process is EPERM */
  setpriority(PRIO_PROCESS, 0, 3);
  c = fork();
  if (c == 0) {
    printf("child nice %d\n", getpriority(PRIO_PROCESS, 0));
    pid_t parent = getppid();
    if (setuid(65534)) _exit(2);
    errno = 0;
    SHOW("nobody renices root's process", setpriority(PRIO_PROCESS, parent, 10));
    struct sched_param q = {0};
    SHOW("nobody sets root's policy", syscall(SYS_sched_setscheduler, parent, SCHED_OTHER, &q));
    q.sched_priority = 10;
    SHOW("nobody asks for FIFO", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &q));
    SHOW("nobody lowers its own nice", setpriority(PRIO_PROCESS, 0, 1));
    SHOW("nobody raises its own nice", setpriority(PRIO_PROCESS, 0, 12));
    printf("nobody's nice now %d\n", getpriority(PRIO_PROCESS, 0));
    _exit(0);
  }
  waitpid(c, NULL, 0);

  /* affinity */
  cpu_set_t set;
  CPU_ZERO(&set);
  SHOW("getaffinity len 8", syscall(SYS_sched_getaffinity, 0, 8, &set));
  printf("CPU 0 in the mask: %d\n", CPU_ISSET(0, &set));
  SHOW("getaffinity len 4", syscall(SYS_sched_getaffinity, 0, 4, &set));
  SHOW("getaffinity len 0", syscall(SYS_sched_getaffinity, 0, 0, &set));
  SHOW("getaffinity len 12", syscall(SYS_sched_getaffinity, 0, 12, &set));
  SHOW("getaffinity of no such pid", syscall(SYS_sched_getaffinity, 4000000, 8, &set));
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  SHOW("setaffinity CPU 0", syscall(SYS_sched_setaffinity, 0, sizeof set, &set));
  CPU_ZERO(&set);
  SHOW("setaffinity empty", syscall(SYS_sched_setaffinity, 0, sizeof set, &set));
  SHOW("setaffinity bad pointer", syscall(SYS_sched_setaffinity, 0, sizeof set, (void *)8));
  return 0;
}
