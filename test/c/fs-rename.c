/* renameat2: RENAME_EXCHANGE (files, directories, a file with a directory,
 * across directories, symlinks not followed) and its errnos, RENAME_NOREPLACE,
 * and the flag checks. Run in a fresh directory under /tmp (the host's file
 * system) and again on a tmpfs mounted there (in a private mount namespace
 * natively). RENAME_WHITEOUT is only checked where every file system agrees
 * (EPERM without CAP_MKNOD). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%s: %ld errno %d\n", label, r_, r_ < 0 ? errno : 0); } while (0)
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4
#endif

static long rn2(int ofd, const char *o, int nfd, const char *n, unsigned flags) {
    return syscall(SYS_renameat2, ofd, o, nfd, n, flags);
}
static void put(int dir, const char *name, const char *text) {
    int fd = openat(dir, name, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(fd, text, strlen(text));
    close(fd);
}
static void show(int dir, const char *name) {
    char buf[64] = {0};
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW)) { printf("  %s: errno %d\n", name, errno); return; }
    if (S_ISDIR(st.st_mode)) { printf("  %s: dir\n", name); return; }
    if (S_ISLNK(st.st_mode)) { readlinkat(dir, name, buf, sizeof buf - 1); printf("  %s: link -> %s\n", name, buf); return; }
    int fd = openat(dir, name, O_RDONLY);
    read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("  %s: %s\n", name, buf);
}
static long nlink(int dir, const char *name) { struct stat st; return fstatat(dir, name, &st, 0) ? -1 : (long)st.st_nlink; }
static unsigned long ino(int dir, const char *name) { struct stat st; return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) ? 0 : (unsigned long)st.st_ino; }

static void checks(const char *path, const char *label) {
    printf("-- in %s\n", label);
    int d = open(path, O_RDONLY | O_DIRECTORY);
    put(d, "a", "AAA");
    put(d, "b", "BBB");
    unsigned long ia = ino(d, "a"), ib = ino(d, "b");
    CHECK("exchange files", rn2(d, "a", d, "b", RENAME_EXCHANGE));
    show(d, "a");
    show(d, "b");
    printf("  inodes swapped: %d\n", ino(d, "a") == ib && ino(d, "b") == ia);
    mkdirat(d, "dir", 0755);
    put(d, "dir/inner", "inner");
    CHECK("exchange file and dir", rn2(d, "a", d, "dir", RENAME_EXCHANGE));
    show(d, "a");
    show(d, "dir");
    show(d, "a/inner");
    mkdirat(d, "p", 0755);
    mkdirat(d, "q", 0755);
    mkdirat(d, "p/sub", 0755);
    put(d, "q/file", "in q");
    printf("  nlink p %ld q %ld\n", nlink(d, "p"), nlink(d, "q"));
    CHECK("exchange across dirs", rn2(d, "p/sub", d, "q/file", RENAME_EXCHANGE));
    printf("  nlink p %ld q %ld\n", nlink(d, "p"), nlink(d, "q"));
    show(d, "p/sub");
    show(d, "q/file");
    symlinkat("b", d, "link");
    CHECK("exchange symlink", rn2(d, "link", d, "dir", RENAME_EXCHANGE));
    show(d, "link");
    show(d, "dir");
    CHECK("exchange with missing", rn2(d, "b", d, "missing", RENAME_EXCHANGE));
    CHECK("exchange missing with", rn2(d, "missing", d, "b", RENAME_EXCHANGE));
    CHECK("exchange|noreplace", rn2(d, "b", d, "dir", RENAME_EXCHANGE | RENAME_NOREPLACE));
    CHECK("exchange|whiteout", rn2(d, "b", d, "dir", RENAME_EXCHANGE | RENAME_WHITEOUT));
    CHECK("bad flags", rn2(d, "b", d, "dir", 8));
    CHECK("exchange dir with its child", rn2(d, "p", d, "p/sub", RENAME_EXCHANGE));
    CHECK("exchange child with its dir", rn2(d, "p/sub", d, "p", RENAME_EXCHANGE));
    CHECK("exchange with itself", rn2(d, "b", d, "b", RENAME_EXCHANGE));
    linkat(d, "b", d, "b2", 0);
    CHECK("exchange hard links", rn2(d, "b", d, "b2", RENAME_EXCHANGE));
    CHECK("exchange with .", rn2(d, "p/.", d, "q", RENAME_EXCHANGE));
    CHECK("exchange file/ with dir", rn2(d, "b/", d, "q", RENAME_EXCHANGE));
    CHECK("exchange across mounts", rn2(d, "b", AT_FDCWD, "/proc/self/status", RENAME_EXCHANGE));
    CHECK("noreplace onto existing", rn2(d, "b", d, "b2", RENAME_NOREPLACE));
    CHECK("noreplace to new", rn2(d, "b2", d, "b3", RENAME_NOREPLACE));
    pid_t pid = fork();
    if (pid == 0) {
        setuid(65534);
        CHECK("user whiteout", rn2(d, "b", d, "b4", RENAME_WHITEOUT));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    const char *files[] = {"a/inner", "b", "b3", "link", "p/sub", "q/file"};
    for (unsigned i = 0; i < sizeof files / sizeof *files; i++) unlinkat(d, files[i], 0);
    const char *dirs[] = {"a", "dir", "p", "q/file", "q"};
    for (unsigned i = 0; i < sizeof dirs / sizeof *dirs; i++) unlinkat(d, dirs[i], AT_REMOVEDIR);
    unlinkat(d, "dir", 0);
    close(d);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char base[] = "/tmp/xos-rename-XXXXXX";
    if (!mkdtemp(base)) return 1;
    chmod(base, 0755);
    checks(base, "the host's file system");
    CHECK("unshare", unshare(CLONE_NEWNS));
    CHECK("make private", mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    char t[600];
    snprintf(t, sizeof t, "%s/t", base);
    mkdir(t, 0755);
    CHECK("mount tmpfs", mount("none", t, "tmpfs", 0, NULL));
    checks(t, "a tmpfs");
    CHECK("umount", umount(t));
    rmdir(t);
    printf("cleanup: %d\n", rmdir(base));
    return 0;
}
