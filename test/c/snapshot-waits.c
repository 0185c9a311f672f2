// Waits a snapshot must keep: bytes in a pipe, a child in nanosleep, a thread
// in FUTEX_WAIT, a thread in semop on a System V semaphore, and the main
// thread reading a timerfd. It prints "ready" once all of them wait; the test
// saves the machine then, restores it, and the rest must come out as natively.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int word;
static int semid;

static void *futex_waiter(void *arg) {
  (void)arg;
  while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0) syscall(SYS_futex, &word, FUTEX_WAIT, 0, NULL, NULL, 0);
  return (void *)(intptr_t)word;
}

static void *sem_waiter(void *arg) {
  (void)arg;
  struct sembuf down = { 0, -1, 0 };
  while (semop(semid, &down, 1) != 0) {}
  return (void *)7;
}

int main(void) {
  int p[2];
  if (pipe(p)) return 1;
  const char *msg = "bytes in flight\n";
  if (write(p[1], msg, strlen(msg)) != (ssize_t)strlen(msg)) return 1;
  pid_t child = fork();
  if (child == 0) {
    struct timespec ts = { 1, 500000000 };
    nanosleep(&ts, NULL);
    printf("child slept\n");
    fflush(stdout);
    _exit(3);
  }
  semid = semget(IPC_PRIVATE, 1, 0600);
  if (semid < 0) return 1;
  pthread_t a, b;
  pthread_create(&a, NULL, futex_waiter, NULL);
  pthread_create(&b, NULL, sem_waiter, NULL);
  int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
  struct itimerspec its = { { 0, 0 }, { 1, 0 } };
  timerfd_settime(tfd, 0, &its, NULL);
  // the waiters have some time to block before the test sees "ready"
  usleep(200000);
  printf("ready\n");
  fflush(stdout);
  uint64_t n = 0;
  if (read(tfd, &n, sizeof n) != sizeof n) return 1;
  printf("timerfd expired %llu time(s)\n", (unsigned long long)n);
  char buf[64] = { 0 };
  ssize_t got = read(p[0], buf, sizeof buf - 1);
  printf("pipe gave %zd bytes: %s", got, buf);
  __atomic_store_n(&word, 5, __ATOMIC_SEQ_CST);
  syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0);
  void *ra, *rb;
  pthread_join(a, &ra);
  printf("futex waiter returned %d\n", (int)(intptr_t)ra);
  struct sembuf up = { 0, 1, 0 };
  semop(semid, &up, 1);
  pthread_join(b, &rb);
  printf("semaphore waiter returned %d\n", (int)(intptr_t)rb);
  semctl(semid, 0, IPC_RMID);
  int st;
  waitpid(child, &st, 0);
  printf("child exited with %d\n", WEXITSTATUS(st));
  return 0;
}
