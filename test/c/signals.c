/* Signals: a caught SIGABRT from raise(), SIGUSR1 via kill(getpid()),
 * SIGFPE from an integer divide by zero and SIGILL from ud2 (both recovered
 * with siglongjmp), blocking and pending, SIG_IGN, siginfo fields, and the
 * exit status of the program (3) as the final check. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got_abrt, got_usr1, got_usr2, usr1_code_user, usr1_pid_ok;
static volatile int last_signo, last_code, addr_ok;
static sigjmp_buf env;

static void on_abrt(int sig) { got_abrt = sig; }
static void on_usr1(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    got_usr1 = sig;
    usr1_code_user = si->si_code == SI_USER || si->si_code == SI_TKILL;
    usr1_pid_ok = si->si_pid == getpid();
}
static void on_usr2(int sig) { got_usr2 += sig == SIGUSR2; }
static void on_fault(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    last_signo = si->si_signo == sig ? sig : -1;
    last_code = si->si_code;
    addr_ok = si->si_addr != NULL;
    siglongjmp(env, sig);
}

static __attribute__((noinline)) int divide(volatile int a, volatile int b) { return a / b; }
static __attribute__((noinline)) long divide64(volatile long a, volatile long b) { return a % b; }

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_abrt;
    sigaction(SIGABRT, &sa, NULL);
    int r = raise(SIGABRT);
    printf("raise SIGABRT -> %d handled=%d\n", r, got_abrt == SIGABRT);

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    r = kill(getpid(), SIGUSR1);
    printf("kill SIGUSR1 -> %d handled=%d code_user=%d pid_ok=%d\n", r, got_usr1 == SIGUSR1, usr1_code_user, usr1_pid_ok);

    /* blocked signals stay pending until unblocked */
    signal(SIGUSR2, on_usr2);
    sigset_t set, old, pend;
    sigemptyset(&set); sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR2); raise(SIGUSR2); /* standard signals do not queue */
    sigpending(&pend);
    printf("blocked: delivered=%d pending=%d\n", (int)got_usr2, sigismember(&pend, SIGUSR2));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("unblocked: delivered=%d\n", (int)got_usr2);

    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("ignored: still alive, delivered=%d\n", (int)got_usr2);

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);

    for (volatile int round = 0; round < 3; round++) {
        int s = sigsetjmp(env, 1);
        if (s == 0) {
            int q = divide(7 + round, 0);
            printf("no SIGFPE? %d\n", q);
        } else {
            printf("SIGFPE round %d: sig=%d code=%d (FPE_INTDIV=%d) addr_set=%d\n", round, last_signo, last_code, FPE_INTDIV, addr_ok);
        }
    }
    if (sigsetjmp(env, 1) == 0) printf("no SIGFPE64? %ld\n", divide64(1L << 40, 0));
    else printf("SIGFPE 64-bit: sig=%d code=%d\n", last_signo, last_code);

    for (volatile int round = 0; round < 2; round++) {
        if (sigsetjmp(env, 1) == 0) {
            __asm__ volatile("ud2");
            puts("no SIGILL?");
        } else {
            printf("SIGILL round %d: sig=%d code=%d (ILL_ILLOPN=%d) addr_set=%d\n", round, last_signo, last_code, ILL_ILLOPN, addr_ok);
        }
    }

    /* the mask was restored by siglongjmp: SIGFPE is deliverable again */
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("mask after siglongjmp: FPE blocked=%d ILL blocked=%d\n", sigismember(&cur, SIGFPE), sigismember(&cur, SIGILL));

    /* sigaction reports the installed handler back */
    struct sigaction q;
    sigaction(SIGUSR1, NULL, &q);
    printf("query: siginfo=%d handler_ok=%d\n", (q.sa_flags & SA_SIGINFO) != 0, q.sa_sigaction == on_usr1);
    fflush(stdout);
    return 3;
}
