// What a process can see of its machine's numbering: its pid, the inode
// numbers of new pipes, sockets and event files, and whether a System V
// message queue key already exists. Two machines running this at once must
// print the same: they share no counters and no IPC namespace. It waits for
// a line on stdin before it leaves, so the test can keep both alive at once.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned long ino(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

int main(int argc, char **argv) {
  key_t key = argc > 1 ? (key_t)atoi(argv[1]) : 0x5a17;
  int p[2], s[2];
  if (pipe(p) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0) { perror("pipe"); return 1; }
  int e = eventfd(0, 0);
  unsigned long pi = ino(p[0]), si = ino(s[0]);
  // the same machine hands out increasing numbers: report the steps, not the values
  int p2[2];
  if (pipe(p2) != 0) return 1;
  printf("pid %d\n", (int)getpid());
  printf("pipe ends share an inode: %s\n", ino(p[0]) == ino(p[1]) ? "yes" : "no");
  printf("first pipe %lu socket %lu eventfd %lu second pipe %lu\n", pi, si, ino(e), ino(p2[0]));
  int q = msgget(key, 0);
  printf("queue before: %s\n", q >= 0 ? "exists" : errno == ENOENT ? "ENOENT" : strerror(errno));
  q = msgget(key, IPC_CREAT | 0600);
  printf("queue made: %s\n", q >= 0 ? "yes" : strerror(errno));
  fflush(stdout);
  char line[16];
  if (!fgets(line, sizeof line, stdin)) line[0] = 0;
  if (q >= 0) msgctl(q, IPC_RMID, NULL);
  printf("done\n");
  return 0;
}
