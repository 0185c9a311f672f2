
sed 's/a/A/g' in.txt | head -3
sed -n '2,4p' in.txt
sed -E 's/^([a-z]+) ([0-9]+).*/\2:\1/' in.txt
sed '/^$/d; y/abc/xyz/' in.txt
sed -n '$=' in.txt
sed '1!G;h;$!d' in.txt
cp in.txt edit.txt; sed -i.bak -e '3d' -e 's/zeta/ZETA/' edit.txt; cat edit.txt; cmp -s in.txt edit.txt.bak && echo backup-ok
printf 'one\ntwo\nthree\n' | sed -n '/two/{n;p}'
echo "path/to/file" | sed 's|/|\\|g'
sed = in.txt | sed 'N;s/\n/ /' | tail -2
