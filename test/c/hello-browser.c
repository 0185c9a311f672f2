/* The browser test's C program (test/browser.test.ts): stdio, argv, the
 * environment, stdin, arithmetic and formatting, and files under /tmp (the
 * browser machine's tmpfs). Prints only what is the same on every run. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check(const char *what, int ok) {
    printf("%-28s %s\n", what, ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    int bad = 0;
    printf("hello from x86-64, argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    const char *who = getenv("XOS_WHO");
    printf("XOS_WHO=%s\n", who ? who : "(unset)");

    char line[256];
    while (fgets(line, sizeof line, stdin)) printf("stdin: %s", line);

    unsigned long long f = 1;
    for (int i = 2; i <= 20; i++) f *= (unsigned long long)i;
    double s = 0;
    for (int i = 1; i <= 1000; i++) s += 1.0 / ((double)i * i);
    printf("20! = %llu, sum 1/n^2 = %.12f, %08x %-5s| %+.3e\n", f, s, 0xbeefu, "ab", -12345.678);

    char dir[] = "/tmp/xos-browser-XXXXXX";
    bad |= check("mkdtemp", mkdtemp(dir) != NULL);
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(c, sizeof c, "%s/c", dir);
    int fd = open(a, O_RDWR | O_CREAT | O_EXCL, 0600);
    bad |= check("open O_CREAT", fd >= 0);
    bad |= check("write", write(fd, "0123456789", 10) == 10);
    bad |= check("lseek past the end", lseek(fd, 100000, SEEK_SET) == 100000);
    bad |= check("write after a hole", write(fd, "!", 1) == 1);
    char buf[16] = {0};
    bad |= check("pread in the hole", pread(fd, buf, 4, 50000) == 4 && buf[0] == 0 && buf[3] == 0);
    bad |= check("pread data", pread(fd, buf, 4, 3) == 4 && memcmp(buf, "3456", 4) == 0);
    struct stat st;
    bad |= check("fstat size", fstat(fd, &st) == 0 && st.st_size == 100001 && S_ISREG(st.st_mode));
    bad |= check("fstat mode", (st.st_mode & 0777) == 0600);
    bad |= check("link", link(a, b) == 0);
    bad |= check("nlink 2", stat(b, &st) == 0 && st.st_nlink == 2);
    bad |= check("rename", rename(b, c) == 0 && access(b, F_OK) != 0 && access(c, F_OK) == 0);
    DIR *d = opendir(dir);
    int entries = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) entries++;
    if (d) closedir(d);
    bad |= check("readdir", entries == 4);
    bad |= check("unlink", unlink(a) == 0 && unlink(c) == 0);
    bad |= check("read after unlink", pread(fd, buf, 2, 8) == 2 && memcmp(buf, "89", 2) == 0);
    close(fd);
    bad |= check("rmdir", rmdir(dir) == 0);
    fflush(stdout);
    return bad ? 1 : 7;
}
