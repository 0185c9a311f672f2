/* /proc/sys knobs as root reads and writes them, with their effect: System V
 * IPC's limits and next ids (in an IPC namespace of its own natively, so the
 * host's stay as they are; xos has one per machine), the host name of a UTS
 * namespace of its own, ns_last_pid choosing the next pid, nr_open capping
 * RLIMIT_NOFILE; EACCES for a read-only knob and for a user who is not root,
 * EINVAL for a value that is not a number. Runs as root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static char *get(const char *name) {
  static char buf[256];
  char path[128];
  snprintf(path, sizeof path, "/proc/sys/%s", name);
  int fd = open(path, O_RDONLY);
  if (fd < 0) { snprintf(buf, sizeof buf, "open: %s", strerror(errno)); return buf; }
  int n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  buf[strcspn(buf, "\n")] = 0;
  return buf;
}
static int set(const char *name, const char *value) {
  char path[128];
  snprintf(path, sizeof path, "/proc/sys/%s", name);
  int fd = open(path, O_WRONLY);
  if (fd < 0) return -errno;
  int r = write(fd, value, strlen(value));
  int e = errno;
  close(fd);
  return r < 0 ? -e : 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  unshare(CLONE_NEWIPC); /* natively: a fresh IPC namespace (xos has one, with the defaults) */
  if (unshare(CLONE_NEWUTS)) { perror("unshare(CLONE_NEWUTS)"); return 1; }

  const char *show[] = {"kernel/msgmax", "kernel/msgmnb", "kernel/msgmni", "kernel/sem", "kernel/shmmax", "kernel/shmall",
                        "kernel/shmmni", "kernel/msg_next_id", "kernel/sem_next_id", "kernel/shm_next_id", "fs/nr_open",
                        "fs/pipe-max-size", "fs/pipe-user-pages-soft", "fs/pipe-user-pages-hard", "fs/inotify/max_user_instances",
                        "fs/inotify/max_queued_events", "fs/lease-break-time", "kernel/ostype", "fs/mqueue/msg_max",
                        "fs/mqueue/msgsize_max", "kernel/cap_last_cap", NULL};
  for (const char **n = show; *n; n++) printf("%s = %s\n", *n, get(*n));
  printf("inotify max_user_watches > 0: %d\n", atoi(get("fs/inotify/max_user_watches")) > 0);
  printf("vm.max_map_count > 0: %d\n", atoi(get("vm/max_map_count")) > 0);
  printf("tainted is a number: %d\n", strspn(get("kernel/tainted"), "0123456789") > 0);

  /* IPC limits and next ids */
  printf("set msgmax 100: %d\n", set("kernel/msgmax", "100\n"));
  int q = msgget(IPC_PRIVATE, 0600);
  struct { long type; char text[200]; } m = {1, "x"};
  int r = msgsnd(q, &m, 150, IPC_NOWAIT);
  printf("msgsnd 150 bytes over msgmax: %d %s\n", r, strerror(errno));
  printf("msgsnd 50 bytes: %d\n", msgsnd(q, &m, 50, IPC_NOWAIT));
  msgctl(q, IPC_RMID, NULL);
  printf("set msg_next_id 4242: %d\n", set("kernel/msg_next_id", "4242"));
  q = msgget(IPC_PRIVATE, 0600);
  printf("msgget id %d, msg_next_id now %s\n", q, get("kernel/msg_next_id"));
  msgctl(q, IPC_RMID, NULL);
  set("kernel/sem_next_id", "77");
  int s = semget(IPC_PRIVATE, 1, 0600);
  printf("semget id %d\n", s);
  semctl(s, 0, IPC_RMID);
  set("kernel/shm_next_id", "32769");
  int h = shmget(IPC_PRIVATE, 4096, 0600);
  printf("shmget id %d\n", h);
  shmctl(h, IPC_RMID, NULL);
  r = set("kernel/sem", "250 32000 32 128");
  printf("set sem: %d -> %s\n", r, get("kernel/sem"));
  r = semget(IPC_PRIVATE, 300, 0600);
  printf("semget 300 semaphores over semmsl: %d %s\n", r, strerror(errno));
  printf("set msgmax abc: %d\n", set("kernel/msgmax", "abc"));
  printf("set msgmni over 32768: %d\n", set("kernel/msgmni", "40000"));

  /* host and domain names of this UTS namespace */
  printf("set hostname: %d\n", set("kernel/hostname", "fine-print\n"));
  struct utsname u;
  uname(&u);
  printf("uname nodename %s\n", u.nodename);
  printf("sethostname: %d\n", sethostname("other", 5));
  printf("kernel/hostname = %s\n", get("kernel/hostname"));
  printf("setdomainname: %d\n", setdomainname("example.org", 11));
  uname(&u);
  printf("uname domainname %s, kernel/domainname = %s\n", u.domainname, get("kernel/domainname"));
  static char longname[80];
  memset(longname, 'x', 70);
  r = sethostname(longname, 65);
  printf("sethostname too long: %d %s\n", r, strerror(errno));
  pid_t c = fork();
  if (c == 0) {
    unshare(CLONE_NEWUTS);
    sethostname("child", 5);
    _exit(0);
  }
  waitpid(c, NULL, 0);
  uname(&u);
  printf("a child's own namespace leaves ours: %s\n", u.nodename);

  /* read-only knobs, non-root writers, values that are not numbers */
  printf("write osrelease: %d\n", set("kernel/osrelease", "1.0"));
  c = fork();
  if (c == 0) {
    if (setuid(65534)) _exit(2);
    int w = set("kernel/hostname", "x");
    printf("as nobody, write hostname: %d; sethostname: %d\n", w, sethostname("x", 1) ? -errno : 0);
    _exit(0);
  }
  waitpid(c, NULL, 0);

  /* fs.nr_open caps RLIMIT_NOFILE */
  struct rlimit rl = {2000000, 2000000};
  r = setrlimit(RLIMIT_NOFILE, &rl);
  printf("RLIMIT_NOFILE over nr_open: %d %s\n", r, strerror(errno));

  /* ns_last_pid: the next fork gets the pid after it */
  set("kernel/ns_last_pid", "23456");
  c = fork();
  if (c == 0) _exit(0);
  waitpid(c, NULL, 0);
  printf("fork after ns_last_pid 23456: %s\n", c == 23457 ? "23457" : "another pid");
  return 0;
}
