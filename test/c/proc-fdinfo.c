/* /proc/self/fdinfo of the kernel's own kinds of file, as ps-like tools and
 * checkpointers parse them: eventfd's count, signalfd's mask, timerfd's
 * clock and interval, inotify's watches, epoll's interest list. Inode and
 * device numbers differ between machines: only their presence is printed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* sorted: the lines in strcmp order (epoll's interest list is in the order of its kernel's
 * red-black tree, keyed by the file's address: not a thing two kernels agree on) */
static void show_lines(int fd, const char *keys[], int sorted) {
  char path[64], buf[4096], *lines[64];
  int nl = 0;
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
      if (nl < 64) lines[nl++] = l;
    }
  }
  if (sorted) qsort(lines, nl, sizeof lines[0], cmp);
  for (int i = 0; i < nl; i++) printf("%d: %s\n", fd, lines[i]);
}
static void show(int fd, const char *keys[]) { show_lines(fd, keys, 0); }

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
  show_lines(ep, (const char *[]){"tfd:", NULL}, 1);
  return 0;
}
