/* LOCK: it locks the memory forms of ADD ADC AND BTC BTR BTS CMPXCHG CMPXCHG8B/16B DEC
 * INC NEG NOT OR SBB SUB XOR XADD XCHG; on a register destination, or on any other
 * instruction, it is #UD: SIGILL with si_code ILL_ILLOPN at the instruction. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf jb;
static volatile void *fault_addr;
static volatile int fault_code;
static void on_ill(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    siglongjmp(jb, 1);
}

static uint64_t mem[4] __attribute__((aligned(16)));

/* each test: a label at the instruction, the instruction's bytes, then 'ret' */
#define T(name, bytes) \
    void name(void); \
    __asm__(".text\n" #name ":\n" ".byte " bytes "\nret\n");
T(lock_add_mem, "0xf0, 0x48, 0x01, 0x1f")          /* lock add [rdi], rbx */
T(lock_add_reg, "0xf0, 0x48, 0x01, 0xd8")          /* lock add rax, rbx */
T(lock_xadd_mem, "0xf0, 0x48, 0x0f, 0xc1, 0x1f")   /* lock xadd [rdi], rbx */
T(lock_xchg_reg, "0xf0, 0x48, 0x87, 0xd8")         /* lock xchg rax, rbx */
T(lock_cmp_mem, "0xf0, 0x48, 0x39, 0x1f")          /* lock cmp [rdi], rbx */
T(lock_bt_mem, "0xf0, 0x48, 0x0f, 0xa3, 0x1f")     /* lock bt [rdi], rbx */
T(lock_bts_mem, "0xf0, 0x48, 0x0f, 0xab, 0x1f")    /* lock bts [rdi], rbx */
T(lock_mov_mem, "0xf0, 0x48, 0x89, 0x1f")          /* lock mov [rdi], rbx */
T(lock_not_mem, "0xf0, 0x48, 0xf7, 0x17")          /* lock not qword [rdi] */
T(lock_inc_reg, "0xf0, 0x48, 0xff, 0xc0")          /* lock inc rax */
T(lock_nop, "0xf0, 0x90")                          /* lock nop */
T(lock_cx16_mem, "0xf0, 0x48, 0x0f, 0xc7, 0x0f")   /* lock cmpxchg16b [rdi] */
T(lock_addps, "0xf0, 0x0f, 0x58, 0x07")            /* lock addps xmm0, [rdi] */

static void run(const char *name, void (*fn)(void)) {
    mem[0] = 0x1122334455667788ull; mem[1] = 5; mem[2] = 0; mem[3] = 0;
    fault_addr = 0; fault_code = 0;
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("mov $7, %%rbx\n mov $40, %%rax\n xor %%edx, %%edx\n xor %%ecx, %%ecx\n call *%1"
                         :: "D"(mem), "r"(fn) : "rax", "rbx", "rcx", "rdx", "memory", "cc");
        printf("%-14s ok mem=%016llx %016llx\n", name, (unsigned long long)mem[0], (unsigned long long)mem[1]);
    } else {
        printf("%-14s SIGILL code=%d%s at the instruction=%d mem=%016llx\n", name, fault_code,
               fault_code == ILL_ILLOPN ? " (ILL_ILLOPN)" : "", fault_addr == (void *)fn, (unsigned long long)mem[0]);
    }
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_ill;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGILL, &sa, 0);
    run("lock add mem", lock_add_mem);
    run("lock add reg", lock_add_reg);
    run("lock xadd mem", lock_xadd_mem);
    run("lock xchg reg", lock_xchg_reg);
    run("lock cmp mem", lock_cmp_mem);
    run("lock bt mem", lock_bt_mem);
    run("lock bts mem", lock_bts_mem);
    run("lock mov mem", lock_mov_mem);
    run("lock not mem", lock_not_mem);
    run("lock inc reg", lock_inc_reg);
    run("lock nop", lock_nop);
    run("lock cx16", lock_cx16_mem);
    run("lock addps", lock_addps);
    return 0;
}
