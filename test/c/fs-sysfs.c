/* /sys as C libraries and runtimes read it: the CPU lists agree with
 * sched_getaffinity, /proc/cpuinfo and sysconf; cpu0's topology, transparent
 * huge pages, /sys/fs/cgroup; sysfs refuses changes with its own errnos.
 * Prints agreements, not counts (the host's CPUs are not xos's). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define CHECK(label, expr) do { errno = 0; long r_ = (long)(expr); printf("%s: %ld errno %d\n", label, r_, r_ < 0 ? errno : 0); } while (0)

static int slurp(const char *path, char *buf, int size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -errno;
    int n = read(fd, buf, size - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    return n;
}
/* the number of CPUs in a list such as "0-3,5\n" */
static int list_count(const char *path) {
    char buf[256];
    if (slurp(path, buf, sizeof buf) < 0) return -1;
    int count = 0;
    for (char *p = buf; *p && *p != '\n';) {
        long a = strtol(p, &p, 10), b = a;
        if (*p == '-') b = strtol(p + 1, &p, 10);
        count += b - a + 1;
        if (*p == ',') p++;
    }
    return count;
}

int main(void) {
    cpu_set_t set;
    sched_getaffinity(0, sizeof set, &set);
    int aff = CPU_COUNT(&set);
    int online = list_count("/sys/devices/system/cpu/online");
    int possible = list_count("/sys/devices/system/cpu/possible");
    int present = list_count("/sys/devices/system/cpu/present");
    char buf[65536];
    int cpuinfo = 0;
    slurp("/proc/cpuinfo", buf, sizeof buf);
    for (char *p = buf; (p = strstr(p, "processor")); p++) if (p == buf || p[-1] == '\n') cpuinfo++;
    printf("online = affinity: %d\n", online == aff);
    printf("possible = present = online: %d\n", possible == online && present == online);
    printf("cpuinfo = online: %d\n", cpuinfo == online);
    printf("nprocessors_onln = online: %d\n", sysconf(_SC_NPROCESSORS_ONLN) == online);
    printf("nprocessors_conf = possible: %d\n", sysconf(_SC_NPROCESSORS_CONF) == possible);
    struct stat st;
    CHECK("cpu0 is a dir", stat("/sys/devices/system/cpu/cpu0", &st) == 0 && S_ISDIR(st.st_mode));
    char path[128];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d", online);
    CHECK("no cpu past the last", stat(path, &st));
    CHECK("core_id", slurp("/sys/devices/system/cpu/cpu0/topology/core_id", buf, sizeof buf) > 0);
    int n = slurp("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf);
    printf("thp enabled: %d one chosen %d\n", n > 0, strchr(buf, '[') != NULL && strchr(buf, ']') != NULL);
    CHECK("cgroup is a dir", stat("/sys/fs/cgroup", &st) == 0 && S_ISDIR(st.st_mode));
    struct statfs sf;
    statfs("/sys", &sf);
    printf("statfs type %lx\n", (unsigned long)sf.f_type);
    stat("/sys/devices/system/cpu/online", &st);
    printf("online: mode %o size %ld\n", st.st_mode, (long)st.st_size);
    CHECK("open for writing", open("/sys/devices/system/cpu/online", O_WRONLY));
    CHECK("create", open("/sys/devices/system/cpu/newfile", O_CREAT | O_WRONLY, 0644));
    CHECK("mkdir", mkdir("/sys/devices/newdir", 0755));
    CHECK("unlink", unlink("/sys/devices/system/cpu/online"));
    CHECK("rmdir", rmdir("/sys/devices/system"));
    CHECK("symlink", symlink("x", "/sys/devices/newlink"));
    return 0;
}
