/* pthreads: join results, mutexes, condition variables (a bounded queue),
 * barriers, thread-local storage, 8 threads summing with atomics, rwlocks,
 * pthread_once, pthread_cancel, detached threads, gettid vs getpid, and
 * a thread calling exit() ending the whole process (seen via fork). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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

#define NT 8

/* 1. join results */
static void *square(void *arg) { long v = (long)arg; return (void *)(v * v); }

/* 2. atomics and a mutex-protected counter */
static atomic_long asum;
static long msum;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long shared[NT];
static void *adder(void *arg) {
    long id = (long)arg;
    for (long i = 1; i <= 20000; i++) {
        atomic_fetch_add_explicit(&asum, i, memory_order_relaxed);
        if (i % 16 == 0) {
            pthread_mutex_lock(&mu);
            msum += i;
            pthread_mutex_unlock(&mu);
        }
        shared[id] += i & 7;
    }
    return NULL;
}

/* 3. a bounded queue with condition variables: producers and consumers */
#define QN 4
static int q[QN], qh, qt, qn;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static void put(int v) {
    pthread_mutex_lock(&qm);
    while (qn == QN) pthread_cond_wait(&notfull, &qm);
    q[qt] = v; qt = (qt + 1) % QN; qn++;
    pthread_cond_signal(&notempty);
    pthread_mutex_unlock(&qm);
}
static int get(void) {
    pthread_mutex_lock(&qm);
    while (qn == 0) pthread_cond_wait(&notempty, &qm);
    int v = q[qh]; qh = (qh + 1) % QN; qn--;
    pthread_cond_signal(&notfull);
    pthread_mutex_unlock(&qm);
    return v;
}
static void *producer(void *arg) {
    long base = (long)arg;
    for (int i = 0; i < 500; i++) put(base * 1000 + i);
    return NULL;
}
static void *consumer(void *arg) {
    (void)arg;
    long s = 0;
    for (;;) {
        int v = get();
        if (v < 0) break;
        s += v;
    }
    return (void *)s;
}

/* 4. barriers and TLS */
static pthread_barrier_t bar;
static __thread long tls_counter = 100;
static __thread char tls_name[16];
static long phase_log[3][NT];
static atomic_int phase_count[3];
static void *phased(void *arg) {
    long id = (long)arg;
    snprintf(tls_name, sizeof tls_name, "t%ld", id);
    for (int ph = 0; ph < 3; ph++) {
        tls_counter += id;
        phase_log[ph][id] = tls_counter;
        atomic_fetch_add(&phase_count[ph], 1);
        int r = pthread_barrier_wait(&bar);
        /* after the barrier everyone has logged this phase */
        if (atomic_load(&phase_count[ph]) != NT) return (void *)-1L;
        (void)r;
    }
    return (void *)(long)(strcmp(tls_name, "t0") == 0 ? 1000 + tls_counter : tls_counter);
}
static atomic_int serial_count;
static void *serial(void *arg) {
    (void)arg;
    if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD) atomic_fetch_add(&serial_count, 1);
    return NULL;
}

/* 5. rwlock */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rwdata[4];
static void *rw_writer(void *arg) {
    long id = (long)arg;
    for (int i = 0; i < 300; i++) {
        pthread_rwlock_wrlock(&rw);
        for (int j = 0; j < 4; j++) rwdata[j] += id;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}
static void *rw_reader(void *arg) {
    (void)arg;
    long bad = 0;
    for (int i = 0; i < 300; i++) {
        pthread_rwlock_rdlock(&rw);
        for (int j = 1; j < 4; j++) bad += rwdata[j] != rwdata[0];
        pthread_rwlock_unlock(&rw);
    }
    return (void *)bad;
}

/* 6. once */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs;
static void init_once(void) { atomic_fetch_add(&once_runs, 1); }
static void *call_once(void *arg) { (void)arg; pthread_once(&once, init_once); return NULL; }

/* 7. cancel */
static void *sleeper(void *arg) {
    (void)arg;
    for (;;) pause(); /* a cancellation point */
    return NULL;
}
static atomic_int cleanup_ran;
static void cleanup(void *arg) { (void)arg; atomic_store(&cleanup_ran, 1); }
static void *cond_waiter(void *arg) {
    (void)arg;
    pthread_cleanup_push(cleanup, NULL);
    pthread_mutex_lock(&qm);
    for (;;) pthread_cond_wait(&notempty, &qm);
    pthread_cleanup_pop(0);
    return NULL;
}

/* 8. gettid and signals to one thread */
static atomic_int tids_distinct;
static pid_t main_tid;
static void *tid_check(void *arg) {
    (void)arg;
    pid_t t = (pid_t)syscall(SYS_gettid);
    if (t != main_tid && getpid() == main_tid) atomic_fetch_add(&tids_distinct, 1);
    return NULL;
}
static volatile sig_atomic_t usr1_in_thread;
static pthread_t target_thread;
static void on_usr1(int s) { (void)s; usr1_in_thread = pthread_equal(pthread_self(), target_thread) ? 1 : 2; }
static void *wait_usr1(void *arg) {
    (void)arg;
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    usleep(10000); /* pthread_kill arrives while blocked: it stays pending on this thread */
    pthread_sigmask(SIG_UNBLOCK, &m, NULL);
    while (!usr1_in_thread) usleep(1000);
    return NULL;
}

static void *exiter(void *arg) {
    (void)arg;
    exit(42);
}
static void *lone(void *arg) {
    (void)arg;
    usleep(20000);
    return NULL;
}

int main(void) {
    pthread_t th[NT];
    /* 1 */
    long total = 0;
    for (long i = 0; i < NT; i++) pthread_create(&th[i], NULL, square, (void *)(i + 1));
    for (int i = 0; i < NT; i++) { void *r; pthread_join(th[i], &r); total += (long)r; }
    say("join results: sum of squares %ld\n", total);

    /* 2 */
    for (long i = 0; i < NT; i++) pthread_create(&th[i], NULL, adder, (void *)i);
    for (int i = 0; i < NT; i++) pthread_join(th[i], NULL);
    long sh = 0;
    for (int i = 0; i < NT; i++) sh += shared[i];
    say("atomics: %ld (expect %ld), mutex: %ld, per-thread: %ld\n", (long)asum, NT * 20000L * 20001 / 2, msum, sh);

    /* 3 */
    pthread_t prod[3], cons[2];
    for (long i = 0; i < 3; i++) pthread_create(&prod[i], NULL, producer, (void *)(i + 1));
    for (int i = 0; i < 2; i++) pthread_create(&cons[i], NULL, consumer, NULL);
    for (int i = 0; i < 3; i++) pthread_join(prod[i], NULL);
    put(-1); put(-1);
    long qs = 0;
    for (int i = 0; i < 2; i++) { void *r; pthread_join(cons[i], &r); qs += (long)r; }
    say("condvar queue: total %ld\n", qs);

    /* 4 */
    pthread_barrier_init(&bar, NULL, NT);
    for (long i = 0; i < NT; i++) pthread_create(&th[i], NULL, phased, (void *)i);
    long tsum = 0;
    for (int i = 0; i < NT; i++) { void *r; pthread_join(th[i], &r); tsum += (long)r; }
    pthread_barrier_destroy(&bar);
    say("barrier+tls: %ld, main tls %ld, phase2 of t7 %ld\n", tsum, tls_counter, phase_log[2][7]);
    pthread_barrier_init(&bar, NULL, NT);
    for (long i = 0; i < NT; i++) pthread_create(&th[i], NULL, serial, NULL);
    for (int i = 0; i < NT; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&bar);
    say("barrier serial threads: %d\n", (int)serial_count);

    /* 5 */
    pthread_t rws[6];
    for (long i = 0; i < 3; i++) pthread_create(&rws[i], NULL, rw_writer, (void *)(i + 1));
    for (int i = 3; i < 6; i++) pthread_create(&rws[i], NULL, rw_reader, NULL);
    long bad = 0;
    for (int i = 0; i < 6; i++) { void *r; pthread_join(rws[i], &r); if (i >= 3) bad += (long)r; }
    say("rwlock: data %ld %ld, torn reads %ld\n", rwdata[0], rwdata[3], bad);

    /* 6 */
    for (long i = 0; i < NT; i++) pthread_create(&th[i], NULL, call_once, NULL);
    for (int i = 0; i < NT; i++) pthread_join(th[i], NULL);
    say("once: %d\n", (int)once_runs);

    /* 7 */
    pthread_t c1, c2;
    pthread_create(&c1, NULL, sleeper, NULL);
    pthread_create(&c2, NULL, cond_waiter, NULL);
    usleep(20000);
    pthread_cancel(c1);
    pthread_cancel(c2);
    void *r1, *r2;
    pthread_join(c1, &r1);
    pthread_join(c2, &r2);
    pthread_mutex_unlock(&qm); /* cond_wait re-acquired it before unwinding; glibc leaves it locked by the dead thread */
    say("cancel: %d %d cleanup %d\n", r1 == PTHREAD_CANCELED, r2 == PTHREAD_CANCELED, (int)cleanup_ran);

    /* 8 */
    main_tid = (pid_t)syscall(SYS_gettid);
    for (long i = 0; i < NT; i++) pthread_create(&th[i], NULL, tid_check, NULL);
    for (int i = 0; i < NT; i++) pthread_join(th[i], NULL);
    say("gettid distinct from pid in %d threads, main tid==pid %d\n", (int)tids_distinct, main_tid == getpid());
    signal(SIGUSR1, on_usr1);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &m, NULL); /* new threads inherit; the target unblocks */
    pthread_create(&target_thread, NULL, wait_usr1, NULL);
    pthread_kill(target_thread, SIGUSR1);
    pthread_join(target_thread, NULL);
    say("pthread_kill: handled in %s\n", usr1_in_thread == 1 ? "the target thread" : "another thread");

    /* 9. detached thread, and exit() from a thread ends the process */
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_t d;
    say("detached create: %d\n", pthread_create(&d, &at, lone, NULL));
    pid_t p = fork();
    if (p == 0) {
        pthread_t e;
        pthread_create(&e, NULL, exiter, NULL);
        for (;;) pause();
    }
    int st;
    waitpid(p, &st, 0);
    say("exit from a thread: status %d\n", WEXITSTATUS(st));
#ifdef __GLIBC__
    /* pthread_exit from main: the process lives until the last thread ends
     * (not with musl, which hangs here natively after fork) */
    p = fork();
    if (p == 0) {
        pthread_t e;
        pthread_create(&e, NULL, lone, NULL);
        pthread_exit(NULL);
    }
    waitpid(p, &st, 0);
    say("pthread_exit in main: exited=%d status %d\n", WIFEXITED(st), WEXITSTATUS(st));
#endif
    return 0;
}
