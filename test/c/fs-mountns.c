/* Mount namespaces: unshare(CLONE_NEWNS) and clone(CLONE_NEWNS) give a
 * process its own copy of the mount tree: its mounts are invisible to its
 * parent (paths and /proc/PID/mounts) and shared with its own children;
 * CLONE_NEWNS|CLONE_FS is EINVAL, and EPERM without root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%s: %ld errno %d\n", label, r_, r_ < 0 ? errno : 0); } while (0)

static char base[64], m[128];

/* /proc/PID/mounts lists `m` */
static int listed(pid_t pid) {
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/mounts", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        char a[512], b[512];
        if (sscanf(line, "%s %s", a, b) == 2 && strcmp(b, m) == 0) found = 1;
    }
    fclose(f);
    return found;
}

/* In a new namespace: mount a tmpfs at m, tell the parent, wait for it to look. */
static void mount_and_wait(int ready, int done, const char *how) {
    if (strcmp(how, "unshare") == 0) CHECK("unshare", unshare(CLONE_NEWNS));
    CHECK("make private", mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    CHECK("mount", mount("none", m, "tmpfs", 0, NULL));
    int fd = open(strcat(strcpy((char[256]){0}, m), "/file"), O_CREAT | O_WRONLY, 0644);
    close(fd);
    pid_t g = fork();
    if (g == 0) {
        printf("grandchild sees the mount: %d\n", access(strcat(strcpy((char[256]){0}, m), "/file"), F_OK) == 0);
        _exit(0);
    }
    waitpid(g, NULL, 0);
    printf("own mounts list it: %d\n", listed(getpid()));
    write(ready, "x", 1);
    char c;
    read(done, &c, 1);
}

static void round(const char *how) {
    int r[2], d[2];
    pipe(r);
    pipe(d);
    pid_t pid;
    if (strcmp(how, "unshare") == 0) pid = fork();
    else pid = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {
        mount_and_wait(r[1], d[0], how);
        _exit(0);
    }
    char c;
    read(r[0], &c, 1);
    char file[256];
    snprintf(file, sizeof file, "%s/file", m);
    printf("%s: parent sees the file: %d\n", how, access(file, F_OK) == 0);
    printf("%s: parent's mounts list it: %d\n", how, listed(getpid()));
    printf("%s: child's mounts list it: %d\n", how, listed(pid));
    write(d[1], "x", 1);
    waitpid(pid, NULL, 0);
    CHECK("rmdir, not busy", rmdir(m));
    mkdir(m, 0755);
    close(r[0]); close(r[1]); close(d[0]); close(d[1]);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(base, sizeof base, "/tmp/xos-mountns-XXXXXX");
    if (!mkdtemp(base)) return 1;
    chmod(base, 0755);
    snprintf(m, sizeof m, "%s/m", base);
    mkdir(m, 0755);
    round("unshare");
    round("clone");
    CHECK("clone NEWNS|FS", syscall(SYS_clone, CLONE_NEWNS | CLONE_FS | SIGCHLD, 0, 0, 0, 0));
    pid_t pid = fork();
    if (pid == 0) {
        setuid(65534);
        CHECK("user unshare", unshare(CLONE_NEWNS));
        CHECK("user clone", syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    rmdir(m);
    printf("cleanup: %d\n", rmdir(base));
    return 0;
}
