/* Device nodes and read-only mounts: on a tmpfs remounted read-only every change
 * is EROFS (mknod of a device too, before the EPERM a non-root caller would get);
 * root makes character devices on a tmpfs (the node keeps its number; opening
 * one the machine has opens it, an unknown one gives ENXIO). As root, in a mount
 * namespace of its own. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#define T(l, c) do { errno = 0; int r_ = (c); printf("%s: %d %s\n", l, r_, r_ < 0 ? strerror(errno) : ""); } while (0)
int main(void) {
  if (unshare(CLONE_NEWNS)) { perror("unshare"); return 1; }
  mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
  mkdir("/tmp/xos-ro", 0755);
  T("mount tmpfs", mount("tmpfs", "/tmp/xos-ro", "tmpfs", 0, NULL));
  close(open("/tmp/xos-ro/f", O_CREAT | O_WRONLY, 0644));
  mkdir("/tmp/xos-ro/d", 0755);
  T("remount ro", mount("tmpfs", "/tmp/xos-ro", "tmpfs", MS_REMOUNT | MS_RDONLY, NULL));
  T("create", open("/tmp/xos-ro/g", O_CREAT | O_WRONLY, 0644));
  T("open for writing", open("/tmp/xos-ro/f", O_WRONLY));
  T("mkdir", mkdir("/tmp/xos-ro/e", 0755));
  T("unlink", unlink("/tmp/xos-ro/f"));
  T("rmdir", rmdir("/tmp/xos-ro/d"));
  T("chmod", chmod("/tmp/xos-ro/f", 0600));
  T("chown", chown("/tmp/xos-ro/f", 1, 1));
  T("rename", rename("/tmp/xos-ro/f", "/tmp/xos-ro/h"));
  T("symlink", symlink("x", "/tmp/xos-ro/s"));
  T("link", link("/tmp/xos-ro/f", "/tmp/xos-ro/l"));
  T("mknod fifo", mknod("/tmp/xos-ro/p", S_IFIFO | 0644, 0));
  T("truncate", truncate("/tmp/xos-ro/f", 0));
  T("utimes", utimensat(AT_FDCWD, "/tmp/xos-ro/f", NULL, 0));
  T("access W_OK", access("/tmp/xos-ro/f", W_OK));
  T("open read", open("/tmp/xos-ro/f", O_RDONLY) >= 0 ? 0 : -1);
  T("mknod chr", mknod("/tmp/xos-ro/c", S_IFCHR | 0644, makedev(1, 3)));
  umount("/tmp/xos-ro");
  mkdir("/tmp/xos-dev", 0755);
  mount("tmpfs", "/tmp/xos-dev", "tmpfs", 0, NULL);
  T("mknod chr on tmpfs", mknod("/tmp/xos-dev/null2", S_IFCHR | 0666, makedev(1, 3)));
  struct stat st; stat("/tmp/xos-dev/null2", &st);
  printf("rdev %d:%d type chr %d\n", major(st.st_rdev), minor(st.st_rdev), S_ISCHR(st.st_mode));
  int fd = open("/tmp/xos-dev/null2", O_WRONLY);
  printf("open it: %d\n", fd >= 0);
  T("mknod chr 250:7", mknod("/tmp/xos-dev/odd", S_IFCHR | 0666, makedev(250, 7)));
  T("open 250:7", open("/tmp/xos-dev/odd", O_RDONLY));
  umount("/tmp/xos-dev");
  return 0;
}
