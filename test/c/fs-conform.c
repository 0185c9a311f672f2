/* VFS conformance: the rules of Linux's file-system calls that every backend
 * must follow, printed as a transcript that does not depend on the file
 * system it runs on (test/fs-conform.test.ts runs it natively and under xos
 * on each backend and compares).  No inode, device or time values are
 * printed: only relations ("same inode: yes"), counts, modes, sizes and
 * errno names.
 *
 * usage: fs-conform DIR [seed] [no-nsec] [no-perm] [no-lower-dir-rename] [no-punch]
 *   DIR      an empty scratch directory (or one holding only DIR/seed, see below)
 *   seed     only make DIR/seed (the files the image backend has in its
 *            lower layer; everywhere else the run makes them first) and exit
 *   no-nsec  skip the check that needs nanosecond timestamps
 *   no-perm  skip the checks that need root (setuid to nobody)
 *   no-lower-dir-rename  skip renaming a directory of DIR/seed
 * Everything it makes under DIR but DIR/seed is removed again at the end. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif
#ifndef SEEK_DATA
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

#define NOBODY 65534

static const char *ename(int e) {
    static char other[32];
    switch (e) {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EMLINK: return "EMLINK";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case ENXIO: return "ENXIO";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOSYS: return "ENOSYS";
    }
    snprintf(other, sizeof other, "errno %d", e);
    return other;
}

/* One line per call: its label and "ok" or the errno's name. */
static void show(const char *label, long r, int e) { printf("%s: %s\n", label, r < 0 ? ename(e) : "ok"); }
#define T(label, expr) do { errno = 0; long r_ = (long)(expr); show(label, r_, errno); } while (0)

/* open(2) reported like T, the descriptor closed again. */
static void topen(const char *label, const char *path, int flags, int mode) {
    errno = 0;
    int fd = open(path, flags, mode);
    show(label, fd, errno);
    if (fd >= 0) close(fd);
}

static const char *yesno(int b) { return b ? "yes" : "no"; }

static void put(const char *path, const char *data, int mode) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) { printf("setup: cannot make %s: %s\n", path, ename(errno)); exit(2); }
    if (data) write(fd, data, strlen(data));
    close(fd);
}

/* The whole file as a string ("<errno>" when it cannot be read). */
static const char *slurp(const char *path) {
    static char buf[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0) { snprintf(buf, sizeof buf, "<%s>", ename(errno)); return buf; }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    return buf;
}

static void mode_line(const char *label, const char *path) {
    struct stat st;
    if (lstat(path, &st)) { printf("%s: %s\n", label, ename(errno)); return; }
    printf("%s: mode %06o nlink %lu uid %u gid %u", label, st.st_mode, (unsigned long)st.st_nlink, st.st_uid, st.st_gid);
    if (!S_ISDIR(st.st_mode)) printf(" size %lld", (long long)st.st_size); /* a directory's size is the file system's own */
    printf("\n");
}

static int same_file(const char *a, const char *b, int follow) {
    struct stat x, y;
    int ra = follow ? stat(a, &x) : lstat(a, &x), rb = follow ? stat(b, &y) : lstat(b, &y);
    return ra == 0 && rb == 0 && x.st_ino == y.st_ino && x.st_dev == y.st_dev;
}

static nlink_t nlink_of(const char *path) {
    struct stat st;
    return lstat(path, &st) ? 0 : st.st_nlink;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The names in a directory, sorted, on one line; d_type marks directories
 * (/), symlinks (@) and types a file system does not report (?). */
static void list(const char *label, const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("%s: %s\n", label, ename(errno)); return; }
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        const char *mark = e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : e->d_type == DT_REG ? "" : "?";
        names[n] = malloc(strlen(e->d_name) + 2);
        sprintf(names[n++], "%s%s", e->d_name, mark);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmpstr);
    printf("%s:", label);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

enum { MANY = 1200 };
/* MANY entries in dir: every third a directory, the others empty files. */
static void make_many(const char *dir) {
    mkdir(dir, 0755);
    char name[300];
    for (int i = 0; i < MANY; i++) {
        snprintf(name, sizeof name, "%s/entry-%04d", dir, i);
        if (i % 3 == 0) mkdir(name, 0755);
        else put(name, NULL, 0644);
    }
}

/* ---- the seed: what the image backend holds in its lower layer ---------------- */
static void seed(void) {
    struct stat st;
    if (lstat("seed", &st) == 0) return;
    mkdir("seed", 0755);
    put("seed/file", "seed data\n", 0644);
    put("seed/moved", "to be renamed\n", 0640);
    put("seed/gone", "to be removed\n", 0644);
    put("seed/replaced", "to be replaced\n", 0600);
    mkdir("seed/dir", 0755);
    mkdir("seed/dir/sub", 0755);
    put("seed/dir/sub/deep", "deep\n", 0600);
    mkdir("seed/emptydir", 0700);
    mkdir("seed/full", 0755);
    put("seed/full/x", "x\n", 0644);
    mkdir("seed/movedir", 0755);
    put("seed/movedir/inner", "inner\n", 0644);
    symlink("file", "seed/link");
    symlink("dir/sub", "seed/dirlink");
    /* for the checks as nobody (chown needs root: without it they are skipped) */
    put("seed/nobodys", "nobody's\n", 0644);
    chown("seed/nobodys", NOBODY, NOBODY);
    make_many("seed/many");
    mkdir("seed/pub", 0777);
    chmod("seed/pub", 01777);
    put("seed/pub/rootfile", "root's\n", 0644);
}

static void seed_checks(int lower_dir_rename) {
    printf("== seed (in the image's lower layer on that backend)\n");
    mode_line("seed/file", "seed/file");
    mode_line("seed/dir", "seed/dir");
    mode_line("seed/link", "seed/link");
    printf("seed/link -> %s", slurp("seed/link"));
    printf("seed/dirlink/deep: %s", slurp("seed/dirlink/deep"));
    int fd = open("seed/file", O_WRONLY | O_APPEND);
    T("append to seed/file", fd);
    write(fd, "more\n", 5);
    close(fd);
    printf("seed/file now: %s", slurp("seed/file"));
    printf("seed/link still reaches it: %s", slurp("seed/link"));
    T("chmod seed/dir/sub/deep 0640", chmod("seed/dir/sub/deep", 0640));
    mode_line("seed/dir/sub/deep", "seed/dir/sub/deep");
    T("rename seed/moved seed/renamed", rename("seed/moved", "seed/renamed"));
    printf("seed/renamed: %s", slurp("seed/renamed"));
    mode_line("seed/renamed", "seed/renamed");
    T("stat seed/moved", ({ struct stat s; lstat("seed/moved", &s); }));
    T("unlink seed/gone", unlink("seed/gone"));
    T("open seed/gone", open("seed/gone", O_RDONLY));
    T("rmdir seed/full", rmdir("seed/full"));
    T("rmdir seed/emptydir", rmdir("seed/emptydir"));
    T("mkdir seed/emptydir again", mkdir("seed/emptydir", 0755));
    list("seed/emptydir lists", "seed/emptydir");
    put("seed/gone", "back\n", 0644);
    printf("seed/gone made again: %s", slurp("seed/gone"));
    T("unlink seed/full/x", unlink("seed/full/x"));
    T("rmdir seed/full now", rmdir("seed/full"));
    T("mkdir seed/full again", mkdir("seed/full", 0700));
    list("seed/full lists (nothing of the old one)", "seed/full");
    T("rmdir seed/full again", rmdir("seed/full"));
    put("newer", "the new one\n", 0644);
    T("rename newer seed/replaced", rename("newer", "seed/replaced"));
    printf("seed/replaced: %s", slurp("seed/replaced"));
    mode_line("seed/replaced", "seed/replaced");
    if (lower_dir_rename) {
        T("rename seed/movedir seed/moveddir", rename("seed/movedir", "seed/moveddir"));
        printf("seed/moveddir/inner: %s", slurp("seed/moveddir/inner"));
    } else {
        T("rename seed/movedir/inner seed/inner", rename("seed/movedir/inner", "seed/inner"));
        T("rmdir seed/movedir", rmdir("seed/movedir"));
        T("mkdir seed/moveddir", mkdir("seed/moveddir", 0755));
        T("rename seed/inner seed/moveddir/inner", rename("seed/inner", "seed/moveddir/inner"));
    }
    T("link seed/dir/sub/deep seed/deeplink", link("seed/dir/sub/deep", "seed/deeplink"));
    printf("seed/deeplink same inode as seed/dir/sub/deep: %s, nlink %lu\n",
           yesno(same_file("seed/deeplink", "seed/dir/sub/deep", 0)), (unsigned long)nlink_of("seed/deeplink"));
    list("seed lists", "seed");
    list("seed/dir/sub lists", "seed/dir/sub");
}

/* ---- stat fields ---------------------------------------------------------------- */
static void stat_fields(void) {
    printf("== stat fields\n");
    umask(022);
    put("f", "0123456789", 0666);
    mode_line("f", "f");
    mkdir("d", 0777);
    mode_line("d", "d");
    T("symlink f l", symlink("f", "l"));
    mode_line("l", "l");
    struct stat st, st2;
    stat("f", &st);
    printf("st_blocks > 0 for data: %s\n", yesno(st.st_blocks > 0));
    printf("st_blksize > 0: %s\n", yesno(st.st_blksize > 0));
    put("empty", NULL, 0644);
    stat("empty", &st2);
    printf("empty file: size %lld blocks %lld\n", (long long)st2.st_size, (long long)st2.st_blocks);
    stat("l", &st2);
    printf("stat through l is f: %s\n", yesno(st2.st_ino == st.st_ino && st2.st_dev == st.st_dev));
    lstat("l", &st2);
    printf("lstat l differs from f: %s\n", yesno(st2.st_ino != st.st_ino));
    stat(".", &st2);
    printf("st_dev of f is its directory's: %s\n", yesno(st2.st_dev == st.st_dev));
    int fd = open("f", O_RDONLY);
    struct stat fst;
    fstat(fd, &fst);
    printf("fstat is stat: %s\n", yesno(fst.st_ino == st.st_ino && fst.st_size == st.st_size && fst.st_mode == st.st_mode));
    close(fd);
    mkdir("d/a", 0755);
    mkdir("d/b", 0755);
    put("d/file", "x", 0644);
    printf("d nlink with 2 subdirectories: %lu\n", (unsigned long)nlink_of("d"));
    umask(027);
    put("masked", NULL, 0666);
    mkdir("maskeddir", 0777);
    mode_line("file made under umask 027", "masked");
    mode_line("dir made under umask 027", "maskeddir");
    umask(022);
    T("chmod masked 04755", chmod("masked", 04755));
    mode_line("masked", "masked");
    T("chown masked 12:34", chown("masked", 12, 34));
    mode_line("masked after chown", "masked");
    T("lchown l 5:6", lchown("l", 5, 6));
    mode_line("l after lchown", "l");
    mode_line("f after lchown of l", "f");
    T("mknod regular", mknod("node", S_IFREG | 0600, 0));
    mode_line("node", "node");
    T("mkdir mode 07777", mkdir("alldir", 07777));
    mode_line("alldir", "alldir");
    rmdir("alldir");
    topen("O_CREAT mode 07777", "allfile", O_CREAT | O_WRONLY, 07777);
    mode_line("allfile", "allfile");
    unlink("allfile");
}

/* ---- hard links ------------------------------------------------------------------ */
static void links(void) {
    printf("== hard links\n");
    put("h1", "shared\n", 0644);
    T("link h1 h2", link("h1", "h2"));
    printf("st_ino equal after link: %s\n", yesno(same_file("h1", "h2", 0)));
    printf("nlink h1 %lu h2 %lu\n", (unsigned long)nlink_of("h1"), (unsigned long)nlink_of("h2"));
    T("link h1 h3", link("h1", "h3"));
    printf("nlink after a third name: %lu\n", (unsigned long)nlink_of("h1"));
    int fd = open("h2", O_WRONLY | O_APPEND);
    write(fd, "via h2\n", 7);
    close(fd);
    printf("h1 reads: %s", slurp("h1"));
    T("unlink h1", unlink("h1"));
    printf("nlink h2 after unlink h1: %lu\n", (unsigned long)nlink_of("h2"));
    T("link h1 h4 (h1 gone)", link("h1", "h4"));
    T("link h2 h3 (exists)", link("h2", "h3"));
    T("link d dlink (a directory)", link("d", "dlink"));
    T("link h2 nodir/x", link("h2", "nodir/x"));
    T("link h2 f/x", link("h2", "f/x"));
    T("link h2 /dev/xos-conform (another mount)", link("h2", "/dev/xos-conform"));
    T("rename h2 /proc/xos-conform (another mount)", rename("h2", "/proc/xos-conform"));
    T("link l hl (the symlink itself)", link("l", "hl"));
    mode_line("hl", "hl");
    T("linkat l hlf AT_SYMLINK_FOLLOW", linkat(AT_FDCWD, "l", AT_FDCWD, "hlf", AT_SYMLINK_FOLLOW));
    printf("hlf is f: %s\n", yesno(same_file("hlf", "f", 0)));
    fd = open("h3", O_RDONLY);
    unlink("h2");
    unlink("h3");
    struct stat st;
    fstat(fd, &st);
    printf("open file after its last name went: nlink %lu size %lld\n", (unsigned long)st.st_nlink, (long long)st.st_size);
    char buf[8] = {0};
    printf("still reads: %zd\n", read(fd, buf, 6));
    close(fd);
    unlink("hl");
    unlink("hlf");
}

/* ---- rename ----------------------------------------------------------------------- */
static void renames(void) {
    printf("== rename\n");
    put("r1", "one\n", 0644);
    put("r2", "two\n", 0600);
    link("r2", "r2link");
    T("rename r1 r2 (over a file)", rename("r1", "r2"));
    printf("r2 reads: %s", slurp("r2"));
    mode_line("r2", "r2");
    printf("nlink of the replaced file's other name: %lu\n", (unsigned long)nlink_of("r2link"));
    T("stat r1", ({ struct stat s; stat("r1", &s); }));
    mkdir("rd1", 0755);
    mkdir("rd2", 0755);
    mkdir("rd3", 0755);
    put("rd3/x", "x", 0644);
    T("rename r2 rd1 (file over dir)", rename("r2", "rd1"));
    T("rename rd1 r2 (dir over file)", rename("rd1", "r2"));
    T("rename rd1 rd3 (over a non-empty dir)", rename("rd1", "rd3"));
    T("rename rd1 rd2 (over an empty dir)", rename("rd1", "rd2"));
    T("stat rd1", ({ struct stat s; stat("rd1", &s); }));
    mkdir("rd2/sub", 0755);
    T("rename rd2 rd2/sub/in (into its own subdirectory)", rename("rd2", "rd2/sub/in"));
    T("rename rd2 rd2/sub (onto its own subdirectory)", rename("rd2", "rd2/sub"));
    T("rename rd2/sub rd2 (onto its parent)", rename("rd2/sub", "rd2"));
    T("rename r2 r2 (to itself)", rename("r2", "r2"));
    link("r2", "r2same");
    T("rename r2 r2same (another name of the same file)", rename("r2", "r2same"));
    printf("both names remain: %s, nlink %lu\n", yesno(access("r2", F_OK) == 0 && access("r2same", F_OK) == 0), (unsigned long)nlink_of("r2"));
    unlink("r2same");
    T("rename rd2 rd2 (a directory to itself)", rename("rd2", "rd2"));
    T("rename nosuch x", rename("nosuch", "x"));
    T("rename r2 nodir/x", rename("r2", "nodir/x"));
    T("rename r2 r2link/x", rename("r2", "r2link/x"));
    T("rename . x", rename(".", "x"));
    T("rename rd2/sub/.. x", rename("rd2/sub/..", "x"));
    T("rename r2 .", rename("r2", "."));
    T("renameat2 NOREPLACE over r2link", syscall(SYS_renameat2, AT_FDCWD, "r2", AT_FDCWD, "r2link", RENAME_NOREPLACE));
    T("renameat2 NOREPLACE to r3", syscall(SYS_renameat2, AT_FDCWD, "r2", AT_FDCWD, "r3", RENAME_NOREPLACE));
    T("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD, "r3", AT_FDCWD, "r4", 0x80));
    printf("r3 reads: %s", slurp("r3"));
    printf("r2 is gone: %s\n", yesno(access("r2", F_OK) != 0));
    /* directory link counts follow a move between parents */
    mkdir("pa", 0755);
    mkdir("pb", 0755);
    mkdir("pa/child", 0755);
    printf("nlink pa %lu pb %lu\n", (unsigned long)nlink_of("pa"), (unsigned long)nlink_of("pb"));
    T("rename pa/child pb/child", rename("pa/child", "pb/child"));
    printf("nlink pa %lu pb %lu\n", (unsigned long)nlink_of("pa"), (unsigned long)nlink_of("pb"));
    T("stat pb/child/..", ({ struct stat s; stat("pb/child/..", &s); }));
    printf("pb/child/.. is pb: %s\n", yesno(same_file("pb/child/..", "pb", 1)));
    T("rename pb/child pa/moved", rename("pb/child", "pa/moved"));
    T("rename pa/moved pb/ (trailing slash, new name)", rename("pa/moved", "pb/moved/"));
    T("rename r3 r5/ (a file, trailing slash)", rename("r3", "r5/"));
    T("rename r3/ r5", rename("r3/", "r5"));
    /* a symlink is renamed, not what it points to */
    symlink("r3", "rl");
    printf("r3 (a symlink's target) still there: %s\n", yesno(access("r3", F_OK) == 0));
    T("rename rl rl2", rename("rl", "rl2"));
    mode_line("rl2", "rl2");
    printf("rl2 reads: %s", slurp("rl2"));
    unlink("rl2");
    unlink("r3");
    unlink("r2link");
    unlink("rd3/x");
    rmdir("rd3");
    rmdir("rd2/sub");
    rmdir("rd2");
    rmdir("pb/moved");
    rmdir("pa");
    rmdir("pb");
}

/* ---- unlink and rmdir ---------------------------------------------------------------- */
static void removals(void) {
    printf("== unlink, rmdir\n");
    mkdir("u", 0755);
    mkdir("u/d", 0755);
    put("u/f", "f", 0644);
    put("u/d/x", "x", 0644);
    symlink("d", "u/ld");
    T("unlink u/d", unlink("u/d"));
    T("rmdir u/f", rmdir("u/f"));
    T("rmdir u/d (not empty)", rmdir("u/d"));
    T("rmdir u/d/.", rmdir("u/d/."));
    T("rmdir u/d/..", rmdir("u/d/.."));
    T("rmdir u/ld (a symlink to a dir)", rmdir("u/ld"));
    T("rmdir u/ld/ (trailing slash)", rmdir("u/ld/"));
    T("unlink u/ld/ (trailing slash)", unlink("u/ld/"));
    T("unlink u/f/ (a file, trailing slash)", unlink("u/f/"));
    T("unlink u/nosuch", unlink("u/nosuch"));
    T("unlink u/f/x", unlink("u/f/x"));
    T("unlink u/ld", unlink("u/ld"));
    printf("u/d survives: %s\n", yesno(access("u/d/x", F_OK) == 0));
    T("unlinkat u/d AT_REMOVEDIR (not empty)", unlinkat(AT_FDCWD, "u/d", AT_REMOVEDIR));
    T("unlink u/d/x", unlink("u/d/x"));
    T("rmdir u/d/ (trailing slash)", rmdir("u/d/"));
    T("unlinkat u/f AT_REMOVEDIR", unlinkat(AT_FDCWD, "u/f", AT_REMOVEDIR));
    T("unlinkat u/f bad flags", unlinkat(AT_FDCWD, "u/f", 0x1));
    T("unlink u/f", unlink("u/f"));
    /* a removed directory that is still the cwd */
    mkdir("u/cwd", 0755);
    int dot = open(".", O_RDONLY | O_DIRECTORY);
    chdir("u/cwd");
    T("rmdir the cwd", rmdir("../cwd"));
    T("create in a removed cwd", open("new", O_CREAT | O_WRONLY, 0644));
    fchdir(dot);
    close(dot);
    /* a directory removed while open lists nothing */
    mkdir("u/gone", 0755);
    int g = open("u/gone", O_RDONLY | O_DIRECTORY);
    T("rmdir an open dir", rmdir("u/gone"));
    char dbuf[512];
    T("getdents64 on it", syscall(SYS_getdents64, g, dbuf, sizeof dbuf));
    T("openat in it", openat(g, "x", O_CREAT | O_WRONLY, 0644));
    close(g);
    T("rmdir u", rmdir("u"));
}

/* ---- open flags ------------------------------------------------------------------------- */
static void open_flags(void) {
    printf("== O_APPEND, O_EXCL, O_TRUNC, O_NOFOLLOW, O_DIRECTORY\n");
    put("a", "12345", 0644);
    int fd = open("a", O_RDWR | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "ab", 2);
    printf("O_APPEND write after lseek 0: position %lld, file %s\n", (long long)lseek(fd, 0, SEEK_CUR), slurp("a"));
    errno = 0;
    long w = pwrite(fd, "P", 1, 0); /* Linux appends: pwrite ignores the offset on an O_APPEND file */
    printf("pwrite at 0 on O_APPEND: %ld %s, position %lld, file %s\n", w, ename(w < 0 ? errno : 0), (long long)lseek(fd, 0, SEEK_CUR), slurp("a"));
    char c = 0;
    lseek(fd, 1, SEEK_SET);
    read(fd, &c, 1);
    printf("read at 1 on O_APPEND: %c\n", c);
    fcntl(fd, F_SETFL, 0);
    lseek(fd, 0, SEEK_SET);
    write(fd, "Z", 1);
    printf("after F_SETFL 0, write at 0: %s\n", slurp("a"));
    close(fd);
    topen("O_CREAT|O_EXCL on a", "a", O_CREAT | O_EXCL | O_WRONLY, 0644);
    topen("O_CREAT|O_EXCL on new", "excl", O_CREAT | O_EXCL | O_WRONLY, 0644);
    symlink("dangling-target", "dangle");
    topen("O_CREAT|O_EXCL on a dangling symlink", "dangle", O_CREAT | O_EXCL | O_WRONLY, 0644);
    printf("dangling target made: %s\n", yesno(access("dangling-target", F_OK) == 0));
    topen("O_CREAT on a dangling symlink", "dangle", O_CREAT | O_WRONLY, 0600);
    mode_line("dangling-target made through it", "dangling-target");
    topen("O_EXCL without O_CREAT", "a", O_EXCL | O_RDONLY, 0);
    topen("O_CREAT|O_EXCL on a dir", "d", O_CREAT | O_EXCL | O_RDONLY, 0644);
    topen("O_CREAT on a dir", "d", O_CREAT | O_RDONLY, 0644);
    topen("O_CREAT of new/ (trailing slash)", "newfile/", O_CREAT | O_WRONLY, 0644);
    topen("O_CREAT in a missing dir", "nodir/x", O_CREAT | O_WRONLY, 0644);
    put("t", "0123456789", 0644);
    topen("O_TRUNC|O_WRONLY", "t", O_TRUNC | O_WRONLY, 0);
    printf("t after O_TRUNC: size %lld\n", (long long)({ struct stat s; stat("t", &s); s.st_size; }));
    put("t", "0123456789", 0644);
    topen("O_TRUNC|O_RDONLY", "t", O_TRUNC | O_RDONLY, 0);
    printf("t after O_TRUNC|O_RDONLY: size %lld\n", (long long)({ struct stat s; stat("t", &s); s.st_size; }));
    topen("O_TRUNC on a dir", "d", O_TRUNC | O_RDONLY, 0);
    topen("O_WRONLY on a dir", "d", O_WRONLY, 0);
    topen("O_RDWR on a dir", "d", O_RDWR, 0);
    topen("O_NOFOLLOW on a symlink", "l", O_RDONLY | O_NOFOLLOW, 0);
    topen("O_NOFOLLOW on a file", "f", O_RDONLY | O_NOFOLLOW, 0);
    symlink("d", "ld");
    topen("O_NOFOLLOW through a symlink to a dir (not last)", "ld/file", O_RDONLY | O_NOFOLLOW, 0);
    topen("O_NOFOLLOW|O_PATH on a symlink", "l", O_PATH | O_NOFOLLOW, 0);
    topen("O_NOFOLLOW|O_CREAT on a symlink", "l", O_CREAT | O_NOFOLLOW | O_WRONLY, 0644);
    topen("O_DIRECTORY on a file", "f", O_RDONLY | O_DIRECTORY, 0);
    topen("O_DIRECTORY on a dir", "d", O_RDONLY | O_DIRECTORY, 0);
    topen("O_DIRECTORY on a symlink to a dir", "ld", O_RDONLY | O_DIRECTORY, 0);
    topen("O_DIRECTORY|O_NOFOLLOW on a symlink to a dir", "ld", O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
    topen("O_DIRECTORY on a missing name", "nosuch", O_RDONLY | O_DIRECTORY, 0);
    topen("f/ (a file, trailing slash)", "f/", O_RDONLY, 0);
    topen("d/ (trailing slash)", "d/", O_RDONLY, 0);
    topen("ld/ (a symlink to a dir, trailing slash)", "ld/", O_RDONLY, 0);
    topen("l/ (a symlink to a file, trailing slash)", "l/", O_RDONLY, 0);
    topen("f/. ", "f/.", O_RDONLY, 0);
    topen("d/.", "d/.", O_RDONLY, 0);
    /* O_RDONLY gives no write, O_WRONLY no read */
    fd = open("f", O_RDONLY);
    T("write on O_RDONLY", write(fd, "x", 1));
    close(fd);
    fd = open("f", O_WRONLY);
    T("read on O_WRONLY", ({ char b; read(fd, &b, 1); }));
    close(fd);
    unlink("a"); unlink("excl"); unlink("dangle"); unlink("dangling-target"); unlink("t"); unlink("ld");
}

/* ---- symlinks and path resolution -------------------------------------------------------- */
static void symlinks(const char *dir) {
    printf("== symlinks, ELOOP, trailing slashes, ..\n");
    mkdir("s", 0755);
    T("symlink loop->loop", symlink("loop", "s/loop"));
    topen("open s/loop", "s/loop", O_RDONLY, 0);
    T("stat s/loop", ({ struct stat x; stat("s/loop", &x); }));
    T("lstat s/loop", ({ struct stat x; lstat("s/loop", &x); }));
    symlink("b", "s/a");
    symlink("a", "s/b");
    topen("open s/a (a->b->a)", "s/a", O_RDONLY, 0);
    T("stat s/a/x", ({ struct stat x; stat("s/a/x", &x); }));
    T("mkdir s/a/x", mkdir("s/a/x", 0755));
    topen("O_CREAT through a loop", "s/a", O_CREAT | O_WRONLY, 0644);
    /* a chain of symlinks: 40 are followed, the 41st gives ELOOP */
    put("s/target", "end of the chain\n", 0644);
    char name[64], prev[64];
    strcpy(prev, "target");
    for (int i = 0; i < 41; i++) {
        snprintf(name, sizeof name, "s/c%02d", i);
        symlink(prev, name);
        snprintf(prev, sizeof prev, "c%02d", i);
    }
    printf("through 40 links: %s", slurp("s/c39"));
    printf("through 41 links: %s\n", slurp("s/c40"));
    T("lstat the 41st", ({ struct stat x; lstat("s/c40", &x); }));
    /* links in the middle of a path count too */
    mkdir("s/real", 0755);
    put("s/real/file", "in real\n", 0644);
    symlink("real", "s/m00");
    for (int i = 1; i < 41; i++) {
        char n2[64], p2[64];
        snprintf(n2, sizeof n2, "s/m%02d", i);
        snprintf(p2, sizeof p2, "m%02d", i - 1);
        symlink(p2, n2);
    }
    printf("s/m39/file: %s", slurp("s/m39/file"));
    printf("s/m40/file: %s\n", slurp("s/m40/file"));
    symlink("", "s/emptylink"); /* Linux refuses an empty target */
    T("symlink with an empty target", symlink("", "s/empty2"));
    T("symlink to an existing name", symlink("x", "s/target"));
    T("symlink new/ (trailing slash)", symlink("x", "s/newlink/"));
    T("mkdir s/dl/ (a dangling symlink, trailing slash)", ({ symlink("nodir", "s/dl"); mkdir("s/dl/", 0755); }));
    printf("mkdir through a dangling symlink made it: %s\n", yesno(access("s/nodir", F_OK) == 0));
    char buf[64];
    ssize_t n = readlink("s/c00", buf, sizeof buf);
    printf("readlink s/c00: %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    n = readlink("s/c00", buf, 3);
    printf("readlink into 3 bytes: %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    T("readlink a file", readlink("s/target", buf, sizeof buf));
    T("readlink s/c00/ (trailing slash)", readlink("s/c00/", buf, sizeof buf));
    T("readlink missing", readlink("s/nosuch", buf, sizeof buf));
    symlink("../s/real", "s/rel");
    printf("relative ../ inside a link: %s", slurp("s/rel/file"));
    char abs[PATH_MAX];
    snprintf(abs, sizeof abs, "%s/s/real", dir);
    symlink(abs, "s/abs");
    printf("absolute link: %s", slurp("s/abs/file"));
    /* '..' applies to the path as resolved, not as written */
    mkdir("s/real/deeper", 0755);
    symlink("real/deeper", "s/todeep");
    printf("s/todeep/../file: %s", slurp("s/todeep/../file"));
    /* trailing slashes and dots */
    T("stat s/real/", ({ struct stat x; stat("s/real/", &x); }));
    T("stat s/real//file", ({ struct stat x; stat("s/real//file", &x); }));
    T("stat s/real/file/", ({ struct stat x; stat("s/real/file/", &x); }));
    T("stat s/real/file/.", ({ struct stat x; stat("s/real/file/.", &x); }));
    T("stat s/real/file/..", ({ struct stat x; stat("s/real/file/..", &x); }));
    T("lstat s/rel/ (trailing slash follows)", ({ struct stat x; lstat("s/rel/", &x); S_ISDIR(x.st_mode) ? 0 : -1; }));
    T("mkdir s/newdir/ (trailing slash)", mkdir("s/newdir/", 0755));
    T("mkdir s/newdir again", mkdir("s/newdir", 0755));
    T("mkdir s/target (a file)", mkdir("s/target", 0755));
    T("mkdir s/target/x", mkdir("s/target/x", 0755));
    T("mkdir .", mkdir(".", 0755));
    T("mkdir s/..", mkdir("s/..", 0755));
    /* '..' at the scratch directory and at / */
    char parent[PATH_MAX];
    strcpy(parent, dir);
    char *slash = strrchr(parent, '/');
    if (slash == parent) parent[1] = 0; else *slash = 0;
    char dotdot[PATH_MAX];
    snprintf(dotdot, sizeof dotdot, "%s/..", dir);
    printf("DIR/.. is DIR's parent: %s\n", yesno(same_file(dotdot, parent, 1)));
    printf("DIR/.. is not DIR: %s\n", yesno(!same_file(dotdot, dir, 1)));
    printf("/.. is /: %s\n", yesno(same_file("/..", "/", 1)));
    printf("/../../.. is /: %s\n", yesno(same_file("/../../..", "/", 1)));
    snprintf(dotdot, sizeof dotdot, "/../../..%s", dir);
    printf("/../../..DIR is DIR: %s\n", yesno(same_file(dotdot, dir, 1)));
    int here = open(".", O_RDONLY | O_DIRECTORY);
    chdir("/");
    T("chdir .. at /", chdir(".."));
    char cwd[PATH_MAX];
    printf("cwd after chdir .. at /: %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
    struct stat st;
    int root = open("/", O_RDONLY | O_DIRECTORY);
    T("fstatat(/, \"..\")", fstatat(root, "..", &st, 0));
    printf("openat(/, \"..\") is /: %s\n", yesno(({ struct stat r; fstat(root, &r); r.st_ino == st.st_ino && r.st_dev == st.st_dev; })));
    close(root);
    fchdir(here);
    close(here);
    symlink("/..", "s/uproot");
    printf("a link to /.. reaches /: %s\n", yesno(same_file("s/uproot", "/", 1)));
    chdir("s");
    printf("cwd after chdir s: %s\n", getcwd(cwd, sizeof cwd) && strlen(cwd) == strlen(dir) + 2 && strcmp(cwd + strlen(dir), "/s") == 0 ? "DIR/s" : cwd);
    chdir("real/deeper");
    chdir("../..");
    printf("cwd after real/deeper and ../..: %s\n", getcwd(cwd, sizeof cwd) && strcmp(cwd + strlen(dir), "/s") == 0 ? "DIR/s" : cwd);
    chdir("todeep");
    chdir("..");
    printf("chdir through a link then ..: %s\n", getcwd(cwd, sizeof cwd) && strcmp(cwd + strlen(dir), "/s/real") == 0 ? "DIR/s/real" : cwd);
    chdir(dir);
    /* cleanup */
    DIR *d = opendir("s");
    struct dirent *e;
    char p[300];
    while ((e = readdir(d))) {
        snprintf(p, sizeof p, "s/%s", e->d_name);
        struct stat x;
        if (lstat(p, &x) == 0 && !S_ISDIR(x.st_mode)) unlink(p);
    }
    closedir(d);
    unlink("s/real/file");
    rmdir("s/real/deeper");
    rmdir("s/real");
    rmdir("s/newdir");
    rmdir("s/nodir");
    T("rmdir s", rmdir("s"));
}

/* ---- getdents while unlinking ------------------------------------------------------------- */
struct linux_dirent64 { unsigned long long d_ino; long long d_off; unsigned short d_reclen; unsigned char d_type; char d_name[]; };

static void dents(const char *dir) {
    enum { N = MANY };
    printf("== getdents over %d entries of %s while unlinking\n", N, dir);
    struct stat st;
    if (lstat(dir, &st)) make_many(dir);
    static unsigned char seen[N];
    memset(seen, 0, sizeof seen);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    char buf[1024];
    long n;
    int total = 0, dups = 0, dots = 0, strange = 0, badtype = 0, calls = 0, failed = 0;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        calls++;
        for (long o = 0; o < n;) {
            struct linux_dirent64 *e = (void *)(buf + o);
            o += e->d_reclen;
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) { dots++; continue; }
            int i;
            if (sscanf(e->d_name, "entry-%d", &i) != 1 || i < 0 || i >= N) { strange++; continue; }
            if (seen[i]++) dups++;
            total++;
            unsigned char want = i % 3 == 0 ? DT_DIR : DT_REG;
            if (e->d_type != want && e->d_type != DT_UNKNOWN) badtype++;
            if (unlinkat(fd, e->d_name, i % 3 == 0 ? AT_REMOVEDIR : 0)) failed++;
        }
    }
    int missed = 0;
    for (int i = 0; i < N; i++) if (!seen[i]) missed++;
    printf("getdents result: %s\n", n < 0 ? ename(errno) : "end");
    printf("distinct entries seen %d, duplicates %d, missed %d, dots %d, other names %d, wrong d_type %d, unlink failures %d, several calls %s\n",
           total - dups, dups, missed, dots, strange, badtype, failed, yesno(calls > 10));
    lseek(fd, 0, SEEK_SET);
    int left = 0;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long o = 0; o < n;) { struct linux_dirent64 *e = (void *)(buf + o); o += e->d_reclen; left++; }
    printf("entries after rewinding: %d\n", left);
    close(fd);
    T("rmdir it", rmdir(dir));
}

/* ---- holes, ftruncate, SEEK_DATA/SEEK_HOLE, fallocate ------------------------------------- */
static int all_zero(int fd, off_t from, off_t to) {
    char b[4096];
    while (from < to) {
        size_t want = to - from > (off_t)sizeof b ? sizeof b : (size_t)(to - from);
        ssize_t n = pread(fd, b, want, from);
        if (n <= 0) return 0;
        for (ssize_t i = 0; i < n; i++) if (b[i]) return 0;
        from += n;
    }
    return 1;
}

static int punch = 1; /* no-punch: skip PUNCH_HOLE, which the file system cannot do */

static void holes(void) {
    printf("== holes, ftruncate, SEEK_DATA/SEEK_HOLE, fallocate\n");
    enum { MB = 1 << 20 };
    int fd = open("sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char block[4096];
    memset(block, 'a', sizeof block);
    write(fd, block, sizeof block);
    memset(block, 'b', sizeof block);
    pwrite(fd, block, sizeof block, MB);
    struct stat st;
    fstat(fd, &st);
    off_t size = st.st_size;
    printf("size %lld\n", (long long)size);
    printf("fewer blocks than the size needs: %s\n", yesno((long long)st.st_blocks * 512 < size));
    printf("the hole reads as zeros: %s\n", yesno(all_zero(fd, 4096, MB)));
    errno = 0;
    off_t d0 = lseek(fd, 0, SEEK_DATA);
    printf("SEEK_DATA 0: %lld\n", (long long)d0);
    off_t h0 = lseek(fd, 0, SEEK_HOLE);
    printf("SEEK_HOLE 0 within [4096, size]: %s\n", yesno(h0 >= 4096 && h0 <= size));
    printf("zeros from there to 1M: %s\n", yesno(all_zero(fd, h0, MB)));
    off_t d1 = lseek(fd, 8192, SEEK_DATA);
    printf("SEEK_DATA 8192 within [8192, 1M]: %s, zeros before it: %s\n", yesno(d1 >= 8192 && d1 <= MB), yesno(all_zero(fd, 8192, d1)));
    off_t d2 = lseek(fd, MB + 10, SEEK_DATA);
    printf("SEEK_DATA in the last data: %lld\n", (long long)(d2 - MB));
    printf("SEEK_HOLE size-1: %s\n", yesno(lseek(fd, size - 1, SEEK_HOLE) == size));
    T("SEEK_DATA size", lseek(fd, size, SEEK_DATA));
    T("SEEK_HOLE size", lseek(fd, size, SEEK_HOLE));
    T("SEEK_DATA -1", lseek(fd, -1, SEEK_DATA));
    T("SEEK_HOLE past the end", lseek(fd, size + 100, SEEK_HOLE));
    T("lseek -1", lseek(fd, -1, SEEK_SET));
    T("lseek whence 7", lseek(fd, 0, 7));
    printf("lseek past the end: %lld\n", (long long)lseek(fd, size + 1000, SEEK_SET));
    printf("read there: %zd\n", read(fd, block, 10));
    printf("SEEK_END -1: %lld\n", (long long)(lseek(fd, -1, SEEK_END) - size));
    /* ftruncate: shrinking drops data; growing again reads zeros */
    T("ftruncate 100", ftruncate(fd, 100));
    fstat(fd, &st);
    printf("size %lld\n", (long long)st.st_size);
    T("ftruncate 10000", ftruncate(fd, 10000));
    printf("bytes 100..10000 zero after shrink and grow: %s\n", yesno(all_zero(fd, 100, 10000)));
    char c = 0;
    pread(fd, &c, 1, 99);
    printf("byte 99 kept: %c\n", c);
    T("ftruncate -1", ftruncate(fd, -1));
    T("truncate sparse 5", truncate("sparse", 5));
    fstat(fd, &st);
    printf("size after truncate(2): %lld\n", (long long)st.st_size);
    T("truncate a dir", truncate("d", 0));
    T("truncate missing", truncate("nosuch", 0));
    int ro = open("sparse", O_RDONLY);
    T("ftruncate O_RDONLY", ftruncate(ro, 0));
    T("fallocate O_RDONLY", fallocate(ro, 0, 0, 10));
    close(ro);
    /* writing past the end leaves a hole */
    pwrite(fd, "end", 3, 3 * MB);
    fstat(fd, &st);
    printf("size after a write at 3M: %lld, zeros between: %s\n", (long long)st.st_size, yesno(all_zero(fd, 5, 3 * MB)));
    /* fallocate */
    int fa = open("alloc", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fa, "xyz", 3);
    T("fallocate 0 0 20000", fallocate(fa, 0, 0, 20000));
    fstat(fa, &st);
    printf("size %lld, blocks cover it: %s\n", (long long)st.st_size, yesno((long long)st.st_blocks * 512 >= 20000));
    printf("data kept: %s, rest zero: %s\n", yesno(({ char b[4] = {0}; pread(fa, b, 3, 0); !strcmp(b, "xyz"); })), yesno(all_zero(fa, 3, 20000)));
    T("fallocate KEEP_SIZE 0 50000", fallocate(fa, 1 /* FALLOC_FL_KEEP_SIZE */, 0, 50000));
    fstat(fa, &st);
    printf("size after KEEP_SIZE: %lld\n", (long long)st.st_size);
    T("fallocate len 0", fallocate(fa, 0, 0, 0));
    T("fallocate offset -1", fallocate(fa, 0, -1, 10));
    T("fallocate PUNCH_HOLE without KEEP_SIZE", fallocate(fa, 2, 0, 10));
    if (punch) {
        T("fallocate PUNCH_HOLE|KEEP_SIZE", fallocate(fa, 3, 0, 2));
        printf("after punching 2 bytes: %s\n", yesno(({ char b[4] = {1, 1, 1, 0}; pread(fa, b, 3, 0); b[0] == 0 && b[1] == 0 && b[2] == 'z'; })));
    }
    fstat(fa, &st);
    printf("size after punching: %lld\n", (long long)st.st_size);
    close(fa);
    close(fd);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    T("fallocate on a dir fd", fallocate(dfd, 0, 0, 10));
    close(dfd);
    unlink("sparse");
    unlink("alloc");
}

/* ---- times ----------------------------------------------------------------------------------- */
static void times(int nsec) {
    printf("== utimensat\n");
    put("tm", "t", 0644);
    struct timespec ts[2] = {{1000000000, 123456000}, {1200000000, 654321000}};
    T("utimensat explicit", utimensat(AT_FDCWD, "tm", ts, 0));
    struct stat st;
    stat("tm", &st);
    printf("atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    time_t before = time(NULL);
    struct stat c0 = st;
    struct timespec now_omit[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
    T("utimensat NOW, OMIT", utimensat(AT_FDCWD, "tm", now_omit, 0));
    stat("tm", &st);
    printf("atime now: %s, mtime kept: %s, ctime moved: %s\n", yesno(st.st_atim.tv_sec >= before - 1 && st.st_atim.tv_sec <= time(NULL) + 1),
           yesno(st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 654321000),
           yesno(st.st_ctim.tv_sec > c0.st_ctim.tv_sec || (st.st_ctim.tv_sec == c0.st_ctim.tv_sec && st.st_ctim.tv_nsec >= c0.st_ctim.tv_nsec)));
    struct timespec omit_now[2] = {{5, UTIME_OMIT}, {0, UTIME_NOW}};
    T("utimensat OMIT, NOW", utimensat(AT_FDCWD, "tm", omit_now, 0));
    struct stat st2;
    stat("tm", &st2);
    printf("atime kept: %s, mtime now: %s\n", yesno(st2.st_atim.tv_sec == st.st_atim.tv_sec && st2.st_atim.tv_nsec == st.st_atim.tv_nsec),
           yesno(st2.st_mtim.tv_sec >= before - 1 && st2.st_mtim.tv_sec <= time(NULL) + 1));
    struct timespec omit2[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
    T("utimensat OMIT, OMIT", utimensat(AT_FDCWD, "tm", omit2, 0));
    T("utimensat NULL", utimensat(AT_FDCWD, "tm", NULL, 0));
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    T("utimensat nsec 1e9", utimensat(AT_FDCWD, "tm", bad, 0));
    struct timespec neg[2] = {{0, -5}, {0, 0}};
    T("utimensat nsec -5", utimensat(AT_FDCWD, "tm", neg, 0));
    T("utimensat bad flags", utimensat(AT_FDCWD, "tm", ts, 0x4000));
    T("utimensat missing", utimensat(AT_FDCWD, "nosuch", ts, 0));
    /* on the symlink itself, and through it */
    struct timespec lt[2] = {{1100000000, 0}, {1100000000, 0}};
    T("utimensat l AT_SYMLINK_NOFOLLOW", utimensat(AT_FDCWD, "l", lt, AT_SYMLINK_NOFOLLOW));
    lstat("l", &st);
    printf("l's own mtime: %lld\n", (long long)st.st_mtim.tv_sec);
    stat("f", &st);
    printf("f's mtime untouched: %s\n", yesno(st.st_mtim.tv_sec != 1100000000));
    int fd = open("tm", O_RDONLY);
    struct timespec ft[2] = {{1300000000, 0}, {1300000001, 0}};
    T("futimens", futimens(fd, ft));
    fstat(fd, &st);
    printf("futimens mtime %lld\n", (long long)st.st_mtim.tv_sec);
    close(fd);
    /* a write moves mtime and ctime */
    struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
    utimensat(AT_FDCWD, "tm", old, 0);
    fd = open("tm", O_WRONLY);
    write(fd, "x", 1);
    fstat(fd, &st);
    printf("write moves mtime: %s\n", yesno(st.st_mtim.tv_sec >= before - 1));
    close(fd);
    if (nsec) {
        struct timespec ns[2] = {{1000000000, 123456789}, {1200000000, 987654321}};
        T("utimensat nanoseconds", utimensat(AT_FDCWD, "tm", ns, 0));
        stat("tm", &st);
        printf("atime nsec %09ld mtime nsec %09ld\n", st.st_atim.tv_nsec, st.st_mtim.tv_nsec);
    }
    unlink("tm");
}

/* ---- permissions as nobody ---------------------------------------------------------------------- */
static void as_nobody(void) {
    T("access public W_OK", access("p/public", W_OK));
    T("access public R_OK", access("p/public", R_OK));
    T("access secret R_OK", access("p/secret", R_OK));
    topen("open secret", "p/secret", O_RDONLY, 0);
    topen("open public O_RDONLY", "p/public", O_RDONLY, 0);
    topen("open public O_WRONLY", "p/public", O_WRONLY, 0);
    topen("open public O_RDONLY|O_TRUNC", "p/public", O_RDONLY | O_TRUNC, 0);
    topen("open groupw O_WRONLY (group 65534 may write)", "p/groupw", O_WRONLY, 0);
    topen("open otherw O_WRONLY", "p/otherw", O_WRONLY, 0);
    topen("open exec-only O_RDONLY", "p/execonly", O_RDONLY, 0);
    T("access exec-only X_OK", access("p/execonly", X_OK));
    T("truncate public", truncate("p/public", 0));
    T("chmod public", chmod("p/public", 0777));
    T("chown public to nobody", chown("p/public", NOBODY, NOBODY));
    T("utimensat public NULL (not owner, no write)", utimensat(AT_FDCWD, "p/public", NULL, 0));
    T("utimensat otherw NULL (not owner, may write)", utimensat(AT_FDCWD, "p/otherw", NULL, 0));
    struct timespec ts[2] = {{1, 0}, {1, 0}};
    T("utimensat otherw explicit (not owner)", utimensat(AT_FDCWD, "p/otherw", ts, 0));
    struct timespec now_omit[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}}, now_now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    T("utimensat otherw NOW,NOW (not owner, may write)", utimensat(AT_FDCWD, "p/otherw", now_now, 0));
    T("utimensat public NOW,NOW (not owner, no write)", utimensat(AT_FDCWD, "p/public", now_now, 0));
    T("utimensat otherw NOW,OMIT (not owner, may write)", utimensat(AT_FDCWD, "p/otherw", now_omit, 0));
    T("utimensat public NOW,OMIT (not owner, no write)", utimensat(AT_FDCWD, "p/public", now_omit, 0));
    T("stat locked/f (no search)", ({ struct stat s; stat("p/locked/f", &s); }));
    topen("opendir locked", "p/locked", O_RDONLY | O_DIRECTORY, 0);
    T("chdir locked", chdir("p/locked"));
    topen("opendir listonly (read, no search)", "p/listonly", O_RDONLY | O_DIRECTORY, 0);
    T("stat listonly/f", ({ struct stat s; stat("p/listonly/f", &s); }));
    T("stat searchonly/f (search, no read)", ({ struct stat s; stat("p/searchonly/f", &s); }));
    topen("opendir searchonly", "p/searchonly", O_RDONLY | O_DIRECTORY, 0);
    topen("create in p (not writable)", "p/new", O_CREAT | O_WRONLY, 0644);
    T("mkdir in p", mkdir("p/newdir", 0755));
    T("unlink p/public", unlink("p/public"));
    T("rename p/public p/x", rename("p/public", "p/x"));
    T("symlink in p", symlink("x", "p/sl"));
    T("rmdir p/locked", rmdir("p/locked"));
    /* my own directory */
    umask(077);
    topen("create in mine", "p/mine/f", O_CREAT | O_WRONLY, 0666);
    mode_line("p/mine/f", "p/mine/f");
    T("mkdir in mine", mkdir("p/mine/d", 0777));
    mode_line("p/mine/d", "p/mine/d");
    T("symlink in mine", symlink("f", "p/mine/sl"));
    printf("p/mine/sl owner: %u\n", ({ struct stat s; lstat("p/mine/sl", &s); s.st_uid; }));
    T("chmod own file 0600", chmod("p/mine/f", 0600));
    T("chown own file to root", chown("p/mine/f", 0, 0));
    T("chown own file to own ids", chown("p/mine/f", NOBODY, NOBODY));
    T("chmod own file 0000", chmod("p/mine/f", 0));
    topen("open own 0000 file", "p/mine/f", O_RDONLY, 0);
    T("utimensat own file explicit", utimensat(AT_FDCWD, "p/mine/f", ts, 0));
    T("rename own file", rename("p/mine/f", "p/mine/g"));
    T("link own file", link("p/mine/g", "p/mine/h"));
    /* a write by its owner (not root) takes the set-user-ID bit off a file */
    put("p/mine/suid", "s", 0755);
    T("chmod own file 04755", chmod("p/mine/suid", 04755));
    mode_line("p/mine/suid", "p/mine/suid");
    int fd = open("p/mine/suid", O_WRONLY | O_APPEND);
    write(fd, "x", 1);
    close(fd);
    mode_line("p/mine/suid after a write", "p/mine/suid");
    chmod("p/mine/suid", 06775);
    mode_line("p/mine/suid", "p/mine/suid");
    T("truncate own 06775 file", truncate("p/mine/suid", 1));
    mode_line("p/mine/suid after truncate", "p/mine/suid");
    unlink("p/mine/suid");
    /* setgid directory: new files take its group, new directories its bit */
    topen("create in sgid", "p/sgid/f", O_CREAT | O_WRONLY, 0644);
    mode_line("p/sgid/f", "p/sgid/f");
    T("mkdir in sgid", mkdir("p/sgid/d", 0755));
    mode_line("p/sgid/d", "p/sgid/d");
    /* set-group-ID needs membership of the file's group: else chmod drops it */
    T("chmod 02755 a file of group 1234", chmod("p/sgid/f", 02755));
    mode_line("p/sgid/f", "p/sgid/f");
    /* sticky directory: only the owner of a file (or of the directory) removes or renames it */
    topen("create in sticky", "p/sticky/mine", O_CREAT | O_WRONLY, 0644);
    T("unlink sticky/rootfile", unlink("p/sticky/rootfile"));
    T("rename sticky/rootfile", rename("p/sticky/rootfile", "p/sticky/taken"));
    T("rename own over sticky/rootfile", rename("p/sticky/mine", "p/sticky/rootfile"));
    T("rmdir sticky/rootdir", rmdir("p/sticky/rootdir"));
    T("rename own in sticky", rename("p/sticky/mine", "p/sticky/mine2"));
    T("unlink own in sticky", unlink("p/sticky/mine2"));
    T("unlink sticky/nosuch", unlink("p/sticky/nosuch"));
    T("unlink in a non-sticky world-writable dir", unlink("p/open/rootfile"));
    /* a directory moved to another parent must itself be writable (its '..' changes) */
    T("rename open/rootdir to mine", rename("p/open/rootdir", "p/mine/rootdir"));
    T("rename open/rootdir within open", rename("p/open/rootdir", "p/open/rootdir2"));
    T("rmdir open/rootdir2", rmdir("p/open/rootdir2"));
    /* in the seed (the image's lower layer on that backend) */
    fd = open("seed/nobodys", O_WRONLY | O_APPEND);
    T("append to seed/nobodys (own)", fd);
    write(fd, "more\n", 5);
    close(fd);
    mode_line("seed/nobodys", "seed/nobodys");
    topen("open seed/file O_WRONLY", "seed/file", O_WRONLY, 0);
    T("unlink seed/nobodys (dir not writable)", unlink("seed/nobodys"));
    T("unlink seed/pub/rootfile (sticky)", unlink("seed/pub/rootfile"));
    topen("create seed/pub/mine", "seed/pub/mine", O_CREAT | O_WRONLY, 0644);
    mode_line("seed/pub/mine", "seed/pub/mine");
    /* (not its nlink: overlayfs reports 1 for a directory merged from both layers) */
    printf("seed/pub: mode %06o uid %u gid %u\n", ({ struct stat s; lstat("seed/pub", &s); s.st_mode; }),
           ({ struct stat s; lstat("seed/pub", &s); s.st_uid; }), ({ struct stat s; lstat("seed/pub", &s); s.st_gid; }));
    T("unlink seed/pub/mine", unlink("seed/pub/mine"));
    /* the clean-up of what nobody made */
    unlink("p/mine/g"); unlink("p/mine/h"); unlink("p/mine/sl"); rmdir("p/mine/d");
    unlink("p/sgid/f"); rmdir("p/sgid/d");
}

static void permissions(void) {
    printf("== permissions as uid/gid %d\n", NOBODY);
    umask(022);
    mkdir("p", 0755);
    put("p/public", "public\n", 0644);
    put("p/secret", "secret\n", 0600);
    put("p/groupw", "g\n", 0644);
    chown("p/groupw", 0, NOBODY);
    chmod("p/groupw", 0664);
    put("p/otherw", "o\n", 0644);
    chmod("p/otherw", 0646);
    put("p/execonly", "#!/bin/sh\n", 0711);
    mkdir("p/locked", 0700);
    put("p/locked/f", "l\n", 0644);
    mkdir("p/listonly", 0755);
    put("p/listonly/f", "f\n", 0644);
    chmod("p/listonly", 0744);
    mkdir("p/searchonly", 0755);
    put("p/searchonly/f", "f\n", 0644);
    chmod("p/searchonly", 0711);
    mkdir("p/mine", 0755);
    chown("p/mine", NOBODY, NOBODY);
    mkdir("p/sgid", 0777);
    chown("p/sgid", 0, 1234);
    chmod("p/sgid", 02777);
    mkdir("p/sticky", 0777);
    chmod("p/sticky", 01777);
    put("p/sticky/rootfile", "r\n", 0666);
    mkdir("p/sticky/rootdir", 0777);
    mkdir("p/open", 0777);
    chmod("p/open", 0777);
    put("p/open/rootfile", "r\n", 0644);
    mkdir("p/open/rootdir", 0755);
    mode_line("p/sgid", "p/sgid");
    mode_line("p/sticky", "p/sticky");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) { printf("cannot become nobody: %s\n", ename(errno)); _exit(3); }
        printf("uid %d euid %d gid %d egid %d\n", getuid(), geteuid(), getgid(), getegid());
        as_nobody();
        fflush(stdout);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("nobody's child: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    /* access(2) asks as the real user; opening, and faccessat with AT_EACCESS, as the effective one */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        if (setreuid(NOBODY, 0)) { printf("setreuid: %s\n", ename(errno)); _exit(3); }
        printf("uid %d euid %d\n", getuid(), geteuid());
        T("access secret R_OK (real nobody)", access("p/secret", R_OK));
        T("faccessat secret R_OK AT_EACCESS", faccessat(AT_FDCWD, "p/secret", R_OK, AT_EACCESS));
        topen("open secret (effective root)", "p/secret", O_RDONLY, 0);
        T("access locked/f F_OK (real nobody, no search)", access("p/locked/f", F_OK));
        T("access public R_OK", access("p/public", R_OK));
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    printf("real nobody's child: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    printf("p/public still: %s", slurp("p/public"));
    printf("sticky/rootfile still: %s", slurp("p/sticky/rootfile"));
    printf("open/rootfile removed: %s\n", yesno(access("p/open/rootfile", F_OK) != 0));
    list("p/sticky lists", "p/sticky");
    list("p/open lists", "p/open");
    list("p/mine lists", "p/mine");
    /* root ignores permission bits, but not a missing execute bit everywhere */
    chmod("p/secret", 0);
    topen("root opens a 0000 file", "p/secret", O_RDWR, 0);
    T("root: access 0000 file X_OK", access("p/secret", X_OK));
    T("root: access execonly X_OK", access("p/execonly", X_OK));
    T("root: stat locked/f", ({ struct stat s; stat("p/locked/f", &s); }));
    const char *rm[] = {"p/public", "p/secret", "p/groupw", "p/otherw", "p/execonly", "p/locked/f", "p/listonly/f", "p/searchonly/f",
                        "p/sticky/rootfile", "p/sticky/taken", "p/sticky/mine", "p/sticky/mine2", "p/open/rootfile", "p/mine/f",
                        "p/new", NULL};
    for (int i = 0; rm[i]; i++) unlink(rm[i]);
    const char *rmd[] = {"p/locked", "p/listonly", "p/searchonly", "p/mine/rootdir", "p/open/rootdir", "p/open/rootdir2", "p/mine",
                         "p/sgid", "p/sticky/rootdir", "p/sticky", "p/open", "p/newdir", NULL};
    for (int i = 0; rmd[i]; i++) rmdir(rmd[i]);
    T("rmdir p", rmdir("p"));
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: fs-conform DIR [seed] [no-nsec] [no-perm] [no-lower-dir-rename] [no-punch]\n"); return 2; }
    int only_seed = 0, nsec = 1, perm = 1, lower_dir_rename = 1;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "seed")) only_seed = 1;
        else if (!strcmp(argv[i], "no-nsec")) nsec = 0;
        else if (!strcmp(argv[i], "no-perm")) perm = 0;
        else if (!strcmp(argv[i], "no-lower-dir-rename")) lower_dir_rename = 0;
        else if (!strcmp(argv[i], "no-punch")) punch = 0;
        else { fprintf(stderr, "fs-conform: unknown flag %s\n", argv[i]); return 2; }
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    const char *dir = argv[1];
    if (chdir(dir)) { printf("chdir %s: %s\n", dir, ename(errno)); return 1; }
    umask(022);
    seed();
    if (only_seed) return 0;
    chmod(".", 0755);
    seed_checks(lower_dir_rename);
    stat_fields();
    links();
    renames();
    removals();
    open_flags();
    symlinks(dir);
    dents("many");
    dents("seed/many");
    holes();
    times(nsec);
    if (perm) permissions();
    /* clean up, and the scratch directory must hold nothing else */
    const char *files[] = {"f", "l", "empty", "d/file", "masked", "node", "h4", NULL};
    for (int i = 0; files[i]; i++) unlink(files[i]);
    rmdir("d/a"); rmdir("d/b"); rmdir("d"); rmdir("maskeddir");
    list("left in DIR", ".");
    fflush(stdout);
    return 0;
}
