set -e

mkdir -p a/b/c
echo one > a/one.txt; echo two > a/b/two.txt; printf 'three\n' > a/b/c/three.txt
cp -r a copy; cp a/one.txt a/one-copy.txt
mv a/one-copy.txt a/b/moved.txt
ln a/one.txt hard.txt; ln -s a/b/two.txt soft.txt
echo "links: $(stat -c %h a/one.txt) $(readlink soft.txt) $(cat soft.txt)"
find . | sort
cat copy/b/c/three.txt hard.txt
chmod 640 a/one.txt; chmod 755 a/b
stat -c '%s %a %F %n' a/one.txt a/b soft.txt hard.txt
touch -d '2020-01-02 03:04:05 UTC' a/one.txt; stat -c '%Y %n' a/one.txt
ln -sf /nonexistent dangling; test -L dangling && ! test -e dangling && echo dangling
mv copy renamed; test -d renamed && ! test -e copy && echo renamed
rm -r renamed a/b; find . | sort
rm -rf a hard.txt soft.txt dangling
ls -A | wc -l
mkdir -p x/y && rmdir -p x/y && echo rmdir-p
mktemp -d /tmp/xos-fileops/t.XXXXXX | sed 's/t\..*/t.RANDOM/'
truncate -s 10000 big; du -b big | cut -f1; wc -c < big
echo done
