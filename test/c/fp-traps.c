/* Floating-point traps: with an exception unmasked (as feenableexcept or a
 * Lisp runtime does it, here by MXCSR and the x87 control word directly, so
 * that musl builds it too), the faulting SSE instruction raises SIGFPE with
 * the si_code of its exception, and an x87 one raises it at the next x87
 * instruction; masked again, the same operations give infinities and NaNs. */
#include <float.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf back;
static volatile int code;
static void on_fpe(int s, siginfo_t *si, void *u) {
  (void)s; (void)u;
  code = si->si_code;
  siglongjmp(back, 1);
}

static void set_mxcsr(unsigned v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }
static unsigned get_mxcsr(void) { unsigned v; __asm__ volatile("stmxcsr %0" : "=m"(v)); return v; }
static void set_cw(unsigned short v) { __asm__ volatile("fldcw %0" : : "m"(v)); }
static void clear_x87(void) { __asm__ volatile("fnclex"); }

static volatile double one = 1.0, zero = 0.0, minus = -1.0, big = DBL_MAX, tiny = DBL_MIN, three = 3.0;
static volatile double out;
static volatile long double lone = 1.0L, lzero = 0.0L;
static volatile long double lout;

static const char *name(int c) {
  switch (c) {
  case FPE_FLTDIV: return "FPE_FLTDIV";
  case FPE_FLTINV: return "FPE_FLTINV";
  case FPE_FLTOVF: return "FPE_FLTOVF";
  case FPE_FLTUND: return "FPE_FLTUND";
  case FPE_FLTRES: return "FPE_FLTRES";
  default: return "other";
  }
}

/* unmask one MXCSR exception (bit of the flags: 1 IE, 4 ZE, 8 OE, 0x10 UE, 0x20 PE), run op */
#define SSE_TRAP(label, bit, expr)                                             \
  do {                                                                         \
    code = 0;                                                                  \
    if (!sigsetjmp(back, 1)) {                                                 \
      set_mxcsr(0x1f80 & ~((bit) << 7));                                       \
      out = (expr);                                                            \
      set_mxcsr(0x1f80);                                                       \
      printf("%s: no trap, %g\n", label, out);                                 \
    } else {                                                                   \
      set_mxcsr(0x1f80);                                                       \
      printf("%s: SIGFPE %s\n", label, name(code));                            \
    }                                                                          \
  } while (0)

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fpe;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGFPE, &sa, NULL);

  SSE_TRAP("divide by zero", 4, one / zero);
  SSE_TRAP("invalid 0/0", 1, zero / zero);
  SSE_TRAP("overflow", 8, big * three);
  SSE_TRAP("underflow", 0x10, tiny * tiny);
  SSE_TRAP("inexact", 0x20, one / three);
  SSE_TRAP("divide by zero unmasked, exact division", 4, three / one);
  out = one / zero;
  printf("masked: 1/0 = %g, MXCSR ZE set %d\n", out, (get_mxcsr() & 4) != 0);

  /* x87: unmask ZE in the control word; the fault comes at the next x87 instruction */
  code = 0;
  if (!sigsetjmp(back, 1)) {
    set_cw(0x37f & ~4);
    lout = lone / lzero;
    __asm__ volatile("fwait");
    printf("x87 divide by zero: no trap\n");
  } else {
    clear_x87();
    printf("x87 divide by zero: SIGFPE %s\n", name(code));
  }
  set_cw(0x37f);
  clear_x87();
  lout = lone / lzero;
  printf("x87 masked: 1/0 = %Lg\n", lout);
  return 0;
}
