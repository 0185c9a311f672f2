/* /proc/self/fdinfo of the kernel's own kinds of file, as ps-like tools and
 * checkpointers parse them: eventfd's count, signalfd's mask, timerfd's
 * clock and interval, inotify's watches, epoll's interest list. Inode and
 * device numbers differ between machines: only their presence is printed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

static void show(int fd, const char *keys[]) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  int f = open(path, O_RDONLY);
  int n = read(f, buf, sizeof buf - 1);
  close(f);
  buf[n > 0 ? n : 0] = 0;
  for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
    for (const char **k = keys; *k; k++) {
      if (strncmp(l, *k, strlen(*k))) continue;
      /* the line up to the first ino:/sdev: field */
      char *cut = strstr(l, " ino:");
      if (!cut) cut = strstr(l, "  pos:");
      if (cut) *cut = 0;
      printf("%d: %s\n", fd, l);
    }
  }
}

int main(void) {
  int e = eventfd(5, 0);
  show(e, (const char *[]){"pos:", "flags:", "eventfd-count:", NULL});
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGTERM);
  int s = signalfd(-1, &set, SFD_CLOEXEC);
  show(s, (const char *[]){"flags:", "sigmask:", NULL});
  int t = timerfd_create(CLOCK_MONOTONIC, 0);
  struct itimerspec its = {{3, 0}, {100, 0}};
  timerfd_settime(t, 0, &its, NULL);
  show(t, (const char *[]){"clockid:", "ticks:", "settime flags:", "it_interval:", NULL});
  int in = inotify_init1(IN_NONBLOCK);
  inotify_add_watch(in, "/tmp", IN_CREATE | IN_DELETE);
  inotify_add_watch(in, "/", IN_MODIFY);
  show(in, (const char *[]){"flags:", "inotify wd:", NULL});
  int ep = epoll_create1(0);
  struct epoll_event ev = {EPOLLIN | EPOLLET, {.u64 = 0x1234}};
  epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev);
  ev.events = EPOLLOUT;
  ev.data.u64 = 7;
  epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev);
  show(ep, (const char *[]){"tfd:", NULL});
  return 0;
}
