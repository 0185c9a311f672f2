# strace -f of a shell that runs a program, and gdb -batch stopping at a
# breakpoint twice: ptrace from inside the guest. Pids, addresses and the order
# in which two processes' lines interleave differ between runs: normalised.
# (The program for gdb is compiled beforehand: /opt/xos/gdb/t.)
set -e
rm -rf /tmp/xos-strace && mkdir /tmp/xos-strace && cd /tmp/xos-strace
strace -f -qq -e trace=execve,exit_group,write -e signal=none -o trace.txt /bin/sh -c 'echo one; /bin/echo two' > out.txt
cat out.txt
# (the environment's size too: xos's own variables reach the guest)
sed -e 's/^[0-9]* *//' -e 's/0x[0-9a-f]*/ADDR/g' -e 's#/\* [0-9]* vars \*/#VARS#' trace.txt | sort
echo "strace -c:"; strace -c -o summary.txt /bin/true && grep -c total summary.txt
gdb -batch -nx -ex 'break square' -ex run -ex bt -ex 'print x' -ex continue -ex 'print x' -ex 'info registers rip' -ex delete -ex continue /opt/xos/gdb/t 2>/dev/null |
  sed -e 's/process [0-9]*/process N/' -e 's/0x[0-9a-f]*/ADDR/g' | grep -v 'libthread_db'
