/* BMI1, BMI2, ADX, LZCNT, POPCNT, MOVBE through intrinsics and inline asm, on edge
 * and pseudo-random values, 32 and 64 bits; results and flags printed as hex.
 * Build: -O2 -static -mbmi -mbmi2 -madx -mlzcnt -mpopcnt */
#include <immintrin.h>
#include <x86intrin.h>
#include <stdint.h>
#include <stdio.h>

#define OPAQUE(v) __asm__ volatile("" : "+r"(v))
static uint64_t rs = 0x0123456789abcdefull;
static uint64_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }
static const uint64_t edge[] = { 0, 1, 2, 3, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, 0xf0f0f0f0f0f0f0f0ull, 0x0000ff00ff0000f0ull, 0x1f08, 0x2004, 0x4040 };
#define NE (int)(sizeof edge / sizeof edge[0])
static uint64_t val(int k) { uint64_t v = k < NE ? edge[k] : (k & 1) ? rnd() : rnd() & rnd(); OPAQUE(v); return v; }

/* flags after an instruction: CF ZF SF OF (the ones BMI defines) */
#define FL(insn, out, a, b) ({ uint64_t f_; __asm__ volatile(insn "\n\tpushfq\n\tpopq %1" : "=&r"(out), "=r"(f_) : "r"(a), "r"(b) : "cc"); f_ & 0x8c1; })
#define FL32(insn, out, a, b) ({ uint64_t f_; __asm__ volatile(insn "\n\tpushfq\n\tpopq %1" : "=&r"(out), "=r"(f_) : "r"(a), "r"(b) : "cc"); f_ & 0x8c1; })

int main(void) {
    for (int i = 0; i < NE + 300; i++) {
        for (int j = 0; j < 6; j++) {
            uint64_t a = val(i), b = j < 2 ? val(j * 5 + i % 7) : val(NE + j + i);
            uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
            uint64_t r, f; uint32_t r32;
            printf("%d,%d", i, j);
            f = FL("andn %3, %2, %0", r, a, b); printf(" andn=%llx/%llx", (unsigned long long)r, (unsigned long long)f);
            f = FL32("andn %k3, %k2, %k0", r32, a32, b32); printf(" andn32=%x/%llx", r32, (unsigned long long)f);
            f = FL("blsr %2, %0", r, a, b); printf(" blsr=%llx/%llx", (unsigned long long)r, (unsigned long long)f);
            f = FL32("blsr %k2, %k0", r32, a32, b32); printf(" blsr32=%x/%llx", r32, (unsigned long long)f);
            f = FL("blsmsk %2, %0", r, a, b); printf(" blsmsk=%llx/%llx", (unsigned long long)r, (unsigned long long)f);
            f = FL("blsi %2, %0", r, a, b); printf(" blsi=%llx/%llx", (unsigned long long)r, (unsigned long long)f);
            f = FL32("blsi %k2, %k0", r32, a32, b32); printf(" blsi32=%x/%llx", r32, (unsigned long long)f);
            f = FL("bzhi %3, %2, %0", r, a, b); printf(" bzhi=%llx/%llx", (unsigned long long)r, (unsigned long long)(f & 0x8c1));
            f = FL32("bzhi %k3, %k2, %k0", r32, a32, b32); printf(" bzhi32=%x/%llx", r32, (unsigned long long)f);
            f = FL("bextr %3, %2, %0", r, a, b); printf(" bextr=%llx/%llx", (unsigned long long)r, (unsigned long long)(f & 0x841));
            f = FL32("bextr %k3, %k2, %k0", r32, a32, b32); printf(" bextr32=%x/%llx", r32, (unsigned long long)(f & 0x841));
            printf(" pdep=%llx pext=%llx", (unsigned long long)_pdep_u64(a, b), (unsigned long long)_pext_u64(a, b));
            printf(" pdep32=%x pext32=%x", _pdep_u32(a32, b32), _pext_u32(a32, b32));
            unsigned long long hi; unsigned int hi32;
            unsigned long long lo = _mulx_u64(a, b, &hi); printf(" mulx=%llx:%llx", hi, lo);
            unsigned int lo32;
            __asm__("mulx %3, %0, %1" : "=&r"(lo32), "=&r"(hi32) : "d"(a32), "r"(b32)); printf(" mulx32=%x:%x", hi32, lo32);
            uint64_t x1, x2, x3; uint32_t y1, y2, y3;
            __asm__("shlx %2, %1, %0" : "=r"(x1) : "r"(a), "r"(b)); __asm__("shrx %2, %1, %0" : "=r"(x2) : "r"(a), "r"(b));
            __asm__("sarx %2, %1, %0" : "=r"(x3) : "r"(a), "r"(b));
            printf(" shlx=%llx shrx=%llx sarx=%llx", (unsigned long long)x1, (unsigned long long)x2, (unsigned long long)x3);
            __asm__("shlx %2, %1, %0" : "=r"(y1) : "r"(a32), "r"(b32)); __asm__("shrx %2, %1, %0" : "=r"(y2) : "r"(a32), "r"(b32));
            __asm__("sarx %2, %1, %0" : "=r"(y3) : "r"(a32), "r"(b32));
            printf(" shlx32=%x shrx32=%x sarx32=%x", y1, y2, y3);
            uint64_t ro; __asm__("rorx $13, %1, %0" : "=r"(ro) : "r"(a)); printf(" rorx=%llx", (unsigned long long)ro);
            uint32_t ro32; __asm__("rorx $37, %1, %0" : "=r"(ro32) : "r"(a32)); printf(" rorx32=%x", ro32);
            printf(" tzcnt=%llx lzcnt=%llx popcnt=%llx", (unsigned long long)_tzcnt_u64(a), (unsigned long long)_lzcnt_u64(a), (unsigned long long)_mm_popcnt_u64(a));
            printf(" tzcnt32=%x lzcnt32=%x", _tzcnt_u32(a32), _lzcnt_u32(a32));
            unsigned long long s1, s2; unsigned int t1;
            unsigned char c1 = _addcarryx_u64((unsigned char)(j & 1), a, b, &s1);
            c1 = _addcarryx_u64(c1, s1, a, &s2);
            unsigned char c2 = _addcarryx_u32((unsigned char)(j >> 1 & 1), a32, b32, &t1);
            printf(" adx=%llx,%llx,%x,%x,%x", s1, s2, c1, t1, c2);
            /* ADCX and ADOX chains interleaved: CF and OF carries independent */
            uint64_t x = a, y = b, fl;
            __asm__ volatile("xor %%eax, %%eax\n\tstc\n\tadcx %2, %0\n\tadox %2, %1\n\tadcx %0, %1\n\tadox %1, %0\n\tpushfq\n\tpopq %3"
                : "+r"(x), "+r"(y) : "r"(a ^ b), "r"(fl) : "rax", "cc");
            __asm__ volatile("pushfq\n\tpopq %0" : "=r"(fl));
            printf(" adcxox=%llx,%llx", (unsigned long long)x, (unsigned long long)y);
            uint64_t mb; __asm__("movbe %1, %0" : "=r"(mb) : "m"(a)); printf(" movbe=%llx", (unsigned long long)mb);
            printf("\n");
        }
    }
    return 0;
}
