/* Runs f80 operation requests on the host's x87, for the differential test
 * of core/f80.ts. Each stdin line is "op pc rc ase am bse bm" (hex); each
 * output line is "se m se2 m2 status" (hex), the same as test/f80/harness.ts.
 * Operation codes: keep in sync with harness.ts. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static long double A, B, R, R2;
static unsigned short cw, sw;
static double D;
static float F;
static int16_t I16;
static int32_t I32;
static int64_t I64;

/* Each sequence starts from FNINIT (all exceptions masked, empty stack,
 * condition codes clear), loads the control word, and ends with FNINIT so
 * the C code finds the stack empty as the ABI requires. */
#define PRE "fninit\n\tfldcw %[cw]\n\t"
#define POST "\n\tfninit"
#define IN [cw] "m"(cw), [a] "m"(A), [b] "m"(B)

#define BINARY(insn)                                                     \
  __asm__ volatile(PRE "fldt %[b]\n\tfldt %[a]\n\tfnclex\n\t" insn      \
                   "\n\tfnstsw %[sw]\n\tfstpt %[r]" POST                 \
                   : [sw] "=m"(sw), [r] "=m"(R) : IN)
#define UNARY(insn)                                                      \
  __asm__ volatile(PRE "fldt %[a]\n\tfnclex\n\t" insn                    \
                   "\n\tfnstsw %[sw]\n\tfstpt %[r]" POST                 \
                   : [sw] "=m"(sw), [r] "=m"(R) : IN)
#define STORE(insn, out)                                                 \
  __asm__ volatile(PRE "fldt %[a]\n\tfnclex\n\t" insn " %[o]"            \
                   "\n\tfnstsw %[sw]" POST                               \
                   : [sw] "=m"(sw), [o] "=m"(out) : IN)
#define LOAD(insn, in)                                                   \
  __asm__ volatile(PRE "fnclex\n\t" insn " %[i]"                         \
                   "\n\tfnstsw %[sw]\n\tfstpt %[r]" POST                 \
                   : [sw] "=m"(sw), [r] "=m"(R) : IN, [i] "m"(in))
#define COMPARE(insn)                                                    \
  __asm__ volatile(PRE "fldt %[b]\n\tfldt %[a]\n\tfnclex\n\t" insn      \
                   "\n\tfnstsw %[sw]" POST                               \
                   : [sw] "=m"(sw) : IN)

static void put80(long double *x, unsigned se, uint64_t m) {
  unsigned char b[16] = {0};
  memcpy(b, &m, 8);
  b[8] = se & 0xff;
  b[9] = se >> 8;
  memcpy(x, b, sizeof *x);
}

static void get80(const long double *x, unsigned *se, uint64_t *m) {
  unsigned char b[16];
  memcpy(b, x, sizeof b);
  memcpy(m, b, 8);
  *se = b[8] | (b[9] << 8);
}

/* FCOM/FUCOM condition codes C3 C2 C0 -> 0 less, 1 equal, 2 greater, 3 unordered. */
static unsigned cmpResult(unsigned s) {
  unsigned c0 = (s >> 8) & 1, c2 = (s >> 10) & 1, c3 = (s >> 14) & 1;
  if (c3 && c2 && c0) return 3;
  if (c3) return 1;
  if (c0) return 0;
  return 2;
}

int main(void) {
  unsigned op, pc, rc, ase, bse;
  unsigned long long am, bm;
  char line[256];
  while (fgets(line, sizeof line, stdin)) {
    if (sscanf(line, "%x %x %x %x %llx %x %llx", &op, &pc, &rc, &ase, &am, &bse, &bm) != 7) {
      fprintf(stderr, "bad request: %s", line);
      return 2;
    }
    cw = 0x7f | (pc << 8) | (rc << 10);
    put80(&A, ase, am);
    put80(&B, bse, bm);
    unsigned rse = 0, rse2 = 0;
    uint64_t rm = 0, rm2 = 0;
    int value = 0; /* result in R */
    switch (op) {
    case 0: BINARY("fadd %%st(1), %%st"); value = 1; break;
    case 1: BINARY("fsub %%st(1), %%st"); value = 1; break;
    case 2: BINARY("fmul %%st(1), %%st"); value = 1; break;
    case 3: BINARY("fdiv %%st(1), %%st"); value = 1; break;
    case 4: UNARY("fsqrt"); value = 1; break;
    case 5: COMPARE("fcom %%st(1)"); rse = cmpResult(sw); sw &= ~0x4500; break;
    case 6: COMPARE("fucom %%st(1)"); rse = cmpResult(sw); sw &= ~0x4500; break;
    case 7: memcpy(&D, &am, 8); LOAD("fldl", D); value = 1; break;
    case 8: { uint32_t f = (uint32_t)am; memcpy(&F, &f, 4); LOAD("flds", F); value = 1; break; }
    case 9: STORE("fstpl", D); memcpy(&rm, &D, 8); break;
    case 10: { uint32_t f; STORE("fstps", F); memcpy(&f, &F, 4); rm = f; break; }
    case 11: memcpy(&I64, &am, 8); LOAD("fildll", I64); value = 1; break;
    case 12: STORE("fistps", I16); rm = (uint16_t)I16; break;
    case 13: STORE("fistpl", I32); rm = (uint32_t)I32; break;
    case 14: STORE("fistpll", I64); rm = (uint64_t)I64; break;
    case 15: STORE("fisttps", I16); rm = (uint16_t)I16; break;
    case 16: STORE("fisttpl", I32); rm = (uint32_t)I32; break;
    case 17: STORE("fisttpll", I64); rm = (uint64_t)I64; break;
    case 18: UNARY("frndint"); value = 1; break;
    case 19: BINARY("fscale"); value = 1; break;
    case 20:
      /* FXTRACT: ST0 = significand, ST1 = exponent. */
      __asm__ volatile(PRE "fldt %[a]\n\tfnclex\n\tfxtract\n\tfnstsw %[sw]\n\t"
                       "fstpt %[r2]\n\tfstpt %[r]" POST
                       : [sw] "=m"(sw), [r] "=m"(R), [r2] "=m"(R2) : IN);
      get80(&R2, &rse2, &rm2);
      value = 1;
      break;
    case 21: BINARY("fprem"); value = 1; break;
    case 22: BINARY("fprem1"); value = 1; break;
    default: fprintf(stderr, "bad op %u\n", op); return 2;
    }
    if (value) get80(&R, &rse, &rm);
    printf("%x %llx %x %llx %x\n", rse, (unsigned long long)rm, rse2,
           (unsigned long long)rm2, sw);
  }
  return 0;
}
