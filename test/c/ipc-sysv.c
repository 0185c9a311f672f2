// System V IPC: shared memory between processes (also attached after fork and
// by key in an unrelated child), IPC_STAT fields, IPC_RMID with attachments;
// semaphores (semop all-or-nothing, blocking until another process posts,
// IPC_NOWAIT, semtimedop timeout, GETVAL/GETALL/SETALL/GETNCNT, EIDRM to a
// waiter); message queues (types, MSG_EXCEPT, negative types, MSG_NOERROR,
// E2BIG, ENOMSG, a blocked receiver woken by a child).
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

union semun { int val; struct semid_ds *buf; unsigned short *array; };
static void check(int ok, const char *what) { printf("%-56s %s\n", what, ok ? "ok" : "FAIL"); }
static void msleep(int ms) { struct timespec d = {0, ms * 1000000L}; nanosleep(&d, NULL); }
static int status_of(pid_t p) { int st; waitpid(p, &st, 0); return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  key_t key = 0x58000000 | (getpid() & 0xffffff);

  // --- shared memory ---
  check(shmget(key, 100, 0600) < 0 && errno == ENOENT, "shmget of a missing key: ENOENT");
  int id = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600);
  check(id >= 0, "shmget IPC_CREAT|IPC_EXCL");
  check(shmget(key, 100, IPC_CREAT | IPC_EXCL | 0600) < 0 && errno == EEXIST, "again with IPC_EXCL: EEXIST");
  check(shmget(key, 100, 0600) == id, "by key: the same id");
  check(shmget(key, 20000, 0600) < 0 && errno == EINVAL, "bigger than the segment: EINVAL");
  char *m = shmat(id, NULL, 0);
  check(m != (void *)-1 && m[0] == 0 && m[9999] == 0, "shmat: zero-filled");
  strcpy(m, "parent");
  struct shmid_ds ds;
  check(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == 10000 && ds.shm_nattch == 1 && ds.shm_cpid == getpid() && (ds.shm_perm.mode & 0777) == 0600, "IPC_STAT: size, nattch, cpid, mode");
  pid_t c = fork();
  if (c == 0) {
    // inherited attachment, and a second one by key
    int id2 = shmget(key, 0, 0);
    char *m2 = shmat(id2, NULL, SHM_RDONLY);
    struct shmid_ds d2;
    shmctl(id2, IPC_STAT, &d2);
    int ok = strcmp(m2, "parent") == 0 && d2.shm_nattch == 3;
    strcpy(m + 100, "child");
    shmdt(m2);
    _exit(ok ? 0 : 1);
  }
  check(status_of(c) == 0, "child sees the segment through both attachments");
  check(strcmp(m + 100, "child") == 0, "parent sees the child's store");
  shmctl(id, IPC_STAT, &ds);
  check(ds.shm_nattch == 1 && ds.shm_lpid == c, "after the child: nattch 1, lpid the child");
  check(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID while attached");
  check(shmget(key, 100, 0600) < 0 && errno == ENOENT, "its key is gone");
  check(m[100] == 'c', "still usable while attached");
  check(shmdt(m) == 0, "shmdt");
  check(shmctl(id, IPC_STAT, &ds) < 0 && errno == EINVAL, "removed with the last detach");
  check(shmdt(m) < 0 && errno == EINVAL, "shmdt twice: EINVAL");
  check(shmat(12345678, NULL, 0) == (void *)-1 && errno == EINVAL, "shmat of a bad id: EINVAL");
  int priv = shmget(IPC_PRIVATE, 4096, 0600);
  char *fixed = shmat(priv, (void *)0x200000000, 0);
  check(fixed == (void *)0x200000000, "shmat at a given address");
  check(shmat(priv, (void *)0x200000000, 0) == (void *)-1 && errno == EINVAL, "over an existing mapping: EINVAL");
  check(shmat(priv, (void *)0x200000000, SHM_REMAP) == (void *)0x200000000, "SHM_REMAP");
  shmdt(fixed);
  shmctl(priv, IPC_RMID, NULL);

  // --- semaphores ---
  int s = semget(IPC_PRIVATE, 3, 0600);
  check(s >= 0, "semget 3 semaphores");
  unsigned short init[3] = {1, 0, 5};
  union semun u = {.array = init};
  check(semctl(s, 0, SETALL, u) == 0 && semctl(s, 2, GETVAL) == 5, "SETALL, GETVAL");
  struct sembuf two[2] = {{0, -1, 0}, {1, -1, IPC_NOWAIT}};
  check(semop(s, two, 2) < 0 && errno == EAGAIN && semctl(s, 0, GETVAL) == 1, "all or nothing: EAGAIN, nothing taken");
  struct timespec to = {0, 30 * 1000000};
  struct sembuf take1 = {1, -1, 0};
  check(semtimedop(s, &take1, 1, &to) < 0 && errno == EAGAIN, "semtimedop times out: EAGAIN");
  c = fork();
  if (c == 0) {
    msleep(30);
    int waiting = semctl(s, 1, GETNCNT);
    struct sembuf post = {1, 2, 0};
    semop(s, &post, 1);
    _exit(waiting == 1 ? 0 : 1);
  }
  check(semop(s, &take1, 1) == 0, "blocking semop woken by the child's post");
  check(status_of(c) == 0, "the child saw one waiter (GETNCNT)");
  check(semctl(s, 1, GETVAL) == 1 && semctl(s, 1, GETPID) == getpid(), "value 1 left, GETPID the last operator");
  struct sembuf zero = {1, 0, IPC_NOWAIT};
  check(semop(s, &zero, 1) < 0 && errno == EAGAIN, "wait-for-zero with IPC_NOWAIT: EAGAIN");
  struct sembuf big = {2, 32767, 0};
  check(semop(s, &big, 1) < 0 && errno == ERANGE, "over SEMVMX: ERANGE");
  struct sembuf bad = {3, 1, 0};
  check(semop(s, &bad, 1) < 0 && errno == EFBIG, "semaphore number out of range: EFBIG");
  c = fork();
  if (c == 0) {
    struct sembuf wait2 = {0, -2, 0};
    int r = semop(s, &wait2, 1);
    _exit(r < 0 && errno == EIDRM ? 0 : 1);
  }
  msleep(30);
  check(semctl(s, 0, IPC_RMID) == 0, "semctl IPC_RMID");
  check(status_of(c) == 0, "the waiter got EIDRM");
  check(semctl(s, 0, GETVAL) < 0 && errno == EINVAL, "removed set: EINVAL");

  // --- message queues ---
  int q = msgget(IPC_PRIVATE, 0600);
  struct { long type; char text[32]; } msg;
  const struct { long t; const char *s; } send[] = {{3, "three"}, {1, "one"}, {2, "two"}, {1, "one again"}};
  for (int i = 0; i < 4; i++) { msg.type = send[i].t; strcpy(msg.text, send[i].s); msgsnd(q, &msg, strlen(msg.text) + 1, 0); }
  struct msqid_ds qs;
  check(msgctl(q, IPC_STAT, &qs) == 0 && qs.msg_qnum == 4 && qs.msg_lspid == getpid(), "IPC_STAT: 4 messages");
  check(msgrcv(q, &msg, 32, 2, 0) == 4 && strcmp(msg.text, "two") == 0, "by type 2");
  check(msgrcv(q, &msg, 32, 1, MSG_EXCEPT) == 6 && msg.type == 3, "MSG_EXCEPT 1: the type 3");
  check(msgrcv(q, &msg, 32, -5, 0) == 4 && strcmp(msg.text, "one") == 0, "negative type: the lowest first");
  check(msgrcv(q, &msg, 3, 0, 0) < 0 && errno == E2BIG, "too long: E2BIG");
  check(msgrcv(q, &msg, 3, 0, MSG_NOERROR) == 3 && memcmp(msg.text, "one", 3) == 0, "MSG_NOERROR truncates");
  check(msgrcv(q, &msg, 32, 0, IPC_NOWAIT) < 0 && errno == ENOMSG, "empty with IPC_NOWAIT: ENOMSG");
  msg.type = 0;
  check(msgsnd(q, &msg, 1, 0) < 0 && errno == EINVAL, "type 0: EINVAL");
  c = fork();
  if (c == 0) { msleep(30); msg.type = 9; strcpy(msg.text, "late"); msgsnd(q, &msg, 5, 0); _exit(0); }
  check(msgrcv(q, &msg, 32, 9, 0) == 5 && strcmp(msg.text, "late") == 0, "blocked receiver woken by the child");
  status_of(c);
  msgctl(q, IPC_STAT, &qs);
  check(qs.msg_qnum == 0 && qs.msg_lrpid == getpid(), "empty again, lrpid");
  check(msgctl(q, IPC_RMID, NULL) == 0 && msgsnd(q, &msg, 1, 0) < 0 && (errno == EINVAL || errno == EIDRM), "removed queue refuses messages");
  return 0;
}
