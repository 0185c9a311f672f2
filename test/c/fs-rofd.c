/* A read-only mount refuses every change, by path and by descriptor: fchmod,
 * fchown and futimens on a file opened read-only (a guest once made a
 * set-user-ID root file in a read-only host directory that way), the *at calls
 * from a directory descriptor, O_PATH descriptors, /proc/self/fd/N, xattrs,
 * truncate, writes, mmap. DIR holds a file f (0644) and a directory d; when DIR
 * is not read-only already (natively, or under xos without a :ro mount) it is
 * made so first: bound onto itself read-only in a private mount namespace
 * (root only). Prints each call's result (errno names).
 * usage: fs-rofd DIR */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

static const char *name(int e) {
    switch (e) {
    case 0: return "ok";
    case EROFS: return "EROFS";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EISDIR: return "EISDIR";
    case ENODEV: return "ENODEV";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENODATA: return "ENODATA";
    default: return strerror(e);
    }
}
#define T(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%-44s %s\n", label, r_ < 0 ? name(errno) : "ok"); } while (0)

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: fs-rofd DIR\n"); return 2; }
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *dir = argv[1];
    struct statvfs sv;
    if (statvfs(dir, &sv)) { perror("statvfs"); return 1; }
    if (!(sv.f_flag & ST_RDONLY)) {
        if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
            mount(dir, dir, NULL, MS_BIND, NULL) || mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL)) {
            perror("making DIR read-only");
            return 1;
        }
    }
    if (chdir(dir)) { perror("chdir"); return 1; }
    statvfs(".", &sv);
    printf("read-only: %d\n", (sv.f_flag & ST_RDONLY) != 0);

    int fd = open("f", O_RDONLY);
    printf("-- a descriptor opened read-only\n");
    T("fchmod 04755", fchmod(fd, 04755));
    T("fchown 0:0", fchown(fd, 0, 0));
    T("futimens now", futimens(fd, NULL));
    T("utimensat(fd, NULL)", utimensat(fd, NULL, NULL, 0));
    T("fchownat(fd, \"\", AT_EMPTY_PATH)", fchownat(fd, "", 0, 0, AT_EMPTY_PATH));
    T("fsetxattr user.x", fsetxattr(fd, "user.x", "v", 1, 0));
    T("fremovexattr user.x", fremovexattr(fd, "user.x"));
    T("ftruncate", ftruncate(fd, 0));
    T("fallocate", fallocate(fd, 0, 0, 4096));
    T("write", write(fd, "x", 1));
    T("pwrite", pwrite(fd, "x", 1, 0));
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("%-44s %s\n", "mmap PROT_WRITE MAP_SHARED", m == MAP_FAILED ? name(errno) : "ok");
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    T("chmod /proc/self/fd/N", chmod(self, 04755));
    T("chown /proc/self/fd/N", chown(self, 0, 0));
    T("truncate /proc/self/fd/N", truncate(self, 0));
    T("open /proc/self/fd/N O_RDWR", open(self, O_RDWR));

    printf("-- an O_PATH descriptor\n");
    int pfd = open("f", O_PATH);
    T("fchmod", fchmod(pfd, 04755));
    T("fchownat(pfd, \"\", AT_EMPTY_PATH)", fchownat(pfd, "", 0, 0, AT_EMPTY_PATH));
    snprintf(self, sizeof self, "/proc/self/fd/%d", pfd);
    T("chmod /proc/self/fd/N", chmod(self, 04755));
    T("utimes /proc/self/fd/N", utimes(self, NULL));

    printf("-- a directory descriptor\n");
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    T("fchmod the directory", fchmod(dfd, 0777));
    T("fchown the directory", fchown(dfd, 0, 0));
    T("futimens the directory", futimens(dfd, NULL));
    T("openat O_CREAT", openat(dfd, "new", O_CREAT | O_WRONLY, 0644));
    T("openat O_WRONLY", openat(dfd, "f", O_WRONLY));
    T("openat O_RDONLY|O_TRUNC", openat(dfd, "f", O_RDONLY | O_TRUNC));
    T("mkdirat", mkdirat(dfd, "nd", 0755));
    T("unlinkat", unlinkat(dfd, "f", 0));
    T("unlinkat AT_REMOVEDIR", unlinkat(dfd, "d", AT_REMOVEDIR));
    T("renameat", renameat(dfd, "f", dfd, "g"));
    T("symlinkat", symlinkat("f", dfd, "s"));
    T("linkat", linkat(dfd, "f", dfd, "h", 0));
    T("mknodat FIFO", mknodat(dfd, "p", S_IFIFO | 0644, 0));
    T("fchmodat", fchmodat(dfd, "f", 04755, 0));
    T("fchownat", fchownat(dfd, "f", 0, 0, 0));
    T("utimensat", utimensat(dfd, "f", NULL, 0));
    T("faccessat W_OK", faccessat(dfd, "f", W_OK, 0));

    printf("-- by path\n");
    T("chmod", chmod("f", 04755));
    T("chown", chown("f", 0, 0));
    T("lchown", lchown("f", 0, 0));
    T("utimes", utimes("f", NULL));
    T("truncate", truncate("f", 0));
    T("setxattr", setxattr("f", "user.x", "v", 1, 0));
    T("lsetxattr", lsetxattr("f", "user.x", "v", 1, 0));
    T("removexattr", removexattr("f", "user.x"));
    T("open O_RDWR", open("f", O_RDWR));
    T("open O_CREAT in d", open("d/new", O_CREAT | O_WRONLY, 0644));
    T("rmdir d", rmdir("d"));
    T("access W_OK", access("f", W_OK));
    struct stat st;
    stat("f", &st);
    printf("f afterwards: mode %o size %ld\n", st.st_mode & 07777, (long)st.st_size);
    return 0;
}
