// Debian's busybox-static file tools, natively and under xos, same stdout and
// exit status: tar, find, cp -a, mv (also across file systems), ln, ls -l,
// du, df, stat, mount (reads /proc/mounts) and ps (reads /proc). Each script
// works in its own mktemp -d directory under /tmp and removes it.
// mount and ps cannot print the same tables natively and under xos (the host
// has other mounts and processes); their scripts print what both must agree
// on: the mount of the scratch directory's file system and the /proc mount,
// and the shell's own children.
import { before, describe, it } from 'node:test';
import { getBusybox } from './lib/busybox.js';
import { DEFAULT_ENV, assertSameRun, runBoth } from './lib/run.js';

interface Case { name: string; script: string }

const TMP = 'd=$(mktemp -d /tmp/xos-fs-XXXXXX) && cd "$d" || exit 99';
const CLEAN = 'cd / && rm -rf "$d"';
// A small tree with fixed times, modes, a hard link, symlinks and an empty directory.
const TREE = [
  'mkdir -p t/a/b t/empty',
  'seq 1 3000 > t/nums; echo hello > t/a/hi; printf "x%.0s" $(seq 1 5000) > t/a/b/xs',
  'ln t/nums t/nums.hard; ln -s nums t/nums.sym; ln -s ../nums t/a/up; chmod 640 t/a/hi; chmod 2755 t/a; chmod 700 t/empty',
  'touch -d "2020-01-02 03:04:05" t/nums t/a/hi t/a/b/xs t/a/b t/empty t/a t',
].join('; ');
// Times only for regular files: a symlink's, and a directory's that tar or cp wrote into, are the time of the run.
const STAT = 'stat -c "%n %F %a %h %s" $(find t | sort); stat -c "%n %Y" $(find t -type f | sort)';

const CASES: Case[] = [
  { name: 'tar c | tar x keeps the tree', script: `${TMP}; ${TREE}; tar cf t.tar t; mkdir x; tar xf t.tar -C x; (cd x && ${STAT}); tar tvf t.tar | grep -v "^l" | sed 's/ \\+/ /g' | sort -k6; tar tf t.tar | sort; ${CLEAN}` },
  { name: 'tar czf with a hard link, extracted elsewhere', script: `${TMP}; ${TREE}; tar czf t.tgz t; mkdir y; cd y; tar xzf ../t.tgz; stat -c "%h %s" t/nums t/nums.hard; [ t/nums -ef t/nums.hard ] && echo linked; readlink t/nums.sym t/a/up; ${CLEAN}` },
  { name: 'find predicates', script: `${TMP}; ${TREE}; find t -type f | sort; find t -type l | sort; find t -type d -empty; find t -name "*.hard" -o -name hi | sort; find t -size +2k | sort; find t -perm -2000; find t -newer t/a/b/xs | sort; find t -mindepth 2 -maxdepth 2 | sort; find t -type f -exec wc -c {} + | sort; find t -links 2 -type f | sort; find t -print0 | xargs -0 -n1 basename | sort | tr "\\n" " "; echo; ${CLEAN}` },
  { name: 'cp -a keeps modes, times and links', script: `${TMP}; ${TREE}; cp -a t c; (cd c && stat -c "%n %F %a %h %s" $(find . | sort) && stat -c "%n %Y" $(find . -type f | sort)); [ c/nums -ef c/nums.hard ] && echo "hard link kept"; readlink c/nums.sym; cp -r t r; stat -c "%a %h" r/a r/nums; ${CLEAN}` },
  { name: 'mv, also to another file system', script: `${TMP}; ${TREE}; mv t/nums t/a/moved; ls t t/a; mv t/a t/z; ls -R t | head -20; s=$(mktemp -d /dev/shm/xos-fs-XXXXXX); mv t/z/b "$s/"; stat -c "%F %s %Y" "$s/b/xs"; mv "$s/b" t/back; ls t/back; rm -rf "$s"; mv t/empty t/nonexistent/x 2>/dev/null; echo "into missing: $?"; ${CLEAN}` },
  { name: 'ln', script: `${TMP}; echo a > f; ln f g; ln -s f s; ln -sf g s; readlink s; ln f g 2>/dev/null; echo "exists: $?"; ln -f f g && stat -c %h f; mkdir dd; ln -s ../f dd/; ls -l dd | cut -c1-10; cat dd/f; ln dd dd2 2>/dev/null; echo "dir: $?"; ${CLEAN}` },
  { name: 'ls -l', script: `${TMP}; ${TREE}; ls -l t | sed 's/ \\+/ /g' | cut -d" " -f1,2,5,9-; ls -la t/a | sed 's/ \\+/ /g' | cut -d" " -f1,2,5,9-; ls -1R t; ls -d t/*/; ls -lL t/nums.sym | cut -c1-10; ls -s t/a/b; ${CLEAN}` },
  { name: 'du', script: `${TMP}; ${TREE}; du -s t | cut -f1 > a; du -sk t/a; du -a t | sort -k2; du -sh t/a/b/xs | cut -f1; du -c t/nums t/a | tail -1; ${CLEAN}` },
  { name: 'df on the scratch file system', script: `${TMP}; df -P . | head -1; df -Pk . | tail -1 | awk '{print $2, ($3 + $4 > 0)}'; df -P /nonexistent 2>/dev/null; echo "missing: $?"; ${CLEAN}` },
  { name: 'stat', script: `${TMP}; ${TREE}; stat -c "%n|%F|%a|%A|%h|%s|%b|%B|%U|%G|%N" t/nums t/nums.sym t/a t/a/hi; stat -c "%n %X %Y" t/nums t/a/hi; stat -L -c "%F %s" t/nums.sym; stat -t t/a/b/xs | cut -d" " -f1-6; stat -f -c "%b %S" . > /dev/null; echo "statfs $?"; ${CLEAN}` },
  { name: 'mkfifo and a pipeline through it', script: `${TMP}; mkfifo p; (seq 1 5; echo end) > p & tr 0-9 a-j < p; wait; ls -l p | cut -c1; mkfifo p 2>/dev/null; echo "again: $?"; ${CLEAN}` },
  { name: 'mount reads /proc/mounts', script: `mount | grep -c " on /proc type proc "; grep -c "^proc /proc proc " /proc/mounts; mount | grep -q " on / " && echo "root listed"` },
  { name: 'ps reads /proc', script: 'sleep 3 & sleep 0.3; ps -o ppid,pid,comm,args > /tmp/xos-fs-ps.$$; kill $!; awk -v me=$$ \'$1 == me { print $3, $4, $5 }\' /tmp/xos-fs-ps.$$ | sort; grep -c "^ *PPID  *PID" /tmp/xos-fs-ps.$$; rm /tmp/xos-fs-ps.$$; ps | grep -c " ps$"' },
];

describe('busybox file tools', { concurrency: 4 }, () => {
  let busybox = '';
  before(async () => {
    busybox = await getBusybox();
  });
  for (const c of CASES) {
    it(c.name, async () => {
      const { native, xos } = await runBoth([busybox, 'sh', '-c', c.script], { env: { ...DEFAULT_ENV }, cwd: '/tmp' });
      assertSameRun(native, xos, `sh: ${c.name}`);
    });
  }
});
