/* The browser test's image program (test/browser.test.ts): lists the tree
 * under DIR (names sorted; for each entry its type, permissions, owner, link
 * count, size, mtime in seconds, a symlink's target, a file's FNV-1a hash and
 * first line), then writes DIR/NAME, reads it back and lists DIR again.
 * Paths are printed relative to DIR, so the run in the image and the native
 * run on the tree the image was made from print the same.
 *
 * usage: image-tree DIR NAME */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The names in a directory without . and .., sorted; the count in *n. */
static char **names(const char *dir, int *n) {
    DIR *d = opendir(dir);
    *n = 0;
    if (!d) { printf("opendir %s: %s\n", dir, strerror(errno)); return NULL; }
    int cap = 16;
    char **v = malloc(cap * sizeof *v);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (*n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(v, *n, sizeof *v, cmpstr);
    return v;
}

static void describe(const char *path, const char *rel, int mtime) {
    struct stat st;
    if (lstat(path, &st)) { printf("%s: lstat %s\n", rel, strerror(errno)); return; }
    char type = S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : S_ISREG(st.st_mode) ? 'f' : '?';
    printf("%c %04o %u:%u nlink %lu %s", type, st.st_mode & 07777, st.st_uid, st.st_gid, (unsigned long)st.st_nlink, rel);
    if (S_ISLNK(st.st_mode)) {
        char t[4096];
        ssize_t n = readlink(path, t, sizeof t - 1);
        t[n < 0 ? 0 : n] = 0;
        printf(" -> %s\n", t);
        return;
    }
    if (mtime) printf(" mtime %lld", (long long)st.st_mtime);
    if (!S_ISREG(st.st_mode)) { printf("\n"); return; }
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf(" open %s\n", strerror(errno)); return; }
    unsigned long long h = 0xcbf29ce484222325ull;
    unsigned char buf[65536];
    char first[64] = {0};
    long long total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (total == 0) {
            int i = 0;
            while (i < n && i < 40 && buf[i] >= 0x20 && buf[i] < 0x7f) { first[i] = buf[i]; i++; }
        }
        for (ssize_t i = 0; i < n; i++) { h ^= buf[i]; h *= 0x100000001b3ull; }
        total += n;
    }
    close(fd);
    printf(" size %lld read %lld fnv %016llx \"%s\"\n", (long long)st.st_size, total, h, first);
}

static void walk(const char *dir, const char *rel) {
    int n;
    char **v = names(dir, &n);
    for (int i = 0; i < n; i++) {
        char path[4096], r[4096];
        snprintf(path, sizeof path, "%s/%s", dir, v[i]);
        snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", v[i]);
        describe(path, r, 1);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) walk(path, r);
        free(v[i]);
    }
    free(v);
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: image-tree DIR NAME\n"); return 2; }
    const char *dir = argv[1], *name = argv[2];
    walk(dir, "");
    char out[4096];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    int fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0640);
    if (fd < 0) { printf("create %s: %s\n", name, strerror(errno)); return 1; }
    char text[256];
    int len = snprintf(text, sizeof text, "written by image-tree into %s\n", name);
    if (write(fd, text, len) != len) { printf("write: %s\n", strerror(errno)); return 1; }
    close(fd);
    printf("wrote %s:\n", name);
    describe(out, name, 0); /* its mtime is now */
    int n;
    char **v = names(dir, &n);
    printf("now in DIR:");
    for (int i = 0; i < n; i++) { printf(" %s", v[i]); free(v[i]); }
    printf("\n");
    free(v);
    return 0;
}
