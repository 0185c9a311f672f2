/* Priorities and scheduling policies, printed relative to where the program
 * starts (the runner may be niced), and memory locking. */
#include <stdio.h>
#include <sched.h>
#include <errno.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/mman.h>
int main(void) {
  errno = 0;
  int p0 = getpriority(PRIO_PROCESS, 0);
  printf("getpriority errno %d\n", errno);
  int r = setpriority(PRIO_PROCESS, 0, p0 + 5);
  int p1 = getpriority(PRIO_PROCESS, 0);
  printf("setpriority %d, now +%d\n", r, p1 - p0);
  int n = nice(2);
  printf("nice: +%d\n", n - p0);
  errno = 0;
  r = setpriority(PRIO_PROCESS, 0, -30);
  printf("setpriority -30 (root may lower): %d errno %d now %d\n", r, errno, getpriority(PRIO_PROCESS, 0));
  printf("bad which: %d\n", setpriority(42, 0, 0) == -1 && errno == EINVAL);
  /* (musl answers sched_getscheduler and sched_getparam with ENOSYS itself) */
  printf("other max %d min %d rr max %d min %d\n", sched_get_priority_max(SCHED_OTHER),
         sched_get_priority_min(SCHED_OTHER), sched_get_priority_max(SCHED_RR), sched_get_priority_min(SCHED_RR));
  static char buf[8192];
  r = mlock(buf, sizeof buf);
  printf("mlock %d munlock %d\n", r, munlock(buf, sizeof buf));
  return 0;
}
