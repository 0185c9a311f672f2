/* File identity: a working directory, a directory descriptor and an open file
 * hold their file, not its path. A renamed cwd or dirfd keeps working
 * (getcwd, /proc/self/cwd, /proc/self/fd/N and listings follow it; openat with
 * O_CREAT creates in it), a directory moved with its subtree moves the cwd
 * inside it too, and a removed cwd reads as "(deleted)" with getcwd ENOENT.
 * What belongs to a file belongs to it under every name: a lock taken through
 * one hard link holds against the other, an inotify watch on one name hears a
 * write through the other, a shared mapping of one sees a write to the other.
 * Run in a fresh directory under /tmp (the host's disk) and under /dev/shm (a
 * tmpfs); paths are printed relative to that directory. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[PATH_MAX];
static size_t baselen;

// A path under the base, shown from it ("@/b/q"); other paths as they are.
static const char *rel(const char *p) {
    static char out[PATH_MAX + 8];
    if (strncmp(p, base, baselen) == 0) snprintf(out, sizeof out, "@%s", p + baselen);
    else snprintf(out, sizeof out, "%s", p);
    return out;
}
static void cwd(const char *label) {
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof buf)) printf("%s: getcwd %s\n", label, rel(buf));
    else printf("%s: getcwd errno %s\n", label, strerror(errno));
}
static void link_of(const char *label, const char *path) {
    char buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n < 0) { printf("%s: readlink errno %s\n", label, strerror(errno)); return; }
    buf[n] = 0;
    printf("%s: %s\n", label, rel(buf));
}
static void fd_link(const char *label, int fd) {
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
    link_of(label, p);
}
// The names of a directory, sorted, without . and ..
static void list(const char *label, const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("%s: opendir errno %s\n", label, strerror(errno)); return; }
    char names[64][64];
    int n = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) && n < 64) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) snprintf(names[n++], 64, "%s", e->d_name);
    }
    int err = errno;
    closedir(d);
    qsort(names, n, 64, (int (*)(const void *, const void *))strcmp);
    printf("%s:", label);
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf(err ? " (errno %s)\n" : "\n", strerror(err));
}
static void touch(const char *path) { int fd = open(path, O_CREAT | O_WRONLY, 0644); if (fd >= 0) close(fd); }
#define CHECK(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%s: %s\n", label, r_ < 0 ? strerror(errno) : "ok"); } while (0)

static void run(const char *where) {
    snprintf(base, sizeof base, "%s/xos-identity-XXXXXX", where);
    if (!mkdtemp(base)) { perror("mkdtemp"); exit(1); }
    baselen = strlen(base);
    printf("== in %s\n", where);
    char p[PATH_MAX], q[PATH_MAX];
#define AT(buf, name) (snprintf(buf, sizeof buf, "%s/%s", base, name), buf)

    /* a renamed working directory */
    mkdir(AT(p, "a"), 0755);
    chdir(p);
    touch("f1");
    CHECK("rename the cwd", rename(AT(p, "a"), AT(q, "b")));
    cwd("renamed cwd");
    link_of("/proc/self/cwd", "/proc/self/cwd");
    list("ls .", ".");
    touch("f2");
    list("ls b", AT(p, "b"));
    struct stat st;
    CHECK("stat ./f2", stat("f2", &st));
    CHECK("chdir ..", chdir(".."));
    cwd("after ..");

    /* a directory moved with the cwd deep inside it */
    mkdir(AT(p, "p"), 0755);
    mkdir(AT(p, "p/q"), 0755);
    mkdir(AT(p, "p/q/r"), 0755);
    chdir(AT(p, "p/q/r"));
    mkdir(AT(p, "moved"), 0755);
    CHECK("move an ancestor of the cwd", rename(AT(p, "p"), AT(q, "moved/p2")));
    cwd("cwd below a moved directory");
    link_of("/proc/self/cwd", "/proc/self/cwd");
    CHECK("chdir ../..", chdir("../.."));
    cwd("after ../..");
    chdir(base);

    /* a renamed directory descriptor */
    mkdir(AT(p, "c"), 0755);
    int dfd = open(p, O_RDONLY | O_DIRECTORY);
    CHECK("rename the dirfd's directory", rename(AT(p, "c"), AT(q, "d")));
    int x = openat(dfd, "x", O_CREAT | O_WRONLY, 0644);
    printf("openat(dirfd, \"x\", O_CREAT): %s\n", x < 0 ? strerror(errno) : "ok");
    if (x >= 0) close(x);
    CHECK("stat d/x", stat(AT(p, "d/x"), &st));
    CHECK("fstatat(dirfd, x)", fstatat(dfd, "x", &st, 0));
    CHECK("mkdirat(dirfd, sub)", mkdirat(dfd, "sub", 0755));
    CHECK("renameat within the dirfd", renameat(dfd, "x", dfd, "sub/y"));
    list("ls d/sub", AT(p, "d/sub"));
    fd_link("/proc/self/fd of the dirfd", dfd);
    CHECK("fchdir(dirfd)", fchdir(dfd));
    cwd("after fchdir");
    chdir(base);

    /* an open file keeps its data and a moved directory keeps naming it */
    mkdir(AT(p, "e"), 0755);
    int f = open(AT(p, "e/file"), O_CREAT | O_RDWR, 0644);
    write(f, "data", 4);
    CHECK("rename the file's directory", rename(AT(p, "e"), AT(q, "e2")));
    fd_link("/proc/self/fd of the file", f);
    CHECK("unlink the file", unlink(AT(p, "e2/file")));
    fd_link("/proc/self/fd of the removed file", f);
    char buf[8] = {0};
    pread(f, buf, 4, 0);
    printf("read after unlink: %s\n", buf);
    close(f);

    /* an open file renamed, and one whose name (not its other one) is removed */
    f = open(AT(p, "named"), O_CREAT | O_RDWR, 0644);
    CHECK("rename the open file", rename(p, AT(q, "renamed")));
    fd_link("/proc/self/fd of the renamed file", f);
    CHECK("link it a second name", link(q, AT(p, "second")));
    CHECK("unlink the name it has now", unlink(q));
    fd_link("/proc/self/fd after its name went", f);
    close(f);
    unlink(AT(p, "second"));

    /* one file under two names */
    f = open(AT(p, "one"), O_CREAT | O_RDWR, 0644);
    ftruncate(f, 4096);
    CHECK("link a second name", link(p, AT(q, "two")));
    int g = open(q, O_RDWR);
    CHECK("flock one", flock(f, LOCK_EX | LOCK_NB));
    CHECK("flock two", flock(g, LOCK_EX | LOCK_NB));
    int in = inotify_init1(IN_NONBLOCK);
    CHECK("watch one", inotify_add_watch(in, p, IN_MODIFY));
    char *map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, f, 0);
    pwrite(g, "via two", 7, 0);
    char ev[256];
    printf("inotify heard the write through two: %d\n", read(in, ev, sizeof ev) > 0);
    printf("the mapping of one sees it: %.7s\n", map == MAP_FAILED ? "(no map)" : map);
    munmap(map, 4096);
    close(in);
    close(g);
    close(f);
    unlink(AT(p, "one"));
    unlink(AT(p, "two"));

    /* a removed working directory */
    mkdir(AT(p, "g"), 0755);
    chdir(p);
    CHECK("rmdir the cwd", rmdir(p));
    cwd("removed cwd");
    link_of("/proc/self/cwd", "/proc/self/cwd");
    CHECK("stat .", stat(".", &st));
    printf("nlink of the removed cwd: %ld\n", (long)st.st_nlink);
    int y = open("y", O_CREAT | O_WRONLY, 0644);
    printf("create in the removed cwd: %s\n", y < 0 ? strerror(errno) : "ok");
    list("ls .", ".");
    CHECK("chdir .. from it", chdir(".."));
    cwd("after ..");

    /* a removed directory descriptor */
    mkdir(AT(p, "h"), 0755);
    int hfd = open(p, O_RDONLY | O_DIRECTORY);
    rmdir(p);
    int z = openat(hfd, "z", O_CREAT | O_WRONLY, 0644);
    printf("openat in a removed dirfd: %s\n", z < 0 ? strerror(errno) : "ok");
    fd_link("/proc/self/fd of the removed dirfd", hfd);
    close(hfd);
    close(dfd);

    chdir("/");
    unlink(AT(p, "b/f1"));
    unlink(AT(p, "b/f2"));
    rmdir(AT(p, "b"));
    rmdir(AT(p, "moved/p2/q/r"));
    rmdir(AT(p, "moved/p2/q"));
    rmdir(AT(p, "moved/p2"));
    rmdir(AT(p, "moved"));
    unlink(AT(p, "d/sub/y"));
    rmdir(AT(p, "d/sub"));
    rmdir(AT(p, "d"));
    rmdir(AT(p, "e2"));
    CHECK("rmdir the base (all cleaned up)", rmdir(base));
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    run("/tmp");
    run("/dev/shm");
    return 0;
}
