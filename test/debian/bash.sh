set -o pipefail
declare -a arr=(zero one "two words" three)
arr+=(four); echo "${#arr[@]} ${arr[2]} ${arr[-1]} ${arr[@]:1:2}"
for i in "${!arr[@]}"; do printf '%d=%s;' "$i" "${arr[$i]}"; done; echo
declare -A map=([apple]=red [banana]=yellow [cherry]=dark)
for k in $(printf '%s\n' "${!map[@]}" | sort); do echo "$k -> ${map[$k]}"; done
f() { local -i x=$1*2; echo $((x + 1)); }
echo "f: $(f 20)"
fact() { (( $1 <= 1 )) && { echo 1; return; }; echo $(( $1 * $(fact $(( $1 - 1 ))) )); }
echo "10! = $(fact 10)"
s="Hello, World"; echo "${s^^} ${s,,} ${s/World/There} ${s:7:5} ${s//l/L}"
[[ "abc123" =~ ^([a-z]+)([0-9]+)$ ]] && echo "match ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
mapfile -t lines <<'EOF'
first line
second line
third line
EOF
echo "mapfile ${#lines[@]}: ${lines[1]}"
read -r w1 w2 <<< "here string"; echo "$w2 $w1"
printf -v padded '%08.3f' 3.14159; echo "$padded"
trap 'echo "ERR trap at $LINENO"' ERR
false
trap - ERR
trap 'echo "child exited"' CHLD
sleep 0.02 & wait
trap - CHLD
for i in 1 2 3; do (sleep 0.0$i; exit $i) & done
for j in 1 2 3; do wait -n; echo "a job ended: $?"; done | sort
sleep 100 & victim=$!
kill -9 $victim; wait $victim; echo "kill -9: $?"
coproc CAT { cat; }; echo "to coproc" >&"${CAT[1]}"; exec {CAT[1]}>&-; read -r got <&"${CAT[0]}"; wait $CAT_PID; echo "coproc said: $got"
echo {1..5} {a..e..2} x{y,z}
seq 1 200 | while read -r n; do (( n % 50 == 0 )) && echo "seq $n"; done
x=$( { echo out; echo err >&2; } 2>&1 ); echo "both: ${x//$'\n'/,}"
shopt -s extglob; f=file.tar.gz; echo "${f%%.+([a-z])}"
echo "$(( 2**40 )) $(( 0x7fffffffffffffff )) $(( -9223372036854775807 - 1 )) $(( 17 % -5 ))"
printf '%s\n' "${arr[@]}" | sort -r | head -2
(trap 'echo "TERM in subshell"; exit 9' TERM; kill -TERM $BASHPID; sleep 1); echo "subshell: $?"
trap 'echo "bye $?"' EXIT
exit 6
