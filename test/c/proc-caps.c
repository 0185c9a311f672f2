/* Capabilities as root changes them: capget/capset (dropping one from the
 * effective set, Linux's EPERM rules), the bounding set (PR_CAPBSET_READ and
 * DROP), ambient capabilities, what a setuid to another user leaves (with and
 * without PR_SET_KEEPCAPS), /proc/self/status's CapEff; and setfsuid. Runs as
 * root; prints single capabilities, not whole sets (a container's differ). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* <linux/capability.h>'s definitions (musl has no kernel headers) */
struct __user_cap_header_struct { unsigned version; int pid; };
struct __user_cap_data_struct { unsigned effective, permitted, inheritable; };
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
#define CAP_CHOWN 0
#define CAP_KILL 5
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
static struct __user_cap_data_struct data[2];

static int get(void) { return syscall(SYS_capget, &hdr, data); }
static int set(void) { return syscall(SYS_capset, &hdr, data); }
static int has(unsigned v, int cap) { return (v >> cap) & 1; }
static const char *en(int r) { return r == 0 ? "ok" : errno == EPERM ? "EPERM" : errno == EINVAL ? "EINVAL" : strerror(errno); }

static unsigned long long status_caps(const char *name) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  unsigned long long v = 0;
  size_t n = strlen(name);
  while (fgets(line, sizeof line, f)) if (!strncmp(line, name, n)) v = strtoull(line + n + 1, NULL, 16);
  fclose(f);
  return v;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t c = fork();
  if (c) { waitpid(c, NULL, 0); return 0; }
  get();
  printf("root: eff CHOWN %d KILL %d SETUID %d SETPCAP %d, prm CHOWN %d\n", has(data[0].effective, CAP_CHOWN),
         has(data[0].effective, CAP_KILL), has(data[0].effective, CAP_SETUID), has(data[0].effective, CAP_SETPCAP),
         has(data[0].permitted, CAP_CHOWN));
  data[0].effective &= ~(1u << CAP_CHOWN);
  int r = set();
  printf("drop CHOWN from eff: %s\n", en(r));
  get();
  printf("eff CHOWN %d, prm CHOWN %d, /proc CapEff CHOWN %d\n", has(data[0].effective, CAP_CHOWN), has(data[0].permitted, CAP_CHOWN),
         (int)(status_caps("CapEff:") & 1));
  data[0].effective |= 1u << CAP_CHOWN;
  r = set();
  printf("raise it again (still permitted): %s\n", en(r));
  data[0].permitted &= ~(1u << CAP_KILL);
  data[0].effective &= ~(1u << CAP_KILL);
  r = set();
  printf("drop KILL from prm: %s\n", en(r));
  data[0].effective |= 1u << CAP_KILL;
  errno = 0;
  r = set();
  printf("raise KILL into eff, not permitted: %s\n", en(r));
  data[0].effective &= ~(1u << CAP_KILL);
  data[0].permitted |= 1u << CAP_KILL;
  errno = 0;
  r = set();
  printf("raise KILL into prm again: %s\n", en(r));
  get();

  struct __user_cap_header_struct bad = {0x12345678, 0};
  errno = 0;
  r = syscall(SYS_capget, &bad, data);
  printf("bad version: %s, version now %x\n", en(r), bad.version);
  get();

  printf("CAPBSET_READ CHOWN %d, 99: %d %s\n", prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0), prctl(PR_CAPBSET_READ, 99, 0, 0, 0), errno == EINVAL ? "EINVAL" : "?");
  r = prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0);
  printf("CAPBSET_DROP CHOWN: %s, READ now %d\n", en(r), prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0));

  errno = 0;
  r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETUID, 0, 0);
  printf("ambient raise without inheritable: %s\n", en(r));
  get();
  data[0].inheritable |= 1u << CAP_SETUID;
  r = set();
  printf("SETUID into inheritable: %s\n", en(r));
  r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETUID, 0, 0);
  printf("ambient raise: %s, IS_SET %d\n", en(r), prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SETUID, 0, 0));
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  printf("after CLEAR_ALL: %d\n", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SETUID, 0, 0));

  /* setfsuid */
  int old = setfsuid(1234);
  printf("setfsuid 1234 returns the old: %d, then %d\n", old, setfsuid(-1));
  unsigned long long st = 0;
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  while (fgets(line, sizeof line, f)) if (!strncmp(line, "Uid:", 4)) printf("status %s", line);
  fclose(f);
  (void)st;
  setfsuid(0);

  /* to another user */
  pid_t k = fork();
  if (k == 0) {
    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
    printf("KEEPCAPS: %d\n", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
    if (setresuid(1000, 1000, 1000)) _exit(2);
    get();
    printf("setuid 1000 with KEEPCAPS: eff SETUID %d, prm SETUID %d\n", has(data[0].effective, CAP_SETUID), has(data[0].permitted, CAP_SETUID));
    int was = setfsuid(0);
    printf("setfsuid 0 as 1000: returns %d, now %d\n", was, setfsuid(-1));
    _exit(0);
  }
  waitpid(k, NULL, 0);
  k = fork();
  if (k == 0) {
    if (setresuid(1000, 1000, 1000)) _exit(2);
    get();
    printf("setuid 1000: eff SETUID %d, prm SETUID %d, CapEff %llx\n", has(data[0].effective, CAP_SETUID), has(data[0].permitted, CAP_SETUID), status_caps("CapEff:"));
    errno = 0;
    int r2 = prctl(PR_CAPBSET_DROP, CAP_KILL, 0, 0, 0);
    printf("CAPBSET_DROP without CAP_SETPCAP: %s\n", en(r2));
    _exit(0);
  }
  waitpid(k, NULL, 0);
  return 0;
}
