set -u
greet() { local who="$1"; echo "hello, $who ($#)"; return 3; }
greet world a b; echo "status $?"
x=$(greet inner | tr a-z A-Z); echo "subst: $x"
n=0; while [ $n -lt 5 ]; do n=$((n + 1)); done; echo "n=$n $((7 * 6)) $((1 << 10)) $((-7 / 2)) $((-7 % 3))"
case "foo.tar.gz" in *.tar.gz) echo tarball;; *) echo other;; esac
v="a/b/c.txt"; echo "${v##*/} ${v%.*} ${v#*/} ${#v} ${unset_var:-default}"
cat <<EOF
here-doc: $n $(echo nested)
	tab kept
EOF
cat <<'EOF'
quoted $n $(not run)
EOF
trap 'echo got USR1' USR1
kill -USR1 $$
echo after USR1
( exit 7 ); echo "subshell $?"
sleep 0.05 & p1=$!
(echo bg-output; exit 5) > /dev/null & p2=$!
wait $p1; echo "wait1 $?"
wait $p2; echo "wait2 $?"
sleep 30 & p3=$!
kill -9 $p3; wait $p3; echo "killed: $?"
set -- one "two three" four; for a in "$@"; do echo "arg <$a>"; done
echo "$(printf '%s-' 1 2 3)" "$(printf '%05.1f|%x|%o|%c' 3.14159 255 8 xyz)"
IFS=: read -r a b c <<EOF
x:y:z
EOF
echo "$c$b$a"
command -v cat; type echo
trap 'echo exit trap $?' EXIT
false || echo "or-list"
exit 4
