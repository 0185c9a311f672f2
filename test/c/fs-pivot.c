/* pivot_root(2): a tmpfs becomes the root and the old root appears at
 * put_old; pivoting back restores the first arrangement (so the test leaves
 * nothing behind); the errnos. The pivots happen in a child, in a private mount
 * namespace natively (under xos the machine has one mount tree). */
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%s: %ld errno %d\n", label, r_, r_ < 0 ? errno : 0); } while (0)

static char base[64];
static long pivot(const char *n, const char *o) { return syscall(SYS_pivot_root, n, o); }
static const char *at(const char *prefix, const char *rel) {
    static char bufs[4][256];
    static int i;
    char *b = bufs[i++ & 3];
    snprintf(b, 256, "%s%s/%s", prefix, base, rel);
    return b;
}
static void list(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) { printf("ls %s: errno %d\n", dir, errno); return; }
    char names[32][64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 32) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) snprintf(names[n++], 64, "%s", e->d_name);
    closedir(d);
    qsort(names, n, 64, (int (*)(const void *, const void *))strcmp);
    printf("ls %s:", strstr(dir, base) ? "BASE/..." : dir);
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf("\n");
}
static void cwd(void) {
    char buf[512];
    if (!getcwd(buf, sizeof buf)) { printf("cwd: errno %d\n", errno); return; }
    char *p = strstr(buf, base);
    if (p) printf("cwd: %.*sBASE%s\n", (int)(p - buf), buf, p + strlen(base));
    else printf("cwd: %s\n", buf);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(base, sizeof base, "/tmp/xos-pivot-XXXXXX");
    if (!mkdtemp(base)) return 1;
    chmod(base, 0755);
    mkdir(at("", "new"), 0755);
    mkdir(at("", "other"), 0755);

    pid_t pid = fork();
    if (pid == 0) {
        setuid(65534);
        CHECK("user pivot_root", pivot(at("", "new"), at("", "new")));
        _exit(0);
    }
    waitpid(pid, NULL, 0);

    pid = fork();
    if (pid == 0) {
        CHECK("unshare", unshare(CLONE_NEWNS));
        CHECK("make private", mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
        CHECK("mount tmpfs", mount("none", at("", "new"), "tmpfs", 0, "mode=0755"));
        mkdir(at("", "new/old"), 0755);
        mkdir(at("", "new/notmnt"), 0755);
        int fd = open(at("", "new/hello"), O_CREAT | O_WRONLY, 0644);
        write(fd, "hi", 2);
        close(fd);
        CHECK("put_old on the root mount", pivot(at("", "new"), at("", "other")));
        CHECK("new_root on the root mount", pivot(base, base));
        CHECK("new_root a file", pivot(at("", "new/hello"), at("", "new/old")));
        CHECK("new_root missing", pivot(at("", "new/nope"), at("", "new/old")));
        CHECK("put_old missing", pivot(at("", "new"), at("", "new/nope")));
        CHECK("new_root not a mount point", pivot(at("", "new/notmnt"), at("", "new/notmnt")));
        chdir(base);
        CHECK("pivot_root", pivot(at("", "new"), at("", "new/old")));
        list("/");
        cwd();
        CHECK("old root at put_old", access(at("/old", "other"), F_OK));
        CHECK("new root gone from the old place", access(at("/old", "new/hello"), F_OK));
        fd = open("/hello", O_RDONLY);
        char buf[8] = {0};
        read(fd, buf, sizeof buf - 1);
        close(fd);
        printf("/hello: %s\n", buf);
        CHECK("pivot back", pivot("/old", at("/old", "new")));
        cwd();
        list(at("", "new"));
        CHECK("umount", umount(at("", "new")));
        list(at("", "new"));
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    rmdir(at("", "new"));
    rmdir(at("", "other"));
    printf("cleanup: %d\n", rmdir(base));
    return 0;
}
