/* Signal handlers that inspect siginfo (si_code, si_pid, si_addr, si_value),
 * change the saved registers in the ucontext (skip a faulting instruction,
 * set RAX) and return; sigaltstack; SA_NODEFER, SA_RESETHAND; the order in
 * which pending signals are delivered; real-time signals queueing. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static void say(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(1, buf, n) != n) _exit(99);
}

static volatile int h_sig, h_code, h_pid_self, h_addr_ok, h_rip_eq_addr;
static volatile uintptr_t h_addr;
static void *expect_addr;

static void on_fault(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    h_sig = sig;
    h_code = si->si_code;
    h_addr = (uintptr_t)si->si_addr;
    h_addr_ok = si->si_addr == expect_addr;
    h_rip_eq_addr = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] == (uintptr_t)si->si_addr;
    /* every faulting instruction below is 2 bytes long: skip it, and say so in RAX */
    if (sig != SIGTRAP) uc->uc_mcontext.gregs[REG_RIP] += 2;
    uc->uc_mcontext.gregs[REG_RAX] = 0x1234 + sig;
}

static volatile int order[16], norder;
static void log_sig(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    order[norder++] = sig == SIGRTMIN ? 100 + si->si_value.sival_int : sig;
}

static volatile int depth, maxdepth, count_nodefer;
static void nested(int sig) {
    depth++;
    if (depth > maxdepth) maxdepth = depth;
    if (count_nodefer++ < 3) raise(sig);
    depth--;
}

static char *alt_base;
static size_t alt_size;
static volatile int on_alt, alt_flag;
static void check_alt(int sig) {
    (void)sig;
    char local;
    on_alt = &local >= alt_base && &local < alt_base + alt_size;
    stack_t ss;
    sigaltstack(NULL, &ss);
    alt_flag = (ss.ss_flags & SS_ONSTACK) != 0;
}

static volatile int resets;
static void reset_once(int sig) { (void)sig; resets++; }

static volatile int usr_pid_ok, usr_code, usr_uid_ok;
static void on_usr(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    usr_pid_ok = si->si_pid == getpid();
    usr_uid_ok = si->si_uid == getuid();
    usr_code = si->si_code;
}

static const char *code_name(int sig, int code) {
    if (code == SI_USER) return "SI_USER";
    if (code == SI_KERNEL) return "SI_KERNEL";
    if (code == SI_TKILL) return "SI_TKILL";
    if (code == SI_QUEUE) return "SI_QUEUE";
    if (sig == SIGSEGV && code == SEGV_MAPERR) return "SEGV_MAPERR";
    if (sig == SIGSEGV && code == SEGV_ACCERR) return "SEGV_ACCERR";
    if (sig == SIGILL && code == ILL_ILLOPN) return "ILL_ILLOPN";
    if (sig == SIGFPE && code == FPE_INTDIV) return "FPE_INTDIV";
    if (sig == SIGTRAP && code == TRAP_BRKPT) return "TRAP_BRKPT";
    static char b[32];
    snprintf(b, sizeof b, "code %d", code);
    return b;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);

    /* 1. a read of an unmapped address: movl (%rax),%eax is 8b 00 */
    uintptr_t v = 0x10;
    expect_addr = (void *)0x10;
    __asm__ volatile("movl (%%rax), %%eax" : "+a"(v) : : "memory");
    say("segv read: sig=%d %s addr_ok=%d rax=%#lx\n", h_sig, code_name(h_sig, h_code), h_addr_ok, (unsigned long)v);

    /* 2. a write to a read-only page: movl %eax,(%rcx) is 89 01 */
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect_addr = ro + 8;
    v = 0;
    __asm__ volatile("movl %%eax, (%%rcx)" : "+a"(v) : "c"(ro + 8) : "memory");
    say("segv write ro: sig=%d %s addr_ok=%d rax=%#lx\n", h_sig, code_name(h_sig, h_code), h_addr_ok, (unsigned long)v);

    /* 3. ud2 (0f 0b): si_addr is the instruction */
    v = 0;
    __asm__ volatile("ud2" : "+a"(v) : : "memory");
    say("ud2: sig=%d %s rip==addr %d rax=%#lx\n", h_sig, code_name(h_sig, h_code), h_rip_eq_addr, (unsigned long)v);

    /* 4. divide by zero: divl %ecx is f7 f1 */
    uintptr_t d = 0;
    v = 7;
    __asm__ volatile("xorl %%edx, %%edx\n\tdivl %%ecx" : "+a"(v) : "c"(d) : "rdx", "memory");
    say("div0: sig=%d %s rip==addr %d rax=%#lx\n", h_sig, code_name(h_sig, h_code), h_rip_eq_addr, (unsigned long)v);

    /* 5. int3: the saved RIP is after it already */
    v = 0;
    __asm__ volatile("int3" : "+a"(v) : : "memory");
    say("int3: sig=%d %s rax=%#lx\n", h_sig, code_name(h_sig, h_code), (unsigned long)v);

    /* 6. siginfo of kill, tgkill, sigqueue */
    sa.sa_sigaction = on_usr;
    sigaction(SIGUSR1, &sa, NULL);
    kill(getpid(), SIGUSR1);
    say("kill: %s pid_ok=%d uid_ok=%d\n", code_name(SIGUSR1, usr_code), usr_pid_ok, usr_uid_ok);
    raise(SIGUSR1);
    say("raise: %s pid_ok=%d\n", code_name(SIGUSR1, usr_code), usr_pid_ok);
    union sigval sv = {.sival_int = 5};
    sigqueue(getpid(), SIGUSR1, sv);
    say("sigqueue: %s pid_ok=%d\n", code_name(SIGUSR1, usr_code), usr_pid_ok);

    /* 7. pending signals: delivery order once unblocked */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = log_sig;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGRTMIN, &sa, NULL);
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    raise(SIGUSR2);
    raise(SIGUSR1);
    raise(SIGUSR1); /* standard signals do not queue */
    raise(SIGHUP);
    for (int i = 1; i <= 3; i++) { sv.sival_int = i; sigqueue(getpid(), SIGRTMIN, sv); }
    sigset_t pend;
    sigpending(&pend);
    say("pending: HUP=%d USR1=%d USR2=%d RTMIN=%d TERM=%d\n", sigismember(&pend, SIGHUP), sigismember(&pend, SIGUSR1),
        sigismember(&pend, SIGUSR2), sigismember(&pend, SIGRTMIN), sigismember(&pend, SIGTERM));
    sigprocmask(SIG_SETMASK, &old, NULL);
    say("delivered %d:", norder);
    /* standard signals first in some order; the real-time ones after, in queue order */
    int std = 0;
    for (int i = 0; i < norder; i++) if (order[i] < 100) std |= 1 << order[i];
    say(" std set %#x, rt:", std);
    for (int i = 0; i < norder; i++) if (order[i] >= 100) say(" %d", order[i] - 100);
    say("\n");

    /* 8. SA_NODEFER lets a handler be re-entered; without it the signal waits */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nested;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    say("nodefer: calls %d max depth %d\n", count_nodefer, maxdepth);
    count_nodefer = maxdepth = 0;
    sa.sa_flags = 0;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    say("defer: calls %d max depth %d\n", count_nodefer, maxdepth);

    /* 9. SA_RESETHAND: the second one takes the default action (here: ignore, SIGWINCH) */
    sa.sa_handler = reset_once;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGWINCH, &sa, NULL);
    raise(SIGWINCH);
    raise(SIGWINCH);
    struct sigaction now;
    sigaction(SIGWINCH, NULL, &now);
    say("resethand: ran %d, now %s\n", resets, now.sa_handler == SIG_DFL ? "SIG_DFL" : "handler");

    /* 10. sigaltstack and SA_ONSTACK */
    alt_size = 64 * 1024;
    alt_base = malloc(alt_size);
    stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
    say("sigaltstack: %d\n", sigaltstack(&ss, NULL));
    sa.sa_handler = check_alt;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    say("onstack: on alt %d, SS_ONSTACK %d\n", on_alt, alt_flag);
    sa.sa_flags = 0;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    say("not onstack: on alt %d\n", on_alt);
    stack_t cur;
    sigaltstack(NULL, &cur);
    say("after: flags %d size ok %d\n", cur.ss_flags, cur.ss_size == alt_size);

    /* 11. a fault with the signal blocked kills the process (in a child) */
    pid_t p = fork();
    if (p == 0) {
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGSEGV);
        sigprocmask(SIG_BLOCK, &m, NULL);
        volatile int *null = NULL;
        return *null;
    }
    int st;
    waitpid(p, &st, 0);
    say("blocked segv: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
    /* a stack overflow with an alternate stack: the handler still runs */
    return 0;
}
