// Debian's busybox-static shell: `sh -c SCRIPT` natively and under xos, with
// the same stdout and exit status. Pipelines, subshells, command
// substitution, background jobs and wait, trap, kill, xargs, find | sort |
// uniq -c, tar c | tar x, gzip | gunzip, here-documents, loops, functions.
// The busybox shell runs its applets from /proc/self/exe (a standalone
// shell), so every command here is busybox itself: fork, exec, pipes and
// signals all the way down.  Scripts that touch files work in their own
// mktemp -d directory and remove it.
import { before, describe, it } from 'node:test';
import { getBusybox } from './lib/busybox.js';
import { DEFAULT_ENV, assertSameRun, runBoth } from './lib/run.js';

interface Case {
  name: string;
  script: string;
  stdin?: string;
}

// A scratch directory for the scripts that write files.
const TMP = 'd=$(mktemp -d /tmp/xos-sh-XXXXXX) && cd "$d" || exit 99';
const CLEAN = 'cd / && rm -rf "$d"';

const CASES: Case[] = [
  { name: 'pipeline', script: 'echo "c b a b c c" | tr " " "\\n" | sort | uniq -c | sort -rn | head -2' },
  { name: 'long pipeline', script: 'seq 1 2000 | grep 7 | sed s/7/seven/ | awk "{ n += length(\\$0) } END { print NR, n }" | cat | cat' },
  { name: 'pipeline status', script: 'false | true; echo "a $?"; true | false; echo "b $?"; set -o pipefail; false | true; echo "c $?"' },
  { name: 'subshells', script: 'x=1; (x=2; echo "in $x"; exit 3); echo "out $x status $?"; (cd /; pwd); pwd >/dev/null; ( ( echo deep ) )' },
  { name: 'command substitution', script: 'a=$(echo hello | tr a-z A-Z); b=`echo nested $(echo inner)`; echo "$a / $b / $(printf "%s-" 1 2 3)"; n=$(seq 1 100 | wc -l); echo $((n * 2))' },
  { name: 'background and wait', script: '(sleep 0.2; echo one) > /tmp/xos-sh-bg1.$$ & p1=$!; (echo two) > /tmp/xos-sh-bg2.$$ & p2=$!; wait $p2; echo "w2 $?"; wait $p1; echo "w1 $?"; cat /tmp/xos-sh-bg1.$$ /tmp/xos-sh-bg2.$$; rm -f /tmp/xos-sh-bg?.$$' },
  { name: 'wait statuses', script: '(exit 7) & wait $!; echo "s $?"; sh -c "kill -TERM \\$\\$" & wait $!; echo "t $?"; true & false & wait; echo "all $?"' },
  { name: 'kill -9 and wait', script: 'sleep 5 & kill -9 $!; wait $!; echo "status $?"' },
  { name: 'kill a background loop', script: '(while :; do sleep 0.05; done) & p=$!; sleep 0.2; kill $p; wait $p; echo "status $?"; kill -0 $p 2>/dev/null; echo "gone $?"' },
  { name: 'trap', script: 'trap "echo got USR1" USR1; trap "echo bye" EXIT; kill -USR1 $$; echo after; trap - USR1; trap' },
  { name: 'trap in a loop with wait', script: 'n=0; trap "n=\\$((n+1))" USR2; for i in 1 2 3; do kill -USR2 $$; done; echo "n=$n"; sleep 0.3 & trap "echo int" INT; kill -INT $$; wait; echo done' },
  { name: 'signal exit statuses', script: 'sh -c "kill -TERM \\$\\$"; echo "term $?"; sh -c "kill -KILL \\$\\$"; echo "kill $?"; sh -c "exit 300"; echo "exit $?"' },
  { name: 'SIGPIPE in a pipeline', script: 'yes | head -3; echo "$?"; seq 1 100000 | head -1' },
  { name: 'xargs', script: 'seq 1 20 | xargs -n 6 echo; printf "a b\\nc\\n" | xargs -I{} echo "[{}]"; seq 1 5 | xargs sh -c "echo \\$#: \\$*" sh' },
  {
    name: 'find | sort | uniq -c',
    script: `${TMP}; mkdir -p a/b/c a/d e; for f in a/x.txt a/b/y.txt a/b/c/z.c a/d/w.txt e/v.c e/u.h; do echo "$f" > "$f"; done; find . -type f | sed 's/.*\\.//' | sort | uniq -c; find . -name '*.txt' | sort; find . -type d | wc -l; ${CLEAN}`,
  },
  {
    name: 'tar c | tar x',
    script: `${TMP}; mkdir -p src/sub dst; seq 1 5000 > src/nums; echo hi > src/sub/hello; ln -s nums src/link; (cd src && tar cf - .) | (cd dst && tar xf -); cmp src/nums dst/nums && echo same; cat dst/sub/hello; readlink dst/link; tar cf - src | tar tf - | sort; ${CLEAN}`,
  },
  {
    name: 'gzip -c | gunzip -c',
    script: `${TMP}; seq 1 30000 > f; gzip -c f > f.gz; gunzip -c f.gz | md5sum; seq 1 30000 | md5sum; gzip -c f | gunzip -c | wc -c; echo hello | gzip | gzip -d; ${CLEAN}`,
  },
  {
    name: 'here-documents',
    script: 'x=world; cat <<EOF\nhello $x\n$(echo sub)\nEOF\ncat <<\'EOF\'\nliteral $x\nEOF\nwhile read a b; do echo "$b-$a"; done <<EOF\n1 one\n2 two\nEOF\ntr a-z A-Z <<-EOF\n\tindented\n\tEOF',
  },
  { name: 'loops', script: 'for i in 1 2 3; do for j in a b; do printf "%s%s " $i $j; done; done; echo; i=0; while [ $i -lt 5 ]; do i=$((i+1)); [ $i = 2 ] && continue; [ $i = 4 ] && break; echo "i=$i"; done; until false; do echo once; break; done; seq 3 | while read l; do echo "line $l"; done' },
  { name: 'functions', script: 'f() { local v=$1; echo "f($v) $#"; return $(( $1 % 4 )); }; f 5; echo "r=$?"; g() { f "$@" | tr f g; }; g 7 8; fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 10' },
  { name: 'redirections', script: `${TMP}; echo out > f; echo err >&2 2>>f; echo more >> f; cat f; exec 3> g; echo three >&3; exec 3>&-; cat g; { echo a; echo b >&2; } 2>&1 | sort; ls nothing 2>/dev/null || echo "ls failed"; ${CLEAN}` },
  { name: 'exit statuses', script: 'true && echo t; false || echo f; ! false && echo not; nonexistent-cmd-xos 2>/dev/null; echo "nf $?"; sh -c "exit 42"; echo "$?"' },
  { name: 'stdin through a pipeline', script: 'sort -r | head -3 | tac', stdin: 'b\na\nd\nc\ne\n' },
  { name: 'many processes', script: 'i=0; while [ $i -lt 40 ]; do echo $i | cat | cat > /dev/null; i=$((i+1)); done; echo $i; for j in $(seq 1 10); do (echo $j) & done | sort -n | tr "\\n" " "; wait; echo' },
];

describe('busybox sh', { concurrency: 4 }, () => {
  let busybox = '';
  before(async () => {
    busybox = await getBusybox();
  });
  for (const c of CASES) {
    it(c.name, async () => {
      const { native, xos } = await runBoth([busybox, 'sh', '-c', c.script], { stdin: c.stdin, env: { ...DEFAULT_ENV }, cwd: '/tmp' });
      assertSameRun(native, xos, `sh: ${c.name}`);
    });
  }
});
