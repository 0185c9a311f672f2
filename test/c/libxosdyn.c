/* A small shared library for dynlink.c: linked at build time (DT_NEEDED with
 * an absolute DT_RUNPATH) and also opened with dlopen.  It has its own thread-local
 * variable (dynamic TLS when dlopened, static TLS when linked), a
 * constructor, and a function pointer table that needs relocations. */
#include <stdio.h>

__thread int xosdyn_tls = 7;
int xosdyn_initialised;

__attribute__((constructor)) static void init(void) { xosdyn_initialised = 42; }

static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }
int (*const xosdyn_ops[2])(int, int) = { add, mul };

int xosdyn_bump(int by) { xosdyn_tls += by; return xosdyn_tls; }

const char *xosdyn_hello(void) { return "hello from libxosdyn"; }
