/* Files and directories, in a fresh directory: argv[1] if given, otherwise
 * one made with mkdtemp under /tmp.  Everything is removed at the end.
 * Only sizes, counts, errno numbers and names are printed: no inode numbers,
 * times, block counts or directory link counts (they depend on the host
 * file system). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *label, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) { printf("%s: opendir errno %d\n", label, errno); return; }
    char *names[64]; int n = 0, dtype_ok = 1;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        names[n++] = strdup(e->d_name);
        if (e->d_type != DT_UNKNOWN) {
            struct stat st;
            if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                int want = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : -1;
                if (e->d_type != want) dtype_ok = 0;
            }
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmpstr);
    printf("%s (%d):", label, n);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf(" dtype_ok=%d\n", dtype_ok);
}

static void show_stat(const char *label, const char *path, int follow) {
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);
    if (r) { printf("%s: errno %d\n", label, errno); return; }
    const char *type = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link" : "other";
    if (S_ISDIR(st.st_mode)) printf("%s: %s mode %04o\n", label, type, (unsigned)(st.st_mode & 07777));
    else printf("%s: %s mode %04o size %lld nlink %lu\n", label, type, (unsigned)(st.st_mode & 07777), (long long)st.st_size, (unsigned long)st.st_nlink);
}

int main(int argc, char **argv) {
    umask(022);
    char tmpl[] = "/tmp/xos-files-XXXXXX";
    char base[4096];
    if (argc > 1) {
        snprintf(base, sizeof base, "%s/files-test", argv[1]);
        if (mkdir(base, 0755)) { printf("mkdir base errno %d\n", errno); return 1; }
    } else {
        if (!mkdtemp(tmpl)) { printf("mkdtemp errno %d\n", errno); return 1; }
        snprintf(base, sizeof base, "%s", tmpl);
    }
    if (chdir(base)) { printf("chdir errno %d\n", errno); return 1; }
    char cwd[4096];
    printf("getcwd matches: %d\n", getcwd(cwd, sizeof cwd) && strcmp(cwd + strlen(cwd) - strlen(strrchr(base, '/')), strrchr(base, '/')) == 0);

    /* open/write/read/lseek */
    int fd = open("a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    printf("open fd>=3: %d\n", fd >= 3);
    const char *msg = "hello, files\n";
    printf("write %zd\n", write(fd, msg, strlen(msg)));
    /* (printf arguments are evaluated in no fixed order, so calls with side
     * effects are sequenced into variables first throughout this file) */
    long long o1 = lseek(fd, 0, SEEK_CUR), o2, o3;
    o2 = lseek(fd, 0, SEEK_END);
    o3 = lseek(fd, 0, SEEK_SET);
    printf("lseek cur %lld end %lld set %lld\n", o1, o2, o3);
    char buf[256] = {0};
    ssize_t n = read(fd, buf, sizeof buf);
    printf("read %zd '%.*s'\n", n, (int)n - 1, buf);
    printf("read at eof %zd\n", read(fd, buf, sizeof buf));

    /* pread/pwrite do not move the offset */
    lseek(fd, 3, SEEK_SET);
    printf("pwrite %zd\n", pwrite(fd, "JELLO", 5, 0));
    memset(buf, 0, sizeof buf);
    n = pread(fd, buf, 8, 0);
    printf("pread %zd '%s' offset still %lld\n", n, buf, (long long)lseek(fd, 0, SEEK_CUR));

    /* a hole past the end reads back as zeros */
    lseek(fd, 100, SEEK_SET);
    write(fd, "X", 1);
    struct stat st;
    fstat(fd, &st);
    printf("fstat size after hole %lld\n", (long long)st.st_size);
    memset(buf, 1, sizeof buf);
    pread(fd, buf, 10, 50);
    int zeros = 1;
    for (int i = 0; i < 10; i++) if (buf[i]) zeros = 0;
    printf("hole zeros %d\n", zeros);

    /* ftruncate shrink and grow */
    ftruncate(fd, 5); fstat(fd, &st); printf("truncate 5 -> %lld\n", (long long)st.st_size);
    ftruncate(fd, 4000); fstat(fd, &st); printf("truncate 4000 -> %lld\n", (long long)st.st_size);
    memset(buf, 1, sizeof buf);
    n = pread(fd, buf, 20, 0);
    printf("pread grown %zd first5 '%.5s' byte10 %d\n", n, buf, buf[10]);

    /* readv / writev */
    struct iovec iov[3] = {{"ab", 2}, {"cde", 3}, {"fghi", 4}};
    lseek(fd, 0, SEEK_SET);
    printf("writev %zd\n", writev(fd, iov, 3));
    char r1[4] = {0}, r2[6] = {0};
    struct iovec riov[2] = {{r1, 3}, {r2, 5}};
    lseek(fd, 0, SEEK_SET);
    printf("readv %zd '%s' '%s'\n", readv(fd, riov, 2), r1, r2);

    /* O_APPEND */
    int fa = open("a.txt", O_WRONLY | O_APPEND);
    lseek(fa, 0, SEEK_SET);
    write(fa, "END", 3);
    fstat(fa, &st);
    printf("append size %lld\n", (long long)st.st_size);
    close(fa);

    /* dup, dup2, fcntl */
    int d1 = dup(fd);
    lseek(fd, 7, SEEK_SET);
    printf("dup shares offset %lld\n", (long long)lseek(d1, 0, SEEK_CUR));
    int d2 = dup2(fd, 40);
    printf("dup2 -> %d cloexec %d\n", d2, fcntl(d2, F_GETFD) & FD_CLOEXEC);
    fcntl(d2, F_SETFD, FD_CLOEXEC);
    printf("cloexec set %d accmode rdwr %d\n", fcntl(d2, F_GETFD) & FD_CLOEXEC, (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    close(d1); close(d2);
    close(fd);
    errno = 0;
    n = read(fd, buf, 1);
    printf("read closed fd: %zd errno %d\n", n, errno);

    /* O_EXCL, ENOENT */
    errno = 0;
    int r = open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644);
    printf("O_EXCL existing %d errno %d\n", r, errno);
    errno = 0;
    r = open("missing", O_RDONLY);
    printf("open missing %d errno %d\n", r, errno);

    /* stdio on top */
    FILE *f = fopen("b.txt", "w");
    for (int i = 0; i < 1000; i++) fprintf(f, "line %d\n", i);
    fclose(f);
    f = fopen("b.txt", "r");
    int lines = 0; long total = 0;
    while (fgets(buf, sizeof buf, f)) { lines++; total += atoi(buf + 5); }
    fseek(f, -9, SEEK_END);
    fgets(buf, sizeof buf, f);
    printf("stdio lines %d total %ld ftell %ld last %s", lines, total, ftell(f), buf);
    fclose(f);

    /* directories */
    r = mkdir("d", 0755);
    int rb = mkdir("d/sub", 0700), rc;
    rc = mkdir("d/sub/deeper", 0755);
    printf("mkdir %d %d %d\n", r, rb, rc);
    errno = 0;
    r = mkdir("d", 0755);
    printf("mkdir existing %d errno %d\n", r, errno);
    for (int i = 0; i < 12; i++) {
        char name[32];
        snprintf(name, sizeof name, "d/f%02d", (i * 7) % 12);
        int t = open(name, O_CREAT | O_WRONLY, 0600);
        write(t, name, (size_t)i);
        close(t);
    }
    list("d", "d");
    errno = 0;
    r = rmdir("d/sub");
    printf("rmdir non-empty %d errno %d\n", r, errno);

    /* rename, over an existing file too */
    printf("rename %d\n", rename("d/f00", "d/renamed"));
    printf("rename over %d\n", rename("d/f01", "d/f02"));
    show_stat("f02", "d/f02", 1);
    errno = 0;
    r = access("d/f01", F_OK);
    printf("old name gone %d errno %d\n", r, errno);
    printf("rename dir %d\n", rename("d/sub/deeper", "d/deeper2"));

    /* links */
    printf("symlink %d\n", symlink("../a.txt", "d/link"));
    char lbuf[64];
    ssize_t ll = readlink("d/link", lbuf, sizeof lbuf);
    printf("readlink %zd '%.*s'\n", ll, (int)(ll > 0 ? ll : 0), lbuf);
    show_stat("lstat link", "d/link", 0);
    show_stat("stat link", "d/link", 1);
    printf("symlink to dir %d\n", symlink("sub", "d/sublink"));
    show_stat("stat sublink", "d/sublink", 1);
    printf("dangling %d\n", symlink("nowhere", "d/dangling"));
    errno = 0;
    r = stat("d/dangling", &st);
    printf("stat dangling %d errno %d\n", r, errno);
    printf("hard link %d\n", link("a.txt", "d/hard"));
    show_stat("a.txt", "a.txt", 1);
    show_stat("d", "d", 1);
    show_stat("d/sub", "d/sub", 1);
    list("d again", "d");

    /* access */
    printf("access F_OK %d R_OK %d missing %d\n", access("a.txt", F_OK), access("a.txt", R_OK), access("nope", F_OK));

    /* *at functions relative to a directory fd */
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    int af = openat(dfd, "at-file", O_CREAT | O_WRONLY, 0644);
    write(af, "12345", 5);
    close(af);
    printf("fstatat size %d\n", fstatat(dfd, "at-file", &st, 0) == 0 ? (int)st.st_size : -1);
    printf("unlinkat %d\n", unlinkat(dfd, "at-file", 0));
    r = mkdirat(dfd, "atdir", 0755);
    printf("mkdirat %d unlinkat dir %d\n", r, unlinkat(dfd, "atdir", AT_REMOVEDIR));
    close(dfd);

    /* a shared file mapping writes through; a private one does not */
    int mf = open("map.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    ftruncate(mf, 8192);
    char *sm = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, mf, 0);
    memcpy(sm + 4096, "shared!", 7);
    msync(sm, 8192, MS_SYNC);
    memset(buf, 0, sizeof buf);
    pread(mf, buf, 7, 4096);
    printf("shared map -> file '%s'\n", buf);
    pwrite(mf, "FROMFILE", 8, 0);
    printf("file -> shared map '%.8s'\n", sm);
    char *pm = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, mf, 0);
    memcpy(pm, "private", 7);
    memset(buf, 0, sizeof buf);
    pread(mf, buf, 8, 0);
    printf("private map not written '%s' sees own '%.7s'\n", buf, pm);
    munmap(sm, 8192); munmap(pm, 8192); close(mf);

    /* pipe without fork */
    int p[2];
    pipe(p);
    write(p[1], "through a pipe", 14);
    close(p[1]);
    memset(buf, 0, sizeof buf);
    n = read(p[0], buf, sizeof buf);
    printf("pipe %zd '%s'\n", n, buf);
    printf("then eof %zd\n", read(p[0], buf, sizeof buf));
    close(p[0]);

    /* clean up */
    const char *files[] = {"d/renamed", "d/f02", "d/f03", "d/f04", "d/f05", "d/f06", "d/f07", "d/f08", "d/f09", "d/f10", "d/f11",
                           "d/link", "d/sublink", "d/dangling", "d/hard", "a.txt", "b.txt", "map.bin"};
    int bad = 0;
    for (unsigned i = 0; i < sizeof files / sizeof files[0]; i++) if (unlink(files[i])) { bad++; printf("unlink %s errno %d\n", files[i], errno); }
    if (rmdir("d/deeper2") || rmdir("d/sub") || rmdir("d")) bad++;
    list("empty", ".");
    chdir("/");
    if (rmdir(base)) bad++;
    printf("cleanup ok %d\n", bad == 0);
    errno = 0;
    r = access(base, F_OK);
    printf("base gone %d errno %d\n", r, errno);
    return 0;
}
