/* Processes: fork + pipe + wait chains, a bounded fork tree (all reaped),
 * exit statuses seen by the parent, orphans re-parented, waitid, WNOHANG,
 * ECHILD, and a bounded fork bomb stopped by a process count. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void say(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(1, buf, n) != n) _exit(99);
}

/* A chain of n processes: each reads a number from its left pipe, adds its
 * rank and writes it to the right pipe; the last writes back to the start. */
static int chain(int n) {
    int first[2];
    if (pipe(first)) return -1;
    int in = first[0];
    int out_to_parent[2];
    if (pipe(out_to_parent)) return -1;
    pid_t pids[64];
    for (int i = 0; i < n; i++) {
        int next[2];
        if (i < n - 1) { if (pipe(next)) return -1; } else { next[0] = -1; next[1] = out_to_parent[1]; }
        pid_t p = fork();
        if (p < 0) return -1;
        if (p == 0) {
            close(first[1]);
            close(out_to_parent[0]);
            if (next[0] >= 0) close(next[0]);
            long v;
            if (read(in, &v, sizeof v) != sizeof v) _exit(10);
            v = v * 3 + i;
            if (write(next[1], &v, sizeof v) != sizeof v) _exit(11);
            _exit(i);
        }
        pids[i] = p;
        close(in);
        if (next[0] >= 0) close(next[1]);
        in = next[0];
    }
    close(out_to_parent[1]);
    long v = 1;
    if (write(first[1], &v, sizeof v) != sizeof v) return -1;
    close(first[1]);
    if (read(out_to_parent[0], &v, sizeof v) != sizeof v) return -1;
    close(out_to_parent[0]);
    int ok = 1;
    for (int i = n - 1; i >= 0; i--) {
        int st;
        if (waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != i) ok = 0;
    }
    say("chain of %d: value %ld, statuses ok=%d\n", n, v, ok);
    return 0;
}

/* A tree: each process forks `width` children down to `depth`; each returns
 * the number of processes in its subtree as exit status. */
static int tree(int depth, int width) {
    if (depth == 0) return 1;
    pid_t kids[8];
    for (int i = 0; i < width; i++) {
        kids[i] = fork();
        if (kids[i] < 0) { say("fork failed: %s\n", strerror(errno)); exit(1); }
        if (kids[i] == 0) _exit(tree(depth - 1, width));
    }
    int total = 1;
    for (int i = 0; i < width; i++) {
        int st;
        if (waitpid(kids[i], &st, 0) != kids[i]) return 0;
        total += WEXITSTATUS(st);
    }
    return total;
}

int main(void) {
    chain(1);
    chain(7);
    chain(20);

    pid_t p = fork();
    if (p == 0) _exit(tree(4, 3) & 0xff);
    int st;
    waitpid(p, &st, 0);
    say("tree(4,3): %d processes\n", WEXITSTATUS(st));

    /* exit statuses */
    int codes[] = {0, 1, 42, 255, 256 + 7};
    for (unsigned i = 0; i < sizeof codes / sizeof *codes; i++) {
        p = fork();
        if (p == 0) exit(codes[i]);
        waitpid(p, &st, 0);
        say("exit(%d): exited=%d status=%d\n", codes[i], WIFEXITED(st), WEXITSTATUS(st));
    }
    /* death by signals */
    int sigs[] = {SIGTERM, SIGKILL, SIGUSR1, SIGINT};
    for (unsigned i = 0; i < 4; i++) {
        p = fork();
        if (p == 0) { kill(getpid(), sigs[i]); pause(); _exit(0); }
        waitpid(p, &st, 0);
        say("kill self %d: signaled=%d termsig=%d\n", sigs[i], WIFSIGNALED(st), WTERMSIG(st));
    }
    /* the parent kills a child blocked in pause() */
    p = fork();
    if (p == 0) { for (;;) pause(); }
    kill(p, SIGTERM);
    waitpid(p, &st, 0);
    say("killed paused child: signaled=%d termsig=%d\n", WIFSIGNALED(st), WTERMSIG(st));

    /* WNOHANG on a running child, then wait for it */
    int r, sync[2];
    pipe(sync);
    p = fork();
    if (p == 0) { char c; close(sync[1]); read(sync[0], &c, 1); _exit(5); }
    close(sync[0]);
    say("WNOHANG running: %d\n", (int)waitpid(p, &st, WNOHANG));
    close(sync[1]);
    r = waitpid(p, &st, 0) == p;
    say("wait: %d status %d\n", r, WEXITSTATUS(st));
    errno = 0;
    r = wait(&st);
    say("no children: %d %s\n", r, errno == ECHILD ? "ECHILD" : "?");

    /* waitid: P_PID, P_ALL, WNOWAIT keeps the zombie */
    p = fork();
    if (p == 0) _exit(77);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, p, &si, WEXITED | WNOWAIT);
    say("waitid WNOWAIT: r=%d signo=%d code=%d status=%d pid_ok=%d\n", r, si.si_signo, si.si_code, si.si_status, si.si_pid == p);
    memset(&si, 0, sizeof si);
    r = waitid(P_ALL, 0, &si, WEXITED);
    say("waitid P_ALL: r=%d code=%d status=%d pid_ok=%d\n", r, si.si_code, si.si_status, si.si_pid == p);
    p = fork();
    if (p == 0) { raise(SIGUSR2); _exit(0); }
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, p, &si, WEXITED);
    say("waitid killed: r=%d code=%d(%s) status=%d\n", r, si.si_code, si.si_code == CLD_KILLED ? "CLD_KILLED" : "?", si.si_status);
    errno = 0;
    r = waitid(P_ALL, 0, &si, WEXITED | WNOHANG);
    say("waitid none: r=%d errno=%s\n", r, errno == ECHILD ? "ECHILD" : "?");

    /* an orphan: the grandchild outlives its parent and is re-parented */
    int gp[2];
    pipe(gp);
    p = fork();
    if (p == 0) {
        pid_t before = getpid();
        pid_t q = fork();
        if (q == 0) {
            close(gp[0]);
            /* wait until our parent is gone */
            for (int i = 0; i < 20000 && getppid() == before; i++) usleep(500);
            char c = getppid() != before ? 'Y' : 'N';
            write(gp[1], &c, 1);
            _exit(0);
        }
        _exit(3);
    }
    close(gp[1]);
    waitpid(p, &st, 0);
    char c = '?';
    read(gp[0], &c, 1);
    close(gp[0]);
    say("orphan re-parented: %c (middle status %d)\n", c, WEXITSTATUS(st));

    /* a fork bomb bounded by a count: every process forks until 64 exist in all */
    int cnt[2];
    pipe(cnt);
    p = fork();
    if (p == 0) {
        close(cnt[0]);
        int made = 0;
        for (int gen = 0; gen < 6; gen++) {
            pid_t k = fork();
            if (k < 0) break;
            if (k == 0) { made = 0; continue; }
            made++;
        }
        /* each process reports itself once, then reaps everything it made */
        write(cnt[1], "x", 1);
        close(cnt[1]);
        int n = 0;
        while (wait(NULL) > 0) n++;
        _exit(n == made ? 0 : 1);
    }
    close(cnt[1]);
    int total = 0;
    char buf[256];
    ssize_t n;
    while ((n = read(cnt[0], buf, sizeof buf)) > 0) total += n;
    waitpid(p, &st, 0);
    say("bomb: %d processes, root status %d\n", total, WEXITSTATUS(st));
    return 0;
}
