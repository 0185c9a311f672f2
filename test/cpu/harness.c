// Differential CPU tester: runs single x86-64 instructions on random machine
// states and prints what they did. Built static; run natively it shows the
// host CPU's results, run under `xos run` the emulated CPU's, and the two
// outputs are diffed (test/cpu-diff.test.ts, test/cpu/gen.mjs makes the list).
//
// usage: harness LIST [SEED] [-v | -h]
//   -v  also print each state's input;  -h  print one hash per line instead of
//       per-state output (fast: what cpu-diff.test.ts compares first)
// LIST: one test a line:  HEX  IGNORE  COUNT  [TOKEN...]
//   HEX     the instruction's bytes, e.g. 4801d8
//   IGNORE  hex mask of RFLAGS bits to ignore (undefined flags)
//   COUNT   how many random states to run it on
//   tokens: rN=HEX    register N (0=rax..15=r15) gets this value in every state
//           rN=sxK    division setup: the high half of the dividend (AH, DX, EDX, RDX
//                     for K = 0..3) is the sign extension of the low half
//           rN=zxK    ... or zero
//           popf      the qword at [rsp] is a sane random RFLAGS image
//           retaddr   the qword at [rsp] is the address after the instruction (RET)
//           br=N      register N holds the taken-branch target (CALL/JMP Ev), brm=HEX: DATA+HEX does
//           x87       x87 state in and out through FXRSTOR/FXSAVE images (not the MMX registers);
//                     fswmask=HEX: FSW bits to ignore; xm=HEX,K: an x87 memory operand of kind K
//                     (f d t b) at DATA+HEX; small0: ST(0) within F2XM1/FYL2XP1's domain;
//                     approx: with -h, the stack registers are printed (compared within a bound)
//           xidx=N,W  xmm/ymm N holds indices 0..63 of W bytes (gathers)
//           approxx=N (-h) xmm/ymm N holds approximations (RCP, RSQRT): its lanes are printed
//                     rather than hashed
//           mx        random MXCSR (rounding mode, FTZ, DAZ, PE already set); otherwise 0x1f80
//           xmask=HEX ignore these MXCSR bits in the output (e.g. 3f: exception flags)
//           nomem     (-h) a register form: memory stays as the first state left it and is
//                     checked once, after the last state
//           nanx=N,W  NaN lanes (W bytes) of xmm/ymm N are made the default NaN before they are
//                     compared (where the payload is implementation dependent: DPPS, on AMD)
//           clr=HEX,M after the instruction, clear the bits M of the byte at DATA+HEX (a field
//                     that differs by vendor: MXCSR_MASK.MM, XSTATE_BV[0], on AMD); up to 4
//           post[=M]  the code ends with SETcc of the 16 conditions into DATA+0xF00.. (the JIT
//                     run of the tester): those bytes are cleared before and compared per state;
//                     with M, only the conditions whose bit is set in M (the others read a flag
//                     left undefined)
//           win=HEX   (-h) a memory form with its operand at DATA+HEX: only the bytes
//                     around it are fresh and checked per state, the rest once at the end
// A state's registers are a random run of a value pool made at startup (random and
// boundary values), so that a state costs little under emulation.
// The machine: code page at CODE (the instruction, then an absolute jump back;
// a taken branch must target next+14, where a second jump reports "taken"),
// DATA (4 KiB random bytes, right after the code page, so RIP-relative
// operands can reach it), STACK (4 KiB, RSP = STACK+2048). Memory written by
// the instruction is reported as offset, length and hash of the changed range.
// Output per state: "HEX#k" then the registers that changed, fl= (masked
// RFLAGS), xmm registers that changed, mxcsr if changed, m= if memory changed,
// tk if the branch was taken; or sig=N if the instruction raised a signal.
// With AVX, yNh= shows a changed upper half of YMM N; MMX registers mmN= too.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CODE 0x10000000UL
#define DATA (CODE + 0x1000)
#define STACK (CODE + 0x2000)
#define REGION_SIZE 0x2000 /* DATA + STACK */
#define RSP_INIT (STACK + 0x800)

struct state {
  uint64_t g[16];
  uint64_t fl;
  uint64_t mx; /* low 32 bits used */
  uint8_t x[16][16];
  uint64_t mm[8]; /* offset 400 */
  uint8_t yh[16][16]; /* offset 464: upper halves of YMM0..15 (when the CPU has AVX) */
};
uint8_t use_avx, use_x87;
/* x87 lines: the x87 state goes in and out through FXRSTOR/FXSAVE images (not the MMX registers) */
uint8_t fx_in[512] __attribute__((aligned(64))), fx_out[512] __attribute__((aligned(64)));
struct state g_in, g_out;
uint64_t host_rsp, code_ptr = CODE;
uint32_t host_mxcsr = 0x1f80;
uint8_t taken;
uint8_t pro_stack[256] __attribute__((aligned(16)));
uint8_t epi_stack[256] __attribute__((aligned(16)));
void run_code(void);
void test_ret(void);
void test_ret_taken(void);

#define XS(n) "movdqu g_in+144+16*" #n "(%rip), %xmm" #n "\n"
#define XO(n) "movdqu %xmm" #n ", g_out+144+16*" #n "(%rip)\n"
#define YS(n) "vinsertf128 $1, g_in+464+16*" #n "(%rip), %ymm" #n ", %ymm" #n "\n"
#define YO(n) "vextractf128 $1, %ymm" #n ", g_out+464+16*" #n "(%rip)\n"
#define MS(n) "movq g_in+400+8*" #n "(%rip), %mm" #n "\n"
#define MO(n) "movq %mm" #n ", g_out+400+8*" #n "(%rip)\n"
__asm__(
    ".text\n.globl run_code\nrun_code:\n"
    "push %rbx\npush %rbp\npush %r12\npush %r13\npush %r14\npush %r15\n"
    "mov %rsp, host_rsp(%rip)\n"
    "fninit\n"
    "cmpb $0, use_x87(%rip)\nje 2f\nfxrstor64 fx_in(%rip)\n2:\n"
    "ldmxcsr g_in+136(%rip)\n"
    XS(0) XS(1) XS(2) XS(3) XS(4) XS(5) XS(6) XS(7) XS(8) XS(9) XS(10) XS(11) XS(12) XS(13) XS(14) XS(15)
    "cmpb $0, use_avx(%rip)\nje 1f\n"
    YS(0) YS(1) YS(2) YS(3) YS(4) YS(5) YS(6) YS(7) YS(8) YS(9) YS(10) YS(11) YS(12) YS(13) YS(14) YS(15)
    "1:\n"
    "cmpb $0, use_x87(%rip)\njne 2f\n"
    MS(0) MS(1) MS(2) MS(3) MS(4) MS(5) MS(6) MS(7)
    "2:\n"
    "lea pro_stack+256(%rip), %rsp\n"
    "pushq g_in+128(%rip)\n"
    "popfq\n"
    "mov g_in+0(%rip), %rax\nmov g_in+8(%rip), %rcx\nmov g_in+16(%rip), %rdx\nmov g_in+24(%rip), %rbx\n"
    "mov g_in+40(%rip), %rbp\nmov g_in+48(%rip), %rsi\nmov g_in+56(%rip), %rdi\n"
    "mov g_in+64(%rip), %r8\nmov g_in+72(%rip), %r9\nmov g_in+80(%rip), %r10\nmov g_in+88(%rip), %r11\n"
    "mov g_in+96(%rip), %r12\nmov g_in+104(%rip), %r13\nmov g_in+112(%rip), %r14\nmov g_in+120(%rip), %r15\n"
    "mov g_in+32(%rip), %rsp\n"
    "jmp *code_ptr(%rip)\n"
    ".globl test_ret_taken\ntest_ret_taken:\n"
    "movb $1, taken(%rip)\n"
    ".globl test_ret\ntest_ret:\n"
    "mov %rax, g_out+0(%rip)\nmov %rcx, g_out+8(%rip)\nmov %rdx, g_out+16(%rip)\nmov %rbx, g_out+24(%rip)\n"
    "mov %rsp, g_out+32(%rip)\nmov %rbp, g_out+40(%rip)\nmov %rsi, g_out+48(%rip)\nmov %rdi, g_out+56(%rip)\n"
    "mov %r8, g_out+64(%rip)\nmov %r9, g_out+72(%rip)\nmov %r10, g_out+80(%rip)\nmov %r11, g_out+88(%rip)\n"
    "mov %r12, g_out+96(%rip)\nmov %r13, g_out+104(%rip)\nmov %r14, g_out+112(%rip)\nmov %r15, g_out+120(%rip)\n"
    "lea epi_stack+256(%rip), %rsp\n"
    "pushfq\n"
    "popq g_out+128(%rip)\n"
    "cld\n"
    "stmxcsr g_out+136(%rip)\n"
    XO(0) XO(1) XO(2) XO(3) XO(4) XO(5) XO(6) XO(7) XO(8) XO(9) XO(10) XO(11) XO(12) XO(13) XO(14) XO(15)
    "cmpb $0, use_avx(%rip)\nje 1f\n"
    YO(0) YO(1) YO(2) YO(3) YO(4) YO(5) YO(6) YO(7) YO(8) YO(9) YO(10) YO(11) YO(12) YO(13) YO(14) YO(15)
    "vzeroupper\n"
    "1:\n"
    "cmpb $0, use_x87(%rip)\nje 2f\nfxsave64 fx_out(%rip)\n2:\n"
    "fnclex\n" /* an fxrstor may have left unmasked x87 exceptions pending: MMX stores would raise #MF */
    "cmpb $0, use_x87(%rip)\njne 2f\n"
    MO(0) MO(1) MO(2) MO(3) MO(4) MO(5) MO(6) MO(7)
    "2:\n"
    "ldmxcsr host_mxcsr(%rip)\n"
    "emms\nfninit\n"
    "mov host_rsp(%rip), %rsp\n"
    "pop %r15\npop %r14\npop %r13\npop %r12\npop %rbp\npop %rbx\n"
    "ret\n");

// ---- PRNG (splitmix64) ----------------------------------------------------
static uint64_t rs;
static uint64_t rnd(void) {
  uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static uint64_t sx(uint64_t v, int bits) { return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits)); }

// A register value: random, small, or a boundary value at some width.
static uint64_t rval(void) {
  static const uint64_t B[] = {
      0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
      0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
      0xfffffffffffffffeULL, 0xffffffff80000000ULL, 0xffffffffffff8000ULL, 0xffffffffffffff80ULL,
      0x8000000000000001ULL, 0x00000000ffffff80ULL, 0x0000ffff00008000ULL,
  };
  uint64_t k = rnd() % 16, r = rnd();
  switch (k) {
  case 0: case 1: case 2: case 3: case 4: return r;
  case 5: return r % 70;                       /* small (shift counts) */
  case 6: return -(r % 70);                    /* small negative */
  case 7: return sx(r, 8);
  case 8: return sx(r, 16);
  case 9: return sx(r, 32);
  case 10: return r & 0xffffffff;
  case 11: return (r & ~0xffULL) | B[(r >> 3) % 16]; /* low byte boundary, random above */
  default: {
    uint64_t v = B[r % (sizeof B / sizeof B[0])];
    if ((r >> 40) & 1) v ^= (r >> 41) & 1 ? 0xffffffff00000000ULL : 0; /* vary the high half */
    return v;
  }
  }
}
static uint32_t fval(void) {
  static const uint32_t F[] = {0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000,
                               0xffc00000, 0x7fa00000, 0x00000001, 0x807fffff, 0x7f7fffff, 0x4f000000,
                               0xcf000000, 0x3f000000, 0x4b000000, 0x3fc00000, 0x40200000};
  uint64_t r = rnd();
  switch (r % 4) {
  case 0: return (uint32_t)(r >> 32);
  case 1: return F[(r >> 8) % (sizeof F / sizeof F[0])];
  default: { /* a moderate float: sign, exponent near 0 */
    uint32_t e = 127 + (int)((r >> 8) % 64) - 32;
    return (uint32_t)((r >> 63) << 31) | (e << 23) | (uint32_t)((r >> 16) & 0x7fffff);
  }
  }
}
static uint64_t dval(void) {
  static const uint64_t D[] = {0, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL,
                               0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000000ULL,
                               0xfff8000000000000ULL, 0x7ff4000000000000ULL, 1, 0x800fffffffffffffULL,
                               0x7fefffffffffffffULL, 0x43e0000000000000ULL, 0xc3e0000000000000ULL,
                               0x41e0000000000000ULL, 0xc1e0000000000000ULL, 0x3fe0000000000000ULL,
                               0x4330000000000000ULL, 0x3ff8000000000000ULL, 0x4004000000000000ULL};
  uint64_t r = rnd();
  switch (r % 4) {
  case 0: return rnd();
  case 1: return D[(r >> 8) % (sizeof D / sizeof D[0])];
  default: {
    uint64_t e = 1023 + (int)((r >> 8) % 128) - 64;
    return ((r >> 63) << 63) | (e << 52) | (rnd() & 0xfffffffffffffULL);
  }
  }
}
static void xval(uint8_t *x) {
  uint64_t k = rnd() % 4;
  for (int i = 0; i < 4; i++) {
    uint32_t v;
    if (k == 0) v = (uint32_t)rnd();
    else if (k == 1) v = fval();
    else if (k == 2) { uint64_t d = dval(); memcpy(x + 8 * (i >> 1), &d, 8); i++; continue; }
    else v = (uint32_t)rval();
    memcpy(x + 4 * i, &v, 4);
  }
}

// An x87 80-bit value (10 bytes, little-endian): boundary classes (zeros,
// infinities, NaNs, denormals, pseudo-denormals, unnormals, pseudo-NaNs), moderate
// and integral values, doubles widened exactly, random bits.
static void tval(uint8_t *t) {
  static const struct { uint16_t se; uint64_t m; } T[] = {
      {0, 0}, {0x8000, 0}, {0x7fff, 1ULL << 63}, {0xffff, 1ULL << 63},             /* zeros, infinities */
      {0x7fff, 0xc000000000000000ULL}, {0xffff, 0xc000000000000000ULL},            /* QNaN, indefinite */
      {0x7fff, 0x8000000000000001ULL}, {0xffff, 0xa000000000000000ULL},            /* SNaNs */
      {0x0000, 0x0000000000000001ULL}, {0x8000, 0x7fffffffffffffffULL},            /* denormals */
      {0x0000, 0x8000000000000000ULL}, {0x8000, 0xc000000000000001ULL},            /* pseudo-denormals */
      {0x3fff, 0x4000000000000000ULL}, {0x7fff, 0}, {0x7fff, 0x4000000000000000ULL}, /* unnormal, pseudo-inf/NaN */
      {0x7ffe, 0xffffffffffffffffULL}, {0x0001, 1ULL << 63}, {0x3fff, 1ULL << 63}, {0xbfff, 1ULL << 63},
      {0x4000, 1ULL << 63}, {0x3ffe, 1ULL << 63}, {0x4000, 0xc90fdaa22168c235ULL}, {0x3ffe, 0xb17217f7d1cf79acULL},
      {0x403e, 1ULL << 63}, {0x403d, 0xffffffffffffffffULL}, {0xc03e, 1ULL << 63}, {0x3fff, 0x8000000000000001ULL},
  };
  uint64_t r = rnd(), m;
  uint16_t se;
  switch (r % 8) {
  case 0: m = rnd(); se = (uint16_t)(r >> 16); break;
  case 1: case 2: { int i = (r >> 8) % (sizeof T / sizeof T[0]); se = T[i].se; m = T[i].m; break; }
  case 3: { /* an integer-valued or half-integral value */
    int e = (int)((r >> 8) % 66);
    se = (uint16_t)(0x3fff + e - 1) | (uint16_t)((r >> 20) & 1) << 15;
    m = (rnd() | 1ULL << 63) & ~((1ULL << (e < 63 ? 63 - e : 0)) - 1);
    break;
  }
  case 4: { /* a double, widened exactly */
    uint64_t d = dval(), f = d & 0xfffffffffffffULL;
    int e = (int)((d >> 52) & 0x7ff);
    se = (uint16_t)((d >> 63) << 15);
    if (e == 0x7ff) { se |= 0x7fff; m = 1ULL << 63 | f << 11; }
    else if (e == 0) m = 0; /* (zero; double denormals are left out) */
    else { se |= (uint16_t)(e - 1023 + 16383); m = 1ULL << 63 | f << 11; }
    break;
  }
  default: /* moderate: exponent near 0 */
    se = (uint16_t)(0x3fff + (int)((r >> 8) % 128) - 64) | (uint16_t)((r >> 20) & 1) << 15;
    m = rnd() | 1ULL << 63;
  }
  memcpy(t, &m, 8);
  memcpy(t + 8, &se, 2);
}
// A memory operand of an x87 instruction, by kind: f m32fp, d m64fp, t m80fp, b m80bcd
static void xmem(uint8_t *p, char kind) {
  if (kind == 'f') { uint32_t v = fval(); memcpy(p, &v, 4); }
  else if (kind == 'd') { uint64_t v = dval(); memcpy(p, &v, 8); }
  else if (kind == 't') tval(p);
  else if (kind == 'b') { /* packed BCD: 18 digits, sign byte; now and then a bad digit */
    uint64_t r = rnd(), q = rnd();
    for (int i = 0; i < 9; i++) {
      int lo = (int)(q % 10), hi = (int)(q / 10 % 10);
      q /= 100;
      if ((r & 0xff) == i) lo = 10 + (int)(r >> 8 & 3);
      p[i] = (uint8_t)(hi << 4 | lo);
      if (i >= 5 && !q) q = rnd();
    }
    if ((r >> 12) % 4 == 0) memset(p + (r >> 16) % 9, 0, 9 - (r >> 16) % 9);
    p[9] = (r >> 20) & 1 ? 0x80 : 0;
  }
}

// ---- output ---------------------------------------------------------------
static char obuf[1 << 16];
static size_t olen;
static void oflush(void) {
  size_t o = 0;
  while (o < olen) {
    ssize_t n = write(1, obuf + o, olen - o);
    if (n <= 0) break;
    o += n;
  }
  olen = 0;
}
static void os(const char *s) {
  size_t n = strlen(s);
  if (olen + n > sizeof obuf) oflush();
  memcpy(obuf + olen, s, n);
  olen += n;
}
static void ohex(uint64_t v, int digits) {
  char t[17];
  for (int i = digits - 1; i >= 0; i--, v >>= 4) t[i] = "0123456789abcdef"[v & 15];
  t[digits] = 0;
  os(t);
}
static void ohexv(uint64_t v) { /* without leading zeros */
  int n = 1;
  while (n < 16 && (v >> (4 * n))) n++;
  ohex(v, n);
}
static void ohexbytes(const uint8_t *p, int n) { /* as a little-endian number */
  for (int i = n - 1; i >= 0; i--) ohex(p[i], 2);
}
static const char *RN[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                             "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};

// ---- signals ----------------------------------------------------------------
static sigjmp_buf jb;
static void on_sig(int sig) { siglongjmp(jb, sig); }

static uint8_t *pristine;
#define PRISTINE_SIZE (REGION_SIZE * 2)

#define POOL 16384 /* entries; a state's register file is a random run of them */
static uint64_t *gpool;
static uint8_t (*xpool)[16];
static uint8_t (*tpool)[10];

// The range [*a, *b] of DATA..STACK that differs from `src`; 0 if none.
static int changed_range(const uint8_t *src, int *pa, int *pb) {
  const uint8_t *now = (const uint8_t *)DATA;
  if (!memcmp(now, src, REGION_SIZE)) return 0;
  int a = 0, b = REGION_SIZE; /* [a, b) */
  for (int step = 1024; step >= 1; step /= 8) { /* 1024, 128, 16, 2; then 1 */
    while (!memcmp(now + a, src + a, step)) a += step;
    while (!memcmp(now + b - step, src + b - step, step)) b -= step;
  }
  while (now[a] == src[a]) a++;
  while (now[b - 1] == src[b - 1]) b--;
  b--;
  *pa = a, *pb = b;
  return 1;
}

#define HM(h, v) ((h) = ((h) ^ (uint64_t)(v)) * 0x100000001b3ULL)
static uint64_t mem_hash(uint64_t h, const uint8_t *src) {
  int a, b;
  if (changed_range(src, &a, &b)) {
    const uint8_t *now = (const uint8_t *)DATA;
    HM(h, a); HM(h, b);
    for (int i = a; i <= b; i++) HM(h, now[i]);
  }
  return h;
}

// The changes within DATA[w0, w1) (src: what it held before)
static uint64_t win_hash(uint64_t h, const uint8_t *src, int w0, int w1) {
  const uint8_t *now = (const uint8_t *)DATA;
  if (!memcmp(now + w0, src + w0, w1 - w0)) return h;
  for (int i = w0; i < w1; i += 8) {
    uint64_t x, y;
    memcpy(&x, now + i, 8);
    memcpy(&y, src + i, 8);
    if (x != y) { HM(h, i); HM(h, x); }
  }
  return h;
}

// -h: what a state's output line would show, folded into the line's hash
// (each step is a bijection of the hash, so one differing value always shows)
static uint32_t fswmask;
static int post; /* the SETcc results at DATA + POST_AREA are part of each state's output */
static unsigned postmask; /* ... those of these conditions */
#define POST_AREA 0xf00
static int approx, approxx = -1; /* approxx: this xmm/ymm register holds approximations (RCP, RSQRT) */
static uint64_t state_hash(uint64_t h, int sig, uint64_t ignore, uint32_t xmask, const uint8_t *src) {
  HM(h, sig);
  if (sig) return h;
  for (int i = 0; i < 16; i++) HM(h, g_out.g[i]);
  HM(h, g_out.fl & ~ignore & 0xfff);
  uint64_t q[2];
  for (int i = 0; i < 16; i++) if (i != approxx) { memcpy(q, g_out.x[i], 16); HM(h, q[0]); HM(h, q[1]); }
  if (use_avx)
    for (int i = 0; i < 16; i++) if (i != approxx) { memcpy(q, g_out.yh[i], 16); HM(h, q[0]); HM(h, q[1]); }
  if (!use_x87) for (int i = 0; i < 8; i++) HM(h, g_out.mm[i]);
  else {
    HM(h, fx_out[0] | fx_out[1] << 8);
    HM(h, (fx_out[2] | fx_out[3] << 8) & ~fswmask);
    HM(h, fx_out[4]);
    if (!approx) for (int i = 0; i < 8; i++) { uint64_t m; uint16_t se; memcpy(&m, fx_out + 32 + 16 * i, 8); memcpy(&se, fx_out + 40 + 16 * i, 2); HM(h, m); HM(h, se); }
  }
  HM(h, (uint32_t)g_out.mx & ~xmask);
  HM(h, taken);
  if (post) { uint64_t q0, q1; memcpy(&q0, (uint8_t *)DATA + POST_AREA, 8); memcpy(&q1, (uint8_t *)DATA + POST_AREA + 8, 8); HM(h, q0); HM(h, q1); }
  return src ? mem_hash(h, src) : h;
}

static int hexval(int c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

/* nanx: every NaN lane of w bytes in v (16 bytes) becomes the default QNaN */
static void nan_canon(uint8_t *v, int w) {
  for (int i = 0; i < 16; i += w) {
    if (w == 4) {
      uint32_t x; memcpy(&x, v + i, 4);
      if ((x & 0x7f800000) == 0x7f800000 && (x & 0x7fffff)) { x = 0x7fc00000; memcpy(v + i, &x, 4); }
    } else {
      uint64_t x; memcpy(&x, v + i, 8);
      if ((x & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL && (x & 0xfffffffffffffULL)) { x = 0x7ff8000000000000ULL; memcpy(v + i, &x, 8); }
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: harness LIST [SEED] [-v]\n"); return 2; }
  uint64_t seed = argc > 2 && argv[2][0] != '-' ? strtoull(argv[2], 0, 0) : 1;
  int verbose = argc > 2 && !strcmp(argv[argc - 1], "-v");
  int hashed = argc > 2 && !strcmp(argv[argc - 1], "-h");
  FILE *f = fopen(argv[1], "r");
  if (!f) { perror(argv[1]); return 2; }
  void *m = mmap((void *)CODE, 0x3000, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (m != (void *)CODE) { perror("mmap"); return 2; }
  static uint8_t altstack[65536];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  sigaltstack(&ss, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sig;
  sa.sa_flags = SA_ONSTACK | SA_NODEFER;
  int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, 0);
  // AVX state (upper YMM halves) when the CPU has AVX (the host's, or what xos reports),
  // unless XOS_CPU_NOAVX is set
  __builtin_cpu_init();
  use_avx = __builtin_cpu_supports("avx") && !getenv("XOS_CPU_NOAVX");
  pristine = malloc(PRISTINE_SIZE);
  rs = seed ^ 0x5eed;
  for (int i = 0; i < PRISTINE_SIZE; i += 8) { uint64_t v = rval(); memcpy(pristine + i, &v, 8); }
  // value pools: a state's registers are drawn from them (cheap per state, which
  // matters under emulation: ~200 states per form)
  gpool = malloc(POOL * sizeof *gpool);
  xpool = malloc(POOL * sizeof *xpool);
  for (int i = 0; i < POOL; i++) { gpool[i] = rval(); xval(xpool[i]); }
  tpool = malloc(POOL * sizeof *tpool);
  for (int i = 0; i < POOL; i++) tval(tpool[i]);

  static char line[4096];
  uint64_t ret = (uint64_t)test_ret, ret_taken = (uint64_t)test_ret_taken;
  while (fgets(line, sizeof line, f)) {
    char *save = 0, *tok = strtok_r(line, " \t\r\n", &save);
    if (!tok || tok[0] == '#') continue;
    char hexs[512];
    snprintf(hexs, sizeof hexs, "%s", tok);
    uint8_t code[256];
    int len = 0;
    for (const char *p = hexs; p[0] && p[1] && len < 200; p += 2) code[len++] = hexval(p[0]) << 4 | hexval(p[1]);
    tok = strtok_r(0, " \t\r\n", &save);
    uint64_t ignore = tok ? strtoull(tok, 0, 16) : 0;
    tok = strtok_r(0, " \t\r\n", &save);
    int count = tok ? atoi(tok) : 1;
    struct { int reg; int kind; uint64_t v; } fix[16];
    int nfix = 0, popf = 0, mx = 0, nomem = 0, w0 = 0, w1 = 0, xmoff = -1, small0 = 0;
    int xidx = -1, xidxw = 4; /* xidx=N,W: xmm/ymm N holds small W-byte indices (gathers) */
    int retaddr = 0, brreg = -1, brmem = -1; /* RET: [rsp] = the next instruction; CALL/JMP Ev: the taken target */
    char xmkind = 0;
    int nanx = -1, nanw = 4, nclr = 0, clroff[4], clrmask[4];
    post = 0;
    fswmask = 0, approx = 0, approxx = -1;
    use_x87 = 0;
    uint32_t xmask = 0;
    while ((tok = strtok_r(0, " \t\r\n", &save))) {
      if (!strcmp(tok, "popf")) popf = 1;
      else if (!strcmp(tok, "nomem")) nomem = hashed; /* (with -h only: text output checks every state) */
      else if (!strncmp(tok, "win=", 4) && hashed) { /* the window: the operand's 64 bytes, 64 before, 128 after */
        int o = (int)strtol(tok + 4, 0, 16) & ~63;
        w0 = o < 64 ? 0 : o - 64;
        w1 = w0 + 256 > REGION_SIZE ? REGION_SIZE : w0 + 256;
        nomem = 1;
      }
      else if (!strcmp(tok, "mx")) mx = 1;
      else if (!strcmp(tok, "x87")) use_x87 = 1;
      else if (!strncmp(tok, "fswmask=", 8)) fswmask = strtoul(tok + 8, 0, 16);
      else if (!strcmp(tok, "approx")) approx = 1;
      else if (!strncmp(tok, "approxx=", 8)) approxx = atoi(tok + 8);
      else if (!strncmp(tok, "xidx=", 5)) { char *e; xidx = (int)strtol(tok + 5, &e, 10) & 15; xidxw = *e == ',' ? atoi(e + 1) : 4; }
      else if (!strcmp(tok, "small0")) small0 = 1;
      else if (!strcmp(tok, "post")) post = 1, postmask = 0xffff;
      else if (!strncmp(tok, "post=", 5)) post = 1, postmask = (unsigned)strtoul(tok + 5, 0, 16);
      else if (!strncmp(tok, "nanx=", 5)) { char *e; nanx = (int)strtol(tok + 5, &e, 10) & 15; nanw = *e == ',' ? atoi(e + 1) : 4; }
      else if (!strncmp(tok, "clr=", 4) && nclr < 4) { char *e; clroff[nclr] = (int)strtol(tok + 4, &e, 16); clrmask[nclr++] = *e == ',' ? (int)strtol(e + 1, 0, 16) : 0; }
      else if (!strcmp(tok, "retaddr")) retaddr = 1;
      else if (!strncmp(tok, "br=", 3)) brreg = atoi(tok + 3);
      else if (!strncmp(tok, "brm=", 4)) brmem = (int)strtol(tok + 4, 0, 16);
      else if (!strncmp(tok, "xm=", 3)) { char *e; xmoff = (int)strtol(tok + 3, &e, 16); xmkind = e[0] == ',' ? e[1] : 0; }
      else if (!strncmp(tok, "xmask=", 6)) xmask = strtoul(tok + 6, 0, 16);
      else if (tok[0] == 'r' && nfix < 16) {
        char *eq;
        fix[nfix].reg = strtol(tok + 1, &eq, 10);
        if (*eq != '=') continue;
        eq++;
        if (!strncmp(eq, "sx", 2)) fix[nfix].kind = 1, fix[nfix].v = atoi(eq + 2);
        else if (!strncmp(eq, "zx", 2)) fix[nfix].kind = 2, fix[nfix].v = atoi(eq + 2);
        else fix[nfix].kind = 0, fix[nfix].v = strtoull(eq, 0, 16);
        nfix++;
      }
    }
    // the code page: instruction, jmp *test_ret, jmp *test_ret_taken
    uint8_t page[320];
    memcpy(page, code, len);
    uint8_t *p = page + len;
    memcpy(p, "\xff\x25\0\0\0\0", 6); memcpy(p + 6, &ret, 8); p += 14;
    memcpy(p, "\xff\x25\0\0\0\0", 6); memcpy(p + 6, &ret_taken, 8); p += 14;
    memcpy((void *)CODE, page, p - page);
    // per-line seed from the line's text, so a single line reproduces alone
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *q = hexs; *q; q++) h = (h ^ (uint8_t)*q) * 0x100000001b3ULL;
    uint64_t lh = 0x84222325cbf29ce4ULL; /* -h: the hash of the line's results */
    const uint8_t *line_src = 0;
    for (int k = 0; k < count; k++) {
      rs = seed * 0x2545f4914f6cdd1dULL + h + (uint64_t)k * 0x9e3779b97f4a7c15ULL;
      uint64_t pick = rnd();
#define PICK(i) ((int)((pick >> (14 * (i))) & (POOL - 1)) % (POOL - 16))
      memcpy(g_in.g, gpool + PICK(0), 16 * 8);
      g_in.g[4] = RSP_INIT;
      for (int i = 0; i < nfix; i++) {
        int r = fix[i].reg & 15, w = (int)fix[i].v;
        if (fix[i].kind == 0) g_in.g[r] = fix[i].v;
        else if (w == 0) { /* AH from AL */
          uint64_t hi = fix[i].kind == 1 ? ((g_in.g[0] >> 7) & 1 ? 0xff : 0) : 0;
          g_in.g[0] = (g_in.g[0] & ~0xff00ULL) | hi << 8;
        } else {
          int bits = 8 << w;
          g_in.g[r] = fix[i].kind == 1 ? (uint64_t)((int64_t)sx(g_in.g[0], bits) >> 63) : 0;
        }
      }
      const uint64_t arith = 0x8d5, df = 0x400;
      g_in.fl = 0x202 | (rnd() & (arith | df));
      if (rnd() % 4 == 0) g_in.fl &= ~df;
      g_in.mx = 0x1f80;
      if (mx) {
        uint64_t r = rnd();
        if (r & 1) g_in.mx |= (r & 0x6000) | ((r >> 8) & 1 ? 0x8000 : 0) | ((r >> 9) & 1 ? 0x40 : 0);
        // PE already set, as in most programs after their first inexact result (the JIT's fast paths need it)
        if ((r >> 10) & 1) g_in.mx |= 0x20;
      }
      memcpy(g_in.x, xpool + PICK(1), 16 * 16);
      memcpy(g_in.yh, xpool + PICK(2), 16 * 16);
      memcpy(g_in.mm, gpool + PICK(3), 8 * 8);
      size_t off = (rnd() % (PRISTINE_SIZE - REGION_SIZE)) & ~7UL;
      const uint8_t *src = pristine + off;
      if (nomem && k > 0) { /* memory as the first state left it, but for a fresh window */
        memcpy((uint8_t *)DATA + w0, src + w0, w1 - w0);
      } else {
        memcpy((void *)DATA, src, REGION_SIZE);
        line_src = src;
      }
      if (use_x87) {
        /* control word: all exceptions masked, random precision (not the reserved 01) and rounding */
        uint64_t r = rnd();
        uint16_t fcw = 0x037f;
        if (r & 1) fcw = 0x007f | (uint16_t)((r >> 1) % 3 == 0 ? 0 : (r >> 1) % 3 + 1) << 8 | (uint16_t)((r >> 3) & 3) << 10;
        /* status word: random condition codes and TOP; sometimes sticky exception flags */
        uint16_t fsw = (uint16_t)(r >> 8) & 0x4700;
        fsw |= (uint16_t)((r >> 16) & 7) << 11;
        if ((r >> 19) % 4 == 0) fsw |= (uint16_t)(r >> 21) & 0x3f;
        /* abridged tag: each register valid but one in eight; now and then all empty or all valid */
        uint8_t ftw = 0xff;
        for (int i = 0; i < 8; i++) if (((r >> (28 + 3 * i)) & 7) == 0) ftw &= ~(1 << i);
        if ((r >> 52) % 16 == 0) ftw = 0;
        else if ((r >> 52) % 16 == 1) ftw = 0xff;
        memset(fx_in, 0, 512);
        memcpy(fx_in, &fcw, 2);
        memcpy(fx_in + 2, &fsw, 2);
        fx_in[4] = ftw;
        uint32_t mxv = 0x1f80;
        memcpy(fx_in + 24, &mxv, 4);
        int j = (int)(rnd() % (POOL - 8));
        for (int i = 0; i < 8; i++) memcpy(fx_in + 32 + 16 * i, tpool[j + i], 10);
        if (small0) { /* ST(0) within the domain of F2XM1, FYL2XP1 (|x| < 1/4) if it is a finite normal number */
          uint16_t se;
          memcpy(&se, fx_in + 40, 2);
          if ((se & 0x7fff) >= 0x3ffd && (se & 0x7fff) != 0x7fff && (fx_in[39] & 0x80)) {
            se = (se & 0x8000) | (uint16_t)(0x3ffc - (int)(r % 64));
            memcpy(fx_in + 40, &se, 2);
          }
        }
      }
      if (xmoff >= 0 && xmkind) xmem((uint8_t *)DATA + xmoff, xmkind);
      uint64_t next = CODE + len, target = next + 14;
      if (retaddr) memcpy((void *)RSP_INIT, &next, 8);
      if (xidx >= 0) {
        uint64_t r = rnd();
        for (int i = 0; i < 32 / xidxw; i++, r >>= 6) {
          uint8_t *p = i * xidxw < 16 ? g_in.x[xidx] + i * xidxw : g_in.yh[xidx] + i * xidxw - 16;
          uint64_t v = r & 63;
          memcpy(p, &v, xidxw);
        }
      }
      if (brreg >= 0) g_in.g[brreg & 15] = target;
      if (brmem >= 0) memcpy((uint8_t *)DATA + brmem, &target, 8);
      if (popf) {
        uint64_t v = 0x202 | (rnd() & (arith | df));
        memcpy((void *)RSP_INIT, &v, 8);
        src = 0;
      }
      uint8_t before[REGION_SIZE];
      if (!src) { memcpy(before, (void *)DATA, REGION_SIZE); src = before; }
      if (verbose) {
        os(hexs); os("#"); ohexv(k); os(" in:");
        for (int i = 0; i < 16; i++) { os(" "); os(RN[i]); os("="); ohex(g_in.g[i], 16); }
        os(" fl="); ohex(g_in.fl, 4); os(" mxcsr="); ohex(g_in.mx, 4);
        for (int i = 0; i < 8; i++) { os(" mm"); ohex(i, 1); os("="); ohex(g_in.mm[i], 16); }
        for (int i = 0; i < 16; i++) { os(" x"); ohex(i, 1); os("="); ohexbytes(g_in.x[i], 16); }
        if (use_avx) for (int i = 0; i < 16; i++) { os(" y"); ohex(i, 1); os("h="); ohexbytes(g_in.yh[i], 16); }
        if (use_x87) {
          os(" fcw="); ohexbytes(fx_in, 2); os(" fsw="); ohexbytes(fx_in + 2, 2); os(" ftw="); ohex(fx_in[4], 2);
          for (int i = 0; i < 8; i++) { os(" st"); ohex(i, 1); os("="); ohexbytes(fx_in + 32 + 16 * i, 10); }
        }
        if (xmoff >= 0) { os(" mem="); ohexbytes((uint8_t *)DATA + xmoff, 10); }
        os("\n");
      }
      taken = 0;
      if (post) memset((uint8_t *)DATA + POST_AREA, 0, 16);
      int sig = sigsetjmp(jb, 0); /* SA_NODEFER: the handler leaves the mask alone */
      if (sig == 0) run_code();
      else __asm__ volatile("cld\nfninit\nldmxcsr host_mxcsr(%%rip)" ::: "memory");
      if (post) for (int c = 0; c < 16; c++) if (!(postmask >> c & 1)) ((uint8_t *)DATA)[POST_AREA + c] = 0;
      if (!sig && nanx >= 0) { nan_canon(g_out.x[nanx], nanw); nan_canon(g_out.yh[nanx], nanw); }
      if (!sig) for (int i = 0; i < nclr; i++) if (clroff[i] >= 0 && clroff[i] < REGION_SIZE) ((uint8_t *)DATA)[clroff[i]] &= ~clrmask[i];
      if (hashed && approx && !sig) { /* results compared within a bound (cpu-diff.test.ts): printed */
        os(hexs); os("#"); ohexv(k); os(" ~");
        for (int i = 0; i < 8; i++) { os(" "); ohexbytes(fx_out + 32 + 16 * i, 10); }
        os("\n");
      }
      if (hashed && approxx >= 0 && !sig) { /* the register's 32-bit lanes, compared within a bound */
        os(hexs); os("#"); ohexv(k); os(" ~x");
        for (int i = 0; i < 4; i++) { os(" "); ohexbytes(g_out.x[approxx] + 4 * i, 4); }
        if (use_avx) for (int i = 0; i < 4; i++) { os(" "); ohexbytes(g_out.yh[approxx] + 4 * i, 4); }
        os("\n");
      }
      if (hashed) {
        lh = state_hash(lh, sig, ignore, xmask, nomem ? 0 : src);
        if (w1) lh = win_hash(lh, src, w0, w1);
        continue;
      }
      os(hexs); os("#"); ohexv(k);
      if (sig) { os(" sig="); ohex(sig, 2); os("\n"); continue; }
      for (int i = 0; i < 16; i++)
        if (g_out.g[i] != g_in.g[i]) { os(" "); os(RN[i]); os("="); ohex(g_out.g[i], 16); }
      os(" fl="); ohex(g_out.fl & ~ignore & 0xfff, 3);
      for (int i = 0; i < 16; i++)
        if (memcmp(g_out.x[i], g_in.x[i], 16)) { os(" x"); ohex(i, 1); os("="); ohexbytes(g_out.x[i], 16); }
      if (use_avx)
        for (int i = 0; i < 16; i++)
          if (memcmp(g_out.yh[i], g_in.yh[i], 16)) { os(" y"); ohex(i, 1); os("h="); ohexbytes(g_out.yh[i], 16); }
      if (!use_x87) {
        for (int i = 0; i < 8; i++)
          if (g_out.mm[i] != g_in.mm[i]) { os(" mm"); ohex(i, 1); os("="); ohex(g_out.mm[i], 16); }
      } else {
        if (memcmp(fx_out, fx_in, 2)) { os(" fcw="); ohexbytes(fx_out, 2); }
        os(" fsw="); ohex((fx_out[2] | fx_out[3] << 8) & ~fswmask, 4);
        if (fx_out[4] != fx_in[4]) { os(" ftw="); ohex(fx_out[4], 2); }
        for (int i = 0; i < 8; i++)
          if (memcmp(fx_out + 32 + 16 * i, fx_in + 32 + 16 * i, 10)) { os(" st"); ohex(i, 1); os("="); ohexbytes(fx_out + 32 + 16 * i, 10); }
      }
      if (((uint32_t)g_out.mx & ~xmask) != ((uint32_t)g_in.mx & ~xmask)) { os(" mxcsr="); ohex((uint32_t)g_out.mx & ~xmask, 4); }
      if (post) { os(" cc="); ohexbytes((uint8_t *)DATA + POST_AREA, 16); }
      int a, b;
      const uint8_t *now = (const uint8_t *)DATA;
      if (changed_range(src, &a, &b)) {
        uint64_t hh = 0xcbf29ce484222325ULL;
        for (int i = a; i <= b; i++) hh = (hh ^ now[i]) * 0x100000001b3ULL;
        os(" m="); ohex(a, 4); os("+"); ohexv(b - a + 1); os(":");
        if (b - a < 16) ohexbytes(now + a, b - a + 1); else ohex(hh, 16);
        if (verbose) { /* the changed bytes, in memory order */
          os(" bytes=");
          for (int i = a; i <= b; i++) ohex(now[i], 2);
        }
      }
      if (taken) os(" tk");
      os("\n");
    }
    if (nomem) {
      if (w1) memcpy((uint8_t *)DATA + w0, line_src + w0, w1 - w0);
      lh = mem_hash(lh, line_src);
    }
    if (hashed) { os(hexs); os(" "); ohex(lh, 16); os("\n"); }
    oflush();
  }
  oflush();
  return 0;
}
