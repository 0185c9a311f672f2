/* Credentials: a child drops from root to uid/gid 1000 and is then refused
 * what root may do. Run as root (as CI does). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <grp.h>
#include <sys/wait.h>
#include <sys/stat.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char dir[] = "/tmp/xos-creds-XXXXXX";
  if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
  char secret[128];
  snprintf(secret, sizeof secret, "%s/secret", dir);
  int fd = open(secret, O_CREAT | O_WRONLY, 0600);
  write(fd, "x", 1);
  close(fd);
  chmod(dir, 0755);
  printf("root: uid %d euid %d\n", getuid(), geteuid());
  pid_t p = fork();
  if (p == 0) {
    gid_t g[] = { 1000, 1001 };
    printf("setgroups %d\n", setgroups(2, g));
    printf("getgroups %d\n", getgroups(0, NULL));
    printf("setresgid %d\n", setresgid(1000, 1000, 1000));
    printf("setreuid %d\n", setreuid(1000, 1000));
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    printf("resuid %d %d %d\n", r, e, s);
    int rc = setuid(0);
    printf("setuid(0) %d errno %s\n", rc, errno == EPERM ? "EPERM" : "other");
    rc = open(secret, O_RDONLY);
    printf("open secret %d errno %s\n", rc, errno == EACCES ? "EACCES" : "other");
    rc = setgroups(0, NULL);
    printf("setgroups %d errno %s\n", rc, errno == EPERM ? "EPERM" : "other");
    printf("setuid(1000) %d\n", setuid(1000));
    _exit(0);
  }
  int st;
  waitpid(p, &st, 0);
  printf("child status %d\n", WEXITSTATUS(st));
  /* a saved id lets an unprivileged process switch back and forth */
  p = fork();
  if (p == 0) {
    printf("setresuid %d\n", setresuid(0, 1000, 0));
    printf("euid %d\n", geteuid());
    int rc = seteuid(0);
    printf("back to 0 %d euid %d\n", rc, geteuid());
    _exit(0);
  }
  waitpid(p, &st, 0);
  unlink(secret);
  rmdir(dir);
  return 0;
}
