busybox sh -c 'x=5; echo "busybox sh $((x * 3))"; for i in 1 2 3; do echo -n "$i "; done; echo'
busybox echo hi | busybox tr a-z A-Z
busybox seq 1 5 | busybox awk '{ s += $1 } END { print s }'
busybox ls -1 /opt/xos/lsdir
printf 'c\nb\na\n' | busybox sort
busybox sha256sum /opt/xos/lsdir/data.bin
busybox wc -c /opt/xos/lsdir/data.bin
busybox expr 2 + 3
busybox basename /a/b/c.txt .txt
busybox date -u -d @0 +%Y
