/* Waiting for signals and being interrupted by them: alarm, setitimer,
 * SA_RESTART vs EINTR on a blocking pipe read, nanosleep EINTR, sigsuspend,
 * sigtimedwait/sigwaitinfo (with a timeout), sigqueue with a value to a
 * child, a SIGCHLD handler counting children, SIGALRM's default action. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void say(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(1, buf, n) != n) _exit(99);
}
static const char *en(int e) {
    switch (e) {
    case 0: return "0";
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case ECHILD: return "ECHILD";
    default: return "other";
    }
}

static volatile sig_atomic_t alarms;
static void on_alarm(int s) { (void)s; alarms++; }

/* A read from a pipe whose writer (a child) writes after `delay_ms`, interrupted by a timer at 100 ms. */
static void interrupted_read(int restart) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGALRM, &sa, NULL);
    int fd[2];
    pipe(fd);
    pid_t p = fork();
    if (p == 0) {
        close(fd[0]);
        usleep(600 * 1000);
        write(fd[1], "late", 4);
        _exit(0);
    }
    close(fd[1]);
    alarms = 0;
    struct itimerval it = {{0, 0}, {0, 100 * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
    char buf[16];
    errno = 0;
    ssize_t n = read(fd[0], buf, sizeof buf);
    int e = errno;
    say("%s: read=%zd errno=%s alarms=%d", restart ? "SA_RESTART" : "no SA_RESTART", n, en(e), (int)alarms);
    if (n > 0) say(" data=%.*s", (int)n, buf);
    if (n < 0) { n = read(fd[0], buf, sizeof buf); say(" then read=%zd", n); }
    say("\n");
    close(fd[0]);
    waitpid(p, NULL, 0);
}

static volatile sig_atomic_t got_usr1, chld_count, chld_reaped;
static void on_usr1(int s) { (void)s; got_usr1++; }
static void on_chld(int s) {
    (void)s;
    int save = errno;
    chld_count++;
    while (waitpid(-1, NULL, WNOHANG) > 0) chld_reaped++;
    errno = save;
}
static volatile int q_value = -1, q_code;
static void on_rt(int s, siginfo_t *si, void *uc) { (void)s; (void)uc; q_value = si->si_value.sival_int; q_code = si->si_code; }

int main(void) {
    /* 1. alarm: the remaining seconds, cancel, and the signal */
    signal(SIGALRM, on_alarm);
    alarm(10);
    unsigned left = alarm(0);
    say("alarm left %u (9 or 10: %d)\n", left >= 9 && left <= 10 ? 10 : left, left >= 9 && left <= 10);
    alarms = 0;
    alarm(1);
    pause();
    say("pause woken by alarm: %d\n", (int)alarms);
    struct itimerval it = {{0, 50 * 1000}, {0, 50 * 1000}}, cur;
    setitimer(ITIMER_REAL, &it, NULL);
    alarms = 0;
    while (alarms < 3) pause();
    getitimer(ITIMER_REAL, &cur);
    say("itimer ticks >=3: %d, interval %ld us\n", alarms >= 3, (long)cur.it_interval.tv_usec);
    memset(&it, 0, sizeof it);
    setitimer(ITIMER_REAL, &it, NULL);

    /* 2. SA_RESTART vs EINTR on a blocking pipe read */
    interrupted_read(0);
    interrupted_read(1);

    /* 3. nanosleep interrupted */
    signal(SIGALRM, on_alarm);
    struct itimerval once = {{0, 0}, {0, 50 * 1000}};
    setitimer(ITIMER_REAL, &once, NULL);
    struct timespec ts = {5, 0}, rem = {0, 0};
    errno = 0;
    int r = nanosleep(&ts, &rem);
    say("nanosleep: r=%d errno=%s remaining>3s %d\n", r, en(errno), rem.tv_sec >= 3);

    /* 4. sigsuspend: a child sends SIGUSR1 while we wait with it unblocked */
    signal(SIGUSR1, on_usr1);
    sigset_t block, old, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t parent = getpid();
    pid_t p = fork();
    if (p == 0) { kill(parent, SIGUSR1); _exit(0); }
    sigemptyset(&empty);
    errno = 0;
    r = sigsuspend(&empty);
    say("sigsuspend: r=%d errno=%s handled=%d\n", r, en(errno), (int)got_usr1);
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    say("mask restored: USR1 blocked=%d\n", sigismember(&m, SIGUSR1));
    waitpid(p, NULL, 0);
    /* already pending before sigsuspend */
    raise(SIGUSR1);
    r = sigsuspend(&empty);
    say("sigsuspend pending: r=%d handled=%d\n", r, (int)got_usr1);

    /* 5. sigwaitinfo / sigtimedwait with SIGUSR2 blocked */
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    p = fork();
    if (p == 0) { kill(parent, SIGUSR2); _exit(0); }
    siginfo_t si;
    sigset_t want;
    sigemptyset(&want);
    sigaddset(&want, SIGUSR2);
    r = sigwaitinfo(&want, &si);
    say("sigwaitinfo: r=%d code=%s pid_ok=%d\n", r, si.si_code == SI_USER ? "SI_USER" : "?", si.si_pid == p);
    waitpid(p, NULL, 0);
    struct timespec to = {0, 100 * 1000 * 1000};
    errno = 0;
    r = sigtimedwait(&want, &si, &to);
    say("sigtimedwait timeout: r=%d errno=%s\n", r, en(errno));
    struct timespec zero = {0, 0};
    errno = 0;
    r = sigtimedwait(&want, &si, &zero);
    say("sigtimedwait poll: r=%d errno=%s\n", r, en(errno));
    union sigval sv = {.sival_int = 31337};
    sigqueue(getpid(), SIGUSR2, sv);
    r = sigtimedwait(&want, &si, &to);
    say("sigtimedwait queued: r=%d code=%s value=%d\n", r, si.si_code == SI_QUEUE ? "SI_QUEUE" : "?", si.si_value.sival_int);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* 6. sigqueue with a value to a child with an SA_SIGINFO handler */
    int fd[2];
    pipe(fd);
    p = fork();
    if (p == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_rt;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGRTMIN + 1, &sa, NULL);
        sigset_t rt, none;
        sigemptyset(&rt);
        sigaddset(&rt, SIGRTMIN + 1);
        sigprocmask(SIG_BLOCK, &rt, &none);
        close(fd[0]);
        write(fd[1], "r", 1); /* ready */
        while (q_value < 0) sigsuspend(&none);
        char out[64];
        int n = snprintf(out, sizeof out, "value=%d code=%s", q_value, q_code == SI_QUEUE ? "SI_QUEUE" : "?");
        write(fd[1], out, n);
        _exit(0);
    }
    close(fd[1]);
    char c;
    read(fd[0], &c, 1);
    sv.sival_int = 4242;
    sigqueue(p, SIGRTMIN + 1, sv);
    char buf[64];
    ssize_t n = read(fd[0], buf, sizeof buf);
    say("child got sigqueue: %.*s\n", (int)(n > 0 ? n : 0), buf);
    close(fd[0]);
    waitpid(p, NULL, 0);

    /* 7. a SIGCHLD handler that reaps; signals coalesce, reaps do not */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t chld, unblocked;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &unblocked);
    for (int i = 0; i < 6; i++) {
        p = fork();
        if (p == 0) _exit(i);
    }
    while (chld_reaped < 6) sigsuspend(&unblocked);
    sigprocmask(SIG_SETMASK, &unblocked, NULL);
    say("SIGCHLD: reaped %d, handler ran >=1: %d\n", (int)chld_reaped, chld_count >= 1);
    signal(SIGCHLD, SIG_DFL);

    /* 8. SIGCHLD ignored: children are not zombies, wait says ECHILD */
    signal(SIGCHLD, SIG_IGN);
    p = fork();
    if (p == 0) _exit(3);
    errno = 0;
    r = waitpid(p, NULL, 0);
    say("SIGCHLD ignored: waitpid=%d errno=%s\n", r, en(errno));
    signal(SIGCHLD, SIG_DFL);

    /* 9. SIGALRM's default action ends the process */
    p = fork();
    if (p == 0) { signal(SIGALRM, SIG_DFL); alarm(1); for (;;) pause(); }
    int st;
    waitpid(p, &st, 0);
    say("alarm default: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
    /* a blocked-in-read child killed by SIGTERM from the parent */
    pipe(fd);
    p = fork();
    if (p == 0) { close(fd[1]); read(fd[0], &c, 1); _exit(0); }
    close(fd[0]);
    usleep(50 * 1000);
    kill(p, SIGTERM);
    waitpid(p, &st, 0);
    close(fd[1]);
    say("read killed: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
    return 0;
}
