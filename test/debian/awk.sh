
mawk '{ s += $2; n[$1] = length($3) } END { printf "sum=%d avg=%.4f\n", s, s / NR; for (k in n) c++; print c, NR, NF }' in.txt
mawk -F' ' 'NF { print toupper(substr($1, 1, 1)) substr($1, 2), $2 * 1.5 }' in.txt
mawk 'BEGIN { x = split("a:b:c:d", parts, ":"); print x, parts[3]; printf "%5.2f|%-6s|%x|%e\n", 3.14159, "ab", 255, 12345.6789 }'
mawk 'BEGIN { print 2^53, 2^53 + 1, 1e300 * 10, -0.0, int(-3.7), sqrt(2), exp(1), log(10), sin(1), atan2(1, 2) }'
mawk 'BEGIN { s = "hello world"; gsub(/o/, "0", s); print s, index(s, "w"), match(s, /w.r/), RSTART, RLENGTH }'
seq 1 1000 | mawk '$1 % 97 == 0 { printf "%s ", $1 } END { print "" }'
printf 'b 3\na 1\nc 2\n' | mawk '{ print $2, $1 | "sort -n" }'
mawk 'BEGIN { srand(42); r = rand(); print (r >= 0 && r < 1) ? "rand ok" : "rand bad" }'
mawk 'BEGIN { printf "%c%c%c\n", 65, 66, 67; print length("x\ty"), sprintf("%03d", 7) }'
