/* O_TMPFILE: an unnamed file in a directory, named later with
 * linkat(fd, "", …, AT_EMPTY_PATH) or by linking /proc/self/fd/N with
 * AT_SYMLINK_FOLLOW; O_EXCL makes it unlinkable; the errnos. Run in a fresh
 * directory under /tmp (the host's file system) and again on a tmpfs mounted
 * there (in a private mount namespace natively). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%s: %ld errno %d\n", label, r_, r_ < 0 ? errno : 0); } while (0)
#define OK(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%s: %s errno %d\n", label, r_ >= 0 ? "ok" : "failed", r_ < 0 ? errno : 0); } while (0)

static char path_buf[4][512];
static int path_i;
static const char *in(const char *dir, const char *name) {
    char *b = path_buf[path_i++ & 3];
    snprintf(b, 512, "%s/%s", dir, name);
    return b;
}

static void list(const char *dir) {
    DIR *d = opendir(dir);
    char names[32][64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 32) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) snprintf(names[n++], 64, "%s", e->d_name);
    closedir(d);
    qsort(names, n, 64, (int (*)(const void *, const void *))strcmp);
    printf("  entries:");
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf("\n");
}
static void show(const char *label, const char *path) {
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("%s: errno %d\n", label, errno); return; }
    int n = read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("%s: %d %s\n", label, n, buf);
}
static long nlink_of(int fd) { struct stat s; return fstat(fd, &s) ? -1 : (long)s.st_nlink; }

static void checks(const char *dir, const char *label) {
    printf("-- in %s\n", label);
    int fd = open(dir, O_TMPFILE | O_RDWR, 0666);
    OK("O_TMPFILE", fd);
    struct stat st;
    fstat(fd, &st);
    printf("  F_GETFL %o\n", fcntl(fd, F_GETFL) & (O_TMPFILE | O_ACCMODE | O_EXCL));
    printf("  mode %o nlink %ld size %ld\n", st.st_mode, (long)st.st_nlink, (long)st.st_size);
    write(fd, "hello", 5);
    list(dir);
    CHECK("linkat AT_EMPTY_PATH", linkat(fd, "", AT_FDCWD, in(dir, "named"), AT_EMPTY_PATH));
    printf("  nlink after link %ld\n", nlink_of(fd));
    show("  named", in(dir, "named"));
    CHECK("linkat onto existing", linkat(fd, "", AT_FDCWD, in(dir, "named"), AT_EMPTY_PATH));
    CHECK("unlink named", unlink(in(dir, "named")));
    CHECK("relink after unlink", linkat(fd, "", AT_FDCWD, in(dir, "again"), AT_EMPTY_PATH));
    CHECK("fchmod", fchmod(fd, 0640));
    CHECK("ftruncate", ftruncate(fd, 3));
    close(fd);

    fd = open(dir, O_TMPFILE | O_WRONLY, 0600);
    write(fd, "via proc", 8);
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    CHECK("link /proc/self/fd/N nofollow", linkat(AT_FDCWD, proc, AT_FDCWD, in(dir, "p0"), 0));
    CHECK("link /proc/self/fd/N follow", linkat(AT_FDCWD, proc, AT_FDCWD, in(dir, "p1"), AT_SYMLINK_FOLLOW));
    show("  p1", in(dir, "p1"));
    CHECK("link it again, named now", linkat(AT_FDCWD, proc, AT_FDCWD, in(dir, "p2"), AT_SYMLINK_FOLLOW));
    printf("  nlink %ld\n", nlink_of(fd));
    unlink(in(dir, "p2"));
    close(fd);

    fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL, 0600);
    OK("O_TMPFILE|O_EXCL", fd);
    CHECK("link O_EXCL", linkat(fd, "", AT_FDCWD, in(dir, "excl"), AT_EMPTY_PATH));
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    CHECK("link O_EXCL via proc", linkat(AT_FDCWD, proc, AT_FDCWD, in(dir, "excl"), AT_SYMLINK_FOLLOW));
    close(fd);

    /* an ordinary file: linkable by its fd while it has a name, not after */
    int reg = open(in(dir, "reg"), O_CREAT | O_RDWR, 0644);
    CHECK("link named file by fd", linkat(reg, "", AT_FDCWD, in(dir, "reg2"), AT_EMPTY_PATH));
    unlink(in(dir, "reg"));
    unlink(in(dir, "reg2"));
    CHECK("link unlinked file by fd", linkat(reg, "", AT_FDCWD, in(dir, "reg3"), AT_EMPTY_PATH));
    close(reg);

    CHECK("O_TMPFILE O_RDONLY", open(dir, O_TMPFILE | O_RDONLY, 0600));
    CHECK("O_TMPFILE|O_CREAT", open(dir, O_TMPFILE | O_CREAT | O_RDWR, 0600));
    {
        int pfd = open(dir, O_TMPFILE | O_PATH | O_RDWR, 0600); /* O_PATH drops the rest: the directory */
        struct stat ps;
        printf("O_TMPFILE|O_PATH: dir %d F_GETFL %o\n", pfd >= 0 && fstat(pfd, &ps) == 0 && S_ISDIR(ps.st_mode), fcntl(pfd, F_GETFL));
        close(pfd);
    }
    CHECK("__O_TMPFILE without O_DIRECTORY", open(dir, (O_TMPFILE & ~O_DIRECTORY) | O_RDWR, 0600));
    CHECK("O_TMPFILE on a file", open(in(dir, "p1"), O_TMPFILE | O_RDWR, 0600));
    CHECK("O_TMPFILE missing dir", open(in(dir, "nope"), O_TMPFILE | O_RDWR, 0600));
    CHECK("linkat into missing dir", ({ int f_ = open(dir, O_TMPFILE | O_RDWR, 0600); int r_ = linkat(f_, "", AT_FDCWD, in(dir, "nope/x"), AT_EMPTY_PATH); int e_ = errno; close(f_); errno = e_; r_; }));
    pid_t pid = fork();
    if (pid == 0) {
        setuid(65534);
        CHECK("user O_TMPFILE in root's dir", open(dir, O_TMPFILE | O_RDWR, 0600));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    list(dir);
    unlink(in(dir, "again"));
    unlink(in(dir, "p1"));
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022);
    char base[] = "/tmp/xos-tmpfile-XXXXXX";
    if (!mkdtemp(base)) return 1;
    chmod(base, 0755);
    checks(base, "the host's file system");
    CHECK("O_TMPFILE in /proc", open("/proc", O_TMPFILE | O_RDWR, 0600));

    CHECK("unshare", unshare(CLONE_NEWNS));
    CHECK("make private", mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    char t[600];
    snprintf(t, sizeof t, "%s/t", base);
    mkdir(t, 0755);
    CHECK("mount tmpfs", mount("none", t, "tmpfs", 0, "mode=0755"));
    checks(t, "a tmpfs");
    CHECK("remount ro", mount(NULL, t, NULL, MS_REMOUNT | MS_RDONLY, NULL));
    CHECK("O_TMPFILE on ro", open(t, O_TMPFILE | O_RDWR, 0600));
    CHECK("umount", umount(t));
    rmdir(t);
    printf("cleanup: %d\n", rmdir(base));
    return 0;
}
