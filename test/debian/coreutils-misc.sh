date -d @0 -u
date -u -d '2001-02-03 04:05:06' '+%s %A %j %U'
date -u -d @1700000000 '+%Y-%m-%dT%H:%M:%S %Z'
TZ=UTC date -d '@86399' +%T
echo hello | base64; echo aGVsbG8gd29ybGQK | base64 -d
head -c 3000 /bin/true | base64 -w 76 | sha256sum
head -c 64 /bin/true | od -An -tx1
printf 'abc\0\377\n' | od -An -c
printf '1\n2\n3\n' | tac | paste -sd+ | tee /dev/null
seq 5 | sha256sum
seq -w 8 12 | tr '\n' ' '; echo
expr 6 \* 7; factor 360; echo $(( $(seq -s+ 1 100) ))
printf 'b 2\na 10\nc 1\n' | sort -k2,2n
printf 'x\ny\nx\nz\nx\n' | sort | uniq -c
echo "the quick brown fox" | cut -d' ' -f2,4 | rev
echo "a,b;c" | tr ',;' '  ' | wc -w
basename /usr/lib/foo.so.1 .1; dirname /usr/lib/foo.so.1
nproc >/dev/null && echo nproc-ok
id -u; id -un; whoami
test -x /bin/sh && echo exec-ok
printf '%s\n' one two three | nl
numfmt --to=iec 1048576 2>/dev/null || echo no-numfmt
yes | head -3
