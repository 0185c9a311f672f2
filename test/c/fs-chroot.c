/* chroot(2): the root a process resolves '/' and absolute symlinks from, '..'
 * stopping there, fork inheriting it, exec keeping it, /proc/PID/root,
 * getcwd outside the root, the errnos (EPERM for non-root after the lookup,
 * ENOENT, ENOTDIR), and the fchdir way out that Linux leaves to root.
 * Runs as root in a fresh directory under /tmp; the mount of /proc inside the
 * jail happens in a private mount namespace natively (unshare). */
#define _GNU_SOURCE
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

static char base[256];

/* getcwd as the kernel reports it, with the base directory replaced by BASE */
static void show_cwd(const char *label) {
    char buf[4096];
    long n = syscall(SYS_getcwd, buf, sizeof buf);
    if (n < 0) { printf("%s: getcwd errno %d\n", label, errno); return; }
    char *p = base[0] ? strstr(buf, base) : NULL;
    if (p) printf("%s: %.*sBASE%s\n", label, (int)(p - buf), buf, p + strlen(base));
    else printf("%s: %s\n", label, buf);
}

static void read_file(const char *label, const char *path) {
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("%s: open errno %d\n", label, errno); return; }
    int n = read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("%s: %d %s", label, n, buf);
}

static int wait_child(pid_t pid) {
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The copy of this program inside the jail, run by exec after chroot. */
static int inside(void) {
    show_cwd("exec'd cwd");
    read_file("exec'd /file", "/file");
    read_file("exec'd /../../file", "/../../file");
    return 7;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "inside") == 0) return inside();
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(base, sizeof base, "/tmp/xos-chroot-XXXXXX");
    if (!mkdtemp(base)) { printf("mkdtemp errno %d\n", errno); return 1; }
    if (chdir(base) || chmod(base, 0755)) return 1;
    mkdir("jail", 0755);
    mkdir("jail/sub", 0755);
    mkdir("jail/proc", 0755);
    int fd = open("jail/file", O_CREAT | O_WRONLY, 0644);
    write(fd, "inside\n", 7);
    close(fd);
    fd = open("file", O_CREAT | O_WRONLY, 0644);
    write(fd, "outside\n", 8);
    close(fd);
    symlink("/file", "jail/abs");
    symlink("../../../../file", "jail/sub/rel");
    /* this program, copied into the jail for the exec case */
    {
        int in = open("/proc/self/exe", O_RDONLY), out = open("jail/prog", O_CREAT | O_WRONLY, 0755);
        char buf[65536];
        long n;
        while ((n = read(in, buf, sizeof buf)) > 0) write(out, buf, n);
        close(in);
        close(out);
    }

    CHECK("chroot missing", chroot("nope"));
    CHECK("chroot file", chroot("file"));
    CHECK("chroot file/x", chroot("file/x"));

    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(65534)) _exit(99);
        CHECK("user chroot jail", chroot("jail"));
        CHECK("user chroot missing", chroot("nope"));
        _exit(0);
    }
    printf("user child: %d\n", wait_child(pid));

    pid = fork();
    if (pid == 0) {
        /* a private mount namespace (natively) for /proc inside the jail */
        CHECK("unshare", unshare(CLONE_NEWNS));
        CHECK("make private", mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
        int outside_dir = open(".", O_RDONLY | O_DIRECTORY);
        CHECK("chroot jail", chroot("jail"));
        show_cwd("cwd after chroot");
        read_file("/file", "/file");
        CHECK("chdir /", chdir("/"));
        show_cwd("cwd /");
        CHECK("chdir ..", chdir(".."));
        show_cwd("cwd /..");
        read_file("../../file", "../../file");
        read_file("/abs", "/abs");
        read_file("/sub/rel", "/sub/rel");
        struct stat a, b;
        stat("/", &a);
        stat("/../..", &b);
        printf("/.. is /: %d\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
        CHECK("mount proc", mount("proc", "/proc", "proc", 0, NULL));
        char link[256] = {0};
        CHECK("readlink /proc/self/root", readlink("/proc/self/root", link, sizeof link - 1));
        printf("root link: %s\n", link);
        memset(link, 0, sizeof link);
        chdir("/sub");
        readlink("/proc/self/cwd", link, sizeof link - 1);
        printf("cwd link: %s\n", link);
        chdir("/");
        /* fork inherits the root */
        pid_t g = fork();
        if (g == 0) {
            read_file("grandchild /file", "/file");
            show_cwd("grandchild cwd");
            _exit(3);
        }
        printf("grandchild: %d\n", wait_child(g));
        /* a nested chroot: relative to the current root */
        g = fork();
        if (g == 0) {
            CHECK("chroot sub", chroot("/sub"));
            CHECK("chdir / in sub", chdir("/"));
            CHECK("open /file in sub", open("/file", O_RDONLY));
            CHECK("stat /rel in sub", ({ struct stat s; stat("/rel", &s); }));
            _exit(0);
        }
        printf("nested: %d\n", wait_child(g));
        /* the way out Linux leaves root: a directory opened before the chroot */
        g = fork();
        if (g == 0) {
            CHECK("fchdir outside", fchdir(outside_dir));
            show_cwd("cwd outside");
            read_file("outside file", "file");
            for (int i = 0; i < 8; i++) chdir("..");
            show_cwd("cwd after ..s");
            _exit(0);
        }
        printf("escape: %d\n", wait_child(g));
        CHECK("umount proc", umount("/proc"));
        /* exec keeps the root */
        g = fork();
        if (g == 0) {
            execl("/prog", "prog", "inside", (char *)NULL);
            printf("exec errno %d\n", errno);
            _exit(1);
        }
        printf("exec child: %d\n", wait_child(g));
        _exit(0);
    }
    printf("chroot child: %d\n", wait_child(pid));

    /* the parent sees the child's root through /proc (from outside the jail) */
    int pfd[2];
    pipe(pfd);
    pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        chroot("jail");
        write(pfd[1], "x", 1);
        pause();
        _exit(0);
    }
    close(pfd[1]);
    char c;
    read(pfd[0], &c, 1);
    char path[64], link[512] = {0}, want[512];
    snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
    readlink(path, link, sizeof link - 1);
    snprintf(want, sizeof want, "%s/jail", base);
    printf("child's root from outside is the jail: %d\n", strcmp(link, want) == 0);
    kill(pid, 9);
    wait_child(pid);

    unlink("jail/prog");
    unlink("jail/abs");
    unlink("jail/sub/rel");
    unlink("jail/file");
    rmdir("jail/sub");
    rmdir("jail/proc");
    rmdir("jail");
    unlink("file");
    chdir("/");
    printf("cleanup: %d\n", rmdir(base));
    return 0;
}
