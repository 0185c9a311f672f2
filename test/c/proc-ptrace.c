/* ptrace as strace and gdb use it: PTRACE_TRACEME and the SIGTRAP after
 * execve, syscall-entry and exit stops (TRACESYSGOOD, orig_rax, the result
 * in rax), PEEKDATA/POKEDATA, GETREGS/SETREGS, GETFPREGS, GETREGSET,
 * SINGLESTEP, a breakpoint (int3), signal stops with the signal passed on or
 * suppressed, fork events with the child traced, ATTACH, SEIZE and
 * INTERRUPT, DETACH, and TracerPid in /proc. Runs itself as the tracee. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long target_word = 0x1122334455667788;
static volatile int got_usr1;
static void on_usr1(int s) { (void)s; got_usr1++; }

/* The tracee side, run after exec with argv[1] = "child". */
static int child_main(void) {
  signal(SIGUSR1, on_usr1);
  syscall(SYS_getppid);
  raise(SIGUSR1); /* the tracer suppresses this one */
  raise(SIGUSR1); /* and passes this one on */
  printf("child: handler ran %d time(s), word %lx\n", got_usr1, (long)target_word);
  __asm__ volatile("int3");
  if (fork() == 0) _exit(3);
  wait(NULL);
  return 7;
}

static const char *stopname(int st) {
  static char b[64];
  if (WIFEXITED(st)) snprintf(b, sizeof b, "exited %d", WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) snprintf(b, sizeof b, "killed by %d", WTERMSIG(st));
  else if (WIFSTOPPED(st)) snprintf(b, sizeof b, "stopped sig %d event %d", WSTOPSIG(st), st >> 16);
  else snprintf(b, sizeof b, "status %x", st);
  return b;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "child")) return child_main();
  if (argc > 1 && !strcmp(argv[1], "sleeper")) { for (;;) pause(); }

  pid_t c = fork();
  if (c == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    execl("/proc/self/exe", argv[0], "child", (char *)0);
    _exit(99);
  }
  int st;
  waitpid(c, &st, 0);
  printf("after exec: %s\n", stopname(st));
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/status", c);
  FILE *f = fopen(path, "r");
  int tracer = -1;
  while (fgets(buf, sizeof buf, f)) if (!strncmp(buf, "TracerPid:", 10)) tracer = atoi(buf + 10);
  fclose(f);
  printf("TracerPid is us: %d\n", tracer == getpid());
  long r = ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK);
  printf("SETOPTIONS: %ld\n", r);

  /* syscall stops until getppid's entry and exit */
  int seen_entry = 0;
  for (int i = 0; i < 2000; i++) {
    ptrace(PTRACE_SYSCALL, c, 0, 0);
    waitpid(c, &st, 0);
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != (SIGTRAP | 0x80)) continue;
    struct user_regs_struct regs;
    ptrace(PTRACE_GETREGS, c, 0, &regs);
    if (regs.orig_rax != SYS_getppid) continue;
    if (!seen_entry) {
      seen_entry = 1;
      printf("getppid entry: rax is -ENOSYS %d\n", (long)regs.rax == -ENOSYS);
      struct iovec iov = {&regs, sizeof regs};
      memset(&regs, 0, sizeof regs);
      r = ptrace(PTRACE_GETREGSET, c, NT_PRSTATUS, &iov);
      printf("GETREGSET: %ld, size %zu, orig_rax %llu\n", r, iov.iov_len, (unsigned long long)regs.orig_rax);
      siginfo_t si;
      ptrace(PTRACE_GETSIGINFO, c, 0, &si);
      printf("syscall stop siginfo: signo %d code %x\n", si.si_signo, si.si_code);
    } else {
      printf("getppid exit: rax is our pid %d\n", (long)regs.rax == getpid());
      break;
    }
  }

  /* the first raise(SIGUSR1): suppress it; PEEK and POKE the word meanwhile */
  ptrace(PTRACE_CONT, c, 0, 0);
  waitpid(c, &st, 0);
  printf("signal stop: %s\n", stopname(st));
  siginfo_t si;
  ptrace(PTRACE_GETSIGINFO, c, 0, &si);
  printf("siginfo: signo %d, from the child %d\n", si.si_signo, si.si_pid == c);
  errno = 0;
  long w = ptrace(PTRACE_PEEKDATA, c, &target_word, 0);
  printf("PEEKDATA: %lx errno %d\n", w, errno);
  r = ptrace(PTRACE_POKEDATA, c, &target_word, 0x600d);
  printf("POKEDATA: %ld\n", r);
  struct user_fpregs_struct fp;
  r = ptrace(PTRACE_GETFPREGS, c, 0, &fp);
  printf("GETFPREGS: %ld, fcw %x mxcsr %x\n", r, fp.cwd, fp.mxcsr & 0xffc0);
  ptrace(PTRACE_CONT, c, 0, 0);
  waitpid(c, &st, 0);
  printf("second signal stop: %s\n", stopname(st));
  ptrace(PTRACE_CONT, c, 0, SIGUSR1);

  /* int3: a SIGTRAP stop just after it */
  waitpid(c, &st, 0);
  printf("breakpoint: %s\n", stopname(st));
  struct user_regs_struct regs;
  ptrace(PTRACE_GETREGS, c, 0, &regs);
  errno = 0;
  long code = ptrace(PTRACE_PEEKTEXT, c, regs.rip - 1, 0);
  printf("the byte before rip is int3: %d\n", (code & 0xff) == 0xcc);
  /* single steps move rip */
  unsigned long long rip0 = regs.rip;
  int moved = 0;
  for (int i = 0; i < 3; i++) {
    ptrace(PTRACE_SINGLESTEP, c, 0, 0);
    waitpid(c, &st, 0);
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) { printf("step: %s\n", stopname(st)); break; }
    ptrace(PTRACE_GETREGS, c, 0, &regs);
    if (regs.rip != rip0) moved++;
    rip0 = regs.rip;
  }
  printf("three single steps each moved rip: %d\n", moved == 3);
  ptrace(PTRACE_GETSIGINFO, c, 0, &si);
  printf("single-step siginfo: SIGTRAP %d code TRAP_TRACE %d\n", si.si_signo == SIGTRAP, si.si_code == 2);

  /* fork: an event stop in the parent, the child traced and stopped */
  ptrace(PTRACE_CONT, c, 0, 0);
  waitpid(c, &st, 0);
  printf("fork event: %s\n", stopname(st));
  unsigned long gc = 0;
  ptrace(PTRACE_GETEVENTMSG, c, 0, &gc);
  int gst;
  pid_t w2 = waitpid(gc, &gst, __WALL);
  printf("the new child: pid from the event %d, %s\n", w2 == (pid_t)gc, stopname(gst));
  ptrace(PTRACE_CONT, gc, 0, 0);
  ptrace(PTRACE_CONT, c, 0, 0);
  w2 = waitpid(gc, &gst, __WALL);
  printf("the new child ends: %s\n", stopname(gst));
  int sigchld_stop = 0;
  for (;;) {
    waitpid(c, &st, 0);
    if (!WIFSTOPPED(st)) break;
    if (WSTOPSIG(st) == SIGCHLD) sigchld_stop = 1;
    ptrace(PTRACE_CONT, c, 0, WSTOPSIG(st) == SIGTRAP ? 0 : WSTOPSIG(st));
  }
  printf("the tracee stopped for SIGCHLD (ignored, but traced): %d; it ends: %s\n", sigchld_stop, stopname(st));

  /* PTRACE_ATTACH to a running process, then DETACH */
  pid_t s = fork();
  if (s == 0) { execl("/proc/self/exe", argv[0], "sleeper", (char *)0); _exit(99); }
  usleep(100000);
  r = ptrace(PTRACE_ATTACH, s, 0, 0);
  waitpid(s, &st, 0);
  printf("ATTACH: %ld, %s\n", r, stopname(st));
  errno = 0;
  r = ptrace(PTRACE_ATTACH, s, 0, 0);
  printf("ATTACH again: %ld %s\n", r, errno == EPERM ? "EPERM" : strerror(errno));
  r = ptrace(PTRACE_DETACH, s, 0, 0);
  printf("DETACH: %ld\n", r);
  errno = 0;
  r = ptrace(PTRACE_CONT, s, 0, 0);
  printf("CONT after DETACH: %ld %s\n", r, errno == ESRCH ? "ESRCH" : strerror(errno));
  /* SEIZE, INTERRUPT */
  r = ptrace(PTRACE_SEIZE, s, 0, PTRACE_O_TRACESYSGOOD);
  printf("SEIZE: %ld\n", r);
  r = ptrace(PTRACE_INTERRUPT, s, 0, 0);
  waitpid(s, &st, 0);
  printf("INTERRUPT: %ld, stopped %d, event PTRACE_EVENT_STOP %d\n", r, WIFSTOPPED(st), (st >> 16) == PTRACE_EVENT_STOP);
  kill(s, SIGKILL);
  ptrace(PTRACE_CONT, s, 0, 0);
  waitpid(s, &st, 0);
  printf("killed: %s\n", stopname(st));
  errno = 0;
  r = ptrace(PTRACE_CONT, getppid(), 0, 0);
  printf("CONT of a process we do not trace: %ld %s\n", r, errno == ESRCH ? "ESRCH" : strerror(errno));
  return 0;
}
