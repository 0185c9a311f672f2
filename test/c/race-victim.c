/* The victim's half of the confinement race test (test/confine-race.test.ts):
 * for MS milliseconds, every path-taking call it knows, chosen by a fixed-seed
 * generator, on names under DIR/x while another process swaps x for a symlink
 * to a sentinel directory outside the guest's reach. Through x the calls may
 * fail; they must never reach the sentinel: "LEAK" lines report a file whose
 * device and inode are the sentinel's (SDEV SINO), or sentinel contents read.
 * The host checks that the sentinel is unchanged and unread.
 * usage: race-victim DIR SEED MS SDEV SINO */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static unsigned long long rng;
static unsigned next(void) { rng = rng * 6364136223846793005ULL + 1442695040888963407ULL; return (unsigned)(rng >> 33); }
static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}
static unsigned long sdev, sino;
static long leaks, ops, fails;
static const char *dir;
static char p[512], q[512];

static void leak(const char *what, const char *path) { printf("LEAK %s %s\n", what, path); leaks++; }
static void check_stat(const char *what, const char *path, const struct stat *st) {
    if (st->st_ino == sino && st->st_dev == sdev) leak(what, path);
}
static void check_fd(const char *what, const char *path, int fd) {
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0) check_stat(what, path, &st);
}
static void check_data(const char *path, int fd) {
    char buf[64] = {0};
    if (pread(fd, buf, sizeof buf - 1, 0) > 0 && strstr(buf, "SENTINEL")) leak("read", path);
}
#define AT(buf, fmt, ...) (snprintf(buf, sizeof buf, "%s/x/" fmt, dir, ##__VA_ARGS__), buf)
#define R(expr) do { ops++; if ((long)(expr) < 0) fails++; } while (0)

static void one(void) {
    unsigned n = next() % 1000;
    struct stat st;
    int fd;
    switch (next() % 30) {
    case 0: // open and read
        fd = open(AT(p, "secret"), O_RDONLY);
        R(fd);
        if (fd >= 0) { check_fd("open", p, fd); check_data(p, fd); close(fd); }
        break;
    case 1: // create
        fd = open(AT(p, "new-%u", n), O_CREAT | O_WRONLY, 0644);
        R(fd);
        if (fd >= 0) { write(fd, "x", 1); close(fd); }
        break;
    case 2: fd = open(AT(p, "secret"), O_WRONLY | O_APPEND); R(fd); if (fd >= 0) { check_fd("open-w", p, fd); close(fd); } break;
    case 3: R(stat(AT(p, "secret"), &st)); if (stat(p, &st) == 0) check_stat("stat", p, &st); break;
    case 4: R(lstat(AT(p, "secret"), &st)); if (lstat(p, &st) == 0) check_stat("lstat", p, &st); break;
    case 5: R(access(AT(p, "secret"), R_OK)); break;
    case 6: { char b[64]; R(readlink(AT(p, "link"), b, sizeof b)); break; }
    case 7: R(mkdir(AT(p, "d-%u", n), 0755)); break;
    case 8: R(rmdir(AT(p, "d-%u", n))); break;
    case 9: R(unlink(AT(p, "new-%u", n))); break;
    case 10: R(rename(AT(p, "new-%u", n), AT(q, "new-%u", n + 1))); break;
    case 11: R(link(AT(p, "secret"), AT(q, "hard-%u", n))); break;
    case 12: R(symlink("secret", AT(p, "sym-%u", n))); break;
    case 13: R(chmod(AT(p, "secret"), 0600 | (n & 7) << 3)); break;
    case 14: R(chown(AT(p, "secret"), 0, 0)); break;
    case 15: R(lchown(AT(p, "link"), 0, 0)); break;
    case 16: R(utimes(AT(p, "secret"), NULL)); break;
    case 17: R(truncate(AT(p, "secret"), 6)); break;
    case 18: R(mknod(AT(p, "fifo-%u", n), S_IFIFO | 0644, 0)); break;
    case 19: { struct statfs s; R(statfs(AT(p, "secret"), &s)); break; }
    case 20: { // list
        DIR *d = opendir(AT(p, "."));
        if (!d) { ops++; fails++; break; }
        ops++;
        struct dirent *e;
        while ((e = readdir(d))) if (!strcmp(e->d_name, "only-in-sentinel")) leak("readdir", p);
        closedir(d);
        break;
    }
    case 21: { // a working directory in x, then relative calls
        ops++;
        if (chdir(AT(p, "."))) { fails++; break; }
        fd = open("secret", O_RDONLY);
        if (fd >= 0) { check_fd("cwd-open", "secret", fd); check_data("secret", fd); close(fd); }
        if (stat("only-in-sentinel", &st) == 0) leak("cwd-stat", "only-in-sentinel");
        chdir("/");
        break;
    }
    case 22: { // a directory descriptor of x, then *at calls
        int d = open(AT(p, "."), O_RDONLY | O_DIRECTORY);
        R(d);
        if (d < 0) break;
        fd = openat(d, "secret", O_RDONLY);
        if (fd >= 0) { check_fd("openat", "secret", fd); check_data("secret", fd); close(fd); }
        if (fstatat(d, "only-in-sentinel", &st, 0) == 0) leak("fstatat", "only-in-sentinel");
        close(d);
        break;
    }
    case 23: R(faccessat(AT_FDCWD, AT(p, "secret"), W_OK, 0)); break;
    case 24: { struct timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}}; R(utimensat(AT_FDCWD, AT(p, "secret"), ts, 0)); break; }
    case 25: R(setxattr(AT(p, "secret"), "user.x", "v", 1, 0)); break;
    case 26: { // bind a socket there
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        snprintf(a.sun_path, sizeof a.sun_path, "%s/x/sock-%u", dir, n);
        R(bind(s, (struct sockaddr *)&a, sizeof a));
        close(s);
        unlink(a.sun_path);
        break;
    }
    case 27: { // run a program there
        if (n % 20) break;
        ops++;
        pid_t c = fork();
        if (c == 0) { char *args[] = { AT(p, "prog"), NULL }; execv(p, args); _exit(111); }
        int status;
        waitpid(c, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 111) leak("exec", p);
        break;
    }
    case 28: fd = open(AT(p, "secret"), O_PATH | O_NOFOLLOW); R(fd); if (fd >= 0) { check_fd("o_path", p, fd); close(fd); } break;
    case 29: R(rename(AT(p, "secret"), AT(q, "secret"))); break; // (onto itself: a no-op when it is the real one)
    }
}

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: race-victim DIR SEED MS SDEV SINO\n"); return 2; }
    dir = argv[1];
    rng = strtoull(argv[2], NULL, 10);
    long end = now_ms() + atol(argv[3]);
    sdev = strtoul(argv[4], NULL, 10);
    sino = strtoul(argv[5], NULL, 10);
    while (now_ms() < end) one();
    printf("ops %ld failed %ld leaks %ld\n", ops, fails, leaks);
    return 0;
}
