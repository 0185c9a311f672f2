/* mq_notify with SIGEV_THREAD: the C library's helper thread waits on a
 * netlink socket for the kernel's cookie and runs the function in a new
 * thread when a message comes to the empty queue; a second registration is
 * EBUSY; removing one (mq_notify NULL) runs nothing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int done[2];
static void arrived(union sigval v) {
  char b[64];
  int n = snprintf(b, sizeof b, "function ran with value %d\n", v.sival_int);
  write(done[1], b, n);
}
static const char *res(int r) { return r == 0 ? "ok" : errno == EBUSY ? "EBUSY" : errno == EBADF ? "EBADF" : strerror(errno); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pipe(done);
  char name[64];
  snprintf(name, sizeof name, "/xos-mq-thread-%d", getpid());
  struct mq_attr at = {.mq_maxmsg = 4, .mq_msgsize = 16};
  mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &at);
  if (q == (mqd_t)-1) { perror("mq_open"); return 1; }
  struct sigevent sev = {0};
  sev.sigev_notify = SIGEV_THREAD;
  sev.sigev_notify_function = arrived;
  sev.sigev_value.sival_int = 42;
  printf("mq_notify SIGEV_THREAD: %s\n", res(mq_notify(q, &sev)));
  printf("again: %s\n", res(mq_notify(q, &sev)));
  mq_send(q, "hello", 5, 0);
  struct pollfd p = {.fd = done[0], .events = POLLIN};
  if (poll(&p, 1, 20000) == 1) {
    char b[64] = {0};
    read(done[0], b, sizeof b - 1);
    printf("%s", b);
  } else printf("no notification\n");
  char m[16];
  printf("the message is still there: %zd\n", mq_receive(q, m, sizeof m, NULL));
  /* registered and removed: nothing runs */
  sev.sigev_value.sival_int = 7;
  printf("mq_notify SIGEV_THREAD: %s\n", res(mq_notify(q, &sev)));
  printf("mq_notify NULL: %s\n", res(mq_notify(q, NULL)));
  mq_send(q, "x", 1, 0);
  printf("after removal: %s\n", poll(&p, 1, 300) == 0 ? "nothing ran" : "something ran");
  /* and once more, after the removal */
  mq_receive(q, m, sizeof m, NULL);
  sev.sigev_value.sival_int = 9;
  printf("mq_notify SIGEV_THREAD: %s\n", res(mq_notify(q, &sev)));
  mq_send(q, "y", 1, 0);
  if (poll(&p, 1, 20000) == 1) {
    char b[64] = {0};
    read(done[0], b, sizeof b - 1);
    printf("%s", b);
  } else printf("no notification\n");
  mq_close(q);
  mq_unlink(name);
  return 0;
}
