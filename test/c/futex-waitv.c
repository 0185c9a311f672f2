/* futex_waitv: waiting on several words, woken by one (its index returned),
 * EAGAIN when a word already differs, ETIMEDOUT, EINVAL for bad arguments;
 * and a FUTEX_WAIT interrupted by a signal leaves no waiter behind (a later
 * FUTEX_WAKE finds nobody to wake). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32 2
#define FUTEX2_PRIVATE 128
#endif
struct waitv { uint64_t val, uaddr; uint32_t flags, reserved; };

static uint32_t words[3];
static long waitv(struct waitv *w, unsigned n, unsigned flags, struct timespec *ts, int clock) {
  return syscall(449, w, n, flags, ts, clock);
}
static const char *en(long r) {
  if (r >= 0) return "";
  switch (errno) {
  case EAGAIN: return " EAGAIN";
  case ETIMEDOUT: return " ETIMEDOUT";
  case EINVAL: return " EINVAL";
  case EFAULT: return " EFAULT";
  case EINTR: return " EINTR";
  default: return " other";
  }
}
#define SHOW(label, call) do { errno = 0; long r_ = (call); printf("%s: %ld%s\n", label, r_, en(r_)); } while (0)

static void *waker(void *arg) {
  (void)arg;
  usleep(100000);
  __atomic_store_n(&words[1], 1, __ATOMIC_SEQ_CST);
  syscall(SYS_futex, &words[1], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
  return NULL;
}
static void on_usr1(int s) { (void)s; }
static uint32_t word;
static void *sleeper(void *arg) {
  (void)arg;
  long r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
  printf("interrupted FUTEX_WAIT: %ld%s\n", r, en(r));
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct waitv w[3];
  for (int i = 0; i < 3; i++) w[i] = (struct waitv){0, (uintptr_t)&words[i], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0};
  pthread_t th;
  pthread_create(&th, NULL, waker, NULL);
  SHOW("woken by word 1", waitv(w, 3, 0, NULL, 0));
  pthread_join(th, NULL);
  SHOW("a word differs", waitv(w, 3, 0, NULL, 0));
  words[1] = 0;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_nsec += 50000000;
  if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
  SHOW("timeout", waitv(w, 3, 0, &ts, CLOCK_MONOTONIC));
  SHOW("timeout on a bad clock", waitv(w, 3, 0, &ts, CLOCK_BOOTTIME));
  SHOW("flags", waitv(w, 3, 1, NULL, 0));
  SHOW("no waiters", waitv(w, 0, 0, NULL, 0));
  SHOW("129 waiters", waitv(w, 129, 0, NULL, 0));
  w[2].flags = 3;
  SHOW("a waiter's size flags", waitv(w, 3, 0, NULL, 0));
  w[2].flags = FUTEX2_SIZE_U32;
  w[2].reserved = 1;
  SHOW("reserved field", waitv(w, 3, 0, NULL, 0));
  w[2].reserved = 0;
  w[2].uaddr = (uintptr_t)&words[2] + 1;
  SHOW("unaligned word", waitv(w, 3, 0, NULL, 0));
  SHOW("bad array", waitv((void *)8, 3, 0, NULL, 0));

  /* FUTEX_WAIT interrupted by a handled signal */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  pthread_create(&th, NULL, sleeper, NULL);
  usleep(100000);
  pthread_kill(th, SIGUSR1);
  pthread_join(th, NULL);
  SHOW("FUTEX_WAKE after the interrupted wait wakes", syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
  return 0;
}
