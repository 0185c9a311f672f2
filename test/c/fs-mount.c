/* mount(2) and umount2(2): tmpfs (mode=), proc, sysfs, devtmpfs, bind mounts
 * (MS_REC), read-only mounts and remounts (EROFS), stacking, MS_MOVE, busy
 * mounts and MNT_DETACH, the errnos, and /proc/self/mounts and mountinfo
 * following the changes. Runs as root in a fresh directory under /tmp, in a
 * private mount namespace natively (unshare) so the host is left alone. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%s: %ld errno %d\n", label, r_, r_ < 0 ? errno : 0); } while (0)

static char base[256];

static void put(const char *path, const char *text) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) { printf("put %s: errno %d\n", path + strlen(base), errno); return; }
    write(fd, text, strlen(text));
    close(fd);
}
static void show(const char *label, const char *path) {
    char buf[128] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("%s: errno %d\n", label, errno); return; }
    int n = read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("%s: %d %s\n", label, n, buf);
}
static const char *at(const char *rel) {
    static char bufs[4][512];
    static int i;
    char *b = bufs[i++ & 3];
    snprintf(b, 512, "%s/%s", base, rel);
    return b;
}

/* The line of /proc/self/mounts (or mountinfo) for the mount point `rel`: its type and first option. */
static void mounts_line(const char *rel, int info) {
    FILE *f = fopen(info ? "/proc/self/mountinfo" : "/proc/self/mounts", "r");
    char line[1024], want[512];
    int found = 0;
    snprintf(want, sizeof want, "%s/%s", base, rel);
    while (fgets(line, sizeof line, f)) {
        char a[512], b[512], c[512], d[512], e[512], g[512];
        if (info) {
            /* ID PARENT MAJ:MIN ROOT POINT OPTS ... - TYPE SOURCE SUPER */
            int id, parent;
            if (sscanf(line, "%d %d %s %s %s %s", &id, &parent, a, b, c, d) != 6) continue;
            if (strcmp(c, want)) continue;
            char *dash = strstr(line, " - ");
            if (!dash || sscanf(dash + 3, "%s %s %s", e, g, a) != 3) continue;
            d[2] = 0;
            /* a bind mount of a directory here: its root inside the host's file system, whose type varies */
            size_t n = strlen(base);
            if (strncmp(b, base, n) == 0) printf("mountinfo %s: root BASE%s opts %s super %.2s\n", rel, b + n, d, a);
            else printf("mountinfo %s: root %s opts %s type %s super %.2s\n", rel, b, d, e, a);
        } else {
            if (sscanf(line, "%s %s %s %s", a, b, c, d) != 4) continue;
            if (strcmp(b, want)) continue;
            d[2] = 0;
            printf("mounts %s: source %s type %s opts %s\n", rel, a, c, d);
        }
        found++;
    }
    fclose(f);
    if (!found) printf("%s %s: not listed\n", info ? "mountinfo" : "mounts", rel);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    CHECK("unshare", unshare(CLONE_NEWNS));
    CHECK("make private", mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    snprintf(base, sizeof base, "/tmp/xos-mount-XXXXXX");
    if (!mkdtemp(base)) { printf("mkdtemp errno %d\n", errno); return 1; }
    chmod(base, 0755);
    mkdir(at("m"), 0755);
    mkdir(at("src"), 0755);
    mkdir(at("src/deep"), 0755);
    mkdir(at("b"), 0755);
    mkdir(at("p"), 0755);
    mkdir(at("s"), 0755);
    mkdir(at("d"), 0755);
    mkdir(at("moved"), 0755);
    put(at("src/file"), "in src");
    put(at("plain"), "plain");
    put(at("m/under"), "under the mount");

    /* errnos */
    CHECK("unknown type", mount("none", at("m"), "nosuchfs", 0, NULL));
    CHECK("missing target", mount("none", at("nope"), "tmpfs", 0, NULL));
    CHECK("tmpfs on a file", mount("none", at("plain"), "tmpfs", 0, NULL));
    CHECK("bad tmpfs option", mount("none", at("m"), "tmpfs", 0, "bogus=1"));
    CHECK("bind missing source", mount(at("nope"), at("b"), NULL, MS_BIND, NULL));
    CHECK("bind dir on file", mount(at("src"), at("plain"), NULL, MS_BIND, NULL));
    CHECK("remount non-mount", mount(NULL, at("m"), NULL, MS_REMOUNT | MS_RDONLY, NULL));
    CHECK("umount non-mount", umount(at("m")));
    CHECK("umount missing", umount(at("nope")));
    CHECK("umount2 bad flags", umount2(at("m"), 0x100));
    CHECK("umount2 expire+detach", umount2(at("m"), MNT_EXPIRE | MNT_DETACH));
    CHECK("propagation non-mount", mount(NULL, at("m"), NULL, MS_PRIVATE, NULL));
    CHECK("no type", mount("none", at("m"), NULL, 0, NULL));
    char *bad = (char *)16;
    CHECK("bad target pointer", mount("none", bad, "tmpfs", 0, NULL));
    CHECK("bad type pointer", mount("none", at("m"), bad, 0, NULL));
    CHECK("bad type pointer, bind", mount(at("src"), at("b"), bad, MS_BIND, NULL));
    CHECK("bad source pointer", mount(bad, at("m"), "tmpfs", 0, NULL));
    CHECK("bad data pointer", mount("none", at("m"), "tmpfs", 0, bad));
    CHECK("bad type, missing target", mount("none", at("nope"), bad, 0, NULL));
    CHECK("umount bad pointer", umount(bad));
    CHECK("chroot bad pointer", chroot(bad));
    CHECK("unshare unknown flags", unshare(0x1));

    /* tmpfs */
    CHECK("mount tmpfs", mount("xos-test", at("m"), "tmpfs", 0, "mode=0710,size=1m"));
    struct stat st;
    stat(at("m"), &st);
    printf("tmpfs root mode %o nlink %ld size %ld\n", st.st_mode, (long)st.st_nlink, (long)st.st_size);
    show("under hidden", at("m/under"));
    put(at("m/new"), "on tmpfs");
    show("new", at("m/new"));
    struct statfs sf;
    statfs(at("m"), &sf);
    printf("statfs type %lx flags %lx\n", (unsigned long)sf.f_type, (unsigned long)sf.f_flags);
    mounts_line("m", 0);
    mounts_line("m", 1);
    CHECK("rmdir mount point", rmdir(at("m")));
    CHECK("rename onto mount point", rename(at("src/deep"), at("m")));
    CHECK("link across mounts", link(at("plain"), at("m/plainlink")));
    CHECK("rename across mounts", rename(at("plain"), at("m/plain")));

    /* noexec */
    {
        int in = open("/proc/self/exe", O_RDONLY), out = open(at("m/prog"), O_CREAT | O_WRONLY, 0755);
        char cbuf[65536];
        long n;
        while ((n = read(in, cbuf, sizeof cbuf)) > 0) write(out, cbuf, n);
        close(in);
        close(out);
    }

    /* read-only remount */
    CHECK("remount ro", mount(NULL, at("m"), NULL, MS_REMOUNT | MS_RDONLY | MS_NOEXEC | MS_NOSUID, NULL));
    mounts_line("m", 0);
    statfs(at("m"), &sf);
    printf("statfs ro flags %lx\n", (unsigned long)sf.f_flags);
    int rofd = open(at("m/new"), O_RDONLY);
    fstatfs(rofd, &sf);
    close(rofd);
    printf("fstatfs ro flags %lx\n", (unsigned long)sf.f_flags);
    CHECK("create on ro", open(at("m/x"), O_CREAT | O_WRONLY, 0644));
    CHECK("write-open on ro", open(at("m/new"), O_WRONLY));
    CHECK("read-open on ro", ({ int fd_ = open(at("m/new"), O_RDONLY); if (fd_ >= 0) close(fd_); fd_ >= 0 ? 0 : -1; }));
    CHECK("mkdir on ro", mkdir(at("m/dir"), 0755));
    CHECK("unlink on ro", unlink(at("m/new")));
    CHECK("chmod on ro", chmod(at("m/new"), 0600));
    CHECK("access W_OK on ro", access(at("m/new"), W_OK));
    pid_t ex = fork();
    if (ex == 0) {
        execl(at("m/prog"), "prog", (char *)NULL);
        printf("exec on noexec: errno %d\n", errno);
        _exit(0);
    }
    waitpid(ex, NULL, 0);
    CHECK("remount rw", mount(NULL, at("m"), NULL, MS_REMOUNT, NULL));
    unlink(at("m/prog"));
    CHECK("unlink on rw", unlink(at("m/new")));

    /* stacking: a second tmpfs over the first, then gone again */
    put(at("m/first"), "first");
    CHECK("mount over", mount("none", at("m"), "tmpfs", 0, NULL));
    CHECK("first hidden", access(at("m/first"), F_OK));
    CHECK("umount top", umount(at("m")));
    show("first back", at("m/first"));

    /* bind mounts */
    mkdir(at("src/sub"), 0755);
    CHECK("mount on src/sub", mount("none", at("src/sub"), "tmpfs", 0, NULL));
    put(at("src/sub/t"), "on sub tmpfs");
    CHECK("bind", mount(at("src"), at("b"), NULL, MS_BIND, NULL));
    show("through bind", at("b/file"));
    put(at("b/written"), "written through the bind");
    show("seen in src", at("src/written"));
    struct stat s1, s2;
    stat(at("src/file"), &s1);
    stat(at("b/file"), &s2);
    printf("same file: %d\n", s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev);
    CHECK("submount not carried", access(at("b/sub/t"), F_OK));
    CHECK("rename across binds", rename(at("src/written"), at("b/written2")));
    mounts_line("b", 1);
    CHECK("remount bind ro", mount(NULL, at("b"), NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
    CHECK("write through ro bind", open(at("b/file"), O_WRONLY));
    CHECK("write in src", ({ int fd_ = open(at("src/file"), O_WRONLY); if (fd_ >= 0) close(fd_); fd_ >= 0 ? 0 : -1; }));
    CHECK("umount bind", umount(at("b")));
    CHECK("rbind", mount(at("src"), at("b"), NULL, MS_BIND | MS_REC, NULL));
    show("submount carried", at("b/sub/t"));
    CHECK("umount busy parent", umount(at("b")));
    CHECK("umount rbind sub", umount(at("b/sub")));
    CHECK("umount rbind", umount(at("b")));
    CHECK("bind a file", mount(at("src/file"), at("plain"), NULL, MS_BIND, NULL));
    show("file bind", at("plain"));
    CHECK("umount file bind", umount(at("plain")));
    show("file unbound", at("plain"));

    /* busy, and a lazy unmount */
    CHECK("chdir into sub", chdir(at("src/sub")));
    CHECK("umount cwd busy", umount(at("src/sub")));
    chdir("/");
    int fd = open(at("src/sub/t"), O_RDONLY);
    CHECK("umount open busy", umount(at("src/sub")));
    CHECK("umount2 detach", umount2(at("src/sub"), MNT_DETACH));
    char buf[64] = {0};
    CHECK("read after detach", read(fd, buf, sizeof buf - 1));
    printf("read: %s\n", buf);
    close(fd);
    CHECK("detached gone", access(at("src/sub/t"), F_OK));

    /* MS_MOVE */
    CHECK("move", mount(at("m"), at("moved"), NULL, MS_MOVE, NULL));
    show("moved file", at("moved/first"));
    CHECK("old place empty", access(at("m/first"), F_OK));
    mounts_line("moved", 0);
    mounts_line("m", 0);
    CHECK("umount moved", umount(at("moved")));

    /* proc, sysfs, devtmpfs */
    CHECK("mount proc", mount("proc", at("p"), "proc", 0, NULL));
    char link[64] = {0}, pid[64];
    readlink(at("p/self"), link, sizeof link - 1);
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    printf("proc self is me: %d\n", strcmp(link, pid) == 0);
    mounts_line("p", 0);
    CHECK("mount sysfs", mount("sysfs", at("s"), "sysfs", MS_RDONLY, NULL));
    CHECK("sysfs cpu online", access(at("s/devices/system/cpu/online"), R_OK));
    mounts_line("s", 0);
    CHECK("mount devtmpfs", mount("devtmpfs", at("d"), "devtmpfs", 0, NULL));
    stat(at("d/null"), &st);
    printf("null: chr %d %d:%d\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
    CHECK("umount proc", umount(at("p")));
    CHECK("umount sysfs", umount(at("s")));
    CHECK("umount devtmpfs", umount2(at("d"), MNT_DETACH));
    mounts_line("p", 0);

    /* not root */
    pid_t child = fork();
    if (child == 0) {
        setuid(65534);
        CHECK("user mount", mount("none", at("m"), "tmpfs", 0, NULL));
        CHECK("user mount missing", mount("none", at("nope"), "tmpfs", 0, NULL));
        CHECK("user umount", umount(at("m")));
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);

    CHECK("umount m (moved away)", umount(at("m")));
    show("under again", at("m/under"));

    unlink(at("m/under"));
    unlink(at("src/file"));
    unlink(at("src/written"));
    unlink(at("plain"));
    const char *dirs[] = {"m", "src/deep", "src/sub", "src", "b", "p", "s", "d", "moved"};
    for (unsigned i = 0; i < sizeof dirs / sizeof *dirs; i++) rmdir(at(dirs[i]));
    printf("cleanup: %d\n", rmdir(base));
    return 0;
}
