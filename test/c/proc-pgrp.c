/* SIGPIPE: default death (status 128+13 as a shell reports it), EPIPE when
 * ignored or handled; process groups: setpgid, getpgid, getpgrp, kill(-pgid),
 * killpg, kill(0); sessions: setsid, getsid; errors (ESRCH, EPERM). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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
    case EPIPE: return "EPIPE";
    case ESRCH: return "ESRCH";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    default: return "other";
    }
}
static int shell_status(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); }

static volatile sig_atomic_t got_pipe;
static void on_pipe(int s) { (void)s; got_pipe++; }

/* A child writes into a pipe whose read end is closed; mode 0 default, 1 ignored, 2 handled. */
static void sigpipe_case(int mode) {
    int fd[2], go[2];
    pipe(fd);
    pipe(go);
    pid_t p = fork();
    if (p == 0) {
        close(fd[0]);
        close(go[1]);
        if (mode == 1) signal(SIGPIPE, SIG_IGN);
        if (mode == 2) signal(SIGPIPE, on_pipe);
        char c;
        read(go[0], &c, 1); /* wait until the parent has closed its read end too */
        errno = 0;
        ssize_t n = write(fd[1], "x", 1);
        _exit(n < 0 && errno == EPIPE ? 10 + got_pipe : 1);
    }
    close(fd[0]);
    close(fd[1]);
    close(go[0]);
    write(go[1], "g", 1);
    close(go[1]);
    int st;
    waitpid(p, &st, 0);
    say("sigpipe %s: status %d", mode == 0 ? "default" : mode == 1 ? "ignored" : "handled", shell_status(st));
    if (WIFSIGNALED(st)) say(" (signal %d)", WTERMSIG(st));
    say("\n");
}

/* a reader that goes away while the writer is blocked on a full pipe */
static void sigpipe_blocked_writer(void) {
    int fd[2], go[2];
    pipe(fd);
    pipe(go);
    pid_t p = fork();
    if (p == 0) {
        close(fd[0]);
        close(go[0]);
        static char big[65536 * 2];
        signal(SIGPIPE, SIG_IGN);
        write(go[1], "g", 1);
        ssize_t total = 0, n;
        errno = 0;
        while ((n = write(fd[1], big, sizeof big)) > 0) total += n;
        _exit(n < 0 && errno == EPIPE ? (total >= 65536 ? 20 : 21) : 22);
    }
    close(fd[1]);
    close(go[1]);
    char c;
    read(go[0], &c, 1);
    usleep(100 * 1000); /* let it fill the pipe and block */
    close(fd[0]);
    int st;
    waitpid(p, &st, 0);
    say("blocked writer after reader closed: status %d\n", shell_status(st));
}

static volatile sig_atomic_t got_term, got_usr1;
static void on_term(int s) { (void)s; got_term++; }
static void on_usr1(int s) { (void)s; got_usr1++; }

int main(void) {
    sigpipe_case(0);
    sigpipe_case(1);
    sigpipe_case(2);
    sigpipe_blocked_writer();

    /* process groups */
    pid_t me = getpid();
    say("getpgrp==getpgid(0): %d\n", getpgrp() == getpgid(0));
    int ready[2];
    pipe(ready);
    pid_t kids[4];
    for (int i = 0; i < 4; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            close(ready[0]);
            /* kids 0..2 form a group led by kid 0; kid 3 stays in ours */
            if (i < 3) {
                pid_t leader = i == 0 ? 0 : kids[0];
                if (setpgid(0, leader) != 0) _exit(50);
            }
            signal(SIGUSR1, on_usr1);
            write(ready[1], "r", 1);
            for (;;) pause();
        }
        /* the parent sets it too (both orders are racy otherwise) */
        if (i < 3) setpgid(kids[i], kids[0]);
    }
    close(ready[1]);
    for (int i = 0; i < 4; i++) { char c; read(ready[0], &c, 1); }
    close(ready[0]);
    say("pgids: kid0 leads %d, kid1 %d, kid2 %d, kid3 in ours %d\n", getpgid(kids[0]) == kids[0],
        getpgid(kids[1]) == kids[0], getpgid(kids[2]) == kids[0], getpgid(kids[3]) == getpgrp());
    /* kill the group: kids 0..2 die, kid 3 lives */
    int r = kill(-kids[0], SIGTERM);
    say("kill(-pgid): %d\n", r);
    for (int i = 0; i < 3; i++) {
        int st;
        waitpid(kids[i], &st, 0);
        say("  kid%d: %d\n", i, shell_status(st));
    }
    int st;
    say("kid3 still running: %d\n", waitpid(kids[3], &st, WNOHANG) == 0);
    kill(kids[3], SIGKILL);
    waitpid(kids[3], &st, 0);
    say("kid3: %d\n", shell_status(st));
    errno = 0;
    r = kill(-kids[0], SIGTERM);
    say("kill(-gone pgid): %d %s\n", r, en(errno));
    errno = 0;
    r = killpg(kids[0], 0);
    say("killpg(gone, 0): %d %s\n", r, en(errno));

    /* kill(0, sig): our own group, which includes us */
    pid_t p = fork();
    if (p == 0) {
        setpgid(0, 0);
        signal(SIGUSR1, on_usr1);
        pid_t q = fork();
        if (q == 0) {
            signal(SIGUSR1, on_usr1);
            sigset_t none;
            sigemptyset(&none);
            while (!got_usr1) sigsuspend(&none);
            _exit(30);
        }
        usleep(50 * 1000);
        kill(0, SIGUSR1);
        int s2;
        waitpid(q, &s2, 0);
        _exit(got_usr1 * 10 + (WIFEXITED(s2) ? WEXITSTATUS(s2) - 30 : 9));
    }
    waitpid(p, &st, 0);
    say("kill(0): status %d (10 = both got it)\n", shell_status(st));

    /* sessions */
    p = fork();
    if (p == 0) {
        pid_t sid0 = getsid(0);
        pid_t s = setsid();
        int ok = s == getpid() && getsid(0) == getpid() && getpgrp() == getpid() && sid0 != getpid();
        errno = 0;
        int again = setsid(); /* already a group leader */
        _exit(ok * 10 + (again == -1 && errno == EPERM));
    }
    waitpid(p, &st, 0);
    say("setsid: status %d (11 = new session, then EPERM)\n", shell_status(st));
    /* a group leader cannot setsid */
    p = fork();
    if (p == 0) {
        setpgid(0, 0);
        errno = 0;
        int r2 = setsid();
        _exit(r2 == -1 && errno == EPERM ? 0 : 1);
    }
    waitpid(p, &st, 0);
    say("setsid as group leader: status %d\n", shell_status(st));

    errno = 0;
    r = getpgid(999999);
    say("getpgid(none): %d %s\n", r, en(errno));
    errno = 0;
    r = setpgid(0, -1);
    say("setpgid(0,-1): %d %s\n", r, en(errno));
    errno = 0;
    r = kill(999999, 0);
    say("kill(none, 0): %d %s\n", r, en(errno));
    say("kill(self, 0): %d\n", kill(me, 0));
    errno = 0;
    r = kill(me, 12345);
    say("kill(bad signal): %d %s\n", r, en(errno));
    (void)got_term;
    (void)on_term;
    return 0;
}
