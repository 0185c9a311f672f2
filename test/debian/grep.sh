
grep -n 'a.*a' in.txt; echo "status $?"
grep -c -i alpha in.txt; grep -o '[0-9]\+' in.txt | tr '\n' ' '; echo
grep -E '^(beta|zeta) [0-9]{2}' in.txt
grep -v -e alpha -e beta in.txt | head -3
grep -w -F date in.txt; grep -q nomatch in.txt; echo "no match: $?"
grep -r --include="*.txt" -l apple . | sort
grep -P '\d{3}' in.txt 2>/dev/null || echo "no -P"
printf 'x\0y\n' | grep -a y | od -An -c
grep -m1 -A1 -B0 gamma in.txt
grep nothing /nonexistent; echo "missing file: $?"
