/* Dynamic linking: a library found through DT_RUNPATH, dlopen and
 * dlsym of the same library and of libm, thread-local storage in the program
 * and in the library across threads, constructors, dl_iterate_phdr (program
 * headers with PT_TLS and PT_GNU_EH_FRAME), getauxval, and printf of a few
 * doubles through the shared libc. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern __thread int xosdyn_tls;
extern int xosdyn_initialised;
extern int (*const xosdyn_ops[2])(int, int);
int xosdyn_bump(int by);
const char *xosdyn_hello(void);

static __thread long local_tls = 100;

static void *worker(void *arg) {
    long n = (long)arg;
    local_tls += n;
    int v = xosdyn_bump((int)n);
    long *r = malloc(2 * sizeof *r);
    r[0] = local_tls;
    r[1] = v;
    return r;
}

static int objects, with_tls, with_eh;
static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size; (void)data;
    objects++;
    int tls = 0, eh = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        if (info->dlpi_phdr[i].p_type == PT_TLS) tls = 1;
        if (info->dlpi_phdr[i].p_type == PT_GNU_EH_FRAME) eh = 1;
    }
    with_tls += tls;
    with_eh += eh;
    const char *name = info->dlpi_name, *slash = strrchr(name, '/');
    /* Each object: base name (the program and, for musl, the vDSO may have none), PT_TLS, PT_GNU_EH_FRAME. */
    printf("object %d: %s tls=%d eh=%d\n", objects, *name ? (slash ? slash + 1 : name) : "(no name)", tls, eh);
    return 0;
}

int main(void) {
    printf("%s, ctor %d\n", xosdyn_hello(), xosdyn_initialised);
    printf("ops: %d %d\n", xosdyn_ops[0](6, 7), xosdyn_ops[1](6, 7));
    printf("tls main: %d %ld\n", xosdyn_tls, local_tls);

    pthread_t t[4];
    for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, (void *)(i + 1));
    for (int i = 0; i < 4; i++) {
        long *r;
        pthread_join(t[i], (void **)&r);
        printf("thread %d: local %ld lib %ld\n", i, r[0], r[1]);
        free(r);
    }
    printf("tls main after: %d %ld\n", xosdyn_tls, local_tls);

    dl_iterate_phdr(phdr_cb, NULL);
    printf("dl_iterate_phdr: %s objects, tls %d, eh_frame %s\n", objects >= 3 ? ">=3" : "<3", with_tls, with_eh >= 2 ? "yes" : "no");

    printf("AT_PAGESZ %lu, AT_PHDR %s, AT_ENTRY %s\n", getauxval(AT_PAGESZ), getauxval(AT_PHDR) ? "set" : "0",
           getauxval(AT_ENTRY) ? "set" : "0");

    void *h = dlopen("libxosdyn.so", RTLD_NOW);
    if (!h) { printf("dlopen libxosdyn: %s\n", dlerror()); return 1; }
    int (*bump)(int) = (int (*)(int))dlsym(h, "xosdyn_bump");
    const char *(*hello)(void) = (const char *(*)(void))dlsym(h, "xosdyn_hello");
    printf("dlsym: %s %s\n", bump ? "bump" : "-", hello ? hello() : "-");
    void *m = dlopen("libm.so.6", RTLD_NOW);
    if (!m) m = dlopen("libc.so", RTLD_NOW); /* musl: libm is inside libc */
    double (*cosp)(double) = m ? (double (*)(double))dlsym(m, "cos") : NULL;
    printf("cos(0)=%.3f sqrt-ish=%.6f\n", cosp ? cosp(0.0) : -1.0, 1.4142135623730951);
    printf("doubles: %g %.17g %e %a\n", 1.0 / 3, 0.1, 12345.678, 0.5);
    if (dlclose(h) != 0) printf("dlclose failed\n");
    return 0;
}
