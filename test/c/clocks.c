/* Clocks: only booleans are printed, since times differ from run to run. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
    struct timespec a, b, res;
    int mono_ok = 1;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 1000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (ns(b) < ns(a)) mono_ok = 0;
        a = b;
    }
    printf("monotonic never goes back: %d\n", mono_ok);

    clock_gettime(CLOCK_MONOTONIC, &a);
    volatile unsigned long spin = 0;
    for (int i = 0; i < 2000000; i++) spin++;
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("monotonic advances: %d\n", ns(b) > ns(a));

    struct timespec req = {0, 10 * 1000 * 1000}, rem = {0, 0};
    clock_gettime(CLOCK_MONOTONIC, &a);
    int r = nanosleep(&req, &rem);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("nanosleep 10ms returned 0: %d\n", r == 0);
    printf("slept at least 10ms: %d\n", ns(b) - ns(a) >= 10 * 1000 * 1000);
    printf("slept less than 5s: %d\n", ns(b) - ns(a) < 5000LL * 1000 * 1000);

    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec req2 = {0, 20 * 1000 * 1000};
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req2, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_nanosleep 20ms: %d %d\n", r == 0, ns(b) - ns(a) >= 20 * 1000 * 1000);

    struct timespec rt; struct timeval tv;
    clock_gettime(CLOCK_REALTIME, &rt);
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    printf("realtime after 2020: %d\n", rt.tv_sec > 1577836800);
    printf("gettimeofday agrees: %d\n", tv.tv_sec - rt.tv_sec >= 0 && tv.tv_sec - rt.tv_sec <= 2);
    printf("time agrees: %d\n", t - rt.tv_sec >= 0 && t - rt.tv_sec <= 2);
    printf("usec in range: %d\n", tv.tv_usec >= 0 && tv.tv_usec < 1000000);

    printf("monotonic res sane: %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(res) > 0 && ns(res) <= 10000000);
    struct timespec cpu;
    printf("process cputime ok: %d\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0 && ns(cpu) >= 0);
    printf("clock() sane: %d\n", clock() >= 0);
    struct tm tm;
    time_t fixed = 1700000000;
    gmtime_r(&fixed, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    printf("gmtime %s wday=%d yday=%d\n", buf, tm.tm_wday, tm.tm_yday);
    return 0;
}
