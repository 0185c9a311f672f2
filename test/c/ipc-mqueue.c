/* POSIX message queues: priorities, attributes, blocking and timeouts,
 * notification by signal, the errors Linux gives, and the queue as a file
 * in /dev/mqueue (natively mounted there on most systems; the test mounts
 * it if not, as root). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *en(void) {
  switch (errno) {
  case EEXIST: return "EEXIST";
  case ENOENT: return "ENOENT";
  case EINVAL: return "EINVAL";
  case EAGAIN: return "EAGAIN";
  case EMSGSIZE: return "EMSGSIZE";
  case ETIMEDOUT: return "ETIMEDOUT";
  case EBADF: return "EBADF";
  case EBUSY: return "EBUSY";
  case EACCES: return "EACCES";
  case ENAMETOOLONG: return "ENAMETOOLONG";
  default: return strerror(errno);
  }
}
#define SHOW(label, call) do { errno = 0; long r_ = (long)(call); printf("%s: %s\n", label, r_ == -1 ? en() : "ok"); } while (0)

static volatile sig_atomic_t got, code, val;
static void on_sig(int s, siginfo_t *si, void *u) { (void)u; got = s; code = si->si_code; val = si->si_value.sival_int; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *name = "/xos-fine-mq";
  mq_unlink(name);
  struct mq_attr attr = {0, 4, 64, 0, {0}};
  mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0640, &attr);
  printf("open: %s\n", q == (mqd_t)-1 ? en() : "ok");
  SHOW("O_EXCL again", mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0640, &attr));
  SHOW("no such queue", mq_open("/xos-fine-none", O_RDONLY));
  struct mq_attr bad = {0, 0, 64, 0, {0}};
  SHOW("maxmsg 0", mq_open("/xos-fine-bad", O_CREAT | O_RDWR, 0600, &bad));
  bad.mq_maxmsg = 100000;
  SHOW("maxmsg over the hard limit", mq_open("/xos-fine-bad", O_CREAT | O_RDWR, 0600, &bad));
  char longname[300];
  memset(longname, 'n', sizeof longname);
  longname[0] = '/';
  longname[299] = 0;
  SHOW("name too long", mq_open(longname, O_CREAT | O_RDWR, 0600, &attr));

  struct mq_attr got_attr;
  mq_getattr(q, &got_attr);
  printf("attr: flags %ld maxmsg %ld msgsize %ld curmsgs %ld\n", got_attr.mq_flags, got_attr.mq_maxmsg, got_attr.mq_msgsize, got_attr.mq_curmsgs);

  /* priorities: highest first, FIFO within one */
  mq_send(q, "low", 3, 1);
  mq_send(q, "high", 4, 9);
  mq_send(q, "low2", 4, 1);
  mq_send(q, "mid", 3, 5);
  SHOW("send to a full queue, nonblocking", ({ struct mq_attr nb = {O_NONBLOCK, 0, 0, 0, {0}}; mq_setattr(q, &nb, NULL); mq_send(q, "x", 1, 0); }));
  struct mq_attr blk = {0, 0, 0, 0, {0}};
  mq_setattr(q, &blk, NULL);
  SHOW("send a message too long", mq_send(q, "0123456789012345678901234567890123456789012345678901234567890123456789", 70, 0));
  SHOW("priority 32768", mq_send(q, "x", 1, 32768));
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 50000000;
  if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
  SHOW("timed send to a full queue", mq_timedsend(q, "x", 1, 0, &ts));
  struct timespec badts = {0, 2000000000};
  SHOW("bad timeout, full queue", mq_timedsend(q, "x", 1, 0, &badts));

  int fd = open("/dev/mqueue/xos-fine-mq", O_RDONLY);
  if (fd < 0 && errno == ENOENT) {
    mkdir("/dev/mqueue", 01777);
    mount("mqueue", "/dev/mqueue", "mqueue", 0, NULL);
    fd = open("/dev/mqueue/xos-fine-mq", O_RDONLY);
  }
  char line[128] = {0};
  read(fd, line, sizeof line - 1);
  printf("/dev/mqueue: %s", line);
  struct stat st;
  fstat(fd, &st);
  printf("mode %o\n", st.st_mode);
  close(fd);

  char buf[64];
  unsigned prio;
  SHOW("receive into a short buffer", mq_receive(q, buf, 10, &prio));
  for (int i = 0; i < 4; i++) {
    ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
    printf("received %.*s (prio %u)\n", (int)n, buf, prio);
  }
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 50000000;
  if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
  SHOW("timed receive from an empty queue", mq_timedreceive(q, buf, sizeof buf, &prio, &ts));

  /* blocking receive: a child sends later */
  pid_t c = fork();
  if (c == 0) {
    mqd_t w = mq_open(name, O_WRONLY);
    usleep(100000);
    mq_send(w, "from child", 10, 3);
    _exit(0);
  }
  ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
  printf("blocked receive got %.*s (prio %u)\n", (int)n, buf, prio);
  waitpid(c, NULL, 0);

  /* notification */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sig;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  struct sigevent sev;
  memset(&sev, 0, sizeof sev);
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = SIGUSR1;
  sev.sigev_value.sival_int = 42;
  SHOW("mq_notify", mq_notify(q, &sev));
  SHOW("mq_notify twice", mq_notify(q, &sev));
  fd = open("/dev/mqueue/xos-fine-mq", O_RDONLY);
  memset(line, 0, sizeof line);
  read(fd, line, sizeof line - 1);
  char *pidf = strstr(line, "NOTIFY_PID:");
  int npid = pidf ? atoi(pidf + 11) : 0;
  if (pidf) *pidf = 0;
  printf("/dev/mqueue with a notification: %sNOTIFY_PID is ours: %d\n", line, npid == getpid());
  close(fd); /* any close by the registered process ends the registration */
  mq_send(q, "ping", 4, 0);
  usleep(100000);
  printf("notified after closing another descriptor: %d\n", got);
  mq_receive(q, buf, sizeof buf, &prio);
  SHOW("mq_notify after the close", mq_notify(q, &sev));
  mq_send(q, "ping", 4, 0);
  for (int i = 0; i < 1000 && !got; i++) usleep(1000);
  printf("notified: signal %d code %d value %d\n", got, code == SI_MESGQ, val);
  SHOW("mq_notify again after it fired", mq_notify(q, &sev));
  SHOW("mq_notify NULL", mq_notify(q, NULL));
  mq_receive(q, buf, sizeof buf, &prio);

  /* read-only and write-only descriptors */
  mqd_t ro = mq_open(name, O_RDONLY);
  SHOW("send on a read-only descriptor", mq_send(ro, "x", 1, 0));
  mqd_t wo = mq_open(name, O_WRONLY);
  SHOW("receive on a write-only descriptor", mq_receive(wo, buf, sizeof buf, &prio));
  SHOW("send on a plain file descriptor", mq_send(0, "x", 1, 0));

  SHOW("unlink", mq_unlink(name));
  SHOW("unlink again", mq_unlink(name));
  SHOW("the queue still works after unlink", mq_send(wo, "still", 5, 0));
  n = mq_receive(ro, buf, sizeof buf, &prio);
  printf("got %.*s\n", (int)n, buf);
  printf("gone from /dev/mqueue: %d\n", access("/dev/mqueue/xos-fine-mq", F_OK) == -1 && errno == ENOENT);
  return 0;
}
