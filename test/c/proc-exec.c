/* execve of our own program (/proc/self/exe) with argv and envp checked,
 * #! scripts whose interpreter is this program, vfork + exec, posix_spawn,
 * O_CLOEXEC, handlers reset and SIG_IGN kept across exec, exec failures. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void say(const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(1, buf, n) != n) _exit(99);
}

static char self[4096];

/* The child side: print what we were given. */
static int child_main(int argc, char **argv) {
    const char *mode = argv[1];
    if (!strcmp(mode, "show")) {
        say("  argc=%d\n", argc);
        for (int i = 2; i < argc; i++) say("  argv[%d]=[%s]\n", i, argv[i]);
        int n = 0, ours = 0;
        for (char **e = environ; *e; e++) {
            if (!strncmp(*e, "XT_", 3)) { say("  env %s\n", *e); ours = 1; }
            n++;
        }
        if (ours) say("  envc=%d\n", n); /* the inherited environment differs between runs */
        return argc;
    }
    if (!strcmp(mode, "fds")) {
        /* which of fds 3..9 are open */
        say("  open fds:");
        for (int fd = 3; fd < 10; fd++) if (fcntl(fd, F_GETFD) >= 0) say(" %d", fd);
        say("\n");
        return 0;
    }
    if (!strcmp(mode, "sigs")) {
        struct sigaction sa;
        sigaction(SIGUSR1, NULL, &sa);
        say("  USR1 %s\n", sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "handler?");
        sigaction(SIGUSR2, NULL, &sa);
        say("  USR2 %s\n", sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "handler?");
        sigset_t m;
        sigprocmask(SIG_BLOCK, NULL, &m);
        say("  mask has TERM=%d HUP=%d\n", sigismember(&m, SIGTERM), sigismember(&m, SIGHUP));
        sigset_t p;
        sigpending(&p);
        say("  pending TERM=%d\n", sigismember(&p, SIGTERM));
        return 0;
    }
    if (!strcmp(mode, "script")) {
        /* as a script's interpreter: argv = [self, "script", optional-arg..., script path, args...] */
        say("  interpreter argc=%d\n", argc);
        for (int i = 2; i < argc; i++) {
            const char *a = argv[i];
            const char *slash = strrchr(a, '/');
            /* the script path is in a temp dir: print its base name only */
            say("  argv[%d]=[%s]\n", i, slash && strstr(a, "xos-exec-") ? slash + 1 : a);
        }
        return 7;
    }
    return 100;
}

static int run_and_wait(pid_t p) {
    int st;
    if (waitpid(p, &st, 0) != p) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void on_usr2(int s) { (void)s; }

int main(int argc, char **argv) {
    if (argc > 1) return child_main(argc, argv);
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) { say("readlink failed\n"); return 1; }
    self[n] = 0;

    /* 1. fork + execve with a chosen argv and envp */
    say("execve:\n");
    pid_t p = fork();
    if (p == 0) {
        char *av[] = {"renamed", "show", "one", "", "three with spaces", "-x", NULL};
        char *ev[] = {"XT_A=1", "XT_B=hello=world", "XT_EMPTY=", "PATH=/bin", NULL};
        execve(self, av, ev);
        _exit(127);
    }
    say("  status %d\n", run_and_wait(p));

    /* 2. execvp-style PATH-less exec failure and errno */
    errno = 0;
    int r = execl("/nonexistent/prog", "x", (char *)0);
    say("exec missing: r=%d %s\n", r, errno == ENOENT ? "ENOENT" : "?");
    errno = 0;
    r = execl("/proc/self", "x", (char *)0);
    say("exec dir: r=%d %s\n", r, errno == EACCES ? "EACCES" : "?");

    /* 3. close-on-exec */
    say("cloexec:\n");
    int keep = open("/proc/self/exe", O_RDONLY);
    int drop = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    int pp[2];
    pipe2(pp, O_CLOEXEC);
    int dup = fcntl(keep, F_DUPFD_CLOEXEC, 8);
    say("  fds %d %d %d %d %d\n", keep, drop, pp[0], pp[1], dup);
    p = fork();
    if (p == 0) { execl(self, self, "fds", (char *)0); _exit(127); }
    say("  status %d\n", run_and_wait(p));
    close(keep); close(drop); close(pp[0]); close(pp[1]); close(dup);

    /* 4. signal dispositions and masks across exec */
    say("signals across exec:\n");
    p = fork();
    if (p == 0) {
        signal(SIGUSR1, SIG_IGN);
        signal(SIGUSR2, on_usr2);
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGTERM);
        sigprocmask(SIG_BLOCK, &m, NULL);
        raise(SIGTERM); /* stays pending across exec */
        execl(self, self, "sigs", (char *)0);
        _exit(127);
    }
    say("  status %d\n", run_and_wait(p));

    /* 5. #! scripts with this program as the interpreter */
    say("scripts:\n");
    char dir[] = "/tmp/xos-exec-XXXXXX";
    if (!mkdtemp(dir)) { say("mkdtemp failed\n"); return 1; }
    char script[4200], script2[4200], script3[4200];
    snprintf(script, sizeof script, "%s/run.sh", dir);
    snprintf(script2, sizeof script2, "%s/noarg.sh", dir);
    snprintf(script3, sizeof script3, "%s/nested.sh", dir);
    FILE *f = fopen(script, "w");
    fprintf(f, "#!%s script\necho this is not read\n", self);
    fclose(f);
    chmod(script, 0755);
    f = fopen(script2, "w");
    fprintf(f, "#! %s  \n", self);
    fclose(f);
    chmod(script2, 0755);
    f = fopen(script3, "w"); /* a script whose interpreter is a script: Linux allows it */
    fprintf(f, "#!%s\n", script);
    fclose(f);
    chmod(script3, 0755);
    const char *scripts[] = {script, script2, script3};
    for (int i = 0; i < 3; i++) {
        p = fork();
        if (p == 0) {
            char *av[] = {"ignored-argv0", "a1", "a 2", NULL};
            execve(scripts[i], av, environ);
            _exit(127);
        }
        say("  %s status %d\n", strrchr(scripts[i], '/') + 1, run_and_wait(p));
    }
    /* a script without the x bit */
    chmod(script, 0644);
    errno = 0;
    p = fork();
    if (p == 0) { execl(script, script, (char *)0); _exit(errno == EACCES ? 50 : 51); }
    say("  no x bit: status %d\n", run_and_wait(p));
    unlink(script); unlink(script2); unlink(script3);
    rmdir(dir);

    /* 6. vfork + exec: the parent resumes after the child execs */
    say("vfork:\n");
    volatile int touched = 0;
    p = vfork();
    if (p == 0) {
        touched = 1; /* shared memory until exec */
        execl(self, self, "show", "from-vfork", (char *)0);
        _exit(127);
    }
    r = run_and_wait(p);
    say("  parent sees touched=%d\n", touched);
    say("  status %d\n", r);
    p = vfork();
    if (p == 0) _exit(9);
    say("  vfork+_exit status %d\n", run_and_wait(p));

    /* 7. posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK)), with file actions */
    say("posix_spawn:\n");
    char *sav[] = {self, "show", "spawned", NULL};
    char *sev[] = {"XT_SPAWN=yes", NULL};
    r = posix_spawn(&p, self, NULL, NULL, sav, sev);
    say("  r=%d status %d\n", r, run_and_wait(p));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    int out[2];
    pipe(out);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char *sav2[] = {self, "show", "to-pipe", NULL};
    r = posix_spawn(&p, self, &fa, NULL, sav2, sev);
    close(out[1]);
    char buf[4096];
    ssize_t got, tot = 0;
    while ((got = read(out[0], buf + tot, sizeof buf - 1 - tot)) > 0) tot += got;
    buf[tot] = 0;
    close(out[0]);
    say("  r=%d status %d, through the pipe:\n%s", r, run_and_wait(p), buf);
    posix_spawn_file_actions_destroy(&fa);
    char *bad[] = {"/nonexistent", NULL};
    r = posix_spawn(&p, "/nonexistent", NULL, NULL, bad, sev);
    if (r == 0) say("  missing: spawned, status %d\n", run_and_wait(p));
    else say("  missing: r=%s\n", r == ENOENT ? "ENOENT" : "?");
    r = posix_spawnp(&p, "no-such-command-xos", NULL, NULL, bad, sev);
    say("  spawnp missing: r=%s\n", r == ENOENT ? "ENOENT" : r == 0 ? "0" : "?");
    if (r == 0) run_and_wait(p);
    return 0;
}
