# ps, top and pgrep read /proc/PID/stat, status and cmdline: a sleeping, a
# stopped and a running process, as each tool shows them.
sleep 30 & s=$!
sh -c "kill -STOP \$\$; exec sleep 1" & t=$!
sh -c "while :; do :; done" & r=$!
sleep 1
echo "sleeping: $(ps -o stat=,comm= -p $s)"
echo "stopped: $(ps -o stat=,comm= -p $t)"
echo "running: $(ps -o stat= -p $r)"
[ "$(ps -o ppid= -p $s | tr -d ' ')" = "$$" ] && echo "ps ppid ok"
pgrep -x sleep | grep -qx "$s" && echo "pgrep finds sleep"
pgrep -f "kill -STOP" | grep -qx "$t" && echo "pgrep -f finds the stopped sh"
top -b -n1 -p $s | tail -1 | awk '{print "top:", $8, $12}'
ps -o etimes= -p $s | awk '{print "etimes sane:", ($1 >= 0 && $1 < 30)}'
ps -o time= -p $r | awk '{print "busy loop has a CPU time:", ($1 ~ /^[0-9:]+$/)}'
kill -9 $s $r; kill -CONT $t; kill -9 $t
wait
echo done
